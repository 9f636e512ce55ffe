/*
 * WebSocket (RFC 6455): the opening handshake's checks, and one session's
 * framing with no I/O of its own, so the gateway can drive it from a
 * libuv connection and the CLI from a blocking socket.
 *
 * The session (struct ws) uses wslay's frame codec for the wire format and
 * does the rest itself: message assembly under size limits, UTF-8 checks
 * of text, automatic pongs, the close handshake, and failing the session
 * with the right close code (1002 protocol error, 1003 unsupported data,
 * 1007 invalid UTF-8, 1009 too big).
 *
 * Driving a session:
 *   - bytes read from the transport go to ws_feed(), which calls on_text,
 *     on_binary, on_pong and on_close as complete messages and frames
 *     arrive;
 *   - ws_send_text(), ws_send_ping() and ws_close() only encode frames
 *     into the session's output queue; ws_flush() hands everything queued
 *     to the write callback in one call. Call ws_flush() after ws_feed()
 *     (pongs and close replies are queued there) and after sending, or
 *     whenever the transport has room: the transport decides when to
 *     flush, so a peer that does not read makes ws_queued_bytes() grow
 *     until ws_send_text() refuses with OC_ETOOBIG;
 *   - when ws_closed() becomes true the session is over (on_close has
 *     run); flush what is queued (the close frame), then shut the
 *     transport once ws_want_close() says so. On EOF or a read error call
 *     ws_lost().
 *
 * Callbacks run only inside ws_feed(), ws_flush() and ws_lost(), never
 * from the other functions. Inside a callback you may call ws_send_text(),
 * ws_send_ping(), ws_close(), ws_flush() and the queries; you must not
 * call ws_feed(), ws_lost() or ws_free(). The write callback must not call
 * into the session at all.
 *
 * Not thread-safe: one session, one thread.
 */
#ifndef OC_HTTP_WS_H
#define OC_HTTP_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* ---- the opening handshake ---- */

#define WS_ACCEPT_LEN 28 /* base64 of a SHA-1 digest */

/*
 * The Sec-WebSocket-Accept value for a Sec-WebSocket-Key: base64 of the
 * SHA-1 of the key followed by RFC 6455's GUID, NUL-terminated into out.
 * 0; OC_EPARSE when client_key is not base64 of exactly 16 bytes; OC_EIO
 * when libcrypto is unavailable.
 */
int ws_accept_key(const char *client_key, char out[WS_ACCEPT_LEN + 1],
                  struct oc_err *err);

/* An upgrade request, as the server's HTTP parser saw it. Field values are
 * NUL-terminated, already trimmed, NULL when the field is absent. */
struct ws_request {
    const char *method;     /* "GET" */
    int version_minor;      /* HTTP/1.<minor> */
    const char *upgrade;    /* Upgrade: must list "websocket" */
    const char *connection; /* Connection: must list "upgrade" */
    const char *version;    /* Sec-WebSocket-Version: must be "13" */
    const char *key;        /* Sec-WebSocket-Key */
};

struct ws_verdict {
    int status;         /* 0: accept; else the HTTP status to refuse with */
    const char *reason; /* why, when refused: a static English phrase */
    const char *header; /* a field line the refusal must carry, or NULL:
                           "Sec-WebSocket-Version: 13" with 426 */
    char accept[WS_ACCEPT_LEN + 1]; /* status 0: Sec-WebSocket-Accept */
};

/*
 * Check an upgrade request. Returns v->status: 0 to accept (v->accept
 * set), 400 for a malformed handshake (not GET, not HTTP/1.1, no websocket
 * upgrade, a bad or missing key or version), 426 for a version other than
 * 13, 500 when libcrypto is unavailable.
 */
int ws_handshake_check(const struct ws_request *req, struct ws_verdict *v);

#define WS_KEY_LEN 24 /* base64 of 16 bytes */

/* Client side: a fresh random Sec-WebSocket-Key. 0, or OC_EIO. */
int ws_handshake_key(char out[WS_KEY_LEN + 1], struct oc_err *err);

/*
 * Client side: does the server's 101 response accept our key? The values
 * of its Upgrade, Connection and Sec-WebSocket-Accept fields, NULL when
 * absent. 0, or OC_EPARSE with err naming the problem (OC_EIO when
 * libcrypto is unavailable).
 */
int ws_handshake_verify(const char *key, const char *upgrade,
                        const char *connection, const char *accept,
                        struct oc_err *err);

/* Room for the 101 response. */
#define WS_RESPONSE_MAX 160

/*
 * Format the 101 Switching Protocols response for accept into out
 * (WS_RESPONSE_MAX bytes are enough), NUL-terminated; returns its length,
 * or 0 if out is too small.
 */
size_t ws_handshake_response(const char *accept, char *out, size_t outsz);

/* ---- a session ---- */

/*
 * OpenClaw's own limits (its hello-ok policy: maxPayload, maxBufferedBytes).
 * Node's ws library sends each message as one frame, so the frame limit
 * defaults to the message limit.
 */
#define WS_DEFAULT_MAX_MESSAGE ((size_t)25 << 20) /* 25 MiB */
#define WS_DEFAULT_MAX_FRAME   WS_DEFAULT_MAX_MESSAGE
#define WS_DEFAULT_MAX_QUEUED  ((size_t)50 << 20) /* 50 MiB */

/* Limits; a zero member takes its default. */
struct ws_config {
    size_t max_frame;   /* largest frame payload accepted, else 1009 */
    size_t max_message; /* largest message (all its frames), else 1009 */
    size_t max_queued;  /* most bytes ws_send_text() may leave queued */
};

struct ws_callbacks {
    /*
     * A complete text message: valid UTF-8, p[n] == '\0' (p may also hold
     * NULs, as JSON cannot). Borrowed until the callback returns. NULL:
     * text messages fail the session with 1003.
     */
    void (*on_text)(void *arg, const char *p, size_t n);
    /* A complete binary message; NULL: binary messages fail the session
     * with 1003 (unsupported data). */
    void (*on_binary)(void *arg, const void *p, size_t n);
    /* A pong arrived (keepalive bookkeeping); may be NULL. */
    void (*on_pong)(void *arg, const void *p, size_t n);
    /*
     * The session ended; called exactly once per session (never from
     * ws_free), after which no callback runs again. code and reason are:
     * the peer's close frame (1005 and "" when it had no code), also when
     * it answers our ws_close(); the code we closed with when the peer
     * broke the protocol (1002, 1003, 1007, 1009) and a short English
     * reason; or 1006 when the transport was lost. reason is borrowed,
     * NUL-terminated, at most 123 bytes of UTF-8. May be NULL.
     */
    void (*on_close)(void *arg, uint16_t code, const char *reason);
    /*
     * Send p[0..n) to the peer: all of it (copy it if the transport
     * writes later), returning 0, or -1 when the transport is broken
     * (the session then ends with 1006). Required.
     */
    int (*write)(void *arg, const void *p, size_t n);
};

struct ws;

/*
 * A session in the client role (frames we send are masked, frames we get
 * must not be) or the server role (the reverse). The callbacks are copied;
 * arg is passed to each. cfg may be NULL. Starts open: the handshake is
 * the caller's business.
 */
struct ws *ws_new(bool client, const struct ws_config *cfg,
                  const struct ws_callbacks *cb, void *arg);
/* Free the session and anything still queued; no callback runs. NULL ok. */
void ws_free(struct ws *ws);

/*
 * Change the limits (zero members take their defaults), say to raise them
 * once a peer has authenticated. They apply to frames that start and bytes
 * queued from now on; a message being assembled that is already past a
 * lowered max_message fails with 1009 when more of it arrives.
 */
void ws_set_config(struct ws *ws, const struct ws_config *cfg);

/*
 * Bytes from the transport, split anywhere. Runs the callbacks for what
 * they complete, queues pongs and close replies. Returns 0; OC_EPARSE
 * when the peer broke the protocol (a close frame is queued and on_close
 * has run); OC_EINVAL when called from inside a callback. Input after the
 * session has ended is ignored.
 */
int ws_feed(struct ws *ws, const void *p, size_t n);

/*
 * Queue a text message (one frame). 0; OC_EINVAL when p is not UTF-8;
 * OC_EPERM once a close frame has been queued; OC_ETOOBIG when it would
 * take the queue past max_queued (nothing is queued: the peer is not
 * reading fast enough); OC_EIO when no random mask could be had.
 */
int ws_send_text(struct ws *ws, const char *p, size_t n);

/* Queue a ping carrying p[0..n), n <= 125; results as ws_send_text. */
int ws_send_ping(struct ws *ws, const void *p, size_t n);

/*
 * Start the close handshake: queue a close frame with code (1000-1003,
 * 1007-1014 or 3000-4999; 0 for none) and reason (UTF-8, may be NULL; cut
 * at a character boundary to 123 bytes). Then nothing more can be sent;
 * messages still arriving are delivered until the peer's close frame ends
 * the session (on_close). If it never comes, call ws_lost() after your
 * timeout. 0; OC_EINVAL for a code that may not be sent or a reason that
 * is not UTF-8. A no-op returning 0 once closing or closed.
 */
int ws_close(struct ws *ws, uint16_t code, const char *reason);

/*
 * Hand everything queued to the write callback in one call. 0 (also when
 * there was nothing to write or this is a nested call); OC_EIO when the
 * transport is broken (the session has ended: on_close ran with 1006).
 */
int ws_flush(struct ws *ws);

/* The transport is gone (EOF, an I/O error, a close timeout): the session
 * ends with 1006 unless it already had; the queue is dropped. */
void ws_lost(struct ws *ws);

/* Bytes queued and not yet handed to the write callback. */
size_t ws_queued_bytes(const struct ws *ws);
/* The session has ended: on_close has run; nothing more can be sent. */
bool ws_closed(const struct ws *ws);
/* The session has ended and nothing is left to write: shut the transport
 * (the server closes the TCP connection first, as RFC 6455 asks). */
bool ws_want_close(const struct ws *ws);

#endif
