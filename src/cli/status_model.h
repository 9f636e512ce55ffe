/*
 * The facts `models status` reports (and doctor reuses): for one agent,
 * the default/fallback models, aliases, and per provider which credential
 * is in effect (profiles, env, config key or missing), every profile's
 * health and cooldown, and the --check verdict. Building is separate from
 * printing so the text and JSON outputs cannot disagree.
 */
#ifndef OC_CLI_STATUS_MODEL_H
#define OC_CLI_STATUS_MODEL_H

#include <stdint.h>

#include "auth/health.h"
#include "auth/resolve.h"
#include "auth/store.h"
#include "base/strlist.h"
#include "cli/agent_ctx.h"

struct prov_status {
    char provider[AUTH_PROVIDER_MAX];
    enum auth_source effective;
    const struct auth_cred *selected; /* first candidate profile */
    size_t count, n_oauth, n_token, n_api;
    struct strlist labels; /* "id=masked [cooldown 4m]" */
    const char *env_name;  /* borrowed */
    const char *env_value; /* borrowed; print masked only */
    const char *cfg_key;   /* borrowed; print masked only */
    bool in_use;           /* a default/fallback model uses it */
};

struct status_model {
    struct auth_store store;
    json_t *cfg; /* the agent's config root (borrowed) */
    int64_t now;
    const char *default_raw; /* as configured, or the catalogue default */
    char resolved[320];      /* "provider/model" */
    const char *alias;       /* alias used for the default, or NULL */
    struct strlist fallbacks, alias_names, alias_targets, configured;
    struct prov_status *provs;
    size_t nprovs;
    int check; /* --check exit code: 0, 1 or 2 */
};

/* Build the model for agent a without printing anything: 0, or the store's
 * load error (err filled). Warnings are left in m->store.warnings. With
 * peek, legacy files are read but not imported (auth_store_peek). */
int status_load(struct cli_ctx *ctx, struct agent_ctx *a,
                struct status_model *m, bool peek, struct oc_err *err);
/* Build the model for agent a, printing warnings; CLI_OK or CLI_FAIL after
 * reporting. */
int status_build(struct cli_ctx *ctx, struct agent_ctx *a,
                 struct status_model *m);
void status_release(struct status_model *m);

/* The expiring/expired/missing verdict of one provider (0/1/2). */
int status_provider_check(const struct status_model *m,
                          const struct prov_status *p);

#endif
