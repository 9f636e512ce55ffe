#!/usr/bin/env bash
# bench/gateway.sh [BUILD]: figures for `openclaw gateway run` (called by
# bench/run.sh; BUILD defaults to build/bench, a release build with the
# bench programs). Numbers go to stdout, one figure a line with its
# method; nothing here is a pass/fail test. Everything listens on
# 127.0.0.1 on free ports; every process started is stopped on exit.
#   1. idle RSS after one /healthz and 1 s idle (target <= 8 MB)
#   2. peak RSS with 1,000 concurrent streamed completions (<= 64 MB)
#   3. latency the gateway adds to a completion (p50 <= 0.3 ms)
#   4. requests/s versus nginx proxy_pass (wrk; >= 0.8x)
# Needs curl and python3; wrk and nginx for 4 (scripts/install-deps.sh
# bench installs them; 4 is skipped without them).
set -eu
build=${1:-build/bench}
root=$(cd "$(dirname "$0")/.." && pwd)
oc="$root/$build/openclaw"
bin="$root/$build/bench"
work=$(mktemp -d)
shm=
pids=
cleanup() {
    for p in $pids; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in $pids; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$work" ${shm:+"$shm"}
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# 1,000 client sockets + 1,000 upstream sockets in the gateway
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -ge 8192 ]; then
    ulimit -n 8192
else
    ulimit -n "$hard"
fi
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy || true
unset OPENCLAW_CONFIG_PATH OPENCLAW_HOME || true
export HOME="$work/home" OPENCLAW_STATE_DIR="$work/state" CI=true NO_COLOR=1
mkdir -p "$HOME" "$OPENCLAW_STATE_DIR"
token=bench-gateway-token-0123456789abcdef
key=sk-ant-api03-benchBENCHbenchBENCHbenchBENCHbenchBENCH01
auth="Authorization: Bearer $token"
json="Content-Type: application/json"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
forget() { # stop PID and drop it from $pids
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    pids=$(echo "$pids" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}
kb() { # KEY PID: a VmXXX line of /proc/PID/status, in kB
    awk -v k="$1:" '$1 == k {print $2}' "/proc/$2/status"
}
mb() { awk -v k="$1" 'BEGIN {printf "%.1f MB", k / 1024}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.3f ms", u / 1000}'; }
field() { # KEY LINE: the value of KEY=... in a gwload line
    echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# fake_upstream with script $1; sets up_pid, up_port
start_upstream() {
    printf '%s\n' "$1" >"$work/up.json"
    rm -f "$work/up.port"
    "$bin/bench_upstream" --script "$work/up.json" --log /dev/null \
        --port-file "$work/up.port" 2>"$work/up.err" &
    up_pid=$!
    pids="$pids $up_pid"
    for _ in $(seq 200); do
        [ -s "$work/up.port" ] && break
        sleep 0.025
    done
    up_port=$(cat "$work/up.port")
}

# the gateway, its upstream at base URL $1; sets gw_pid, gw_port
start_gateway() {
    "$oc" config set models.providers.anthropic.baseUrl "$1" >/dev/null
    gw_port=$(free_port)
    "$oc" gateway run --port "$gw_port" 2>>"$work/gw.err" >/dev/null </dev/null &
    gw_pid=$!
    pids="$pids $gw_pid"
    for _ in $(seq 400); do
        curl -fs "http://127.0.0.1:$gw_port/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$gw_pid" 2>/dev/null || break
        sleep 0.025
    done
    echo "gateway did not start:" >&2
    cat "$work/gw.err" >&2
    exit 1
}

"$oc" config set gateway.mode local >/dev/null
"$oc" config set gateway.auth.token "$token" >/dev/null
printf '%s\n' "$key" |
    "$oc" models auth paste-api-key --provider anthropic >/dev/null

# The gateway records each profile's use in auth-profiles.json (written
# with fsync) after every completion; a copy of the state dir on tmpfs
# shows what the gateway costs without that disk wait.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    shm=$(mktemp -d /dev/shm/oc-bench.XXXXXX)
    cp -a "$OPENCLAW_STATE_DIR/." "$shm/"
fi
state() { # disk | tmpfs: where the next gateway keeps its state
    if [ "$1" = tmpfs ]; then
        export OPENCLAW_STATE_DIR="$shm"
    else
        export OPENCLAW_STATE_DIR="$work/state"
    fi
}

# request bodies: the gateway's (OpenAI) and the Anthropic request the
# gateway sends upstream for it (as logged by fake_upstream)
cat >"$work/oai.json" <<'JSON'
{"model":"openclaw","messages":[{"role":"user","content":"hi"}]}
JSON
cat >"$work/oai-stream.json" <<'JSON'
{"model":"openclaw","stream":true,"messages":[{"role":"user","content":"hi"}]}
JSON
cat >"$work/anthropic.json" <<'JSON'
{"model":"claude-opus-4-5","max_tokens":32000,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]}
JSON
fast='{"steps":[{"canned":"anthropic_text","text":"Hello from the benchmark upstream.","repeat":true}]}'
words="The quick brown fox jumps over the lazy dog while the gateway keeps a \
thousand streams open, each one dripping a few bytes every tenth of a second \
so that every connection stays alive for several seconds and the resident \
set size can be read."
slow='{"steps":[{"canned":"anthropic_text","text":"'"$words"'","drip_ms":100,"repeat":true}]}'

echo "== gateway (openclaw gateway run, $(nproc) cores, ulimit -n $(ulimit -n))"

# --- 1. idle RSS -------------------------------------------------------------
start_upstream "$fast"
fast_port=$up_port
start_gateway "http://127.0.0.1:$fast_port"
sleep 1
echo "gateway idle RSS: $(mb "$(kb VmRSS "$gw_pid")") VmRSS, $(mb "$(kb VmHWM "$gw_pid")") VmHWM (after one /healthz and 1 s idle, target <= 8 MB)"
"$bin/gwload" -b "$work/oai.json" -H "$auth" -H "$json" -m '"finish_reason":"stop"' \
    "$gw_port" /v1/chat/completions >/dev/null
sleep 1
echo "gateway RSS after one completion: $(mb "$(kb VmRSS "$gw_pid")") VmRSS, $(mb "$(kb VmHWM "$gw_pid")") VmHWM (libcurl and its TLS stack loaded on first use; 1 s idle after)"
forget "$gw_pid"

# --- 2. 1,000 concurrent streams ---------------------------------------------
start_upstream "$slow"
slow_pid=$up_pid
streams() { # LABEL
    start_gateway "http://127.0.0.1:$up_port"
    out=$("$bin/gwload" -c 1000 -n 1000 -t 120 -p "$gw_pid" \
        -b "$work/oai-stream.json" -H "$auth" -H "$json" \
        -m '"finish_reason":"stop"' "$gw_port" /v1/chat/completions)
    forget "$gw_pid"
    err=$(field first_error "$out")
    echo "gateway RSS, 1000 concurrent streams$1: $(mb "$(field hwm_kb "$out")") VmHWM, $(mb "$(field rss_all_open_kb "$out")") VmRSS once all 1000 had started (target <= 64 MB); $(field ok "$out")/1000 completed, wall $(ms "$(field wall_us "$out")"), first byte p50 $(ms "$(field fb_p50_us "$out")") p99 $(ms "$(field fb_p99_us "$out")") (bench/gwload -c 1000, stream:true, upstream drips ~35 deltas 100 ms apart)${err:+; first error: $err}"
}
streams ""
if [ -n "$shm" ]; then
    state tmpfs
    streams ", state dir on tmpfs"
    state disk
fi
forget "$slow_pid"

# --- 3. added latency ----------------------------------------------------------
# one client (bench/gwload: a new connection per request, sequential, 50
# warm-up + 500) for the direct call and through the gateway
latency() { # PORT PATH BODY MATCH [HEADER...]
    p=$1 path=$2 body=$3 m=$4
    shift 4
    "$bin/gwload" -w 50 -n 500 -b "$body" -m "$m" "$@" "$p" "$path"
}
direct=$(latency "$fast_port" /v1/messages "$work/anthropic.json" \
    message_stop -H "x-api-key: $key" -H "anthropic-version: 2023-06-01" \
    -H "$json")
d50=$(field p50_us "$direct")
report_latency() { # LABEL GWLOAD-LINE
    echo "$1: added p50 $(ms $(($(field p50_us "$2") - d50))) p90 $(ms $(($(field p90_us "$2") - d50))) p99 $(ms $(($(field p99_us "$2") - d50))) (gateway p50 $(ms "$(field p50_us "$2")") minus direct p50 $(ms "$d50"); 500 sequential requests after 50 warm-up, one connection each; target p50 <= 0.3 ms)"
}
start_gateway "http://127.0.0.1:$fast_port"
nonstream=$(latency "$gw_port" /v1/chat/completions "$work/oai.json" \
    '"finish_reason":"stop"' -H "$auth" -H "$json")
stream=$(latency "$gw_port" /v1/chat/completions "$work/oai-stream.json" \
    'data: [DONE]' -H "$auth" -H "$json")
forget "$gw_pid"
report_latency "gateway added latency, non-streamed" "$nonstream"
report_latency "gateway added latency, streamed (to the end)" "$stream"
echo "gateway first byte, streamed: p50 $(ms "$(field fb_p50_us "$stream")") p99 $(ms "$(field fb_p99_us "$stream")") (the gateway sends its head and role chunk before calling upstream; direct first byte p50 $(ms "$(field fb_p50_us "$direct")"))"
if [ -n "$shm" ]; then
    state tmpfs
    start_gateway "http://127.0.0.1:$fast_port"
    tmpfs=$(latency "$gw_port" /v1/chat/completions "$work/oai.json" \
        '"finish_reason":"stop"' -H "$auth" -H "$json")
    forget "$gw_pid"
    state disk
    report_latency "gateway added latency, non-streamed, state dir on tmpfs" "$tmpfs"
fi

# --- 4. requests/s versus nginx proxy_pass -------------------------------------
have_tools() { command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1; }
have_tools || "$root/scripts/install-deps.sh" bench >&2 || true
if ! have_tools; then
    echo "gateway vs nginx: skipped (wrk or nginx missing: scripts/install-deps.sh bench)"
    exit 0
fi
wrk_lua() { # FILE BODY-FILE HEADER...
    f=$1 b=$2
    shift 2
    {
        echo 'wrk.method = "POST"'
        printf 'wrk.body = [==[%s]==]\n' "$(cat "$b")"
        for h in "$@"; do
            printf 'wrk.headers["%s"] = "%s"\n' "${h%%: *}" "${h#*: }"
        done
    } >"$f"
}
wrk_lua "$work/gw.lua" "$work/oai.json" "$auth" "$json"
wrk_lua "$work/direct.lua" "$work/anthropic.json" "x-api-key: $key" \
    "anthropic-version: 2023-06-01" "$json"
wrk_args="-t2 -c32 -d5s"
rps() { # LUA PORT PATH: "RPS ERRORS" (non-2xx + socket errors)
    # shellcheck disable=SC2086
    wrk $wrk_args -s "$1" "http://127.0.0.1:$2$3" >"$work/wrk.out" 2>&1 || true
    awk '/^Requests\/sec:/ {r = $2}
         /Non-2xx/ {e += $NF}
         /Socket errors/ {gsub(/,/, ""); e += $4 + $6 + $8 + $10}
         END {printf "%.0f %d\n", r, e}' "$work/wrk.out"
}

# the canned stream as a static nginx response: an upstream that is not
# the bottleneck (keep-alive, no per-request work)
curl -s -H "x-api-key: $key" -H "$json" --data-binary @"$work/anthropic.json" \
    "http://127.0.0.1:$fast_port/v1/messages" >"$work/canned.sse"
ng="$work/nginx"
mkdir -p "$ng/tmp"
ng_port=$(free_port)
static_port=$(free_port)
user=
[ "$(id -u)" -ne 0 ] || user="user root root;"
python3 - "$work/canned.sse" "$ng/nginx.conf" "$ng" "$ng_port" \
    "$static_port" "$fast_port" "$user" <<'PY'
import sys
sse, conf, ng, port, static, fast, user = sys.argv[1:]
body = open(sse).read()
assert "$" not in body and body.startswith("event: message_start")
body = body.replace("\\", "\\\\").replace("'", "\\'")
open(conf, "w").write(f"""{user}
worker_processes 1;
daemon off;
pid {ng}/nginx.pid;
error_log {ng}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log {ng}/access.log;
    client_body_temp_path {ng}/tmp/body;
    proxy_temp_path {ng}/tmp/proxy;
    fastcgi_temp_path {ng}/tmp/fastcgi;
    uwsgi_temp_path {ng}/tmp/uwsgi;
    scgi_temp_path {ng}/tmp/scgi;
    upstream up {{ server 127.0.0.1:{fast}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://up;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }}
    }}
    server {{
        listen 127.0.0.1:{static};
        access_log off;
        location / {{
            default_type text/event-stream;
            return 200 '{body}';
        }}
    }}
}}
""")
PY
nginx -e "$ng/error.log" -p "$ng" -c "$ng/nginx.conf" 2>"$ng/stderr" &
ng_pid=$!
pids="$pids $ng_pid"
ng_up() {
    curl -fs -o /dev/null -H "x-api-key: $key" --data-binary @"$work/anthropic.json" \
        "http://127.0.0.1:$ng_port/v1/messages" 2>/dev/null
}
for _ in $(seq 200); do
    ng_up && break
    sleep 0.025
done
if ! ng_up; then
    echo "gateway vs nginx: skipped (nginx did not start: $(cat "$ng/stderr" "$ng/error.log" | tail -3))"
    exit 0
fi

gw_rps() { # UPSTREAM-PORT: the gateway's "RPS ERRORS" in $res
    start_gateway "http://127.0.0.1:$1"
    res=$(rps "$work/gw.lua" "$gw_port" /v1/chat/completions)
    if ! kill -0 "$gw_pid" 2>/dev/null; then # a crash is a finding, not a figure
        echo "the gateway died under wrk; its log ends:" >&2
        tail -20 "$work/gw.err" >&2
        res="${res% *} gateway-died"
    fi
    forget "$gw_pid"
}
ratio() { # "RPS ERRORS" "RPS ERRORS": the first's RPS over the second's
    awk -v a="${1% *}" -v b="${2% *}" 'BEGIN {printf "%.2fx", b ? a / b : 0}'
}
median() { # RATIO... (numbers with an "x"): the middle one (the upper of two)
    printf '%s\n' "$@" | sort -n | sed -n "$(($# / 2 + 1))p"
}
rounds=3
compare() { # LABEL UPSTREAM-PORT
    u=$(rps "$work/direct.lua" "$2" /v1/messages)
    # nginx and the gateway take turns, three rounds: on a shared machine
    # the load drifts, and each round's ratio compares neighbours in time
    gs='' ns='' ts='' rs='' rts='' errs=0 died=''
    for _ in $(seq "$rounds"); do
        n=$(rps "$work/direct.lua" "$ng_port" /v1/messages)
        gw_rps "$2"
        g=$res
        ns="$ns${ns:+ / }${n% *}" gs="$gs${gs:+ / }${g% *}"
        rs="$rs $(ratio "$g" "$n")"
        errs=$((errs + ${n#* }))
        case ${g#* } in
        *[!0-9]*) died=" (the gateway died under wrk)" ;;
        *) errs=$((errs + ${g#* })) ;;
        esac
        if [ -n "$shm" ]; then
            state tmpfs
            gw_rps "$2"
            state disk
            ts="$ts${ts:+ / }${res% *}"
            case ${res#* } in
            *[!0-9]*) died=" (the gateway died under wrk)" ;;
            *) errs=$((errs + ${res#* })) ;;
            esac
            rts="$rts $(ratio "$res" "$n")"
        fi
    done
    # shellcheck disable=SC2086
    line="gateway vs nginx, $1: gateway $gs req/s${ts:+ (state dir on tmpfs $ts)}; nginx proxy_pass $ns req/s; $errs errors$died; ratio by round$(printf ' %s' $rs)${ts:+, on tmpfs$(printf ' %s' $rts)}: median $(median $rs)${ts:+, on tmpfs $(median $rts)}"
    echo "$line; upstream alone ${u% *} req/s (wrk $wrk_args each, nginx then the gateway in each of $rounds rounds; gateway: non-streamed completion; nginx: the Anthropic request; nginx 1 worker, upstream keepalive; target >= 0.8x)"
}
compare "fake_upstream" "$fast_port"
sed -i "s/server 127.0.0.1:$fast_port;/server 127.0.0.1:$static_port;/" "$ng/nginx.conf"
kill -HUP "$ng_pid"
sleep 0.5
compare "static nginx upstream" "$static_port"
