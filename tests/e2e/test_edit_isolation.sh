# i on the untrusted admin guest flips its isolation to Hyper-V at once: its isolation
# boundary turns from FAILS to HOLDS, the host is no longer compromised, and the status line
# says what changed (with its time under BREAKOUT_TIMING=1).
. "$(dirname "$0")/lib.sh"

start BREAKOUT_TIMING=1
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "isolation    FAILS  (not-a-boundary)"
expect "[P]# guest-app  guest! *"
expect "hosts compromised 1 of 1"
keys i
wait_for "guest-app: isolation process -> hyperv"
expect "isolation    HOLDS"
expect_not "isolation    FAILS"
expect "[H]# guest-app  guest! *"
expect "hosts compromised 0 of 1"
expect "paths 2 -> 0"
screen | grep -qE '^ \[[0-9]+\.[0-9] ms\] guest-app' || fail "BREAKOUT_TIMING=1 should show the edit's time"
# the boundary matrix agrees
keys m
wait_for "boundary matrix"
screen | grep -F "[H]# guest-app (guest!)" | grep -qF "HOLDS" || fail "the matrix should show HOLDS"
# i cycles on: sandbox, then host (no isolation at all)
keys Escape
wait_for "hosts compromised"
keys i
wait_for "guest-app: isolation hyperv -> sandbox"
keys i
wait_for "guest-app: isolation sandbox -> host"
expect "[!]# guest-app"
expect "isolation    FAILS"
quit_all
echo "PASS"
