/*
 * Bounded, always-terminated byte buffers (git's strbuf with curl's dynbuf
 * cap). See buf.h for the invariants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "base/banned.h"

static char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
    b->p = buf_empty;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : BUF_DEFAULT_MAX;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        free(b->p);
    buf_init(b, b->max);
}

void buf_wipe_release(struct buf *b)
{
    if (b->cap)
        secret_wipe(b->p, b->cap);
    buf_release(b);
}

void buf_reset(struct buf *b)
{
    buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->p[len] = '\0';
}

/* Make room for n more bytes plus the terminator. The capacity never
 * passes max + 1, so whatever fits in it is within max (buf_add's
 * shortcut). */
static int buf_grow(struct buf *b, size_t n)
{
    size_t need, cap;

    if (n > b->max || b->len > b->max - n)
        return OC_ETOOBIG;
    need = st_add(st_add(b->len, n), 1);
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = st_mult(cap, 2);
    if (cap - 1 > b->max)
        cap = b->max + 1; /* >= need: len + n <= max was checked */
    if (b->cap) {
        b->p = xrealloc(b->p, cap);
    } else {
        b->p = xmalloc(cap);
        b->p[0] = '\0';
    }
    b->cap = cap;
    return 0;
}

int buf_add(struct buf *b, const void *data, size_t n)
{
    if (n < b->cap - b->len) { /* room, terminator included: within max */
        memmove(b->p + b->len, data, n);
        b->len += n;
        b->p[b->len] = '\0';
        return 0;
    }
    if (buf_grow(b, n))
        return OC_ETOOBIG;
    if (n)
        memmove(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int buf_addstr(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

int buf_add_int(struct buf *b, long long v)
{
    char tmp[24], *p = tmp + sizeof(tmp);
    unsigned long long u =
        v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return OC_ERR;
    if (buf_grow(b, (size_t)n))
        return OC_ETOOBIG;
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *r;

    if (len)
        *len = b->len;
    r = b->cap ? b->p : xstrdup("");
    buf_init(b, b->max);
    return r;
}
