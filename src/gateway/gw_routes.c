/*
 * HTTP routes (reference openclaw-gateway-config.md §2.4):
 *   GET|HEAD /health, /healthz   {"ok":true,"status":"live"}, no auth
 *   GET|HEAD /ready, /readyz     200 ready, 503 while draining, no auth
 *   GET  /v1/models[/<id>]       agent targets (bearer auth)
 *   POST /v1/chat/completions    gw_complete.c (bearer auth)
 *   GET  / with Upgrade: websocket   the WebSocket protocol (gw_ws.c)
 * /v1/... answers 404 text/plain while the API is disabled, as OpenClaw.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "gateway/gw_internal.h"
#include "gateway/openai_compat.h"
#include "json/jsonx.h"
#include "base/banned.h"

void gw_respond_json(struct hs_req *r, int status, json_t *doc,
                     const struct hs_header *extra)
{
    char *text = jsonx_dumps(doc, 0);

    if (!text)
        text = xstrdup("{}");
    hs_respond(r, status, "application/json; charset=utf-8", extra, text,
               strlen(text));
    free(text);
    json_decref(doc);
}

void gw_respond_oa_error(struct hs_req *r, int status, const char *message,
                         const char *type, const char *code)
{
    gw_respond_json(r, status, oa_error(message, type, code), NULL);
}

static void respond_text(struct hs_req *r, int status, const char *text)
{
    hs_respond(r, status, "text/plain; charset=utf-8", NULL, text,
               strlen(text));
}

/* ---- auth ---------------------------------------------------------------- */

static void too_many(struct hs_req *r, int64_t wait_ms)
{
    char secs[24];
    struct hs_header h[] = {{"Retry-After", secs}, {NULL, NULL}};

    snprintf(secs, sizeof(secs), "%lld", (long long)((wait_ms + 999) / 1000));
    gw_respond_json(r, 429,
                    oa_error("Too many failed authentication attempts; retry "
                             "later",
                             "rate_limit_error", "auth_rate_limited"),
                    h);
}

bool gw_http_authorized(struct gw *g, struct hs_req *r)
{
    const char *peer = hs_peer(r), *token;
    bool loop = hs_peer_loopback(r);
    int64_t now = clock_mono_ms(), wait;
    size_t n = 0, alen = 0;
    const char *auth;

    if (g->set.auth == GW_AUTH_NONE)
        return true;
    wait = gw_limiter_locked(g->lim, peer, loop, now);
    if (wait > 0) {
        too_many(r, wait);
        return false;
    }
    auth = http_head_get(hs_head(r), "authorization", &alen);
    token = auth ? gw_bearer(auth, alen, &n) : NULL;
    if (gw_secret_ok(&g->set, token, n)) {
        gw_limiter_ok(g->lim, peer);
        return true;
    }
    log_info("unauthorized HTTP request from %s (%s)", peer,
             token ? "wrong token" : "no bearer token");
    wait = gw_limiter_fail(g->lim, peer, loop, now);
    if (wait > 0) {
        too_many(r, wait);
        return false;
    }
    gw_respond_json(r, 401,
                    json_pack("{s:{s:s, s:s}}", "error", "message",
                              "Unauthorized", "type", "unauthorized"),
                    NULL);
    return false;
}

/* ---- health ---------------------------------------------------------------
 */

static void health(struct gw *g, struct hs_req *r, bool ready)
{
    if (ready && g->draining) {
        gw_respond_json(r, 503,
                        json_pack("{s:b, s:s}", "ok", 0, "status", "draining"),
                        NULL);
        return;
    }
    gw_respond_json(
        r, 200,
        json_pack("{s:b, s:s}", "ok", 1, "status", ready ? "ready" : "live"),
        NULL);
}

/* ---- /v1/models ---------------------------------------------------------- */

static json_t *model_ids(struct gw *g)
{
    struct strlist ids = STRLIST_INIT;
    json_t *out = json_array();
    char *id;
    size_t i;

    json_array_append_new(out, json_string("openclaw"));
    json_array_append_new(out, json_string("openclaw/default"));
    config_agent_ids(g->cfg.root, &ids);
    for (i = 0; i < ids.n; i++) {
        id = xasprintf("openclaw/%s", ids.v[i]);
        json_array_append_new(out, json_string(id));
        free(id);
    }
    strlist_release(&ids);
    return out;
}

static void models(struct gw *g, struct hs_req *r, const char *one)
{
    json_t *ids = model_ids(g), *data = json_array(), *v;
    size_t i;

    json_array_foreach (ids, i, v) {
        if (one && strcmp(one, json_string_value(v)) != 0)
            continue;
        json_array_append_new(data, oa_model_entry(json_string_value(v)));
    }
    json_decref(ids);
    if (one && !json_array_size(data)) {
        json_decref(data);
        gw_respond_oa_error(r, 404, "The model does not exist",
                            "invalid_request_error", "model_not_found");
        return;
    }
    if (one) {
        v = json_incref(json_array_get(data, 0));
        json_decref(data);
        gw_respond_json(r, 200, v, NULL);
        return;
    }
    gw_respond_json(
        r, 200, json_pack("{s:s, s:o}", "object", "list", "data", data), NULL);
}

/* ---- dispatch ------------------------------------------------------------ */

static bool is(const char *method, const char *want)
{
    return strcmp(method, want) == 0;
}

static void not_allowed(struct hs_req *r, const char *allow)
{
    struct hs_header h[] = {{"Allow", allow}, {NULL, NULL}};

    hs_respond(r, 405, "text/plain; charset=utf-8", h, "Method Not Allowed",
               18);
}

static void api(struct gw *g, struct hs_req *r, const char *path)
{
    const char *m = hs_head(r)->method;

    if (!g->set.chat_completions) {
        respond_text(r, 404, "Not Found");
        return;
    }
    if (strcmp(path, "/v1/models") == 0 ||
        strncmp(path, "/v1/models/", 11) == 0) {
        if (!is(m, "GET") && !is(m, "HEAD"))
            not_allowed(r, "GET, HEAD");
        else if (gw_http_authorized(g, r))
            models(g, r, path[10] ? path + 11 : NULL);
        return;
    }
    if (strcmp(path, "/v1/chat/completions") == 0) {
        if (!is(m, "POST"))
            not_allowed(r, "POST");
        else if (gw_http_authorized(g, r))
            gw_chat_completions(g, r);
        return;
    }
    respond_text(r, 404, "Not Found");
}

void gw_handle(void *arg, struct hs_req *r)
{
    struct gw *g = arg;
    const char *path = hs_path(r), *m = hs_head(r)->method;
    bool get = is(m, "GET") || is(m, "HEAD");

    log_debug("%s %s from %s", m, path, hs_peer(r));
    if (hs_head(r)->upgrade && is(m, "GET")) {
        gw_ws_upgrade(g, r);
        return;
    }
    if (get && (strcmp(path, "/health") == 0 || strcmp(path, "/healthz") == 0))
        health(g, r, false);
    else if (get &&
             (strcmp(path, "/ready") == 0 || strcmp(path, "/readyz") == 0))
        health(g, r, true);
    else if (strcmp(path, "/v1") == 0 || strncmp(path, "/v1/", 4) == 0)
        api(g, r, path);
    else if (get && strcmp(path, "/") == 0)
        respond_text(r, 200,
                     "openclaw gateway: WebSocket on this URL; HTTP API at "
                     "/v1 (see /healthz)\n");
    else
        respond_text(r, 404, "Not Found");
}
