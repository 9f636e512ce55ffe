/*
 * Shared command steps: env layers, config loading, problem reports.
 */
#include <stdlib.h>

#include "base/log.h"
#include "cli/common.h"
#include "config/env.h"
#include "base/banned.h"

void cli_load_env(struct cli_ctx *ctx)
{
    static bool loaded;
    struct oc_err err;

    if (loaded)
        return;
    loaded = true;
    if (env_load_cwd_dotenv(&err))
        log_warn("%s", oc_err_msg(&err));
    if (env_load_state_dotenv(cli_paths(ctx), &err))
        log_warn("%s", oc_err_msg(&err));
    /* The state .env may name the config file (it cannot move the state
     * dir it lives in). */
    if (env_origin("OPENCLAW_CONFIG_PATH", NULL) == ENV_SRC_STATE_DOTENV)
        cli_reresolve_config_path(ctx);
}

int cli_load_config(struct cli_ctx *ctx, struct config *cfg, unsigned flags)
{
    struct oc_err err;
    int rc;

    cli_load_env(ctx);
    config_init(cfg);
    oc_err_clear(&err);
    rc = config_load(cfg, cli_paths(ctx)->config_path, flags, &err);
    if (rc == OC_EIO || rc == OC_ETOOBIG)
        return cli_error("%s", oc_err_msg(&err));
    return 0;
}

static void print_problem(struct cli_ctx *ctx, FILE *fp,
                          const struct config_problem *p, const char *bullet)
{
    char *file = p->file ? cli_display_path(ctx, p->file) : NULL;

    if (p->line)
        fprintf(fp, "%s %s:%d:%d: %s\n", bullet, file, p->line, p->column,
                p->message);
    else if (p->path)
        fprintf(fp, "%s %s: %s\n", bullet, p->path, p->message);
    else
        fprintf(fp, "%s %s: %s\n", bullet, file ? file : "config", p->message);
    free(file);
}

void cli_print_problems(struct cli_ctx *ctx, FILE *fp,
                        const struct config_problems *problems,
                        const char *bullet)
{
    size_t i;

    for (i = 0; i < problems->n; i++)
        print_problem(ctx, fp, &problems->v[i], bullet);
}

int cli_require_valid(struct cli_ctx *ctx, const struct config *cfg)
{
    char *shown;

    if (config_is_valid(cfg))
        return 0;
    shown = cli_display_path(ctx, cfg->path);
    cli_error("config is invalid: %s", shown);
    cli_print_problems(ctx, stderr, &cfg->problems, "-");
    fprintf(stderr, "Fix the file (nothing was changed), then retry; "
                    "`openclaw config validate` lists every problem.\n");
    free(shown);
    return CLI_FAIL;
}
