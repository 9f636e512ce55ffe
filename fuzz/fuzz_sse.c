/*
 * Fuzz the SSE parser (provider/sse.c): where the bytes are split never
 * changes anything. One feed, two feeds split at a position taken from the
 * first byte, and (under 512 bytes) byte-by-byte feeds must give the same
 * events (names, named flags, ids, data), result, sse_finish and retry. The
 * last byte picks a small cap and a callback stop, to reach those paths.
 * Events are compared by a 64-bit FNV-1a over length-prefixed fields, so
 * an id repeated on every event costs no memory.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "provider/sse.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct opts {
    size_t max;        /* 0: the default cap */
    size_t stop_after; /* 0: never stop */
};

struct result {
    uint64_t h;
    size_t n;
    size_t max;
    size_t stop_after;
    int rc;
    int finish;
    long retry;
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

static void mix_field(uint64_t *h, const char *s, size_t n)
{
    uint64_t len = n;

    mix(h, &len, sizeof(len));
    mix(h, s, n);
}

static int on_event(void *arg, const struct sse_event *ev)
{
    struct result *r = arg;
    unsigned char named = ev->named;

    if (!ev->event || !ev->id || !ev->data || ev->data[ev->data_len] != '\0')
        abort();
    if (!ev->named && strcmp(ev->event, "message") != 0)
        abort();
    if (ev->data_len > (r->max ? r->max : SSE_DEFAULT_MAX))
        abort();
    mix_field(&r->h, ev->event, strlen(ev->event));
    mix(&r->h, &named, 1);
    mix_field(&r->h, ev->id, strlen(ev->id));
    mix_field(&r->h, ev->data, ev->data_len);
    r->n++;
    return r->stop_after && r->n >= r->stop_after ? 7 : 0;
}

/* Feed in pieces of `step` bytes after a first piece of `first` bytes. */
static void run(const char *in, size_t size, size_t first, size_t step,
                const struct opts *o, struct result *r)
{
    struct sse_parser p;
    size_t at = 0, len = first;
    int rc;

    memset(r, 0, sizeof(*r));
    r->h = 0xcbf29ce484222325ULL;
    r->max = o->max;
    r->stop_after = o->stop_after;
    sse_init(&p, o->max);
    do {
        rc = sse_feed(&p, in + at, len, on_event, r);
        if (r->rc && rc != r->rc)
            abort(); /* a stop is final */
        r->rc = rc;
        at += len;
        len = size - at < step ? size - at : step;
    } while (at < size);
    r->finish = sse_finish(&p);
    r->retry = sse_retry_ms(&p);
    sse_release(&p);
}

static void same(const struct result *a, const struct result *b)
{
    if (a->h != b->h || a->n != b->n || a->rc != b->rc ||
        a->finish != b->finish || a->retry != b->retry)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct result one, two;
    struct opts o = {0, 0};
    unsigned char last;
    size_t cut;

    if (size > 65536)
        return 0;
    if (size) {
        last = data[size - 1];
        o.max = last & 0x80 ? (size_t)(last & 0x3f) + 1 : 0;
        o.stop_after = last & 0x40 ? (size_t)(last & 3) + 1 : 0;
    }
    run(in, size, size, size, &o, &one);
    cut = size ? (size_t)data[0] * size / 255 : 0;
    run(in, size, cut, size, &o, &two);
    same(&one, &two);
    if (size < 512) {
        run(in, size, 0, 1, &o, &two);
        same(&one, &two);
    }
    return 0;
}
