#!/usr/bin/env bash
# The official OpenAI client library (npm "openai", installed in
# .deps/node by `make setup`) against the gateway, with the gateway token
# as its API key: models.list, a non-streamed and a streamed chat
# completion with usage (answered by tests/support/fake_upstream), and a
# wrong key. Skipped (77) when node or the package is missing.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/upstream.sh"
. "$SRC/tests/integration/gateway.sh"
MODULES="$SRC/.deps/node/node_modules"
command -v node >/dev/null || { echo "skip: node not installed"; exit 77; }
[ -f "$MODULES/openai/index.mjs" ] || { echo "skip: run make setup (npm openai)"; exit 77; }
command -v curl >/dev/null || { echo "skip: curl not installed"; exit 77; }

GW_TOKEN=gw-openai-client-token-42
"$OC" config set gateway.mode local >/dev/null
"$OC" config set gateway.auth.token "$GW_TOKEN" >/dev/null
fu_start '{"steps":[{"canned":"anthropic_text","text":"Hello from the fake upstream.","repeat":true}]}'
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
printf '%s\n' sk-ant-api03-AAAAkeyAAAAkeyAAAAkeyAAAAkeyAAAAkeyA1 |
    "$OC" models auth paste-api-key --provider anthropic >/dev/null 2>&1
gw_start || exit 1

expect 0 node "$SRC/tests/integration/openai_chat.mjs" "$MODULES" "$GW_URL/v1" "$GW_TOKEN"
got() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$OUT"; }
assert_eq "openclaw openclaw/default openclaw/main" "$(got '" ".join(d["models"])')" "models.list"
assert_eq "Hello from the fake upstream.|stop|12/9/21" \
    "$(got 'd["text"] + "|" + d["finish"] + "|%d/%d/%d" % (d["usage"]["prompt_tokens"], d["usage"]["completion_tokens"], d["usage"]["total_tokens"])')" "non-streamed completion"
assert_eq "Hello from the fake upstream.|stop|21" \
    "$(got 'd["streamed"] + "|" + d["stream_finish"] + "|%d" % d["stream_usage"]["total_tokens"]')" "streamed completion with usage"
assert_eq "ok" "$(got '"ok" if all(__import__("re").fullmatch("chatcmpl-[0-9a-f]{24}", i) for i in [d["id"]] + d["stream_ids"]) and len(d["stream_ids"]) == 1 and d["id"] != d["stream_ids"][0] else "%r %r" % (d["id"], d["stream_ids"])')" \
    "completion ids: chatcmpl- and 24 hex digits, one per completion, distinct"
assert_eq 401 "$(got 'd["wrong_key"]')" "wrong key"
assert_eq 2 "$(fu_count)" "two model calls upstream"
assert_eq "POST /v1/messages" "$(fu_req 2 'r["method"] + " " + r["path"]')" "upstream call"

gw_stop
assert_eq 0 "$GW_RC" "clean exit"
finish
