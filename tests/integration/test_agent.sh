#!/usr/bin/env bash
# `openclaw agent` against tests/support/fake_upstream: the exact request
# sent (API key, cacheControlTtl 1h, setup-token, a configured
# anthropic-beta header, OpenRouter), the streamed reply and --json,
# sessions, retries, failover (a 429 puts profile A in cooldown and B
# answers; all profiles cooling; fallback models in order; a user pin is
# never rotated), the Claude-Code-only refusal, cut and failed streams,
# OAuth refresh, Ctrl-C.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/upstream.sh"

export NO_COLOR=1
KEY_A=sk-ant-api03-AAAAkeyAAAAkeyAAAAkeyAAAAkeyAAAAkeyA1
KEY_B=sk-ant-api03-BBBBkeyBBBBkeyBBBBkeyBBBBkeyBBBBkeyB2
TOK=sk-ant-oat01-TOKENtokenTOKENtokenTOKENtokenTOKENtokenTOKENtokenTOKENtokenTOKENtokenTOKENtok9
ORK=sk-or-v1-openrouteropenrouteropenrouteropenrouter0001
AGENT="$STATE/agents/main/agent"
STORE="$AGENT/auth-profiles.json"
json_q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
paste_key() { printf '%s\n' "$2" | "$OC" models auth paste-api-key --provider anthropic --profile-id "$1" >/dev/null 2>&1; }
set_base() { "$OC" config set "models.providers.$1.baseUrl" "$FU_URL" >/dev/null; }
text_stream='{"canned":"anthropic_text","text":"Hello from the fake upstream."}'

# --- API key: the reply streams to stdout; the exact request -------------
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
paste_key anthropic:a "$KEY_A"
expect 0 "$OC" agent -m "hi there"
assert_eq "Hello from the fake upstream." "$(cat "$OUT")" "streamed reply"
assert_eq "POST /v1/messages" "$(fu_req 1 'r["method"] + " " + r["path"]')" "endpoint"
assert_eq "$KEY_A" "$(fu_req 1 'r["headers"]["x-api-key"]')" "x-api-key"
assert_eq "null" "$(fu_req 1 'r["headers"].get("authorization")')" "no bearer with an API key"
assert_eq "2023-06-01" "$(fu_req 1 'r["headers"]["anthropic-version"]')" "anthropic-version"
assert_eq "extended-cache-ttl-2025-04-11,fine-grained-tool-streaming-2025-05-14,interleaved-thinking-2025-05-14" \
    "$(fu_req 1 'r["headers"]["anthropic-beta"]')" "betas for an API key"
assert_eq '{"max_tokens": 32000, "messages": [{"content": [{"cache_control": {"type": "ephemeral"}, "text": "hi there", "type": "text"}], "role": "user"}], "model": "claude-opus-4-5", "stream": true}' \
    "$(fu_req 1 'r["body"]')" "body, no ttl unless configured"
# the session holds both turns' messages
SESS="$STATE/agents/main/sessions"
SID=$(json_q "$SESS/sessions.json" 'd["agent:main:main"]["sessionId"]')
assert_eq "session user assistant" "$(python3 -c "
import json,sys
for l in open(sys.argv[1]):
    d=json.loads(l); print(d['type'] if d['type']!='message' else d['message']['role'], end=' ')" "$SESS/$SID.jsonl" | sed 's/ $//')" "transcript"
assert_eq "anthropic claude-opus-4-5" "$(json_q "$SESS/sessions.json" 'd["agent:main:main"]["modelProvider"] + " " + d["agent:main:main"]["model"]')" "session entry"
assert_mode "$SESS/sessions.json" 600
assert_mode "$SESS/$SID.jsonl" 600

# --- the second turn carries the history; --json; cacheControlTtl 1h ------
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
"$OC" config set 'agents.defaults.models["anthropic/claude-opus-4-5"].params.cacheControlTtl' 1h >/dev/null
expect 0 "$OC" agent -m "again" --json
assert_eq "True Hello from the fake upstream. anthropic claude-opus-4-5 anthropic:a" \
    "$(json_q "$OUT" '" ".join(str(x) for x in (d["ok"], d["payloads"][0]["text"], d["meta"]["agentMeta"]["provider"], d["meta"]["agentMeta"]["model"], d["meta"]["agentMeta"]["profile"]))')" "--json result"
assert_eq "12 9" "$(json_q "$OUT" '"%d %d" % (d["meta"]["agentMeta"]["usage"]["input"], d["meta"]["agentMeta"]["usage"]["output"])')" "--json usage"
assert_eq '["user", "assistant", "user"]' "$(fu_req 1 '[m["role"] for m in r["body"]["messages"]]')" "history sent"
assert_eq '{"ttl": "1h", "type": "ephemeral"}' "$(fu_req 1 'r["body"]["messages"][-1]["content"][-1]["cache_control"]')" "ttl 1h"

# --- a configured anthropic-beta header adds, never drops -----------------
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
"$OC" config set models.providers.anthropic.headers '{"anthropic-beta":"context-1m-2025-08-07","x-extra":"1"}' >/dev/null
expect 0 "$OC" agent -m "beta"
assert_eq "extended-cache-ttl-2025-04-11,fine-grained-tool-streaming-2025-05-14,interleaved-thinking-2025-05-14,context-1m-2025-08-07" \
    "$(fu_req 1 'r["headers"]["anthropic-beta"]')" "configured beta unioned"
assert_eq "1" "$(fu_req 1 'r["headers"]["x-extra"]')" "other configured header sent"
"$OC" config unset models.providers.anthropic.headers >/dev/null

# --- the body is written as OpenClaw's JSON.stringify writes it: compact,
# numbers in their shortest form (0.7, not 0.69999999999999996) -----------
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
"$OC" config set 'agents.defaults.models["anthropic/claude-opus-4-5"].params.temperature' 0.7 >/dev/null
expect 0 "$OC" agent -m $'tab\there \x01'
assert_eq "True True True" "$(fu_req 1 '" ".join(str(x) for x in (r["raw_body"].startswith("{\"model\":\"claude-opus-4-5\",\"max_tokens\":"), "\"temperature\":0.7" in r["raw_body"], "\"text\":\"tab\\there \\u0001\"" in r["raw_body"]))')" "raw body bytes"
"$OC" config unset 'agents.defaults.models["anthropic/claude-opus-4-5"].params.temperature' >/dev/null

# --- setup-token: Bearer, claude-code betas, identity block, no ttl -------
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
printf '%s\n' "$TOK" | "$OC" models auth paste-token --provider anthropic --profile-id anthropic:tok >/dev/null 2>&1
"$OC" models auth order set --provider anthropic anthropic:tok >/dev/null
expect 0 "$OC" agent -m "with a token"
assert_eq "Bearer $TOK" "$(fu_req 1 'r["headers"]["authorization"]')" "bearer"
assert_eq "null" "$(fu_req 1 'r["headers"].get("x-api-key")')" "no x-api-key with a token"
assert_eq "claude-code-20250219,oauth-2025-04-20,fine-grained-tool-streaming-2025-05-14,interleaved-thinking-2025-05-14" \
    "$(fu_req 1 'r["headers"]["anthropic-beta"]')" "oauth betas"
assert_eq "claude-cli/2.1.75 cli" "$(fu_req 1 'r["headers"]["user-agent"] + " " + r["headers"]["x-app"]')" "claude code identity headers"
assert_eq '[{"cache_control": {"type": "ephemeral"}, "text": "You are Claude Code, Anthropic'"'"'s official CLI for Claude.", "type": "text"}]' \
    "$(fu_req 1 'r["body"]["system"]')" "identity block, no ttl"
assert_eq '{"type": "ephemeral"}' "$(fu_req 1 'r["body"]["messages"][-1]["content"][-1]["cache_control"]')" "no ttl for a token"

# --- the Claude-Code-only refusal: a clear message, then the next profile --
CC='{"status":400,"json":{"type":"error","error":{"type":"invalid_request_error","message":"This credential is only authorized for use with Claude Code and cannot be used for other API requests."}}}'
fu_start '{"steps":['"$CC"','"$text_stream"']}'
set_base anthropic
"$OC" models auth order set --provider anthropic anthropic:tok anthropic:a >/dev/null
expect 0 "$OC" agent -m "rotate"
assert_eq "2 $KEY_A" "$(fu_count) $(fu_req 2 'r["headers"]["x-api-key"]')" "rotated to the API key"
fu_start '{"steps":['"$CC"']}'
set_base anthropic
"$OC" models auth order set --provider anthropic anthropic:tok >/dev/null
"$OC" models auth clear-cooldown --provider anthropic >/dev/null
expect 1 "$OC" agent -m "refused"
assert_contains "$ERR" "Anthropic refused this credential: \"This credential is only authorized for use with Claude Code and cannot be used for other API requests.\""
assert_contains "$ERR" "use an Anthropic API key instead (openclaw models auth paste-api-key --provider anthropic)"
"$OC" models auth clear-cooldown --provider anthropic >/dev/null
"$OC" models auth order set --provider anthropic anthropic:a anthropic:b >/dev/null 2>&1 || true
"$OC" models auth remove anthropic:tok >/dev/null

# --- 429 on A: cooldown recorded, B answers, status shows A cooling -------
paste_key anthropic:b "$KEY_B"
"$OC" models auth order set --provider anthropic anthropic:a anthropic:b >/dev/null
R429='{"status":429,"headers":{"retry-after":"0","request-id":"req_fake429"},"json":{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}}'
fu_start '{"steps":['"$R429"','"$R429"','"$R429"','"$text_stream"']}'
set_base anthropic
expect 0 "$OC" agent -m "rate limited"
assert_eq "4" "$(fu_count)" "3 attempts on A (2 retries), then B"
assert_eq "$KEY_A $KEY_A $KEY_A $KEY_B" "$(for i in 1 2 3 4; do fu_req $i 'r["headers"]["x-api-key"]'; done | tr '\n' ' ' | sed 's/ $//')" "keys in order"
assert_eq "rate_limit claude-opus-4-5 1" "$(json_q "$STORE" '" ".join(str(x) for x in (d["usageStats"]["anthropic:a"]["cooldownReason"], d["usageStats"]["anthropic:a"]["cooldownModel"], d["usageStats"]["anthropic:a"]["errorCount"]))')" "A's cooldown recorded"
assert_eq "anthropic:b" "$(json_q "$STORE" 'd["lastGood"]["anthropic"]')" "lastGood is B"
expect 0 "$OC" models status --json
assert_eq "anthropic:a cooldown rate_limit" "$(json_q "$OUT" '" ".join(d["auth"]["unusableProfiles"][0][k] for k in ("profileId", "kind", "reason"))')" "status shows A cooling"

# --- every profile cooling: the SPEC message, no request made ---------------
python3 - "$STORE" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
for k in ("anthropic:a", "anthropic:b"):
    d.setdefault("usageStats", {})[k] = {"errorCount": 1, "cooldownUntil": 99999999999999, "cooldownReason": "overloaded"}
json.dump(d, open(p, "w"), indent=2)
PY
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
expect 1 "$OC" agent -m "nobody home"
assert_contains "$ERR" "No available auth profile for anthropic (all in cooldown or unavailable)."
assert_eq "0" "$(fu_count)" "no request while all profiles cool down"

# --- fallbacks in order ------------------------------------------------------
"$OC" models fallbacks add anthropic/claude-sonnet-4-5 >/dev/null
"$OC" models fallbacks add openrouter/anthropic/claude-opus-4.5 >/dev/null
printf '%s\n' "$ORK" | "$OC" models auth paste-api-key --provider openrouter >/dev/null 2>&1
fu_start '{"steps":[{"canned":"openrouter_text","text":"From OpenRouter.","match":{"path":"/chat/completions"}}]}'
set_base anthropic
set_base openrouter
expect 0 "$OC" agent -m "fall back"
assert_eq "From OpenRouter." "$(cat "$OUT")" "answered by the fallback"
assert_eq "POST /chat/completions" "$(fu_req 1 'r["method"] + " " + r["path"]')" "openrouter endpoint"
assert_eq "Bearer $ORK" "$(fu_req 1 'r["headers"]["authorization"]')" "openrouter key"
assert_eq "openclaw-c" "$(fu_req 1 'r["headers"]["x-openrouter-title"]')" "attribution header"
assert_eq '{"include_usage": true} False anthropic/claude-opus-4.5' "$(fu_req 1 '" ".join((json.dumps(r["body"]["stream_options"]), str(r["body"]["store"]), r["body"]["model"]))')" "openrouter body"
python3 - "$STORE" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d["usageStats"] = {}
json.dump(d, open(p, "w"), indent=2)
PY
R500='{"status":500,"headers":{"retry-after":"0"},"json":{"type":"error","error":{"type":"api_error","message":"Internal server error"}},"repeat":true,"match":{"path":"/v1/messages"}}'
fu_start '{"steps":[{"canned":"openrouter_text","text":"Last resort.","match":{"path":"/chat/completions"}},'"$R500"']}'
set_base anthropic
set_base openrouter
expect 0 "$OC" agent -m "all anthropic fails"
assert_eq "Last resort." "$(cat "$OUT")" "third model answered"
# each anthropic model: profile a (3 attempts), then b (3); then openrouter
assert_eq "opus-4-5 x6, sonnet-4-5 x6, anthropic/claude-opus-4.5 x1" \
    "$(python3 -c "
import json, sys, itertools
ms = [json.loads(l)['body']['model'].replace('claude-', '', 1) if json.loads(l)['body']['model'].startswith('claude-') else json.loads(l)['body']['model'] for l in open(sys.argv[1])]
print(', '.join('%s x%d' % (k, len(list(g))) for k, g in itertools.groupby(ms)))" "$FU_LOG")" "models tried in order, each with every profile"
"$OC" models fallbacks clear >/dev/null

# --- a user pin is the only candidate, never rotated ------------------------
python3 - "$STORE" "$SESS/sessions.json" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d["usageStats"] = {}
json.dump(d, open(p, "w"), indent=2)
p = sys.argv[2]; d = json.load(open(p))
d["agent:main:main"]["authProfileOverride"] = "anthropic:b"
d["agent:main:main"]["authProfileOverrideSource"] = "user"
json.dump(d, open(p, "w"), indent=2)
PY
fu_start '{"steps":['"$R429"','"$R429"','"$R429"','"$text_stream"']}'
set_base anthropic
expect 1 "$OC" agent -m "pinned"
assert_eq "3 $KEY_B" "$(fu_count) $(fu_req 3 'r["headers"]["x-api-key"]')" "only the pinned profile was used"
assert_contains "$ERR" "anthropic answered HTTP 429: Number of request tokens has exceeded your per-minute rate limit (request-id req_fake429)"
python3 - "$SESS/sessions.json" "$STORE" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
for k in ("authProfileOverride", "authProfileOverrideSource"):
    d["agent:main:main"].pop(k)
json.dump(d, open(p, "w"), indent=2)
p = sys.argv[2]; d = json.load(open(p)); d["usageStats"] = {}
json.dump(d, open(p, "w"), indent=2)
PY

# --- a retried 529, a cut stream, an error event ------------------------------
R529='{"status":529,"headers":{"retry-after":"0"},"json":{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}}'
fu_start '{"steps":['"$R529"','"$text_stream"']}'
set_base anthropic
expect 0 "$OC" agent -m "retry me"
assert_eq "2 $KEY_A $KEY_A" "$(fu_count) $(fu_req 1 'r["headers"]["x-api-key"]') $(fu_req 2 'r["headers"]["x-api-key"]')" "529 retried on the same key"
fu_start '{"steps":[{"canned":"anthropic_text","text":"This reply will be cut short by the server, after some text.","truncate_after":900}]}'
set_base anthropic
expect 1 "$OC" agent -m "cut"
assert_contains "$OUT" "This reply"
assert_contains "$ERR" "the response stream"
assert_eq "1" "$(fu_count)" "a cut reply is not retried"
fu_start '{"steps":[{"canned":"anthropic_text","error_event":{"type":"overloaded_error","message":"Overloaded"}}]}'
set_base anthropic
expect 1 "$OC" agent -m "mid-stream error"
assert_contains "$ERR" "anthropic reported an error during the reply: overloaded_error: Overloaded"
assert_eq "1" "$(fu_count)" "no retry once output reached the user"

# --- an upstream nobody listens on: the failed connect is reported ---------
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$OC" config set models.providers.anthropic.baseUrl "http://127.0.0.1:$DEAD" >/dev/null
expect 1 "$OC" agent -m "nobody there"
assert_contains "$ERR" "could not reach anthropic (http://127.0.0.1:$DEAD): Failed to connect to 127.0.0.1 port $DEAD"

# --- no profiles: the environment key ----------------------------------------
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
expect 0 env ANTHROPIC_API_KEY=sk-ant-api03-ENVkeyENVkeyENVkeyENVkeyENV "$OC" agent -m "env" --agent main --session-key other
assert_eq "profile" "$(fu_req 1 '"profile" if r["headers"]["x-api-key"] in ("'"$KEY_A"'", "'"$KEY_B"'") else r["headers"]["x-api-key"]')" "profiles come before the environment"
"$OC" agents add envonly >/dev/null
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
expect 0 env ANTHROPIC_API_KEY=sk-ant-api03-ENVkeyENVkeyENVkeyENVkeyENV "$OC" agent -m "env" --agent envonly
assert_eq "sk-ant-api03-ENVkeyENVkeyENVkeyENVkeyENV" "$(fu_req 1 'r["headers"]["x-api-key"]')" "env key for an agent without profiles"
expect 1 "$OC" agent -m "nothing" --agent envonly
assert_contains "$ERR" 'No API key found for provider "anthropic". Auth store: ~/.openclaw/agents/envonly/agent/auth-profiles.json (agentDir: ~/.openclaw/agents/envonly/agent). Configure auth for this agent (openclaw agents add <id>) or copy auth-profiles.json from the main agentDir.'

# --- OAuth: an expired access token is refreshed first ----------------------
python3 - "$STORE" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["profiles"]["anthropic:oauth"] = {"type": "oauth", "provider": "anthropic", "access": "sk-ant-oat01-OLDaccessOLDaccessOLDaccess", "refresh": "sk-ant-ort01-REFRESHrefresh", "expires": 1000}
d["order"] = {"anthropic": ["anthropic:oauth"]}
json.dump(d, open(p, "w"), indent=2)
PY
fu_start '{"steps":[{"match":{"path":"/v1/oauth/token"},"json":{"access_token":"sk-ant-oat01-NEWaccessNEWaccessNEWaccess","refresh_token":"sk-ant-ort01-NEWrefresh","expires_in":28800}},'"$text_stream"']}'
set_base anthropic
expect 0 env OPENCLAW_TEST_OAUTH_TOKEN_URL="$FU_URL/v1/oauth/token" "$OC" agent -m "refresh"
assert_eq "refresh_token sk-ant-ort01-REFRESHrefresh" "$(fu_req 1 'r["body"]["grant_type"] + " " + r["body"]["refresh_token"]')" "refresh request"
assert_eq "Bearer sk-ant-oat01-NEWaccessNEWaccessNEWaccess" "$(fu_req 2 'r["headers"]["authorization"]')" "new token used"
assert_eq "sk-ant-oat01-NEWaccessNEWaccessNEWaccess sk-ant-ort01-NEWrefresh" "$(json_q "$STORE" 'd["profiles"]["anthropic:oauth"]["access"] + " " + d["profiles"]["anthropic:oauth"]["refresh"]')" "refreshed token stored"

# The refresh holds the store's lock (auth-profiles.json.lock, our pid)
# until the new tokens are saved.
python3 - "$STORE" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["profiles"]["anthropic:oauth"]["expires"] = 1000
json.dump(d, open(p, "w"), indent=2)
PY
fu_start '{"steps":[{"match":{"path":"/v1/oauth/token"},"delay_ms":800,"json":{"access_token":"sk-ant-oat01-THIRDaccessTHIRDaccessTHIRD","refresh_token":"sk-ant-ort01-THIRDrefresh","expires_in":28800}},'"$text_stream"']}'
set_base anthropic
env OPENCLAW_TEST_OAUTH_TOKEN_URL="$FU_URL/v1/oauth/token" "$OC" agent -m "locked refresh" >"$OUT" 2>"$ERR" &
APID=$!
for _ in $(seq 50); do [ -e "$STORE.lock" ] && break; sleep 0.05; done
assert_eq "$APID" "$(json_q "$STORE.lock" 'd["pid"]')" "lock held by the refreshing process"
wait "$APID"
assert_eq 0 "$?" "turn after a locked refresh"
assert_eq "no" "$([ -e "$STORE.lock" ] && echo yes || echo no)" "lock released"
assert_eq "sk-ant-ort01-THIRDrefresh" "$(json_q "$STORE" 'd["profiles"]["anthropic:oauth"]["refresh"]')" "rotated refresh token stored"

# Ctrl-C during a refresh: the turn ends with 130, but the rotated tokens
# the endpoint already handed out are saved, not lost.
python3 - "$STORE" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["profiles"]["anthropic:oauth"]["expires"] = 1000
json.dump(d, open(p, "w"), indent=2)
PY
fu_start '{"steps":[{"match":{"path":"/v1/oauth/token"},"delay_ms":800,"json":{"access_token":"sk-ant-oat01-FOURTHaccessFOURTHaccess","refresh_token":"sk-ant-ort01-FOURTHrefresh","expires_in":28800}},'"$text_stream"']}'
set_base anthropic
env OPENCLAW_TEST_OAUTH_TOKEN_URL="$FU_URL/v1/oauth/token" "$OC" agent -m "cancelled refresh" >"$OUT" 2>"$ERR" &
APID=$!
for _ in $(seq 50); do [ -e "$STORE.lock" ] && break; sleep 0.05; done
kill -INT "$APID"
wait "$APID"
assert_eq 130 "$?" "Ctrl-C during a refresh"
assert_eq "1 sk-ant-ort01-FOURTHrefresh" "$(fu_count) $(json_q "$STORE" 'd["profiles"]["anthropic:oauth"]["refresh"]')" "tokens from a cancelled refresh kept, no model call"

# Another process holds the lock and refreshes meanwhile: we wait, reload,
# and use its token without calling the token endpoint.
python3 - "$STORE" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["profiles"]["anthropic:oauth"]["expires"] = 1000
json.dump(d, open(p, "w"), indent=2)
PY
fu_start '{"steps":['"$text_stream"']}'
set_base anthropic
python3 - "$STORE" <<'PY' &
import datetime, json, os, sys, time
p = sys.argv[1]
lock = os.open(p + ".lock", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
os.write(lock, json.dumps({"pid": os.getpid(), "createdAt": datetime.datetime.utcnow().isoformat() + "Z"}).encode())
os.close(lock)
time.sleep(0.6)
d = json.load(open(p))
d["profiles"]["anthropic:oauth"].update(access="sk-ant-oat01-OTHERaccessOTHERaccessOTHER", refresh="sk-ant-ort01-OTHERrefresh", expires=int(time.time() * 1000) + 3600000)
json.dump(d, open(p, "w"), indent=2)
os.unlink(p + ".lock")
PY
HPID=$!
for _ in $(seq 50); do [ -e "$STORE.lock" ] && break; sleep 0.05; done
expect 0 env OPENCLAW_TEST_OAUTH_TOKEN_URL="$FU_URL/v1/oauth/token" "$OC" agent -m "after another refresh"
wait "$HPID"
assert_eq "1 /v1/messages Bearer sk-ant-oat01-OTHERaccessOTHERaccessOTHER" "$(fu_count) $(fu_req 1 'r["path"] + " " + r["headers"]["authorization"]')" "token refreshed by another process used"
"$OC" models auth order clear --provider anthropic >/dev/null

# --- Ctrl-C ends the turn at once with 130 -----------------------------------
fu_start '{"steps":[{"canned":"anthropic_text","text":"slow slow slow slow slow slow slow slow","drip_ms":300}]}'
set_base anthropic
"$OC" agent -m "slow" >"$OUT" 2>"$ERR" &
APID=$!
sleep 0.6
kill -INT "$APID"
wait "$APID"
assert_eq 130 "$?" "SIGINT exit status"

# --- bad input ---------------------------------------------------------------
expect 2 "$OC" agent
assert_contains "$ERR" "give the message with -m <text>"
expect 1 "$OC" agent -m hi --agent nope
assert_contains "$ERR" 'Unknown agent id "nope"'
finish
