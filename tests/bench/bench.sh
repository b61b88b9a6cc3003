#!/usr/bin/env bash
# Benchmarks (not a test): wall time and peak memory of `breakout analyze --format json`,
# end to end (read, analyse, write), on generated fleets, with and without the fix plan.
# Usage: tests/bench/bench.sh [BINARY] [SIZES...]   (default sizes: 15000 150000 300000)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/ui/breakout}
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(15000 150000 300000)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db
printf '%-10s %-24s %10s %12s %12s\n' workloads run wall_s peak_MB output_MB
for n in "${sizes[@]}"; do
    python3 tests/bench/gen_fleet.py "$n" > "$tmp/fleet.json"
    for mode in no-plan plan; do
        flags=(--format json)
        [[ $mode == no-plan ]] && flags+=(--no-plan)
        [[ $mode == plan && $n -gt 15000 ]] && continue # the fix plan is measured on 15k (see docs)
        /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" analyze "$tmp/fleet.json" "${flags[@]}" > "$tmp/out.json"
        read -r wall kb < "$tmp/time"
        printf '%-10s %-24s %10s %12d %12d\n' "$n" "analyze ($mode)" "$wall" $((kb / 1024)) \
            $(($(stat -c %s "$tmp/out.json") / 1048576))
    done
done
