/*
 * Agent selection shared by the per-agent commands (see agent_ctx.h).
 */
#include <stdlib.h>
#include <string.h>

#include "auth/store.h"
#include "base/path.h"
#include "cli/agent_ctx.h"
#include "cli/common.h"
#include "base/banned.h"

int cli_check_agent(struct cli_ctx *ctx, json_t *root, const char *raw_id)
{
    (void)ctx;
    if (config_has_agent(root, raw_id))
        return CLI_OK;
    return cli_error("Unknown agent id \"%s\". Use \"openclaw agents list\" "
                     "to see configured agents.",
                     raw_id);
}

int cli_agent_open(struct cli_ctx *ctx, struct agent_ctx *a)
{
    const char *raw = cli_opt(ctx, "agent");
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_load_config(ctx, &a->cfg, CONFIG_APPLY_ENV);
    if (!rc)
        rc = cli_require_valid(ctx, &a->cfg);
    if (!rc && raw)
        rc = cli_check_agent(ctx, a->cfg.root, raw);
    if (rc) {
        config_release(&a->cfg);
        return rc;
    }
    a->id = raw ? paths_normalize_agent_id(raw)
                : config_default_agent_id(a->cfg.root);
    a->dir = config_agent_dir(a->cfg.root, cli_paths(ctx), a->id);
    a->store_path = path_join(a->dir, AUTH_STORE_FILE);
    return CLI_OK;
}

void cli_agent_close(struct agent_ctx *a)
{
    config_release(&a->cfg);
    free(a->id);
    free(a->dir);
    free(a->store_path);
    memset(a, 0, sizeof(*a));
}
