/*
 * The HTTP server tests' fixture (see hs_fixture.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <uv.h>

#include "testutil.h"
#include "hs_fixture.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "base/banned.h"

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
    bool in_pump; /* inside its hs_write loop */
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
    f->abort_in_write |= j->in_pump;
    pthread_mutex_unlock(&f->mu);
    if (j->kind == K_SLOW) /* its timer answers the aborted request */
        return;
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
    while (j->sent < j->target) {
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
    j->f->ended = j->sent >= j->target;
    pthread_mutex_unlock(&j->f->mu);
    if (j->sent < j->target)
        return; /* congested (on_drain goes on) or gone (on_abort ends) */
    hs_end(j->r);
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

/* "/huge": the gateway's non-streamed answer to a client that reads
 * nothing, whose on_abort ends the request (ASan sees a use of the freed
 * request if on_abort runs inside hs_respond). */
static void huge_abort(void *arg)
{
    struct fixture *f = arg;

    pthread_mutex_lock(&f->mu);
    f->aborts++;
    pthread_mutex_unlock(&f->mu);
}

static void huge(struct fixture *f, struct hs_req *r, bool streamed)
{
    struct hs_events ev = {NULL, huge_abort, f};
    char *body = xmalloc(HUGE);
    int rc = 0;

    memset(body, 'h', HUGE);
    hs_set_events(r, &ev);
    if (streamed) {
        hs_start(r, 200, "text/plain", NULL);
        rc = hs_write(r, body, HUGE);
        hs_end(r);
    } else {
        hs_respond(r, 200, "text/plain", NULL, body, HUGE);
    }
    free(body);
    pthread_mutex_lock(&f->mu);
    f->huge_rc = rc;
    f->huge_done = true;
    pthread_mutex_unlock(&f->mu);
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
    else if (!strcmp(path, "/huge"))
        huge(f, r, false);
    else if (!strcmp(path, "/huge-stream"))
        huge(f, r, true);
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

void run_on_loop(struct fixture *f, void (*cmd)(struct fixture *))
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
    f->writes = hs_writes(f->s);
}

void cmd_drain(struct fixture *f)
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

int setup(void **state)
{
    struct fixture *f = xmalloc(sizeof(*f));

    fixture_start(f, 8);
    *state = f;
    return 0;
}

/* At most two connections. */
int setup_cap2(void **state)
{
    struct fixture *f = xmalloc(sizeof(*f));

    fixture_start(f, 2);
    *state = f;
    return 0;
}

/* Runs after a failed test too: the server thread must not outlive it. */
int teardown(void **state)
{
    fixture_stop(*state);
    free(*state);
    return 0;
}

void counts(struct fixture *f, size_t *active, size_t *conns)
{
    run_on_loop(f, cmd_counts);
    *active = f->active;
    *conns = f->conns;
}

uint64_t writes_so_far(struct fixture *f)
{
    run_on_loop(f, cmd_counts);
    return f->writes;
}

/* The server closes connections asynchronously: wait for the count. */
void wait_conns(struct fixture *f, size_t want)
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

int64_t wait_begin(struct fixture *f)
{
    pthread_mutex_lock(&f->mu);
    return clock_mono_ms() + WAIT_MS;
}

/* With f->mu held and the condition's value: true to stop waiting. */
bool wait_done(struct fixture *f, int64_t until, bool ok, const char *what)
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

/* ---- the client (test thread) ---- */

int try_connect(const struct fixture *f, int rcvbuf, int *fd)
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

int cl_connect(const struct fixture *f, int rcvbuf)
{
    int fd;

    assert_int_equal(try_connect(f, rcvbuf, &fd), 0);
    return fd;
}

void cl_send(int fd, const char *s)
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

void cl_recv_n(int fd, char *p, size_t n)
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
void expect_response(int fd, const char *want)
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
int64_t expect_eof(int fd)
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
size_t read_to_eof(int fd, char *p, size_t cap)
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

void expect_silence(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};

    assert_int_equal(poll(&p, 1, ms), 0);
}

void read_line(int fd, char *line, size_t cap)
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
char *read_chunked(int fd, size_t *len)
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

void error_response(int status, const char *text, const char *reason, char *out,
                    size_t outsz)
{
    snprintf(out, outsz,
             "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
             status, text, strlen(reason) + 1, reason);
}

void assert_log(struct fixture *f, const char *want)
{
    char log[sizeof(f->log)];

    pthread_mutex_lock(&f->mu);
    memcpy(log, f->log, sizeof(log));
    pthread_mutex_unlock(&f->mu);
    assert_string_equal(log, want);
}

bool logged(struct fixture *f, const char *what)
{
    bool yes;

    pthread_mutex_lock(&f->mu);
    yes = strstr(f->log, what) != NULL;
    pthread_mutex_unlock(&f->mu);
    return yes;
}
