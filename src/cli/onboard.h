/*
 * `openclaw onboard`: what the setup decided, filled either from flags
 * (--non-interactive) or by the wizard (onboard_wizard.c), then written
 * in one go by cmd_onboard.c: the credential into the default agent's
 * store, and model, workspace, gateway and auth metadata into the config
 * (modified, never clobbered, unless the user chose Reset).
 */
#ifndef OC_CLI_ONBOARD_H
#define OC_CLI_ONBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/cred.h"
#include "cli/cmd.h"
#include "config/config.h"

enum ob_auth {
    OB_UNSET = -1,
    OB_API_KEY = 0, /* Anthropic API key */
    OB_TOKEN,       /* a pasted token (setup-token for Anthropic) */
    OB_SETUP_TOKEN, /* run `claude setup-token` */
    OB_OPENROUTER,  /* OpenRouter API key */
    OB_SKIP
};

struct onboard {
    struct cli_ctx *ctx;
    struct config cfg; /* as it was before onboarding */
    bool interactive;
    bool reset; /* start the config from scratch (credentials kept) */
    bool keep;  /* keep existing model and gateway settings */
    bool manual_gateway;

    enum ob_auth auth;
    char provider[AUTH_PROVIDER_MAX];
    char *profile_id;
    enum auth_type type;
    char *secret;        /* cleaned and checked; wiped on release */
    const char *ref_env; /* --secret-input-mode ref: keyRef to this var */
    bool has_expires;
    int64_t expires;

    char *model; /* the default model to set, or NULL to keep */
    char *workspace;
    int port;       /* 0: keep (or 18789) */
    char *bind;     /* NULL: keep (or loopback) */
    char *gw_auth;  /* "token" | "password"; NULL: keep (or token) */
    char *gw_token; /* secrets, wiped on release */
    char *gw_password;
};

void onboard_release(struct onboard *o);

/* Keep a cleaned, checked secret for o's provider/type from raw (which
 * the caller still owns). CLI_OK, or CLI_FAIL after saying what is
 * wrong. */
int onboard_take_secret(struct onboard *o, const char *raw);

/* Was a credential flag (or --auth-choice) given? */
bool onboard_has_cred_flag(const struct cli_ctx *ctx);

/* Fill the credential from the flags (o->auth already chosen or
 * inferred); CLI_OK or CLI_FAIL after saying what is missing. */
int onboard_cred_from_flags(struct onboard *o);

/* "apiKey", "token", ... for --auth-choice and --json. */
const char *onboard_auth_name(enum ob_auth a);

/* `openclaw gateway install` with its defaults (port from the config
 * onboarding just wrote); quiet: print nothing on stdout (onboard --json
 * prints its own summary). Used by --install-daemon; defined in
 * cmd_gateway_service.c. CLI_OK or CLI_FAIL after reporting. */
int cli_gateway_install_daemon(struct cli_ctx *ctx, bool quiet);

/* The interactive wizard: numbered menus, no-echo secrets. CLI_OK, or
 * CLI_FAIL when cancelled (nothing has been written). */
int onboard_wizard(struct onboard *o);

#endif
