#!/usr/bin/env bash
# Two processes on one workspace: a writer waits up to 2 s for another's write transaction,
# then either succeeds or gets one clear "busy" line and changes nothing. The explorer open on a
# workspace does not stop the command line from importing into it, both keep working, and an
# edit made while another process writes either waits its turn or is refused with the same
# line on the status bar, the scenario shown as it was.
# Usage: test_busy.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR [EDIT_LOOP]
. "$(dirname "$0")/lib.sh"
[ -x "$py" ] || skip "no $py"
state() { $py "$src/tests/durability/state.py" "$@"; }
cd "$tmp" || exit 1
sed 's/"name": "[^"]*"/"name": "First"/' "$src/scenarios/hyperv-tenants.json" > first.json
sed 's/"name": "[^"]*"/"name": "Second"/' "$src/scenarios/docker-socket.json" > second.json
"$bin" --db ws.db list > /dev/null 2>&1 < /dev/null || bad "cannot create the workspace"

# hold SECONDS: another process holds a write transaction on ws.db for SECONDS (in the
# background; prints "held" once it has the lock, to the file held).
hold() {
    rm -f held
    $py - "$1" << 'PY' &
import sqlite3, sys, time
c = sqlite3.connect("ws.db", isolation_level=None, timeout=30)
c.execute("BEGIN IMMEDIATE")
open("held", "w").write("held\n")
time.sleep(float(sys.argv[1]))
c.execute("ROLLBACK")
PY
    holder=$!
    for ((i = 0; i < 200; i++)); do
        [ -s held ] && return
        sleep 0.02
    done
    bad "the other process did not get the lock"
}

# ---- a writer longer than the wait: busy, nothing changed ----
before=$(state ws.db)
hold 5
t0=$(now_ms)
run --db ws.db import first.json
waited=$(($(now_ms) - t0))
expect_fail "workspace ws.db is busy (another breakout is writing to it)" "import while another writes for 5 s"
[ $waited -ge 1800 ] || bad "the import gave up after $waited ms, before the 2 s wait"
wait $holder
[ "$(state ws.db)" = "$before" ] || bad "the refused import changed the workspace"

# ---- a shorter one: the import waits, then succeeds ----
hold 1
run --db ws.db import first.json
expect_ok "import while another writes for 1 s"
grep -qxF 'imported "First" from first.json' "$tmp/err" || bad "import after waiting: $(cat "$tmp/err")"
wait $holder

# ---- two imports at once: both succeed ----
"$bin" --db ws.db import second.json > a.out 2> a.err < /dev/null &
a=$!
"$bin" --db ws.db rm First > b.out 2> b.err < /dev/null &
b=$!
wait $a || bad "of two writers at once, the import failed: $(cat a.err)"
wait $b || bad "of two writers at once, rm failed: $(cat b.err)"
"$bin" --db ws.db list > list.out 2>&1 < /dev/null
grep -q '  Second$' list.out && ! grep -q '  First$' list.out || bad "two writers: $(cat list.out)"

# ---- the explorer open, the command line importing ----
command -v tmux > /dev/null || skip "tmux is not installed"
sock="bo-$$-busy"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup_hooks+=('tm kill-server 2> /dev/null')
screen() { tm capture-pane -p; }
wait_for() {
    local i
    for ((i = 0; i < ${2:-100}; i++)); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    bad "the explorer did not show: $1"
    screen
    return 1
}
scenario="Shared Windows node, ContainerAdministrator guest"
tm new-session -d -x 100 -y 30 "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $(printf '%q' "$bin") --db ws.db $(printf '%q' "$src/scenarios/shared-node-admin.json"); echo explorer exited with status \$?; sleep 600" ||
    skip "tmux cannot start a session"
wait_for "Workload guest-app"
sed 's/"name": "[^"]*"/"name": "Third"/' "$src/scenarios/gvisor-sandbox.json" > third.json
run --db ws.db import third.json
expect_ok "import while the explorer is open"
tm send-keys i
wait_for "guest-app: isolation process -> hyperv"
[ "$(state ws.db --edits "$scenario" guest-app)" = "ok 1 hyperv" ] ||
    bad "the explorer's edit is not in the workspace: $(state ws.db --edits "$scenario" guest-app)"
run --db ws.db list
grep -q '  Third$' "$tmp/out" || bad "the import made while the explorer was open is not listed"

# ---- an edit while another process writes for 5 s: refused, shown as it was ----
hold 5
tm send-keys i
wait_for "workspace ws.db is busy (another breakout is writing to it)" 60
screen | grep -qF "isolation: [H] hyperv" || bad "after a refused edit the explorer should show hyperv"
wait $holder
[ "$(state ws.db --edits "$scenario" guest-app)" = "ok 1 hyperv" ] ||
    bad "the refused edit changed the workspace: $(state ws.db --edits "$scenario" guest-app)"
# and once the other is done, the same key works
tm send-keys i
wait_for "guest-app: isolation hyperv -> sandbox"
[ "$(state ws.db --edits "$scenario" guest-app)" = "ok 2 sandbox" ] ||
    bad "the edit after the busy one is not in the workspace"
tm send-keys q
wait_for "explorer exited with status 0"
screen | grep -qE 'Sanitizer|runtime error' && bad "a sanitizer report from the explorer"
finish
