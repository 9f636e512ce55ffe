/*
 * WebSocket connections on the gateway port (reference
 * openclaw-gateway-config.md §2.3): the upgrade, one struct ws session per
 * connection fed from the HTTP server's raw byte stream, text frames
 * parsed as JSON and routed (the first must be `connect`, capped at 64
 * KiB until it succeeds), `tick` events, backpressure (runs feeding a
 * congested connection are paused until it drains) and shutdown.
 *
 * A connection can go away inside any write (the server drops a client
 * over its cap at once), so every entry point holds the connection and
 * the last release frees it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/dlist.h"
#include "base/log.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "gateway/gw_ws_internal.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

#define HOUSEKEEPING_MS 1000

static void timer_update(struct gw *g);

long gw_ws_tick_ms(void)
{
    const char *v = getenv("OPENCLAW_GATEWAY_TICK_MS");
    char *end;
    long ms;

    if (!v || !*v)
        return GW_WS_TICK_MS;
    ms = strtol(v, &end, 10);
    return (*end || ms < 100 || ms > 3600000) ? GW_WS_TICK_MS : ms;
}

size_t gw_ws_authed_count(const struct gw *g)
{
    const struct gw_wsconn *c;
    size_t n = 0;

    for (c = g->wsconns; c; c = c->next)
        n += c->authed && !c->gone;
    return n;
}

/* ---- life of a connection ------------------------------------------------ */

static void conn_free(struct gw_wsconn *c)
{
    struct gw *g = c->g;

    gw_runs_conn_gone(c);
    DLIST_UNLINK(g->wsconns, c);
    log_debug("ws %s: closed", c->id);
    ws_free(c->ws);
    json_decref(c->scopes);
    free(c);
    timer_update(g);
}

void gw_ws_hold(struct gw_wsconn *c)
{
    c->depth++;
}

void gw_ws_release(struct gw_wsconn *c)
{
    if (--c->depth == 0 && c->gone)
        conn_free(c);
}

/* Shut the transport when the session says so. */
static void after_io(struct gw_wsconn *c)
{
    if (c->hc && ws_want_close(c->ws)) {
        hs_conn_close(c->hc);
        c->closing = true;
    }
}

static void update_congestion(struct gw_wsconn *c)
{
    if (!c->hc || c->congested)
        return;
    if (hs_conn_pending(c->hc) > GW_WS_HIGH_WATER) {
        c->congested = true;
        log_debug("ws %s: congested; pausing its runs", c->id);
        gw_runs_pause(c, true);
    }
}

bool gw_ws_send(struct gw_wsconn *c, json_t *frame)
{
    char *text;
    int rc;

    if (!c || c->gone || c->closing || !c->hc) {
        json_decref(frame);
        return false;
    }
    text = jsonx_dumps(frame, 0);
    json_decref(frame);
    if (!text)
        return false;
    gw_ws_hold(c);
    rc = ws_send_text(c->ws, text, strlen(text));
    free(text);
    if (rc == OC_ETOOBIG) {
        log_warn("ws %s: the client does not read; closing", c->id);
        ws_close(c->ws, 1008, "slow consumer");
    }
    ws_flush(c->ws);
    after_io(c);
    update_congestion(c);
    gw_ws_release(c);
    return rc == 0;
}

void gw_ws_ok(struct gw_wsconn *c, const char *id, json_t *payload)
{
    gw_ws_send(c,
               json_pack("{s:s, s:s, s:b, s:o}", "type", "res", "id", id, "ok",
                         1, "payload", payload ? payload : json_object()));
}

void gw_ws_err(struct gw_wsconn *c, const char *id, const char *code,
               const char *message, json_t *details)
{
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);

    if (details)
        json_object_set_new(err, "details", details);
    gw_ws_send(c, json_pack("{s:s, s:s, s:b, s:o}", "type", "res", "id",
                            id ? id : "", "ok", 0, "error", err));
}

void gw_ws_event(struct gw_wsconn *c, const char *name, json_t *payload)
{
    if (!c || c->gone || c->closing) {
        json_decref(payload);
        return;
    }
    gw_ws_send(c, json_pack("{s:s, s:s, s:o, s:I}", "type", "event", "event",
                            name, "payload", payload ? payload : json_object(),
                            "seq", (json_int_t)++c->seq));
}

void gw_ws_broadcast(struct gw *g, struct gw_wsconn *owner, const char *name,
                     json_t *payload, bool droppable)
{
    struct gw_wsconn *c, *next;

    if (!payload)
        payload = json_object();
    gw_ws_event(owner, name, json_incref(payload));
    for (c = g->wsconns; c; c = next) {
        next = c->next;
        /* a gone connection may be the one being freed right now (its
         * runs' last events come from conn_free): never hold it */
        if (c == owner || c->gone || !c->authed || !c->read ||
            (droppable && c->congested))
            continue;
        /* only a gone connection is ever freed, and one becomes gone in
         * the transport's close callback, never inside a send: next stays
         * valid across this one */
        gw_ws_event(c, name, json_incref(payload));
    }
    json_decref(payload);
}

void gw_ws_close(struct gw_wsconn *c, uint16_t code, const char *reason)
{
    if (c->gone || c->closing)
        return;
    gw_ws_hold(c);
    ws_close(c->ws, code, reason);
    ws_flush(c->ws);
    c->closing = true;
    /* the close frame is queued: end the TCP connection after it instead
     * of waiting for the peer's reply */
    if (c->hc)
        hs_conn_close(c->hc);
    gw_ws_release(c);
}

/* ---- frames in ----------------------------------------------------------- */

static void dispatch(struct gw_wsconn *c, json_t *frame)
{
    const char *type = jsonx_get_str(frame, "type");
    const char *id = jsonx_get_str(frame, "id");
    const char *method = jsonx_get_str(frame, "method");
    json_t *params = json_object_get(frame, "params");

    if (!type || strcmp(type, "req") != 0 || !id || !*id || !method ||
        !*method) {
        gw_ws_err(c, id, "INVALID_REQUEST",
                  "invalid request frame: want {type:\"req\", id, method, "
                  "params}",
                  NULL);
        if (!c->authed)
            gw_ws_close(c, 1008, "invalid request frame");
        return;
    }
    if (!c->authed) {
        if (strcmp(method, "connect") != 0) {
            gw_ws_err(c, id, "INVALID_REQUEST",
                      "invalid handshake: first request must be connect", NULL);
            gw_ws_close(c, 1008,
                        "invalid handshake: first request must be "
                        "connect");
            return;
        }
        gw_ws_connect(c, id, params);
        return;
    }
    if (strcmp(method, "connect") == 0) {
        gw_ws_err(c, id, "INVALID_REQUEST", "already connected", NULL);
        return;
    }
    gw_rpc_dispatch(c, id, method, params);
}

static void on_text(void *arg, const char *p, size_t n)
{
    struct gw_wsconn *c = arg;
    json_error_t jerr;
    json_t *frame;

    if (c->closing || c->gone)
        return;
    frame = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(frame)) {
        json_decref(frame);
        gw_ws_err(c, NULL, "INVALID_REQUEST",
                  "invalid frame: not a JSON object", NULL);
        /* c is held by on_data (gw_ws_hold); the analyzer cannot see the
         * reference count */
        if (!c->authed) // NOLINT(clang-analyzer-unix.Malloc)
            gw_ws_close(c, 1008, "invalid frame");
        return;
    }
    dispatch(c, frame);
    json_decref(frame);
}

static void on_ws_close(void *arg, uint16_t code, const char *reason)
{
    struct gw_wsconn *c = arg;

    log_debug("ws %s: session ended (%u %s)", c->id, code, reason);
    c->closing = true;
}

static int on_write(void *arg, const void *p, size_t n)
{
    struct gw_wsconn *c = arg;

    if (!c->hc || c->gone)
        return -1;
    return hs_conn_write(c->hc, p, n) == 0 ? 0 : -1;
}

/* ---- the transport's events ---------------------------------------------- */

static void on_data(void *arg, const char *p, size_t n)
{
    struct gw_wsconn *c = arg;

    gw_ws_hold(c);
    ws_feed(c->ws, p, n);
    ws_flush(c->ws);
    after_io(c);
    gw_ws_release(c);
}

static void on_drain(void *arg)
{
    struct gw_wsconn *c = arg;

    if (!c->congested)
        return;
    gw_ws_hold(c);
    c->congested = false;
    log_debug("ws %s: drained; resuming its runs", c->id);
    gw_runs_pause(c, false);
    gw_ws_release(c);
}

static void on_conn_close(void *arg)
{
    struct gw_wsconn *c = arg;

    c->hc = NULL;
    c->gone = true;
    gw_ws_hold(c);
    ws_lost(c->ws);
    gw_ws_release(c);
}

/* ---- housekeeping: ticks and handshake deadlines ----------------------- */

static void tick_all(struct gw *g, int64_t now)
{
    struct gw_wsconn *c, *next;

    for (c = g->wsconns; c; c = next) {
        gw_ws_hold(c);
        if (c->authed)
            gw_ws_event(c, "tick",
                        json_pack("{s:I}", "ts", (json_int_t)clock_wall_ms()));
        else if (now - c->opened_ms > GW_WS_HANDSHAKE_MS)
            gw_ws_close(c, 1008, "handshake timeout");
        next = c->next;
        gw_ws_release(c);
    }
}

static void on_timer(uv_timer_t *t)
{
    struct gw *g = t->data;
    int64_t now = clock_mono_ms();
    struct gw_wsconn *c, *next;

    gw_runs_flush_cancels(g);
    timer_update(g);

    if (now - g->ws_last_tick >= gw_ws_tick_ms()) {
        g->ws_last_tick = now;
        tick_all(g, now);
        return;
    }
    for (c = g->wsconns; c; c = next) {
        gw_ws_hold(c);
        if (!c->authed && now - c->opened_ms > GW_WS_HANDSHAKE_MS)
            gw_ws_close(c, 1008, "handshake timeout");
        next = c->next;
        gw_ws_release(c);
    }
}

static bool cancels_pending(const struct gw *g)
{
    const struct gw_run *r;

    for (r = g->runs; r; r = r->next)
        if (r->cancel_pending)
            return true;
    return false;
}

void gw_ws_kick(struct gw *g)
{
    if (!g->ws_timer_ready || g->ws_shut)
        return;
    uv_timer_start(&g->ws_timer, on_timer, 0, HOUSEKEEPING_MS);
}

static void timer_update(struct gw *g)
{
    long every;

    if (!g->ws_timer_ready || g->ws_shut)
        return;
    if (cancels_pending(g)) {
        gw_ws_kick(g);
        return;
    }
    if (!g->wsconns) {
        uv_timer_stop(&g->ws_timer);
        return;
    }
    if (uv_is_active((uv_handle_t *)&g->ws_timer))
        return;
    every =
        gw_ws_tick_ms() < HOUSEKEEPING_MS ? gw_ws_tick_ms() : HOUSEKEEPING_MS;
    g->ws_last_tick = clock_mono_ms();
    uv_timer_start(&g->ws_timer, on_timer, (uint64_t)every, (uint64_t)every);
}

/* ---- the upgrade --------------------------------------------------------- */

static struct gw_wsconn *conn_new(struct gw *g, struct hs_req *r)
{
    struct gw_wsconn *c = xcalloc(1, sizeof(*c));
    struct ws_config wc = {GW_WS_PREAUTH_MAX, GW_WS_PREAUTH_MAX, 0};
    struct ws_callbacks cb = {on_text, NULL, NULL, on_ws_close, on_write};

    c->g = g;
    gw_new_id(g, "conn-", c->id, sizeof(c->id));
    if (secret_random_hex(16, c->nonce, sizeof(c->nonce)) != 0)
        gw_new_id(g, "", c->nonce, sizeof(c->nonce));
    str_copy(c->peer, sizeof(c->peer), hs_peer(r));
    c->loopback = hs_peer_loopback(r);
    c->opened_ms = clock_mono_ms();
    c->ws = ws_new(false, &wc, &cb, c);
    DLIST_PUSH(g->wsconns, c);
    return c;
}

static void refuse(struct hs_req *r, int status, const char *why,
                   const char *header)
{
    char name[64];
    const char *colon = header ? strchr(header, ':') : NULL;
    struct hs_header h[2] = {{NULL, NULL}, {NULL, NULL}};

    if (colon && (size_t)(colon - header) < sizeof(name)) {
        str_copyn(name, sizeof(name), header, (colon - header));
        h[0].name = name;
        h[0].value = colon + 1 + strspn(colon + 1, " ");
    }
    hs_respond(r, status, "text/plain; charset=utf-8", h, why, strlen(why));
}

static void start_timer(struct gw *g)
{
    if (g->ws_timer_ready)
        return;
    uv_timer_init(g->loop, &g->ws_timer);
    g->ws_timer.data = g;
    g->ws_timer_ready = true;
}

void gw_ws_upgrade(struct gw *g, struct hs_req *r)
{
    const struct http_head *h = hs_head(r);
    struct ws_request wr = {h->method,
                            h->version_minor,
                            http_head_get(h, "upgrade", NULL),
                            http_head_get(h, "connection", NULL),
                            http_head_get(h, "sec-websocket-version", NULL),
                            http_head_get(h, "sec-websocket-key", NULL)};
    struct hs_raw_events ev = {on_data, on_drain, on_conn_close, NULL};
    char resp[WS_RESPONSE_MAX];
    struct ws_verdict v;
    struct gw_wsconn *c;
    size_t n;

    if (g->draining || g->ws_shut) {
        refuse(r, 503, "the gateway is shutting down", NULL);
        return;
    }
    if (ws_handshake_check(&wr, &v) != 0) {
        refuse(r, v.status, v.reason ? v.reason : "bad WebSocket handshake",
               v.header);
        return;
    }
    n = ws_handshake_response(v.accept, resp, sizeof(resp));
    start_timer(g);
    c = conn_new(g, r);
    ev.arg = c;
    gw_ws_hold(c);
    c->hc = hs_upgrade(r, resp, n, &ev);
    if (!c->hc) {
        c->gone = true;
    } else {
        log_debug("ws %s: opened from %s", c->id, c->peer);
        gw_ws_event(c, "connect.challenge",
                    json_pack("{s:s, s:I}", "nonce", c->nonce, "ts",
                              (json_int_t)clock_wall_ms()));
        timer_update(g);
    }
    gw_ws_release(c); // NOLINT(clang-analyzer-unix.Malloc): held above
}

/* ---- shutdown ------------------------------------------------------------ */

void gw_ws_shutdown(struct gw *g)
{
    struct gw_wsconn *c, *next;
    bool first = !g->ws_shut;

    g->ws_shut = true; /* no new connections, no run starts */
    for (c = g->wsconns; c; c = next) {
        gw_ws_hold(c);
        if (c->authed && !c->closing)
            gw_ws_event(c, "shutdown",
                        json_pack("{s:s}", "reason", "gateway stopping"));
        gw_ws_close(c, 1001, // NOLINT(clang-analyzer-unix.Malloc): held
                    "gateway stopping");
        next = c->next;
        gw_ws_release(c);
    }
    gw_runs_cancel_all(g);
    if (first && g->ws_timer_ready)
        uv_close((uv_handle_t *)&g->ws_timer, NULL);
}
