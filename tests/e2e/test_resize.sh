# Below 80x24 a polite "terminal too small" screen; back to size, the view returns.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node pool"
wait_for "hosts compromised"
tm resize-window -x 60 -y 15
wait_for "terminal too small (need 80x24, have 60x15)"
expect_not "hosts compromised"
tm resize-window -x 80 -y 24
wait_for "hosts compromised"
expect "Workload guest-app"
expect "? help"
[ "$(screen | wc -l)" -eq 24 ] || fail "expected a 24-line screen"
keys p
wait_for "EFFORT HOPS"
tm resize-window -x 100 -y 30
wait_for "EFFORT HOPS"
expect "2 paths from the starts"
echo "PASS"
