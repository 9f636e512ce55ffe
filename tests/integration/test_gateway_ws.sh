#!/usr/bin/env bash
# The gateway's WebSocket protocol, driven by tests/support/gwws.py (a
# stdlib-only client) and by our own client commands: challenge → connect
# → hello-ok, auth failures and the limiter, protocol ranges, device
# signatures, chat.send streaming from the fake upstream, idempotency,
# chat.abort, chat.history, sessions.*, models.list, agent + agent.wait,
# slash commands, a watcher that stops reading, `openclaw health`,
# `gateway call`, `gateway status`,
# `chat --url`, and the shutdown event on SIGTERM.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/upstream.sh"

command -v python3 >/dev/null || { echo "skip: python3 missing"; exit 77; }
export NO_COLOR=1
export PYTHONPATH="$SRC/tests/support"
TOKEN=gw-test-token-0123456789abcdef
KEY_A=sk-ant-api03-AAAAkeyAAAAkeyAAAAkeyAAAAkeyAAAAkeyA1
GW_PID=
GW_LOG="$T_ROOT/gateway.log"

gw_stop() {
    if [ -n "$GW_PID" ]; then
        kill "$GW_PID" 2>/dev/null
        for _ in $(seq 200); do
            kill -0 "$GW_PID" 2>/dev/null || break
            sleep 0.025
        done
        kill -9 "$GW_PID" 2>/dev/null
        wait "$GW_PID" 2>/dev/null
        GW_RC=$?
    fi
    GW_PID=
}
trap 'gw_stop; fu_stop; rm -rf "$T_ROOT"' EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# gw_start [extra args]: the gateway on a free port, waiting for /healthz
gw_start() {
    local try
    gw_stop
    for try in 1 2 3; do
        PORT=$(free_port)
        OPENCLAW_GATEWAY_TOKEN=$TOKEN OPENCLAW_GATEWAY_TICK_MS=${TICK_MS:-15000} \
            "$OC" gateway run --port "$PORT" "$@" >"$GW_LOG" 2>&1 </dev/null &
        GW_PID=$!
        for _ in $(seq 200); do
            if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
                export OPENCLAW_GATEWAY_PORT=$PORT
                return 0
            fi
            kill -0 "$GW_PID" 2>/dev/null || break
            sleep 0.05
        done
        gw_stop
    done
    fail "the gateway did not start: $(cat "$GW_LOG")"
    exit 1
}

# py 'python code' : run with gwws imported, PORT and TOKEN defined; the
# script prints what the test compares
py() {
    python3 - "$PORT" "$TOKEN" "$T_ROOT" <<EOF 2>"$T_ROOT/py.err"
import json, sys, time
from gwws import WS, Closed, Device
PORT, TOKEN, TMP = int(sys.argv[1]), sys.argv[2], sys.argv[3]
$1
EOF
}

"$OC" config set gateway.mode local >/dev/null
fu_start '{"steps":[{"canned":"anthropic_text","text":"Hello from the fake upstream.","repeat":true}]}'
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
printf '%s\n' "$KEY_A" | "$OC" models auth paste-api-key --provider anthropic --profile-id anthropic:a >/dev/null 2>&1
gw_start

# --- challenge → connect → hello-ok ---------------------------------------
py '
ws = WS(PORT)
ch = ws.challenge
print(ch["type"], ch["event"], len(ch["payload"]["nonce"]) >= 16, ch["payload"]["ts"] > 0)
r = ws.connect(token=TOKEN)
p = r["payload"]
print(r["ok"], p["type"], p["protocol"], p["server"]["version"] != "", p["server"]["connId"].startswith("conn-"))
print(sorted(p["features"]["methods"]))
print(sorted(p["features"]["events"]))
print(p["policy"]["tickIntervalMs"], p["policy"]["maxPayload"], p["policy"]["maxBufferedBytes"])
print(p["auth"]["role"], p["auth"]["scopes"], p["snapshot"]["uptimeMs"] >= 0, sorted(p["snapshot"]["stateVersion"]))
print(p["snapshot"]["sessionDefaults"]["mainSessionKey"], p["snapshot"]["authMode"])
' >"$OUT"
assert_eq "event connect.challenge True True
True hello-ok 4 True True
['agent', 'agent.wait', 'chat.abort', 'chat.history', 'chat.send', 'health', 'models.list', 'sessions.list', 'sessions.patch', 'sessions.reset', 'status']
['agent', 'chat', 'connect.challenge', 'shutdown', 'tick']
15000 26214400 52428800
operator ['operator.read', 'operator.write'] True ['health', 'presence']
agent:main:main token" "$(cat "$OUT")" "hello-ok"

# --- protocol ranges --------------------------------------------------------
py '
for lo, hi in ((3, 3), (3, 4), (1, 9), (4, 7)):
    ws = WS(PORT)
    r = ws.connect(token=TOKEN, minp=lo, maxp=hi)
    print(lo, hi, r["ok"], r["payload"]["protocol"])
ws = WS(PORT)
r = ws.connect(token=TOKEN, minp=5, maxp=6)
print(r["ok"], r["error"]["message"], r["error"]["details"]["expectedProtocol"])
try:
    ws.recv(); print("still open")
except Closed as e:
    print("closed", e.code)
' >"$OUT"
assert_eq "3 3 True 3
3 4 True 4
1 9 True 4
4 7 True 4
False protocol mismatch 4
closed 1002" "$(cat "$OUT")" "protocol ranges"

# --- auth failures: error, then close 1008 ----------------------------------
py '
for tok in ("wrong", None):
    ws = WS(PORT)
    r = ws.connect(token=tok)
    e = r["error"]
    print(r["ok"], e["code"], e["details"]["code"], e["details"]["recommendedNextStep"])
    print(e["message"])
    try:
        ws.recv(); print("still open")
    except Closed as c:
        print("closed", c.code)
' >"$OUT"
assert_eq "False INVALID_REQUEST AUTH_TOKEN_MISMATCH update_auth_credentials
unauthorized: gateway token mismatch (pass --token, or set OPENCLAW_GATEWAY_TOKEN to match gateway.auth.token)
closed 1008
False INVALID_REQUEST AUTH_TOKEN_MISSING update_auth_credentials
unauthorized: gateway token missing (pass --token, or set OPENCLAW_GATEWAY_TOKEN to match gateway.auth.token)
closed 1008" "$(cat "$OUT")" "auth failures"

# --- the first frame must be connect; unknown connect params ----------------
py '
ws = WS(PORT)
r = ws.call("health", {})
print(r["ok"], r["error"]["message"])
try:
    ws.recv(); print("still open")
except Closed as c:
    print("closed", c.code)
ws = WS(PORT)
r = ws.connect(token=TOKEN, extra={"bogus": 1})
print(r["ok"], r["error"]["code"], r["error"]["message"])
ws = WS(PORT)
try:
    ws.send("x" * 70000); ws.recv(); print("still open")
except Closed as c:
    print("closed", c.code)
' >"$OUT"
assert_eq "False invalid handshake: first request must be connect
closed 1008
False INVALID_REQUEST invalid connect params: at root: unexpected property 'bogus'
closed 1009" "$(cat "$OUT")" "first frame rules"

# --- device identities --------------------------------------------------------
if command -v openssl >/dev/null && openssl genpkey -algorithm ed25519 -out "$T_ROOT/probe.pem" 2>/dev/null; then
    py '
d = Device(TMP)
ws = WS(PORT)
r = ws.connect(token=TOKEN, device=d.identity())
print("good", r["ok"])
for name, ident in (("corrupt", d.identity(corrupt=True)), ("nonce", d.identity(nonce_override="0" * 32))):
    ws = WS(PORT)
    r = ws.connect(token=TOKEN, device=ident)
    print(name, r["ok"], r["error"]["details"]["code"])
    try:
        ws.recv()
    except Closed as c:
        print("closed", c.code)
ws = WS(PORT)
r = ws.connect(token="wrong", device=d.identity())
print("device without the secret", r["ok"], r["error"]["details"]["code"])
' >"$OUT"
    assert_eq "good True
corrupt False DEVICE_AUTH_SIGNATURE_INVALID
closed 1008
nonce False DEVICE_AUTH_NONCE_MISMATCH
closed 1008
device without the secret False AUTH_TOKEN_MISMATCH" "$(cat "$OUT")" "device signatures"
else
    echo "note: openssl without ed25519; device tests skipped"
fi

# --- unknown methods and params -----------------------------------------------
py '
ws = WS(PORT); ws.connect(token=TOKEN)
r = ws.call("nope.method", {}); print(r["error"]["code"], r["error"]["message"])
r = ws.call("health", {"bogus": 1}); print(r["error"]["code"], r["error"]["message"])
r = ws.call("chat.send", {"sessionKey": "main", "message": "hi"}); print(r["error"]["code"], r["error"]["message"])
r = ws.call("chat.history", {"sessionKey": "main", "limit": 5000}); print(r["error"]["code"])
ro = WS(PORT); ro.connect(token=TOKEN, scopes=["operator.read"])
r = ro.call("chat.send", {"sessionKey": "main", "message": "hi", "idempotencyKey": "ro"}); print(r["error"]["code"], r["error"]["message"])
print(ro.call("health")["ok"])
' >"$OUT"
assert_eq "INVALID_REQUEST unknown method: nope.method
INVALID_REQUEST invalid health params: at root: unexpected property 'bogus'
INVALID_REQUEST invalid params: idempotencyKey: is required
INVALID_REQUEST
FORBIDDEN missing scope: operator.write
True" "$(cat "$OUT")" "invalid requests"

# --- health and status ----------------------------------------------------------
py '
ws = WS(PORT); ws.connect(token=TOKEN)
h = ws.call("health")["payload"]
print(h["ok"], h["defaultAgentId"], h["connections"] >= 1, sorted(h["runs"]))
s = ws.call("status")["payload"]
print(s["gateway"]["port"] == PORT, s["gateway"]["authMode"], s["defaultModel"])
' >"$OUT"
assert_eq "True main True ['active', 'queued']
True token anthropic/claude-opus-4-5" "$(cat "$OUT")" "health and status"

# --- chat.send: ack, deltas, final; idempotency; history ---------------------------
py '
ws = WS(PORT); ws.connect(token=TOKEN)
r = ws.call("chat.send", {"sessionKey": "main", "message": "hi there", "idempotencyKey": "run-1"})
print(r["payload"])
print(ws.call("chat.send", {"sessionKey": "main", "message": "hi there", "idempotencyKey": "run-1"})["payload"])
text = ""
while True:
    e = ws.next_event("chat")["payload"]
    if e["state"] != "delta":
        break
    text += e["deltaText"]
print(text, e["state"], e["runId"], e["sessionKey"], e["stopReason"], e["usage"]["input"], e["usage"]["output"])
print(e["message"]["content"][0]["text"])
print(ws.call("chat.send", {"sessionKey": "main", "message": "hi there", "idempotencyKey": "run-1"})["payload"])
h = ws.call("chat.history", {"sessionKey": "main", "limit": 10})["payload"]
print(h["sessionKey"], [m["role"] for m in h["messages"]], h["messages"][0]["content"][0]["text"])
h = ws.call("chat.history", {"sessionKey": "agent:main:main", "limit": 1, "maxChars": 10})["payload"]
print(h["messages"][0]["content"][0]["text"])
' >"$OUT"
assert_eq "{'runId': 'run-1', 'status': 'started'}
{'runId': 'run-1', 'status': 'in_flight'}
Hello from the fake upstream. final run-1 agent:main:main stop 12 9
Hello from the fake upstream.
{'runId': 'run-1', 'status': 'ok'}
agent:main:main ['user', 'assistant'] hi there
[chat.history omitted: message too large]" "$(cat "$OUT")" "chat.send"
assert_eq "1" "$(fu_count)" "one upstream request for a repeated key"
assert_eq "hi there" "$(fu_req 1 'r["body"]["messages"][-1]["content"][0]["text"]')" "the message sent upstream"

# --- slash commands through chat.send ------------------------------------------------
py '
ws = WS(PORT); ws.connect(token=TOKEN)
print(ws.call("chat.send", {"sessionKey": "main", "message": "/model status", "idempotencyKey": "slash-1"})["payload"])
e = ws.next_event("chat")["payload"]
print(e["state"], e["message"]["content"][0]["text"].splitlines()[0])
ws.call("chat.send", {"sessionKey": "main", "message": "/think high", "idempotencyKey": "slash-2"})
print(ws.next_event("chat")["payload"]["message"]["content"][0]["text"])
' >"$OUT"
assert_eq "{'runId': 'slash-1', 'status': 'started'}
final Current: anthropic/claude-opus-4-5
Thinking level set to high." "$(cat "$OUT")" "slash commands"
assert_eq "1" "$(fu_count)" "slash commands call no model"

# --- sessions.list / patch / reset, models.list ----------------------------------------
py '
ws = WS(PORT); ws.connect(token=TOKEN)
l = ws.call("sessions.list", {})["payload"]
print(l["count"], l["sessions"][0]["key"], l["sessions"][0]["thinkingLevel"])
p = ws.call("sessions.patch", {"key": "main", "model": "anthropic/claude-sonnet-4-5", "thinkingLevel": "low"})["payload"]
print(p["ok"], p["entry"]["providerOverride"], p["entry"]["modelOverride"], p["entry"]["modelOverrideSource"], p["entry"]["thinkingLevel"])
r = ws.call("sessions.patch", {"key": "main", "thinkingLevel": "bogus"}); print(r["ok"], r["error"]["message"].split(".")[0])
p = ws.call("sessions.patch", {"key": "main", "model": None, "thinkingLevel": None})["payload"]
print("modelOverride" in p["entry"], "thinkingLevel" in p["entry"])
old = p["entry"]["sessionId"]
r = ws.call("sessions.reset", {"key": "main"})["payload"]
print(r["ok"], r["entry"]["sessionId"] != old)
m = ws.call("models.list", {})["payload"]["models"]
print(len(m) > 0, all("id" in x and "provider" in x for x in m))
' >"$OUT"
assert_eq "1 agent:main:main high
True anthropic claude-sonnet-4-5 user low
False Unknown thinking level \"bogus\"
False False
True True
True True" "$(cat "$OUT")" "sessions and models"

# --- agent: two answers, agent events, agent.wait ----------------------------------------
py '
ws = WS(PORT); ws.connect(token=TOKEN)
rid = ws.req("agent", {"message": "do it", "idempotencyKey": "agent-1"})
first = ws.wait_res(rid)["payload"]
print(first["runId"], first["status"], first["acceptedAt"] > 0)
final = ws.wait_res(rid)["payload"]
print(final["runId"], final["status"], final["result"]["payloads"][0]["text"])
ev = [e["payload"] for e in ws.events if e.get("event") == "agent"]
print([(e["stream"], e["data"].get("phase")) for e in ev if e["stream"] == "lifecycle"])
print(all(e["runId"] == "agent-1" for e in ev), [e["data"]["text"] for e in ev if e["stream"] == "assistant"][-1])
w = WS(PORT); w.connect(token=TOKEN)
r = w.call("agent.wait", {"runId": "agent-1", "timeoutMs": 1000})["payload"]
print(r["status"], r["endedAt"] >= r["startedAt"])
print(w.call("agent.wait", {"runId": "nope", "timeoutMs": 50})["payload"]["status"])
' >"$OUT"
assert_eq "agent-1 accepted True
agent-1 ok Hello from the fake upstream.
[('lifecycle', 'start'), ('lifecycle', 'end')]
True Hello from the fake upstream." "$(sed -n 1,4p "$OUT")" "agent two-stage answer"
assert_eq "ok True
timeout" "$(sed -n 5,6p "$OUT")" "agent.wait"

# --- chat.abort mid-stream ends the upstream request -----------------------------------------
gw_stop
fu_start '{"steps":[{"canned":"anthropic_text","text":"A slow answer that drips out over a couple of seconds.","drip_ms":250,"repeat":true}]}'
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
gw_start
py '
ws = WS(PORT); ws.connect(token=TOKEN)
ws.call("chat.send", {"sessionKey": "slow", "message": "go", "idempotencyKey": "abort-1"})
print(ws.next_event("chat")["payload"]["state"])
r = ws.call("chat.abort", {"sessionKey": "slow", "runId": "abort-1"})["payload"]
print(r["aborted"], r["runIds"])
e = ws.next_event("chat", pred=lambda p: p["state"] != "delta")["payload"]
print(e["state"])
print(ws.call("chat.send", {"sessionKey": "slow", "message": "go", "idempotencyKey": "abort-1"})["payload"]["status"])
' >"$OUT"
assert_eq "delta
True ['abort-1']
aborted
aborted" "$(cat "$OUT")" "chat.abort"
assert_contains "$GW_LOG" "ws run abort-1 (chat, session agent:main:slow): aborted"

# --- a client that goes away cancels its chat run -----------------------------------------------
py '
ws = WS(PORT); ws.connect(token=TOKEN)
ws.call("chat.send", {"sessionKey": "gone", "message": "go", "idempotencyKey": "gone-1"})
ws.next_event("chat")
ws.sock.close()
time.sleep(0.5)
w = WS(PORT); w.connect(token=TOKEN)
print(w.call("chat.send", {"sessionKey": "gone", "message": "go", "idempotencyKey": "gone-1"})["payload"]["status"])
' >"$OUT"
assert_eq "aborted" "$(cat "$OUT")" "disconnect cancels the chat run"

# --- chat events go to every reader, as OpenClaw broadcasts them ------------------
# (the slow upstream: the owner goes away mid-run, and its run's last event
# reaches the watcher from inside the owner's teardown)
py '
a = WS(PORT); a.connect(token=TOKEN)
b = WS(PORT); b.connect(token=TOKEN, scopes=["operator.read"])
c = WS(PORT); c.connect(token=TOKEN, scopes=["operator.approvals"])
print(a.call("chat.send", {"sessionKey": "watched", "message": "hi", "idempotencyKey": "bcast-1"})["payload"])
mine = lambda p: p["runId"] == "bcast-1"
fa, fb = a.next_event("chat", pred=mine), b.next_event("chat", pred=mine)
print(fa["payload"] == fb["payload"], fb["payload"]["state"], fb["payload"]["sessionKey"], fb["payload"]["deltaText"])
fb2 = b.next_event("chat", pred=mine)
print("the watcher numbers its own events:", fb2["seq"] == fb["seq"] + 1)
a.sock.close()
e = b.next_event("chat", pred=lambda p: mine(p) and p["state"] != "delta")["payload"]
print("after the owner left:", e["state"])
r = c.call("health"); print(r["error"]["code"], r["error"]["message"])
print("no read scope, no chat events:", [f for f in c.events if f.get("event") == "chat"])
' >"$OUT"
assert_eq "{'runId': 'bcast-1', 'status': 'started'}
True delta agent:main:watched A slow a
the watcher numbers its own events: True
after the owner left: aborted
FORBIDDEN missing scope: operator.read
no read scope, no chat events: []" "$(cat "$OUT")" "chat events broadcast to readers"

# --- a watcher that stops reading misses deltas, not the end, and never slows the owner ---------
# 192 text deltas of 16 KiB (3 MiB): more than the kernel holds for a
# client with a 4 KiB receive window plus the 256 KiB high-water mark, less
# than the 4 MiB that gets a client dropped (the final event carries the
# whole text once more).
gw_stop
fu_start "$(python3 -c '
import json
ev = lambda e, d: {"event": e, "data": dict(d, type=e)}
items = [ev("message_start", {"message": {"id": "msg_bulk", "type": "message", "role": "assistant",
          "model": "claude-opus-4-5", "content": [], "stop_reason": None, "stop_sequence": None,
          "usage": {"input_tokens": 5, "output_tokens": 1}}}),
         ev("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})]
items += [ev("content_block_delta", {"index": 0, "delta": {"type": "text_delta",
          "text": "%05d" % i + "x" * 16379}}) for i in range(192)]
items += [ev("content_block_stop", {"index": 0}),
          ev("message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None},
                               "usage": {"output_tokens": 9}}),
          ev("message_stop", {})]
print(json.dumps({"steps": [{"sse": items, "repeat": True}]}))
')"
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
gw_start
py '
a = WS(PORT); a.connect(token=TOKEN)
b = WS(PORT, rcvbuf=4096); b.connect(token=TOKEN, scopes=["operator.read"])
a.call("chat.send", {"sessionKey": "bulk", "message": "go", "idempotencyKey": "bulk-1"})
mine = lambda p: p["runId"] == "bulk-1"
deltas = []
while True:
    p = a.next_event("chat", timeout=30, pred=mine)["payload"]
    if p["state"] != "delta":
        break
    deltas.append(p["deltaText"])
text = "".join(deltas)
print("owner:", len(deltas), "deltas,", p["state"], len(text), text == "".join("%05d" % i + "x" * 16379 for i in range(192)))
seen, seqs = [], []
while True:
    f = b.next_event("chat", timeout=30, pred=mine)
    seqs.append(f["seq"])
    if f["payload"]["state"] != "delta":
        break
    seen.append(f["payload"]["deltaText"][:5])
fin = f["payload"]
body = "".join(c.get("text", "") for c in fin["message"]["content"])
print("watcher:", fin["state"], body == text, "missed some:", 0 < len(seen) < 192,
      "in order:", seen == ["%05d" % i for i in range(len(seen))],
      "seq runs on:", seqs == list(range(seqs[0], seqs[0] + len(seqs))))
print("watcher still served:", b.call("health")["ok"])
' >"$OUT"
assert_eq "owner: 192 deltas, final 3145728 True
watcher: final True missed some: True in order: True seq runs on: True
watcher still served: True" "$(cat "$OUT")" "a congested watcher misses deltas only"

# --- client commands ----------------------------------------------------------------------------
fu_start '{"steps":[{"canned":"anthropic_text","text":"Hello from the fake upstream.","repeat":true}]}'
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
gw_start
OPENCLAW_GATEWAY_TOKEN=$TOKEN expect 0 "$OC" health
assert_contains "$OUT" "Gateway: ok (ws://127.0.0.1:$PORT"
assert_contains "$OUT" "Default agent: main"
OPENCLAW_GATEWAY_TOKEN=$TOKEN expect 0 "$OC" health --json
assert_eq "True main" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"], d["defaultAgentId"])' "$OUT")" "health --json"
expect 1 "$OC" health
assert_contains "$ERR" "unauthorized: gateway token missing"
# the token from the config when the environment has none
"$OC" config set gateway.auth.token "$TOKEN" >/dev/null
expect 0 "$OC" gateway call health
assert_contains "$OUT" '"ok": true'
"$OC" config unset gateway.auth.token >/dev/null
expect 2 "$OC" gateway call health --url "ws://127.0.0.1:$PORT"
assert_contains "$ERR" "--url needs --token or --password"
expect 0 "$OC" gateway call chat.history --url "ws://127.0.0.1:$PORT" --token "$TOKEN" --params '{"sessionKey":"main"}'
assert_contains "$OUT" '"sessionKey": "agent:main:main"'
expect 1 "$OC" gateway call chat.history --url "ws://127.0.0.1:$PORT" --token "$TOKEN" --params '{"bogus":1}'
assert_contains "$ERR" "unexpected property 'bogus'"
expect 0 "$OC" gateway call agent --url "ws://127.0.0.1:$PORT" --token "$TOKEN" --expect-final \
    --params '{"message":"hi","idempotencyKey":"cli-agent-1"}'
assert_eq "ok Hello from the fake upstream." "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["status"], d["result"]["payloads"][0]["text"])' "$OUT")" "gateway call agent --expect-final"
OPENCLAW_GATEWAY_TOKEN=$TOKEN expect 0 "$OC" gateway status --json
assert_eq "True $PORT" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["rpc"]["ok"], d["rpc"]["url"].rsplit(":",1)[1])' "$OUT")" "gateway status --json: probe"
assert_eq "process env" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["keys"]["OPENCLAW_GATEWAY_TOKEN"]["source"])' "$OUT")" "gateway status --json: key origin"
assert_contains "$OUT" '"authStore": "'"$STATE"'/agents/main/agent/auth-profiles.json"'
OPENCLAW_GATEWAY_TOKEN=$TOKEN expect 0 "$OC" gateway status --no-probe
assert_contains "$OUT" "RPC probe: skipped"
assert_contains "$OUT" "journalctl --user -u openclaw-gateway"
OPENCLAW_GATEWAY_PORT=1 expect 1 "$OC" health
assert_contains "$ERR" "gateway not reachable at ws://127.0.0.1:1"
assert_contains "$ERR" "openclaw gateway run"

# --- chat --url, lines from stdin ----------------------------------------------------------------
printf 'hello over ws\n/think low\n/exit\nnot sent\n' >"$T_ROOT/lines"
"$OC" chat --url "ws://127.0.0.1:$PORT" --token "$TOKEN" --session remote <"$T_ROOT/lines" >"$OUT" 2>"$ERR"
assert_eq "0" "$?" "chat --url exit code"
assert_eq "Hello from the fake upstream.
Thinking level set to low." "$(cat "$OUT")" "chat --url output"
assert_eq "hello over ws" "$(fu_req "$(fu_count)" 'r["body"]["messages"][-1]["content"][0]["text"]')" "chat --url sent the line"

# --- the failed-auth limiter (loopback not exempt) ---------------------------------------------------
"$OC" config set gateway.auth.rateLimit '{"maxAttempts":2,"windowMs":60000,"lockoutMs":60000,"exemptLoopback":false}' >/dev/null
gw_start
py '
for tok in ("wrong", "wrong", "wrong", TOKEN):
    ws = WS(PORT)
    r = ws.connect(token=tok)
    e = r.get("error") or {}
    print(r["ok"], e.get("code"), (e.get("details") or {}).get("code"), "retryAfterMs" in (e.get("details") or {}))
' >"$OUT"
assert_eq "False INVALID_REQUEST AUTH_TOKEN_MISMATCH False
False INVALID_REQUEST AUTH_TOKEN_MISMATCH False
False UNAVAILABLE AUTH_RATE_LIMITED True
False UNAVAILABLE AUTH_RATE_LIMITED True" "$(cat "$OUT")" "limiter"
"$OC" config unset gateway.auth.rateLimit >/dev/null

# --- ticks, then the shutdown event on SIGTERM ------------------------------------------------------
TICK_MS=300 gw_start
py '
ws = WS(PORT); ws.connect(token=TOKEN)
print(ws.next_event("tick", timeout=3)["payload"]["ts"] > 0)
print("ready", flush=True)
e = ws.next_event("shutdown", timeout=10)
print(e["payload"]["reason"])
try:
    ws.recv(); print("still open")
except Closed as c:
    print("closed", c.code)
' >"$OUT" &
PY_PID=$!
for _ in $(seq 100); do grep -q ready "$OUT" && break; sleep 0.05; done
kill -TERM "$GW_PID"
wait "$PY_PID"
assert_eq "True
ready
gateway stopping
closed 1001" "$(cat "$OUT")" "tick and shutdown events"
for _ in $(seq 200); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.025; done
wait "$GW_PID"
assert_eq "0" "$?" "gateway exit code after SIGTERM"
GW_PID=
assert_not_contains "$GW_LOG" "ERROR: AddressSanitizer"
assert_not_contains "$GW_LOG" "LeakSanitizer"

finish
