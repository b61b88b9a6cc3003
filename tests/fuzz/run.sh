#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (address + undefined sanitizers, libFuzzer's
# coverage) and fuzzes one of them for a set time: tests/fuzz/run.sh TARGET SECONDS [ARGS...]
# TARGET: scenario, catalog, k8s_json, k8s_yaml or docker; ARGS go to libFuzzer.
# The build is in $BREAKOUT_FUZZ_BUILD (default SOURCE/build-fuzz); the corpus it grows is
# kept there (corpus/TARGET), seeded from the same files as the ctest replay; a crash is saved
# in artifacts/TARGET/ (copy it to tests/fuzz/regressions/TARGET/ with the fix). The log is
# logs/TARGET.log and the last line of the summary goes to results.tsv. docs/fuzzing.md.
set -euo pipefail

usage() {
    echo "usage: $0 scenario|catalog|k8s_json|k8s_yaml|docker SECONDS [LIBFUZZER-ARGS...]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case $target in scenario | catalog | k8s_json | k8s_yaml | docker) ;; *) usage ;; esac
[[ $seconds =~ ^[0-9]+$ ]] || usage

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
shared=$(cd "$src/.." && pwd)/shared
build=${BREAKOUT_FUZZ_BUILD:-$src/build-fuzz}
command -v clang > /dev/null || { echo "run.sh: clang is not installed" >&2; exit 2; }

if [ ! -f "$build/CMakeCache.txt" ]; then
    mkdir -p "$build"
    CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DBREAKOUT_FUZZ=ON -DBREAKOUT_SANITIZE=ON -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" \
        > "$build/configure.log" 2>&1 || { cat "$build/configure.log" >&2; exit 1; }
fi
# one build at a time: two fuzzers are often started together
flock "$build/.build.lock" cmake --build "$build" --target "fuzz_$target" -j2 \
    > "$build/build-$target.log" 2>&1 || { tail -40 "$build/build-$target.log" >&2; exit 1; }

# The seeds, as the replay in tests/fuzz/CMakeLists.txt reads them (copied, flattened).
seeds=$build/seeds/$target
rm -rf "$seeds"
mkdir -p "$seeds" "$build/corpus/$target" "$build/artifacts/$target" "$build/logs"
add_seeds() { # EXTENSIONS PATH...
    local ext=$1 p f
    shift
    for p in "$@"; do
        [ -e "$p" ] || continue
        find "$p" -type f | while read -r f; do
            case ",$ext," in *",${f##*.},"*) ;; *) continue ;; esac
            cp "$f" "$seeds/$(printf '%s' "${f#"$src"/}" | tr '/' '_')"
        done
    done
}
case $target in
scenario) add_seeds json "$src/scenarios" "$src/tests/malformed" \
    "$src/tests/e2e/golden/hostile-strings.json" "$here/seeds/scenario" ;;
catalog) add_seeds json "$src/data/catalog.json" "$src/tests/cli/data" "$here/seeds/catalog" ;;
k8s_json) add_seeds json "$here/seeds/k8s_json" "$shared/corpus" ;;
k8s_yaml) add_seeds yaml,yml "$src/tests/import" "$here/seeds/k8s_yaml" "$shared/corpus" ;;
docker) add_seeds json "$here/seeds/docker" "$shared/corpus/watchtower" ;;
esac
add_seeds json,yaml,yml,txt "$here/regressions/$target"
case $target in
scenario) dict=scenario ;; catalog) dict=catalog ;; docker) dict=docker ;; *) dict=k8s ;;
esac

log=$build/logs/$target.log
echo "fuzzing $target for $seconds s ($(ls "$seeds" | wc -l) seeds); log: $log"
status=0
started=$(date +%s)
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -dict="$here/dict/$dict.dict" \
    -artifact_prefix="$build/artifacts/$target/" "$@" \
    "$build/corpus/$target" "$seeds" > "$log" 2>&1 || status=$?

elapsed=$(($(date +%s) - started))
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' <<< "$last")
ft=$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' <<< "$last")
verdict=ok
[ "$status" -eq 0 ] || verdict="FAILED (status $status; see $log and $build/artifacts/$target/)"
corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<< "$last")
printf '%s\t%s\t%s of %s s\t%s execs\tcov %s\tft %s\tcorp %s\t%s\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$target" "$elapsed" "$seconds" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "${corp:-?}" "$verdict" | tee -a "$build/results.tsv"
echo "last line: $last"
exit "$status"
