/*
 * Saving a credential the way every auth command does: into the agent's
 * auth-profiles.json under the store lock (any cooldown on that profile
 * cleared, since the credential is new), then the profile's metadata into
 * openclaw.json (auth.profiles, auth.order), then one report, masked.
 */
#ifndef OC_CLI_AUTH_SAVE_H
#define OC_CLI_AUTH_SAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/cred.h"
#include "cli/agent_ctx.h"

struct auth_save {
    const char *provider; /* normalised */
    const char *profile_id;
    enum auth_type type; /* AUTH_API_KEY or AUTH_TOKEN */
    const char *secret;  /* cleaned and checked */
    const char *ref_env; /* instead of secret: keyRef/tokenRef to this env
                            variable (its value is only used for display) */
    bool has_expires;
    int64_t expires; /* epoch ms */
};

/* Store, config metadata, report: the whole step. CLI_OK or CLI_FAIL. */
int cli_auth_save(struct cli_ctx *ctx, struct agent_ctx *a,
                  struct auth_save *s);

/* Only the store part (locked update); CLI_OK or CLI_FAIL after
 * reporting. The caller applies auth_meta_apply in its own config edit
 * and prints with cli_auth_print_saved. */
int cli_auth_store_put(struct cli_ctx *ctx, struct agent_ctx *a,
                       const struct auth_save *s);
void cli_auth_print_saved(struct cli_ctx *ctx, struct agent_ctx *a,
                          const struct auth_save *s);

/*
 * Clean raw as a secret of this type for provider and check it (see
 * auth/token.h). CLI_OK with *clean set (caller wipes and frees), or
 * CLI_FAIL after printing what is wrong.
 */
int cli_secret_prepare(const char *provider, enum auth_type type,
                       const char *raw, char **clean);

/* The secret from a no-echo prompt on a terminal, else all of stdin;
 * NULL after reporting that there was none. Caller wipes and frees. */
char *cli_read_secret(const char *question, const char *what);

#endif
