/*
 * The HTTP server (http/server.c, http/server_out.c) on its own libuv loop
 * in a thread, on 127.0.0.1 and a port the kernel picks, with small
 * timeouts and output limits, driven by blocking sockets from the test:
 * keep-alive, pipelining, 100-continue, timeouts, malformed requests,
 * streamed and HEAD responses, backpressure, aborts, draining, the cap.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <uv.h>

#include "testutil.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "http/server.h"
#include "base/banned.h"

#define HEADER_MS  150
#define BODY_MS    150
#define IDLE_MS    200
#define WRITE_MS   300
#define WRITE_LOW  (4u << 10)
#define WRITE_HIGH (16u << 10)
#define WRITE_MAX  (64u << 10)
#define SLOW_MS    100         /* "/slow" answers after this */
#define CHUNK      4096        /* "/big" and "/flood" write this at a time */
#define FLOOD_MAX  (64u << 20) /* "/flood" gives up after this */
#define RECV_MS    2000        /* the client's SO_RCVTIMEO */
#define WAIT_MS    2000        /* how long the test waits for an event */
#define DATE_LEN   37          /* "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" */

struct fixture {
    uv_loop_t loop;
    uv_async_t async;
    pthread_t thread;
    struct hs_server *s;
    int port;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void (*cmd)(struct fixture *); /* to run on the loop thread */
    bool cmd_done;
    size_t active, conns; /* cmd_counts' answers */
    /* what the loop thread saw (under mu) */
    char log[512]; /* "+/path " handed over, "-/path " answered later */
    int handled;
    size_t max_active;
    int drains, aborts;
    int64_t abort_ms, congested_ms;
    bool abort_flag;       /* hs_aborted() in on_abort */
    int write_after_abort; /* hs_write() in on_abort */
    size_t abort_pending;  /* hs_pending() in on_abort */
    bool congested;
    size_t congested_pending;
    size_t sent;  /* body bytes "/big" or "/flood" queued */
    int write_rc; /* the last hs_write() of the pump */
    bool ended;   /* "/big" ended its response */
};

/* ---- the handler (loop thread) ---- */

enum kind {
    K_SLOW,  /* hs_respond "SLOW" from a timer */
    K_BIG,   /* chunks until congested, more after the first drain */
    K_FLOOD, /* chunks regardless of congestion */
    K_HOLD,  /* a started stream that never ends */
};

struct job {
    uv_timer_t timer; /* K_SLOW */
    struct fixture *f;
    struct hs_req *r;
    enum kind kind;
    bool in_pump, release_later;
    size_t sent, target;
};

static void job_closed(uv_handle_t *h)
{
    free(h->data);
}

static void job_free(struct job *j)
{
    if (j->kind == K_SLOW)
        uv_close((uv_handle_t *)&j->timer, job_closed);
    else
        free(j);
}

static void note(struct fixture *f, const char *sign, const char *path)
{
    size_t len = strlen(f->log);

    snprintf(f->log + len, sizeof(f->log) - len, "%s%s ", sign, path);
}

static void on_abort(void *arg)
{
    struct job *j = arg;
    struct fixture *f = j->f;

    pthread_mutex_lock(&f->mu);
    f->aborts++;
    f->abort_ms = clock_mono_ms();
    f->abort_flag = hs_aborted(j->r);
    f->abort_pending = hs_pending(j->r);
    f->write_after_abort = hs_write(j->r, "x", 1);
    pthread_mutex_unlock(&f->mu);
    if (j->kind == K_SLOW) /* its timer answers the aborted request */
        return;
    if (j->in_pump) {
        j->release_later = true;
        return;
    }
    hs_release(j->r);
    job_free(j);
}

static void saw_congestion(struct job *j)
{
    struct fixture *f = j->f;

    pthread_mutex_lock(&f->mu);
    if (!f->congested) {
        f->congested = true;
        f->congested_ms = clock_mono_ms();
        f->congested_pending = hs_pending(j->r);
    }
    pthread_mutex_unlock(&f->mu);
}

/* Chunk k of the body is CHUNK bytes of 'a' + k % 26. */
static void pump(struct job *j)
{
    char data[CHUNK];
    int rc = 0;

    j->in_pump = true;
    while (!j->release_later && j->sent < j->target) {
        if (j->kind == K_BIG && hs_congested(j->r)) {
            saw_congestion(j);
            break;
        }
        memset(data, 'a' + (int)(j->sent / CHUNK % 26), CHUNK);
        rc = hs_write(j->r, data, CHUNK);
        if (rc != 0)
            break;
        j->sent += CHUNK;
    }
    j->in_pump = false;
    pthread_mutex_lock(&j->f->mu);
    j->f->sent = j->sent;
    j->f->write_rc = rc;
    j->f->ended = !j->release_later && j->sent >= j->target;
    pthread_mutex_unlock(&j->f->mu);
    if (j->release_later)
        hs_release(j->r);
    else if (j->sent >= j->target)
        hs_end(j->r);
    else
        return;
    job_free(j);
}

static void on_drain(void *arg)
{
    struct job *j = arg;

    pthread_mutex_lock(&j->f->mu);
    j->f->drains++;
    pthread_mutex_unlock(&j->f->mu);
    if (j->target == SIZE_MAX)
        j->target = j->sent + (size_t)8 * CHUNK;
    pump(j);
}

static void slow_done(uv_timer_t *t)
{
    struct job *j = t->data;

    pthread_mutex_lock(&j->f->mu);
    note(j->f, "-", "/slow");
    pthread_mutex_unlock(&j->f->mu);
    hs_respond(j->r, 200, "text/plain", NULL, "SLOW", 4);
    job_free(j);
}

static void start_job(struct fixture *f, struct hs_req *r, enum kind kind)
{
    struct job *j = xcalloc(1, sizeof(*j));
    struct hs_events ev = {on_drain, on_abort, j};

    j->f = f;
    j->r = r;
    j->kind = kind;
    j->target = kind == K_BIG ? SIZE_MAX : FLOOD_MAX;
    hs_set_events(r, &ev);
    if (kind == K_SLOW) {
        uv_timer_init(&f->loop, &j->timer);
        j->timer.data = j;
        uv_timer_start(&j->timer, slow_done, SLOW_MS, 0);
        return;
    }
    hs_start(r, 200, "text/plain", NULL);
    if (kind == K_HOLD)
        hs_write(r, "partial", 7);
    else
        pump(j);
}

static void release_on_abort(void *arg)
{
    hs_release(arg);
}

/* A handler that cuts its own stream, with an on_abort that (as server.h
 * asks) ends the request too: only one of them may end it. */
static void release_own(struct hs_req *r)
{
    struct hs_events ev = {NULL, release_on_abort, r};

    hs_set_events(r, &ev);
    hs_start(r, 200, "text/plain", NULL);
    hs_write(r, "partial", 7);
    hs_release(r);
}

static void stream(struct hs_req *r)
{
    hs_start(r, 200, "text/plain", NULL);
    hs_write(r, "hello", 5);
    hs_write(r, " ", 1);
    hs_write(r, "world", 5);
    hs_end(r);
}

static void handler(void *arg, struct hs_req *r)
{
    static const struct hs_header xb[] = {{"X-Path", "b"}, {NULL, NULL}};
    struct fixture *f = arg;
    const char *path = hs_path(r), *body;
    size_t n;

    pthread_mutex_lock(&f->mu);
    f->handled++;
    note(f, "+", path);
    if (hs_active(f->s) > f->max_active)
        f->max_active = hs_active(f->s);
    pthread_mutex_unlock(&f->mu);
    body = hs_body(r, &n);
    if (!strcmp(path, "/a"))
        hs_respond(r, 200, "text/plain", NULL, "A", 1);
    else if (!strcmp(path, "/b"))
        hs_respond(r, 200, "text/plain", xb, "B", 1);
    else if (!strcmp(path, "/echo"))
        hs_respond(r, 200, "text/plain", NULL, body, n);
    else if (!strcmp(path, "/stream"))
        stream(r);
    else if (!strcmp(path, "/slow"))
        start_job(f, r, K_SLOW);
    else if (!strcmp(path, "/big"))
        start_job(f, r, K_BIG);
    else if (!strcmp(path, "/flood"))
        start_job(f, r, K_FLOOD);
    else if (!strcmp(path, "/hold"))
        start_job(f, r, K_HOLD);
    else if (!strcmp(path, "/release"))
        release_own(r);
    else
        hs_respond(r, 404, NULL, NULL, NULL, 0);
}

/* ---- the loop thread and its commands ---- */

static void on_async(uv_async_t *a)
{
    struct fixture *f = a->data;
    void (*cmd)(struct fixture *);

    pthread_mutex_lock(&f->mu);
    cmd = f->cmd;
    f->cmd = NULL;
    pthread_mutex_unlock(&f->mu);
    if (!cmd)
        return;
    cmd(f);
    pthread_mutex_lock(&f->mu);
    f->cmd_done = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void run_on_loop(struct fixture *f, void (*cmd)(struct fixture *))
{
    pthread_mutex_lock(&f->mu);
    f->cmd = cmd;
    f->cmd_done = false;
    pthread_mutex_unlock(&f->mu);
    assert_int_equal(uv_async_send(&f->async), 0);
    pthread_mutex_lock(&f->mu);
    while (!f->cmd_done)
        pthread_cond_wait(&f->cv, &f->mu);
    pthread_mutex_unlock(&f->mu);
}

static void cmd_counts(struct fixture *f)
{
    f->active = hs_active(f->s);
    f->conns = hs_conn_count(f->s);
}

static void cmd_drain(struct fixture *f)
{
    hs_server_drain(f->s);
}

static void cmd_stop(struct fixture *f)
{
    hs_server_free(f->s);
    f->s = NULL;
    uv_close((uv_handle_t *)&f->async, NULL);
}

static void *loop_main(void *arg)
{
    struct fixture *f = arg;

    uv_run(&f->loop, UV_RUN_DEFAULT);
    return NULL;
}

static void fixture_start(struct fixture *f, size_t max_conns)
{
    struct hs_config cfg;
    struct oc_err err;

    memset(f, 0, sizeof(*f));
    memset(&cfg, 0, sizeof(cfg));
    cfg.limits.headers_max = 2048;
    cfg.limits.body_max = 65536;
    cfg.header_timeout_ms = HEADER_MS;
    cfg.body_timeout_ms = BODY_MS;
    cfg.idle_timeout_ms = IDLE_MS;
    cfg.write_timeout_ms = WRITE_MS;
    cfg.write_low = WRITE_LOW;
    cfg.write_high = WRITE_HIGH;
    cfg.write_max = WRITE_MAX;
    cfg.max_conns = max_conns;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    assert_int_equal(uv_loop_init(&f->loop), 0);
    f->s = hs_server_new(&f->loop, &cfg, handler, f);
    assert_int_equal(hs_listen(f->s, "127.0.0.1", 0, &err), 0);
    f->port = hs_port(f->s);
    assert_true(f->port > 0);
    assert_int_equal(uv_async_init(&f->loop, &f->async, on_async), 0);
    f->async.data = f;
    assert_int_equal(pthread_create(&f->thread, NULL, loop_main, f), 0);
}

/* Free the server and check it left no handle open. */
static void fixture_stop(struct fixture *f)
{
    run_on_loop(f, cmd_stop);
    pthread_join(f->thread, NULL);
    assert_int_equal(uv_loop_close(&f->loop), 0);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
}

static int setup(void **state)
{
    struct fixture *f = xmalloc(sizeof(*f));

    fixture_start(f, 8);
    *state = f;
    return 0;
}

/* At most two connections. */
static int setup_cap2(void **state)
{
    struct fixture *f = xmalloc(sizeof(*f));

    fixture_start(f, 2);
    *state = f;
    return 0;
}

/* Runs after a failed test too: the server thread must not outlive it. */
static int teardown(void **state)
{
    fixture_stop(*state);
    free(*state);
    return 0;
}

static void counts(struct fixture *f, size_t *active, size_t *conns)
{
    run_on_loop(f, cmd_counts);
    *active = f->active;
    *conns = f->conns;
}

/* The server closes connections asynchronously: wait for the count. */
static void wait_conns(struct fixture *f, size_t want)
{
    int64_t until = clock_mono_ms() + WAIT_MS;
    size_t active, conns;

    for (;;) {
        counts(f, &active, &conns);
        if (conns == want || clock_mono_ms() > until)
            break;
        clock_sleep_ms(2);
    }
    assert_int_equal(conns, want);
}

static int64_t wait_begin(struct fixture *f)
{
    pthread_mutex_lock(&f->mu);
    return clock_mono_ms() + WAIT_MS;
}

/* With f->mu held and the condition's value: true to stop waiting. */
static bool wait_done(struct fixture *f, int64_t until, bool ok,
                      const char *what)
{
    pthread_mutex_unlock(&f->mu);
    if (ok)
        return true;
    if (clock_mono_ms() > until)
        fail_msg("timed out waiting for %s", what);
    clock_sleep_ms(1);
    pthread_mutex_lock(&f->mu);
    return false;
}

/* Wait until cond (over f's fields, read under f->mu) holds. */
#define WAIT_FOR(f, cond)                                                      \
    do {                                                                       \
        int64_t until_ = wait_begin(f);                                        \
        while (!wait_done((f), until_, (cond), #cond))                         \
            continue;                                                          \
    } while (0)

/* ---- the client (test thread) ---- */

static int try_connect(const struct fixture *f, int rcvbuf, int *fd)
{
    struct timeval tv = {RECV_MS / 1000, (suseconds_t)(RECV_MS % 1000) * 1000};
    struct sockaddr_in a;

    *fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(*fd >= 0);
    if (rcvbuf)
        setsockopt(*fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)f->port);
    if (connect(*fd, (struct sockaddr *)&a, sizeof(a)) == 0)
        return 0;
    close(*fd);
    *fd = -1;
    return errno;
}

static int cl_connect(const struct fixture *f, int rcvbuf)
{
    int fd;

    assert_int_equal(try_connect(f, rcvbuf, &fd), 0);
    return fd;
}

static void cl_send(int fd, const char *s)
{
    size_t n = strlen(s);
    ssize_t w;

    while (n > 0) {
        w = send(fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        assert_true(w > 0);
        s += w;
        n -= (size_t)w;
    }
}

static void cl_recv_n(int fd, char *p, size_t n)
{
    ssize_t r;

    while (n > 0) {
        r = recv(fd, p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        assert_true(r > 0);
        p += r;
        n -= (size_t)r;
    }
}

/* Read one response (or head) of want's length plus a Date line; compare
 * it with want after taking the Date line out. */
static void expect_response(int fd, const char *want)
{
    size_t n = strlen(want) + DATE_LEN;
    char *got = xcalloc(1, n + 1);
    char *line = NULL;

    cl_recv_n(fd, got, n);
    line = strstr(got, "\r\n");
    assert_non_null(line);
    line += 2;
    assert_memory_equal(line, "Date: ", 6);
    assert_memory_equal(line + DATE_LEN - 6, " GMT\r\n", 6);
    memmove(line, line + DATE_LEN, n - (size_t)(line - got) - DATE_LEN + 1);
    assert_string_equal(got, want);
    free(got);
}

/* The peer closes (EOF or reset) without sending anything more: how long
 * that took. */
static int64_t expect_eof(int fd)
{
    int64_t t0 = clock_mono_ms();
    char c;
    ssize_t r;

    do {
        r = recv(fd, &c, 1, 0);
    } while (r < 0 && errno == EINTR);
    assert_true(r == 0 || (r < 0 && errno == ECONNRESET));
    return clock_mono_ms() - t0;
}

/* Read everything until the peer closes. */
static size_t read_to_eof(int fd, char *p, size_t cap)
{
    size_t len = 0;
    ssize_t r;

    for (;;) {
        r = recv(fd, p + len, cap - len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0 || (r < 0 && errno == ECONNRESET))
            return len;
        assert_true(r > 0);
        len += (size_t)r;
        assert_true(len < cap);
    }
}

static void expect_silence(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};

    assert_int_equal(poll(&p, 1, ms), 0);
}

static void read_line(int fd, char *line, size_t cap)
{
    size_t len = 0;

    for (;;) {
        assert_true(len + 1 < cap);
        cl_recv_n(fd, line + len, 1);
        len++;
        line[len] = '\0';
        if (line[len - 1] == '\n')
            break;
    }
    assert_true(len >= 2 && line[len - 2] == '\r');
    assert_null(memchr(line, '\r', len - 2));
}

/* A chunked body, checked well-formed (no extensions, no trailers). */
static char *read_chunked(int fd, size_t *len)
{
    char line[32], crlf[2], *end, *body = NULL;
    unsigned long n;
    size_t cap = 0;

    *len = 0;
    for (;;) {
        read_line(fd, line, sizeof(line));
        assert_true(line[0] != '\r');
        n = strtoul(line, &end, 16);
        assert_string_equal(end, "\r\n");
        if (n == 0)
            break;
        while (cap < *len + n + 1) { /* doubling: megabytes come */
            cap = cap ? cap * 2 : 4096;
            body = xrealloc(body, cap);
        }
        cl_recv_n(fd, body + *len, n);
        *len += n;
        cl_recv_n(fd, crlf, 2);
        assert_memory_equal(crlf, "\r\n", 2);
    }
    read_line(fd, line, sizeof(line));
    assert_string_equal(line, "\r\n");
    body = xrealloc(body, *len + 1);
    body[*len] = '\0';
    return body;
}

static void error_response(int status, const char *text, const char *reason,
                           char *out, size_t outsz)
{
    snprintf(out, outsz,
             "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
             status, text, strlen(reason) + 1, reason);
}

static void assert_log(struct fixture *f, const char *want)
{
    char log[sizeof(f->log)];

    pthread_mutex_lock(&f->mu);
    memcpy(log, f->log, sizeof(log));
    pthread_mutex_unlock(&f->mu);
    assert_string_equal(log, want);
}

static bool logged(struct fixture *f, const char *what)
{
    bool yes;

    pthread_mutex_lock(&f->mu);
    yes = strstr(f->log, what) != NULL;
    pthread_mutex_unlock(&f->mu);
    return yes;
}

#define GET_A     "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
#define GET_B     "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
#define GET_SLOW  "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
#define HEAD_200  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
#define KEEP      "Connection: keep-alive\r\n\r\n"
#define CLOSE     "Connection: close\r\n\r\n"
#define RESP_A    HEAD_200 "Content-Length: 1\r\n" KEEP "A"
#define RESP_A_CL HEAD_200 "Content-Length: 1\r\n" CLOSE "A"
#define RESP_B                                                                 \
    HEAD_200 "Content-Length: 1\r\nConnection: keep-alive\r\n"                 \
             "X-Path: b\r\n\r\nB"
#define RESP_SLOW HEAD_200 "Content-Length: 4\r\n" KEEP "SLOW"
#define CHUNKED   HEAD_200 "Transfer-Encoding: chunked\r\n" KEEP

/* ---- tests ---- */

static void test_keep_alive(void **state)
{
    struct fixture *f = *state;
    size_t active, conns;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    cl_send(fd, "GET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_response(fd, RESP_B);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    expect_silence(fd, 30);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    assert_int_equal(conns, 1);
    assert_log(f, "+/a +/b +/a ");
    close(fd);
    wait_conns(f, 0);
}

static void test_connection_close(void **state)
{
    struct fixture *f = *state;
    int fd;

    /* HTTP/1.0 without keep-alive: closed after the response */
    fd = cl_connect(f, 0);
    cl_send(fd, "GET /a HTTP/1.0\r\n\r\n");
    expect_response(fd, RESP_A_CL);
    assert_true(expect_eof(fd) < 100);
    close(fd);
    /* HTTP/1.0 asking for keep-alive gets it */
    fd = cl_connect(f, 0);
    cl_send(fd, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    expect_response(fd, RESP_A);
    cl_send(fd, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    expect_response(fd, RESP_A);
    expect_silence(fd, 30);
    close(fd);
    /* Connection: close: a request pipelined after it is not answered */
    fd = cl_connect(f, 0);
    cl_send(fd,
            "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" GET_B);
    expect_response(fd, RESP_A_CL);
    assert_true(expect_eof(fd) < 100);
    close(fd);
    assert_log(f, "+/a +/a +/a +/a ");
}

static void test_pipelining(void **state)
{
    struct fixture *f = *state;
    int64_t t0;
    int fd;

    fd = cl_connect(f, 0);
    t0 = clock_mono_ms();
    cl_send(fd, GET_SLOW GET_B GET_A);
    expect_response(fd, RESP_SLOW);
    assert_true(clock_mono_ms() - t0 >= SLOW_MS - 10);
    expect_response(fd, RESP_B);
    expect_response(fd, RESP_A);
    expect_silence(fd, 30);
    /* one at a time: /b was handed over only after /slow was answered */
    assert_log(f, "+/slow -/slow +/b +/a ");
    pthread_mutex_lock(&f->mu);
    assert_int_equal(f->max_active, 1);
    pthread_mutex_unlock(&f->mu);
    close(fd);
}

#define CONTINUE  "HTTP/1.1 100 Continue\r\n\r\n"
#define POST_ECHO "POST /echo HTTP/1.1\r\nHost: x\r\n"

static void test_expect_continue(void **state)
{
    char got[sizeof(CONTINUE)] = "";
    struct fixture *f = *state;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, POST_ECHO "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    cl_recv_n(fd, got, sizeof(CONTINUE) - 1);
    assert_string_equal(got, CONTINUE);
    expect_silence(fd, 30);
    cl_send(fd, "hello");
    expect_response(fd, HEAD_200 "Content-Length: 5\r\n" KEEP "hello");
    /* chunked */
    cl_send(fd, POST_ECHO "Transfer-Encoding: chunked\r\n"
                          "Expect: 100-continue\r\n\r\n");
    memset(got, 0, sizeof(got));
    cl_recv_n(fd, got, sizeof(CONTINUE) - 1);
    assert_string_equal(got, CONTINUE);
    cl_send(fd, "3\r\nabc\r\n0\r\n\r\n");
    expect_response(fd, HEAD_200 "Content-Length: 3\r\n" KEEP "abc");
    /* no Expect: no interim response */
    cl_send(fd, POST_ECHO "Content-Length: 5\r\n\r\n");
    expect_silence(fd, 50);
    cl_send(fd, "world");
    expect_response(fd, HEAD_200 "Content-Length: 5\r\n" KEEP "world");
    /* Expect without a body: nothing to continue */
    cl_send(fd, POST_ECHO "Content-Length: 0\r\nExpect: 100-continue\r\n\r\n");
    expect_response(fd, HEAD_200 "Content-Length: 0\r\n" KEEP);
    close(fd);
}

static void test_header_timeout(void **state)
{
    char want[256];
    struct fixture *f = *state;
    int64_t t0, took;
    int fd;

    error_response(408, "Request Timeout", "request head too slow", want,
                   sizeof(want));
    /* half a head */
    fd = cl_connect(f, 0);
    t0 = clock_mono_ms();
    cl_send(fd, "GET /a HTTP/1.1\r\nHo");
    expect_response(fd, want);
    took = clock_mono_ms() - t0;
    assert_true(took >= HEADER_MS - 10 && took < HEADER_MS + 500);
    assert_true(expect_eof(fd) < 100);
    close(fd);
    /* a connection that sends nothing gets the same */
    fd = cl_connect(f, 0);
    t0 = clock_mono_ms();
    expect_response(fd, want);
    assert_true(clock_mono_ms() - t0 >= HEADER_MS - 10);
    assert_true(expect_eof(fd) < 100);
    close(fd);
    assert_int_equal(f->handled, 0);
}

static void test_body_timeout(void **state)
{
    struct fixture *f = *state;
    int64_t t0, took;
    int fd;

    /* a body that stalls: dropped without a response */
    fd = cl_connect(f, 0);
    cl_send(fd, POST_ECHO "Content-Length: 10\r\n\r\nabc");
    t0 = clock_mono_ms();
    expect_eof(fd);
    took = clock_mono_ms() - t0;
    assert_true(took >= BODY_MS - 10 && took < BODY_MS + 500);
    close(fd);
    assert_int_equal(f->handled, 0);
    /* the timeout is for silence: a body that keeps coming is fine */
    fd = cl_connect(f, 0);
    cl_send(fd, POST_ECHO "Content-Length: 10\r\n\r\nabc");
    clock_sleep_ms(BODY_MS * 2 / 3);
    cl_send(fd, "def");
    clock_sleep_ms(BODY_MS * 2 / 3);
    cl_send(fd, "ghij");
    expect_response(fd, HEAD_200 "Content-Length: 10\r\n" KEEP "abcdefghij");
    close(fd);
}

static void test_idle_timeout(void **state)
{
    struct fixture *f = *state;
    int64_t took;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    took = expect_eof(fd); /* no 408 after a keep-alive wait */
    assert_true(took >= IDLE_MS - 20 && took < IDLE_MS + 500);
    close(fd);
    wait_conns(f, 0);
}

struct bad_case {
    const char *request;
    int status;
    const char *text, *reason;
};

static void check_bad(struct fixture *f, const struct bad_case *c)
{
    char want[512];
    int fd = cl_connect(f, 0);

    error_response(c->status, c->text, c->reason, want, sizeof(want));
    cl_send(fd, c->request);
    expect_response(fd, want);
    assert_true(expect_eof(fd) < 100);
    close(fd);
}

static void test_malformed(void **state)
{
    static const struct bad_case cases[] = {
        {POST_ECHO "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "abc" GET_A,
         400, "Bad Request", "both Content-Length and Transfer-Encoding"},
        {"GET /a HTTP/2.0\r\nHost: x\r\n\r\n", 505,
         "HTTP Version Not Supported", "HTTP version not supported"},
        {"GET /a HTTP/1.1\r\n\r\n", 400, "Bad Request", "missing Host"},
        {"\x16\x03\x01\x02\x31\x01", 400, "Bad Request",
         "malformed request line"},
        {POST_ECHO "Content-Length: 65537\r\n\r\n", 413, "Content Too Large",
         "body too large"},
        {POST_ECHO "Transfer-Encoding: gzip\r\n\r\n", 501, "Not Implemented",
         "unsupported transfer coding"},
        {POST_ECHO "Expect: magic\r\nContent-Length: 1\r\n\r\nx", 417,
         "Expectation Failed", "unsupported expectation"},
    };
    char big[4096];
    struct bad_case huge = {big, 431, "Request Header Fields Too Large",
                            "header fields too large"};
    struct fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_bad(f, &cases[i]);
    /* over the 2048 bytes of header fields the fixture allows */
    snprintf(big, sizeof(big),
             "GET /a HTTP/1.1\r\nHost: x\r\nX-Big: %0*d\r\n\r\n", 3000, 0);
    check_bad(f, &huge);
    assert_int_equal(f->handled, 0);
}

static void test_stream(void **state)
{
    static const char chunks[] =
        "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n";
    char got[sizeof(chunks)] = "", all[256];
    struct fixture *f = *state;
    size_t n;
    char *body;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_response(fd, CHUNKED);
    cl_recv_n(fd, got, sizeof(chunks) - 1);
    assert_string_equal(got, chunks);
    cl_send(fd, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_response(fd, CHUNKED);
    body = read_chunked(fd, &n);
    assert_int_equal(n, 11);
    assert_string_equal(body, "hello world");
    free(body);
    cl_send(fd, GET_A); /* the connection is still in step */
    expect_response(fd, RESP_A);
    close(fd);
    /* HTTP/1.0: close-delimited, even when keep-alive was asked for */
    fd = cl_connect(f, 0);
    cl_send(fd, "GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    expect_response(fd, HEAD_200 CLOSE);
    n = read_to_eof(fd, all, sizeof(all));
    assert_int_equal(n, 11);
    assert_memory_equal(all, "hello world", 11);
    close(fd);
}

static void test_head(void **state)
{
    struct fixture *f = *state;
    int fd;

    fd = cl_connect(f, 0);
    /* a body after the head would put the next response out of step */
    cl_send(fd, "HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_response(fd, HEAD_200 "Content-Length: 1\r\n" KEEP);
    cl_send(fd, GET_B);
    expect_response(fd, RESP_B);
    cl_send(fd, "HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_response(fd, CHUNKED);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    expect_silence(fd, 30);
    close(fd);
}

static void check_pattern(const char *body, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (body[i] != 'a' + (int)(i / CHUNK % 26))
            fail_msg("byte %zu is %c", i, body[i]);
}

static void test_backpressure_drain(void **state)
{
    struct fixture *f = *state;
    size_t n;
    char *body;
    int fd;

    fd = cl_connect(f, 65536);
    cl_send(fd, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    WAIT_FOR(f, f->congested);
    pthread_mutex_lock(&f->mu);
    assert_true(f->congested_pending > WRITE_HIGH);
    assert_true(f->congested_pending <= WRITE_MAX);
    assert_int_equal(f->drains, 0);
    assert_false(f->ended);
    pthread_mutex_unlock(&f->mu);
    /* now read: the queue drains, the producer resumes and ends */
    expect_response(fd, CHUNKED);
    body = read_chunked(fd, &n);
    WAIT_FOR(f, f->ended);
    assert_true(f->drains >= 1);
    assert_int_equal(f->aborts, 0);
    assert_int_equal(n, f->sent);
    assert_true(n > WRITE_HIGH + 8 * CHUNK);
    check_pattern(body, n);
    free(body);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    close(fd);
}

static void test_write_max(void **state)
{
    static char all[16u << 20];
    struct fixture *f = *state;
    size_t active, conns, n, framed;
    int fd;

    fd = cl_connect(f, 65536);
    /* the producer ignores congestion; nobody reads */
    cl_send(fd, "GET /flood HTTP/1.1\r\nHost: x\r\n\r\n");
    WAIT_FOR(f, f->aborts > 0 && f->write_rc == -1);
    assert_true(f->abort_pending > WRITE_MAX);
    assert_true(f->abort_pending <= WRITE_MAX + CHUNK + 16);
    assert_true(f->abort_flag);
    assert_int_equal(f->write_after_abort, -1);
    assert_true(f->sent < FLOOD_MAX);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    /* what the kernel took arrives, then the connection ends: all of the
     * response (the chunk that went over included) but the queue */
    n = read_to_eof(fd, all, sizeof(all));
    framed = strlen(CHUNKED) + DATE_LEN + (f->sent / CHUNK + 1) * (CHUNK + 8);
    assert_true(n >= framed - f->abort_pending);
    assert_true(n < framed);
    close(fd);
    wait_conns(f, 0);
    assert_int_equal(f->aborts, 1);
}

static void test_write_timeout(void **state)
{
    struct fixture *f = *state;
    int64_t took;
    int fd;

    fd = cl_connect(f, 65536);
    cl_send(fd, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    WAIT_FOR(f, f->aborts > 0); /* congested, then no progress */
    took = f->abort_ms - f->congested_ms;
    assert_true(f->congested);
    assert_true(took >= WRITE_MS - 20 && took < WRITE_MS + 500);
    assert_int_equal(f->drains, 0);
    close(fd);
    wait_conns(f, 0);
    assert_int_equal(f->aborts, 1);
}

/* In the middle of a streamed response. */
static void test_disconnect_aborts(void **state)
{
    char got[32] = "";
    struct fixture *f = *state;
    size_t active, conns;
    int64_t t0;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, "GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_response(fd, CHUNKED);
    cl_recv_n(fd, got, 12);
    assert_string_equal(got, "7\r\npartial\r\n");
    t0 = clock_mono_ms();
    close(fd);
    WAIT_FOR(f, f->aborts == 1);
    assert_true(f->abort_ms - t0 < 100);
    assert_true(f->abort_flag);
    assert_int_equal(f->write_after_abort, -1);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    wait_conns(f, 0);
    assert_int_equal(f->aborts, 1);
}

/* Before the response started; answering it later is harmless. */
static void test_disconnect_before_response(void **state)
{
    struct fixture *f = *state;
    size_t active, conns;
    int64_t t0;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, GET_SLOW);
    WAIT_FOR(f, strstr(f->log, "+/slow") != NULL);
    t0 = clock_mono_ms();
    close(fd);
    WAIT_FOR(f, f->aborts == 1);
    assert_true(f->abort_ms - t0 < 100);
    assert_true(f->abort_flag);
    WAIT_FOR(f, strstr(f->log, "-/slow") != NULL);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    wait_conns(f, 0);
    assert_int_equal(f->aborts, 1);
}

static void test_server_drain(void **state)
{
    struct fixture *f = *state;
    size_t active, conns;
    int idle, busy, fd;

    idle = cl_connect(f, 0);
    cl_send(idle, GET_A);
    expect_response(idle, RESP_A);
    busy = cl_connect(f, 0);
    cl_send(busy, GET_SLOW GET_B); /* /b must not be answered */
    WAIT_FOR(f, strstr(f->log, "+/slow") != NULL);
    counts(f, &active, &conns);
    assert_int_equal(active, 1);
    assert_int_equal(conns, 2);
    run_on_loop(f, cmd_drain);
    assert_true(expect_eof(idle) < 50);
    counts(f, &active, &conns);
    assert_int_equal(active, 1);
    expect_response(busy, HEAD_200 "Content-Length: 4\r\n" CLOSE "SLOW");
    assert_true(expect_eof(busy) < 100);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    assert_false(logged(f, "/b"));
    assert_int_equal(try_connect(f, 0, &fd), ECONNREFUSED);
    close(idle);
    close(busy);
}

/* The header timeout runs from a head's first byte: trickling it in does
 * not keep a connection open (slowloris). */
static void test_header_trickle(void **state)
{
    char want[256];
    struct fixture *f = *state;
    const char *head = "GET /a HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghij";
    struct pollfd p;
    int64_t t0;
    size_t i;
    int fd;

    error_response(408, "Request Timeout", "request head too slow", want,
                   sizeof(want));
    fd = cl_connect(f, 0);
    t0 = clock_mono_ms();
    for (i = 0; head[i]; i++) {
        p = (struct pollfd){fd, POLLIN, 0};
        if (poll(&p, 1, 40) > 0)
            break; /* the server answered */
        if (send(fd, head + i, 1, MSG_NOSIGNAL) != 1)
            break;
    }
    expect_response(fd, want);
    assert_true(clock_mono_ms() - t0 < HEADER_MS + 150);
    close(fd);
    /* a second head that stalls on a keep-alive connection gets the 408
     * too, not the silent idle close */
    fd = cl_connect(f, 0);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    clock_sleep_ms(IDLE_MS / 2);
    cl_send(fd, "GET /a HTTP/1.1\r\nHo");
    expect_response(fd, want);
    close(fd);
    assert_int_equal(f->handled, 1);
}

/* A connection closed after its response goes away as soon as the client
 * closes (the linger reads to EOF), not after the full linger. */
static void test_close_releases_connection(void **state)
{
    struct fixture *f = *state;
    int64_t t0;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect_response(fd, RESP_A_CL);
    assert_true(expect_eof(fd) < 100);
    t0 = clock_mono_ms();
    close(fd);
    wait_conns(f, 0);
    assert_true(clock_mono_ms() - t0 < 500);
}

/* Draining keeps a connection whose head is half in: it is answered. */
static void test_drain_half_head(void **state)
{
    struct fixture *f = *state;
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, "GET /a HTTP/1.1\r\nHo");
    clock_sleep_ms(30);
    run_on_loop(f, cmd_drain);
    cl_send(fd, "st: x\r\n\r\n");
    expect_response(fd, RESP_A_CL);
    assert_true(expect_eof(fd) < 100);
    close(fd);
}

/* A handler releasing its own request: on_abort is not called into it
 * again, the request ends once (ASan would see a double end). */
static void test_release_own(void **state)
{
    struct fixture *f = *state;
    size_t active, conns;
    char buf[4096];
    int fd;

    fd = cl_connect(f, 0);
    cl_send(fd, "GET /release HTTP/1.1\r\nHost: x\r\n\r\n");
    read_to_eof(fd, buf, sizeof(buf));
    close(fd);
    wait_conns(f, 0);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    fd = cl_connect(f, 0); /* the server still serves */
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    close(fd);
}

static void test_max_conns(void **state)
{
    struct fixture *f = *state;
    int a, b, c;

    a = cl_connect(f, 0);
    cl_send(a, GET_A);
    expect_response(a, RESP_A);
    b = cl_connect(f, 0);
    cl_send(b, GET_A);
    expect_response(b, RESP_A);
    /* the third is accepted and closed at once */
    c = cl_connect(f, 0);
    assert_true(expect_eof(c) < 100);
    close(c);
    wait_conns(f, 2);
    cl_send(a, GET_A); /* the others are untouched */
    expect_response(a, RESP_A);
    /* room again once one leaves */
    close(b);
    wait_conns(f, 1);
    c = cl_connect(f, 0);
    cl_send(c, GET_A);
    expect_response(c, RESP_A);
    close(a);
    close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keep_alive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelining, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expect_continue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backpressure_drain, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disconnect_aborts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_disconnect_before_response, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_server_drain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_conns, setup_cap2, teardown),
        cmocka_unit_test_setup_teardown(test_header_trickle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_releases_connection, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_drain_half_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_own, setup, teardown),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
