#!/usr/bin/env bash
# `breakout analyze FILE --format md|html|dot|sarif [-o OUT]`: the reports of two bundled
# scenarios equal their goldens (tests/golden/reports, also checked by tests/data/test_reports.c),
# -o writes the same bytes, DOT renders with Graphviz, SARIF is valid against the OASIS schema,
# hostile names come out as text, an unknown format is a usage error. Until the command line
# knows these formats the test is skipped (a failure with CI=true).
set -u
bin=$1 src=$2 shared=$3
cd "$src"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=1
fail=0
bad() { echo "FAIL: $*"; fail=1; }
skip() {
    if [[ ${CI:-} == true ]]; then echo "FAIL: $* (with CI=true a skip is a failure)"; exit 1; fi
    echo "SKIP: $*"; exit 77
}

if ! "$bin" analyze scenarios/shared-node-admin.json --format md > /dev/null 2> "$tmp/err"; then
    grep -q -- "--format" "$tmp/err" && skip "analyze does not know --format md yet: $(head -1 "$tmp/err")"
fi
have_dot=0; command -v dot > /dev/null 2>&1 && have_dot=1

for name in process-ssh-mount-admin linux-kata-ssh-mount; do
    f=scenarios/$name.json
    for fmt in md dot sarif html; do
        golden=tests/golden/reports/$name.$fmt
        if [[ $fmt == html && $have_dot == 0 ]]; then
            [[ ${CI:-} == true ]] && bad "Graphviz dot is missing: cannot check $golden (CI=true)"
            continue
        fi
        "$bin" analyze "$f" --format "$fmt" > "$tmp/out.$fmt" 2> "$tmp/err"
        status=$?
        [[ $status -eq 0 ]] || { bad "analyze $f --format $fmt exited $status: $(cat "$tmp/err")"; continue; }
        [[ -s $tmp/err ]] && bad "analyze $f --format $fmt wrote to stderr: $(cat "$tmp/err")"
        diff -u "$golden" "$tmp/out.$fmt" > "$tmp/diff" || { bad "$f ($fmt) differs from $golden:"; head -30 "$tmp/diff"; }
        "$bin" analyze "$f" --format "$fmt" -o "$tmp/file.$fmt" > "$tmp/stdout" 2> "$tmp/err" ||
            bad "analyze $f --format $fmt -o FILE failed: $(cat "$tmp/err")"
        [[ -s $tmp/stdout ]] && bad "analyze -o FILE also wrote to stdout"
        cmp -s "$tmp/out.$fmt" "$tmp/file.$fmt" || bad "$f ($fmt): -o FILE differs from stdout"
    done
    if [[ $have_dot == 1 ]]; then
        "$bin" analyze "$f" --format dot | dot -Tsvg > "$tmp/g.svg" 2> "$tmp/err" ||
            bad "$f: dot -Tsvg failed: $(cat "$tmp/err")"
        grep -q "<svg" "$tmp/g.svg" || bad "$f: dot wrote no SVG"
    elif [[ ${CI:-} == true ]]; then
        bad "Graphviz dot is missing (CI=true)"
    fi
done

# SARIF for every bundled scenario validates against the schema.
schema=$shared/schemas/sarif-schema-2.1.0.json
if [[ -r $schema ]] && /usr/bin/python3 -c 'import jsonschema' 2> /dev/null; then
    for f in scenarios/*.json; do
        "$bin" analyze "$f" --format sarif > "$tmp/$(basename "$f" .json).sarif" || bad "$f: sarif failed"
    done
    /usr/bin/python3 - "$schema" "$tmp"/*.sarif <<'PY' || bad "SARIF output is not valid against $schema"
import json, sys, jsonschema
v = jsonschema.Draft4Validator(json.load(open(sys.argv[1])))
bad = 0
for f in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(f))):
        print("%s: %s at %s" % (f, e.message, list(e.absolute_path))); bad += 1
sys.exit(1 if bad else 0)
PY
elif [[ ${CI:-} == true ]]; then
    bad "the SARIF schema or python3-jsonschema is missing (CI=true)"
else
    echo "note: SARIF schema check skipped (no $schema or no python3-jsonschema)"
fi

# Hostile names render as text in every format.
cat > "$tmp/hostile.json" <<'JSON'
{ "breakout": 1, "name": "<script>alert(1)</script> | `x`",
  "tenants": [ { "id": "<script>alert(1)</script>", "trust": "untrusted" },
               { "id": "a|b", "name": "line\nbreak", "trust": "trusted" } ],
  "hosts": [ { "id": "node`1`", "os": "linux", "ssh": true } ],
  "workloads": [
    { "id": "w<1>", "tenant": "<script>alert(1)</script>", "host": "node`1`",
      "isolation": "process", "account": "admin",
      "mounts": [ { "host_path": "/root/.ssh", "path": "/k|\"q\"" } ] },
    { "id": "w*2*", "tenant": "a|b", "host": "node`1`", "isolation": "process", "account": "user" } ] }
JSON
for fmt in md html dot sarif; do
    "$bin" analyze "$tmp/hostile.json" --format "$fmt" > "$tmp/h.$fmt" 2> "$tmp/err" ||
        { bad "hostile scenario, --format $fmt failed: $(cat "$tmp/err")"; continue; }
done
grep -qi "<script" "$tmp/h.md" "$tmp/h.html" && bad "raw <script> in the Markdown or HTML report"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/h.md" || bad "Markdown: the hostile name is not escaped"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/h.html" || bad "HTML: the hostile name is not escaped"
grep -q 'a\\|b' "$tmp/h.md" || bad "Markdown: | is not escaped"
if [[ $have_dot == 1 ]]; then
    dot -Tsvg "$tmp/h.dot" > "$tmp/h.svg" 2> "$tmp/err" || bad "hostile DOT does not render: $(cat "$tmp/err")"
    grep -qi "<script" "$tmp/h.svg" && bad "raw <script> in Graphviz's SVG of the hostile DOT"
fi
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if "<script>" in json.dumps(d, ensure_ascii=False) else 1)' "$tmp/h.sarif" ||
    bad "SARIF: the hostile name did not survive JSON escaping"

# An unknown format is bad usage.
"$bin" analyze scenarios/shared-node-admin.json --format pdf > /dev/null 2> "$tmp/err"
status=$?
[[ $status -eq 2 ]] || bad "--format pdf exited $status, expected 2"

[[ $fail -eq 0 ]] && echo "ok: md, html, dot and sarif reports match their goldens and escape user strings"
exit $fail
