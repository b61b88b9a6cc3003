#!/usr/bin/env bash
# Every bundled scenario's analysis (JSON and text) equals its checked-in golden, and the
# JSON is valid against docs/analysis.schema.json. Regenerate deliberately with
# tests/regen-goldens.sh, never automatically.
set -u
bin=$1 src=$2
cd "$src"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=1
fail=0 n=0
for f in scenarios/*.json; do
    name=$(basename "$f" .json)
    n=$((n + 1))
    for fmt in json text; do
        golden=tests/golden/analysis/$name.$fmt
        if [[ ! -f $golden ]]; then
            echo "FAIL: no golden $golden (run tests/regen-goldens.sh and review it)"
            fail=1; continue
        fi
        "$bin" analyze "$f" --format "$fmt" --max-paths 0 > "$tmp/out.$fmt" 2> "$tmp/err"
        status=$?
        if [[ $status -ne 0 ]]; then
            echo "FAIL: analyze $f --format $fmt exited $status: $(cat "$tmp/err")"
            fail=1; continue
        fi
        if ! diff -u "$golden" "$tmp/out.$fmt" > "$tmp/diff"; then
            echo "FAIL: $f ($fmt) differs from $golden:"; head -40 "$tmp/diff"; fail=1
        fi
    done
    if ! /usr/bin/python3 - "$src/docs/analysis.schema.json" "$tmp/out.json" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validate(json.load(open(sys.argv[2])), schema, cls=jsonschema.Draft7Validator)
PY
    then
        echo "FAIL: $f: the JSON output does not match docs/analysis.schema.json"; fail=1
    fi
done
[[ $n -ge 15 ]] || { echo "FAIL: only $n bundled scenarios, expected at least 15"; fail=1; }
[[ $fail -eq 0 ]] && echo "ok: $n scenarios match their goldens and the schema"
exit $fail
