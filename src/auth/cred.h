/*
 * One stored credential, read from its JSON object in auth-profiles.json
 * with OpenClaw's normalisations (reference openclaw-auth.md §2.2-§2.3):
 * "mode" stands in for a missing "type", "apiKey" for a missing "key", a
 * SecretRef object found in "key"/"token" counts as keyRef/tokenRef, and
 * an inline "${ENV_NAME}" value is an env reference. The JSON itself is
 * never rewritten here, so unknown fields survive.
 *
 * Eligibility: api_key needs a key or keyRef; token needs a token or
 * tokenRef and an absent or positive "expires" (now >= expires is
 * expired); oauth needs an access or refresh token. References are
 * checked against the environment: unset is "unresolved_ref".
 */
#ifndef OC_AUTH_CRED_H
#define OC_AUTH_CRED_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/secret.h"

enum auth_type { AUTH_TYPE_NONE = 0, AUTH_API_KEY, AUTH_TOKEN, AUTH_OAUTH };

enum auth_elig {
    ELIG_OK = 0,
    ELIG_MISSING_CREDENTIAL,
    ELIG_INVALID_EXPIRES,
    ELIG_EXPIRED,
    ELIG_UNRESOLVED_REF
};

#define AUTH_PROVIDER_MAX 64
/* The largest JavaScript Date (ms): expiry times are clamped to it. */
#define AUTH_EXPIRES_MAX 8.64e15

struct auth_cred {
    const char *id; /* borrowed: the profile id (map key) */
    enum auth_type type;
    const char *provider; /* as stored */
    char provider_norm[AUTH_PROVIDER_MAX];
    const char *secret;  /* inline key/token/access, may be "${VAR}" */
    json_t *ref;         /* SecretRef object, or NULL */
    const char *refresh; /* oauth refresh token */
    bool has_expires;    /* "expires" present */
    bool expires_valid;  /* a finite number > 0 */
    int64_t expires;     /* epoch ms */
    const char *email;
    const char *display_name;
    json_t *json; /* the profile object (borrowed) */
};

/* "api_key", "token", "oauth" (or "none"). */
const char *auth_type_name(enum auth_type t);
enum auth_type auth_type_parse(const char *name);
/* Lower score sorts first: oauth 0, token 1, api_key 2, else 3. */
int auth_type_score(enum auth_type t);
/* "ok", "missing_credential", "invalid_expires", "expired",
 * "unresolved_ref". */
const char *auth_elig_name(enum auth_elig e);

/*
 * OpenClaw's provider id normalisation: lower-case plus aliases
 * (z.ai/z-ai -> zai, kimi-code/kimi-coding -> kimi, bedrock/aws-bedrock ->
 * amazon-bedrock, ...). out holds at least AUTH_PROVIDER_MAX bytes.
 */
void auth_provider_normalize(const char *in, char *out, size_t outsz);
/* Do a and b name the same provider once normalised? */
bool auth_provider_same(const char *a, const char *b);

/*
 * Read the profile id's object v into out (borrowing from v). Returns 0,
 * or OC_EINVAL with *why set to "not an object", "invalid type" or
 * "missing provider" (the entry is then skipped, never deleted).
 */
int auth_cred_parse(const char *id, json_t *v, struct auth_cred *out,
                    const char **why);

enum auth_elig auth_cred_eligibility(const struct auth_cred *c, int64_t now);

/* The env variable an inline "${NAME}" value or an env SecretRef names,
 * or NULL. */
const char *auth_cred_env_name(const struct auth_cred *c, char *buf,
                               size_t bufsz);

/*
 * The secret to send: the inline value, else the reference resolved from
 * the environment; cleaned as OpenClaw cleans secrets (line breaks and
 * U+2028/2029 removed anywhere, characters above U+00FF dropped,
 * trimmed). 0, or OC_ENOENT with err saying what is missing.
 */
int auth_cred_resolve(const struct auth_cred *c, struct secret *out,
                      struct oc_err *err);

/* normalizeSecretInput on arbitrary text; caller frees. */
char *auth_clean_secret(const char *in, size_t n);

#endif
