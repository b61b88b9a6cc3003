#!/usr/bin/env bash
# `breakout learn` driven through a pipe: the list with each learner's progress, a lesson
# answered wrong (the misconception and the engine's explanation) and right, finished and
# seen after a restart; stopping and resuming; goals; --progress; a user's lessons
# (--lessons DIR and $BREAKOUT_LESSONS); one-line errors for bad names and bad lesson files.
# Usage: test_learn.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (run from SOURCE_DIR by ctest).
set -u
bin=$(realpath "$1") src=$2
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=
unset BREAKOUT_LESSONS
fail=0
esc=$'\e'

bad() { echo "FAIL: $*"; fail=1; }
# run INPUT ARGS...: runs breakout with INPUT on stdin; stdout in $tmp/out, stderr in $tmp/err
run() {
    local input=$1
    shift
    printf '%b' "$input" | "$bin" "$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if grep -qE 'LeakSanitizer|runtime error|AddressSanitizer' "$tmp/err"; then
        cat "$tmp/err"; bad "sanitizer report from: breakout $*"
    fi
}
show() { echo "  exit $rc; stdout: $(tail -c 600 "$tmp/out")"; echo "  stderr: $(head -c 300 "$tmp/err")"; }
expect_rc() { [[ $rc -eq $1 ]] || { bad "$2: exit $rc, expected $1"; show; }; }
has() { grep -qF -- "$1" "$tmp/out" || { bad "$2: stdout lacks: $1"; show; }; }
has_not() { ! grep -qF -- "$1" "$tmp/out" || { bad "$2: stdout has: $1"; show; }; }
count() { grep -cF -- "$1" "$tmp/out"; }
expect_err() {
    printf '%s\n' "$1" > "$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" || { bad "$2: stderr is not the expected line"; echo "  expected: $1"; echo "  actual:   $(head -c 400 "$tmp/err")"; }
}
quiet_stderr() { [[ ! -s $tmp/err ]] || { bad "$1: printed on stderr: $(head -c 300 "$tmp/err")"; }; }

# ---- is `learn` wired into the command line? ----
run '' learn --learner probe
if grep -qE 'unknown (command|option)' "$tmp/err"; then
    echo "SKIP: 'breakout learn' is not wired into the command line yet: $(head -1 "$tmp/err")"
    [[ ${CI:-} == true ]] && { echo "FAIL: CI=true, and a skip is a failure"; exit 1; }
    exit 77
fi
rm -f "$BREAKOUT_DB"

# ---- the list on a fresh workspace ----
run '' learn --learner alice
expect_rc 0 "learn (the list)"
quiet_stderr "learn (the list)"
has "Lessons for alice (start one with: breakout learn NAME)" "the list's title"
nlessons=$(ls scenarios/lessons/*.json | wc -l)
[[ $nlessons -ge 10 ]] || bad "only $nlessons bundled lessons"
[[ $(count "not started") -eq $nlessons ]] || bad "a fresh learner has not started any of the $nlessons lessons"
for f in scenarios/lessons/*.json; do
    has "  $(basename "$f" .json)  " "the list names every bundled lesson"
done
grep -qE '^ +1  shared-kernel +not started +The shared kernel is not a boundary$' "$tmp/out" ||
    { bad "the first row is not shared-kernel"; show; }
has_not "$esc" "no escape sequences into a pipe"

# ---- a lesson: wrong, then right, to the end ----
# shared-kernel: 1 boundary (fails: 'y' is wrong), 2 reach (yes), 3 boundary (fails),
# 4 change, 5 boundary (holds), 6 note
run 'y\ny\nn\ny\n' learn --learner alice shared-kernel
expect_rc 0 "shared-kernel answered"
quiet_stderr "shared-kernel answered"
has "Step 1 of 6" "the first step"
has "Not quite." "a wrong answer"
has "You probably assumed that without administrator rights a container cannot get" "the misconception of the wrong answer"
has "The engine: No: guest-app's isolation boundary fails (security-boundary)." "the engine's answer"
has "kernel-compromise: guest-app (user) -> host node-1 (admin)" "the failing technique"
has "Exploit the shared host kernel (kernel-compromise)" "the technique's teaching"
has "Source: Secure Windows containers, \"Windows Server containers vs. Linux" "the source section"
[[ $(count "Right.") -eq 3 ]] || { bad "three right answers expected, got $(count "Right.")"; show; }
has "1. kernel-compromise: guest-app (user) -> host node-1 (admin)" "the reach question shows the path"
has "Change: assume kernel_exploit=false" "the change step"
has "The engine: Yes: guest-app's isolation boundary holds." "the verdict after the change"
has "kernel-compromise: assumption kernel_exploit is false" "the missing precondition"
has "Lesson finished. 3 of 4 answered right this time." "the end"
has "Next: breakout learn admin-escape" "the next lesson"

# ---- a restart sees it ----
run '' learn --learner alice
grep -qE '^ +1  shared-kernel +finished 3/4 ' "$tmp/out" || { bad "the list after a restart does not show shared-kernel finished 3/4"; show; }
run '' learn --progress
expect_rc 0 "learn --progress"
grep -qE '^LEARNER +LESSON +PROGRESS +RIGHT +UPDATED$' "$tmp/out" || { bad "--progress header"; show; }
grep -qE '^alice +shared-kernel +finished +3/4 +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$tmp/out" ||
    { bad "--progress does not show alice finished 3/4"; show; }

# ---- stopping and resuming ----
# admin-escape: 1 boundary (fails), 2 reach (yes), 3 servicing (c), 4 fix (a), 5 note
run 'n\nq\n' learn --learner alice admin-escape
expect_rc 0 "q stops a lesson"
has "Stopped at step 2 of 5; your place is kept. Go on with: breakout learn admin-escape" "stopping"
run '' learn --learner alice
grep -qE '^ +2  admin-escape +step 2 of 5 ' "$tmp/out" || { bad "the list does not show admin-escape at step 2 of 5"; show; }
run 'y\ny\nc\na\n' learn --learner alice admin-escape
expect_rc 0 "resuming"
has "You stopped at step 2 of 5. Go on from there (y), or start over (n)?" "the resume question"
has_not "Step 1 of 5" "resuming skips the steps done"
has "Step 2 of 5" "resuming at the step"
has "Only c would be serviced as a security vulnerability." "the servicing answer"
has "Only a closes every path on its own (2 paths before)." "the fix answer"
has "Lesson finished. 3 of 3 answered right this time." "finishing after a resume"
run 'n\nn\n' learn --learner alice admin-escape  # right, then wrong, then the input ends
has "You finished this lesson before: here it is again from the start." "a finished lesson starts over"
has "Step 1 of 5" "starting over"
has "Not quite." "answering it wrong the second time"

# ---- a goal in a pipe ----
# hardening: 1 boundary (fails), 2 reach (yes), 3 goal: 7 (hardening: no help), 1, then 2
run 'n\ny\n7\n1\n2\n' learn --learner carol hardening
expect_rc 0 "the hardening lesson"
has "Now: 3 boundaries fail, 4 paths, 1 tenant exposed" "the goal's starting state"
has "  7) guest-batch: add hardening apparmor, seccomp" "the lesson's distractor on the menu"
has "You probably assumed one more profile would close the path." "the goal's misconception"
has "Applied: guest-app: isolation process -> hyperv" "a move"
has "Goal reached with 3 changes, not all of which helped." "reaching the goal"
has "Lesson finished. 2 of 3 answered right this time." "the goal counts as not right first time"
run 'n\n' learn --learner carol hostprocess
expect_rc 0 "input that ends mid-lesson"
has "Stopped at step 2 of 5" "the end of input keeps the place"

# ---- --progress: everyone, or one learner ----
run '' learn --progress
grep -qE '^alice +admin-escape +step 3 of 5 +3/4 ' "$tmp/out" || { bad "--progress: alice restarted admin-escape and stopped at step 3"; show; }
grep -qE '^carol +hardening +finished +2/3 ' "$tmp/out" || { bad "--progress: carol finished hardening"; show; }
grep -qE '^carol +hostprocess +step 2 of 5 ' "$tmp/out" || { bad "--progress: carol's place in hostprocess"; show; }
run '' learn --progress --learner carol
has_not "alice" "--progress --learner carol shows carol only"
run '' learn --progress --learner nobody
has "nobody has not started a lesson in " "--progress for a learner without progress"

# ---- the default learner is the login name ----
run '' learn
expect_rc 0 "learn without --learner"
grep -qE '^Lessons for [^ ].* \(start one with: breakout learn NAME\)$' "$tmp/out" || { bad "learn without --learner"; show; }

# ---- errors ----
run '' learn --learner alice nope
expect_rc 2 "an unknown lesson"
expect_err "breakout: no lesson named \"nope\" ('breakout learn' lists them)" "an unknown lesson"
run '' learn --learner '' shared-kernel
expect_rc 2 "an empty learner"
grep -qF -- "--learner: expected a name of 1 to 64 printable characters" "$tmp/err" || { bad "an empty learner's message"; show; }
run '' learn --learner "$(printf 'a\033[31mb')" shared-kernel
expect_rc 2 "a learner with a control character"
grep -qF "$esc" "$tmp/err" && bad "a control character reached the terminal"
run '\033[31mred\nq\n' learn --learner alice shared-kernel
has "That is not one of the answers." "an answer that is an escape sequence"
has_not "$esc" "an answer's escape sequence is not echoed to the terminal"
run '' learn --progress shared-kernel
expect_rc 2 "--progress with a NAME"
run '' learn --learner alice a b
expect_rc 2 "two lesson names"

# ---- a user's lessons ----
mkdir -p "$tmp/lessons"
cat > "$tmp/lessons/mine.json" << 'EOF'
{ "breakout_lesson": 1, "title": "My own lesson", "summary": "mine", "order": 1,
  "scenario": { "breakout": 1, "name": "Mine", "tenants": [ { "id": "a", "trust": "untrusted" } ],
                "hosts": [ { "id": "h", "os": "linux" } ],
                "workloads": [ { "id": "w", "tenant": "a", "host": "h", "isolation": "sandbox", "account": "admin" } ] },
  "steps": [ { "kind": "boundary", "text": "Does w's isolation hold?", "workload": "w",
               "misconception": { "no": "You probably assumed root gets out of gVisor." } } ] }
EOF
run '' learn --learner dave --lessons "$tmp/lessons"
expect_rc 0 "--lessons DIR"
grep -qE '^ +1  mine +not started +My own lesson$' "$tmp/out" || { bad "--lessons: the user's lesson is not listed first"; show; }
BREAKOUT_LESSONS=$tmp/lessons run 'n\n' learn --learner dave mine
expect_rc 0 "\$BREAKOUT_LESSONS"
has "Not quite." "a user's lesson runs"
has "You probably assumed root gets out of gVisor." "a user's misconception"
has "The engine: Yes: w's isolation boundary holds." "the engine answers a user's lesson"
printf '{ "breakout_lesson": 1, "title": "x", "summary": "y", "scenario": "shared-node-admin",\n  "steps": [ { "kind": "reach", "text": "?", "from": "guest", "to": "tenant:ghost" } ] }\n' > "$tmp/lessons/broken.json"
run '' learn --learner dave --lessons "$tmp/lessons"
expect_rc 2 "a broken user lesson"
expect_err "$tmp/lessons/broken.json:2:69: steps[0].to: no tenant \"ghost\" in the lesson's scenario" "a broken user lesson"
run '' learn --learner dave --lessons "$tmp/nowhere"
expect_rc 2 "a missing lessons directory"
expect_err "$tmp/nowhere: no such directory (lessons)" "a missing lessons directory"

[[ $fail -eq 0 ]] && echo "PASS"
exit $fail
