# `/` searches the tree incrementally over ids, `n` goes to the next match, Esc cancels.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node pool"
wait_for "Workload guest-app"
keys /
wait_for "search:"
type_text "contoso-w"
wait_for "Workload contoso-web"
keys Enter
wait_gone "search:"
expect "Workload contoso-web"
keys /
type_text "node"
wait_for "Host node-1"
keys Escape
wait_for "Workload contoso-web"
keys /
type_text "guest"
keys Enter
wait_gone "search:"
# from contoso-web, in tree order: the workload guest-app, then (wrapping) the tenant guest
wait_for "Workload guest-app"
keys n
wait_for "Tenant guest"
keys n
wait_for "Workload guest-app"
keys /
type_text "zzz"
wait_for "search: zzz"
keys Enter
expect "Workload guest-app"
keys n
wait_for "no match for \"zzz\""
echo "PASS"
