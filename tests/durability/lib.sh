# Helpers for the hardening script tests (tests/cli/test_limits.sh, test_durability*.sh,
# test_robust*.sh), sourced with $1 = the breakout binary, $2 = the source dir, $3 = the
# shared dir (tests/CMakeLists.txt). Each test gets a temporary directory and a workspace in
# it; failures are collected and reported at the end (finish).
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
shared=$3
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
cleanup_hooks=()
cleanup() {
    local h
    for h in "${cleanup_hooks[@]}"; do eval "$h"; done
    rm -rf "$tmp"
}
trap cleanup EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=1
py=/usr/bin/python3
failed=0

# skip REASON: exit 77, or fail when CI=true (a skip must not pass silently in CI).
skip() {
    echo "SKIP: $*"
    if [ "${CI:-}" = true ]; then
        echo "FAIL: CI=true, and a skip is a failure"
        exit 1
    fi
    exit 77
}

bad() {
    echo "FAIL: $*"
    failed=1
}

# run ARGS...: runs breakout with stdin from /dev/null; sets rc, keeps stdout and stderr.
run() {
    "$bin" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
    rc=$?
    sanitizer_check "breakout $*"
}

# run_in INPUT ARGS...: the same with stdin from INPUT.
run_in() {
    local input=$1
    shift
    "$bin" "$@" < "$input" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    sanitizer_check "breakout $* < $input"
}

sanitizer_check() {
    if grep -qE 'LeakSanitizer|runtime error|AddressSanitizer' "$tmp/err"; then
        cat "$tmp/err"
        bad "sanitizer report from: $1"
    fi
}

show() {
    echo "  exit $rc; stdout: $(head -c 300 "$tmp/out")"
    echo "  stderr: $(head -c 600 "$tmp/err")"
}

# expect_fail LINE WHAT: the last run exited 2, printed nothing on stdout and exactly LINE on
# stderr.
expect_fail() {
    local ok=1
    [ "$rc" -eq 2 ] || ok=0
    [ ! -s "$tmp/out" ] || ok=0
    printf '%s\n' "$1" > "$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" || ok=0
    if [ $ok -eq 0 ]; then
        bad "$2"
        echo "  expected: exit 2 and the line: $1"
        show
    fi
}

# expect_ok WHAT: the last run exited 0.
expect_ok() {
    [ "$rc" -eq 0 ] || {
        bad "$1: exit $rc"
        show
    }
}

# digest FILE...: one checksum of the files' names and bytes (missing files count as such).
digest() {
    local f
    for f in "$@"; do
        if [ -e "$f" ]; then
            printf '%s ' "$f"
            sha256sum < "$f"
        else
            echo "$f absent"
        fi
    done | sha256sum | cut -d' ' -f1
}

# workspace_state DB: what a user sees of a workspace (every scenario exported), one checksum.
workspace_state() {
    local db=$1 name
    {
        "$bin" --db "$db" list 2>&1 < /dev/null
        "$bin" --db "$db" list 2> /dev/null < /dev/null | tail -n +2 | sed 's/^ *[0-9]* *[0-9]* *[0-9]*  //' |
            while IFS= read -r name; do
                "$bin" --db "$db" export "$name" 2>&1 < /dev/null
            done
    } | sha256sum | cut -d' ' -f1
}

# now_ms: milliseconds since the epoch.
now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# finish: the verdict.
finish() {
    if [ $failed -ne 0 ]; then
        echo "FAILED"
        exit 1
    fi
    echo "PASS"
    exit 0
}
