/*
 * The gateway's client commands over its WebSocket protocol: `openclaw
 * health`, `openclaw gateway call <method>` and `openclaw gateway status`
 * (the service, an RPC probe, and where the daemon's config, logs and
 * keys come from).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/gateway_cmds.h"
#include "cli/gwclient.h"
#include "config/env.h"
#include "gateway/service.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

#define START_HINT                                                             \
    "Start it with `openclaw gateway run` (foreground) or `openclaw "          \
    "gateway start` (installed service)."

static void print_json(const json_t *v)
{
    char *text = jsonx_dumps(v, 2);

    printf("%s\n", text ? text : "null");
    free(text);
}

static int unreachable(const struct gwc *c, const char *why)
{
    return cli_error("gateway not reachable at %s: %s. %s", c->url, why,
                     START_HINT);
}

/* ---- health -------------------------------------------------------------- */

static void print_health(const struct gwc *c, const json_t *h, int64_t ms)
{
    json_t *runs = json_object_get(h, "runs");
    json_t *sess = json_object_get(h, "sessions");
    int64_t up = 0, n = 0, a = 0, q = 0, conns = 0;

    jsonx_get_int(h, "uptimeMs", &up);
    jsonx_get_int(sess, "count", &n);
    jsonx_get_int(runs, "active", &a);
    jsonx_get_int(runs, "queued", &q);
    jsonx_get_int(h, "connections", &conns);
    printf("Gateway: %s (%s, %lld ms)\n",
           jsonx_get_bool(h, "ok", false) ? "ok" : "not ok", c->url,
           (long long)ms);
    printf("Version: %s, up %llds\n",
           jsonx_get_str(h, "version") ? jsonx_get_str(h, "version") : "?",
           (long long)(up / 1000));
    printf("Default agent: %s, %lld session(s)\n",
           jsonx_get_str(h, "defaultAgentId")
               ? jsonx_get_str(h, "defaultAgentId")
               : "?",
           (long long)n);
    printf("Connections: %lld; runs: %lld active, %lld queued\n",
           (long long)conns, (long long)a, (long long)q);
}

static int run_health(struct cli_ctx *ctx)
{
    struct gwc c;
    char msg[1024];
    int64_t t0 = clock_mono_ms();
    json_t *res;
    int rc = gwc_init(&c, ctx);

    if (rc) {
        gwc_release(&c);
        return rc;
    }
    if (gwc_open(&c, msg, sizeof(msg)) != 0 ||
        !(res = gwc_call(&c, "health", NULL, false, msg, sizeof(msg)))) {
        rc = unreachable(&c, msg);
        gwc_release(&c);
        return rc;
    }
    if (!jsonx_get_bool(res, "ok", false)) {
        gwc_error_text(res, msg, sizeof(msg));
        rc = cli_error("health failed: %s", msg);
    } else if (cli_flag(ctx, "json")) {
        print_json(json_object_get(res, "payload"));
    } else {
        print_health(&c, json_object_get(res, "payload"), clock_mono_ms() - t0);
    }
    json_decref(res);
    gwc_release(&c);
    return rc;
}

#define CONN_OPTS                                                              \
    {"url", 0, "<ws://host:port>",                                             \
     "Gateway URL (default ws://127.0.0.1:<gateway port>)"},                   \
        {"token", 0, "<token>", "Gateway token (with --url: required)"},       \
        {"password", 0, "<password>", "Gateway password"},                     \
    {                                                                          \
        "timeout", 0, "<ms>", "How long to wait for answers (10000)"           \
    }

static const struct cli_opt health_opts[] = {
    {"json", 0, NULL, "Print the health snapshot as JSON"},
    CONN_OPTS,
    {NULL, 0, NULL, NULL},
};

static const char conn_help[] =
    "Credentials: --token/--password, else OPENCLAW_GATEWAY_TOKEN|PASSWORD, "
    "else\ngateway.auth.* from the local config. With --url only the flags "
    "are used.\n";

const struct cli_cmd cmd_health = {
    .name = "health",
    .summary = "Ask the running gateway for its health (WebSocket RPC)",
    .help = conn_help,
    .opts = health_opts,
    .max_args = 0,
    .run = run_health,
};

/* ---- gateway call -------------------------------------------------------- */

static int call_params(struct cli_ctx *ctx, json_t **out)
{
    const char *text = cli_opt(ctx, "params");
    json_error_t jerr;

    *out = NULL;
    if (!text)
        return 0;
    *out = json_loads(text, 0, &jerr);
    if (json_is_object(*out))
        return 0;
    json_decref(*out);
    *out = NULL;
    return cli_usage_error(ctx, "--params must be a JSON object (%s)",
                           jerr.text[0] ? jerr.text : "not an object");
}

static int show_answer(struct cli_ctx *ctx, json_t *res)
{
    char msg[1024];

    if (jsonx_get_bool(res, "ok", false)) {
        print_json(json_object_get(res, "payload"));
        return CLI_OK;
    }
    if (cli_flag(ctx, "json")) {
        print_json(res);
        return CLI_FAIL;
    }
    if (json_object_get(res, "payload"))
        print_json(json_object_get(res, "payload"));
    gwc_error_text(res, msg, sizeof(msg));
    return cli_error("%s failed: %s", ctx->argv[0], msg);
}

static int run_call(struct cli_ctx *ctx)
{
    struct gwc c;
    char msg[1024];
    json_t *params, *res;
    int rc = call_params(ctx, &params);

    if (rc)
        return rc;
    rc = gwc_init(&c, ctx);
    if (rc || gwc_open(&c, msg, sizeof(msg)) != 0) {
        if (!rc)
            rc = unreachable(&c, msg);
        json_decref(params);
        gwc_release(&c);
        return rc;
    }
    res = gwc_call(&c, ctx->argv[0], params, cli_flag(ctx, "expect-final"), msg,
                   sizeof(msg));
    if (!res)
        rc = cli_error("%s: %s", ctx->argv[0], msg);
    else
        rc = show_answer(ctx, res);
    json_decref(res);
    gwc_release(&c);
    return rc;
}

static const struct cli_opt call_opts[] = {
    {"params", 0, "<json>", "The request's params (a JSON object)"},
    {"expect-final", 0, NULL,
     "For two-stage methods (agent): wait for the final answer"},
    {"json", 0, NULL, "Print the whole response frame on failure"},
    CONN_OPTS,
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_gateway_call = {
    .name = "call",
    .args = "<method>",
    .summary = "Call a gateway method over WebSocket and print the result",
    .help = "Examples:\n"
            "  openclaw gateway call health\n"
            "  openclaw gateway call chat.history --params "
            "'{\"sessionKey\":\"main\"}'\n"
            "  openclaw gateway call agent --expect-final --params "
            "'{\"message\":\"hi\",\"idempotencyKey\":\"k1\"}'\n",
    .opts = call_opts,
    .min_args = 1,
    .max_args = 1,
    .run = run_call,
};

/* ---- gateway status ------------------------------------------------------ */

struct probe {
    bool done, ok;
    int64_t ms;
    char url[512];
    char error[1024];
    char version[64];
};

static void do_probe(struct cli_ctx *ctx, struct probe *p)
{
    struct gwc c;
    int64_t t0 = clock_mono_ms();
    json_t *res = NULL;

    p->done = true;
    if (gwc_init(&c, ctx) != 0) {
        str_copy(p->error, sizeof(p->error), "bad connection options");
        gwc_release(&c);
        return;
    }
    str_copy(p->url, sizeof(p->url), c.url);
    if (gwc_open(&c, p->error, sizeof(p->error)) == 0 &&
        (res =
             gwc_call(&c, "health", NULL, false, p->error, sizeof(p->error)))) {
        p->ok = jsonx_get_bool(res, "ok", false);
        if (!p->ok)
            gwc_error_text(res, p->error, sizeof(p->error));
        str_copy(p->version, sizeof(p->version),
                 jsonx_get_str(json_object_get(res, "payload"), "version")
                     ? jsonx_get_str(json_object_get(res, "payload"), "version")
                     : "");
    }
    p->ms = clock_mono_ms() - t0;
    json_decref(res);
    gwc_release(&c);
}

static const char *const key_names[] = {
    "ANTHROPIC_API_KEY", "ANTHROPIC_OAUTH_TOKEN", "OPENROUTER_API_KEY",
    "OPENCLAW_GATEWAY_TOKEN", NULL};

static const char *origin_text(enum env_src src)
{
    switch (src) {
    case ENV_SRC_PROCESS:
        return "this shell's environment (a service does not inherit it: "
               "put it in <state>/.env)";
    case ENV_SRC_CWD_DOTENV:
        return "./.env (the daemon does not read it)";
    case ENV_SRC_STATE_DOTENV:
        return "state .env (the daemon loads it at start)";
    case ENV_SRC_CONFIG:
        return "config env block";
    case ENV_SRC_SHELL:
        return "login shell import";
    default:
        return "not set";
    }
}

static json_t *keys_json(void)
{
    json_t *out = json_object();
    const char *const *k;
    const char *file = NULL;
    enum env_src src;

    for (k = key_names; *k; k++) {
        file = NULL;
        src = env_origin(*k, &file);
        json_object_set_new(
            out, *k,
            json_pack("{s:s, s:s?}", "source",
                      src == ENV_SRC_UNSET ? "unset" : env_src_name(src),
                      "file", file));
    }
    return out;
}

struct status {
    struct service_info svc;
    bool svc_ok;
    char svc_error[256];
    struct probe probe;
    char *config_path;
    bool config_exists;
    char *auth_store;
};

static json_t *service_json(const struct status *s)
{
    const struct service_info *i = &s->svc;

    if (!s->svc_ok)
        return json_pack("{s:s}", "error", s->svc_error);
    return json_pack("{s:s, s:s?, s:s?, s:b, s:b, s:s?, s:s?, s:s?, s:I, "
                     "s:s?}",
                     "platform", service_platform_name(i->platform), "name",
                     i->name, "path", i->path, "installed", i->installed,
                     "loaded", i->loaded, "activeState", i->active_state,
                     "subState", i->sub_state, "enabled", i->enabled, "pid",
                     (json_int_t)i->pid, "error", i->manager_error);
}

static json_t *logs_json(const struct status *s)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; s->svc_ok && i < s->svc.logs.n; i++)
        json_array_append_new(a, json_string(s->svc.logs.v[i]));
    if (!json_array_size(a))
        json_array_append_new(
            a, json_string("journalctl --user -u openclaw-gateway -f"));
    json_array_append_new(
        a, json_string("stderr of `openclaw gateway run` (foreground)"));
    return a;
}

static void status_json(struct cli_ctx *ctx, const struct status *s)
{
    const struct probe *p = &s->probe;
    json_t *doc = json_pack("{s:o, s:s, s:b, s:s, s:o, s:o, s:s}", "service",
                            service_json(s), "configPath", s->config_path,
                            "configExists", s->config_exists, "stateDir",
                            cli_paths(ctx)->state_dir, "logs", logs_json(s),
                            "keys", keys_json(), "authStore", s->auth_store);

    if (p->done)
        json_object_set_new(doc, "rpc",
                            json_pack("{s:s, s:b, s:I, s:s?, s:s?}", "url",
                                      p->url, "ok", p->ok, "latencyMs",
                                      (json_int_t)p->ms, "version",
                                      *p->version ? p->version : NULL, "error",
                                      p->ok ? NULL : p->error));
    else
        json_object_set_new(doc, "rpc", json_pack("{s:b}", "skipped", 1));
    print_json(doc);
    json_decref(doc);
}

static void print_service(struct cli_ctx *ctx, const struct status *s)
{
    const struct service_info *i = &s->svc;
    char *shown;

    if (!s->svc_ok) {
        printf("Service: unknown (%s)\n", s->svc_error);
        return;
    }
    shown = cli_display_path(ctx, i->path ? i->path : "");
    printf("Service: %s %s: %s", service_platform_name(i->platform),
           i->name ? i->name : "?",
           !i->installed     ? "not installed"
           : i->active_state ? i->active_state
                             : "installed");
    if (i->sub_state)
        printf(" (%s)", i->sub_state);
    if (i->pid)
        printf(", pid %ld", i->pid);
    if (i->enabled)
        printf(", %s", i->enabled);
    printf("\n  File: %s\n", shown);
    if (i->manager_error)
        printf("  Service manager: %s\n", i->manager_error);
    free(shown);
}

static void print_keys(void)
{
    const char *const *k;
    const char *file;
    enum env_src src;

    printf("Keys (as the daemon would see them):\n");
    for (k = key_names; *k; k++) {
        file = NULL;
        src = env_origin(*k, &file);
        printf("  %s: %s%s%s%s\n", *k, origin_text(src), file ? " (" : "",
               file ? file : "", file ? ")" : "");
    }
}

static void status_text(struct cli_ctx *ctx, const struct status *s)
{
    const struct probe *p = &s->probe;
    char *cfg = cli_display_path(ctx, s->config_path);
    char *state = cli_display_path(ctx, cli_paths(ctx)->state_dir);
    char *store = cli_display_path(ctx, s->auth_store);
    json_t *logs = logs_json(s), *v;
    size_t i;

    print_service(ctx, s);
    if (!p->done)
        printf("RPC probe: skipped (--no-probe)\n");
    else if (p->ok)
        printf("RPC probe: ok (%s, %lld ms, version %s)\n", p->url,
               (long long)p->ms, p->version);
    else
        printf("RPC probe: failed (%s): %s\n  %s\n", p->url, p->error,
               START_HINT);
    printf("Config: %s%s\nState dir: %s\nLogs:\n", cfg,
           s->config_exists ? "" : " (missing)", state);
    json_array_foreach (logs, i, v)
        printf("  %s\n", json_string_value(v));
    print_keys();
    printf("Auth profiles: %s\n", store);
    json_decref(logs);
    free(cfg);
    free(state);
    free(store);
}

static void gather(struct cli_ctx *ctx, struct status *s)
{
    struct config cfg;
    struct oc_err err;
    char *agent, *dir;

    memset(s, 0, sizeof(*s));
    cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);
    s->config_path = xstrdup(cfg.path ? cfg.path : "");
    s->config_exists = cfg.exists;
    agent = config_default_agent_id(cfg.root);
    dir = paths_default_agent_dir(cli_paths(ctx), agent);
    s->auth_store = path_join(dir, "auth-profiles.json");
    free(dir);
    free(agent);
    config_release(&cfg);
    s->svc_ok = service_describe(cli_paths(ctx), &s->svc, &err) == 0;
    if (!s->svc_ok)
        str_copy(s->svc_error, sizeof(s->svc_error), oc_err_msg(&err));
    if (!cli_flag(ctx, "no-probe"))
        do_probe(ctx, &s->probe);
}

static int run_status(struct cli_ctx *ctx)
{
    struct status s;

    gather(ctx, &s);
    if (cli_flag(ctx, "json"))
        status_json(ctx, &s);
    else
        status_text(ctx, &s);
    service_info_release(&s.svc);
    free(s.config_path);
    free(s.auth_store);
    return CLI_OK;
}

static const struct cli_opt status_opts[] = {
    {"json", 0, NULL, "Print JSON"},
    {"no-probe", 0, NULL, "Do not connect to the gateway"},
    CONN_OPTS,
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_gateway_status = {
    .name = "status",
    .summary = "Show the service, an RPC probe, and where config, logs and "
               "keys come from",
    .help = conn_help,
    .opts = status_opts,
    .max_args = 0,
    .run = run_status,
};
