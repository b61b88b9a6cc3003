#!/usr/bin/env bash
# kill -9 at random moments during `breakout import` of a large Kubernetes dump into a
# workspace: afterwards the workspace passes PRAGMA integrity_check and is in one of two
# states, before the import or after the whole of it, never between; `breakout list` opens it.
# Counts the kills that landed mid-transaction (kill.sh says how it knows): there must be some.
# Half the kills come at a random moment of the whole run (0 to 1.1 times an import's time);
# the other half at a random moment (0 to 60 ms) after the import takes the write lock, so that
# the transaction, a small part of the run, is hit often.
# Usage: test_kill_import.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (BREAKOUT_KILLS: how many)
. "$(dirname "$0")/lib.sh"
. "$src/tests/durability/kill.sh"
kills_wanted=${BREAKOUT_KILLS:-40}
[ -x "$py" ] || skip "no $py"
[ -r /proc/locks ] || skip "no /proc/locks"

cd "$tmp" || exit 1
$py "$src/tests/import/gen_pods.py" 3000 100 3 > pods.json || bad "gen_pods.py failed"
"$bin" --db base.db list > /dev/null 2>&1 < /dev/null || bad "cannot create the workspace"
before=$($py "$src/tests/durability/state.py" base.db)

# the state after a whole import, and how long one takes (the median of three)
times=()
for i in 1 2 3; do
    rm -f ws.db ws.db-wal ws.db-shm
    cp base.db ws.db
    t0=$(now_ms)
    "$bin" --db ws.db import pods.json > /dev/null 2> import.err < /dev/null || {
        cat import.err
        bad "the import itself fails"
    }
    times+=($(($(now_ms) - t0)))
done
took=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
after=$($py "$src/tests/durability/state.py" ws.db)
[ "$before" != "$after" ] || bad "the import changed nothing"
case $before$after in *corrupt*) bad "a clean workspace is not clean: $before / $after" ;; esac
echo "one import of $(stat -c %s pods.json) bytes (3,000 pods) takes $took ms"

kills=0 midway=0 completed=0 n_before=0 n_after=0 tries=0
while [ $kills -lt "$kills_wanted" ] && [ $tries -lt $((kills_wanted * 3)) ]; do
    tries=$((tries + 1))
    rm -f ws.db ws.db-wal ws.db-shm
    cp base.db ws.db
    "$bin" --db ws.db import pods.json > /dev/null 2>> import.err < /dev/null &
    pid=$!
    if [ $((tries % 2)) -eq 0 ]; then
        random_delay $((took * 11 / 10))
    elif wait_write_lock "$pid" ws.db $((took * 3)); then
        random_delay 60
    fi
    kill_now "$pid" ws.db
    [ $killed -eq 1 ] || completed=$((completed + 1))
    [ $killed -eq 1 ] || continue
    kills=$((kills + 1))
    midway=$((midway + mid))
    state=$($py "$src/tests/durability/state.py" ws.db)
    if [ "$state" = "$before" ]; then
        n_before=$((n_before + 1))
    elif [ "$state" = "$after" ]; then
        n_after=$((n_after + 1))
    else
        bad "kill $kills (mid-transaction: $mid): the workspace is neither before nor after: $state"
    fi
    "$bin" --db ws.db list > list.out 2>&1 < /dev/null ||
        bad "kill $kills: breakout cannot open the workspace afterwards: $(head -c 300 list.out)"
done
grep -qE 'LeakSanitizer|runtime error|AddressSanitizer' import.err && bad "a sanitizer report"
echo "kills: $kills (mid-transaction: $midway; the workspace afterwards: $n_before before the" \
    "import, $n_after after it); imports that finished first: $completed"
[ $kills -ge "$kills_wanted" ] || bad "only $kills kills landed in $tries tries"
[ $midway -gt 0 ] || bad "no kill landed mid-transaction"
finish
