#!/usr/bin/env bash
# `breakout minutes`: a review in two sittings through the command line, with a fixed clock
# (--today) and fixed names (--as), gives the minutes tests/data/test_decisions.c checks
# (tests/golden/minutes/pool-{first,second}.{md,html}); -o writes the same bytes; each minutes
# are kept as a snapshot and the next ones say what changed; a bad --format is a usage error.
# Until the command line knows `minutes` the test is skipped (a failure with CI=true).
# Usage: test_decisions_minutes.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (run from SOURCE_DIR).
set -u
bin=$(realpath "$1") src=$2
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export NO_COLOR=1
py=/usr/bin/python3
fail=0
pool="Shared Windows node pool" # scenarios/process-ssh-mount-admin.json, seeded
iso=boundary:guest-app:isolation
vol=boundary:guest-app:host-volume

bad() { echo "FAIL: $*"; fail=1; }
skip() {
    if [[ ${CI:-} == true ]]; then echo "FAIL: $* (with CI=true a skip is a failure)"; exit 1; fi
    echo "SKIP: $*"; exit 77
}
run() {
    "$bin" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if grep -qE 'LeakSanitizer|runtime error|AddressSanitizer' "$tmp/err"; then
        cat "$tmp/err"; bad "sanitizer report from: breakout $*"
    fi
}
ok() { run "$@"; [[ $rc -eq 0 ]] || { bad "breakout $*: exit $rc: $(head -c 400 "$tmp/err")"; }; }

export BREAKOUT_DB=$tmp/probe.db
run minutes "$pool"
if [[ $rc -eq 2 ]] && grep -q 'unknown command "minutes"' "$tmp/err"; then
    skip "the command line does not know minutes yet: $(head -1 "$tmp/err")"
fi

for fmt in md html; do
    export BREAKOUT_DB=$tmp/$fmt.db
    # the decisions of the review, as tests/data/test_decisions.c records them
    ok decide "$pool" "$iso" note --text "first look: the guest runs as admin" --as bob --today 2026-01-10T09:00:00Z
    ok decide "$pool" "$iso" accept --reason "legacy installer needs admin; replaced in Q1" \
        --owner platform --review 2027-03-31 --as alice --today 2026-01-12T10:00:00Z
    ok decide "$pool" "$vol" fix --text "make the .ssh mount read-only" --owner platform \
        --due 2026-01-14 --as alice --today 2026-01-12T10:05:00Z
    ok decide "$pool" finding:shared-kernel:node-1 dispute \
        --reason "contoso-web is a test tenant, not a customer" --as carol --today 2026-01-12T10:10:00Z
    ok decide "$pool" "path:guest-app->tenant:contoso" note \
        --text "raise with contoso's security contact" --as bob --today 2026-01-12T10:15:00Z

    ok minutes "$pool" --format $fmt --as alice --today 2026-01-15T15:00:00Z -o "$tmp/first.$fmt"
    [[ -s $tmp/out ]] && bad "minutes -o also wrote to stdout"
    diff -u tests/golden/minutes/pool-first.$fmt "$tmp/first.$fmt" > "$tmp/diff" ||
        { bad "first minutes ($fmt) differ from the golden:"; head -40 "$tmp/diff"; }

    # between the sittings guest-app moves to Hyper-V isolation (here by import --replace)
    ok export "$pool" -o "$tmp/pool.json"
    $py - "$tmp/pool.json" "$tmp/hyperv.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s.pop("decisions", None)
for w in s["workloads"]:
    if w["id"] == "guest-app": w["isolation"] = "hyperv"
json.dump(s, open(sys.argv[2], "w"), indent=1)
PY
    ok import --replace "$tmp/hyperv.json"
    ok decide "$pool" 'fix:mount-read-only:guest-app:C:\Users\azureuser\.ssh' fix --owner alice \
        --due 2026-02-01 --as alice --today 2026-01-20T09:00:00Z
    ok minutes "$pool" --format $fmt --as bob --today 2026-01-21T09:00:00Z
    cp "$tmp/out" "$tmp/second.$fmt"
    diff -u tests/golden/minutes/pool-second.$fmt "$tmp/second.$fmt" > "$tmp/diff" ||
        { bad "second minutes ($fmt) differ from the golden:"; head -40 "$tmp/diff"; }
done

# a third set right after: nothing changed since the second
ok minutes "$pool" --as carol --today 2026-01-21T10:00:00Z
grep -q "The previous minutes were taken by bob at 2026-01-21T09:00:00Z." "$tmp/out" ||
    bad "the third minutes do not name the second"
grep -q "Nothing changed: the scenario, its verdicts, paths and findings are as they were" "$tmp/out" ||
    bad "the third minutes see a change"

run minutes "$pool" --format pdf
[[ $rc -eq 2 ]] || bad "minutes --format pdf: exit $rc, expected 2"
grep -q -- '--format: expected md or html, got "pdf"' "$tmp/err" || bad "minutes --format pdf: $(cat "$tmp/err")"
run minutes ghost
[[ $rc -eq 2 ]] || bad "minutes of a missing scenario: exit $rc, expected 2"
grep -q 'no scenario named "ghost" in the workspace' "$tmp/err" || bad "minutes ghost: $(cat "$tmp/err")"

exit $fail
