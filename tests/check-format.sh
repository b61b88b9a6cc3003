#!/usr/bin/env bash
# The C sources follow the checked-in .clang-format: lists the files that do not, and fails.
# Fix with: clang-format -i FILE
set -u
src=$2
cd "$src"
command -v clang-format > /dev/null || {
    echo "SKIP: clang-format is not installed"
    [ "${CI:-}" = true ] && exit 1
    exit 77
}
bad=0
while IFS= read -r f; do
    if ! clang-format --dry-run -Werror "$f" > /dev/null 2>&1; then
        echo "not formatted: $f"
        bad=1
    fi
done < <(git ls-files 'model/*.[ch]' 'data/*.[ch]' 'ui/*.[ch]' 'tests/*.[ch]' 2>/dev/null ||
         find model data ui tests -name '*.[ch]')
[ $bad -eq 0 ] && echo "ok: every C file follows .clang-format"
exit $bad
