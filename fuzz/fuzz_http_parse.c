/*
 * Fuzz the HTTP/1.1 request parser (http/parse.c). One feed, two feeds
 * split at a position taken from the first byte, and (under 512 bytes)
 * byte-by-byte feeds with empty feeds between must give the same events:
 * heads, body bytes (however they were cut into events), ends and the
 * error. Every call is checked: consumed <= offered, body events inside
 * the input and at the end of what was consumed, HEAD BODY* END order,
 * body never past Content-Length or body_max, heads well formed (NUL
 * terminated strings, field counts, flags), errors sticky with a known
 * status. A last byte with the high bit set picks small limits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct result {
    uint64_t h;      /* FNV-1a over the events, split-independent */
    int status;      /* the error's, or 0 */
    bool in_message; /* between HEAD and END */
    uint64_t body;   /* body bytes of the current message */
    size_t messages; /* ENDs */
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

static void on_head(const struct hparser *p, struct result *r)
{
    const struct http_head *h = &p->head;
    size_t i;
    unsigned char flags;

    if (r->in_message || h->target_len == 0 || h->nfields > p->lim.fields_max ||
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
    mix(&r->h, "H", 1);
    mix_str(&r->h, h->method, strlen(h->method));
    mix_str(&r->h, h->target, h->target_len);
    for (i = 0; i < h->nfields; i++) {
        check_field(&h->fields[i]);
        mix_str(&r->h, h->fields[i].name, h->fields[i].name_len);
        mix_str(&r->h, h->fields[i].value, h->fields[i].value_len);
    }
    flags = (unsigned char)(h->version_minor | h->keep_alive << 1 |
                            h->expect_continue << 2 | h->upgrade << 3 |
                            h->chunked << 4 | h->has_length << 5);
    mix(&r->h, &flags, 1);
    mix(&r->h, &h->content_length, sizeof(h->content_length));
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
    mix(&r->h, ev->data, ev->len); /* no marker: events may be cut anywhere */
}

static void on_end(const struct hparser *p, struct result *r)
{
    const struct http_head *h = &p->head;

    if (!r->in_message || (h->has_length && r->body != h->content_length))
        abort();
    mix(&r->h, "E", 1);
    r->in_message = false;
    r->messages++;
}

static void on_error(const struct http_event *ev, struct result *r)
{
    static const int ok[] = {400, 413, 414, 417, 431, 501, 505};
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]) && ok[i] != ev->status; i++)
        ;
    if (i == sizeof(ok) / sizeof(ok[0]) || !ev->reason || !*ev->reason)
        abort();
    mix(&r->h, "X", 1);
    mix_str(&r->h, ev->reason, strlen(ev->reason));
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
            on_end(p, r);
        else
            on_error(&ev, r);
    }
}

/* Feed in pieces of `step` bytes after a first piece of `first` bytes,
 * each followed by an empty feed when step is 1. */
static void run(struct hparser *p, const struct http_limits *lim,
                const char *in, size_t size, size_t first, size_t step,
                struct result *r)
{
    size_t at = 0, len = first;

    memset(r, 0, sizeof(*r));
    r->h = 0xcbf29ce484222325ULL;
    hparser_init(p, lim);
    do {
        feed(p, in + at, len, r);
        if (step == 1)
            feed(p, in + at + len, 0, r);
        at += len;
        len = size - at < step ? size - at : step;
    } while (at < size);
    feed(p, in + size, 0, r);
}

static void same(const struct result *a, const struct result *b)
{
    if (a->h != b->h || a->status != b->status || a->messages != b->messages ||
        a->in_message != b->in_message || a->body != b->body)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct hparser parser;
    const char *in = (const char *)data;
    struct http_limits lim = {0, 0, 0, 0};
    struct result one, two;
    unsigned char last;
    size_t cut;

    if (size > 65536)
        return 0;
    last = size ? data[size - 1] : 0;
    if (last & 0x80) {
        lim.line_max = 16 + (size_t)(last & 7) * 8;
        lim.headers_max = 24 + (size_t)((last >> 3) & 3) * 40;
        lim.fields_max = 1 + (size_t)((last >> 5) & 1) * 3;
        lim.body_max = 1 + (uint64_t)(last & 0x1f);
    }
    run(&parser, &lim, in, size, size, size, &one);
    cut = size ? (size_t)data[0] * size / 255 : 0;
    run(&parser, &lim, in, size, cut, size, &two);
    same(&one, &two);
    if (size < 512) {
        run(&parser, &lim, in, size, 0, 1, &two);
        same(&one, &two);
    }
    return 0;
}
