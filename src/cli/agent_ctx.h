/*
 * What the per-agent commands (models, models auth, doctor) start from:
 * the loaded config, the agent named by --agent (or the configured
 * default), its directory and credential store path.
 */
#ifndef OC_CLI_AGENT_CTX_H
#define OC_CLI_AGENT_CTX_H

#include "cli/cmd.h"
#include "config/config.h"

struct agent_ctx {
    struct config cfg;
    char *id;         /* normalised agent id */
    char *dir;        /* agent dir */
    char *store_path; /* <dir>/auth-profiles.json */
};

/*
 * Load the env layers and the config (which must be valid), pick the agent
 * (--agent, checked against the configured agents, else the default).
 * Returns CLI_OK, or CLI_FAIL after reporting why (a is then empty;
 * cli_agent_close on it is harmless).
 */
int cli_agent_open(struct cli_ctx *ctx, struct agent_ctx *a);
void cli_agent_close(struct agent_ctx *a);

/* "Unknown agent id "<id>". Use "openclaw agents list" ..." check;
 * CLI_OK or CLI_FAIL after reporting. */
int cli_check_agent(struct cli_ctx *ctx, json_t *root, const char *raw_id);

#endif
