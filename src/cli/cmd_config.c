/*
 * `openclaw config get|file|validate` and the command table entry for the
 * config family; set and unset live in cmd_config_set.c. Messages follow
 * OpenClaw's config CLI (src/cli/config-cli.ts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config_cmds.h"
#include "config/cpath.h"
#include "json/jsonx.h"
#include "base/banned.h"

static void print_value(json_t *v, bool as_json)
{
    char *s;

    if (!as_json && json_is_string(v)) {
        printf("%s\n", json_string_value(v));
        return;
    }
    s = jsonx_dumps(v, 2);
    printf("%s\n", s ? s : "null");
    free(s);
}

static int run_get(struct cli_ctx *ctx)
{
    struct config cfg;
    struct cpath path;
    struct oc_err err;
    json_t *shown, *v;
    int rc;

    if (cpath_parse(ctx->argv[0], &path, &err))
        return cli_error("%s", oc_err_msg(&err));
    rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);
    if (!rc)
        rc = cli_require_valid(ctx, &cfg);
    if (!rc) {
        shown = config_redacted(cfg.expanded);
        v = cpath_get(shown, &path);
        if (v)
            print_value(v, cli_flag(ctx, "json"));
        else
            rc = cli_error("config path not found: %s; run `openclaw "
                           "config validate` to inspect the config shape",
                           ctx->argv[0]);
        json_decref(shown);
    }
    config_release(&cfg);
    cpath_release(&path);
    return rc;
}

static int run_file(struct cli_ctx *ctx)
{
    char *shown = cli_display_path(ctx, cli_paths(ctx)->config_path);

    printf("%s\n", shown);
    free(shown);
    return CLI_OK;
}

static json_t *strings_json(const struct strlist *l)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static json_t *problems_json(struct cli_ctx *ctx, const struct config *cfg)
{
    json_t *a = json_array(), *o;
    const struct config_problem *p;
    size_t i;

    for (i = 0; i < cfg->problems.n; i++) {
        p = &cfg->problems.v[i];
        o = json_object();
        json_object_set_new(o, "path",
                            p->path ? json_string(p->path) : json_null());
        json_object_set_new(o, "message", json_string(p->message));
        if (p->file)
            json_object_set_new(o, "file", json_string(p->file));
        if (p->line) {
            json_object_set_new(o, "line", json_integer(p->line));
            json_object_set_new(o, "column", json_integer(p->column));
        }
        json_array_append_new(a, o);
    }
    (void)ctx;
    return a;
}

static int validate_json(struct cli_ctx *ctx, const struct config *cfg)
{
    json_t *o = json_object();
    bool valid = cfg->exists && config_is_valid(cfg);
    char *s;

    json_object_set_new(o, "valid", json_boolean(valid));
    json_object_set_new(o, "path", json_string(cfg->path));
    if (!cfg->exists)
        json_object_set_new(o, "error", json_string("file not found"));
    else if (!valid)
        json_object_set_new(o, "issues", problems_json(ctx, cfg));
    if (cfg->exists) {
        json_object_set_new(o, "unknownKeys", strings_json(&cfg->unknown));
        json_object_set_new(o, "warnings", strings_json(&cfg->warnings));
    }
    s = jsonx_dumps(o, 2);
    printf("%s\n", s ? s : "{}");
    free(s);
    json_decref(o);
    return valid ? CLI_OK : CLI_FAIL;
}

static void print_unused(const struct config *cfg)
{
    size_t i;

    if (cfg->unknown.n) {
        printf("Not used by this implementation (kept as is):");
        for (i = 0; i < cfg->unknown.n; i++)
            printf("%s %s", i ? "," : "", cfg->unknown.v[i]);
        printf("\n");
    }
    for (i = 0; i < cfg->warnings.n; i++)
        printf("Note: %s\n", cfg->warnings.v[i]);
}

static int validate_text(struct cli_ctx *ctx, const struct config *cfg)
{
    char *shown = cli_display_path(ctx, cfg->path);
    int rc = CLI_OK;

    if (!cfg->exists) {
        fprintf(stderr, "Config file not found: %s\n", shown);
        fprintf(stderr, "Nothing to validate; `openclaw config set <path> "
                        "<value>` creates it.\n");
        rc = CLI_FAIL;
    } else if (!config_is_valid(cfg)) {
        fprintf(stderr, "Invalid config at %s\n", shown);
        cli_print_problems(ctx, stderr, &cfg->problems, "-");
        rc = CLI_FAIL;
    } else {
        printf("Config valid: %s\n", shown);
        print_unused(cfg);
    }
    free(shown);
    return rc;
}

static int run_validate(struct cli_ctx *ctx)
{
    struct config cfg;
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (rc && !cfg.exists) {
        config_release(&cfg);
        return rc;
    }
    rc = cli_flag(ctx, "json") ? validate_json(ctx, &cfg)
                               : validate_text(ctx, &cfg);
    config_release(&cfg);
    return rc;
}

static const struct cli_opt json_opt[] = {
    {"json", 0, NULL, "Output JSON"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_cmd cmd_config_get = {
    .name = "get",
    .args = "<path>",
    .summary = "Get a config value by dot path",
    .help =
        "Paths use dot or bracket notation: agents.defaults.model."
        "primary,\nagents.list[0].id, agents.defaults.models"
        "[\"anthropic/claude-opus-4-5\"].params.\nStrings print "
        "as is, other values as JSON; secrets print as\n" CONFIG_REDACTED ".\n",
    .opts = json_opt,
    .min_args = 1,
    .max_args = 1,
    .run = run_get,
};

static const struct cli_cmd cmd_config_file = {
    .name = "file",
    .summary = "Print the active config file path",
    .min_args = 0,
    .max_args = 0,
    .run = run_file,
};

static const struct cli_opt validate_opts[] = {
    {"json", 0, NULL, "Output validation result as JSON"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_cmd cmd_config_validate = {
    .name = "validate",
    .summary = "Validate the config file (exit 0 valid, 1 invalid)",
    .help = "Prints `Invalid config at <path>` and one `- <path>: <problem>` "
            "line per\nproblem; syntax errors name the file, line and "
            "column. Keys this\nimplementation does not use are listed and "
            "never make the config invalid.\n",
    .opts = validate_opts,
    .min_args = 0,
    .max_args = 0,
    .run = run_validate,
};

static const struct cli_cmd *const config_subs[] = {
    &cmd_config_file,  &cmd_config_get,      &cmd_config_set,
    &cmd_config_unset, &cmd_config_validate, NULL,
};

const struct cli_cmd cmd_config = {
    .name = "config",
    .summary = "Non-interactive config helpers (get/set/unset/file/validate)",
    .help = "The config is ~/.openclaw/openclaw.json (JSON5), or "
            "OPENCLAW_CONFIG_PATH.\n",
    .subs = config_subs,
};
