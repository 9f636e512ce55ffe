/*
 * Computing what `models status` shows (see status_model.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "cli/status_model.h"
#include "config/env.h"
#include "json/jsonx.h"
#include "provider/modelref.h"
#include "base/str.h"
#include "base/banned.h"

static void add_provider(struct strlist *l, const char *p)
{
    char norm[AUTH_PROVIDER_MAX];

    auth_provider_normalize(p, norm, sizeof(norm));
    if (*norm && !strlist_has(l, norm))
        strlist_push(l, norm);
}

static void add_ref_provider(struct strlist *l, json_t *root, const char *ref)
{
    struct model_ref r;

    if (ref && modelref_resolve(root, ref, &r, NULL, NULL) == 0)
        add_provider(l, r.provider);
}

/* Providers worth listing: stored profiles, configured providers, the
 * models in use, and any provider with an env credential. */
static void collect_providers(struct status_model *m, json_t *root,
                              struct strlist *all, struct strlist *in_use)
{
    static const char *const known[] = {"anthropic", "openrouter", "openai",
                                        "google", NULL};
    json_t *provs = jsonx_get_obj(jsonx_get_obj(root, "models"), "providers");
    const char *key;
    json_t *v;
    size_t i;

    add_ref_provider(in_use, root, m->resolved);
    for (i = 0; i < m->fallbacks.n; i++)
        add_ref_provider(in_use, root, m->fallbacks.v[i]);
    for (i = 0; i < in_use->n; i++)
        add_provider(all, in_use->v[i]);
    for (i = 0; i < m->store.ncreds; i++)
        add_provider(all, m->store.creds[i].provider_norm);
    json_object_foreach (provs, key, v)
        add_provider(all, key);
    for (i = 0; known[i]; i++)
        if (auth_env_credential(known[i], NULL))
            add_provider(all, known[i]);
    strlist_sort(all);
}

static void count_profiles(struct status_model *m, struct prov_status *p)
{
    struct usage_stats st;
    struct buf label;
    size_t i;

    buf_init(&label, 0);
    for (i = 0; i < m->store.ncreds; i++) {
        const struct auth_cred *c = &m->store.creds[i];
        if (strcmp(c->provider_norm, p->provider) != 0)
            continue;
        p->count++;
        p->n_oauth += c->type == AUTH_OAUTH;
        p->n_token += c->type == AUTH_TOKEN;
        p->n_api += c->type == AUTH_API_KEY;
        auth_store_stats(&m->store, c->id, &st);
        buf_reset(&label);
        health_label(c, &st, m->now, &label);
        strlist_push(&p->labels, label.p);
    }
    buf_release(&label);
}

static void fill_provider(struct status_model *m, json_t *root,
                          struct prov_status *p)
{
    struct strlist cands = STRLIST_INIT;
    struct auth_query q = {root, p->provider, NULL, m->now};

    count_profiles(m, p);
    auth_candidates(&m->store, &q, NULL, &cands);
    if (cands.n)
        p->selected = auth_store_find(&m->store, cands.v[0]);
    strlist_release(&cands);
    p->env_name = auth_env_credential(p->provider, &p->env_value);
    p->cfg_key = auth_config_key(root, p->provider);
    p->effective = p->selected   ? AUTH_SRC_PROFILE
                   : p->env_name ? AUTH_SRC_ENV
                   : p->cfg_key  ? AUTH_SRC_CONFIG
                                 : AUTH_SRC_NONE;
}

int status_provider_check(const struct status_model *m,
                          const struct prov_status *p)
{
    struct profile_health h;

    if (p->effective == AUTH_SRC_NONE)
        return 1;
    if (p->effective != AUTH_SRC_PROFILE)
        return 0;
    health_of(p->selected, m->now, &h);
    return health_check_code(h.status);
}

static void fill_models(struct status_model *m, struct agent_ctx *a)
{
    json_t *models = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(a->cfg.root, "agents"), "defaults"),
        "models");
    struct model_ref r;
    const char *key;
    json_t *v;

    m->default_raw = modelref_default(a->cfg.root, a->id);
    if (modelref_resolve(a->cfg.root, m->default_raw, &r, &m->alias, NULL))
        str_copy(m->resolved, sizeof(m->resolved), m->default_raw);
    else
        modelref_format(&r, m->resolved, sizeof(m->resolved));
    modelref_fallbacks(a->cfg.root, a->id, &m->fallbacks);
    modelref_aliases(a->cfg.root, &m->alias_names, &m->alias_targets);
    json_object_foreach (models, key, v)
        strlist_push(&m->configured, key);
}

static void fill_providers(struct status_model *m, struct agent_ctx *a)
{
    struct strlist all = STRLIST_INIT, in_use = STRLIST_INIT;
    size_t i;
    int code;

    collect_providers(m, a->cfg.root, &all, &in_use);
    m->provs = xcalloc(all.n + 1, sizeof(*m->provs));
    m->nprovs = all.n;
    for (i = 0; i < all.n; i++) {
        struct prov_status *p = &m->provs[i];
        str_copy(p->provider, sizeof(p->provider), all.v[i]);
        p->in_use = strlist_has(&in_use, all.v[i]);
        fill_provider(m, a->cfg.root, p);
        code = p->in_use ? status_provider_check(m, p) : 0;
        if (code == 1 || (code == 2 && m->check == 0))
            m->check = code;
    }
    strlist_release(&all);
    strlist_release(&in_use);
}

int status_load(struct cli_ctx *ctx, struct agent_ctx *a,
                struct status_model *m, bool peek, struct oc_err *err)
{
    struct oc_err shell;
    bool shell_failed;
    int rc;

    memset(m, 0, sizeof(*m));
    m->now = clock_wall_ms();
    m->cfg = a->cfg.root;
    auth_store_init(&m->store);
    shell_failed = env_shell_import(a->cfg.root, &shell) != 0;
    rc = peek ? auth_store_peek(&m->store, a->dir, cli_paths(ctx), err)
              : auth_store_load(&m->store, a->dir, cli_paths(ctx), err);
    if (rc)
        return rc;
    if (shell_failed)
        strlist_pushf(&m->store.warnings, "shell env fallback failed: %s",
                      oc_err_msg(&shell));
    fill_models(m, a);
    fill_providers(m, a);
    return 0;
}

int status_build(struct cli_ctx *ctx, struct agent_ctx *a,
                 struct status_model *m)
{
    struct oc_err err;
    size_t i;

    if (status_load(ctx, a, m, false, &err))
        return cli_error("%s", oc_err_msg(&err));
    for (i = 0; i < m->store.warnings.n; i++)
        cli_warn("%s", m->store.warnings.v[i]);
    return CLI_OK;
}

void status_release(struct status_model *m)
{
    size_t i;

    for (i = 0; i < m->nprovs; i++)
        strlist_release(&m->provs[i].labels);
    free(m->provs);
    strlist_release(&m->fallbacks);
    strlist_release(&m->alias_names);
    strlist_release(&m->alias_targets);
    strlist_release(&m->configured);
    auth_store_release(&m->store);
    memset(m, 0, sizeof(*m));
}
