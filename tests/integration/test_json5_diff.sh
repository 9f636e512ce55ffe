#!/bin/bash
# Differential test: our JSON5 parser (tests/support/json5_canon) against
# npm json5 2.2.3 over the fuzz seed corpus and tests/fixtures/json5.
# Skipped (77) when node or the json5 package is not installed; see
# scripts/install-node-deps.sh.
set -u

src=${OC_SOURCE_DIR:?OC_SOURCE_DIR not set}
canon=${OC_SUPPORT_BIN:?OC_SUPPORT_BIN not set}/json5_canon

if ! command -v node >/dev/null 2>&1; then
    echo "skipped: node not found"
    exit 77
fi
if [ ! -f "$src/.deps/node/node_modules/json5/package.json" ] &&
    ! node -e 'require("json5")' >/dev/null 2>&1; then
    echo "skipped: npm json5 not installed (run scripts/install-node-deps.sh)"
    exit 77
fi
if [ ! -x "$canon" ]; then
    echo "error: $canon not built" >&2
    exit 1
fi

exec sh "$src/scripts/json5-diff.sh" "$canon" "$src/fuzz/corpus/json5" \
    "$src/tests/fixtures/json5"
