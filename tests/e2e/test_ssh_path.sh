# The paths view lists paths lowest effort first; Enter steps through the .ssh injection
# path hop by hop with its boundary, servicing class, teaching text and what closes it.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Hyper-V isolation with a writable .ssh mount"
keys p
wait_for "attack paths"
expect "2 paths from the starts, lowest effort first"
# lowest effort first: the one-hop injection (effort 2) before the three-hop path (effort 6)
first=$(screen | grep -n "guest-app -> host:node-1" | cut -d: -f1)
second=$(screen | grep -n "guest-app -> tenant:contoso" | cut -d: -f1)
[ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ] ||
    fail "paths are not listed lowest effort first"
keys Enter
wait_for "Hop 1 of 1: "
expect "technique: hostpath-ssh-injection"
expect "from:      guest-app (user)"
expect "to:        host node-1 (user)"
expect "crosses:   the host-volume boundary"
expect "servicing: by-design"
expect "mount:     C:\\Users\\azureuser\\.ssh (read-write)"
expect "Why it works"
expect "What closes it"
expect "Source"
keys n
wait_for "last hop"
keys Escape
wait_for "EFFORT HOPS"
keys Down Enter
wait_for "Hop 1 of 3: "
expect "technique: hostpath-ssh-injection"
keys n
wait_for "Hop 2 of 3: "
expect "technique: host-kernel-escalation"
keys Right
wait_for "Hop 3 of 3: "
expect "technique: host-controls-workloads"
expect "crosses:   the tenant boundary"
expect "give each tenant hosts of its own"
keys b
wait_for "Hop 2 of 3: "
keys Left
wait_for "Hop 1 of 3: "
keys q
wait_for "EFFORT HOPS"
keys q
wait_for "hosts compromised"
echo "PASS"
