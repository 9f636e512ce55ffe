#!/bin/sh
# Optional: the npm json5 package, the oracle for scripts/json5-diff.sh.
# Installed under .deps/ (git-ignored). Never fatal: the differential test
# reports itself skipped when node or json5 is unavailable.
set -u
dir="$(cd "$(dirname "$0")/.." && pwd)/.deps/node"
if [ -f "$dir/node_modules/json5/package.json" ]; then
    echo "install-node-deps: json5 present"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install-node-deps: npm not found; JSON5 differential test will be skipped"
    exit 0
fi
mkdir -p "$dir"
if npm install --silent --no-audit --no-fund --prefix "$dir" json5@2.2.3; then
    echo "install-node-deps: installed json5 2.2.3 in .deps/node"
else
    echo "install-node-deps: npm install failed; JSON5 differential test will be skipped"
fi
exit 0
