/*
 * Runs over WebSocket (reference openclaw-gateway-config.md §2.3):
 * chat.send (a non-blocking ack, then `chat` events: delta, final, error,
 * aborted), agent (answered twice on one request id, with `agent` events
 * in between), chat.abort and agent.wait.
 *
 * A run's id is the client's idempotencyKey; a key seen again answers
 * in_flight while its run is queued or active and the run's outcome once
 * it has ended (the last GW_WS_RUNS_KEPT runs are remembered). Runs of
 * one session key go one at a time, in arrival order (the session lane).
 * Slash commands sent through chat.send are answered from the session at
 * once, without a model call and without waiting for the lane.
 *
 * Events go to the connection that started the run. When it closes, its
 * chat runs are cancelled (nobody is left to read them, and the upstream
 * request should stop at once, as for HTTP), while agent runs carry on:
 * their reply lands in the session, and agent.wait from another
 * connection sees them end. A congested connection pauses its runs.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/sessions.h"
#include "agent/slash.h"
#include "base/clock.h"
#include "base/dlist.h"
#include "base/log.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "gateway/gw_ws_internal.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

#define WAIT_DEFAULT_MS 30000
#define WAIT_MAX_MS     (24L * 3600 * 1000)

struct gw_waiter {
    struct gw *g;
    struct gw_waiter *next, *prev;
    struct gw_wsconn *conn;
    char req_id[GW_WS_ID_MAX];
    char run_id[GW_WS_ID_MAX];
    uv_timer_t timer;
};

static void begin(struct gw_run *r);
static void cancel(struct gw_run *r);

/* ---- the list of runs ---------------------------------------------------- */

static struct gw_run *run_find(struct gw *g, const char *run_id)
{
    struct gw_run *r;

    for (r = g->runs; r; r = r->next)
        if (strcmp(r->run_id, run_id) == 0)
            return r;
    return NULL;
}

size_t gw_runs_count(const struct gw *g, enum gw_run_state st)
{
    const struct gw_run *r;
    size_t n = 0;

    for (r = g->runs; r; r = r->next)
        n += r->state == st;
    return n;
}

static void run_free(struct gw_run *r)
{
    struct gw *g = r->g;

    DLIST_UNLINK(g->runs, r);
    free(r->message);
    free(r->thinking);
    free(r->session_id);
    free(r->system);
    free(r->error);
    buf_release(&r->text);
    free(r);
}

/* Forget the oldest finished runs beyond the limit. */
static void trim(struct gw *g)
{
    struct gw_run *r, *next;
    size_t done = gw_runs_count(g, GW_RUN_DONE);

    for (r = g->runs; r && done > GW_WS_RUNS_KEPT; r = next) {
        next = r->next;
        if (r->state == GW_RUN_DONE) {
            run_free(r);
            done--;
        }
    }
}

static struct gw_run *run_new(struct gw_wsconn *c, enum gw_run_kind kind,
                              const char *run_id, const char *key)
{
    struct gw *g = c->g;
    struct gw_run *r = xcalloc(1, sizeof(*r)), **tail;

    trim(g);
    r->g = g;
    r->kind = kind;
    r->owner = c;
    str_copy(r->run_id, sizeof(r->run_id), run_id);
    gw_rpc_resolve_key(g, key, r->agent, sizeof(r->agent), r->key,
                       sizeof(r->key));
    r->accepted_at = clock_wall_ms();
    buf_init(&r->text, 0);
    for (tail = &g->runs; *tail; tail = &(*tail)->next)
        r->prev = *tail;
    *tail = r;
    return r;
}

/* ---- events -------------------------------------------------------------- */

static json_t *usage_json(const struct llm_usage *u)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}", "input",
                     (json_int_t)u->input, "output", (json_int_t)u->output,
                     "cacheRead", (json_int_t)u->cache_read, "cacheWrite",
                     (json_int_t)u->cache_write, "totalTokens",
                     (json_int_t)llm_usage_total(u), "cost", u->cost);
}

/* A chat event: {runId, sessionKey, seq, state, ...more} (more stolen). */
static void chat_event(struct gw_run *r, const char *state, json_t *more)
{
    json_t *p =
        json_pack("{s:s, s:s, s:I, s:s}", "runId", r->run_id, "sessionKey",
                  r->key, "seq", (json_int_t)++r->seq, "state", state);

    if (more) {
        json_object_update(p, more);
        json_decref(more);
    }
    gw_ws_broadcast(r->g, r->owner, "chat", p, strcmp(state, "delta") == 0);
}

/* An agent event on stream with data (stolen). */
static void agent_event(struct gw_run *r, const char *stream, json_t *data)
{
    gw_ws_broadcast(r->g, r->owner, "agent",
                    json_pack("{s:s, s:I, s:s, s:I, s:s, s:o}", "runId",
                              r->run_id, "seq", (json_int_t)++r->seq, "stream",
                              stream, "ts", (json_int_t)clock_wall_ms(),
                              "sessionKey", r->key, "data", data),
                    strcmp(stream, "assistant") == 0);
}

static void on_text(void *arg, const char *p, size_t n)
{
    struct gw_run *r = arg;

    if (!n)
        return;
    buf_add(&r->text, p, n);
    r->in_sink = true; /* a send may drop the connection: see cancel() */
    if (r->kind == GW_RUN_CHAT)
        chat_event(r, "delta", json_pack("{s:s%}", "deltaText", p, n));
    else
        agent_event(r, "assistant",
                    json_pack("{s:s%, s:s}", "delta", p, n, "text", r->text.p));
    r->in_sink = false;
}

static void on_tool_call(void *arg, const json_t *block)
{
    struct gw_run *r = arg;

    if (r->kind != GW_RUN_AGENT)
        return;
    r->in_sink = true;
    agent_event(r, "tool",
                json_pack("{s:s, s:s?, s:s?, s:O?}", "phase", "start", "name",
                          jsonx_get_str(block, "name"), "toolCallId",
                          jsonx_get_str(block, "id"), "args",
                          json_object_get(block, "arguments")));
    r->in_sink = false;
}

/* ---- the end of a run ---------------------------------------------------- */

static const char *error_kind(const char *failure)
{
    if (strcmp(failure, "rate_limit") == 0)
        return "rate_limit";
    if (strcmp(failure, "timeout") == 0)
        return "timeout";
    return "unknown";
}

static json_t *wait_result(const struct gw_run *r)
{
    json_t *res = json_pack("{s:s, s:s}", "runId", r->run_id, "status",
                            strcmp(r->status, "ok") == 0 ? "ok" : "error");

    if (r->started_at)
        json_object_set_new(res, "startedAt", json_integer(r->started_at));
    json_object_set_new(res, "endedAt", json_integer(r->ended_at));
    if (r->error)
        json_object_set_new(res, "error", json_string(r->error));
    return res;
}

static void waiter_closed(uv_handle_t *h)
{
    free(h->data);
}

static void waiter_free(struct gw_waiter *w)
{
    struct gw *g = w->g;

    DLIST_UNLINK(g->waiters, w);
    uv_timer_stop(&w->timer);
    uv_close((uv_handle_t *)&w->timer, waiter_closed);
}

static void wake_waiters(struct gw_run *r)
{
    struct gw_waiter *w, *next;

    for (w = r->g->waiters; w; w = next) {
        next = w->next;
        if (strcmp(w->run_id, r->run_id) != 0)
            continue;
        gw_ws_ok(w->conn, w->req_id, wait_result(r));
        waiter_free(w);
    }
}

static void chat_end(struct gw_run *r, const struct turn_outcome *o)
{
    if (o->ok)
        chat_event(r, "final",
                   json_pack("{s:O?, s:o, s:s}", "message", o->message, "usage",
                             usage_json(&o->usage), "stopReason",
                             o->stop_reason));
    else if (o->cancelled)
        chat_event(r, "aborted", json_pack("{s:s}", "stopReason", "aborted"));
    else
        chat_event(r, "error",
                   json_pack("{s:s, s:s}", "errorMessage", o->error,
                             "errorKind", error_kind(o->failure)));
}

static json_t *agent_result(struct gw_run *r, const struct turn_outcome *o)
{
    return json_pack("{s:[{s:s}], s:{s:I, s:{s:s, s:s, s:s, s:o, s:s}}}",
                     "payloads", "text", r->text.p ? r->text.p : "", "meta",
                     "durationMs", (json_int_t)(r->ended_at - r->started_at),
                     "agentMeta", "sessionId", o->session_id, "model", o->ref,
                     "profile", o->profile, "usage", usage_json(&o->usage),
                     "stopReason", o->stop_reason);
}

static void agent_end(struct gw_run *r, const struct turn_outcome *o)
{
    json_t *p;

    if (o->ok) {
        agent_event(r, "lifecycle",
                    json_pack("{s:s, s:I, s:I}", "phase", "end", "startedAt",
                              (json_int_t)r->started_at, "endedAt",
                              (json_int_t)r->ended_at));
        p = json_pack("{s:s, s:s, s:s, s:o}", "runId", r->run_id, "status",
                      "ok", "summary", "completed", "result",
                      agent_result(r, o));
        gw_ws_ok(r->owner, r->req_id, p);
        return;
    }
    agent_event(r, "lifecycle",
                json_pack("{s:s, s:I, s:I, s:s}", "phase", "error", "startedAt",
                          (json_int_t)r->started_at, "endedAt",
                          (json_int_t)r->ended_at, "error", r->error));
    gw_ws_send(r->owner,
               json_pack("{s:s, s:s, s:b, s:{s:s, s:s, s:s}, s:{s:s, s:s}}",
                         "type", "res", "id", r->req_id, "ok", 0, "payload",
                         "runId", r->run_id, "status", "error", "summary",
                         r->error, "error", "code", "UNAVAILABLE", "message",
                         r->error));
}

/* The next queued run of key, unless the gateway is stopping. */
static void lane_next(struct gw *g, const char *key)
{
    struct gw_run *r;

    if (g->ws_shut || g->draining || !g->srv)
        return;
    for (r = g->runs; r; r = r->next)
        if (r->state == GW_RUN_QUEUED && strcmp(r->key, key) == 0) {
            begin(r);
            return;
        }
}

static void finish(struct gw_run *r, const struct turn_outcome *o)
{
    r->turn = NULL;
    r->state = GW_RUN_DONE;
    r->ended_at = clock_wall_ms();
    str_copy(r->status, sizeof(r->status),
             o->ok          ? "ok"
             : o->cancelled ? "aborted"
                            : "error");
    if (!o->ok)
        r->error = xstrdup(o->cancelled ? "aborted" : o->error);
    log_info("ws run %s (%s, session %s): %s%s%s", r->run_id,
             r->kind == GW_RUN_CHAT ? "chat" : "agent", r->key, r->status,
             o->ok ? "" : ": ", o->ok ? "" : r->error);
    if (r->owner)
        gw_ws_hold(r->owner);
    if (r->kind == GW_RUN_CHAT)
        chat_end(r, o);
    else
        agent_end(r, o);
    if (r->owner)
        gw_ws_release(r->owner);
    wake_waiters(r);
    lane_next(r->g, r->key);
    if (!r->g->srv) /* the gateway has stopped: nobody will ask */
        run_free(r);
}

static void on_done(void *arg, const struct turn_outcome *o)
{
    finish(arg, o);
}

static void fail_now(struct gw_run *r, const char *msg, const char *failure)
{
    struct turn_outcome o;

    memset(&o, 0, sizeof(o));
    str_copy(o.error, sizeof(o.error), msg);
    str_copy(o.failure, sizeof(o.failure), failure);
    o.cancelled = strcmp(failure, "cancelled") == 0;
    finish(r, &o);
}

/* ---- the start of a run -------------------------------------------------- */

static void begin(struct gw_run *r)
{
    struct llm_sink sink = {on_text, NULL, on_tool_call, r};
    struct turn_request rq = {.agent_id = r->agent,
                              .session_key = r->key,
                              .session_id = r->session_id,
                              .thinking = r->thinking,
                              .message = r->message,
                              .system = r->system,
                              .timeout_ms = r->timeout_ms};
    struct turn_env env;
    struct oc_err err;

    r->state = GW_RUN_ACTIVE;
    r->started_at = clock_wall_ms();
    if (r->kind == GW_RUN_AGENT)
        agent_event(r, "lifecycle",
                    json_pack("{s:s, s:I}", "phase", "start", "startedAt",
                              (json_int_t)r->started_at));
    gw_turn_env(r->g, &env);
    if (!env.hc) {
        fail_now(r, "the HTTP client is unavailable", "unknown");
        return;
    }
    r->turn = turn_start(&env, &rq, &sink, on_done, r, &err);
    if (!r->turn) {
        fail_now(r, oc_err_msg(&err), "format");
        return;
    }
    if (r->owner && r->owner->congested) {
        r->paused = true;
        turn_pause(r->turn, true);
    }
}

static bool lane_busy(struct gw *g, const char *key)
{
    struct gw_run *r;

    for (r = g->runs; r; r = r->next)
        if (r->state == GW_RUN_ACTIVE && strcmp(r->key, key) == 0)
            return true;
    return false;
}

static void enqueue(struct gw_run *r)
{
    r->state = GW_RUN_QUEUED;
    if (!lane_busy(r->g, r->key))
        begin(r);
    else
        log_info("ws run %s queued behind the active run of %s", r->run_id,
                 r->key);
}

/* ---- chat.send ----------------------------------------------------------- */

static const char *const send_keys[] = {"sessionKey",
                                        "sessionId",
                                        "message",
                                        "thinking",
                                        "fastMode",
                                        "deliver",
                                        "originatingChannel",
                                        "originatingTo",
                                        "originatingAccountId",
                                        "originatingThreadId",
                                        "attachments",
                                        "timeoutMs",
                                        "systemInputProvenance",
                                        "systemProvenanceReceipt",
                                        "idempotencyKey",
                                        NULL};

/* An idempotencyKey seen before: answer from its run. */
static bool answer_known(struct gw_wsconn *c, const char *id,
                         const char *run_id)
{
    struct gw_run *r = run_find(c->g, run_id);

    if (!r)
        return false;
    gw_ws_ok(c, id,
             json_pack("{s:s, s:s}", "runId", run_id, "status",
                       r->state == GW_RUN_DONE ? r->status : "in_flight"));
    return true;
}

/* A slash command: answered as a final chat event; true when it was one. */
static bool slash(struct gw_wsconn *c, const char *id, const char *run_id,
                  const char *key, const char *text)
{
    struct gw_run *r;
    struct session s;
    struct oc_err err;
    char *dir, *reply = NULL;
    enum slash_result res = SLASH_NOT_COMMAND;

    if (text[strspn(text, " \t")] != '/')
        return false;
    r = run_new(c, GW_RUN_CHAT, run_id, key);
    dir = paths_sessions_dir(c->g->paths, r->agent);
    memset(&s, 0, sizeof(s));
    if (session_open(dir, r->key, NULL, NULL, &s, &err) != 0) {
        reply = xstrdup(oc_err_msg(&err));
        res = SLASH_HANDLED;
    } else {
        struct slash_ctx sc = {c->g->cfg.root, c->g->paths, r->agent, &s,
                               NULL,           0,           0,        0};

        res = slash_handle(&sc, text, &reply);
    }
    session_release(&s);
    free(dir);
    if (res == SLASH_NOT_COMMAND) {
        run_free(r);
        free(reply);
        return false;
    }
    if (res == SLASH_EXIT && !reply)
        reply = xstrdup("/exit only ends an interactive chat.");
    r->state = GW_RUN_DONE;
    r->started_at = r->ended_at = clock_wall_ms();
    str_copy(r->status, sizeof(r->status), "ok");
    gw_ws_ok(c, id,
             json_pack("{s:s, s:s}", "runId", run_id, "status", "started"));
    chat_event(r, "final",
               json_pack("{s:{s:s, s:[{s:s, s:s}], s:I}, s:s}", "message",
                         "role", "assistant", "content", "type", "text", "text",
                         reply ? reply : "", "timestamp",
                         (json_int_t)r->ended_at, "stopReason", "command"));
    free(reply);
    return true;
}

static bool send_params(struct gw_wsconn *c, const char *id, json_t *params,
                        const char **key, const char **msg, int64_t *timeout)
{
    json_t *att = json_object_get(params, "attachments");
    json_t *t = json_object_get(params, "timeoutMs");

    if (!gw_rpc_check_keys(c, id, "chat.send", params, send_keys) ||
        !gw_rpc_str(c, id, params, "sessionKey", true, key) ||
        !gw_rpc_str(c, id, params, "message", true, msg))
        return false;
    if (json_array_size(att)) {
        gw_ws_err(c, id, "INVALID_REQUEST",
                  "attachments are not supported by this gateway", NULL);
        return false;
    }
    if (t && (!json_is_integer(t) || json_integer_value(t) < 0)) {
        gw_ws_err(c, id, "INVALID_REQUEST",
                  "invalid params: timeoutMs: must be an integer >= 0", NULL);
        return false;
    }
    *timeout = t ? json_integer_value(t) : 0;
    return true;
}

void gw_rpc_chat_send(struct gw_wsconn *c, const char *id, json_t *params)
{
    const char *key, *msg, *run_id, *thinking, *sid;
    int64_t timeout = 0;
    struct gw_run *r;

    if (!send_params(c, id, params, &key, &msg, &timeout) ||
        !gw_rpc_str(c, id, params, "idempotencyKey", true, &run_id) ||
        !gw_rpc_str(c, id, params, "thinking", false, &thinking) ||
        !gw_rpc_str(c, id, params, "sessionId", false, &sid))
        return;
    if (strlen(run_id) >= GW_WS_ID_MAX || strlen(key) >= GW_WS_KEY_MAX) {
        gw_ws_err(c, id, "INVALID_REQUEST",
                  "idempotencyKey or sessionKey is too long", NULL);
        return;
    }
    if (answer_known(c, id, run_id) || slash(c, id, run_id, key, msg))
        return;
    r = run_new(c, GW_RUN_CHAT, run_id, key);
    r->message = xstrdup(msg);
    r->thinking = thinking ? xstrdup(thinking) : NULL;
    r->session_id = sid ? xstrdup(sid) : NULL;
    r->timeout_ms = (long)timeout;
    log_info("ws %s: chat.send %s (session %s)", c->id, run_id, r->key);
    gw_ws_ok(c, id,
             json_pack("{s:s, s:s}", "runId", run_id, "status", "started"));
    enqueue(r);
}

/* ---- chat.abort ---------------------------------------------------------- */

static const char *const abort_keys[] = {"sessionKey", "runId", NULL};

static void abort_run(struct gw_run *r)
{
    if (r->state == GW_RUN_QUEUED) {
        fail_now(r, "aborted", "cancelled");
        return;
    }
    if (r->turn)
        cancel(r);
}

void gw_rpc_chat_abort(struct gw_wsconn *c, const char *id, json_t *params)
{
    const char *key, *run_id;
    char agent[64], full[GW_WS_KEY_MAX];
    struct gw_run *r, *next;
    json_t *ids;

    if (!gw_rpc_check_keys(c, id, "chat.abort", params, abort_keys) ||
        !gw_rpc_str(c, id, params, "sessionKey", true, &key) ||
        !gw_rpc_str(c, id, params, "runId", false, &run_id))
        return;
    gw_rpc_resolve_key(c->g, key, agent, sizeof(agent), full, sizeof(full));
    ids = json_array();
    /* queued runs first, so cancelling the active one starts none */
    for (r = c->g->runs; r; r = next) {
        next = r->next;
        if (r->state == GW_RUN_QUEUED && strcmp(r->key, full) == 0 &&
            (!run_id || strcmp(r->run_id, run_id) == 0)) {
            json_array_append_new(ids, json_string(r->run_id));
            abort_run(r);
        }
    }
    for (r = c->g->runs; r; r = r->next)
        if (r->state == GW_RUN_ACTIVE && strcmp(r->key, full) == 0 &&
            (!run_id || strcmp(r->run_id, run_id) == 0)) {
            json_array_append_new(ids, json_string(r->run_id));
            abort_run(r);
        }
    gw_ws_ok(c, id,
             json_pack("{s:b, s:b, s:o}", "ok", 1, "aborted",
                       json_array_size(ids) > 0, "runIds", ids));
}

/* ---- agent --------------------------------------------------------------- */

static const char *const agent_keys[] = {"message",
                                         "agentId",
                                         "sessionKey",
                                         "sessionId",
                                         "to",
                                         "thinking",
                                         "deliver",
                                         "channel",
                                         "replyTo",
                                         "replyChannel",
                                         "replyAccountId",
                                         "accountId",
                                         "threadId",
                                         "timeout",
                                         "extraSystemPrompt",
                                         "label",
                                         "lane",
                                         "bestEffortDeliver",
                                         "attachments",
                                         "inputProvenance",
                                         "idempotencyKey",
                                         "spawnedBy",
                                         NULL};

/* The session key an agent request names (caller frees), or NULL after
 * answering an error. */
static char *agent_key(struct gw_wsconn *c, const char *id, json_t *params)
{
    const char *key, *agent;
    char *norm, *out = NULL;

    if (!gw_rpc_str(c, id, params, "sessionKey", false, &key) ||
        !gw_rpc_str(c, id, params, "agentId", false, &agent))
        return NULL;
    if (key)
        return xstrdup(key);
    norm = agent ? paths_normalize_agent_id(agent)
                 : config_default_agent_id(c->g->cfg.root);
    if (config_has_agent(c->g->cfg.root, norm))
        out = xasprintf("agent:%s:main", norm);
    else
        gw_ws_err(c, id, "INVALID_REQUEST", "unknown agent id", NULL);
    free(norm);
    return out;
}

static bool agent_params(struct gw_wsconn *c, const char *id, json_t *params,
                         const char **msg, const char **run_id,
                         int64_t *timeout)
{
    json_t *t = json_object_get(params, "timeout");

    if (!gw_rpc_check_keys(c, id, "agent", params, agent_keys) ||
        !gw_rpc_str(c, id, params, "message", true, msg) ||
        !gw_rpc_str(c, id, params, "idempotencyKey", true, run_id))
        return false;
    if (t && (!json_is_integer(t) || json_integer_value(t) < 0 ||
              json_integer_value(t) > 86400)) {
        gw_ws_err(c, id, "INVALID_REQUEST",
                  "invalid agent params: timeout: seconds, 0 to 86400", NULL);
        return false;
    }
    if (strlen(*run_id) >= GW_WS_ID_MAX) {
        gw_ws_err(c, id, "INVALID_REQUEST", "idempotencyKey is too long", NULL);
        return false;
    }
    *timeout = t ? json_integer_value(t) * 1000 : 0;
    return true;
}

void gw_rpc_agent(struct gw_wsconn *c, const char *id, json_t *params)
{
    const char *msg, *run_id, *thinking, *sid, *sys;
    int64_t timeout = 0;
    struct gw_run *r;
    char *key;

    if (!agent_params(c, id, params, &msg, &run_id, &timeout) ||
        !gw_rpc_str(c, id, params, "thinking", false, &thinking) ||
        !gw_rpc_str(c, id, params, "sessionId", false, &sid) ||
        !gw_rpc_str(c, id, params, "extraSystemPrompt", false, &sys))
        return;
    if (answer_known(c, id, run_id) || !(key = agent_key(c, id, params)))
        return;
    r = run_new(c, GW_RUN_AGENT, run_id, key);
    free(key);
    str_copy(r->req_id, sizeof(r->req_id), id);
    r->message = xstrdup(msg);
    r->thinking = thinking ? xstrdup(thinking) : NULL;
    r->session_id = sid ? xstrdup(sid) : NULL;
    r->system = sys ? xstrdup(sys) : NULL;
    r->timeout_ms = (long)timeout;
    log_info("ws %s: agent %s (session %s)", c->id, run_id, r->key);
    gw_ws_ok(c, id,
             json_pack("{s:s, s:s, s:I}", "runId", run_id, "status", "accepted",
                       "acceptedAt", (json_int_t)r->accepted_at));
    enqueue(r);
}

/* ---- agent.wait ---------------------------------------------------------- */

static const char *const wait_keys[] = {"runId", "timeoutMs", NULL};

static void on_wait_timeout(uv_timer_t *t)
{
    struct gw_waiter *w = t->data;

    gw_ws_ok(w->conn, w->req_id,
             json_pack("{s:s, s:s}", "runId", w->run_id, "status", "timeout"));
    waiter_free(w);
}

void gw_rpc_agent_wait(struct gw_wsconn *c, const char *id, json_t *params)
{
    const char *run_id;
    json_t *t = json_object_get(params, "timeoutMs");
    int64_t ms = t ? json_integer_value(t) : WAIT_DEFAULT_MS;
    struct gw_run *r;
    struct gw_waiter *w;

    if (!gw_rpc_check_keys(c, id, "agent.wait", params, wait_keys) ||
        !gw_rpc_str(c, id, params, "runId", true, &run_id))
        return;
    if ((t && !json_is_integer(t)) || ms < 0 || ms > WAIT_MAX_MS ||
        strlen(run_id) >= GW_WS_ID_MAX || strlen(id) >= GW_WS_ID_MAX) {
        gw_ws_err(c, id, "INVALID_REQUEST",
                  "invalid agent.wait params: timeoutMs: an integer >= 0",
                  NULL);
        return;
    }
    r = run_find(c->g, run_id);
    if (r && r->state == GW_RUN_DONE) {
        gw_ws_ok(c, id, wait_result(r));
        return;
    }
    w = xcalloc(1, sizeof(*w));
    w->g = c->g;
    w->conn = c;
    str_copy(w->req_id, sizeof(w->req_id), id);
    str_copy(w->run_id, sizeof(w->run_id), run_id);
    uv_timer_init(c->g->loop, &w->timer);
    w->timer.data = w;
    uv_timer_start(&w->timer, on_wait_timeout, (uint64_t)ms, 0);
    DLIST_PUSH(c->g->waiters, w);
}

/* ---- connections and shutdown -------------------------------------------- */

void gw_runs_pause(struct gw_wsconn *c, bool paused)
{
    struct gw_run *r;

    for (r = c->g->runs; r; r = r->next)
        if (r->owner == c && r->turn && r->paused != paused) {
            r->paused = paused;
            turn_pause(r->turn, paused);
        }
}

/* Cancel r's turn; from inside its own callback (a send that dropped the
 * connection) the transfer cannot be torn down, so the housekeeping
 * timer does it at once after. */
static void cancel(struct gw_run *r)
{
    r->abort_requested = true;
    if (!r->in_sink) {
        turn_cancel(r->turn);
        return;
    }
    r->cancel_pending = true;
    gw_ws_kick(r->g);
}

void gw_runs_flush_cancels(struct gw *g)
{
    struct gw_run *r;

    for (r = g->runs; r; r = r->next)
        if (r->cancel_pending && r->turn && !r->in_sink) {
            r->cancel_pending = false;
            turn_cancel(r->turn);
            return; /* the list may have changed: the next kick goes on */
        }
}

/* Cancel runs matching (owner c, or all when c is NULL): queued ones
 * first so that no cancellation starts another. */
static void cancel_runs(struct gw *g, const struct gw_wsconn *c, bool chat_only)
{
    struct gw_run *r, *next;

    for (r = g->runs; r; r = next) {
        next = r->next; /* fail_now may free r once the gateway stopped */
        if (c && r->owner != c)
            continue;
        if (chat_only && r->kind != GW_RUN_CHAT) {
            r->owner = NULL;
            continue;
        }
        r->owner = NULL;
        if (r->state == GW_RUN_QUEUED)
            fail_now(r, "aborted", "cancelled");
    }
    for (r = g->runs; r; r = next) {
        /* cancel may finish and free r, never another run (lane_next
         * starts none once the gateway stopped) */
        next = r->next; // NOLINT(clang-analyzer-unix.Malloc)
        if (r->state == GW_RUN_ACTIVE && r->turn && !r->owner &&
            (!chat_only || r->kind == GW_RUN_CHAT) && !r->abort_requested)
            cancel(r);
    }
}

void gw_runs_conn_gone(struct gw_wsconn *c)
{
    struct gw_waiter *w, *next;

    for (w = c->g->waiters; w; w = next) {
        next = w->next;
        if (w->conn == c)
            waiter_free(w);
    }
    cancel_runs(c->g, c, true);
}

void gw_runs_cancel_all(struct gw *g)
{
    struct gw_run *r, *next;

    while (g->waiters)
        waiter_free(g->waiters);
    cancel_runs(g, NULL, false);
    for (r = g->runs; r; r = next) {
        next = r->next;
        if (r->state == GW_RUN_DONE)
            run_free(r);
    }
}
