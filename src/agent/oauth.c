/*
 * Anthropic OAuth refresh (see oauth.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/oauth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

struct refresh {
    oauth_done_fn done;
    void *arg;
    struct buf body;
    char *payload;
};

static int on_body(void *arg, const char *p, size_t n)
{
    struct refresh *r = arg;

    buf_add(&r->body, p, n);
    return 0;
}

static int parse(const struct refresh *r, long status, struct oauth_tokens *t)
{
    json_t *doc = json_loadb(r->body.p, r->body.len, 0, NULL);
    const char *a = jsonx_get_str(doc, "access_token");
    const char *rf = jsonx_get_str(doc, "refresh_token");
    int64_t in = 0;
    int ok = 0;

    if (status == 200 && a && *a) {
        jsonx_get_int(doc, "expires_in", &in);
        str_copy(t->access, sizeof(t->access), a);
        str_copy(t->refresh, sizeof(t->refresh), rf ? rf : "");
        t->expires = clock_wall_ms() + in * 1000 - (int64_t)5 * 60 * 1000;
        ok = 1;
    } else {
        snprintf(t->error, sizeof(t->error), "HTTP %ld%s%s", status,
                 jsonx_get_str(doc, "error") ? ": " : "",
                 jsonx_get_str(doc, "error") ? jsonx_get_str(doc, "error")
                                             : "");
    }
    json_decref(doc);
    return ok;
}

static void on_done(void *arg, const struct http_response *resp,
                    const struct http_done *d)
{
    struct refresh *r = arg;
    struct oauth_tokens *t = xcalloc(1, sizeof(*t));
    int ok = 0;

    if (d->outcome == HTTP_DONE)
        ok = parse(r, resp->status, t);
    else
        str_copy(t->error, sizeof(t->error), d->error);
    r->done(r->arg, ok, t);
    secret_wipe(t, sizeof(*t));
    free(t);
    buf_wipe_release(&r->body);
    secret_wipe(r->payload, strlen(r->payload));
    free(r->payload);
    free(r);
}

int oauth_refresh_start(struct http_client *hc, const char *provider,
                        const char *refresh_token, oauth_done_fn done,
                        void *arg, struct oc_err *err)
{
    static const char *const headers[] = {"Content-Type: application/json",
                                          "Accept: application/json", NULL};
    const char *url = getenv("OPENCLAW_TEST_OAUTH_TOKEN_URL");
    struct http_handler h = {NULL, on_body, on_done, NULL};
    struct http_request rq = {
        "POST",  url && *url ? url : ANTHROPIC_OAUTH_TOKEN_URL,
        headers, NULL,
        0,       8000,
        12000,   8000};
    struct refresh *r;
    json_t *body;

    if (strcmp(provider, "anthropic") != 0)
        return oc_err_set(err, OC_EINVAL,
                          "refreshing %s OAuth tokens is not supported here; "
                          "sign in again with the tool that made them",
                          provider);
    r = xcalloc(1, sizeof(*r));
    r->done = done;
    r->arg = arg;
    buf_init(&r->body, 1 << 20);
    body =
        json_pack("{s:s, s:s, s:s}", "grant_type", "refresh_token", "client_id",
                  ANTHROPIC_OAUTH_CLIENT_ID, "refresh_token", refresh_token);
    r->payload = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    rq.body = r->payload;
    rq.body_len = strlen(r->payload);
    h.arg = r;
    if (!http_start(hc, &rq, &h, err)) {
        buf_release(&r->body);
        free(r->payload);
        free(r);
        return OC_EIO;
    }
    return 0;
}
