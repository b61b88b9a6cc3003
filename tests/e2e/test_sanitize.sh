# User strings with control characters (escape sequences, bells, backspaces, C1) are shown
# escaped as \xNN; wide characters keep their place.
. "$(dirname "$0")/lib.sh"

BREAKOUT_DB="$tmp/ws.db" "$bin" import "$src/tests/e2e/golden/hostile-strings.json" > /dev/null 2>&1 ||
    fail "cannot import the hostile scenario"
start
wait_for 'Evil \x1b[31mred\x1b[0m \x07bell ünïcödé 名前'
keys /
type_text "Evil"
keys Enter Enter
wait_for 'hosts compromised'
expect 'w\x08\x08\x08pwned'
expect 't\x1b]0;x\x07 ! untrusted'
expect 'host h\xc2\x9b1'
# nothing the scenario holds may reach the terminal raw: no bell, no backspace, no ESC
tm capture-pane -e -p > "$tmp/raw.txt"
grep -q "$(printf '\007')\|$(printf '\010')" "$tmp/raw.txt" && fail "a control character reached the terminal"
grep -q "$(printf '\033')\]" "$tmp/raw.txt" && fail "an OSC sequence reached the terminal"
echo "PASS"
