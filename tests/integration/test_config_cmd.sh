#!/usr/bin/env bash
# `openclaw config get|set|unset|file|validate` as a user runs them:
# round trips, file modes and backups, malformed and invalid configs left
# untouched, real OpenClaw configs with keys we do not use, includes,
# redaction, concurrent writers.
. "$(dirname "$0")/lib.sh"

# --- a fresh HOME: set creates the file privately, get reads it back ---
expect 1 "$OC" config validate
assert_contains "$ERR" "Config file not found: ~/.openclaw/openclaw.json"
expect 1 "$OC" config validate --json
assert_contains "$OUT" '"error": "file not found"'
expect 1 "$OC" config get agents.defaults.model.primary
assert_contains "$ERR" "config path not found: agents.defaults.model.primary"

expect 0 "$OC" config set agents.defaults.model.primary anthropic/claude-opus-4-5
assert_eq "Updated agents.defaults.model.primary." "$(cat "$OUT")" "set message"
assert_mode "$STATE" 700
assert_mode "$CONFIG" 600
expect 0 "$OC" config get agents.defaults.model.primary
assert_eq "anthropic/claude-opus-4-5" "$(cat "$OUT")" "get string"
head -c 2 "$CONFIG" | grep -q '^{$' && pass || fail "file starts with {"
tail -c 2 "$CONFIG" | od -c | grep -q '}  \\n' && pass || fail "file ends with }\\n"
assert_contains "$CONFIG" '    "defaults": {'
assert_contains "$CONFIG" '"lastTouchedVersion"'

# value types: JSON5 when it parses, else a string
expect 0 "$OC" config set gateway.port 19001
assert_eq "Updated gateway.port. Restart the gateway to apply." "$(cat "$OUT")" "gateway restart hint"
expect 0 "$OC" config get gateway.port
assert_eq "19001" "$(cat "$OUT")" "get number"
expect 0 "$OC" config get gateway.port --json
assert_eq "19001" "$(cat "$OUT")" "get number json"
expect 0 "$OC" config set gateway.http.endpoints.chatCompletions.enabled false
expect 0 "$OC" config get gateway.http
assert_eq $'{\n  "endpoints": {\n    "chatCompletions": {\n      "enabled": false\n    }\n  }\n}' "$(cat "$OUT")" "get object"
expect 0 "$OC" config set 'agents.defaults.models["anthropic/claude-opus-4-5"].params' "{cacheControlTtl: '1h',}"
expect 0 "$OC" config get 'agents.defaults.models["anthropic/claude-opus-4-5"].params.cacheControlTtl'
assert_eq "1h" "$(cat "$OUT")" "bracket path round trip"
expect 0 "$OC" config set agents.defaults.model.fallbacks '["anthropic/claude-sonnet-4-5"]'
expect 0 "$OC" config get agents.defaults.model.fallbacks[0]
assert_eq "anthropic/claude-sonnet-4-5" "$(cat "$OUT")" "array index path"
expect 0 "$OC" config set agents.defaults.workspace '~/not json5'
expect 0 "$OC" config get agents.defaults.workspace --json
assert_eq '"~/not json5"' "$(cat "$OUT")" "string fallback"

# every write keeps the previous file as .bak (0600), older ones rotate
assert_mode "$CONFIG.bak" 600
cp "$CONFIG" "$T_ROOT/before"
expect 0 "$OC" config set gateway.mode local
assert_file_eq "$T_ROOT/before" "$CONFIG.bak"
[ -f "$CONFIG.bak.1" ] && pass || fail "backup rotated to .bak.1"

# --- refused changes leave the file untouched ---
cp "$CONFIG" "$T_ROOT/good"
expect 1 "$OC" config set gateway.port notaport
assert_contains "$ERR" "refusing to write ~/.openclaw/openclaw.json: the change makes it invalid"
assert_contains "$ERR" '- gateway.port: expected an integer, got string "notaport"'
assert_contains "$ERR" "Nothing was changed."
assert_file_eq "$T_ROOT/good" "$CONFIG"
expect 1 "$OC" config set gateway.bind everywhere
assert_contains "$ERR" 'gateway.bind: invalid value "everywhere"; expected one of: loopback, lan, tailnet, auto, custom'
expect 1 "$OC" config set gateway.port abc --strict-json
assert_contains "$ERR" "--strict-json: invalid JSON value 'abc'"
expect 0 "$OC" config set gateway.port 18789 --strict-json
expect 0 "$OC" config set gateway.port 1234 --dry-run
assert_contains "$OUT" "Dry run: gateway.port would be updated"
expect 0 "$OC" config get gateway.port
assert_eq "18789" "$(cat "$OUT")" "dry run wrote nothing"
expect 1 "$OC" config set '__proto__.x' 1
assert_contains "$ERR" "invalid path segment: __proto__"
expect 2 "$OC" config set a b --merge --replace

# protected maps are not replaced wholesale by accident
expect 0 "$OC" config set auth.profiles '{"anthropic:default": {provider: "anthropic", mode: "api_key"}}'
expect 1 "$OC" config set auth.profiles '{"anthropic:work": {provider: "anthropic", mode: "token"}}'
assert_contains "$ERR" "refusing to replace auth.profiles; it would remove existing entries: anthropic:default"
expect 0 "$OC" config set auth.profiles '{"anthropic:work": {provider: "anthropic", mode: "token"}}' --merge
expect 0 "$OC" config get 'auth.profiles["anthropic:default"].provider'
assert_eq "anthropic" "$(cat "$OUT")" "merge kept existing entry"

# unset
expect 0 "$OC" config unset gateway.http
assert_eq "Removed gateway.http. Restart the gateway to apply." "$(cat "$OUT")" "unset message"
expect 1 "$OC" config get gateway.http
expect 1 "$OC" config unset gateway.http
assert_contains "$ERR" "config path not found: gateway.http; nothing was changed"

# secrets never print
expect 0 "$OC" config set gateway.auth.token s3cr3t-gateway-token
expect 0 "$OC" config get gateway.auth.token
assert_eq "__OPENCLAW_REDACTED__" "$(cat "$OUT")" "token redacted"
expect 0 "$OC" config get gateway
assert_not_contains "$OUT" "s3cr3t"

# --- a malformed file: file, line and column; exit 1; untouched ---
printf '{\n  gateway: {\n    port: 18789\n    bind: "lan",\n  },\n}\n' >"$CONFIG"
cp "$CONFIG" "$T_ROOT/malformed"
expect 1 "$OC" config get gateway.port
assert_contains "$ERR" "openclaw: error: config is invalid: ~/.openclaw/openclaw.json"
assert_contains "$ERR" "- ~/.openclaw/openclaw.json:4:5: expected ',' or '}' after property value"
expect 1 "$OC" config set gateway.port 1
assert_contains "$ERR" "~/.openclaw/openclaw.json:4:5:"
expect 1 "$OC" config unset gateway
expect 1 "$OC" config validate
assert_contains "$ERR" "Invalid config at ~/.openclaw/openclaw.json"
assert_contains "$ERR" "- ~/.openclaw/openclaw.json:4:5: expected ',' or '}' after property value"
expect 1 "$OC" config validate --json
assert_contains "$OUT" '"valid": false'
assert_contains "$OUT" '"line": 4'
assert_contains "$OUT" '"column": 5'
assert_file_eq "$T_ROOT/malformed" "$CONFIG"

# --- an invalid (well-formed) file: each problem with its path ---
printf '{gateway: {port: "x", bind: "moon", mode: "local"}, agents: {list: [{name: "n"}]}}' >"$CONFIG"
expect 1 "$OC" config validate
assert_contains "$ERR" "Invalid config at ~/.openclaw/openclaw.json"
assert_contains "$ERR" '- gateway.port: expected an integer, got string "x"'
assert_contains "$ERR" '- gateway.bind: invalid value "moon"'
assert_contains "$ERR" '- agents.list.0: missing required key "id"'
# a change that fixes one problem and adds none is allowed
expect 0 "$OC" config set gateway.port 18789
expect 1 "$OC" config validate
assert_not_contains "$ERR" "gateway.port"

# --- real OpenClaw configs load; unknown keys are kept and listed ---
cp "$FIXTURES/config/openclaw-2026.9.6-onboarded.json" "$CONFIG"
expect 0 "$OC" config validate
assert_contains "$OUT" "Config valid: ~/.openclaw/openclaw.json"
assert_contains "$OUT" "Not used by this implementation (kept as is): agents.entries.main.identity, plugins, gateway.tailscale, tools, hooks"
expect 0 "$OC" config get agents.defaults.model.primary
assert_eq "anthropic/claude-opus-5" "$(cat "$OUT")" "2026.9.6 config"
expect 0 "$OC" config set agents.defaults.model.primary anthropic/claude-opus-4-5
"$OC" config get plugins.entries.anthropic.enabled >"$OUT" 2>&1
assert_eq "true" "$(cat "$OUT")" "unknown section survives a write"
# key order and every other byte survive, apart from the change and meta
sed -e 's/claude-opus-5"$/claude-opus-4-5"/' "$FIXTURES/config/openclaw-2026.9.6-onboarded.json" \
    | grep -v lastTouched >"$T_ROOT/want"
grep -v lastTouched "$CONFIG" >"$T_ROOT/got"
diff <(sed 's/,$//' "$T_ROOT/want") <(sed 's/,$//' "$T_ROOT/got") >/dev/null \
    && pass || { fail "rewrite changed more than the set key"; diff "$T_ROOT/want" "$T_ROOT/got" >&2; }

cp "$FIXTURES/config/era-a-with-channels.json5" "$CONFIG"
cp "$CONFIG" "$T_ROOT/commented"
expect 0 "$OC" config validate --json
assert_contains "$OUT" '"valid": true'
assert_contains "$OUT" '"channels"'
assert_contains "$OUT" 'missing env var \"OPENCLAW_GATEWAY_TOKEN\" at gateway.auth.token'
expect 0 "$OC" config get 'agents.list[1].id'
assert_eq "work" "$(cat "$OUT")" "era A list"
expect 0 "$OC" config get env.ANTHROPIC_API_KEY
assert_eq "__OPENCLAW_REDACTED__" "$(cat "$OUT")" "env key redacted"
# writing drops the comments: say so, and keep the original as .bak
expect 0 "$OC" config set gateway.port 18790
assert_contains "$ERR" "the comments in the config file were not kept"
assert_contains "$ERR" "~/.openclaw/openclaw.json.bak"
assert_file_eq "$T_ROOT/commented" "$CONFIG.bak"
assert_contains "$CONFIG" '"token": "${OPENCLAW_GATEWAY_TOKEN}"'
expect 0 "$OC" config set gateway.port 18791
assert_eq "" "$(cat "$ERR")" "no comment warning once plain JSON"

# --- $include: read through, never written through ---
mkdir -p "$STATE/conf.d"
printf '{ defaults: { model: { primary: "anthropic/claude-haiku-4-5" } } }\n' >"$STATE/conf.d/agents.json5"
printf '{ agents: { $include: "./conf.d/agents.json5" }, gateway: { mode: "local" } }\n' >"$CONFIG"
expect 0 "$OC" config get agents.defaults.model.primary
assert_eq "anthropic/claude-haiku-4-5" "$(cat "$OUT")" "included value"
cp "$CONFIG" "$T_ROOT/inc"
expect 1 "$OC" config set agents.defaults.model.primary anthropic/claude-opus-4-5
assert_contains "$ERR" "cannot change 'agents.defaults.model.primary': 'agents' is loaded with \$include; edit the included file instead"
assert_file_eq "$T_ROOT/inc" "$CONFIG"
expect 0 "$OC" config set gateway.port 18800
printf '{ agents: { $include: "./conf.d/missing.json5" } }\n' >"$CONFIG"
expect 1 "$OC" config validate
assert_contains "$ERR" "- ~/.openclaw/openclaw.json: \$include file not found: ./conf.d/missing.json5"

# --- concurrent writers: the config lock loses no update ---
printf '{ gateway: { mode: "local" } }\n' >"$CONFIG"
for w in 1 2 3 4; do
    ( for i in 1 2 3 4 5 6; do
          "$OC" config set "wizard.w$w" "$i" >/dev/null 2>&1 || echo "writer $w failed" >&2
      done ) &
done
wait
for w in 1 2 3 4; do
    "$OC" config get "wizard.w$w" >"$OUT" 2>&1
    assert_eq "6" "$(cat "$OUT")" "writer $w's last value"
done
[ -e "$CONFIG.lock" ] && fail "lock file left behind" || pass

finish
