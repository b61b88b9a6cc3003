# D in the scenario list forks a scenario for a what-if: both exist, and an edit to the fork
# leaves the original as it was (checked in the explorer and with breakout analyze --check).
. "$(dirname "$0")/lib.sh"

orig="Shared Windows node, ContainerAdministrator guest"
start
wait_for "scenarios)"
keys /
type_text "$orig"
wait_for "search: $orig"
keys Enter
wait_gone "search:"
keys D
wait_for "Fork for a what-if"
expect "ContainerAdministrator guest (what-if)_" # the end of a long value stays in view
keys Enter
wait_for "forked \"$orig\" as \"Shared Windows" # the rest is cut at 100 columns
expect "$orig (what-if)"
keys Enter
wait_for "breakout | $orig (what-if)"
keys i
wait_for "guest-app: isolation process -> hyperv"
keys q
wait_for "scenarios)"
keys g /
type_text "ContainerAdministrator guest"
wait_for "search: ContainerAdministrator guest"
keys Enter
wait_gone "search:"
keys Enter
wait_for "breakout | $orig"
expect_not "(what-if)"
expect "[P]# guest-app  guest! *"
expect "isolation    FAILS"
# the workspace agrees: the original still has paths, the fork has none
BREAKOUT_DB="$tmp/ws.db" "$bin" analyze --check "$orig" > /dev/null
[ $? -eq 1 ] || fail "the original should still fail --check"
BREAKOUT_DB="$tmp/ws.db" "$bin" analyze --check "$orig (what-if)" > /dev/null ||
    fail "the fork should pass --check"
quit_all
echo "PASS"
