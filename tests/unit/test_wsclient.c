/*
 * The blocking WebSocket client (http/wsclient.c) against a small server
 * in a thread of this process, on 127.0.0.1 and a port the kernel picks,
 * that uses http/ws.c for its side: echo, timeouts, close codes, pings,
 * refusals and broken handshakes, broken frames, the interrupt flag.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "testutil.h"
#include "base/clock.h"
#include "base/err.h"
#include "http/ws.h"
#include "http/wsclient.h"
#include "base/banned.h"

#define SERVER_LIMIT_MS 10000 /* the server thread gives up after this */

enum mode {
    M_ECHO,        /* echo texts; "close:<code>", "ping", "burst" commands */
    M_HELLO_FIRST, /* a text message in the same write as the 101 */
    M_CLOSE_FIRST, /* a close frame (1008) in the same write as the 101 */
    M_REFUSE,      /* 401 instead of 101 */
    M_BAD_ACCEPT,  /* a wrong Sec-WebSocket-Accept */
    M_EXTENSION,   /* an extension nobody asked for */
    M_SILENT,      /* never answers the upgrade */
    M_EOF,         /* closes the connection right after the 101 */
    M_BAD_FRAME,   /* sends a masked frame */
    M_STALL,       /* never reads after the 101 */
};

struct server {
    enum mode mode;
    int lfd, port, fd;
    int stop[2]; /* a pipe: written to stop the thread */
    pthread_t thread;
    struct ws *ws;
    /* what the thread saw, read after the join */
    char request[2048];
    uint16_t close_code;
    char close_reason[128];
    int texts;
};

/* ---- the server thread ---- */

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    ssize_t w;

    while (n > 0) {
        w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int srv_write(void *arg, const void *p, size_t n)
{
    struct server *s = arg;

    return send_all(s->fd, p, n);
}

static void srv_text(void *arg, const char *p, size_t n)
{
    struct server *s = arg;

    s->texts++;
    if (strncmp(p, "close:", 6) == 0) {
        ws_close(s->ws, (uint16_t)strtoul(p + 6, NULL, 10), "bye");
    } else if (strcmp(p, "ping") == 0) {
        ws_send_ping(s->ws, "are you there", 13);
    } else if (strcmp(p, "burst") == 0) {
        ws_send_text(s->ws, "m0", 2);
        ws_send_text(s->ws, "m1", 2);
        ws_send_text(s->ws, "m2", 2);
    } else {
        ws_send_text(s->ws, p, n);
    }
}

static void srv_pong(void *arg, const void *p, size_t n)
{
    struct server *s = arg;

    if (n == 13 && memcmp(p, "are you there", 13) == 0)
        ws_send_text(s->ws, "pong received", 13);
}

static void srv_close(void *arg, uint16_t code, const char *reason)
{
    struct server *s = arg;

    s->close_code = code;
    snprintf(s->close_reason, sizeof(s->close_reason), "%s", reason);
}

/* Wait for fd to be readable: 1, or 0 when stopped or out of time. What
 * the client sent before the test stops us is still read. */
static int srv_wait(const struct server *s, int fd)
{
    struct pollfd pfd[2] = {{fd, POLLIN, 0}, {s->stop[0], POLLIN, 0}};
    int n;

    do {
        n = poll(pfd, 2, SERVER_LIMIT_MS);
    } while (n < 0 && errno == EINTR);
    return n > 0 && (pfd[0].revents || !pfd[1].revents);
}

/* Read the request head into s->request: 0, or -1. */
static int srv_read_head(struct server *s)
{
    size_t len = 0;
    ssize_t n;

    while (!strstr(s->request, "\r\n\r\n")) {
        if (len + 1 >= sizeof(s->request) || !srv_wait(s, s->fd))
            return -1;
        n = recv(s->fd, s->request + len, sizeof(s->request) - 1 - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        s->request[len] = '\0';
    }
    return 0;
}

/* The value of a field of the request head, copied into out; or NULL. */
static const char *field(const char *head, const char *name, char *out,
                         size_t outsz)
{
    const char *line = strstr(head, "\r\n");
    size_t nlen = strlen(name), vlen;

    while (line && strncmp(line, "\r\n\r\n", 4) != 0) {
        line += 2;
        if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
            line += nlen + 1;
            line += strspn(line, " ");
            vlen = strcspn(line, "\r");
            snprintf(out, outsz, "%.*s", (int)vlen, line);
            return out;
        }
        line = strstr(line, "\r\n");
    }
    return NULL;
}

/* Check the upgrade and answer it as the mode says: 0 to go on. */
static int srv_handshake(struct server *s)
{
    char up[64], conn[64], ver[16], key[64], resp[512];
    struct ws_request req = {"GET", 1, NULL, NULL, NULL, NULL};
    struct ws_verdict v;
    size_t n;

    if (srv_read_head(s) || s->mode == M_SILENT)
        return -1;
    req.upgrade = field(s->request, "upgrade", up, sizeof(up));
    req.connection = field(s->request, "connection", conn, sizeof(conn));
    req.version = field(s->request, "sec-websocket-version", ver, sizeof(ver));
    req.key = field(s->request, "sec-websocket-key", key, sizeof(key));
    if (ws_handshake_check(&req, &v) || s->mode == M_REFUSE) {
        n = (size_t)snprintf(resp, sizeof(resp),
                             "HTTP/1.1 401 Unauthorized\r\n"
                             "Content-Length: 0\r\n\r\n");
        send_all(s->fd, resp, n);
        return -1;
    }
    if (s->mode == M_BAD_ACCEPT)
        v.accept[3] ^= 1;
    n = ws_handshake_response(v.accept, resp, sizeof(resp));
    if (s->mode == M_EXTENSION)
        n = (size_t)snprintf(resp + n - 2, sizeof(resp) - n + 2,
                             "Sec-WebSocket-Extensions: permessage-deflate"
                             "\r\n\r\n") +
            n - 2;
    if (s->mode == M_HELLO_FIRST)
        n += (size_t)snprintf(resp + n, sizeof(resp) - n, "\x81\x05hello");
    if (s->mode == M_CLOSE_FIRST)
        n += (size_t)snprintf(resp + n, sizeof(resp) - n,
                              "\x88\x0e\x03\xf0unauthorized");
    if (s->mode == M_BAD_FRAME)
        n += (size_t)snprintf(resp + n, sizeof(resp) - n,
                              "\x81\x82\x01\x02\x03\x04\x69\x6b");
    send_all(s->fd, resp, n);
    return s->mode == M_EOF ? -1 : 0;
}

static void srv_session(struct server *s)
{
    static const struct ws_callbacks cb = {srv_text, NULL, srv_pong, srv_close,
                                           srv_write};
    char chunk[65536];
    ssize_t n;

    s->ws = ws_new(false, NULL, &cb, s);
    if (s->mode == M_STALL) {
        srv_wait(s, s->stop[0]);
        goto out;
    }
    while (!ws_want_close(s->ws) && srv_wait(s, s->fd)) {
        n = recv(s->fd, chunk, sizeof(chunk), 0);
        if (n <= 0) {
            ws_lost(s->ws);
            break;
        }
        ws_feed(s->ws, chunk, (size_t)n);
        ws_flush(s->ws);
    }
out:
    ws_free(s->ws);
    s->ws = NULL;
}

static void *srv_main(void *arg)
{
    struct server *s = arg;

    if (srv_wait(s, s->lfd)) {
        s->fd = accept(s->lfd, NULL, NULL);
        if (s->fd >= 0 && srv_handshake(s) == 0)
            srv_session(s);
        if (s->mode == M_SILENT || s->mode == M_STALL)
            srv_wait(s, s->stop[0]);
        if (s->fd >= 0)
            close(s->fd);
    }
    return NULL;
}

/* ---- starting and stopping it ---- */

static int listen_any(int *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void server_start(struct server *s, enum mode mode)
{
    sigset_t all, old;

    memset(s, 0, sizeof(*s));
    s->mode = mode;
    s->fd = -1;
    s->lfd = listen_any(&s->port);
    assert_int_equal(pipe(s->stop), 0);
    /* the thread blocks every signal: they are for the client's waits */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    assert_int_equal(pthread_create(&s->thread, NULL, srv_main, s), 0);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void server_stop(struct server *s)
{
    assert_int_equal(write(s->stop[1], "x", 1), 1);
    pthread_join(s->thread, NULL);
    close(s->stop[0]);
    close(s->stop[1]);
    close(s->lfd);
}

static struct wsc *connect_to(const struct server *s, long timeout_ms,
                              struct oc_err *err)
{
    char url[64];

    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/chat?x=1", s->port);
    return wsc_connect(url, timeout_ms, err);
}

/* Start a server in mode m and connect to it. */
static struct wsc *open_on(struct server *s, enum mode m)
{
    struct oc_err err;
    struct wsc *c;

    server_start(s, m);
    c = connect_to(s, 0, &err);
    assert_non_null(c);
    return c;
}

static void assert_recv(struct wsc *c, const char *want)
{
    struct oc_err err;
    char *msg = NULL;
    size_t len = 0;

    assert_int_equal(wsc_recv_text(c, &msg, &len, 5000, &err), 0);
    assert_int_equal(len, strlen(want));
    assert_string_equal(msg, want);
    free(msg);
}

/* ---- tests ---- */

static void test_echo(void **state)
{
    char want[80], *big = malloc(1 << 20);
    struct server s;
    struct oc_err err;
    struct wsc *c;
    char *msg;
    size_t len;

    (void)state;
    memset(big, 'b', 1 << 20);
    c = open_on(&s, M_ECHO);
    assert_true(wsc_fd(c) >= 0);
    assert_int_equal(wsc_close_code(c, NULL), 0);
    assert_int_equal(wsc_send_text(c, "hello", 5, &err), 0);
    assert_recv(c, "hello");
    assert_int_equal(wsc_send_text(c, "h\xc3\xa9llo", 6, &err), 0);
    assert_int_equal(wsc_send_text(c, "", 0, &err), 0);
    assert_recv(c, "h\xc3\xa9llo");
    assert_recv(c, "");
    assert_int_equal(wsc_send_text(c, big, 1 << 20, &err), 0);
    assert_int_equal(wsc_recv_text(c, &msg, &len, 5000, &err), 0);
    assert_int_equal(len, 1 << 20);
    assert_memory_equal(msg, big, len);
    assert_int_equal(msg[len], '\0');
    free(msg);
    assert_false(wsc_pending(c));
    wsc_close(c);
    server_stop(&s);
    assert_int_equal(s.close_code, 1000);
    assert_int_equal(s.texts, 4);
    assert_non_null(strstr(s.request, "GET /chat?x=1 HTTP/1.1\r\n"));
    snprintf(want, sizeof(want), "\r\nHost: 127.0.0.1:%d\r\n", s.port);
    assert_non_null(strstr(s.request, want));
    assert_non_null(strstr(s.request, "\r\nUser-Agent: openclaw-c/"));
    free(big);
}

static void test_burst_and_pending(void **state)
{
    struct server s;
    struct oc_err err;
    struct wsc *c;

    (void)state;
    c = open_on(&s, M_ECHO);
    assert_int_equal(wsc_send_text(c, "burst", 5, &err), 0);
    assert_recv(c, "m0");
    /* one write brought all three: the rest wait without the socket
     * being readable */
    assert_true(wsc_pending(c));
    assert_recv(c, "m1");
    assert_recv(c, "m2");
    assert_false(wsc_pending(c));
    wsc_close(c);
    server_stop(&s);
}

static void test_recv_timeout(void **state)
{
    struct server s;
    struct oc_err err;
    struct wsc *c;
    int64_t t0;
    char *msg = NULL;
    size_t len = 0;

    (void)state;
    c = open_on(&s, M_ECHO);
    t0 = clock_mono_ms();
    assert_int_equal(wsc_recv_text(c, &msg, &len, 150, &err), OC_ETIMEDOUT);
    assert_true(clock_mono_ms() - t0 >= 140);
    assert_string_equal(err.msg, "timed out waiting for the server");
    assert_null(msg);
    t0 = clock_mono_ms();
    assert_int_equal(wsc_recv_text(c, &msg, &len, 0, &err), OC_ETIMEDOUT);
    assert_true(clock_mono_ms() - t0 < 1000);
    /* still usable */
    assert_int_equal(wsc_send_text(c, "again", 5, &err), 0);
    assert_recv(c, "again");
    wsc_close(c);
    server_stop(&s);
}

static void test_server_closes(void **state)
{
    struct server s;
    struct oc_err err;
    const char *reason = NULL;
    struct wsc *c;
    char *msg;
    size_t len;

    (void)state;
    c = open_on(&s, M_ECHO);
    assert_int_equal(wsc_send_text(c, "close:4001", 10, &err), 0);
    assert_int_equal(wsc_recv_text(c, &msg, &len, 5000, &err), WSC_ECLOSED);
    assert_string_equal(err.msg, "closed by the server: 4001 bye");
    assert_int_equal(wsc_close_code(c, &reason), 4001);
    assert_string_equal(reason, "bye");
    assert_int_equal(wsc_send_text(c, "x", 1, &err), WSC_ECLOSED);
    assert_int_equal(wsc_recv_text(c, &msg, &len, 0, &err), WSC_ECLOSED);
    wsc_close(c);
    server_stop(&s);
    assert_int_equal(s.close_code, 4001); /* our echo */
}

/* Bytes that come with the 101: a message, a close frame, a bad frame. */
static void test_frames_with_the_101(void **state)
{
    struct server s;
    struct oc_err err;
    struct wsc *c;
    char *msg;
    size_t len;

    (void)state;
    c = open_on(&s, M_HELLO_FIRST);
    assert_recv(c, "hello");
    wsc_close(c);
    server_stop(&s);

    c = open_on(&s, M_CLOSE_FIRST);
    assert_int_equal(wsc_recv_text(c, &msg, &len, 5000, &err), WSC_ECLOSED);
    assert_string_equal(err.msg, "closed by the server: 1008 unauthorized");
    wsc_close(c);
    server_stop(&s);

    c = open_on(&s, M_BAD_FRAME);
    assert_int_equal(wsc_recv_text(c, &msg, &len, 5000, &err), WSC_ECLOSED);
    assert_string_equal(err.msg, "the server broke the WebSocket protocol "
                                 "(1002 masked frame from the server)");
    assert_int_equal(wsc_close_code(c, NULL), 1002);
    wsc_close(c);
    server_stop(&s);
}

static void test_server_pings(void **state)
{
    struct server s;
    struct oc_err err;
    struct wsc *c;

    (void)state;
    c = open_on(&s, M_ECHO);
    assert_int_equal(wsc_send_text(c, "ping", 4, &err), 0);
    /* answered while waiting: the server says so once our pong is in */
    assert_recv(c, "pong received");
    wsc_close(c);
    server_stop(&s);
}

static void assert_connect_fails(enum mode mode, long timeout_ms, int code,
                                 const char *part)
{
    struct server s;
    struct oc_err err;

    server_start(&s, mode);
    assert_null(connect_to(&s, timeout_ms, &err));
    assert_int_equal(err.code, code);
    assert_non_null(strstr(err.msg, part));
    server_stop(&s);
}

static void test_handshake_failures(void **state)
{
    int64_t t0;

    (void)state;
    assert_connect_fails(M_BAD_ACCEPT, 0, OC_EPARSE,
                         "the server's Sec-WebSocket-Accept is wrong");
    assert_connect_fails(M_EXTENSION, 0, OC_EPARSE,
                         "the server chose an extension we did not offer");
    assert_connect_fails(M_REFUSE, 0, OC_EIO,
                         "the server refused the WebSocket upgrade: "
                         "HTTP/1.1 401 Unauthorized");
    t0 = clock_mono_ms();
    assert_connect_fails(M_SILENT, 200, OC_ETIMEDOUT,
                         "timed out waiting for the server's handshake");
    assert_true(clock_mono_ms() - t0 < 3000);
}

static void test_connect_refused(void **state)
{
    struct oc_err err;
    char url[64], want[64];
    int port, fd = listen_any(&port);

    (void)state;
    close(fd); /* nobody listens there now */
    snprintf(url, sizeof(url), "ws://127.0.0.1:%d", port);
    assert_null(wsc_connect(url, 2000, &err));
    assert_int_equal(err.code, OC_EIO);
    snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%d: ", port);
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, strerror(ECONNREFUSED)));
}

static void test_bad_urls(void **state)
{
    static const char *bad[] = {
        "http://127.0.0.1/", "ws:/127.0.0.1",   "ws://",
        "ws://:80/",         "ws://h:0/",       "ws://h:65536/",
        "ws://h:8x/",        "ws://h:/",        "ws://[::1/",
        "ws://[::1]x/",      "ws://user@h/",    "ws://h/a b",
        "ws://h:123456/",    "127.0.0.1:18789", "",
    };
    struct oc_err err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(wsc_connect(bad[i], 100, &err));
        assert_int_equal(err.code, OC_EINVAL);
    }
    assert_null(wsc_connect("wss://gateway.example:443/", 100, &err));
    assert_int_equal(err.code, OC_EINVAL);
    assert_string_equal(err.msg, "wss:// is not supported; use an SSH tunnel "
                                 "or a TLS terminator and a ws:// URL");
    assert_null(wsc_connect("WSS://h/", 100, &err));
    assert_int_equal(err.code, OC_EINVAL);
}

static void test_connection_breaks(void **state)
{
    struct server s;
    struct oc_err err;
    struct wsc *c;
    char *msg;
    size_t len;

    (void)state;
    c = open_on(&s, M_EOF);
    assert_int_equal(wsc_recv_text(c, &msg, &len, 5000, &err), OC_EIO);
    assert_string_equal(err.msg, "the connection to the server broke");
    assert_int_equal(wsc_close_code(c, NULL), 1006);
    assert_int_equal(wsc_send_text(c, "x", 1, &err), OC_EIO);
    wsc_close(c);
    server_stop(&s);
}

static void test_send_timeout(void **state)
{
    size_t n = (size_t)40 << 20;
    char *big = malloc(n);
    struct server s;
    struct oc_err err;
    struct wsc *c;

    (void)state;
    memset(big, 's', n);
    server_start(&s, M_STALL);
    c = connect_to(&s, 300, &err);
    assert_non_null(c);
    assert_int_equal(wsc_send_text(c, "\xff", 1, &err), OC_EINVAL);
    /* more than the socket buffers hold, and nobody reads */
    assert_int_equal(wsc_send_text(c, big, n, &err), OC_ETIMEDOUT);
    assert_string_equal(err.msg, "timed out sending to the server");
    /* a frame cut short ends the session */
    assert_int_equal(wsc_send_text(c, "x", 1, &err), OC_EIO);
    wsc_close(c);
    server_stop(&s);
    free(big);
}

/* ---- Ctrl-C ---- */

static volatile sig_atomic_t interrupted;

static void set_flag(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void do_nothing(int sig)
{
    (void)sig;
}

/* SIGALRM runs handler once after ms (no SA_RESTART). */
static void alarm_in(long ms, void (*handler)(int))
{
    struct itimerval it;
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
    memset(&it, 0, sizeof(it));
    it.it_value.tv_sec = ms / 1000;
    it.it_value.tv_usec = ms % 1000 * 1000;
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static int recv_for(struct wsc *c, long timeout_ms, int64_t *took)
{
    struct oc_err err;
    int64_t t0 = clock_mono_ms();
    char *msg = NULL;
    size_t len;
    int rc = wsc_recv_text(c, &msg, &len, timeout_ms, &err);

    *took = clock_mono_ms() - t0;
    free(msg);
    return rc;
}

static void test_interrupt(void **state)
{
    struct server s;
    struct oc_err err;
    struct wsc *c;
    int64_t took;

    (void)state;
    c = open_on(&s, M_ECHO);
    wsc_set_interrupt(c, &interrupted);
    interrupted = 1; /* already set: no wait at all */
    assert_int_equal(recv_for(c, 5000, &took), WSC_EINTR);
    assert_true(took < 1000);
    interrupted = 0;
    alarm_in(100, set_flag); /* Ctrl-C while waiting */
    assert_int_equal(recv_for(c, 5000, &took), WSC_EINTR);
    assert_true(took >= 90 && took < 3000);
    interrupted = 0;
    /* another signal: the wait goes on */
    alarm_in(50, do_nothing);
    assert_int_equal(recv_for(c, 300, &took), OC_ETIMEDOUT);
    assert_true(took >= 290);
    /* without a flag, any handler ends the wait */
    wsc_set_interrupt(c, NULL);
    alarm_in(50, do_nothing);
    assert_int_equal(recv_for(c, 5000, &took), WSC_EINTR);
    assert_true(took < 3000);
    /* and the client is still usable */
    assert_int_equal(wsc_send_text(c, "still here", 10, &err), 0);
    assert_recv(c, "still here");
    signal(SIGALRM, SIG_DFL);
    wsc_close(c);
    server_stop(&s);
    wsc_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_burst_and_pending),
        cmocka_unit_test(test_recv_timeout),
        cmocka_unit_test(test_server_closes),
        cmocka_unit_test(test_frames_with_the_101),
        cmocka_unit_test(test_server_pings),
        cmocka_unit_test(test_handshake_failures),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_bad_urls),
        cmocka_unit_test(test_connection_breaks),
        cmocka_unit_test(test_send_timeout),
        cmocka_unit_test(test_interrupt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
