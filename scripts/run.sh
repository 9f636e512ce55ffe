#!/bin/sh
# `make run`: the gateway in the foreground on 127.0.0.1:18789.
#
# With an existing OpenClaw setup (OPENCLAW_STATE_DIR, or ~/.openclaw with
# an openclaw.json) it runs with that config, exactly as `openclaw gateway
# run` would. Otherwise it uses development defaults in a state dir of its
# own, .run/state in this checkout: on the first run `openclaw onboard`
# writes a config there (gateway.mode local, loopback, a generated token,
# the HTTP API on) and the token is printed once. Ctrl-C stops it.
# OPENCLAW_RUN_BIN names a binary to use as is, without building (tests).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
OC=${OPENCLAW_RUN_BIN:-"$root/build/openclaw"}
if [ -n "${OPENCLAW_RUN_BIN:-}" ]; then
    :
elif ! command -v cmake >/dev/null 2>&1 || ! command -v ninja >/dev/null 2>&1 ||
    [ ! -x build/openclaw ]; then
    make setup
else
    make --no-print-directory release >/dev/null
fi

if [ -z "${OPENCLAW_STATE_DIR:-}" ] && [ ! -f "$HOME/.openclaw/openclaw.json" ]; then
    OPENCLAW_STATE_DIR="$root/.run/state"
    export OPENCLAW_STATE_DIR
    if [ ! -f "$OPENCLAW_STATE_DIR/openclaw.json" ]; then
        "$OC" onboard --non-interactive --accept-risk --auth-choice skip \
            --skip-daemon >/dev/null
        token=$(sed -n 's/.*"token": *"\([^"]*\)".*/\1/p' \
            "$OPENCLAW_STATE_DIR/openclaw.json" | head -n 1)
        cat <<MSG
make run: development setup in $OPENCLAW_STATE_DIR (printed once):
  gateway token: $token
  OpenAI-compatible API: http://127.0.0.1:18789/v1 (Authorization: Bearer <token>)
MSG
    fi
    if ! "$OC" models status --check >/dev/null 2>&1; then
        cat <<MSG
make run: no model credential yet. Add one (in another terminal):
  OPENCLAW_STATE_DIR=$OPENCLAW_STATE_DIR $OC onboard
or an API key only:
  OPENCLAW_STATE_DIR=$OPENCLAW_STATE_DIR $OC models auth paste-api-key --provider anthropic
The gateway picks it up at the next request; no restart needed.
MSG
    fi
    echo "make run: the token is gateway.auth.token in $OPENCLAW_STATE_DIR/openclaw.json"
fi
exec "$OC" gateway run
