/*
 * Fuzz the HTTP/1.1 request parser (http/parse.c). One feed, two feeds
 * split at a position taken from the first byte, and (under 512 bytes)
 * byte-by-byte feeds with empty feeds between must give the same events:
 * heads, body bytes (however they were cut into events), ends and the
 * error. Every call is checked: consumed <= offered, body events inside
 * the input and at the end of what was consumed, HEAD BODY* END order,
 * body never past Content-Length or body_max, heads well formed (NUL
 * terminated strings, field counts, flags), errors sticky with a known
 * status. Each run starts from differently dirtied memory (hparser_init
 * must not depend on zeroed memory). After an END, a fresh parser fed
 * the rest of the input must give the rest of the events (nothing leaks
 * from one request into the next), and the first message, written out
 * again canonically, must parse to the same head and body. A last byte
 * with the high bit set picks small limits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "base/banned.h"

/* Under MemorySanitizer (a separate clang build, not the fuzz preset) the
 * parser's memory is marked uninitialised before each hparser_init, so a
 * read of anything init did not set is reported. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define OC_MSAN 1
#endif
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX  65536u
#define FNV_OFFSET 0xcbf29ce484222325ULL

/* The first message, kept to be written out again. */
struct echo {
    char head[INPUT_MAX + 64]; /* request line and fields, LF line ends */
    size_t head_len;
    char body[INPUT_MAX];
    size_t body_len;
    uint64_t head_hash;
    bool chunked;
    bool done; /* its END came */
};

struct result {
    uint64_t h;        /* FNV-1a over the events, split-independent */
    uint64_t tail;     /* the same over the events after the first END */
    size_t tail_at;    /* input offset just after the first END */
    const char *base;  /* the input, for tail_at */
    int status;        /* the error's, or 0 */
    bool in_message;   /* between HEAD and END */
    uint64_t body;     /* body bytes of the current message */
    size_t messages;   /* ENDs */
    struct echo *echo; /* NULL: do not record the first message */
};

static void mix(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i;

    for (i = 0; i < n; i++) {
        *h ^= s[i];
        *h *= 0x100000001b3ULL;
    }
}

/* An event's bytes, into the whole hash and, after the first END, the
 * tail's. */
static void emit(struct result *r, const void *p, size_t n)
{
    mix(&r->h, p, n);
    if (r->messages)
        mix(&r->tail, p, n);
}

static void mix_str(uint64_t *h, const char *s, size_t n)
{
    uint64_t len = n;

    if (strlen(s) != n)
        abort(); /* NUL-terminated, no NUL inside */
    mix(h, &len, sizeof(len));
    mix(h, s, n);
}

static bool bad_value_byte(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static void check_field(const struct http_field *f)
{
    size_t i;

    if (f->name_len == 0 || memchr(f->name, ':', f->name_len))
        abort();
    for (i = 0; i < f->value_len; i++)
        if (bad_value_byte((unsigned char)f->value[i]))
            abort();
    if (f->value_len && (f->value[0] == ' ' || f->value[0] == '\t' ||
                         f->value[f->value_len - 1] == ' ' ||
                         f->value[f->value_len - 1] == '\t'))
        abort();
}

static void check_head(const struct hparser *p)
{
    const struct http_head *h = &p->head;
    size_t i;

    if (h->target_len == 0 || h->nfields > p->lim.fields_max ||
        (h->version_minor != 0 && h->version_minor != 1) ||
        (h->chunked && h->has_length) || (!h->has_length && h->content_length))
        abort();
    if (h->version_minor == 0 &&
        (h->chunked || h->expect_continue || h->upgrade))
        abort();
    if (h->version_minor == 1 && !http_head_get(h, "host", NULL))
        abort();
    if (h->content_length > p->lim.body_max)
        abort();
    for (i = 0; i < h->nfields; i++)
        check_field(&h->fields[i]);
}

/* Everything a head says, hashed. */
static uint64_t head_hash(const struct http_head *h)
{
    uint64_t x = FNV_OFFSET;
    unsigned char flags;
    size_t i;

    mix_str(&x, h->method, strlen(h->method));
    mix_str(&x, h->target, h->target_len);
    for (i = 0; i < h->nfields; i++) {
        mix_str(&x, h->fields[i].name, h->fields[i].name_len);
        mix_str(&x, h->fields[i].value, h->fields[i].value_len);
    }
    flags = (unsigned char)(h->version_minor | h->keep_alive << 1 |
                            h->expect_continue << 2 | h->upgrade << 3 |
                            h->chunked << 4 | h->has_length << 5);
    mix(&x, &flags, 1);
    mix(&x, &h->content_length, sizeof(h->content_length));
    return x;
}

static void put(struct echo *e, const char *s, size_t n)
{
    if (e->head_len + n > sizeof(e->head))
        abort(); /* never longer than what was parsed */
    memcpy(e->head + e->head_len, s, n);
    e->head_len += n;
}

/* The head written out canonically: single spaces, "name:value", LF. */
static void echo_head(struct echo *e, const struct http_head *h, uint64_t x)
{
    size_t i;

    e->head_hash = x;
    e->chunked = h->chunked;
    put(e, h->method, strlen(h->method));
    put(e, " ", 1);
    put(e, h->target, h->target_len);
    put(e, h->version_minor ? " HTTP/1.1\n" : " HTTP/1.0\n", 10);
    for (i = 0; i < h->nfields; i++) {
        put(e, h->fields[i].name, h->fields[i].name_len);
        put(e, ":", 1);
        put(e, h->fields[i].value, h->fields[i].value_len);
        put(e, "\n", 1);
    }
    put(e, "\n", 1);
}

static void on_head(const struct hparser *p, struct result *r)
{
    uint64_t x;

    if (r->in_message)
        abort();
    check_head(p);
    x = head_hash(&p->head);
    emit(r, "H", 1);
    emit(r, &x, sizeof(x));
    if (r->echo && r->messages == 0)
        echo_head(r->echo, &p->head, x);
    r->in_message = true;
    r->body = 0;
}

static void on_body(const struct hparser *p, const struct http_event *ev,
                    struct result *r)
{
    const struct http_head *h = &p->head;

    if (!r->in_message || ev->len == 0 || !(h->chunked || h->has_length))
        abort();
    r->body += ev->len;
    if ((h->has_length && r->body > h->content_length) ||
        r->body > p->lim.body_max)
        abort();
    emit(r, ev->data, ev->len); /* no marker: events may be cut anywhere */
    if (r->echo && r->messages == 0) {
        memcpy(r->echo->body + r->echo->body_len, ev->data, ev->len);
        r->echo->body_len += ev->len;
    }
}

static void on_end(const struct hparser *p, struct result *r, const char *at)
{
    const struct http_head *h = &p->head;

    if (!r->in_message || (h->has_length && r->body != h->content_length))
        abort();
    emit(r, "E", 1);
    r->in_message = false;
    r->body = 0;
    if (r->messages++ == 0) {
        r->tail_at = (size_t)(at - r->base);
        if (r->echo)
            r->echo->done = true;
    }
}

static void on_error(const struct http_event *ev, struct result *r)
{
    static const int ok[] = {400, 413, 414, 417, 431, 501, 505};
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]) && ok[i] != ev->status; i++)
        ;
    if (i == sizeof(ok) / sizeof(ok[0]) || !ev->reason || !*ev->reason)
        abort();
    emit(r, "X", 1);
    emit(r, ev->reason, strlen(ev->reason));
    r->status = ev->status;
}

/* One call's consumption and event against in[0..n). */
static void check_call(const char *in, size_t n, size_t k,
                       const struct http_event *ev)
{
    if (k > n)
        abort();
    if (ev->type == HTTP_EV_NONE && k != n)
        abort();
    if (ev->type == HTTP_EV_BODY &&
        (ev->data < in || ev->len > k || ev->data + ev->len != in + k))
        abort();
}

static void feed(struct hparser *p, const char *in, size_t n, struct result *r)
{
    struct http_event ev;
    size_t used = 0, k, calls = 0;

    for (;;) {
        if (++calls > 4 * n + 16)
            abort(); /* no progress */
        k = http_parse(p, in + used, n - used, &ev);
        if (r->status) {
            if (k || ev.type != HTTP_EV_ERROR || ev.status != r->status)
                abort(); /* sticky */
            return;
        }
        check_call(in + used, n - used, k, &ev);
        used += k;
        if (ev.type == HTTP_EV_NONE)
            return;
        if (ev.type == HTTP_EV_HEAD)
            on_head(p, r);
        else if (ev.type == HTTP_EV_BODY)
            on_body(p, &ev, r);
        else if (ev.type == HTTP_EV_END)
            on_end(p, r, in + used);
        else
            on_error(&ev, r);
    }
}

struct run {
    struct hparser *p;
    const struct http_limits *lim;
    int poison;   /* what the parser's memory holds before hparser_init */
    size_t first; /* the first feed's size */
    size_t step;  /* the later feeds' (1: with empty feeds between) */
};

static void run(const struct run *how, const char *in, size_t size,
                struct result *r, struct echo *echo)
{
    size_t at = 0, len = how->first;

    memset(r, 0, sizeof(*r));
    r->h = r->tail = FNV_OFFSET;
    r->base = in;
    r->echo = echo;
    memset(how->p, how->poison, sizeof(*how->p));
#ifdef OC_MSAN
    __msan_allocated_memory(how->p, sizeof(*how->p));
#endif
    hparser_init(how->p, how->lim);
    do {
        feed(how->p, in + at, len, r);
        if (how->step == 1)
            feed(how->p, in + at + len, 0, r);
        at += len;
        len = size - at < how->step ? size - at : how->step;
    } while (at < size);
    feed(how->p, in + size, 0, r);
}

static void same(const struct result *a, const struct result *b)
{
    if (a->h != b->h || a->status != b->status || a->messages != b->messages ||
        a->in_message != b->in_message || a->body != b->body)
        abort();
}

/* After the first END a fresh parser must take over seamlessly. */
static void check_tail(const struct run *how, const char *in, size_t size,
                       const struct result *one)
{
    struct run fresh = *how;
    struct result r;

    if (one->messages == 0)
        return;
    fresh.first = fresh.step = size - one->tail_at;
    run(&fresh, in + one->tail_at, size - one->tail_at, &r, NULL);
    if (r.h != one->tail || r.status != one->status ||
        r.messages != one->messages - 1 || r.in_message != one->in_message ||
        r.body != one->body)
        abort();
}

/* The first message written out again: head, then the body framed the
 * way it came (one chunk, or Content-Length as in the fields). */
static size_t echo_message(const struct echo *e, char *out, size_t max)
{
    size_t n = e->head_len;

    memcpy(out, e->head, n);
    if (!e->chunked) {
        memcpy(out + n, e->body, e->body_len);
        return n + e->body_len;
    }
    if (e->body_len) {
        n += (size_t)snprintf(out + n, max - n, "%zx\r\n", e->body_len);
        memcpy(out + n, e->body, e->body_len);
        n += e->body_len;
        n += (size_t)snprintf(out + n, max - n, "\r\n");
    }
    return n + (size_t)snprintf(out + n, max - n, "0\r\n\r\n");
}

/* The echo must parse to the same head and body, then END. */
static void check_echo(const struct run *how, const struct echo *e)
{
    static char out[2 * INPUT_MAX + 64];
    struct http_event ev;
    size_t n = echo_message(e, out, sizeof(out)), at = 0, body = 0;

    hparser_init(how->p, how->lim);
    at += http_parse(how->p, out, n, &ev);
    if (ev.type != HTTP_EV_HEAD || head_hash(&how->p->head) != e->head_hash)
        abort();
    for (;;) {
        at += http_parse(how->p, out + at, n - at, &ev);
        if (ev.type != HTTP_EV_BODY)
            break;
        if (body + ev.len > e->body_len ||
            memcmp(ev.data, e->body + body, ev.len) != 0)
            abort();
        body += ev.len;
    }
    if (ev.type != HTTP_EV_END || body != e->body_len)
        abort();
}

static void pick_limits(const uint8_t *data, size_t size,
                        struct http_limits *lim)
{
    unsigned char last = size ? data[size - 1] : 0;

    memset(lim, 0, sizeof(*lim));
    if (last & 0x80) {
        lim->line_max = 16 + (size_t)(last & 7) * 8;
        lim->headers_max = 24 + (size_t)((last >> 3) & 3) * 40;
        lim->fields_max = 1 + (size_t)((last >> 5) & 1) * 3;
        lim->body_max = 1 + (uint64_t)(last & 0x1f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct echo echo;
    static struct hparser *parser;
    const char *in = (const char *)data;
    struct http_limits lim;
    struct result one, two;
    struct run how;

    if (size > INPUT_MAX)
        return 0;
    if (!parser && !(parser = malloc(sizeof(*parser))))
        abort();
    pick_limits(data, size, &lim);
    how = (struct run){parser, &lim, 0, size, size};
    echo.head_len = echo.body_len = 0;
    echo.done = false;
    run(&how, in, size, &one, &echo);
    check_tail(&how, in, size, &one);
    if (echo.done)
        check_echo(&how, &echo);
    how.poison = 0xff;
    how.first = size ? (size_t)data[0] * size / 255 : 0;
    run(&how, in, size, &two, NULL);
    same(&one, &two);
    if (size < 512) {
        how.poison = size ? data[size / 2] : 0x5a;
        how.first = 0;
        how.step = 1;
        run(&how, in, size, &two, NULL);
        same(&one, &two);
    }
    return 0;
}
