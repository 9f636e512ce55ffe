/*
 * `openclaw agents list|add|remove`. Auth is per agent: a new agent gets
 * its own empty credential store, and only --copy-auth copies the
 * portable profiles (api_key and token, never oauth, whose refresh
 * tokens rotate) from the default agent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/store.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "cli/agent_ctx.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config_edit.h"
#include "json/jsonx.h"
#include "provider/modelref.h"
#include "base/banned.h"

static size_t profile_count(struct cli_ctx *ctx, const char *dir)
{
    struct auth_store s;
    size_t n;

    auth_store_init(&s);
    n = auth_store_peek(&s, dir, cli_paths(ctx), NULL) == 0 ? s.ncreds : 0;
    auth_store_release(&s);
    return n;
}

static int run_list(struct cli_ctx *ctx)
{
    struct strlist ids = STRLIST_INIT;
    struct config cfg;
    char *def, *dir, *shown;
    size_t i;
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (!rc)
        rc = cli_require_valid(ctx, &cfg);
    if (rc) {
        config_release(&cfg);
        return rc;
    }
    config_agent_ids(cfg.root, &ids);
    def = config_default_agent_id(cfg.root);
    printf("Agents (%zu):\n", ids.n);
    for (i = 0; i < ids.n; i++) {
        dir = config_agent_dir(cfg.root, cli_paths(ctx), ids.v[i]);
        shown = cli_display_path(ctx, dir);
        printf("- %s%s\n    agent dir: %s\n    model: %s\n    auth "
               "profiles: %zu\n",
               ids.v[i], strcmp(ids.v[i], def) != 0 ? "" : " (default)", shown,
               modelref_default(cfg.root, ids.v[i]), profile_count(ctx, dir));
        free(shown);
        free(dir);
    }
    free(def);
    strlist_release(&ids);
    config_release(&cfg);
    return CLI_OK;
}

struct add_arg {
    const char *id;
    const char *workspace;
    const char *agent_dir;
    const char *model;
};

static json_t *list_of(json_t *raw)
{
    json_t *agents = json_object_get(raw, "agents"), *list;

    if (!json_is_object(agents)) {
        agents = json_object();
        json_object_set_new(raw, "agents", agents);
    }
    list = json_object_get(agents, "list");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(agents, "list", list);
    }
    return list;
}

static int apply_add(struct config *cfg, void *arg)
{
    const struct add_arg *a = arg;
    struct strlist ids = STRLIST_INIT;
    json_t *list, *entry;
    bool exists;

    config_agent_ids(cfg->root, &ids);
    exists = strlist_has(&ids, a->id) &&
             (strcmp(a->id, OC_DEFAULT_AGENT_ID) != 0 ||
              json_array_size(
                  jsonx_get_arr(json_object_get(cfg->raw, "agents"), "list")));
    strlist_release(&ids);
    if (exists)
        return cli_error("agent \"%s\" already exists", a->id);
    list = list_of(cfg->raw);
    /* The implicit main agent stays first, so it stays the default. */
    if (!json_array_size(list) && strcmp(a->id, OC_DEFAULT_AGENT_ID) != 0)
        json_array_append_new(list,
                              json_pack("{s:s}", "id", OC_DEFAULT_AGENT_ID));
    entry = json_pack("{s:s}", "id", a->id);
    if (a->workspace)
        json_object_set_new(entry, "workspace", json_string(a->workspace));
    if (a->agent_dir)
        json_object_set_new(entry, "agentDir", json_string(a->agent_dir));
    if (a->model)
        json_object_set_new(entry, "model", json_string(a->model));
    json_array_append_new(list, entry);
    return 0;
}

/* Copy the default agent's api_key/token profiles into the new store. */
static int copy_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    const struct auth_store *from = arg;
    size_t i;
    int n = 0;

    (void)err;
    for (i = 0; i < from->ncreds; i++) {
        const struct auth_cred *c = &from->creds[i];
        if (c->type == AUTH_OAUTH || auth_store_has(s, c->id))
            continue;
        auth_store_put(s, c->id, json_deep_copy(c->json));
        n++;
    }
    return n ? 1 : 0;
}

static int copy_auth(struct cli_ctx *ctx, const char *src_dir,
                     const char *dst_dir, size_t *copied)
{
    struct auth_store from;
    struct oc_err err;
    int rc;

    auth_store_init(&from);
    rc = auth_store_load(&from, src_dir, cli_paths(ctx), &err);
    if (!rc)
        rc = auth_store_update(dst_dir, cli_paths(ctx), copy_fn, &from, &err);
    *copied = profile_count(ctx, dst_dir);
    auth_store_release(&from);
    return rc < 0 ? cli_error("%s", oc_err_msg(&err)) : CLI_OK;
}

static void print_added(struct cli_ctx *ctx, const char *id, const char *dir,
                        bool copied, size_t n)
{
    char *shown = cli_display_path(ctx, dir);

    printf("Added agent %s (agent dir %s).\n", id, shown);
    if (copied)
        printf("Copied %zu portable auth profile(s) from the default "
               "agent.\n",
               n);
    else
        printf("It has no credentials of its own (agents do not share "
               "keys): run `openclaw models auth paste-api-key --provider "
               "anthropic --agent %s`, or re-add it with --copy-auth.\n",
               id);
    free(shown);
}

static int run_add(struct cli_ctx *ctx)
{
    struct add_arg a = {NULL, cli_opt(ctx, "workspace"),
                        cli_opt(ctx, "agent-dir"), cli_opt(ctx, "model")};
    struct config_write_result res;
    struct config cfg;
    char *id = paths_normalize_agent_id(ctx->argv[0]), *dir = NULL, *src, *def;
    size_t copied = 0;
    int rc;

    a.id = id;
    rc = cli_config_edit(ctx, apply_add, &a, false, &res);
    if (!rc) {
        cli_report_config_written(ctx, &res);
        config_write_result_release(&res);
        rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);
    }
    if (!rc) {
        dir = config_agent_dir(cfg.root, cli_paths(ctx), id);
        fsx_mkdir_p(dir, FSX_DIR_MODE, NULL);
        def = config_default_agent_id(cfg.root);
        src = config_agent_dir(cfg.root, cli_paths(ctx), def);
        if (cli_flag(ctx, "copy-auth"))
            rc = copy_auth(ctx, src, dir, &copied);
        free(src);
        free(def);
        config_release(&cfg);
    }
    if (!rc)
        print_added(ctx, id, dir, cli_flag(ctx, "copy-auth"), copied);
    free(dir);
    free(id);
    return rc;
}

static int apply_remove(struct config *cfg, void *arg)
{
    json_t *list = jsonx_get_arr(json_object_get(cfg->raw, "agents"), "list");
    json_t *entries =
               jsonx_get_obj(json_object_get(cfg->raw, "agents"), "entries"),
           *v;
    size_t i;
    char *id;

    json_array_foreach (list, i, v) {
        id = paths_normalize_agent_id(jsonx_get_str(v, "id"));
        if (!strcmp(id, arg)) {
            free(id);
            json_array_remove(list, i);
            return 0;
        }
        free(id);
    }
    if (json_object_del(entries, arg) == 0)
        return 0;
    return cli_error("Unknown agent id \"%s\". Use \"openclaw agents list\" "
                     "to see configured agents.",
                     (const char *)arg);
}

/* The agent's dir and whether it is the default agent, before removal. */
static int remove_checks(struct cli_ctx *ctx, const char *id, char **dir)
{
    struct config cfg;
    char *def;
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (rc)
        return rc;
    def = config_default_agent_id(cfg.root);
    *dir = config_agent_dir(cfg.root, cli_paths(ctx), id);
    if (!strcmp(def, id) && !cli_flag(ctx, "force"))
        rc = cli_error("%s is the default agent: commands without --agent "
                       "use its credentials. Mark another agent default "
                       "first, or pass --force",
                       id);
    free(def);
    config_release(&cfg);
    return rc;
}

static int run_remove(struct cli_ctx *ctx)
{
    struct config_write_result res;
    char *id = paths_normalize_agent_id(ctx->argv[0]), *dir = NULL, *shown;
    int rc = remove_checks(ctx, id, &dir);

    if (!rc)
        rc = cli_config_edit(ctx, apply_remove, id, false, &res);
    if (!rc) {
        shown = cli_display_path(ctx, dir);
        cli_report_config_written(ctx, &res);
        config_write_result_release(&res);
        printf("Removed agent %s from the config. Its directory and "
               "credentials were left in place (%s); delete them yourself "
               "when you no longer need them.\n",
               id, shown);
        free(shown);
    }
    free(dir);
    free(id);
    return rc;
}

static const struct cli_cmd cmd_agents_list = {
    .name = "list",
    .summary = "List configured agents, their dirs, models and credentials",
    .run = run_list,
};

static const struct cli_opt add_opts[] = {
    {"copy-auth", 0, NULL,
     "Copy the default agent's API keys and tokens (not OAuth)"},
    {"workspace", 0, "<dir>", "Workspace directory"},
    {"agent-dir", 0, "<dir>", "Agent dir (default: <state>/agents/<id>/agent)"},
    {"model", 0, "<ref>", "The agent's model"},
    {"non-interactive", 0, NULL, "Never prompt (accepted for compatibility)"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_cmd cmd_agents_add = {
    .name = "add",
    .args = "<id>",
    .summary = "Add an agent (with its own, empty credential store)",
    .opts = add_opts,
    .min_args = 1,
    .max_args = 1,
    .run = run_add,
};

static const struct cli_opt remove_opts[] = {
    {"force", 0, NULL, "Remove even the default agent"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_cmd cmd_agents_remove = {
    .name = "remove",
    .args = "<id>",
    .summary = "Remove an agent from the config (its files are kept)",
    .opts = remove_opts,
    .min_args = 1,
    .max_args = 1,
    .run = run_remove,
};

static const struct cli_cmd *const agents_subs[] = {
    &cmd_agents_add, &cmd_agents_list, &cmd_agents_remove, NULL};

const struct cli_cmd cmd_agents = {
    .name = "agents",
    .summary = "Manage agents (each has its own credentials)",
    .subs = agents_subs,
};
