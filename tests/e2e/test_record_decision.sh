# w records a workshop decision on the selected workload's failing boundary: the form checks
# the values as they are typed (an accept needs an owner), and the decision lands in the
# workspace, where `breakout decisions` lists it after the explorer has quit.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "isolation    FAILS  (not-a-boundary)"
keys w
wait_for "Record a decision"
expect "boundary:guest-app:isolation"
# accept without an owner is refused while typing
keys Down Down "tenant accepted until the Hyper-V pool exists"
keys Enter
wait_for "owner"
expect "Record a decision"
keys Down "platform-team" Down "2027-03-31" Enter
wait_for "recorded: accept on boundary:guest-app:isolation"
quit_all
BREAKOUT_DB="$tmp/ws.db" "$bin" decisions "Shared Windows node, ContainerAdministrator guest" \
    > "$tmp/decisions.txt" 2>&1 || fail "breakout decisions failed: $(cat "$tmp/decisions.txt")"
grep -q "boundary:guest-app:isolation" "$tmp/decisions.txt" || fail "the decision is not listed"
grep -q "platform-team" "$tmp/decisions.txt" || fail "the owner is not listed"
echo "PASS"
