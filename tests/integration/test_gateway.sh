#!/usr/bin/env bash
# `openclaw gateway run` over HTTP against tests/support/fake_upstream:
# startup refusals (exit 78), health, bearer auth and the failed-attempt
# limiter, /v1/models, chat completions (non-streamed, streamed with
# usage, tools and tool_calls, stable sessions from `user`, headers,
# errors before and after the stream started), a client that goes away
# cancels the upstream request at once, a client that does not read
# cannot grow the gateway, config and auth-store edits without a restart,
# SIGTERM mid-stream, one instance per state dir, a port already in use.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/upstream.sh"
. "$SRC/tests/integration/gateway.sh"
command -v curl >/dev/null || { echo "skip: curl not installed"; exit 77; }

export NO_COLOR=1
KEY_A=sk-ant-api03-AAAAkeyAAAAkeyAAAAkeyAAAAkeyAAAAkeyA1
KEY_B=sk-ant-api03-BBBBkeyBBBBkeyBBBBkeyBBBBkeyBBBBkeyB2
GW_TOKEN=gw-test-token-0123456789abcdef
EVENTS="$T_ROOT/fu.events"
pyj() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$OUT"; }
# forget failures recorded on the profiles (cooldowns) between sections
clear_stats() {
    python3 -c "
import json,sys
p=sys.argv[1]; d=json.load(open(p)); d.pop('usageStats',None)
json.dump(d,open(p,'w'),indent=2)" "$STATE/agents/main/agent/auth-profiles.json"
}
paste_key() { printf '%s\n' "$2" | "$OC" models auth paste-api-key --provider anthropic --profile-id "$1" >/dev/null 2>&1; }
text_step='{"canned":"anthropic_text","text":"Hello from the fake upstream.","repeat":true}'

# --- startup refusals ------------------------------------------------------
expect 78 "$OC" gateway run --port "$(free_port)"
assert_contains "$ERR" "Gateway start blocked: set gateway.mode=local"
mkdir -p "$STATE" && echo '{"agents":{}}' >"$CONFIG"
expect 78 "$OC" gateway run --port "$(free_port)"
assert_contains "$ERR" "Gateway start blocked: existing config is missing gateway.mode"
echo '{"gateway":{"mode":"local"' >"$CONFIG"
expect 78 "$OC" gateway run --port "$(free_port)"
assert_contains "$ERR" "config is invalid"
rm -f "$CONFIG"
"$OC" config set gateway.mode local >/dev/null
expect 78 "$OC" gateway run --port "$(free_port)"
assert_contains "$ERR" "gateway auth is 'token' but no token is set"
expect 78 "$OC" gateway run --port "$(free_port)" --bind lan --auth none
assert_contains "$ERR" "refusing to bind the gateway to 0.0.0.0 without auth"
"$OC" config set gateway.auth.token "$GW_TOKEN" >/dev/null

# --- health, auth, models --------------------------------------------------
FU_EVENTS="$EVENTS"
fu_start '{"steps":['"$text_step"']}'
FU_PORT=${FU_URL##*:}
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
paste_key anthropic:a "$KEY_A"
gw_start || exit 1
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' "$GW_URL/healthz")
assert_eq '200 {"ok":true,"status":"live"}' "$HTTP $(cat "$OUT")" "/healthz without auth"
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' "$GW_URL/readyz")
assert_eq '200 {"ok":true,"status":"ready"}' "$HTTP $(cat "$OUT")" "/readyz"
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' "$GW_URL/v1/models")
assert_eq '401 {"error":{"message":"Unauthorized","type":"unauthorized"}}' "$HTTP $(cat "$OUT")" "no token"
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Authorization: Bearer nope' "$GW_URL/v1/models")
assert_eq 401 "$HTTP" "wrong token"
gw_curl "$GW_URL/v1/models"
assert_eq "200 openclaw openclaw/default openclaw/main" "$HTTP $(pyj '" ".join(m["id"] for m in d["data"])')" "/v1/models"
gw_curl "$GW_URL/v1/models/openclaw%2Fmain"
assert_eq 404 "$HTTP" "an unknown model id"
gw_curl "$GW_URL/v1/models/openclaw"
assert_eq "200 openclaw model" "$HTTP $(pyj 'd["id"] + " " + d["object"]')" "/v1/models/<id>"
gw_curl -X DELETE "$GW_URL/v1/models"
assert_eq 405 "$HTTP" "wrong method"

# --- a non-streamed completion: the reply and the request upstream ----------
gw_curl "$GW_URL/v1/chat/completions" -d '{"model":"openclaw","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}]}'
assert_eq 200 "$HTTP" "completion status"
assert_eq "chat.completion openclaw assistant|Hello from the fake upstream.|stop" \
    "$(pyj 'd["object"] + " " + d["model"] + " " + d["choices"][0]["message"]["role"] + "|" + d["choices"][0]["message"]["content"] + "|" + d["choices"][0]["finish_reason"]')" "completion body"
assert_eq "12 9 21" "$(pyj '"%d %d %d" % (d["usage"]["prompt_tokens"], d["usage"]["completion_tokens"], d["usage"]["total_tokens"])')" "usage"
assert_eq "$KEY_A" "$(fu_req 1 'r["headers"]["x-api-key"]')" "upstream key"
assert_eq '[{"content": [{"cache_control": {"type": "ephemeral"}, "text": "hi", "type": "text"}], "role": "user"}]' \
    "$(fu_req 1 'r["body"]["messages"]')" "upstream messages"
assert_eq "Be brief." "$(fu_req 1 '" ".join(b["text"] for b in r["body"]["system"])')" "system prompt passed"
assert_eq "" "$(ls "$STATE/agents/main/sessions" 2>/dev/null)" "stateless: no session written"
# at info, one log line for the completion, when it ends
ID=$(pyj 'd["id"]')
assert_eq "info $ID: done (anthropic/claude-opus-4-5, anthropic:a, 12 in / 9 out)" \
    "$(grep -F "$ID" "$GW_ERR" | cut -d' ' -f2-)" "one info line a completion"

# --- streamed, with usage -----------------------------------------------------
curl -s -N -H "Authorization: Bearer $GW_TOKEN" "$GW_URL/v1/chat/completions" \
    -d '{"model":"openclaw/main","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}' >"$OUT"
assert_eq "role|content|content|content|content|finish:stop|usage:21|[DONE]" "$(python3 - "$OUT" <<'PYEND'
import json, sys
out = []
for block in open(sys.argv[1]).read().split("\n\n"):
    if not block:
        continue
    assert block.startswith("data: "), block
    data = block[6:]
    if data == "[DONE]":
        out.append(data); continue
    d = json.loads(data)
    assert d["object"] == "chat.completion.chunk" and d["model"] == "openclaw/main"
    if not d["choices"]:
        out.append("usage:%d" % d["usage"]["total_tokens"]); continue
    c = d["choices"][0]
    if c["finish_reason"]:
        out.append("finish:" + c["finish_reason"])
    elif "role" in c["delta"]:
        out.append("role")
    else:
        out.append("content")
print("|".join(out))
PYEND
)" "stream chunks"
assert_eq "Hello from the fake upstream." "$(python3 -c "
import json,sys
t=''
for b in open(sys.argv[1]).read().split('\n\n'):
    if b.startswith('data: {'):
        d=json.loads(b[6:])
        if d['choices']: t+=d['choices'][0]['delta'].get('content','')
print(t)" "$OUT")" "streamed text"


# --- tools: passed upstream, tool_calls back; the follow-up carries them ---
fu_start '{"steps":[{"canned":"anthropic_tool_use"},{"canned":"anthropic_text","text":"It is sunny."}]}'
TOOLS='[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]'
gw_curl "$GW_URL/v1/chat/completions" -d '{"model":"openclaw","messages":[{"role":"user","content":"Weather in Oslo?"}],"tools":'"$TOOLS"'}'
assert_eq "200 tool_calls Checking." "$HTTP $(pyj 'd["choices"][0]["finish_reason"] + " " + d["choices"][0]["message"]["content"]')" "tool call finish"
assert_eq "toolu_01Fake function get_weather {'city': 'Oslo'}" \
    "$(pyj '" ".join(str(x) for x in [d["choices"][0]["message"]["tool_calls"][0]["id"], d["choices"][0]["message"]["tool_calls"][0]["type"], d["choices"][0]["message"]["tool_calls"][0]["function"]["name"], json.loads(d["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"])])')" "tool_calls"
assert_eq '[{"description": "Weather now", "input_schema": {"properties": {"city": {"type": "string"}}, "required": ["city"], "type": "object"}, "name": "get_weather"}]' \
    "$(fu_req 1 '[{k: v for k, v in t.items() if k != "cache_control"} for t in r["body"]["tools"]]')" "tools sent upstream"
gw_curl "$GW_URL/v1/chat/completions" -d '{"model":"openclaw","tools":'"$TOOLS"',"messages":[{"role":"user","content":"Weather in Oslo?"},{"role":"assistant","content":"Checking.","tool_calls":[{"id":"toolu_01Fake","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},{"role":"tool","tool_call_id":"toolu_01Fake","content":"sunny, 21C"}]}'
assert_eq "200 It is sunny." "$HTTP $(pyj 'd["choices"][0]["message"]["content"]')" "reply after the tool result"
assert_eq "user:text assistant:text,tool_use user:tool_result" \
    "$(fu_req 2 '" ".join(m["role"] + ":" + ",".join(b["type"] for b in m["content"]) for m in r["body"]["messages"])')" "history with the tool round trip"
assert_eq "toolu_01Fake" "$(fu_req 2 'r["body"]["messages"][2]["content"][0]["tool_use_id"]')" "tool result id upstream"
assert_contains "$FU_LOG" "sunny, 21C"

# --- `user` gives a stable session; headers route and override --------------
fu_start '{"steps":['"$text_step"']}'
gw_curl "$GW_URL/v1/chat/completions" -d '{"model":"openclaw","user":"alice","messages":[{"role":"user","content":"first"}]}'
gw_curl "$GW_URL/v1/chat/completions" -d '{"model":"openclaw","user":"alice","messages":[{"role":"user","content":"first"},{"role":"assistant","content":"Hello from the fake upstream."},{"role":"user","content":"second"}]}'
assert_eq "200 user,assistant,user" "$HTTP $(fu_req 2 '",".join(m["role"] for m in r["body"]["messages"])')" "the session holds the first turn"
assert_eq "agent:main:openai-user:alice" "$(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))))" "$STATE/agents/main/sessions/sessions.json")" "session key from user"
gw_curl "$GW_URL/v1/chat/completions" -H 'x-openclaw-model: anthropic/claude-sonnet-4-5' -H 'x-openclaw-session-key: team-a' -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "200 claude-sonnet-4-5" "$HTTP $(fu_req 3 'r["body"]["model"]')" "x-openclaw-model"
assert_contains "$STATE/agents/main/sessions/sessions.json" '"agent:main:team-a"'
gw_curl "$GW_URL/v1/chat/completions" -H 'x-openclaw-session-key: cron:nightly' -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq 400 "$HTTP" "reserved session key prefix"
gw_curl "$GW_URL/v1/chat/completions" -H 'x-openclaw-agent-id: ghost' -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq '404 Unknown agent id "ghost". Use "openclaw agents list" to see configured agents.' "$HTTP $(pyj 'd["error"]["message"]')" "unknown agent"
gw_curl "$GW_URL/v1/chat/completions" -d '{not json'
assert_eq "400 invalid_request_error" "$HTTP $(pyj 'd["error"]["type"]')" "malformed body"
gw_curl "$GW_URL/v1/chat/completions" -d '{"model":"openclaw"}'
assert_eq "400 Missing user message in \`messages\`." "$HTTP $(pyj 'd["error"]["message"]')" "no messages"
gw_curl "$GW_URL/v1/chat/completions" -d '{"user":"alice","messages":[{"role":"user","content":"/model status"}]}'
assert_eq 200 "$HTTP" "slash command status"
assert_contains "$OUT" "anthropic/claude-opus-4-5"
assert_eq 3 "$(fu_count)" "slash commands make no model call"

# --- errors: before the stream (status) and inside it (final chunk) ----------
fu_start '{"steps":[{"canned":"anthropic_text","text":"partial answer here","error_event":{"type":"overloaded_error","message":"Overloaded"}}]}'
curl -s -N -H "Authorization: Bearer $GW_TOKEN" "$GW_URL/v1/chat/completions" \
    -d '{"stream":true,"messages":[{"role":"user","content":"hi"}]}' >"$OUT"
assert_eq "overloaded|[DONE]" "$(python3 -c "
import json,sys
b=[x[6:] for x in open(sys.argv[1]).read().split('\n\n') if x]
e=json.loads(b[-2])
print(('overloaded' if 'verload' in e['error']['message'] else e['error']['message']) + '|' + b[-1])" "$OUT" 2>&1)" "mid-stream error is the final chunk"
clear_stats
fu_start '{"steps":[{"status":401,"json":{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}},"repeat":true}]}'
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "401 authentication_error" "$HTTP $(pyj 'd["error"]["type"]')" "upstream 401 as an OpenAI error"

# --- a client that goes away cancels the upstream request at once ----------
clear_stats
: >"$EVENTS"
fu_start '{"steps":[{"canned":"anthropic_text","text":"'"$(printf 'word %.0s' $(seq 400))"'","drip_ms":20}]}'
T_CLOSE=$(python3 "$SRC/tests/integration/gw_client.py" hangup "$GW_PORT" "$GW_TOKEN")
for _ in $(seq 100); do [ -s "$EVENTS" ] && break; sleep 0.02; done
assert_contains "$EVENTS" '"event":"peer_closed"'
LAG=$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())['at_ms'] - int(sys.argv[2]))" "$EVENTS" "$T_CLOSE" 2>/dev/null)
if [ -n "$LAG" ] && [ "$LAG" -lt 100 ]; then pass; else fail "upstream saw the disconnect ${LAG:-never} ms after the client left (want < 100)"; fi
echo "upstream cancelled ${LAG} ms after the client closed" >&2

# --- a client that leaves while the turn waits to retry (upstream down) ------
fu_stop
curl -s -m 0.4 -H "Authorization: Bearer $GW_TOKEN" "$GW_URL/v1/chat/completions" \
    -d '{"messages":[{"role":"user","content":"hi"}]}' >/dev/null
sleep 0.3
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' "$GW_URL/healthz")
assert_eq 200 "$HTTP" "the gateway survives a client leaving during a retry back-off"
kill -0 "$GW_PID" 2>/dev/null && pass || fail "gateway died: $(tail -5 "$GW_ERR")"
clear_stats

# --- a client that does not read: the upstream is paused, memory bounded ----
: >"$EVENTS"
python3 - "$T_ROOT/fu.json" <<'PYEND'
import json, sys
piece = "x" * 65536
items = [{"event": "message_start", "data": {"type": "message_start", "message": {
    "id": "msg_big", "type": "message", "role": "assistant", "model": "claude-opus-4-5",
    "content": [], "stop_reason": None, "usage": {"input_tokens": 5, "output_tokens": 1}}}},
    {"event": "content_block_start", "data": {"type": "content_block_start", "index": 0,
     "content_block": {"type": "text", "text": ""}}}]
for _ in range(600):  # about 40 MB
    items.append({"event": "content_block_delta", "data": {"type": "content_block_delta",
                  "index": 0, "delta": {"type": "text_delta", "text": piece}}})
items += [{"event": "content_block_stop", "data": {"type": "content_block_stop", "index": 0}},
          {"event": "message_delta", "data": {"type": "message_delta",
           "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 10}}},
          {"event": "message_stop", "data": {"type": "message_stop"}}]
json.dump({"steps": [{"sse": items}]}, open(sys.argv[1], "w"))
PYEND
fu_start "$(cat "$T_ROOT/fu.json")"
# ASan keeps freed memory in quarantine (256 MB); RSS would measure that
gw_stop
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1" gw_start || exit 1
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$GW_PID/status"; }
RSS0=$(rss)
python3 "$SRC/tests/integration/gw_client.py" stall "$GW_PORT" "$GW_TOKEN" 3 >/dev/null &
STALL=$!
sleep 2
RSS1=$(rss)
wait "$STALL"
for _ in $(seq 100); do [ -s "$EVENTS" ] && break; sleep 0.02; done
GROWTH=$(( (RSS1 - RSS0) / 1024 ))
echo "gateway RSS ${RSS0} kB -> ${RSS1} kB with a stalled 40 MB stream" >&2
if [ "$GROWTH" -lt 24 ]; then pass; else fail "gateway grew ${GROWTH} MB for a client that does not read"; fi
SENT=$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())['sent'])" "$EVENTS" 2>/dev/null)
echo "upstream sent $SENT bytes of 40 MB to the stalled stream" >&2
if [ -n "$SENT" ] && [ "$SENT" -lt 20000000 ]; then pass; else fail "upstream sent ${SENT:-all} bytes to a paused stream"; fi

# --- failed attempts are rate-limited (loopback exemption off) ---------------
gw_stop
"$OC" config set gateway.auth.rateLimit '{"maxAttempts":2,"windowMs":60000,"lockoutMs":30000,"exemptLoopback":false}' --strict-json >/dev/null
gw_start || exit 1
for i in 1 2; do
    HTTP=$(curl -s -o "$OUT" -w '%{http_code}' -H 'Authorization: Bearer wrong' "$GW_URL/v1/models")
done
HTTP=$(curl -s -D "$T_ROOT/h" -o "$OUT" -w '%{http_code}' -H 'Authorization: Bearer wrong' "$GW_URL/v1/models")
assert_eq 429 "$HTTP" "third failure is limited"
assert_contains "$T_ROOT/h" "Retry-After: 30"
gw_curl "$GW_URL/v1/models"
assert_eq 429 "$HTTP" "even the right token waits out the lockout"
"$OC" config unset gateway.auth.rateLimit >/dev/null

# --- config edits are picked up; gateway.* ones need a restart --------------
gw_start --verbose || exit 1
gw_curl "$GW_URL/v1/models"
assert_eq 200 "$HTTP" "API on before the edit"
"$OC" config set gateway.http.endpoints.chatCompletions.enabled false >/dev/null
for _ in $(seq 60); do
    HTTP=$(curl -s -o "$OUT" -w '%{http_code}' -H "Authorization: Bearer $GW_TOKEN" "$GW_URL/v1/models")
    [ "$HTTP" = 404 ] && break
    sleep 0.05
done
assert_eq "404 Not Found" "$HTTP $(cat "$OUT")" "API off after the config edit, no restart"
"$OC" config set gateway.http.endpoints.chatCompletions.enabled true >/dev/null
"$OC" config set gateway.port 1 >/dev/null
for _ in $(seq 60); do grep -q "gateway.port changed" "$GW_ERR" && break; sleep 0.05; done
assert_contains "$GW_ERR" "gateway.port changed: it takes effect after a restart"
"$OC" config unset gateway.port >/dev/null
echo '{"gateway":' >"$CONFIG.bad" && cp "$CONFIG" "$T_ROOT/good.json" && cat "$CONFIG.bad" >"$CONFIG"
kill -HUP "$GW_PID"
for _ in $(seq 60); do grep -q "config reload skipped" "$GW_ERR" && break; sleep 0.05; done
assert_contains "$GW_ERR" "config reload skipped (invalid config)"
cp "$T_ROOT/good.json" "$CONFIG"
sleep 0.5
gw_curl "$GW_URL/v1/models"
assert_eq 200 "$HTTP" "still serving with the old config"

# --- an auth-store edit by the CLI is used by the next request ---------------
fu_start '{"steps":['"$text_step"']}'
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "200 $KEY_A" "$HTTP $(fu_req 1 'r["headers"]["x-api-key"]')" "key A before"
"$OC" models auth order set --provider anthropic anthropic:b >/dev/null 2>&1
paste_key anthropic:b "$KEY_B"
"$OC" models auth order set --provider anthropic anthropic:b >/dev/null
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "200 $KEY_B" "$HTTP $(fu_req 2 'r["headers"]["x-api-key"]')" "key B after the store changed, no restart"
# an editor's rewrite in place (same inode, same size) is seen as well,
# however soon after the last change (the agent directory is watched),
# although the parse of the store outlives each request by a second
KEY_C=sk-ant-api03-CCCCkeyCCCCkeyCCCCkeyCCCCkeyCCCCkeyC3
in_place() { # FROM TO: replace one key by another in the store, in place
    python3 -c "import sys
p, a, b = sys.argv[1:]
s = open(p).read()
assert a in s and len(a) == len(b)
with open(p, 'r+') as f:
    f.write(s.replace(a, b))" "$STATE/agents/main/agent/auth-profiles.json" "$1" "$2"
}
in_place "$KEY_B" "$KEY_C"
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "200 $KEY_C" "$HTTP $(fu_req 3 'r["headers"]["x-api-key"]')" "key C after an edit in place"
in_place "$KEY_C" "$KEY_B"
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "200 $KEY_B" "$HTTP $(fu_req 4 'r["headers"]["x-api-key"]')" "key B again right after another edit in place"
# the parse outlives the last request by a second, then its keys are wiped
# (the pause lets the store settle where inotify is missing and times are
# compared: a store changed a moment ago is then never kept)
sleep 0.1
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq 200 "$HTTP" "a request on the settled store"
for _ in $(seq 60); do grep -q "released 1 auth store" "$GW_ERR" && break; sleep 0.05; done
assert_contains "$GW_ERR" "released 1 auth store(s) unused for 1000 ms; keys wiped"
if grep -qF -e "$KEY_A" -e "$KEY_B" -e "$KEY_C" "$GW_ERR"; then fail "a key reached the --verbose log"; else pass; fi

# --- the same while another request holds the store (requests running at
# the same time share one parse of it; an edit still reaches the next one)
fu_start '{"steps":[{"canned":"anthropic_text","text":"'"$(printf 'drip %.0s' $(seq 40))"'","drip_ms":25},'"$text_step"']}'
curl -s -N -H "Authorization: Bearer $GW_TOKEN" "$GW_URL/v1/chat/completions" \
    -d '{"stream":true,"messages":[{"role":"user","content":"hi"}]}' >"$T_ROOT/held.out" &
HELD=$!
for _ in $(seq 100); do [ "$(fu_count)" = 1 ] && break; sleep 0.02; done
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "200 $KEY_B" "$HTTP $(fu_req 2 'r["headers"]["x-api-key"]')" "a request while another holds the store"
"$OC" models auth order set --provider anthropic anthropic:a >/dev/null
gw_curl "$GW_URL/v1/chat/completions" -d '{"messages":[{"role":"user","content":"hi"}]}'
assert_eq "200 $KEY_A" "$HTTP $(fu_req 3 'r["headers"]["x-api-key"]')" "the order edit is used while the store is held"
kill -0 "$HELD" 2>/dev/null
assert_eq 0 "$?" "the first request was still running"
wait "$HELD"
assert_contains "$T_ROOT/held.out" '"finish_reason":"stop"'
"$OC" models auth order set --provider anthropic anthropic:b >/dev/null

# --- SIGTERM mid-stream: the stream finishes, then the gateway exits ---------
fu_start '{"steps":[{"canned":"anthropic_text","text":"'"$(printf 'drip %.0s' $(seq 40))"'","drip_ms":25}]}'
curl -s -N -H "Authorization: Bearer $GW_TOKEN" "$GW_URL/v1/chat/completions" \
    -d '{"stream":true,"messages":[{"role":"user","content":"hi"}]}' >"$OUT" &
CURL=$!
sleep 0.3
kill -TERM "$GW_PID"
wait "$CURL"
assert_eq "data: [DONE]" "$(tail -c 200 "$OUT" | grep -v '^$' | tail -1)" "the stream ended with [DONE]"
assert_contains "$OUT" '"finish_reason":"stop"'
wait "$GW_PID"
assert_eq 0 "$?" "exit 0 after draining"
GW_PID=
assert_contains "$GW_ERR" "draining (1 open request(s)"

# --- one gateway per state dir; a port in use names its owner --------------
gw_start || exit 1
expect 78 "$OC" gateway run --port "$(free_port)"
assert_contains "$ERR" "gateway already running (pid $GW_PID)"
P2=$(free_port)
python3 -c "import socket,time,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); s.bind(('127.0.0.1',int(sys.argv[1]))); s.listen(); time.sleep(30)" "$P2" &
HOLDER=$!
sleep 0.3
gw_stop
expect 1 "$OC" gateway run --port "$P2"
assert_contains "$ERR" "port $P2 on 127.0.0.1 is already in use by pid $HOLDER"
GW_PORT=$P2 gw_start --force || exit 1
assert_contains "$GW_ERR" "--force: stopping pid $HOLDER"
wait "$HOLDER" 2>/dev/null

# --- a token kept as a SecretRef: the gateway and its clients resolve it ----
gw_stop
REF_TOKEN=gw-token-from-a-secret-ref-77
printf 'GW_TOKEN_REF=%s\n' "$REF_TOKEN" >>"$STATE/.env"
"$OC" config set gateway.auth.token '{"source":"env","id":"GW_TOKEN_REF"}' --strict-json >/dev/null
gw_start || exit 1
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' -H "Authorization: Bearer $REF_TOKEN" "$GW_URL/v1/models")
assert_eq 200 "$HTTP" "the gateway resolves the SecretRef from <state>/.env"
OPENCLAW_GATEWAY_PORT=$GW_PORT expect 0 "$OC" health

gw_stop
assert_eq 0 "$GW_RC" "clean exit after SIGTERM"
finish
