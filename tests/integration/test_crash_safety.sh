#!/usr/bin/env bash
# `openclaw config set` killed (SIGKILL) at random points, again and
# again: the config is always complete and valid, holds either the old or
# the new value, its lock never blocks the next writer, and no temp files
# pile up.
. "$(dirname "$0")/lib.sh"

# A config of some size, so a write takes long enough to be interrupted.
{
    printf '{\n  "gateway": { "mode": "local" },\n  "channels": {\n'
    for i in $(seq 1 400); do printf '    "c%d": { "token": "x%d", "enabled": true },\n' "$i" "$i"; done
    printf '    "last": {}\n  }\n}\n'
} >"$T_ROOT/seed.json"
mkdir -p "$STATE" && chmod 700 "$STATE"
cp "$T_ROOT/seed.json" "$CONFIG"
expect 0 "$OC" config set agents.defaults.model.primary anthropic/model-0

# Kill at a random point within 1.5x the time one write takes here, so
# some writers die before their rename and some after (checked below).
t0=$(date +%s%N)
"$OC" config set agents.defaults.model.primary anthropic/model-0 >/dev/null
span_us=$(( ($(date +%s%N) - t0) * 3 / 2000 ))
[ "$span_us" -gt 0 ] || span_us=1000

landed=0
for i in $(seq 1 60); do
    "$OC" config set agents.defaults.model.primary "anthropic/model-$i" >/dev/null 2>&1 &
    pid=$!
    d=$(( (RANDOM * 32768 + RANDOM) % span_us ))
    sleep "$((d / 1000000)).$(printf '%06d' $((d % 1000000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    "$OC" config get agents.defaults.model.primary >"$OUT" 2>"$ERR"
    v=$(cat "$OUT")
    case "$v" in
    anthropic/model-[0-9]*) n=${v#anthropic/model-}
        [ "$n" -le "$i" ] && pass || fail "iteration $i: value from the future: $v"
        [ "$n" -eq "$i" ] && landed=$((landed + 1)) ;;
    *) fail "iteration $i: config unreadable or torn: $v $(cat "$ERR")" ;;
    esac
done
echo "$landed of 60 killed writers had already replaced the file"
[ "$landed" -gt 0 ] && [ "$landed" -lt 60 ] && pass \
    || fail "kills did not straddle the write ($landed of 60 landed)"

# The next writer is never blocked by a dead writer's lock.
start=$(date +%s)
expect 0 "$OC" config set agents.defaults.model.primary anthropic/final
[ $(( $(date +%s) - start )) -lt 5 ] && pass || fail "writer waited on a dead lock"
expect 0 "$OC" config get agents.defaults.model.primary
assert_eq "anthropic/final" "$(cat "$OUT")" "final write"
expect 0 "$OC" config get channels.c400.enabled
assert_eq "true" "$(cat "$OUT")" "unrelated data intact"
# Temp files of killed writers are swept once they are old enough.
find "$STATE" -maxdepth 1 -name '*.tmp' -exec touch -d '5 minutes ago' {} +
expect 0 "$OC" config set agents.defaults.model.primary anthropic/swept
leftover=$(find "$STATE" -maxdepth 1 -name '*.tmp' | wc -l)
assert_eq "0" "$leftover" "temp files left in the state dir"
[ -e "$CONFIG.lock" ] && fail "lock left behind" || pass

finish
