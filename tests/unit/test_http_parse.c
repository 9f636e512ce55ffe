/*
 * The HTTP/1.1 request parser: a table of requests (valid ones with the
 * heads, bodies and ends they must give; invalid ones with their exact
 * status and reason), each also fed split at every position and byte by
 * byte with empty feeds between, which must give exactly the events of one
 * feed; then the limits at their edges, sticky errors, the lookups and
 * the zero-copy body.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testutil.h"
#include "base/xalloc.h"
#include "base/buf.h"
#include "http/parse.h"
#include "base/banned.h"

/*
 * A case's expected outcome, written the way show_head() and run() render
 * it: each head as "METHOD target 1.<minor>", its fields as " [Name:
 * value]" and its flags (" ka", " 100", " up", " chunked", " len=N"); then
 * " body<...>" with all the body bytes of the message, " end" at its end,
 * and " error <status> (<reason>)" for an error. Messages follow each
 * other with a space between.
 */
struct hcase {
    const char *name;
    const char *in;
    size_t n;
    const char *want;
    const struct http_limits *lim;
};

#define C(name, in, want)                                                      \
    {                                                                          \
        name, in, sizeof(in) - 1, want, NULL                                   \
    }
#define CLIM(name, in, lim, want)                                              \
    {                                                                          \
        name, in, sizeof(in) - 1, want, lim                                    \
    }

#define IN(s) s, sizeof(s) - 1

#define H      "Host: a\r\n"
#define GET11  "GET / HTTP/1.1\r\n" H
#define POST11 "POST /p HTTP/1.1\r\n" H
#define WANT_H "[Host: a]"
#define TE_CH  "Transfer-Encoding: chunked\r\n"

static const struct http_limits small_fields = {0, 0, 3, 0};
static const struct http_limits small_body = {0, 0, 0, 10};
static const struct http_limits line32 = {32, 0, 0, 0};
static const struct http_limits line8 = {8, 0, 0, 0};
static const struct http_limits head18 = {0, 18, 0, 0};
static const struct http_limits head17 = {0, 17, 0, 0};
static const struct http_limits head9 = {0, 9, 0, 0};
static const struct http_limits head42 = {0, 42, 0, 0};
static const struct http_limits head43 = {0, 43, 0, 0};

static const struct hcase valid[] = {
    C("simple GET", GET11 "\r\n", "GET / 1.1 " WANT_H " ka end"),
    C("query, several fields, trimming",
      "GET /v1/models?x=1&y=%20 HTTP/1.1\r\nHost: example.com:8080\r\n"
      "Accept:  */*  \r\nX-Empty:\r\nX-Tab:\tv\t1\t\r\nX-Colon: a:b: c\r\n\r\n",
      "GET /v1/models?x=1&y=%20 1.1 [Host: example.com:8080] [Accept: */*] "
      "[X-Empty: ] [X-Tab: v\t1] [X-Colon: a:b: c] ka end"),
    C("POST with Content-Length", POST11 "Content-Length: 5\r\n\r\nhello",
      "POST /p 1.1 " WANT_H " [Content-Length: 5] ka len=5 body<hello> end"),
    C("Content-Length: 0", POST11 "Content-Length: 0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Content-Length: 0] ka len=0 end"),
    C("Content-Length with leading zeros",
      POST11 "content-length: 003\r\n\r\nabc",
      "POST /p 1.1 " WANT_H " [content-length: 003] ka len=3 body<abc> end"),
    C("chunked with extensions and trailers",
      POST11 TE_CH "\r\n5;foo=bar\r\nhello\r\n6 ; x ; y=\"q;r\"\r\n world\r\n"
                   "0;last\r\nX-Trailer: t\r\nX-Other:  u \r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "body<hello world> end"),
    C("chunked: hex, case, spaces around the coding",
      POST11 "Transfer-Encoding:  Chunked \r\n\r\nA\r\n0123456789\r\n"
             "1f\r\nabcdefghijklmnopqrstuvwxyz01234\r\n00\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: Chunked] ka chunked "
      "body<0123456789abcdefghijklmnopqrstuvwxyz01234> end"),
    C("chunked: empty body", POST11 TE_CH "\r\n0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked end"),
    C("pipelined", GET11 "\r\n" POST11 "Content-Length: 2\r\n\r\nhiGET /3",
      "GET / 1.1 " WANT_H " ka end POST /p 1.1 " WANT_H
      " [Content-Length: 2] ka len=2 body<hi> end"),
    C("pipelined after chunked, with an extra CRLF",
      POST11 TE_CH "\r\n1\r\nx\r\n0\r\n\r\n\r\n" GET11 "\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "body<x> end GET / 1.1 " WANT_H " ka end"),
    C("HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", "GET / 1.0 end"),
    C("HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
      "GET / 1.0 [Connection: Keep-Alive] ka end"),
    C("HTTP/1.0 keep-alive and close",
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
      "GET / 1.0 [Connection: keep-alive] [Connection: close] end"),
    C("HTTP/1.1 close", GET11 "Connection: foo, CLOSE\r\n\r\n",
      "GET / 1.1 " WANT_H " [Connection: foo, CLOSE] end"),
    C("HTTP/1.1 close is a token, not a substring",
      GET11 "Connection: closed, xclose\r\n\r\n",
      "GET / 1.1 " WANT_H " [Connection: closed, xclose] ka end"),
    C("Expect 100-continue",
      POST11 "Expect: 100-Continue\r\nContent-Length: 1\r\n\r\nx",
      "POST /p 1.1 " WANT_H " [Expect: 100-Continue] [Content-Length: 1] "
      "ka 100 len=1 body<x> end"),
    C("Expect in HTTP/1.0 is ignored",
      "GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
      "GET / 1.0 [Expect: 100-continue] end"),
    C("upgrade",
      GET11 "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n",
      "GET / 1.1 " WANT_H " [Connection: keep-alive, Upgrade] "
      "[Upgrade: websocket] ka up end"),
    C("upgrade token without an Upgrade field",
      GET11 "Connection: upgrade\r\n\r\n",
      "GET / 1.1 " WANT_H " [Connection: upgrade] ka end"),
    C("upgrade in HTTP/1.0 is ignored",
      "GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
      "GET / 1.0 [Connection: upgrade] [Upgrade: websocket] end"),
    C("absolute-form",
      "GET http://example.com/x?y=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
      "GET http://example.com/x?y=1 1.1 [Host: example.com] ka end"),
    C("asterisk-form", "OPTIONS * HTTP/1.1\r\n" H "\r\n",
      "OPTIONS * 1.1 " WANT_H " ka end"),
    C("leading empty lines", "\r\n\r\n\n" GET11 "\r\n",
      "GET / 1.1 " WANT_H " ka end"),
    C("bare LF line ends", "GET / HTTP/1.1\nHost: a\nX: y\n\n",
      "GET / 1.1 " WANT_H " [X: y] ka end"),
    C("token methods",
      "PURGE /x HTTP/1.1\r\n" H "\r\nM-SEARCH /y HTTP/1.1\r\n" H "\r\n",
      "PURGE /x 1.1 " WANT_H " ka end M-SEARCH /y 1.1 " WANT_H " ka end"),
    C("obs-text in a value", GET11 "X: caf\xc3\xa9\r\n\r\n",
      "GET / 1.1 " WANT_H " [X: caf\xc3\xa9] ka end"),
    C("token characters in a name", GET11 "X-!#$%&'*+.^_`|~9: v\r\n\r\n",
      "GET / 1.1 " WANT_H " [X-!#$%&'*+.^_`|~9: v] ka end"),
    C("empty input", "", ""),
    C("incomplete head", "GET / HTTP/1.1\r\nHost: a\r\n", ""),
    C("incomplete body", POST11 "Content-Length: 5\r\n\r\nhel",
      "POST /p 1.1 " WANT_H " [Content-Length: 5] ka len=5 body<hel>"),
    C("Host: IP literal and port, then empty",
      "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"
      "GET / HTTP/1.1\r\nHost:\r\n\r\n",
      "GET / 1.1 [Host: [::1]:8080] ka end GET / 1.1 [Host: ] ka end"),
    C("Host: every reg-name character",
      "GET / HTTP/1.1\r\nHost: aZ09-._~%20!$&'()*+,;=\r\n\r\n",
      "GET / 1.1 [Host: aZ09-._~%20!$&'()*+,;=] ka end"),
    C("a long pipelined stream",
      GET11 "\r\n" POST11 "Content-Length: 3\r\nExpect: 100-continue\r\n\r\n"
            "abc\r\n" POST11 TE_CH "\r\n3;ext=1\r\nxyz\r\n0;e\r\nT: 1\r\n\r\n"
            "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
            "OPTIONS * HTTP/1.1\r\n" H "Connection: close\r\n\r\n"
            "DELETE /d?x HTTP/1.1\nHost: a\nContent-Length: 0\n\n",
      "GET / 1.1 " WANT_H " ka end POST /p 1.1 " WANT_H
      " [Content-Length: 3] [Expect: 100-continue] ka 100 len=3 body<abc> end"
      " POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked"
      " body<xyz> end GET / 1.0 [Connection: keep-alive] ka end"
      " OPTIONS * 1.1 " WANT_H " [Connection: close] end"
      " DELETE /d?x 1.1 " WANT_H " [Content-Length: 0] ka len=0 end"),
    C("Expect 100-continue with chunked",
      POST11 "Expect: 100-continue\r\n" TE_CH "\r\n1\r\nx\r\n0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Expect: 100-continue] "
      "[Transfer-Encoding: chunked] ka 100 chunked body<x> end"),
    C("Expect 100-continue without a body, spaces trimmed",
      GET11 "Expect: \t100-continue \r\n\r\n",
      "GET / 1.1 " WANT_H " [Expect: 100-continue] ka 100 end"),
    C("Expect 100-continue twice",
      GET11 "Expect: 100-continue\r\nexpect: 100-CONTINUE\r\n\r\n",
      "GET / 1.1 " WANT_H " [Expect: 100-continue] [expect: 100-CONTINUE] "
      "ka 100 end"),
    CLIM("fields at fields_max", GET11 "A: 1\r\nB: 2\r\n\r\n", &small_fields,
         "GET / 1.1 " WANT_H " [A: 1] [B: 2] ka end"),
    CLIM("trailers at fields_max", POST11 TE_CH "\r\n0\r\nA: 1\r\n\r\n",
         &small_fields,
         "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked end"),
    CLIM("Content-Length at body_max",
         POST11 "Content-Length: 10\r\n\r\n0123456789", &small_body,
         "POST /p 1.1 " WANT_H
         " [Content-Length: 10] ka len=10 body<0123456789> end"),
    C("chunk sizes of 16 digits",
      POST11 TE_CH "\r\n0000000000000001\r\nx\r\n0000000000000000\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "body<x> end"),
    CLIM("an empty line and the request line at line_max",
         "\nGET /aaaaaaaaaaaaaaa HTTP/1.1\r\n" H "\r\n", &line32,
         "GET /aaaaaaaaaaaaaaa 1.1 " WANT_H " ka end"),
};

static const struct hcase invalid[] = {
    C("double space", "GET  / HTTP/1.1\r\n" H "\r\n",
      "error 400 (malformed request line)"),
    C("no version", "GET /\r\n" H "\r\n", "error 400 (malformed request line)"),
    C("no method", "/ HTTP/1.1\r\n\r\n", "error 400 (malformed request line)"),
    C("leading space", " GET / HTTP/1.1\r\n\r\n",
      "error 400 (malformed request line)"),
    C("tab separator", "GET\t/ HTTP/1.1\r\n\r\n",
      "error 400 (malformed request line)"),
    C("trailing space", "GET / HTTP/1.1 \r\n\r\n",
      "error 400 (malformed HTTP version)"),
    C("DEL in target", "GET /a\x7f HTTP/1.1\r\n\r\n",
      "error 400 (invalid character in request-target)"),
    C("8-bit target", "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n",
      "error 400 (invalid character in request-target)"),
    C("NUL in target", "GET /a\0b HTTP/1.1\r\n\r\n",
      "error 400 (invalid character in request-target)"),
    C("short version", "GET / HTTP/1\r\n\r\n",
      "error 400 (malformed HTTP version)"),
    C("lower-case version", "GET / http/1.1\r\n\r\n",
      "error 400 (malformed HTTP version)"),
    C("two-digit version", "GET / HTTP/1.10\r\n\r\n",
      "error 400 (malformed HTTP version)"),
    C("HTTP/2.0", "GET / HTTP/2.0\r\n\r\n",
      "error 505 (HTTP version not supported)"),
    C("HTTP/1.2", "GET / HTTP/1.2\r\n\r\n",
      "error 505 (HTTP version not supported)"),
    C("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n",
      "error 505 (HTTP version not supported)"),
    C("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
      "error 505 (HTTP version not supported)"),
    C("authority-form", "CONNECT example.com:443 HTTP/1.1\r\n" H "\r\n",
      "error 400 (unsupported request-target form)"),
    C("relative target", "GET x HTTP/1.1\r\n" H "\r\n",
      "error 400 (unsupported request-target form)"),
    C("scheme without authority", "GET http:x HTTP/1.1\r\n" H "\r\n",
      "error 400 (unsupported request-target form)"),
    C("asterisk for GET", "GET * HTTP/1.1\r\n" H "\r\n",
      "error 400 (asterisk-form request-target)"),
    C("bare CR in the request line", "GET / HTTP/1.1\rHost: a\r\n\r\n",
      "error 400 (bare CR)"),
    C("bare CR before CRLF", "GET / HTTP/1.1\r\r\n" H "\r\n",
      "error 400 (bare CR)"),
    C("bare CR in a value", GET11 "X: a\rb\r\n\r\n", "error 400 (bare CR)"),
    C("bare CR as a blank line", GET11 "\rX\r\n\r\n", "error 400 (bare CR)"),
    C("bare CR in a leading empty line", "\r\r\n" GET11 "\r\n",
      "error 400 (bare CR)"),
    C("obs-fold", GET11 "X: a\r\n b\r\n\r\n", "error 400 (obs-fold)"),
    C("obs-fold with a tab", GET11 "X: a\r\n\tb\r\n\r\n",
      "error 400 (obs-fold)"),
    C("space before the first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
      "error 400 (obs-fold)"),
    C("whitespace before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
      "error 400 (whitespace before colon)"),
    C("tab before colon", GET11 "X\t: a\r\n\r\n",
      "error 400 (whitespace before colon)"),
    C("bad name character", GET11 "X(y): a\r\n\r\n",
      "error 400 (invalid field name)"),
    C("empty name", GET11 ": a\r\n\r\n", "error 400 (invalid field name)"),
    C("no colon", GET11 "Xyz\r\n\r\n", "error 400 (invalid field name)"),
    C("8-bit name", GET11 "X\xc3\xa9: a\r\n\r\n",
      "error 400 (invalid field name)"),
    C("NUL in a value", GET11 "X: a\0b\r\n\r\n",
      "error 400 (invalid character in field value)"),
    C("control in a value", GET11 "X: a\x01\r\n\r\n",
      "error 400 (invalid character in field value)"),
    C("DEL in a value", GET11 "X: a\x7f\r\n\r\n",
      "error 400 (invalid character in field value)"),
    C("missing Host", "GET / HTTP/1.1\r\n\r\n", "error 400 (missing Host)"),
    C("duplicate Host", GET11 "host: a\r\n\r\n", "error 400 (duplicate Host)"),
    C("duplicate Host in HTTP/1.0", "GET / HTTP/1.0\r\n" H H "\r\n",
      "error 400 (duplicate Host)"),
    C("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
      "error 400 (invalid Host)"),
    C("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n",
      "error 400 (invalid Host)"),
    C("Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
      "error 400 (invalid Host)"),
    C("Host with 8-bit bytes", "GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n",
      "error 400 (invalid Host)"),
    C("Host in HTTP/1.0 is checked too", "GET / HTTP/1.0\r\nHost: a?b\r\n\r\n",
      "error 400 (invalid Host)"),
    C("duplicate Content-Length",
      POST11 "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx",
      "error 400 (duplicate Content-Length)"),
    C("negative Content-Length", POST11 "Content-Length: -1\r\n\r\n",
      "error 400 (invalid Content-Length)"),
    C("signed Content-Length", POST11 "Content-Length: +1\r\n\r\nx",
      "error 400 (invalid Content-Length)"),
    C("space inside Content-Length", POST11 "Content-Length: 1 2\r\n\r\n",
      "error 400 (invalid Content-Length)"),
    C("hex Content-Length", POST11 "Content-Length: 0x10\r\n\r\n",
      "error 400 (invalid Content-Length)"),
    C("empty Content-Length", POST11 "Content-Length:\r\n\r\n",
      "error 400 (invalid Content-Length)"),
    C("list Content-Length", POST11 "Content-Length: 1,1\r\n\r\nx",
      "error 400 (invalid Content-Length)"),
    C("overflowing Content-Length",
      POST11 "Content-Length: 99999999999999999999999\r\n\r\n",
      "error 413 (body too large)"),
    C("Content-Length over the default max",
      POST11 "Content-Length: 8388609\r\n\r\n", "error 413 (body too large)"),
    CLIM("Content-Length over body_max", POST11 "Content-Length: 11\r\n\r\n",
         &small_body, "error 413 (body too large)"),
    C("Content-Length and Transfer-Encoding",
      POST11 "Content-Length: 5\r\n" TE_CH "\r\n0\r\n\r\n",
      "error 400 (both Content-Length and Transfer-Encoding)"),
    C("Transfer-Encoding and Content-Length",
      POST11 TE_CH "Content-Length: 5\r\n\r\n0\r\n\r\n",
      "error 400 (both Content-Length and Transfer-Encoding)"),
    C("gzip", POST11 "Transfer-Encoding: gzip\r\n\r\n",
      "error 501 (unsupported transfer coding)"),
    C("gzip, chunked", POST11 "Transfer-Encoding: gzip, chunked\r\n\r\n",
      "error 501 (unsupported transfer coding)"),
    C("identity", POST11 "Transfer-Encoding: identity\r\n\r\n",
      "error 501 (unsupported transfer coding)"),
    C("chunked twice", POST11 TE_CH TE_CH "\r\n0\r\n\r\n",
      "error 501 (unsupported transfer coding)"),
    C("chunked in HTTP/1.0", "POST / HTTP/1.0\r\n" TE_CH "\r\n0\r\n\r\n",
      "error 400 (Transfer-Encoding in HTTP/1.0)"),
    C("Expect: other", GET11 "Expect: 200-ok\r\n\r\n",
      "error 417 (unsupported expectation)"),
    C("Expect: a list", GET11 "Expect: 100-continue, x\r\n\r\n",
      "error 417 (unsupported expectation)"),
    CLIM("too many fields",
         "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
         &small_fields, "error 431 (too many header fields)"),
    CLIM("trailers count toward fields_max",
         POST11 TE_CH "\r\n0\r\nA: 1\r\nB: 2\r\n\r\n", &small_fields,
         "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
         "error 431 (too many header fields)"),
    CLIM("trailers count toward headers_max",
         POST11 TE_CH "\r\n0\r\nX: 1\r\n\r\n", &head42,
         "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
         "error 431 (header fields too large)"),
    CLIM("trailers at headers_max", POST11 TE_CH "\r\n0\r\nX: 1\r\n\r\n",
         &head43,
         "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked end"),
    CLIM("fields at headers_max", GET11 "X: 1234\r\n\r\n", &head18,
         "GET / 1.1 " WANT_H " [X: 1234] ka end"),
    CLIM("fields over headers_max", GET11 "X: 1234\r\n\r\n", &head17,
         "error 431 (header fields too large)"),
    CLIM("a short line over headers_max", GET11 "X\n\r\n", &head9,
         "error 431 (header fields too large)"),
    CLIM("target at line_max", "GET /aaaaaaaaaaaaaaaa HTTP/1.1\r\n" H "\r\n",
         &line32, "GET /aaaaaaaaaaaaaaaa 1.1 " WANT_H " ka end"),
    CLIM("target over line_max", "GET /aaaaaaaaaaaaaaaaa HTTP/1.1\r\n" H "\r\n",
         &line32, "error 414 (request line too long)"),
    CLIM("bare LF lets a line be one byte longer",
         "GET /aaaaaaaaaaaaaaaaa HTTP/1.1\n" H "\r\n", &line32,
         "GET /aaaaaaaaaaaaaaaaa 1.1 " WANT_H " ka end"),
    CLIM("empty lines count toward line_max",
         "\r\nGET /aaaaaaaaaaaaaaa HTTP/1.1\r\n" H "\r\n", &line32,
         "error 414 (request line too long)"),
    CLIM("too many empty lines", "\r\n\r\n\r\n\r\n\r\nGET", &line8,
         "error 400 (too many empty lines before the request)"),
    CLIM("method too long", "PROPPATCH / HTTP/1.1\r\n\r\n", &line8,
         "error 400 (method too long)"),
    CLIM("garbage over line_max", "G\x01T / HTTP/1.1\r\n\r\n", &line8,
         "error 400 (malformed request line)"),
    CLIM("version over line_max", "GET / HTTP/1.1\r\n\r\n", &line8,
         "error 414 (request line too long)"),
    CLIM("garbage after the target over line_max", "GET / XTTP/1.1\r\n\r\n",
         &line8, "error 400 (malformed request line)"),
    C("chunk size too long",
      POST11 TE_CH "\r\n00000000000000001\r\nx\r\n0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (chunk size too long)"),
    C("huge chunk size", POST11 TE_CH "\r\nffffffffffffffff\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 413 (body too large)"),
    CLIM("chunked body over body_max",
         POST11 TE_CH "\r\n6\r\n123456\r\n5\r\n12345\r\n0\r\n\r\n", &small_body,
         "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
         "body<123456> error 413 (body too large)"),
    CLIM("chunked body at body_max",
         POST11 TE_CH "\r\n6\r\n123456\r\n4\r\n1234\r\n0\r\n\r\n", &small_body,
         "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
         "body<1234561234> end"),
    C("no chunk size", POST11 TE_CH "\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (invalid chunk size)"),
    C("bad chunk size", POST11 TE_CH "\r\nx\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (invalid chunk size)"),
    C("signed chunk size", POST11 TE_CH "\r\n+5\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (invalid chunk size)"),
    C("space after the chunk size", POST11 TE_CH "\r\n5 \r\nhello\r\n0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (invalid chunk size)"),
    C("control in a chunk extension", POST11 TE_CH "\r\n5;a\x01\r\nhello\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (invalid chunk extension)"),
    C("bare CR in a chunk-size line", POST11 TE_CH "\r\n5\rhello\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (bare CR)"),
    C("no CRLF after chunk data", POST11 TE_CH "\r\n5\r\nhelloX\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "body<hello> error 400 (missing CRLF after chunk data)"),
    C("bare LF after chunk data", POST11 TE_CH "\r\n5\r\nhello\n0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "body<hello> error 400 (missing CRLF after chunk data)"),
    C("CR without LF after chunk data", POST11 TE_CH "\r\n5\r\nhello\rx",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "body<hello> error 400 (missing CRLF after chunk data)"),
    C("obs-fold in a trailer", POST11 TE_CH "\r\n0\r\nX: a\r\n b\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (obs-fold)"),
    C("bad trailer", POST11 TE_CH "\r\n0\r\nX : a\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (whitespace before colon)"),
    C("an error after a good request", GET11 "\r\nGET / HTTP/3.0\r\n\r\n",
      "GET / 1.1 " WANT_H " ka end error 505 (HTTP version not supported)"),
    C("bare LF after a chunk size", POST11 TE_CH "\r\n5\nhello\r\n0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (bare LF in a chunked body)"),
    C("bare LF after a chunk extension",
      POST11 TE_CH "\r\n5;a=b\nhello\r\n0\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (bare LF in a chunked body)"),
    C("bare LF after the last chunk size", POST11 TE_CH "\r\n0\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (bare LF in a chunked body)"),
    C("bare LF in a trailer", POST11 TE_CH "\r\n0\r\nX: y\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (bare LF in a chunked body)"),
    C("bare LF ending the trailers (a smuggling shape)",
      POST11 TE_CH "\r\n0\r\n\nGET /admin HTTP/1.1\r\n" H "\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (bare LF in a chunked body)"),
    C("a TLS handshake", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
      "error 400 (malformed request line)"),
    C("a control byte after an empty line", "\r\n\x01GET / HTTP/1.1\r\n",
      "error 400 (malformed request line)"),
    C("conflicting Content-Length",
      POST11 "Content-Length: 1\r\nContent-Length: 2\r\n\r\nx",
      "error 400 (duplicate Content-Length)"),
    C("Content-Length and chunked in HTTP/1.0",
      "POST / HTTP/1.0\r\nContent-Length: 1\r\n" TE_CH "\r\nx",
      "error 400 (Transfer-Encoding in HTTP/1.0)"),
    C("chunked listed twice",
      POST11 "Transfer-Encoding: chunked, chunked\r\n\r\n",
      "error 501 (unsupported transfer coding)"),
    C("empty Transfer-Encoding", POST11 "Transfer-Encoding:\r\n\r\n",
      "error 501 (unsupported transfer coding)"),
    C("Expect: other in HTTP/1.0", "GET / HTTP/1.0\r\nExpect: x\r\n\r\n",
      "error 417 (unsupported expectation)"),
    C("empty Expect", GET11 "Expect:\r\n\r\n",
      "error 417 (unsupported expectation)"),
    C("Expect: 100-continue with parameters",
      POST11 "Expect: 100-continue;x=1\r\nContent-Length: 1\r\n\r\nx",
      "error 417 (unsupported expectation)"),
    C("17 digits of chunk size", POST11 TE_CH "\r\n00000000000000000\r\n\r\n",
      "POST /p 1.1 " WANT_H " [Transfer-Encoding: chunked] ka chunked "
      "error 400 (chunk size too long)"),
};

/* What one run of a case produced. */
struct run {
    struct buf show;
    struct buf body; /* the current message's body bytes so far */
    bool failed;
    int status;
    const char *reason;
};

static void sep(struct buf *b)
{
    if (b->len)
        assert_int_equal(buf_addch(b, ' '), 0);
}

static void flush_body(struct run *r)
{
    if (!r->body.len)
        return;
    sep(&r->show);
    assert_int_equal(buf_addf(&r->show, "body<%s>", r->body.p), 0);
    buf_reset(&r->body);
}

static void show_head(struct buf *b, const struct http_head *h)
{
    size_t i;

    assert_int_equal(strlen(h->target), h->target_len);
    sep(b);
    assert_int_equal(
        buf_addf(b, "%s %s 1.%d", h->method, h->target, h->version_minor), 0);
    for (i = 0; i < h->nfields; i++) {
        const struct http_field *f = &h->fields[i];

        assert_int_equal(strlen(f->name), f->name_len);
        assert_int_equal(strlen(f->value), f->value_len);
        assert_int_equal(buf_addf(b, " [%s: %s]", f->name, f->value), 0);
    }
    assert_int_equal(buf_addf(b, "%s%s%s%s", h->keep_alive ? " ka" : "",
                              h->expect_continue ? " 100" : "",
                              h->upgrade ? " up" : "",
                              h->chunked ? " chunked" : ""),
                     0);
    if (h->has_length)
        assert_int_equal(
            buf_addf(b, " len=%llu", (unsigned long long)h->content_length), 0);
}

static void on_event(struct hparser *p, const struct http_event *ev,
                     struct run *r)
{
    switch (ev->type) {
    case HTTP_EV_HEAD:
        show_head(&r->show, &p->head);
        break;
    case HTTP_EV_BODY:
        assert_true(ev->len > 0);
        assert_int_equal(buf_add(&r->body, ev->data, ev->len), 0);
        break;
    case HTTP_EV_END:
        flush_body(r);
        sep(&r->show);
        assert_int_equal(buf_addstr(&r->show, "end"), 0);
        break;
    default:
        flush_body(r);
        sep(&r->show);
        assert_int_equal(
            buf_addf(&r->show, "error %d (%s)", ev->status, ev->reason), 0);
        r->failed = true;
        r->status = ev->status;
        r->reason = ev->reason;
        break;
    }
}

/* Feed in[0..n) until the parser wants more (or failed). */
static void feed(struct hparser *p, const char *in, size_t n, struct run *r)
{
    struct http_event ev;
    size_t used = 0, k, calls = 0;

    for (;;) {
        assert_true(++calls < 4 * n + 16);
        k = http_parse(p, in + used, n - used, &ev);
        if (r->failed) { /* sticky */
            assert_int_equal(k, 0);
            assert_int_equal(ev.type, HTTP_EV_ERROR);
            assert_int_equal(ev.status, r->status);
            assert_ptr_equal(ev.reason, r->reason);
            return;
        }
        assert_true(k <= n - used);
        if (ev.type == HTTP_EV_BODY) /* zero copy: inside this feed */
            assert_true(ev.data == in + used + k - ev.len);
        used += k;
        if (ev.type == HTTP_EV_NONE) {
            assert_int_equal(used, n);
            return;
        }
        on_event(p, &ev, r);
    }
}

/* Feed c->in in pieces ending at cuts[0..ncuts) (then the rest). */
static void run_case(const struct hcase *c, const size_t *cuts, size_t ncuts,
                     struct run *r)
{
    struct hparser *p = malloc(sizeof(*p));
    size_t i, at = 0, to;

    assert_non_null(p);
    memset(r, 0, sizeof(*r));
    buf_init(&r->show, 0);
    buf_init(&r->body, 0);
    memset(p, 0xa5, sizeof(*p)); /* init must not rely on zeroed memory */
    hparser_init(p, c->lim);
    for (i = 0; i <= ncuts; i++) {
        to = i < ncuts ? cuts[i] : c->n;
        feed(p, c->in + at, to - at, r);
        at = to;
    }
    feed(p, c->in + c->n, 0, r);
    flush_body(r);
    free(p);
}

static void run_release(struct run *r)
{
    buf_release(&r->show);
    buf_release(&r->body);
}

static void check_table(const struct hcase *cases, size_t n)
{
    struct run r;
    size_t i;

    for (i = 0; i < n; i++) {
        run_case(&cases[i], NULL, 0, &r);
        if (strcmp(r.show.p, cases[i].want) != 0)
            fail_msg("%s: got\n%s\nwant\n%s", cases[i].name, r.show.p,
                     cases[i].want);
        run_release(&r);
    }
}

static void test_valid(void **state)
{
    (void)state;
    check_table(valid, sizeof(valid) / sizeof(valid[0]));
}

static void test_invalid(void **state)
{
    (void)state;
    check_table(invalid, sizeof(invalid) / sizeof(invalid[0]));
}

static char *feed_case(const void *arg, const size_t *cuts, size_t ncuts)
{
    struct run r;
    char *out;

    run_case(arg, cuts, ncuts, &r);
    out = xstrdup(r.show.p);
    run_release(&r);
    return out;
}

/* The property: where the bytes are split never changes the events. */
static void test_every_split(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        tu_check_splits(valid[i].name, valid[i].n, feed_case, &valid[i]);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        tu_check_splits(invalid[i].name, invalid[i].n, feed_case, &invalid[i]);
}

/* A tiny deterministic generator for the random splits. */
static uint32_t next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Many random cuts at once (ascending, repeats allowed: empty feeds). */
static void check_random_splits(const struct hcase *c, uint32_t *seed)
{
    size_t cuts[12], ncuts, i, k, t;
    char *one = feed_case(c, NULL, 0), *two;
    int round;

    for (round = 0; round < 40; round++) {
        ncuts = 1 + next_rand(seed) % 12;
        for (i = 0; i < ncuts; i++)
            cuts[i] = next_rand(seed) % (c->n + 1);
        for (i = 1; i < ncuts; i++) /* insertion sort */
            for (k = i; k > 0 && cuts[k - 1] > cuts[k]; k--) {
                t = cuts[k];
                cuts[k] = cuts[k - 1];
                cuts[k - 1] = t;
            }
        two = feed_case(c, cuts, ncuts);
        if (strcmp(one, two) != 0)
            fail_msg("%s: split randomly at %zu gives\n%s\ninstead of\n%s",
                     c->name, cuts[0], two, one);
        free(two);
    }
    free(one);
}

static void test_random_splits(void **state)
{
    uint32_t seed = 2463534242u;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
        check_random_splits(&valid[i], &seed);
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        check_random_splits(&invalid[i], &seed);
}

/* Every status an error may carry is in the table. */
static void test_statuses_covered(void **state)
{
    static const int statuses[] = {400, 413, 414, 417, 431, 501, 505};
    char want[16];
    size_t i, k;
    bool seen;

    (void)state;
    for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        assert_true(snprintf(want, sizeof(want), "error %d (", statuses[i]) >
                    0);
        for (k = 0, seen = false; k < sizeof(invalid) / sizeof(invalid[0]); k++)
            seen |= strstr(invalid[k].want, want) != NULL;
        if (!seen)
            fail_msg("no case ends in status %d", statuses[i]);
    }
}

/* Resident pages of [from, to) (whole pages only) in the mapping. */
static size_t resident_pages(char *map, size_t size, uintptr_t from,
                             uintptr_t to)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), i, n = 0;
    unsigned char *vec = calloc(size / page, 1);

    assert_non_null(vec);
    assert_int_equal(mincore(map, size, vec), 0);
    for (i = 0; i < size / page; i++) {
        uintptr_t at = (uintptr_t)map + i * page;

        if (at >= from && at + page <= to)
            n += vec[i] & 1;
    }
    free(vec);
    return n;
}

/*
 * The server keeps a parser per connection: hparser_init must leave the
 * head storage (buf) untouched, so that a fresh mapping's pages stay
 * unmapped, and a small request must touch only buf's first page (the
 * rest made inaccessible here: touching it would crash the test).
 */
static void test_init_leaves_storage_alone(void **state)
{
    static const char req[] = GET11 "\r\n" POST11 "Content-Length: 2\r\n"
                                    "\r\nhi";
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = (sizeof(struct hparser) + page - 1) / page * page;
    char *map = mmap(NULL, size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct hparser *p = (struct hparser *)(void *)map;
    struct http_event ev;
    uintptr_t lo, hi;
    size_t at = 0, ends = 0;

    (void)state;
    assert_true(map != MAP_FAILED);
    lo = ((uintptr_t)p->buf + page) / page * page;
    hi = ((uintptr_t)p->buf + sizeof(p->buf)) / page * page;
    assert_true(hi - lo >= 4 * page);
    hparser_init(p, NULL);
    assert_int_equal(resident_pages(map, size, lo, hi), 0);
    assert_true(sizeof(req) + 64 < page);
    assert_int_equal(mprotect((void *)lo, hi - lo, PROT_NONE), 0);
    do {
        at += http_parse(p, req + at, sizeof(req) - 1 - at, &ev);
        assert_int_not_equal(ev.type, HTTP_EV_ERROR);
        ends += ev.type == HTTP_EV_END;
    } while (ev.type != HTTP_EV_NONE);
    assert_int_equal(ends, 2);
    hparser_init(p, NULL);
    assert_int_equal(munmap(map, size), 0);
}

static void test_sticky_error(void **state)
{
    struct hparser *p = malloc(sizeof(*p));
    struct http_event ev;

    (void)state;
    assert_non_null(p);
    hparser_init(p, NULL);
    assert_int_equal(http_parse(p, IN("GET / HTTP/1.1\r\nHost : a\r\n"), &ev),
                     26);
    assert_int_equal(ev.type, HTTP_EV_ERROR);
    assert_int_equal(ev.status, 400);
    assert_string_equal(ev.reason, "whitespace before colon");
    assert_int_equal(http_parse(p, IN(GET11 "\r\n"), &ev), 0);
    assert_int_equal(ev.type, HTTP_EV_ERROR);
    assert_int_equal(ev.status, 400);
    assert_string_equal(ev.reason, "whitespace before colon");
    assert_int_equal(http_parse(p, NULL, 0, &ev), 0);
    assert_int_equal(ev.type, HTTP_EV_ERROR);
    hparser_init(p, NULL); /* a used parser starts over */
    assert_int_equal(http_parse(p, IN(GET11 "\r\n"), &ev), 27);
    assert_int_equal(ev.type, HTTP_EV_HEAD);
    assert_int_equal(http_parse(p, NULL, 0, &ev), 0);
    assert_int_equal(ev.type, HTTP_EV_END);
    free(p);
}

/* The head outlives END until the next call, and the body needs no input
 * to end. */
static void test_events_and_lifetimes(void **state)
{
    static const char req[] = POST11 "Content-Length: 3\r\n"
                                     "Connection: Upgrade, x\r\n"
                                     "Upgrade: h2c\r\n\r\nabcGET";
    struct hparser *p = malloc(sizeof(*p));
    struct http_event ev;
    size_t at;

    (void)state;
    assert_non_null(p);
    hparser_init(p, NULL);
    at = http_parse(p, IN(req), &ev);
    assert_int_equal(ev.type, HTTP_EV_HEAD);
    assert_int_equal(at, sizeof(req) - 1 - 6);
    assert_string_equal(p->head.method, "POST");
    assert_true(p->head.upgrade);
    assert_int_equal(http_parse(p, req + at, 2, &ev), 2);
    assert_int_equal(ev.type, HTTP_EV_BODY);
    assert_ptr_equal(ev.data, req + at);
    assert_int_equal(ev.len, 2);
    at += 2;
    assert_int_equal(http_parse(p, req + at, 4, &ev), 1);
    assert_int_equal(ev.type, HTTP_EV_BODY);
    assert_ptr_equal(ev.data, req + at);
    at++;
    assert_int_equal(http_parse(p, NULL, 0, &ev), 0);
    assert_int_equal(ev.type, HTTP_EV_END);
    assert_string_equal(p->head.method, "POST");
    assert_string_equal(http_head_get(&p->head, "UPGRADE", NULL), "h2c");
    assert_int_equal(http_parse(p, req + at, 3, &ev), 3);
    assert_int_equal(ev.type, HTTP_EV_NONE);
    assert_int_equal(http_parse(p, IN(" / HTTP/1.0\n\n"), &ev), 13);
    assert_int_equal(ev.type, HTTP_EV_HEAD);
    assert_string_equal(p->head.method, "GET");
    assert_int_equal(p->head.nfields, 0);
    assert_false(p->head.keep_alive);
    free(p);
}

static void test_lookups(void **state)
{
    static const char req[] =
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive ,\t Upgrade\r\n"
        "connection: ,,TE,\r\nX-Empty:\r\nUpgrade: websocket\r\n\r\n";
    struct hparser *p = malloc(sizeof(*p));
    struct http_event ev;
    size_t len = 99;

    (void)state;
    assert_non_null(p);
    hparser_init(p, NULL);
    assert_int_equal(http_parse(p, IN(req), &ev), sizeof(req) - 1);
    assert_int_equal(ev.type, HTTP_EV_HEAD);
    assert_string_equal(http_head_get(&p->head, "CONNECTION", &len),
                        "keep-alive ,\t Upgrade");
    assert_int_equal(len, 21);
    assert_string_equal(http_head_get(&p->head, "x-empty", &len), "");
    assert_int_equal(len, 0);
    assert_null(http_head_get(&p->head, "x-emptyx", &len));
    assert_null(http_head_get(&p->head, "x-empt", NULL));
    assert_int_equal(len, 0);
    assert_true(http_head_has_token(&p->head, "connection", "upgrade"));
    assert_true(http_head_has_token(&p->head, "connection", "KEEP-ALIVE"));
    assert_true(http_head_has_token(&p->head, "Connection", "te"));
    assert_false(http_head_has_token(&p->head, "connection", "keep"));
    assert_false(http_head_has_token(&p->head, "connection", ""));
    assert_false(http_head_has_token(&p->head, "x-missing", "te"));
    assert_true(http_head_has_token(&p->head, "upgrade", "websocket"));
    assert_true(p->head.upgrade);
    assert_true(p->head.keep_alive);
    free(p);
}

/* Feed one request; return the status of its error, or 0 at its head. */
static int status_of(const struct http_limits *lim, const char *in, size_t n)
{
    struct hparser *p = malloc(sizeof(*p));
    struct http_event ev;
    int status;

    assert_non_null(p);
    hparser_init(p, lim);
    if (http_parse(p, in, n, &ev) == n) {
        assert_int_equal(ev.type, HTTP_EV_HEAD);
        status = 0;
    } else {
        assert_int_equal(ev.type, HTTP_EV_ERROR);
        status = ev.status;
    }
    free(p);
    return status;
}

/* A request whose line is exactly line bytes and whose fields take
 * exactly fields bytes, in lines of at most per bytes. */
static char *make_request(size_t line, size_t fields, size_t per, size_t *n)
{
    struct buf b;
    size_t left = fields - 9, k;

    buf_init(&b, 0);
    assert_int_equal(buf_addstr(&b, "GET /"), 0);
    while (b.len < line - 11)
        assert_int_equal(buf_addch(&b, 'a'), 0);
    assert_int_equal(buf_addstr(&b, " HTTP/1.1\r\nHost: a\r\n"), 0);
    while (left) {
        k = left > per ? per : left;
        if (left - k && left - k < 5)
            k -= 5;
        assert_true(k >= 5);
        assert_int_equal(buf_addf(&b, "X:%*s\r\n", (int)(k - 4), "v"), 0);
        left -= k;
    }
    assert_int_equal(buf_addstr(&b, "\r\n"), 0);
    return buf_detach(&b, n);
}

static void test_default_limits(void **state)
{
    struct http_limits big = {1u << 20, 1u << 20, 1000, 0};
    size_t n;
    char *req;

    (void)state;
    req = make_request(HTTP_LINE_MAX, HTTP_HEADERS_MAX, 1000, &n);
    assert_int_equal(status_of(NULL, req, n), 0);
    assert_int_equal(status_of(&big, req, n), 0);
    free(req);
    req = make_request(HTTP_LINE_MAX + 1, 100, 100, &n);
    assert_int_equal(status_of(NULL, req, n), 414);
    assert_int_equal(status_of(&big, req, n), 414); /* clamped */
    free(req);
    req = make_request(100, HTTP_HEADERS_MAX + 1, 1000, &n);
    assert_int_equal(status_of(NULL, req, n), 431);
    assert_int_equal(status_of(&big, req, n), 431);
    free(req);
    /* 100 fields (Host + 99) pass; 101 do not */
    req = make_request(100, 9 + 99 * 5, 5, &n);
    assert_int_equal(status_of(NULL, req, n), 0);
    assert_int_equal(status_of(&big, req, n), 0);
    free(req);
    req = make_request(100, 9 + 100 * 5, 5, &n);
    assert_int_equal(status_of(NULL, req, n), 431);
    assert_int_equal(status_of(&big, req, n), 431);
    free(req);
}

/* A body far bigger than any one feed, Content-Length and chunked. */
static void test_big_body(void **state)
{
    static const char head[] = POST11 "Content-Length: 8388608\r\n\r\n";
    static const char chunk_head[] = POST11 TE_CH "\r\n";
    struct hparser *p = malloc(sizeof(*p));
    struct http_event ev;
    char *block = malloc(65536);
    uint64_t body = 0;
    size_t k, i;

    (void)state;
    assert_non_null(p);
    assert_non_null(block);
    memset(block, 'z', 65536);
    hparser_init(p, NULL);
    assert_int_equal(http_parse(p, IN(head), &ev), sizeof(head) - 1);
    for (i = 0; i < 128; i++) {
        assert_int_equal(http_parse(p, block, 65536, &ev), 65536);
        assert_int_equal(ev.type, HTTP_EV_BODY);
        body += ev.len;
    }
    assert_int_equal(body, HTTP_BODY_MAX);
    assert_int_equal(http_parse(p, block, 65536, &ev), 0);
    assert_int_equal(ev.type, HTTP_EV_END);
    hparser_init(p, NULL);
    assert_int_equal(http_parse(p, IN(chunk_head), &ev),
                     sizeof(chunk_head) - 1);
    assert_int_equal(http_parse(p, IN("800000\r\n"), &ev), 8);
    assert_int_equal(ev.type, HTTP_EV_NONE);
    for (i = 0, body = 0; i < 128; i++) {
        k = http_parse(p, block, 65536, &ev);
        assert_int_equal(ev.type, HTTP_EV_BODY);
        body += k;
    }
    assert_int_equal(body, HTTP_BODY_MAX);
    assert_int_equal(http_parse(p, IN("\r\n1\r\n"), &ev), 3);
    assert_int_equal(ev.type, HTTP_EV_ERROR);
    assert_int_equal(ev.status, 413);
    free(block);
    free(p);
}

/* Chunk-size lines are bounded, extensions included. */
static void test_long_extensions(void **state)
{
    struct buf b;
    struct hparser *p = malloc(sizeof(*p));
    struct http_event ev;
    size_t at;

    (void)state;
    assert_non_null(p);
    buf_init(&b, 0);
    assert_int_equal(buf_addstr(&b, POST11 TE_CH "\r\n1;x="), 0);
    while (b.len < sizeof(POST11 TE_CH "\r\n") - 1 + 4094)
        assert_int_equal(buf_addch(&b, 'v'), 0);
    assert_int_equal(buf_addstr(&b, "\r\nx\r\n0\r\n\r\n"), 0);
    hparser_init(p, NULL);
    at = http_parse(p, b.p, b.len, &ev);
    assert_int_equal(ev.type, HTTP_EV_HEAD);
    at += http_parse(p, b.p + at, b.len - at, &ev);
    assert_int_equal(ev.type, HTTP_EV_BODY); /* a 4096-byte line is fine */
    at += http_parse(p, b.p + at, b.len - at, &ev);
    assert_int_equal(ev.type, HTTP_EV_END);
    assert_int_equal(at, b.len);
    buf_truncate(&b, b.len - 10);
    assert_int_equal(buf_addstr(&b, "v\r\nx\r\n0\r\n\r\n"), 0);
    hparser_init(p, NULL);
    at = http_parse(p, b.p, b.len, &ev);
    http_parse(p, b.p + at, b.len - at, &ev);
    assert_int_equal(ev.type, HTTP_EV_ERROR);
    assert_int_equal(ev.status, 400);
    assert_string_equal(ev.reason, "chunk extensions too long");
    buf_release(&b);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_random_splits),
        cmocka_unit_test(test_statuses_covered),
        cmocka_unit_test(test_init_leaves_storage_alone),
        cmocka_unit_test(test_sticky_error),
        cmocka_unit_test(test_events_and_lifetimes),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_default_limits),
        cmocka_unit_test(test_big_body),
        cmocka_unit_test(test_long_extensions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
