# Helpers for the explorer's end-to-end tests: each test_*.sh sources this with
# $1 = the breakout binary, $2 = the source dir, $3 = the shared dir (tests/CMakeLists.txt).
# The explorer runs in a detached tmux server of its own; tests wait for text, never sleep.
set -u

bin=$1
src=$2
name=$(basename "$0" .sh)

# skip REASON: exit 77, or fail when CI=true (a skip must not pass silently in CI).
skip() {
    echo "SKIP: $*"
    if [ "${CI:-}" = true ]; then
        echo "FAIL: CI=true, and a skip is a failure"
        exit 1
    fi
    exit 77
}

command -v tmux > /dev/null || skip "tmux is not installed"
[ -x "$bin" ] || { echo "FAIL: no binary at $bin"; exit 1; }

tmp=$(mktemp -d)
sock="bo-$$-$name"

tm() {
    tmux -L "$sock" -f /dev/null "$@"
}

cleanup() {
    tm kill-server 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# screen: the pane's text now.
screen() {
    tm capture-pane -p
}

# fail MESSAGE: report, show the screen, exit 1.
fail() {
    echo "FAIL: $*"
    echo "--- screen ---"
    screen 2> /dev/null
    exit 1
}

# start [VAR=VALUE...]: runs `breakout` (no arguments: the explorer on $BREAKOUT_DB) in a
# 100x30 pane, UTF-8 locale, NO_COLOR unset, on a fresh workspace; the variables are added to its
# environment. When the explorer exits the pane prints "explorer exited with status N".
start() {
    local cmd="env -u NO_COLOR -u LINES -u COLUMNS LANG=C.UTF-8 LC_ALL=C.UTF-8 BREAKOUT_DB=$(printf '%q' "$tmp/ws.db")"
    local v
    for v in "$@"; do cmd="$cmd $(printf '%q' "$v")"; done
    cmd="$cmd $(printf '%q' "$bin"); echo \"explorer exited with status \$?\"; sleep 600"
    LC_ALL=C.UTF-8 tm new-session -d -x 100 -y 30 "$cmd" || fail "tmux cannot start a session"
}

# wait_for TEXT [SECONDS]: waits (default 10 s) until the screen shows TEXT (fixed string).
# Fails at once when the explorer has exited and TEXT is not on the screen.
wait_for() {
    local i limit=$(( ${2:-10} * 10 )) now
    for ((i = 0; i < limit; i++)); do
        now=$(screen)
        grep -qF -- "$1" <<< "$now" && return 0
        grep -q "^explorer exited with status" <<< "$now" &&
            fail "breakout exited (did 'breakout' with no arguments start the explorer?) before showing: $1"
        sleep 0.1
    done
    fail "timed out waiting for: $1"
}

# wait_gone TEXT: waits until the screen no longer shows TEXT.
wait_gone() {
    local i
    for ((i = 0; i < 100; i++)); do
        screen | grep -qF -- "$1" || return 0
        sleep 0.1
    done
    fail "still on screen after 10 s: $1"
}

# expect TEXT / expect_not TEXT: the screen shows (or does not show) TEXT right now.
expect() {
    screen | grep -qF -- "$1" || fail "expected on screen: $1"
}
expect_not() {
    screen | grep -qF -- "$1" && fail "not expected on screen: $1"
    return 0
}

# keys KEY...: tmux send-keys (key names such as Enter, Escape, Up, or literal text).
keys() {
    tm send-keys "$@"
}

# type_text TEXT: sends TEXT literally.
type_text() {
    tm send-keys -l -- "$1"
}

# open_scenario NAME: from the scenario list, searches NAME and opens it.
open_scenario() {
    wait_for "scenarios)"
    keys /
    wait_for "search:"
    type_text "$1"
    wait_for "search: $1"
    keys Enter
    wait_gone "search:"
    keys Enter
    wait_for "breakout | $1"
}

# click X Y: a left click at column X, row Y (0-based), sent as the X10 mouse sequences
# (press, then release) that a terminal sends for a click.
click() {
    local press release
    press=$(printf '\\x%x\\x%x' $((33 + $1)) $((33 + $2)))
    release="\033[M#$press"
    press="\033[M $press"
    keys -l "$(printf "$press")"
    keys -l "$(printf "$release")"
}

# restart [VAR=VALUE...]: ends the tmux server (and what runs in it) and starts the explorer
# again on the same workspace, as a user reopening it would.
restart() {
    tm kill-server 2> /dev/null
    local i
    for ((i = 0; i < 50; i++)); do
        tm has-session 2> /dev/null || break
        sleep 0.1
    done
    start "$@"
}

# explorer_pid: the pid of the running explorer (the child of the pane's shell; read from
# /proc, so that procps is not needed).
explorer_pid() {
    local shell_pid p
    shell_pid=$(tm display-message -p '#{pane_pid}')
    for p in /proc/[0-9]*; do
        if [ "$(awk '/^PPid:/ { print $2 }' "$p/status" 2> /dev/null)" = "$shell_pid" ]; then
            echo "${p#/proc/}"
            return
        fi
    done
}

# select_item TEXT: selects the first tree row whose id contains TEXT (g, then / search).
select_item() {
    keys g
    keys /
    wait_for "search:"
    type_text "$1"
    wait_for "search: $1"
    keys Enter
    wait_gone "search:"
}

# wait_exit PID: waits until process PID has gone.
wait_exit() {
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$1" 2> /dev/null || return 0
        sleep 0.1
    done
    fail "process $1 is still running after 10 s"
}

# quit_all: presses q until the explorer exits; it must exit with status 0 and without a
# sanitizer report (in the ASan build, leaks are reported at exit).
quit_all() {
    local i
    for ((i = 0; i < 6; i++)); do
        screen | grep -q "^explorer exited with status" && break
        keys q
        sleep 0.2
    done
    wait_for "explorer exited with status 0"
    expect_not "Sanitizer"
    expect_not "runtime error"
}
