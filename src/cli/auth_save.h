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
    bool has_expires;
    int64_t expires; /* epoch ms */
};

int cli_auth_save(struct cli_ctx *ctx, struct agent_ctx *a,
                  struct auth_save *s);

/* The secret from a no-echo prompt on a terminal, else all of stdin;
 * NULL after reporting that there was none. Caller wipes and frees. */
char *cli_read_secret(const char *question, const char *what);

#endif
