# x exports the open scenario's report: the dialog offers the formats and a file name; the
# file is written whole, and a bad file name (a missing directory, a named pipe) is refused
# with the reason, keeping the dialog.
. "$(dirname "$0")/lib.sh"

start
open_scenario "Shared Windows node, ContainerAdministrator guest"
wait_for "isolation    FAILS  (not-a-boundary)"
keys x
wait_for "Export the report"
expect "breakout-report.html"
# a directory that does not exist: the dialog stays and says why
keys Down C-u "$tmp/missing/report.html" Enter
wait_for "no such directory"
expect "Export the report"
# a named pipe: refused (writing to it would wait for a reader, the screen frozen)
mkfifo "$tmp/pipe"
keys C-u "$tmp/pipe" Enter
wait_for "that is a named pipe: choose a file"
expect "Export the report"
# Markdown, into the test's directory
keys C-u "$tmp/report.md" Up
keys m
keys Enter
wait_for "wrote the"
[ -s "$tmp/report.md" ] || fail "the report file was not written"
grep -q "guest-app" "$tmp/report.md" || fail "the report does not name guest-app"
grep -q "admin-escape" "$tmp/report.md" || fail "the report does not give the path's technique"
quit_all
echo "PASS"
