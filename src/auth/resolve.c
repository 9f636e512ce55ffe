/*
 * Credential selection for a provider (see resolve.h).
 * Tested in tests/unit/test_resolve.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/policy.h"
#include "auth/resolve.h"
#include "base/xalloc.h"
#include "config/env.h"
#include "json/jsonx.h"
#include "base/banned.h"

static json_t *auth_section(json_t *cfg, const char *name)
{
    return jsonx_get_obj(jsonx_get_obj(cfg, "auth"), name);
}

enum auth_fit auth_profile_fit(const struct auth_cred *c, json_t *cfg,
                               const char *provider, int64_t now)
{
    json_t *meta = jsonx_get_obj(auth_section(cfg, "profiles"), c->id);
    const char *mode = jsonx_get_str(meta, "mode");
    const char *mprov = jsonx_get_str(meta, "provider");

    if (!auth_provider_same(c->provider_norm, provider) ||
        (mprov && !auth_provider_same(mprov, provider)))
        return FIT_PROVIDER_MISMATCH;
    if (mode && auth_type_parse(mode) != c->type &&
        !(!strcmp(mode, "oauth") && c->type == AUTH_TOKEN))
        return FIT_MODE_MISMATCH;
    return auth_cred_eligibility(c, now) == ELIG_OK ? FIT_OK : FIT_INELIGIBLE;
}

static void ineligible_reason(const struct auth_cred *c, int64_t now,
                              struct buf *out)
{
    char env[128];
    const char *var;

    switch (auth_cred_eligibility(c, now)) {
    case ELIG_EXPIRED:
        buf_addf(out,
                 "it has expired; save a new one (openclaw models auth "
                 "paste-token --provider %s --profile-id %s)",
                 c->provider_norm, c->id);
        break;
    case ELIG_INVALID_EXPIRES:
        buf_addf(out,
                 "its \"expires\" is not a valid time; save it again "
                 "(openclaw models auth paste-token --provider %s "
                 "--profile-id %s)",
                 c->provider_norm, c->id);
        break;
    case ELIG_UNRESOLVED_REF:
        var = auth_cred_env_name(c, env, sizeof(env));
        if (var)
            buf_addf(out,
                     "it refers to the environment variable %s, which "
                     "is not set",
                     var);
        else
            buf_addf(out, "its secret reference cannot be resolved");
        break;
    default:
        buf_addf(out,
                 "it holds no secret; save it again (openclaw models "
                 "auth paste-api-key --provider %s --profile-id %s)",
                 c->provider_norm, c->id);
        break;
    }
}

bool auth_unfit_reason(const struct auth_cred *c, json_t *cfg,
                       const char *provider, int64_t now, struct buf *out)
{
    json_t *meta = jsonx_get_obj(auth_section(cfg, "profiles"), c->id);
    const char *mprov = jsonx_get_str(meta, "provider");

    switch (auth_profile_fit(c, cfg, provider, now)) {
    case FIT_OK:
        return false;
    case FIT_PROVIDER_MISMATCH:
        if (!mprov) {
            buf_addf(out, "it is for %s, not %s", c->provider_norm, provider);
            break;
        }
        buf_addf(out,
                 "auth.profiles[\"%s\"].provider in the config is "
                 "\"%s\" but the stored profile is for %s; fix the "
                 "config (openclaw config unset 'auth.profiles[\"%s\"]')",
                 c->id, mprov, c->provider_norm, c->id);
        break;
    case FIT_MODE_MISMATCH:
        buf_addf(out,
                 "auth.profiles[\"%s\"].mode in the config is \"%s\" "
                 "but the stored profile is %s; set it to match "
                 "(openclaw config set 'auth.profiles[\"%s\"].mode' %s)",
                 c->id, jsonx_get_str(meta, "mode"), auth_type_name(c->type),
                 c->id, auth_type_name(c->type));
        break;
    case FIT_INELIGIBLE:
        ineligible_reason(c, now, out);
        break;
    }
    return true;
}

static double positive(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);
    double d = json_is_number(v) ? json_number_value(v) : 0;

    return d > 0 ? d : dflt;
}

void auth_cooldown_cfg(json_t *cfg, const char *provider,
                       struct cooldown_cfg *out)
{
    json_t *c = auth_section(cfg, "cooldowns");
    json_t *by = jsonx_get_obj(c, "billingBackoffHoursByProvider");

    cooldown_cfg_defaults(out);
    out->billing_backoff_hours =
        positive(c, "billingBackoffHours", out->billing_backoff_hours);
    out->billing_backoff_hours =
        positive(by, provider, out->billing_backoff_hours);
    out->billing_max_hours =
        positive(c, "billingMaxHours", out->billing_max_hours);
    out->auth_permanent_minutes =
        positive(c, "authPermanentBackoffMinutes", out->auth_permanent_minutes);
    out->auth_permanent_max_min =
        positive(c, "authPermanentMaxMinutes", out->auth_permanent_max_min);
    out->failure_window_hours =
        positive(c, "failureWindowHours", out->failure_window_hours);
}

/* A string list from a JSON array under provider's key (normalised
 * match); NULL when there is no such key. */
static struct strlist *list_for(json_t *map, const char *provider)
{
    struct strlist *l;
    const char *key;
    json_t *arr, *v;
    size_t i;

    json_object_foreach (map, key, arr) {
        if (!auth_provider_same(key, provider) || !json_is_array(arr))
            continue;
        l = xcalloc(1, sizeof(*l));
        json_array_foreach (arr, i, v)
            if (json_is_string(v) && *json_string_value(v))
                strlist_push(l, json_string_value(v));
        return l;
    }
    return NULL;
}

static void configured_ids(json_t *cfg, const char *provider,
                           struct strlist *out)
{
    const char *id;
    json_t *meta;

    json_object_foreach (auth_section(cfg, "profiles"), id, meta)
        if (jsonx_get_str(meta, "provider") &&
            auth_provider_same(jsonx_get_str(meta, "provider"), provider))
            strlist_push(out, id);
}

struct cand_ctx {
    struct order_profile *profiles;
    struct usage_stats *stats;
};

static void build_profiles(const struct auth_store *s, json_t *cfg,
                           const char *provider, int64_t now,
                           struct cand_ctx *c)
{
    size_t i;

    c->profiles = xcalloc(s->ncreds + 1, sizeof(*c->profiles));
    c->stats = xcalloc(s->ncreds + 1, sizeof(*c->stats));
    for (i = 0; i < s->ncreds; i++) {
        const struct auth_cred *cr = &s->creds[i];
        auth_store_stats(s, cr->id, &c->stats[i]);
        policy_clear_expired(&c->stats[i], now);
        c->profiles[i] = (struct order_profile){
            cr->id, cr->provider_norm, auth_type_score(cr->type),
            auth_profile_fit(cr, cfg, provider, now) == FIT_OK, &c->stats[i]};
    }
}

void auth_candidates(const struct auth_store *s, const struct auth_query *q,
                     const char *preferred, struct strlist *out)
{
    json_t *cfg = q->cfg;
    const char *provider = q->provider, *model = q->model;
    int64_t now = q->now;
    struct strlist stored = STRLIST_INIT, ids = STRLIST_INIT;
    struct strlist *conf = list_for(auth_section(cfg, "order"), provider);
    struct order_input in = {0};
    struct cand_ctx c;
    char norm[AUTH_PROVIDER_MAX];

    auth_provider_normalize(provider, norm, sizeof(norm));
    build_profiles(s, cfg, norm, now, &c);
    configured_ids(cfg, norm, &ids);
    in = (struct order_input){norm, model, now,  c.profiles, (int)s->ncreds,
                              NULL, conf,  &ids, preferred};
    if (auth_store_order(s, norm, &stored) == 0)
        in.stored_order = &stored;
    policy_order(&in, out);
    strlist_release(&stored);
    strlist_release(&ids);
    if (conf)
        strlist_release(conf);
    free(conf);
    free(c.profiles);
    free(c.stats);
}

const char *auth_env_credential(const char *provider, const char **value)
{
    const char *const *keys = env_provider_keys(provider);
    const char *v;
    size_t i;

    for (i = 0; keys[i]; i++) {
        v = getenv(keys[i]);
        if (v && *v) {
            if (value)
                *value = v;
            return keys[i];
        }
    }
    return NULL;
}

const char *auth_config_key(json_t *cfg, const char *provider)
{
    json_t *p = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(cfg, "models"), "providers"), provider);
    const char *k = jsonx_get_str(p, "apiKey");

    return k && *k && !strstr(k, "${") ? k : NULL;
}

static bool in_cooldown(const struct auth_store *s, const char *id,
                        const char *provider, const char *model, int64_t now)
{
    struct usage_stats st;

    auth_store_stats(s, id, &st);
    policy_clear_expired(&st, now);
    return policy_in_cooldown(&st, provider, model, now);
}

static bool pick_profile(const struct auth_store *s, const struct auth_query *q,
                         const char *pinned, struct auth_pick *out)
{
    struct strlist ids = STRLIST_INIT;
    size_t i;

    if (pinned) {
        const struct auth_cred *c = auth_store_find(s, pinned);
        if (c && auth_profile_fit(c, q->cfg, q->provider, q->now) == FIT_OK)
            strlist_push(&ids, pinned);
    } else {
        auth_candidates(s, q, NULL, &ids);
    }
    for (i = 0; i < ids.n && !out->cred; i++)
        if (!in_cooldown(s, ids.v[i], q->provider, q->model, q->now))
            out->cred = auth_store_find(s, ids.v[i]);
    out->all_in_cooldown = ids.n && !out->cred;
    strlist_release(&ids);
    return out->cred != NULL;
}

enum auth_source auth_pick(const struct auth_store *s,
                           const struct auth_query *q, const char *pinned,
                           struct auth_pick *out)
{
    memset(out, 0, sizeof(*out));
    if (pick_profile(s, q, pinned, out))
        return out->source = AUTH_SRC_PROFILE;
    if (pinned || out->all_in_cooldown)
        return AUTH_SRC_NONE;
    out->env_name = auth_env_credential(q->provider, NULL);
    if (out->env_name)
        return out->source = AUTH_SRC_ENV;
    if (auth_config_key(q->cfg, q->provider))
        return out->source = AUTH_SRC_CONFIG;
    return AUTH_SRC_NONE;
}

void auth_missing_message(struct buf *out, const char *provider,
                          const char *store_path, const char *agent_dir)
{
    buf_addf(out,
             "No API key found for provider \"%s\". Auth store: %s "
             "(agentDir: %s). Configure auth for this agent (openclaw "
             "agents add <id>) or copy auth-profiles.json from the main "
             "agentDir.",
             provider, store_path, agent_dir);
}
