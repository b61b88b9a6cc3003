# A opens the assumptions form; assuming a hypervisor exploit makes the Hyper-V guest's
# isolation fail, and the edit is undoable like any other.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Hyper-V isolated tenants"
wait_for "isolation    HOLDS"
keys A
wait_for "Assumptions and description"
keys Down
wait_for "< no >"
keys Right
wait_for "< yes >"
keys Enter
wait_for "assumptions: hypervisor_exploit false -> true"
expect "isolation    FAILS"
keys g # the scenario row shows the assumptions
wait_for "hypervisor_exploit   true"
keys u
wait_for "undone: assumptions: hypervisor_exploit false -> true"
expect "hypervisor_exploit   false"
quit_all
echo "PASS"
