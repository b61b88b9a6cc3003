# Every edit is in the workspace at once: after quitting and reopening, the edit is there,
# and u still undoes it (the history is kept in the workspace).
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node, ContainerAdministrator guest"
keys i
wait_for "guest-app: isolation process -> hyperv"
keys q
wait_for "scenarios)"
keys q
wait_for "explorer exited with status 0"
restart
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "[H]# guest-app  guest! *"
expect "isolation    HOLDS"
expect "hosts compromised 0 of 1"
keys u
wait_for "undone: guest-app: isolation process -> hyperv"
expect "isolation    FAILS  (not-a-boundary)"
keys q
wait_for "scenarios)"
keys q
wait_for "explorer exited with status 0"
restart
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "[P]# guest-app  guest! *"
keys C-r
wait_for "redone: guest-app: isolation process -> hyperv"
quit_all
echo "PASS"
