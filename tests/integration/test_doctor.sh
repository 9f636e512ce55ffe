#!/usr/bin/env bash
# `openclaw doctor` as a user meets it: an empty HOME, loose permissions,
# expired/expiring/cooling profiles, a broken config, a service unit with
# baked secrets or a missing binary, keys that only live in the shell or
# in a working directory's .env, leftover legacy auth.json; --fix repairs
# what it can (and only that), a terminal is asked first, secrets are
# never printed.
. "$(dirname "$0")/lib.sh"

PTY="${OC_SUPPORT_BIN:?}/ptydrive"
AGENT="$STATE/agents/main/agent"
STORE="$AGENT/auth-profiles.json"
KEY=sk-ant-api03-DOCTORkeykeykeykeykeykeykeykeykeykeykeyZZ
TOK=sk-ant-oat01-DOCTORtokentokentokentokentokentokentokentokentokentokentokentokentokenYY
UNITKEY=sk-ant-api03-UNITunitunitunitunitunitunitunitunitXX
export NO_COLOR=1
ALL="$T_ROOT/all-output"
: >"$ALL"
xp() { expect "$@"; cat "$OUT" "$ERR" >>"$ALL"; }
json_q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# --- an empty HOME: nothing set up, no key: exit 1 with what to run ------
xp 1 "$OC" doctor
assert_contains "$OUT" "[info] State dir ~/.openclaw does not exist yet: nothing is set up"
assert_contains "$OUT" '[FAIL] agent main: No API key found for provider "anthropic"'
assert_contains "$OUT" "fix: openclaw models auth paste-api-key --provider anthropic (or paste-token, or put ANTHROPIC_API_KEY in ~/.openclaw/.env)"
assert_contains "$OUT" "[warn] gateway.mode is unset; gateway start will be blocked"
assert_contains "$OUT" "1 problem. Run \`openclaw doctor --fix\`"
[ -e "$STATE" ] && fail "doctor without --fix created $STATE" || pass
xp 1 "$OC" doctor --json
assert_eq "False 1" "$(json_q "$OUT" 'd["ok"], d["problems"]' | tr -d '(),')" "json verdict"
assert_eq "problem" "$(json_q "$OUT" '[f["severity"] for f in d["findings"] if "No API key" in f["message"]][0]')" "json severity"

# a key in ~/.openclaw/.env is found, and said to come from there
mkdir -p "$STATE" && chmod 700 "$STATE"
printf 'ANTHROPIC_API_KEY=%s\n' "$KEY" >"$STATE/.env"
chmod 600 "$STATE/.env"
xp 0 "$OC" doctor
assert_contains "$OUT" "[ok] agent main: anthropic uses ANTHROPIC_API_KEY from the environment"
assert_contains "$OUT" "[ok] ANTHROPIC_API_KEY=sk-ant-a...keykeyZZ from ~/.openclaw/.env"
rm "$STATE/.env"

# --- permissions: reported, left alone without --fix, fixed with it ------
printf '%s\n' "$KEY" | "$OC" models auth paste-api-key --provider anthropic --profile-id anthropic:key >/dev/null 2>&1
chmod 644 "$CONFIG" "$STORE"
chmod 755 "$STATE"
xp 1 "$OC" doctor --non-interactive
assert_contains "$OUT" "[FAIL] ~/.openclaw/openclaw.json is readable by others (mode 644); it should be 600"
assert_contains "$OUT" "fix: chmod 600 ~/.openclaw/openclaw.json"
assert_contains "$OUT" "[FAIL] ~/.openclaw/agents/main/agent/auth-profiles.json is readable by others (mode 644)"
assert_contains "$OUT" "[warn] ~/.openclaw is readable by others (mode 755); it should be 700"
assert_mode "$CONFIG" 644
# a terminal is asked before each fix
cat >"$T_ROOT/ask.script" <<'EOF'
expect Run `chmod 700 ~/.openclaw`?
send n\r
expect Run `chmod 600 ~/.openclaw/openclaw.json`?
send y\r
expect auth-profiles.json`?
send y\r
expect Set gateway.mode to local?
send n\r
expect Generate a gateway token now?
send n\r
EOF
"$PTY" "$T_ROOT/ask.script" -- "$OC" doctor >"$OUT" 2>&1
assert_eq 0 "$?" "doctor on a terminal after the fixes"
assert_mode "$CONFIG" 600
assert_mode "$STORE" 600
assert_mode "$STATE" 755
assert_contains "$OUT" "[fixed] ~/.openclaw/openclaw.json is readable by others"
xp 0 "$OC" doctor --fix
assert_mode "$STATE" 700
assert_contains "$OUT" "[fixed] ~/.openclaw is readable by others (mode 755); it should be 700"
assert_contains "$OUT" "[fixed] Gateway auth is off or missing a token"
assert_eq "local" "$(json_q "$CONFIG" 'd["gateway"]["mode"]')" "--fix set gateway.mode"
assert_eq "48" "$(json_q "$CONFIG" 'len(d["gateway"]["auth"]["token"])')" "--fix generated a 48-hex token"
GWTOK=$(json_q "$CONFIG" 'd["gateway"]["auth"]["token"]')
xp 0 "$OC" doctor
assert_contains "$OUT" "[ok] Gateway auth: token (bind loopback)"
assert_contains "$OUT" "0 problems."
# a second --fix changes nothing
cp "$CONFIG" "$T_ROOT/cfg"
xp 0 "$OC" doctor --fix
assert_file_eq "$T_ROOT/cfg" "$CONFIG"

# --- token health, cooldowns --------------------------------------------
NOW=1795363519953
printf '%s\n' "$TOK" | OPENCLAW_TEST_NOW_MS=$NOW "$OC" models auth paste-token --provider anthropic --profile-id anthropic:default --expires-in 12h >/dev/null 2>&1
xp 0 "$OC" models auth order set --provider anthropic anthropic:default anthropic:key
xp 0 env OPENCLAW_TEST_NOW_MS=$NOW "$OC" doctor
assert_contains "$OUT" "[warn] agent main: anthropic:default: expiring (expires in 12h)"
assert_contains "$OUT" 'fix: run `claude setup-token` (on any machine), then save it with `openclaw models auth paste-token --provider anthropic --profile-id <id>`'
# expired while in use (it is first in the order): a problem, as for
# models status --check, even though anthropic:key still works
xp 1 env OPENCLAW_TEST_NOW_MS=$((NOW + 86400000)) "$OC" doctor
assert_contains "$OUT" "[FAIL] agent main: anthropic:default: expired [expired]"
assert_contains "$OUT" "[ok] agent main: anthropic uses anthropic:key (api_key)"
python3 - "$STORE" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["usageStats"] = {"anthropic:key": {"errorCount": 1, "disabledUntil": 99999999999999,
                   "disabledReason": "billing", "failureCounts": {"billing": 1}}}
json.dump(d, open(p, "w"), indent=2)
EOF
xp 1 env OPENCLAW_TEST_NOW_MS=$((NOW + 86400000)) "$OC" doctor
assert_contains "$OUT" "anthropic:key: disabled:billing"
assert_contains "$OUT" "Top up credits (provider billing) or switch provider."
assert_contains "$OUT" "fix: openclaw models auth clear-cooldown anthropic:key"
assert_contains "$OUT" '[FAIL] agent main: anthropic:default: expired'
xp 0 "$OC" models auth clear-cooldown --provider anthropic
xp 0 "$OC" models auth remove anthropic:default

# --- config problems and keys we do not use ----------------------------
cp "$CONFIG" "$T_ROOT/cfg.good"
python3 - "$CONFIG" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["gateway"]["port"] = "eighty"
d["channels"] = {"telegram": {"enabled": True}}
json.dump(d, open(p, "w"), indent=2)
EOF
xp 1 "$OC" doctor
assert_contains "$OUT" "[FAIL] gateway.port: expected an integer"
assert_contains "$OUT" "fix: edit ~/.openclaw/openclaw.json, then run \`openclaw config validate\`"
assert_contains "$OUT" "not used by this implementation (kept as they are, for OpenClaw): channels"
cp "$T_ROOT/cfg.good" "$CONFIG"

# --- an installed unit with baked secrets and a missing binary ------------
UNIT="$HOME/.config/systemd/user/openclaw-gateway.service"
mkdir -p "$(dirname "$UNIT")"
cat >"$UNIT" <<EOF
[Unit]
Description=OpenClaw Gateway

[Service]
ExecStart=$T_ROOT/gone/openclaw gateway --port 18789
Environment=HOME=$HOME "ANTHROPIC_API_KEY=$UNITKEY"
Environment=OPENROUTER_API_KEY=sk-or-v1-unitunitunitunitunitunit
Restart=always
EOF
printf 'OPENROUTER_API_KEY=sk-or-v1-differentdifferentdiff\n' >"$STATE/.env"
chmod 600 "$STATE/.env"
xp 1 "$OC" doctor --non-interactive
assert_contains "$OUT" "[FAIL] ~/.config/systemd/user/openclaw-gateway.service runs $T_ROOT/gone/openclaw (line 5), which does not exist or is not executable"
assert_contains "$OUT" "[FAIL] ~/.config/systemd/user/openclaw-gateway.service has secrets written into it: ANTHROPIC_API_KEY (line 6), OPENROUTER_API_KEY (line 7)"
xp 1 "$OC" doctor --fix
# the key .env lacked moved there; the one .env has differently stays put
assert_eq "OPENROUTER_API_KEY=sk-or-v1-differentdifferentdiff
ANTHROPIC_API_KEY='$UNITKEY'" "$(cat "$STATE/.env")" ".env after moving secrets"
assert_mode "$STATE/.env" 600
assert_eq "[Unit]
Description=OpenClaw Gateway

[Service]
ExecStart=$T_ROOT/gone/openclaw gateway --port 18789
Environment=HOME=$HOME
Environment=OPENROUTER_API_KEY=sk-or-v1-unitunitunitunitunitunit
Restart=always" "$(cat "$UNIT")" "unit after --fix"
assert_contains "$OUT" "Apply it: systemctl --user daemon-reload && systemctl --user restart openclaw-gateway.service"
xp 1 "$OC" doctor
assert_contains "$OUT" "has secrets written into it: OPENROUTER_API_KEY (line 7)"
rm -f "$UNIT" "$STATE/.env"

# --- keys only in the shell, and a repo's .env that is ignored ----------
printf 'ANTHROPIC_API_KEY=sk-ant-api03-fromcwdfromcwdfromcwd\n' >"$T_ROOT/work/.env"
ANTHROPIC_API_KEY=sk-ant-api03-shellshellshellshellAB "$OC" doctor >"$OUT" 2>"$ERR"
cat "$OUT" "$ERR" >>"$ALL"
assert_contains "$OUT" "[info] ANTHROPIC_API_KEY=sk-ant-a...lshellAB is set only in this shell's environment"
assert_contains "$OUT" "[warn] ./.env:1 sets ANTHROPIC_API_KEY but it was ignored"
rm "$T_ROOT/work/.env"

# --- a unit that sets a key twice: the last one wins; never lose it ------
cat >"$UNIT" <<EOF
[Service]
ExecStart=/bin/true gateway
Environment=ANTHROPIC_API_KEY=sk-ant-api03-OLDoldoldoldoldoldoldold
Environment="HOME=/x y" ANTHROPIC_API_KEY=$UNITKEY
Environment=OPENROUTER_API_KEY=
EOF
cp "$UNIT" "$T_ROOT/unit.orig"
xp 1 "$OC" doctor --fix
assert_contains "$OUT" "ANTHROPIC_API_KEY is set more than once, to different values; left in place"
assert_file_eq "$T_ROOT/unit.orig" "$UNIT"
sed -i '/OLDold/d' "$UNIT"
cp "$UNIT" "$T_ROOT/unit.orig"
xp 0 "$OC" doctor --fix
assert_eq "ANTHROPIC_API_KEY='$UNITKEY'" "$(cat "$STATE/.env")" "the key in use moved"
assert_file_eq "$T_ROOT/unit.orig" "$UNIT.bak"
assert_mode "$UNIT.bak" 600
assert_contains "$UNIT" "Environment=OPENROUTER_API_KEY="
rm -f "$UNIT" "$UNIT.bak" "$STATE/.env"

# --- legacy files only: doctor reports, changes nothing without --fix ----
xp 0 "$OC" agents add legacy
rm -f "$STATE/agents/legacy/agent/auth-profiles.json"
printf '{"anthropic":{"type":"api_key","key":"%s"}}\n' "$KEY" >"$STATE/agents/legacy/agent/auth.json"
chmod 600 "$STATE/agents/legacy/agent/auth.json"
xp 0 "$OC" doctor --non-interactive
assert_contains "$OUT" "agent legacy: legacy credentials (auth.json / credentials/oauth.json) are not imported into auth-profiles.json yet (1 profile)"
assert_contains "$OUT" "[ok] agent legacy: anthropic uses anthropic:default (api_key)"
[ -e "$STATE/agents/legacy/agent/auth-profiles.json" ] && fail "doctor without --fix imported" || pass
xp 0 "$OC" agents list
[ -e "$STATE/agents/legacy/agent/auth.json" ] && pass || fail "agents list imported auth.json"
xp 0 "$OC" doctor --fix
assert_eq "$KEY" "$(json_q "$STATE/agents/legacy/agent/auth-profiles.json" 'd["profiles"]["anthropic:default"]["key"]')" "doctor --fix imported"
xp 0 "$OC" agents remove legacy

# --- a leftover legacy auth.json ---------------------------------------
printf '{"openrouter":{"type":"api_key","key":"sk-or-v1-legacylegacylegacylegacy"}}\n' >"$AGENT/auth.json"
chmod 600 "$AGENT/auth.json"
xp 0 "$OC" doctor
assert_contains "$OUT" "[warn] ~/.openclaw/agents/main/agent/auth.json (agent main) has credentials the store lacks: openrouter:default"
xp 0 "$OC" doctor --fix
assert_eq "sk-or-v1-legacylegacylegacylegacy" "$(json_q "$STORE" 'd["profiles"]["openrouter:default"]["key"]')" "legacy imported by --fix"
[ -e "$AGENT/auth.json" ] && fail "auth.json kept after a full import" || pass
assert_eq "anthropic:key" "$(json_q "$STORE" '",".join(k for k in d["profiles"] if k.startswith("anthropic"))')" "other profiles kept"

# --- a corrupt store is reported, not touched ---------------------------
cp "$STORE" "$T_ROOT/store.good"
printf '{"version":1,' >"$STORE"
xp 1 "$OC" doctor --fix
assert_contains "$OUT" "[FAIL] agent main: cannot read '~/.openclaw/agents/main/agent/auth-profiles.json': line 1, column 14"
assert_eq '{"version":1,' "$(cat "$STORE")" "corrupt store untouched by --fix"
cp "$T_ROOT/store.good" "$STORE"

# --- no secret was ever printed -----------------------------------------
for s in "$KEY" "$TOK" "$UNITKEY" "$GWTOK" sk-or-v1-legacylegacylegacylegacy; do
    if grep -qF -- "$s" "$ALL" "$OUT"; then fail "a secret was printed: ${s:0:12}"; else pass; fi
done
finish
