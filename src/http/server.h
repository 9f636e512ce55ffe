/*
 * The HTTP/1.1 server on libuv: listeners, connections, requests and
 * responses. One thread, one loop (the same loop as the HTTP client, so a
 * response can be fed straight from an upstream transfer).
 *
 * A request reaches the handler once its body is complete (bodies are
 * capped). The handler answers at once (hs_respond) or later, and may
 * stream (hs_start/hs_write/hs_end: chunked, or close-delimited for
 * HTTP/1.0). Output is bounded: hs_pending says how much is queued, the
 * drain callback fires when it falls back under the low-water mark, and a
 * client that lets more than the cap pile up is dropped. A client that goes
 * away (EOF, error, timeout, dropped) fires the abort callback at once so
 * the producer can stop its upstream work. Keep-alive, pipelining (one
 * request at a time), Expect: 100-continue, and header/body/idle timeouts
 * are handled here. hs_upgrade hands a connection over to another
 * protocol (WebSocket) as a raw byte stream.
 */
#ifndef OC_HTTP_SERVER_H
#define OC_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "base/err.h"
#include "http/parse.h"

struct hs_server;
struct hs_req;
struct hs_conn;

struct hs_config {
    struct http_limits limits;
    long header_timeout_ms; /* 0: 10 s for a request head to arrive */
    long body_timeout_ms;   /* 0: 30 s of silence while reading a body */
    long idle_timeout_ms;   /* 0: 60 s between keep-alive requests */
    long write_timeout_ms;  /* 0: 60 s without any output progress */
    size_t write_low;       /* 0: 64 KiB: drain fires under this */
    size_t write_high;      /* 0: 256 KiB: producers should pause above */
    size_t write_max;       /* 0: 4 MiB: the client is dropped above */
    size_t max_conns;       /* 0: 4096 open connections */
};

/* Called when a request is complete (head and body). r stays valid until
 * the handler ends it (hs_respond, hs_end or hs_release). */
typedef void (*hs_handler_fn)(void *arg, struct hs_req *r);

struct hs_server *hs_server_new(uv_loop_t *loop, const struct hs_config *cfg,
                                hs_handler_fn handler, void *arg);

/*
 * Listen on host ("127.0.0.1", "::1", "0.0.0.0", ...) and port (0: any
 * free port). May be called for several addresses. OC_EBUSY when the
 * address is in use, OC_EIO otherwise, with err.
 */
int hs_listen(struct hs_server *s, const char *host, int port,
              struct oc_err *err);

/* The port of the first listener (useful after port 0), or 0. */
int hs_port(const struct hs_server *s);

/* Stop accepting; idle keep-alive connections are closed, busy ones
 * finish their current request and then close. */
void hs_server_drain(struct hs_server *s);

/* How many requests are being handled right now. */
size_t hs_active(const struct hs_server *s);
size_t hs_conn_count(const struct hs_server *s);
/* Output handed to the sockets so far, in writes (one write may carry a
 * whole burst of hs_write calls: they are collected until the loop's I/O
 * callbacks are done). */
uint64_t hs_writes(const struct hs_server *s);

/* Close everything (aborting handlers' requests) and free the server;
 * handles close asynchronously: run the loop afterwards. */
void hs_server_free(struct hs_server *s);

/* ---- a request -------------------------------------------------------- */

const struct http_head *hs_head(const struct hs_req *r);
const char *hs_body(const struct hs_req *r, size_t *len); /* NUL-ended */
/* The path without the query, e.g. "/v1/models" (NUL-terminated). */
const char *hs_path(const struct hs_req *r);
/* The peer's address ("127.0.0.1", "::1", ...) and whether it is a
 * loopback address. */
const char *hs_peer(const struct hs_req *r);
bool hs_peer_loopback(const struct hs_req *r);

/* A response header beyond those the server writes itself (Date,
 * Content-Length or Transfer-Encoding, Connection). */
struct hs_header {
    const char *name;
    const char *value;
};

/* A whole response with Content-Length; ends the request. headers may be
 * NULL, else {NULL, NULL}-terminated. */
void hs_respond(struct hs_req *r, int status, const char *content_type,
                const struct hs_header *headers, const char *body, size_t n);

/* Start a streamed response (chunked; close-delimited for HTTP/1.0). */
void hs_start(struct hs_req *r, int status, const char *content_type,
              const struct hs_header *headers);
/* Queue body bytes; -1 when the client is gone (nothing queued). */
int hs_write(struct hs_req *r, const char *p, size_t n);
/* Finish the streamed response; ends the request. */
void hs_end(struct hs_req *r);
/* End the request without (more) output: the connection is closed. */
void hs_release(struct hs_req *r);

/* Output queued for this client and not yet written to the socket. */
size_t hs_pending(const struct hs_req *r);
/* Above the high-water mark: pause the producer until on_drain. */
bool hs_congested(const struct hs_req *r);

struct hs_events {
    /* The queue fell under the low-water mark after being congested. */
    void (*on_drain)(void *arg);
    /* The client went away before the request ended: stop producing, then
     * end the request (hs_release or hs_end) — now or later. Called from
     * the loop, never from inside the handler's own hs_* call: a write
     * that finds the client gone returns -1 and on_abort follows. */
    void (*on_abort)(void *arg);
    void *arg;
};
void hs_set_events(struct hs_req *r, const struct hs_events *ev);

/* Has the client gone away? */
bool hs_aborted(const struct hs_req *r);

/* ---- upgrade (WebSocket) ------------------------------------------------
 */

struct hs_raw_events {
    void (*on_data)(void *arg, const char *p, size_t n);
    void (*on_drain)(void *arg); /* output fell under the low-water mark */
    void (*on_close)(void *arg); /* once; the connection is gone after it */
    void *arg;
};

/*
 * Send the raw response bytes (a 101) and hand the connection over: bytes
 * that follow (including any already received after the request) go to
 * ev->on_data. Ends the request. NULL when the client is already gone.
 */
struct hs_conn *hs_upgrade(struct hs_req *r, const char *resp, size_t n,
                           const struct hs_raw_events *ev);
/* Queue bytes; -1 when the connection is gone or over its cap (then it is
 * being closed). */
int hs_conn_write(struct hs_conn *c, const void *p, size_t n);
size_t hs_conn_pending(const struct hs_conn *c);
/* Close after the queued bytes are written (at most write_timeout_ms);
 * on_close follows. */
void hs_conn_close(struct hs_conn *c);
const char *hs_conn_peer(const struct hs_conn *c);
bool hs_conn_loopback(const struct hs_conn *c);

/* The reason phrase of a status code ("Not Found"). */
const char *hs_status_text(int status);

#endif
