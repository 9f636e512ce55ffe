/*
 * WebSocket handshake checks and sessions (http/ws.c). The handshake:
 * RFC 6455's accept key example and each condition of a request refused.
 * Sessions: a client and a server struct ws wired to each other in
 * memory, plus hand-made frames (RFC 6455 section 5.7's examples among
 * them) for what our own sender never produces: fragments, bad UTF-8,
 * protocol errors, oversized frames. Every stream is also delivered split
 * at every byte.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/b64.h"
#include "base/buf.h"
#include "base/err.h"
#include "http/ws.h"
#include "base/banned.h"

/* ---- the handshake ---- */

static void test_accept_key_rfc6455(void **state)
{
    char out[WS_ACCEPT_LEN + 1];
    struct oc_err err;

    (void)state;
    assert_int_equal(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out, &err), 0);
    assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

static void test_accept_key_rejects(void **state)
{
    static const char *bad[] = {
        "",
        "dGhlIHNhbXBsZSBub25jZQ=",   /* 23 characters */
        "dGhlIHNhbXBsZSBub25jZQ===", /* 25 */
        "dGhlIHNhbXBsZSBub25jZQAA",  /* 18 bytes */
        "dGhlIHNhbXBsZSBub25jZR==",  /* unused bits set */
        "dGhlIHNhbXBsZSBub25jZQ!=",  /* not base64 */
        "dGhlIHNhbXBsZSBub25jZ-_",   /* base64url */
        " dGhlIHNhbXBsZSBub25jZQ=",  /* space */
    };
    char out[WS_ACCEPT_LEN + 1];
    struct oc_err err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(ws_accept_key(bad[i], out, &err), OC_EPARSE);
    assert_int_equal(ws_accept_key(NULL, out, &err), OC_EPARSE);
    assert_string_equal(err.msg, "Sec-WebSocket-Key is not 16 bytes in base64");
}

struct check_case {
    const char *field; /* which member to change */
    const char *value; /* its new value (NULL: absent) */
    int status;
    const char *reason; /* a part of v.reason */
};

static const struct check_case checks[] = {
    {"method", "POST", 400, "GET"},
    {"method", "get", 400, "GET"},
    {"method", NULL, 400, "GET"},
    {"minor", "0", 400, "HTTP/1.1"},
    {"upgrade", NULL, 400, "Upgrade"},
    {"upgrade", "h2c", 400, "Upgrade"},
    {"upgrade", "websockets", 400, "Upgrade"},
    {"upgrade", "WebSocket", 0, NULL},
    {"upgrade", "foo, websocket", 0, NULL},
    {"connection", NULL, 400, "Connection"},
    {"connection", "keep-alive", 400, "Connection"},
    {"connection", "upgraded", 400, "Connection"},
    {"connection", "keep-alive, Upgrade", 0, NULL},
    {"connection", "UPGRADE", 0, NULL},
    {"version", NULL, 400, "Version"},
    {"version", "8", 426, "Version"},
    {"version", "13, 8", 426, "Version"},
    {"version", "", 426, "Version"},
    {"key", NULL, 400, "Key"},
    {"key", "dGhlIHNhbXBsZSBub25jZQ", 400, "Key"},
    {"key", "AAAAAAAAAAAAAAAAAAAAAAAA", 400, "Key"},
    {"key", "dGhlIHNhbXBsZSBub25jZQ==", 0, NULL},
};

static void apply(struct ws_request *r, const struct check_case *c)
{
    if (strcmp(c->field, "method") == 0)
        r->method = c->value;
    else if (strcmp(c->field, "minor") == 0)
        r->version_minor = 0;
    else if (strcmp(c->field, "upgrade") == 0)
        r->upgrade = c->value;
    else if (strcmp(c->field, "connection") == 0)
        r->connection = c->value;
    else if (strcmp(c->field, "version") == 0)
        r->version = c->value;
    else
        r->key = c->value;
}

static const struct ws_request good_request = {
    "GET", 1, "websocket", "Upgrade", "13", "dGhlIHNhbXBsZSBub25jZQ==",
};

static void test_handshake_check(void **state)
{
    struct ws_verdict v;
    struct ws_request r;
    size_t i;

    (void)state;
    assert_int_equal(ws_handshake_check(&good_request, &v), 0);
    assert_int_equal(v.status, 0);
    assert_string_equal(v.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        r = good_request;
        apply(&r, &checks[i]);
        assert_int_equal(ws_handshake_check(&r, &v), checks[i].status);
        assert_int_equal(v.status, checks[i].status);
        if (!checks[i].status)
            continue;
        assert_non_null(strstr(v.reason, checks[i].reason));
        if (v.status == 426)
            assert_string_equal(v.header, "Sec-WebSocket-Version: 13");
        else
            assert_null(v.header);
    }
}

static void test_handshake_client_side(void **state)
{
    const char *key = "dGhlIHNhbXBsZSBub25jZQ==";
    const char *acc = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    char k1[WS_KEY_LEN + 1], k2[WS_KEY_LEN + 1], out[WS_RESPONSE_MAX];
    unsigned char raw[18];
    struct oc_err err;
    size_t len;

    (void)state;
    assert_int_equal(ws_handshake_key(k1, &err), 0);
    assert_int_equal(ws_handshake_key(k2, &err), 0);
    assert_int_equal(strlen(k1), WS_KEY_LEN);
    assert_string_not_equal(k1, k2);
    assert_int_equal(b64_decode(k1, WS_KEY_LEN, raw, sizeof(raw), &len), 0);
    assert_int_equal(len, 16);

    assert_int_equal(
        ws_handshake_verify(key, "websocket", "Upgrade", acc, &err), 0);
    assert_int_equal(
        ws_handshake_verify(key, "WebSocket", "upgrade", acc, &err), 0);
    assert_int_equal(ws_handshake_verify(key, "websocket", "Upgrade",
                                         "s3pPLMBiTxaQ9kYGzzhZRbK+xOo", &err),
                     OC_EPARSE);
    assert_non_null(strstr(err.msg, "Sec-WebSocket-Accept"));
    assert_int_equal(
        ws_handshake_verify(key, "websocket", "Upgrade", NULL, &err),
        OC_EPARSE);
    assert_int_equal(ws_handshake_verify(key, NULL, "Upgrade", acc, &err),
                     OC_EPARSE);
    assert_int_equal(ws_handshake_verify(key, "websocket", "close", acc, &err),
                     OC_EPARSE);

    len = ws_handshake_response(acc, out, sizeof(out));
    assert_string_equal(out, "HTTP/1.1 101 Switching Protocols\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: "
                             "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    assert_int_equal(len, strlen(out));
    assert_int_equal(ws_handshake_response(acc, out, len), 0);
}

/* ---- sessions: the harness ---- */

struct side {
    struct ws *ws;
    struct buf wire; /* written, not yet delivered to the peer */
    struct buf log;  /* what the callbacks saw */
    int closes;
    uint16_t code;
    char reason[128];
    int feed_rc; /* the first failing ws_feed's */
    bool fail_write;
    bool echo;   /* answer each text with the same text */
    bool refeed; /* call ws_feed from on_text */
};

static uint32_t fnv(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Short payloads escaped, long ones as length and hash. */
static void log_bytes(struct buf *b, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t i;

    if (n > 40) {
        buf_addf(b, "#%zu/%08x", n, fnv(s, n));
        return;
    }
    for (i = 0; i < n; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
            buf_addch(b, (char)s[i]);
        else
            buf_addf(b, "\\x%02x", s[i]);
    }
}

static void log_event(struct side *s, const char *kind, const void *p, size_t n)
{
    assert_int_equal(s->closes, 0); /* nothing after on_close */
    buf_addstr(&s->log, kind);
    log_bytes(&s->log, p, n);
    buf_addch(&s->log, ';');
}

static void on_text(void *arg, const char *p, size_t n)
{
    struct side *s = arg;

    assert_int_equal(p[n], '\0');
    log_event(s, "T:", p, n);
    if (s->echo)
        assert_int_equal(ws_send_text(s->ws, p, n), 0);
    if (s->refeed)
        assert_int_equal(ws_feed(s->ws, "\x81", 1), OC_EINVAL);
}

static void on_binary(void *arg, const void *p, size_t n)
{
    log_event(arg, "B:", p, n);
}

static void on_pong(void *arg, const void *p, size_t n)
{
    log_event(arg, "P:", p, n);
}

static void on_close(void *arg, uint16_t code, const char *reason)
{
    struct side *s = arg;

    assert_int_equal(s->closes, 0);
    assert_true(strlen(reason) <= 123);
    buf_addf(&s->log, "C:%u:%s;", code, reason);
    s->closes++;
    s->code = code;
    snprintf(s->reason, sizeof(s->reason), "%s", reason);
}

static int on_write(void *arg, const void *p, size_t n)
{
    struct side *s = arg;

    if (s->fail_write)
        return -1;
    assert_int_equal(buf_add(&s->wire, p, n), 0);
    return 0;
}

static const struct ws_callbacks all_cbs = {on_text, on_binary, on_pong,
                                            on_close, on_write};
static const struct ws_callbacks text_cbs = {on_text, NULL, on_pong, on_close,
                                             on_write};

static void side_init(struct side *s, bool client, const struct ws_config *cfg,
                      bool binary)
{
    memset(s, 0, sizeof(*s));
    buf_init(&s->wire, 0);
    buf_init(&s->log, 0);
    s->ws = ws_new(client, cfg, binary ? &all_cbs : &text_cbs, s);
}

static void side_release(struct side *s)
{
    ws_free(s->ws);
    buf_release(&s->wire);
    buf_release(&s->log);
}

struct pair {
    struct side c, s;
};

static void pair_init(struct pair *p, const struct ws_config *ccfg,
                      const struct ws_config *scfg)
{
    side_init(&p->c, true, ccfg, true);
    side_init(&p->s, false, scfg, true);
}

static void pair_release(struct pair *p)
{
    side_release(&p->c);
    side_release(&p->s);
}

/* Feed p[0..n) to a side in pieces of step bytes (0: at once), then flush. */
static void deliver(struct side *to, const void *p, size_t n, size_t step)
{
    const char *c = p;
    size_t at = 0, k;
    int rc;

    do {
        k = step && n - at > step ? step : n - at;
        rc = ws_feed(to->ws, c + at, k);
        if (rc && !to->feed_rc)
            to->feed_rc = rc;
        at += k;
    } while (at < n);
    ws_flush(to->ws);
}

/* Move what each side wrote to the other until both are quiet. */
static void pump(struct pair *p, size_t step)
{
    size_t n;
    char *data;
    int rounds = 0;

    ws_flush(p->c.ws);
    ws_flush(p->s.ws);
    while (p->c.wire.len || p->s.wire.len) {
        assert_true(++rounds < 100);
        data = buf_detach(&p->c.wire, &n);
        deliver(&p->s, data, n, step);
        free(data);
        data = buf_detach(&p->s.wire, &n);
        deliver(&p->c, data, n, step);
        free(data);
    }
}

static const unsigned char mask_key[4] = {0x37, 0xfa, 0x21, 0x3d};

/* Append a frame with first byte b0 (FIN, RSV, opcode), masked with
 * mask_key when mask. */
static void frame(struct buf *b, unsigned char b0, bool mask, const void *p,
                  size_t n)
{
    const unsigned char *s = p;
    unsigned char h[14];
    size_t hl = 2, i;

    h[0] = b0;
    if (n < 126) {
        h[1] = (unsigned char)n;
    } else if (n < 65536) {
        h[1] = 126;
        h[2] = (unsigned char)(n >> 8);
        h[3] = (unsigned char)n;
        hl = 4;
    } else {
        h[1] = 127;
        for (i = 0; i < 8; i++)
            h[2 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
        hl = 10;
    }
    if (mask) {
        h[1] |= 0x80;
        memcpy(h + hl, mask_key, 4);
        hl += 4;
    }
    assert_int_equal(buf_add(b, h, hl), 0);
    for (i = 0; i < n; i++)
        buf_addch(b, (char)(mask ? s[i] ^ mask_key[i % 4] : s[i]));
}

/* A close frame's body: the code and a reason. */
static size_t close_body(unsigned char *out, uint16_t code, const char *reason,
                         size_t n)
{
    out[0] = (unsigned char)(code >> 8);
    out[1] = (unsigned char)code;
    memcpy(out + 2, reason, n);
    return 2 + n;
}

struct frame_info {
    unsigned char b0;
    bool masked;
    size_t len;
    unsigned char payload[126]; /* unmasked, when len <= 125 */
};

/* The last frame in b[0..n), as our sender writes them. */
static void last_frame(const void *b, size_t n, struct frame_info *f)
{
    const unsigned char *p = b, *key;
    size_t at = 0, hl, i;

    memset(f, 0, sizeof(*f));
    assert_true(n >= 2);
    while (at < n) {
        f->b0 = p[at];
        f->masked = p[at + 1] & 0x80;
        f->len = p[at + 1] & 0x7f;
        hl = 2;
        if (f->len == 126) {
            f->len = (size_t)p[at + 2] << 8 | p[at + 3];
            hl = 4;
        } else if (f->len == 127) {
            for (f->len = 0, i = 0; i < 8; i++)
                f->len = f->len << 8 | p[at + 2 + i];
            hl = 10;
        }
        key = p + at + hl;
        hl += f->masked ? 4 : 0;
        for (i = 0; i < f->len && f->len <= 125; i++)
            f->payload[i] = p[at + hl + i] ^ (f->masked ? key[i % 4] : 0);
        at += hl + f->len;
    }
    assert_int_equal(at, n);
}

/* The log entry for a message: kind, then p[0..n) as log_bytes has it. */
static void assert_logged(const struct side *s, const char *prefix,
                          const char *kind, const void *p, size_t n)
{
    struct buf want;

    buf_init(&want, 0);
    buf_addstr(&want, prefix);
    buf_addstr(&want, kind);
    log_bytes(&want, p, n);
    buf_addch(&want, ';');
    assert_string_equal(s->log.p, want.p);
    buf_release(&want);
}

/* The output of s ends with a close frame with code (0: none). */
static void assert_sent_close(const struct side *s, uint16_t code)
{
    struct frame_info f;

    last_frame(s->wire.p, s->wire.len, &f);
    assert_int_equal(f.b0, 0x88);
    if (!code) {
        assert_int_equal(f.len, 0);
        return;
    }
    assert_true(f.len >= 2);
    assert_int_equal(f.payload[0] << 8 | f.payload[1], code);
}

/* ---- sessions: messages ---- */

static void test_text_both_ways(void **state)
{
    static const char wave[] = "h\xc3\xa9llo \xf0\x9f\x91\x8b";
    struct pair p;

    (void)state;
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_send_text(p.c.ws, "Hello", 5), 0);
    assert_int_equal(ws_queued_bytes(p.c.ws), 2 + 4 + 5);
    assert_int_equal(ws_send_text(p.s.ws, "Hello", 5), 0);
    assert_int_equal(ws_queued_bytes(p.s.ws), 7);
    assert_int_equal(ws_flush(p.s.ws), 0);
    assert_int_equal(ws_queued_bytes(p.s.ws), 0);
    /* RFC 6455 5.7: a single-frame unmasked text message */
    assert_int_equal(p.s.wire.len, 7);
    assert_memory_equal(p.s.wire.p, "\x81\x05Hello", 7);
    assert_int_equal(ws_flush(p.c.ws), 0);
    assert_int_equal((unsigned char)p.c.wire.p[1], 0x85); /* masked */
    assert_memory_not_equal(p.c.wire.p + 6, "Hello", 5);

    assert_int_equal(ws_send_text(p.s.ws, "", 0), 0);
    assert_int_equal(ws_send_text(p.c.ws, "a\0b", 3), 0);
    assert_int_equal(ws_send_text(p.c.ws, wave, strlen(wave)), 0);
    pump(&p, 0);
    assert_string_equal(p.s.log.p, "T:Hello;T:a\\x00b;"
                                   "T:h\\xc3\\xa9llo \\xf0\\x9f\\x91\\x8b;");
    assert_string_equal(p.c.log.p, "T:Hello;T:;");
    assert_false(ws_closed(p.c.ws));
    assert_false(ws_closed(p.s.ws));
    assert_int_equal(p.c.feed_rc, 0);
    assert_int_equal(p.s.feed_rc, 0);
    pair_release(&p);
}

/* Each length of payload through each length encoding, both ways. */
static void test_lengths(void **state)
{
    static const size_t lens[] = {0, 1, 125, 126, 127, 65535, 65536, 70000};
    static const size_t head[] = {2, 2, 2, 4, 4, 4, 10, 10};
    char *msg = malloc(70000);
    struct pair p;
    size_t i, k;

    (void)state;
    for (k = 0; k < 70000; k++)
        msg[k] = (char)('a' + k % 26);
    pair_init(&p, NULL, NULL);
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        assert_int_equal(ws_send_text(p.c.ws, msg, lens[i]), 0);
        assert_int_equal(ws_queued_bytes(p.c.ws), head[i] + 4 + lens[i]);
        assert_int_equal(ws_send_text(p.s.ws, msg, lens[i]), 0);
        assert_int_equal(ws_queued_bytes(p.s.ws), head[i] + lens[i]);
        pump(&p, 0);
        assert_logged(&p.s, "", "T:", msg, lens[i]);
        assert_logged(&p.c, "", "T:", msg, lens[i]);
        buf_reset(&p.s.log);
        buf_reset(&p.c.log);
    }
    pair_release(&p);
    free(msg);
}

static void test_fragments_to_server(void **state)
{
    struct side s;
    struct buf in;

    (void)state;
    buf_init(&in, 0);
    side_init(&s, false, NULL, true);
    frame(&in, 0x01, true, "Hel", 3);
    frame(&in, 0x89, true, "p", 1); /* a ping between fragments */
    frame(&in, 0x80, true, "lo", 2);
    frame(&in, 0x01, true, "a", 1);
    frame(&in, 0x00, true, "", 0);
    frame(&in, 0x00, true, "b", 1);
    frame(&in, 0x80, true, "", 0);
    frame(&in, 0x02, true, "\x00\x01", 2);
    frame(&in, 0x8a, true, "q", 1); /* a pong between fragments */
    frame(&in, 0x80, true, "\x02", 1);
    frame(&in, 0x01, true, "\xc3", 1); /* a character across frames */
    frame(&in, 0x80, true, "\xa9", 1);
    deliver(&s, in.p, in.len, 0);
    assert_string_equal(s.log.p, "T:Hello;T:ab;P:q;B:\\x00\\x01\\x02;"
                                 "T:\\xc3\\xa9;");
    assert_int_equal(s.feed_rc, 0);
    /* the pong for "p": unmasked, from the server */
    assert_int_equal(s.wire.len, 3);
    assert_memory_equal(s.wire.p, "\x8a\x01p", 3);
    side_release(&s);
    buf_release(&in);
}

/* RFC 6455 5.7's examples, as a client receives (and answers) them. */
static void test_rfc_examples_to_client(void **state)
{
    static const unsigned char bin256[] = {0x82, 0x7e, 0x01, 0x00};
    unsigned char body[256];
    struct frame_info f;
    struct side c, s;

    (void)state;
    memset(body, 0x5a, sizeof(body));
    side_init(&c, true, NULL, true);
    deliver(&c, "\x01\x03Hel\x80\x02lo", 9, 0);
    assert_string_equal(c.log.p, "T:Hello;");
    deliver(&c, "\x89\x05Hello", 7, 0); /* an unmasked ping */
    last_frame(c.wire.p, c.wire.len, &f);
    assert_int_equal(f.b0, 0x8a);
    assert_true(f.masked);
    assert_int_equal(f.len, 5);
    assert_memory_equal(f.payload, "Hello", 5);
    deliver(&c, bin256, sizeof(bin256), 0);
    deliver(&c, body, sizeof(body), 0);
    assert_logged(&c, "T:Hello;", "B:", body, sizeof(body));
    assert_int_equal(c.feed_rc, 0);
    side_release(&c);

    /* a masked pong, as a server receives it */
    side_init(&s, false, NULL, true);
    deliver(&s, "\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11, 0);
    deliver(&s, "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11, 0);
    assert_string_equal(s.log.p, "P:Hello;T:Hello;");
    assert_int_equal(s.wire.len, 0);
    side_release(&s);
}

static void test_ping_pong(void **state)
{
    char big[126];
    struct pair p;

    (void)state;
    memset(big, 'x', sizeof(big));
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_send_ping(p.c.ws, "abc", 3), 0);
    assert_int_equal(ws_send_ping(p.s.ws, NULL, 0), 0);
    assert_int_equal(ws_send_ping(p.c.ws, big, 126), OC_EINVAL);
    assert_int_equal(ws_send_ping(p.c.ws, big, 125), 0);
    pump(&p, 0);
    assert_logged(&p.c, "P:abc;", "P:", big, 125);
    assert_string_equal(p.s.log.p, "P:;");
    pair_release(&p);
}

/* ---- sessions: closing ---- */

static void test_close_by_client(void **state)
{
    struct pair p;

    (void)state;
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_close(p.c.ws, 1000, "bye"), 0);
    assert_false(ws_closed(p.c.ws));
    assert_int_equal(ws_send_text(p.c.ws, "x", 1), OC_EPERM);
    assert_int_equal(ws_send_ping(p.c.ws, "x", 1), OC_EPERM);
    assert_int_equal(ws_close(p.c.ws, 1001, "again"), 0); /* a no-op */
    assert_int_equal(ws_queued_bytes(p.c.ws), 2 + 4 + 5);
    /* the server sends before it sees the close: delivered */
    assert_int_equal(ws_send_text(p.s.ws, "late", 4), 0);
    assert_int_equal(ws_flush(p.c.ws), 0);
    deliver(&p.s, p.c.wire.p, p.c.wire.len, 0);
    buf_reset(&p.c.wire);
    assert_string_equal(p.s.log.p, "C:1000:bye;");
    assert_true(ws_closed(p.s.ws));
    assert_int_equal(ws_send_text(p.s.ws, "x", 1), OC_EPERM);
    assert_sent_close(&p.s, 1000); /* the echo */
    assert_true(ws_want_close(p.s.ws));
    pump(&p, 0);
    assert_string_equal(p.c.log.p, "T:late;C:1000:;");
    assert_true(ws_closed(p.c.ws));
    assert_true(ws_want_close(p.c.ws));
    assert_int_equal(p.c.wire.len, 0); /* no reply to the reply */
    pair_release(&p);
}

static void test_close_by_server(void **state)
{
    struct pair p;

    (void)state;
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_close(p.s.ws, 4001, "custom"), 0);
    assert_false(ws_want_close(p.s.ws));
    pump(&p, 0);
    assert_string_equal(p.c.log.p, "C:4001:custom;");
    assert_string_equal(p.s.log.p, "C:4001:;");
    assert_true(ws_want_close(p.s.ws));
    pair_release(&p);

    /* no code: 1005 on both sides, and an empty close frame back */
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_close(p.s.ws, 0, "ignored"), 0);
    assert_int_equal(ws_queued_bytes(p.s.ws), 2);
    pump(&p, 0);
    assert_string_equal(p.c.log.p, "C:1005:;");
    assert_string_equal(p.s.log.p, "C:1005:;");
    pair_release(&p);

    /* both at once: each reports the other's code, neither replies */
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_close(p.s.ws, 1001, "going away"), 0);
    assert_int_equal(ws_close(p.c.ws, 1000, NULL), 0);
    pump(&p, 0);
    assert_string_equal(p.c.log.p, "C:1001:going away;");
    assert_string_equal(p.s.log.p, "C:1000:;");
    pair_release(&p);
}

static void test_close_codes(void **state)
{
    static const uint16_t bad[] = {1,    999,  1004, 1005, 1006,
                                   1015, 1016, 2999, 5000, 65535};
    static const uint16_t good[] = {1000, 1001, 1002, 1003, 1007,
                                    1011, 1014, 3000, 4999};
    struct pair p;
    char want[32];
    size_t i;

    (void)state;
    pair_init(&p, NULL, NULL);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(ws_close(p.c.ws, bad[i], NULL), OC_EINVAL);
    assert_int_equal(ws_close(p.c.ws, 1000, "\xff"), OC_EINVAL);
    assert_int_equal(ws_queued_bytes(p.c.ws), 0);
    pair_release(&p);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        pair_init(&p, NULL, NULL);
        assert_int_equal(ws_close(p.c.ws, good[i], NULL), 0);
        pump(&p, 0);
        snprintf(want, sizeof(want), "C:%u:;", good[i]);
        assert_string_equal(p.s.log.p, want);
        assert_string_equal(p.c.log.p, want);
        pair_release(&p);
    }
}

/* A reason longer than 123 bytes is cut, never inside a character. */
static void test_close_reason_cut(void **state)
{
    char reason[200];
    struct pair p;

    (void)state;
    memset(reason, 'a', 122);
    memcpy(reason + 122, "\xc3\xa9", 3); /* 124 bytes */
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_close(p.c.ws, 1000, reason), 0);
    pump(&p, 0);
    assert_int_equal(strlen(p.s.reason), 122);
    pair_release(&p);

    memset(reason, 'b', 199);
    reason[199] = '\0';
    pair_init(&p, NULL, NULL);
    assert_int_equal(ws_close(p.c.ws, 1000, reason), 0);
    pump(&p, 0);
    assert_int_equal(strlen(p.s.reason), 123);
    pair_release(&p);
}

/* ---- sessions: the peer breaks the rules ---- */

/*
 * A fresh side gets in[0..n) and must fail with code and reason: its
 * feed says OC_EPARSE, on_close ran, and its output ends with a close
 * frame carrying the code. Input after that is ignored.
 */
static void assert_fails(bool client, const struct ws_config *cfg,
                         const struct buf *in, uint16_t code,
                         const char *reason)
{
    struct side s;

    side_init(&s, client, cfg, false);
    deliver(&s, in->p, in->len, 0);
    assert_int_equal(s.feed_rc, OC_EPARSE);
    assert_int_equal(s.closes, 1);
    assert_int_equal(s.code, code);
    assert_string_equal(s.reason, reason);
    assert_true(ws_closed(s.ws));
    assert_sent_close(&s, code);
    assert_true(ws_want_close(s.ws));
    assert_int_equal(ws_feed(s.ws, "\x81\x01x", 3), 0);
    assert_int_equal(ws_queued_bytes(s.ws), 0);
    assert_int_equal(s.closes, 1);
    side_release(&s);
}

static void test_frame_too_big(void **state)
{
    static const struct ws_config cfg = {16, 0, 0};
    static const unsigned char huge[] = {0x81, 0xff, 0, 0, 1,    0,
                                         0,    0,    0, 0, 0x37, 0xfa};
    char msg[17];
    struct buf in;
    struct pair p;

    (void)state;
    memset(msg, 'm', sizeof(msg));
    pair_init(&p, NULL, &cfg);
    assert_int_equal(ws_send_text(p.c.ws, msg, 16), 0);
    pump(&p, 0);
    assert_logged(&p.s, "", "T:", msg, 16);
    assert_int_equal(ws_send_text(p.c.ws, msg, 17), 0);
    pump(&p, 0);
    assert_int_equal(p.s.feed_rc, OC_EPARSE);
    assert_string_equal(p.c.log.p, "C:1009:frame too big;");
    pair_release(&p);

    /* a declared length of 2^40: refused at its first byte, before
     * anything is buffered */
    buf_init(&in, 0);
    buf_add(&in, huge, sizeof(huge));
    buf_add(&in, "\x21\x3d\x00", 3);
    assert_fails(false, NULL, &in, 1009, "frame too big");
    buf_release(&in);
}

static void test_message_too_big(void **state)
{
    static const struct ws_config cfg = {0, 20, 0};
    struct buf in;
    struct side s;

    (void)state;
    buf_init(&in, 0);
    frame(&in, 0x01, true, "0123456789", 10);
    frame(&in, 0x80, true, "0123456789", 10);
    side_init(&s, false, &cfg, false);
    deliver(&s, in.p, in.len, 0);
    assert_string_equal(s.log.p, "T:01234567890123456789;");
    side_release(&s);

    buf_reset(&in);
    frame(&in, 0x01, true, "0123456789", 10);
    frame(&in, 0x80, true, "0123456789a", 11);
    assert_fails(false, &cfg, &in, 1009, "message too big");
    buf_reset(&in);
    frame(&in, 0x81, true, "0123456789abcdefghijk", 21);
    assert_fails(false, &cfg, &in, 1009, "message too big");
    buf_release(&in);
}

static void test_bad_utf8(void **state)
{
    static const char *bad[] = {
        "\xc3\x28",
        "\xa0",
        "\xc0\xaf",
        "\xc1\xbf",
        "\xe0\x80\xaf",
        "\xed\xa0\x80",
        "\xf4\x90\x80\x80",
        "\xf5\x80\x80",
        "\xf8\x88\x80\x80\x80",
        "\xff",
        "\xc3",
        "ok\xe2\x82",
    };
    struct buf in;
    struct side s;
    size_t i;

    (void)state;
    buf_init(&in, 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf_reset(&in);
        frame(&in, 0x81, true, bad[i], strlen(bad[i]));
        assert_fails(false, NULL, &in, 1007, "invalid UTF-8 in a text message");
    }
    /* found in the first fragment, without waiting for the rest */
    buf_reset(&in);
    frame(&in, 0x01, true, "\xff", 1);
    assert_fails(false, NULL, &in, 1007, "invalid UTF-8 in a text message");
    /* a character cut by the end of the message */
    buf_reset(&in);
    frame(&in, 0x01, true, "a\xe2\x82", 3);
    frame(&in, 0x80, true, "", 0);
    assert_fails(false, NULL, &in, 1007, "invalid UTF-8 in a text message");
    /* to the client as well, and in a close reason */
    buf_reset(&in);
    frame(&in, 0x81, false, "\xed\xbf\xbf", 3);
    assert_fails(true, NULL, &in, 1007, "invalid UTF-8 in a text message");
    buf_reset(&in);
    frame(&in, 0x88, true, "\x03\xe8\xff", 3);
    assert_fails(false, NULL, &in, 1007, "close reason is not UTF-8");

    /* the edges that are valid */
    buf_reset(&in);
    frame(&in, 0x81, true, "\xf4\x8f\xbf\xbf\xed\x9f\xbf\xef\xbb\xbf", 10);
    side_init(&s, false, NULL, false);
    deliver(&s, in.p, in.len, 0);
    assert_string_equal(s.log.p, "T:\\xf4\\x8f\\xbf\\xbf\\xed\\x9f\\xbf"
                                 "\\xef\\xbb\\xbf;");
    assert_int_equal(ws_send_text(s.ws, "\xc3\x28", 2), OC_EINVAL);
    assert_int_equal(ws_send_text(s.ws, "\xe2\x82", 2), OC_EINVAL);
    assert_int_equal(ws_queued_bytes(s.ws), 0);
    side_release(&s);
    buf_release(&in);
}

struct proto_case {
    bool client;      /* the side that receives */
    unsigned char b0; /* FIN, RSV, opcode */
    bool mask;
    unsigned char b0_first; /* a frame before it (0: none), masked */
    uint16_t code;
    const char *payload;
    size_t n;
    const char *reason;
};

static const struct proto_case protos[] = {
    {false, 0x81, false, 0, 1002, "hi", 2, "unmasked frame from the client"},
    {true, 0x81, true, 0, 1002, "hi", 2, "masked frame from the server"},
    {false, 0xc1, true, 0, 1002, "hi", 2, "reserved bits set"},
    {false, 0xa1, true, 0, 1002, "hi", 2, "reserved bits set"},
    {false, 0x91, true, 0, 1002, "hi", 2, "reserved bits set"},
    {false, 0xc9, true, 0, 1002, "", 0, "reserved bits set"},
    {false, 0x83, true, 0, 1002, "", 0, "reserved opcode"},
    {false, 0x87, true, 0, 1002, "", 0, "reserved opcode"},
    {false, 0x8b, true, 0, 1002, "", 0, "reserved opcode"},
    {false, 0x8f, true, 0, 1002, "", 0, "reserved opcode"},
    {false, 0x80, true, 0, 1002, "x", 1,
     "continuation frame without a message"},
    {false, 0x81, true, 0x01, 1002, "b", 1,
     "new message inside a fragmented one"},
    {false, 0x02, true, 0x01, 1002, "b", 1,
     "new message inside a fragmented one"},
    {false, 0x09, true, 0, 1002, "", 0, "malformed frame header"},
    {false, 0x88, true, 0, 1002, "\x03", 1, "close frame with a 1-byte body"},
    {false, 0x88, true, 0, 1002, "\x03\xe7", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x03\xec", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x03\xed", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x03\xee", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x03\xf7", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x03\xf8", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x0b\xb7", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x13\x88", 2, "invalid close code"},
    {false, 0x88, true, 0, 1002, "\x00\x00", 2, "invalid close code"},
    {false, 0x82, true, 0, 1003, "b", 1, "message type not accepted"},
};

static void test_protocol_errors(void **state)
{
    const struct proto_case *c;
    struct buf in;
    size_t i;

    (void)state;
    buf_init(&in, 0);
    for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
        c = &protos[i];
        buf_reset(&in);
        if (c->b0_first)
            frame(&in, c->b0_first, true, "a", 1);
        frame(&in, c->b0, c->mask, c->payload, c->n);
        assert_fails(c->client, NULL, &in, c->code, c->reason);
    }
    buf_release(&in);
}

/* Headers wslay refuses: lengths not in their shortest form, a control
 * frame over 125 bytes, a length with the top bit set. */
static void test_bad_headers(void **state)
{
    static const struct {
        const char *p;
        size_t n;
    } heads[] = {
        {"\x81\xfe\x00\x05\x37\xfa\x21\x3d", 8},
        {"\x81\xff\x00\x00\x00\x00\x00\x00\x00\x05\x37\xfa\x21\x3d", 14},
        {"\x81\xff\x00\x00\x00\x00\x00\x00\xff\xff\x37\xfa\x21\x3d", 14},
        {"\x81\xff\x80\x00\x00\x00\x00\x00\x00\x00\x37\xfa\x21\x3d", 14},
        {"\x89\xfe\x00\x7e\x37\xfa\x21\x3d", 8},
        {"\x88\xfe\x00\x7e\x37\xfa\x21\x3d", 8},
    };
    struct buf in;
    size_t i;

    (void)state;
    buf_init(&in, 0);
    for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        buf_reset(&in);
        buf_add(&in, heads[i].p, heads[i].n);
        buf_addstr(&in, "payload");
        assert_fails(false, NULL, &in, 1002, "malformed frame header");
    }
    buf_release(&in);
}

/* Close codes a peer may send, including ones we never would. */
static void test_peer_close_codes(void **state)
{
    static const uint16_t ok[] = {1000, 1003, 1007, 1011, 1014, 3000, 4999};
    unsigned char body[8];
    struct buf in;
    struct side s;
    char want[32];
    size_t i, n;

    (void)state;
    buf_init(&in, 0);
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        buf_reset(&in);
        n = close_body(body, ok[i], "r", 1);
        frame(&in, 0x88, true, body, n);
        side_init(&s, false, NULL, false);
        deliver(&s, in.p, in.len, 0);
        assert_int_equal(s.feed_rc, 0);
        snprintf(want, sizeof(want), "C:%u:r;", ok[i]);
        assert_string_equal(s.log.p, want);
        assert_sent_close(&s, ok[i]); /* echoed */
        side_release(&s);
    }
    buf_release(&in);
}

/* ---- sessions: split delivery ---- */

/* Cut positions: every byte, except that in long streams the middle is
 * sampled every 997 bytes (the 64 KiB frames would take minutes). */
static size_t next_cut(size_t k, size_t len)
{
    if (len < 4096 || k < 2048 || k + 2048 >= len)
        return k + 1;
    return k + 997 < len - 2048 ? k + 997 : len - 2048;
}

/* Deliver in[0..n) to a fresh side at once, then cut in two at every
 * position, then a byte at a time: the same events and output each time
 * (the client's output differs in its masks: compare its length). */
static void assert_split_invariant(bool client, const struct ws_config *cfg,
                                   const struct buf *in)
{
    struct side ref, s;
    size_t k;

    side_init(&ref, client, cfg, true);
    deliver(&ref, in->p, in->len, 0);
    for (k = 0; k <= in->len; k = next_cut(k, in->len)) {
        side_init(&s, client, cfg, true);
        if (k == in->len) {
            deliver(&s, in->p, in->len, 1);
        } else {
            deliver(&s, in->p, k, 0);
            deliver(&s, in->p + k, in->len - k, 0);
        }
        assert_string_equal(s.log.p, ref.log.p);
        assert_int_equal(s.feed_rc, ref.feed_rc);
        assert_int_equal(s.wire.len, ref.wire.len);
        if (!client)
            assert_memory_equal(s.wire.p, ref.wire.p, ref.wire.len);
        side_release(&s);
    }
    side_release(&ref);
}

static void test_split_to_server(void **state)
{
    static const struct ws_config small = {300, 400, 0};
    char big[300];
    unsigned char body[16];
    struct buf in;
    size_t n;

    (void)state;
    memset(big, 'z', sizeof(big));
    buf_init(&in, 0);
    frame(&in, 0x81, true, "Hello", 5);
    frame(&in, 0x01, true, "fr\xc3", 3);
    frame(&in, 0x89, true, "ping", 4);
    frame(&in, 0x00, true,
          "\xa9"
          "ag",
          3);
    frame(&in, 0x80, true, "ment", 4);
    frame(&in, 0x82, true, big, 200);
    frame(&in, 0x8a, true, "pong", 4);
    frame(&in, 0x81, true, big, 300);
    frame(&in, 0x81, true, "", 0);
    n = close_body(body, 1000, "done", 4);
    frame(&in, 0x88, true, body, n);
    frame(&in, 0x81, true, "after the close", 15);
    assert_split_invariant(false, NULL, &in);
    assert_split_invariant(false, &small, &in); /* the 300 is too big */
    /* ending in bad UTF-8 across frames */
    buf_reset(&in);
    frame(&in, 0x81, true, "ok", 2);
    frame(&in, 0x01, true, "\xf0\x9f", 2);
    frame(&in, 0x80, true, "\x91", 1);
    assert_split_invariant(false, NULL, &in);
    buf_release(&in);
}

static void test_split_to_client(void **state)
{
    char big[70000];
    struct side s;
    struct buf in;

    (void)state;
    memset(big, 'y', sizeof(big));
    side_init(&s, false, NULL, true);
    assert_int_equal(ws_send_text(s.ws, "Hello", 5), 0);
    assert_int_equal(ws_send_ping(s.ws, "p", 1), 0);
    assert_int_equal(ws_send_text(s.ws, big, 300), 0);
    assert_int_equal(ws_send_text(s.ws, big, sizeof(big)), 0);
    assert_int_equal(ws_close(s.ws, 4000, "bye"), 0);
    assert_int_equal(ws_flush(s.ws), 0);
    buf_init(&in, 0);
    buf_add(&in, s.wire.p, s.wire.len);
    side_release(&s);
    assert_split_invariant(true, NULL, &in);
    buf_release(&in);
}

/* ---- sessions: output limits and failures ---- */

static void test_output_cap(void **state)
{
    static const struct ws_config cfg = {0, 0, 64};
    char msg[60];
    struct buf in;
    struct side s;
    int i;

    (void)state;
    memset(msg, 'q', sizeof(msg));
    side_init(&s, false, &cfg, false);
    assert_int_equal(ws_send_text(s.ws, msg, 40), 0); /* 42 queued */
    assert_int_equal(ws_send_text(s.ws, msg, 21), OC_ETOOBIG);
    assert_int_equal(ws_send_ping(s.ws, msg, 21), OC_ETOOBIG);
    assert_int_equal(ws_queued_bytes(s.ws), 42);
    assert_int_equal(ws_send_text(s.ws, msg, 20), 0); /* exactly 64 */
    assert_int_equal(ws_queued_bytes(s.ws), 64);
    /* pings from the peer while full: no pongs */
    buf_init(&in, 0);
    for (i = 0; i < 100; i++)
        frame(&in, 0x89, true, msg, 10);
    assert_int_equal(ws_feed(s.ws, in.p, in.len), 0);
    assert_int_equal(ws_queued_bytes(s.ws), 64);
    /* a close frame still fits */
    assert_int_equal(ws_close(s.ws, 1001, "shutting down"), 0);
    assert_int_equal(ws_queued_bytes(s.ws), 64 + 2 + 2 + 13);
    assert_int_equal(ws_flush(s.ws), 0);
    assert_int_equal(ws_queued_bytes(s.ws), 0);
    assert_sent_close(&s, 1001);
    side_release(&s);

    /* pongs stop at the cap while nobody flushes */
    side_init(&s, false, &cfg, false);
    assert_int_equal(ws_feed(s.ws, in.p, in.len), 0);
    assert_int_equal(ws_queued_bytes(s.ws), 60); /* five 12-byte pongs */
    side_release(&s);
    buf_release(&in);
}

static void test_write_failure(void **state)
{
    struct side s;

    (void)state;
    side_init(&s, false, NULL, false);
    assert_int_equal(ws_send_text(s.ws, "x", 1), 0);
    s.fail_write = true;
    assert_int_equal(ws_flush(s.ws), OC_EIO);
    assert_string_equal(s.log.p, "C:1006:cannot write to the connection;");
    assert_true(ws_closed(s.ws));
    assert_true(ws_want_close(s.ws));
    assert_int_equal(ws_queued_bytes(s.ws), 0);
    assert_int_equal(ws_send_text(s.ws, "x", 1), OC_EPERM);
    assert_int_equal(ws_flush(s.ws), OC_EIO);
    ws_lost(s.ws);
    assert_int_equal(s.closes, 1);
    side_release(&s);
}

static void test_lost(void **state)
{
    struct side s;

    (void)state;
    side_init(&s, true, NULL, false);
    assert_int_equal(ws_send_text(s.ws, "unsent", 6), 0);
    ws_lost(s.ws);
    assert_string_equal(s.log.p, "C:1006:connection lost;");
    assert_int_equal(ws_queued_bytes(s.ws), 0);
    assert_true(ws_want_close(s.ws));
    ws_lost(s.ws);
    assert_int_equal(ws_feed(s.ws, "\x81\x01x", 3), 0);
    assert_int_equal(ws_close(s.ws, 1000, NULL), 0);
    assert_int_equal(ws_queued_bytes(s.ws), 0);
    assert_int_equal(s.closes, 1);
    side_release(&s);
    ws_free(NULL);
}

/* Callbacks may send and flush; they may not feed. */
static void test_callbacks_reenter(void **state)
{
    struct pair p;

    (void)state;
    pair_init(&p, NULL, NULL);
    p.s.echo = true;
    p.s.refeed = true;
    assert_int_equal(ws_send_text(p.c.ws, "one", 3), 0);
    assert_int_equal(ws_send_text(p.c.ws, "two", 3), 0);
    pump(&p, 0);
    assert_string_equal(p.s.log.p, "T:one;T:two;");
    assert_string_equal(p.c.log.p, "T:one;T:two;");
    pair_release(&p);
}

static void test_set_config(void **state)
{
    static const struct ws_config tight = {0, 16, 0};
    static const struct ws_config roomy = {0, 100, 0};
    char msg[50];
    struct pair p;

    (void)state;
    memset(msg, 'c', sizeof(msg));
    pair_init(&p, NULL, &tight);
    assert_int_equal(ws_send_text(p.c.ws, msg, 16), 0);
    pump(&p, 0);
    ws_set_config(p.s.ws, &roomy);
    assert_int_equal(ws_send_text(p.c.ws, msg, 50), 0);
    pump(&p, 0);
    assert_int_equal(p.s.feed_rc, 0);
    ws_set_config(p.s.ws, &tight);
    assert_int_equal(ws_send_text(p.c.ws, msg, 17), 0);
    pump(&p, 0);
    assert_int_equal(p.s.code, 1009);
    pair_release(&p);

    /* NULL: the defaults */
    pair_init(&p, NULL, &tight);
    ws_set_config(p.s.ws, NULL);
    assert_int_equal(ws_send_text(p.c.ws, msg, 50), 0);
    pump(&p, 0);
    assert_int_equal(p.s.feed_rc, 0);
    pair_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_key_rfc6455),
        cmocka_unit_test(test_accept_key_rejects),
        cmocka_unit_test(test_handshake_check),
        cmocka_unit_test(test_handshake_client_side),
        cmocka_unit_test(test_text_both_ways),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_fragments_to_server),
        cmocka_unit_test(test_rfc_examples_to_client),
        cmocka_unit_test(test_ping_pong),
        cmocka_unit_test(test_close_by_client),
        cmocka_unit_test(test_close_by_server),
        cmocka_unit_test(test_close_codes),
        cmocka_unit_test(test_close_reason_cut),
        cmocka_unit_test(test_frame_too_big),
        cmocka_unit_test(test_message_too_big),
        cmocka_unit_test(test_bad_utf8),
        cmocka_unit_test(test_protocol_errors),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_peer_close_codes),
        cmocka_unit_test(test_split_to_server),
        cmocka_unit_test(test_split_to_client),
        cmocka_unit_test(test_output_cap),
        cmocka_unit_test(test_write_failure),
        cmocka_unit_test(test_lost),
        cmocka_unit_test(test_callbacks_reenter),
        cmocka_unit_test(test_set_config),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
