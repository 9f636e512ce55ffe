/*
 * One model call with the SDKs' retry rules (see call.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/anthropic.h"
#include "provider/call.h"
#include "provider/openai.h"
#include "provider/sse.h"
#include "base/banned.h"

#define ERROR_BODY_MAX ((size_t)1 << 20)

/* ---- the two APIs ----------------------------------------------------- */

struct api_ops {
    const char *name, *path;
    void (*headers)(const struct llm_request *r, struct strlist *out);
    json_t *(*body)(const struct llm_request *r);
    const struct llm_stream_ops *stream;
    void (*parse_error)(const char *body, size_t n, struct llm_result *res);
};

static const struct api_ops apis[] = {
    {"anthropic-messages", "/v1/messages", anthropic_headers, anthropic_body,
     &anthropic_stream_ops, anthropic_parse_error},
    {"openai-completions", "/chat/completions", openai_headers, openai_body,
     &openai_stream_ops, openai_parse_error},
};

static const struct api_ops *ops_for(const char *api)
{
    size_t i;

    for (i = 0; api && i < sizeof(apis) / sizeof(apis[0]); i++)
        if (!strcmp(apis[i].name, api))
            return &apis[i];
    return NULL;
}

bool llm_api_supported(const char *api)
{
    return ops_for(api) != NULL;
}

/* ---- state ------------------------------------------------------------- */

struct llm_call {
    struct http_client *hc;
    const struct llm_request *req;
    struct llm_call_opts opts;
    struct llm_sink sink;
    struct llm_result *res;
    llm_done_fn done;
    void *arg;
    const struct api_ops *ops;
    char *url, *body;
    size_t body_len;
    struct strlist hdrs;
    const char **hdr_v;
    struct http_req *http;
    struct sse_parser sse;
    void *stream;
    struct buf errbody;
    bool streaming, stream_over, cancelled, finished, paused;
    int attempt;
    uv_timer_t timer;
};

static void attempt(struct llm_call *c);

static void free_call(uv_handle_t *h)
{
    struct llm_call *c = h->data;
    size_t i;

    for (i = 0; i < c->hdrs.n; i++)
        secret_wipe(c->hdrs.v[i], strlen(c->hdrs.v[i]));
    strlist_release(&c->hdrs);
    free(c->hdr_v);
    if (c->body)
        secret_wipe(c->body, c->body_len);
    free(c->body);
    free(c->url);
    buf_release(&c->errbody);
    free(c);
}

static void finish(struct llm_call *c)
{
    if (c->finished)
        return;
    c->finished = true;
    uv_timer_stop(&c->timer);
    c->done(c->arg, c->res);
    uv_close((uv_handle_t *)&c->timer, free_call);
}

/* ---- retry decisions ------------------------------------------------------
 */

static bool retryable(const struct llm_result *r)
{
    int s = r->http_status;

    if (r->status == LLM_OK || r->status == LLM_CANCELLED ||
        r->status == LLM_STREAM_ERROR || r->status == LLM_TRUNCATED ||
        r->status == LLM_BAD_RESPONSE || r->output_started)
        return false; /* errors after a 2xx are never retried */
    if (r->should_retry >= 0)
        return r->should_retry == 1;
    if (r->status == LLM_TRANSPORT)
        return true;
    return s == 408 || s == 409 || s == 429 || s >= 500;
}

static double jitter(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1.0 - 0.25 * (double)(ts.tv_nsec % 1000) / 1000.0;
}

/* Milliseconds to wait before retry number n (0-based), or -1 when the
 * server asks for longer than we wait. */
static long retry_delay(const struct llm_call *c, int n)
{
    long max =
        c->opts.max_retry_delay_ms > 0 ? c->opts.max_retry_delay_ms : 60000L;
    double s;

    if (c->res->retry_after_ms >= 0)
        return c->res->retry_after_ms <= max ? (long)c->res->retry_after_ms
                                             : -1;
    s = n >= 4 ? 8.0 : 0.5 * (double)(1 << n); /* 0.5 s doubling, 8 s cap */
    return (long)(s * jitter() * 1000.0);
}

static void on_fail_timer(uv_timer_t *t)
{
    finish(t->data);
}

static void on_retry_timer(uv_timer_t *t)
{
    attempt(t->data);
}

static void after_attempt(struct llm_call *c)
{
    int max = c->opts.max_retries >= 0 ? c->opts.max_retries : 2;
    long delay;

    if (!c->cancelled && c->attempt <= max && retryable(c->res)) {
        delay = retry_delay(c, c->attempt - 1);
        if (delay >= 0) {
            uv_timer_start(&c->timer, on_retry_timer, (uint64_t)delay, 0);
            return;
        }
    }
    finish(c);
}

/* ---- response headers ------------------------------------------------------
 */

/* retry-after: seconds (or a fraction), or an HTTP date. */
static int64_t parse_retry_after(const char *v)
{
    struct tm tm = {0};
    char *end;
    double s = strtod(v, &end);
    time_t when;

    if (end != v && *end == '\0' && s >= 0)
        return (int64_t)(s * 1000.0);
    if (strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
        when = timegm(&tm);
        return when > time(NULL) ? (int64_t)(when - time(NULL)) * 1000 : 0;
    }
    return -1;
}

static void read_headers(struct llm_result *res, const struct http_response *r)
{
    const char *v;
    double ms;
    char *end;

    res->http_status = (int)r->status;
    if ((v = http_header_get(r, "request-id")) ||
        (v = http_header_get(r, "x-request-id")) ||
        (v = http_header_get(r, "x-generation-id")))
        str_copy(res->request_id, sizeof(res->request_id), v);
    if ((v = http_header_get(r, "retry-after-ms"))) {
        ms = strtod(v, &end);
        if (end != v && ms >= 0)
            res->retry_after_ms = (int64_t)ms;
    }
    if (res->retry_after_ms < 0 && (v = http_header_get(r, "retry-after")))
        res->retry_after_ms = parse_retry_after(v);
    if ((v = http_header_get(r, "x-should-retry")))
        res->should_retry = !strcmp(v, "true")    ? 1
                            : !strcmp(v, "false") ? 0
                                                  : -1;
}

/* Operators see the request id and rate-limit budget (--log-level debug;
 * the gateway's status shows them too). */
static void log_response(const struct llm_call *c,
                         const struct http_response *r)
{
    struct buf b;
    size_t i;

    if (!log_enabled(LOG_DEBUG))
        return;
    buf_init(&b, 0);
    for (i = 0; i < r->nheaders; i++)
        if (str_has_prefix(r->headers[i].name, "anthropic-ratelimit-") ||
            str_has_prefix(r->headers[i].name, "x-ratelimit-"))
            buf_addf(&b, " %s=%s", r->headers[i].name + 10,
                     r->headers[i].value);
    log_debug("%s %ld request-id=%s%s", c->url, r->status,
              c->res->request_id[0] ? c->res->request_id : "-", b.p);
    buf_release(&b);
}

static void on_response(void *arg, const struct http_response *r)
{
    struct llm_call *c = arg;
    const char *ct = http_header_get(r, "content-type");

    read_headers(c->res, r);
    log_response(c, r);
    if (r->status >= 200 && r->status < 300 &&
        (!ct || strstr(ct, "text/event-stream"))) {
        c->streaming = true;
        c->stream = c->ops->stream->open(c->req, &c->sink, c->res);
    }
}

/* ---- body ---------------------------------------------------------------- */

static int on_sse(void *arg, const struct sse_event *ev)
{
    struct llm_call *c = arg;

    if (c->ops->stream->event(c->stream, ev->event, ev->data, ev->data_len)) {
        c->stream_over = true;
        return 1;
    }
    return 0;
}

static int on_body(void *arg, const char *p, size_t n)
{
    struct llm_call *c = arg;
    int rc;

    if (!c->streaming) {
        buf_add(&c->errbody, p, n); /* beyond the cap it is cut short */
        return 0;
    }
    rc = sse_feed(&c->sse, p, n, on_sse, c);
    if (rc == OC_ETOOBIG) {
        c->res->status = LLM_BAD_RESPONSE;
        str_copy(c->res->error_message, sizeof(c->res->error_message),
                 "an event in the response stream is too large");
    }
    return rc != 0;
}

/* ---- done -----------------------------------------------------------------
 */

static void end_stream(struct llm_call *c, const struct http_done *d)
{
    struct llm_result *r = c->res;

    sse_finish(&c->sse);
    c->ops->stream->end(c->stream);
    c->ops->stream->close(c->stream);
    c->stream = NULL;
    if (r->status == LLM_TRUNCATED && d->outcome != HTTP_DONE &&
        !c->stream_over)
        snprintf(r->error_message, sizeof(r->error_message),
                 "the response stream was cut off: %s", d->error);
}

static void on_done(void *arg, const struct http_response *resp,
                    const struct http_done *d)
{
    struct llm_call *c = arg;
    struct llm_result *r = c->res;

    c->http = NULL;
    if (c->cancelled ||
        (d->outcome == HTTP_ECANCELLED && !c->stream_over && !c->streaming)) {
        r->status = LLM_CANCELLED;
        str_copy(r->error_message, sizeof(r->error_message), "cancelled");
        if (c->stream) {
            c->ops->stream->close(c->stream);
            c->stream = NULL;
        }
    } else if (c->streaming) {
        end_stream(c, d);
    } else if (resp->status >= 300 ||
               (resp->status && d->outcome == HTTP_DONE)) {
        r->status = resp->status >= 300 ? LLM_HTTP_ERROR : LLM_BAD_RESPONSE;
        c->ops->parse_error(c->errbody.p, c->errbody.len, r);
        if (r->status == LLM_BAD_RESPONSE)
            snprintf(r->error_message, sizeof(r->error_message),
                     "the server answered %ld without an event stream",
                     resp->status);
    } else {
        r->status = LLM_TRANSPORT;
        r->transport_timeout = d->outcome == HTTP_ETIMEOUT;
        str_copy(r->error_type, sizeof(r->error_type),
                 d->outcome == HTTP_ETIMEOUT   ? "timeout"
                 : d->outcome == HTTP_ECONNECT ? "connection_error"
                                               : "network_error");
        str_copy(r->error_message, sizeof(r->error_message), d->error);
    }
    sse_release(&c->sse);
    after_attempt(c);
}

static void attempt(struct llm_call *c)
{
    struct http_request rq = {"POST",
                              c->url,
                              c->hdr_v,
                              c->body,
                              c->body_len,
                              c->opts.connect_timeout_ms,
                              c->opts.header_timeout_ms,
                              c->opts.idle_timeout_ms};
    struct http_handler h = {on_response, on_body, on_done, c};
    struct oc_err err;

    c->attempt++;
    llm_result_release(c->res);
    c->streaming = c->stream_over = false;
    buf_reset(&c->errbody);
    sse_init(&c->sse, 0);
    c->http = http_start(c->hc, &rq, &h, &err);
    if (!c->http) {
        sse_release(&c->sse);
        c->res->status = LLM_TRANSPORT;
        str_copy(c->res->error_message, sizeof(c->res->error_message),
                 oc_err_msg(&err));
        /* done always runs from the loop, never inside llm_call_start */
        uv_timer_start(&c->timer, on_fail_timer, 0, 0);
    } else if (c->paused) {
        http_pause(c->http, true);
    }
}

/* URL, headers and body, built once for every attempt. */
static void build(struct llm_call *c)
{
    const struct llm_request *req = c->req;
    size_t i, n = strlen(req->base_url);
    json_t *body;

    while (n && req->base_url[n - 1] == '/')
        n--;
    c->url = xasprintf("%.*s%s", (int)n, req->base_url, c->ops->path);
    c->ops->headers(req, &c->hdrs);
    c->hdr_v = xcalloc(c->hdrs.n + 1, sizeof(*c->hdr_v));
    for (i = 0; i < c->hdrs.n; i++)
        c->hdr_v[i] = c->hdrs.v[i];
    body = c->ops->body(req);
    /* as JSON.stringify writes it (OpenClaw's bytes): 0.7 stays 0.7 */
    c->body = jsonx_dumps(body, 0);
    c->body_len = c->body ? strlen(c->body) : 0;
    json_decref(body);
}

struct llm_call *llm_call_start(struct http_client *hc,
                                const struct llm_call_spec *spec,
                                struct oc_err *err)
{
    const struct llm_request *req = spec->req;
    const struct api_ops *ops = ops_for(req->api);
    struct llm_call *c;

    if (!ops) {
        oc_err_set(err, OC_EINVAL,
                   "provider %s uses api \"%s\", which this openclaw does not "
                   "speak (anthropic-messages, openai-completions)",
                   req->provider, req->api ? req->api : "(none)");
        return NULL;
    }
    c = xcalloc(1, sizeof(*c));
    c->hc = hc;
    c->req = req;
    c->opts = *spec->opts;
    if (spec->sink)
        c->sink = *spec->sink;
    c->res = spec->res;
    c->done = spec->done;
    c->arg = spec->arg;
    c->ops = ops;
    build(c);
    buf_init(&c->errbody, ERROR_BODY_MAX);
    uv_timer_init(http_client_loop(hc), &c->timer);
    c->timer.data = c;
    attempt(c);
    return c;
}

void llm_call_pause(struct llm_call *c, bool paused)
{
    if (!c || c->finished || c->paused == paused)
        return;
    c->paused = paused;
    if (c->http)
        http_pause(c->http, paused);
}

void llm_call_cancel(struct llm_call *c)
{
    if (!c || c->finished)
        return;
    c->cancelled = true;
    if (c->http) {
        http_cancel(c->http); /* on_done finishes */
        return;
    }
    llm_result_release(c->res);
    c->res->status = LLM_CANCELLED;
    str_copy(c->res->error_message, sizeof(c->res->error_message), "cancelled");
    finish(c);
}
