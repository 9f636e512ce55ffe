/*
 * WebSocket methods after connect (reference openclaw-gateway-config.md
 * §2.3): the table with each method's scope, parameter checks (unknown
 * properties are refused, as OpenClaw's schemas do), and the methods
 * that answer at once: health, status, chat.history, sessions.list,
 * sessions.patch (through the /model and /think code), sessions.reset,
 * models.list. chat.send, chat.abort, agent and agent.wait are in
 * gw_rpc_run.c.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/sessions.h"
#include "agent/slash.h"
#include "base/clock.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "gateway/gw_ws_internal.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"
#include "base/str.h"
#include "base/banned.h"

#define HISTORY_DEFAULT  200
#define HISTORY_MAX      1000
#define HISTORY_OMITTED  "[chat.history omitted: message too large]"
#define SESSIONS_DEFAULT 100

/* ---- params -------------------------------------------------------------- */

bool gw_rpc_check_keys(struct gw_wsconn *c, const char *id, const char *method,
                       json_t *params, const char *const *allowed)
{
    const char *key;
    const char *const *k;
    char msg[256];
    json_t *v;

    if (!json_is_object(params)) {
        snprintf(msg, sizeof(msg), "invalid %s params: must be an object",
                 method);
        gw_ws_err(c, id, "INVALID_REQUEST", msg, NULL);
        return false;
    }
    json_object_foreach (params, key, v) {
        for (k = allowed; *k && strcmp(*k, key) != 0; k++)
            ;
        if (*k)
            continue;
        snprintf(msg, sizeof(msg),
                 "invalid %s params: at root: unexpected property '%.64s'",
                 method, key);
        gw_ws_err(c, id, "INVALID_REQUEST", msg, NULL);
        return false;
    }
    return true;
}

bool gw_rpc_str(struct gw_wsconn *c, const char *id, const json_t *params,
                const char *key, bool required, const char **out)
{
    json_t *v = json_object_get(params, key);
    char msg[160];

    *out = NULL;
    if (!v && !required)
        return true;
    if (json_is_string(v) && (!required || *json_string_value(v))) {
        *out = json_string_value(v);
        return true;
    }
    snprintf(msg, sizeof(msg), "invalid params: %s: %s", key,
             v ? "must be a non-empty string" : "is required");
    gw_ws_err(c, id, "INVALID_REQUEST", msg, NULL);
    return false;
}

/* An optional integer param in [1, hi]; false (error sent) otherwise. */
static bool get_limit(struct gw_wsconn *c, const char *id, const json_t *params,
                      const char *key, int64_t hi, int64_t *out)
{
    json_t *v = json_object_get(params, key);
    char msg[160];

    if (!v)
        return true;
    if (json_is_integer(v) && json_integer_value(v) >= 1 &&
        json_integer_value(v) <= hi) {
        *out = json_integer_value(v);
        return true;
    }
    snprintf(msg, sizeof(msg),
             "invalid params: %s: must be an integer from 1 to %lld", key,
             (long long)hi);
    gw_ws_err(c, id, "INVALID_REQUEST", msg, NULL);
    return false;
}

char *gw_rpc_agent_of(struct gw *g, const char *key)
{
    const char *rest, *colon;
    char *raw, *id;

    if (!key || strncmp(key, "agent:", 6) != 0)
        return config_default_agent_id(g->cfg.root);
    rest = key + 6;
    colon = strchr(rest, ':');
    raw = xmemdupz(rest, colon ? (size_t)(colon - rest) : strlen(rest));
    id = paths_normalize_agent_id(raw);
    free(raw);
    return id;
}

void gw_rpc_resolve_key(struct gw *g, const char *key, char *agent, size_t asz,
                        char *full, size_t fsz)
{
    char *a = gw_rpc_agent_of(g, key);
    char *k = session_key(a, key && *key ? key : "main");

    str_copy(agent, asz, a);
    str_copy(full, fsz, k);
    free(a);
    free(k);
}

static char *sessions_dir(struct gw *g, const char *agent)
{
    return paths_sessions_dir(g->paths, agent);
}

/* Open the session a client named; false with the error sent. */
static bool open_session(struct gw_wsconn *c, const char *id, const char *key,
                         struct session *s, char *agent, size_t asz)
{
    char full[GW_WS_KEY_MAX], *dir;
    struct oc_err err;
    int rc;

    gw_rpc_resolve_key(c->g, key, agent, asz, full, sizeof(full));
    dir = sessions_dir(c->g, agent);
    memset(s, 0, sizeof(*s));
    rc = session_open(dir, full, NULL, NULL, s, &err);
    free(dir);
    if (rc == 0)
        return true;
    gw_ws_err(c, id, "UNAVAILABLE", oc_err_msg(&err), NULL);
    session_release(s);
    return false;
}

/* ---- health and status --------------------------------------------------- */

static json_t *session_count(struct gw *g, const char *agent)
{
    char *dir = sessions_dir(g, agent);
    json_t *all = session_list(dir, NULL);
    json_t *out = json_pack("{s:s, s:I}", "path", dir, "count",
                            (json_int_t)json_object_size(all));

    json_decref(all);
    free(dir);
    return out;
}

json_t *gw_rpc_health(struct gw *g)
{
    char *agent = config_default_agent_id(g->cfg.root);
    int64_t t0 = clock_mono_ms();
    json_t *h =
        json_pack("{s:b, s:I, s:s, s:I, s:I, s:{s:I, s:I}, s:s, s:o}", "ok", 1,
                  "ts", (json_int_t)clock_wall_ms(), "version", OC_VERSION,
                  "uptimeMs", (json_int_t)(t0 - g->started_ms), "connections",
                  (json_int_t)gw_ws_authed_count(g), "runs", "active",
                  (json_int_t)gw_runs_count(g, GW_RUN_ACTIVE), "queued",
                  (json_int_t)gw_runs_count(g, GW_RUN_QUEUED), "defaultAgentId",
                  agent, "sessions", session_count(g, agent));

    json_object_set_new(h, "durationMs", json_integer(clock_mono_ms() - t0));
    free(agent);
    return h;
}

static const char *const no_keys[] = {NULL};
static const char *const health_keys[] = {"probe", NULL};

static void m_health(struct gw_wsconn *c, const char *id, json_t *params)
{
    if (gw_rpc_check_keys(c, id, "health", params, health_keys))
        gw_ws_ok(c, id, gw_rpc_health(c->g));
}

static void m_status(struct gw_wsconn *c, const char *id, json_t *params)
{
    struct gw *g = c->g;
    char *agent;
    json_t *st;

    if (!gw_rpc_check_keys(c, id, "status", params, no_keys))
        return;
    agent = config_default_agent_id(g->cfg.root);
    st =
        json_pack("{s:I, s:s, s:I, s:{s:i, s:s, s:s, s:b, s:I}, s:s, s:s, s:o, "
                  "s:{s:I, s:I}, s:s}",
                  "ts", (json_int_t)clock_wall_ms(), "version", OC_VERSION,
                  "uptimeMs", (json_int_t)(clock_mono_ms() - g->started_ms),
                  "gateway", "port", g->port, "bind", g->set.bind, "authMode",
                  gw_auth_mode_name(g->set.auth), "chatCompletions",
                  g->set.chat_completions, "connections",
                  (json_int_t)gw_ws_authed_count(g), "defaultAgentId", agent,
                  "defaultModel", modelref_default(g->cfg.root, agent),
                  "sessions", session_count(g, agent), "runs", "active",
                  (json_int_t)gw_runs_count(g, GW_RUN_ACTIVE), "queued",
                  (json_int_t)gw_runs_count(g, GW_RUN_QUEUED), "stateDir",
                  g->paths->state_dir);
    if (g->cfg.path)
        json_object_set_new(st, "configPath", json_string(g->cfg.path));
    free(agent);
    gw_ws_ok(c, id, st);
}

/* ---- chat.history -------------------------------------------------------- */

static const char *const history_keys[] = {"sessionKey", "limit", "maxChars",
                                           NULL};

static json_t *clip_messages(json_t *msgs, int64_t max_chars)
{
    json_t *out = json_array(), *m;
    char *text;
    size_t i;

    json_array_foreach (msgs, i, m) {
        text = max_chars ? jsonx_dumps(m, 0) : NULL;
        if (text && (int64_t)strlen(text) > max_chars)
            json_array_append_new(
                out,
                json_pack("{s:s, s:[{s:s, s:s}]}", "role",
                          jsonx_get_str(m, "role") ? jsonx_get_str(m, "role")
                                                   : "assistant",
                          "content", "type", "text", "text", HISTORY_OMITTED));
        else
            json_array_append(out, m);
        free(text);
    }
    return out;
}

static void m_history(struct gw_wsconn *c, const char *id, json_t *params)
{
    int64_t limit = HISTORY_DEFAULT, max_chars = 0;
    const char *key;
    struct session s;
    char agent[64];
    json_t *msgs, *res;

    if (!gw_rpc_check_keys(c, id, "chat.history", params, history_keys) ||
        !gw_rpc_str(c, id, params, "sessionKey", true, &key) ||
        !get_limit(c, id, params, "limit", HISTORY_MAX, &limit) ||
        !get_limit(c, id, params, "maxChars", 500000, &max_chars) ||
        !open_session(c, id, key, &s, agent, sizeof(agent)))
        return;
    msgs = session_history(&s, (size_t)limit);
    res = json_pack("{s:s, s:s, s:o}", "sessionKey", s.key, "sessionId", s.id,
                    "messages", clip_messages(msgs, max_chars));
    if (jsonx_get_str(s.entry, "thinkingLevel"))
        json_object_set_new(
            res, "thinkingLevel",
            json_string(jsonx_get_str(s.entry, "thinkingLevel")));
    json_decref(msgs);
    session_release(&s);
    gw_ws_ok(c, id, res);
}

/* ---- sessions.* ---------------------------------------------------------- */

static const char *const list_keys[] = {"limit",
                                        "activeMinutes",
                                        "includeGlobal",
                                        "includeUnknown",
                                        "label",
                                        "spawnedBy",
                                        "agentId",
                                        "search",
                                        "includeDerivedTitles",
                                        "includeLastMessage",
                                        NULL};

static const char *const row_fields[] = {"sessionId",
                                         "updatedAt",
                                         "providerOverride",
                                         "modelOverride",
                                         "authProfileOverride",
                                         "thinkingLevel",
                                         "modelProvider",
                                         "model",
                                         "inputTokens",
                                         "outputTokens",
                                         "totalTokens",
                                         "label",
                                         NULL};

static json_t *row_of(const char *agent, const char *key, json_t *entry)
{
    json_t *row = json_pack("{s:s, s:s, s:s}", "key", key, "agentId", agent,
                            "kind", "direct");
    const char *const *f;
    json_t *v;

    for (f = row_fields; *f; f++)
        if ((v = json_object_get(entry, *f)))
            json_object_set(row, *f, v);
    return row;
}

struct row {
    int64_t at;
    json_t *v;
};

static int by_updated(const void *a, const void *b)
{
    const struct row *x = a, *y = b;

    return (x->at < y->at) - (x->at > y->at);
}

static void add_rows(struct gw *g, const char *agent, json_t *rows)
{
    char *dir = sessions_dir(g, agent);
    json_t *all = session_list(dir, NULL), *entry;
    const char *key;

    json_object_foreach (all, key, entry)
        json_array_append_new(rows, row_of(agent, key, entry));
    json_decref(all);
    free(dir);
}

static json_t *sorted(json_t *rows, size_t limit)
{
    size_t n = json_array_size(rows), i;
    struct row *v = xcalloc(n ? n : 1, sizeof(struct row));
    json_t *out = json_array();

    for (i = 0; i < n; i++) {
        v[i].v = json_array_get(rows, i);
        jsonx_get_int(v[i].v, "updatedAt", &v[i].at);
    }
    qsort(v, n, sizeof(struct row), by_updated);
    for (i = 0; i < n && i < limit; i++)
        json_array_append(out, v[i].v);
    free(v);
    return out;
}

static void m_sessions_list(struct gw_wsconn *c, const char *id, json_t *params)
{
    struct strlist ids = STRLIST_INIT;
    int64_t limit = SESSIONS_DEFAULT;
    const char *only;
    json_t *rows;
    size_t i;
    char *def;

    if (!gw_rpc_check_keys(c, id, "sessions.list", params, list_keys) ||
        !gw_rpc_str(c, id, params, "agentId", false, &only) ||
        !get_limit(c, id, params, "limit", 10000, &limit))
        return;
    rows = json_array();
    config_agent_ids(c->g->cfg.root, &ids);
    for (i = 0; i < ids.n; i++)
        if (!only || strcmp(only, ids.v[i]) == 0)
            add_rows(c->g, ids.v[i], rows);
    strlist_release(&ids);
    def = config_default_agent_id(c->g->cfg.root);
    gw_ws_ok(c, id,
             json_pack("{s:I, s:I, s:{s:s}, s:o}", "ts",
                       (json_int_t)clock_wall_ms(), "count",
                       (json_int_t)json_array_size(rows), "defaults", "model",
                       modelref_default(c->g->cfg.root, def), "sessions",
                       sorted(rows, (size_t)limit)));
    json_decref(rows);
    free(def);
}

static const char *const patch_keys[] = {"key", "model", "thinkingLevel", NULL};

static bool accepted_reply(const char *reply)
{
    static const char *const ok[] = {"Model set to", "Model reset to",
                                     "Thinking level", "Thinking disabled",
                                     NULL};
    const char *const *k;

    for (k = ok; *k; k++)
        if (strncmp(reply, *k, strlen(*k)) == 0 &&
            strncmp(reply, "Thinking level \"", 16) != 0)
            return true;
    return false;
}

/* One /model or /think through the slash code; false (error sent) when
 * it was refused. */
static bool patch_one(struct gw_wsconn *c, const char *id, struct slash_ctx *sc,
                      const char *cmd, const json_t *v)
{
    char *text, *reply = NULL;
    bool ok;

    if (!json_is_string(v) && !json_is_null(v)) {
        gw_ws_err(c, id, "INVALID_REQUEST",
                  "invalid sessions.patch params: model and thinkingLevel "
                  "must be strings or null",
                  NULL);
        return false;
    }
    text = xasprintf("%s %s", cmd,
                     json_is_null(v) ? "default" : json_string_value(v));
    slash_handle(sc, text, &reply);
    ok = reply && accepted_reply(reply);
    if (!ok)
        gw_ws_err(c, id, "INVALID_REQUEST",
                  reply ? reply : "sessions.patch: refused", NULL);
    free(reply);
    free(text);
    return ok;
}

static void m_sessions_patch(struct gw_wsconn *c, const char *id,
                             json_t *params)
{
    const char *key;
    struct session s;
    char agent[64];
    json_t *v;
    bool ok = true;

    if (!gw_rpc_check_keys(c, id, "sessions.patch", params, patch_keys) ||
        !gw_rpc_str(c, id, params, "key", true, &key) ||
        !open_session(c, id, key, &s, agent, sizeof(agent)))
        return;
    {
        struct slash_ctx sc = {c->g->cfg.root, c->g->paths, agent, &s,
                               NULL,           0,           0,     0};

        if ((v = json_object_get(params, "model")))
            ok = patch_one(c, id, &sc, "/model", v);
        if (ok && (v = json_object_get(params, "thinkingLevel")))
            ok = patch_one(c, id, &sc, "/think", v);
    }
    if (ok)
        gw_ws_ok(c, id,
                 json_pack("{s:b, s:s, s:O}", "ok", 1, "key", s.key, "entry",
                           s.entry));
    session_release(&s);
}

static const char *const reset_keys[] = {"key", "reason", NULL};

static void m_sessions_reset(struct gw_wsconn *c, const char *id,
                             json_t *params)
{
    const char *key;
    struct session s;
    struct oc_err err;
    char agent[64];

    if (!gw_rpc_check_keys(c, id, "sessions.reset", params, reset_keys) ||
        !gw_rpc_str(c, id, params, "key", true, &key) ||
        !open_session(c, id, key, &s, agent, sizeof(agent)))
        return;
    if (session_reset(&s, &err) != 0)
        gw_ws_err(c, id, "UNAVAILABLE", oc_err_msg(&err), NULL);
    else
        gw_ws_ok(c, id,
                 json_pack("{s:b, s:s, s:O}", "ok", 1, "key", s.key, "entry",
                           s.entry));
    session_release(&s);
}

/* ---- models.list --------------------------------------------------------- */

static void add_model(const struct model_info *m, void *arg)
{
    json_t *row = json_pack("{s:s, s:s, s:s, s:b}", "id", m->id, "name",
                            m->name ? m->name : m->id, "provider", m->provider,
                            "reasoning", m->reasoning);

    if (m->context_window)
        json_object_set_new(row, "contextWindow",
                            json_integer(m->context_window));
    json_array_append_new(arg, row);
}

static void m_models_list(struct gw_wsconn *c, const char *id, json_t *params)
{
    json_t *models;

    if (!gw_rpc_check_keys(c, id, "models.list", params, no_keys))
        return;
    models = json_array();
    catalogue_each(c->g->cfg.root, NULL, add_model, models);
    gw_ws_ok(c, id, json_pack("{s:o}", "models", models));
}

/* ---- the table ----------------------------------------------------------- */

struct method {
    const char *name;
    bool write; /* needs operator.write (else operator.read) */
    void (*fn)(struct gw_wsconn *c, const char *id, json_t *params);
};

static const struct method methods[] = {
    {"health", false, m_health},
    {"status", false, m_status},
    {"chat.send", true, gw_rpc_chat_send},
    {"chat.history", false, m_history},
    {"chat.abort", true, gw_rpc_chat_abort},
    {"sessions.list", false, m_sessions_list},
    {"sessions.patch", true, m_sessions_patch},
    {"sessions.reset", true, m_sessions_reset},
    {"models.list", false, m_models_list},
    {"agent", true, gw_rpc_agent},
    {"agent.wait", true, gw_rpc_agent_wait},
    {NULL, false, NULL},
};

static const char *const events[] = {
    "connect.challenge", "tick", "chat", "agent", "shutdown", NULL};

json_t *gw_rpc_methods(void)
{
    json_t *a = json_array();
    const struct method *m;

    for (m = methods; m->name; m++)
        json_array_append_new(a, json_string(m->name));
    return a;
}

json_t *gw_rpc_events(void)
{
    json_t *a = json_array();
    const char *const *e;

    for (e = events; *e; e++)
        json_array_append_new(a, json_string(*e));
    return a;
}

void gw_rpc_dispatch(struct gw_wsconn *c, const char *id, const char *method,
                     json_t *params)
{
    const struct method *m;
    json_t *empty = NULL;
    char msg[200];

    for (m = methods; m->name && strcmp(m->name, method) != 0; m++)
        ;
    if (!m->name) {
        snprintf(msg, sizeof(msg), "unknown method: %.100s", method);
        gw_ws_err(c, id, "INVALID_REQUEST", msg, NULL);
        return;
    }
    if (!(m->write ? c->write : c->read)) { /* admin implies both */
        snprintf(msg, sizeof(msg), "missing scope: operator.%s",
                 m->write ? "write" : "read");
        gw_ws_err(c, id, "FORBIDDEN", msg,
                  json_pack("{s:s}", "code", "MISSING_SCOPE"));
        return;
    }
    if (!params)
        params = empty = json_object();
    gw_ws_hold(c);
    m->fn(c, id, params);
    gw_ws_release(c);
    json_decref(empty);
}
