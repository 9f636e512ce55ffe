/*
 * Provider stream tests' kit (see streamkit.h).
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "streamkit.h"
#include "json/jsonx.h"
#include "provider/sse.h"
#include "base/xalloc.h"
#include "base/banned.h"

static void on_text(void *arg, const char *p, size_t n)
{
    assert_int_equal(buf_add(&((struct tu_stream_run *)arg)->text, p, n), 0);
}

static void on_thinking(void *arg, const char *p, size_t n)
{
    assert_int_equal(buf_add(&((struct tu_stream_run *)arg)->thinking, p, n),
                     0);
}

static void on_tool(void *arg, const json_t *block)
{
    char *s = jsonx_dumps(block, 0);

    assert_int_equal(buf_addf(&((struct tu_stream_run *)arg)->tools, "%s\n", s),
                     0);
    free(s);
}

struct feed {
    const struct llm_stream_ops *api;
    void *s;
};

static int on_event(void *arg, const struct sse_event *ev)
{
    struct feed *f = arg;

    return f->api->event(f->s, ev->event, ev->data, ev->data_len);
}

static void run(const struct llm_stream_ops *api, const struct llm_request *r,
                const char *in, size_t n, const size_t *cuts, size_t ncuts,
                bool jansson_only, struct tu_stream_run *o)
{
    struct llm_sink sink = {on_text, on_thinking, on_tool, o};
    struct feed f = {api, NULL};
    struct sse_parser p;
    size_t i, at = 0, to;

    memset(o, 0, sizeof(*o));
    buf_init(&o->text, 0);
    buf_init(&o->thinking, 0);
    buf_init(&o->tools, 0);
    llm_result_init(&o->res);
    f.s = api->open(r, &sink, &o->res);
    if (jansson_only)
        api->use_jscan(f.s, false);
    sse_init(&p, 0);
    for (i = 0; i <= ncuts; i++) {
        to = i < ncuts ? cuts[i] : n;
        sse_feed(&p, in + at, to - at, on_event, &f);
        at = to;
    }
    sse_finish(&p);
    sse_release(&p);
    api->end(f.s);
    api->close(f.s);
    o->msg = jsonx_dumps(o->res.message, 0);
}

void tu_stream_run(const struct llm_stream_ops *api,
                   const struct llm_request *r, const char *in, size_t n,
                   const size_t *cuts, size_t ncuts, struct tu_stream_run *o)
{
    run(api, r, in, n, cuts, ncuts, false, o);
}

void tu_stream_release(struct tu_stream_run *o)
{
    llm_result_release(&o->res);
    free(o->msg);
    buf_release(&o->text);
    buf_release(&o->thinking);
    buf_release(&o->tools);
}

char *tu_stream_bytes(const char *text, bool crlf, size_t *n)
{
    struct buf b;

    buf_init(&b, 0);
    for (; *text; text++) {
        if (crlf && *text == '\n')
            assert_int_equal(buf_addch(&b, '\r'), 0);
        assert_int_equal(buf_addch(&b, *text == '\'' ? '"' : *text), 0);
    }
    return buf_detach(&b, n);
}

/* The concatenated member key of content's blocks of this type. */
static void join_blocks(json_t *content, const char *type, const char *key,
                        struct buf *out)
{
    json_t *b;
    size_t i;

    json_array_foreach (content, i, b)
        if (!strcmp(jsonx_get_str(b, "type"), type))
            assert_int_equal(buf_addstr(out, jsonx_get_str(b, key)), 0);
}

void tu_stream_check_sink(const char *name, const struct tu_stream_run *o)
{
    json_t *content = json_object_get(o->res.message, "content"), *b;
    struct buf text, thinking, tools;
    size_t i;
    char *s;

    buf_init(&text, 0);
    buf_init(&thinking, 0);
    buf_init(&tools, 0);
    join_blocks(content, "text", "text", &text);
    join_blocks(content, "thinking", "thinking", &thinking);
    if (strcmp(text.p, o->text.p) || strcmp(thinking.p, o->thinking.p))
        fail_msg("%s: the sink got text '%s' thinking '%s'", name, o->text.p,
                 o->thinking.p);
    assert_int_equal(o->res.output_started, text.len + thinking.len > 0);
    json_array_foreach (content, i, b) {
        if (strcmp(jsonx_get_str(b, "type"), "toolCall") != 0)
            continue;
        s = jsonx_dumps(b, 0);
        assert_int_equal(buf_addf(&tools, "%s\n", s), 0);
        free(s);
    }
    assert_string_equal(tools.p, o->tools.p);
    buf_release(&text);
    buf_release(&thinking);
    buf_release(&tools);
}

/* Everything a run produced, as text: two runs are the same run when
 * their texts are. */
static char *outcome(const struct tu_stream_run *o)
{
    const struct llm_usage *u = &o->res.usage;
    struct buf b;

    buf_init(&b, 0);
    buf_addf(&b,
             "message %s\nstatus %d stop '%s' error '%s' '%s' started %d\n"
             "usage %lld %lld %lld %lld %lld %.17g\n"
             "text '%s'\nthinking '%s'\ntools '%s'",
             o->msg, (int)o->res.status, o->res.stop_reason, o->res.error_type,
             o->res.error_message, o->res.output_started, (long long)u->input,
             (long long)u->output, (long long)u->cache_read,
             (long long)u->cache_write, (long long)u->cache_write_1h, u->cost,
             o->text.p, o->thinking.p, o->tools.p);
    return buf_detach(&b, NULL);
}

struct split_case {
    const struct llm_stream_ops *api;
    const struct llm_request *r;
    char *in;
    size_t n;
    bool jansson_only;
};

static char *feed_split(const void *arg, const size_t *cuts, size_t ncuts)
{
    const struct split_case *c = arg;
    struct tu_stream_run o;
    char *s;

    run(c->api, c->r, c->in, c->n, cuts, ncuts, c->jansson_only, &o);
    s = outcome(&o);
    tu_stream_release(&o);
    return s;
}

void tu_stream_check_splits(const struct llm_stream_ops *api,
                            const struct llm_request *r, const char *name,
                            const char *text)
{
    struct split_case lf = {api, r, NULL, 0, false}, crlf = lf, slow;
    char *a, *b, *label;

    lf.in = tu_stream_bytes(text, false, &lf.n);
    crlf.in = tu_stream_bytes(text, true, &crlf.n);
    tu_check_splits(name, lf.n, feed_split, &lf);
    label = xasprintf("%s (CRLF)", name);
    tu_check_splits(label, crlf.n, feed_split, &crlf);
    a = feed_split(&lf, NULL, 0);
    b = feed_split(&crlf, NULL, 0);
    if (strcmp(a, b) != 0)
        fail_msg("%s: CRLF gives\n%s\ninstead of\n%s", name, b, a);
    free(b);
    if (api->use_jscan) {
        slow = lf;
        slow.jansson_only = true;
        b = feed_split(&slow, NULL, 0);
        if (strcmp(a, b) != 0)
            fail_msg("%s: jansson alone gives\n%s\ninstead of\n%s", name, b, a);
        free(b);
    }
    free(a);
    free(label);
    free(lf.in);
    free(crlf.in);
}
