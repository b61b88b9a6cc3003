#!/usr/bin/env bash
# kill -9 at random moments while edits are being recorded, by the explorer itself (keys sent
# through tmux) and by a helper that records edits in a loop on the explorer's code path
# (edit_loop.c): afterwards the workspace passes PRAGMA integrity_check, the scenario's history
# and the workload agree (every edit is there with its history row, or neither is), and the
# workspace holds every edit the helper had reported done, plus at most the one in flight.
# Counts the kills that landed mid-transaction (kill.sh): there must be some.
# Usage: test_kill_edit.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR EDIT_LOOP
# (BREAKOUT_KILLS: kills of the helper, default 40; BREAKOUT_EXPLORER_KILLS: default 25)
. "$(dirname "$0")/lib.sh"
. "$src/tests/durability/kill.sh"
helper=$(realpath "${4:-/nonexistent}" 2> /dev/null)
[ -x "$helper" ] || {
    echo "FAIL: no edit helper at '${4:-}'"
    exit 1
}
[ -x "$py" ] || skip "no $py"
[ -r /proc/locks ] || skip "no /proc/locks"
helper_kills=${BREAKOUT_KILLS:-40}
explorer_kills=${BREAKOUT_EXPLORER_KILLS:-25}
scenario="Shared Windows node, ContainerAdministrator guest"
file=$src/scenarios/shared-node-admin.json
wl=guest-app
cycle=(process hyperv sandbox host)

cd "$tmp" || exit 1
"$bin" --db base.db list > /dev/null 2>&1 < /dev/null || bad "cannot create the workspace"

# check WHAT LOW HIGH: the workspace ws.db is whole, and holds between LOW and HIGH edits of the
# workload, its isolation matching their number.
check() {
    local st n iso
    st=$($py "$src/tests/durability/state.py" ws.db --edits "$scenario" "$wl")
    read -r st n iso <<< "$st"
    if [ "$st" != ok ]; then
        bad "$1: $st $n $iso"
        return
    fi
    if [ "$n" -lt "$2" ] || [ "$n" -gt "$3" ]; then
        bad "$1: $n edits in the workspace, expected $2 to $3"
    elif [ "$iso" != "${cycle[$((n % 4))]}" ]; then
        bad "$1: $n edits recorded but the isolation is $iso, not ${cycle[$((n % 4))]}"
    fi
    last_n=$n
}

# ---- the helper ----
kills=0 midway=0 tries=0 edits=0
while [ $kills -lt "$helper_kills" ] && [ $tries -lt $((helper_kills * 3)) ]; do
    tries=$((tries + 1))
    rm -f ws.db ws.db-wal ws.db-shm
    cp base.db ws.db
    "$helper" ws.db "$scenario" "$wl" 100000 > helper.out 2> helper.err &
    pid=$!
    for ((i = 0; i < 500; i++)); do
        [ -s helper.out ] && break
        sleep 0.01
    done
    random_delay 300
    kill_now "$pid" ws.db
    if [ $killed -eq 0 ]; then
        bad "the helper stopped by itself: $(head -c 300 helper.err)"
        break
    fi
    kills=$((kills + 1))
    midway=$((midway + mid))
    done_n=$(grep -E '^[0-9]+$' helper.out | tail -1)
    check "helper kill $kills (mid-transaction: $mid)" "${done_n:-0}" $((${done_n:-0} + 1))
    edits=$((edits + last_n))
done
echo "helper: $kills kills (mid-transaction: $midway), $edits edits recorded in all"
helper_mid=$midway

# ---- the explorer, driven through tmux ----
command -v tmux > /dev/null || skip "tmux is not installed"
sock="bo-$$-kill-edit"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup_hooks+=('tm kill-server 2> /dev/null')
screen() { tm capture-pane -p -t "$1" 2> /dev/null; }
keys_sent=40
ekills=0 emid=0 tries=0
while [ $ekills -lt "$explorer_kills" ] && [ $tries -lt $((explorer_kills * 2)) ]; do
    tries=$((tries + 1))
    rm -f ws.db ws.db-wal ws.db-shm
    cp base.db ws.db
    s="k$tries"
    tm new-session -d -s "$s" -x 100 -y 30 \
        "env -u NO_COLOR LANG=C.UTF-8 LC_ALL=C.UTF-8 $(printf '%q' "$bin") --db ws.db $(printf '%q' "$file") 2> explorer.err; true" ||
        bad "tmux cannot start a session"
    for ((i = 0; i < 300; i++)); do
        screen "$s" | grep -qF "Workload guest-app" && break
        sleep 0.02
    done
    screen "$s" | grep -qF "Workload guest-app" || {
        bad "the explorer did not open the scenario"
        screen "$s"
        break
    }
    # the explorer is the child of the pane's shell (tmux continues a stopped child of its own)
    shell_pid=$(tm display-message -p -t "$s" '#{pane_pid}')
    pid=$(cat "/proc/$shell_pid/task/$shell_pid/children" 2> /dev/null | awk '{ print $1 }')
    [ -n "$pid" ] || {
        bad "cannot find the explorer's pid"
        break
    }
    # a burst of edits: i moves the isolation along process > hyperv > sandbox > host
    tm send-keys -t "$s" $(printf 'i %.0s' $(seq $keys_sent))
    random_delay 400
    kill_now "$pid" ws.db
    tm kill-session -t "$s" 2> /dev/null
    [ $killed -eq 1 ] || continue
    ekills=$((ekills + 1))
    emid=$((emid + mid))
    check "explorer kill $ekills (mid-transaction: $mid)" 0 $keys_sent
done
grep -qE 'LeakSanitizer|runtime error|AddressSanitizer' helper.err explorer.err 2> /dev/null &&
    bad "a sanitizer report"
echo "explorer: $ekills kills (mid-transaction: $emid)"
echo "in all: $((kills + ekills)) kills, $((helper_mid + emid)) mid-transaction"
[ $kills -ge "$helper_kills" ] || bad "only $kills kills of the helper"
[ $ekills -ge "$explorer_kills" ] || bad "only $ekills kills of the explorer"
[ $((helper_mid + emid)) -gt 0 ] || bad "no kill landed mid-transaction"
finish
