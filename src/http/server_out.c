/*
 * The HTTP server's output side (see server.h): status lines and headers,
 * whole and streamed (chunked) responses, the bounded output queue with
 * its drain and drop rules, and upgraded raw connections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "http/server_internal.h"
#include "base/banned.h"

struct wreq {
    uv_write_t w;
    struct hs_conn *c;
    size_t n;
    char data[];
};

/* ---- the output queue ---------------------------------------------------
 */

static void notify_drain(struct hs_conn *c)
{
    if (c->mode == HS_RAW) {
        if (c->raw.on_drain)
            c->raw.on_drain(c->raw.arg);
        return;
    }
    if (c->req && c->req->state == HS_HANDLING && !c->req->ended &&
        c->req->ev.on_drain)
        c->req->ev.on_drain(c->req->ev.arg);
}

static void on_written(uv_write_t *w, int status)
{
    struct wreq *wr = (struct wreq *)w;
    struct hs_conn *c = wr->c;

    c->pending -= wr->n;
    free(wr);
    if (c->closing)
        return;
    if (status < 0) {
        hs_conn_drop(c, uv_strerror(status));
        return;
    }
    c->progress_at = uv_now(c->s->loop);
    if (c->congested && c->pending <= c->s->cfg.write_low) {
        c->congested = false;
        notify_drain(c);
        if (c->closing)
            return;
    }
    if (c->pending == 0)
        hs_output_idle(c);
}

static size_t skip(uv_buf_t *bufs, unsigned int nbufs, size_t n)
{
    unsigned int i;
    size_t left = 0;

    for (i = 0; i < nbufs; i++) {
        size_t take = n < bufs[i].len ? n : bufs[i].len;

        bufs[i].base += take;
        bufs[i].len -= take;
        n -= take;
        left += bufs[i].len;
    }
    return left;
}

static int queue(struct hs_conn *c, const uv_buf_t *bufs, unsigned int nbufs,
                 size_t left)
{
    struct wreq *wr = xmalloc(st_add(sizeof(*wr), left));
    uv_buf_t one;
    size_t off = 0;
    unsigned int i;

    for (i = 0; i < nbufs; i++) {
        memcpy(wr->data + off, bufs[i].base, bufs[i].len);
        off += bufs[i].len;
    }
    wr->c = c;
    wr->n = left;
    one = uv_buf_init(wr->data, (unsigned int)left);
    if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, &one, 1, on_written) != 0) {
        free(wr);
        hs_conn_drop(c, "write failed");
        return -1;
    }
    c->pending += left;
    if (c->pending > c->s->cfg.write_max) {
        log_warn("dropping %s: %zu bytes of output not read", c->peer,
                 c->pending);
        hs_conn_drop(c, "output over its cap");
        return -1;
    }
    if (c->pending > c->s->cfg.write_high)
        c->congested = true;
    hs_arm(c);
    return 0;
}

static int send_now(struct hs_conn *c, const uv_buf_t *in, unsigned int nbufs)
{
    uv_buf_t bufs[4];
    size_t total = 0, left;
    unsigned int i;
    int n = 0;

    if (c->closing || c->gone || nbufs > 4)
        return -1;
    for (i = 0; i < nbufs; i++) {
        bufs[i] = in[i];
        total += in[i].len;
    }
    if (total == 0)
        return 0;
    c->s->writes++;
    if (c->pending == 0) {
        n = uv_try_write((uv_stream_t *)&c->tcp, bufs, nbufs);
        if (n < 0 && n != UV_EAGAIN) {
            hs_conn_drop(c, uv_strerror(n));
            return -1;
        }
        if (n > 0)
            c->progress_at = uv_now(c->s->loop);
    }
    left = skip(bufs, nbufs, n > 0 ? (size_t)n : 0);
    if (left == 0)
        return 0;
    return queue(c, bufs, nbufs, left);
}

/* ---- streamed output, collected per loop turn ---------------------------
 *
 * A streamed response's chunks come in bursts: one read from upstream holds
 * a dozen events, each a chunk. hs_write collects them in the connection's
 * cork, and the server hands each cork to the socket once, after the loop's
 * I/O callbacks (a uv_check handle): one system call, and one wakeup of the
 * client, instead of one a chunk. Any other output, and the end of the
 * request, flush the cork first, so bytes go out in the order of the calls;
 * so does a write that would take the cork past CORK_MAX or the output
 * past its cap, so a producer writing in a loop still sees its output
 * queue fill (hs_congested) and is dropped at its cap as before. What the
 * cork holds is not yet pending output: the drain rule sees only what was
 * handed to the socket.
 */

#define CORK_MAX (16u << 10)

static void cork_unlink(struct hs_conn *c)
{
    struct hs_conn **pp;

    if (!c->in_corked)
        return;
    for (pp = &c->s->corked; *pp; pp = &(*pp)->cork_next)
        if (*pp == c) {
            *pp = c->cork_next;
            break;
        }
    c->cork_next = NULL;
    c->in_corked = false;
}

/* What the cork holds, then in[0..nbufs) (at most 3), in one send_now. */
static int send_corked(struct hs_conn *c, const uv_buf_t *in,
                       unsigned int nbufs)
{
    uv_buf_t all[4];
    unsigned int n = 0;
    int rc;

    if (nbufs > 3)
        return -1;
    cork_unlink(c);
    if (c->cork.len)
        all[n++] = uv_buf_init(c->cork.p, (unsigned int)c->cork.len);
    if (nbufs)
        memcpy(all + n, in, nbufs * sizeof(*in));
    rc = send_now(c, all, n + nbufs);
    buf_reset(&c->cork);
    return rc;
}

void hs_cork_flush(struct hs_conn *c)
{
    send_corked(c, NULL, 0);
}

void hs_cork_forget(struct hs_conn *c)
{
    cork_unlink(c);
    buf_release(&c->cork);
}

static void on_flush(uv_check_t *h)
{
    struct hs_server *s = h->data;

    while (s->corked)
        hs_cork_flush(s->corked);
    uv_check_stop(h);
}

void hs_flush_init(struct hs_server *s)
{
    uv_check_init(s->loop, &s->flush);
    s->flush.data = s;
    s->flush_open = true;
}

static void cork_add(struct hs_conn *c, const uv_buf_t *bufs,
                     unsigned int nbufs)
{
    unsigned int i;

    for (i = 0; i < nbufs; i++)
        buf_add(&c->cork, bufs[i].base, bufs[i].len);
    if (!c->in_corked) {
        c->cork_next = c->s->corked;
        c->s->corked = c;
        c->in_corked = true;
        uv_check_start(&c->s->flush, on_flush);
    }
}

/* Write now what the socket takes (after what the cork holds; at most 3
 * buffers), queue the rest; -1 when gone. A drop here does not call on_abort at
 * once: the caller may be the handler, in the middle of its own response (see
 * on_handle_closed). */
int hs_send(struct hs_conn *c, const uv_buf_t *in, unsigned int nbufs)
{
    int rc;

    c->in_send = true;
    rc = send_corked(c, in, nbufs);
    c->in_send = false;
    return rc;
}

/* hs_send, collected until the loop's I/O is done (see above). */
static int send_later(struct hs_conn *c, const uv_buf_t *in, unsigned int nbufs)
{
    size_t n = 0;
    unsigned int i;

    if (c->closing || c->gone)
        return -1;
    for (i = 0; i < nbufs; i++)
        n += in[i].len;
    /* big, or past the cap: the output rules decide now */
    if (c->cork.len + n > CORK_MAX ||
        c->pending + c->cork.len + n > c->s->cfg.write_max)
        return hs_send(c, in, nbufs);
    cork_add(c, in, nbufs);
    return 0;
}

/* ---- status lines and headers -------------------------------------------
 */

const char *hs_status_text(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 426:
        return "Upgrade Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

static const char *http_date(void)
{
    static char out[40];
    static time_t last;
    time_t now = time(NULL);
    struct tm tm;

    if (now != last && gmtime_r(&now, &tm)) {
        strftime(out, sizeof(out), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        last = now;
    }
    return out;
}

/* "name: value\r\n" (appended piece by piece: no format to parse) */
static void add_line(struct buf *b, const char *name, const char *value)
{
    buf_addstr(b, name);
    buf_addstr(b, ": ");
    buf_addstr(b, value);
    buf_addstr(b, "\r\n");
}

void hs_write_status(struct hs_req *r, int status, const char *ctype,
                     const struct hs_header *headers, const char *framing,
                     const uv_buf_t *body)
{
    struct hs_conn *c = r->c;
    bool keep = r->keep_alive && !c->s->draining && !c->close_after;
    struct buf b;
    uv_buf_t ub[2];

    buf_init(&b, 64u << 10);
    buf_addstr(&b, "HTTP/1.1 ");
    buf_add_int(&b, status);
    buf_addch(&b, ' ');
    buf_addstr(&b, hs_status_text(status));
    buf_addstr(&b, "\r\n");
    add_line(&b, "Date", http_date());
    if (ctype)
        add_line(&b, "Content-Type", ctype);
    buf_addstr(&b, framing);
    add_line(&b, "Connection", keep ? "keep-alive" : "close");
    for (; headers && headers->name; headers++)
        add_line(&b, headers->name, headers->value);
    buf_addstr(&b, "\r\n");
    if (!keep) {
        r->keep_alive = false;
        c->close_after = true;
    }
    r->started = true;
    ub[0] = uv_buf_init(b.p, (unsigned int)b.len);
    if (body)
        ub[1] = *body;
    if (r->streaming) /* with the first chunks, in the same write */
        send_later(c, ub, body ? 2 : 1);
    else
        hs_send(c, ub, body ? 2 : 1);
    buf_release(&b);
}

/* A parser-level error (or a timeout): answer and close. */
void hs_error_response(struct hs_conn *c, int status, const char *reason)
{
    struct buf b;
    uv_buf_t ub;

    c->close_after = true;
    buf_init(&b, 4096);
    buf_addf(&b,
             "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: text/plain; "
             "charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n"
             "%s\n",
             status, hs_status_text(status), http_date(), strlen(reason) + 1,
             reason);
    ub = uv_buf_init(b.p, (unsigned int)b.len);
    hs_send(c, &ub, 1);
    buf_release(&b);
    if (!c->closing)
        hs_output_idle(c);
}

/* ---- responses ----------------------------------------------------------
 */

void hs_respond(struct hs_req *r, int status, const char *ctype,
                const struct hs_header *headers, const char *body, size_t n)
{
    char framing[64];
    uv_buf_t ub;

    if (r->ended)
        return;
    if (!r->aborted && !r->started) {
        snprintf(framing, sizeof(framing), "Content-Length: %zu\r\n", n);
        ub = hs_buf(body, n);
        hs_write_status(r, status, ctype, headers, framing,
                        n && !r->head_only ? &ub : NULL);
    }
    hs_request_done(r);
}

void hs_start(struct hs_req *r, int status, const char *ctype,
              const struct hs_header *headers)
{
    const struct http_head *h = hs_head(r);

    if (r->ended || r->aborted || r->started)
        return;
    r->streaming = true;
    r->chunked = h->version_minor >= 1;
    if (!r->chunked)
        r->keep_alive = false; /* close-delimited */
    hs_write_status(r, status, ctype, headers,
                    r->chunked ? "Transfer-Encoding: chunked\r\n" : "", NULL);
}

int hs_write(struct hs_req *r, const char *p, size_t n)
{
    char size[24];
    uv_buf_t b[3];

    if (r->ended || r->aborted || !r->streaming || r->c->gone)
        return -1;
    if (n == 0 || r->head_only)
        return 0;
    if (!r->chunked) {
        b[0] = hs_buf(p, n);
        return send_later(r->c, b, 1);
    }
    snprintf(size, sizeof(size), "%zx\r\n", n);
    b[0] = uv_buf_init(size, (unsigned int)strlen(size));
    b[1] = hs_buf(p, n);
    b[2] = hs_buf("\r\n", 2);
    return send_later(r->c, b, 3);
}

void hs_end(struct hs_req *r)
{
    static const char last[] = "0\r\n\r\n";
    uv_buf_t b = hs_buf(last, sizeof(last) - 1);

    if (r->ended)
        return;
    if (!r->aborted && r->streaming && r->chunked && !r->head_only)
        hs_send(r->c, &b, 1);
    hs_request_done(r);
}

void hs_release(struct hs_req *r)
{
    if (r->ended)
        return;
    if (!r->aborted) {
        r->aborted = true; /* the handler ends r itself: no on_abort */
        hs_conn_drop(r->c, "request released");
    }
    hs_request_done(r);
}

size_t hs_pending(const struct hs_req *r)
{
    return r->c->pending + r->c->cork.len;
}

bool hs_congested(const struct hs_req *r)
{
    return r->c->congested;
}

/* ---- upgraded connections -----------------------------------------------
 */

struct hs_conn *hs_upgrade(struct hs_req *r, const char *resp, size_t n,
                           const struct hs_raw_events *ev)
{
    struct hs_conn *c = r->c;
    uv_buf_t b = hs_buf(resp, n);

    if (r->ended)
        return NULL;
    if (r->aborted || c->gone || hs_send(c, &b, 1) != 0) {
        hs_request_done(r);
        return NULL;
    }
    r->started = true;
    hs_go_raw(c, ev);
    hs_request_done(r);
    hs_arm(c);
    return c;
}

int hs_conn_write(struct hs_conn *c, const void *p, size_t n)
{
    uv_buf_t b = hs_buf(p, n);

    if (c->close_after)
        return -1;
    return hs_send(c, &b, 1);
}

size_t hs_conn_pending(const struct hs_conn *c)
{
    return c->pending;
}

void hs_conn_close(struct hs_conn *c)
{
    if (c->closing || c->close_after)
        return;
    c->close_after = true;
    hs_output_idle(c);
}
