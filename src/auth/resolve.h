/*
 * Which credential a request for provider/model would use, for one agent
 * (reference openclaw-auth.md §3.2-§3.3, §5.2): auth profiles in their
 * order (stored per-agent order > auth.order > auth.profiles > the store),
 * skipping profiles in cooldown, then the environment (ANTHROPIC_OAUTH_TOKEN
 * then ANTHROPIC_API_KEY, OPENROUTER_API_KEY, ...), then
 * models.providers.<p>.apiKey. Also the messages for when nothing is left.
 * models status, doctor and the runtime all use this one implementation.
 */
#ifndef OC_AUTH_RESOLVE_H
#define OC_AUTH_RESOLVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/cred.h"
#include "auth/store.h"
#include "base/buf.h"
#include "base/strlist.h"

/* Why a stored profile is not a candidate for a provider. */
enum auth_fit {
    FIT_OK = 0,
    FIT_PROVIDER_MISMATCH, /* the credential or config names another one */
    FIT_MODE_MISMATCH,     /* config mode differs from the stored type */
    FIT_INELIGIBLE         /* see the credential's eligibility */
};

/*
 * Does profile c fit provider under the config's auth.profiles metadata
 * (which must name the same provider and, when it gives a mode, the same
 * type; config "oauth" also accepts a stored "token")?
 */
enum auth_fit auth_profile_fit(const struct auth_cred *c, json_t *cfg,
                               const char *provider, int64_t now);

/*
 * Why profile c is not used for provider, and what to do, as one
 * sentence appended to out (e.g. 'auth.profiles["anthropic:default"].mode
 * in the config is "token" but the stored profile is an api_key; ...').
 * Returns false (out untouched) when it fits.
 */
bool auth_unfit_reason(const struct auth_cred *c, json_t *cfg,
                       const char *provider, int64_t now, struct buf *out);

/* auth.cooldowns from the config, with defaults (and the per-provider
 * billing override for provider). */
void auth_cooldown_cfg(json_t *cfg, const char *provider,
                       struct cooldown_cfg *out);

/* A request being resolved: the config root, the provider, the model
 * (may be NULL) and the time. */
struct auth_query {
    json_t *cfg;
    const char *provider;
    const char *model;
    int64_t now;
};

/*
 * Profile ids to try for q's provider (normalised) and model, in order,
 * per policy_order; preferred (may be NULL) goes first. Profiles in
 * cooldown are included, last.
 */
void auth_candidates(const struct auth_store *s, const struct auth_query *q,
                     const char *preferred, struct strlist *out);

/* The first environment variable holding provider's credential: its name
 * (borrowed) and value, or NULL. */
const char *auth_env_credential(const char *provider, const char **value);

/* models.providers.<p>.apiKey when it is a usable literal (not an
 * unresolved ${VAR}), else NULL. */
const char *auth_config_key(json_t *cfg, const char *provider);

enum auth_source {
    AUTH_SRC_NONE = 0,
    AUTH_SRC_PROFILE,
    AUTH_SRC_ENV,
    AUTH_SRC_CONFIG
};

struct auth_pick {
    enum auth_source source;
    const struct auth_cred *cred; /* AUTH_SRC_PROFILE */
    const char *env_name;         /* AUTH_SRC_ENV */
    bool all_in_cooldown;         /* profiles exist but all are cooling */
};

/*
 * What a request would use now: the first candidate profile not in
 * cooldown, else the env, else the config key. A pinned profile (NULL for
 * none) is the only profile considered. Returns the source chosen.
 */
enum auth_source auth_pick(const struct auth_store *s,
                           const struct auth_query *q, const char *pinned,
                           struct auth_pick *out);

/*
 * The message for a provider with no credential at all (SPEC wording):
 * "No API key found for provider "<p>". Auth store: <path> (agentDir:
 * <dir>). Configure auth for this agent (openclaw agents add <id>) or copy
 * auth-profiles.json from the main agentDir."
 */
void auth_missing_message(struct buf *out, const char *provider,
                          const char *store_path, const char *agent_dir);

#endif
