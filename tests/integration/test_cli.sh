#!/usr/bin/env bash
# The command-line surface: version, help for every command, usage errors
# (exit 2), global options, colour rules.
. "$(dirname "$0")/lib.sh"

expect 0 "$OC" --version
grep -qE '^OpenClaw [0-9]+\.[0-9]+\.[0-9]+' "$OUT" && pass || fail "version format: $(cat "$OUT")"
expect 0 "$OC" -V

for h in --help -h help; do
    expect 0 "$OC" $h
    assert_contains "$OUT" "Usage: openclaw [options] [command]"
    assert_contains "$OUT" "config *"
done
expect 0 "$OC"
assert_contains "$OUT" "Usage: openclaw"

# Every command and subcommand answers --help and `help <cmd>`, found by
# walking the Commands: sections, so commands added later are covered.
walk() {
    local path="$1" subs
    expect 0 "$OC" $path --help
    assert_contains "$OUT" "Usage: openclaw $path"
    expect 0 "$OC" help $path
    assert_contains "$OUT" "Usage: openclaw $path"
    subs=$(sed -n '/^Commands:/,/^$/p' "$OUT" | awk 'NR>1 && $1 != "help" {print $1}')
    for s in $subs; do walk "$path $s"; done
}
subs=$("$OC" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && $1 != "help" {print $1}')
[ -n "$subs" ] && pass || fail "no commands listed"
for s in $subs; do walk "$s"; done

expect 2 "$OC" conifg
assert_contains "$ERR" "unknown command 'conifg' (did you mean 'config'?)"
assert_contains "$ERR" "Run 'openclaw --help' for details."
expect 2 "$OC" config nope
assert_contains "$ERR" "unknown command 'nope'"
expect 2 "$OC" config
assert_contains "$ERR" "Usage: openclaw config [options] [command]"
expect 2 "$OC" config get --bogus x
assert_contains "$ERR" "unknown option '--bogus'"
assert_contains "$ERR" "Usage: openclaw config get [options] <path>"
expect 2 "$OC" config get
assert_contains "$ERR" "missing argument (expected <path>)"
expect 2 "$OC" config get a b
assert_contains "$ERR" "unexpected argument 'b'"
expect 2 "$OC" config file --json
expect 2 "$OC" config validate --json=yes
assert_contains "$ERR" "does not take a value"
expect 2 "$OC" help nope
expect 2 "$OC" --log-level loud config file
assert_contains "$ERR" "invalid --log-level 'loud'"
expect 2 "$OC" config file --profile
assert_contains "$ERR" "option '--profile' needs a value"
expect 2 "$OC" --profile 'bad name' config file
assert_contains "$ERR" "invalid profile name 'bad name'"
expect 2 "$OC" --profile a --dev config file
expect 0 "$OC" --log-level=debug config file

# Global options work before or after the command; they fill env defaults.
expect 0 "$OC" --profile work config file
assert_eq "~/.openclaw-work/openclaw.json" "$(cat "$OUT")" "--profile path"
expect 0 "$OC" config file --dev
assert_eq "~/.openclaw-dev/openclaw.json" "$(cat "$OUT")" "--dev path"
expect 0 "$OC" config file
assert_eq "~/.openclaw/openclaw.json" "$(cat "$OUT")" "default path"
OPENCLAW_CONFIG_PATH=/tmp/elsewhere.json expect 0 "$OC" --profile work config file
assert_eq "/tmp/elsewhere.json" "$(cat "$OUT")" "explicit env wins"
OPENCLAW_STATE_DIR="$T_ROOT/st" expect 0 "$OC" config file
assert_eq "$T_ROOT/st/openclaw.json" "$(cat "$OUT")" "OPENCLAW_STATE_DIR"
OPENCLAW_HOME="$T_ROOT/alt" expect 0 "$OC" config file
assert_eq "\$OPENCLAW_HOME/.openclaw/openclaw.json" "$(cat "$OUT")" "OPENCLAW_HOME"

# Colour only on a terminal, and never with --no-color or NO_COLOR.
tty_run() { script -qec "$*" /dev/null >"$OUT" 2>&1 </dev/null; }
tty_run "$OC conifg"
assert_contains "$OUT" $'\033[31merror'
tty_run "$OC --no-color conifg"
assert_not_contains "$OUT" $'\033['
tty_run "NO_COLOR=1 $OC conifg"
assert_not_contains "$OUT" $'\033['
expect 2 "$OC" conifg
assert_not_contains "$ERR" $'\033['

finish
