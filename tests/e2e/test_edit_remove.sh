# d removes the selected item after asking (n keeps it); u brings it back.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Hyper-V isolation with a writable .ssh mount"
select_item "guest-app"
keys Down
wait_for "Mount of guest-app"
keys d
wait_for "Remove mount C:\\Users\\azureuser\\.ssh of guest-app? (u undoes it)"
keys n
wait_gone "Remove mount"
expect "rw C:\\Users\\azureuser\\.ssh"
keys Delete
wait_for "Remove mount"
keys y
wait_for "guest-app: removed mount C:\\Users\\azureuser\\.ssh; 1 boundary now HOLDS; paths 2 -> 0"
expect_not "rw C:\\Users\\azureuser\\.ssh"
expect "Workload guest-app" # the selection moved to its workload
keys u
wait_for "undone: guest-app: removed mount"
expect "rw C:\\Users\\azureuser\\.ssh"
# a whole workload
select_item "contoso-web"
keys d
wait_for "Remove workload contoso-web?"
keys Enter
wait_for "removed workload contoso-web"
expect_not "contoso-web  contoso"
keys u
wait_for "undone: removed workload contoso-web"
expect "contoso-web  contoso"
quit_all
echo "PASS"
