/*
 * The config subcommands defined in cmd_config_set.c.
 */
#ifndef OC_CLI_CONFIG_CMDS_H
#define OC_CLI_CONFIG_CMDS_H

#include "cli/cmd.h"

extern const struct cli_cmd cmd_config_set;
extern const struct cli_cmd cmd_config_unset;

#endif
