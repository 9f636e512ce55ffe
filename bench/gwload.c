/*
 * gwload: an HTTP/1.1 load client for bench/gateway.sh (make bench).
 *
 *   gwload [-c CONC] [-n COUNT] [-w WARMUP] [-b BODYFILE] [-H 'Name: v']...
 *          [-m MATCH] [-p PID] [-t SECONDS] PORT PATH
 *
 * Sends WARMUP + COUNT requests (POST with the body of BODYFILE, else GET)
 * to 127.0.0.1:PORT PATH, each on a new connection ("Connection: close"),
 * at most CONC in flight (1: strictly sequential), and reads every
 * response to its end (Content-Length, chunked, or EOF). A response is
 * "ok" when its status is 200, it ended properly and its body (chunked
 * framing removed) contains MATCH. With -p it samples /proc/PID/status
 * every 50 ms and reports the largest VmRSS seen, the VmRSS when all CONC
 * responses had started, and VmHWM at the end. Prints one line of
 * key=value pairs; times are microseconds from just before connect() to
 * the first response byte (fb_) and to the end of the response; warm-up
 * requests are not counted, the wall time starts after them:
 *   n= ok= fail= wall_us= p50_us= p90_us= p99_us= max_us= fb_p50_us=
 *   fb_p90_us= fb_p99_us= [rss_max_kb= rss_all_open_kb= hwm_kb=]
 *   [first_error=...]
 * Exit 0 once all requests ended or -t SECONDS passed (default 120); 2 on
 * bad arguments. One epoll loop, no threads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* where a connection is in reading its response */
enum { R_HEAD, R_CLEN, R_EOF, R_CSIZE, R_CDATA, R_CCRLF, R_CTRAIL, R_DONE };

struct conn {
    int fd;
    int counted; /* not a warm-up request */
    size_t sent;
    int state;
    int status;
    long long rem; /* bytes left: Content-Length or the current chunk */
    char *head, *body;
    size_t hlen, hcap, blen, bcap;
    char line[256]; /* a chunk-size, CRLF or trailer line */
    size_t llen;
    int64_t t0, tfirst;
};

static char *req;
static size_t reqlen;
static const char *match;
static int pid = -1;
static char first_error[200];

static int64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void append(char **buf, size_t *len, size_t *cap, const char *d,
                   size_t n)
{
    if (*len + n + 1 > *cap) {
        while (*len + n + 1 > *cap)
            *cap = *cap ? *cap * 2 : 4096;
        *buf = realloc(*buf, *cap);
        if (!*buf) {
            perror("gwload");
            exit(1);
        }
    }
    memcpy(*buf + *len, d, n);
    *len += n;
    (*buf)[*len] = 0;
}

static void set_error(const char *what, const char *detail)
{
    if (!first_error[0])
        snprintf(first_error, sizeof first_error, "%s%s%.160s", what,
                 detail ? ": " : "", detail ? detail : "");
}

static long proc_kb(const char *key)
{
    char path[64], line[256];
    size_t kl = strlen(key);
    long v = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl) && line[kl] == ':') {
            v = strtol(line + kl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* c->head[0..end) is the whole head: status and body framing */
static int parse_head(struct conn *c, size_t end)
{
    char *p, *h, *eol;

    if (sscanf(c->head, "HTTP/1.%*d %d", &c->status) != 1)
        return -1;
    c->state = R_EOF;
    for (p = strstr(c->head, "\r\n"); p && (size_t)(p - c->head) + 4 < end;
         p = strstr(p + 2, "\r\n")) {
        h = p + 2;
        eol = strstr(h, "\r\n");
        if (!strncasecmp(h, "content-length:", 15)) {
            c->rem = strtoll(h + 15, NULL, 10);
            c->state = c->rem > 0 ? R_CLEN : R_DONE;
        } else if (!strncasecmp(h, "transfer-encoding:", 18)) {
            char *ch = strcasestr(h, "chunked");
            if (ch && ch < eol)
                c->state = R_CSIZE;
        }
    }
    return 0;
}

/* a line of the chunked framing ended: what comes next */
static int chunk_line(struct conn *c)
{
    int empty = c->llen <= 2;
    char *e;

    c->line[c->llen] = 0;
    c->llen = 0;
    switch (c->state) {
    case R_CCRLF:
        if (!empty)
            return -1;
        c->state = R_CSIZE;
        return 0;
    case R_CTRAIL:
        if (empty)
            c->state = R_DONE;
        return 0;
    default:
        c->rem = strtoll(c->line, &e, 16);
        if (e == c->line || c->rem < 0)
            return -1;
        c->state = c->rem ? R_CDATA : R_CTRAIL;
        return 0;
    }
}

/* body bytes; -1 on a framing error */
static int feed_body(struct conn *c, const char *d, size_t n)
{
    size_t k;

    while (n > 0 && c->state != R_DONE) {
        switch (c->state) {
        case R_EOF:
            append(&c->body, &c->blen, &c->bcap, d, n);
            return 0;
        case R_CLEN:
        case R_CDATA:
            k = n < (size_t)c->rem ? n : (size_t)c->rem;
            append(&c->body, &c->blen, &c->bcap, d, k);
            d += k;
            n -= k;
            c->rem -= (long long)k;
            if (c->rem == 0)
                c->state = c->state == R_CLEN ? R_DONE : R_CCRLF;
            break;
        default: /* R_CSIZE, R_CCRLF, R_CTRAIL: line by line */
            if (c->llen + 1 >= sizeof c->line)
                return -1;
            c->line[c->llen++] = *d;
            n--;
            if (*d++ == '\n' && chunk_line(c) < 0)
                return -1;
            break;
        }
    }
    return 0;
}

static int open_conn(struct conn *c, int ep, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP};
    int one = 1;

    memset(c, 0, sizeof *c);
    c->t0 = now_us();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        set_error("socket", strerror(errno));
        return -1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0 &&
        errno != EINPROGRESS) {
        set_error("connect", strerror(errno));
        close(c->fd);
        return -1;
    }
    ev.data.ptr = c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
    return 0;
}

/* Reads what there is. Returns 0 while the response is unfinished, 1 when
 * it ended well, -1 when it failed; *headed is set when its head is in. */
static int on_readable(struct conn *c, int *headed)
{
    static char buf[65536];
    ssize_t r;
    size_t n, end, old;
    const char *d;
    char *e;

    for (;;) {
        r = recv(c->fd, buf, sizeof buf, 0);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        if (r < 0) {
            set_error("recv", strerror(errno));
            return -1;
        }
        if (r == 0) {
            if (c->state == R_EOF || c->state == R_DONE)
                return 1;
            set_error(c->state == R_HEAD ? "closed before a response"
                                         : "response cut short",
                      NULL);
            return -1;
        }
        if (!c->tfirst)
            c->tfirst = now_us();
        d = buf;
        n = (size_t)r;
        if (c->state == R_HEAD) {
            old = c->hlen;
            append(&c->head, &c->hlen, &c->hcap, d, n);
            e = strstr(c->head, "\r\n\r\n");
            if (!e) {
                if (c->hlen <= 65536)
                    continue;
                set_error("response head too long", NULL);
                return -1;
            }
            end = (size_t)(e - c->head) + 4;
            if (parse_head(c, end) < 0) {
                set_error("bad status line", c->head);
                return -1;
            }
            *headed = 1;
            d += end - old;
            n -= end - old;
        }
        if (feed_body(c, d, n) < 0) {
            set_error("bad chunked framing", NULL);
            return -1;
        }
        if (c->state == R_DONE)
            return 1;
    }
}

/* the response ended (rc 1) or failed (-1): was it the one wanted? */
static int judge(const struct conn *c, int rc)
{
    char s[16];

    if (rc < 0)
        return 0;
    if (c->status != 200) {
        snprintf(s, sizeof s, "status %d", c->status);
        set_error(s, c->body);
        return 0;
    }
    if (match && (!c->body || !strstr(c->body, match))) {
        set_error("MATCH not in the body", c->body);
        return 0;
    }
    return 1;
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* nearest-rank percentile of sorted v[0..n) */
static long long pct(const int64_t *v, int n, int p)
{
    int i = (int)(((int64_t)n * p + 99) / 100) - 1;

    if (n == 0)
        return -1;
    return (long long)v[i < 0 ? 0 : i];
}

static void build_request(const char *path, int port, const char *hdrs,
                          const char *bodyfile)
{
    char head[9000], buf[4096], *body = NULL;
    size_t blen = 0, bcap = 0, rcap = 0, k;
    int hn;
    FILE *f;

    if (bodyfile) {
        f = fopen(bodyfile, "rb");
        if (!f) {
            perror(bodyfile);
            exit(2);
        }
        while ((k = fread(buf, 1, sizeof buf, f)) > 0)
            append(&body, &blen, &bcap, buf, k);
        fclose(f);
    }
    hn = snprintf(head, sizeof head,
                  "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s"
                  "Connection: close\r\n",
                  bodyfile ? "POST" : "GET", path, port, hdrs);
    append(&req, &reqlen, &rcap, head, (size_t)hn);
    if (bodyfile) {
        hn = snprintf(head, sizeof head, "Content-Length: %zu\r\n", blen);
        append(&req, &reqlen, &rcap, head, (size_t)hn);
    }
    append(&req, &reqlen, &rcap, "\r\n", 2);
    if (blen)
        append(&req, &reqlen, &rcap, body, blen);
    free(body);
}

static void usage(void)
{
    fprintf(stderr, "usage: gwload [-c CONC] [-n COUNT] [-w WARMUP] "
                    "[-b BODYFILE] [-H 'Name: value']... [-m MATCH] "
                    "[-p PID] [-t SECONDS] PORT PATH\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int conc = 1, count = 1, warm = 0, timeout_s = 120, opt, port, total;
    int nfree, launched = 0, finished = 0, ok = 0, started = 0, ne, i;
    int rc, headed;
    const char *bodyfile = NULL;
    char hdrs[8192] = "";
    struct conn *conns, **free_slots, *c;
    int64_t *lat, *fb, wall0 = 0, deadline = 0, last_sample = 0, t;
    long rss_max = -1, rss_all_open = -1, r;
    struct epoll_event evs[256], ev;
    int ep;

    while ((opt = getopt(argc, argv, "c:n:w:b:H:m:p:t:")) != -1) {
        switch (opt) {
        case 'c':
            conc = atoi(optarg);
            break;
        case 'n':
            count = atoi(optarg);
            break;
        case 'w':
            warm = atoi(optarg);
            break;
        case 'b':
            bodyfile = optarg;
            break;
        case 'H':
            if (strlen(hdrs) + strlen(optarg) + 3 >= sizeof hdrs)
                usage();
            strcat(hdrs, optarg);
            strcat(hdrs, "\r\n");
            break;
        case 'm':
            match = optarg;
            break;
        case 'p':
            pid = atoi(optarg);
            break;
        case 't':
            timeout_s = atoi(optarg);
            break;
        default:
            usage();
        }
    }
    if (argc - optind != 2 || conc < 1 || count < 1 || warm < 0)
        usage();
    port = atoi(argv[optind]);
    build_request(argv[optind + 1], port, hdrs, bodyfile);

    total = warm + count;
    if (conc > total)
        conc = total;
    conns = calloc((size_t)conc, sizeof *conns);
    free_slots = calloc((size_t)conc, sizeof *free_slots);
    lat = calloc((size_t)count, sizeof *lat);
    fb = calloc((size_t)count, sizeof *fb);
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (!conns || !free_slots || !lat || !fb || ep < 0) {
        perror("gwload");
        return 1;
    }
    for (nfree = 0; nfree < conc; nfree++)
        free_slots[nfree] = &conns[conc - 1 - nfree];

    for (;;) {
        while (nfree > 0 && launched < total) {
            c = free_slots[--nfree];
            if (launched == warm) {
                wall0 = now_us();
                deadline = wall0 + (int64_t)timeout_s * 1000000;
            }
            launched++;
            if (open_conn(c, ep, port) < 0) {
                finished++;
                free_slots[nfree++] = c;
            } else {
                c->counted = launched > warm;
            }
        }
        if (finished >= total)
            break;
        t = now_us();
        if (wall0 && t > deadline) {
            set_error("timeout", NULL);
            break;
        }
        if (pid > 0 && t - last_sample >= 50000) {
            r = proc_kb("VmRSS");
            if (r > rss_max)
                rss_max = r;
            last_sample = t;
        }
        ne = epoll_wait(ep, evs, 256, pid > 0 ? 20 : 1000);
        for (i = 0; i < ne; i++) {
            c = evs[i].data.ptr;
            rc = 0;
            headed = 0;
            if (c->sent < reqlen) {
                ssize_t w =
                    send(c->fd, req + c->sent, reqlen - c->sent, MSG_NOSIGNAL);
                if (w > 0 && (c->sent += (size_t)w) == reqlen) {
                    ev.events = EPOLLIN | EPOLLRDHUP;
                    ev.data.ptr = c;
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                } else if (w < 0 && errno != EAGAIN) {
                    set_error("send", strerror(errno));
                    rc = -1;
                }
            }
            if (rc == 0)
                rc = on_readable(c, &headed);
            if (headed && ++started == conc && conc > 1 && pid > 0)
                rss_all_open = proc_kb("VmRSS");
            if (rc == 0)
                continue;
            if (judge(c, rc) && c->counted) {
                lat[ok] = now_us() - c->t0;
                fb[ok] = c->tfirst - c->t0;
                ok++;
            }
            close(c->fd);
            free(c->head);
            free(c->body);
            c->head = c->body = NULL;
            finished++;
            free_slots[nfree++] = c;
        }
    }
    t = now_us() - wall0;
    qsort(lat, (size_t)ok, sizeof *lat, cmp64);
    qsort(fb, (size_t)ok, sizeof *fb, cmp64);
    printf("n=%d ok=%d fail=%d wall_us=%lld p50_us=%lld p90_us=%lld "
           "p99_us=%lld max_us=%lld fb_p50_us=%lld fb_p90_us=%lld "
           "fb_p99_us=%lld",
           count, ok, count - ok, (long long)t, pct(lat, ok, 50),
           pct(lat, ok, 90), pct(lat, ok, 99),
           (long long)(ok ? lat[ok - 1] : -1), pct(fb, ok, 50), pct(fb, ok, 90),
           pct(fb, ok, 99));
    if (pid > 0)
        printf(" rss_max_kb=%ld rss_all_open_kb=%ld hwm_kb=%ld", rss_max,
               rss_all_open, proc_kb("VmHWM"));
    if (first_error[0]) {
        char *p;
        for (p = first_error; *p; p++)
            if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
                *p = '_';
        printf(" first_error=%s", first_error);
    }
    printf("\n");
    return 0;
}
