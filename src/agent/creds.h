/*
 * The credentials a turn tries for one provider and model (reference
 * openclaw-auth.md §3.8, §5.2): a session's user-pinned profile alone;
 * else the agent's profiles in order, those in cooldown for this model
 * skipped; else, when the agent has no profiles for the provider, the
 * environment (ANTHROPIC_OAUTH_TOKEN, ANTHROPIC_API_KEY, OPENROUTER_API_KEY,
 * ...) and then models.providers.<p>.apiKey. And what happens after a
 * call: success and failures recorded in the agent's store under its
 * lock (cooldowns, disables, lastUsed, lastGood).
 */
#ifndef OC_AGENT_CREDS_H
#define OC_AGENT_CREDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/policy.h"
#include "auth/resolve.h"
#include "auth/store.h"
#include "auth/store_cache.h"
#include "base/err.h"
#include "base/secret.h"

enum cand_kind { CAND_PROFILE, CAND_ENV, CAND_CONFIG };

struct cred_cand {
    enum cand_kind kind;
    char name[160]; /* profile id, env variable, or "models.providers.<p>" */
};

struct cred_plan {
    struct cred_cand *v;
    size_t n;
    bool had_profiles;    /* the agent has profiles for the provider */
    bool all_in_cooldown; /* ... and every one is cooling down */
    enum auth_reason cooldown_reason; /* why, when all are */
    int64_t soonest_ms; /* when the first one comes back (epoch ms) */
};

/*
 * Plan the candidates for q's provider and model. pinned (may be NULL) is
 * a user-pinned profile id; it is the only candidate when it belongs to
 * the provider.
 */
void creds_plan(const struct auth_store *s, const struct auth_query *q,
                const char *pinned, struct cred_plan *out);
void creds_plan_release(struct cred_plan *p);

/* The resolved credential of one candidate. */
struct cred_value {
    struct secret secret;
    bool bearer;        /* OAuth/setup-token: Authorization: Bearer */
    bool oauth;         /* an oauth profile (refreshable) */
    bool expired;       /* oauth access token past its expiry */
    char refresh[2048]; /* oauth refresh token ("" if none); wiped */
};

/*
 * Resolve cand against the (freshly loaded) store: the secret to send.
 * OC_ENOENT with err ("No credentials found for profile "<id>".", or the
 * unset variable) when there is none.
 */
int creds_resolve(const struct auth_store *s, json_t *cfg,
                  const struct cred_cand *cand, struct cred_value *out,
                  struct oc_err *err);
void creds_value_release(struct cred_value *v);

/* Whose store the bookkeeping writes to. */
struct creds_owner {
    const char *agent_dir;
    const struct oc_paths *paths;
    json_t *cfg;                /* for auth.cooldowns */
    struct store_cache *stores; /* where seen stores come from, or NULL */
};

/* After a successful call with profile id: errors cleared, lastUsed,
 * lastGood[provider]. Locked; errors are only logged. seen (or NULL): the
 * store the call was planned on (from store_cache_get on o->stores); when
 * the files are unchanged since (store_cache_current) and the success
 * changes nothing in it, no lock is taken (a busy gateway). */
void creds_mark_success(const struct creds_owner *o,
                        const struct auth_store *seen, const char *provider,
                        const char *id);

/* After a failed call (reason from classify_failure; never timeouts):
 * cooldown or disable per policy, model-scoped for rate limits. q names
 * the provider and model. */
void creds_mark_failure(const struct creds_owner *o, const struct auth_query *q,
                        const char *id, enum auth_reason reason);

/* A refreshed OAuth credential. */
struct oauth_update {
    const char *id, *access, *refresh;
    int64_t expires;
};

/* Store a refreshed OAuth credential (locked). */
int creds_save_oauth(const struct creds_owner *o, const struct oauth_update *u,
                     struct oc_err *err);

#endif
