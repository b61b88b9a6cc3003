# L lists the lessons with the learner's progress, as `breakout learn` does.
. "$(dirname "$0")/lib.sh"

start USER=ada LOGNAME=ada
wait_for "scenarios)"
keys L
wait_for "LESSONS for"
expect "shared-kernel"
expect "not started"
expect "breakout learn NAME"
keys Escape
wait_for "scenarios)"
quit_all
echo "PASS"
