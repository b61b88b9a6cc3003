# kill -9 right after an edit loses nothing: the edit was committed before the screen said
# so, and the workspace opens cleanly afterwards.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Hyper-V isolation with a writable .ssh mount"
select_item "guest-app"
keys Down # its mount
wait_for "Mount of guest-app"
keys r
wait_for "guest-app: mount C:\\Users\\azureuser\\.ssh read-write -> read-only"
pid=$(explorer_pid)
[ -n "$pid" ] || fail "cannot find the explorer's pid"
kill -9 "$pid"
wait_exit "$pid"
restart
open_scenario "Hyper-V isolation with a writable .ssh mount"
wait_for "ro C:\\Users\\azureuser\\.ssh"
expect "paths 0"
keys u
wait_for "undone: guest-app: mount C:\\Users\\azureuser\\.ssh read-write -> read-only"
expect "rw C:\\Users\\azureuser\\.ssh"
quit_all
echo "PASS"
