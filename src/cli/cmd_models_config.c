/*
 * `openclaw models list|set|aliases|fallbacks`: the model side of the
 * config (agents.defaults.model and agents.defaults.models), read and
 * written through the shared locked config edit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/resolve.h"
#include "auth/store.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config_edit.h"
#include "cli/models_cmds.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"
#include "base/banned.h"

static json_t *defaults(json_t *raw)
{
    return jsonx_obj_at(jsonx_obj_at(raw, "agents"), "defaults");
}

/* agents.defaults.model as an object (a string primary is converted). */
static json_t *model_obj(json_t *raw)
{
    json_t *d = defaults(raw), *m = json_object_get(d, "model");

    if (json_is_string(m)) {
        json_t *o = json_pack("{s:s}", "primary", json_string_value(m));
        json_object_set_new(d, "model", o);
        return o;
    }
    return jsonx_obj_at(d, "model");
}

/* Resolve a user-typed model to "provider/model"; warn when the
 * catalogue does not know it. */
static int canonical(struct cli_ctx *ctx, json_t *root, const char *raw,
                     char *out, size_t outsz)
{
    struct model_info info;
    struct model_ref r;
    struct oc_err err;

    (void)ctx;
    if (modelref_resolve(root, raw, &r, NULL, &err))
        return cli_error("%s", oc_err_msg(&err));
    modelref_format(&r, out, outsz);
    if (catalogue_lookup(root, r.provider, r.model, &info) != 0)
        cli_warn("%s is not in the model catalogue; check the name (known "
                 "models: `openclaw models list --all`)",
                 out);
    return 0;
}

/* ---- set ------------------------------------------------------------- */

static int apply_set(struct config *cfg, void *arg)
{
    json_t *models = jsonx_obj_at(defaults(cfg->raw), "models");

    json_object_set_new(model_obj(cfg->raw), "primary", json_string(arg));
    if (!json_object_get(models, arg))
        json_object_set_new(models, arg, json_object());
    return 0;
}

static int with_config(struct cli_ctx *ctx,
                       int (*apply)(struct config *cfg, void *arg), void *arg,
                       const char *done)
{
    struct config_write_result res;
    int rc = cli_config_edit(ctx, apply, arg, false, &res);

    if (rc)
        return rc;
    if (res.written)
        cli_report_config_written(ctx, &res);
    printf("%s\n", done);
    config_write_result_release(&res);
    return CLI_OK;
}

static int run_set(struct cli_ctx *ctx)
{
    struct config cfg;
    char ref[320], done[400];
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (!rc)
        rc = canonical(ctx, cfg.root, ctx->argv[0], ref, sizeof(ref));
    config_release(&cfg);
    if (rc)
        return rc;
    snprintf(done, sizeof(done), "Default model set to %s.", ref);
    return with_config(ctx, apply_set, ref, done);
}

/* ---- fallbacks ------------------------------------------------------- */

struct fb_op {
    char ref[320];
    int op; /* 'a' add, 'r' remove, 'c' clear */
};

static int find_string(json_t *arr, const char *s)
{
    json_t *v;
    size_t i;

    json_array_foreach (arr, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), s))
            return (int)i;
    return -1;
}

static int apply_fallbacks(struct config *cfg, void *arg)
{
    struct fb_op *op = arg;
    json_t *m = model_obj(cfg->raw), *list = json_object_get(m, "fallbacks");
    int at;

    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(m, "fallbacks", list);
    }
    at = find_string(list, op->ref);
    if (op->op == 'c')
        json_array_clear(list);
    else if (op->op == 'a' && at < 0)
        json_array_append_new(list, json_string(op->ref));
    else if (op->op == 'r' && at >= 0)
        json_array_remove(list, (size_t)at);
    else if (op->op == 'r')
        return cli_error("%s is not a fallback", op->ref);
    else
        return CLI_EDIT_UNCHANGED;
    return 0;
}

static int list_fallbacks(struct cli_ctx *ctx)
{
    struct strlist fb = STRLIST_INIT;
    struct config cfg;
    size_t i;
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (!rc)
        rc = cli_require_valid(ctx, &cfg);
    if (!rc) {
        modelref_fallbacks(cfg.root, NULL, &fb);
        printf("Fallbacks (%zu):%s\n", fb.n, fb.n ? "" : " none");
        for (i = 0; i < fb.n; i++)
            printf("%zu. %s\n", i + 1, fb.v[i]);
    }
    strlist_release(&fb);
    config_release(&cfg);
    return rc;
}

static int fallbacks_op(struct cli_ctx *ctx, int op)
{
    struct fb_op f = {.op = op};
    struct config cfg;
    char done[400];
    int rc = 0;

    if (op != 'c') {
        rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);
        if (!rc)
            rc = canonical(ctx, cfg.root, ctx->argv[0], f.ref, sizeof(f.ref));
        config_release(&cfg);
    }
    if (rc)
        return rc;
    snprintf(done, sizeof(done),
             op == 'a'   ? "Fallback added: %s."
             : op == 'r' ? "Fallback removed: %s."
                         : "Fallbacks cleared.%s",
             f.ref);
    return with_config(ctx, apply_fallbacks, &f, done);
}

static int run_fb_list(struct cli_ctx *ctx)
{
    return list_fallbacks(ctx);
}

static int run_fb_add(struct cli_ctx *ctx)
{
    return fallbacks_op(ctx, 'a');
}

static int run_fb_remove(struct cli_ctx *ctx)
{
    return fallbacks_op(ctx, 'r');
}

static int run_fb_clear(struct cli_ctx *ctx)
{
    return fallbacks_op(ctx, 'c');
}

/* ---- aliases --------------------------------------------------------- */

struct alias_op {
    const char *alias;
    char target[320]; /* "" to remove */
};

static int apply_alias(struct config *cfg, void *arg)
{
    struct alias_op *op = arg;
    json_t *models = jsonx_obj_at(defaults(cfg->raw), "models"), *v;
    const char *key, *a;
    bool found = false;

    json_object_foreach (models, key, v) {
        a = jsonx_get_str(v, "alias");
        if (a && !strcasecmp(a, op->alias)) {
            json_object_del(v, "alias");
            found = true;
        }
    }
    if (op->target[0])
        json_object_set_new(jsonx_obj_at(models, op->target), "alias",
                            json_string(op->alias));
    else if (!found)
        return cli_error(catalogue_builtin_alias(op->alias)
                             ? "%s is a built-in alias; point it elsewhere "
                               "with `openclaw models aliases add %s <model>`"
                             : "no alias %s",
                         op->alias, op->alias);
    return 0;
}

static int run_alias_list(struct cli_ctx *ctx)
{
    struct strlist names = STRLIST_INIT, targets = STRLIST_INIT;
    struct config cfg;
    size_t i;
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (!rc)
        rc = cli_require_valid(ctx, &cfg);
    if (!rc) {
        modelref_aliases(cfg.root, &names, &targets);
        printf("Aliases (%zu):\n", names.n);
        for (i = 0; i < names.n; i++)
            printf("  %s -> %s\n", names.v[i], targets.v[i]);
    }
    strlist_release(&names);
    strlist_release(&targets);
    config_release(&cfg);
    return rc;
}

static int run_alias_add(struct cli_ctx *ctx)
{
    struct alias_op op = {ctx->argv[0], ""};
    struct config cfg;
    char done[400];
    int rc;

    if (strchr(op.alias, '/'))
        return cli_error("an alias cannot contain '/'");
    rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);
    if (!rc)
        rc = canonical(ctx, cfg.root, ctx->argv[1], op.target,
                       sizeof(op.target));
    config_release(&cfg);
    if (rc)
        return rc;
    snprintf(done, sizeof(done), "Alias %s -> %s.", op.alias, op.target);
    return with_config(ctx, apply_alias, &op, done);
}

static int run_alias_remove(struct cli_ctx *ctx)
{
    struct alias_op op = {ctx->argv[0], ""};
    char done[200];

    snprintf(done, sizeof(done), "Alias %s removed.", op.alias);
    return with_config(ctx, apply_alias, &op, done);
}

/* ---- table ----------------------------------------------------------- */

static const struct cli_cmd cmd_fb_list = {
    .name = "list", .summary = "List fallback models", .run = run_fb_list};
static const struct cli_cmd cmd_fb_add = {.name = "add",
                                          .args = "<model>",
                                          .summary = "Add a fallback model",
                                          .min_args = 1,
                                          .max_args = 1,
                                          .run = run_fb_add};
static const struct cli_cmd cmd_fb_remove = {.name = "remove",
                                             .args = "<model>",
                                             .summary =
                                                 "Remove a fallback model",
                                             .min_args = 1,
                                             .max_args = 1,
                                             .run = run_fb_remove};
static const struct cli_cmd cmd_fb_clear = {.name = "clear",
                                            .summary =
                                                "Remove every fallback model",
                                            .run = run_fb_clear};
static const struct cli_cmd *const fb_subs[] = {
    &cmd_fb_add, &cmd_fb_clear, &cmd_fb_list, &cmd_fb_remove, NULL};

const struct cli_cmd cmd_models_fallbacks = {
    .name = "fallbacks",
    .summary = "Manage the fallback models (agents.defaults.model.fallbacks)",
    .subs = fb_subs,
};

static const struct cli_cmd cmd_alias_list = {
    .name = "list", .summary = "List aliases", .run = run_alias_list};
static const struct cli_cmd cmd_alias_add = {.name = "add",
                                             .args = "<alias> <model>",
                                             .summary = "Add or move an alias",
                                             .min_args = 2,
                                             .max_args = 2,
                                             .run = run_alias_add};
static const struct cli_cmd cmd_alias_remove = {.name = "remove",
                                                .args = "<alias>",
                                                .summary = "Remove an alias",
                                                .min_args = 1,
                                                .max_args = 1,
                                                .run = run_alias_remove};
static const struct cli_cmd *const alias_subs[] = {
    &cmd_alias_add, &cmd_alias_list, &cmd_alias_remove, NULL};

const struct cli_cmd cmd_models_aliases = {
    .name = "aliases",
    .summary = "Manage model aliases (agents.defaults.models[].alias)",
    .help = "Built-in: opus, sonnet and haiku (anthropic/claude-*-4-5); "
            "yours win.\n",
    .subs = alias_subs,
};

const struct cli_cmd cmd_models_set = {
    .name = "set",
    .args = "<model>",
    .summary = "Set the default model (a ref like anthropic/claude-opus-4-5 "
               "or an alias)",
    .min_args = 1,
    .max_args = 1,
    .run = run_set,
};
