# Beyond the 20 candidate changes of the exact search, the findings view shows the (greedy)
# fix plan at once, as analyze does: nothing to ask for, no "takes minutes".
. "$(dirname "$0")/lib.sh"

python3 "$src/tests/bench/gen_fleet.py" 2000 > "$tmp/fleet.json" || fail "gen_fleet.py failed"
BREAKOUT_DB=$tmp/ws.db "$bin" import "$tmp/fleet.json" > /dev/null || fail "cannot import the fleet"
start
open_scenario "Fleet of 2000 workloads"
keys f
wait_for "FINDINGS ("
expect "n/b select  v preview  F apply"
keys n # selects the plan's second change, and scrolls to it
wait_for "> 2. "
expect "FIX PLAN (greedy minimum over"
expect_not "press Enter"
quit_all
echo "PASS"
