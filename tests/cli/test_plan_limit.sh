#!/usr/bin/env bash
# The fix plan of a fleet with thousands of candidate changes is searched by default (it is
# searched start by start, in milliseconds); --plan-limit N still skips it beyond N candidates
# and says so, and --plan-limit 0 is the default.
# Usage: test_plan_limit.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (run by ctest).
. "$(dirname "$0")/../durability/lib.sh"

$py tests/bench/gen_fleet.py 1500 > "$tmp/fleet.json" || bad "gen_fleet.py"

# plan FILE: "method candidates fixes unclosable" of an analysis in JSON
plan() {
    $py -c 'import json, sys
d = json.load(open(sys.argv[1]))
p = d["fix_plan"]
print(p["method"], p["candidates"], len(d["fixes"]), len(d["unclosable"]))' "$1"
}

run analyze "$tmp/fleet.json" --format json
expect_ok "analyze a fleet of 1500"
cp "$tmp/out" "$tmp/default.json"
read -r method candidates fixes unclosable <<< "$(plan "$tmp/default.json")"
[ "$method" = greedy ] || bad "the default searches the plan: method $method"
[ "$candidates" -gt 500 ] || bad "the fleet has more than the old limit of 500 candidates: $candidates"
[ "$fixes" -gt 0 ] || bad "the plan lists changes: $fixes"
[ "$unclosable" -eq 0 ] || bad "with Hyper-V available every path of the fleet closes: $unclosable"

run analyze "$tmp/fleet.json" --format json --plan-limit 0
expect_ok "--plan-limit 0"
cmp -s "$tmp/out" "$tmp/default.json" || bad "--plan-limit 0 is the default"

run analyze "$tmp/fleet.json" --format json --plan-limit 100
expect_ok "--plan-limit 100"
read -r method candidates fixes unclosable <<< "$(plan "$tmp/out")"
[ "$method" = skipped ] && [ "$fixes" -eq 0 ] || bad "--plan-limit 100 skips the plan: $method, $fixes"

run analyze "$tmp/fleet.json" --plan-limit 100
expect_ok "--plan-limit 100, text"
grep -q "FIX PLAN not searched: $candidates candidate changes" "$tmp/out" ||
    bad "the text report says the plan was not searched"

run --help
grep -q -- "--plan-limit N .*candidate" "$tmp/out" && grep -q "(default 0: no limit)" "$tmp/out" ||
    bad "--help gives the default"

finish
