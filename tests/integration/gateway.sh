# Helpers for tests that run the gateway (source after lib.sh and
# upstream.sh): gw_start [ARGS...] starts `openclaw gateway run` on a free
# loopback port (sets $GW_PORT, $GW_URL, $GW_PID; its stderr goes to
# $GW_ERR) and waits for /healthz; gw_stop stops it with SIGTERM and sets
# $GW_RC. Every gateway started is stopped when the test exits.
GW_PID=
GW_ERR="$T_ROOT/gateway.err"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

gw_stop() {
    GW_RC=
    [ -n "$GW_PID" ] || return 0
    kill -TERM "$GW_PID" 2>/dev/null
    for _ in $(seq 200); do
        kill -0 "$GW_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill -9 "$GW_PID" 2>/dev/null
    wait "$GW_PID"
    GW_RC=$?
    GW_PID=
}

# gw_start [extra args]: the port comes from $GW_PORT when set
gw_start() {
    gw_stop
    GW_PORT=${GW_PORT:-$(free_port)}
    "$OC" gateway run --port "$GW_PORT" "$@" 2>"$GW_ERR" >/dev/null </dev/null &
    GW_PID=$!
    for _ in $(seq 200); do
        curl -fs "http://127.0.0.1:$GW_PORT/healthz" >/dev/null 2>&1 && break
        kill -0 "$GW_PID" 2>/dev/null || break
        sleep 0.025
    done
    GW_URL="http://127.0.0.1:$GW_PORT"
    curl -fs "$GW_URL/healthz" >/dev/null 2>&1 ||
        { fail "gateway did not start: $(cat "$GW_ERR")"; return 1; }
}

trap 'gw_stop; fu_stop; rm -rf "$T_ROOT"' EXIT

# gw_curl ARGS...: curl with the test token; body to $OUT, status in $HTTP
gw_curl() {
    HTTP=$(curl -s -o "$OUT" -w '%{http_code}' -H "Authorization: Bearer $GW_TOKEN" "$@")
}
