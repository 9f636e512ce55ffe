#!/usr/bin/env bash
# The seed documents' auth commands as a user runs them: paste-token and
# paste-api-key (stdin and a terminal), setup-token with a stand-in
# `claude`, models status (text, --json, --check 0/1/2), auth order
# get/set/clear, list/remove/clear-cooldown, per-agent isolation, stores
# written by OpenClaw kept byte for byte, corrupt stores never touched,
# concurrent writers losing nothing, and secrets never printed.
. "$(dirname "$0")/lib.sh"

PTY="${OC_SUPPORT_BIN:?}/ptydrive"
AGENT="$STATE/agents/main/agent"
STORE="$AGENT/auth-profiles.json"
TOK=sk-ant-oat01-TESTaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaZZ
KEY=sk-ant-api03-TESTbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbYY
ORK=sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab
export NO_COLOR=1
ALL_OUTPUT="$T_ROOT/all-output"
: >"$ALL_OUTPUT"

# keep every byte the binary printed, to prove no secret ever appears
collect() { cat "$OUT" "$ERR" >>"$ALL_OUTPUT"; }
runin() { # STDIN-TEXT CMD...: like expect 0 but feeding stdin
    local input=$1 want=$2
    shift 2
    printf '%s\n' "$input" | "$@" >"$OUT" 2>"$ERR"
    RC=$?
    collect
    if [ "$RC" -eq "$want" ]; then pass; else
        fail "'$*' exited $RC, want $want"
        sed 's/^/  stdout: /' "$OUT" >&2
        sed 's/^/  stderr: /' "$ERR" >&2
    fi
}
xp() { expect "$@"; collect; }
json_q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# --- a fresh HOME: nothing configured -----------------------------------
xp 1 "$OC" models status --check
assert_contains "$OUT" "- anthropic effective=missing:missing"
assert_contains "$OUT" "Missing auth"
assert_contains "$OUT" 'Run `openclaw models auth paste-api-key --provider anthropic`'
xp 0 "$OC" models status
xp 0 "$OC" models status --json
assert_eq "['anthropic']" "$(json_q "$OUT" 'd["auth"]["missingProvidersInUse"]')" "missing providers json"
[ -e "$STATE" ] && fail "status created $STATE" || pass

# --- paste-token from stdin (seed: paste-token --provider anthropic) -----
runin "$TOK" 0 "$OC" models auth paste-token --provider anthropic
assert_eq "Updated ~/.openclaw/openclaw.json
Auth profile: anthropic:manual (anthropic/token)
Saved token:sk-ant-o...aaaaaaZZ to ~/.openclaw/agents/main/agent/auth-profiles.json" "$(cat "$OUT")" "paste-token output"
assert_mode "$STATE" 700
assert_mode "$STATE/agents" 700
assert_mode "$AGENT" 700
assert_mode "$STORE" 600
assert_mode "$CONFIG" 600
assert_eq '{
  "version": 1,
  "profiles": {
    "anthropic:manual": {
      "type": "token",
      "provider": "anthropic",
      "token": "'"$TOK"'"
    }
  }
}' "$(cat "$STORE")" "store bytes after paste-token"
assert_eq "{'provider': 'anthropic', 'mode': 'token'}" \
    "$(json_q "$CONFIG" 'd["auth"]["profiles"]["anthropic:manual"]')" "config auth.profiles entry"
xp 0 "$OC" models status --check
assert_contains "$OUT" "- anthropic effective=profiles:~/.openclaw/agents/main/agent/auth-profiles.json | profiles=1 (0 oauth, 1 token, 0 api-key) | anthropic:manual=token:sk-ant-o...aaaaaaZZ"
assert_contains "$OUT" "  - anthropic:manual static"

# whitespace and line breaks inside a pasted token are dropped
runin "$(printf '  %s\n%s  ' "${TOK:0:50}" "${TOK:50}")" 0 "$OC" models auth paste-token --provider anthropic --profile-id anthropic:wrapped
assert_eq "$TOK" "$(json_q "$STORE" 'd["profiles"]["anthropic:wrapped"]["token"]')" "wrapped paste joined"
xp 0 "$OC" models auth remove anthropic:wrapped
assert_eq "Updated ~/.openclaw/openclaw.json
Removed auth profile anthropic:wrapped." "$(cat "$OUT")" "remove output"
assert_eq "False" "$(json_q "$STORE" '"anthropic:wrapped" in d["profiles"]')" "removed from store"
assert_eq "False" "$(json_q "$CONFIG" '"anthropic:wrapped" in d["auth"]["profiles"]')" "removed from config"

# --- bad input saves nothing and says what to do ------------------------
cp "$STORE" "$T_ROOT/store.good"
runin "bogus" 1 "$OC" models auth paste-token --provider anthropic
assert_contains "$ERR" "expected a token starting with sk-ant-oat01- (made by \`claude setup-token\`); nothing was saved"
runin "sk-ant-oat01-short" 1 "$OC" models auth paste-token --provider anthropic
assert_contains "$ERR" "token looks too short (18 characters; a setup-token has at least 80)"
runin "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop#abcdefghijklmnopqrstuvwxyz" 1 "$OC" models auth paste-token --provider anthropic
assert_contains "$ERR" "this looks like an OAuth code#state from a login page, not a setup-token"
runin "$KEY" 1 "$OC" models auth paste-token --provider anthropic
assert_contains "$ERR" "this is an Anthropic API key, not a setup-token; save it with \`openclaw models auth paste-api-key --provider anthropic\`"
runin "$TOK" 1 "$OC" models auth paste-api-key --provider anthropic
assert_contains "$ERR" "this is a Claude setup-token, not an API key"
xp 1 "$OC" models auth paste-token --provider anthropic
assert_contains "$ERR" "no token on stdin"
xp 2 "$OC" models auth paste-token
assert_contains "$ERR" "missing --provider <name>"
runin "$TOK" 1 "$OC" models auth paste-token --provider anthropic --expires-in soon
assert_contains "$ERR" "invalid --expires-in 'soon'"
assert_file_eq "$T_ROOT/store.good" "$STORE"

# --- setup-token: refuses without a terminal, runs claude with one --------
xp 1 "$OC" models auth setup-token
assert_contains "$ERR" "setup-token needs an interactive terminal"
assert_contains "$ERR" "openclaw models auth paste-token --provider anthropic"
xp 1 "$OC" models auth setup-token --provider openrouter
assert_contains "$ERR" "works for --provider anthropic only"
mkdir -p "$T_ROOT/bin"
cat >"$T_ROOT/bin/claude" <<EOF
#!/bin/sh
[ "\$1" = setup-token ] || exit 3
printf '\033[1mOpening browser to sign in...\033[0m\r\n'
printf 'Paste code here if prompted > '
read -r code
[ "\$code" = the-code ] || { echo "bad code [\$code]"; exit 4; }
printf '\r\n\033[32m✓ Long-lived authentication token created successfully!\033[0m\r\n\r\n'
printf 'Your OAuth token (valid for 1 year):\r\n\r\n'
printf '%s\r\n%s\r\n' "${TOK:0:80}" "${TOK:80}"
printf '\r\nStore this token securely.\r\n'
EOF
chmod +x "$T_ROOT/bin/claude"
cat >"$T_ROOT/setup.script" <<'EOF'
expect Run `claude setup-token` now?
send y\r
expect Paste code here if prompted >
send the-code\r
EOF
PATH="$T_ROOT/bin:$PATH" "$PTY" -c 80 "$T_ROOT/setup.script" -- "$OC" models auth setup-token --provider anthropic >"$OUT" 2>"$ERR"
RC=$?
assert_eq 0 "$RC" "setup-token through a pty"
assert_contains "$OUT" "Auth profile: anthropic:default (anthropic/token)"
assert_eq "$TOK" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["token"]')" "token captured from claude's wrapped output"
assert_eq "None" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"].get("expires")')" "setup-token has no expiry"
# the seed's form without --provider, answering claude's prompt again
PATH="$T_ROOT/bin:$PATH" "$PTY" -c 80 "$T_ROOT/setup.script" -- "$OC" models auth setup-token >"$OUT" 2>"$ERR"
assert_eq 0 "$?" "setup-token without --provider"
assert_contains "$OUT" "Auth profile: anthropic:default (anthropic/token)"
# no claude on PATH: say how to install it or paste instead
printf 'expect now?\nsend y\\r\n' >"$T_ROOT/noclaude.script"
PATH=/usr/bin:/bin "$PTY" "$T_ROOT/noclaude.script" -- "$OC" models auth setup-token >"$OUT" 2>&1
assert_contains "$OUT" "is not installed or not on PATH"

# --- paste-token with a terminal: prompt, no echo -------------------------
cat >"$T_ROOT/paste.script" <<EOF
expect Paste token for openrouter:
send $ORK\r
EOF
"$PTY" "$T_ROOT/paste.script" -- "$OC" models auth paste-token --provider openrouter >"$OUT" 2>&1
assert_contains "$OUT" "Auth profile: openrouter:manual (openrouter/token)"
assert_not_contains "$OUT" "$ORK"
collect
assert_eq "$ORK" "$(json_q "$STORE" 'd["profiles"]["openrouter:manual"]["token"]')" "openrouter token saved"

# --- models auth add: the interactive chooser ----------------------------
cat >"$T_ROOT/add.script" <<EOF
expect What do you want to add?
expect Choose 1-5 [1]:
send 4\r
expect Paste API key for openrouter:
send $ORK\r
EOF
"$PTY" "$T_ROOT/add.script" -- "$OC" models auth add --profile-id openrouter:added >"$OUT" 2>&1
assert_eq 0 "$?" "models auth add"
assert_contains "$OUT" "Auth profile: openrouter:added (openrouter/api_key)"
assert_eq "api_key" "$(json_q "$STORE" 'd["profiles"]["openrouter:added"]["type"]')" "add saved an API key"
xp 1 "$OC" models auth add
assert_contains "$ERR" "models auth add is interactive"
xp 0 "$OC" models auth remove openrouter:added

# --- auth order (seed commands) -----------------------------------------
xp 0 "$OC" models auth order get --provider anthropic
assert_eq "Agent: main
Provider: anthropic
Auth store: ~/.openclaw/agents/main/agent/auth-profiles.json
Auth profile order override: none (selecting automatically)" "$(cat "$OUT")" "order get, none"
xp 0 "$OC" models auth order set --provider anthropic anthropic:default
assert_eq "Agent: main
Provider: anthropic
Auth profile order override: anthropic:default" "$(cat "$OUT")" "order set output"
assert_eq "['anthropic:default']" "$(json_q "$STORE" 'd["order"]["anthropic"]')" "order stored per agent"
xp 0 "$OC" models auth order get --provider anthropic
assert_contains "$OUT" "anthropic:default"
xp 1 "$OC" models auth order set --provider anthropic anthropic:nonexistent
assert_eq 'openclaw: error: Auth profile "anthropic:nonexistent" not found in ~/.openclaw/agents/main/agent. Run openclaw models auth list --provider anthropic to see saved profiles.' \
    "$(cat "$ERR")" "order set unknown profile"
xp 1 "$OC" models auth order set --provider anthropic openrouter:manual
assert_eq 'openclaw: error: Auth profile "openrouter:manual" is for openrouter, not anthropic.' "$(cat "$ERR")" "order set wrong provider"
assert_eq "['anthropic:default']" "$(json_q "$STORE" 'd["order"]["anthropic"]')" "failed set keeps order"
xp 0 "$OC" models auth order clear --provider anthropic
assert_contains "$OUT" "Auth profile order override cleared; selecting automatically."
assert_eq "False" "$(json_q "$STORE" '"anthropic" in d.get("order", {})')" "order cleared"

# --- expiry and --check: 0 ok, 2 expiring, 1 expired ----------------------
NOW=1795363519953
runin "$TOK" 0 env OPENCLAW_TEST_NOW_MS=$NOW "$OC" models auth paste-token --provider anthropic --profile-id anthropic:default --expires-in 12h
assert_eq "$((NOW + 12 * 3600 * 1000))" "$(json_q "$STORE" 'd["profiles"]["anthropic:default"]["expires"]')" "expires = now + 12h"
xp 0 "$OC" models auth order set --provider anthropic anthropic:default
xp 2 env OPENCLAW_TEST_NOW_MS=$NOW "$OC" models status --check
assert_contains "$OUT" "  - anthropic:default expiring expires in 12h"
xp 0 env OPENCLAW_TEST_NOW_MS=$NOW "$OC" models status --json
assert_eq "expiring 43200000" "$(json_q "$OUT" '" ".join(str(p[k]) for p in d["auth"]["oauth"]["profiles"] if p["profileId"]=="anthropic:default" for k in ("status","remainingMs"))')" "json expiring"
xp 1 env OPENCLAW_TEST_NOW_MS=$((NOW + 13 * 3600 * 1000)) "$OC" models status --check
assert_contains "$OUT" "anthropic:default expired"
xp 0 env OPENCLAW_TEST_NOW_MS=$((NOW - 30 * 86400000)) "$OC" models status --check
assert_contains "$OUT" "  - anthropic:default ok expires in 31d"
xp 0 env OPENCLAW_TEST_NOW_MS=$((NOW + 13 * 3600 * 1000)) "$OC" models status
assert_contains "$OUT" "  - anthropic:default expired expires unknown"
# a typo next to --check is not "expiring" (2): usage errors exit 1 here
xp 1 "$OC" models status --check --chek
assert_contains "$ERR" "unknown option '--chek'"

# --- list, cooldowns ------------------------------------------------------
xp 0 "$OC" models auth list --provider anthropic
assert_contains "$OUT" "- anthropic:default [anthropic/token] token:sk-ant-o...aaaaaaZZ"
assert_not_contains "$OUT" "openrouter:manual"
python3 - "$STORE" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["usageStats"] = {"anthropic:default": {"errorCount": 3, "cooldownUntil": 99999999999999,
                   "cooldownReason": "rate_limit", "failureCounts": {"rate_limit": 3}}}
json.dump(d, open(p, "w"), indent=2)
EOF
xp 0 "$OC" models status
assert_contains "$OUT" "anthropic:default"
assert_contains "$OUT" "cooldown"
python3 - "$STORE" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["usageStats"]["anthropic:manual"] = {"cooldownUntil": 2000000000000, "cooldownReason": "rate_limit"}
json.dump(d, open(p, "w"), indent=2)
EOF
xp 0 env OPENCLAW_TEST_NOW_MS=$NOW "$OC" models status --json
assert_eq "anthropic:manual anthropic:default" "$(json_q "$OUT" '" ".join(u["profileId"] for u in d["auth"]["unusableProfiles"])')" "unusableProfiles soonest back first"
xp 0 "$OC" models auth clear-cooldown anthropic:manual
xp 0 "$OC" models auth clear-cooldown anthropic:default
assert_eq "Cleared cooldown and disabled state: anthropic:default" "$(tail -n 1 "$OUT")" "clear-cooldown"
assert_eq "None 0" "$(json_q "$STORE" '" ".join(str(d["usageStats"]["anthropic:default"].get(k)) for k in ("cooldownUntil","errorCount"))')" "cooldown cleared in store"
xp 1 "$OC" models auth clear-cooldown anthropic:missing
assert_contains "$ERR" 'Auth profile "anthropic:missing" not found'

# --- agents: each has its own store; --agent validated ---------------------
xp 0 "$OC" agents add work
assert_contains "$OUT" "Added agent work"
runin "$KEY" 0 "$OC" models auth paste-api-key --provider anthropic --agent work
assert_contains "$OUT" "Saved sk-ant-a...bbbbbbYY to ~/.openclaw/agents/work/agent/auth-profiles.json"
assert_mode "$STATE/agents/work/agent/auth-profiles.json" 600
assert_eq "False" "$(json_q "$STORE" '"anthropic:manual" in d["profiles"] and d["profiles"]["anthropic:manual"].get("key") is not None')" "main store untouched by --agent work"
xp 0 "$OC" models auth order set --provider anthropic --agent work anthropic:manual
assert_contains "$OUT" "Agent: work"
assert_eq "False" "$(json_q "$STORE" '"anthropic" in d.get("order", {}) and d["order"]["anthropic"] == ["anthropic:manual"]')" "order is per agent"
xp 1 "$OC" models status --agent nope
assert_eq 'openclaw: error: Unknown agent id "nope". Use "openclaw agents list" to see configured agents.' "$(cat "$ERR")" "unknown agent"
xp 0 "$OC" agents list
assert_contains "$OUT" "- work"
# --agent given to the command group applies to the subcommand
xp 0 "$OC" models auth --agent work order get --provider anthropic
assert_contains "$OUT" "Agent: work"
xp 1 "$OC" agents remove main
assert_contains "$ERR" "main is the default agent"
xp 0 "$OC" agents add helper --copy-auth
assert_eq "$(json_q "$STORE" 'sorted(d["profiles"])')" \
    "$(json_q "$STATE/agents/helper/agent/auth-profiles.json" 'sorted(d["profiles"])')" "--copy-auth copies profiles"
assert_mode "$STATE/agents/helper/agent/auth-profiles.json" 600

# --- a store written by OpenClaw keeps every byte we do not change --------
xp 0 "$OC" agents add legacy
cp "$FIXTURES/auth/era-a.json" "$STATE/agents/legacy/agent/auth-profiles.json"
xp 0 "$OC" models auth list --agent legacy
assert_contains "$OUT" "openai-codex:user@example.com"
runin "$ORK" 0 "$OC" models auth paste-token --provider openrouter --profile-id openrouter:second --agent legacy
python3 - "$FIXTURES/auth/era-a.json" "$STATE/agents/legacy/agent/auth-profiles.json" <<'EOF' && pass || fail "OpenClaw store kept"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
b["profiles"].pop("openrouter:second")
assert a == b, (a, b)
EOF

# --- a corrupt store is never overwritten ---------------------------------
printf '{"version":1,"profiles":{"anthropic:x":' >"$STATE/agents/work/agent/auth-profiles.json"
cp "$STATE/agents/work/agent/auth-profiles.json" "$T_ROOT/corrupt"
runin "$TOK" 1 "$OC" models auth paste-token --provider anthropic --agent work
assert_eq "openclaw: error: cannot read '~/.openclaw/agents/work/agent/auth-profiles.json': line 1, column 40: unexpected end of input; fix it or move it aside (it was not changed)" "$(cat "$ERR")" "corrupt store error"
assert_file_eq "$T_ROOT/corrupt" "$STATE/agents/work/agent/auth-profiles.json"
xp 1 "$OC" models status --agent work --check
assert_contains "$ERR" "~/.openclaw/agents/work/agent/auth-profiles.json': line 1, column 40"

# --- legacy auth.json is imported --------------------------------------
xp 0 "$OC" agents add old
rm -f "$STATE/agents/old/agent/auth-profiles.json"
printf '{"anthropic":{"type":"api_key","provider":"anthropic","key":"%s"}}\n' "$KEY" >"$STATE/agents/old/agent/auth.json"
# the imported profile is anthropic:default, but the config (shared by
# all agents) says anthropic:default is a token: status says why it is
# not used and how to fix it
xp 1 "$OC" models status --agent old --check
assert_contains "$OUT" "anthropic:default=sk-ant-a...bbbbbbYY"
assert_contains "$OUT" "  - anthropic:default is not used: auth.profiles[\"anthropic:default\"].mode in the config is \"token\" but the stored profile is api_key; set it to match (openclaw config set 'auth.profiles[\"anthropic:default\"].mode' api_key)"
assert_contains "$OUT" "Run \`openclaw models auth paste-api-key --provider anthropic --agent old\` or \`openclaw models auth paste-token --provider anthropic --agent old\`"
assert_eq "$KEY" "$(json_q "$STATE/agents/old/agent/auth-profiles.json" 'd["profiles"]["anthropic:default"]["key"]')" "legacy auth.json imported"
[ -e "$STATE/agents/old/agent/auth.json" ] && fail "auth.json left after import" || pass
assert_mode "$STATE/agents/old/agent/auth-profiles.json" 600

# --- concurrent writers lose nothing ----------------------------------
for i in $(seq 1 16); do
    printf '%s\n' "$KEY" | "$OC" models auth paste-api-key --provider anthropic --profile-id "anthropic:p$i" >/dev/null 2>"$T_ROOT/par.$i" &
done
wait
assert_eq 16 "$(json_q "$STORE" 'len([k for k in d["profiles"] if k.startswith("anthropic:p")])')" "16 parallel pastes all saved"
assert_eq 16 "$(json_q "$CONFIG" 'len([k for k in d["auth"]["profiles"] if k.startswith("anthropic:p")])')" "16 config entries"
assert_eq "True" "$(json_q "$STORE" '"openrouter:manual" in d["profiles"] and "anthropic:default" in d["profiles"]')" "unrelated profiles kept"
# order set and paste-token racing each other: every update lands
for i in $(seq 1 6); do
    printf '%s\n' "$ORK" | "$OC" models auth paste-token --provider openrouter --profile-id "openrouter:r$i" >/dev/null 2>"$T_ROOT/race.$i" &
done
"$OC" models auth order set --provider anthropic anthropic:p1 anthropic:p2 >/dev/null 2>"$T_ROOT/race.a" &
"$OC" models auth order set --provider openrouter openrouter:manual >/dev/null 2>"$T_ROOT/race.o" &
wait
assert_eq "6 ['anthropic:p1', 'anthropic:p2'] ['openrouter:manual'] 16" "$(json_q "$STORE" '" ".join(str(x) for x in (len([k for k in d["profiles"] if k.startswith("openrouter:r")]), d["order"]["anthropic"], d["order"]["openrouter"], len([k for k in d["profiles"] if k.startswith("anthropic:p")])))')" "racing order set and paste-token"
cat "$T_ROOT"/race.* >"$T_ROOT/race.err"
assert_eq "" "$(cat "$T_ROOT/race.err")" "no errors from racing writers"

# --- a far-future expiry is just that (no overflow) -----------------------
python3 - "$STORE" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["profiles"]["anthropic:p1"] = {"type": "token", "provider": "anthropic", "token": d["profiles"]["anthropic:default"]["token"], "expires": 1e300, "email": "me@example.com"}
json.dump(d, open(p, "w"), indent=2)
EOF
xp 0 "$OC" models status --json
assert_eq "ok anthropic:p1 (me@example.com)" "$(json_q "$OUT" '" ".join(p["status"] + " " + p["label"] for p in d["auth"]["oauth"]["profiles"] if p["profileId"] == "anthropic:p1")')" "huge expires, label with email"
head -c 70000 /dev/zero | tr '\0' a >"$T_ROOT/big"
"$OC" models auth paste-api-key --provider anthropic <"$T_ROOT/big" >"$OUT" 2>"$ERR"
assert_contains "$ERR" "the API key on stdin is too large (more than 64 KiB); nothing was saved"

# --- $include: an edit never hides what an included file says --------------
cp "$CONFIG" "$T_ROOT/cfg.noinc"
python3 - "$CONFIG" "$STATE/agents.json5" <<'EOF'
import json, sys
cfg, inc = sys.argv[1:]
d = json.load(open(cfg))
agents = d.pop("agents", {})
json.dump(agents, open(inc, "w"), indent=2)
d["agents"] = {"$include": "./agents.json5"}
json.dump(d, open(cfg, "w"), indent=2)
EOF
cp "$CONFIG" "$T_ROOT/cfg.inc"
xp 1 "$OC" agents add bot
assert_eq "openclaw: error: cannot change 'agents': it is loaded with \$include (./agents.json5); edit the included file instead" "$(cat "$ERR")" "include guard"
xp 1 "$OC" models fallbacks add anthropic/claude-haiku-4-5
assert_file_eq "$T_ROOT/cfg.inc" "$CONFIG"
cp "$T_ROOT/cfg.noinc" "$CONFIG"

# --- models set / aliases / fallbacks / list -------------------------------
xp 0 "$OC" models set sonnet
assert_contains "$OUT" "Default model set to anthropic/claude-sonnet-4-5."
xp 0 "$OC" models fallbacks add anthropic/claude-haiku-4-5
xp 0 "$OC" models fallbacks list
assert_contains "$OUT" "1. anthropic/claude-haiku-4-5"
xp 0 "$OC" models aliases add fast anthropic/claude-haiku-4-5
xp 0 "$OC" config get agents.defaults.model --json
assert_eq '{
  "primary": "anthropic/claude-sonnet-4-5",
  "fallbacks": [
    "anthropic/claude-haiku-4-5"
  ]
}' "$(cat "$OUT")" "model config written"
xp 0 "$OC" models list
assert_contains "$OUT" "anthropic/claude-sonnet-4-5"
assert_contains "$OUT" "default"
xp 0 "$OC" models fallbacks clear
xp 0 "$OC" config get agents.defaults.model.fallbacks --json
assert_eq "[]" "$(cat "$OUT")" "fallbacks cleared"

# --- no secret was ever printed ---------------------------------------
for s in "$TOK" "$KEY" "$ORK"; do
    if grep -qF -- "$s" "$ALL_OUTPUT"; then fail "a secret was printed: ${s:0:12}..."; else pass; fi
done
finish
