/*
 * POST /v1/chat/completions: an OpenAI request run as an agent turn
 * (reference openclaw-gateway-config.md §2.4, openclaw-peer-observed.md
 * §10).
 *
 * Routing: `model` "openclaw" / "openclaw/<agentId>", or the
 * x-openclaw-agent-id header; x-openclaw-model overrides the backend
 * model. Session: x-openclaw-session-key (reserved prefixes subagent:,
 * cron:, acp: refused), else the OpenAI `user` ("openai-user:<user>"),
 * else stateless (the request's own messages are the conversation and
 * nothing is written).
 *
 * Streaming answers 200 at once with the role chunk, then content and
 * tool_calls chunks as the model produces them, a finish chunk, the usage
 * chunk when stream_options.include_usage, and [DONE]; a failure after
 * the start is sent as `data: {"error":…}` then [DONE]. A client that
 * reads slowly pauses the model's stream (turn_pause) until its queue
 * drains; a client that goes away cancels the turn, which aborts the
 * upstream transfer at once.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/sessions.h"
#include "agent/slash.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/dlist.h"
#include "base/log.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "gateway/gw_internal.h"
#include "gateway/openai_compat.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

#define SESSION_KEY_MAX 200

struct gw_call {
    struct gw *g;
    struct gw_call *next, *prev;
    struct hs_req *req; /* NULL once the request has ended */
    struct turn *turn;  /* NULL once the turn is done */
    struct oa_request q;
    char id[48];
    int64_t created;
    int tools; /* tool calls streamed so far */
    bool paused;
    struct buf chunk_prefix; /* oa_chunk_prefix, made at the first delta */
};

/* ---- the list of calls ----------------------------------------------------
 */

static struct gw_call *call_new(struct gw *g, struct hs_req *r)
{
    struct gw_call *c = xcalloc(1, sizeof(*c));

    c->g = g;
    c->req = r;
    c->created = clock_wall_ms() / 1000;
    gw_new_id(g, "chatcmpl-", c->id, sizeof(c->id));
    oa_request_init(&c->q);
    buf_init(&c->chunk_prefix, 0);
    DLIST_PUSH(g->calls, c);
    return c;
}

static void call_free(struct gw_call *c)
{
    struct gw *g = c->g;

    DLIST_UNLINK(g->calls, c);
    oa_request_release(&c->q);
    buf_release(&c->chunk_prefix);
    free(c);
    gw_maybe_stop(g);
}

size_t gw_calls_active(const struct gw *g)
{
    const struct gw_call *c;
    size_t n = 0;

    for (c = g->calls; c; c = c->next)
        n++;
    return n;
}

/* ---- stream output ------------------------------------------------------- */

/* Write one SSE event (b holds it whole) and release b. */
static void sse_write(struct gw_call *c, struct buf *b)
{
    if (c->req && hs_write(c->req, b->p, b->len) == 0 && c->turn &&
        !c->paused && hs_congested(c->req)) {
        c->paused = true;
        turn_pause(c->turn, true);
    }
    buf_release(b);
}

static void sse_send(struct gw_call *c, json_t *doc)
{
    struct buf b;

    buf_init(&b, 0);
    buf_addstr(&b, "data: ");
    if (doc)
        jsonx_dump(doc, 0, &b);
    else
        buf_addstr(&b, "[DONE]");
    buf_addstr(&b, "\n\n");
    json_decref(doc);
    sse_write(c, &b);
}

static void chunk(struct gw_call *c, json_t *delta, const char *finish)
{
    sse_send(c, oa_chunk(c->id, c->created, c->q.model, delta, finish));
}

static void on_text(void *arg, const char *p, size_t n)
{
    struct gw_call *c = arg;
    struct buf b;
    json_t *delta;

    if (!c->q.stream || !c->req || !n)
        return;
    /* the common event of a stream, written without a jansson tree */
    if (!c->chunk_prefix.len)
        oa_chunk_prefix(c->id, c->created, c->q.model, &c->chunk_prefix);
    buf_init(&b, 0);
    buf_addstr(&b, "data: ");
    if (oa_text_chunk(&c->chunk_prefix, p, n, &b) == 0) {
        buf_addstr(&b, "\n\n");
        sse_write(c, &b);
        return;
    }
    buf_release(&b);
    delta = json_object();
    json_object_set_new(delta, "content", json_stringn(p, n));
    chunk(c, delta, NULL);
}

static void on_tool_call(void *arg, const json_t *block)
{
    struct gw_call *c = arg;
    json_t *msg, *calls, *one;

    if (!c->q.stream || !c->req)
        return;
    msg = json_pack("{s:[O]}", "content", block);
    calls = oa_tool_calls(msg);
    json_decref(msg);
    one = json_array_get(calls, 0);
    if (one) {
        json_object_set_new(one, "index", json_integer(c->tools++));
        chunk(c, json_pack("{s:O}", "tool_calls", calls), NULL);
    }
    json_decref(calls);
}

static void on_drain(void *arg)
{
    struct gw_call *c = arg;

    if (c->paused && c->turn) {
        c->paused = false;
        turn_pause(c->turn, false);
    }
}

static void on_abort(void *arg)
{
    struct gw_call *c = arg;

    log_info("%s: client went away; cancelling", c->id);
    if (c->req) {
        hs_release(c->req);
        c->req = NULL;
    }
    /* The server calls this from the loop, never from inside our own
     * writes (server.h), so the transfer can be torn down here. This may
     * finish the turn at once, freeing c. */
    if (c->turn)
        turn_cancel(c->turn);
}

/* ---- the end ------------------------------------------------------------- */

static void fail(struct gw_call *c, const struct turn_outcome *o)
{
    struct oa_failure f;

    oa_failure_of(o->failure, &f);
    log_info("%s: failed (%s, %d): %s", c->id, o->failure, f.status, o->error);
    if (c->q.stream) {
        sse_send(c, oa_error(o->error, f.type, f.code));
        sse_send(c, NULL);
        hs_end(c->req);
    } else {
        gw_respond_oa_error(c->req, f.status, o->error, f.type, f.code);
    }
}

static void succeed(struct gw_call *c, const struct turn_outcome *o)
{
    const char *finish = oa_finish_reason(o->stop_reason);

    log_info("%s: done (%s, %s, %lld in / %lld out)", c->id, o->ref, o->profile,
             (long long)o->usage.input, (long long)o->usage.output);
    if (!c->q.stream) {
        struct oa_answer a = {o->message, o->stop_reason, &o->usage};
        struct buf b;

        buf_init(&b, 0);
        if (oa_completion_write(c->id, c->created, c->q.model, &a, &b) == 0)
            hs_respond(c->req, 200, "application/json; charset=utf-8", NULL,
                       b.p, b.len);
        else /* the assembled text is UTF-8 by construction */
            gw_respond_oa_error(c->req, 500, "the reply is not valid UTF-8",
                                "api_error", NULL);
        buf_release(&b);
        return;
    }
    chunk(c, json_object(), finish);
    if (c->q.include_usage)
        sse_send(c, oa_usage_chunk(c->id, c->created, c->q.model, &o->usage));
    sse_send(c, NULL);
    hs_end(c->req);
}

static void on_done(void *arg, const struct turn_outcome *o)
{
    struct gw_call *c = arg;

    c->turn = NULL;
    if (c->req && o->ok)
        succeed(c, o);
    else if (c->req)
        fail(c, o);
    c->req = NULL;
    call_free(c);
}

void gw_calls_cancel_all(struct gw *g)
{
    struct gw_call *c, *next;
    struct turn_outcome o;

    memset(&o, 0, sizeof(o));
    str_copy(o.error, sizeof(o.error), "the gateway is shutting down");
    str_copy(o.failure, sizeof(o.failure), "overloaded");
    for (c = g->calls; c; c = next) {
        next = c->next; /* turn_cancel may free c */
        if (c->req)
            fail(c, &o);
        c->req = NULL;
        if (c->turn)
            turn_cancel(c->turn);
    }
}

/* ---- the start ----------------------------------------------------------- */

static const char *header(struct hs_req *r, const char *name)
{
    const char *v = http_head_get(hs_head(r), name, NULL);

    return v && *v ? v : NULL;
}

/* The session key for the request, "" for a stateless one, or NULL after
 * answering 400. */
static char *session_of(struct gw_call *c)
{
    const char *key = header(c->req, "x-openclaw-session-key");
    static const char *const reserved[] = {"subagent:", "cron:", "acp:", NULL};
    size_t i;

    if (!key)
        return c->q.user
                   ? xasprintf("openai-user:%.*s", SESSION_KEY_MAX, c->q.user)
                   : xstrdup("");
    for (i = 0; reserved[i]; i++)
        if (strncasecmp(key, reserved[i], strlen(reserved[i])) == 0 ||
            strstr(key, reserved[i])) {
            gw_respond_oa_error(c->req, 400,
                                "x-openclaw-session-key uses a reserved "
                                "prefix (subagent:, cron:, acp:)",
                                "invalid_request_error", NULL);
            return NULL;
        }
    if (strlen(key) > SESSION_KEY_MAX) {
        gw_respond_oa_error(c->req, 400, "x-openclaw-session-key is too long",
                            "invalid_request_error", NULL);
        return NULL;
    }
    return xstrdup(key);
}

/* The answer to a slash command, from the session (no model call). */
static char *command_reply(struct gw_call *c, const char *agent,
                           const char *key)
{
    struct gw *g = c->g;
    char *dir, *full, *reply = NULL;
    struct session sess;
    struct oc_err err;

    if (!*key)
        return xstrdup("Slash commands need a session: send the OpenAI "
                       "`user` field or an x-openclaw-session-key header.");
    dir = paths_sessions_dir(g->paths, agent);
    full = session_key(agent, key);
    memset(&sess, 0, sizeof(sess));
    if (session_open(dir, full, NULL, NULL, &sess, &err) != 0) {
        reply = xstrdup(oc_err_msg(&err));
    } else {
        struct slash_ctx sc = {g->cfg.root, g->paths, agent, &sess,
                               NULL,        0,        0,     0};

        if (slash_handle(&sc, c->q.command, &reply) == SLASH_EXIT && !reply)
            reply = xstrdup("/exit only ends an interactive chat.");
    }
    session_release(&sess);
    free(full);
    free(dir);
    return reply ? reply : xstrdup("");
}

static void begin_stream(struct gw_call *c);

/* A slash command: answered like a completion; c is freed. */
static void command(struct gw_call *c, const char *agent, const char *key)
{
    char *reply = command_reply(c, agent, key);
    struct turn_outcome o;

    memset(&o, 0, sizeof(o));
    o.ok = true;
    str_copy(o.stop_reason, sizeof(o.stop_reason), "stop");
    o.message = json_pack("{s:s, s:[{s:s, s:s}]}", "role", "assistant",
                          "content", "type", "text", "text", reply);
    if (c->q.stream)
        begin_stream(c);
    on_text(c, reply, strlen(reply));
    on_done(c, &o);
    json_decref(o.message);
    free(reply);
}

static void begin_stream(struct gw_call *c)
{
    static const struct hs_header h[] = {{"Cache-Control", "no-cache"},
                                         {"X-Accel-Buffering", "no"},
                                         {NULL, NULL}};

    hs_start(c->req, 200, "text/event-stream", h);
    chunk(c, json_pack("{s:s}", "role", "assistant"), NULL);
}

static void start_turn(struct gw_call *c, const char *agent, const char *key)
{
    struct llm_sink sink = {on_text, NULL, on_tool_call, c};
    struct turn_request rq = {.agent_id = agent,
                              .model = header(c->req, "x-openclaw-model"),
                              .system = c->q.system,
                              .tools = c->q.tools,
                              .input = c->q.input,
                              .ephemeral = !*key,
                              .history = c->q.history};
    struct hs_events ev = {on_drain, on_abort, c};
    struct turn_env env;
    struct oc_err err;

    rq.session_key = *key ? key : NULL;
    gw_turn_env(c->g, &env);
    if (!env.hc) {
        gw_respond_oa_error(c->req, 500, "the HTTP client is unavailable",
                            "api_error", NULL);
        c->req = NULL;
        call_free(c);
        return;
    }
    hs_set_events(c->req, &ev);
    if (c->q.stream)
        begin_stream(c);
    c->turn = turn_start(&env, &rq, &sink, on_done, c, &err);
    if (c->turn)
        return;
    {
        struct turn_outcome o;

        memset(&o, 0, sizeof(o));
        str_copy(o.error, sizeof(o.error), oc_err_msg(&err));
        str_copy(o.failure, sizeof(o.failure), "format");
        on_done(c, &o);
    }
}

static int route(struct gw_call *c, char **agent)
{
    const char *hdr = header(c->req, "x-openclaw-agent-id");
    char *msg;

    if (hdr)
        *agent = paths_normalize_agent_id(hdr);
    else if (c->q.agent_id)
        *agent = xstrdup(c->q.agent_id);
    else
        *agent = config_default_agent_id(c->g->cfg.root);
    if (config_has_agent(c->g->cfg.root, *agent))
        return 0;
    msg = xasprintf("Unknown agent id \"%s\". Use \"openclaw agents list\" "
                    "to see configured agents.",
                    *agent);
    gw_respond_oa_error(c->req, 404, msg, "invalid_request_error",
                        "model_not_found");
    free(msg);
    return -1;
}

void gw_chat_completions(struct gw *g, struct hs_req *r)
{
    struct gw_call *c = call_new(g, r);
    char msg[512], *agent = NULL, *key = NULL;
    size_t n;
    const char *body = hs_body(r, &n);

    if (oa_parse_request(body, n, &c->q, msg, sizeof(msg)) != 0) {
        gw_respond_oa_error(r, 400, msg, "invalid_request_error", NULL);
        c->req = NULL;
    } else if (route(c, &agent) != 0 || !(key = session_of(c))) {
        c->req = NULL;
    } else if (c->q.command) {
        command(c, agent, key);
        c = NULL;
    } else {
        /* info gets one line a request, when it ends (succeed, fail) */
        log_debug("%s: %s model %s -> agent %s, session %s", c->id,
                  c->q.stream ? "stream" : "request", c->q.model, agent,
                  *key ? key : "(stateless)");
        start_turn(c, agent, key);
        c = NULL;
    }
    if (c)
        call_free(c);
    free(agent);
    free(key);
}
