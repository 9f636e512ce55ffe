/*
 * The HTTP client: libcurl's multi interface driven by a libuv loop, so
 * one thread runs many transfers (the CLI runs one; the gateway many).
 * Bodies stream through a callback as they arrive; a watchdog enforces
 * the time to the response headers and the longest silence between body
 * bytes (SSE pings count); a transfer can be paused (backpressure) or
 * cancelled at any moment. TLS verification is always on; proxies come
 * from the usual environment variables (https_proxy, no_proxy, ...).
 */
#ifndef OC_PROVIDER_HTTP_H
#define OC_PROVIDER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "base/err.h"

struct http_client;
struct http_req;

struct http_header {
    char *name; /* lower-cased */
    char *value;
};

struct http_response {
    long status; /* 0 until the headers arrived */
    struct http_header *headers;
    size_t nheaders;
};

/* The value of header name (lower case), or NULL. */
const char *http_header_get(const struct http_response *r, const char *name);

struct http_request {
    const char *method; /* "GET", "POST", ... */
    const char *url;
    const char *const *headers; /* "Name: value" lines, NULL-terminated */
    const char *body;           /* copied; may be NULL */
    size_t body_len;
    long connect_timeout_ms; /* 0: 10 s */
    long header_timeout_ms;  /* 0: 600 s until the response headers */
    long idle_timeout_ms;    /* 0: 120 s of silence in the body */
};

enum http_outcome {
    HTTP_DONE = 0,  /* a complete response (any status) */
    HTTP_ECONNECT,  /* could not connect / resolve / TLS handshake */
    HTTP_ETIMEOUT,  /* a watchdog or curl timeout fired */
    HTTP_EIO,       /* the connection broke mid-way, or another error */
    HTTP_ECANCELLED /* http_cancel, or on_body asked to stop */
};

struct http_done {
    enum http_outcome outcome;
    char error[256]; /* what happened, for messages; "" when done */
};

struct http_handler {
    /* The final response headers arrived (status >= 200). May be NULL. */
    void (*on_response)(void *arg, const struct http_response *r);
    /* Body bytes; return non-zero to stop the transfer (ECANCELLED). */
    int (*on_body)(void *arg, const char *p, size_t n);
    /* Exactly once per started request, from the loop; the request is
     * freed after it returns. */
    void (*on_done)(void *arg, const struct http_response *r,
                    const struct http_done *d);
    void *arg;
};

/* A client on loop; NULL with err when libcurl cannot be loaded. */
struct http_client *http_client_new(uv_loop_t *loop, struct oc_err *err);

/*
 * Cancel every request (their on_done runs with ECANCELLED) and release
 * the client. Its libuv handles close asynchronously: run the loop once
 * more before closing it.
 */
void http_client_free(struct http_client *c);

/* The loop the client runs on. */
uv_loop_t *http_client_loop(struct http_client *c);

/* Start a request; NULL with err if it could not even be set up. */
struct http_req *http_start(struct http_client *c,
                            const struct http_request *rq,
                            const struct http_handler *h, struct oc_err *err);

/*
 * Stop a request now: on_done runs (ECANCELLED) before this returns. Not
 * from inside that request's own callbacks (return non-zero from on_body
 * there).
 */
void http_cancel(struct http_req *r);

/* Stop or resume reading the response body (a slow consumer). */
void http_pause(struct http_req *r, bool paused);

#endif
