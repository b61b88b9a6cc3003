#!/usr/bin/env bash
# Manifests on the command line: analyze, import and the import options read Kubernetes YAML
# and JSON and docker inspect output; each workload's assumptions are shown; bad options and
# unrecognised files get one line and exit 2.
set -u
bin=$1 src=$2
cd "$src"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=1
fail=0
check() { # check DESCRIPTION COMMAND...: the command must succeed
    local what=$1; shift
    if ! "$@"; then echo "FAIL: $what"; fail=1; fi
}
py=/usr/bin/python3

# YAML with several documents: a RuntimeClass resolves the Hyper-V handler, a Service is skipped
"$bin" analyze tests/import/cluster.yaml --format json > "$tmp/a.json" 2> "$tmp/a.err"
check "analyze cluster.yaml exits 0" [ $? -eq 0 ]
check "the skipped Service is noted" grep -q "skipped kind Service (contoso/storefront)" "$tmp/a.err"
check "storefront is Hyper-V through its RuntimeClass" $py -c "
import json; d = json.load(open('$tmp/a.json'))
b = [x for x in d['boundaries'] if x['workload'] == 'contoso/storefront' and x['kind'] == 'isolation'][0]
assert b['verdict'] == 'holds', b"
check "each workload's assumptions are listed in the JSON" $py -c "
import json; d = json.load(open('$tmp/a.json'))
notes = {a['workload']: a['notes'] for a in d['assumed']}
assert 'runAsUserName unset: assumed ContainerAdministrator' in notes['guest/guest-app'], notes"
"$bin" analyze tests/import/cluster.yaml > "$tmp/a.txt" 2> /dev/null
check "and in the text" grep -q "assumed:     runAsUserName unset: assumed ContainerAdministrator" "$tmp/a.txt"

# --trusted makes a namespace's workloads no longer starts; --no-ssh is applied
"$bin" analyze tests/import/cluster.yaml --trusted guest --trusted monitoring --trusted contoso \
    --format json > "$tmp/b.json" 2> /dev/null
check "--trusted removes the starts" $py -c "
import json; d = json.load(open('$tmp/b.json')); assert d['summary']['starts'] == [], d['summary']"

# docker inspect: one container is one tenant unless --tenant-label; the host is --host
cat > "$tmp/inspect.json" <<'JSON'
[{"Id": "1", "Name": "/web", "Platform": "linux",
  "Config": {"User": "", "Labels": {"team": "blue"}},
  "HostConfig": {"Privileged": false, "Isolation": "", "Runtime": "runc"},
  "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": false}]},
 {"Id": "2", "Name": "/db", "Platform": "linux",
  "Config": {"User": "999", "Labels": {"team": "red"}},
  "HostConfig": {"Privileged": false, "Isolation": "", "Runtime": "runsc"}, "Mounts": []}]
JSON
"$bin" analyze "$tmp/inspect.json" --host build-box --tenant-label team --format json \
    > "$tmp/c.json" 2> /dev/null
check "docker inspect: tenants from the label, the host named, runsc is a sandbox, the socket fails" $py -c "
import json; d = json.load(open('$tmp/c.json'))
assert sorted(e['host'] for e in d['boundaries']) == ['build-box'] * 4, d['boundaries']
t = sorted(set(e['tenant'] for e in d['boundaries'])); assert t == ['blue', 'red'], t
v = [x for x in d['boundaries'] if x['workload'] == 'web' and x['kind'] == 'host-volume'][0]
assert v['verdict'] == 'fails' and 'runtime-socket' in v['techniques'], v"

# import puts a manifest in the workspace under its file name; all or nothing still holds
"$bin" import tests/import/cluster.yaml 2> "$tmp/i.err"
check "import of a manifest exits 0" [ $? -eq 0 ]
check "it says what it imported" grep -q 'imported "cluster.yaml" from tests/import/cluster.yaml' "$tmp/i.err"
"$bin" list > "$tmp/list.txt"
check "the workspace lists it" grep -q "cluster.yaml" "$tmp/list.txt"

# errors: an unknown runtime-class mode, a file that is nothing breakout reads
"$bin" analyze tests/import/cluster.yaml --runtime-class isolated=vm > /dev/null 2> "$tmp/e1"
check "--runtime-class with a bad mode exits 2" [ $? -eq 2 ]
check "and says what it expected" grep -q "\"process\", \"hyperv\", \"sandbox\" or \"host\"" "$tmp/e1"
printf 'just some words\n' > "$tmp/words.txt"
"$bin" analyze "$tmp/words.txt" > /dev/null 2> "$tmp/e2"
check "an unrecognised file exits 2" [ $? -eq 2 ]
check "with the one line DESIGN.md gives" grep -qx "$tmp/words.txt: not a breakout scenario, Kubernetes manifest or docker inspect output" "$tmp/e2"
check "the progress line is not shown when stderr is not a terminal" bash -c "! grep -q 'reading ' '$tmp/a.err'"

[ $fail -eq 0 ] && echo "ok: manifests on the command line"
exit $fail
