/*
 * Credential candidates and their bookkeeping (see creds.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/creds.h"
#include "auth/resolve.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/anthropic.h"
#include "base/str.h"
#include "base/banned.h"

static void add(struct cred_plan *p, enum cand_kind kind, const char *name)
{
    p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
    p->v[p->n].kind = kind;
    str_copy(p->v[p->n].name, sizeof(p->v[p->n].name), name);
    p->n++;
}

/* Skip profiles cooling down for this model; remember why and until
 * when, in case every one is. */
static void add_profiles(const struct auth_store *s, const struct auth_query *q,
                         const struct strlist *ids, struct cred_plan *out)
{
    const char *provider = q->provider, *model = q->model;
    int64_t now = q->now;
    const struct usage_stats *cooling[64];
    struct usage_stats st[64];
    int64_t until;
    size_t i;
    int nc = 0;

    for (i = 0; i < ids->n; i++) {
        struct usage_stats one;
        auth_store_stats(s, ids->v[i], &one);
        policy_clear_expired(&one, now);
        if (!policy_in_cooldown(&one, provider, model, now)) {
            add(out, CAND_PROFILE, ids->v[i]);
            continue;
        }
        until = policy_unusable_until(&one);
        if (!out->soonest_ms || until < out->soonest_ms)
            out->soonest_ms = until;
        if (nc < 64) {
            st[nc] = one;
            cooling[nc] = &st[nc];
            nc++;
        }
    }
    out->had_profiles = ids->n > 0;
    out->all_in_cooldown = ids->n > 0 && out->n == 0;
    if (out->all_in_cooldown)
        out->cooldown_reason = policy_unavailable_reason(cooling, nc, now);
}

void creds_plan(const struct auth_store *s, const struct auth_query *q,
                const char *pinned, struct cred_plan *out)
{
    struct strlist ids = STRLIST_INIT;
    const struct auth_cred *c = pinned ? auth_store_find(s, pinned) : NULL;
    const char *env;

    memset(out, 0, sizeof(*out));
    if (c && !strcmp(c->provider_norm, q->provider)) {
        /* a user pin is the only candidate, cooling down or not */
        add(out, CAND_PROFILE, pinned);
        out->had_profiles = true;
        return;
    }
    auth_candidates(s, q, NULL, &ids);
    add_profiles(s, q, &ids, out);
    strlist_release(&ids);
    if (out->had_profiles)
        return;
    env = auth_env_credential(q->provider, NULL);
    if (env)
        add(out, CAND_ENV, env);
    if (auth_config_key(q->cfg, q->provider))
        add(out, CAND_CONFIG, q->provider);
}

void creds_plan_release(struct cred_plan *p)
{
    free(p->v);
    memset(p, 0, sizeof(*p));
}

/* ---- resolving ---------------------------------------------------------- */

static void set_secret(struct cred_value *out, const char *v)
{
    char *clean = auth_clean_secret(v, strlen(v));

    secret_set(&out->secret, clean, strlen(clean));
    secret_wipe(clean, strlen(clean));
    free(clean);
}

static int resolve_profile(const struct auth_store *s, const char *id,
                           struct cred_value *out, struct oc_err *err)
{
    const struct auth_cred *c = auth_store_find(s, id);
    const char *refresh;

    if (!c)
        return oc_err_set(err, OC_ENOENT,
                          "No credentials found for profile \"%s\".", id);
    if (auth_cred_resolve(c, &out->secret, err))
        return OC_ENOENT;
    out->oauth = c->type == AUTH_OAUTH;
    out->bearer = c->type != AUTH_API_KEY ||
                  anthropic_is_oauth_token(secret_value(&out->secret));
    out->expired = out->oauth && c->has_expires && c->expires_valid &&
                   c->expires <= clock_wall_ms();
    refresh = c->refresh;
    if (refresh)
        str_copy(out->refresh, sizeof(out->refresh), refresh);
    return 0;
}

int creds_resolve(const struct auth_store *s, json_t *cfg,
                  const struct cred_cand *cand, struct cred_value *out,
                  struct oc_err *err)
{
    const char *v = NULL;

    memset(out, 0, sizeof(*out));
    secret_init(&out->secret);
    if (cand->kind == CAND_PROFILE)
        return resolve_profile(s, cand->name, out, err);
    if (cand->kind == CAND_ENV)
        v = getenv(cand->name);
    else
        v = auth_config_key(cfg, cand->name);
    if (!v || !*v)
        return oc_err_set(err, OC_ENOENT, "%s is not set", cand->name);
    set_secret(out, v);
    out->bearer = anthropic_is_oauth_token(v) ||
                  (cand->kind == CAND_ENV &&
                   !strcmp(cand->name, "ANTHROPIC_OAUTH_TOKEN"));
    return 0;
}

void creds_value_release(struct cred_value *v)
{
    secret_release(&v->secret);
    secret_wipe(v->refresh, sizeof(v->refresh));
}

/* ---- bookkeeping -----------------------------------------------------------
 */

struct mark {
    const char *provider, *id, *model;
    enum auth_reason reason; /* REASON_NONE: success */
    struct cooldown_cfg cfg;
};

/* A success that would only move lastUsed forward by less than this is
 * not written: a busy gateway would otherwise rewrite (and fsync) the
 * store on every request. lastUsed only orders profiles round-robin, so a
 * minute of slack changes nothing a user can see. */
#define LAST_USED_SLACK_MS 60000

static bool success_is_news(const struct auth_store *s, const struct mark *m,
                            const struct usage_stats *st, int64_t now)
{
    const char *good = auth_store_last_good(s, m->provider);
    int i;

    if (!good || strcmp(good, m->id) != 0 || st->error_count ||
        st->cooldown_until || st->disabled_until || st->last_failure_at ||
        now - st->last_used >= LAST_USED_SLACK_MS || now < st->last_used)
        return true;
    for (i = 0; i < REASON_COUNT; i++)
        if (st->failure_counts[i])
            return true;
    return false;
}

static int mark_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    struct mark *m = arg;
    struct usage_stats st;
    int64_t now = clock_wall_ms();

    (void)err;
    if (!auth_store_has(s, m->id))
        return 0; /* removed meanwhile: nothing to record */
    auth_store_stats(s, m->id, &st);
    if (m->reason == REASON_NONE && !success_is_news(s, m, &st, now))
        return 0;
    if (m->reason == REASON_NONE) {
        policy_mark_success(&st, now);
        auth_store_set_last_good(s, m->provider, m->id);
    } else {
        policy_clear_expired(&st, now);
        policy_mark_failure(&st, m->reason, m->model, &m->cfg, now);
    }
    auth_store_set_stats(s, m->id, &st);
    return 1;
}

void creds_mark_success(const struct creds_owner *o,
                        const struct auth_store *seen, const char *provider,
                        const char *id)
{
    struct mark m = {.provider = provider, .id = id, .reason = REASON_NONE};
    struct usage_stats st;
    struct oc_err err;

    if (seen && auth_store_has(seen, id) &&
        store_cache_current(o->stores, seen)) {
        auth_store_stats(seen, id, &st);
        if (!success_is_news(seen, &m, &st, clock_wall_ms()))
            return;
    }
    if (auth_store_update(o->agent_dir, o->paths, mark_fn, &m, &err) < 0)
        log_warn("could not record the success of %s: %s", id,
                 oc_err_msg(&err));
}

void creds_mark_failure(const struct creds_owner *o, const struct auth_query *q,
                        const char *id, enum auth_reason reason)
{
    struct mark m = {
        .provider = q->provider, .id = id, .model = q->model, .reason = reason};
    struct oc_err err;

    if (reason == REASON_NONE || reason == REASON_TIMEOUT ||
        policy_cooldown_bypassed(q->provider))
        return;
    auth_cooldown_cfg(o->cfg, q->provider, &m.cfg);
    if (auth_store_update(o->agent_dir, o->paths, mark_fn, &m, &err) < 0)
        log_warn("could not record the failure of %s: %s", id,
                 oc_err_msg(&err));
}

/* ---- refreshed OAuth
 * ---------------------------------------------------------- */

static int save_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    const struct oauth_update *o = arg;
    const struct auth_cred *c = auth_store_find(s, o->id);
    json_t *p;

    if (!c)
        return oc_err_set(err, OC_ENOENT, "profile %s is gone", o->id);
    p = json_deep_copy(c->json);
    json_object_set_new(p, "access", json_string(o->access));
    if (o->refresh && *o->refresh)
        json_object_set_new(p, "refresh", json_string(o->refresh));
    json_object_set_new(p, "expires", json_integer(o->expires));
    auth_store_put(s, o->id, p);
    return 1;
}

int creds_save_oauth(const struct creds_owner *o, const struct oauth_update *u,
                     struct oc_err *err)
{
    struct oauth_update copy = *u;
    int rc = auth_store_update(o->agent_dir, o->paths, save_fn, &copy, err);

    return rc < 0 ? rc : 0;
}
