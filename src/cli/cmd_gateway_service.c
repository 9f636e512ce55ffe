/*
 * Placeholder: `openclaw gateway install|uninstall|start|stop|restart`
 * are being written (service files for systemd and launchd).
 */
#include <stddef.h>

#include "cli/gateway_cmds.h"
#include "base/banned.h"

static int not_yet(struct cli_ctx *ctx)
{
    return cli_error("%s: not available yet", ctx->full_name);
}

const struct cli_cmd cmd_gateway_install = {.name = "install",
                                            .summary =
                                                "Install the gateway service",
                                            .run = not_yet};
const struct cli_cmd cmd_gateway_uninstall = {.name = "uninstall",
                                              .summary =
                                                  "Remove the gateway service",
                                              .run = not_yet};
const struct cli_cmd cmd_gateway_start = {
    .name = "start", .summary = "Start the gateway service", .run = not_yet};
const struct cli_cmd cmd_gateway_stop = {
    .name = "stop", .summary = "Stop the gateway service", .run = not_yet};
const struct cli_cmd cmd_gateway_restart = {.name = "restart",
                                            .summary =
                                                "Restart the gateway service",
                                            .run = not_yet};
