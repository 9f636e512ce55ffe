/*
 * The HTTP server (http/server.c, http/server_out.c) speaking HTTP/1.1:
 * keep-alive, pipelining, 100-continue, timeouts, malformed requests,
 * streamed and HEAD responses (the fixture: tests/support/hs_fixture.h).
 * The flow of output and the end of connections: test_http_server_flow.c.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "hs_fixture.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "base/banned.h"

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
    uint64_t writes;
    size_t n;
    char *body;
    int fd;

    fd = cl_connect(f, 0);
    writes = writes_so_far(f);
    cl_send(fd, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_response(fd, CHUNKED);
    cl_recv_n(fd, got, sizeof(chunks) - 1);
    assert_string_equal(got, chunks);
    /* head, three chunks and the end, written in one handler call: one
     * write (one wakeup of the client), not five */
    assert_int_equal(writes_so_far(f) - writes, 1);
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
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
