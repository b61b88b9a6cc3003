#!/usr/bin/env bash
# The command line itself: --help, --version, usage errors (exit 2, one line and the --help hint
# on stderr, nothing on stdout), where the default workspace lives, --db, colour only on a
# terminal, and user-supplied text never reaching the terminal raw.
# Usage: test_cli.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (run from SOURCE_DIR by ctest).
set -u
bin=$(realpath "$1") src=$2
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db
unset NO_COLOR
fail=0
hint="Try 'breakout --help' for more information."
esc=$'\e'

bad() { echo "FAIL: $*"; fail=1; }

# run ARGS...: runs breakout with no stdin; sets rc, and the files $tmp/out and $tmp/err.
run() {
    "$bin" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if grep -qE 'LeakSanitizer|runtime error|AddressSanitizer' "$tmp/err"; then
        cat "$tmp/err"; bad "sanitizer report from: breakout $*"
    fi
}
show() { echo "  exit $rc; stdout: $(head -c 300 "$tmp/out")"; echo "  stderr: $(head -c 300 "$tmp/err")"; }
expect_rc() { # expect_rc N WHAT
    [[ $rc -eq $1 ]] || { bad "$2: exit $rc, expected $1"; show; }
}
expect_no_stdout() { [[ ! -s $tmp/out ]] || { bad "$1: printed on stdout"; show; }; }
expect_no_stderr() { [[ ! -s $tmp/err ]] || { bad "$1: printed on stderr"; show; }; }
# expect_usage_error FIRST_LINE ARGS...: exit 2, stderr is FIRST_LINE then the hint, no stdout.
expect_usage_error() {
    local want=$1; shift
    run "$@"
    expect_rc 2 "breakout $*"
    expect_no_stdout "breakout $*"
    printf '%s\n%s\n' "$want" "$hint" > "$tmp/want"
    if ! cmp -s "$tmp/want" "$tmp/err"; then
        bad "breakout $*: stderr is not the one-line error and the hint"
        diff "$tmp/want" "$tmp/err" | head -6
    fi
}

# ---- --help and --version ----
for opt in --help -h; do
    run "$opt"
    expect_rc 0 "breakout $opt"
    expect_no_stderr "breakout $opt"
    grep -q '^Usage: breakout' "$tmp/out" || bad "breakout $opt: no 'Usage: breakout' line"
    for cmd in list analyze import export rm; do
        grep -qE "^  $cmd( |$)" "$tmp/out" || bad "breakout $opt does not describe the command $cmd"
    done
    for o in --db --format --output --check --max-paths --assume --catalog --replace --help --version; do
        grep -q -- "$o" "$tmp/out" || bad "breakout $opt does not mention $o"
    done
done
run list --help
expect_rc 0 "breakout list --help"
grep -q '^Usage: breakout' "$tmp/out" || bad "breakout list --help: no usage"
[[ -e $BREAKOUT_DB ]] && bad "breakout --help created the workspace $BREAKOUT_DB"

for opt in --version -V; do
    run "$opt"
    expect_rc 0 "breakout $opt"
    expect_no_stderr "breakout $opt"
    [[ $(wc -l < "$tmp/out") -eq 1 ]] && grep -qE '^breakout [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" ||
        { bad "breakout $opt: expected one line 'breakout X.Y.Z'"; show; }
done
version=$(cat "$tmp/out")
grep -q "VERSION ${version#breakout }" CMakeLists.txt ||
    bad "breakout --version says '$version', CMakeLists.txt's project VERSION differs"

# ---- usage errors: exit 2, one line plus the hint on stderr, nothing on stdout ----
expect_usage_error 'breakout: unknown command "frobnicate"' frobnicate
expect_usage_error 'breakout: unknown option --bogus' --bogus
expect_usage_error 'breakout: unknown option --bogus' list --bogus
expect_usage_error 'breakout: option --db needs a value' list --db
expect_usage_error 'breakout: option --format needs a value' analyze scenarios/shared-node-admin.json --format
expect_usage_error 'breakout: option -o needs a value' analyze scenarios/shared-node-admin.json -o
expect_usage_error 'breakout: option --max-paths needs a value' analyze scenarios/shared-node-admin.json --max-paths
expect_usage_error 'breakout: option --assume needs a value' analyze scenarios/shared-node-admin.json --assume
expect_usage_error 'breakout: option --catalog needs a value' analyze scenarios/shared-node-admin.json --catalog
expect_usage_error 'breakout: list takes no arguments' list extra
expect_usage_error 'breakout: analyze needs one FILE or NAME' analyze
expect_usage_error 'breakout: import needs at least one FILE' import
expect_usage_error 'breakout: export needs one NAME' export
expect_usage_error 'breakout: rm needs one NAME' rm
expect_usage_error 'breakout: --format: expected text, json, md, html, dot or sarif, got "yaml"' \
    analyze scenarios/shared-node-admin.json --format yaml
[[ -e $BREAKOUT_DB ]] && bad "a usage error created the workspace $BREAKOUT_DB"

# ---- where the workspace lives ----
# $BREAKOUT_DB first (every run above used it)
run list
expect_rc 0 "breakout list"
[[ -f $BREAKOUT_DB ]] || bad "breakout list did not create \$BREAKOUT_DB ($BREAKOUT_DB)"
nseed=$(ls scenarios/*.json | wc -l)

# --db overrides $BREAKOUT_DB, in both spellings and on either side of the command
for args in "--db $tmp/db1.db list" "list --db $tmp/db2.db" "--db=$tmp/db3.db list"; do
    read -ra a <<< "$args"
    run "${a[@]}"
    expect_rc 0 "breakout $args"
    [[ $(wc -l < "$tmp/out") -eq $((nseed + 1)) ]] || { bad "breakout $args: not the seeded list"; show; }
done
for n in 1 2 3; do [[ -f $tmp/db$n.db ]] || bad "--db did not create $tmp/db$n.db"; done

# then $XDG_DATA_HOME/breakout/workspace.db, then ~/.local/share/breakout/workspace.db;
# an empty $BREAKOUT_DB or $XDG_DATA_HOME counts as unset (HOME is a scratch directory here)
env -u BREAKOUT_DB XDG_DATA_HOME="$tmp/xdg" HOME="$tmp/home0" "$bin" list > /dev/null 2>&1 < /dev/null
[[ -f $tmp/xdg/breakout/workspace.db ]] || bad "without \$BREAKOUT_DB the workspace is not \$XDG_DATA_HOME/breakout/workspace.db"
[[ -e $tmp/home0 ]] && bad "with \$XDG_DATA_HOME set, breakout wrote under \$HOME"
BREAKOUT_DB= XDG_DATA_HOME="$tmp/xdg2" HOME="$tmp/home0" "$bin" list > /dev/null 2>&1 < /dev/null
[[ -f $tmp/xdg2/breakout/workspace.db ]] || bad "an empty \$BREAKOUT_DB was not treated as unset"
env -u BREAKOUT_DB -u XDG_DATA_HOME HOME="$tmp/home" "$bin" list > "$tmp/out" 2>&1 < /dev/null
[[ -f $tmp/home/.local/share/breakout/workspace.db ]] ||
    bad "without \$BREAKOUT_DB and \$XDG_DATA_HOME the workspace is not ~/.local/share/breakout/workspace.db"
[[ $(wc -l < "$tmp/out") -eq $((nseed + 1)) ]] || bad "the workspace under \$HOME was not seeded"

# ---- colour: only on a terminal, never with NO_COLOR set and non-empty ----
analyze_args=(analyze scenarios/hostprocess.json)
run "${analyze_args[@]}"
grep -q "$esc" "$tmp/out" && bad "breakout analyze into a pipe printed escape sequences"
cp "$tmp/out" "$tmp/plain"
if command -v script > /dev/null; then
    cmd=$(printf '%q ' "$bin" "${analyze_args[@]}")
    env -u NO_COLOR script -qc "$cmd" /dev/null < /dev/null > "$tmp/tty" 2>&1
    grep -q "$esc\[" "$tmp/tty" || bad "breakout analyze on a terminal shows no colour"
    # the coloured text is the plain text plus escape sequences, nothing else
    tr -d '\r' < "$tmp/tty" | sed "s/$esc\[[0-9;]*m//g" > "$tmp/tty.stripped"
    cmp -s "$tmp/plain" "$tmp/tty.stripped" ||
        { bad "analyze on a terminal, colour removed, differs from analyze into a pipe"; diff "$tmp/plain" "$tmp/tty.stripped" | head; }
    NO_COLOR=1 script -qc "$cmd" /dev/null < /dev/null > "$tmp/tty" 2>&1
    grep -q "$esc" "$tmp/tty" && bad "NO_COLOR=1: breakout analyze on a terminal still prints escape sequences"
    NO_COLOR= script -qc "$cmd" /dev/null < /dev/null > "$tmp/tty" 2>&1
    grep -q "$esc\[" "$tmp/tty" || bad "an empty NO_COLOR turned colour off (it must count as unset)"
    # -o FILE is not the terminal: the file gets no colour even when stdout is a terminal
    env -u NO_COLOR script -qc "$cmd -o $(printf '%q' "$tmp/tty-out.txt")" /dev/null < /dev/null > /dev/null 2>&1
    cmp -s "$tmp/plain" "$tmp/tty-out.txt" || bad "analyze -o FILE from a terminal did not write the plain text"
elif [[ ${CI:-} == true ]]; then
    bad "script(1) is missing: cannot test colour on a terminal (CI=true)"
else
    echo "skip: script(1) is missing, colour on a terminal not tested"
fi

# ---- user-supplied strings never reach the terminal raw (stderr included) ----
# A name or path holding an escape sequence is shown escaped, as every format requires.
evil=$'\e[31mevil'
check_no_raw_escape() { # WHAT: after run
    if grep -q "$esc" "$tmp/out" "$tmp/err"; then
        bad "$1: a user-supplied escape sequence reached the terminal raw"
        echo "  stderr: $(cat -v "$tmp/err" | head -3)"
    fi
}
run export "$evil"
expect_rc 2 "export of a missing name with an escape sequence"
check_no_raw_escape "export NAME"
run "$evil"
expect_rc 2 "an unknown command with an escape sequence"
check_no_raw_escape "an unknown command"
run analyze scenarios/shared-node-admin.json --format "$evil"
expect_rc 2 "--format with an escape sequence"
check_no_raw_escape "--format VALUE"
run import "$tmp/$evil.json"
expect_rc 2 "import of a missing file whose name holds an escape sequence"
check_no_raw_escape "import of a missing FILE"
cp tests/malformed/comment.json "$tmp/$evil.json"
run analyze "$tmp/$evil.json"
expect_rc 2 "analyze of a malformed file whose name holds an escape sequence"
check_no_raw_escape "analyze of a malformed FILE"

[[ $fail -eq 0 ]] && echo "ok: command line"
exit $fail
