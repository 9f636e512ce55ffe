/*
 * Talking to a running gateway over its WebSocket protocol (see
 * gwclient.h): resolving the URL and secret, connect.challenge → connect
 * → hello-ok, and requests whose answers may arrive among events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "base/clock.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "cli/gwclient.h"
#include "gateway/settings.h"
#include "json/jsonx.h"
#include "base/banned.h"

#define DEFAULT_PORT 18789

/* ---- where and who ------------------------------------------------------- */

static int port_of(const json_t *root)
{
    const char *env = getenv("OPENCLAW_GATEWAY_PORT");
    int64_t port = 0;

    if (env && *env && str_parse_int64(env, 1, 65535, &port) == 0)
        return (int)port;
    if (jsonx_get_int(jsonx_get_obj(root, "gateway"), "port", &port) == 0 &&
        port > 0 && port < 65536)
        return (int)port;
    return DEFAULT_PORT;
}

/* The client's order: the flag, the environment, then the config's
 * gateway.auth.<key> (a string or SecretRef, as the gateway reads it). */
static char *first_set(const char *flag, const char *env, json_t *root,
                       const char *key)
{
    const char *v = getenv(env);
    struct secret s;
    struct oc_err err;
    char *out = NULL;

    if (flag)
        return xstrdup(flag);
    if (v && *v)
        return xstrdup(v);
    secret_init(&s);
    if (gw_config_secret(root, key, &s, &err) == 0)
        out = xstrdup(secret_value(&s));
    secret_release(&s);
    return out;
}

static int from_config(struct gwc *c, struct cli_ctx *ctx)
{
    struct config cfg;

    if (cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV) != 0) {
        config_release(&cfg);
        return CLI_FAIL;
    }
    snprintf(c->url, sizeof(c->url), "ws://127.0.0.1:%d", port_of(cfg.root));
    c->token = first_set(cli_opt(ctx, "token"), "OPENCLAW_GATEWAY_TOKEN",
                         cfg.root, "token");
    c->password = first_set(cli_opt(ctx, "password"),
                            "OPENCLAW_GATEWAY_PASSWORD", cfg.root, "password");
    config_release(&cfg);
    return CLI_OK;
}

int gwc_init(struct gwc *c, struct cli_ctx *ctx)
{
    const char *url = cli_opt(ctx, "url"), *t = cli_opt(ctx, "timeout");
    int64_t ms = WSC_DEFAULT_TIMEOUT_MS;

    memset(c, 0, sizeof(*c));
    c->events = json_array();
    if (t && str_parse_int64(t, 1, 3600000, &ms) != 0)
        return cli_usage_error(ctx,
                               "--timeout wants milliseconds (1 to "
                               "3600000), not '%s'",
                               t);
    c->timeout_ms = (long)ms;
    if (!url)
        return from_config(c, ctx);
    if (!cli_opt(ctx, "token") && !cli_opt(ctx, "password"))
        return cli_usage_error(ctx, "--url needs --token or --password (config "
                                    "and environment credentials are not used "
                                    "with an explicit URL)");
    str_copy(c->url, sizeof(c->url), url);
    c->token = cli_opt(ctx, "token") ? xstrdup(cli_opt(ctx, "token")) : NULL;
    c->password =
        cli_opt(ctx, "password") ? xstrdup(cli_opt(ctx, "password")) : NULL;
    cli_scrub_opt(ctx, "token");
    cli_scrub_opt(ctx, "password");
    return CLI_OK;
}

static void wipe(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void gwc_release(struct gwc *c)
{
    wsc_close(c->ws);
    wipe(c->token);
    wipe(c->password);
    json_decref(c->hello);
    json_decref(c->events);
    memset(c, 0, sizeof(*c));
}

/* ---- frames -------------------------------------------------------------- */

static int recv_frame(struct gwc *c, json_t **frame, long timeout_ms, char *msg,
                      size_t msgsz)
{
    struct oc_err err;
    char *text = NULL;
    size_t n = 0;
    int rc;

    *frame = NULL;
    rc = wsc_recv_text(c->ws, &text, &n, timeout_ms, &err);
    if (rc == OC_ETIMEDOUT)
        snprintf(msg, msgsz, "no answer from the gateway at %s within %ld ms",
                 c->url, timeout_ms);
    else if (rc == WSC_EINTR)
        str_copy(msg, msgsz, "interrupted");
    else if (rc)
        str_copy(msg, msgsz, oc_err_msg(&err));
    if (rc)
        return rc;
    *frame = json_loadb(text, n, 0, NULL);
    free(text);
    if (!json_is_object(*frame)) {
        json_decref(*frame);
        *frame = NULL;
        snprintf(msg, msgsz,
                 "the gateway sent something other than a JSON "
                 "object");
        return OC_EPARSE;
    }
    return 0;
}

int gwc_next(struct gwc *c, json_t **frame, long timeout_ms, char *msg,
             size_t msgsz)
{
    if (json_array_size(c->events)) {
        *frame = json_incref(json_array_get(c->events, 0));
        json_array_remove(c->events, 0);
        return 0;
    }
    return recv_frame(c, frame, timeout_ms, msg, msgsz);
}

int gwc_send(struct gwc *c, const char *method, json_t *params, char *msg,
             size_t msgsz)
{
    struct oc_err err;
    json_t *frame;
    char *text;
    int rc;

    snprintf(c->last_id, sizeof(c->last_id), "cli-%u", ++c->next_id);
    frame =
        json_pack("{s:s, s:s, s:s, s:o}", "type", "req", "id", c->last_id,
                  "method", method, "params", params ? params : json_object());
    text = jsonx_dumps(frame, 0);
    json_decref(frame);
    rc = wsc_send_text(c->ws, text, strlen(text), &err);
    free(text);
    if (rc)
        str_copy(msg, msgsz, oc_err_msg(&err));
    return rc;
}

/* Wait for the response to id; events are set aside. */
static json_t *wait_res(struct gwc *c, const char *id, char *msg, size_t msgsz)
{
    int64_t end = clock_mono_ms() + c->timeout_ms, left;
    json_t *f;
    const char *type, *fid;

    for (;;) {
        left = end - clock_mono_ms();
        if (left <= 0 || recv_frame(c, &f, (long)left, msg, msgsz) != 0) {
            if (left <= 0)
                snprintf(msg, msgsz,
                         "no answer from the gateway at %s within %ld ms",
                         c->url, c->timeout_ms);
            return NULL;
        }
        type = jsonx_get_str(f, "type");
        fid = jsonx_get_str(f, "id");
        if (type && strcmp(type, "res") == 0 && fid && strcmp(fid, id) == 0)
            return f;
        if (type && strcmp(type, "event") == 0)
            json_array_append(c->events, f);
        json_decref(f);
    }
}

json_t *gwc_call(struct gwc *c, const char *method, json_t *params,
                 bool expect_final, char *msg, size_t msgsz)
{
    char id[32];
    json_t *res;
    const char *status;

    if (gwc_send(c, method, params, msg, msgsz) != 0)
        return NULL;
    str_copy(id, sizeof(id), c->last_id);
    res = wait_res(c, id, msg, msgsz);
    status = jsonx_get_str(json_object_get(res, "payload"), "status");
    if (res && expect_final && status && strcmp(status, "accepted") == 0) {
        json_decref(res);
        res = wait_res(c, id, msg, msgsz);
    }
    return res;
}

void gwc_error_text(const json_t *res, char *msg, size_t msgsz)
{
    json_t *e = json_object_get(res, "error");
    const char *m = jsonx_get_str(e, "message");
    const char *code = jsonx_get_str(e, "code");

    snprintf(msg, msgsz, "%s%s%s%s", m ? m : "the gateway refused",
             code ? " (" : "", code ? code : "", code ? ")" : "");
}

/* ---- connect ------------------------------------------------------------- */

static json_t *connect_params(const struct gwc *c)
{
    struct utsname u;
    json_t *auth = json_object();

    if (c->token)
        json_object_set_new(auth, "token", json_string(c->token));
    if (c->password)
        json_object_set_new(auth, "password", json_string(c->password));
    if (uname(&u) != 0)
        str_copy(u.sysname, sizeof(u.sysname), "linux");
    str_lower(u.sysname);
    return json_pack(
        "{s:i, s:i, s:{s:s, s:s, s:s, s:s}, s:s, s:[s, s, s], s:[], s:o, "
        "s:s}",
        "minProtocol", 3, "maxProtocol", 4, "client", "id", "cli", "version",
        OC_VERSION, "platform", u.sysname, "mode", "cli", "role", "operator",
        "scopes", "operator.admin", "operator.read", "operator.write", "caps",
        "auth", auth, "userAgent", "openclaw-c/" OC_VERSION);
}

static int expect_challenge(struct gwc *c, char *msg, size_t msgsz)
{
    json_t *f;
    const char *ev;
    int rc = recv_frame(c, &f, c->timeout_ms, msg, msgsz);

    if (rc)
        return -1;
    ev = jsonx_get_str(f, "event");
    rc = ev && strcmp(ev, "connect.challenge") == 0 ? 0 : -1;
    if (rc)
        snprintf(msg, msgsz,
                 "%s did not start with connect.challenge (is it "
                 "an OpenClaw gateway?)",
                 c->url);
    json_decref(f);
    return rc;
}

int gwc_open(struct gwc *c, char *msg, size_t msgsz)
{
    struct oc_err err;
    json_t *res;

    c->ws = wsc_connect(c->url, c->timeout_ms, &err);
    if (!c->ws) {
        str_copy(msg, msgsz, oc_err_msg(&err));
        return -1;
    }
    if (expect_challenge(c, msg, msgsz) != 0)
        return -1;
    res = gwc_call(c, "connect", connect_params(c), false, msg, msgsz);
    if (!res)
        return -1;
    if (!jsonx_get_bool(res, "ok", false)) {
        gwc_error_text(res, msg, msgsz);
        json_decref(res);
        return -1;
    }
    c->hello = json_incref(json_object_get(res, "payload"));
    json_decref(res);
    return 0;
}
