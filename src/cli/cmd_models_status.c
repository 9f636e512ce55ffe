/*
 * `openclaw models status [--json] [--plain] [--check] [--agent <id>]`:
 * the layout of the real CLI (reference openclaw-peer-observed.md §4),
 * rendered from status_model. --check exits 1 when a credential in use is
 * missing or expired, 2 when one expires within 24 h, else 0, whatever
 * the output mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "cli/commands.h"
#include "cli/models_cmds.h"
#include "cli/status_model.h"
#include "config/config.h"
#include "config/env.h"
#include "json/jsonx.h"
#include "base/banned.h"

static void print_list(const char *label, const struct strlist *l)
{
    char *joined = strlist_join(l, ", ");
    char head[64];

    snprintf(head, sizeof(head), "%s (%zu)", label, l->n);
    printf("%-14s: %s\n", head, l->n ? joined : "-");
    free(joined);
}

static void print_models(struct cli_ctx *ctx, struct agent_ctx *a,
                         const struct status_model *m)
{
    struct strlist pairs = STRLIST_INIT;
    char *cfg = cli_display_path(ctx, a->cfg.path);
    char *dir = cli_display_path(ctx, a->dir);
    size_t i;

    printf("%-14s: %s\n", "Config", cfg);
    printf("%-14s: %s\n", "Agent dir", dir);
    if (m->alias || strcmp(m->resolved, m->default_raw) != 0)
        printf("%-14s: %s (from %s)\n", "Default", m->resolved, m->default_raw);
    else
        printf("%-14s: %s\n", "Default", m->resolved);
    print_list("Fallbacks", &m->fallbacks);
    for (i = 0; i < m->alias_names.n; i++)
        strlist_pushf(&pairs, "%s -> %s", m->alias_names.v[i],
                      m->alias_targets.v[i]);
    print_list("Aliases", &pairs);
    print_list("Configured models", &m->configured);
    strlist_release(&pairs);
    free(cfg);
    free(dir);
}

static void mask(const char *v, char *out, size_t n)
{
    secret_mask(v, strlen(v), out, n);
}

/* "env: NAME", plus where a value from a file came from. */
static void env_source(struct cli_ctx *ctx, const char *name, struct buf *out)
{
    const char *file = NULL;
    enum env_src src = env_origin(name, &file);
    char *shown = file ? cli_display_path(ctx, file) : NULL;

    buf_addf(out, "env: %s", name);
    if (src != ENV_SRC_PROCESS && src != ENV_SRC_UNSET)
        buf_addf(out, " (%s%s%s)", env_src_name(src), shown ? " " : "",
                 shown ? shown : "");
    free(shown);
}

static void effective(struct cli_ctx *ctx, struct agent_ctx *a,
                      const struct prov_status *p, struct buf *out)
{
    char m[SECRET_MASK_MAX], *store = cli_display_path(ctx, a->store_path);

    if (p->effective == AUTH_SRC_PROFILE)
        buf_addf(out, "profiles:%s", store);
    else if (p->effective == AUTH_SRC_ENV) {
        mask(p->env_value, m, sizeof(m));
        buf_addf(out, "env:%s", m);
    } else if (p->effective == AUTH_SRC_CONFIG) {
        mask(p->cfg_key, m, sizeof(m));
        buf_addf(out, "models.json:%s", m);
    } else {
        buf_addstr(out, "missing:missing");
    }
    free(store);
}

static void provider_line(struct cli_ctx *ctx, struct agent_ctx *a,
                          const struct prov_status *p, struct buf *b)
{
    char m[SECRET_MASK_MAX], *labels = strlist_join(&p->labels, ", ");

    buf_addf(b, "- %s effective=", p->provider);
    effective(ctx, a, p, b);
    if (p->count)
        buf_addf(b, " | profiles=%zu (%zu oauth, %zu token, %zu api-key) | %s",
                 p->count, p->n_oauth, p->n_token, p->n_api, labels);
    if (p->env_name) {
        mask(p->env_value, m, sizeof(m));
        buf_addf(b, " | env=%s | source=", m);
        env_source(ctx, p->env_name, b);
    }
    if (p->cfg_key) {
        mask(p->cfg_key, m, sizeof(m));
        buf_addf(b, " | models.json=%s | source=config", m);
    }
    free(labels);
}

static void print_shell_env(const struct agent_ctx *a)
{
    const struct strlist *applied = env_shell_applied();
    char *keys = strlist_join(applied, ", ");

    if (!env_shell_enabled(a->cfg.root))
        printf("%-14s: off\n", "Shell env");
    else if (applied->n)
        printf("%-14s: on (applied: %s)\n", "Shell env", keys);
    else
        printf("%-14s: on\n", "Shell env");
    free(keys);
}

static void print_overview(struct cli_ctx *ctx, struct agent_ctx *a,
                           const struct status_model *m)
{
    struct strlist with_tokens = STRLIST_INIT;
    char *store = cli_display_path(ctx, a->store_path);
    struct buf line;
    size_t i;

    printf("\nAuth overview\n%-14s: %s\n", "Auth store", store);
    print_shell_env(a);
    for (i = 0; i < m->nprovs; i++)
        if (m->provs[i].n_oauth + m->provs[i].n_token)
            strlist_pushf(&with_tokens, "%s (%zu)", m->provs[i].provider,
                          m->provs[i].n_oauth + m->provs[i].n_token);
    print_list("Providers w/ OAuth/tokens", &with_tokens);
    buf_init(&line, 0);
    for (i = 0; i < m->nprovs; i++) {
        buf_reset(&line);
        provider_line(ctx, a, &m->provs[i], &line);
        printf("%s\n", line.p);
    }
    buf_release(&line);
    strlist_release(&with_tokens);
    free(store);
}

/* Stored profiles of p that are not used, each with why and the fix. */
static void print_unfit(struct agent_ctx *a, const struct status_model *m,
                        const struct prov_status *p)
{
    struct buf why;
    size_t k;

    buf_init(&why, 0);
    for (k = 0; k < m->store.ncreds; k++) {
        const struct auth_cred *c = &m->store.creds[k];
        buf_reset(&why);
        if (strcmp(c->provider_norm, p->provider) == 0 &&
            auth_unfit_reason(c, a->cfg.root, p->provider, m->now, &why))
            printf("  - %s is not used: %s\n", c->id, why.p);
    }
    buf_release(&why);
}

static void print_missing(struct agent_ctx *a, const struct status_model *m)
{
    const char *const *keys;
    char *def = config_default_agent_id(a->cfg.root);
    bool header = false, other = strcmp(a->id, def) != 0;
    size_t i;

    free(def);
    for (i = 0; i < m->nprovs; i++) {
        const struct prov_status *p = &m->provs[i];
        if (!p->in_use || p->effective != AUTH_SRC_NONE)
            continue;
        if (!header)
            printf("\nMissing auth\n");
        header = true;
        keys = env_provider_keys(p->provider);
        printf("- %s Run `openclaw models auth paste-api-key --provider %s%s"
               "%s` or `openclaw models auth paste-token --provider %s%s%s`"
               "%s%s.\n",
               p->provider, p->provider, other ? " --agent " : "",
               other ? a->id : "", p->provider, other ? " --agent " : "",
               other ? a->id : "", keys[0] ? ", or set " : "",
               keys[0] ? keys[keys[1] ? 1 : 0] : "");
        print_unfit(a, m, p);
    }
}

/* "  - <id> <status>[ expires in <t>| expires unknown]" as OpenClaw
 * prints it: an expired token has no remaining time ("unknown"), an
 * expired OAuth credential "0m"; "missing" prints as "unknown". */
static void print_health_line(const struct auth_cred *c,
                              const struct profile_health *h)
{
    const char *status =
        h->status == HEALTH_MISSING ? "unknown" : health_status_name(h->status);
    char left[16];

    health_remaining(h->remaining_ms, left, sizeof(left));
    if (h->status == HEALTH_EXPIRED && c->type == AUTH_TOKEN)
        printf("  - %s %s expires unknown\n", c->id, status);
    else if (h->has_expiry)
        printf("  - %s %s expires in %s\n", c->id, status, left);
    else
        printf("  - %s %s\n", c->id, status);
}

static void print_token_status(const struct status_model *m)
{
    struct profile_health h;
    bool any = false;
    size_t i, k;

    printf("\nOAuth/token status\n");
    for (i = 0; i < m->nprovs; i++) {
        const struct prov_status *p = &m->provs[i];
        if (!p->n_oauth && !p->n_token)
            continue;
        printf("- %s\n", p->provider);
        any = true;
        for (k = 0; k < m->store.ncreds; k++) {
            const struct auth_cred *c = &m->store.creds[k];
            if (strcmp(c->provider_norm, p->provider) != 0 ||
                c->type == AUTH_API_KEY)
                continue;
            health_of(c, m->now, &h);
            print_health_line(c, &h);
        }
    }
    if (!any)
        printf("- none\n");
}

static int run_status(struct cli_ctx *ctx)
{
    struct status_model m;
    struct agent_ctx a;
    int rc = cli_agent_open(ctx, &a);

    if (!rc)
        rc = status_build(ctx, &a, &m);
    if (rc) {
        cli_agent_close(&a);
        return rc;
    }
    if (cli_flag(ctx, "json") || cli_flag(ctx, "status-json")) {
        status_print_json(ctx, &a, &m);
    } else if (cli_flag(ctx, "plain") || cli_flag(ctx, "status-plain")) {
        printf("%s\n", m.resolved);
    } else {
        print_models(ctx, &a, &m);
        print_overview(ctx, &a, &m);
        print_missing(&a, &m);
        print_token_status(&m);
    }
    rc = cli_flag(ctx, "check") ? m.check : CLI_OK;
    status_release(&m);
    cli_agent_close(&a);
    return rc;
}

static const struct cli_opt status_opts[] = {
    {"json", 0, NULL, "Output JSON"},
    {"plain", 0, NULL, "Print only the resolved default model"},
    {"check", 0, NULL,
     "Exit 1 when a credential in use is missing or expired, 2 when one "
     "expires within 24 h"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_models_status = {
    .name = "status",
    .summary = "Show the default model and credential health",
    .help = "In --json, auth.unusableProfiles lists profiles in cooldown or "
            "disabled, with\nthe reason and when they come back.\n",
    .opts = status_opts,
    .max_args = 0,
    .usage_status = CLI_FAIL,
    .run = run_status,
};

static const struct cli_opt models_opts[] = {
    {"json", 0, NULL, "Output JSON (same as `models status --json`)"},
    {"status-json", 0, NULL, "Same as `models status --json`"},
    {"status-plain", 0, NULL, "Same as `models status --plain`"},
    {"plain", 0, NULL, "Same as `models status --plain`"},
    {"check", 0, NULL, "Same as `models status --check`"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_cmd *const models_subs[] = {
    &cmd_models_aliases,
    &cmd_models_auth,
    &cmd_models_fallbacks,
    &cmd_models_list,
    &cmd_models_set,
    &cmd_models_status,
    NULL,
};

const struct cli_cmd cmd_models = {
    .name = "models",
    .summary = "Models and credentials: status, list, set, auth",
    .help = "Without a subcommand: `models status`.\n",
    .opts = models_opts,
    .subs = models_subs,
    .max_args = 0,
    .usage_status = CLI_FAIL,
    .run = run_status,
};
