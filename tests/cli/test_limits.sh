#!/usr/bin/env bash
# The limits a hostile input cannot get past (docs/guarantees.md): nesting depth, string
# length, number of values, entries of one list, YAML aliases, total size, notes, and the
# catalog's size. Each gets exactly one line on stderr and exit 2, and the workspace is left
# byte-for-byte as it was. The defaults hold a 150,000-pod cluster dump.
# Usage: test_limits.sh BREAKOUT_BIN SOURCE_DIR SHARED_DIR (run by ctest).
. "$(dirname "$0")/../durability/lib.sh"

run list
expect_ok "list (creates the workspace)"
ws_sum=$(digest "$BREAKOUT_DB" "$BREAKOUT_DB-wal" "$BREAKOUT_DB-shm")
resnap() { ws_sum=$(digest "$BREAKOUT_DB" "$BREAKOUT_DB-wal" "$BREAKOUT_DB-shm"); }
unchanged() {
    [ "$(digest "$BREAKOUT_DB" "$BREAKOUT_DB-wal" "$BREAKOUT_DB-shm")" = "$ws_sum" ] ||
        bad "$1: the workspace changed"
}

# gen FILE PYTHON-EXPRESSION: writes the value of the expression (a str) to FILE.
gen() {
    $py -c "import sys; open(sys.argv[1], 'w').write($2)" "$1" || bad "cannot generate $1"
}

# fails FILE LINE WHAT [OPTIONS...]: `breakout [OPTIONS] import FILE` fails with LINE.
fails() {
    local file=$1 line=$2 what=$3
    shift 3
    run "$@" import "$file"
    expect_fail "$line" "$what"
    unchanged "$what"
}

cd "$tmp" || exit 1
POD='"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}'

# ---- nesting depth: 200 containers ----
gen deep.json '"[" * 201 + "]" * 201'
fails deep.json "deep.json:1:201: nesting deeper than 200 levels" "JSON nested 201 deep"
gen ok-depth.json '"{\"kind\": \"List\", \"items\": [], \"x\": " + "[" * 198 + "]" * 198 + "}"'
run import ok-depth.json
expect_ok "JSON nested 200 deep is read"
resnap
gen deep.yaml '"kind: Pod\nspec: " + "[" * 200 + "]" * 200 + "\n"'
fails deep.yaml "deep.yaml:2:206: nesting deeper than 200 levels" "YAML nested 201 deep"
gen deep-block.yaml '"kind: Pod\n" + "".join("  " * i + "k%d:\n" % i for i in range(201)) + "  " * 201 + "x: 1\n"'
fails deep-block.yaml "deep-block.yaml:202:401: nesting deeper than 200 levels" "block YAML nested 201 deep"
gen deep-cat.json '"{\"breakout_catalog\": 1, \"techniques\": " + "[" * 200 + "]" * 200 + "}"'
run --catalog deep-cat.json analyze "$src/scenarios/shared-node-admin.json"
expect_fail "deep-cat.json:1:238: nesting deeper than 200 levels" "a catalog nested 201 deep"

# ---- string length: 1 MiB ----
gen long.json '"{\"kind\": \"Pod\", \"metadata\": {\"name\": \"" + "x" * (1024 * 1024 + 1) + "\"}}"'
fails long.json "long.json:1:38: string longer than 1048576 bytes" "a JSON string of 1 MiB + 1"
gen long.yaml '"kind: Pod\nmetadata:\n  name: " + "x" * (1024 * 1024 + 1) + "\n"'
fails long.yaml "long.yaml:3:9: string longer than 1048576 bytes" "a YAML string of 1 MiB + 1"
gen long-scenario.json '"{\"breakout\": 1, \"name\": \"" + "n" * (1024 * 1024 + 1) + "\"}"'
fails long-scenario.json "long-scenario.json:1:25: string longer than 1048576 bytes" \
    "a scenario string of 1 MiB + 1"

# ---- values (keys included): 64,000,000 by default, --max-values N ----
# the JSON validator counts before cJSON builds anything, so the default is cheap to test
gen values.json '"{\"kind\":\"List\",\"items\":[" + "0," * (64000000 - 3) + "0]}"'
fails values.json "values.json:1:128000015: more than 64000000 values (--max-values N raises the limit)" \
    "JSON of 64,000,004 values"
rm -f values.json
gen values2.json '"{\"kind\":\"List\",\"items\":[" + "0," * 1000 + "0]}"'
fails values2.json "values2.json:1:2015: more than 1000 values (--max-values N raises the limit)" \
    "JSON of 1006 values with --max-values 1000" --max-values 1000
gen values.yaml '"kind: List\nitems:\n" + "- 0\n" * 1000'
fails values.yaml "values.yaml:998:3: more than 1000 values (--max-values N raises the limit)" \
    "YAML of 1004 values with --max-values 1000" --max-values 1000
cp "$src/scenarios/shared-node-admin.json" scenario.json
fails scenario.json "scenario.json:4:3: more than 5 values (--max-values N raises the limit)" \
    "a breakout scenario file with --max-values 5" --max-values 5
gen values-flow.json '"{\"kind\": \"List\", \"items\": [" + ", ".join(["{" + "\"kind\": \"Pod\", \"metadata\": {\"name\": \"p%d\"}, \"spec\": {\"containers\": [{\"name\": \"c\"}]}" % i + "}" for i in range(60)]) + "]}"'
run --max-values 1000 import values-flow.json
expect_ok "60 pods (845 values) under --max-values 1000"
resnap
run --max-values 0 list
[ "$rc" -eq 2 ] && grep -qxF 'breakout: --max-values: expected a number of 1 or more, got "0"' "$tmp/err" ||
    {
        bad "--max-values 0 is a usage error"
        show
    }

# ---- YAML aliases: refused, so an alias bomb cannot expand ----
gen alias.yaml '"kind: Pod\nmetadata: &m {name: p}\nspec:\n  containers: [{name: c}]\nx: *m\n"'
fails alias.yaml "alias.yaml:5:4: aliases are not supported (*m): write the value out" "a YAML alias"
gen bomb.yaml '"kind: Pod\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join("%s: &%s [%s]\n" % (chr(98 + i), chr(98 + i), ",".join(["*" + chr(97 + i)] * 9)) for i in range(8))'
fails bomb.yaml "bomb.yaml:3:8: aliases are not supported (*a): write the value out" "a billion-laughs alias bomb"

# ---- total size: 2048 MB by default, --max-size MB ----
truncate -s 2049M huge.json
fails huge.json "huge.json: larger than the 2048 MB limit (--max-size MB raises it)" "a 2049 MB file"
rm -f huge.json
gen one-mb.yaml '(lambda h: h + "x" * (1024 * 1024 - len(h) - 1) + "\n")("kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n#")'
[ "$(stat -c %s one-mb.yaml)" -eq 1048576 ] || bad "one-mb.yaml is not 1 MiB"
run --max-size 1 import one-mb.yaml
expect_ok "a file of exactly 1 MiB under --max-size 1"
resnap
echo "#" >> one-mb.yaml
fails one-mb.yaml "one-mb.yaml: larger than the 1 MB limit (--max-size MB raises it)" \
    "a file of 1 MiB + 2 bytes under --max-size 1" --max-size 1
head -c 2000000 /dev/zero > zeros
run_in zeros --max-size 1 import -
expect_fail "<stdin>: larger than the 1 MB limit (--max-size MB raises it)" "standard input over --max-size"
unchanged "standard input over --max-size"

# ---- entries of one list of an object, and what a pod gathers: 1000 ----
gen volumes.json '"{\"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {\"containers\": [{\"name\": \"c\"}], \"volumes\": [" + ",".join("{\"name\": \"v%d\"}" % i for i in range(1001)) + "]}}"'
fails volumes.json "volumes.json:1:95: spec.volumes: more than 1000 entries" "a pod with 1001 volumes"
gen mounts.json '"{\"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}, \"spec\": {\"volumes\": [" + ",".join("{\"name\": \"v%d\", \"hostPath\": {\"path\": \"/h%d\"}}" % (i, i) for i in range(1000)) + "], \"containers\": [" + ",".join("{\"name\": \"c%d\", \"volumeMounts\": [" % c + ",".join("{\"name\": \"v%d\", \"mountPath\": \"/m%d\"}" % (i, i) for i in range(c * 500, c * 500 + 500)) + "]}" for c in range(2)) + ", {\"name\": \"c2\", \"volumeMounts\": [{\"name\": \"v0\", \"mountPath\": \"/other\"}]}]}}"'
fails mounts.json "mounts.json:1:86743: spec.containers[2].volumeMounts[0]: more than 1000 host mounts in one pod" \
    "a pod whose containers mount 1001 host paths"
gen caps.json '"[{\"Id\": \"x\", \"Name\": \"/c\", \"Config\": {}, \"HostConfig\": {\"CapAdd\": [" + ",".join("\"C%d\"" % i for i in range(1001)) + "]}}]"'
fails caps.json "caps.json:1:67: [0].HostConfig.CapAdd: more than 1000 entries" "a container adding 1001 capabilities"

# ---- notes: at most 100 for one input, then how many more ----
gen kinds.yaml '"---\n".join(["kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n"] + ["kind: K%03d\nmetadata: {name: x}\n" % i for i in range(150)])'
run import kinds.yaml
expect_ok "a manifest with 150 kinds breakout skips"
[ "$(grep -c '^kinds.yaml: skipped kind' "$tmp/err")" -eq 100 ] || bad "not 100 notes of skipped kinds"
grep -qxF "kinds.yaml: 52 more notes not shown (the first 100 are)" "$tmp/err" ||
    bad "no line counting the notes not shown"
resnap

# ---- a catalog file: 16 MB ----
truncate -s 17M cat.json
run --catalog cat.json analyze "$src/scenarios/shared-node-admin.json"
expect_fail "cat.json: larger than the 16 MB limit" "a 17 MB catalog"
rm -f cat.json

# ---- the defaults hold a 150,000-pod cluster dump ----
# 1,000 pods as kubectl prints them, measured, times 150 must fit under the limits
$py "$src/tests/import/gen_pods.py" 1000 > pods.json || bad "gen_pods.py failed"
$py - pods.json << 'PY' > measure || bad "cannot measure pods.json"
import json, sys
text = open(sys.argv[1]).read()
n = 0
def count(v):
    global n
    n += 1
    if isinstance(v, dict):
        for x in v.values():
            n += 1
            count(x)
    elif isinstance(v, list):
        for x in v:
            count(x)
count(json.loads(text))
print(len(text.encode()), n)
PY
read -r bytes values < measure
echo "1,000 pods: $bytes bytes, $values values; 150,000 pods: about $((bytes * 150 / 1048576)) MB, $((values * 150)) values"
[ $((bytes * 150)) -lt $((2048 * 1048576)) ] || bad "150,000 pods ($((bytes * 150)) bytes) exceed the 2048 MB limit"
[ $((values * 150)) -lt 64000000 ] || bad "150,000 pods ($((values * 150)) values) exceed the 64,000,000 values"
run import pods.json
expect_ok "1,000 pods import under the default limits"

finish
