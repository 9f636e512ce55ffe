/*
 * What most commands do first: load the env layers and the config, and
 * report config problems the same way everywhere.
 */
#ifndef OC_CLI_COMMON_H
#define OC_CLI_COMMON_H

#include <stdio.h>

#include "cli/cmd.h"
#include "config/config.h"

/* Env layers 2 and 3 (./.env, <state>/.env); once per process. */
void cli_load_env(struct cli_ctx *ctx);

/*
 * Load the env layers and the config at the resolved path into cfg
 * (initialised here). Returns 0 whether or not the config is valid (the
 * caller decides), or CLI_FAIL after reporting that it cannot be read.
 */
int cli_load_config(struct cli_ctx *ctx, struct config *cfg, unsigned flags);

/* One "<bullet> <where>: <problem>" line per problem. */
void cli_print_problems(struct cli_ctx *ctx, FILE *fp,
                        const struct config_problems *problems,
                        const char *bullet);

/* When cfg is invalid: report it (file, every problem, what to do) and
 * return CLI_FAIL; otherwise 0. */
int cli_require_valid(struct cli_ctx *ctx, const struct config *cfg);

#endif
