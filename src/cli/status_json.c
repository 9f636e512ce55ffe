/*
 * `models status --json` (reference openclaw-auth.md §6.1 and
 * openclaw-peer-observed.md §4.3): the same facts as the text layout,
 * with auth.unusableProfiles and auth.oauth.profiles/providers. Secrets
 * appear masked only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/models_cmds.h"
#include "config/env.h"
#include "json/jsonx.h"
#include "base/banned.h"

static json_t *strings(const struct strlist *l)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static json_t *masked(const char *v)
{
    char m[SECRET_MASK_MAX];

    secret_mask(v, strlen(v), m, sizeof(m));
    return json_string(m);
}

static json_t *effective_json(struct cli_ctx *ctx, struct agent_ctx *a,
                              const struct prov_status *p)
{
    static const char *const kinds[] = {"missing", "profiles", "env",
                                        "models.json"};
    char *store = cli_display_path(ctx, a->store_path);
    json_t *detail = p->effective == AUTH_SRC_PROFILE  ? json_string(store)
                     : p->effective == AUTH_SRC_ENV    ? masked(p->env_value)
                     : p->effective == AUTH_SRC_CONFIG ? masked(p->cfg_key)
                                                       : json_string("missing");

    free(store);
    return json_pack("{s:s, s:o}", "kind", kinds[p->effective], "detail",
                     detail);
}

static json_t *provider_json(struct cli_ctx *ctx, struct agent_ctx *a,
                             const struct prov_status *p)
{
    json_t *o = json_pack("{s:s}", "provider", p->provider);
    char src[96];

    json_object_set_new(o, "effective", effective_json(ctx, a, p));
    json_object_set_new(
        o, "profiles",
        json_pack("{s:I, s:I, s:I, s:I, s:o}", "count", (json_int_t)p->count,
                  "oauth", (json_int_t)p->n_oauth, "token",
                  (json_int_t)p->n_token, "apiKey", (json_int_t)p->n_api,
                  "labels", strings(&p->labels)));
    if (p->env_name) {
        snprintf(src, sizeof(src), "env: %s", p->env_name);
        json_object_set_new(o, "env",
                            json_pack("{s:o, s:s}", "value",
                                      masked(p->env_value), "source", src));
    }
    if (p->cfg_key)
        json_object_set_new(o, "modelsJson",
                            json_pack("{s:o, s:s}", "value", masked(p->cfg_key),
                                      "source", "config"));
    json_object_set_new(o, "inUse", json_boolean(p->in_use));
    return o;
}

static int by_remaining(const void *a, const void *b)
{
    json_int_t x =
        json_integer_value(json_object_get(*(json_t *const *)a, "remainingMs"));
    json_int_t y =
        json_integer_value(json_object_get(*(json_t *const *)b, "remainingMs"));

    return (x > y) - (x < y);
}

/* arr's objects ordered by remainingMs (stable for equal times). */
static json_t *sorted_by_remaining(json_t *arr)
{
    size_t n = json_array_size(arr), i;
    json_t **v = xcalloc(n + 1, sizeof(json_t *)), *out = json_array();

    for (i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    /* insertion sort: stable, and the list is short */
    for (i = 1; i < n; i++) {
        json_t *x = v[i];
        size_t j = i;
        while (j > 0 && by_remaining(&v[j - 1], &x) > 0) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
    for (i = 0; i < n; i++)
        json_array_append_new(out, v[i]);
    free(v);
    json_decref(arr);
    return out;
}

/* One entry per profile whose cooldown/disable is still running, soonest
 * back first. */
static json_t *unusable_json(const struct status_model *m)
{
    json_t *arr = json_array(), *o;
    struct usage_stats st;
    int64_t until;
    size_t i;

    for (i = 0; i < m->store.ncreds; i++) {
        const struct auth_cred *c = &m->store.creds[i];
        auth_store_stats(&m->store, c->id, &st);
        until = policy_unusable_until(&st);
        if (until <= m->now || policy_cooldown_bypassed(c->provider_norm))
            continue;
        o = json_pack("{s:s, s:s, s:s}", "profileId", c->id, "provider",
                      c->provider_norm, "kind",
                      st.disabled_until > m->now ? "disabled" : "cooldown");
        if (st.disabled_until > m->now && st.disabled_reason)
            json_object_set_new(
                o, "reason", json_string(auth_reason_name(st.disabled_reason)));
        else if (st.cooldown_reason)
            json_object_set_new(
                o, "reason", json_string(auth_reason_name(st.cooldown_reason)));
        if (st.cooldown_model[0] && !(st.disabled_until > m->now))
            json_object_set_new(o, "model", json_string(st.cooldown_model));
        json_object_set_new(o, "until", json_integer(until));
        json_object_set_new(o, "remainingMs", json_integer(until - m->now));
        json_array_append_new(arr, o);
    }
    return sorted_by_remaining(arr);
}

/* "<id> (<displayName>)", else "<id> (<email>)", else "<id>"; the
 * config's auth.profiles metadata first, then the stored profile. */
static json_t *label_of(const struct status_model *m, const struct auth_cred *c)
{
    json_t *meta = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(m->cfg, "auth"), "profiles"), c->id);
    const char *name = jsonx_get_str(meta, "displayName");

    if (!name || !*name)
        name = jsonx_get_str(meta, "email");
    if (!name || !*name)
        name = c->display_name;
    if (!name || !*name)
        name = c->email;
    if (!name || !*name)
        return json_string(c->id);
    return json_sprintf("%s (%s)", c->id, name);
}

static json_t *health_json(const struct status_model *m,
                           const struct auth_cred *c)
{
    struct profile_health h;
    json_t *o;

    health_of(c, m->now, &h);
    o = json_pack("{s:s, s:s, s:s, s:s}", "profileId", c->id, "provider",
                  c->provider_norm, "type", auth_type_name(c->type), "status",
                  health_status_name(h.status));
    if (h.reason != ELIG_OK)
        json_object_set_new(o, "reasonCode",
                            json_string(auth_elig_name(h.reason)));
    if (h.has_expiry && h.status != HEALTH_EXPIRED) {
        json_object_set_new(o, "expiresAt", json_integer(h.expires_at));
        json_object_set_new(o, "remainingMs", json_integer(h.remaining_ms));
    }
    json_object_set_new(o, "source", json_string("store"));
    json_object_set_new(o, "label", label_of(m, c));
    return o;
}

/* Provider status: expired/missing beats expiring beats ok; api keys
 * alone are static. */
static json_t *oauth_provider(const struct status_model *m,
                              const struct prov_status *p)
{
    static const char *const worst[] = {"static", "ok", "expiring", "expired",
                                        "expired"};
    struct profile_health h;
    int rank = p->count ? 0 : -1;
    json_t *ids = json_array();
    size_t i;

    for (i = 0; i < m->store.ncreds; i++) {
        const struct auth_cred *c = &m->store.creds[i];
        if (strcmp(c->provider_norm, p->provider) != 0)
            continue;
        json_array_append_new(ids, json_string(c->id));
        health_of(c, m->now, &h);
        if ((int)h.status > rank)
            rank = (int)h.status;
    }
    return json_pack("{s:s, s:s, s:o}", "provider", p->provider, "status",
                     rank < 0 ? "missing" : worst[rank], "profiles", ids);
}

static json_t *oauth_json(const struct status_model *m)
{
    json_t *profiles = json_array(), *provs = json_array();
    size_t i;

    for (i = 0; i < m->store.ncreds; i++)
        json_array_append_new(profiles, health_json(m, &m->store.creds[i]));
    for (i = 0; i < m->nprovs; i++)
        if (m->provs[i].count)
            json_array_append_new(provs, oauth_provider(m, &m->provs[i]));
    return json_pack("{s:I, s:o, s:o}", "warnAfterMs",
                     (json_int_t)HEALTH_WARN_MS, "profiles", profiles,
                     "providers", provs);
}

static json_t *auth_json(struct cli_ctx *ctx, struct agent_ctx *a,
                         const struct status_model *m)
{
    json_t *provs = json_array(), *missing = json_array(),
           *oauth_p = json_array();
    size_t i;

    for (i = 0; i < m->nprovs; i++) {
        const struct prov_status *p = &m->provs[i];
        json_array_append_new(provs, provider_json(ctx, a, p));
        if (p->in_use && p->effective == AUTH_SRC_NONE)
            json_array_append_new(missing, json_string(p->provider));
        if (p->n_oauth + p->n_token)
            json_array_append_new(
                oauth_p,
                json_sprintf("%s (%zu)", p->provider, p->n_oauth + p->n_token));
    }
    return json_pack("{s:s, s:{s:b, s:o}, s:o, s:o, s:o, s:o, s:o}",
                     "storePath", a->store_path, "shellEnvFallback", "enabled",
                     env_shell_enabled(a->cfg.root), "appliedKeys",
                     strings(env_shell_applied()), "providersWithOAuth",
                     oauth_p, "missingProvidersInUse", missing, "providers",
                     provs, "unusableProfiles", unusable_json(m), "oauth",
                     oauth_json(m));
}

void status_print_json(struct cli_ctx *ctx, struct agent_ctx *a,
                       const struct status_model *m)
{
    json_t *aliases = json_object(), *o;
    size_t i;
    char *text;

    for (i = 0; i < m->alias_names.n; i++)
        json_object_set_new(aliases, m->alias_names.v[i],
                            json_string(m->alias_targets.v[i]));
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:n, s:[], s:o, s:o}",
                  "configPath", a->cfg.path, "agentDir", a->dir, "agentId",
                  a->id, "defaultModel", m->default_raw, "resolvedDefault",
                  m->resolved, "fallbacks", strings(&m->fallbacks),
                  "imageModel", "imageFallbacks", "aliases", aliases, "allowed",
                  strings(&m->configured));
    json_object_set_new(o, "auth", auth_json(ctx, a, m));
    json_object_set_new(o, "check", json_integer(m->check));
    text = jsonx_dumps(o, 2);
    printf("%s\n", text ? text : "{}");
    free(text);
    json_decref(o);
}
