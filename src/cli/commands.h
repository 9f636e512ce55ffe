/*
 * The command table: the root command and every top-level command.
 */
#ifndef OC_CLI_COMMANDS_H
#define OC_CLI_COMMANDS_H

#include "cli/cmd.h"

extern const struct cli_cmd cli_root;
extern const struct cli_cmd cmd_config;
extern const struct cli_cmd cmd_models;
extern const struct cli_cmd cmd_agents;
extern const struct cli_cmd cmd_doctor;
extern const struct cli_cmd cmd_onboard;
extern const struct cli_cmd cmd_agent;
extern const struct cli_cmd cmd_chat;
extern const struct cli_cmd cmd_gateway;
extern const struct cli_cmd cmd_daemon;
extern const struct cli_cmd cmd_health;

/* Parse ctx->cmd's options and positionals from argv into ctx; 0, or
 * CLI_USAGE after reporting the problem. */
int cli_parse_args(struct cli_ctx *ctx, int argc, char **argv);

#endif
