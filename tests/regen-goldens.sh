#!/usr/bin/env bash
# Rewrites the analysis goldens of every bundled scenario from the current build. Run it on
# purpose after a reasoned change, then read the diff (git diff tests/golden) against
# docs/semantics.md before committing: a golden that disagrees with the table is a bug.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/ui/breakout}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export BREAKOUT_DB=$tmp/ws.db NO_COLOR=1
for f in scenarios/*.json; do
    name=$(basename "$f" .json)
    for fmt in json text; do
        "$bin" analyze "$f" --format "$fmt" --max-paths 0 > "tests/golden/analysis/$name.$fmt"
    done
done
echo "regenerated $(ls scenarios/*.json | wc -l) goldens; review: git diff tests/golden" >&2
