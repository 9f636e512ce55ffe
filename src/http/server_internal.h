/*
 * The server's state, shared by server.c (listeners, connections, reading
 * requests) and server_out.c (responses, output queue) only.
 */
#ifndef OC_HTTP_SERVER_INTERNAL_H
#define OC_HTTP_SERVER_INTERNAL_H

#include <string.h>

#include "base/buf.h"
#include "http/server.h"

#define HS_LISTENERS_MAX 8
#define HS_INPUT_MAX     (64u << 10) /* buffered input while busy */

struct hs_server {
    uv_loop_t *loop;
    struct hs_config cfg;
    hs_handler_fn handler;
    void *arg;
    uv_tcp_t *listeners[HS_LISTENERS_MAX];
    size_t nlisteners;
    int port;
    struct hs_conn *conns; /* every open connection */
    size_t nconns;
    size_t active; /* requests handed to the handler, not yet ended */
    bool draining;
    bool freeing; /* hs_server_free was called: free when all closed */
    /* streamed output collected in a loop turn, written after its I/O */
    uv_check_t flush;
    bool flush_open;        /* flush initialised and not closed */
    struct hs_conn *corked; /* connections with output in cork */
    uint64_t writes;        /* hs_writes */
};

enum hs_mode {
    HS_HTTP,   /* reading or answering requests */
    HS_RAW,    /* upgraded: bytes go to raw events */
    HS_LINGER, /* response sent, FIN sent: discard input until EOF */
};

enum hs_req_state {
    HS_READING,  /* head or body still arriving */
    HS_HANDLING, /* with the handler */
};

struct hs_req {
    struct hs_conn *c;
    enum hs_req_state state;
    struct buf body;
    char *path;
    bool started;   /* status line sent */
    bool streaming; /* hs_start: chunked or close-delimited */
    bool chunked;
    bool head_only; /* a HEAD request: no body in the response */
    bool keep_alive;
    bool aborted;    /* the client went away */
    bool abort_owed; /* on_abort to deliver once the conn's handles close */
    bool ended;      /* the handler ended it */
    struct hs_events ev;
};

struct hs_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    struct hs_server *s;
    struct hs_conn *prev, *next;
    char peer[64];
    bool loopback;
    enum hs_mode mode;
    struct hparser *parser;
    struct buf in;      /* received, not yet parsed */
    struct hs_req *req; /* the request being read or handled */
    bool req_pending;   /* the handler still holds a request */
    size_t pending;     /* output queued, not yet written */
    bool congested;     /* pending went over write_high */
    bool close_after;   /* close once the output is written */
    bool closing;       /* handles are closing */
    bool gone;          /* the client is gone (EOF, error, dropped) */
    bool reading;       /* uv_read_start active */
    bool in_process;    /* inside process_input (no recursion) */
    bool in_send;       /* inside hs_send: the handler may be on the stack */
    bool shutting;      /* uv_shutdown issued */
    int open_handles;   /* tcp and timer: freed when both closed */
    struct hs_raw_events raw;
    bool raw_closed;      /* raw on_close delivered */
    bool raw_backlog;     /* input received before the upgrade to deliver */
    unsigned served;      /* requests answered on this connection */
    bool head_begun;      /* bytes of the next request head have arrived
                             (the parser may hold them: c->in is no guide) */
    uint64_t head_at;     /* loop ms: this request's first byte (or accept) */
    uint64_t body_at;     /* loop ms: the last body bytes */
    uint64_t idle_at;     /* loop ms: the last response was written */
    uint64_t progress_at; /* loop ms: output last moved */
    uint64_t linger_at;   /* loop ms: give up lingering */
    uv_shutdown_t shutdown;
    struct buf cork;           /* streamed chunks not yet handed to send */
    struct hs_conn *cork_next; /* in s->corked */
    bool in_corked;
};

/* A libuv buffer over bytes libuv only reads (uv_buf_t has no const). */
static inline uv_buf_t hs_buf(const void *p, size_t n)
{
    uv_buf_t b;
    char *q;

    memcpy(&q, &p, sizeof(q));
    b.base = q;
    b.len = n;
    return b;
}

/* server_out.c */
int hs_send(struct hs_conn *c, const uv_buf_t *bufs, unsigned int nbufs);
/* Hand what hs_write collected in c->cork to the socket now. */
void hs_cork_flush(struct hs_conn *c);
/* c is being freed: forget its collected output. */
void hs_cork_forget(struct hs_conn *c);
void hs_flush_init(struct hs_server *s);
/* The status line and headers, and body (or NULL) in the same write. */
void hs_write_status(struct hs_req *r, int status, const char *ctype,
                     const struct hs_header *headers, const char *framing,
                     const uv_buf_t *body);
void hs_error_response(struct hs_conn *c, int status, const char *reason);

/* server.c */
void hs_conn_drop(struct hs_conn *c, const char *why);
void hs_request_done(struct hs_req *r);
void hs_maybe_finish_close(struct hs_conn *c);
void hs_arm(struct hs_conn *c);
void hs_output_idle(struct hs_conn *c);
void hs_go_raw(struct hs_conn *c, const struct hs_raw_events *ev);

#endif
