/*
 * Fuzz the stream assemblers (provider/anthropic_stream.c and
 * openai_stream.c) behind the SSE parser. The first byte picks the
 * assembler (bit 0: Anthropic or OpenRouter), for Anthropic whether the
 * request is a setup-token one (bit 1: tool names mapped back), and a
 * split position (the other bits); the rest is the stream. One feed, two
 * feeds split there, and (under 512 bytes) byte-by-byte feeds must give
 * the same message, status, stop reason, usage, errors and streamed text;
 * the text the sink got must be as long as the message's text blocks.
 * Both assemblers must also give the same with every event read through
 * jansson as with their jscan paths.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "json/jsonx.h"
#include "provider/anthropic.h"
#include "provider/catalogue.h"
#include "provider/openai.h"
#include "provider/sse.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One assembler and the request it answers. */
struct ops {
    const char *provider, *api, *model;
    const struct llm_stream_ops *stream;
};

static const struct ops assemblers[] = {
    {"anthropic", "anthropic-messages", "claude-opus-4-5",
     &anthropic_stream_ops},
    {"openrouter", "openai-completions", "anthropic/claude-sonnet-4.5",
     &openai_stream_ops},
};

/* What one run produced. */
struct outcome {
    struct llm_result res;
    char *msg;
    struct buf text, thinking;
    size_t tools;
};

static void on_text(void *arg, const char *p, size_t n)
{
    if (buf_add(&((struct outcome *)arg)->text, p, n))
        abort();
}

static void on_thinking(void *arg, const char *p, size_t n)
{
    if (buf_add(&((struct outcome *)arg)->thinking, p, n))
        abort();
}

static void on_tool(void *arg, const json_t *block)
{
    if (!json_is_object(block))
        abort();
    ((struct outcome *)arg)->tools++;
}

struct feed {
    const struct ops *ops;
    void *s;
};

static int on_event(void *arg, const struct sse_event *ev)
{
    struct feed *f = arg;

    return f->ops->stream->event(f->s, ev->event, ev->data, ev->data_len);
}

static void request(struct llm_request *r, struct model_info *info,
                    const struct ops *ops, bool oauth, json_t *tools)
{
    memset(r, 0, sizeof(*r));
    r->provider = ops->provider;
    r->api = ops->api;
    r->model = ops->model;
    if (catalogue_lookup(NULL, ops->provider, ops->model, info) == 0)
        r->info = info;
    r->tools = tools;
    r->cred.secret = oauth ? "sk-ant-oat01-fuzz" : "sk-fuzz";
}

/* Feed in pieces of `step` bytes after a first piece of `first` bytes. */
static void run(const struct llm_request *r, const struct ops *ops,
                const char *in, size_t size, size_t first, size_t step,
                bool slow, struct outcome *o)
{
    struct llm_sink sink = {on_text, on_thinking, on_tool, o};
    struct sse_parser p;
    struct feed f;
    size_t at = 0, len = first;

    memset(o, 0, sizeof(*o));
    buf_init(&o->text, 0);
    buf_init(&o->thinking, 0);
    llm_result_init(&o->res);
    f.ops = ops;
    f.s = ops->stream->open(r, &sink, &o->res);
    if (slow)
        ops->stream->use_jscan(f.s, false);
    sse_init(&p, 0);
    do {
        sse_feed(&p, in + at, len, on_event, &f);
        at += len;
        len = size - at < step ? size - at : step;
    } while (at < size);
    sse_finish(&p);
    sse_release(&p);
    ops->stream->end(f.s);
    ops->stream->close(f.s);
    if (!o->res.message)
        abort();
    o->msg = jsonx_dumps(o->res.message, 0);
    if (!o->msg)
        abort();
}

static void release(struct outcome *o)
{
    llm_result_release(&o->res);
    free(o->msg);
    buf_release(&o->text);
    buf_release(&o->thinking);
}

static bool same_buf(const struct buf *a, const struct buf *b)
{
    return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

static void same(const struct outcome *a, const struct outcome *b)
{
    if (strcmp(a->msg, b->msg) != 0 || a->res.status != b->res.status ||
        strcmp(a->res.stop_reason, b->res.stop_reason) != 0 ||
        memcmp(&a->res.usage, &b->res.usage, sizeof(a->res.usage)) != 0 ||
        strcmp(a->res.error_type, b->res.error_type) != 0 ||
        strcmp(a->res.error_message, b->res.error_message) != 0 ||
        a->res.output_started != b->res.output_started ||
        !same_buf(&a->text, &b->text) ||
        !same_buf(&a->thinking, &b->thinking) || a->tools != b->tools)
        abort();
}

/* The message's text blocks hold exactly as many bytes as the sink got. */
static void check_text(const struct outcome *o)
{
    json_t *content = json_object_get(o->res.message, "content"), *b;
    size_t i, n = 0;
    const char *type;

    if (!json_is_array(content))
        abort();
    json_array_foreach (content, i, b) {
        type = jsonx_get_str(b, "type");
        if (!type)
            abort();
        if (!strcmp(type, "text"))
            n += json_string_length(json_object_get(b, "text"));
    }
    if (n != o->text.len ||
        o->res.output_started != (o->text.len > 0 || o->thinking.len > 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data + 1;
    struct outcome one, two;
    struct llm_request r;
    struct model_info info;
    const struct ops *ops;
    json_t *tools;
    size_t n, cut;

    if (size < 1 || size > 65536)
        return 0;
    n = size - 1;
    ops = &assemblers[data[0] & 1];
    tools = json_pack("[{s:s}, {s:s}]", "name", "read", "name", "todowrite");
    request(&r, &info, ops, (data[0] & 2) != 0, tools);
    run(&r, ops, in, n, n, n, false, &one);
    check_text(&one);
    cut = (size_t)(data[0] >> 2) * n / 63;
    run(&r, ops, in, n, cut, n, false, &two);
    same(&one, &two);
    release(&two);
    if (ops->stream->use_jscan) {
        run(&r, ops, in, n, n, n, true, &two);
        same(&one, &two);
        release(&two);
    }
    if (n < 512) {
        run(&r, ops, in, n, 0, 1, false, &two);
        same(&one, &two);
        release(&two);
    }
    release(&one);
    json_decref(tools);
    return 0;
}
