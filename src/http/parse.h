/*
 * The HTTP/1.1 request parser: pure and incremental. Bytes go in as they
 * arrive (split anywhere); out come events one at a time: the request
 * head, pieces of the body (pointing into the caller's bytes, no copy),
 * and the end of the message, or an error with the status to answer.
 * Strict on purpose (it faces the network): size limits on every part,
 * exactly one Host (of host and port characters) in HTTP/1.1,
 * Content-Length and Transfer-Encoding together rejected, obs-fold
 * rejected, no whitespace before a field's colon, only the chunked
 * transfer coding; a bare LF ends a line of the head (RFC 9112 2.2) but
 * not of a chunked body, where only CRLF does. No I/O, no allocation:
 * fuzzable.
 */
#ifndef OC_HTTP_PARSE_H
#define OC_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_LINE_MAX    8192u      /* request line, CRLF included */
#define HTTP_HEADERS_MAX 16384u     /* all field lines, CRLFs included */
#define HTTP_FIELDS_MAX  100u       /* field lines (trailers count too) */
#define HTTP_BODY_MAX    (8u << 20) /* decoded body bytes */

struct http_limits {
    size_t line_max;    /* 0: HTTP_LINE_MAX (at most HTTP_LINE_MAX) */
    size_t headers_max; /* 0: HTTP_HEADERS_MAX (at most HTTP_HEADERS_MAX) */
    size_t fields_max;  /* 0: HTTP_FIELDS_MAX (at most HTTP_FIELDS_MAX) */
    uint64_t body_max;  /* 0: HTTP_BODY_MAX */
};

struct http_field {
    const char *name; /* as received (compare case-insensitively) */
    size_t name_len;
    const char *value; /* leading and trailing spaces/tabs removed */
    size_t value_len;
};

/* The request head. Strings point into the parser's own storage and stay
 * valid until the next http_parse call after HTTP_EV_END (or until reset).
 * name/value/target are NUL-terminated. */
struct http_head {
    const char *method; /* "GET", "POST", ... (case-sensitive token) */
    const char *target; /* request-target as sent: "/v1/models?x=1" */
    size_t target_len;
    int version_minor; /* HTTP/1.<minor>: 0 or 1 */
    struct http_field fields[HTTP_FIELDS_MAX];
    size_t nfields;

    /* Derived from the fields: */
    bool keep_alive;      /* 1.1 unless "Connection: close"; 1.0 only with
                             "Connection: keep-alive" */
    bool expect_continue; /* "Expect: 100-continue" */
    bool upgrade;         /* "Connection: upgrade" token and an Upgrade
                             field (the value is in the fields) */
    bool chunked;         /* Transfer-Encoding: chunked */
    bool has_length;      /* Content-Length present */
    uint64_t content_length;
};

enum http_event_type {
    HTTP_EV_NONE = 0, /* all input consumed; feed more */
    HTTP_EV_HEAD,     /* head complete: see hparser.head */
    HTTP_EV_BODY,     /* ev.data / ev.len: decoded body bytes */
    HTTP_EV_END,      /* the message is complete */
    HTTP_EV_ERROR     /* malformed or over a limit: see status/reason */
};

struct http_event {
    enum http_event_type type;
    const char *data; /* HTTP_EV_BODY: points into the caller's input */
    size_t len;
    int status;         /* HTTP_EV_ERROR: 400, 413, 414, 417, 431, 501 or
                           505 (the response to send before closing) */
    const char *reason; /* HTTP_EV_ERROR: a short static English phrase
                           for logs and the error body, e.g. "both
                           Content-Length and Transfer-Encoding" */
};

/* Internal state; treat as opaque. */
struct hparser {
    struct http_limits lim;
    int state;
    int error_status;
    const char *error_reason;
    /* head storage: the request line and field lines, copied */
    char buf[HTTP_LINE_MAX + HTTP_HEADERS_MAX + 64];
    size_t buf_len;
    size_t line_start;
    size_t header_bytes;
    uint64_t body_left; /* Content-Length bytes or current chunk left */
    uint64_t body_seen;
    size_t ext_len;        /* bytes of the current chunk-size line */
    size_t blank_bytes;    /* empty lines before the request line */
    size_t nlines;         /* field lines so far, trailers included */
    unsigned chunk_digits; /* hex digits of the current chunk size */
    struct http_head head;
};

/* Ready to parse a new connection's first request (lim may be NULL).
 * p need not be zeroed (malloc is fine), and only its small members are
 * written: the head storage (buf, head.fields, about 28 KiB) is left
 * alone until requests fill it, so idle connections' parsers cost no
 * resident memory beyond their first page. */
void hparser_init(struct hparser *p, const struct http_limits *lim);

/*
 * Parse from in[0..n): consumes bytes up to and including the next event
 * and returns how many it consumed; *ev says which event (HTTP_EV_NONE
 * when everything was consumed without completing one). Call again with
 * the rest. After HTTP_EV_END the parser is ready for the next request
 * on the connection (pipelining: the caller keeps unconsumed bytes).
 * After HTTP_EV_ERROR every further call returns 0 with the same error.
 * A request without a body gives HEAD then END.
 */
size_t http_parse(struct hparser *p, const char *in, size_t n,
                  struct http_event *ev);

/* The value of the first field named name (case-insensitive), or NULL;
 * *len gets its length when len is non-NULL. */
const char *http_head_get(const struct http_head *h, const char *name,
                          size_t *len);

/* Does the comma-separated list in field name contain token
 * (case-insensitive), e.g. ("connection", "upgrade")? */
bool http_head_has_token(const struct http_head *h, const char *name,
                         const char *token);

#endif
