/*
 * `openclaw gateway install|uninstall|start|stop|restart` (and the same
 * under `openclaw daemon`): the gateway as a systemd user service or a
 * launchd agent, and the optional auth monitor. The work is done by
 * gateway/service.h; this file checks the settings first (a gateway that
 * would refuse to start is not installed), stores --token in the config
 * (never in the unit), and prints the result as text or --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "cli/config_edit.h"
#include "cli/gateway_cmds.h"
#include "cli/onboard.h"
#include "config/env.h"
#include "gateway/service.h"
#include "gateway/settings.h"
#include "json/jsonx.h"
#include "base/banned.h"

struct install_opts {
    const char *port;  /* --port, or NULL */
    const char *token; /* --token (a copy, wiped), or NULL */
    const char *notify;
    bool force, json, auth_monitor;
    bool quiet; /* nothing on stdout; failures on stderr */
};

/* ---- output ---------------------------------------------------------- */

static json_t *strlist_json(const struct strlist *l)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static void set_str(json_t *o, const char *key, const char *v)
{
    if (v)
        json_object_set_new(o, key, json_string(v));
}

static json_t *monitor_json(const struct service_monitor_result *m)
{
    json_t *o = json_pack("{s:b, s:b, s:b, s:b}", "existed", m->existed,
                          "changed", m->changed, "enabled", m->enabled,
                          "notifyCommand", m->has_notify);

    set_str(o, "name", m->name);
    set_str(o, "path", m->path);
    set_str(o, "servicePath", m->service_path);
    set_str(o, "script", m->script);
    set_str(o, "conf", m->conf);
    return o;
}

static void diff_json(json_t *o, const struct service_result *r)
{
    json_object_set_new(o, "differs", json_boolean(r->differs));
    if (r->differs)
        json_object_set_new(o, "diff",
                            json_pack("{s:i, s:s, s:s}", "line", r->diff_line,
                                      "have", r->diff_have, "want",
                                      r->diff_want));
}

static void print_json(const struct service_result *r, int token_stored)
{
    json_t *o = json_pack(
        "{s:b, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "ok",
        r->ok, "action", service_action_name(r->action), "platform",
        service_platform_name(r->platform), "service", r->name ? r->name : "",
        "path", r->path ? r->path : "", "existed", r->existed, "changed",
        r->written || r->removed, "reachable", r->reachable, "enabled",
        r->enabled, "started", r->started, "restarted", r->restarted, "stopped",
        r->stopped);
    char *text;

    if (r->action == SERVICE_INSTALL) {
        set_str(o, "program", r->program);
        json_object_set_new(o, "port", json_integer(r->port));
        diff_json(o, r);
        json_object_set_new(o, "tokenStored", json_boolean(token_stored > 0));
    }
    json_object_set_new(o, "commands", strlist_json(&r->ran));
    json_object_set_new(o, "dropIns", strlist_json(&r->dropins));
    json_object_set_new(o, "hints", strlist_json(&r->hints));
    if (r->monitor.requested)
        json_object_set_new(o, "authMonitor", monitor_json(&r->monitor));
    set_str(o, "error", r->error);
    text = jsonx_dumps(o, 2);
    printf("%s\n", text);
    free(text);
    json_decref(o);
}

/* A title and its lines: paths shortened (~/...), and anything that looks
 * like a credential masked. */
static void print_list(struct cli_ctx *ctx, FILE *fp, const char *title,
                       const struct strlist *l, bool paths)
{
    char *shown, line[4096];
    size_t i;

    if (!l->n)
        return;
    fprintf(fp, "%s\n", title);
    for (i = 0; i < l->n; i++) {
        shown = paths ? cli_display_path(ctx, l->v[i]) : xstrdup(l->v[i]);
        cli_clean_text(shown, line, sizeof(line));
        fprintf(fp, "  %s\n", line);
        free(shown);
    }
}

/* The end of every human report: commands run, hints, the error. */
static int finish(struct cli_ctx *ctx, const struct service_result *r)
{
    print_list(ctx, stdout, "Ran:", &r->ran, false);
    if (r->ok) {
        print_list(ctx, stdout, "Next:", &r->hints, false);
        return CLI_OK;
    }
    cli_error("%s", r->error ? r->error : "failed");
    print_list(ctx, stderr, "To finish by hand:", &r->hints, false);
    return CLI_FAIL;
}

static const char *kind(const struct service_result *r)
{
    return r->platform == SERVICE_LAUNCHD ? "launchd agent"
                                          : "systemd user service";
}

/* ---- install --------------------------------------------------------- */

static void print_monitor(struct cli_ctx *ctx, const struct service_result *r)
{
    const struct service_monitor_result *m = &r->monitor;
    char *conf = cli_display_path(ctx, m->conf);

    printf("Auth monitor: %s runs `openclaw models status --check` every 30 "
           "minutes%s\n",
           m->name, m->changed ? "" : " (no change)");
    if (m->has_notify)
        printf("  notify command: set in %s\n", conf);
    else
        printf("  no notify command yet: set one with --notify-command "
               "'<cmd>' (kept in %s)\n",
               conf);
    free(conf);
}

static void print_keys_note(struct cli_ctx *ctx, const struct service_result *r)
{
    char *env = cli_display_path(ctx, cli_paths(ctx)->state_dir);

    printf("Keys for the gateway go in %s/.env: it reads that file itself at "
           "every start (nothing secret is written into the %s).\n",
           env, r->platform == SERVICE_LAUNCHD ? "plist" : "unit");
    free(env);
}

static const char *started_how(const struct service_result *r)
{
    if (!r->existed)
        return "Enabled and started it.";
    if (r->written)
        return "Restarted it with the new definition.";
    if (r->restarted)
        return "Restarted it (its settings changed).";
    return "Made sure it is enabled and started.";
}

static void print_installed(struct cli_ctx *ctx, const struct service_result *r)
{
    char *path, *state;

    if (r->differs || !r->program)
        return;
    path = cli_display_path(ctx, r->path);
    state = cli_display_path(ctx, cli_paths(ctx)->state_dir);
    if (!r->existed)
        printf("Installed %s (%s)\n", r->name, kind(r));
    else if (r->written)
        printf("Replaced %s (%s; --force)\n", r->name, kind(r));
    else
        printf("%s is already installed and up to date (no change)\n", r->name);
    printf("  file: %s\n  runs: %s gateway run --port %d\n", path, r->program,
           r->port);
    if (r->platform == SERVICE_SYSTEMD)
        printf("  logs: journalctl --user -u %.*s -f\n",
               (int)(strlen(r->name) - strlen(".service")), r->name);
    else
        printf("  logs: %s/logs/gateway.log\n", state);
    if (r->started)
        printf("%s\n", started_how(r));
    print_list(ctx, stdout,
               "Drop-ins kept (yours; they still apply):", &r->dropins, true);
    if (r->monitor.requested)
        print_monitor(ctx, r);
    if (r->ok)
        print_keys_note(ctx, r);
    free(state);
    free(path);
}

static int apply_token(struct config *cfg, void *arg)
{
    const struct install_opts *o = arg;
    const char *token = o->token;
    json_t *auth = jsonx_obj_at(jsonx_obj_at(cfg->raw, "gateway"), "auth");
    const char *have = jsonx_get_str(auth, "token");

    if (have && !strcmp(have, token))
        return CLI_EDIT_UNCHANGED;
    json_object_set_new(auth, "token", json_string(token));
    return 0;
}

/* --token goes into the config (0600, atomic, locked), never the unit.
 * Returns CLI_OK or CLI_FAIL; *stored: 1 written, 0 already there. */
static int store_token(struct cli_ctx *ctx, const struct install_opts *o,
                       int *stored)
{
    struct install_opts opts = *o;
    struct config_write_result res;
    int rc;

    *stored = 0;
    if (!o->token)
        return CLI_OK;
    rc = cli_config_edit(ctx, apply_token, &opts, false, &res);
    if (!rc && res.written) {
        *stored = 1;
        if (!o->json) {
            cli_report_config_written(ctx, &res);
            printf("Stored the gateway token in gateway.auth.token (not in "
                   "the service definition).\n");
        }
    }
    config_write_result_release(&res);
    return rc;
}

/* Keys only this shell has: the service will not see them. */
static void warn_shell_keys(const struct gw_settings *s, bool json)
{
    static const char *const providers[] = {"anthropic", "openrouter", NULL};
    const char *const *k;
    size_t i;

    if (json)
        return;
    if (s->secret_source &&
        env_origin(s->secret_source, NULL) == ENV_SRC_PROCESS)
        cli_warn("%s is set only in this shell: the service will not see it; "
                 "put it in ~/.openclaw/.env or pass --token",
                 s->secret_source);
    for (i = 0; providers[i]; i++)
        for (k = env_provider_keys(providers[i]); k && *k; k++)
            if (env_origin(*k, NULL) == ENV_SRC_PROCESS)
                cli_warn("%s is set only in this shell: the service will not "
                         "see it; put it in ~/.openclaw/.env",
                         *k);
}

/* The settings the gateway would start with; it must be able to. */
static int check_settings(struct cli_ctx *ctx, const struct install_opts *o,
                          int *port)
{
    struct gw_flags f = {.port = o->port, .token = o->token};
    struct gw_settings s;
    struct config cfg;
    struct oc_err err;
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (!rc)
        rc = cli_require_valid(ctx, &cfg);
    gw_settings_init(&s);
    if (!rc && gw_settings_resolve(cfg.root, &f, &s, &err))
        rc = cli_error("%s; the gateway would not start, so it was not "
                       "installed",
                       oc_err_msg(&err));
    if (!rc) {
        *port = s.port;
        warn_shell_keys(&s, o->json);
    }
    gw_settings_release(&s);
    config_release(&cfg);
    return rc;
}

static int do_install(struct cli_ctx *ctx, const struct install_opts *o)
{
    struct service_request q = {.paths = cli_paths(ctx),
                                .action = SERVICE_INSTALL,
                                .force = o->force,
                                .auth_monitor = o->auth_monitor,
                                .notify = o->notify};
    struct service_result r;
    int stored = 0, rc = check_settings(ctx, o, &q.port);

    if (!rc)
        rc = store_token(ctx, o, &stored);
    if (rc)
        return rc;
    q.restart = stored > 0;
    service_run(&q, &r);
    if (o->quiet) {
        rc = r.ok ? CLI_OK : cli_error("%s", r.error);
        if (!r.ok)
            print_list(ctx, stderr, "To finish by hand:", &r.hints, false);
    } else if (o->json) {
        print_json(&r, stored);
        rc = r.ok ? CLI_OK : CLI_FAIL;
    } else {
        print_installed(ctx, &r);
        rc = finish(ctx, &r);
    }
    service_result_release(&r);
    return rc;
}

int cli_gateway_install_daemon(struct cli_ctx *ctx, bool quiet)
{
    struct install_opts o = {.json = quiet, .quiet = quiet};

    return do_install(ctx, &o);
}

/* A copy of --name's value, scrubbed from argv; NULL when absent. */
static char *take_opt(struct cli_ctx *ctx, const char *name)
{
    char *v = cli_opt(ctx, name) ? xstrdup(cli_opt(ctx, name)) : NULL;

    cli_scrub_opt(ctx, name);
    return v;
}

static void drop_opt(char *v)
{
    if (v) {
        secret_wipe(v, strlen(v));
        free(v);
    }
}

static int run_install(struct cli_ctx *ctx)
{
    struct install_opts o = {
        .port = cli_opt(ctx, "port"),
        .force = cli_flag(ctx, "force"),
        .json = cli_flag(ctx, "json"),
        .auth_monitor = cli_flag(ctx, "auth-monitor"),
    };
    /* both may hold secrets (a webhook URL): out of /proc/<pid>/cmdline */
    char *token = take_opt(ctx, "token"),
         *notify = take_opt(ctx, "notify-command");
    int rc;

    if (notify && !o.auth_monitor)
        rc = cli_usage_error(ctx, "--notify-command needs --auth-monitor");
    else if (token && !*token)
        rc = cli_usage_error(ctx, "--token needs a value");
    else {
        o.token = token;
        o.notify = notify;
        rc = do_install(ctx, &o);
    }
    drop_opt(token);
    drop_opt(notify);
    return rc;
}

/* ---- uninstall / start / stop / restart ----------------------------- */

static void print_uninstalled(struct cli_ctx *ctx,
                              const struct service_result *r, bool only_monitor)
{
    char *path = cli_display_path(ctx, r->path);

    if (only_monitor && !r->monitor.requested)
        printf("The auth monitor is not installed (nothing to remove)\n");
    else if (r->removed)
        printf("Removed %s (%s)%s\n", r->name, path,
               r->stopped ? "; stopped and disabled it first" : "");
    else if (!r->existed && !r->monitor.requested)
        printf("%s is not installed (nothing to remove)\n", r->name);
    if (r->monitor.requested && r->monitor.changed)
        printf("Removed the auth monitor (%s, its script and settings)\n",
               r->monitor.name);
    print_list(ctx, stdout, "Drop-ins left in place (yours):", &r->dropins,
               true);
    free(path);
}

static void print_control(const struct service_result *r)
{
    if (!r->ok)
        return;
    if (r->action == SERVICE_STOP)
        printf(r->stopped ? "Stopped %s (it starts again at the next login "
                            "or boot; `openclaw gateway uninstall` removes "
                            "it)\n"
                          : "%s was not running\n",
               r->name);
    else
        printf("%s %s\n", r->action == SERVICE_START ? "Started" : "Restarted",
               r->name);
}

static int run_action(struct cli_ctx *ctx, enum service_action a)
{
    struct service_request q = {.paths = cli_paths(ctx),
                                .action = a,
                                .auth_monitor = a == SERVICE_UNINSTALL &&
                                                cli_flag(ctx, "auth-monitor")};
    struct service_result r;
    int rc;

    service_run(&q, &r);
    if (cli_flag(ctx, "json")) {
        print_json(&r, 0);
        rc = r.ok ? CLI_OK : CLI_FAIL;
    } else {
        if (a == SERVICE_UNINSTALL)
            print_uninstalled(ctx, &r, q.auth_monitor);
        else
            print_control(&r);
        rc = finish(ctx, &r);
    }
    service_result_release(&r);
    return rc;
}

static int run_uninstall(struct cli_ctx *ctx)
{
    return run_action(ctx, SERVICE_UNINSTALL);
}

static int run_start(struct cli_ctx *ctx)
{
    return run_action(ctx, SERVICE_START);
}

static int run_stop(struct cli_ctx *ctx)
{
    return run_action(ctx, SERVICE_STOP);
}

static int run_restart(struct cli_ctx *ctx)
{
    return run_action(ctx, SERVICE_RESTART);
}

/* ---- the table ------------------------------------------------------- */

static const struct cli_opt install_opts[] = {
    {"port", 0, "<port>",
     "Gateway port (default: OPENCLAW_GATEWAY_PORT, gateway.port, 18789)"},
    {"token", 0, "<token>",
     "Store this gateway token in the config (gateway.auth.token), never in "
     "the unit"},
    {"force", 0, NULL, "Replace a definition that differs from ours"},
    {"auth-monitor", 0, NULL,
     "Also install the auth monitor (models status --check every 30 min)"},
    {"notify-command", 0, "<cmd>",
     "With --auth-monitor: run this (sh) when a credential is expired or "
     "expiring (\"\" clears it)"},
    {"runtime", 0, "<runtime>", "Accepted for compatibility (ignored)"},
    {"json", 0, NULL, "Print the result as JSON"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_opt uninstall_opts[] = {
    {"auth-monitor", 0, NULL, "Remove only the auth monitor"},
    {"json", 0, NULL, "Print the result as JSON"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_opt control_opts[] = {
    {"json", 0, NULL, "Print the result as JSON"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_gateway_install = {
    .name = "install",
    .summary = "Install the gateway as a systemd user service or launchd "
               "agent",
    .help =
        "Writes ~/.config/systemd/user/openclaw-gateway.service (Linux) or\n"
        "~/Library/LaunchAgents/ai.openclaw.gateway.plist (macOS), then\n"
        "enables and starts it. The definition holds HOME, PATH and the\n"
        "OPENCLAW_* paths, never a secret: keys go in ~/.openclaw/.env, which\n"
        "the gateway reads itself. Installing again changes nothing when the\n"
        "file is the same; a file that differs needs --force. Your drop-ins\n"
        "(openclaw-gateway.service.d/*.conf) are kept.\n"
        "Examples:\n"
        "  openclaw gateway install\n"
        "  openclaw gateway install --port 18790 --token \"$(openssl rand "
        "-hex 24)\"\n"
        "  openclaw gateway install --auth-monitor --notify-command \\\n"
        "      'curl -fsS -d \"$OPENCLAW_AUTH_MESSAGE\" "
        "https://ntfy.sh/my-topic'\n"
        "Docs: docs/SERVICE.md, docs/AUTH-MONITOR.md\n",
    .opts = install_opts,
    .max_args = 0,
    .run = run_install,
};

const struct cli_cmd cmd_gateway_uninstall = {
    .name = "uninstall",
    .summary = "Stop and remove the gateway service (and the auth monitor)",
    .help = "Removes what `gateway install` wrote; your drop-ins, "
            "~/.openclaw/.env, the\nconfig and the logs stay.\n",
    .opts = uninstall_opts,
    .max_args = 0,
    .run = run_uninstall,
};

const struct cli_cmd cmd_gateway_start = {
    .name = "start",
    .summary = "Start the gateway service",
    .opts = control_opts,
    .max_args = 0,
    .run = run_start,
};

const struct cli_cmd cmd_gateway_stop = {
    .name = "stop",
    .summary = "Stop the gateway service (until the next login or boot)",
    .opts = control_opts,
    .max_args = 0,
    .run = run_stop,
};

const struct cli_cmd cmd_gateway_restart = {
    .name = "restart",
    .summary = "Restart the gateway service (picks up .env and config "
               "changes)",
    .opts = control_opts,
    .max_args = 0,
    .run = run_restart,
};
