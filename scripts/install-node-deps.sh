#!/bin/sh
# Optional npm packages, installed under .deps/node (git-ignored): json5,
# the oracle for scripts/json5-diff.sh, and openai, the official OpenAI
# client that tests/integration/test_gateway_openai.sh points at the
# gateway. Never fatal: those tests report themselves skipped when node or
# the packages are unavailable.
set -u
dir="$(cd "$(dirname "$0")/.." && pwd)/.deps/node"
if [ -f "$dir/node_modules/json5/package.json" ] &&
    [ -f "$dir/node_modules/openai/package.json" ]; then
    echo "install-node-deps: json5 and openai present"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install-node-deps: npm not found; JSON5 differential test will be skipped"
    exit 0
fi
mkdir -p "$dir"
if npm install --silent --no-audit --no-fund --prefix "$dir" json5@2.2.3 openai@6.1.0; then
    echo "install-node-deps: installed json5 2.2.3 and openai 6.1.0 in .deps/node"
else
    echo "install-node-deps: npm install failed; the JSON5 differential and OpenAI client tests will be skipped"
fi
exit 0
