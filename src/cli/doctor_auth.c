/*
 * doctor's credential checks: per agent, what each provider in use would
 * authenticate with, why stored profiles are not used, expiry, cooldowns
 * and disables, each with the command that fixes it; and where every
 * provider key in the environment comes from (masked), including keys
 * a daemon would never see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/health.h"
#include "auth/resolve.h"
#include "base/buf.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/doctor.h"
#include "cli/status_model.h"
#include "config/env.h"
#include "base/banned.h"

/* " --agent <id>" unless id is the default agent, for fix commands. */
static void agent_flag(const struct doctor *d, const char *id, char *out,
                       size_t n)
{
    char *def = config_default_agent_id(d->cfg.root);

    snprintf(out, n, "%s%s", strcmp(def, id) != 0 ? " --agent " : "",
             strcmp(def, id) != 0 ? id : "");
    free(def);
}

static void missing_provider(struct doctor *d, struct agent_ctx *a,
                             const struct status_model *m,
                             const struct prov_status *p)
{
    const char *const *keys = env_provider_keys(p->provider);
    char flag[96];
    struct buf fix, why;
    size_t k;

    agent_flag(d, a->id, flag, sizeof(flag));
    buf_init(&fix, 0);
    buf_addf(&fix,
             "openclaw models auth paste-api-key --provider %s%s (or "
             "paste-token",
             p->provider, flag);
    if (keys[0])
        buf_addf(&fix, ", or put %s in ~/.openclaw/.env",
                 keys[keys[1] ? 1 : 0]);
    buf_addch(&fix, ')');
    doctor_add(d, SEV_PROBLEM, "Model auth", fix.p,
               "agent %s: No API key found for provider \"%s\"", a->id,
               p->provider);
    buf_release(&fix);
    buf_init(&why, 0);
    for (k = 0; k < m->store.ncreds; k++) {
        const struct auth_cred *c = &m->store.creds[k];
        buf_reset(&why);
        if (!strcmp(c->provider_norm, p->provider) &&
            auth_unfit_reason(c, a->cfg.root, p->provider, m->now, &why))
            doctor_add(d, SEV_WARN, "Model auth", NULL,
                       "agent %s: %s is not used: %s", a->id, c->id, why.p);
    }
    buf_release(&why);
}

static const char *health_hint(const struct auth_cred *c,
                               const struct profile_health *h)
{
    if (h->reason == ELIG_INVALID_EXPIRES)
        return "Invalid token expires metadata. Set a future Unix ms "
               "timestamp or remove expires.";
    if (!strcmp(c->provider_norm, "anthropic") && c->type != AUTH_API_KEY)
        return "run `claude setup-token` (on any machine), then save it "
               "with `openclaw models auth paste-token --provider "
               "anthropic --profile-id <id>`";
    return "save a new one with `openclaw models auth paste-token "
           "--provider <provider> --profile-id <id>`";
}

static void profile_health(struct doctor *d, struct agent_ctx *a,
                           const struct status_model *m,
                           const struct auth_cred *c, bool in_use)
{
    struct profile_health h;
    enum doctor_sev sev;
    struct buf msg;
    char left[16];

    health_of(c, m->now, &h);
    if (h.status == HEALTH_STATIC || h.status == HEALTH_OK)
        return;
    sev = h.status == HEALTH_EXPIRING || !in_use ? SEV_WARN : SEV_PROBLEM;
    buf_init(&msg, 0);
    buf_addf(&msg, "agent %s: %s: %s", a->id, c->id,
             health_status_name(h.status));
    if (h.reason != ELIG_OK)
        buf_addf(&msg, " [%s]", auth_elig_name(h.reason));
    if (h.status == HEALTH_EXPIRING) {
        health_remaining(h.remaining_ms, left, sizeof(left));
        buf_addf(&msg, " (expires in %s)", left);
    }
    doctor_add(d, sev, "Model auth", health_hint(c, &h), "%s", msg.p);
    buf_release(&msg);
}

static const char *unusable_hint(enum auth_reason r, bool disabled)
{
    if (disabled && r == REASON_BILLING)
        return "Top up credits (provider billing) or switch provider.";
    if (disabled && r == REASON_AUTH_PERMANENT)
        return "Refresh or replace credentials, then retry.";
    return "Wait for cooldown or switch provider.";
}

static void profile_cooldown(struct doctor *d, struct agent_ctx *a,
                             const struct status_model *m,
                             const struct auth_cred *c)
{
    struct usage_stats st;
    int64_t until;
    bool disabled;
    char left[16], flag[96], *fix;
    const char *reason;

    auth_store_stats(&m->store, c->id, &st);
    until = policy_unusable_until(&st);
    if (until <= m->now || policy_cooldown_bypassed(c->provider_norm))
        return;
    disabled = st.disabled_until > m->now;
    reason =
        auth_reason_name(disabled ? st.disabled_reason : st.cooldown_reason);
    health_remaining(until - m->now, left, sizeof(left));
    agent_flag(d, a->id, flag, sizeof(flag));
    fix = xasprintf("openclaw models auth clear-cooldown %s%s", c->id, flag);
    doctor_add(d, SEV_WARN, "Model auth", fix, "agent %s: %s: %s%s%s (%s) — %s",
               a->id, c->id, disabled ? "disabled" : "cooldown",
               reason ? ":" : "", reason ? reason : "", left,
               unusable_hint(disabled ? st.disabled_reason : st.cooldown_reason,
                             disabled));
    free(fix);
}

static bool provider_in_use(const struct status_model *m, const char *prov)
{
    size_t i;

    for (i = 0; i < m->nprovs; i++)
        if (!strcmp(m->provs[i].provider, prov))
            return m->provs[i].in_use;
    return false;
}

static void ok_line(struct doctor *d, struct agent_ctx *a,
                    const struct prov_status *p)
{
    if (p->effective == AUTH_SRC_PROFILE)
        doctor_add(d, SEV_OK, "Model auth", NULL, "agent %s: %s uses %s (%s)",
                   a->id, p->provider, p->selected->id,
                   auth_type_name(p->selected->type));
    else if (p->effective == AUTH_SRC_ENV)
        doctor_add(d, SEV_OK, "Model auth", NULL,
                   "agent %s: %s uses %s from the environment", a->id,
                   p->provider, p->env_name);
    else
        doctor_add(d, SEV_OK, "Model auth", NULL,
                   "agent %s: %s uses models.providers.%s.apiKey", a->id,
                   p->provider, p->provider);
}

static void check_agent(struct doctor *d, struct agent_ctx *a)
{
    struct status_model m;
    struct oc_err err;
    size_t i;

    if (status_load(d->ctx, a, &m, true, &err)) {
        doctor_add(d, SEV_PROBLEM, "Model auth", NULL, "agent %s: %s", a->id,
                   oc_err_msg(&err));
        status_release(&m);
        return;
    }
    for (i = 0; i < m.store.warnings.n; i++)
        doctor_add(d, SEV_WARN, "Model auth", NULL, "agent %s: %s", a->id,
                   m.store.warnings.v[i]);
    for (i = 0; i < m.nprovs; i++) {
        if (m.provs[i].in_use && m.provs[i].effective == AUTH_SRC_NONE)
            missing_provider(d, a, &m, &m.provs[i]);
        else if (m.provs[i].in_use)
            ok_line(d, a, &m.provs[i]);
    }
    for (i = 0; i < m.store.ncreds; i++) {
        const struct auth_cred *c = &m.store.creds[i];
        profile_health(d, a, &m, c, provider_in_use(&m, c->provider_norm));
        profile_cooldown(d, a, &m, c);
    }
    status_release(&m);
}

void doctor_check_agents(struct doctor *d)
{
    struct strlist ids = STRLIST_INIT;
    struct agent_ctx a;
    size_t i;

    config_agent_ids(d->cfg.root, &ids);
    for (i = 0; i < ids.n; i++) {
        /* borrow doctor's config: it is not released with the agent */
        memset(&a, 0, sizeof(a));
        a.cfg = d->cfg;
        a.id = ids.v[i];
        a.dir = config_agent_dir(d->cfg.root, cli_paths(d->ctx), a.id);
        a.store_path = path_join(a.dir, "auth-profiles.json");
        check_agent(d, &a);
        free(a.dir);
        free(a.store_path);
    }
    strlist_release(&ids);
}

/* ---- where environment keys come from -------------------------------- */

#define REFUSAL_FIX "move it to ~/.openclaw/.env if it is meant for openclaw"

static void env_key(struct doctor *d, const char *key, bool daemon)
{
    const char *file = NULL, *v = getenv(key);
    enum env_src src = env_origin(key, &file);
    char m[SECRET_MASK_MAX], *shown;

    if (!v || !*v)
        return;
    secret_mask(v, strlen(v), m, sizeof(m));
    shown = file ? doctor_path(d, file) : NULL;
    if (src == ENV_SRC_PROCESS || src == ENV_SRC_UNSET)
        doctor_add(d, daemon ? SEV_WARN : SEV_INFO, "Environment",
                   daemon ? "add it to ~/.openclaw/.env (mode 600), which the "
                            "gateway reads itself"
                          : NULL,
                   "%s=%s is set only in this shell's environment; a "
                   "gateway started by systemd/launchd will not see it",
                   key, m);
    else
        doctor_add(d, SEV_OK, "Environment", NULL, "%s=%s from %s", key, m,
                   shown ? shown : env_src_name(src));
    free(shown);
}

/* A file in the working directory as ./name, others as doctor_path. */
static char *shown_file(struct doctor *d, const char *file)
{
    char cwd[4096];
    size_t n;

    if (getcwd(cwd, sizeof(cwd))) {
        n = strlen(cwd);
        if (!strncmp(file, cwd, n) && file[n] == '/' &&
            !strchr(file + n + 1, '/'))
            return xasprintf("./%s", file + n + 1);
    }
    return doctor_path(d, file);
}

static void env_refusals(struct doctor *d)
{
    const struct env_refusal *r;
    char *shown;
    size_t i;

    for (i = 0; i < env_refusal_count(); i++) {
        r = env_refusal_at(i);
        shown = r->file ? shown_file(d, r->file) : xstrdup("config env");
        if (r->line)
            doctor_add(d, SEV_WARN, "Environment", REFUSAL_FIX,
                       "%s:%d sets %s but it was ignored: %s", shown, r->line,
                       r->key, r->reason);
        else
            doctor_add(d, SEV_WARN, "Environment", REFUSAL_FIX,
                       "%s sets %s but it was ignored: %s", shown, r->key,
                       r->reason);
        free(shown);
    }
}

void doctor_check_env(struct doctor *d)
{
    static const char *const keys[] = {
        "ANTHROPIC_OAUTH_TOKEN",     "ANTHROPIC_API_KEY",
        "OPENROUTER_API_KEY",        "OPENCLAW_GATEWAY_TOKEN",
        "OPENCLAW_GATEWAY_PASSWORD", NULL};
    size_t i;

    for (i = 0; keys[i]; i++)
        env_key(d, keys[i], d->service_installed);
    env_refusals(d);
}
