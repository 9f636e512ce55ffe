#!/bin/sh
# make bench: command latency and memory of the release build, plus parser
# throughput. Numbers go to stdout; nothing here is a pass/fail test.
#   hyperfine: wall time over many runs (warm cache), mean +- stddev
#   maxrss:    peak RSS over runs (KiB), via wait4(2)
#   callgrind: instructions executed (repeatable on a busy machine)
set -eu
build=${1:-build/bench}
root=$(cd "$(dirname "$0")/.." && pwd)
oc="$root/$build/openclaw"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v hyperfine >/dev/null 2>&1 || "$root/scripts/install-deps.sh" bench

export HOME="$work/home" CI=true
unset OPENCLAW_STATE_DIR OPENCLAW_CONFIG_PATH OPENCLAW_HOME || true
mkdir -p "$HOME/.openclaw"
# a config written by OpenClaw 2026.9.6 onboarding, its paths moved here
sed "s|/home/user|$HOME|g" \
    "$root/tests/fixtures/config/openclaw-2026.9.6-onboarded.json" \
    >"$HOME/.openclaw/openclaw.json"
chmod 700 "$HOME/.openclaw"
chmod 600 "$HOME/.openclaw/openclaw.json"
# 20 auth profiles (tokens with and without expiry, API keys, a few in
# cooldown) in the main agent's store, for models status and doctor
agent="$HOME/.openclaw/agents/main/agent"
mkdir -p "$agent" && chmod -R 700 "$HOME/.openclaw/agents"
python3 - "$agent/auth-profiles.json" <<'PY'
import json, sys
profiles, stats = {}, {}
for i in range(20):
    pid = "anthropic:p%02d" % i if i < 14 else "openrouter:p%02d" % i
    prov = pid.split(":")[0]
    if i % 3 == 0:
        profiles[pid] = {"type": "api_key", "provider": prov,
                         "key": "sk-ant-api03-" + "k%02d" % i * 30}
    else:
        profiles[pid] = {"type": "token", "provider": prov,
                         "token": "sk-ant-oat01-" + "t%02d" % i * 30}
        if i % 2:
            profiles[pid]["expires"] = 4102444800000
    if i % 5 == 0:
        stats[pid] = {"errorCount": 2, "cooldownUntil": 4102444800000,
                      "cooldownReason": "rate_limit"}
json.dump({"version": 1, "profiles": profiles, "usageStats": stats},
          open(sys.argv[1], "w"), indent=2)
PY
chmod 600 "$agent/auth-profiles.json"

echo "== machine"
echo "$(nproc) cores, $(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "binary: $(ls -l "$oc" | awk '{print $5}') bytes; libraries:"
ldd "$oc" | awk '{print "  " $1}'

echo "== wall time (hyperfine, warm cache)"
hyperfine -N --warmup 20 --runs 300 --style basic \
    "$oc --version" \
    "$oc config get agents.defaults.model.primary" \
    "$oc config validate" 2>&1 | grep -E 'Benchmark|Time|Range'
hyperfine -N --warmup 20 --runs 300 --style basic \
    "$oc models status" \
    "$oc models status --json" \
    "$oc models status --check" 2>&1 | grep -E 'Benchmark|Time|Range'
hyperfine -N --warmup 5 --runs 100 --style basic \
    "$oc config set wizard.benchCounter 1" \
    "$oc doctor" 2>&1 | grep -E 'Benchmark|Time|Range'

echo "== peak RSS (KiB) and median wall time (us), 50 runs each"
for args in "--version" "config get agents.defaults.model.primary" \
    "config validate" "config set wizard.benchCounter 2" "models status" \
    "models status --json" "doctor"; do
    # shellcheck disable=SC2086
    printf '%-45s %s\n' "$args" "$("$root/$build/bench/maxrss" 50 "$oc" $args)"
done

if command -v valgrind >/dev/null 2>&1; then
    echo "== instructions executed (callgrind)"
    for args in "--version" "config get agents.defaults.model.primary" \
        "models status"; do
        # shellcheck disable=SC2086
        n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$oc" $args 2>&1 >/dev/null \
            | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
        printf '%-45s %s\n' "$args" "$n"
    done
fi

echo "== agent -m hi against a stand-in upstream (loopback)"
# The upstream waits 100 ms after message_start before the first text
# delta, so first_us - 100000 is what openclaw adds to the first byte.
cat >"$work/up.json" <<'JSON'
{"steps":[{"repeat":true,"sse":[
 {"event":"message_start","data":{"type":"message_start","message":{"id":"msg_b","type":"message","role":"assistant","model":"claude-opus-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":10,"output_tokens":1}}}},
 {"event":"content_block_start","data":{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}},
 {"sleep_ms":100},
 {"event":"content_block_delta","data":{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello!"}}},
 {"event":"content_block_stop","data":{"type":"content_block_stop","index":0}},
 {"event":"message_delta","data":{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}},
 {"event":"message_stop","data":{"type":"message_stop"}}]}]}
JSON
"$root/$build/bench/bench_upstream" --script "$work/up.json" \
    --log /dev/null --port-file "$work/up.port" &
up_pid=$!
trap 'kill $up_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/up.port" ] && break; sleep 0.05; done
"$oc" config set models.providers.anthropic.baseUrl \
    "http://127.0.0.1:$(cat "$work/up.port")" >/dev/null
"$oc" models auth order set --provider anthropic anthropic:p03 >/dev/null
printf '%-45s %s\n' "agent -m hi (first byte, exit)" \
    "$("$root/$build/bench/firstbyte" 30 "$oc" agent -m hi --session-key bench)"
printf '%-45s %s\n' "agent -m hi (peak RSS)" \
    "$("$root/$build/bench/maxrss" 30 "$oc" agent -m hi --session-key bench)"
kill $up_pid
wait $up_pid 2>/dev/null || true

echo "== parser throughput"
"$root/$build/bench/bench_json5"

"$root/bench/gateway.sh" "$build"
