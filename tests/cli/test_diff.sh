#!/usr/bin/env bash
# `breakout diff A B [--format text|json|md]`: the three workshop what-ifs (Hyper-V switch, a
# mount made read-only, a tenant moved to its own host) print their goldens (also checked by
# tests/data/test_report_diff.c), the exit status is 1 exactly when B has a path, failing
# boundary or finding that A has not, workspace names work like files, bad usage exits 2.
# Until the command line has `diff` the test is skipped (a failure with CI=true).
set -u
bin=$1 src=$2
cd "$src"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
skip() {
    if [[ ${CI:-} == true ]]; then echo "FAIL: $* (with CI=true a skip is a failure)"; exit 1; fi
    echo "SKIP: $*"; exit 77
}
pairs=tests/golden/reports/pairs
golden=tests/golden/reports

"$bin" diff scenarios/shared-node-admin.json scenarios/shared-node-admin.json > /dev/null 2> "$tmp/err"
[[ $? -eq 2 ]] && grep -q 'unknown command' "$tmp/err" && skip "breakout has no diff command yet"

# check NAME A B EXPECTED_STATUS: every format equals its golden, with the expected status.
check() {
    local name=$1 a=$2 b=$3 want=$4 fmt ext status
    for fmt in text json md; do
        ext=$fmt; [[ $fmt == text ]] && ext=txt
        "$bin" diff "$a" "$b" --format "$fmt" > "$tmp/out" 2> "$tmp/err"
        status=$?
        [[ $status -eq $want ]] || bad "diff $a $b --format $fmt exited $status, expected $want: $(cat "$tmp/err")"
        diff -u "$golden/$name.$ext" "$tmp/out" > "$tmp/diff" || { bad "$name ($fmt) differs from its golden:"; head -30 "$tmp/diff"; }
    done
    "$bin" diff "$a" "$b" > "$tmp/default" 2> /dev/null
    cmp -s "$tmp/default" "$golden/$name.txt" || bad "$name: the default format is not text"
}

check diff-hyperv-switch scenarios/shared-node-admin.json "$pairs/shared-node-admin-hyperv.json" 0
check diff-tenant-own-host scenarios/shared-node-admin.json "$pairs/shared-node-admin-dedicated.json" 0
# read-only trades a high finding for a new medium one (readable key folder): a new finding
check diff-mount-read-only scenarios/process-ssh-mount-admin.json "$pairs/process-ssh-mount-admin-ro.json" 1

# Going back from Hyper-V opens paths: CI must see exit 1 and "regressed": true.
"$bin" diff "$pairs/shared-node-admin-hyperv.json" scenarios/shared-node-admin.json --format json > "$tmp/back.json"
status=$?
[[ $status -eq 1 ]] || bad "undoing the Hyper-V switch exited $status, expected 1"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["regressed"] and any(p["change"]=="opened" for p in d["paths"]) else 1)' "$tmp/back.json" ||
    bad "undoing the Hyper-V switch: JSON does not say regressed with opened paths"

# The same scenario twice: nothing changed, exit 0.
"$bin" diff scenarios/hostprocess.json scenarios/hostprocess.json > "$tmp/same" 2>&1
status=$?
[[ $status -eq 0 ]] || bad "diff of a scenario with itself exited $status"
grep -q "none: the scenarios are the same" "$tmp/same" || bad "diff of a scenario with itself lists edits"

# Workspace names: the default workspace is seeded with the bundled scenarios; import B.
"$bin" import "$pairs/shared-node-admin-hyperv.json" > /dev/null 2> "$tmp/err" || bad "import failed: $(cat "$tmp/err")"
"$bin" diff "Shared Windows node, ContainerAdministrator guest" "Shared Windows node, Hyper-V isolation" > "$tmp/names" 2> "$tmp/err"
status=$?
[[ $status -eq 0 ]] || bad "diff by workspace names exited $status: $(cat "$tmp/err")"
cmp -s "$tmp/names" "$golden/diff-hyperv-switch.txt" || bad "diff by workspace names differs from diff by files"

# Bad usage and bad input: exit 2 with one line on stderr.
for args in "scenarios/shared-node-admin.json" "scenarios/shared-node-admin.json $tmp/missing.json" \
            "scenarios/shared-node-admin.json scenarios/shared-node-admin.json --format xml"; do
    # shellcheck disable=SC2086
    "$bin" diff $args > /dev/null 2> "$tmp/err"
    status=$?
    [[ $status -eq 2 ]] || bad "diff $args exited $status, expected 2"
    [[ -s $tmp/err ]] || bad "diff $args said nothing on stderr"
done

[[ $fail -eq 0 ]] && echo "ok: diff tells the three what-ifs, exits 1 on regression, 2 on bad usage"
exit $fail
