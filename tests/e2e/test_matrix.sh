# The boundary matrix: workloads grouped by host, against isolation and host-volume,
# HOLDS or FAILS in each cell; Enter selects the workload in the tree.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node pool"
keys m
wait_for "boundary matrix"
expect "ISOLATION"
expect "HOST-VOLUME"
expect "host node-1 (windows)"
screen | grep -F "[P]# guest-app (guest!)" | grep -F "FAILS not-a-boundary" | grep -qF "FAILS by-design" ||
    fail "guest-app: isolation and host-volume should both fail"
screen | grep -F "[P]\$ contoso-web (contoso)" | grep -F "FAILS security-boundary" | grep -qF "HOLDS" ||
    fail "contoso-web: isolation fails, host-volume holds"
keys Escape
wait_for "hosts compromised"
open_hyperv() {
    keys q
    open_scenario "Hyper-V isolated tenants"
}
open_hyperv
keys m
wait_for "boundary matrix"
screen | grep -F "[H]" | grep -qF "HOLDS" || fail "Hyper-V workloads should hold"
screen | sed 1,3d | grep -qF "FAILS" && fail "no boundary should fail under Hyper-V isolation"
echo "PASS"
