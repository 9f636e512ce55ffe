/*
 * The models command family, spread over cmd_models_*.c.
 */
#ifndef OC_CLI_MODELS_CMDS_H
#define OC_CLI_MODELS_CMDS_H

#include "cli/agent_ctx.h"
#include "cli/cmd.h"
#include "cli/status_model.h"

extern const struct cli_cmd cmd_models_status;
extern const struct cli_cmd cmd_models_list;
extern const struct cli_cmd cmd_models_set;
extern const struct cli_cmd cmd_models_aliases;
extern const struct cli_cmd cmd_models_fallbacks;
extern const struct cli_cmd cmd_models_auth;
extern const struct cli_cmd cmd_models_auth_add;
extern const struct cli_cmd cmd_models_paste_token;
extern const struct cli_cmd cmd_models_paste_api_key;
extern const struct cli_cmd cmd_models_setup_token;

/* models status --json. */
void status_print_json(struct cli_ctx *ctx, struct agent_ctx *a,
                       const struct status_model *m);

#endif
