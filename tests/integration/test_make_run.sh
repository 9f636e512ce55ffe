#!/usr/bin/env bash
# `make run` (scripts/run.sh) on a machine without an OpenClaw setup: it
# onboards development defaults in <checkout>/.run/state, prints the
# generated token once and how to add a credential, and the gateway
# answers /healthz and /v1/models at once; a second run reuses the setup
# and does not print the token again. The script runs from a copy of the
# checkout's scripts/ so the real .run/ is never touched.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/integration/upstream.sh"
. "$SRC/tests/integration/gateway.sh"
command -v curl >/dev/null || { echo "skip: curl not installed"; exit 77; }

REPO="$T_ROOT/repo"
mkdir -p "$REPO/scripts"
cp "$SRC/scripts/run.sh" "$REPO/scripts/"
export OPENCLAW_RUN_BIN="$OC"
PORT=$(free_port)
RUN_OUT="$T_ROOT/run.out"

# run_once: start make run's script, wait for /healthz, keep its pid in GW_PID
run_once() {
    OPENCLAW_GATEWAY_PORT=$PORT "$REPO/scripts/run.sh" >"$RUN_OUT" 2>&1 </dev/null &
    GW_PID=$!
    for _ in $(seq 200); do
        curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
        kill -0 "$GW_PID" 2>/dev/null || break
        sleep 0.025
    done
}

run_once
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
assert_eq '200 {"ok":true,"status":"live"}' "$HTTP $(cat "$OUT")" "/healthz at once"
TOKEN=$(sed -n 's/^  gateway token: //p' "$RUN_OUT")
assert_eq 48 "${#TOKEN}" "a generated token, printed once"
assert_eq "$TOKEN" "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['gateway']['auth']['token'])" "$REPO/.run/state/openclaw.json")" "the printed token is the configured one"
HTTP=$(curl -s -o "$OUT" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/v1/models")
assert_eq "200 openclaw" "$HTTP $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['data'][0]['id'])" "$OUT")" "/v1/models with the token"
assert_contains "$RUN_OUT" "no model credential yet"
assert_contains "$RUN_OUT" "OPENCLAW_STATE_DIR=$REPO/.run/state $OC onboard"
assert_mode "$REPO/.run/state/openclaw.json" 600
gw_stop
assert_eq 0 "$GW_RC" "Ctrl-C/SIGTERM stops it cleanly"

run_once
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && pass || fail "second run did not start: $(cat "$RUN_OUT")"
assert_not_contains "$RUN_OUT" "gateway token:"
gw_stop
finish
