/*
 * WebSocket handshake checks and sessions (see ws.h). wslay's frame codec
 * parses and writes frame headers and applies masks; everything above
 * single frames is here. (wslay's event layer would do more, but it
 * allocates each frame's declared length before any payload arrives,
 * skips the UTF-8 check of the first bytes of a close reason when the
 * frame arrives in pieces, and closes without a status code on header
 * errors.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <wslay/wslay.h>

#include "base/b64.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "http/crypto.h"
#include "http/ws.h"
#include "base/banned.h"

#define WS_GUID         "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define CTL_MAX         125
#define REASON_MAX      123
#define CLOSE_SLACK     256        /* room for one close frame past the cap */
#define KEEP_BUFFER_MAX (64 << 10) /* buffers bigger than this are freed */

enum ws_state { WS_OPEN, WS_CLOSING, WS_CLOSED };

/* Incremental UTF-8 check (RFC 3629): how many continuation bytes are due
 * and the range the next one must fall in. */
struct utf8 {
    unsigned char need, lo, hi;
};

struct ws {
    bool client;
    struct ws_config cfg;
    struct ws_callbacks cb;
    void *arg;
    wslay_frame_context_ptr fr;

    const unsigned char *in; /* ws_feed input wslay has not taken yet */
    size_t in_len;
    bool feeding;
    bool flushing;

    bool in_frame; /* the frame being received */
    uint8_t op;
    bool fin;
    uint64_t left;

    uint8_t msg_op; /* 0, or the opcode of the message being assembled */
    struct buf msg;
    struct utf8 utf8;

    unsigned char ctl[CTL_MAX]; /* the control frame being received */
    size_t ctl_len;

    struct buf out; /* encoded frames not yet handed to write */
    enum ws_state state;
    bool close_queued;
    bool lost;
};

/* ---- UTF-8 ---- */

static bool utf8_lead(struct utf8 *u, unsigned char c)
{
    u->lo = 0x80;
    u->hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        u->need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        u->need = 2;
        if (c == 0xe0)
            u->lo = 0xa0; /* no overlong forms */
        else if (c == 0xed)
            u->hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        u->need = 3;
        if (c == 0xf0)
            u->lo = 0x90;
        else if (c == 0xf4)
            u->hi = 0x8f; /* nothing past U+10FFFF */
    } else {
        return false;
    }
    return true;
}

static bool utf8_feed(struct utf8 *u, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (u->need) {
            if (p[i] < u->lo || p[i] > u->hi)
                return false;
            u->need--;
            u->lo = 0x80;
            u->hi = 0xbf;
        } else if (p[i] >= 0x80 && !utf8_lead(u, p[i])) {
            return false;
        }
    }
    return true;
}

static bool utf8_valid(const void *p, size_t n)
{
    struct utf8 u = {0, 0x80, 0xbf};

    return utf8_feed(&u, p, n) && u.need == 0;
}

/* ---- the handshake ---- */

int ws_accept_key(const char *client_key, char out[WS_ACCEPT_LEN + 1],
                  struct oc_err *err)
{
    unsigned char raw[18], digest[CRYPTO_SHA1_LEN];
    char cat[WS_KEY_LEN + sizeof(WS_GUID)];
    size_t len = 0;

    if (!client_key || strnlen(client_key, WS_KEY_LEN + 1) != WS_KEY_LEN ||
        b64_decode(client_key, WS_KEY_LEN, raw, sizeof(raw), &len) || len != 16)
        return oc_err_set(err, OC_EPARSE,
                          "Sec-WebSocket-Key is not 16 bytes in base64");
    memcpy(cat, client_key, WS_KEY_LEN);
    memcpy(cat + WS_KEY_LEN, WS_GUID, sizeof(WS_GUID));
    if (crypto_sha1(cat, WS_KEY_LEN + sizeof(WS_GUID) - 1, digest, err))
        return OC_EIO;
    b64_encode(digest, sizeof(digest), out, WS_ACCEPT_LEN + 1);
    return 0;
}

/* Does the comma-separated list hold token (case-insensitive)? */
static bool has_token(const char *list, const char *token)
{
    size_t tlen = strlen(token), n;
    const char *p = list;

    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        n = strcspn(p, ",");
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == tlen && strncasecmp(p, token, n) == 0)
            return true;
        p = strchr(p, ',');
    }
    return false;
}

static int refuse(struct ws_verdict *v, int status, const char *reason)
{
    v->status = status;
    v->reason = reason;
    v->header = status == 426 ? "Sec-WebSocket-Version: 13" : NULL;
    return status;
}

int ws_handshake_check(const struct ws_request *req, struct ws_verdict *v)
{
    memset(v, 0, sizeof(*v));
    if (!req->method || strcmp(req->method, "GET") != 0)
        return refuse(v, 400, "a WebSocket upgrade must be a GET");
    if (req->version_minor < 1)
        return refuse(v, 400, "a WebSocket upgrade needs HTTP/1.1");
    if (!req->upgrade || !has_token(req->upgrade, "websocket"))
        return refuse(v, 400, "missing Upgrade: websocket");
    if (!req->connection || !has_token(req->connection, "upgrade"))
        return refuse(v, 400, "missing Connection: upgrade");
    if (!req->version)
        return refuse(v, 400, "missing Sec-WebSocket-Version");
    if (strcmp(req->version, "13") != 0)
        return refuse(v, 426, "unsupported Sec-WebSocket-Version");
    if (!req->key)
        return refuse(v, 400, "missing Sec-WebSocket-Key");
    switch (ws_accept_key(req->key, v->accept, NULL)) {
    case 0:
        return 0;
    case OC_EPARSE:
        return refuse(v, 400, "invalid Sec-WebSocket-Key");
    default:
        return refuse(v, 500, "cannot compute the accept key (libcrypto)");
    }
}

int ws_handshake_key(char out[WS_KEY_LEN + 1], struct oc_err *err)
{
    unsigned char raw[16];

    if (crypto_random(raw, sizeof(raw), err))
        return OC_EIO;
    b64_encode(raw, sizeof(raw), out, WS_KEY_LEN + 1);
    return 0;
}

int ws_handshake_verify(const char *key, const char *upgrade,
                        const char *connection, const char *accept,
                        struct oc_err *err)
{
    char want[WS_ACCEPT_LEN + 1];
    int rc;

    if (!upgrade || !has_token(upgrade, "websocket"))
        return oc_err_set(err, OC_EPARSE,
                          "the server's 101 lacks Upgrade: websocket");
    if (!connection || !has_token(connection, "upgrade"))
        return oc_err_set(err, OC_EPARSE,
                          "the server's 101 lacks Connection: upgrade");
    if ((rc = ws_accept_key(key, want, err)) != 0)
        return rc;
    if (!accept || strcmp(accept, want) != 0)
        return oc_err_set(err, OC_EPARSE,
                          "the server's Sec-WebSocket-Accept is wrong");
    return 0;
}

size_t ws_handshake_response(const char *accept, char *out, size_t outsz)
{
    int n = snprintf(out, outsz,
                     "HTTP/1.1 101 Switching Protocols\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %s\r\n"
                     "\r\n",
                     accept);

    if (n < 0 || (size_t)n >= outsz)
        return 0;
    return (size_t)n;
}

/* ---- wslay's I/O callbacks ---- */

static ssize_t wire_recv(uint8_t *buf, size_t len, int flags, void *user)
{
    struct ws *ws = user;
    size_t n = len < ws->in_len ? len : ws->in_len;

    (void)flags;
    if (n == 0)
        return 0; /* wslay: WANT_READ */
    memcpy(buf, ws->in, n);
    ws->in += n;
    ws->in_len -= n;
    return (ssize_t)n;
}

static ssize_t wire_send(const uint8_t *data, size_t len, int flags, void *user)
{
    struct ws *ws = user;

    (void)flags;
    /* callers check the cap first, and out.max has CLOSE_SLACK */
    if (buf_add(&ws->out, data, len))
        BUG("websocket output queue overflow");
    return (ssize_t)len;
}

static int wire_mask(uint8_t *buf, size_t len, void *user)
{
    (void)user;
    return crypto_random(buf, len, NULL) ? -1 : 0;
}

/* ---- sending ---- */

static size_t frame_size(const struct ws *ws, size_t n)
{
    size_t head = 2 + (n > 65535 ? 8 : n > 125 ? 2 : 0) + (ws->client ? 4 : 0);

    return st_add(head, n);
}

static bool fits(const struct ws *ws, size_t n)
{
    return n <= ws->cfg.max_queued && ws->out.len <= ws->cfg.max_queued &&
           frame_size(ws, n) <= ws->cfg.max_queued - ws->out.len;
}

static int queue_frame(struct ws *ws, uint8_t op, const void *p, size_t n)
{
    struct wslay_frame_iocb io;

    memset(&io, 0, sizeof(io));
    io.fin = 1;
    io.opcode = op;
    io.mask = ws->client;
    io.payload_length = n;
    io.data = p;
    io.data_length = n;
    if (wslay_frame_send(ws->fr, &io) < 0)
        return OC_EIO; /* no mask: nothing was written */
    return 0;
}

static void queue_close(struct ws *ws, uint16_t code, const char *reason,
                        size_t len)
{
    unsigned char body[2 + REASON_MAX];

    ws->close_queued = true;
    if (code == 0) {
        queue_frame(ws, WSLAY_CONNECTION_CLOSE, NULL, 0);
        return;
    }
    body[0] = (unsigned char)(code >> 8);
    body[1] = (unsigned char)code;
    if (len)
        memcpy(body + 2, reason, len);
    queue_frame(ws, WSLAY_CONNECTION_CLOSE, body, 2 + len);
}

static int can_send(const struct ws *ws, size_t n)
{
    if (ws->close_queued || ws->state != WS_OPEN)
        return OC_EPERM;
    return fits(ws, n) ? 0 : OC_ETOOBIG;
}

int ws_send_text(struct ws *ws, const char *p, size_t n)
{
    int rc = can_send(ws, n);

    if (rc)
        return rc;
    if (!utf8_valid(p, n))
        return OC_EINVAL;
    return queue_frame(ws, WSLAY_TEXT_FRAME, p, n);
}

int ws_send_ping(struct ws *ws, const void *p, size_t n)
{
    int rc;

    if (n > CTL_MAX)
        return OC_EINVAL;
    rc = can_send(ws, n);
    return rc ? rc : queue_frame(ws, WSLAY_PING, p, n);
}

/* May we send this close code (RFC 6455 7.4 and the IANA registry)? */
static bool code_sendable(uint16_t code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

/* Length of s cut to REASON_MAX bytes without splitting a character. */
static size_t reason_len(const char *s)
{
    size_t n = s ? strnlen(s, REASON_MAX + 1) : 0;

    if (n > REASON_MAX) {
        n = REASON_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    return n;
}

int ws_close(struct ws *ws, uint16_t code, const char *reason)
{
    size_t n = code ? reason_len(reason) : 0;

    if (ws->state != WS_OPEN)
        return 0;
    if ((code && !code_sendable(code)) || !utf8_valid(reason, n))
        return OC_EINVAL;
    if (!ws->close_queued)
        queue_close(ws, code, reason, n);
    ws->state = WS_CLOSING;
    return 0;
}

/* ---- the end of a session ---- */

static void finish(struct ws *ws, uint16_t code, const char *reason)
{
    if (ws->state == WS_CLOSED)
        return;
    ws->state = WS_CLOSED;
    if (ws->cb.on_close)
        ws->cb.on_close(ws->arg, code, reason);
}

/* The peer broke the protocol: close with code and stop reading. */
static int fail(struct ws *ws, uint16_t code, const char *reason)
{
    if (!ws->close_queued)
        queue_close(ws, code, reason, strlen(reason));
    finish(ws, code, reason);
    return OC_EPARSE;
}

static void drop_buffer(struct buf *b)
{
    if (b->cap > KEEP_BUFFER_MAX)
        buf_release(b);
    else
        buf_reset(b);
}

void ws_lost(struct ws *ws)
{
    ws->lost = true;
    buf_release(&ws->out);
    finish(ws, 1006, "connection lost");
}

int ws_flush(struct ws *ws)
{
    int rc;

    if (ws->lost)
        return OC_EIO;
    if (ws->flushing || ws->out.len == 0)
        return 0;
    ws->flushing = true;
    rc = ws->cb.write(ws->arg, ws->out.p, ws->out.len);
    ws->flushing = false;
    if (rc) {
        ws->lost = true;
        buf_release(&ws->out);
        finish(ws, 1006, "cannot write to the connection");
        return OC_EIO;
    }
    drop_buffer(&ws->out);
    return 0;
}

/* ---- receiving ---- */

static int data_start(struct ws *ws, const struct wslay_frame_iocb *io)
{
    if (io->opcode == WSLAY_CONTINUATION_FRAME) {
        if (!ws->msg_op)
            return fail(ws, 1002, "continuation frame without a message");
    } else if (io->opcode == WSLAY_TEXT_FRAME ||
               io->opcode == WSLAY_BINARY_FRAME) {
        if (ws->msg_op)
            return fail(ws, 1002, "new message inside a fragmented one");
        if (io->opcode == WSLAY_BINARY_FRAME ? !ws->cb.on_binary
                                             : !ws->cb.on_text)
            return fail(ws, 1003, "message type not accepted");
        ws->msg_op = io->opcode;
        ws->utf8.need = 0;
    } else {
        return fail(ws, 1002, "reserved opcode");
    }
    if (io->payload_length > ws->cfg.max_frame)
        return fail(ws, 1009, "frame too big");
    if (ws->msg.len > ws->cfg.max_message ||
        io->payload_length > ws->cfg.max_message - ws->msg.len)
        return fail(ws, 1009, "message too big");
    return 0;
}

static int frame_start(struct ws *ws, const struct wslay_frame_iocb *io)
{
    int rc;

    if (io->rsv)
        return fail(ws, 1002, "reserved bits set");
    if (ws->client && io->mask)
        return fail(ws, 1002, "masked frame from the server");
    if (!ws->client && !io->mask)
        return fail(ws, 1002, "unmasked frame from the client");
    if (wslay_is_ctrl_frame(io->opcode)) {
        if (io->opcode != WSLAY_CONNECTION_CLOSE && io->opcode != WSLAY_PING &&
            io->opcode != WSLAY_PONG)
            return fail(ws, 1002, "reserved opcode");
        ws->ctl_len = 0;
    } else if ((rc = data_start(ws, io)) != 0) {
        return rc;
    }
    ws->in_frame = true;
    ws->op = io->opcode;
    ws->fin = io->fin;
    ws->left = io->payload_length;
    return 0;
}

static int frame_data(struct ws *ws, const unsigned char *p, size_t n)
{
    if (wslay_is_ctrl_frame(ws->op)) {
        if (n > CTL_MAX - ws->ctl_len) /* wslay checks; so do we */
            return fail(ws, 1002, "control frame too big");
        memcpy(ws->ctl + ws->ctl_len, p, n);
        ws->ctl_len += n;
        return 0;
    }
    if (ws->msg_op == WSLAY_TEXT_FRAME && !utf8_feed(&ws->utf8, p, n))
        return fail(ws, 1007, "invalid UTF-8 in a text message");
    if (buf_add(&ws->msg, p, n))
        return fail(ws, 1009, "message too big");
    return 0;
}

static int deliver(struct ws *ws)
{
    uint8_t op = ws->msg_op;

    if (op == WSLAY_TEXT_FRAME && ws->utf8.need)
        return fail(ws, 1007, "invalid UTF-8 in a text message");
    ws->msg_op = 0;
    if (op == WSLAY_TEXT_FRAME)
        ws->cb.on_text(ws->arg, ws->msg.p, ws->msg.len);
    else
        ws->cb.on_binary(ws->arg, ws->msg.p, ws->msg.len);
    drop_buffer(&ws->msg);
    return 0;
}

static int peer_close(struct ws *ws)
{
    char reason[REASON_MAX + 1];
    size_t n = ws->ctl_len >= 2 ? ws->ctl_len - 2 : 0;
    uint16_t code = 1005;

    if (ws->ctl_len == 1)
        return fail(ws, 1002, "close frame with a 1-byte body");
    if (ws->ctl_len >= 2) {
        code = (uint16_t)(ws->ctl[0] << 8 | ws->ctl[1]);
        if (!code_sendable(code))
            return fail(ws, 1002, "invalid close code");
        if (!utf8_valid(ws->ctl + 2, n))
            return fail(ws, 1007, "close reason is not UTF-8");
    }
    memcpy(reason, ws->ctl + 2, n);
    reason[n] = '\0';
    if (!ws->close_queued) /* the reply echoes the code, as is usual */
        queue_close(ws, code == 1005 ? 0 : code, NULL, 0);
    finish(ws, code, reason);
    return 0;
}

static int control(struct ws *ws)
{
    switch (ws->op) {
    case WSLAY_PING:
        /* over the cap, skip it: only the latest ping needs a pong */
        if (!ws->close_queued && fits(ws, ws->ctl_len))
            (void)queue_frame(ws, WSLAY_PONG, ws->ctl, ws->ctl_len);
        return 0;
    case WSLAY_PONG:
        if (ws->cb.on_pong)
            ws->cb.on_pong(ws->arg, ws->ctl, ws->ctl_len);
        return 0;
    default:
        return peer_close(ws);
    }
}

/* One step of wslay's frame reader: 1 progress, 0 needs input, or
 * OC_EPARSE. */
static int rx_step(struct ws *ws)
{
    struct wslay_frame_iocb io;
    ssize_t r;
    int rc;

    memset(&io, 0, sizeof(io));
    r = wslay_frame_recv(ws->fr, &io);
    if (r == WSLAY_ERR_WANT_READ)
        return 0;
    if (r < 0)
        return fail(ws, 1002, "malformed frame header");
    if (!ws->in_frame && (rc = frame_start(ws, &io)) != 0)
        return rc;
    if ((rc = frame_data(ws, io.data, io.data_length)) != 0)
        return rc;
    ws->left -= io.data_length;
    if (ws->left > 0)
        return 1;
    ws->in_frame = false;
    if (wslay_is_ctrl_frame(ws->op))
        rc = control(ws);
    else if (ws->fin)
        rc = deliver(ws);
    return rc ? rc : 1;
}

int ws_feed(struct ws *ws, const void *p, size_t n)
{
    size_t before;
    int rc = 0;

    if (ws->feeding)
        return OC_EINVAL;
    if (ws->state == WS_CLOSED)
        return 0;
    ws->feeding = true;
    ws->in = p;
    ws->in_len = n;
    while (ws->state != WS_CLOSED) {
        before = ws->in_len;
        rc = rx_step(ws);
        /* wslay wants more only once it has taken all we had */
        if (rc < 0 || (rc == 0 && (ws->in_len == 0 || ws->in_len == before)))
            break;
    }
    ws->in = NULL;
    ws->in_len = 0;
    ws->feeding = false;
    return rc < 0 ? rc : 0;
}

/* ---- lifecycle and queries ---- */

void ws_set_config(struct ws *ws, const struct ws_config *cfg)
{
    static const struct ws_config none;

    if (!cfg)
        cfg = &none;
    ws->cfg.max_frame = cfg->max_frame ? cfg->max_frame : WS_DEFAULT_MAX_FRAME;
    ws->cfg.max_message =
        cfg->max_message ? cfg->max_message : WS_DEFAULT_MAX_MESSAGE;
    ws->cfg.max_queued =
        cfg->max_queued ? cfg->max_queued : WS_DEFAULT_MAX_QUEUED;
    /* never below what is held already, so a queued byte is never lost;
     * fits() and data_start() keep new bytes within the new limits */
    ws->msg.max =
        ws->cfg.max_message > ws->msg.len ? ws->cfg.max_message : ws->msg.len;
    ws->out.max = st_add(ws->cfg.max_queued > ws->out.len ? ws->cfg.max_queued
                                                          : ws->out.len,
                         CLOSE_SLACK);
}

struct ws *ws_new(bool client, const struct ws_config *cfg,
                  const struct ws_callbacks *cb, void *arg)
{
    struct wslay_frame_callbacks wire = {wire_send, wire_recv, wire_mask};
    struct ws *ws = xcalloc(1, sizeof(*ws));

    if (!cb->write)
        BUG("ws_new without a write callback");
    ws->client = client;
    ws->cb = *cb;
    ws->arg = arg;
    buf_init(&ws->msg, 0);
    buf_init(&ws->out, 0);
    ws_set_config(ws, cfg);
    if (wslay_frame_context_init(&ws->fr, &wire, ws) != 0)
        die("out of memory");
    return ws;
}

void ws_free(struct ws *ws)
{
    if (!ws)
        return;
    wslay_frame_context_free(ws->fr);
    buf_release(&ws->msg);
    buf_release(&ws->out);
    free(ws);
}

size_t ws_queued_bytes(const struct ws *ws)
{
    return ws->out.len;
}

bool ws_closed(const struct ws *ws)
{
    return ws->state == WS_CLOSED;
}

bool ws_want_close(const struct ws *ws)
{
    return ws->state == WS_CLOSED && (ws->lost || ws->out.len == 0);
}
