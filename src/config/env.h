/*
 * Environment layering, highest first, never overriding a value already
 * present (SPEC "Env precedence"):
 *   1. the process environment;
 *   2. ./.env in the working directory, minus provider credentials,
 *      OPENCLAW_* keys, proxy/TLS/base-URL settings and dangerous host
 *      variables (a cloned repo must not inject keys);
 *   3. <state>/.env (trusted);
 *   4. the config's env block: flat string keys and env.vars (values that
 *      contain "${" and dangerous keys are skipped);
 *   5. the login-shell import (env.shellEnv.enabled or
 *      OPENCLAW_LOAD_SHELL_ENV), only for missing expected keys.
 * Each key set here remembers its layer and file, so doctor and models
 * status can say where a credential came from; keys a layer refused are
 * remembered too, with the reason.
 */
#ifndef OC_CONFIG_ENV_H
#define OC_CONFIG_ENV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strlist.h"
#include "config/paths.h"

enum env_src {
    ENV_SRC_UNSET = 0,
    ENV_SRC_PROCESS,
    ENV_SRC_CWD_DOTENV,
    ENV_SRC_STATE_DOTENV,
    ENV_SRC_CONFIG,
    ENV_SRC_SHELL
};

/* A key that a layer did not apply. */
struct env_refusal {
    char *key;
    char *file; /* where it was found */
    int line;   /* 0 if not from a file */
    const char *reason;
};

/* "process env", "./.env", "state .env", "config env", "login shell". */
const char *env_src_name(enum env_src src);

/* Layers 2 and 3; a missing file is not an error. 0 or OC_EIO. */
int env_load_cwd_dotenv(struct oc_err *err);
int env_load_state_dotenv(const struct oc_paths *p, struct oc_err *err);
/* Layer 4 from a parsed config root (may be NULL). Returns keys applied. */
int env_apply_config(json_t *root, const char *config_path);
/*
 * Layer 5, when enabled by the config root or OPENCLAW_LOAD_SHELL_ENV.
 * Runs $SHELL (absolute and listed in /etc/shells, else /bin/sh) as
 * "-l -c 'env -0'" with a timeout (env.shellEnv.timeoutMs, else
 * OPENCLAW_SHELL_ENV_TIMEOUT_MS, else 15000 ms). Skipped when any expected
 * key is already set. 0, or OC_ETIMEDOUT/OC_EIO with err filled (callers
 * warn and carry on).
 */
int env_shell_import(const json_t *root, struct oc_err *err);
bool env_shell_enabled(const json_t *root);

/* Where the current value of key came from (ENV_SRC_UNSET if unset). */
enum env_src env_origin(const char *key, const char **file);
/* Keys the shell import applied. */
const struct strlist *env_shell_applied(void);
/* Keys refused by a layer, in the order met. */
size_t env_refusal_count(void);
const struct env_refusal *env_refusal_at(size_t i);

/* Env vars that carry a provider's credential, in lookup order
 * (NULL-terminated; an empty list for unknown providers). */
const char *const *env_provider_keys(const char *provider);
/* Is key one of the provider credential variables above? */
bool env_is_provider_key(const char *key);
/* Is key a provider credential (known list or *_API_KEY(S), *_TOKEN...)? */
bool env_is_credential_key(const char *key);
/* Is key never taken from a workspace .env or the config env block? */
bool env_is_dangerous_key(const char *key);

/* Forget all recorded origins and refusals (tests). */
void env_reset(void);

#endif
