#!/bin/sh
# make fuzz: run every libFuzzer target for a while, seeded from its
# corpus; new interesting inputs go to a scratch dir, crashes fail.
# Usage: scripts/run-fuzzers.sh <fuzz-build-dir> [seconds-per-target]
set -eu
build=$1
secs=${2:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    target=${name#fuzz_}
    mkdir -p "$scratch/$target"
    dict=""
    [ -f "$root/fuzz/$target.dict" ] && dict="-dict=$root/fuzz/$target.dict"
    echo "== $name for ${secs}s"
    # shellcheck disable=SC2086
    if ! "$bin" -max_total_time="$secs" -print_final_stats=1 $dict \
        -artifact_prefix="$root/fuzz/" "$scratch/$target" \
        "$root/fuzz/corpus/$target" 2>"$scratch/$target.log"; then
        tail -n 40 "$scratch/$target.log"
        status=1
    else
        grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$scratch/$target.log" || true
    fi
done
exit $status
