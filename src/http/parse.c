/*
 * The strict HTTP/1.1 request parser (see parse.h). The request line and
 * the field lines are copied into the parser's own buffer a line at a time
 * and parsed in place when their line end arrives; chunk-size lines and
 * the CRLF after chunk data are read a byte at a time; body bytes are
 * handed back as pointers into the caller's input. Tested in
 * tests/unit/test_http_parse.c (and against libhttp-parser in
 * test_http_parse_diff.c); fuzzed by fuzz/fuzz_http_parse.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/parse.h"
#include "base/str.h"
#include "base/banned.h"

enum state {
    ST_LINE,     /* the request line, after optional empty lines */
    ST_FIELDS,   /* field lines up to the empty line */
    ST_BODY,     /* Content-Length body bytes */
    ST_SIZE,     /* chunk-size hex digits */
    ST_SIZE_WS,  /* whitespace after the size: only before a ';' */
    ST_EXT,      /* chunk extensions, skipped */
    ST_SIZE_LF,  /* the CR ending a chunk-size line was seen */
    ST_DATA,     /* chunk data bytes */
    ST_DATA_CR,  /* the CR after chunk data */
    ST_DATA_LF,  /* the LF after chunk data */
    ST_TRAILERS, /* trailer field lines up to the empty line */
    ST_END,      /* HTTP_EV_END is due; no input needed */
    ST_DONE,     /* HTTP_EV_END was reported: the next call starts over */
    ST_ERROR
};

/* A chunk-size line (size, extensions, line end) longer than this is
 * refused; 16 hex digits cannot overflow 64 bits. */
#define CHUNK_LINE_MAX   4096u
#define CHUNK_DIGITS_MAX 16u

/* What take_line() did with the current line. */
enum take { TAKE_MORE, TAKE_DONE, TAKE_OVER };

static int fail(struct hparser *p, int status, const char *reason)
{
    p->state = ST_ERROR;
    p->error_status = status;
    p->error_reason = reason;
    return -1;
}

static size_t clamp(size_t v, size_t dflt)
{
    return v && v < dflt ? v : dflt;
}

static void new_request(struct hparser *p)
{
    struct http_head *h = &p->head;

    p->state = ST_LINE;
    p->buf_len = 0;
    p->line_start = 0;
    p->header_bytes = 0;
    p->blank_bytes = 0;
    p->nlines = 0;
    p->body_left = 0;
    p->body_seen = 0;
    p->ext_len = 0;
    p->chunk_digits = 0;
    h->method = NULL;
    h->target = NULL;
    h->target_len = 0;
    h->version_minor = 0;
    h->nfields = 0;
    h->keep_alive = false;
    h->expect_continue = false;
    h->upgrade = false;
    h->chunked = false;
    h->has_length = false;
    h->content_length = 0;
}

void hparser_init(struct hparser *p, const struct http_limits *lim)
{
    static const struct http_limits none;

    if (!lim)
        lim = &none;
    /* No memset: buf and head.fields (about 28 KiB) are always written
     * before they are read, and a server keeps one parser per connection,
     * so their pages stay untouched (unmapped) until a request needs them.
     * Every other member is set here or in new_request(). */
    p->error_status = 0;
    p->error_reason = NULL;
    p->lim.line_max = clamp(lim->line_max, HTTP_LINE_MAX);
    p->lim.headers_max = clamp(lim->headers_max, HTTP_HEADERS_MAX);
    p->lim.fields_max = clamp(lim->fields_max, HTTP_FIELDS_MAX);
    p->lim.body_max = lim->body_max ? lim->body_max : HTTP_BODY_MAX;
    new_request(p);
}

/* ---- characters and case-insensitive comparison ---- */

/* RFC 9110 tchar. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Request-target bytes: visible ASCII (no controls, space, DEL, 8-bit). */
static bool is_target_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}

/* Field-value bytes: VCHAR, obs-text, SP and HTAB. */
static bool is_value_char(unsigned char c)
{
    return (c >= 0x20 && c != 0x7f) || c == '\t';
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static int lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Is s[0..n) equal to the NUL-terminated want, ignoring ASCII case? */
static bool ieq(const char *s, size_t n, const char *want)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (want[i] == '\0' ||
            lower((unsigned char)s[i]) != lower((unsigned char)want[i]))
            return false;
    return want[n] == '\0';
}

/* ---- the request line ---- */

/* "HTTP/1.0" or "HTTP/1.1"; another HTTP/x.y is 505, anything else 400. */
static int parse_version(struct hparser *p, const char *v, size_t n)
{
    if (n != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
        v[6] != '.' || v[7] < '0' || v[7] > '9')
        return fail(p, 400, "malformed HTTP version");
    if (v[5] != '1' || v[7] > '1')
        return fail(p, 505, "HTTP version not supported");
    p->head.version_minor = v[7] - '0';
    return 0;
}

/* origin-form "/...", absolute-form "scheme://...", or "*" for OPTIONS. */
static int check_target_form(struct hparser *p, const char *t, size_t n,
                             const char *method, size_t mlen)
{
    size_t i = 0;

    if (t[0] == '/')
        return 0;
    if (n == 1 && t[0] == '*')
        return mlen == 7 && memcmp(method, "OPTIONS", 7) == 0
                   ? 0
                   : fail(p, 400, "asterisk-form request-target");
    while (i < n &&
           ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
            (i > 0 && ((t[i] >= '0' && t[i] <= '9') || t[i] == '+' ||
                       t[i] == '-' || t[i] == '.'))))
        i++;
    if (i > 0 && n - i > 3 && memcmp(t + i, "://", 3) == 0)
        return 0;
    return fail(p, 400, "unsupported request-target form");
}

/* METHOD SP request-target SP HTTP-version, parsed in place in s. */
static int parse_request_line(struct hparser *p, char *s, size_t len)
{
    size_t m = 0, t, v;

    while (m < len && is_tchar((unsigned char)s[m]))
        m++;
    if (m == 0 || m == len || s[m] != ' ')
        return fail(p, 400, "malformed request line");
    t = m + 1;
    v = t;
    while (v < len && is_target_char((unsigned char)s[v]))
        v++;
    if (v < len && s[v] != ' ')
        return fail(p, 400, "invalid character in request-target");
    if (v == t || v == len)
        return fail(p, 400, "malformed request line");
    if (parse_version(p, s + v + 1, len - v - 1) ||
        check_target_form(p, s + t, v - t, s, m))
        return -1;
    s[m] = '\0';
    s[v] = '\0';
    p->head.method = s;
    p->head.target = s + t;
    p->head.target_len = v - t;
    return 0;
}

/* Could s[0..n) begin " HTTP/d.d\r\n"? */
static bool version_prefix(const char *s, size_t n)
{
    static const char pattern[] = " HTTP/9.9\r\n";
    size_t i;

    if (n > sizeof(pattern) - 1)
        return false;
    for (i = 0; i < n; i++) {
        if (pattern[i] == '9' ? s[i] < '0' || s[i] > '9' : s[i] != pattern[i])
            return false;
    }
    return true;
}

/*
 * The request line passed line_max: 414 when what came so far is a method,
 * a space, request-target characters and maybe the start of a version
 * (so the target is what made it long), else 400.
 */
static int request_line_over(struct hparser *p)
{
    const char *s = p->buf + p->line_start;
    size_t n = p->buf_len - p->line_start, i = 0;

    if (n == 0 || (n == 1 && s[0] == '\r'))
        return fail(p, 400, "too many empty lines before the request");
    while (i < n && is_tchar((unsigned char)s[i]))
        i++;
    if (i == n)
        return fail(p, 400, "method too long");
    if (i == 0 || s[i] != ' ')
        return fail(p, 400, "malformed request line");
    for (i++; i < n && is_target_char((unsigned char)s[i]);)
        i++;
    if (!version_prefix(s + i, n - i))
        return fail(p, 400, "malformed request line");
    return fail(p, 414, "request line too long");
}

/* ---- field lines ---- */

/* name ":" OWS value OWS, parsed in place; trailers are checked, counted
 * and dropped. */
static int parse_field(struct hparser *p, char *s, size_t len, bool trailer)
{
    struct http_field *f;
    size_t i = 0, vs, ve, k;

    if (is_ows(s[0]))
        return fail(p, 400, "obs-fold");
    while (i < len && is_tchar((unsigned char)s[i]))
        i++;
    if (i < len && is_ows(s[i]))
        return fail(p, 400, "whitespace before colon");
    if (i == 0 || i == len || s[i] != ':')
        return fail(p, 400, "invalid field name");
    vs = i + 1;
    ve = len;
    while (vs < ve && is_ows(s[vs]))
        vs++;
    while (ve > vs && is_ows(s[ve - 1]))
        ve--;
    for (k = vs; k < ve; k++)
        if (!is_value_char((unsigned char)s[k]))
            return fail(p, 400, "invalid character in field value");
    if (++p->nlines > p->lim.fields_max)
        return fail(p, 431, "too many header fields");
    if (trailer)
        return 0;
    s[i] = '\0';
    s[ve] = '\0'; /* the line end or trailing whitespace */
    f = &p->head.fields[p->head.nfields++];
    f->name = s;
    f->name_len = i;
    f->value = s + vs;
    f->value_len = ve - vs;
    return 0;
}

/* ---- what the fields mean ---- */

static bool field_is(const struct http_field *f, const char *name)
{
    return ieq(f->name, f->name_len, name);
}

/* 1*DIGIT: 0, 400 (syntax) or 413 (over max, overflow included). */
static int parse_length(const char *v, size_t n, uint64_t max, uint64_t *out)
{
    uint64_t x = 0;
    bool big = false;
    size_t i;

    if (n == 0)
        return 400;
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned char)v[i] - '0';

        if (d > 9)
            return 400;
        if (x > (UINT64_MAX - d) / 10)
            big = true;
        else
            x = x * 10 + d;
    }
    if (big || x > max)
        return 413;
    *out = x;
    return 0;
}

/* uri-host [":" port] (RFC 9110 7.2), by its characters: reg-name or IP
 * literal, and the port's digits; empty is allowed. No spaces, '/', '@'
 * or 8-bit bytes. */
static bool valid_host(const char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
              (c >= 'A' && c <= 'Z') ||
              (c != '\0' && strchr("-._~%!$&'()*+,;=:[]", c))))
            return false;
    }
    return true;
}

/* Exactly one Host in HTTP/1.1, at most one in HTTP/1.0 (RFC 9112 3.2). */
static int check_host(struct hparser *p)
{
    const struct http_head *h = &p->head;
    const struct http_field *host = NULL;
    size_t i;

    for (i = 0; i < h->nfields; i++) {
        if (!field_is(&h->fields[i], "host"))
            continue;
        if (host)
            return fail(p, 400, "duplicate Host");
        host = &h->fields[i];
    }
    if (!host)
        return h->version_minor == 1 ? fail(p, 400, "missing Host") : 0;
    if (!valid_host(host->value, host->value_len))
        return fail(p, 400, "invalid Host");
    return 0;
}

/* Content-Length and Transfer-Encoding: how the body is framed. */
static int check_framing(struct hparser *p)
{
    struct http_head *h = &p->head;
    const struct http_field *cl = NULL, *te = NULL;
    size_t cls = 0, tes = 0, i;
    int rc;

    for (i = 0; i < h->nfields; i++) {
        const struct http_field *f = &h->fields[i];

        if (field_is(f, "content-length")) {
            cls++;
            cl = f;
        } else if (field_is(f, "transfer-encoding")) {
            tes++;
            te = f;
        }
    }
    if (cls > 1)
        return fail(p, 400, "duplicate Content-Length");
    if (te && h->version_minor == 0)
        return fail(p, 400, "Transfer-Encoding in HTTP/1.0");
    if (te && cl)
        return fail(p, 400, "both Content-Length and Transfer-Encoding");
    if (te && (tes > 1 || !ieq(te->value, te->value_len, "chunked")))
        return fail(p, 501, "unsupported transfer coding");
    h->chunked = te != NULL;
    if (!cl)
        return 0;
    rc = parse_length(cl->value, cl->value_len, p->lim.body_max,
                      &h->content_length);
    if (rc)
        return fail(p, rc,
                    rc == 413 ? "body too large" : "invalid Content-Length");
    h->has_length = true;
    return 0;
}

/* Expect: only 100-continue (ignored in HTTP/1.0, RFC 9110 10.1.1). */
static int check_expect(struct hparser *p)
{
    struct http_head *h = &p->head;
    size_t i;

    for (i = 0; i < h->nfields; i++) {
        const struct http_field *f = &h->fields[i];

        if (!field_is(f, "expect"))
            continue;
        if (!ieq(f->value, f->value_len, "100-continue"))
            return fail(p, 417, "unsupported expectation");
        h->expect_continue = h->version_minor == 1;
    }
    return 0;
}

static void set_connection(struct http_head *h)
{
    bool closing = http_head_has_token(h, "connection", "close");

    if (h->version_minor == 1)
        h->keep_alive = !closing;
    else
        h->keep_alive =
            !closing && http_head_has_token(h, "connection", "keep-alive");
    /* Upgrade in HTTP/1.0 is ignored (RFC 9110 7.8). */
    h->upgrade = h->version_minor == 1 &&
                 http_head_has_token(h, "connection", "upgrade") &&
                 http_head_get(h, "upgrade", NULL) != NULL;
}

/* The empty line ended the head: check it, report it, pick the body. */
static void finish_head(struct hparser *p, struct http_event *ev)
{
    struct http_head *h = &p->head;

    if (check_host(p) || check_framing(p) || check_expect(p))
        return;
    set_connection(h);
    ev->type = HTTP_EV_HEAD;
    if (h->chunked) {
        p->state = ST_SIZE;
    } else if (h->content_length) {
        p->body_left = h->content_length;
        p->state = ST_BODY;
    } else {
        p->state = ST_END;
    }
}

/* ---- lines ---- */

/* The most bytes the current line may have, line end included. */
static size_t line_cap(const struct hparser *p)
{
    size_t left;

    if (p->state == ST_LINE)
        return p->lim.line_max - p->blank_bytes;
    /* the empty line ending the fields fits even when nothing is left */
    left = p->lim.headers_max - p->header_bytes;
    return left < 2 ? 2 : left;
}

/*
 * Append in[0..n) up to and including the next LF to the current line
 * (buf[line_start..buf_len)), never past cap bytes; *used says how many
 * bytes were taken.
 */
static enum take take_line(struct hparser *p, const char *in, size_t n,
                           size_t cap, size_t *used)
{
    const char *lf = memchr(in, '\n', n);
    size_t want = lf ? (size_t)(lf - in) + 1 : n;
    size_t room = cap - (p->buf_len - p->line_start);

    if (want > room) {
        memcpy(p->buf + p->buf_len, in, room);
        p->buf_len += room;
        *used = room;
        return TAKE_OVER;
    }
    memcpy(p->buf + p->buf_len, in, want);
    p->buf_len += want;
    *used = want;
    return lf ? TAKE_DONE : TAKE_MORE;
}

static void on_request_line(struct hparser *p, char *s, size_t len,
                            size_t total)
{
    if (len == 0) { /* RFC 9112 2.2: ignore empty lines before it */
        p->blank_bytes += total;
        p->buf_len = p->line_start;
        return;
    }
    if (parse_request_line(p, s, len) == 0) {
        p->state = ST_FIELDS;
        p->line_start = p->buf_len;
    }
}

static void on_field_line(struct hparser *p, char *s, size_t len, size_t total,
                          struct http_event *ev)
{
    bool trailer = p->state == ST_TRAILERS;

    if (len == 0) {
        p->buf_len = p->line_start;
        if (!trailer) {
            finish_head(p, ev);
        } else {
            ev->type = HTTP_EV_END;
            p->state = ST_DONE;
        }
        return;
    }
    p->header_bytes += total;
    if (p->header_bytes > p->lim.headers_max) {
        fail(p, 431, "header fields too large");
        return;
    }
    if (parse_field(p, s, len, trailer) == 0) {
        if (trailer)
            p->buf_len = p->line_start;
        else
            p->line_start = p->buf_len;
    }
}

/* A request line starts with a method (or is empty): refusing anything
 * else at once answers, say, a TLS handshake on the plain port without
 * waiting for a line end that may never come. */
static bool bad_line_start(const struct hparser *p, char c)
{
    return p->state == ST_LINE && p->buf_len == p->line_start &&
           !is_tchar((unsigned char)c) && c != '\r' && c != '\n';
}

/*
 * The length of the complete line s[0..total) without its line end, CRLF
 * or bare LF (RFC 9112 2.2), or -1 after failing on a bare CR (or on a
 * bare LF in the trailers). Inside a chunked body (trailers here,
 * chunk-size lines in size_line_char) only CRLF ends a line: parsers that
 * disagree on where a chunked body ends let requests be smuggled past a
 * proxy, and bare LF is where they disagree most.
 */
static int strip_line_end(struct hparser *p, const char *s, size_t total,
                          size_t *len)
{
    size_t k = total - 1;
    bool crlf = k && s[k - 1] == '\r';

    if (crlf)
        k--;
    if (memchr(s, '\r', k))
        return fail(p, 400, "bare CR");
    if (!crlf && p->state == ST_TRAILERS)
        return fail(p, 400, "bare LF in a chunked body");
    *len = k;
    return 0;
}

/* Gather a line; when it is complete, strip its line end and parse it. */
static size_t step_line(struct hparser *p, const char *in, size_t n,
                        struct http_event *ev)
{
    size_t used, total, len;
    char *s;
    enum take t;

    if (bad_line_start(p, in[0])) {
        fail(p, 400, "malformed request line");
        return 1;
    }
    t = take_line(p, in, n, line_cap(p), &used);
    if (t == TAKE_MORE)
        return used;
    if (t == TAKE_OVER) {
        if (p->state == ST_LINE)
            (void)request_line_over(p);
        else
            fail(p, 431, "header fields too large");
        return used;
    }
    s = p->buf + p->line_start;
    total = p->buf_len - p->line_start;
    if (strip_line_end(p, s, total, &len))
        return used;
    if (p->state == ST_LINE)
        on_request_line(p, s, len, total);
    else
        on_field_line(p, s, len, total, ev);
    return used;
}

/* ---- bodies ---- */

static size_t step_body(struct hparser *p, const char *in, size_t n,
                        struct http_event *ev)
{
    size_t k = n < p->body_left ? n : (size_t)p->body_left;

    ev->type = HTTP_EV_BODY;
    ev->data = in;
    ev->len = k;
    p->body_left -= k;
    p->body_seen += k;
    if (p->body_left == 0)
        p->state = p->state == ST_BODY ? ST_END : ST_DATA_CR;
    return k;
}

static void chunk_line_done(struct hparser *p)
{
    p->ext_len = 0;
    p->chunk_digits = 0;
    if (p->body_left) {
        p->state = ST_DATA;
    } else {
        p->state = ST_TRAILERS;
        p->line_start = p->buf_len;
    }
}

static void size_char(struct hparser *p, char c)
{
    int d = str_hex_value(c);

    if (d >= 0) {
        if (p->chunk_digits++ == CHUNK_DIGITS_MAX) {
            fail(p, 400, "chunk size too long");
            return;
        }
        p->body_left = p->body_left * 16 + (unsigned)d;
        if (p->body_left > p->lim.body_max - p->body_seen)
            fail(p, 413, "body too large");
        return;
    }
    if (p->chunk_digits == 0)
        fail(p, 400, "invalid chunk size");
    else if (c == ';')
        p->state = ST_EXT;
    else if (is_ows(c))
        p->state = ST_SIZE_WS;
    else if (c == '\r')
        p->state = ST_SIZE_LF;
    else if (c == '\n')
        fail(p, 400, "bare LF in a chunked body");
    else
        fail(p, 400, "invalid chunk size");
}

/* One byte of a chunk-size line: size, BWS ";" extensions, line end. */
static void size_line_char(struct hparser *p, char c)
{
    if (++p->ext_len > CHUNK_LINE_MAX) {
        fail(p, 400, "chunk extensions too long");
        return;
    }
    if (p->state == ST_SIZE) {
        size_char(p, c);
    } else if (p->state == ST_SIZE_WS) {
        if (c == ';')
            p->state = ST_EXT;
        else if (!is_ows(c))
            fail(p, 400, "invalid chunk size");
    } else if (p->state == ST_EXT) {
        if (c == '\r')
            p->state = ST_SIZE_LF;
        else if (c == '\n')
            fail(p, 400, "bare LF in a chunked body");
        else if (!is_value_char((unsigned char)c))
            fail(p, 400, "invalid chunk extension");
    } else if (c == '\n') {
        chunk_line_done(p);
    } else {
        fail(p, 400, "bare CR");
    }
}

/* The CRLF after chunk data (required: no bare LF here). */
static void data_end_char(struct hparser *p, char c)
{
    if (p->state == ST_DATA_CR && c == '\r') {
        p->state = ST_DATA_LF;
    } else if (p->state == ST_DATA_LF && c == '\n') {
        p->state = ST_SIZE;
        p->body_left = 0;
    } else {
        fail(p, 400, "missing CRLF after chunk data");
    }
}

static size_t step(struct hparser *p, const char *in, size_t n,
                   struct http_event *ev)
{
    switch (p->state) {
    case ST_LINE:
    case ST_FIELDS:
    case ST_TRAILERS:
        return step_line(p, in, n, ev);
    case ST_BODY:
    case ST_DATA:
        return step_body(p, in, n, ev);
    case ST_DATA_CR:
    case ST_DATA_LF:
        data_end_char(p, in[0]);
        return 1;
    default:
        size_line_char(p, in[0]);
        return 1;
    }
}

size_t http_parse(struct hparser *p, const char *in, size_t n,
                  struct http_event *ev)
{
    size_t used = 0;

    memset(ev, 0, sizeof(*ev));
    if (p->state == ST_ERROR) {
        used = 0;
    } else {
        if (p->state == ST_DONE)
            new_request(p);
        while (ev->type == HTTP_EV_NONE && p->state != ST_ERROR) {
            if (p->state == ST_END) {
                ev->type = HTTP_EV_END;
                p->state = ST_DONE;
            } else if (used == n) {
                break;
            } else {
                used += step(p, in + used, n - used, ev);
            }
        }
    }
    if (p->state == ST_ERROR) {
        ev->type = HTTP_EV_ERROR;
        ev->status = p->error_status;
        ev->reason = p->error_reason;
    }
    return used;
}

/* ---- lookups ---- */

const char *http_head_get(const struct http_head *h, const char *name,
                          size_t *len)
{
    size_t i;

    for (i = 0; i < h->nfields; i++) {
        if (field_is(&h->fields[i], name)) {
            if (len)
                *len = h->fields[i].value_len;
            return h->fields[i].value;
        }
    }
    return NULL;
}

/* Is token an element of the comma-separated list v[0..n)? */
static bool list_has(const char *v, size_t n, const char *token)
{
    size_t i = 0, s, e;

    while (i <= n) {
        s = i;
        while (i < n && v[i] != ',')
            i++;
        e = i++;
        while (s < e && is_ows(v[s]))
            s++;
        while (e > s && is_ows(v[e - 1]))
            e--;
        if (e > s && ieq(v + s, e - s, token))
            return true;
    }
    return false;
}

bool http_head_has_token(const struct http_head *h, const char *name,
                         const char *token)
{
    size_t i;

    for (i = 0; i < h->nfields; i++)
        if (field_is(&h->fields[i], name) &&
            list_has(h->fields[i].value, h->fields[i].value_len, token))
            return true;
    return false;
}
