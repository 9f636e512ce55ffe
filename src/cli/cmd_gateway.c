/*
 * `openclaw gateway [run]` and the gateway's client commands (`gateway
 * status|call`, `openclaw health` in cmd_gateway_client.c); the service
 * subcommands are in cmd_gateway_service.c. `openclaw daemon` is an
 * alias.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/gateway_cmds.h"
#include "gateway/gateway.h"
#include "json/jsonx.h"
#include "base/banned.h"

/* gateway.mode must be "local" unless --allow-unconfigured. */
static int check_mode(struct cli_ctx *ctx, const struct config *cfg)
{
    const char *mode =
        jsonx_get_str(jsonx_get_obj(cfg->root, "gateway"), "mode");
    char *shown;

    if (cli_flag(ctx, "allow-unconfigured") ||
        (mode && strcmp(mode, "local") == 0))
        return 0;
    shown = cli_display_path(ctx, cfg->path);
    if (!cfg->exists)
        cli_error("Gateway start blocked: set gateway.mode=local (no config "
                  "at %s). Run `openclaw onboard`, or `openclaw config set "
                  "gateway.mode local`, or pass --allow-unconfigured.",
                  shown);
    else if (!mode)
        cli_error("Gateway start blocked: existing config is missing "
                  "gateway.mode. Treat this as suspicious or clobbered "
                  "config (%s). If it is yours, run `openclaw config set "
                  "gateway.mode local`, or pass --allow-unconfigured.",
                  shown);
    else
        cli_error("Gateway start blocked: gateway.mode is \"%s\" in %s (this "
                  "host runs a gateway only with gateway.mode=local); set it "
                  "or pass --allow-unconfigured.",
                  mode, shown);
    free(shown);
    return GW_EXIT_CONFIG;
}

static int run_gateway(struct cli_ctx *ctx)
{
    struct config cfg;
    struct gw_options o = {
        .paths = cli_paths(ctx),
        .cfg = &cfg,
        .flags = {.port = cli_opt(ctx, "port"),
                  .bind = cli_opt(ctx, "bind"),
                  .auth = cli_opt(ctx, "auth"),
                  .token = cli_opt(ctx, "token"),
                  .password = cli_opt(ctx, "password")},
        .allow_unconfigured = cli_flag(ctx, "allow-unconfigured"),
        .force = cli_flag(ctx, "force"),
        .verbose = cli_flag(ctx, "verbose"),
    };
    int rc;

    if (cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV) != 0) {
        config_release(&cfg);
        return GW_EXIT_CONFIG;
    }
    rc = cli_require_valid(ctx, &cfg) ? GW_EXIT_CONFIG : check_mode(ctx, &cfg);
    if (rc) {
        config_release(&cfg);
        return rc;
    }
    rc = gateway_run(&o);
    config_release(&cfg);
    return rc;
}

static const struct cli_opt run_opts[] = {
    {"port", 0, "<port>",
     "Port (default OPENCLAW_GATEWAY_PORT, gateway.port, 18789)"},
    {"bind", 0, "<mode>",
     "loopback|lan|custom|tailnet|auto (default gateway.bind, loopback)"},
    {"auth", 0, "<mode>", "none|token|password (default gateway.auth.mode)"},
    {"token", 0, "<token>",
     "Shared token (visible in ps: prefer gateway.auth.token or "
     "OPENCLAW_GATEWAY_TOKEN)"},
    {"password", 0, "<password>", "Shared password (visible in ps)"},
    {"allow-unconfigured", 0, NULL,
     "Start without gateway.mode=local (writes nothing)"},
    {"force", 0, NULL, "Stop whatever listens on the port first"},
    {"verbose", 0, NULL, "Debug logging"},
    {NULL, 0, NULL, NULL},
};

static const char run_help[] =
    "Serves /healthz, /readyz, the OpenAI-compatible API at /v1 and the\n"
    "WebSocket protocol on one port. Keys for model providers come from\n"
    "<state>/.env, the config's env block and the agents' auth stores (read\n"
    "at each request). Logs go to stderr. SIGTERM drains open streams (at\n"
    "most 25 s); SIGHUP or an edit of openclaw.json reloads the config\n"
    "(gateway.port/bind/auth changes need a restart). Exit 78 when the\n"
    "config forbids starting.\n"
    "Examples:\n"
    "  openclaw gateway run\n"
    "  OPENCLAW_GATEWAY_TOKEN=... openclaw gateway --bind lan\n";

static const struct cli_cmd gw_run = {
    .name = "run",
    .summary = "Run the gateway in the foreground",
    .help = run_help,
    .opts = run_opts,
    .max_args = 0,
    .run = run_gateway,
};

static const struct cli_cmd *const gw_subs[] = {
    &gw_run,
    &cmd_gateway_install,
    &cmd_gateway_uninstall,
    &cmd_gateway_start,
    &cmd_gateway_stop,
    &cmd_gateway_restart,
    &cmd_gateway_status,
    &cmd_gateway_call,
    NULL,
};

const struct cli_cmd cmd_gateway = {
    .name = "gateway",
    .summary = "Run, inspect and install the gateway daemon",
    .help = run_help,
    .opts = run_opts,
    .subs = gw_subs,
    .max_args = 0,
    .run = run_gateway,
};

const struct cli_cmd cmd_daemon = {
    .name = "daemon",
    .summary = "Alias of 'gateway' (service management)",
    .help = run_help,
    .opts = run_opts,
    .subs = gw_subs,
    .max_args = 0,
    .run = run_gateway,
};
