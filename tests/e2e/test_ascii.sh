# Outside a UTF-8 locale the rules are ASCII ('-' and '|'), never UTF-8 box drawing.
. "$(dirname "$0")/lib.sh"

start LANG=C LC_ALL=C
open_scenario "Shared Windows node pool"
wait_for "hosts compromised"
screen | grep -q -- "-----------" || fail "no ASCII rule"
screen | grep -q "│\|─" && fail "UTF-8 box drawing in the C locale"
screen | grep -qF " | Workload guest-app" || fail "no ASCII pane divider"
echo "PASS"
