#!/usr/bin/env bash
# breakout analyze: a file or a workspace name (a file wins), --format text|json, --check,
# --assume, --max-paths, -o, --catalog (a technique defined only in a catalog file creates a
# path; a malformed catalog is refused), and the errors for a missing file or name.
# Usage: test_analyze.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (run from SOURCE_DIR by ctest).
set -u
bin=$(realpath "$1") src=$2
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db
unset NO_COLOR
py=/usr/bin/python3
fail=0
esc=$'\e'
hint="Try 'breakout --help' for more information."
data=tests/cli/data

bad() { echo "FAIL: $*"; fail=1; }
run() {
    "$bin" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if grep -qE 'LeakSanitizer|runtime error|AddressSanitizer' "$tmp/err"; then
        cat "$tmp/err"; bad "sanitizer report from: breakout $*"
    fi
}
show() { echo "  exit $rc; stdout: $(head -c 300 "$tmp/out")"; echo "  stderr: $(head -c 300 "$tmp/err")"; }
expect_rc() { [[ $rc -eq $1 ]] || { bad "$2: exit $rc, expected $1"; show; }; }
expect_no_stdout() { [[ ! -s $tmp/out ]] || { bad "$1: printed on stdout"; show; }; }
expect_no_stderr() { [[ ! -s $tmp/err ]] || { bad "$1: printed on stderr"; show; }; }
expect_err() { # expect_err WHAT LINE...: stderr is exactly these lines
    local what=$1; shift
    printf '%s\n' "$@" > "$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" || { bad "$what: unexpected stderr"; echo "  expected: $(cat "$tmp/want")"; echo "  actual:   $(head -c 400 "$tmp/err")"; }
}
# jq_py FILE EXPR: prints the Python expression EXPR over the JSON document d in FILE;
# fails (and says so) when FILE is not valid JSON
jpy() {
    $py -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2" 2> "$tmp/py.err" || { bad "not valid JSON: $1 ($(tail -1 "$tmp/py.err"))"; return 1; }
}
name_of() { $py -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$1"; }

admin=scenarios/shared-node-admin.json
user=scenarios/shared-node-user.json
admin_name=$(name_of "$admin")
[[ $admin_name == "Shared Windows node, ContainerAdministrator guest" ]] || bad "$admin is not the scenario this test expects"
# the facts the summary check below relies on
[[ $(jpy "$admin" '[h["id"] for h in d["hosts"]]') == "['node-1']" ]] || bad "$admin: hosts are not ['node-1']"
[[ $(jpy "$admin" '[(t["id"], t["trust"]) for t in d["tenants"]]') == "[('contoso', 'trusted'), ('guest', 'untrusted')]" ]] ||
    bad "$admin: tenants are not contoso (trusted) and guest (untrusted)"

# ---- a file and a workspace name give the same output ----
"$bin" list > /dev/null 2>&1 < /dev/null   # seed the workspace
for fmt in text json; do
    run analyze "$admin" --format "$fmt"
    expect_rc 0 "analyze FILE --format $fmt"
    expect_no_stderr "analyze FILE --format $fmt"
    [[ -s $tmp/out ]] || bad "analyze FILE --format $fmt printed nothing"
    cp "$tmp/out" "$tmp/by-file.$fmt"
    run analyze "$admin_name" --format "$fmt"
    expect_rc 0 "analyze NAME --format $fmt"
    expect_no_stderr "analyze NAME --format $fmt"
    cmp -s "$tmp/by-file.$fmt" "$tmp/out" ||
        { bad "analyze \"$admin_name\" (a name) and analyze $admin (a file) differ ($fmt)"; diff "$tmp/by-file.$fmt" "$tmp/out" | head; }
done
run analyze "$admin"
cmp -s "$tmp/by-file.text" "$tmp/out" || bad "analyze without --format is not the text format"
head -1 "$tmp/out" | grep -qxF "$admin_name" || bad "the text report does not start with the scenario's name"
grep -q "$esc" "$tmp/out" && bad "analyze into a pipe printed escape sequences (colour only on a terminal)"
grep -qE '^  hosts compromised: 1 of 1: node-1$' "$tmp/out" || bad "the text summary does not say node-1 is compromised"
grep -qE '^  tenants exposed: +contoso$' "$tmp/out" || bad "the text summary does not say contoso is exposed"

# a file at X wins over a workspace scenario named X
mkdir "$tmp/cwd"
cp scenarios/single-tenant-baseline.json "$tmp/cwd/$admin_name"
(cd "$tmp/cwd" && "$bin" analyze "$admin_name" --format json < /dev/null > "$tmp/out" 2> "$tmp/err")
[[ $(jpy "$tmp/out" 'd["scenario"]') == "Single-tenant baseline" ]] ||
    bad "analyze X with a file X in the directory analysed the workspace scenario named X instead of the file"

# ---- --format json ----
run analyze "$admin" --format json
jpy "$tmp/out" 'd["scenario"]' > "$tmp/v" && [[ $(cat "$tmp/v") == "$admin_name" ]] || bad "json: scenario is not \"$admin_name\""
[[ $(jpy "$tmp/out" 'd["summary"]["hosts_compromised"]') == "['node-1']" ]] ||
    bad "json: summary.hosts_compromised of $admin is not [\"node-1\"]: $(jpy "$tmp/out" 'd["summary"]')"
[[ $(jpy "$tmp/out" 'd["summary"]["tenants_exposed"]') == "['contoso']" ]] ||
    bad "json: summary.tenants_exposed of $admin is not [\"contoso\"]"
[[ $(jpy "$tmp/out" 'sorted(k for k in ("scenario","summary","boundaries","exposure","paths","paths_total","findings","fixes","unclosable") if k not in d)') == "[]" ]] ||
    bad "json: fields DESIGN.md lists are missing"
[[ $(jpy "$tmp/out" '[(b["workload"], b["kind"], b["verdict"]) for b in d["boundaries"] if b["verdict"] == "fails"]') == \
   "[('contoso-web', 'isolation', 'fails'), ('guest-app', 'isolation', 'fails')]" ]] ||
    bad "json: the failing boundaries of $admin are not the isolation of contoso-web and guest-app"
[[ $(jpy "$tmp/out" '[(e["from"], e["to"], e["hosts"]) for e in d["exposure"]]') == "[('guest', 'contoso', ['node-1'])]" ]] ||
    bad "json: exposure of $admin is not guest -> contoso on node-1"
[[ $(jpy "$tmp/out" '(d["paths"][0]["from"], d["paths"][0]["to"], [s["technique"] for s in d["paths"][0]["steps"]])') == \
   "('guest-app', 'host:node-1', ['admin-escape'])" ]] ||
    bad "json: the first path of $admin is not guest-app -> host:node-1 by admin-escape"

# ---- --check: 1 when a start reaches a host or another tenant, else 0 ----
for f in "$admin" "$user" scenarios/hostprocess.json; do
    run analyze "$f" --check
    expect_rc 1 "analyze $f --check (it has paths)"
    [[ -s $tmp/out ]] || bad "analyze $f --check printed no report"
done
for f in scenarios/single-tenant-baseline.json scenarios/hyperv-tenants.json; do
    run analyze "$f" --check
    expect_rc 0 "analyze $f --check (no paths)"
done
run analyze "$admin"
expect_rc 0 "analyze of a scenario with paths, without --check"

# ---- --assume ----
run analyze "$user" --format json
[[ $(jpy "$tmp/out" 'd["paths_total"] > 0 and d["summary"]["hosts_compromised"] == ["node-1"]') == True ]] ||
    bad "$user without --assume should have paths to node-1"
run analyze "$user" --format json --assume kernel_exploit=false
expect_rc 0 "analyze --assume kernel_exploit=false"
[[ $(jpy "$tmp/out" 'd["assumptions"]["kernel_exploit"]') == False ]] || bad "--assume kernel_exploit=false is not reported in assumptions"
[[ $(jpy "$tmp/out" '(d["paths_total"], d["paths"], d["summary"]["hosts_compromised"], d["summary"]["tenants_exposed"])') == "(0, [], [], [])" ]] ||
    bad "$user with --assume kernel_exploit=false still has paths or exposure"
[[ $(jpy "$tmp/out" 'sorted(set(b["verdict"] for b in d["boundaries"]))') == "['holds']" ]] ||
    bad "$user with --assume kernel_exploit=false: some boundary does not hold"
run analyze "$user" --check --assume kernel_exploit=false
expect_rc 0 "analyze $user --check --assume kernel_exploit=false"
# and the other way: assuming a hypervisor exploit opens Hyper-V tenants
run analyze scenarios/hyperv-tenants.json --check --assume hypervisor_exploit=true
expect_rc 1 "analyze hyperv-tenants --check --assume hypervisor_exploit=true"
assume_msg='breakout: --assume: expected NAME=true or NAME=false with NAME kernel_exploit, hypervisor_exploit or sandbox_exploit, got'
for a in bad=1 kernel_exploit=1 kernel_exploit=maybe kernel_exploit; do
    run analyze "$user" --assume "$a"
    expect_rc 2 "--assume $a"
    expect_no_stdout "--assume $a"
    expect_err "--assume $a" "$assume_msg \"$a\"" "$hint"
done

# ---- --max-paths ----
many=scenarios/hostprocess.json
run analyze "$many" --format json --max-paths 0
total=$(jpy "$tmp/out" 'd["paths_total"]')
[[ $(jpy "$tmp/out" 'len(d["paths"])') == "$total" && $total -ge 2 ]] ||
    bad "--max-paths 0 does not give all $total paths of $many"
min_effort=$(jpy "$tmp/out" 'min(p["effort"] for p in d["paths"])')
[[ $(jpy "$tmp/out" '[p["effort"] for p in d["paths"]] == sorted(p["effort"] for p in d["paths"])') == True ]] ||
    bad "paths are not ordered lowest effort first"
cp "$tmp/out" "$tmp/all.json"
run analyze "$many" --format json --max-paths 1
expect_rc 0 "--max-paths 1"
[[ $(jpy "$tmp/out" 'len(d["paths"])') == 1 ]] || bad "--max-paths 1 does not give exactly one path"
[[ $(jpy "$tmp/out" 'd["paths_total"]') == "$total" ]] || bad "--max-paths 1 does not keep the true paths_total ($total)"
[[ $(jpy "$tmp/out" 'd["paths"][0]["effort"]') == "$min_effort" ]] || bad "--max-paths 1 does not keep a lowest-effort path"
[[ $(jpy "$tmp/out" 'd["summary"]') == "$(jpy "$tmp/all.json" 'd["summary"]')" ]] || bad "--max-paths 1 changed the summary"
run analyze "$many" --format json
[[ $(jpy "$tmp/out" 'len(d["paths"])') == "$total" ]] || bad "the default --max-paths does not give all $total paths"
run analyze "$many" --max-paths 1
grep -qE "^PATHS \(1 of $total" "$tmp/out" || bad "text with --max-paths 1 does not say 'PATHS (1 of $total'"
for m in -1 x 1x 99999999999999999999; do
    run analyze "$many" --max-paths "$m"
    expect_rc 2 "--max-paths $m"
    expect_err "--max-paths $m" "breakout: --max-paths: expected a number of 0 or more, got \"$m\"" "$hint"
done

# ---- a named pipe is read once, as a file is (opened twice, its content could be lost) ----
mkfifo "$tmp/pipe"
for i in 1 2 3; do
    cat "$admin" > "$tmp/pipe" &
    timeout 20 "$bin" analyze "$tmp/pipe" --format json < /dev/null > "$tmp/out" 2> "$tmp/err"
    rc=$?
    wait
    expect_rc 0 "analyze of a named pipe (run $i)"
    cmp -s "$tmp/by-file.json" "$tmp/out" || bad "analyze of a named pipe (run $i): not the file's report"
done

# ---- -o FILE: the file holds what stdout would, stdout stays empty ----
run analyze "$admin" --format json -o "$tmp/out.json"
expect_rc 0 "analyze -o FILE"
expect_no_stdout "analyze -o FILE"
expect_no_stderr "analyze -o FILE"
cmp -s "$tmp/by-file.json" "$tmp/out.json" || bad "analyze -o FILE did not write the JSON report"
run analyze "$admin" --output "$tmp/out.txt"
cmp -s "$tmp/by-file.text" "$tmp/out.txt" || bad "analyze --output FILE did not write the text report"
run analyze "$admin" --check -o "$tmp/check.txt"
expect_rc 1 "analyze --check -o FILE"
cmp -s "$tmp/by-file.text" "$tmp/check.txt" || bad "analyze --check -o FILE did not write the report"
# -o to something that is not a regular file (a named pipe here; /dev/null alike) writes to it
# and leaves it what it was, instead of renaming a temporary file over it
mkfifo "$tmp/out-pipe"
timeout 20 cat "$tmp/out-pipe" > "$tmp/from-pipe" &
reader=$!
timeout 20 "$bin" analyze "$admin" --format json -o "$tmp/out-pipe" < /dev/null > "$tmp/out" 2> "$tmp/err"
rc=$?
wait "$reader"
expect_rc 0 "analyze -o NAMED_PIPE"
expect_no_stderr "analyze -o NAMED_PIPE"
[[ -p $tmp/out-pipe ]] || bad "analyze -o NAMED_PIPE replaced the pipe"
cmp -s "$tmp/by-file.json" "$tmp/from-pipe" || bad "analyze -o NAMED_PIPE: the reader did not get the report"
ls -a "$tmp" | grep -q '^\.out-pipe\.tmp' && bad "analyze -o NAMED_PIPE left a temporary file"
run analyze tests/malformed/trailing-comma.json -o "$tmp/never.json"
expect_rc 2 "analyze of a malformed file with -o"
[[ -e $tmp/never.json ]] && bad "a failed analyze created its -o file"
run analyze "$admin" -o "$tmp/no-dir/x.json"
expect_rc 2 "analyze -o into a missing directory"
expect_err "analyze -o into a missing directory" "$tmp/no-dir/x.json: no such directory"

$py tests/bench/gen_fleet.py 30000 > "$tmp/fleet.json"
# a large file is mapped while it is read: another program cutting it short then raises SIGBUS,
# told in one line naming the file, exit 2. The signal is sent while the file is mapped (seen in
# /proc/PID/maps with the process stopped), as a cut would raise it.
caught=0
for attempt in 1 2 3 4 5; do
    "$bin" analyze "$tmp/fleet.json" --format json > /dev/null 2> "$tmp/err" &
    pid=$!
    for ((i = 0; i < 5000; i++)); do
        grep -qF fleet.json "/proc/$pid/maps" 2> /dev/null && break
        kill -0 "$pid" 2> /dev/null || break
    done
    if kill -STOP "$pid" 2> /dev/null && grep -qF fleet.json "/proc/$pid/maps" 2> /dev/null; then
        kill -BUS "$pid"
        kill -CONT "$pid"
        wait "$pid"
        rc=$?
        caught=1
        break
    fi
    kill -CONT "$pid" 2> /dev/null
    wait "$pid" # it was not caught with the file mapped: again
done
if ((caught)); then
    expect_rc 2 "analyze on SIGBUS while reading"
    expect_err "analyze on SIGBUS while reading" "breakout: $tmp/fleet.json: cut short while it was being read"
else
    bad "analyze: never caught with its input mapped in 5 runs"
fi

# an interrupted analyze -o leaves the file at -o as it was and no temporary file: the report
# is written as it is made into a temporary file beside it, removed on SIGTERM (and SIGINT,
# SIGHUP, SIGQUIT; a background job of this script has SIGINT ignored, so SIGTERM is sent)
mkdir "$tmp/int"
# wait_temp PID: waits until analyze -o's temporary file is in $tmp/int; false if PID ends first
wait_temp() {
    local i
    for ((i = 0; i < 2000; i++)); do
        compgen -G "$tmp/int/.out.json.tmp-*" > /dev/null && return 0
        kill -0 "$1" 2> /dev/null || return 1
        sleep 0.002
    done
    return 1
}
# interrupt SIGNAL IGNORED BEFORE: runs analyze -o $tmp/int/out.json (with IGNORED, if not
# empty, ignored before it starts; the file at -o holding BEFORE, or absent if empty) and sends
# it SIGNAL once its temporary file exists. Sets rc, and caught=1 when a run was caught so;
# up to 3 runs, since a run may end before its temporary file is seen.
interrupt() {
    local attempt pid
    caught=0
    for attempt in 1 2 3; do
        rm -f "$tmp/int/out.json"
        [[ -n $3 ]] && echo "$3" > "$tmp/int/out.json"
        (
            [[ -n $2 ]] && trap '' "$2"
            exec "$bin" analyze "$tmp/fleet.json" --format json -o "$tmp/int/out.json" 2> "$tmp/err"
        ) &
        pid=$!
        if wait_temp "$pid"; then
            kill -"$1" "$pid"
            wait "$pid"
            rc=$?
            caught=1
            return
        fi
        wait "$pid"
    done
}
interrupt TERM "" old
if ((caught)); then
    expect_rc 143 "analyze -o interrupted by SIGTERM"
    [[ $(cat "$tmp/int/out.json") == old ]] || bad "an interrupted analyze -o changed the file at -o"
    [[ $(ls -A "$tmp/int") == out.json ]] || bad "an interrupted analyze -o left: $(ls -A "$tmp/int")"
else
    bad "analyze -o: never saw its temporary file in 3 runs"
fi

# a signal ignored when analyze starts (nohup, a script's background job) stays ignored
interrupt HUP HUP ""
if ((caught)); then
    expect_rc 0 "analyze -o with SIGHUP ignored, sent a SIGHUP"
    [[ -s $tmp/int/out.json ]] || bad "analyze -o with SIGHUP ignored: no report"
else
    bad "analyze -o with SIGHUP ignored: never saw its temporary file in 3 runs"
fi

# ---- --catalog: a technique defined only in a catalog file creates a path ----
# readonly-ssh-mount has no path: the key folder is mounted read-only. The test catalog adds
# a technique that needs only a readable key folder.
ro=scenarios/readonly-ssh-mount.json
cat=$data/key-theft-catalog.json
run analyze "$ro" --format json
[[ $(jpy "$tmp/out" 'd["paths_total"]') == 0 ]] || bad "$ro has paths without the test catalog"
run analyze "$ro" --check --catalog "$cat" --format json
expect_rc 1 "analyze $ro --check --catalog $cat"
expect_no_stderr "analyze --catalog FILE"
[[ $(jpy "$tmp/out" '[(p["from"], p["to"], [s["technique"] for s in p["steps"]]) for p in d["paths"]][0]') == \
   "('guest-app', 'host:node-1', ['test-readonly-key-theft'])" ]] ||
    bad "--catalog: the catalog's technique test-readonly-key-theft does not give guest-app a path to node-1"
[[ $(jpy "$tmp/out" 'd["summary"]["hosts_compromised"]') == "['node-1']" ]] || bad "--catalog: node-1 not compromised"
[[ $(jpy "$tmp/out" '[b["techniques"] for b in d["boundaries"] if b["workload"] == "guest-app" and b["kind"] == "host-volume"]') == \
   "[['test-readonly-key-theft']]" ]] ||
    bad "--catalog: guest-app's host-volume boundary does not fail through test-readonly-key-theft"
run analyze "$ro" --catalog "$cat"
grep -q 'test-readonly-key-theft' "$tmp/out" || bad "--catalog: the text report does not name the catalog's technique"
# the catalog overrides a built-in technique: admin-escape at effort 5 is no longer the cheapest
$py - "$tmp/override.json" <<'PY'
import json, sys
c = json.load(open("data/catalog.json"))
t = [t for t in c["techniques"] if t["id"] == "admin-escape"][0]
t["effort"] = 5
json.dump({"breakout_catalog": 1, "techniques": [t]}, open(sys.argv[1], "w"), indent=2)
PY
run analyze "$admin" --format json --catalog "$tmp/override.json"
[[ $(jpy "$tmp/out" '[s["technique"] for s in d["paths"][0]["steps"]]') == "['kernel-compromise']" ]] ||
    bad "--catalog overriding admin-escape's effort to 5 did not make kernel-compromise the cheapest path"

# a malformed catalog: exit 2 and file:line:column (syntax) or the JSON path (content)
run analyze "$ro" --catalog "$data/catalog-trailing-comma.json"
expect_rc 2 "--catalog with a syntax error"
expect_no_stdout "--catalog with a syntax error"
expect_err "--catalog with a syntax error" \
    "$data/catalog-trailing-comma.json:6:5: expected a key string after ',', got '}' (a trailing comma is not allowed)"
run analyze "$ro" --catalog "$data/catalog-unknown-key.json"
expect_rc 2 "--catalog with an unknown key"
expect_no_stdout "--catalog with an unknown key"
[[ $(wc -l < "$tmp/err") -eq 1 ]] &&
    grep -qF "$data/catalog-unknown-key.json: techniques[0].when[0]: unknown key \"isolaton\" (expected one of: " "$tmp/err" ||
    { bad "--catalog with an unknown key: not one line naming the file, the JSON path and the key"; show; }
run analyze "$ro" --catalog "$data/catalog-effort-range.json"
expect_rc 2 "--catalog with an effort out of range"
expect_err "--catalog with an effort out of range" \
    "$data/catalog-effort-range.json: techniques[0]: effort: expected an integer from 1 to 5"
run analyze "$ro" --catalog "$tmp/no-such-catalog.json"
expect_rc 2 "--catalog with a missing file"
expect_err "--catalog with a missing file" "$tmp/no-such-catalog.json: no such file"

# ---- a missing file or name ----
run analyze "$tmp/missing.json"
expect_rc 2 "analyze of a missing file"
expect_no_stdout "analyze of a missing file"
expect_err "analyze of a missing file" "no scenario named \"$tmp/missing.json\" in the workspace (and no file $tmp/missing.json exists)"
run analyze "No such scenario"
expect_rc 2 "analyze of a missing name"
expect_err "analyze of a missing name" 'no scenario named "No such scenario" in the workspace (and no file No such scenario exists)'
run analyze tests/malformed/comment.json
expect_rc 2 "analyze of a malformed file"
expect_err "analyze of a malformed file" "$(cat tests/malformed/comment.expected)"

[[ $fail -eq 0 ]] && echo "ok: analyze"
exit $fail
