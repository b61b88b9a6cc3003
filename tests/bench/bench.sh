#!/usr/bin/env bash
# Benchmarks (not a test): wall time and peak memory of `breakout analyze --format json`,
# end to end (read, analyse, write to a file), on generated fleets, without and with the fix
# plan, the fastest and the median of RUNS runs (default 3: the machine may be shared), with
# each phase's time (BREAKOUT_TIMING=1) of the fastest run.
# Usage: tests/bench/bench.sh [BINARY] [SIZES...]   (default sizes: 15000 150000 300000)
# Environment: RUNS (default 3), PLAN=0 to skip the runs with the fix plan.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/ui/breakout}
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(15000 150000 300000)
runs=${RUNS:-3}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db
printf '%-10s %-10s %8s %8s %8s %9s   %s\n' workloads run wall_s median_s peak_MB output_MB phases_ms
for n in "${sizes[@]}"; do
    python3 tests/bench/gen_fleet.py "$n" > "$tmp/fleet.json"
    modes=(no-plan)
    [[ ${PLAN:-1} == 0 ]] || modes+=(plan)
    for mode in "${modes[@]}"; do
        flags=(--format json)
        [[ $mode == no-plan ]] && flags+=(--no-plan)
        best= walls=()
        for ((r = 0; r < runs; r++)); do
            BREAKOUT_TIMING=1 /usr/bin/time -f '%e %M' -o "$tmp/time" \
                "$bin" analyze "$tmp/fleet.json" "${flags[@]}" > "$tmp/out.json" 2> "$tmp/phases"
            read -r wall kb < "$tmp/time"
            walls+=("$wall")
            if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
                best=$wall best_kb=$kb
                phases=$(awk '/^breakout: / { printf "%s=%.0f ", $2 == "fix" ? "plan" : $2, $(NF-4) }' \
                    "$tmp/phases")
            fi
        done
        median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
        printf '%-10s %-10s %8s %8s %8d %9d   %s\n' "$n" "$mode" "$best" "$median" $((best_kb / 1024)) \
            $(($(stat -c %s "$tmp/out.json") / 1048576)) "$phases"
    done
done
