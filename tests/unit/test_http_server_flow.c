/*
 * The HTTP server's output and the end of its connections: backpressure,
 * the output cap, write timeouts, clients that go away, aborts (never
 * into the handler's own call), draining, the connection cap (the
 * fixture: tests/support/hs_fixture.h).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "hs_fixture.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "base/banned.h"

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
    assert_false(f->abort_in_write); /* on_abort came from the loop */
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

/* A response far over the output cap to a client that reads nothing: the
 * server drops the client inside hs_respond. on_abort is not called into
 * the handler's own call (its request has ended), the connection closes
 * and the server goes on serving. */
static void test_respond_over_cap(void **state)
{
    static char all[HUGE];
    struct fixture *f = *state;
    size_t active, conns, n;
    int fd;

    fd = cl_connect(f, 65536);
    cl_send(fd, "GET /huge HTTP/1.1\r\nHost: x\r\n\r\n");
    WAIT_FOR(f, f->huge_done);
    n = read_to_eof(fd, all, sizeof(all));
    assert_true(n > 0 && n < HUGE);
    close(fd);
    wait_conns(f, 0);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    assert_int_equal(f->aborts, 0);
    fd = cl_connect(f, 0);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    close(fd);
}

/* The same in a stream: hs_write says -1, and the handler's hs_end right
 * after it (the gateway's final chunk) ends the request once. */
static void test_write_over_cap_then_end(void **state)
{
    static char all[HUGE];
    struct fixture *f = *state;
    size_t active, conns;
    int fd;

    fd = cl_connect(f, 65536);
    cl_send(fd, "GET /huge-stream HTTP/1.1\r\nHost: x\r\n\r\n");
    WAIT_FOR(f, f->huge_done);
    assert_int_equal(f->huge_rc, -1);
    read_to_eof(fd, all, sizeof(all));
    close(fd);
    wait_conns(f, 0);
    counts(f, &active, &conns);
    assert_int_equal(active, 0);
    assert_int_equal(f->aborts, 0);
}

/* The server's listening socket (it runs in this process): connections
 * it accepts inherit its SO_SNDBUF, and a set SO_SNDBUF stops the kernel
 * from growing theirs (to ~1.3 MB on loopback). */
static int listener_fd(const struct fixture *f)
{
    struct sockaddr_in a;
    socklen_t len, olen;
    int fd, on;

    for (fd = 3; fd < 1024; fd++) {
        len = sizeof(a);
        olen = sizeof(on);
        if (getsockname(fd, (struct sockaddr *)&a, &len) == 0 &&
            a.sin_family == AF_INET && ntohs(a.sin_port) == f->port &&
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) == 0 && on)
            return fd;
    }
    return -1;
}

/* The idle time counts from when the last byte of a response was
 * written, not from when it was queued: a client that reads a big answer
 * late still has all of it for its next request. With small socket
 * buffers on both sides the answer waits in the server's queue while the
 * client sleeps past the idle time (but not past the write timeout). */
static void test_idle_counts_from_written(void **state)
{
    enum { N = 60000 };
    struct fixture *f = *state;
    char head[96], *body = xmalloc(N + 1), *got = xmalloc(N);
    int small = 4096, lfd = listener_fd(f), fd;

    assert_true(lfd >= 0);
    assert_int_equal(
        setsockopt(lfd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
    fd = cl_connect(f, 1024);
    memset(body, 'e', N);
    body[N] = '\0';
    snprintf(head, sizeof(head),
             "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", N);
    cl_send(fd, head);
    cl_send(fd, body);
    clock_sleep_ms(IDLE_MS + 30);
    expect_response(fd, HEAD_200 "Content-Length: 60000\r\n" KEEP);
    cl_recv_n(fd, got, N);
    assert_memory_equal(got, body, N);
    clock_sleep_ms(IDLE_MS / 2);
    cl_send(fd, GET_A);
    expect_response(fd, RESP_A);
    close(fd);
    free(body);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        cmocka_unit_test_setup_teardown(test_respond_over_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_counts_from_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_over_cap_then_end, setup,
                                        teardown),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
