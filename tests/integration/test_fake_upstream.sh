#!/usr/bin/env bash
# tests/support/fake_upstream.c, the scripted Anthropic/OpenRouter stand-in
# the other integration tests talk to: canned SSE streams, error replies,
# chunked and 100-continue uploads logged exactly, cut streams, repeat and
# match-by-path steps, a slow drip that does not hold up other clients,
# exit_after, disconnect and malformed requests. curl only; 127.0.0.1 only.
. "$(dirname "$0")/lib.sh"

FU="${OC_SUPPORT_BIN:?OC_SUPPORT_BIN must hold the support programs}/fake_upstream"
[ -x "$FU" ] || { echo "skip: $FU not built"; exit 77; }
command -v curl >/dev/null || { echo "skip: no curl"; exit 77; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

LOG="$T_ROOT/upstream.log"
FU_PID=
SLOW_PID=
# stop_bg: end fake_upstream (SIGTERM; SIGKILL after 3 s) and any curl
# left in the background; $FU_RC is fake_upstream's exit status.
stop_bg() {
    if [ -n "$SLOW_PID" ]; then
        kill "$SLOW_PID" 2>/dev/null
        wait "$SLOW_PID"
    fi
    if [ -n "$FU_PID" ]; then
        kill "$FU_PID" 2>/dev/null
        for _ in $(seq 100); do
            kill -0 "$FU_PID" 2>/dev/null || break
            sleep 0.03
        done
        kill -9 "$FU_PID" 2>/dev/null
        wait "$FU_PID"
        FU_RC=$?
    fi
    FU_PID=''
    SLOW_PID=''
}
trap 'stop_bg; rm -rf "$T_ROOT"' EXIT
trap 'exit 1' INT TERM

# start_fu SCRIPT: run fake_upstream, wait for its port file, set $URL
start_fu() {
    rm -f "$T_ROOT/port" "$LOG"
    "$FU" --script "$1" --log "$LOG" --port-file "$T_ROOT/port" \
        2>"$T_ROOT/fu.err" &
    FU_PID=$!
    for _ in $(seq 100); do
        [ -s "$T_ROOT/port" ] && break
        sleep 0.05
    done
    if [ ! -s "$T_ROOT/port" ]; then
        fail "fake_upstream did not start: $(cat "$T_ROOT/fu.err")"
        exit 1
    fi
    URL="http://127.0.0.1:$(cat "$T_ROOT/port")"
}

c() { curl -sS --noproxy '*' --max-time 5 "$@"; }

# logq N EXPR: print EXPR (python; r is the N-th log line, big the
# text of $T_ROOT/big.json)
logq() {
    python3 - "$LOG" "$1" "$2" <<'EOF'
import json, os, sys
p = os.path.join(os.path.dirname(sys.argv[1]), "big.json")
big = open(p).read() if os.path.exists(p) else None
lines = open(sys.argv[1]).read().splitlines()
r = json.loads(lines[int(sys.argv[2]) - 1])
print(eval(sys.argv[3]))
EOF
}

cat >"$T_ROOT/script.json" <<'EOF'
{"steps": [
  {"match": {"path": "/api/v1/chat/completions"},
   "canned": "openrouter_text", "text": "Routed by path"},
  {"canned": "anthropic_text", "text": "Hello from the fake, in pieces",
   "usage": {"input_tokens": 30}},
  {"status": 429, "headers": {"retry-after": "0", "request-id": "req_429"},
   "json": {"type": "error", "error": {"type": "rate_limit_error",
            "message": "Number of request tokens has exceeded your per-minute rate limit"},
            "request_id": "req_fake"}},
  {"json": {"ok": "chunked"}},
  {"json": {"ok": "continue"}},
  {"canned": "anthropic_text", "truncate_after": 150},
  {"json": {"type": "message", "content": "a long reply"}, "truncate_after": 10},
  {"match": {"path": "/slow"}, "body": "slow-0123456789abcdef", "chunk": 4,
   "drip_ms": 150},
  {"match": {"path": "/fast"}, "body": "fast"},
  {"json": {"again": true}, "repeat": true}
]}
EOF
start_fu "$T_ROOT/script.json"

# 1: a canned stream; the step with a "match" is skipped for this path.
c -N -D "$T_ROOT/h1" -o "$T_ROOT/b1" -H 'content-type: application/json' \
    -d '{"model":"claude-opus-4-5","stream":true}' "$URL/v1/messages"
assert_eq 0 $? "curl exit for the canned stream"
assert_contains "$T_ROOT/h1" "Content-Type: text/event-stream"
assert_eq "message_start content_block_start ping content_block_delta content_block_stop message_delta message_stop" \
    "$(sed -n 's/^event: //p' "$T_ROOT/b1" | uniq | tr '\n' ' ' | sed 's/ $//')" \
    "event order"
got=$(python3 - "$T_ROOT/b1" <<'EOF'
import json, sys
ev = [json.loads(l[6:]) for l in open(sys.argv[1]) if l.startswith("data: ")]
deltas = [e["delta"]["text"] for e in ev if e["type"] == "content_block_delta"]
print(len(deltas) > 2, "".join(deltas), ev[0]["message"]["usage"]["input_tokens"],
      ev[-2]["delta"]["stop_reason"])
EOF
)
assert_eq "True Hello from the fake, in pieces 30 end_turn" "$got" "canned text"

# 2: an error reply with headers.
code=$(c -D "$T_ROOT/h2" -o "$T_ROOT/b2" -w '%{http_code}' -d '{}' \
    "$URL/v1/messages")
assert_eq 429 "$code" "status of the rate-limit step"
assert_contains "$T_ROOT/h2" "retry-after: 0"
assert_contains "$T_ROOT/h2" "request-id: req_429"
assert_contains "$T_ROOT/h2" "Content-Type: application/json"
assert_contains "$T_ROOT/b2" '"type":"rate_limit_error"'

# 3: a chunked upload of unknown length (curl streams stdin), 300 KB.
python3 -c 'import json; print(json.dumps({"model": "m", "pad": "x" * 300000}))' \
    >"$T_ROOT/big.json"
c -X POST -T - -H 'Content-Type: application/json' -H 'X-Mixed-Case: Yes' \
    -H 'X-Dup: a' -H 'X-Dup: b' -o "$T_ROOT/b3" \
    "$URL/v1/messages?beta=true" <"$T_ROOT/big.json"
assert_contains "$T_ROOT/b3" '{"ok":"chunked"}'
assert_eq "chunked|Yes|a, b|beta=true" \
    "$(logq 3 'r["headers"]["transfer-encoding"] + "|" + r["headers"]["x-mixed-case"] + "|" + r["headers"]["x-dup"] + "|" + r["query"]')" \
    "chunked request headers"
assert_eq "True True" \
    "$(logq 3 '"%s %s" % (r["body"] == json.loads(big), r["raw_body"] == big)')" \
    "chunked body parsed and raw"

# 4: Expect: 100-continue is answered at once (curl would wait 3 s).
t0=$(date +%s%N)
c -v --expect100-timeout 3 -H 'Expect: 100-continue' \
    -H 'Content-Type: application/json' -d '{"messages":[{"role":"user","content":"hi"}]}' \
    -o "$T_ROOT/b4" "$URL/v1/messages" 2>"$T_ROOT/e4"
ms=$((($(date +%s%N) - t0) / 1000000))
assert_contains "$T_ROOT/e4" "HTTP/1.1 100 Continue"
assert_contains "$T_ROOT/b4" '{"ok":"continue"}'
if [ "$ms" -lt 2500 ]; then pass; else fail "100-continue took $ms ms"; fi
assert_eq "100-continue|hi" \
    "$(logq 4 'r["headers"]["expect"] + "|" + r["body"]["messages"][0]["content"]')" \
    "100-continue request logged"

# 5: truncate_after cuts the SSE stream; 6: and a Content-Length body.
c -N -o "$T_ROOT/b5" -d '{}' "$URL/v1/messages"
assert_eq 150 "$(wc -c <"$T_ROOT/b5")" "bytes of the cut stream"
assert_not_contains "$T_ROOT/b5" "message_stop"
c -o "$T_ROOT/b6" -d '{}' "$URL/v1/messages" 2>/dev/null
assert_eq 18 $? "curl exit for a short Content-Length body"
assert_eq 10 "$(wc -c <"$T_ROOT/b6")" "bytes of the cut body"

# 7: the step matched by path, an OpenRouter stream.
c -N -o "$T_ROOT/b7" -d '{"stream":true}' "$URL/api/v1/chat/completions"
assert_contains "$T_ROOT/b7" ": OPENROUTER PROCESSING"
assert_contains "$T_ROOT/b7" '"finish_reason":"stop"'
assert_eq "data: [DONE]" "$(grep -v '^$' "$T_ROOT/b7" | tail -n 1)" "last line"
assert_eq "Routed by path" "$(python3 - "$T_ROOT/b7" <<'EOF'
import json, sys
ev = [json.loads(l[6:]) for l in open(sys.argv[1])
      if l.startswith("data: {")]
print("".join(c["delta"].get("content", "") for e in ev for c in e["choices"]))
EOF
)" "OpenRouter content"

# 8, 9: a slow drip (~750 ms) does not hold up a second client.
: >"$T_ROOT/order"
(c -o "$T_ROOT/b8" "$URL/slow" && echo slow >>"$T_ROOT/order") &
SLOW_PID=$!
for _ in $(seq 100); do
    [ "$(wc -l <"$LOG")" -ge 8 ] && break
    sleep 0.02
done
c -o "$T_ROOT/b9" "$URL/fast" && echo fast >>"$T_ROOT/order"
wait "$SLOW_PID"
SLOW_PID=
assert_eq "fast slow" "$(tr '\n' ' ' <"$T_ROOT/order" | sed 's/ $//')" \
    "completion order"
assert_eq "slow-0123456789abcdef" "$(cat "$T_ROOT/b8")" "dripped body"
assert_eq "fast" "$(cat "$T_ROOT/b9")" "fast body"

# 10, 11: the repeat step, used again and again.
assert_eq '{"again":true}' "$(c -d '{}' "$URL/v1/messages")" "repeat step"
assert_eq '{"again":true}' "$(c -d '{}' "$URL/v1/messages")" "repeat again"

# The log: one line per request, in order.
assert_eq "1 /v1/messages
2 /v1/messages
3 /v1/messages
4 /v1/messages
5 /v1/messages
6 /v1/messages
7 /api/v1/chat/completions
8 /slow
9 /fast
10 /v1/messages
11 /v1/messages" "$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    print(r["n"], r["path"])' "$LOG")" "log lines"

stop_bg
assert_eq 0 "$FU_RC" "exit status after SIGTERM"

# A second script: disconnect, malformed request, exhaustion, exit_after.
cat >"$T_ROOT/script2.json" <<'EOF'
{"steps": [{"disconnect": true}, {"json": {"n": 2}}], "exit_after": 3}
EOF
start_fu "$T_ROOT/script2.json"
c -o /dev/null -d '{}' "$URL/v1/messages" 2>/dev/null
assert_eq 52 $? "curl exit for a disconnect step"
python3 - "${URL##*:}" >"$T_ROOT/b10" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"NOT HTTP\r\n\r\n")
print(s.recv(4096).decode().splitlines()[0])
EOF
assert_eq "HTTP/1.1 400 Bad Request" "$(cat "$T_ROOT/b10")" "malformed request"
assert_eq '{"n":2}' "$(c -d '{}' "$URL/v1/messages")" "second step"
code=$(c -o "$T_ROOT/b11" -w '%{http_code}' -d '{}' "$URL/v1/messages")
assert_eq 500 "$code" "status once the script is exhausted"
assert_contains "$T_ROOT/b11" "fake_upstream: script exhausted"
for _ in $(seq 100); do
    kill -0 "$FU_PID" 2>/dev/null || break
    sleep 0.02
done
if kill -0 "$FU_PID" 2>/dev/null; then
    fail "fake_upstream still running after exit_after"
else
    wait "$FU_PID"
    assert_eq 0 $? "exit status after exit_after"
    FU_PID=
fi
assert_eq 3 "$(wc -l <"$LOG")" "log lines of the second run"

finish
