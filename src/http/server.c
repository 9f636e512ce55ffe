/*
 * The HTTP server's listeners, connections and request reading (see
 * server.h); responses and the output queue are in server_out.c.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/dlist.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "http/server_internal.h"
#include "base/str.h"
#include "base/banned.h"

#define LINGER_MS 2000

static char read_buf[64 << 10]; /* one loop thread: one shared buffer */

static void process_input(struct hs_conn *c);

/* ---- connection lifetime ------------------------------------------------
 */

static void free_server_if_done(struct hs_server *s);

static void free_conn(struct hs_conn *c)
{
    struct hs_server *s = c->s;

    DLIST_UNLINK(s->conns, c);
    s->nconns--;
    hs_cork_forget(c);
    free(c->parser);
    buf_release(&c->in);
    free(c);
    free_server_if_done(s);
}

void hs_maybe_finish_close(struct hs_conn *c)
{
    if (c->closing && c->open_handles == 0 && !c->req_pending)
        free_conn(c);
}

/* An on_abort owed since a drop inside hs_send is delivered here, from
 * the loop, before the count falls: the handler may end the request in
 * it without the connection being freed under us. */
static void on_handle_closed(uv_handle_t *h)
{
    struct hs_conn *c = h->data;
    struct hs_req *r = c->req;

    if (r && r->abort_owed) {
        r->abort_owed = false;
        if (!r->ended && r->ev.on_abort)
            r->ev.on_abort(r->ev.arg);
    }
    c->open_handles--;
    hs_maybe_finish_close(c);
}

static void free_req(struct hs_req *r)
{
    buf_release(&r->body);
    free(r->path);
    free(r);
}

static void abort_request(struct hs_conn *c)
{
    struct hs_req *r = c->req;

    if (!r || r->ended || r->aborted)
        return;
    r->aborted = true;
    if (r->state == HS_READING) { /* never handed out: ours to free */
        c->req = NULL;
        free_req(r);
        return;
    }
    if (c->in_send) /* not into the handler's own hs_respond/hs_write */
        r->abort_owed = true;
    else if (r->ev.on_abort)
        r->ev.on_abort(r->ev.arg);
}

void hs_conn_drop(struct hs_conn *c, const char *why)
{
    if (c->closing)
        return;
    log_debug("connection from %s closed: %s", c->peer, why);
    c->closing = true;
    c->gone = true;
    if (c->mode == HS_RAW && !c->raw_closed) {
        c->raw_closed = true;
        if (c->raw.on_close)
            c->raw.on_close(c->raw.arg);
    }
    abort_request(c);
    uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

static void start_reading(struct hs_conn *c);

static void on_shutdown(uv_shutdown_t *req, int status)
{
    struct hs_conn *c = req->data;

    if (c->closing)
        return;
    if (status < 0 || c->mode == HS_RAW || c->gone) {
        hs_conn_drop(c, "closed");
        return;
    }
    c->mode = HS_LINGER; /* read and drop until EOF, briefly */
    c->linger_at = uv_now(c->s->loop) + LINGER_MS;
    start_reading(c); /* the client's EOF ends the linger at once */
    hs_arm(c);
}

/* The output is written and a close was asked for: FIN, then linger so
 * the client reads the response before it sees a reset. */
static void begin_shutdown(struct hs_conn *c)
{
    if (c->shutting || c->closing)
        return;
    c->shutting = true;
    c->shutdown.data = c;
    if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, on_shutdown) != 0)
        hs_conn_drop(c, "shutdown failed");
}

void hs_output_idle(struct hs_conn *c)
{
    if (!c->req && c->pending == 0)
        c->idle_at = uv_now(c->s->loop);
    if (c->close_after && c->pending == 0 && !c->req_pending)
        begin_shutdown(c);
    else
        hs_arm(c);
}

/* ---- timeouts -----------------------------------------------------------
 */

struct hs_deadline {
    uint64_t at; /* loop time in ms; 0: none */
    const char *what;
    int status; /* a response to send first, or 0 */
};

static uint64_t after(uint64_t t, long ms)
{
    return t + (uint64_t)ms;
}

static void deadline_of(const struct hs_conn *c, struct hs_deadline *d)
{
    const struct hs_config *cfg = &c->s->cfg;
    bool want_head = c->mode == HS_HTTP && !c->req;

    *d = (struct hs_deadline){0, NULL, 0};
    if (c->mode == HS_LINGER)
        *d = (struct hs_deadline){c->linger_at, "linger done", 0};
    else if (c->pending > 0)
        *d = (struct hs_deadline){after(c->progress_at, cfg->write_timeout_ms),
                                  "output stalled", 0};
    else if (c->raw_backlog)
        *d = (struct hs_deadline){1, "backlog", 0};
    else if (c->shutting || c->mode == HS_RAW)
        return;
    else if (want_head && !c->head_begun && c->served > 0)
        *d = (struct hs_deadline){after(c->idle_at, cfg->idle_timeout_ms),
                                  "idle", 0};
    else if (want_head)
        *d = (struct hs_deadline){after(c->head_at, cfg->header_timeout_ms),
                                  "request head too slow", 408};
    else if (c->req && c->req->state == HS_READING)
        *d = (struct hs_deadline){after(c->body_at, cfg->body_timeout_ms),
                                  "request body too slow", 0};
}

static void deliver_backlog(struct hs_conn *c)
{
    struct buf in = c->in;

    c->raw_backlog = false;
    buf_init(&c->in, 1);
    if (in.len && c->raw.on_data)
        c->raw.on_data(c->raw.arg, in.p, in.len);
    buf_release(&in);
}

static void on_timer(uv_timer_t *t)
{
    struct hs_conn *c = t->data;
    struct hs_deadline d;

    deadline_of(c, &d);
    if (!d.at || d.at > uv_now(c->s->loop)) {
        hs_arm(c);
        return;
    }
    if (c->raw_backlog && c->pending == 0 && c->mode == HS_RAW) {
        deliver_backlog(c);
        if (!c->closing)
            hs_arm(c);
        return;
    }
    if (d.status && c->pending == 0) {
        hs_error_response(c, d.status, d.what);
        return;
    }
    hs_conn_drop(c, d.what);
}

void hs_arm(struct hs_conn *c)
{
    struct hs_deadline d;
    uint64_t now;

    if (c->closing)
        return;
    deadline_of(c, &d);
    if (!d.at) {
        uv_timer_stop(&c->timer);
        return;
    }
    now = uv_now(c->s->loop);
    uv_timer_start(&c->timer, on_timer, d.at > now ? d.at - now : 0, 0);
}

/* ---- reading ------------------------------------------------------------
 */

static void on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
    (void)h;
    (void)hint;
    *b = uv_buf_init(read_buf, sizeof(read_buf));
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b);

static void start_reading(struct hs_conn *c)
{
    if (c->reading || c->closing)
        return;
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) == 0)
        c->reading = true;
}

static void stop_reading(struct hs_conn *c)
{
    if (!c->reading)
        return;
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = false;
}

/* The first byte of a request head starts its header timeout. */
static void head_begins(struct hs_conn *c)
{
    if (c->req || c->head_begun)
        return;
    c->head_begun = true;
    c->head_at = uv_now(c->s->loop);
}

static void take_input(struct hs_conn *c, const char *p, size_t n)
{
    head_begins(c);
    if (buf_add(&c->in, p, n) != 0) {
        hs_conn_drop(c, "input over its cap");
        return;
    }
    /* A busy connection keeps reading (to notice a client that leaves),
     * but only buffers so much of a pipelined next request. */
    if (c->req && c->req->state == HS_HANDLING && c->in.len >= HS_INPUT_MAX)
        stop_reading(c);
}

static void on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
    struct hs_conn *c = st->data;

    if (n == 0 || c->closing)
        return;
    if (n < 0) {
        hs_conn_drop(c, n == UV_EOF ? "client closed" : uv_strerror((int)n));
        return;
    }
    if (c->mode == HS_LINGER)
        return;
    if (c->mode == HS_RAW) {
        if (c->raw.on_data)
            c->raw.on_data(c->raw.arg, b->base, (size_t)n);
        return;
    }
    take_input(c, b->base, (size_t)n);
    if (!c->closing)
        process_input(c);
}

/* ---- requests -----------------------------------------------------------
 */

static void begin_request(struct hs_conn *c)
{
    const struct http_head *h = &c->parser->head;
    struct hs_req *r = xcalloc(1, sizeof(*r));
    const char *q = memchr(h->target, '?', h->target_len);

    r->c = c;
    r->state = HS_READING;
    r->path = xmemdupz(h->target, q ? (size_t)(q - h->target) : h->target_len);
    r->head_only = strcmp(h->method, "HEAD") == 0;
    r->keep_alive = h->keep_alive;
    buf_init(&r->body, (size_t)c->parser->lim.body_max + 1);
    c->req = r;
    c->head_begun = false;
    c->body_at = uv_now(c->s->loop);
    if (h->expect_continue && (h->chunked || h->content_length > 0)) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        uv_buf_t b = hs_buf(cont, sizeof(cont) - 1);

        hs_send(c, &b, 1);
    }
}

static void hand_over(struct hs_conn *c)
{
    struct hs_req *r = c->req;

    if (!r)
        return;
    r->state = HS_HANDLING;
    c->req_pending = true;
    c->s->active++;
    hs_arm(c);
    c->s->handler(c->s->arg, r);
}

/* One parser event; false to stop the loop. */
static bool on_event(struct hs_conn *c, const struct http_event *ev)
{
    switch (ev->type) {
    case HTTP_EV_HEAD:
        begin_request(c);
        return !c->closing;
    case HTTP_EV_BODY:
        c->body_at = uv_now(c->s->loop);
        if (buf_add(&c->req->body, ev->data, ev->len) != 0) {
            hs_error_response(c, 413, "body too large");
            return false;
        }
        return true;
    case HTTP_EV_END:
        hand_over(c);
        return !c->closing;
    case HTTP_EV_ERROR:
        log_debug("bad request from %s: %d %s", c->peer, ev->status,
                  ev->reason);
        hs_error_response(c, ev->status, ev->reason);
        return false;
    default:
        return false;
    }
}

static void consume(struct buf *b, size_t n)
{
    if (n == 0)
        return;
    memmove(b->p, b->p + n, b->len - n);
    buf_truncate(b, b->len - n);
}

static void process_input(struct hs_conn *c)
{
    struct http_event ev;
    size_t off = 0, used;

    if (c->in_process)
        return;
    c->in_process = true;
    while (!c->closing && c->mode == HS_HTTP && !c->close_after) {
        if (c->req && c->req->state == HS_HANDLING)
            break;
        if (off < c->in.len)
            head_begins(c); /* pipelined bytes of the next request */
        used = http_parse(c->parser, c->in.p + off, c->in.len - off, &ev);
        off += used;
        if (ev.type == HTTP_EV_NONE || !on_event(c, &ev))
            break;
    }
    c->in_process = false;
    if (c->closing)
        return;
    consume(&c->in, off);
    hs_arm(c);
}

/* The handler ended r (server_out.c calls this). */
void hs_request_done(struct hs_req *r)
{
    struct hs_conn *c = r->c;
    bool keep = r->keep_alive && !c->s->draining;

    hs_cork_flush(c); /* the response's last bytes before what follows */
    r->ended = true;
    c->s->active--;
    c->req_pending = false;
    if (c->req == r)
        c->req = NULL;
    free_req(r);
    if (c->closing) {
        hs_maybe_finish_close(c);
        return;
    }
    c->served++;
    c->idle_at = uv_now(c->s->loop);
    if (c->mode != HS_HTTP)
        return;
    if (!keep)
        c->close_after = true;
    if (c->close_after) {
        stop_reading(c);
        hs_output_idle(c);
        return;
    }
    start_reading(c);
    process_input(c);
}

/* ---- listeners ----------------------------------------------------------
 */

static bool is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        const unsigned char *a = in6->sin6_addr.s6_addr;

        if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && a[12] == 127;
    }
    return false;
}

static void peer_name(struct hs_conn *c)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);

    str_copy(c->peer, sizeof(c->peer), "unknown");
    if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_INET)
        uv_ip4_name((struct sockaddr_in *)&ss, c->peer, sizeof(c->peer));
    else if (ss.ss_family == AF_INET6)
        uv_ip6_name((struct sockaddr_in6 *)&ss, c->peer, sizeof(c->peer));
    c->loopback = is_loopback(&ss);
}

static struct hs_conn *new_conn(struct hs_server *s)
{
    struct hs_conn *c = xcalloc(1, sizeof(*c));

    c->s = s;
    uv_tcp_init(s->loop, &c->tcp);
    uv_timer_init(s->loop, &c->timer);
    c->tcp.data = c->timer.data = c;
    c->open_handles = 2;
    DLIST_PUSH(s->conns, c);
    s->nconns++;
    buf_init(&c->in, HS_INPUT_MAX + sizeof(read_buf) + HTTP_LINE_MAX +
                         HTTP_HEADERS_MAX);
    buf_init(&c->cork, s->cfg.write_max);
    c->head_at = c->progress_at = uv_now(s->loop);
    return c;
}

static void on_connection(uv_stream_t *l, int status)
{
    struct hs_server *s = l->data;
    struct hs_conn *c;

    if (status < 0) {
        log_warn("accept failed: %s", uv_strerror(status));
        return;
    }
    c = new_conn(s);
    if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
        hs_conn_drop(c, "accept failed");
        return;
    }
    peer_name(c);
    if (s->draining || s->nconns > s->cfg.max_conns) {
        log_warn("refusing a connection from %s: %s", c->peer,
                 s->draining ? "shutting down" : "too many connections");
        hs_conn_drop(c, "refused");
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    c->parser = xmalloc(sizeof(*c->parser));
    hparser_init(c->parser, &s->cfg.limits);
    start_reading(c);
    hs_arm(c);
}

static void defaults(struct hs_config *c)
{
    if (!c->header_timeout_ms)
        c->header_timeout_ms = 10000;
    if (!c->body_timeout_ms)
        c->body_timeout_ms = 30000;
    if (!c->idle_timeout_ms)
        c->idle_timeout_ms = 60000;
    if (!c->write_timeout_ms)
        c->write_timeout_ms = 60000;
    if (!c->write_low)
        c->write_low = 64u << 10;
    if (!c->write_high)
        c->write_high = 256u << 10;
    if (!c->write_max)
        c->write_max = 4u << 20;
    if (!c->max_conns)
        c->max_conns = 4096;
    if (!c->limits.body_max)
        c->limits.body_max = HTTP_BODY_MAX;
}

struct hs_server *hs_server_new(uv_loop_t *loop, const struct hs_config *cfg,
                                hs_handler_fn handler, void *arg)
{
    struct hs_server *s = xcalloc(1, sizeof(*s));

    s->loop = loop;
    if (cfg)
        s->cfg = *cfg;
    defaults(&s->cfg);
    s->handler = handler;
    s->arg = arg;
    hs_flush_init(s);
    return s;
}

static void on_listener_closed(uv_handle_t *h)
{
    struct hs_server *s = h->data;
    size_t i;

    for (i = 0; i < s->nlisteners; i++) {
        if ((uv_handle_t *)s->listeners[i] != h)
            continue;
        s->listeners[i] = s->listeners[--s->nlisteners];
        break;
    }
    free(h);
    free_server_if_done(s);
}

static int bind_addr(const char *host, int port, struct sockaddr_storage *ss)
{
    if (strchr(host, ':'))
        return uv_ip6_addr(host, port, (struct sockaddr_in6 *)ss);
    return uv_ip4_addr(host, port, (struct sockaddr_in *)ss);
}

static int listen_error(struct hs_server *s, uv_tcp_t *t, int rc,
                        const char *host, int port, struct oc_err *err)
{
    (void)s;
    uv_close((uv_handle_t *)t, (uv_close_cb)free);
    if (rc == UV_EADDRINUSE)
        return oc_err_set(err, OC_EBUSY, "address %s port %d is in use", host,
                          port);
    return oc_err_set(err, OC_EIO, "cannot listen on %s port %d: %s", host,
                      port, uv_strerror(rc));
}

int hs_listen(struct hs_server *s, const char *host, int port,
              struct oc_err *err)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss), rc;
    uv_tcp_t *t;

    if (s->nlisteners >= HS_LISTENERS_MAX)
        return oc_err_set(err, OC_EINVAL, "too many listening addresses");
    memset(&ss, 0, sizeof(ss));
    if (bind_addr(host, port, &ss) != 0)
        return oc_err_set(err, OC_EINVAL, "not an IP address: %s", host);
    t = xcalloc(1, sizeof(*t));
    uv_tcp_init(s->loop, t);
    t->data = s;
    rc = uv_tcp_bind(t, (struct sockaddr *)&ss,
                     ss.ss_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)t, 511, on_connection);
    if (rc != 0)
        return listen_error(s, t, rc, host, port, err);
    s->listeners[s->nlisteners++] = t;
    if (!s->port && uv_tcp_getsockname(t, (struct sockaddr *)&ss, &len) == 0)
        s->port = ntohs(ss.ss_family == AF_INET6
                            ? ((struct sockaddr_in6 *)&ss)->sin6_port
                            : ((struct sockaddr_in *)&ss)->sin_port);
    return 0;
}

int hs_port(const struct hs_server *s)
{
    return s->port;
}

size_t hs_active(const struct hs_server *s)
{
    return s->active;
}

uint64_t hs_writes(const struct hs_server *s)
{
    return s->writes;
}

size_t hs_conn_count(const struct hs_server *s)
{
    return s->nconns;
}

void hs_server_drain(struct hs_server *s)
{
    struct hs_conn *c, *next;
    size_t i;

    if (s->draining)
        return;
    s->draining = true;
    for (i = 0; i < s->nlisteners; i++)
        uv_close((uv_handle_t *)s->listeners[i], on_listener_closed);
    for (c = s->conns; c; c = next) {
        next = c->next;
        if (c->mode == HS_HTTP && !c->req && !c->head_begun && !c->closing)
            hs_conn_drop(c, "shutting down");
    }
}

static void free_server_if_done(struct hs_server *s)
{
    if (s->freeing && s->nconns == 0 && s->nlisteners == 0 && !s->flush_open)
        free(s);
}

static void on_flush_closed(uv_handle_t *h)
{
    struct hs_server *s = h->data;

    s->flush_open = false;
    free_server_if_done(s);
}

void hs_server_free(struct hs_server *s)
{
    struct hs_conn *c, *next;

    if (!s)
        return;
    hs_server_drain(s);
    s->freeing = true;
    if (s->flush_open && !uv_is_closing((uv_handle_t *)&s->flush))
        uv_close((uv_handle_t *)&s->flush, on_flush_closed);
    for (c = s->conns; c; c = next) {
        next = c->next;
        hs_conn_drop(c, "server stopping");
    }
    free_server_if_done(s);
}

/* ---- accessors ----------------------------------------------------------
 */

const struct http_head *hs_head(const struct hs_req *r)
{
    return &r->c->parser->head;
}

const char *hs_body(const struct hs_req *r, size_t *len)
{
    if (len)
        *len = r->body.len;
    return r->body.p;
}

const char *hs_path(const struct hs_req *r)
{
    return r->path;
}

const char *hs_peer(const struct hs_req *r)
{
    return r->c->peer;
}

bool hs_peer_loopback(const struct hs_req *r)
{
    return r->c->loopback;
}

bool hs_aborted(const struct hs_req *r)
{
    return r->aborted;
}

void hs_set_events(struct hs_req *r, const struct hs_events *ev)
{
    r->ev = *ev;
}

const char *hs_conn_peer(const struct hs_conn *c)
{
    return c->peer;
}

bool hs_conn_loopback(const struct hs_conn *c)
{
    return c->loopback;
}

/* Switch c to raw mode (server_out.c's hs_upgrade). */
void hs_go_raw(struct hs_conn *c, const struct hs_raw_events *ev)
{
    c->raw = *ev;
    c->mode = HS_RAW;
    free(c->parser);
    c->parser = NULL;
    c->raw_backlog = c->in.len > 0;
    start_reading(c);
}
