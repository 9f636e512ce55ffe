/*
 * The SSE parser against the WHATWG event stream rules: a table of streams
 * with the events they must produce, each also fed split at every single
 * position and byte by byte (with empty feeds between the bytes), which
 * must give exactly the events of one feed; plus sticky errors, the size
 * cap and sse_finish's truncation report.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/xalloc.h"
#include "base/buf.h"
#include "base/err.h"
#include "provider/sse.h"
#include "base/banned.h"

/*
 * A case's expected outcome, written the way show() renders a run: each
 * event as name (when named), "#id" (when there is one) and "<data>" (NUL
 * shown as \0), then " ETOOBIG" or " rc=N" for a stopped feed, " truncated"
 * when sse_finish said so, " retry=N" when a retry was kept; one space
 * between items.
 */
struct scase {
    const char *name;
    const char *in;
    size_t n;
    const char *want;
    size_t max;     /* sse_init's max_event */
    int stop_after; /* the callback returns 7 after this many events */
};

#define C(name, in, want)                                                      \
    {                                                                          \
        name, in, sizeof(in) - 1, want, 0, 0                                   \
    }
#define CMAX(name, in, max, want)                                              \
    {                                                                          \
        name, in, sizeof(in) - 1, want, max, 0                                 \
    }
#define CSTOP(name, in, stop, want)                                            \
    {                                                                          \
        name, in, sizeof(in) - 1, want, 0, stop                                \
    }

#define IN(s) s, sizeof(s) - 1

/* What one run of a case produced. */
struct run {
    struct buf log;  /* events, length-prefixed: exact comparison */
    struct buf show; /* the same, readable, as in scase.want */
    int n;
    int stop_after;
    int rc; /* the first non-zero sse_feed result */
    int finish;
    long retry;
};

/* An Anthropic Messages stream, CRLF line ends, as the API sends it. */
#define MSG_START                                                              \
    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnp"  \
    "tvVoYEL\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"    \
    "\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":"  \
    "null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}"
#define BLOCK_START                                                            \
    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"         \
    "{\"type\":\"text\",\"text\":\"\"}}"
#define PING "{\"type\": \"ping\"}"
#define DELTA(t)                                                               \
    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"       \
    "\"text_delta\",\"text\":\"" t "\"}}"
#define BLOCK_STOP "{\"type\":\"content_block_stop\",\"index\":0}"
#define MSG_DELTA                                                              \
    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","     \
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}"
#define MSG_STOP       "{\"type\":\"message_stop\"}"
#define EV(name, data) "event: " name "\r\ndata: " data "\r\n\r\n"

#define TRANSCRIPT                                                             \
    EV("message_start", MSG_START)                                             \
    EV("content_block_start", BLOCK_START)                                     \
    EV("ping", PING)                                                           \
    EV("content_block_delta", DELTA("Hello"))                                  \
    EV("content_block_delta", DELTA("! How can"))                              \
    EV("content_block_delta", DELTA(" I help?"))                               \
    EV("content_block_stop", BLOCK_STOP)                                       \
    EV("message_delta", MSG_DELTA)                                             \
    EV("message_stop", MSG_STOP)

/* An event as show() renders it; the rest are preceded by a space. */
#define W(name, data)  name "<" data ">"
#define SW(name, data) " " W(name, data)
#define TRANSCRIPT_WANT                                                        \
    W("message_start", MSG_START)                                              \
    SW("content_block_start", BLOCK_START)                                     \
    SW("ping", PING)                                                           \
    SW("content_block_delta", DELTA("Hello"))                                  \
    SW("content_block_delta", DELTA("! How can"))                              \
    SW("content_block_delta", DELTA(" I help?"))                               \
    SW("content_block_stop", BLOCK_STOP)                                       \
    SW("message_delta", MSG_DELTA)                                             \
    SW("message_stop", MSG_STOP)

static const char anthropic[] = TRANSCRIPT;

static const struct scase cases[] = {
    C("anthropic event",
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
      "message_stop<{\"type\":\"message_stop\"}>"),
    C("anthropic transcript, CRLF", TRANSCRIPT, TRANSCRIPT_WANT),
    C("openrouter",
      ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
      "data: [DONE]\n\n",
      "<{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}> <[DONE]>"),
    C("multi-line data", "data: a\ndata: b\ndata\n\ndata: c\n\n",
      "<a\nb\n> <c>"),
    C("CRLF", "event: e\r\ndata: x\r\n\r\n", "e<x>"),
    C("CR", "data: x\r\rdata: y\rdata: z\r\r", "<x> <y\nz>"),
    C("mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\ndata: d\n\r",
      "<a\nb\nc> <d>"),
    C("CR CR LF is two line ends", "data: a\r\r\ndata: b\n\n", "<a> <b>"),
    C("no space after colon", "event:e\ndata:x\n\n", "e<x>"),
    C("only one space stripped", "event:  e\ndata:  x \n\n", " e< x >"),
    C("tab is not stripped", "data:\tx\n\n", "<\tx>"),
    C("colons in the value", "data: a: b:c\n\n", "<a: b:c>"),
    C("field without colon", "data\n\ndata\ndata\n\n", "<> <\n>"),
    C("empty event name is message", "event\ndata: x\n\nevent:\ndata: y\n\n",
      "<x> <y>"),
    C("explicit message name", "event: message\ndata: x\n\n", "message<x>"),
    C("last event name wins", "event: a\nevent: b\ndata: x\n\n", "b<x>"),
    C("unknown and miscased fields",
      "foo: bar\nDATA: y\n data: z\nEvent: q\ndata: x\n\n", "<x>"),
    C("comments", ":\n: ping\n:data: no\ndata: x\n: between\n\n", "<x>"),
    C("id persists", "id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n",
      "#1<a> #1<b> <c>"),
    C("id without data is kept", "id: 42\n\nevent: e\ndata: a\n\n", "e#42<a>"),
    C("id with NUL is ignored", "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n",
      "#1<a> #1<b>"),
    C("data with NUL", "data: a\0b\n\n", "<a\\0b>"),
    C("retry", "retry: 3000\ndata: x\n\n", "<x> retry=3000"),
    C("retry: bad values ignored",
      "retry: 1500\n\nretry: 3a\nretry:\nretry:  5\nretry: -1\n\n",
      "retry=1500"),
    C("retry saturates", "retry: 99999999999999999999999999\n\n",
      "retry=9223372036854775807"),
    C("no data, no event", "event: x\n\nid: 3\n\ndata: y\n\n", "#3<y>"),
    C("BOM skipped",
      "\xEF\xBB\xBF"
      "data: x\n\n",
      "<x>"),
    C("only one BOM skipped",
      "\xEF\xBB\xBF\xEF\xBB\xBF"
      "data: x\n\ndata: y\n\n",
      "<y>"),
    C("partial BOM is text",
      "\xEF\xBB"
      "data: x\n\ndata: y\n\n",
      "<y>"),
    C("BOM later is text",
      "data: x\n\n\xEF\xBB\xBF"
      "data: y\n\n",
      "<x>"),
    C("BOM alone", "\xEF\xBB\xBF", ""),
    C("truncated BOM", "\xEF\xBB", "truncated"),
    C("UTF-8 passes through", "event: caf\xC3\xA9\ndata: \xE2\x9C\x93\n\n",
      "caf\xC3\xA9<\xE2\x9C\x93>"),
    CSTOP("callback stops", "data: 1\n\ndata: 2\n\ndata: 3\n\n", 2,
          "<1> <2> rc=7"),
    CSTOP("stop mid-stream is not truncation", "data: 1\n\ndata: 2", 1,
          "<1> rc=7"),
    C("empty stream", "", ""),
    C("ends after a data line", "data: a\n\ndata: x\n", "<a> truncated"),
    C("ends inside a line", "data: a\n\ndata: x", "<a> truncated"),
    C("ends after a CR line end", "data: x\r", "truncated"),
    C("CR blank line dispatches", "data: x\n\r", "<x>"),
    C("ends after id only", "id: 5\n", "truncated"),
    C("ends after a comment", "data: a\n\n: keepalive\n", "<a>"),
    CMAX("line at the cap", "data:12345\ndata:1234\n\n", 10, "<12345\n1234>"),
    CMAX("line over the cap", "data: a\n\ndata:123456\n\n", 10,
         "<a> ETOOBIG truncated"),
    CMAX("comment over the cap", ":234567890X\ndata: a\n\n", 10,
         "ETOOBIG truncated"),
    CMAX("unterminated line over the cap", "data: a\n\ndata:123456", 10,
         "<a> ETOOBIG truncated"),
    CMAX("data over the cap", "data:12345\ndata:12345\n\ndata: b\n\n", 10,
         "ETOOBIG truncated"),
};

/* Start a new item of the readable rendering. */
static void sep(struct buf *b)
{
    if (b->len)
        assert_int_equal(buf_addch(b, ' '), 0);
}

static void show_event(struct buf *b, const struct sse_event *ev)
{
    size_t i;

    sep(b);
    if (ev->named)
        assert_int_equal(buf_addstr(b, ev->event), 0);
    if (*ev->id)
        assert_int_equal(buf_addf(b, "#%s", ev->id), 0);
    assert_int_equal(buf_addch(b, '<'), 0);
    for (i = 0; i < ev->data_len; i++)
        assert_int_equal(
            ev->data[i] ? buf_addch(b, ev->data[i]) : buf_addstr(b, "\\0"), 0);
    assert_int_equal(buf_addch(b, '>'), 0);
}

static int on_event(void *arg, const struct sse_event *ev)
{
    struct run *r = arg;

    assert_non_null(ev->event);
    assert_non_null(ev->id);
    assert_int_equal(ev->data[ev->data_len], '\0');
    if (!ev->named)
        assert_string_equal(ev->event, "message");
    assert_int_equal(buf_addf(&r->log, "[%s|%d|%s|%zu:", ev->event, ev->named,
                              ev->id, ev->data_len),
                     0);
    assert_int_equal(buf_add(&r->log, ev->data, ev->data_len), 0);
    assert_int_equal(buf_addstr(&r->log, "]\n"), 0);
    show_event(&r->show, ev);
    r->n++;
    return r->stop_after && r->n >= r->stop_after ? 7 : 0;
}

/* Feed c->in in pieces ending at cuts[0..ncuts) (then the rest). */
static void run_case(const struct scase *c, const size_t *cuts, size_t ncuts,
                     struct run *out)
{
    struct sse_parser p;
    size_t i, at = 0, to;
    int rc;

    memset(out, 0, sizeof(*out));
    buf_init(&out->log, 0);
    buf_init(&out->show, 0);
    out->stop_after = c->stop_after;
    sse_init(&p, c->max);
    for (i = 0; i <= ncuts; i++) {
        to = i < ncuts ? cuts[i] : c->n;
        rc = sse_feed(&p, c->in + at, to - at, on_event, out);
        if (out->rc)
            assert_int_equal(rc, out->rc); /* a stop is final */
        out->rc = rc;
        at = to;
    }
    out->finish = sse_finish(&p);
    out->retry = sse_retry_ms(&p);
    sse_release(&p);
    if (out->rc == OC_ETOOBIG) {
        sep(&out->show);
        assert_int_equal(buf_addstr(&out->show, "ETOOBIG"), 0);
    } else if (out->rc) {
        sep(&out->show);
        assert_int_equal(buf_addf(&out->show, "rc=%d", out->rc), 0);
    }
    if (out->finish) {
        sep(&out->show);
        assert_int_equal(buf_addstr(&out->show, "truncated"), 0);
    }
    if (out->retry != -1) {
        sep(&out->show);
        assert_int_equal(buf_addf(&out->show, "retry=%ld", out->retry), 0);
    }
}

static void run_release(struct run *r)
{
    buf_release(&r->log);
    buf_release(&r->show);
}

/* The outcome as text: the readable events, stop, truncation and retry,
 * then the exact length-prefixed log. */
static char *feed_case(const void *arg, const size_t *cuts, size_t ncuts)
{
    struct run r;
    char *out;

    run_case(arg, cuts, ncuts, &r);
    out = xasprintf("%s\n%s", r.show.p, r.log.p);
    run_release(&r);
    return out;
}

static void test_table(void **state)
{
    struct run one;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        run_case(&cases[i], NULL, 0, &one);
        if (strcmp(one.show.p, cases[i].want) != 0)
            fail_msg("%s: got\n%s\nwant\n%s", cases[i].name, one.show.p,
                     cases[i].want);
        run_release(&one);
    }
}

/* The property: where the bytes are split never changes the events. */
static void test_every_split(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        tu_check_splits(cases[i].name, cases[i].n, feed_case, &cases[i]);
}

static int count(void *arg, const struct sse_event *ev)
{
    (void)ev;
    (*(int *)arg)++;
    return 0;
}

static void test_sticky_error(void **state)
{
    struct sse_parser p;
    int n = 0;

    (void)state;
    sse_init(&p, 8);
    assert_int_equal(sse_feed(&p, IN("data: 123456"), count, &n), OC_ETOOBIG);
    assert_int_equal(sse_feed(&p, IN("\n\ndata: a\n\n"), count, &n),
                     OC_ETOOBIG);
    assert_int_equal(sse_feed(&p, IN(""), count, &n), OC_ETOOBIG);
    assert_int_equal(n, 0);
    assert_int_equal(sse_finish(&p), 1);
    sse_release(&p);
}

static int stop_now(void *arg, const struct sse_event *ev)
{
    (void)arg;
    (void)ev;
    return -42;
}

static void test_sticky_stop(void **state)
{
    struct sse_parser p;
    int n = 0;

    (void)state;
    sse_init(&p, 0);
    assert_int_equal(sse_feed(&p, IN("data: a\n\ndata: b\n\n"), stop_now, NULL),
                     -42);
    assert_int_equal(sse_feed(&p, IN("data: c\n\n"), count, &n), -42);
    assert_int_equal(n, 0);
    assert_int_equal(sse_finish(&p), 0);
    sse_release(&p);
}

static void test_null_callback_and_finish_twice(void **state)
{
    struct sse_parser p;

    (void)state;
    sse_init(&p, 0);
    assert_int_equal(
        sse_feed(&p, IN("retry: 10\ndata: a\n\ndata: b"), NULL, NULL), 0);
    assert_int_equal(sse_retry_ms(&p), 10);
    assert_int_equal(sse_feed(&p, NULL, 0, NULL, NULL), 0);
    assert_int_equal(sse_finish(&p), 1);
    assert_int_equal(sse_finish(&p), 0);
    sse_release(&p);
    sse_release(&p); /* release is idempotent */
}

static int check_big(void *arg, const struct sse_event *ev)
{
    size_t *len = arg;

    *len = ev->data_len;
    return 0;
}

/* A 1 MiB event in 4 KiB feeds under the default cap, then one over. */
static void test_big_event(void **state)
{
    const size_t n = (size_t)1 << 20;
    struct sse_parser p;
    struct buf in;
    size_t i, got = 0;

    (void)state;
    buf_init(&in, 0);
    assert_int_equal(buf_addstr(&in, "data: "), 0);
    for (i = 0; i < n; i++)
        assert_int_equal(buf_addch(&in, (char)('a' + i % 26)), 0);
    assert_int_equal(buf_addstr(&in, "\n\n"), 0);
    sse_init(&p, 0);
    for (i = 0; i < in.len; i += 4096)
        assert_int_equal(sse_feed(&p, in.p + i,
                                  in.len - i < 4096 ? in.len - i : 4096,
                                  check_big, &got),
                         0);
    assert_int_equal(got, n);
    assert_int_equal(sse_finish(&p), 0);
    sse_release(&p);

    sse_init(&p, n - 1);
    got = 0;
    assert_int_equal(sse_feed(&p, in.p, in.len, check_big, &got), OC_ETOOBIG);
    assert_int_equal(got, 0);
    sse_release(&p);
    buf_release(&in);
}

/* The transcript defined above, fed in arbitrary uneven chunks. */
static void test_anthropic_chunks(void **state)
{
    static const size_t sizes[] = {1, 7, 2, 64, 3, 100, 5, 31, 2, 500};
    struct sse_parser p;
    size_t at = 0, i = 0, step;
    int n = 0;

    (void)state;
    sse_init(&p, 0);
    while (at < sizeof(anthropic) - 1) {
        step = sizes[i++ % (sizeof(sizes) / sizeof(sizes[0]))];
        if (step > sizeof(anthropic) - 1 - at)
            step = sizeof(anthropic) - 1 - at;
        assert_int_equal(sse_feed(&p, anthropic + at, step, count, &n), 0);
        at += step;
    }
    assert_int_equal(n, 9);
    assert_int_equal(sse_finish(&p), 0);
    sse_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_sticky_error),
        cmocka_unit_test(test_sticky_stop),
        cmocka_unit_test(test_null_callback_and_finish_twice),
        cmocka_unit_test(test_big_event),
        cmocka_unit_test(test_anthropic_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
