/*
 * `openclaw models auth` and its store-management subcommands: list,
 * remove (alias logout), clear-cooldown and order get|set|clear. Output
 * and errors follow what the real CLI prints (reference
 * openclaw-peer-observed.md §5, §7). Every change is a locked update of
 * the agent's auth-profiles.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/health.h"
#include "auth/meta.h"
#include "auth/store.h"
#include "base/clock.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "cli/agent_ctx.h"
#include "cli/commands.h"
#include "cli/config_edit.h"
#include "cli/models_cmds.h"
#include "json/jsonx.h"
#include "base/banned.h"

static int load_store(struct cli_ctx *ctx, struct agent_ctx *a,
                      struct auth_store *s)
{
    struct oc_err err;
    size_t i;

    auth_store_init(s);
    if (auth_store_load(s, a->dir, cli_paths(ctx), &err))
        return cli_error("%s", oc_err_msg(&err));
    for (i = 0; i < s->warnings.n; i++)
        cli_warn("%s", s->warnings.v[i]);
    return CLI_OK;
}

/* ---- list ------------------------------------------------------------ */

static int by_id(const void *x, const void *y)
{
    return strcmp((*(const struct auth_cred *const *)x)->id,
                  (*(const struct auth_cred *const *)y)->id);
}

/* Valid profiles for provider (NULL: all), sorted by id. */
static size_t sorted_creds(const struct auth_store *s, const char *provider,
                           const struct auth_cred **out)
{
    char norm[AUTH_PROVIDER_MAX];
    size_t i, n = 0;

    if (provider)
        auth_provider_normalize(provider, norm, sizeof(norm));
    for (i = 0; i < s->ncreds; i++)
        if (!provider || !strcmp(s->creds[i].provider_norm, norm))
            out[n++] = &s->creds[i];
    qsort(out, n, sizeof(const struct auth_cred *), by_id);
    return n;
}

static void list_text(struct cli_ctx *ctx, struct agent_ctx *a,
                      const struct auth_store *s, const struct auth_cred **v,
                      size_t n)
{
    char *store = cli_display_path(ctx, a->store_path);
    struct usage_stats st;
    struct buf label;
    size_t i;

    printf("Agent: %s\nAuth store: %s\n", a->id, store);
    printf("Profiles:%s\n", n ? "" : " (none)");
    buf_init(&label, 0);
    for (i = 0; i < n; i++) {
        auth_store_stats(s, v[i]->id, &st);
        buf_reset(&label);
        health_label(v[i], &st, clock_wall_ms(), &label);
        printf("- %s [%s/%s] %s\n", v[i]->id, v[i]->provider,
               auth_type_name(v[i]->type), strchr(label.p, '=') + 1);
    }
    buf_release(&label);
    free(store);
}

static void list_json(struct agent_ctx *a, const struct auth_store *s,
                      const struct auth_cred **v, size_t n,
                      const char *provider)
{
    json_t *o = json_object(), *arr = json_array();
    struct usage_stats st;
    struct buf label;
    size_t i;
    char *text;

    buf_init(&label, 0);
    for (i = 0; i < n; i++) {
        auth_store_stats(s, v[i]->id, &st);
        buf_reset(&label);
        health_label(v[i], &st, clock_wall_ms(), &label);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s}", "id", v[i]->id, "provider",
                           v[i]->provider, "type", auth_type_name(v[i]->type),
                           "label", strchr(label.p, '=') + 1));
    }
    json_object_set_new(o, "agentId", json_string(a->id));
    json_object_set_new(o, "agentDir", json_string(a->dir));
    json_object_set_new(o, "authStorePath", json_string(a->store_path));
    json_object_set_new(o, "provider",
                        provider ? json_string(provider) : json_null());
    json_object_set_new(o, "profiles", arr);
    text = jsonx_dumps(o, 2);
    printf("%s\n", text ? text : "{}");
    free(text);
    json_decref(o);
    buf_release(&label);
}

static int run_list(struct cli_ctx *ctx)
{
    const char *provider = cli_opt(ctx, "provider");
    const struct auth_cred **v;
    struct auth_store s;
    struct agent_ctx a;
    size_t n;
    int rc = cli_agent_open(ctx, &a);

    if (!rc)
        rc = load_store(ctx, &a, &s);
    if (rc) {
        cli_agent_close(&a);
        return rc;
    }
    v = xcalloc(s.ncreds + 1, sizeof(const struct auth_cred *));
    n = sorted_creds(&s, provider, v);
    if (cli_flag(ctx, "json"))
        list_json(&a, &s, v, n, provider);
    else
        list_text(ctx, &a, &s, v, n);
    free(v);
    auth_store_release(&s);
    cli_agent_close(&a);
    return CLI_OK;
}

/* ---- remove ---------------------------------------------------------- */

static int remove_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    if (auth_store_remove(s, arg) == 0)
        return 1;
    return oc_err_set(err, OC_ENOENT, "not found");
}

static int remove_meta(struct config *cfg, void *arg)
{
    return auth_meta_remove(cfg->raw, arg) ? 0 : CLI_EDIT_UNCHANGED;
}

static int not_found(struct cli_ctx *ctx, struct agent_ctx *a, const char *id,
                     const char *provider)
{
    char *dir = cli_display_path(ctx, a->dir);
    int rc;

    rc = cli_error("Auth profile \"%s\" not found in %s. Run openclaw models "
                   "auth list%s%s to see saved profiles.",
                   id, dir, provider ? " --provider " : "",
                   provider ? provider : "");
    free(dir);
    return rc;
}

static int run_remove(struct cli_ctx *ctx)
{
    struct config_write_result res = {0};
    struct agent_ctx a;
    struct oc_err err;
    char *id = ctx->argv[0];
    int rc = cli_agent_open(ctx, &a);

    if (!rc) {
        rc = auth_store_update(a.dir, cli_paths(ctx), remove_fn, id, &err);
        if (rc == OC_ENOENT)
            rc = not_found(ctx, &a, id, NULL);
        else if (rc < 0)
            rc = cli_error("%s", oc_err_msg(&err));
        else
            rc = cli_config_edit(ctx, remove_meta, id, false, &res);
    }
    if (!rc) {
        if (res.written)
            cli_report_config_written(ctx, &res);
        printf("Removed auth profile %s.\n", id);
    }
    config_write_result_release(&res);
    cli_agent_close(&a);
    return rc;
}

/* ---- clear-cooldown -------------------------------------------------- */

struct clear_arg {
    const char *id;       /* one profile, or */
    const char *provider; /* every profile of a provider */
    struct strlist cleared;
};

static int clear_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    struct clear_arg *c = arg;
    struct usage_stats st;
    char norm[AUTH_PROVIDER_MAX];
    size_t i;

    if (c->provider)
        auth_provider_normalize(c->provider, norm, sizeof(norm));
    for (i = 0; i < s->ncreds; i++) {
        const struct auth_cred *cr = &s->creds[i];
        if ((c->id && strcmp(cr->id, c->id) != 0) ||
            (c->provider && strcmp(cr->provider_norm, norm) != 0))
            continue;
        strlist_push(&c->cleared, cr->id);
        if (!auth_store_stats(s, cr->id, &st))
            continue;
        policy_clear_cooldown(&st);
        auth_store_set_stats(s, cr->id, &st);
    }
    if (!c->cleared.n)
        return oc_err_set(err, OC_ENOENT, "no matching profile");
    return 1;
}

static int run_clear_cooldown(struct cli_ctx *ctx)
{
    struct clear_arg c = {ctx->argc ? ctx->argv[0] : NULL,
                          cli_opt(ctx, "provider"), STRLIST_INIT};
    struct agent_ctx a;
    struct oc_err err;
    char *list;
    int rc;

    if (!c.id == !c.provider)
        return cli_usage_error(ctx, "give a profile id or --provider <name>");
    rc = cli_agent_open(ctx, &a);
    if (!rc) {
        rc = auth_store_update(a.dir, cli_paths(ctx), clear_fn, &c, &err);
        if (rc == OC_ENOENT)
            rc = c.id ? not_found(ctx, &a, c.id, NULL)
                      : cli_error("no auth profiles for %s", c.provider);
        else if (rc < 0)
            rc = cli_error("%s", oc_err_msg(&err));
        else
            rc = CLI_OK;
    }
    if (!rc) {
        list = strlist_join(&c.cleared, ", ");
        printf("Cleared cooldown and disabled state: %s\n", list);
        free(list);
    }
    strlist_release(&c.cleared);
    cli_agent_close(&a);
    return rc;
}

/* ---- order ----------------------------------------------------------- */

static const char *order_provider(struct cli_ctx *ctx, char *buf, size_t n)
{
    const char *p = cli_opt(ctx, "provider");

    if (!p || !*p) {
        cli_usage_error(ctx, "missing required option --provider <name>");
        return NULL;
    }
    auth_provider_normalize(p, buf, n);
    return buf;
}

static void order_header(struct agent_ctx *a, const char *provider)
{
    printf("Agent: %s\nProvider: %s\n", a->id, provider);
}

static void order_get_json(struct agent_ctx *a, const char *provider,
                           const struct strlist *order, bool found)
{
    json_t *o = json_object(), *arr = json_array();
    size_t i;
    char *text;

    for (i = 0; i < order->n; i++)
        json_array_append_new(arr, json_string(order->v[i]));
    json_object_set_new(o, "agentId", json_string(a->id));
    json_object_set_new(o, "agentDir", json_string(a->dir));
    json_object_set_new(o, "provider", json_string(provider));
    json_object_set_new(o, "authStorePath", json_string(a->store_path));
    json_object_set_new(o, "order", found ? arr : json_null());
    if (!found)
        json_decref(arr);
    text = jsonx_dumps(o, 2);
    printf("%s\n", text ? text : "{}");
    free(text);
    json_decref(o);
}

static int run_order_get(struct cli_ctx *ctx)
{
    struct strlist order = STRLIST_INIT;
    char prov[AUTH_PROVIDER_MAX], *store, *list;
    struct auth_store s;
    struct agent_ctx a;
    bool found;
    int rc;

    if (!order_provider(ctx, prov, sizeof(prov)))
        return CLI_USAGE;
    rc = cli_agent_open(ctx, &a);
    if (!rc)
        rc = load_store(ctx, &a, &s);
    if (rc) {
        cli_agent_close(&a);
        return rc;
    }
    found = auth_store_order(&s, prov, &order) == 0;
    if (cli_flag(ctx, "json")) {
        order_get_json(&a, prov, &order, found);
    } else {
        store = cli_display_path(ctx, a.store_path);
        list = strlist_join(&order, ", ");
        order_header(&a, prov);
        printf("Auth store: %s\n", store);
        printf("Auth profile order override: %s\n",
               found ? list : "none (selecting automatically)");
        free(list);
        free(store);
    }
    strlist_release(&order);
    auth_store_release(&s);
    cli_agent_close(&a);
    return CLI_OK;
}

struct order_arg {
    const char *provider;
    struct strlist ids;
    const char *bad;                      /* offending id */
    char bad_provider[AUTH_PROVIDER_MAX]; /* its provider */
};

static int order_set_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    struct order_arg *o = arg;
    const struct auth_cred *c;
    size_t i;

    for (i = 0; i < o->ids.n; i++) {
        c = auth_store_find(s, o->ids.v[i]);
        o->bad = o->ids.v[i];
        if (!c)
            return oc_err_set(err, OC_ENOENT, "not found");
        str_copy(o->bad_provider, sizeof(o->bad_provider), c->provider_norm);
        if (strcmp(c->provider_norm, o->provider) != 0)
            return oc_err_set(err, OC_EINVAL, "wrong provider");
    }
    auth_store_set_order(s, o->provider, &o->ids);
    return 1;
}

static void collect_ids(struct cli_ctx *ctx, struct strlist *ids)
{
    char *t;
    int i;

    for (i = 0; i < ctx->argc; i++) {
        t = str_trim_dup(ctx->argv[i]);
        if (*t && !strlist_has(ids, t))
            strlist_push_take(ids, t);
        else
            free(t);
    }
}

static int order_set_error(struct cli_ctx *ctx, struct agent_ctx *a,
                           struct order_arg *o, int rc, struct oc_err *err)
{
    if (rc == OC_ENOENT)
        return not_found(ctx, a, o->bad, o->provider);
    if (rc == OC_EINVAL)
        return cli_error("Auth profile \"%s\" is for %s, not %s.", o->bad,
                         o->bad_provider, o->provider);
    return cli_error("%s", oc_err_msg(err));
}

static int run_order_set(struct cli_ctx *ctx)
{
    struct order_arg o = {.ids = STRLIST_INIT};
    char prov[AUTH_PROVIDER_MAX], *list;
    struct agent_ctx a;
    struct oc_err err;
    int rc;

    if (!order_provider(ctx, prov, sizeof(prov)))
        return CLI_USAGE;
    o.provider = prov;
    collect_ids(ctx, &o.ids);
    if (!o.ids.n)
        return cli_usage_error(ctx, "missing profile ids; give one or more "
                                    "profile ids");
    rc = cli_agent_open(ctx, &a);
    if (!rc) {
        rc = auth_store_update(a.dir, cli_paths(ctx), order_set_fn, &o, &err);
        rc = rc < 0 ? order_set_error(ctx, &a, &o, rc, &err) : CLI_OK;
    }
    if (!rc) {
        list = strlist_join(&o.ids, ", ");
        order_header(&a, prov);
        printf("Auth profile order override: %s\n", list);
        free(list);
    }
    strlist_release(&o.ids);
    cli_agent_close(&a);
    return rc;
}

static int order_clear_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    (void)err;
    return auth_store_clear_order(s, arg) == 0 ? 1 : 0;
}

static int run_order_clear(struct cli_ctx *ctx)
{
    char prov[AUTH_PROVIDER_MAX];
    struct agent_ctx a;
    struct oc_err err;
    int rc;

    if (!order_provider(ctx, prov, sizeof(prov)))
        return CLI_USAGE;
    rc = cli_agent_open(ctx, &a);
    if (!rc && auth_store_update(a.dir, cli_paths(ctx), order_clear_fn, prov,
                                 &err) < 0)
        rc = cli_error("%s", oc_err_msg(&err));
    if (!rc) {
        order_header(&a, prov);
        printf("Auth profile order override cleared; selecting "
               "automatically.\n");
    }
    cli_agent_close(&a);
    return rc;
}

/* ---- table ----------------------------------------------------------- */

#define AGENT_OPT                                                              \
    {                                                                          \
        "agent", 0, "<id>", "Agent id (default: the configured default agent)" \
    }
#define END_OPT                                                                \
    {                                                                          \
        NULL, 0, NULL, NULL                                                    \
    }

static const struct cli_opt list_opts[] = {
    {"provider", 0, "<id>", "Only this provider"},
    {"json", 0, NULL, "Output JSON"},
    AGENT_OPT,
    END_OPT,
};

static const struct cli_cmd cmd_list = {
    .name = "list",
    .summary = "List saved auth profiles (secrets masked)",
    .opts = list_opts,
    .max_args = 0,
    .run = run_list,
};

static const struct cli_opt agent_only_opts[] = {AGENT_OPT, END_OPT};

static const struct cli_cmd cmd_remove = {
    .name = "remove",
    .args = "<profileId>",
    .summary = "Remove a saved auth profile and its config metadata",
    .opts = agent_only_opts,
    .min_args = 1,
    .max_args = 1,
    .run = run_remove,
};

static const struct cli_cmd cmd_logout = {
    .name = "logout",
    .args = "<profileId>",
    .summary = "Alias for remove",
    .opts = agent_only_opts,
    .min_args = 1,
    .max_args = 1,
    .run = run_remove,
};

static const struct cli_opt clear_opts[] = {
    {"provider", 0, "<name>", "Every profile of this provider"},
    AGENT_OPT,
    END_OPT,
};

static const struct cli_cmd cmd_clear_cooldown = {
    .name = "clear-cooldown",
    .args = "[profileId]",
    .summary = "Clear cooldown/disabled state of a profile or a provider",
    .opts = clear_opts,
    .max_args = 1,
    .run = run_clear_cooldown,
};

static const struct cli_opt order_get_opts[] = {
    {"provider", 0, "<name>", "Provider id (e.g. anthropic)"},
    {"json", 0, NULL, "Output JSON"},
    AGENT_OPT,
    END_OPT,
};

static const struct cli_opt order_opts[] = {
    {"provider", 0, "<name>", "Provider id (e.g. anthropic)"},
    AGENT_OPT,
    END_OPT,
};

static const struct cli_cmd cmd_order_get = {
    .name = "get",
    .summary = "Show the per-agent auth profile order override",
    .opts = order_get_opts,
    .max_args = 0,
    .run = run_order_get,
};

static const struct cli_cmd cmd_order_set = {
    .name = "set",
    .args = "<profileIds...>",
    .summary = "Set the per-agent auth profile order override",
    .opts = order_opts,
    .min_args = 0,
    .max_args = -1,
    .run = run_order_set,
};

static const struct cli_cmd cmd_order_clear = {
    .name = "clear",
    .summary = "Clear the per-agent auth profile order override",
    .opts = order_opts,
    .max_args = 0,
    .run = run_order_clear,
};

static const struct cli_cmd *const order_subs[] = {
    &cmd_order_clear, &cmd_order_get, &cmd_order_set, NULL};

static const struct cli_cmd cmd_order = {
    .name = "order",
    .summary = "Manage per-agent auth profile order overrides",
    .help = "Stored in that agent's auth-profiles.json; the config's "
            "auth.order is not\nchanged. Use --agent <id> for another "
            "agent.\n",
    .subs = order_subs,
};

static const struct cli_cmd *const auth_subs[] = {
    &cmd_models_auth_add,
    &cmd_clear_cooldown,
    &cmd_list,
    &cmd_logout,
    &cmd_order,
    &cmd_models_paste_api_key,
    &cmd_models_paste_token,
    &cmd_remove,
    &cmd_models_setup_token,
    NULL,
};

const struct cli_cmd cmd_models_auth = {
    .name = "auth",
    .summary = "Manage credentials (auth profiles) of an agent",
    .subs = auth_subs,
};
