# A left click selects a row: a scenario in the list, an item in the tree.
. "$(dirname "$0")/lib.sh"

start
wait_for "scenarios)"
# the list starts on row 3; find the row of the scenario and click it
row=$(screen | grep -nF "Hyper-V isolation with a writable .ssh mount" | cut -d: -f1)
[ -n "$row" ] || fail "scenario not listed"
click 20 $((row - 1))
keys Enter
wait_for "breakout | Hyper-V isolation with a writable .ssh mount"
row=$(screen | grep -nF "tenant contoso" | head -1 | cut -d: -f1)
[ -n "$row" ] || fail "no tenant contoso in the tree"
click 5 $((row - 1))
wait_for "Tenant contoso"
expect "trust: trusted"
row=$(screen | grep -nF "host node-1" | head -1 | cut -d: -f1)
click 5 $((row - 1))
wait_for "Host node-1"
expect "compromised by a start: YES"
echo "PASS"
