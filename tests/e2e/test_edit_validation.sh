# Forms check as the user types and say what is wrong on the status line; an invalid form
# cannot be saved. A removal that would leave workloads dangling is refused with the reason.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node, ContainerAdministrator guest"
select_item "node-1"
keys +
wait_for "a workload on this host"
keys w
wait_for "Add a workload"
type_text "guest-app"
wait_for 'id "guest-app" is already used'
keys Enter # refused: the form stays
expect "Add a workload"
expect 'id "guest-app" is already used'
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
wait_for "id must not be empty"
type_text " x"
wait_for "id must not start or end with a space"
keys BSpace BSpace
type_text "fresh"
wait_for "fresh_"
wait_gone "id must"
keys Escape # cancel: nothing added
wait_gone "Add a workload"
expect_not "fresh"
expect "starts 1"
# a mount needs a host path
select_item "guest-app"
keys +
wait_for "a mount to this workload"
keys m
wait_for "Add a mount of guest-app"
expect "host path must not be empty"
keys Enter
expect "Add a mount of guest-app"
keys Escape
wait_gone "Add a mount"
# a tenant with workloads cannot go
select_item "guest"
wait_for "Tenant guest"
keys d
wait_for 'tenant "guest" still has workload "guest-app": remove or move its workloads first'
quit_all
echo "PASS"
