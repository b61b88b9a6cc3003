# `?` shows the help generated from the key table, and Esc returns to where it was.
. "$(dirname "$0")/lib.sh"

start
wait_for "scenarios)"
keys ?
wait_for "Keys"
expect "Up, k"
expect "attack paths, lowest effort first"
expect "boundary matrix"
expect "findings and the fix plan"
expect "back; quit from the scenario list"
expect "workload: isolation process > hyperv > sandbox > host"
keys End
wait_for "[P] process isolation"
expect "undo the last edit"
expect "fix plan: apply the selected change"
keys Escape
wait_for "scenarios)"
open_scenario "Shared Windows node pool"
keys ?
wait_for "Keys"
keys q
wait_for "hosts compromised"
echo "PASS"
