# + on a host opens the "Add" menu; w gives the workload form, which adds a workload on that
# host: it appears in the tree, selected, with its analysis.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "starts 1"
select_item "node-1"
wait_for "Host node-1"
keys +
wait_for "a workload on this host"
keys w
wait_for "Add a workload"
expect "id must not be empty"
type_text "batch-job"
wait_for "batch-job_"
keys Tab
type_text "g" # type-ahead in the tenant choice: guest
wait_for "< guest >"
keys Enter
wait_for "added workload batch-job (tenant guest, host node-1, process, admin)"
expect_not "Add a workload"
expect "[P]# batch-job  guest! *"
expect "Workload batch-job  * start"
expect "starts 2"
expect "isolation    FAILS  (not-a-boundary)"
quit_all
echo "PASS"
