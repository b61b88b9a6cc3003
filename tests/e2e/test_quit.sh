# q goes back from sub-views and quits from the scenario list with status 0; the terminal
# is left to the shell.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node pool"
keys f
wait_for "FIX PLAN"
keys q
wait_for "hosts compromised"
keys q
wait_for "scenarios)"
keys q
wait_for "explorer exited with status 0"
expect_not "scenarios)"
expect_not "Sanitizer"
expect_not "runtime error"
echo "PASS"
