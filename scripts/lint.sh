#!/bin/sh
# make lint: formatting, clang-tidy, cppcheck, banned functions, layering.
# Usage: scripts/lint.sh <build-dir-with-compile_commands.json>
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build/debug}
status=0

step() { printf '== %s\n' "$1"; }
failed() { echo "lint: $1 FAILED"; status=1; }

c_files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find src tests fuzz bench -name '*.[ch]')
src_c=$(echo "$c_files" | grep '^src/.*\.c$')

step "clang-format"
# shellcheck disable=SC2086
clang-format --dry-run --Werror $c_files || failed clang-format

step "banned functions (base/banned.h is the last include of every src/*.c)"
for f in $src_c; do
    last=$(grep '^#include' "$f" | tail -n 1)
    [ "$last" = '#include "base/banned.h"' ] || { echo "$f: last include is '$last'"; status=1; }
done

step "layering"
./scripts/check-layering.sh || failed layering

step "cppcheck"
# shellcheck disable=SC2086
cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
    --enable=warning,style,performance,portability \
    --suppress=missingIncludeSystem --suppress=unusedFunction \
    --suppress=variableScope --suppress=constParameterCallback \
    --library=scripts/cppcheck-jansson.cfg \
    -D_GNU_SOURCE -I src $src_c || failed cppcheck

step "clang-tidy"
if [ ! -f "$build/compile_commands.json" ]; then
    echo "lint: no $build/compile_commands.json (run cmake --preset debug)"
    status=1
else
    # shellcheck disable=SC2086
    echo $src_c | tr ' ' '\n' | xargs -P 2 -n 8 clang-tidy -p "$build" \
        --quiet --extra-arg=-Wno-unknown-warning-option 2>/dev/null \
        | grep -E 'warning:|error:' && failed clang-tidy
fi

[ $status -eq 0 ] && echo "lint: clean"
exit $status
