# TERM=dumb: one clear line on stderr and status 2, no curses.
. "$(dirname "$0")/lib.sh"

start TERM=dumb
wait_for "explorer exited with status 2"
expect "the explorer needs a terminal (TERM is dumb)"
echo "PASS"
