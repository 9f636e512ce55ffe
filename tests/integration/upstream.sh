# Helpers for tests that talk to tests/support/fake_upstream (source after
# lib.sh): fu_start SCRIPT-JSON starts it and sets $FU_URL; fu_stop stops
# it (and checks it exited cleanly); with $FU_PORT set it reuses that
# port (a running gateway keeps its baseUrl), and $FU_EVENTS names the
# file for its peer_closed events; fu_req N EXPR prints a python
# expression over the N-th logged request (r = that request: method,
# path, headers, body); fu_count prints how many requests it saw.
FU_BIN="${OC_SUPPORT_BIN:?}/fake_upstream"
[ -x "$FU_BIN" ] || { echo "skip: $FU_BIN not built"; exit 77; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
FU_LOG="$T_ROOT/upstream.log"
FU_PID=

fu_stop() {
    if [ -n "$FU_PID" ]; then
        kill "$FU_PID" 2>/dev/null
        for _ in $(seq 100); do
            kill -0 "$FU_PID" 2>/dev/null || break
            sleep 0.03
        done
        kill -9 "$FU_PID" 2>/dev/null
        wait "$FU_PID"
        FU_RC=$?
        [ "$FU_RC" -eq 0 ] || fail "fake_upstream exited $FU_RC: $(cat "$T_ROOT/fu.err")"
    fi
    FU_PID=
}
trap 'fu_stop; rm -rf "$T_ROOT"' EXIT
trap 'exit 1' INT TERM

# fu_start 'JSON script'
fu_start() {
    fu_stop
    printf '%s\n' "$1" >"$T_ROOT/fu.json"
    rm -f "$T_ROOT/fu.port" "$FU_LOG"
    : >"$FU_LOG"
    "$FU_BIN" --script "$T_ROOT/fu.json" --log "$FU_LOG" \
        --port-file "$T_ROOT/fu.port" ${FU_PORT:+--port "$FU_PORT"} \
        ${FU_EVENTS:+--events "$FU_EVENTS"} 2>"$T_ROOT/fu.err" &
    FU_PID=$!
    for _ in $(seq 200); do
        [ -s "$T_ROOT/fu.port" ] && break
        sleep 0.025
    done
    [ -s "$T_ROOT/fu.port" ] || { fail "fake_upstream did not start: $(cat "$T_ROOT/fu.err")"; exit 1; }
    FU_URL="http://127.0.0.1:$(cat "$T_ROOT/fu.port")"
}

fu_count() { wc -l <"$FU_LOG" | tr -d ' '; }

# fu_req N 'python expression over r'
fu_req() {
    python3 - "$FU_LOG" "$1" "$2" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
r = json.loads(lines[int(sys.argv[2]) - 1])
v = eval(sys.argv[3])
print(json.dumps(v, sort_keys=True) if not isinstance(v, str) else v)
EOF
}
