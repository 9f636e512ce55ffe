/*
 * libcurl multi on libuv (see http.h): curl tells us which sockets to
 * watch and when to call it back. Its sockets live in a private epoll set
 * whose descriptor libuv polls: a change of interest is one epoll_ctl,
 * where a uv_poll per socket costs two (and four more over a connection's
 * life). Each request has a watchdog timer: first for the response
 * headers, then re-armed on every body chunk for the idle limit.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/dlist.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "provider/curlapi.h"
#include "provider/http.h"
#include "base/banned.h"

#define HTTP_IDLE_HANDLES 16

struct http_client {
    uv_loop_t *loop;
    const struct curl_api *api;
    CURLM *multi;
    uv_timer_t timer;
    int epfd;              /* curl's sockets */
    uv_poll_t sockets;     /* epfd, readable when one of them is ready */
    int handles_open;      /* timer and sockets, until both are closed */
    struct http_req *reqs; /* in flight, a doubly linked list */
    /* finished transfers' handles, reset, for the next ones: creating a
     * handle costs more than the rest of libcurl's request setup */
    CURL *idle[HTTP_IDLE_HANDLES];
    int nidle;
    bool closing; /* http_client_free ran (perhaps from an on_done) */
};

struct http_req {
    struct http_client *c;
    struct http_req *prev, *next;
    CURL *easy;
    struct curl_slist *hdrs;
    struct http_handler h;
    struct http_response resp;
    uv_timer_t watchdog;
    long header_timeout_ms, idle_timeout_ms;
    bool got_headers, finished;
    enum http_outcome forced; /* set by the watchdog or a callback */
    char forced_msg[160];
    char errbuf[CURL_ERROR_SIZE];
};

const char *http_header_get(const struct http_response *r, const char *name)
{
    size_t i;

    for (i = 0; r && i < r->nheaders; i++)
        if (!strcmp(r->headers[i].name, name))
            return r->headers[i].value;
    return NULL;
}

static void headers_clear(struct http_response *r)
{
    size_t i;

    for (i = 0; i < r->nheaders; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    r->headers = NULL;
    r->nheaders = 0;
}

/* ---- finishing ------------------------------------------------------- */

static void free_req(uv_handle_t *h)
{
    struct http_req *r = h->data;

    headers_clear(&r->resp);
    free(r);
}

static enum http_outcome outcome_of(CURLcode code)
{
    switch (code) {
    case CURLE_OK:
        return HTTP_DONE;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return HTTP_ECONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_ETIMEOUT;
    default:
        return HTTP_EIO;
    }
}

/* A reset handle keeps only its buffers and caches (connections belong to
 * the multi handle), never an option, header list or body of the last
 * transfer. */
static void put_easy(struct http_client *c, CURL *e)
{
    if (c->closing || c->nidle == HTTP_IDLE_HANDLES) {
        c->api->easy_cleanup(e);
        return;
    }
    c->api->easy_reset(e);
    c->idle[c->nidle++] = e;
}

static CURL *get_easy(struct http_client *c)
{
    return c->nidle ? c->idle[--c->nidle] : c->api->easy_init();
}

static void finish(struct http_req *r, CURLcode code)
{
    struct http_client *c = r->c;
    struct http_done d = {0};

    if (r->finished)
        return;
    r->finished = true;
    uv_timer_stop(&r->watchdog);
    c->api->multi_remove_handle(c->multi, r->easy);
    d.outcome = r->forced ? r->forced : outcome_of(code);
    if (r->forced)
        str_copy(d.error, sizeof(d.error), r->forced_msg);
    else if (code != CURLE_OK)
        str_copy(d.error, sizeof(d.error),
                 r->errbuf[0] ? r->errbuf : c->api->easy_strerror(code));
    DLIST_UNLINK(c->reqs, r);
    if (r->h.on_done)
        r->h.on_done(r->h.arg, &r->resp, &d);
    put_easy(c, r->easy);
    c->api->slist_free_all(r->hdrs);
    uv_close((uv_handle_t *)&r->watchdog, free_req);
}

static void check_done(struct http_client *c)
{
    struct http_req *r;
    char *priv;
    CURLMsg *m;
    int left;

    /* a done callback may free the client (closing: the multi is gone) */
    while (!c->closing && (m = c->api->multi_info_read(c->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        priv = NULL;
        c->api->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
        r = (struct http_req *)(void *)priv;
        if (r)
            finish(r, m->data.result);
    }
}

/* ---- libuv <-> curl ---------------------------------------------------- */

/* epfd is readable: hand each ready socket to curl. By descriptor, not
 * by pointer: curl may close one socket while we go through the batch. */
static void on_sockets(uv_poll_t *p, int status, int events)
{
    struct http_client *c = p->data;
    struct epoll_event ev[32];
    int n, i, flags, running;

    (void)status;
    (void)events;
    n = epoll_wait(c->epfd, ev, 32, 0);
    for (i = 0; i < n && !c->closing; i++) {
        flags = 0;
        /* an error or hangup: let curl read or write and find out */
        if (ev[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            flags |= CURL_CSELECT_IN;
        if (ev[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            flags |= CURL_CSELECT_OUT;
        c->api->multi_socket_action(c->multi, ev[i].data.fd, flags, &running);
    }
    check_done(c);
}

/* curl's socket callback; socketp is non-NULL once s is in the set (its
 * type is curl's). */
static int on_socket(CURL *e, curl_socket_t s, int what, void *userp,
                     // cppcheck-suppress constParameter
                     void *socketp)
{
    struct http_client *c = userp;
    struct epoll_event ev;

    (void)e;
    memset(&ev, 0, sizeof(ev));
    if (what == CURL_POLL_REMOVE) {
        if (socketp) {
            epoll_ctl(c->epfd, EPOLL_CTL_DEL, s, &ev);
            c->api->multi_assign(c->multi, s, NULL);
        }
        return 0;
    }
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0) |
                ((what & CURL_POLL_OUT) ? EPOLLOUT : 0);
    ev.data.fd = s;
    /* curl tells us of a socket's removal before it closes it, so one it
     * watches is in the set. A failure leaves the transfer unwatched: its
     * watchdog ends it. */
    if (epoll_ctl(c->epfd, socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &ev) ==
            0 &&
        !socketp)
        c->api->multi_assign(c->multi, s, c);
    return 0;
}

static void on_curl_timer(uv_timer_t *t)
{
    struct http_client *c = t->data;
    int running;

    c->api->multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(c);
}

static int on_timer_change(CURLM *m, long timeout_ms, void *userp)
{
    struct http_client *c = userp;

    (void)m;
    if (timeout_ms < 0)
        uv_timer_stop(&c->timer);
    else
        uv_timer_start(&c->timer, on_curl_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

/* ---- per-request callbacks ------------------------------------------- */

static void on_watchdog(uv_timer_t *t)
{
    struct http_req *r = t->data;

    r->forced = HTTP_ETIMEOUT;
    if (r->got_headers)
        snprintf(r->forced_msg, sizeof(r->forced_msg),
                 "no data from the server for %ld s",
                 r->idle_timeout_ms / 1000);
    else
        snprintf(r->forced_msg, sizeof(r->forced_msg),
                 "no response from the server within %ld s",
                 r->header_timeout_ms / 1000);
    finish(r, CURLE_OPERATION_TIMEDOUT);
}

static void add_header(struct http_response *resp, const char *line, size_t n)
{
    const char *colon = memchr(line, ':', n), *v;
    size_t vn, i;
    char *name;

    if (!colon || colon == line)
        return;
    name = xmemdupz(line, (size_t)(colon - line));
    for (i = 0; name[i]; i++)
        name[i] = (char)tolower((unsigned char)name[i]);
    v = colon + 1;
    vn = n - (size_t)(v - line);
    str_trim_view(&v, &vn);
    resp->headers = xreallocarray(resp->headers, resp->nheaders + 1,
                                  sizeof(*resp->headers));
    resp->headers[resp->nheaders].name = name;
    resp->headers[resp->nheaders].value = xmemdupz(v, vn);
    resp->nheaders++;
}

/* The end of one header block: final when the status is 200 or more. */
static void headers_done(struct http_req *r)
{
    long status = 0;

    r->c->api->easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200) {
        headers_clear(&r->resp);
        return;
    }
    r->resp.status = status;
    r->got_headers = true;
    uv_timer_start(&r->watchdog, on_watchdog, (uint64_t)r->idle_timeout_ms, 0);
    if (r->h.on_response)
        r->h.on_response(r->h.arg, &r->resp);
}

static size_t on_header(char *p, size_t size, size_t n, void *userp)
{
    struct http_req *r = userp;
    size_t len = size * n, trimmed = len;

    while (trimmed && (p[trimmed - 1] == '\n' || p[trimmed - 1] == '\r'))
        trimmed--;
    if (trimmed == 0)
        headers_done(r);
    else if (!strncmp(p, "HTTP/", 5))
        headers_clear(&r->resp); /* a new block (after 1xx or a redirect) */
    else
        add_header(&r->resp, p, trimmed);
    return len;
}

static size_t on_write(char *p, size_t size, size_t n, void *userp)
{
    struct http_req *r = userp;
    size_t len = size * n;

    if (r->got_headers)
        uv_timer_start(&r->watchdog, on_watchdog, (uint64_t)r->idle_timeout_ms,
                       0);
    if (r->h.on_body && r->h.on_body(r->h.arg, p, len) != 0) {
        r->forced = HTTP_ECANCELLED;
        str_copy(r->forced_msg, sizeof(r->forced_msg), "cancelled");
        return 0; /* curl stops with a write error */
    }
    return len;
}

/* ---- setting up ------------------------------------------------------- */

static void on_closed_client(uv_handle_t *h)
{
    struct http_client *c = h->data;

    if (--c->handles_open > 0)
        return;
    if (c->epfd >= 0)
        close(c->epfd);
    free(c);
}

struct http_client *http_client_new(uv_loop_t *loop, struct oc_err *err)
{
    const struct curl_api *api = curl_api_get(err);
    struct http_client *c;

    if (!api)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->loop = loop;
    c->api = api;
    c->multi = api->multi_init();
    if (!c->multi) {
        free(c);
        oc_err_set(err, OC_EIO, "libcurl could not create a transfer set");
        return NULL;
    }
    c->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (c->epfd < 0 || uv_poll_init(loop, &c->sockets, c->epfd) != 0) {
        oc_err_errno(err, OC_EIO, "cannot create the HTTP client's poll set");
        if (c->epfd >= 0)
            close(c->epfd);
        api->multi_cleanup(c->multi);
        free(c);
        return NULL;
    }
    c->sockets.data = c;
    uv_poll_start(&c->sockets, UV_READABLE, on_sockets);
    /* not this: a transfer keeps the loop alive by its watchdog (and a
     * caller that pauses one, which stops it, has handles of its own) */
    uv_unref((uv_handle_t *)&c->sockets);
    uv_timer_init(loop, &c->timer);
    c->timer.data = c;
    c->handles_open = 2;
    api->multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    api->multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    api->multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer_change);
    api->multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    return c;
}

uv_loop_t *http_client_loop(struct http_client *c)
{
    return c->loop;
}

void http_client_free(struct http_client *c)
{
    if (!c)
        return;
    c->closing = true;
    while (c->reqs)
        http_cancel(c->reqs);
    while (c->nidle)
        c->api->easy_cleanup(c->idle[--c->nidle]);
    c->api->multi_cleanup(c->multi);
    uv_timer_stop(&c->timer);
    uv_close((uv_handle_t *)&c->timer, on_closed_client);
    uv_close((uv_handle_t *)&c->sockets, on_closed_client);
}

static struct curl_slist *header_list(const struct curl_api *api,
                                      const char *const *headers)
{
    struct curl_slist *l = NULL;

    for (; headers && *headers; headers++)
        l = api->slist_append(l, *headers);
    /* no "Expect: 100-continue" round trip before large bodies */
    return api->slist_append(l, "Expect:");
}

static void set_options(struct http_req *r, const struct http_request *rq)
{
    const struct curl_api *api = r->c->api;
    CURL *e = r->easy;

    api->easy_setopt(e, CURLOPT_URL, rq->url);
    api->easy_setopt(e, CURLOPT_PRIVATE, r);
    api->easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    api->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    /* no CURLOPT_TCP_KEEPALIVE: the watchdog ends a transfer silent for
     * idle_timeout_ms (2 min) long before probes would (60 s idle, then 9
     * probes a minute apart), and curl checks a pooled connection before
     * it reuses it; the option cost three setsockopt calls a connection */
    api->easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    api->easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     rq->connect_timeout_ms ? rq->connect_timeout_ms : 10000L);
    api->easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
    api->easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    api->easy_setopt(e, CURLOPT_HEADERDATA, r);
    api->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    api->easy_setopt(e, CURLOPT_WRITEDATA, r);
    if (rq->body) {
        api->easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)rq->body_len);
        api->easy_setopt(e, CURLOPT_COPYPOSTFIELDS, rq->body);
    }
    if (rq->method && strcmp(rq->method, rq->body ? "POST" : "GET") != 0)
        api->easy_setopt(e, CURLOPT_CUSTOMREQUEST, rq->method);
}

struct http_req *http_start(struct http_client *c,
                            const struct http_request *rq,
                            const struct http_handler *h, struct oc_err *err)
{
    struct http_req *r = xcalloc(1, sizeof(*r));

    r->c = c;
    r->h = *h;
    r->header_timeout_ms =
        rq->header_timeout_ms ? rq->header_timeout_ms : 600000L;
    r->idle_timeout_ms = rq->idle_timeout_ms ? rq->idle_timeout_ms : 120000L;
    r->easy = get_easy(c);
    if (!r->easy) {
        free(r);
        oc_err_set(err, OC_EIO, "libcurl could not create a transfer");
        return NULL;
    }
    r->hdrs = header_list(c->api, rq->headers);
    set_options(r, rq);
    uv_timer_init(c->loop, &r->watchdog);
    r->watchdog.data = r;
    uv_timer_start(&r->watchdog, on_watchdog, (uint64_t)r->header_timeout_ms,
                   0);
    DLIST_PUSH(c->reqs, r);
    c->api->multi_add_handle(c->multi, r->easy);
    return r;
}

void http_cancel(struct http_req *r)
{
    if (!r || r->finished)
        return;
    r->forced = HTTP_ECANCELLED;
    str_copy(r->forced_msg, sizeof(r->forced_msg), "cancelled");
    finish(r, CURLE_ABORTED_BY_CALLBACK);
}

void http_pause(struct http_req *r, bool paused)
{
    if (!r || r->finished)
        return;
    r->c->api->easy_pause(r->easy, paused ? CURLPAUSE_RECV : CURLPAUSE_CONT);
    /* A paused transfer is silent because of us: no idle deadline then;
     * before the headers the header deadline keeps running. */
    if (paused && r->got_headers)
        uv_timer_stop(&r->watchdog);
    else if (!paused && r->got_headers && !r->finished)
        uv_timer_start(&r->watchdog, on_watchdog, (uint64_t)r->idle_timeout_ms,
                       0);
}
