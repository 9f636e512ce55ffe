/*
 * Our request parser against libhttp-parser (Debian's libhttp-parser-dev,
 * the node.js parser of old), over the requests inline below and every
 * file of fuzz/corpus/http_parse/. Where both accept, both must see the
 * same messages: method, target, version, each field's name and value,
 * keep-alive and body bytes. Where one rejects and the other does not, the
 * rejection must be one of the known differences listed in ours_stricter
 * (we refuse on purpose what libhttp-parser lets through) or
 * theirs_stricter (libhttp-parser refuses what RFC 9110/9112 allow);
 * anything else fails the test.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <http_parser.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/fsx.h"
#include "base/path.h"
#include "http/parse.h"
#include "base/banned.h"

/* Our rejections that libhttp-parser does not share, by our reason. */
static const struct {
    const char *reason;
    const char *why;
} ours_stricter[] = {
    {"obs-fold", "RFC 9112 5.2: a server may reject obs-fold; we do"},
    {"whitespace before colon", "RFC 9112 5.1: a server must reject it"},
    {"malformed request line", "RFC 9112 3: one SP between the parts; a "
                               "version is required (no HTTP/0.9)"},
    {"missing Host", "RFC 9112 3.2: HTTP/1.1 needs exactly one Host"},
    {"duplicate Host", "RFC 9112 3.2: HTTP/1.1 needs exactly one Host"},
    {"invalid Host", "RFC 9112 3.2: uri-host [\":\" port] characters only"},
    {"unsupported transfer coding", "only exactly chunked is accepted"},
    {"Transfer-Encoding in HTTP/1.0", "RFC 9112 6.1: framing is faulty"},
    {"unsupported expectation", "RFC 9110 10.1.1: 417"},
    {"HTTP version not supported", "only HTTP/1.0 and HTTP/1.1"},
    {"malformed HTTP version", "HTTP/d.d exactly (no ICE/1.0)"},
    {"invalid character in request-target", "visible ASCII only"},
    {"asterisk-form request-target", "RFC 9112 3.2.4: OPTIONS only"},
    {"unsupported request-target form", "no authority-form (CONNECT)"},
    {"missing CRLF after chunk data", "it skips any two bytes there"},
    {"invalid chunk size", "no whitespace after the size unless a ';'"},
    {"invalid chunk extension", "no control bytes in chunk extensions"},
    {"chunk size too long", "at most 16 hex digits"},
    {"chunk extensions too long", "chunk-size lines up to 4 KiB"},
    {"request line too long", "our 8 KiB line_max"},
    {"header fields too large", "our 16 KiB headers_max"},
    {"too many header fields", "our 100 fields_max"},
    {"too many empty lines before the request", "our 8 KiB line_max"},
    {"body too large", "our 8 MiB body_max"},
    {"invalid character in field value",
     "it lets a control byte through as a value's first byte"},
    {"bare CR", "a CR must be followed by LF"},
    {"bare LF in a chunked body", "only CRLF ends chunked framing lines"},
};

/* libhttp-parser's rejections that we do not share, by its errno. */
static const struct {
    enum http_errno err;
    const char *why;
} theirs_stricter[] = {
    {HPE_INVALID_METHOD, "it knows a fixed list of methods; any token is a "
                         "method (RFC 9110 9.1)"},
    {HPE_INVALID_TRANSFER_ENCODING,
     "it takes any field whose name begins with Transfer-Encoding for one"},
};

/* One parser's view of an input, rendered for comparison. */
struct view {
    struct buf out;      /* heads, bodies and ends, one item per line */
    struct buf body;     /* the current message's body so far */
    bool failed;         /* rejected */
    const char *why;     /* ours: the reason */
    enum http_errno err; /* theirs */
    size_t messages;     /* complete messages */
    size_t stop_after;   /* theirs: messages before an upgrade, else 0 */
};

static void view_init(struct view *v)
{
    memset(v, 0, sizeof(*v));
    buf_init(&v->out, 0);
    buf_init(&v->body, 0);
}

static void view_release(struct view *v)
{
    buf_release(&v->out);
    buf_release(&v->body);
}

/* Body bytes are shown once per message, however they were cut up. */
static void flush_body(struct view *v)
{
    if (!v->body.len)
        return;
    assert_int_equal(buf_addstr(&v->out, "body "), 0);
    assert_int_equal(buf_add(&v->out, v->body.p, v->body.len), 0);
    assert_int_equal(buf_addch(&v->out, '\n'), 0);
    buf_reset(&v->body);
}

static void view_end(struct view *v)
{
    flush_body(v);
    assert_int_equal(buf_addstr(&v->out, "end\n"), 0);
    v->messages++;
}

/* ---- ours ---- */

static void ours_head(struct buf *b, const struct http_head *h)
{
    size_t i;

    assert_int_equal(buf_addf(b, "%s %s HTTP/1.%d\n", h->method, h->target,
                              h->version_minor),
                     0);
    for (i = 0; i < h->nfields; i++)
        assert_int_equal(
            buf_addf(b, "%s: %s\n", h->fields[i].name, h->fields[i].value), 0);
    assert_int_equal(buf_addf(b, "keep-alive %d\n", h->keep_alive), 0);
}

static void ours_event(struct view *v, const struct hparser *p,
                       const struct http_event *ev)
{
    if (ev->type == HTTP_EV_HEAD) {
        ours_head(&v->out, &p->head);
    } else if (ev->type == HTTP_EV_BODY) {
        assert_int_equal(buf_add(&v->body, ev->data, ev->len), 0);
    } else if (ev->type == HTTP_EV_END) {
        view_end(v);
    } else if (ev->type == HTTP_EV_ERROR) {
        v->failed = true;
        v->why = ev->reason;
    }
}

/* Parse in[0..n), stopping after `stop` messages when stop is not 0. */
static void run_ours(const char *in, size_t n, size_t stop, struct view *v)
{
    struct hparser *p = malloc(sizeof(*p));
    struct http_event ev;
    size_t used = 0;

    assert_non_null(p);
    view_init(v);
    hparser_init(p, NULL);
    do {
        used += http_parse(p, in + used, n - used, &ev);
        ours_event(v, p, &ev);
    } while (ev.type != HTTP_EV_NONE && ev.type != HTTP_EV_ERROR &&
             (!stop || v->messages < stop));
    flush_body(v);
    free(p);
}

/* ---- libhttp-parser ---- */

struct theirs {
    struct view *v;
    struct buf url;
    struct buf field;
    struct buf value;
    struct buf fields; /* "name: value\n" lines so far */
    bool in_value;
    bool head_done; /* later fields are trailers: not compared */
};

static void end_field(struct theirs *t)
{
    size_t n = t->value.len;

    if (!t->field.len)
        return;
    /* RFC 9110 5.5: surrounding whitespace is not part of the value */
    while (n && (t->value.p[n - 1] == ' ' || t->value.p[n - 1] == '\t'))
        n--;
    assert_int_equal(
        buf_addf(&t->fields, "%s: %.*s\n", t->field.p, (int)n, t->value.p), 0);
    buf_reset(&t->field);
    buf_reset(&t->value);
    t->in_value = false;
}

static int on_begin(http_parser *hp)
{
    struct theirs *t = hp->data;

    buf_reset(&t->url);
    buf_reset(&t->fields);
    t->head_done = false;
    return 0;
}

static int on_url(http_parser *hp, const char *at, size_t n)
{
    struct theirs *t = hp->data;

    return buf_add(&t->url, at, n);
}

static int on_field(http_parser *hp, const char *at, size_t n)
{
    struct theirs *t = hp->data;

    if (t->in_value)
        end_field(t);
    return t->head_done ? 0 : buf_add(&t->field, at, n);
}

static int on_value(http_parser *hp, const char *at, size_t n)
{
    struct theirs *t = hp->data;

    t->in_value = true;
    return t->head_done ? 0 : buf_add(&t->value, at, n);
}

static int on_headers(http_parser *hp)
{
    struct theirs *t = hp->data;
    struct buf *b = &t->v->out;

    end_field(t);
    t->head_done = true;
    assert_int_equal(buf_addf(b, "%s %s HTTP/%u.%u\n",
                              http_method_str((enum http_method)hp->method),
                              t->url.p, hp->http_major, hp->http_minor),
                     0);
    assert_int_equal(buf_add(b, t->fields.p, t->fields.len), 0);
    assert_int_equal(
        buf_addf(b, "keep-alive %d\n", http_should_keep_alive(hp) != 0), 0);
    return 0;
}

static int on_body(http_parser *hp, const char *at, size_t n)
{
    struct theirs *t = hp->data;

    return buf_add(&t->v->body, at, n);
}

static int on_complete(http_parser *hp)
{
    struct theirs *t = hp->data;

    t->in_value = false;
    buf_reset(&t->field);
    buf_reset(&t->value);
    view_end(t->v);
    return 0;
}

static void run_theirs(const char *in, size_t n, struct view *v)
{
    http_parser_settings s;
    http_parser hp;
    struct theirs t;

    memset(&t, 0, sizeof(t));
    t.v = v;
    buf_init(&t.url, 0);
    buf_init(&t.field, 0);
    buf_init(&t.value, 0);
    buf_init(&t.fields, 0);
    view_init(v);
    http_parser_settings_init(&s);
    s.on_message_begin = on_begin;
    s.on_url = on_url;
    s.on_header_field = on_field;
    s.on_header_value = on_value;
    s.on_headers_complete = on_headers;
    s.on_body = on_body;
    s.on_message_complete = on_complete;
    http_parser_init(&hp, HTTP_REQUEST);
    hp.data = &t;
    http_parser_execute(&hp, &s, in, n);
    v->err = HTTP_PARSER_ERRNO(&hp);
    v->failed = v->err != HPE_OK;
    if (hp.upgrade) /* it hands the rest of the bytes to the caller */
        v->stop_after = v->messages;
    flush_body(v);
    buf_release(&t.url);
    buf_release(&t.field);
    buf_release(&t.value);
    buf_release(&t.fields);
}

/* ---- the corpus ---- */

/*
 * An inline request and the difference expected for it: NULL when both
 * parsers must agree (same messages, or both reject), our reason when we
 * reject what libhttp-parser accepts, "theirs:<errno name>" when it
 * rejects what we accept.
 */
struct dcase {
    const char *name;
    const char *in;
    size_t n;
    const char *diff;
};

#define D(name, in, diff)                                                      \
    {                                                                          \
        name, in, sizeof(in) - 1, diff                                         \
    }
#define SAME NULL

#define H      "Host: a\r\n"
#define GET11  "GET / HTTP/1.1\r\n" H
#define POST11 "POST /p HTTP/1.1\r\n" H
#define TE_CH  "Transfer-Encoding: chunked\r\n"

static const struct dcase cases[] = {
    D("simple GET", GET11 "\r\n", SAME),
    D("fields",
      "GET /v1/models?x=1&y=%20 HTTP/1.1\r\nHost: example.com:80\r\n"
      "Accept:  */*  \r\nX-Empty:\r\nX-Tab:\tv\t1\t\r\n"
      "X-Colon: a:b: c\r\nUser-Agent: curl/8.5.0\r\n\r\n",
      SAME),
    D("POST with Content-Length", POST11 "Content-Length: 5\r\n\r\nhello",
      SAME),
    D("Content-Length: 0", POST11 "Content-Length: 0\r\n\r\n", SAME),
    D("leading zeros", POST11 "Content-Length: 003\r\n\r\nabc", SAME),
    D("chunked with extensions and trailers",
      POST11 TE_CH "\r\n5;foo=bar\r\nhello\r\n6;x;y=\"q\"\r\n world\r\n"
                   "0\r\nX-Trailer: t\r\n\r\n",
      SAME),
    D("chunked, upper-case hex",
      POST11 TE_CH "\r\nA\r\n0123456789\r\n0\r\n\r\n", SAME),
    D("chunked coding in capitals",
      POST11 "Transfer-Encoding: CHUNKED\r\n\r\n1\r\nx\r\n0\r\n\r\n", SAME),
    D("pipelined",
      GET11 "\r\n" POST11 "Content-Length: 2\r\n\r\nhi" GET11
            "Connection: close\r\n\r\n",
      SAME),
    D("pipelined after chunked",
      POST11 TE_CH "\r\n1\r\nx\r\n0\r\n\r\n" GET11 "\r\n", SAME),
    D("HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", SAME),
    D("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      SAME),
    D("HTTP/1.1 close", GET11 "Connection: close\r\n\r\n", SAME),
    D("close in a list", GET11 "Connection: foo, close\r\n\r\n", SAME),
    D("Expect 100-continue",
      POST11 "Expect: 100-continue\r\nContent-Length: 1\r\n\r\nx", SAME),
    D("upgrade", GET11 "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
      SAME),
    D("absolute-form", "GET http://example.com/x?y=1 HTTP/1.1\r\n" H "\r\n",
      SAME),
    D("asterisk-form", "OPTIONS * HTTP/1.1\r\n" H "\r\n", SAME),
    D("leading empty lines", "\r\n\r\n" GET11 "\r\n", SAME),
    D("bare LF line ends", "GET / HTTP/1.1\nHost: a\nX: y\n\n", SAME),
    D("obs-text in a value", GET11 "X: caf\xc3\xa9\r\n\r\n", SAME),
    D("token characters in a name", GET11 "X-!#$%&'*+.^_`|~9: v\r\n\r\n", SAME),
    D("incomplete head", GET11, SAME),
    D("incomplete body", POST11 "Content-Length: 5\r\n\r\nhel", SAME),
    D("methods",
      "PUT /a HTTP/1.1\r\n" H "\r\nDELETE /b HTTP/1.1\r\n" H
      "\r\nPATCH /c HTTP/1.1\r\n" H "\r\nHEAD /d HTTP/1.1\r\n" H "\r\n",
      SAME),
    D("unknown method", "FOO / HTTP/1.1\r\n" H "\r\n",
      "theirs:HPE_INVALID_METHOD"),
    D("a field named Transfer-Encodingx",
      GET11 "Transfer-Encodingx: gzip\r\n\r\n",
      "theirs:HPE_INVALID_TRANSFER_ENCODING"),
    D("lower-case method", "get / HTTP/1.1\r\n" H "\r\n",
      "theirs:HPE_INVALID_METHOD"),

    D("double space", "GET  / HTTP/1.1\r\n" H "\r\n", "malformed request line"),
    D("no version", "GET /\r\n" H "\r\n", "malformed request line"),
    D("tab separator", "GET\t/ HTTP/1.1\r\n" H "\r\n", SAME),
    D("control in target", "GET /a\x01 HTTP/1.1\r\n" H "\r\n", SAME),
    D("8-bit target", "GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n",
      "invalid character in request-target"),
    D("short version", "GET / HTTP/1\r\n" H "\r\n", SAME),
    D("HTTP/2.0", "GET / HTTP/2.0\r\n" H "\r\n", "HTTP version not supported"),
    D("HTTP/1.2", "GET / HTTP/1.2\r\n" H "\r\n", "HTTP version not supported"),
    D("HTTP/1.10", "GET / HTTP/1.10\r\n" H "\r\n", SAME),
    D("HTTP/10.1", "GET / HTTP/10.1\r\n" H "\r\n", SAME),
    D("SHOUTcast's ICE/1.0", "SOURCE / ICE/1.0\r\n" H "\r\n",
      "malformed HTTP version"),
    D("trailing space", "GET / HTTP/1.1 \r\n" H "\r\n", SAME),
    D("authority-form", "CONNECT example.com:443 HTTP/1.1\r\n" H "\r\n",
      "unsupported request-target form"),
    D("asterisk for GET", "GET * HTTP/1.1\r\n" H "\r\n",
      "asterisk-form request-target"),
    D("relative target", "GET x HTTP/1.1\r\n" H "\r\n", SAME),
    D("bare CR in a value", GET11 "X: a\rb\r\n\r\n", SAME),
    D("obs-fold", GET11 "X: a\r\n b\r\n\r\n", "obs-fold"),
    D("whitespace before colon", GET11 "X : a\r\n\r\n",
      "whitespace before colon"),
    D("bad name character", GET11 "X(y): a\r\n\r\n", SAME),
    D("empty name", GET11 ": a\r\n\r\n", SAME),
    D("no colon", GET11 "Xyz\r\n\r\n", SAME),
    D("NUL in a value", GET11 "X: a\0b\r\n\r\n", SAME),
    D("control in a value", GET11 "X: a\x01\r\n\r\n", SAME),
    D("control byte first in a value", GET11 "X:\x01b\r\n\r\n",
      "invalid character in field value"),
    D("NUL first in a value", GET11 "X: \0b\r\n\r\n",
      "invalid character in field value"),
    D("missing Host", "GET / HTTP/1.1\r\n\r\n", "missing Host"),
    D("duplicate Host", GET11 "Host: b\r\n\r\n", "duplicate Host"),
    D("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n",
      "invalid Host"),
    D("Host: IP literal and port", "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n",
      SAME),
    D("duplicate Content-Length",
      POST11 "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx", SAME),
    D("negative Content-Length", POST11 "Content-Length: -1\r\n\r\n", SAME),
    D("hex Content-Length", POST11 "Content-Length: 0x10\r\n\r\n", SAME),
    D("overflowing Content-Length",
      POST11 "Content-Length: 99999999999999999999999\r\n\r\n", SAME),
    D("Content-Length over 8 MiB", POST11 "Content-Length: 8388609\r\n\r\n",
      "body too large"),
    D("Content-Length and Transfer-Encoding",
      POST11 "Content-Length: 5\r\n" TE_CH "\r\n0\r\n\r\n", SAME),
    D("gzip", POST11 "Transfer-Encoding: gzip\r\n\r\n", SAME),
    D("gzip, chunked",
      POST11 "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "unsupported transfer coding"),
    D("chunked in HTTP/1.0", "POST / HTTP/1.0\r\n" TE_CH "\r\n0\r\n\r\n",
      "Transfer-Encoding in HTTP/1.0"),
    D("Expect: other", GET11 "Expect: 200-ok\r\n\r\n",
      "unsupported expectation"),
    D("no chunk size", POST11 TE_CH "\r\n\r\n", SAME),
    D("bad chunk size", POST11 TE_CH "\r\nx\r\n", SAME),
    D("space after the chunk size", POST11 TE_CH "\r\n5 \r\nhello\r\n0\r\n\r\n",
      "invalid chunk size"),
    D("no CRLF after chunk data", POST11 TE_CH "\r\n5\r\nhelloX\r\n", SAME),
    D("two other bytes instead of CRLF after chunk data",
      POST11 TE_CH "\r\n5\r\nhelloXY0\r\n\r\n",
      "missing CRLF after chunk data"),
    D("bare LF after chunk data", POST11 TE_CH "\r\n5\r\nhello\n0\r\n\r\n",
      SAME),
    D("bad trailer", POST11 TE_CH "\r\n0\r\nX : a\r\n\r\n",
      "whitespace before colon"),
    D("17 digits of chunk size",
      POST11 TE_CH "\r\n00000000000000001\r\nx\r\n0\r\n\r\n",
      "chunk size too long"),
    D("control in a chunk extension",
      POST11 TE_CH "\r\n1;a\x01\r\nx\r\n0\r\n\r\n", "invalid chunk extension"),
    D("bare CR in a leading empty line", "\r\r\n" GET11 "\r\n", "bare CR"),
    D("CR LF CR LF before the request", "\r\n\r\n" GET11 "\r\n", SAME),
    D("upgrade, then another protocol",
      GET11 "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
      SAME),
    D("HEAD and OPTIONS pipelined",
      "HEAD /h HTTP/1.1\r\n" H "\r\nOPTIONS * HTTP/1.1\r\n" H
      "Content-Length: 1\r\n\r\nx",
      SAME),
    D("HTTP/1.0 with a body", "POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nok",
      SAME),
    D("keep-alive and close", GET11 "Connection: keep-alive, close\r\n\r\n",
      SAME),
    D("Content-Length with spaces around",
      POST11 "Content-Length:  2 \r\n\r\nok", SAME),
    D("signed Content-Length", POST11 "Content-Length: +2\r\n\r\nok", SAME),
    D("Transfer-Encoding then Content-Length",
      POST11 TE_CH "Content-Length: 1\r\n\r\n0\r\n\r\n", SAME),
    D("chunk extension with spaces",
      POST11 TE_CH "\r\n1 ; a=b\r\nx\r\n0\r\n\r\n", SAME),
    D("chunked, bare LF size lines", POST11 TE_CH "\r\n1\nx\r\n0\n\n", SAME),
    D("trailers", POST11 TE_CH "\r\n0\r\nA: 1\r\nB: 2\r\n\r\n", SAME),
    D("bare LF in a trailer", POST11 TE_CH "\r\n0\r\nX: y\n\r\n",
      "bare LF in a chunked body"),
    D("bare LF ending the trailers",
      POST11 TE_CH "\r\n0\r\n\nGET /admin HTTP/1.1\r\n" H "\r\n",
      "bare LF in a chunked body"),
    D("DEL in a value", GET11 "X: a\x7f\r\n\r\n", SAME),
    D("tab in a value", GET11 "X: a\tb\r\n\r\n", SAME),
    D("empty value", GET11 "X:\r\n\r\n", SAME),
    D("query and fragment characters",
      "GET /a/b;c?d=e&f=%41#g HTTP/1.1\r\n" H "\r\n", SAME),
};

/* ---- requests too big to write inline ---- */

enum big_kind {
    BIG_LINE,        /* a request line of size bytes */
    BIG_METHOD,      /* a method of size bytes */
    BIG_BLANKS,      /* size bytes of empty lines before the request */
    BIG_FIELD_BYTES, /* field lines of size bytes in all */
    BIG_FIELDS,      /* size field lines */
    BIG_BODY,        /* a Content-Length body of size bytes */
    BIG_CHUNK_LINE   /* a chunk-size line of size bytes */
};

struct bigcase {
    const char *name;
    enum big_kind kind;
    size_t size;
    const char *diff;
};

static const struct bigcase big_cases[] = {
    {"request line at 8 KiB", BIG_LINE, 8192, SAME},
    {"request line over 8 KiB", BIG_LINE, 8193, "request line too long"},
    {"method over 8 KiB", BIG_METHOD, 8193, SAME}, /* bad to both */
    {"empty lines and request line at 8 KiB", BIG_BLANKS, 8176, SAME},
    {"empty lines over 8 KiB", BIG_BLANKS, 8192,
     "too many empty lines before the request"},
    {"field lines at 16 KiB", BIG_FIELD_BYTES, 16384, SAME},
    {"field lines over 16 KiB", BIG_FIELD_BYTES, 16385,
     "header fields too large"},
    {"100 field lines", BIG_FIELDS, 100, SAME},
    {"101 field lines", BIG_FIELDS, 101, "too many header fields"},
    {"an 8 MiB body", BIG_BODY, 8u << 20, SAME},
    {"a chunk-size line at 4 KiB", BIG_CHUNK_LINE, 4096, SAME},
    {"a chunk-size line over 4 KiB", BIG_CHUNK_LINE, 4097,
     "chunk extensions too long"},
};

static void add_repeat(struct buf *b, const char *s, size_t times)
{
    while (times--)
        assert_int_equal(buf_addstr(b, s), 0);
}

/* Field lines "X: vvv\r\n" of at most 1000 bytes, bytes in all. */
static void add_fields(struct buf *b, size_t bytes)
{
    size_t k;

    while (bytes) {
        k = bytes > 1000 ? 1000 : bytes;
        if (bytes - k && bytes - k < 5)
            k -= 5;
        assert_int_equal(buf_addstr(b, "X: "), 0);
        add_repeat(b, "v", k - 5);
        assert_int_equal(buf_addstr(b, "\r\n"), 0);
        bytes -= k;
    }
}

static void add_big_part(struct buf *b, const struct bigcase *c)
{
    switch (c->kind) {
    case BIG_LINE:
        assert_int_equal(buf_addstr(b, "GET /"), 0);
        add_repeat(b, "a", c->size - 16);
        assert_int_equal(buf_addstr(b, " HTTP/1.1\r\n" H), 0);
        break;
    case BIG_METHOD:
        add_repeat(b, "M", c->size);
        assert_int_equal(buf_addstr(b, " / HTTP/1.1\r\n" H), 0);
        break;
    case BIG_BLANKS:
        add_repeat(b, "\r\n", c->size / 2);
        assert_int_equal(buf_addstr(b, GET11), 0);
        break;
    case BIG_FIELD_BYTES:
        assert_int_equal(buf_addstr(b, GET11), 0);
        add_fields(b, c->size - (sizeof(H) - 1));
        break;
    default:
        assert_int_equal(buf_addstr(b, GET11), 0);
        add_repeat(b, "X: v\r\n", c->size - 1);
        break;
    }
    assert_int_equal(buf_addstr(b, "\r\n"), 0);
}

static char *make_big(const struct bigcase *c, size_t *n)
{
    struct buf b;

    buf_init(&b, 0);
    if (c->kind == BIG_BODY) {
        assert_int_equal(
            buf_addf(&b, POST11 "Content-Length: %zu\r\n\r\n", c->size), 0);
        add_repeat(&b, "b", c->size);
    } else if (c->kind == BIG_CHUNK_LINE) {
        assert_int_equal(buf_addstr(&b, POST11 TE_CH "\r\n1;x="), 0);
        add_repeat(&b, "v", c->size - 6);
        assert_int_equal(buf_addstr(&b, "\r\nx\r\n0\r\n\r\n"), 0);
    } else {
        add_big_part(&b, c);
    }
    return buf_detach(&b, n);
}

/* ---- comparing ---- */

static bool listed_ours(const char *reason)
{
    size_t i;

    for (i = 0; i < sizeof(ours_stricter) / sizeof(ours_stricter[0]); i++)
        if (strcmp(ours_stricter[i].reason, reason) == 0)
            return true;
    return false;
}

static bool listed_theirs(enum http_errno err)
{
    size_t i;

    for (i = 0; i < sizeof(theirs_stricter) / sizeof(theirs_stricter[0]); i++)
        if (theirs_stricter[i].err == err)
            return true;
    return false;
}

/* How much of v->out the completed messages take ("end\n" included). */
static size_t done_len(const struct view *v)
{
    size_t n = v->out.len;

    while (n >= 4 && memcmp(v->out.p + n - 4, "end\n", 4) != 0)
        n--;
    return n >= 4 ? n : 0;
}

/* Does a's completed output begin b's output? */
static bool done_prefix(const struct view *a, const struct view *b)
{
    size_t n = done_len(a);

    return n <= b->out.len && memcmp(a->out.p, b->out.p, n) == 0;
}

/* One side rejected first (ours when ours_first): is that the difference
 * expected (diff) or, with any, one of the listed ones? */
static const char *judge_one(const struct view *o, const struct view *t,
                             bool ours_first, const char *diff, bool any)
{
    static const char theirs[] = "theirs:";

    if (ours_first) {
        if (!listed_ours(o->why))
            return "we reject: not a listed difference";
        if (any || (diff && strcmp(diff, o->why) == 0))
            return NULL;
        return "we reject: not the expected difference";
    }
    if (!listed_theirs(t->err))
        return "they reject: not a listed difference";
    if (any ||
        (diff && strncmp(diff, theirs, sizeof(theirs) - 1) == 0 &&
         strcmp(diff + sizeof(theirs) - 1, http_errno_name(t->err)) == 0))
        return NULL;
    return "they reject: not the expected difference";
}

/* Did a reject earlier in the stream than b, after the same messages? */
static bool rejected_first(const struct view *a, const struct view *b)
{
    return a->failed && done_prefix(a, b) &&
           (!b->failed || done_len(a) < done_len(b));
}

/*
 * What is wrong with the two views of one input, or NULL. diff is the
 * expected difference (SAME: none); any accepts any listed difference
 * (corpus files say nothing). Messages completed before a rejection must
 * be the same on both sides; the side that rejects first (a message the
 * other accepts) must do so for a listed reason.
 */
static const char *judge(const struct view *o, const struct view *t,
                         const char *diff, bool any)
{
    if (!o->failed && !t->failed) {
        if (o->out.len != t->out.len ||
            memcmp(o->out.p, t->out.p, o->out.len) != 0)
            return "different messages";
        return diff && !any ? "both accept: expected a difference" : NULL;
    }
    if (o->failed && t->failed && done_len(o) == done_len(t)) {
        if (!done_prefix(o, t))
            return "different messages before both reject";
        return diff && !any ? "both reject: expected a difference" : NULL;
    }
    if (rejected_first(o, t))
        return judge_one(o, t, true, diff, any);
    if (rejected_first(t, o))
        return judge_one(o, t, false, diff, any);
    return "different messages before a rejection";
}

/*
 * Fuzz corpus files end anywhere, often inside a line one parser rejects
 * at its first bad byte and the other only at its end. When one side
 * rejects and the other does not, end the input with two CRLFs for the
 * other: if it then rejects too, both reject.
 */
static void finish_lines(const char *in, size_t n, struct view *ours,
                         struct view *theirs)
{
    struct view v;
    struct buf more;

    if (ours->failed == theirs->failed)
        return;
    buf_init(&more, 0);
    assert_int_equal(buf_add(&more, in, n), 0);
    assert_int_equal(buf_addstr(&more, "\r\n\r\n"), 0);
    if (ours->failed)
        run_theirs(more.p, more.len, &v);
    else
        run_ours(more.p, more.len, theirs->stop_after, &v);
    buf_release(&more);
    if (!v.failed) {
        view_release(&v);
        return;
    }
    view_release(ours->failed ? theirs : ours);
    *(ours->failed ? theirs : ours) = v;
}

/* Run both parsers over in[0..n); print a difference not allowed and
 * return 1 for it, else 0. */
static int compare(const char *name, const char *in, size_t n, const char *diff,
                   bool any)
{
    struct view ours, theirs;
    const char *problem;

    run_theirs(in, n, &theirs);
    run_ours(in, n, theirs.stop_after, &ours);
    if (any)
        finish_lines(in, n, &ours, &theirs);
    problem = judge(&ours, &theirs, diff, any);
    if (problem)
        print_message("%s: %s\n-- ours (%s):\n%s-- theirs (%s):\n%s\n", name,
                      problem, ours.failed ? ours.why : "accepted", ours.out.p,
                      theirs.failed ? http_errno_name(theirs.err) : "accepted",
                      theirs.out.p);
    view_release(&ours);
    view_release(&theirs);
    return problem != NULL;
}

static void test_big(void **state)
{
    size_t i, n;
    char *in;
    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(big_cases) / sizeof(big_cases[0]); i++) {
        in = make_big(&big_cases[i], &n);
        bad += compare(big_cases[i].name, in, n, big_cases[i].diff, false);
        free(in);
    }
    assert_int_equal(bad, 0);
}

static void test_inline(void **state)
{
    size_t i;

    int bad = 0;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        bad += compare(cases[i].name, cases[i].in, cases[i].n, cases[i].diff,
                       false);
    assert_int_equal(bad, 0);
}

/* Is d the stated difference of some inline or big case? */
static bool stated(const char *d)
{
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (cases[i].diff && strcmp(cases[i].diff, d) == 0)
            return true;
    for (i = 0; i < sizeof(big_cases) / sizeof(big_cases[0]); i++)
        if (big_cases[i].diff && strcmp(big_cases[i].diff, d) == 0)
            return true;
    return false;
}

static void check_stated(const char *name, const char *d)
{
    static const char theirs[] = "theirs:";
    size_t k;
    bool found = false;

    if (!d)
        return;
    if (strncmp(d, theirs, sizeof(theirs) - 1) != 0) {
        if (!listed_ours(d))
            fail_msg("%s: '%s' is not in ours_stricter", name, d);
        return;
    }
    for (k = 0; k < sizeof(theirs_stricter) / sizeof(theirs_stricter[0]); k++)
        found |= strcmp(d + sizeof(theirs) - 1,
                        http_errno_name(theirs_stricter[k].err)) == 0;
    if (!found)
        fail_msg("%s: '%s' is not in theirs_stricter", name, d);
}

/* Every stated difference is listed, and every listed one is shown by a
 * case (so the lists cannot excuse what never happens). */
static void test_diffs_listed(void **state)
{
    char d[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_stated(cases[i].name, cases[i].diff);
    for (i = 0; i < sizeof(big_cases) / sizeof(big_cases[0]); i++)
        check_stated(big_cases[i].name, big_cases[i].diff);
    for (i = 0; i < sizeof(ours_stricter) / sizeof(ours_stricter[0]); i++)
        if (!stated(ours_stricter[i].reason))
            fail_msg("no case shows '%s'", ours_stricter[i].reason);
    for (i = 0; i < sizeof(theirs_stricter) / sizeof(theirs_stricter[0]); i++) {
        assert_true(snprintf(d, sizeof(d), "theirs:%s",
                             http_errno_name(theirs_stricter[i].err)) > 0);
        if (!stated(d))
            fail_msg("no case shows '%s'", d);
    }
}

/* Compare one corpus file; 1 for a difference not allowed, else 0. */
static int compare_file(const char *dir, const char *name)
{
    char *path = path_join(dir, name);
    struct oc_err err;
    struct buf b;
    int bad = 1;

    buf_init(&b, (size_t)1 << 20);
    if (fsx_read_file(path, b.max, &b, &err) != 0)
        print_message("%s\n", oc_err_msg(&err));
    else
        bad = compare(path, b.p, b.len, SAME, true);
    buf_release(&b);
    free(path);
    return bad;
}

/* Every file of fuzz/corpus/http_parse/ (found from $OC_FIXTURES, which
 * is tests/fixtures). */
static void test_corpus(void **state)
{
    const char *fixtures = getenv("OC_FIXTURES");
    struct dirent *e;
    char *dir;
    DIR *d;
    int files = 0, bad = 0;

    (void)state;
    assert_non_null(fixtures);
    dir = path_join(fixtures, "../../fuzz/corpus/http_parse");
    d = opendir(dir);
    if (!d) {
        fail_msg("cannot open '%s'", dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        files++;
        bad += compare_file(dir, e->d_name);
    }
    closedir(d);
    free(dir);
    assert_int_equal(bad, 0);
    assert_true(files >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diffs_listed),
        cmocka_unit_test(test_inline),
        cmocka_unit_test(test_big),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
