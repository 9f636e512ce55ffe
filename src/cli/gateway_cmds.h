/*
 * The `openclaw gateway` subcommands, split over files: the daemon and its
 * clients (cmd_gateway.c: run, status, call, health) and the service
 * (cmd_gateway_service.c: install, uninstall, start, stop, restart).
 * `openclaw daemon` is the same table.
 */
#ifndef OC_CLI_GATEWAY_CMDS_H
#define OC_CLI_GATEWAY_CMDS_H

#include "cli/cmd.h"

extern const struct cli_cmd cmd_gateway_install;
extern const struct cli_cmd cmd_gateway_uninstall;
extern const struct cli_cmd cmd_gateway_start;
extern const struct cli_cmd cmd_gateway_stop;
extern const struct cli_cmd cmd_gateway_restart;
/* cmd_gateway_client.c */
extern const struct cli_cmd cmd_gateway_status;
extern const struct cli_cmd cmd_gateway_call;

#endif
