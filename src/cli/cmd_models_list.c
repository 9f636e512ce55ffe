/*
 * `openclaw models list [--all] [--provider p] [--json] [--plain]`: the
 * configured models (default, fallbacks, agents.defaults.models) or, with
 * --all, the whole catalogue, with context size, input kinds, whether a
 * credential is available and tags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/resolve.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "cli/agent_ctx.h"
#include "cli/models_cmds.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"
#include "base/str.h"
#include "base/banned.h"

struct row {
    char ref[320];
    struct model_info info;
    bool known;
    struct strlist tags;
};

struct list_ctx {
    struct agent_ctx *a;
    struct auth_store store;
    const char *provider; /* filter, or NULL */
    struct row *rows;
    size_t n, cap;
};

static struct row *find_row(struct list_ctx *l, const char *ref)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (!strcmp(l->rows[i].ref, ref))
            return &l->rows[i];
    return NULL;
}

static struct row *add_row(struct list_ctx *l, const char *raw)
{
    struct model_ref r;
    char ref[320];
    struct row *row;

    if (modelref_resolve(l->a->cfg.root, raw, &r, NULL, NULL))
        return NULL;
    modelref_format(&r, ref, sizeof(ref));
    if (l->provider && strcmp(r.provider, l->provider) != 0)
        return NULL;
    row = find_row(l, ref);
    if (row)
        return row;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->rows = xreallocarray(l->rows, l->cap, sizeof(*l->rows));
    }
    row = &l->rows[l->n++];
    memset(row, 0, sizeof(*row));
    str_copy(row->ref, sizeof(row->ref), ref);
    row->known =
        catalogue_lookup(l->a->cfg.root, r.provider, r.model, &row->info) == 0;
    return row;
}

static void tag(struct list_ctx *l, const char *raw, const char *t)
{
    struct row *row = add_row(l, raw);

    if (row && !strlist_has(&row->tags, t))
        strlist_push(&row->tags, t);
}

static void add_catalogue(const struct model_info *m, void *arg)
{
    char ref[320];

    snprintf(ref, sizeof(ref), "%s/%s", m->provider, m->id);
    add_row(arg, ref);
}

static void collect(struct list_ctx *l, bool all)
{
    json_t *root = l->a->cfg.root;
    struct strlist fb = STRLIST_INIT, names = STRLIST_INIT,
                   targets = STRLIST_INIT;
    json_t *models = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(root, "agents"), "defaults"), "models");
    const char *key;
    char t[96];
    json_t *v;
    size_t i;

    tag(l, modelref_default(root, l->a->id), "default");
    modelref_fallbacks(root, l->a->id, &fb);
    for (i = 0; i < fb.n; i++) {
        snprintf(t, sizeof(t), "fallback#%zu", i + 1);
        tag(l, fb.v[i], t);
    }
    json_object_foreach (models, key, v)
        tag(l, key, "configured");
    if (all)
        catalogue_each(root, l->provider, add_catalogue, l);
    modelref_aliases(root, &names, &targets);
    for (i = 0; i < names.n; i++) {
        snprintf(t, sizeof(t), "alias:%s", names.v[i]);
        if (find_row(l, targets.v[i]))
            tag(l, targets.v[i], t);
    }
    strlist_release(&fb);
    strlist_release(&names);
    strlist_release(&targets);
}

static bool has_auth(struct list_ctx *l, const char *ref)
{
    struct auth_pick pick;
    struct auth_query q;
    struct model_ref r;

    if (modelref_parse(ref, &r, NULL))
        return false;
    q = (struct auth_query){l->a->cfg.root, r.provider, r.model,
                            clock_wall_ms()};
    return auth_pick(&l->store, &q, NULL, &pick) != AUTH_SRC_NONE;
}

static void ctx_size(const struct row *r, char *buf, size_t n)
{
    int64_t c = r->known ? r->info.context_window : 0;

    if (!c)
        str_copy(buf, n, "-");
    else if (c >= 1000000 && c % 1000000 == 0)
        snprintf(buf, n, "%lldM", (long long)(c / 1000000));
    else
        snprintf(buf, n, "%lldk", (long long)(c / 1000));
}

static void print_table(struct list_ctx *l)
{
    char ctx[16], *tags;
    size_t i;

    printf("%-44s %-10s %-6s %-5s %s\n", "Model", "Input", "Ctx", "Auth",
           "Tags");
    for (i = 0; i < l->n; i++) {
        const struct row *r = &l->rows[i];
        ctx_size(r, ctx, sizeof(ctx));
        tags = strlist_join(&r->tags, ",");
        printf("%-44s %-10s %-6s %-5s %s%s\n", r->ref,
               !r->known             ? "-"
               : r->info.image_input ? "text+image"
                                     : "text",
               ctx, has_auth(l, r->ref) ? "yes" : "no", tags,
               r->known ? "" : (r->tags.n ? ",unknown" : "unknown"));
        free(tags);
    }
}

static void print_json(struct list_ctx *l)
{
    json_t *arr = json_array(), *o, *tags;
    size_t i, k;
    char *text;

    for (i = 0; i < l->n; i++) {
        const struct row *r = &l->rows[i];
        tags = json_array();
        for (k = 0; k < r->tags.n; k++)
            json_array_append_new(tags, json_string(r->tags.v[k]));
        o = json_pack("{s:s, s:b, s:b, s:o}", "key", r->ref, "known", r->known,
                      "available", has_auth(l, r->ref), "tags", tags);
        if (r->known) {
            json_object_set_new(o, "name", json_string(r->info.name));
            json_object_set_new(o, "contextWindow",
                                json_integer(r->info.context_window));
            json_object_set_new(o, "maxTokens",
                                json_integer(r->info.max_tokens));
        }
        json_array_append_new(arr, o);
    }
    o = json_pack("{s:I, s:o}", "count", (json_int_t)l->n, "models", arr);
    text = jsonx_dumps(o, 2);
    printf("%s\n", text ? text : "{}");
    free(text);
    json_decref(o);
}

static int run_list(struct cli_ctx *ctx)
{
    struct list_ctx l = {0};
    struct agent_ctx a;
    struct oc_err err;
    size_t i;
    int rc = cli_agent_open(ctx, &a);

    l.a = &a;
    l.provider = cli_opt(ctx, "provider");
    auth_store_init(&l.store);
    if (!rc && auth_store_load(&l.store, a.dir, cli_paths(ctx), &err))
        rc = cli_error("%s", oc_err_msg(&err));
    if (!rc) {
        collect(&l, cli_flag(ctx, "all"));
        if (cli_flag(ctx, "json"))
            print_json(&l);
        else if (cli_flag(ctx, "plain"))
            for (i = 0; i < l.n; i++)
                printf("%s\n", l.rows[i].ref);
        else
            print_table(&l);
    }
    for (i = 0; i < l.n; i++)
        strlist_release(&l.rows[i].tags);
    free(l.rows);
    auth_store_release(&l.store);
    cli_agent_close(&a);
    return rc;
}

static const struct cli_opt list_opts[] = {
    {"all", 0, NULL, "Show the whole model catalogue"},
    {"provider", 0, "<id>", "Only this provider"},
    {"json", 0, NULL, "Output JSON"},
    {"plain", 0, NULL, "One model ref per line"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_models_list = {
    .name = "list",
    .summary = "List models (configured by default, --all for the catalogue)",
    .opts = list_opts,
    .max_args = 0,
    .run = run_list,
};
