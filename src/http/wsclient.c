/*
 * The blocking WebSocket client (see wsclient.h): a non-blocking socket
 * driven with poll(2) deadlines, the upgrade request and the check of its
 * 101, and a client-role struct ws whose complete messages wait in a
 * queue until wsc_recv_text takes them.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "http/ws.h"
#include "http/wsclient.h"
#include "base/str.h"
#include "base/banned.h"

#define HEAD_MAX      16384 /* the server's 101 response head */
#define READ_SIZE     65536 /* bytes per recv */
#define CLOSE_WAIT_MS 1000  /* how long wsc_close waits for the reply */

struct msg {
    struct msg *next;
    size_t len;
    char data[]; /* len bytes and a NUL */
};

struct wsc {
    int fd;
    long io_timeout; /* ms, for each send */
    struct ws *ws;
    struct msg *head, *tail;
    volatile sig_atomic_t *intr;
    bool we_failed; /* we closed on a protocol error of the server */
    bool discard;   /* closing: drop messages instead of queueing them */
    uint16_t close_code;
    char close_reason[128];
    struct oc_err io_err; /* why the last write failed */
};

struct url {
    char host[256];
    char port[6];
    char *authority; /* for Host: as written */
    char *target;    /* path and query, at least "/" */
};

/* ---- URLs ---- */

static int url_port(const char *s, size_t n, struct url *u)
{
    size_t i;
    long v = 0;

    if (n == 0 || n > 5)
        return OC_EINVAL;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return OC_EINVAL;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > 65535)
        return OC_EINVAL;
    snprintf(u->port, sizeof(u->port), "%ld", v);
    return 0;
}

/* Split "host", "host:port", "[v6]" or "[v6]:port". */
static int url_authority(const char *a, size_t n, struct url *u)
{
    const char *host = a, *colon;
    size_t hlen;

    if (n > 0 && a[0] == '[') {
        colon = memchr(a, ']', n);
        if (!colon)
            return OC_EINVAL;
        host = a + 1;
        hlen = (size_t)(colon - host);
        colon++;
        if (colon < a + n && *colon != ':')
            return OC_EINVAL;
    } else {
        colon = memchr(a, ':', n);
        hlen = colon ? (size_t)(colon - a) : n;
    }
    if (hlen == 0 || hlen >= sizeof(u->host) || memchr(a, '@', n))
        return OC_EINVAL;
    memcpy(u->host, host, hlen);
    u->host[hlen] = '\0';
    if (colon && colon < a + n)
        return url_port(colon + 1, (size_t)(a + n - colon - 1), u);
    str_copy(u->port, sizeof(u->port), "80");
    return 0;
}

static int url_parse(const char *s, struct url *u, struct oc_err *err)
{
    const char *a, *p;
    size_t i, alen, plen;

    memset(u, 0, sizeof(*u));
    if (strncasecmp(s, "wss://", 6) == 0)
        return oc_err_set(err, OC_EINVAL,
                          "wss:// is not supported; use an SSH tunnel or a "
                          "TLS terminator and a ws:// URL");
    if (strncasecmp(s, "ws://", 5) != 0)
        return oc_err_set(err, OC_EINVAL, "'%s' is not a ws:// URL", s);
    for (i = 0; s[i]; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
            return oc_err_set(err, OC_EINVAL,
                              "the URL has spaces or control characters");
    a = s + 5;
    alen = strcspn(a, "/?#");
    if (url_authority(a, alen, u))
        return oc_err_set(err, OC_EINVAL, "bad host or port in '%s'", s);
    p = a + alen;
    plen = strcspn(p, "#");
    u->authority = xmemdupz(a, alen);
    u->target =
        *p == '/' ? xmemdupz(p, plen) : xasprintf("/%.*s", (int)plen, p);
    return 0;
}

static void url_release(struct url *u)
{
    free(u->authority);
    free(u->target);
}

/* ---- waiting ---- */

static long remaining(int64_t deadline)
{
    int64_t left;

    if (deadline < 0)
        return -1;
    left = deadline - clock_mono_ms();
    return left > 0 ? (long)left : 0;
}

/* One ppoll for events on fd until deadline (< 0: none), with the signal
 * mask (NULL: the current one): 0 ready, OC_ETIMEDOUT, WSC_EINTR, OC_EIO. */
static int poll_once(int fd, short events, int64_t deadline,
                     const sigset_t *mask)
{
    struct pollfd pfd = {fd, events, 0};
    long ms = remaining(deadline);
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};
    int n = ppoll(&pfd, 1, ms < 0 ? NULL : &ts, mask);

    if (n > 0)
        return 0;
    if (n == 0)
        return OC_ETIMEDOUT;
    return errno == EINTR ? WSC_EINTR : OC_EIO;
}

/* Wait for events on fd until deadline, through signals. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    int rc;

    while ((rc = poll_once(fd, events, deadline, NULL)) == WSC_EINTR)
        ;
    return rc;
}

/*
 * Wait until the socket is readable: 0, OC_ETIMEDOUT, OC_EIO or WSC_EINTR.
 * With an interrupt flag, only the flag stops the wait, and signals stay
 * blocked except inside ppoll, so a handler that sets it after we looked
 * still wakes us. Without one, any signal handler does.
 */
static int wait_readable(const struct wsc *c, int64_t deadline)
{
    sigset_t all, old;
    int rc;

    if (!c->intr)
        return poll_once(c->fd, POLLIN, deadline, NULL);
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    do {
        rc = *c->intr ? WSC_EINTR : poll_once(c->fd, POLLIN, deadline, &old);
    } while (rc == WSC_EINTR && !*c->intr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

static int send_all(int fd, const char *p, size_t n, int64_t deadline,
                    struct oc_err *err)
{
    ssize_t w;
    int rc;

    while (n > 0) {
        w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return oc_err_errno(err, OC_EIO, "cannot send to the server");
        rc = wait_fd(fd, POLLOUT, deadline);
        if (rc == OC_ETIMEDOUT)
            return oc_err_set(err, rc, "timed out sending to the server");
        if (rc)
            return oc_err_errno(err, OC_EIO, "cannot send to the server");
    }
    return 0;
}

/* ---- connecting ---- */

/* Wait for a non-blocking connect to finish: 0, or the errno it failed
 * with (ETIMEDOUT at the deadline). */
static int connect_wait(int fd, int64_t deadline)
{
    int rc = wait_fd(fd, POLLOUT, deadline), soerr = 0;
    socklen_t len = sizeof(soerr);

    if (rc == OC_ETIMEDOUT)
        return ETIMEDOUT;
    if (rc)
        return errno;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
        return errno;
    return soerr;
}

/* Connect to one address: 0 with *fdp, OC_ETIMEDOUT, or OC_EIO with errno
 * saying why. */
static int connect_one(const struct addrinfo *ai, int64_t deadline, int *fdp)
{
    int fd, e = 0, one = 1;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                ai->ai_protocol);
    if (fd < 0)
        return OC_EIO;
    /* interrupted, a non-blocking connect goes on in the background */
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)
        e = errno == EINPROGRESS || errno == EINTR ? connect_wait(fd, deadline)
                                                   : errno;
    if (e) {
        close(fd);
        errno = e;
        return e == ETIMEDOUT ? OC_ETIMEDOUT : OC_EIO;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    *fdp = fd;
    return 0;
}

static int dial(const struct url *u, int64_t deadline, int *fdp,
                struct oc_err *err)
{
    struct addrinfo hints, *res = NULL, *ai;
    int rc = OC_EIO, gai;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
    gai = getaddrinfo(u->host, u->port, &hints, &res);
    if (gai != 0)
        return oc_err_set(err, OC_EIO, "cannot resolve '%s': %s", u->host,
                          gai_strerror(gai));
    errno = ECONNREFUSED;
    for (ai = res; ai && rc; ai = ai->ai_next) {
        rc = connect_one(ai, deadline, fdp);
        if (rc == OC_ETIMEDOUT)
            break;
    }
    if (rc == OC_ETIMEDOUT)
        oc_err_set(err, rc, "timed out connecting to %s", u->authority);
    else if (rc)
        oc_err_errno(err, rc, "cannot connect to %s", u->authority);
    freeaddrinfo(res);
    return rc;
}

/* ---- the handshake ---- */

/* Read until the end of the response head; b holds it and what follows. */
static int read_head(int fd, struct buf *b, int64_t deadline, size_t *head,
                     struct oc_err *err)
{
    char chunk[4096];
    const char *end;
    ssize_t n;
    int rc;

    for (;;) {
        end = memmem(b->p, b->len, "\r\n\r\n", 4);
        if (end) {
            *head = (size_t)(end - b->p) + 4;
            return 0;
        }
        rc = wait_fd(fd, POLLIN, deadline);
        if (rc == OC_ETIMEDOUT)
            return oc_err_set(err, rc,
                              "timed out waiting for the "
                              "server's handshake response");
        n = rc ? -1 : recv(fd, chunk, sizeof(chunk), 0);
        if (n == 0)
            return oc_err_set(err, OC_EIO,
                              "the server closed the "
                              "connection during the handshake");
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            return oc_err_errno(err, OC_EIO, "cannot read from the server");
        if (buf_add(b, chunk, (size_t)n))
            return oc_err_set(err, OC_EPARSE,
                              "the server's handshake "
                              "response is too long");
    }
}

struct head_fields {
    const char *upgrade, *connection, *accept, *extensions, *protocol;
};

static void head_pick(struct head_fields *f, const char *name, const char *v)
{
    if (strcasecmp(name, "upgrade") == 0)
        f->upgrade = v;
    else if (strcasecmp(name, "connection") == 0)
        f->connection = v;
    else if (strcasecmp(name, "sec-websocket-accept") == 0)
        f->accept = v;
    else if (strcasecmp(name, "sec-websocket-extensions") == 0)
        f->extensions = v;
    else if (strcasecmp(name, "sec-websocket-protocol") == 0)
        f->protocol = v;
}

/* NUL-terminate each field line in place and pick the fields we check. */
static void head_scan(char *p, struct head_fields *f)
{
    char *line = strstr(p, "\r\n"), *e, *colon, *v, *end;

    memset(f, 0, sizeof(*f));
    while (line && (e = strstr(line + 2, "\r\n")) != NULL) {
        line += 2;
        *e = '\0';
        colon = strchr(line, ':');
        if (colon) {
            *colon = '\0';
            for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
                ;
            for (end = e; end > v && (end[-1] == ' ' || end[-1] == '\t');)
                *--end = '\0';
            head_pick(f, line, v);
        }
        line = e;
    }
}

/* The status line, made printable, for error messages. */
static void status_line(const char *p, char *out, size_t outsz)
{
    size_t i, n = strcspn(p, "\r\n");

    if (n >= outsz)
        n = outsz - 1;
    for (i = 0; i < n; i++)
        out[i] = (unsigned char)p[i] < ' ' || p[i] == 0x7f ? '?' : p[i];
    out[n] = '\0';
}

static int check_head(char *p, const char *key, struct oc_err *err)
{
    struct head_fields f;
    char status[128];
    const char *s;

    status_line(p, status, sizeof(status));
    if (strncmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9' ||
        p[8] != ' ')
        return oc_err_set(err, OC_EPARSE, "not an HTTP response: '%s'", status);
    s = p + 9;
    if (strncmp(s, "101", 3) != 0 || (s[3] != ' ' && s[3] != '\r'))
        return oc_err_set(err, OC_EIO,
                          "the server refused the WebSocket upgrade: %s",
                          status);
    head_scan(p, &f);
    if (f.extensions || f.protocol)
        return oc_err_set(err, OC_EPARSE,
                          "the server chose an %s we did not offer",
                          f.extensions ? "extension" : "subprotocol");
    return ws_handshake_verify(key, f.upgrade, f.connection, f.accept, err);
}

static int handshake(struct wsc *c, const struct url *u, int64_t deadline,
                     struct buf *rest, struct oc_err *err)
{
    char key[WS_KEY_LEN + 1];
    struct buf req;
    size_t head = 0;
    int rc;

    if ((rc = ws_handshake_key(key, err)) != 0)
        return rc;
    buf_init(&req, 0);
    buf_addf(&req,
             "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
             "Sec-WebSocket-Version: 13\r\nUser-Agent: openclaw-c/%s\r\n\r\n",
             u->target, u->authority, key, OC_VERSION);
    rc = send_all(c->fd, req.p, req.len, deadline, err);
    buf_release(&req);
    if (!rc)
        rc = read_head(c->fd, rest, deadline, &head, err);
    if (!rc) {
        rest->p[head - 2] = '\0'; /* keep one CRLF to end the last line */
        rc = check_head(rest->p, key, err);
        memmove(rest->p, rest->p + head, rest->len - head);
        buf_truncate(rest, rest->len - head);
    }
    return rc;
}

/* ---- the session's callbacks ---- */

static void on_text(void *arg, const char *p, size_t n)
{
    struct wsc *c = arg;
    struct msg *m;

    if (c->discard)
        return;
    m = xmalloc(st_add(sizeof(*m), st_add(n, 1)));
    m->next = NULL;
    m->len = n;
    memcpy(m->data, p, n);
    m->data[n] = '\0';
    if (c->tail)
        c->tail->next = m;
    else
        c->head = m;
    c->tail = m;
}

static void on_close(void *arg, uint16_t code, const char *reason)
{
    struct wsc *c = arg;

    c->close_code = code;
    str_copy(c->close_reason, sizeof(c->close_reason), reason);
}

static int on_write(void *arg, const void *p, size_t n)
{
    struct wsc *c = arg;
    int64_t deadline = clock_mono_ms() + c->io_timeout;

    return send_all(c->fd, p, n, deadline, &c->io_err) ? -1 : 0;
}

struct wsc *wsc_connect(const char *url, long timeout_ms, struct oc_err *err)
{
    static const struct ws_callbacks cb = {on_text, NULL, NULL, on_close,
                                           on_write};
    struct ws_config cfg = {0, WSC_MAX_MESSAGE, 0};
    int64_t deadline;
    struct wsc *c = NULL;
    struct buf rest;
    struct url u;
    int fd = -1;

    if (timeout_ms <= 0)
        timeout_ms = WSC_DEFAULT_TIMEOUT_MS;
    deadline = clock_mono_ms() + timeout_ms;
    buf_init(&rest, HEAD_MAX);
    if (url_parse(url, &u, err) || dial(&u, deadline, &fd, err))
        goto out;
    c = xcalloc(1, sizeof(*c));
    c->fd = fd;
    c->io_timeout = timeout_ms;
    if (handshake(c, &u, deadline, &rest, err)) {
        close(fd);
        FREE_AND_NULL(c);
        goto out;
    }
    c->ws = ws_new(true, &cfg, &cb, c);
    if (rest.len && ws_feed(c->ws, rest.p, rest.len) == OC_EPARSE)
        c->we_failed = true;
    ws_flush(c->ws);
out:
    url_release(&u);
    buf_release(&rest);
    return c;
}

/* ---- using the connection ---- */

static int closed_error(const struct wsc *c, struct oc_err *err)
{
    if (c->close_code == 1006)
        return oc_err_set(err, OC_EIO, "the connection to the server broke");
    if (c->we_failed)
        return oc_err_set(err, WSC_ECLOSED,
                          "the server broke the WebSocket protocol (%u %s)",
                          c->close_code, c->close_reason);
    return oc_err_set(err, WSC_ECLOSED, "closed by the server: %u%s%s",
                      c->close_code, *c->close_reason ? " " : "",
                      c->close_reason);
}

int wsc_send_text(struct wsc *c, const char *p, size_t n, struct oc_err *err)
{
    int rc;

    if (ws_closed(c->ws))
        return closed_error(c, err);
    rc = ws_send_text(c->ws, p, n);
    if (rc == OC_EINVAL)
        return oc_err_set(err, rc, "the message is not valid UTF-8");
    if (rc == OC_ETOOBIG)
        return oc_err_set(err, rc, "the message is too big (%zu bytes)", n);
    if (rc)
        return oc_err_set(err, rc, "cannot send the message");
    if (ws_flush(c->ws)) {
        if (err)
            *err = c->io_err;
        return c->io_err.code;
    }
    return 0;
}

/* Read what the socket has and feed it to the session: 0 or OC_EIO. */
static int pump(struct wsc *c, struct oc_err *err)
{
    char chunk[READ_SIZE];
    ssize_t n = recv(c->fd, chunk, sizeof(chunk), 0);

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n <= 0) {
        if (n < 0)
            oc_err_errno(err, OC_EIO, "cannot read from the server");
        ws_lost(c->ws);
        return n < 0 ? OC_EIO : 0;
    }
    if (ws_feed(c->ws, chunk, (size_t)n) == OC_EPARSE)
        c->we_failed = true;
    ws_flush(c->ws); /* pongs, close replies */
    return 0;
}

static void take(struct wsc *c, char **out, size_t *len)
{
    struct msg *m = c->head;

    c->head = m->next;
    if (!c->head)
        c->tail = NULL;
    *len = m->len;
    memmove(m, m->data, m->len + 1); /* the caller frees the block */
    *out = (char *)m;
}

int wsc_recv_text(struct wsc *c, char **out, size_t *len, long timeout_ms,
                  struct oc_err *err)
{
    int64_t deadline = timeout_ms < 0 ? -1 : clock_mono_ms() + timeout_ms;
    int rc;

    for (;;) {
        if (c->head) {
            take(c, out, len);
            return 0;
        }
        if (ws_closed(c->ws))
            return closed_error(c, err);
        rc = wait_readable(c, deadline);
        if (rc == OC_ETIMEDOUT)
            return oc_err_set(err, rc, "timed out waiting for the server");
        if (rc == WSC_EINTR)
            return oc_err_set(err, rc, "interrupted");
        if (rc)
            return oc_err_errno(err, rc, "cannot wait for the server");
        if ((rc = pump(c, err)) != 0)
            return rc;
    }
}

void wsc_set_interrupt(struct wsc *c, volatile sig_atomic_t *flag)
{
    c->intr = flag;
}

int wsc_fd(const struct wsc *c)
{
    return c->fd;
}

bool wsc_pending(const struct wsc *c)
{
    return c->head != NULL;
}

uint16_t wsc_close_code(const struct wsc *c, const char **reason)
{
    if (reason)
        *reason = c->close_reason;
    return ws_closed(c->ws) ? c->close_code : 0;
}

static void drop_messages(struct wsc *c)
{
    struct msg *m;

    while ((m = c->head) != NULL) {
        c->head = m->next;
        free(m);
    }
    c->tail = NULL;
}

void wsc_close(struct wsc *c)
{
    int64_t deadline;

    if (!c)
        return;
    drop_messages(c);
    c->discard = true; /* what still arrives is not wanted */
    if (!ws_closed(c->ws)) {
        if (c->io_timeout > CLOSE_WAIT_MS)
            c->io_timeout = CLOSE_WAIT_MS;
        deadline = clock_mono_ms() + c->io_timeout;
        ws_close(c->ws, 1000, NULL);
        ws_flush(c->ws);
        while (!ws_closed(c->ws) && wait_fd(c->fd, POLLIN, deadline) == 0 &&
               pump(c, NULL) == 0)
            ;
    }
    ws_free(c->ws);
    close(c->fd);
    free(c);
}
