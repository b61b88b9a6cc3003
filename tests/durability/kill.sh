# Killing a breakout at a random moment, and knowing whether it was inside a transaction:
# sourced by the durability tests after lib.sh.
#
# SQLite in WAL mode holds an exclusive POSIX lock on byte 120 of the workspace's -shm file
# (WAL_WRITE_LOCK) from BEGIN IMMEDIATE to the end of COMMIT or ROLLBACK, and only then. So the
# process is stopped first (SIGSTOP), /proc/locks is read while it cannot move, and then it is
# killed (SIGKILL): the kill landed mid-transaction exactly when that lock was held.

# kill_now PID DB: stops, inspects and kills PID (a child of this shell). Sets killed=1 if it
# was still running (0 if it had exited), mid=1 if it held DB's write lock at that moment.
kill_now() {
    local pid=$1 db=$2 i state
    killed=0
    mid=0
    if ! kill -STOP "$pid" 2> /dev/null; then
        wait "$pid" 2> /dev/null
        return
    fi
    for ((i = 0; i < 400; i++)); do
        state=$(awk '{ print $3 }' "/proc/$pid/stat" 2> /dev/null)
        [ "$state" = T ] || [ "$state" = t ] || [ "$state" = Z ] || [ -z "$state" ] && break
        sleep 0.005
    done
    if [ "$state" = T ] || [ "$state" = t ]; then
        killed=1
        holds_write_lock "$pid" "$db" && mid=1
    fi
    kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
}

# holds_write_lock PID DB: true when PID holds DB's write lock (is inside a write transaction).
holds_write_lock() {
    local ino
    ino=$(stat -c %i "$2-shm" 2> /dev/null) || return 1
    grep -qE "POSIX +ADVISORY +WRITE +$1 +[0-9a-f]+:[0-9a-f]+:$ino +120 +120( |\$)" /proc/locks
}

# wait_write_lock PID DB MAX_MS: waits until PID holds DB's write lock; false if it has not
# within MAX_MS or has exited.
wait_write_lock() {
    local i
    for ((i = 0; i < $3; i += 2)); do
        holds_write_lock "$1" "$2" && return 0
        kill -0 "$1" 2> /dev/null || return 1
        sleep 0.002
    done
    return 1
}

# random_delay MAX_MS: sleeps a random time from 0 to MAX_MS milliseconds.
random_delay() {
    local ms=$((RANDOM % ($1 + 1)))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
}
