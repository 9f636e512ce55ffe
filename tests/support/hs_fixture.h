/*
 * The fixture of the HTTP server tests (test_http_server*.c): the server
 * on its own libuv loop in a thread, on 127.0.0.1 and a port the kernel
 * picks, with small timeouts and output limits, a handler with one path
 * per behaviour, and a blocking-socket client for the test thread.
 *
 * Paths: /a /b (small answers), /echo, /stream (three writes), /slow (a
 * timer answers), /big (chunks until congested, more after each drain),
 * /flood (chunks regardless of congestion), /hold (a stream that never
 * ends), /release (the handler cuts its own stream), /huge (one answer
 * far over the output cap), /huge-stream (one write far over the cap,
 * then hs_end).
 */
#ifndef OC_TEST_HS_FIXTURE_H
#define OC_TEST_HS_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "http/server.h"

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
#define HUGE       (16u << 20) /* "/huge" and "/huge-stream" send this */

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
    uint64_t writes;
    /* what the loop thread saw (under mu) */
    char log[512]; /* "+/path " handed over, "-/path " answered later */
    int handled;
    size_t max_active;
    int drains, aborts;
    int64_t abort_ms, congested_ms;
    bool abort_flag;       /* hs_aborted() in on_abort */
    int write_after_abort; /* hs_write() in on_abort */
    size_t abort_pending;  /* hs_pending() in on_abort */
    bool abort_in_write;   /* on_abort ran inside the pump's hs_write */
    bool congested;
    size_t congested_pending;
    size_t sent;    /* body bytes "/big" or "/flood" queued */
    int write_rc;   /* the last hs_write() of the pump */
    bool ended;     /* "/big" ended its response */
    int huge_rc;    /* "/huge-stream": its hs_write() */
    bool huge_done; /* "/huge" or "/huge-stream" came back from the server */
};

void run_on_loop(struct fixture *f, void (*cmd)(struct fixture *));
void cmd_drain(struct fixture *f);
int setup(void **state);
int setup_cap2(void **state);
int teardown(void **state);
void counts(struct fixture *f, size_t *active, size_t *conns);
/* hs_writes of the server now. */
uint64_t writes_so_far(struct fixture *f);
void wait_conns(struct fixture *f, size_t want);
int64_t wait_begin(struct fixture *f);
bool wait_done(struct fixture *f, int64_t until, bool ok, const char *what);
int try_connect(const struct fixture *f, int rcvbuf, int *fd);
int cl_connect(const struct fixture *f, int rcvbuf);
void cl_send(int fd, const char *s);
void cl_recv_n(int fd, char *p, size_t n);
void expect_response(int fd, const char *want);
int64_t expect_eof(int fd);
size_t read_to_eof(int fd, char *p, size_t cap);
void expect_silence(int fd, int ms);
void read_line(int fd, char *line, size_t cap);
char *read_chunked(int fd, size_t *len);
void error_response(int status, const char *text, const char *reason, char *out,
                    size_t outsz);
void assert_log(struct fixture *f, const char *want);
bool logged(struct fixture *f, const char *what);

/* Wait until cond (over f's fields, read under f->mu) holds. */
#define WAIT_FOR(f, cond)                                                      \
    do {                                                                       \
        int64_t until_ = wait_begin(f);                                        \
        while (!wait_done((f), until_, (cond), #cond))                         \
            continue;                                                          \
    } while (0)

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

#endif
