#!/usr/bin/env bash
# `openclaw onboard` as the seeds use it: non-interactive with
# --accept-risk and an API key or a token, the risk refusal, --json,
# keyRef mode, OpenRouter, re-runs that modify and never clobber, --reset,
# bad input that writes nothing, and the wizard driven through a
# pseudo-terminal (API key from the environment, a pasted token, running
# a stand-in `claude setup-token`, cancelling).
. "$(dirname "$0")/lib.sh"

PTY="${OC_SUPPORT_BIN:?}/ptydrive"
STORE="$STATE/agents/main/agent/auth-profiles.json"
KEY=sk-ant-api03-ONBOARDkeykeykeykeykeykeykeykeykeykeyAA
KEY2=sk-ant-api03-SECONDkeykeykeykeykeykeykeykeykeykeyBB
TOK=sk-ant-oat01-ONBOARDtokentokentokentokentokentokentokentokentokentokentokentokentokentokCC
ORK=sk-or-v1-onboardonboardonboardonboardonboard0123
export NO_COLOR=1
ALL="$T_ROOT/all-output"
: >"$ALL"
xp() { expect "$@"; cat "$OUT" "$ERR" >>"$ALL"; }
json_q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# --- the risk must be accepted; nothing is written before ----------------
xp 1 "$OC" onboard --non-interactive --anthropic-api-key "$KEY"
assert_eq "Non-interactive setup requires explicit risk acknowledgement.
Read: https://docs.openclaw.ai/security
Re-run with: openclaw onboard --non-interactive --accept-risk ..." "$(cat "$ERR")" "risk refusal"
xp 1 "$OC" onboard
assert_contains "$ERR" "onboard is interactive and there is no terminal; pass a credential (e.g. --anthropic-api-key) or use \`openclaw onboard --non-interactive --accept-risk\`"
xp 2 "$OC" onboard --non-interactive --accept-risk --auth-choice bogus
assert_contains "$ERR" "unknown --auth-choice 'bogus'"
xp 2 "$OC" onboard --non-interactive --accept-risk --anthropic-api-key "$KEY" --gateway-port 70000
assert_contains "$ERR" "invalid --gateway-port '70000' (1-65535)"
xp 1 "$OC" onboard --non-interactive --accept-risk --anthropic-api-key "$TOK"
assert_contains "$ERR" "this is a Claude setup-token, not an API key"
xp 1 "$OC" onboard --non-interactive --accept-risk --auth-choice setup-token
assert_contains "$ERR" "Anthropic setup-token auth requires --token with a valid setup-token"
xp 1 "$OC" onboard --non-interactive --accept-risk --auth-choice apiKey
assert_contains "$ERR" "--auth-choice apiKey needs --anthropic-api-key <key> (or ANTHROPIC_API_KEY in the environment)"
[ -e "$STATE" ] && fail "a refused onboard wrote $STATE" || pass

# --- seed: onboard --anthropic-api-key "$ANTHROPIC_API_KEY" ---------------
xp 0 "$OC" onboard --non-interactive --accept-risk --anthropic-api-key "$KEY"
assert_eq "Workspace OK: ~/.openclaw/workspace
Sessions OK: ~/.openclaw/agents/main/sessions
Updated ~/.openclaw/openclaw.json
Auth profile: anthropic:default (anthropic/api_key)
Saved sk-ant-a...keykeyAA to ~/.openclaw/agents/main/agent/auth-profiles.json
Default model: anthropic/claude-opus-4-5
Gateway: port 18789, bind loopback, token auth (settings in gateway.*)
Next: \`openclaw models status --check\` to see the credentials in use, \`openclaw doctor\` for a full check." "$(cat "$OUT")" "onboard output"
assert_eq '{
  "version": 1,
  "profiles": {
    "anthropic:default": {
      "type": "api_key",
      "provider": "anthropic",
      "key": "'"$KEY"'"
    }
  }
}' "$(cat "$STORE")" "store written by onboard"
assert_mode "$STATE" 700
assert_mode "$STORE" 600
assert_mode "$CONFIG" 600
assert_mode "$STATE/workspace" 700
assert_mode "$STATE/agents/main/sessions" 700
assert_eq "local 18789 loopback token 48" "$(json_q "$CONFIG" '" ".join(str(x) for x in (d["gateway"]["mode"], d["gateway"]["port"], d["gateway"]["bind"], d["gateway"]["auth"]["mode"], len(d["gateway"]["auth"]["token"])))')" "gateway written"
assert_eq "anthropic/claude-opus-4-5 $STATE/workspace" "$(json_q "$CONFIG" 'd["agents"]["defaults"]["model"]["primary"] + " " + d["agents"]["defaults"]["workspace"]')" "model and workspace"
assert_eq "{'provider': 'anthropic', 'mode': 'api_key'}" "$(json_q "$CONFIG" 'd["auth"]["profiles"]["anthropic:default"]')" "auth metadata"
assert_eq "onboard local" "$(json_q "$CONFIG" 'd["wizard"]["lastRunCommand"] + " " + d["wizard"]["lastRunMode"]')" "wizard stamp"
xp 0 "$OC" models status --check
assert_contains "$OUT" "anthropic:default=sk-ant-a...keykeyAA"
GWTOK=$(json_q "$CONFIG" 'd["gateway"]["auth"]["token"]')

# the seed's form exactly, with no terminal and no --non-interactive
xp 0 "$OC" onboard --anthropic-api-key "$KEY"
assert_contains "$ERR" "Security notice: an assistant acts with these credentials."
assert_contains "$OUT" "Auth profile: anthropic:default (anthropic/api_key)"
# the seed's --auth-choice setup-token, with the token it made
xp 0 "$OC" onboard --auth-choice setup-token --token "$TOK" --accept-risk
assert_eq "token" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["type"]')" "setup-token choice with --token"
xp 0 "$OC" onboard --non-interactive --accept-risk --anthropic-api-key "$KEY"

# --- a re-run modifies: other settings, the gateway token and the model stay
python3 - "$CONFIG" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["channels"] = {"telegram": {"enabled": True, "botToken": "123:abc"}}
d["agents"]["defaults"]["model"]["primary"] = "anthropic/claude-sonnet-4-5"
json.dump(d, open(p, "w"), indent=2)
PY
printf '%s\n' "$KEY2" | "$OC" onboard --non-interactive --accept-risk --anthropic-api-key - --gateway-port 19000 >"$OUT" 2>"$ERR"
assert_eq 0 "$?" "re-run with the key on stdin"
cat "$OUT" "$ERR" >>"$ALL"
assert_eq "$KEY2" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["key"]')" "key replaced"
assert_eq "True" "$(json_q "$CONFIG" 'd["channels"]["telegram"]["enabled"]')" "unrelated config kept"
assert_eq "anthropic/claude-sonnet-4-5 19000" "$(json_q "$CONFIG" 'd["agents"]["defaults"]["model"]["primary"] + " " + str(d["gateway"]["port"])')" "model kept, port changed"
assert_eq "$GWTOK" "$(json_q "$CONFIG" 'd["gateway"]["auth"]["token"]')" "gateway token kept"
[ -f "$CONFIG.bak" ] && pass || fail "re-run kept a backup"

# --- a token with an expiry (seed: onboard --auth-choice setup-token's
#     non-interactive equivalent) --------------------------------------------
NOW=1795363519953
xp 0 env OPENCLAW_TEST_NOW_MS=$NOW "$OC" onboard --non-interactive --accept-risk --auth-choice token --token-provider anthropic --token "$TOK" --token-expires-in 365d
assert_eq "token $((NOW + 365 * 86400000))" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["type"] + " " + str(d["profiles"]["anthropic:default"]["expires"])')" "token with expiry"
xp 0 env OPENCLAW_TEST_NOW_MS=$NOW "$OC" models status
assert_contains "$OUT" "  - anthropic:default ok expires in 365d"

# --- keyRef mode and --json --------------------------------------------
xp 0 env ANTHROPIC_API_KEY="$KEY" "$OC" onboard --non-interactive --accept-risk --auth-choice apiKey --secret-input-mode ref --skip-health --skip-channels --skip-daemon --skip-skills --skip-search --skip-ui --json
assert_eq "{'source': 'env', 'provider': 'default', 'id': 'ANTHROPIC_API_KEY'} False" "$(json_q "$STORE" 'str(d["profiles"]["anthropic:default"]["keyRef"]) + " " + str("key" in d["profiles"]["anthropic:default"])')" "keyRef stored, no key"
assert_eq "True local apiKey 19000 loopback token False anthropic:default" "$(json_q "$OUT" '" ".join(str(x) for x in (d["ok"], d["mode"], d["authChoice"], d["gateway"]["port"], d["gateway"]["bind"], d["gateway"]["authMode"], d["installDaemon"], d["authProfile"]))')" "--json summary"
xp 1 env -u ANTHROPIC_API_KEY "$OC" onboard --non-interactive --accept-risk --auth-choice apiKey --secret-input-mode ref
assert_contains "$ERR" "--secret-input-mode ref stores a reference to ANTHROPIC_API_KEY, which is not set"

# --- --reset: a new config (old one in .bak), credentials kept -----------
cp "$CONFIG" "$T_ROOT/before-reset"
xp 0 "$OC" onboard --non-interactive --accept-risk --reset --openrouter-api-key "$ORK"
assert_file_eq "$T_ROOT/before-reset" "$CONFIG.bak"
assert_eq "False openrouter/anthropic/claude-opus-4.5 18789" "$(json_q "$CONFIG" 'str("channels" in d) + " " + d["agents"]["defaults"]["model"]["primary"] + " " + str(d["gateway"]["port"])')" "reset config"
assert_eq "anthropic:default openrouter:default" "$(json_q "$STORE" '" ".join(sorted(d["profiles"]))')" "credentials kept by --reset"

# --- the wizard, in a terminal ------------------------------------------
export HOME="$T_ROOT/home2"
STATE="$HOME/.openclaw"; CONFIG="$STATE/openclaw.json"; STORE="$STATE/agents/main/agent/auth-profiles.json"
mkdir -p "$HOME"
printf 'expect Continue?\nsend n\\r\n' >"$T_ROOT/cancel.script"
"$PTY" "$T_ROOT/cancel.script" -- "$OC" onboard >"$OUT" 2>&1
assert_eq 1 "$?" "wizard cancelled at the risk notice"
assert_contains "$OUT" "onboarding cancelled; nothing was changed"
[ -e "$STATE" ] && fail "cancelled wizard wrote $STATE" || pass

cat >"$T_ROOT/wiz1.script" <<'S'
expect Continue?
send y\r
expect Choose 1-5 [1]:
send 1\r
expect Use ANTHROPIC_API_KEY from the environment (sk-ant-a...keykeyAA)?
send y\r
expect Choose 1-
send \r
expect Gateway setup
expect Choose 1-2 [1]:
send \r
S
ANTHROPIC_API_KEY="$KEY" "$PTY" "$T_ROOT/wiz1.script" -- "$OC" onboard >"$OUT" 2>&1
assert_eq 0 "$?" "wizard: API key from the environment"
cat "$OUT" >>"$ALL"
assert_contains "$OUT" "Auth profile: anthropic:default (anthropic/api_key)"
assert_eq "$KEY anthropic/claude-opus-4-6" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["key"]') $(json_q "$CONFIG" 'd["agents"]["defaults"]["model"]["primary"]')" "wizard wrote key and first model"

# run setup-token with a stand-in claude, keep the rest, manual gateway
mkdir -p "$T_ROOT/bin"
cat >"$T_ROOT/bin/claude" <<C
#!/bin/sh
printf 'Your OAuth token:\r\n\r\n%s\r\n' "$TOK"
C
chmod +x "$T_ROOT/bin/claude"
cat >"$T_ROOT/wiz2.script" <<'S'
expect Continue?
send y\r
expect Existing config found
expect Choose 1-3 [1]:
send 2\r
expect Choose 1-5 [1]:
send 3\r
expect Token name (blank = default):
send \r
expect Default model
expect Choose 1-
send 1\r
expect Gateway setup
expect Choose 1-2 [1]:
send 2\r
expect Gateway port [18789]:
send 99999\r
expect is not a port
expect Gateway port [18789]:
send 18801\r
expect Gateway bind
expect Choose 1-3 [1]:
send 2\r
expect Gateway auth
expect Choose 1-2 [1]:
send 2\r
expect Gateway password (input hidden):
send s3cret-passw0rd\r
S
PATH="$T_ROOT/bin:$PATH" "$PTY" "$T_ROOT/wiz2.script" -- "$OC" onboard >"$OUT" 2>&1
assert_eq 0 "$?" "wizard: run setup-token, manual gateway"
# claude itself shows the token on the user's terminal; we never repeat it
assert_eq 1 "$(grep -cF -- "$TOK" "$OUT")" "token shown once, by claude"
assert_eq "$TOK" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["token"]')" "token from claude saved"
assert_eq "18801 lan password s3cret-passw0rd anthropic/claude-opus-4-6" "$(json_q "$CONFIG" '" ".join(str(x) for x in (d["gateway"]["port"], d["gateway"]["bind"], d["gateway"]["auth"]["mode"], d["gateway"]["auth"]["password"], d["agents"]["defaults"]["model"]["primary"]))')" "manual gateway answers"
assert_not_contains "$OUT" "s3cret-passw0rd"

# flags answer their questions: the key is not asked for again, the bind
# and auth given are kept; no claude on PATH: paste the token instead
cat >"$T_ROOT/wiz3.script" <<'S'
expect Existing config found
expect Choose 1-3 [1]:
send 2\r
expect Default model
expect Choose 1-
send 1\r
expect Gateway port [18789]:
send 18802\r
S
"$PTY" "$T_ROOT/wiz3.script" -- "$OC" onboard --accept-risk --anthropic-api-key "$KEY2" --flow manual --gateway-bind lan --gateway-auth token >"$OUT" 2>&1
assert_eq 0 "$?" "wizard with flags"
assert_not_contains "$OUT" "Anthropic API key:"
assert_eq "$KEY2 18802 lan token" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["key"]') $(json_q "$CONFIG" '" ".join(str(x) for x in (d["gateway"]["port"], d["gateway"]["bind"], d["gateway"]["auth"]["mode"]))')" "flags kept in the wizard"
cat >"$T_ROOT/wiz4.script" <<S
expect Existing config found
expect Choose 1-3 [1]:
send 1\r
expect Choose 1-5 [1]:
send 3\r
expect is not installed here
expect Paste the token (input hidden):
send $TOK\r
expect Token name (blank = default):
send \r
S
cp "$CONFIG" "$T_ROOT/cfg.keep"
PATH=/usr/bin:/bin "$PTY" "$T_ROOT/wiz4.script" -- "$OC" onboard --accept-risk >"$OUT" 2>&1
assert_eq 0 "$?" "wizard: setup-token without claude falls back to paste"
cat "$OUT" >>"$ALL"
assert_eq "token" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["type"]')" "pasted token saved"
# "Keep current settings" changed no gateway or workspace setting
assert_eq "$(json_q "$T_ROOT/cfg.keep" 'd["gateway"], d["agents"]["defaults"]["workspace"]')" "$(json_q "$CONFIG" 'd["gateway"], d["agents"]["defaults"]["workspace"]')" "keep leaves the gateway alone"

# --- no secret was ever printed ------------------------------------------
for s in "$KEY" "$KEY2" "$TOK" "$ORK" "$GWTOK"; do
    if grep -qF -- "$s" "$ALL"; then fail "a secret was printed: ${s:0:12}"; else pass; fi
done
finish
