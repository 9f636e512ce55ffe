#!/bin/sh
# json5-diff.sh JSON5_CANON DIR-OR-FILE...: differential test of our JSON5
# parser against npm json5. Runs tests/support/json5_canon (ours) and
# scripts/json5-oracle.js (node) over every file, prints each mismatch
# (file, both outputs) and a summary line. A mismatch where we print ERROR
# and node's value hits one of the documented deviations in json5.h
# (NaN/Infinity, unpaired surrogates, invalid UTF-8, nesting past 128) or
# where node rejects a non-ASCII identifier character that we accept is
# counted as expected. Exit status 1 on any other mismatch, 2 on misuse.
# JSON5_DIFF_VERBOSE=1 also lists every expected deviation.
set -u

if [ $# -lt 2 ]; then
    echo "usage: json5-diff.sh JSON5_CANON DIR-OR-FILE..." >&2
    exit 2
fi
canon=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/json5-diff.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# Every regular file, in a stable order (names with newlines are skipped).
for arg in "$@"; do
    if [ -d "$arg" ]; then
        find "$arg" -type f ! -name '.*'
    elif [ -f "$arg" ]; then
        printf '%s\n' "$arg"
    else
        echo "json5-diff: no such file or directory: $arg" >&2
        exit 2
    fi
done | LC_ALL=C sort >"$tmp/files"

total=$(wc -l <"$tmp/files" | tr -d ' ')
if [ "$total" -eq 0 ]; then
    echo "json5-diff: no input files" >&2
    exit 2
fi

tr '\n' '\0' <"$tmp/files" | xargs -0 "$canon" >"$tmp/ours" || {
    echo "json5-diff: $canon failed" >&2
    exit 2
}
tr '\n' '\0' <"$tmp/files" |
    xargs -0 node "$here/json5-oracle.js" --why >"$tmp/node" || {
    echo "json5-diff: json5-oracle.js failed" >&2
    exit 2
}
if [ "$(wc -l <"$tmp/ours")" -ne "$total" ] ||
    [ "$(wc -l <"$tmp/node")" -ne "$total" ]; then
    echo "json5-diff: output line counts do not match the file count" >&2
    exit 2
fi

# files, ours and node (canonical TAB tag) side by side, tab-separated.
paste "$tmp/files" "$tmp/ours" "$tmp/node" |
    awk -F '\t' -v total="$total" -v verbose="${JSON5_DIFF_VERBOSE:-0}" '
function expected(ours, node, tag) {
    if (ours == "ERROR" && tag ~ /nonfinite|surrogate|invalid-utf8|deep/)
        return 1
    if (node == "ERROR" && ours != "ERROR" && tag ~ /identifier/)
        return 1
    return 0
}
{
    if ($2 == $3)
        next
    if (expected($2, $3, $4)) {
        dev++
        split($4, tags, ",")
        for (t in tags)
            bytag[tags[t]]++
        if (verbose)
            printf "expected %s (%s)\n", $1, $4
        next
    }
    bad++
    printf "MISMATCH %s\n  ours: %s\n  node: %s (%s)\n", $1, $2, $3, $4
}
END {
    if (dev) {
        line = ""
        for (t in bytag)
            line = line " " t "=" bytag[t]
        printf "json5-diff: expected deviations by kind:%s\n", line
    }
    printf "json5-diff: %d files, %d expected deviations, %d mismatches\n",
        total, dev, bad
    exit (bad > 0)
}'
