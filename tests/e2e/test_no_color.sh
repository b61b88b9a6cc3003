# Colour marks FAILS in red; with NO_COLOR=1 no colour reaches the screen, and the symbols
# and words still tell everything.
. "$(dirname "$0")/lib.sh"

esc=$(printf '\033')
start
open_scenario "Shared Windows node pool"
wait_for "FAILS"
tm capture-pane -e -p > "$tmp/colour.txt"
grep -q "${esc}\[[0-9;]*31m\(.*\)FAILS\|${esc}\[[0-9;]*31m[^$esc]*FAILS" "$tmp/colour.txt" ||
    fail "FAILS is not red with colour on"
tm kill-server
sock="$sock-mono" # a fresh server: the old one may still be shutting down
start NO_COLOR=1
open_scenario "Shared Windows node pool"
wait_for "FAILS"
tm capture-pane -e -p > "$tmp/mono.txt"
grep -q "${esc}\[[0-9;]*3[0-7]m\|${esc}\[[0-9;]*4[0-7]m\|${esc}\[[0-9;]*38;" "$tmp/mono.txt" &&
    fail "NO_COLOR=1: colours on screen"
expect "[P]# guest-app  guest! *"
expect "tenant guest ! untrusted"
echo "PASS"
