/*
 * Incremental Server-Sent Events parsing (see sse.h). Whole lines inside
 * one feed are parsed in place; only a line split across feeds is copied.
 * Line ends are found with memchr, so a feed costs a few passes over its
 * bytes however they were split. Tested in tests/unit/test_sse.c; fuzzed by
 * fuzz/fuzz_sse.c.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "provider/sse.h"
#include "base/banned.h"

static const char bom_bytes[3] = {'\xEF', '\xBB', '\xBF'};

/* Buffers that grew past this are freed after use rather than kept. */
#define SSE_KEEP ((size_t)64 << 10)

/* The next '\n' and '\r' at or after the cursor (end when none). */
struct scan {
    const char *end;
    const char *lf;
    const char *cr;
};

void sse_init(struct sse_parser *p, size_t max_event)
{
    size_t max = max_event ? max_event : SSE_DEFAULT_MAX;

    memset(p, 0, sizeof(*p));
    p->max = max;
    buf_init(&p->line, max);
    /* room for the "\n" that follows the last data line */
    buf_init(&p->data, max < SIZE_MAX ? max + 1 : max);
    buf_init(&p->event, max);
    buf_init(&p->id, max);
    p->retry_ms = -1;
}

void sse_release(struct sse_parser *p)
{
    buf_release(&p->line);
    buf_release(&p->data);
    buf_release(&p->event);
    buf_release(&p->id);
}

long sse_retry_ms(const struct sse_parser *p)
{
    return p->retry_ms;
}

static void reset_big(struct buf *b)
{
    if (b->cap > SSE_KEEP)
        buf_release(b);
    else
        buf_reset(b);
}

static bool name_is(const char *name, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(name, want, n) == 0;
}

/* Digits only, else ignored (the spec); huge values saturate. */
static void set_retry(struct sse_parser *p, const char *v, size_t n)
{
    long ms = 0;
    size_t i;
    int d;

    if (!n)
        return;
    for (i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return;
        d = v[i] - '0';
        ms = ms > (LONG_MAX - d) / 10 ? LONG_MAX : ms * 10 + d;
    }
    p->retry_ms = ms;
}

static int set_field(struct sse_parser *p, const char *name, size_t nlen,
                     const char *v, size_t vlen)
{
    if (name_is(name, nlen, "data")) {
        if (buf_add(&p->data, v, vlen) || buf_addch(&p->data, '\n'))
            return OC_ETOOBIG;
    } else if (name_is(name, nlen, "event")) {
        buf_reset(&p->event);
        return buf_add(&p->event, v, vlen);
    } else if (name_is(name, nlen, "id")) {
        if (memchr(v, '\0', vlen))
            return 0;
        buf_reset(&p->id);
        return buf_add(&p->id, v, vlen);
    } else if (name_is(name, nlen, "retry")) {
        set_retry(p, v, vlen);
    }
    return 0;
}

static int dispatch(struct sse_parser *p, sse_event_fn fn, void *arg)
{
    struct sse_event ev;
    int rc = 0;

    p->fields = false;
    if (p->data.len) {
        buf_truncate(&p->data, p->data.len - 1);
        ev.event = p->event.len ? p->event.p : "message";
        ev.named = p->event.len != 0;
        ev.data = p->data.p;
        ev.data_len = p->data.len;
        ev.id = p->id.p;
        if (fn)
            rc = fn(arg, &ev);
        p->stop = rc; /* the callback's value is final */
    }
    reset_big(&p->data);
    buf_reset(&p->event);
    return rc;
}

/* One line, without its line end. */
static int parse_line(struct sse_parser *p, const char *s, size_t n,
                      sse_event_fn fn, void *arg)
{
    const char *colon, *v;
    size_t nlen, vlen;

    if (!n)
        return dispatch(p, fn, arg);
    if (s[0] == ':')
        return 0;
    colon = memchr(s, ':', n);
    nlen = colon ? (size_t)(colon - s) : n;
    v = colon ? colon + 1 : s + n;
    vlen = n - (size_t)(v - s);
    if (vlen && *v == ' ') {
        v++;
        vlen--;
    }
    p->fields = true;
    return set_field(p, s, nlen, v, vlen);
}

/* A complete line: in place, or joined to what earlier feeds left. */
static int take_line(struct sse_parser *p, const char *s, size_t n,
                     sse_event_fn fn, void *arg)
{
    int rc;

    if (!p->line.len)
        return n > p->max ? OC_ETOOBIG : parse_line(p, s, n, fn, arg);
    if (buf_add(&p->line, s, n))
        return OC_ETOOBIG;
    rc = parse_line(p, p->line.p, p->line.len, fn, arg);
    reset_big(&p->line);
    return rc;
}

/*
 * Match the BOM at the start of the stream, however it is split. A partial
 * match followed by something else was line text after all.
 */
static int skip_bom(struct sse_parser *p, const char **s, const char *end)
{
    while (p->bom < sizeof(bom_bytes) && *s < end && **s == bom_bytes[p->bom]) {
        p->bom++;
        (*s)++;
    }
    if (p->bom == sizeof(bom_bytes)) {
        p->started = true;
        return 0;
    }
    if (*s == end)
        return 0;
    p->started = true;
    return buf_add(&p->line, bom_bytes, p->bom);
}

static const char *find(const char *s, const char *end, char c)
{
    const char *r = memchr(s, c, (size_t)(end - s));

    return r ? r : end;
}

static const char *next_eol(struct scan *sc, const char *s)
{
    if (sc->lf < s)
        sc->lf = find(s, sc->end, '\n');
    if (sc->cr < s)
        sc->cr = find(s, sc->end, '\r');
    return sc->lf < sc->cr ? sc->lf : sc->cr;
}

static int parse_lines(struct sse_parser *p, const char *s, const char *end,
                       sse_event_fn fn, void *arg)
{
    struct scan sc = {end, find(s, end, '\n'), find(s, end, '\r')};
    const char *eol;
    int rc;

    while (s < end) {
        eol = next_eol(&sc, s);
        if (eol == end)
            return buf_add(&p->line, s, (size_t)(end - s));
        rc = take_line(p, s, (size_t)(eol - s), fn, arg);
        if (rc)
            return rc;
        if (*eol == '\r' && eol + 1 == end)
            p->cr = true;
        else if (*eol == '\r' && eol[1] == '\n')
            eol++;
        s = eol + 1;
    }
    return 0;
}

/* Our own error: final, and the stream counts as truncated. */
static int fail(struct sse_parser *p, int rc)
{
    p->stop = rc;
    p->failed = true;
    return rc;
}

int sse_feed(struct sse_parser *p, const char *bytes, size_t n, sse_event_fn fn,
             void *arg)
{
    const char *s = bytes, *end;
    int rc;

    if (p->stop)
        return p->stop;
    if (!n)
        return 0; /* bytes may be NULL */
    end = bytes + n;
    if (!p->started && skip_bom(p, &s, end))
        return fail(p, OC_ETOOBIG);
    if (p->cr && s < end) {
        p->cr = false;
        if (*s == '\n')
            s++;
    }
    rc = parse_lines(p, s, end, fn, arg);
    if (rc && !p->stop)
        return fail(p, rc);
    return rc;
}

int sse_finish(struct sse_parser *p)
{
    bool mid = p->failed || p->fields || p->line.len || (!p->started && p->bom);

    reset_big(&p->line);
    reset_big(&p->data);
    buf_reset(&p->event);
    p->fields = false;
    return mid ? 1 : 0;
}
