#!/usr/bin/env bash
# fake_upstream_selftest.sh [FAKE_UPSTREAM]: check fake_upstream itself,
# for whoever edits fake_upstream.c: every canned stream's exact event
# shapes, error_event, SSE items and pacing, header overrides, raw request
# edge cases (chunk extensions, trailers, bare LF, non-UTF-8, 400/413/431)
# and --port. Needs only bash and python3; 127.0.0.1 only; about 2 s.
# tests/integration/test_fake_upstream.sh is the ctest-run test (curl).
# Exit 0 when all pass, 1 otherwise.
set -u
FU=${1:-${OC_SUPPORT_BIN:-build/debug/tests}/fake_upstream}
[ -x "$FU" ] || { echo "fake_upstream_selftest: no $FU" >&2; exit 1; }
FU=$(cd "$(dirname "$FU")" && pwd)/$(basename "$FU")
DIR=$(mktemp -d "${TMPDIR:-/tmp}/fu-selftest-XXXXXX")
PID=
cleanup() {
    if [ -n "$PID" ]; then
        kill -9 "$PID" 2>/dev/null
        wait "$PID"
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

cat >"$DIR/script.json" <<'EOF'
{"steps": [
  {"canned": "anthropic_tool_use", "tool": "lookup", "input": {"q": "Oslo weather"},
   "usage": {"cache_read_input_tokens": 7}, "output_tokens": 61},
  {"canned": "anthropic_thinking", "params": {"thinking": "Hmm, Oslo.", "text": "Rain."}},
  {"canned": "anthropic_redacted", "model": "claude-sonnet-4-5"},
  {"canned": "anthropic_text", "text": "Never finished",
   "error_event": {"type": "overloaded_error", "message": "Overloaded"}},
  {"canned": "openrouter_text", "text": "Partial answer",
   "error_event": {"code": 502, "message": "Provider down"}},
  {"sse": [{"data": {"a": 1}}, {"sleep_ms": 300}, {"event": "x", "data_raw": "raw"},
           {"comment": "keepalive"}, {"raw": "data: z\n\n"}],
   "headers": {"Content-Type": "text/event-stream; charset=utf-8", "x-num": 5}},
  {"body": "0123456789", "chunk": 3, "drip_ms": 100, "delay_ms": 200,
   "status": 503, "headers": {"content-type": "text/html"}},
  {"json": {"ok": true}, "repeat": true}
]}
EOF

# A fixed port: ask the kernel for a free one first.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$FU" --script "$DIR/script.json" --log "$DIR/log" --port "$PORT" \
    --port-file "$DIR/port" --bind 127.0.0.1 2>"$DIR/err" &
PID=$!
for _ in $(seq 100); do
    [ -s "$DIR/port" ] && break
    sleep 0.05
done
[ "$(cat "$DIR/port" 2>/dev/null)" = "$PORT" ] || {
    echo "FAIL: port file: $(cat "$DIR/port" "$DIR/err" 2>&1)" >&2
    exit 1
}

python3 - "$PORT" "$DIR/log" <<'PYEOF'
import json, socket, sys, time

port, logpath = int(sys.argv[1]), sys.argv[2]
fails = 0

def check(what, want, got):
    global fails
    if want != got:
        fails += 1
        print("FAIL: %s:\n  want %r\n  got  %r" % (what, want, got), file=sys.stderr)

def request(raw, pieces=1):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    step = max(1, len(raw) // pieces)
    for i in range(0, len(raw), step):
        s.sendall(raw[i:i + step])
        if pieces > 1:
            time.sleep(0.01)
    out, t0, stamps = b"", time.time(), []
    while True:
        b = s.recv(65536)
        if not b:
            break
        stamps.append(time.time() - t0)
        out += b
    s.close()
    head, _, body = out.partition(b"\r\n\r\n")
    return head.decode("latin-1"), body, stamps

def post(path=b"/v1/messages"):
    return request(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n"
                   b"Content-Length: 2\r\n\r\n{}")

def events(body):
    out, name = [], None
    for line in body.decode().split("\n"):
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            out.append((name, json.loads(line[6:])))
            name = None
    return out

def anthropic_common(ev, what, model="claude-opus-4-5-20251101"):
    check(what + ": first events",
          ["message_start", "content_block_start", "ping"],
          [e[0] for e in ev[:3]])
    for name, data in ev:
        check(what + ": event name is data.type", name, data["type"])
    m = ev[0][1]["message"]
    check(what + ": message", {"id": "msg_01FakeUpstream", "type": "message",
          "role": "assistant", "model": model, "content": [],
          "stop_reason": None, "stop_sequence": None},
          {k: v for k, v in m.items() if k != "usage"})
    return m["usage"]

# 1 tool_use
head, body, _ = post()
ev = events(body)
usage = anthropic_common(ev, "tool_use")
check("tool_use usage", {"input_tokens": 12, "cache_creation_input_tokens": 0,
      "cache_read_input_tokens": 7, "output_tokens": 1}, usage)
check("tool_use block", {"type": "tool_use", "id": "toolu_01Fake",
      "name": "lookup", "input": {}},
      [d for n, d in ev if n == "content_block_start"][1]["content_block"])
parts = [d["delta"]["partial_json"] for n, d in ev
         if n == "content_block_delta" and d["index"] == 1]
check("tool_use pieces", (3, {"q": "Oslo weather"}),
      (len(parts), json.loads("".join(parts))))
check("tool_use text", "Checking.", "".join(
    d["delta"]["text"] for n, d in ev
    if n == "content_block_delta" and d["index"] == 0))
check("tool_use tail", [("message_delta", {"type": "message_delta",
      "delta": {"stop_reason": "tool_use", "stop_sequence": None},
      "usage": {"output_tokens": 61}}), ("message_stop",
      {"type": "message_stop"})], ev[-2:])
check("one ping", 1, sum(1 for n, _ in ev if n == "ping"))

# 2 thinking
_, body, _ = post()
ev = events(body)
anthropic_common(ev, "thinking")
check("thinking start", {"type": "thinking", "thinking": "", "signature": ""},
      ev[1][1]["content_block"])
d0 = [d["delta"] for n, d in ev if n == "content_block_delta" and d["index"] == 0]
check("thinking text", "Hmm, Oslo.", "".join(
    d["thinking"] for d in d0 if d["type"] == "thinking_delta"))
check("signature last", {"type": "signature_delta", "signature": "sig-fake-123"},
      d0[-1])
check("thinking then text", "Rain.", "".join(
    d["delta"]["text"] for n, d in ev
    if n == "content_block_delta" and d["index"] == 1))

# 3 redacted
_, body, _ = post()
ev = events(body)
anthropic_common(ev, "redacted", "claude-sonnet-4-5")
check("redacted block", {"type": "redacted_thinking", "data": "opaque-fake"},
      ev[1][1]["content_block"])
check("redacted: no deltas in block 0", [], [
    d for n, d in ev if n == "content_block_delta" and d["index"] == 0])

# 4 anthropic error_event after the first delta
_, body, _ = post()
ev = events(body)
check("error_event", ["message_start", "content_block_start", "ping",
      "content_block_delta", "error"], [n for n, _ in ev])
check("error payload", {"type": "error", "error": {"type": "overloaded_error",
      "message": "Overloaded"}}, ev[-1][1])

# 5 openrouter error_event
_, body, _ = post(b"/api/v1/chat/completions")
lines = [l for l in body.decode().split("\n") if l]
check("openrouter comment", ": OPENROUTER PROCESSING", lines[0])
chunks = [json.loads(l[6:]) for l in lines[1:]]
check("openrouter role", {"role": "assistant", "content": ""},
      chunks[0]["choices"][0]["delta"])
check("openrouter error", ({"code": 502, "message": "Provider down"}, "error"),
      (chunks[-1].get("error"), chunks[-1]["choices"][0]["finish_reason"]))
check("openrouter chunk count", 3, len(chunks))

# 6 sse items, sleep_ms, header overrides
head, body, stamps = request(b"GET /sse HTTP/1.1\r\n\r\n")
check("sse bytes", b'data: {"a":1}\n\nevent: x\ndata: raw\n\n'
      b": keepalive\n\ndata: z\n\n", body)
check("content-type override", (True, False),
      ("Content-Type: text/event-stream; charset=utf-8" in head,
       "Content-Type: text/event-stream\r" in head + "\r"))
check("numeric header", True, "x-num: 5" in head)
check("sleep_ms pauses", True, stamps[-1] >= 0.28)

# 7 delay + chunk + drip on a Content-Length body
head, body, stamps = request(b"GET /drip HTTP/1.1\r\n\r\n")
check("drip status", "HTTP/1.1 503 Service Unavailable", head.split("\r\n")[0])
check("drip body", b"0123456789", body)
check("drip length header", True, "Content-Length: 10" in head)
check("drip timing", True, stamps[0] >= 0.19 and stamps[-1] >= 0.45)

# 8 raw edge cases: tiny pieces, bare LF, chunk extension, trailer
raw = (b"POST /c?x=1 HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n"
       b"X-Dup: a\nx-dup: b\n\n4;ext=1\r\n{\"k\"\r\n3\r\n:[1\r\n"
       b"1\r\n]\r\n1\n}\n0\r\nX-Trailer: t\r\n\r\n")
head, body, _ = request(raw, pieces=len(raw))
check("chunked answered", b'{"ok":true}', body)
raw = (b"PUT /bin HTTP/1.0\r\nContent-Length: 3\r\nX-Latin: \xe9\r\n\r\n"
       b"\xff\x00a")
request(raw)

# 9 malformed requests: answered, neither logged nor counted
for raw, want in [
        (b"NOT HTTP\r\n\r\n", "400"),
        (b"GET / HTTP/2.0\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\n folded\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"),
        (b"POST / HTTP/1.1\r\nContent-Length: 16777217\r\n\r\n", "413"),
        (b"GET / HTTP/1.1\r\nX: " + b"a" * 70000 + b"\r\n\r\n", "431")]:
    head, body, _ = request(raw)
    check("malformed %r" % raw[:20], want, head.split(" ")[1])
    check("malformed body", "invalid_request_error",
          json.loads(body)["error"]["type"])

log = [json.loads(l) for l in open(logpath)]
check("log n", list(range(1, 10)), [r["n"] for r in log])
r = log[7]
check("chunked log", ("POST", "/c", "x=1", {"k": [1]}, '{"k":[1]}', "a, b"),
      (r["method"], r["path"], r["query"], r["body"], r["raw_body"],
       r["headers"]["x-dup"]))
r = log[8]
check("latin-1 log", ("\u00ff\u0000a", "\u00e9"),
      (r["raw_body"], r["headers"]["x-latin"]))
sys.exit(1 if fails else 0)
PYEOF
rc=$?
kill "$PID"
for _ in $(seq 100); do
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.03
done
kill -9 "$PID" 2>/dev/null
wait "$PID"
frc=$?
PID=
[ "$frc" -eq 0 ] || { echo "FAIL: fake_upstream exited $frc" >&2; rc=1; }
[ "$rc" -eq 0 ] && echo "fake_upstream_selftest: ok" || echo "fake_upstream_selftest: FAILED"
exit "$rc"
