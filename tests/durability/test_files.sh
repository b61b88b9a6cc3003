#!/usr/bin/env bash
# A read-only workspace, a full disk and a missing directory: each gets one clear line and
# exit 2, and nothing is lost: the workspace (its bytes, and every scenario in it) and any file
# an output would have replaced are as they were. Read-only: breakout runs as nobody (the tests
# run as root, who may write anything), or the workspace is bind-mounted read-only. Full disk: a
# 1 MB tmpfs when one can be mounted, else a file size limit (ulimit -f, SIGXFSZ ignored; set
# BREAKOUT_NO_TMPFS=1 to test that way).
# Usage: test_files.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR [EDIT_LOOP]
. "$(dirname "$0")/lib.sh"
[ -x "$py" ] || skip "no $py"
state() { $py "$src/tests/durability/state.py" "$1"; }
scen="Shared Windows node pool"
chmod 755 "$tmp"
cd "$tmp" || exit 1
sed 's/"name": "[^"]*"/"name": "Brand new"/' "$src/scenarios/hyperv-tenants.json" > new.json
chmod 644 new.json
sed 's/"name": "[^"]*"/"name": "Another"/' "$src/scenarios/shared-node-admin.json" > other.json
chmod 644 other.json

# ---- a read-only workspace ----
mkdir ro
"$bin" --db ro/ws.db list > /dev/null 2>&1 < /dev/null || bad "cannot create ro/ws.db"
chmod 644 ro/ws.db
chmod 755 ro
ro_sum=$(digest ro/ws.db ro/ws.db-wal ro/ws.db-shm)
ro_state=$(state ro/ws.db)
rm -f ro/ws.db-shm ro/ws.db-wal # state.py opened it: leave it as breakout closed it
ro_sum=$(digest ro/ws.db ro/ws.db-wal ro/ws.db-shm)
as=()
if command -v setpriv > /dev/null &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups true 2> /dev/null; then
    as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    how="as nobody"
elif mkdir robind && mount --bind -o ro ro robind 2> /dev/null; then
    cleanup_hooks+=('umount "$tmp/robind" 2> /dev/null')
    how="read-only bind mount"
else
    skip "cannot drop privileges (setpriv) nor bind-mount read-only"
fi
echo "read-only workspace: $how"
rodb=ro/ws.db
[ ${#as[@]} -eq 0 ] && rodb=robind/ws.db
ro_run() {
    "${as[@]}" "$bin" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
    rc=$?
    sanitizer_check "breakout $* ($how)"
}
ro_run --db $rodb list
expect_ok "list of a read-only workspace"
grep -qF "  $scen" "$tmp/out" || bad "list of a read-only workspace does not show \"$scen\""
ro_run --db $rodb export "$scen"
expect_ok "export of a read-only workspace"
ro_run --db $rodb import new.json
expect_fail "$rodb: cannot save scenario \"Brand new\": attempt to write a readonly database" \
    "import into a read-only workspace"
ro_run --db $rodb rm "$scen"
expect_fail "$rodb: cannot remove scenario \"$scen\": attempt to write a readonly database" \
    "rm in a read-only workspace"
[ "$(digest ro/ws.db ro/ws.db-wal ro/ws.db-shm)" = "$ro_sum" ] || bad "the read-only workspace changed"
if [ ${#as[@]} -gt 0 ]; then
    # a workspace file that nobody may write, in a folder nobody may write either: new ones
    ro_run --db ro/new.db list
    expect_fail "ro/new.db: cannot create the workspace: Permission denied" \
        "creating a workspace in a read-only folder"
    ro_run --db ro/sub/new.db list
    expect_fail "ro/sub/new.db: cannot create the workspace: ro/sub: Permission denied" \
        "creating a workspace whose folder cannot be made"
    ls ro | grep -qv '^ws.db$' && bad "something was left in the read-only folder: $(ls ro)"
fi
[ "$(state ro/ws.db)" = "$ro_state" ] || bad "the read-only workspace's content changed"

# ---- a full disk ----
mkdir full
if [ -z "${BREAKOUT_NO_TMPFS:-}" ] && mount -t tmpfs -o size=1m tmpfs full 2> /dev/null; then
    cleanup_hooks+=('umount "$tmp/full" 2> /dev/null')
    how=tmpfs
else
    how="ulimit -f"
fi
echo "full disk: $how"
"$bin" --db full/ws.db list > /dev/null 2>&1 < /dev/null || bad "cannot create full/ws.db"
echo "the old report" > full/report.json
full_state=$(state full/ws.db)
rm -f full/ws.db-wal full/ws.db-shm
full_sum=$(digest full/ws.db full/report.json)
# full_run FREE ARGS...: runs breakout ARGS with FREE KB left on the tmpfs, or (ulimit -f) with
# every file limited to 16 KB: too small for the workspace's shared-memory file (32 KB), so the
# workspace does not open, and for the reports written.
full_run() {
    local free=$1
    shift
    if [ "$how" = tmpfs ]; then
        rm -f full/filler
        local avail=$(($(stat -f -c '%a*%S' full) / 1024))
        head -c $(((avail - free) * 1024)) /dev/zero > full/filler 2> /dev/null
        "$bin" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
        rc=$?
        rm -f full/filler
    else
        bash -c 'trap "" XFSZ; ulimit -f 16; exec "$@"' _ "$bin" "$@" \
            < /dev/null > "$tmp/out" 2> "$tmp/err"
        rc=$?
    fi
    sanitizer_check "breakout $* (full disk, $how)"
    echo "  $how, $free KB free: breakout $*: $(head -c 300 "$tmp/err")"
}
expect_full() { # WHAT: one line, exit 2, and nothing lost
    [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] || {
        bad "$1: not one line and exit 2"
        show
    }
    grep -qE "$2" "$tmp/err" || {
        bad "$1: the message does not say why"
        show
    }
    rm -f full/ws.db-wal full/ws.db-shm # a failed open may leave them (SQLite's), empty
    [ "$(digest full/ws.db full/report.json)" = "$full_sum" ] || bad "$1: a file changed"
    [ "$(state full/ws.db)" = "$full_state" ] || bad "$1: the workspace's content changed"
    rm -f full/ws.db-wal full/ws.db-shm
    ls full | grep -qvE '^(ws.db|report.json)$' && bad "$1: left behind: $(ls full)"
}
full_run 0 --db full/ws.db import new.json
expect_full "import on a full disk" \
    '^full/ws.db: cannot (open the workspace: disk I/O error \((No space left on device|File too large)\)|save scenario .*: (database or disk is full|disk I/O error))$'
# a scenario of 400 workloads (made from a Kubernetes dump by breakout itself)
$py "$src/tests/import/gen_pods.py" 400 > pods.json
"$bin" --db scratch.db import pods.json > /dev/null 2>&1 < /dev/null &&
    "$bin" --db scratch.db export pods.json -o fleet.json < /dev/null || bad "cannot make fleet.json"
full_run 200 --db full/ws.db import fleet.json
expect_full "import of 400 workloads with 200 KB free" \
    '^full/ws.db: cannot (save scenario "pods.json": database or disk is full|open the workspace: disk I/O error \(File too large\))$'
full_run 0 --db full/ws.db export "$scen" -o full/report.json
expect_full "export over a file on a full disk" \
    '^full/ws.db: cannot open the workspace: disk I/O error \((No space left on device|File too large)\)$'
full_run 0 analyze "$src/scenarios/shared-node-admin.json" --format html -o full/report.json
expect_full "a report over a file on a full disk" \
    '^full/report.json: cannot write: (No space left on device|File too large)$'
full_run 0 analyze "$src/scenarios/shared-node-admin.json" --format html -o full/report.html
expect_full "a new report on a full disk" \
    '^full/report.html: cannot write: (No space left on device|File too large)$'
full_run 0 --db full/new.db list
expect_full "a new workspace on a full disk" \
    '^full/new.db: cannot create the workspace: (database or disk is full|disk I/O error)'
run --db full/ws.db list
expect_ok "the workspace once there is room again"
# a file size limit without SIGXFSZ ignored by the shell: breakout ignores it itself, so the
# write fails with a message instead of the signal killing breakout mid-write
bash -c 'ulimit -f 16; exec "$@"' _ "$bin" analyze "$src/scenarios/shared-node-admin.json" \
    --format html -o full/report.json < /dev/null > "$tmp/out" 2> "$tmp/err"
rc=$?
expect_fail "full/report.json: cannot write: File too large" "a report over the file size limit"
[ "$(digest full/ws.db full/report.json)" = "$full_sum" ] || bad "the file size limit: a file changed"

# ---- a missing directory ----
mkdir keep
run --db keep/ws.db list
expect_ok "creating keep/ws.db"
keep_state=$(state keep/ws.db)
run --db keep/ws.db export "$scen" -o missing/dir/out.json
expect_fail "missing/dir/out.json: no such directory" "export -o into a missing directory"
run --db keep/ws.db analyze "$scen" -o missing/dir/out.txt
expect_fail "missing/dir/out.txt: no such directory" "analyze -o into a missing directory"
run analyze new.json --format sarif -o missing/out.sarif
expect_fail "missing/out.sarif: no such directory" "analyze FILE -o into a missing directory"
[ -e missing ] && bad "a missing output directory was created"
touch afile
run --db afile/sub/ws.db list
expect_fail "afile/sub/ws.db: cannot open the workspace: Not a directory" "--db under a regular file"
run --db keep/ws.db/x.db import new.json
expect_fail "keep/ws.db/x.db: cannot open the workspace: Not a directory" "--db under the workspace file"
# a missing directory for --db is made (docs/workspace.md), mode 0700
run --db made/a/b/ws.db list
expect_ok "--db in a missing directory creates it"
[ "$(stat -c %a made/a/b)" = 700 ] || bad "made/a/b is not mode 0700"
[ "$(state keep/ws.db)" = "$keep_state" ] || bad "the workspace changed"
finish
