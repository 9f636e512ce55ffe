/*
 * `openclaw gateway [run]`, `gateway status|call|health` and
 * `openclaw health`; the service subcommands are in
 * cmd_gateway_service.c. `openclaw daemon` is an alias.
 */
#include <stddef.h>

#include "cli/commands.h"
#include "cli/gateway_cmds.h"
#include "base/banned.h"

static int not_yet(struct cli_ctx *ctx)
{
    return cli_error("%s: not available yet", ctx->full_name);
}

static const struct cli_cmd gw_run = {.name = "run",
                                      .summary =
                                          "Run the gateway in the foreground",
                                      .run = not_yet};

static const struct cli_cmd *const gw_subs[] = {
    &gw_run,
    &cmd_gateway_install,
    &cmd_gateway_uninstall,
    &cmd_gateway_start,
    &cmd_gateway_stop,
    &cmd_gateway_restart,
    NULL,
};

const struct cli_cmd cmd_gateway = {
    .name = "gateway",
    .summary = "Run, inspect and install the gateway daemon",
    .subs = gw_subs,
    .run = not_yet,
};

const struct cli_cmd cmd_daemon = {
    .name = "daemon",
    .summary = "Alias of 'gateway' (service management)",
    .subs = gw_subs,
    .run = not_yet,
};
