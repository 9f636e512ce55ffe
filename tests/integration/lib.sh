# Shared helpers for integration tests: a throwaway HOME per test file,
# the binary under test, and assertions that print what they compared.
# Usage: . "$(dirname "$0")/lib.sh"; ...; finish
set -u

OC=${OPENCLAW_BIN:?OPENCLAW_BIN must point at the openclaw binary}
SRC=${OC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
FIXTURES="$SRC/tests/fixtures"
T_PASS=0
T_FAIL=0

T_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/oc-integ-XXXXXX")
trap 'rm -rf "$T_ROOT"' EXIT
export HOME="$T_ROOT/home"
mkdir -p "$HOME" "$T_ROOT/work"
cd "$T_ROOT/work" || exit 1
for v in $(env | sed -n 's/^\(OPENCLAW_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset ANTHROPIC_API_KEY ANTHROPIC_OAUTH_TOKEN OPENROUTER_API_KEY NO_COLOR
export CI=true
STATE="$HOME/.openclaw"
CONFIG="$STATE/openclaw.json"
OUT="$T_ROOT/stdout"
ERR="$T_ROOT/stderr"

pass() { T_PASS=$((T_PASS + 1)); }
fail() {
    T_FAIL=$((T_FAIL + 1))
    echo "FAIL: $*" >&2
}

# run CMD...: run with stdin closed, capture stdout/stderr, set $RC
run() {
    "$@" >"$OUT" 2>"$ERR" </dev/null
    RC=$?
}

# expect RC CMD...: run and check the exit code
expect() {
    local want=$1
    shift
    run "$@"
    if [ "$RC" -eq "$want" ]; then
        pass
    else
        fail "'$*' exited $RC, want $want"
        sed 's/^/  stdout: /' "$OUT" >&2
        sed 's/^/  stderr: /' "$ERR" >&2
    fi
}

assert_eq() { # want got what
    if [ "$1" = "$2" ]; then pass; else fail "$3: want [$1] got [$2]"; fi
}

assert_contains() { # file text
    if grep -qF -- "$2" "$1"; then
        pass
    else
        fail "$(basename "$1") lacks [$2]"
        sed 's/^/  | /' "$1" >&2
    fi
}

assert_not_contains() { # file text
    if grep -qF -- "$2" "$1"; then
        fail "$(basename "$1") has [$2]"
        sed 's/^/  | /' "$1" >&2
    else
        pass
    fi
}

assert_mode() { # path mode
    local m
    m=$(stat -c %a "$1" 2>/dev/null)
    assert_eq "$2" "$m" "mode of $1"
}

assert_file_eq() { # a b
    if cmp -s "$1" "$2"; then pass; else fail "$1 differs from $2"; fi
}

finish() {
    echo "$(basename "$0"): $T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
}
