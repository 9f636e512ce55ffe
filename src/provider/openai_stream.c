/*
 * Assembling a chat.completion.chunk stream (see openai.h): content and
 * reasoning deltas, tool-call fragments keyed by index (only the first
 * carries id and name; arguments are concatenated), usage from the chunk
 * that has it, an error object in any chunk ends the stream as an error,
 * and "[DONE]" (or a finish_reason) marks it complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "json/jscan.h"
#include "json/jsonx.h"
#include "provider/openai.h"
#include "base/str.h"
#include "base/banned.h"

struct call {
    int64_t index;
    struct buf id, name, args;
};

struct openai_stream {
    const struct llm_request *req;
    struct llm_sink sink;
    struct llm_result *res;
    struct buf text, reasoning;
    struct call *calls;
    size_t ncalls;
    char finish[32];
    bool done;
    struct buf value;  /* a decoded string, on the jscan path */
    bool jansson_only; /* openai_stream_use_jscan(s, false) */
};

struct openai_stream *openai_stream_new(const struct llm_request *req,
                                        const struct llm_sink *sink,
                                        struct llm_result *res)
{
    struct openai_stream *s = xcalloc(1, sizeof(*s));

    s->req = req;
    if (sink)
        s->sink = *sink;
    s->res = res;
    buf_init(&s->text, 0);
    buf_init(&s->reasoning, 0);
    buf_init(&s->value, 0);
    res->message = json_pack("{s:s, s:[], s:s, s:s, s:s}", "role", "assistant",
                             "content", "api", "openai-completions", "provider",
                             req->provider, "model", req->model);
    return s;
}

void openai_stream_free(struct openai_stream *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->ncalls; i++) {
        buf_release(&s->calls[i].id);
        buf_release(&s->calls[i].name);
        buf_release(&s->calls[i].args);
    }
    free(s->calls);
    buf_wipe_release(&s->text);
    buf_release(&s->reasoning);
    buf_wipe_release(&s->value);
    free(s);
}

static struct call *call_at(struct openai_stream *s, int64_t index)
{
    struct call *c;
    size_t i;

    for (i = 0; i < s->ncalls; i++)
        if (s->calls[i].index == index)
            return &s->calls[i];
    s->calls = xreallocarray(s->calls, s->ncalls + 1, sizeof(*s->calls));
    c = &s->calls[s->ncalls++];
    c->index = index;
    buf_init(&c->id, 0);
    buf_init(&c->name, 0);
    buf_init(&c->args, 0);
    return c;
}

static void tool_deltas(struct openai_stream *s, json_t *calls)
{
    json_t *tc, *fn;
    struct call *c;
    const char *v;
    size_t i;

    json_array_foreach (calls, i, tc) {
        c = call_at(s, json_integer_value(json_object_get(tc, "index")));
        fn = json_object_get(tc, "function");
        if ((v = jsonx_get_str(tc, "id")) && !c->id.len)
            buf_addstr(&c->id, v);
        if ((v = jsonx_get_str(fn, "name")) && !c->name.len)
            buf_addstr(&c->name, v);
        if ((v = jsonx_get_str(fn, "arguments")))
            buf_addstr(&c->args, v);
    }
}

static void emit(struct openai_stream *s, bool thinking, const char *v)
{
    size_t n = strlen(v);

    if (!n)
        return;
    buf_addstr(thinking ? &s->reasoning : &s->text, v);
    s->res->output_started = true;
    if (thinking && s->sink.thinking)
        s->sink.thinking(s->sink.arg, v, n);
    else if (!thinking && s->sink.text)
        s->sink.text(s->sink.arg, v, n);
}

static void choice_delta(struct openai_stream *s, json_t *choice)
{
    json_t *d = json_object_get(choice, "delta");
    const char *v;

    if ((v = jsonx_get_str(d, "content")))
        emit(s, false, v);
    if ((v = jsonx_get_str(d, "reasoning")) ||
        (v = jsonx_get_str(d, "reasoning_content")))
        emit(s, true, v);
    tool_deltas(s, json_object_get(d, "tool_calls"));
    if ((v = jsonx_get_str(choice, "finish_reason")))
        str_copy(s->finish, sizeof(s->finish), v);
}

/* A token count: non-negative and capped, 0 when absent. */
static int64_t count(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

    if (n < 0)
        return 0;
    return n < LLM_TOKENS_MAX ? n : LLM_TOKENS_MAX;
}

static void read_usage(struct openai_stream *s, json_t *u)
{
    int64_t prompt = count(u, "prompt_tokens");
    int64_t cached =
        count(jsonx_get_obj(u, "prompt_tokens_details"), "cached_tokens");

    if (!json_is_object(u))
        return;
    if (cached > prompt)
        cached = prompt;
    s->res->usage.input = prompt - cached;
    s->res->usage.cache_read = cached;
    s->res->usage.output = count(u, "completion_tokens");
}

static int chunk_error(struct openai_stream *s, json_t *err)
{
    json_t *code = json_object_get(err, "code");
    const char *m = jsonx_get_str(err, "message");

    s->res->status = LLM_STREAM_ERROR;
    if (json_is_integer(code))
        snprintf(s->res->error_type, sizeof(s->res->error_type), "%lld",
                 (long long)json_integer_value(code));
    else
        str_copy(s->res->error_type, sizeof(s->res->error_type),
                 json_is_string(code) ? json_string_value(code) : "error");
    str_copy(s->res->error_message, sizeof(s->res->error_message),
             m ? m : "error in the response stream");
    return 1;
}

/* ---- the jscan path --------------------------------------------------- */

static void fast_emit(struct openai_stream *s, bool thinking,
                      const struct jscan_member *m)
{
    if (!m || m->kind != JSCAN_STRING)
        return;
    buf_reset(&s->value);
    if (jscan_string(m, &s->value) == 0)
        emit(s, thinking, s->value.p);
}

/* The delta of the one choice (members of d, nd of them): its text, its
 * reasoning as choice_delta picks it. -1 when it has tool calls. */
static int fast_pick(const struct jscan_member *d, int nd,
                     const struct jscan_member **content,
                     const struct jscan_member **reasoning)
{
    if (jscan_get(d, nd, "tool_calls"))
        return -1;
    *content = jscan_get(d, nd, "content");
    *reasoning = jscan_get(d, nd, "reasoning");
    if (!*reasoning || (*reasoning)->kind != JSCAN_STRING)
        *reasoning = jscan_get(d, nd, "reasoning_content");
    return 0;
}

/*
 * The common chunk, read with jscan instead of a jansson tree: at most one
 * choice carrying text or reasoning and perhaps a finish_reason. Errors,
 * usage, tool calls, several choices and any shape jscan leaves alone go
 * through json_loadb as before; -1 says so, before anything changed.
 */
static int fast_chunk(struct openai_stream *s, const char *data, size_t n)
{
    struct jscan_member top[16], ch[2], c[8], d[8];
    const struct jscan_member *v, *delta = NULL, *finish = NULL;
    const struct jscan_member *content = NULL, *reasoning = NULL;
    int nt = s->jansson_only ? -1 : jscan_object(data, n, top, 16), k;

    if (nt < 0 ||
        ((v = jscan_get(top, nt, "error")) && v->kind == JSCAN_OBJECT) ||
        ((v = jscan_get(top, nt, "usage")) && v->kind == JSCAN_OBJECT))
        return -1;
    v = jscan_get(top, nt, "choices");
    if (v && v->kind == JSCAN_ARRAY && (k = jscan_elements(v, ch, 2)) != 0) {
        if (k != 1 || ch[0].kind != JSCAN_OBJECT ||
            (k = jscan_object(ch[0].val, ch[0].val_len, c, 8)) < 0)
            return -1;
        finish = jscan_get(c, k, "finish_reason");
        delta = jscan_get(c, k, "delta");
    }
    if (delta && delta->kind == JSCAN_OBJECT &&
        ((k = jscan_object(delta->val, delta->val_len, d, 8)) < 0 ||
         fast_pick(d, k, &content, &reasoning) != 0))
        return -1;
    fast_emit(s, false, content);
    fast_emit(s, true, reasoning);
    buf_reset(&s->value);
    if (finish && finish->kind == JSCAN_STRING &&
        jscan_string(finish, &s->value) == 0)
        str_copy(s->finish, sizeof(s->finish), s->value.p);
    return 0;
}

void openai_stream_use_jscan(struct openai_stream *s, bool on)
{
    s->jansson_only = !on;
}

int openai_stream_event(struct openai_stream *s, const char *name,
                        const char *data, size_t n)
{
    json_t *chunk, *choice;
    size_t i;
    int rc = 0;

    (void)name;
    if (n == 6 && !memcmp(data, "[DONE]", 6)) {
        s->done = true;
        return 1;
    }
    if (fast_chunk(s, data, n) == 0)
        return 0;
    chunk = json_loadb(data, n, 0, NULL);
    if (!json_is_object(chunk)) {
        json_decref(chunk);
        return 0;
    }
    if (json_is_object(json_object_get(chunk, "error")))
        rc = chunk_error(s, json_object_get(chunk, "error"));
    json_array_foreach (json_object_get(chunk, "choices"), i, choice)
        choice_delta(s, choice);
    read_usage(s, json_object_get(chunk, "usage"));
    json_decref(chunk);
    return rc;
}

/* ---- the end ----------------------------------------------------------------
 */

static void add_calls(struct openai_stream *s, json_t *content)
{
    json_t *args, *block;
    size_t i;

    for (i = 0; i < s->ncalls; i++) {
        struct call *c = &s->calls[i];
        args = c->args.len ? json_loadb(c->args.p, c->args.len, 0, NULL)
                           : json_object();
        block = json_pack("{s:s, s:s, s:s}", "type", "toolCall", "id", c->id.p,
                          "name", c->name.p);
        if (json_is_object(args)) {
            json_object_set_new(block, "arguments", args);
        } else {
            json_decref(args);
            json_object_set_new(block, "arguments", json_object());
            json_object_set_new(block, "malformedArguments",
                                json_stringn(c->args.p, c->args.len));
        }
        json_array_append_new(content, block);
        if (s->sink.tool_call)
            s->sink.tool_call(s->sink.arg, block);
    }
}

static const char *normal_stop(const char *f)
{
    if (!strcmp(f, "length"))
        return "length";
    if (!strcmp(f, "tool_calls"))
        return "toolUse";
    if (!strcmp(f, "content_filter") || !strcmp(f, "error"))
        return "error";
    return "stop";
}

void openai_stream_end(struct openai_stream *s)
{
    struct llm_result *r = s->res;
    json_t *content = json_object_get(r->message, "content");

    if (s->reasoning.len)
        json_array_append_new(content,
                              json_pack("{s:s, s:s}", "type", "thinking",
                                        "thinking", s->reasoning.p));
    if (s->text.len)
        json_array_append_new(content, json_pack("{s:s, s:s}", "type", "text",
                                                 "text", s->text.p));
    add_calls(s, content);
    if (r->status == LLM_OK && !s->done && !s->finish[0]) {
        r->status = LLM_TRUNCATED;
        str_copy(r->error_message, sizeof(r->error_message),
                 "the response stream ended before it was complete");
    }
    str_copy(r->stop_reason, sizeof(r->stop_reason),
             r->status == LLM_OK ? normal_stop(s->finish) : "error");
    r->usage.cost = llm_cost(s->req->info, &r->usage);
    json_object_set_new(r->message, "usage",
                        llm_usage_json(s->req->info, &r->usage));
    json_object_set_new(r->message, "stopReason", json_string(r->stop_reason));
}

void openai_parse_error(const char *body, size_t n, struct llm_result *res)
{
    json_t *doc = json_loadb(body, n, 0, NULL);
    json_t *e = json_object_get(doc, "error");
    const char *m = jsonx_get_str(e, "message");
    json_t *code = json_object_get(e, "code");

    if (json_is_integer(code))
        snprintf(res->error_type, sizeof(res->error_type), "%lld",
                 (long long)json_integer_value(code));
    else if (jsonx_get_str(e, "type"))
        str_copy(res->error_type, sizeof(res->error_type),
                 jsonx_get_str(e, "type"));
    if (m)
        str_copy(res->error_message, sizeof(res->error_message), m);
    else if (n)
        str_copyn(res->error_message, sizeof(res->error_message), body,
                  (n < 300 ? n : 300));
    json_decref(doc);
}

static void *ops_open(const struct llm_request *r, const struct llm_sink *sink,
                      struct llm_result *res)
{
    return openai_stream_new(r, sink, res);
}

static int ops_event(void *s, const char *name, const char *data, size_t n)
{
    return openai_stream_event(s, name, data, n);
}

static void ops_end(void *s)
{
    openai_stream_end(s);
}

static void ops_close(void *s)
{
    openai_stream_free(s);
}

static void ops_use_jscan(void *s, bool on)
{
    openai_stream_use_jscan(s, on);
}

const struct llm_stream_ops openai_stream_ops = {ops_open, ops_event, ops_end,
                                                 ops_close, ops_use_jscan};
