# u undoes the last edit and Ctrl-R redoes it, with the analysis following each time;
# undoing past the first edit says there is nothing to undo.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "isolation    FAILS"
keys i
wait_for "guest-app: isolation process -> hyperv"
keys a
wait_for "guest-app: account admin -> user"
expect "[H]$ guest-app"
keys u
wait_for "undone: guest-app: account admin -> user"
expect "[H]# guest-app"
keys u
wait_for "undone: guest-app: isolation process -> hyperv"
expect "isolation    FAILS  (not-a-boundary)"
expect "[P]# guest-app"
expect "hosts compromised 1 of 1"
keys u
wait_for "nothing to undo"
keys C-r
wait_for "redone: guest-app: isolation process -> hyperv"
expect "isolation    HOLDS"
expect "[H]# guest-app"
keys C-r
wait_for "redone: guest-app: account admin -> user"
expect "[H]$ guest-app"
keys C-r
wait_for "nothing to redo"
# a new edit after an undo ends redo
keys u
wait_for "undone: guest-app: account admin -> user"
keys c
wait_for "guest-app: compromised no -> yes"
keys C-r
wait_for "nothing to redo"
quit_all
echo "PASS"
