/*
 * jscan: validate one JSON object and note its top-level members, with
 * no allocation (see jscan.h for what it refuses and why).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/str.h"
#include "json/jscan.h"
#include "base/banned.h"

struct scan {
    const unsigned char *p, *end;
};

static int scan_value(struct scan *s, int depth, enum jscan_kind *kind);

static void skip_ws(struct scan *s)
{
    while (s->p < s->end &&
           (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* The four hex digits after "\u" at p (end checked by the caller), or -1. */
static long hex4(const unsigned char *p)
{
    long v = 0;
    int i, d;

    for (i = 0; i < 4; i++) {
        d = str_hex_value((char)p[i]);
        if (d < 0)
            return -1;
        v = (v << 4) | d;
    }
    return v;
}

/* A \u escape at s->p (just past the backslash and 'u'); a high surrogate
 * must be followed by an escaped low one. */
static int scan_u_escape(struct scan *s)
{
    long hi, lo;

    if (s->end - s->p < 4 || (hi = hex4(s->p)) <= 0)
        return -1; /* \u0000 included: jansson refuses it */
    s->p += 4;
    if (hi >= 0xdc00 && hi <= 0xdfff)
        return -1;
    if (hi < 0xd800 || hi > 0xdbff)
        return 0;
    if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u')
        return -1;
    lo = hex4(s->p + 2);
    if (lo < 0xdc00 || lo > 0xdfff)
        return -1;
    s->p += 6;
    return 0;
}

static int scan_escape(struct scan *s)
{
    unsigned char c;

    if (s->p >= s->end)
        return -1;
    c = *s->p++;
    if (c == 'u')
        return scan_u_escape(s);
    return strchr("\"\\/bfnrt", c) && c ? 0 : -1;
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Does any byte of x equal b? */
static uint64_t has_byte(uint64_t x, unsigned char b)
{
    uint64_t y = x ^ (ONES * b);

    return (y - ONES) & ~y & HIGHS;
}

/* How many bytes from p are plain string bytes (printable ASCII other
 * than '"' and '\\'), looked at 8 at a time: a string is scanned without
 * the byte loop up to its closing quote or first escape. Each test below
 * flags its lowest matching byte exactly (a borrow can only flag bytes
 * above a true match), so the lowest flag is the first special byte. */
static size_t plain_run(const unsigned char *p, const unsigned char *end)
{
    const unsigned char *q = p;
    uint64_t x, m;

    while (end - q >= 8) {
        x = (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
            (uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 | (uint64_t)q[5] << 40 |
            (uint64_t)q[6] << 48 | (uint64_t)q[7] << 56;
        /* a byte < 0x20 or >= 0x80, a quote or a backslash */
        m = (((x - ONES * 0x20) | x) & HIGHS) | has_byte(x, '"') |
            has_byte(x, '\\');
        if (m)
            return (size_t)(q - p) + ((size_t)__builtin_ctzll(m) >> 3);
        q += 8;
    }
    return (size_t)(q - p);
}

/* A string at s->p (its opening quote); *escaped tells whether it holds
 * any escape. */
static int scan_string(struct scan *s, bool *escaped)
{
    size_t n;

    *escaped = false;
    s->p++;
    while (s->p < s->end) {
        unsigned char c;

        s->p += plain_run(s->p, s->end);
        if (s->p >= s->end)
            break;
        c = *s->p;

        if (c == '"') {
            s->p++;
            return 0;
        }
        if (c < 0x20)
            return -1;
        if (c == '\\') {
            *escaped = true;
            s->p++;
            if (scan_escape(s) != 0)
                return -1;
        } else if (c < 0x80) {
            s->p++;
        } else {
            n = str_utf8_seq((const char *)s->p, (size_t)(s->end - s->p));
            if (!n)
                return -1;
            s->p += n;
        }
    }
    return -1;
}

/* An integer within int64, as strtoll reads it; fractions and exponents
 * are refused (jansson would make a real of them). */
static int scan_int(struct scan *s)
{
    bool neg = *s->p == '-';
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    unsigned d;

    if (neg)
        s->p++;
    if (s->p >= s->end || *s->p < '0' || *s->p > '9')
        return -1;
    if (*s->p == '0' && s->p + 1 < s->end && s->p[1] >= '0' && s->p[1] <= '9')
        return -1;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        d = (unsigned)(*s->p++ - '0');
        if (v > (lim - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E'))
        return -1;
    return 0;
}

static int scan_literal(struct scan *s, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return -1;
    s->p += n;
    return 0;
}

/* One "key": value member; the key must be unescaped when m records it. */
static int scan_member(struct scan *s, int depth, struct jscan_member *m)
{
    const unsigned char *k = s->p, *v;
    bool escaped;
    enum jscan_kind kind;

    if (s->p >= s->end || *s->p != '"' || scan_string(s, &escaped) != 0 ||
        (m && escaped))
        return -1;
    if (m) {
        m->key = (const char *)k + 1;
        m->key_len = (size_t)(s->p - k) - 2;
    }
    skip_ws(s);
    if (s->p >= s->end || *s->p++ != ':')
        return -1;
    skip_ws(s);
    v = s->p;
    if (scan_value(s, depth, &kind) != 0)
        return -1;
    if (m) {
        m->val = (const char *)v;
        m->val_len = (size_t)(s->p - v);
        m->kind = kind;
    }
    return 0;
}

/* One array element; recorded (without a key) in e when e is not NULL. */
static int scan_element(struct scan *s, int depth, struct jscan_member *e)
{
    const unsigned char *v = s->p;
    enum jscan_kind kind;

    if (scan_value(s, depth, &kind) != 0)
        return -1;
    if (e)
        *e = (struct jscan_member){NULL, 0, (const char *)v, (size_t)(s->p - v),
                                   kind};
    return 0;
}

/* An object (at '{', close '}') or an array (at '[', close ']') at s->p;
 * its members or elements are recorded in m[0..max) when m is not NULL.
 * The member or element count, or -1. */
static int scan_items(struct scan *s, int depth, struct jscan_member *m,
                      int max, unsigned char close)
{
    int count = 0;

    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    for (;;) {
        struct jscan_member *at = NULL;

        if (m && count == max)
            return -1;
        if (m)
            at = &m[count];
        if ((close == '}' ? scan_member(s, depth, at)
                          : scan_element(s, depth, at)) != 0)
            return -1;
        count++;
        skip_ws(s);
        if (s->p >= s->end)
            return -1;
        if (*s->p == close) {
            s->p++;
            return count;
        }
        if (*s->p++ != ',')
            return -1;
        skip_ws(s);
    }
}

/* A value nested depth levels down, starting at s->p. */
static int scan_value(struct scan *s, int depth, enum jscan_kind *kind)
{
    bool escaped;

    if (s->p >= s->end || depth >= JSCAN_MAX_DEPTH)
        return -1;
    switch (*s->p) {
    case '"':
        *kind = JSCAN_STRING;
        return scan_string(s, &escaped);
    case '{':
        *kind = JSCAN_OBJECT;
        return scan_items(s, depth + 1, NULL, 0, '}') < 0 ? -1 : 0;
    case '[':
        *kind = JSCAN_ARRAY;
        return scan_items(s, depth + 1, NULL, 0, ']') < 0 ? -1 : 0;
    case 't':
        *kind = JSCAN_TRUE;
        return scan_literal(s, "true");
    case 'f':
        *kind = JSCAN_FALSE;
        return scan_literal(s, "false");
    case 'n':
        *kind = JSCAN_NULL;
        return scan_literal(s, "null");
    default:
        *kind = JSCAN_INT;
        return scan_int(s);
    }
}

int jscan_object(const char *p, size_t n, struct jscan_member *m, int max)
{
    struct scan s = {(const unsigned char *)p, (const unsigned char *)p + n};
    int count;

    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{')
        return -1;
    count = scan_items(&s, 1, m, max, '}');
    skip_ws(&s);
    return count >= 0 && s.p == s.end ? count : -1;
}

int jscan_elements(const struct jscan_member *m, struct jscan_member *e,
                   int max)
{
    struct scan s = {(const unsigned char *)m->val,
                     (const unsigned char *)m->val + m->val_len};

    return m->kind == JSCAN_ARRAY ? scan_items(&s, 1, e, max, ']') : -1;
}

const struct jscan_member *jscan_get(const struct jscan_member *m, int count,
                                     const char *key)
{
    size_t n = strlen(key);
    int i;

    for (i = count - 1; i >= 0; i--)
        if (m[i].key_len == n && !memcmp(m[i].key, key, n))
            return &m[i];
    return NULL;
}

static void add_utf8(struct buf *out, unsigned long cp)
{
    char u[4];
    size_t n, i;

    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12)), n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18)), n = 4;
    }
    for (i = n - 1; i > 0; i--, cp >>= 6)
        u[i] = (char)(0x80 | (cp & 0x3f));
    buf_add(out, u, n);
}

/* The escape after the backslash at *pp (already validated by the scan). */
static void add_escape(const char **pp, struct buf *out)
{
    const unsigned char *p = (const unsigned char *)*pp + 1;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    unsigned long cp;

    if (*p != 'u') {
        buf_addch(out, to[strchr(from, *p) - from]);
        *pp = (const char *)p + 1;
        return;
    }
    cp = (unsigned long)hex4(p + 1);
    p += 5;
    if (cp >= 0xd800 && cp <= 0xdbff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) +
             ((unsigned long)hex4(p + 2) - 0xdc00);
        p += 6;
    }
    add_utf8(out, cp);
    *pp = (const char *)p;
}

int jscan_string(const struct jscan_member *m, struct buf *out)
{
    const char *p, *end, *bs;
    struct buf tmp;
    int rc;

    if (m->kind != JSCAN_STRING)
        return -1;
    p = m->val + 1;
    end = m->val + m->val_len - 1;
    if (!memchr(p, '\\', (size_t)(end - p)))
        return buf_add(out, p, (size_t)(end - p));
    /* decoded text is never longer than its escaped form, which is in
     * memory already: the default cap cannot be hit here */
    buf_init(&tmp, 0);
    while (p < end) {
        bs = memchr(p, '\\', (size_t)(end - p));
        if (!bs)
            bs = end;
        buf_add(&tmp, p, (size_t)(bs - p));
        p = bs;
        if (p < end)
            add_escape(&p, &tmp);
    }
    rc = buf_add(out, tmp.p, tmp.len);
    buf_release(&tmp);
    return rc;
}

int jscan_str_is(const struct jscan_member *m, const char *s)
{
    struct buf b;
    int same;

    if (m->kind != JSCAN_STRING)
        return 0;
    if (!memchr(m->val, '\\', m->val_len))
        return m->val_len - 2 == strlen(s) &&
               !memcmp(m->val + 1, s, m->val_len - 2);
    buf_init(&b, 0);
    same = jscan_string(m, &b) == 0 && b.len == strlen(s) &&
           !memcmp(b.p, s, b.len);
    buf_release(&b);
    return same;
}

int jscan_int(const struct jscan_member *m, int64_t *out)
{
    const char *p = m->val, *end = m->val + m->val_len;
    bool neg;
    uint64_t v = 0;

    if (m->kind != JSCAN_INT)
        return -1;
    neg = *p == '-';
    if (neg)
        p++;
    while (p < end)
        v = v * 10 + (uint64_t)(*p++ - '0');
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}
