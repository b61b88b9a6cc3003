#!/usr/bin/env bash
# The workspace commands: list (seeded on first use), import (new, unchanged, conflict,
# --replace, all or nothing, every malformed file), export, rm, and opening files that are
# not breakout workspaces. A failed command must leave the workspace byte-for-byte as it was.
# Usage: test_workspace.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (run from SOURCE_DIR by ctest).
set -u
bin=$(realpath "$1") src=$2
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=1
py=/usr/bin/python3
fail=0
esc=$'\e'

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
# expect_err LINE WHAT: stderr is exactly LINE
expect_err() {
    printf '%s\n' "$1" > "$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" || { bad "$2: stderr is not the expected line"; echo "  expected: $1"; echo "  actual:   $(head -c 400 "$tmp/err")"; }
}
sha() { sha256sum < "$1" | cut -d' ' -f1; }
# snapshot: the list and the workspace file's bytes, to compare after a failed command
snapshot() { "$bin" list > "$tmp/list.before" 2>&1 < /dev/null; db_sum=$(sha "$BREAKOUT_DB"); }
expect_unchanged() {
    [[ $(sha "$BREAKOUT_DB") == "$db_sum" ]] || bad "$1: the workspace file changed"
    "$bin" list > "$tmp/list.after" 2>&1 < /dev/null
    cmp -s "$tmp/list.before" "$tmp/list.after" || { bad "$1: the list changed"; diff "$tmp/list.before" "$tmp/list.after" | head; }
}
name_of() { $py -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$1"; }

# ---- list on a fresh workspace: seeded with every bundled scenario ----
nseed=$(ls scenarios/*.json | wc -l)
run list
expect_rc 0 "list on a fresh workspace"
[[ -s $tmp/err ]] && bad "list on a fresh workspace printed on stderr: $(head -c 200 "$tmp/err")"
[[ $(wc -l < "$tmp/out") -eq $((nseed + 1)) ]] ||
    bad "list on a fresh workspace: $(wc -l < "$tmp/out") lines, expected $nseed scenarios + a header"
[[ $(head -1 "$tmp/out") == "TENANTS  HOSTS  WORKLOADS  NAME" ]] || bad "list: unexpected header: $(head -1 "$tmp/out")"
for f in scenarios/*.json; do
    n=$(name_of "$f")
    grep -qF "  $n" "$tmp/out" || bad "list on a fresh workspace does not show the bundled \"$n\" ($f)"
done
# a row holds the counts: shared-node-admin has 2 tenants, 1 host, 2 workloads
grep -qE '^ +2 +1 +2  Shared Windows node, ContainerAdministrator guest$' "$tmp/out" ||
    bad "list: the row of shared-node-admin is not '2 1 2 Shared Windows node, ContainerAdministrator guest'"
cp "$tmp/out" "$tmp/seeded.list"
run list
cmp -s "$tmp/out" "$tmp/seeded.list" || bad "a second list differs from the first (seeded twice?)"

# created under a missing parent directory
BREAKOUT_DB=$tmp/a/b/c/ws.db run list
expect_rc 0 "list with the workspace under missing directories"
[[ -f $tmp/a/b/c/ws.db ]] || bad "the workspace was not created under missing parent directories"
cmp -s "$tmp/out" "$tmp/seeded.list" || bad "the workspace under missing directories was not seeded like the first"

# ---- import ----
admin=scenarios/shared-node-admin.json
$py - "$admin" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); t = sys.argv[2]
d["name"] = "Imported by the CLI test"
json.dump(d, open(t + "/new.json", "w"), indent=2)
d["hosts"][0]["ssh"] = False
json.dump(d, open(t + "/changed.json", "w"), indent=2)
d["name"] = "Second imported scenario"
json.dump(d, open(t + "/second.json", "w"), indent=2)
d["name"] = "Evil \u001b[31mred\u001b[0m name\u0007"
json.dump(d, open(t + "/evil.json", "w"), indent=2)
PY
new="Imported by the CLI test"

run import "$tmp/new.json"
expect_rc 0 "import of a new file"
expect_no_stdout "import of a new file"
expect_err "imported \"$new\" from $tmp/new.json" "import of a new file"
run list
[[ $(wc -l < "$tmp/out") -eq $((nseed + 2)) ]] || bad "after an import, list does not have one more line"
grep -qE "^ +2 +1 +2  $new\$" "$tmp/out" || bad "after an import, list does not show \"$new\""

run export "$new" -o "$tmp/before.json"
snapshot
run import "$tmp/new.json"
expect_rc 0 "re-import of an identical file"
expect_no_stdout "re-import of an identical file"
expect_err "unchanged \"$new\" from $tmp/new.json" "re-import of an identical file"
expect_unchanged "re-import of an identical file"

# a bundled scenario, identical: a no-op too
run import "$admin"
expect_rc 0 "import of a bundled scenario into the seeded workspace"
expect_err "unchanged \"$(name_of "$admin")\" from $admin" "import of an unchanged bundled scenario"
expect_unchanged "import of an unchanged bundled scenario"

# a different file with the same name: exit 2, a clear message, nothing changed
run import "$tmp/changed.json"
expect_rc 2 "import of a different scenario with an existing name"
expect_no_stdout "import of a conflicting scenario"
grep -qF "\"$new\"" "$tmp/err" && grep -qF -- "--replace" "$tmp/err" ||
    { bad "the conflict message should name the scenario and suggest --replace"; show; }
[[ $(wc -l < "$tmp/err") -eq 1 ]] || bad "the conflict message is not one line"
expect_unchanged "import of a conflicting scenario"
run export "$new" -o "$tmp/after.json"
cmp -s "$tmp/before.json" "$tmp/after.json" || bad "a refused import changed the exported scenario"

# with --replace (either position)
run import --replace "$tmp/changed.json"
expect_rc 0 "import --replace of a different scenario"
expect_no_stdout "import --replace"
expect_err "replaced \"$new\" from $tmp/changed.json" "import --replace"
run export "$new"
$py -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["hosts"][0]["ssh"] is not False)' "$tmp/out" ||
    bad "after import --replace, the exported scenario is not the new content (ssh should be false)"
run import "$tmp/new.json" --replace
expect_rc 0 "import FILE --replace"
expect_err "replaced \"$new\" from $tmp/new.json" "import FILE --replace"

# several files, the last malformed: none imported
snapshot
run import "$tmp/second.json" tests/malformed/trailing-comma.json
expect_rc 2 "import of a good file and a malformed one"
expect_no_stdout "import of a good file and a malformed one"
expect_err "$(cat tests/malformed/trailing-comma.expected)" "import of a good file and a malformed one"
expect_unchanged "import of a good file and a malformed one"
run export "Second imported scenario"
expect_rc 2 "export of a scenario from a failed import (it must not have been imported)"

# several files, the last conflicting: none imported
run import "$tmp/second.json" "$tmp/changed.json"
expect_rc 2 "import of a new file and a conflicting one"
expect_unchanged "import of a new file and a conflicting one"

# several good files: all imported
run import "$tmp/second.json" "$tmp/evil.json"
expect_rc 0 "import of two new files"
[[ $(wc -l < "$tmp/err") -eq 2 ]] || { bad "import of two new files: expected one message per file"; show; }
run list
[[ $(wc -l < "$tmp/out") -eq $((nseed + 4)) ]] || bad "after importing two more files, list has $(wc -l < "$tmp/out") lines"
grep -qF "Second imported scenario" "$tmp/out" || bad "list does not show the second of two imported files"
# a name with control characters is shown escaped, never raw
grep -q "$esc" "$tmp/out" && bad "list printed a scenario name's escape sequence raw"
grep -qF 'Evil \x1b[31mred\x1b[0m name\x07' "$tmp/out" || bad "list does not show the control characters of a name escaped"

# every malformed file: exit 2, exactly its expected line, workspace untouched
snapshot
nmal=0
for f in tests/malformed/*.json; do
    nmal=$((nmal + 1))
    run import "$f"
    if [[ $rc -ne 2 ]]; then bad "import $f: exit $rc, expected 2"; continue; fi
    [[ -s $tmp/out ]] && bad "import $f printed on stdout"
    cmp -s "${f%.json}.expected" "$tmp/err" ||
        { bad "import $f: stderr is not ${f%.json}.expected"; echo "  expected: $(cat "${f%.json}.expected")"; echo "  actual:   $(head -c 300 "$tmp/err")"; }
done
[[ $nmal -ge 25 ]] || bad "only $nmal malformed files in tests/malformed"
expect_unchanged "importing every malformed file"

# a directory, a missing file
run import tests/malformed
expect_rc 2 "import of a directory"
expect_err "tests/malformed: is a directory, expected a file" "import of a directory"
run import "$tmp/no-such.json"
expect_rc 2 "import of a missing file"
expect_err "$tmp/no-such.json: no such file" "import of a missing file"
expect_unchanged "import of a directory or a missing file"

# ---- export ----
run export "$new" -o "$tmp/exported.json"
expect_rc 0 "export NAME -o FILE"
expect_no_stdout "export -o FILE"
[[ -s $tmp/err ]] && bad "export -o FILE printed on stderr: $(head -c 200 "$tmp/err")"
$py -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/exported.json" 2> /dev/null ||
    bad "export -o FILE did not write valid JSON"
run import "$tmp/exported.json"
expect_rc 0 "re-import of an exported scenario"
expect_err "unchanged \"$new\" from $tmp/exported.json" "re-import of an exported scenario"
# to stdout: the same bytes as -o
run export "$new"
expect_rc 0 "export NAME to stdout"
cmp -s "$tmp/out" "$tmp/exported.json" || bad "export to stdout differs from export -o FILE"
cp "$tmp/out" "$tmp/exported.stdout"
# -o overwrites an existing file
echo "old content" > "$tmp/exported.json"
run export "$new" -o "$tmp/exported.json"
expect_rc 0 "export -o over an existing file"
cmp -s "$tmp/exported.stdout" "$tmp/exported.json" || bad "export -o did not replace an existing file's content"
# every bundled scenario round-trips through export
for f in scenarios/*.json; do
    n=$(name_of "$f")
    "$bin" export "$n" -o "$tmp/rt.json" < /dev/null 2> /dev/null || { bad "export \"$n\" failed"; continue; }
    run import "$tmp/rt.json"
    [[ $rc -eq 0 ]] && grep -q '^unchanged ' "$tmp/err" || bad "the export of \"$n\" does not re-import as unchanged: $(cat "$tmp/err")"
done
# a missing name, a missing directory
run export "No such scenario"
expect_rc 2 "export of a missing name"
expect_no_stdout "export of a missing name"
expect_err 'no scenario named "No such scenario" in the workspace' "export of a missing name"
run export "$new" -o "$tmp/no-dir/x.json"
expect_rc 2 "export into a missing directory"
expect_err "$tmp/no-dir/x.json: no such directory" "export into a missing directory"

# ---- rm ----
run rm "$new"
expect_rc 0 "rm NAME"
expect_no_stdout "rm NAME"
run list
grep -qF "$new" "$tmp/out" && bad "after rm, list still shows \"$new\""
run export "$new"
expect_rc 2 "export after rm"
snapshot
run rm "$new"
expect_rc 2 "rm of a missing name"
expect_no_stdout "rm of a missing name"
expect_err "no scenario named \"$new\" in the workspace" "rm of a missing name"
expect_unchanged "rm of a missing name"
# a removed bundled scenario stays removed (seeding happens once, at creation)
base="Single-tenant baseline"
run rm "$base"
expect_rc 0 "rm of a bundled scenario"
run list
grep -qF "  $base" "$tmp/out" && bad "a removed bundled scenario came back (seeded again?)"
run import scenarios/single-tenant-baseline.json
expect_rc 0 "re-import of a removed bundled scenario"
expect_err "imported \"$base\" from scenarios/single-tenant-baseline.json" "re-import of a removed bundled scenario"

# ---- files that are not breakout workspaces: exit 2, one line, file untouched ----
# expect_not_workspace FILE LINE: list, import and rm on --db FILE all fail and leave it as it was
expect_not_workspace() {
    local f=$1 line=$2 before i
    local cmds=("list" "import $src/scenarios/hostprocess.json" "rm Single-tenant baseline")
    before=$(sha "$f")
    for i in 0 1 2; do
        case $i in
            0) run --db "$f" list ;;
            1) run --db "$f" import "$src/scenarios/hostprocess.json" ;;
            2) run --db "$f" rm "Single-tenant baseline" ;;
        esac
        expect_rc 2 "--db $f ${cmds[i]}"
        expect_no_stdout "--db $f ${cmds[i]}"
        expect_err "$line" "--db $f ${cmds[i]}"
    done
    [[ $(sha "$f") == "$before" ]] || bad "opening $f as a workspace changed it"
    ls "$f"-* > /dev/null 2>&1 && bad "opening $f as a workspace left files beside it: $(ls "$f"-*)"
}
cd "$tmp" || exit 1
printf 'just some notes\nnot a database\n' > notes.txt
expect_not_workspace notes.txt "notes.txt: not a breakout workspace (not an SQLite database)"
$py -c '
import sqlite3
c = sqlite3.connect("foreign.db")
c.execute("CREATE TABLE scenarios (id INTEGER PRIMARY KEY, name TEXT)")
c.execute("INSERT INTO scenarios (name) VALUES (?)", ("someone else",))
c.commit(); c.close()'
expect_not_workspace foreign.db "foreign.db: not a breakout workspace (an SQLite database of another application)"
cp "$BREAKOUT_DB" truncated.db
truncate -s 5000 truncated.db
expect_not_workspace truncated.db "truncated.db: not a breakout workspace (truncated: 5000 of $(stat -c %s "$BREAKOUT_DB") bytes)"
mkdir adir
run --db adir list
expect_rc 2 "--db DIRECTORY list"
expect_err "adir: not a breakout workspace (a directory)" "--db DIRECTORY list"
cd "$src" || exit 1

[[ $fail -eq 0 ]] && echo "ok: workspace commands"
exit $fail
