/*
 * Fuzz a WebSocket session (http/ws.c) with whatever a peer may send.
 * The first byte picks options: bit 0 the client role (else server), bit 1
 * small limits (from bits 4-6), bit 2 flushing only at the end (else after
 * every feed), bit 3 callbacks that answer (a text starting with 'e' is
 * echoed, 'c' closes with the code in its next two bytes, 'p' pings).
 * The rest is fed at once, cut in two at a position from the second byte,
 * and (under 2 KiB) a byte at a time with empty feeds between: the events
 * and whether the session failed must not change, nor, when flushing
 * waits for the end and no mask is random (the server), the output.
 *
 * Checked on every run: on_close exactly once (after ws_lost) and nothing
 * after it; texts valid UTF-8 (by a decoder independent of ws.c),
 * NUL-terminated and within the limits; close codes and reasons valid;
 * the queue within max_queued plus one close frame; and the output parsed
 * by an independent reader: FIN set, no RSV bits, known opcodes, masked
 * exactly when we are the client, shortest length form, control payloads
 * within 125 bytes, texts UTF-8, one close frame at most and nothing after
 * it, carrying our code when we failed the session.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "http/ws.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CLOSE_FRAME_MAX (2 + 2 + 4 + 125) /* what may exceed max_queued */

struct opts {
    bool client, defer_flush, act;
    struct ws_config cfg;
};

struct result {
    const struct opts *o;
    struct ws *ws;
    uint64_t h; /* the events */
    struct buf out;
    int closes;
    uint16_t code;
    bool failed;    /* a feed returned OC_EPARSE */
    bool we_closed; /* act() started the close handshake */
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

static void mix_event(struct result *r, char kind, const void *p, size_t n)
{
    uint64_t len = n;

    if (r->closes)
        abort(); /* nothing after on_close */
    mix(&r->h, &kind, 1);
    mix(&r->h, &len, sizeof(len));
    mix(&r->h, p, n);
}

/* UTF-8 by decoding: the code point, then overlong forms, surrogates and
 * the range (unlike ws.c, which checks byte ranges as it goes). */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
    size_t i = 0, k, more;
    uint32_t cp;

    while (i < n) {
        more = s[i] < 0x80       ? 0
               : s[i] >> 5 == 6  ? 1
               : s[i] >> 4 == 14 ? 2
               : s[i] >> 3 == 30 ? 3
                                 : 9;
        if (more == 9 || n - i <= more)
            return more == 0;
        cp = more ? s[i] & (0x3f >> more) : s[i];
        for (k = 1; k <= more; k++) {
            if (s[i + k] >> 6 != 2)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min[more] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += more + 1;
    }
    return true;
}

/* ---- the callbacks ---- */

/* 'c': close with the code in p[1..2] and the rest as the reason. */
static void act_close(struct result *r, const char *p, size_t n)
{
    char reason[64];
    size_t k = n > 3 ? n - 3 : 0;
    uint16_t code = 0;
    int rc;

    if (n >= 3)
        code = (uint16_t)((uint8_t)p[1] << 8 | (uint8_t)p[2]);
    if (k > sizeof(reason) - 1)
        k = sizeof(reason) - 1;
    memcpy(reason, p + (n > 3 ? 3 : n), k);
    reason[k] = '\0';
    rc = ws_close(r->ws, code, reason);
    if (rc != 0 && rc != OC_EINVAL)
        abort();
    if (rc == 0)
        r->we_closed = true;
}

/* Answer a message, as a gateway might, from inside the callback. */
static void act(struct result *r, const char *p, size_t n, bool text)
{
    int rc = 0;

    if (!r->o->act || n == 0)
        return;
    if (p[0] == 'c') {
        act_close(r, p, n);
        return;
    }
    if (p[0] == 'e')
        rc = ws_send_text(r->ws, p, n);
    else if (p[0] == 'p')
        rc = ws_send_ping(r->ws, p, n > 125 ? 125 : n);
    if (rc != 0 && rc != OC_ETOOBIG && rc != OC_EPERM &&
        (text || rc != OC_EINVAL))
        abort();
}

static void on_text(void *arg, const char *p, size_t n)
{
    struct result *r = arg;

    if (p[n] != '\0' || n > r->o->cfg.max_message ||
        !utf8_ok((const unsigned char *)p, n))
        abort();
    mix_event(r, 'T', p, n);
    act(r, p, n, true);
}

static void on_binary(void *arg, const void *p, size_t n)
{
    struct result *r = arg;

    if (n > r->o->cfg.max_message)
        abort();
    mix_event(r, 'B', p, n);
    act(r, p, n, false);
}

static void on_pong(void *arg, const void *p, size_t n)
{
    if (n > 125)
        abort();
    mix_event(arg, 'P', p, n);
}

static bool code_ok(uint16_t code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1005 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

static void on_close(void *arg, uint16_t code, const char *reason)
{
    struct result *r = arg;
    size_t n = strlen(reason);

    if (!code_ok(code) || n > 123 || !utf8_ok((const unsigned char *)reason, n))
        abort();
    mix_event(r, 'C', reason, n);
    mix(&r->h, &code, sizeof(code));
    r->closes++;
    r->code = code;
}

static int on_write(void *arg, const void *p, size_t n)
{
    struct result *r = arg;

    if (n == 0 || buf_add(&r->out, p, n))
        abort();
    return 0;
}

/* ---- the output, read independently ---- */

struct frame {
    uint8_t op;
    uint64_t len;
    const unsigned char *p; /* payload, still masked */
    const unsigned char *key;
};

/* Parse one frame at s[0..n) as we must send them: its size, or 0. */
static size_t parse_frame(const unsigned char *s, size_t n, bool client,
                          struct frame *f)
{
    size_t hl = 2, i;

    if (n < 2 || (s[0] & 0xf0) != 0x80 || (bool)(s[1] & 0x80) != client)
        return 0;
    f->op = s[0] & 0x0f;
    f->len = s[1] & 0x7f;
    if (f->len == 126) {
        if (n < 4)
            return 0;
        f->len = (uint64_t)s[2] << 8 | s[3];
        hl = 4;
        if (f->len < 126)
            return 0;
    } else if (f->len == 127) {
        if (n < 10)
            return 0;
        for (f->len = 0, i = 0; i < 8; i++)
            f->len = f->len << 8 | s[2 + i];
        hl = 10;
        if (f->len < 65536)
            return 0;
    }
    f->key = client ? s + hl : NULL;
    hl += client ? 4 : 0;
    if (n < hl || f->len > n - hl)
        return 0;
    f->p = s + hl;
    return hl + (size_t)f->len;
}

/* The payload of f, unmasked, into a copy (caller frees). */
static unsigned char *unmask(const struct frame *f)
{
    unsigned char *c = malloc(f->len + 1);
    size_t i;

    if (!c)
        abort();
    for (i = 0; i < f->len; i++)
        c[i] = f->p[i] ^ (f->key ? f->key[i % 4] : 0);
    return c;
}

static void check_frame(const struct result *r, const struct frame *f)
{
    unsigned char *c;
    bool ok;

    if (f->op != 1 && f->op != 8 && f->op != 9 && f->op != 10)
        abort();
    if (f->op >= 8 && f->len > 125)
        abort();
    if (f->op == 1 && !r->o->act)
        abort(); /* texts only when the callbacks answer */
    c = unmask(f);
    ok = f->op != 1 || utf8_ok(c, f->len);
    /* unless we closed first, our close frame carries the code of the
     * failure, or echoes the peer's (none for 1005) */
    if (f->op == 8 && !r->we_closed && r->code == 1005)
        ok = ok && f->len == 0;
    else if (f->op == 8 && !r->we_closed)
        ok = ok && f->len >= 2 && (c[0] << 8 | c[1]) == r->code;
    if (f->op == 8 && f->len >= 2)
        ok = ok && utf8_ok(c + 2, f->len - 2);
    free(c);
    if (!ok || (f->op == 8 && f->len == 1))
        abort();
}

static void check_output(const struct result *r)
{
    const unsigned char *s = (const unsigned char *)r->out.p;
    size_t at = 0, k;
    struct frame f;
    bool closed = false;

    while (at < r->out.len) {
        k = parse_frame(s + at, r->out.len - at, r->o->client, &f);
        if (k == 0 || closed)
            abort(); /* malformed, or after the close frame */
        check_frame(r, &f);
        closed = f.op == 8;
        at += k;
    }
    if (r->failed && !closed)
        abort(); /* a failure is always announced */
}

/* ---- runs ---- */

static void feed(struct result *r, const uint8_t *p, size_t n)
{
    int rc = ws_feed(r->ws, p, n);

    if (rc != 0 && rc != OC_EPARSE)
        abort();
    if (rc == OC_EPARSE) {
        if (r->failed || r->closes != 1 || !ws_closed(r->ws))
            abort(); /* fails once, and closes when it does */
        r->failed = true;
    }
    if (ws_queued_bytes(r->ws) > r->o->cfg.max_queued + CLOSE_FRAME_MAX)
        abort();
    if (!r->o->defer_flush && ws_flush(r->ws) != 0)
        abort();
}

/* Feed in pieces of `step` bytes after a first piece of `first` bytes;
 * with step 1, an empty feed after each byte. */
static void run(const struct opts *o, const uint8_t *in, size_t size,
                size_t first, size_t step, struct result *r)
{
    static const struct ws_callbacks cb = {on_text, on_binary, on_pong,
                                           on_close, on_write};
    size_t at = 0, len = first;

    memset(r, 0, sizeof(*r));
    r->o = o;
    r->h = 0xcbf29ce484222325ULL;
    buf_init(&r->out, 0);
    r->ws = ws_new(o->client, &o->cfg, &cb, r);
    do {
        feed(r, in + at, len);
        if (step == 1)
            feed(r, in + at + len, 0);
        at += len;
        len = size - at < step ? size - at : step;
    } while (at < size);
    if (ws_flush(r->ws) != 0 || ws_queued_bytes(r->ws) != 0)
        abort();
    if (ws_closed(r->ws) != (r->closes == 1) ||
        ws_want_close(r->ws) != ws_closed(r->ws))
        abort();
    check_output(r);
    ws_lost(r->ws);
    if (r->closes != 1 || !ws_want_close(r->ws))
        abort();
    ws_free(r->ws);
}

static void same(const struct result *a, struct result *b)
{
    if (a->h != b->h || a->code != b->code || a->failed != b->failed)
        abort();
    if (a->o->defer_flush &&
        (a->out.len != b->out.len ||
         (!a->o->client && memcmp(a->out.p, b->out.p, a->out.len) != 0)))
        abort();
    buf_release(&b->out);
}

static void options(uint8_t c, struct opts *o)
{
    size_t k = (size_t)(c >> 4 & 7);

    memset(o, 0, sizeof(*o));
    o->client = c & 1;
    o->defer_flush = c & 4;
    o->act = c & 8;
    if (c & 2) {
        o->cfg.max_frame = 1 + k * 9;
        o->cfg.max_message = 1 + k * 23;
        o->cfg.max_queued = 8 + k * 20;
    }
    /* what the session will use */
    if (!o->cfg.max_frame)
        o->cfg.max_frame = WS_DEFAULT_MAX_FRAME;
    if (!o->cfg.max_message)
        o->cfg.max_message = WS_DEFAULT_MAX_MESSAGE;
    if (!o->cfg.max_queued)
        o->cfg.max_queued = WS_DEFAULT_MAX_QUEUED;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct result one, two;
    struct opts o;
    size_t cut;

    if (size < 1 || size > 131072)
        return 0;
    options(data[0], &o);
    data++;
    size--;
    run(&o, data, size, size, size, &one);
    cut = size ? (size_t)data[0] * size / 255 : 0;
    run(&o, data, size, cut, size, &two);
    same(&one, &two);
    if (size < 2048) {
        run(&o, data, size, 0, 1, &two);
        same(&one, &two);
    }
    buf_release(&one.out);
    return 0;
}
