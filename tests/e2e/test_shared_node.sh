# The explorer opens a bundled scenario from the list: the admin guest's isolation FAILS,
# and the whole screen matches the golden capture (golden/shared-node.txt).
. "$(dirname "$0")/lib.sh"

start
wait_for "Shared Windows node, ContainerAdministrator guest"
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "isolation    FAILS  (not-a-boundary)"
expect "Workload guest-app  * start"
expect "hosts compromised 1 of 1"
expect "[P]# guest-app  guest! *"
expect "tenant guest ! untrusted"
screen > "$tmp/screen.txt"
golden="$src/tests/e2e/golden/shared-node.txt"
[ "${UPDATE_GOLDENS:-}" = 1 ] && cp "$tmp/screen.txt" "$golden" # on purpose only; review the diff
if ! diff -u "$golden" "$tmp/screen.txt"; then
    fail "the screen differs from $golden"
fi
echo "PASS"
