/*
 * Assembling an Anthropic SSE stream into an assistant message (reference
 * anthropic-provider.md §2.3): blocks matched by stream index, text and
 * thinking deltas appended (and handed to the sink as they come), tool
 * input JSON collected and parsed at the block's end, usage taken from
 * message_start and overwritten only by non-null message_delta counters,
 * unknown events, blocks and deltas ignored, an error event or a stream
 * that ends before message_stop reported as such.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "json/jscan.h"
#include "json/jsonx.h"
#include "provider/anthropic.h"
#include "provider/anthropic_internal.h"
#include "base/str.h"
#include "base/banned.h"

enum kind { K_IGNORED = 0, K_TEXT, K_THINKING, K_REDACTED, K_TOOL };

struct block {
    int64_t index;
    enum kind kind;
    json_t *obj;     /* the pi-format block (in the message's content) */
    struct buf text; /* text, thinking, or tool input JSON */
    struct buf sig;  /* thinking signature */
    bool closed;
};

struct anthropic_stream {
    const struct llm_request *req;
    struct llm_sink sink;
    struct llm_result *res;
    struct block *blocks;
    size_t nblocks;
    bool started, stopped;
    char raw_stop[48];
    struct buf value;  /* a delta's decoded text, on the jscan path */
    bool jansson_only; /* anthropic_stream_use_jscan(s, false) */
};

struct anthropic_stream *anthropic_stream_new(const struct llm_request *req,
                                              const struct llm_sink *sink,
                                              struct llm_result *res)
{
    struct anthropic_stream *s = xcalloc(1, sizeof(*s));

    s->req = req;
    if (sink)
        s->sink = *sink;
    s->res = res;
    buf_init(&s->value, 0);
    /* set one by one: json_pack parses its format on every request */
    res->message = json_object();
    json_object_set_new(res->message, "role", json_string_nocheck("assistant"));
    json_object_set_new(res->message, "content", json_array());
    json_object_set_new(res->message, "api",
                        json_string_nocheck("anthropic-messages"));
    json_object_set_new(res->message, "provider", json_string(req->provider));
    json_object_set_new(res->message, "model", json_string(req->model));
    return s;
}

void anthropic_stream_free(struct anthropic_stream *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->nblocks; i++) {
        buf_wipe_release(&s->blocks[i].text);
        buf_release(&s->blocks[i].sig);
    }
    free(s->blocks);
    buf_wipe_release(&s->value);
    free(s);
}

static struct block *find(struct anthropic_stream *s, int64_t index)
{
    size_t i;

    for (i = 0; i < s->nblocks; i++)
        if (s->blocks[i].index == index)
            return &s->blocks[i];
    return NULL;
}

/* ---- usage ------------------------------------------------------------- */

/* The counters usage objects carry, in llm_usage order (input, output,
 * cache read, cache write); cache_creation holds the 1h writes. */
static const char *const usage_keys[] = {"input_tokens", "output_tokens",
                                         "cache_read_input_tokens",
                                         "cache_creation_input_tokens"};
#define USAGE_1H_KEY "ephemeral_1h_input_tokens"

static int64_t *usage_slot(struct llm_usage *u, size_t i)
{
    switch (i) {
    case 0:
        return &u->input;
    case 1:
        return &u->output;
    case 2:
        return &u->cache_read;
    default:
        return &u->cache_write;
    }
}

/* A count as the API sent it: negative ones are ignored, big ones capped. */
static void put_count(int64_t v, int64_t *dst)
{
    if (v >= 0)
        *dst = v < LLM_TOKENS_MAX ? v : LLM_TOKENS_MAX;
}

/* Overwrite *dst with obj[key] when it is present and an integer. */
static void take(json_t *obj, const char *key, int64_t *dst)
{
    json_t *v = json_object_get(obj, key);

    if (json_is_integer(v))
        put_count(json_integer_value(v), dst);
}

static void read_usage(struct anthropic_stream *s, json_t *u)
{
    struct llm_usage *us = &s->res->usage;
    size_t i;

    for (i = 0; i < sizeof(usage_keys) / sizeof(usage_keys[0]); i++)
        take(u, usage_keys[i], usage_slot(us, i));
    take(jsonx_get_obj(u, "cache_creation"), USAGE_1H_KEY, &us->cache_write_1h);
}

/* ---- blocks -------------------------------------------------------------- */

static json_t *tool_block(struct anthropic_stream *s, json_t *cb)
{
    const char *name = jsonx_get_str(cb, "name"), *id = jsonx_get_str(cb, "id");

    if (!name)
        name = "";
    if (anthropic_oauth(s->req))
        name = anthropic_tool_name_back(s->req, name);
    return json_pack("{s:s, s:s, s:s, s:{}}", "type", "toolCall", "id",
                     id ? id : "", "name", name, "arguments");
}

static json_t *text_block(void)
{
    return jsonx_text_block("");
}

static json_t *thinking_block(void)
{
    return json_pack("{s:s, s:s, s:s}", "type", "thinking", "thinking", "",
                     "thinkingSignature", "");
}

static json_t *new_pi_block(struct anthropic_stream *s, json_t *cb,
                            enum kind *kind)
{
    const char *type = jsonx_get_str(cb, "type"), *data;

    *kind = K_IGNORED;
    if (!type)
        return NULL;
    if (!strcmp(type, "text")) {
        *kind = K_TEXT;
        return text_block();
    }
    if (!strcmp(type, "thinking")) {
        *kind = K_THINKING;
        return thinking_block();
    }
    if (!strcmp(type, "redacted_thinking")) {
        *kind = K_REDACTED;
        data = jsonx_get_str(cb, "data");
        return json_pack("{s:s, s:s}", "type", "redactedThinking", "data",
                         data ? data : "");
    }
    if (!strcmp(type, "tool_use")) {
        *kind = K_TOOL;
        return tool_block(s, cb);
    }
    return NULL; /* server tools, future block types */
}

static void add_block(struct anthropic_stream *s, int64_t index, enum kind kind,
                      json_t *obj)
{
    struct block *b;

    s->blocks = xreallocarray(s->blocks, s->nblocks + 1, sizeof(*s->blocks));
    b = &s->blocks[s->nblocks++];
    memset(b, 0, sizeof(*b));
    b->index = index;
    b->kind = kind;
    b->obj = obj;
    buf_init(&b->text, 0);
    buf_init(&b->sig, 0);
    if (obj)
        json_array_append_new(json_object_get(s->res->message, "content"), obj);
}

static int block_start(struct anthropic_stream *s, json_t *ev)
{
    json_int_t index = json_integer_value(json_object_get(ev, "index"));
    enum kind kind;
    json_t *obj;

    if (find(s, index))
        return 0; /* a repeated start: keep the first */
    obj = new_pi_block(s, json_object_get(ev, "content_block"), &kind);
    add_block(s, index, kind, obj);
    return 0;
}

static void emit(struct anthropic_stream *s, bool thinking, const char *p,
                 size_t n)
{
    if (!n)
        return;
    s->res->output_started = true;
    if (thinking && s->sink.thinking)
        s->sink.thinking(s->sink.arg, p, n);
    else if (!thinking && s->sink.text)
        s->sink.text(s->sink.arg, p, n);
}

/* The deltas we read: the member holding the value, the block kind it
 * applies to, and whether it is the thinking signature. */
struct delta_kind {
    const char *type, *field;
    enum kind kind;
    bool signature;
};

static const struct delta_kind delta_kinds[] = {
    {"text_delta", "text", K_TEXT, false},
    {"thinking_delta", "thinking", K_THINKING, false},
    {"signature_delta", "signature", K_THINKING, true},
    {"input_json_delta", "partial_json", K_TOOL, false},
};

/* The delta_kinds row for a delta's type, or NULL. */
static const struct delta_kind *delta_kind_of(const char *type)
{
    size_t i;

    for (i = 0; i < sizeof(delta_kinds) / sizeof(delta_kinds[0]); i++)
        if (!strcmp(type, delta_kinds[i].type))
            return &delta_kinds[i];
    return NULL;
}

static void apply_delta(struct anthropic_stream *s, int64_t index,
                        const struct delta_kind *dk, const char *v, size_t n)
{
    struct block *b = find(s, index);

    if (!b || b->closed || b->kind != dk->kind)
        return;
    if (dk->signature) {
        buf_add(&b->sig, v, n);
        return;
    }
    buf_add(&b->text, v, n);
    if (dk->kind != K_TOOL)
        emit(s, dk->kind == K_THINKING, v, n);
}

static int block_delta(struct anthropic_stream *s, json_t *ev)
{
    json_t *d = json_object_get(ev, "delta");
    const char *type = jsonx_get_str(d, "type"), *v;
    const struct delta_kind *dk = type ? delta_kind_of(type) : NULL;

    if (dk && (v = jsonx_get_str(d, dk->field)))
        apply_delta(s, json_integer_value(json_object_get(ev, "index")), dk, v,
                    strlen(v));
    return 0;
}

/* Tool input: parsed strictly; malformed input (a stream cut at
 * max_tokens) is kept as text and flagged. */
static void close_tool(struct anthropic_stream *s, struct block *b)
{
    json_t *args = NULL;

    if (b->text.len)
        args = json_loadb(b->text.p, b->text.len, JSON_DECODE_ANY, NULL);
    if (!b->text.len)
        args = json_object();
    if (json_is_object(args)) {
        json_object_set_new(b->obj, "arguments", args);
    } else {
        json_decref(args);
        json_object_set_new(b->obj, "malformedArguments",
                            json_stringn(b->text.p, b->text.len));
    }
    if (s->sink.tool_call)
        s->sink.tool_call(s->sink.arg, b->obj);
}

static void close_block(struct anthropic_stream *s, struct block *b)
{
    if (b->closed || !b->obj)
        return;
    b->closed = true;
    if (b->kind == K_TEXT)
        json_object_set_new(b->obj, "text",
                            json_stringn(b->text.p, b->text.len));
    else if (b->kind == K_THINKING) {
        json_object_set_new(b->obj, "thinking",
                            json_stringn(b->text.p, b->text.len));
        json_object_set_new(b->obj, "thinkingSignature",
                            json_stringn(b->sig.p, b->sig.len));
    } else if (b->kind == K_TOOL) {
        close_tool(s, b);
    }
}

/* ---- events ----------------------------------------------------------------
 */

static int on_error_event(struct anthropic_stream *s, json_t *ev)
{
    json_t *e = json_object_get(ev, "error");
    const char *t = jsonx_get_str(e, "type"), *m = jsonx_get_str(e, "message");

    s->res->status = LLM_STREAM_ERROR;
    str_copy(s->res->error_type, sizeof(s->res->error_type),
             t ? t : "api_error");
    str_copy(s->res->error_message, sizeof(s->res->error_message),
             m ? m : "error event in the stream");
    return 1;
}

static int dispatch(struct anthropic_stream *s, const char *type, json_t *ev)
{
    json_t *d;
    const char *stop;

    if (!strcmp(type, "message_start")) {
        s->started = true;
        read_usage(s, json_object_get(json_object_get(ev, "message"), "usage"));
    } else if (!strcmp(type, "content_block_start")) {
        return block_start(s, ev);
    } else if (!strcmp(type, "content_block_delta")) {
        return block_delta(s, ev);
    } else if (!strcmp(type, "content_block_stop")) {
        struct block *b =
            find(s, json_integer_value(json_object_get(ev, "index")));
        if (b)
            close_block(s, b);
    } else if (!strcmp(type, "message_delta")) {
        d = json_object_get(ev, "delta");
        stop = jsonx_get_str(d, "stop_reason");
        if (stop)
            str_copy(s->raw_stop, sizeof(s->raw_stop), stop);
        read_usage(s, json_object_get(ev, "usage"));
    } else if (!strcmp(type, "message_stop")) {
        s->stopped = true;
        return 1;
    } else if (!strcmp(type, "error")) {
        return on_error_event(s, ev);
    }
    return 0; /* ping and anything new */
}

/* A content_block_delta read by jscan: 0, or -1 to leave it to jansson. */
static int fast_delta(struct anthropic_stream *s, int64_t index,
                      const struct jscan_member *delta)
{
    struct jscan_member d[4];
    const struct jscan_member *type, *v;
    const struct delta_kind *dk;
    int n = jscan_object(delta->val, delta->val_len, d, 4);

    if (n < 0 || !(type = jscan_get(d, n, "type")) ||
        type->kind != JSCAN_STRING)
        return -1;
    buf_reset(&s->value);
    if (jscan_string(type, &s->value) != 0)
        return -1;
    dk = delta_kind_of(s->value.p);
    v = dk ? jscan_get(d, n, dk->field) : NULL;
    if (!v || v->kind != JSCAN_STRING)
        return 0; /* as jansson: nothing we read */
    buf_reset(&s->value);
    if (jscan_string(v, &s->value) != 0)
        return -1;
    apply_delta(s, index, dk, s->value.p, s->value.len);
    return 0;
}

static void fast_take(const struct jscan_member *v, int64_t *dst)
{
    int64_t n;

    if (v && jscan_int(v, &n) == 0)
        put_count(n, dst);
}

/* read_usage for a member read by jscan: 0, or -1 with nothing changed. */
static int fast_usage(struct anthropic_stream *s, const struct jscan_member *u)
{
    struct jscan_member m[16], cc[8];
    const struct jscan_member *c;
    struct llm_usage us = s->res->usage;
    size_t i;
    int n, k;

    if (!u || u->kind != JSCAN_OBJECT)
        return 0;
    n = jscan_object(u->val, u->val_len, m, 16);
    if (n < 0)
        return -1;
    c = jscan_get(m, n, "cache_creation");
    if (c && c->kind == JSCAN_OBJECT) {
        k = jscan_object(c->val, c->val_len, cc, 8);
        if (k < 0)
            return -1;
        fast_take(jscan_get(cc, k, USAGE_1H_KEY), &us.cache_write_1h);
    }
    for (i = 0; i < sizeof(usage_keys) / sizeof(usage_keys[0]); i++)
        fast_take(jscan_get(m, n, usage_keys[i]), usage_slot(&us, i));
    s->res->usage = us;
    return 0;
}

static int fast_message_start(struct anthropic_stream *s,
                              const struct jscan_member *top, int n)
{
    struct jscan_member m[16];
    const struct jscan_member *msg = jscan_get(top, n, "message");
    int k;

    if (msg && msg->kind == JSCAN_OBJECT) {
        k = jscan_object(msg->val, msg->val_len, m, 16);
        if (k < 0 || fast_usage(s, jscan_get(m, k, "usage")) != 0)
            return -1;
    }
    s->started = true;
    return 0;
}

static int fast_message_delta(struct anthropic_stream *s,
                              const struct jscan_member *top, int n)
{
    struct jscan_member m[8];
    const struct jscan_member *d = jscan_get(top, n, "delta"), *stop = NULL;
    int k;

    if (d && d->kind == JSCAN_OBJECT) {
        k = jscan_object(d->val, d->val_len, m, 8);
        if (k < 0)
            return -1;
        stop = jscan_get(m, k, "stop_reason");
    }
    buf_reset(&s->value);
    if (stop && stop->kind == JSCAN_STRING &&
        jscan_string(stop, &s->value) != 0)
        return -1;
    if (fast_usage(s, jscan_get(top, n, "usage")) != 0)
        return -1;
    if (stop && stop->kind == JSCAN_STRING)
        str_copy(s->raw_stop, sizeof(s->raw_stop), s->value.p);
    return 0;
}

/* A text or thinking block's start (the others, with names and ids to
 * read, go through jansson). */
static int fast_block_start(struct anthropic_stream *s, int64_t index,
                            const struct jscan_member *cb)
{
    struct jscan_member m[8];
    const struct jscan_member *type;
    int n;

    if (!cb || cb->kind != JSCAN_OBJECT ||
        (n = jscan_object(cb->val, cb->val_len, m, 8)) < 0 ||
        !(type = jscan_get(m, n, "type")))
        return -1;
    if (jscan_str_is(type, "text")) {
        if (!find(s, index))
            add_block(s, index, K_TEXT, text_block());
        return 0;
    }
    if (jscan_str_is(type, "thinking")) {
        if (!find(s, index))
            add_block(s, index, K_THINKING, thinking_block());
        return 0;
    }
    return -1;
}

static int fast_block_event(struct anthropic_stream *s,
                            const struct jscan_member *type,
                            const struct jscan_member *m, int n)
{
    const struct jscan_member *index = jscan_get(m, n, "index"), *d;
    struct block *b;
    int64_t i;

    if (!index || jscan_int(index, &i) != 0)
        return -1;
    if (jscan_str_is(type, "content_block_delta")) {
        d = jscan_get(m, n, "delta");
        return d && d->kind == JSCAN_OBJECT ? fast_delta(s, i, d) : -1;
    }
    if (jscan_str_is(type, "content_block_start"))
        return fast_block_start(s, i, jscan_get(m, n, "content_block"));
    if (jscan_str_is(type, "content_block_stop")) {
        b = find(s, i);
        if (b)
            close_block(s, b);
        return 0;
    }
    return -1;
}

/*
 * Events read with jscan rather than a jansson tree (a tenth of the work
 * or less): every delta, which come by the hundred, and the common shapes
 * of the others. The error event, tool and redacted blocks, and any shape
 * jscan leaves alone go through json_loadb and dispatch as before; a -1
 * here means exactly that, and comes before anything was changed.
 */
static int fast_event(struct anthropic_stream *s, const char *data, size_t n)
{
    struct jscan_member m[6];
    const struct jscan_member *type;
    int count = s->jansson_only ? -1 : jscan_object(data, n, m, 6);

    if (count < 0 || !(type = jscan_get(m, count, "type")) ||
        type->kind != JSCAN_STRING)
        return -1;
    if (jscan_str_is(type, "ping"))
        return 0;
    if (jscan_str_is(type, "message_stop")) {
        s->stopped = true;
        return 1;
    }
    if (jscan_str_is(type, "message_start"))
        return fast_message_start(s, m, count);
    if (jscan_str_is(type, "message_delta"))
        return fast_message_delta(s, m, count);
    return fast_block_event(s, type, m, count);
}

void anthropic_stream_use_jscan(struct anthropic_stream *s, bool on)
{
    s->jansson_only = !on;
}

int anthropic_stream_event(struct anthropic_stream *s, const char *name,
                           const char *data, size_t n)
{
    json_t *ev;
    const char *type;
    int rc = fast_event(s, data, n);

    if (rc >= 0)
        return rc;
    ev = json_loadb(data, n, 0, NULL);
    type = jsonx_get_str(ev, "type");
    if (!ev || !type) {
        json_decref(ev);
        /* a ping or comment without JSON is harmless; anything else is not
         * what the API sends, but is skipped rather than fatal */
        (void)name;
        return 0;
    }
    rc = dispatch(s, type, ev);
    json_decref(ev);
    return rc;
}

/* ---- the end ----------------------------------------------------------------
 */

/* pi-ai's normalisation; unknown reasons are a normal stop (logged by
 * the caller), never a crash. */
static const char *normal_stop(const char *raw)
{
    if (!strcmp(raw, "max_tokens"))
        return "length";
    if (!strcmp(raw, "tool_use"))
        return "toolUse";
    if (!strcmp(raw, "refusal") || !strcmp(raw, "sensitive"))
        return "error";
    return "stop";
}

void anthropic_stream_end(struct anthropic_stream *s)
{
    struct llm_result *r = s->res;
    size_t i;

    for (i = 0; i < s->nblocks; i++)
        close_block(s, &s->blocks[i]);
    if (r->status == LLM_OK && !s->stopped)
        r->status = LLM_TRUNCATED;
    if (r->status == LLM_TRUNCATED)
        str_copy(r->error_message, sizeof(r->error_message),
                 "the response stream ended before it was complete");
    str_copy(r->stop_reason, sizeof(r->stop_reason),
             r->status == LLM_OK ? normal_stop(s->raw_stop) : "error");
    r->usage.cost = llm_cost(s->req->info, &r->usage);
    json_object_set_new(r->message, "usage",
                        llm_usage_json(s->req->info, &r->usage));
    json_object_set_new(r->message, "stopReason", json_string(r->stop_reason));
    if (s->raw_stop[0])
        json_object_set_new(r->message, "providerStopReason",
                            json_string(s->raw_stop));
}

void anthropic_parse_error(const char *body, size_t n, struct llm_result *res)
{
    json_t *doc = json_loadb(body, n, 0, NULL);
    json_t *e = json_object_get(doc, "error");
    const char *t = jsonx_get_str(e, "type"), *m = jsonx_get_str(e, "message");
    const char *rid = jsonx_get_str(doc, "request_id");

    if (t)
        str_copy(res->error_type, sizeof(res->error_type), t);
    if (m)
        str_copy(res->error_message, sizeof(res->error_message), m);
    else if (n)
        str_copyn(res->error_message, sizeof(res->error_message), body,
                  (n < 300 ? n : 300));
    if (rid && !res->request_id[0])
        str_copy(res->request_id, sizeof(res->request_id), rid);
    json_decref(doc);
}

static void *ops_open(const struct llm_request *r, const struct llm_sink *sink,
                      struct llm_result *res)
{
    return anthropic_stream_new(r, sink, res);
}

static int ops_event(void *s, const char *name, const char *data, size_t n)
{
    return anthropic_stream_event(s, name, data, n);
}

static void ops_end(void *s)
{
    anthropic_stream_end(s);
}

static void ops_close(void *s)
{
    anthropic_stream_free(s);
}

static void ops_use_jscan(void *s, bool on)
{
    anthropic_stream_use_jscan(s, on);
}

const struct llm_stream_ops anthropic_stream_ops = {
    ops_open, ops_event, ops_end, ops_close, ops_use_jscan};
