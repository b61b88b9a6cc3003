# `breakout learn` on a terminal (a detached tmux pane): single keys without Enter, a wrong
# answer with its misconception and the engine's explanation, right answers, the end of the
# lesson, the terminal given back in canonical mode (after the end and after Ctrl-C), and
# the progress seen after a restart.
. "$(dirname "$0")/lib.sh"

export BREAKOUT_DB="$tmp/ws.db"
if "$bin" learn --learner probe < /dev/null 2>&1 > /dev/null | grep -qE 'unknown (command|option)'; then
    skip "'breakout learn' is not wired into the command line yet"
fi
rm -f "$tmp/ws.db"

# start_learn ARGS...: runs `breakout ARGS` in a 100x50 pane; when it exits the pane says
# "explorer exited with status N" (what lib.sh's helpers watch for) and whether the terminal
# was left in canonical mode. The pane's shell survives a Ctrl-C (trap) to say so.
start_learn() {
    local cmd="trap true INT; env -u NO_COLOR -u LINES -u COLUMNS LANG=C.UTF-8 LC_ALL=C.UTF-8 BREAKOUT_DB=$(printf '%q' "$tmp/ws.db")"
    local a
    cmd="$cmd $(printf '%q' "$bin")"
    for a in "$@"; do cmd="$cmd $(printf '%q' "$a")"; done
    cmd="$cmd; echo \"explorer exited with status \$?\"; if stty -a | grep -q -- '-icanon'; then echo 'terminal: raw'; else echo 'terminal: cooked'; fi; sleep 600"
    LC_ALL=C.UTF-8 tm new-session -d -x 100 -y 50 "$cmd" || fail "tmux cannot start a session"
}

stop_server() {
    tm kill-server 2> /dev/null
    local i
    for ((i = 0; i < 50; i++)); do
        tm has-session 2> /dev/null || break
        sleep 0.1
    done
}

# ---- a lesson, key by key ----
start_learn learn --learner tess shared-kernel
wait_for "Lesson shared-kernel, 6 steps, for tess."
wait_for "[any key: go on, q: stop here]"
keys Space
wait_for "Step 1 of 6"
wait_for "Your answer (y/n, q to stop):"
keys y # no Enter: a single key answers
wait_for "Not quite."
wait_for "You probably assumed that without administrator rights"
wait_for "The engine: No: guest-app's isolation boundary fails (security-boundary)."
wait_for "Exploit the shared host kernel (kernel-compromise)"
keys Space
wait_for "Step 2 of 6"
keys y
wait_for "The engine: Yes: guest reaches tenant:contoso"
expect "Right."
keys Space
wait_for "Step 3 of 6"
keys n
wait_for "The engine: No: contoso-web's isolation boundary fails"
keys Space
wait_for "Change: assume kernel_exploit=false"
keys Space
wait_for "Step 5 of 6"
keys y
wait_for "The engine: Yes: guest-app's isolation boundary holds."
keys Space
wait_for "Step 6 of 6"
keys Space
wait_for "Lesson finished. 3 of 4 answered right this time."
wait_for "explorer exited with status 0"
wait_for "terminal: cooked"
expect_not "Sanitizer"
expect_not "runtime error"

# ---- Ctrl-C in the middle gives the terminal back ----
stop_server
start_learn learn --learner tess admin-escape
wait_for "[any key: go on, q: stop here]"
keys Space
wait_for "Your answer (y/n, q to stop):"
keys C-c
wait_for "explorer exited with status 130"
wait_for "terminal: cooked"

# ---- q stops and keeps the place ----
stop_server
start_learn learn --learner tess hostprocess
wait_for "[any key: go on, q: stop here]"
keys Space
wait_for "Your answer (y/n, q to stop):"
keys n
wait_for "The engine: No: guest-logger's isolation boundary fails"
keys q
wait_for "Stopped at step 2 of 5; your place is kept."
wait_for "explorer exited with status 0"
wait_for "terminal: cooked"

# ---- after a restart: the progress ----
stop_server
start_learn learn --progress
wait_for "explorer exited with status 0"
screen | grep -qE '^tess +shared-kernel +finished +3/4 ' || fail "--progress does not show tess finished shared-kernel"
screen | grep -qE '^tess +hostprocess +step 2 of 5 +1/1 ' || fail "--progress does not show tess at step 2 of hostprocess"
screen | grep -qE '^tess +admin-escape +step 1 of 5 ' || fail "--progress does not show admin-escape started"
stop_server
start_learn learn --learner tess
wait_for "explorer exited with status 0"
screen | grep -qE '^ +1  shared-kernel +finished 3/4 ' || fail "the list does not show shared-kernel finished"
echo "PASS"
