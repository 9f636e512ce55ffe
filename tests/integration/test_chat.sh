#!/usr/bin/env bash
# `openclaw chat` and the slash commands (the module the gateway reuses):
# scripted lines on stdin, /model with an alias and with @profile (the
# next turn's request uses that model and that profile's key), /model
# status, /models, /think, /new, /status, /usage, unknown text going to
# the model; and in a terminal: the prompt, Ctrl-C stopping a reply, Ctrl-D.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/upstream.sh"

export NO_COLOR=1
PTY="${OC_SUPPORT_BIN:?}/ptydrive"
KEY_A=sk-ant-api03-AAAAkeyAAAAkeyAAAAkeyAAAAkeyAAAAkeyA1
KEY_W=sk-ant-api03-WWWWkeyWWWWkeyWWWWkeyWWWWkeyWWWWkeyW2
SESS="$STATE/agents/main/sessions/sessions.json"
json_q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
paste_key() { printf '%s\n' "$2" | "$OC" models auth paste-api-key --provider anthropic --profile-id "$1" >/dev/null 2>&1; }

fu_start '{"steps":[{"canned":"anthropic_text","text":"Answer.","repeat":true}]}'
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
paste_key anthropic:default "$KEY_A"
paste_key anthropic:work "$KEY_W"
"$OC" models auth order set --provider anthropic anthropic:default anthropic:work >/dev/null

cat >"$T_ROOT/lines" <<'L'
hello
/model
/model sonnet@anthropic:work
second
/model status
/models
/models anthropic limit=2
/think low
/status
/usage
/model opus@anthropic:nope
/model default
/new
/unknown words go to the model
/exit
never sent
L
"$OC" chat <"$T_ROOT/lines" >"$OUT" 2>"$ERR"
assert_eq 0 "$?" "chat exit status"
assert_contains "$OUT" "Current: anthropic/claude-opus-4-5"
assert_contains "$OUT" "Model set to sonnet (anthropic/claude-sonnet-4-5)."
assert_contains "$OUT" "Auth profile set to anthropic:work."
assert_contains "$OUT" "[anthropic] endpoint: $FU_URL auth: anthropic:default=sk-ant-a...AAAkeyA1 (next"
assert_contains "$OUT" "anthropic:work=sk-ant-a...WWWkeyW2"
assert_contains "$OUT" "  • anthropic/claude-sonnet-4-5 (sonnet)"
assert_contains "$OUT" "Providers:"
assert_contains "$OUT" "- anthropic (9)"
assert_contains "$OUT" "Models (anthropic) — showing 1-2 of 9 (page 1/5)"
assert_contains "$OUT" "More: /models anthropic 2"
assert_contains "$OUT" "Thinking level set to low."
assert_contains "$OUT" "🧠 Model: anthropic/claude-sonnet-4-5 · 🔑 api-key"
assert_contains "$OUT" "⚙️ Think: low"
assert_contains "$OUT" "Last turn: 12 in, 0 cache read, 0 cache write, 9 out"
assert_contains "$OUT" 'Auth profile "anthropic:nope" not found.'
assert_contains "$OUT" "Model reset to default (opus (anthropic/claude-opus-4-5))."
assert_contains "$OUT" "New session started ("
assert_eq 3 "$(fu_count)" "three turns reached the model"
assert_eq "claude-opus-4-5 $KEY_A" "$(fu_req 1 'r["body"]["model"] + " " + r["headers"]["x-api-key"]')" "first turn: default model and key"
assert_eq "claude-sonnet-4-5 $KEY_W" "$(fu_req 2 'r["body"]["model"] + " " + r["headers"]["x-api-key"]')" "/model sonnet@anthropic:work"
assert_eq "claude-opus-4-5 /unknown words go to the model" "$(fu_req 3 'r["body"]["model"] + " " + r["body"]["messages"][-1]["content"][0]["text"]')" "unknown slash text is a message; /new started afresh"
assert_eq 1 "$(fu_req 3 'len(r["body"]["messages"])')" "new session has no history"
assert_eq "anthropic:work user low" "$(json_q "$SESS" '" ".join((d["agent:main:main"]["authProfileOverride"], d["agent:main:main"]["authProfileOverrideSource"], d["agent:main:main"]["thinkingLevel"]))')" "pin and thinking kept across /new"

# --- a terminal: prompt, Ctrl-C stops a slow reply, Ctrl-D leaves ----------
fu_start '{"steps":[{"canned":"anthropic_text","text":"one two three four five six seven eight nine ten eleven twelve","drip_ms":250},{"canned":"anthropic_text","text":"Still here."}]}'
"$OC" config set models.providers.anthropic.baseUrl "$FU_URL" >/dev/null
cat >"$T_ROOT/pty.script" <<'S'
expect you>
send tell me a long story\r
expect one
send \x03
expect (stopped)
expect you>
send are you there?\r
expect Still here.
expect you>
keymode
send \x04
S
"$PTY" "$T_ROOT/pty.script" -- "$OC" chat >"$OUT" 2>&1
assert_eq 0 "$?" "chat in a terminal"
assert_contains "$OUT" "openclaw chat (agent main, session agent:main:main)"
assert_not_contains "$OUT" "twelve"
finish
