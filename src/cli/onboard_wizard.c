/*
 * The onboarding wizard: a risk notice, what to do with an existing
 * config, how to authenticate, the default model and the gateway's port,
 * bind and auth, as numbered menus and no-echo secret prompts. It only
 * fills struct onboard; cmd_onboard.c writes. Every question has a flag
 * (see `openclaw onboard --help`), so CI never needs a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "cli/auth_save.h"
#include "cli/claude.h"
#include "cli/onboard.h"
#include "cli/prompt.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"
#include "base/banned.h"

#define MAX_TRIES 3

static int cancelled(void)
{
    return cli_error("onboarding cancelled; nothing was changed");
}

static int ask_risk(struct onboard *o)
{
    if (cli_flag(o->ctx, "accept-risk"))
        return 0;
    printf("Security notice\n"
           "  An OpenClaw assistant acts with your credentials: it spends "
           "your API credit\n"
           "  or subscription, and its gateway answers anyone who holds the "
           "gateway token.\n"
           "  Keep the token private and the gateway on loopback unless you "
           "know why not.\n"
           "  Read: https://docs.openclaw.ai/security\n\n");
    return prompt_confirm("I understand. Continue?", false) == 1 ? 0
                                                                 : cancelled();
}

static int ask_existing(struct onboard *o)
{
    static const char *const items[] = {
        "Keep current settings (only add a credential)",
        "Modify (current values are the defaults)",
        "Reset (start a new config; credentials are kept)",
    };
    char *shown, q[512];
    int c;

    if (!o->cfg.exists || o->reset)
        return 0;
    shown = cli_display_path(o->ctx, o->cfg.path);
    snprintf(q, sizeof(q), "Existing config found at %s", shown);
    free(shown);
    c = prompt_menu(q, items, 3, 0);
    if (c < 0)
        return cancelled();
    o->keep = c == 0;
    o->reset = c == 2;
    return 0;
}

/* ---- credential ------------------------------------------------------ */

/* The secret from the environment (after a yes) or a prompt, checked;
 * asks again after a bad paste. */
static int ask_secret(struct onboard *o, const char *env, const char *question)
{
    const char *ev = env ? getenv(env) : NULL;
    char m[SECRET_MASK_MAX], q[256];
    char *raw;
    int i, rc = CLI_FAIL;

    if (ev && *ev) {
        secret_mask(ev, strlen(ev), m, sizeof(m));
        snprintf(q, sizeof(q), "Use %s from the environment (%s)?", env, m);
        if (prompt_confirm(q, true) == 1)
            return onboard_take_secret(o, ev);
    }
    for (i = 0; i < MAX_TRIES && rc; i++) {
        raw = prompt_secret(question);
        if (!raw)
            return cancelled();
        rc = onboard_take_secret(o, raw);
        secret_wipe(raw, strlen(raw));
        free(raw);
    }
    return rc;
}

static int ask_token_name(struct onboard *o)
{
    char *name = prompt_line("Token name (blank = default)", "");
    const char *why;
    char *id;

    if (!name)
        return cancelled();
    id = xasprintf("%s:%s", o->provider, *name ? name : "default");
    free(name);
    o->profile_id = profile_id_make(o->provider, id, "default", &why);
    free(id);
    return o->profile_id ? 0 : cli_error("invalid token name: %s", why);
}

static int ask_auth_choice(struct onboard *o)
{
    static const char *const items[] = {
        "Anthropic API key",
        "Anthropic token (paste setup-token)",
        "Anthropic token (run setup-token)",
        "OpenRouter API key",
        "Skip for now",
    };
    int c;

    if (o->auth != OB_UNSET)
        return 0;
    c = prompt_menu("How should openclaw authenticate to the model provider?",
                    items, 5, 0);
    if (c < 0)
        return cancelled();
    o->auth = (enum ob_auth)c;
    return 0;
}

/* Run `claude setup-token` when it is installed; otherwise say so and
 * ask for a token made elsewhere. */
static int run_or_paste(struct onboard *o)
{
    char *tok;
    int rc;

    if (!cli_claude_installed()) {
        fprintf(stderr, "`claude` (Claude Code) is not installed here. Run "
                        "`claude setup-token` on any machine and paste the "
                        "token it prints.\n");
        return ask_secret(o, NULL, "Paste the token (input hidden)");
    }
    tok = cli_claude_setup_token();
    rc = tok ? onboard_take_secret(o, tok) : CLI_FAIL;
    if (tok)
        secret_wipe(tok, strlen(tok));
    free(tok);
    return rc;
}

static int ask_credential(struct onboard *o)
{
    int rc = ask_auth_choice(o);

    if (rc || o->auth == OB_SKIP)
        return rc;
    /* what the flags already say is not asked again */
    if (onboard_has_cred_flag(o->ctx) &&
        !(o->auth == OB_SETUP_TOKEN && !cli_opt(o->ctx, "token")) &&
        !(o->auth == OB_API_KEY && !cli_opt(o->ctx, "anthropic-api-key")) &&
        !(o->auth == OB_OPENROUTER && !cli_opt(o->ctx, "openrouter-api-key")))
        return onboard_cred_from_flags(o);
    str_copy(o->provider, sizeof(o->provider),
             o->auth == OB_OPENROUTER ? "openrouter" : "anthropic");
    o->type = o->auth == OB_TOKEN || o->auth == OB_SETUP_TOKEN ? AUTH_TOKEN
                                                               : AUTH_API_KEY;
    if (o->auth == OB_API_KEY)
        rc = ask_secret(o, "ANTHROPIC_API_KEY", "Anthropic API key");
    else if (o->auth == OB_OPENROUTER)
        rc = ask_secret(o, "OPENROUTER_API_KEY", "OpenRouter API key");
    else if (o->auth == OB_TOKEN)
        rc = ask_secret(o, NULL,
                        "Paste the token from `claude setup-token` (input "
                        "hidden)");
    else
        rc = run_or_paste(o);
    if (!rc && o->type == AUTH_TOKEN)
        return ask_token_name(o);
    if (!rc)
        o->profile_id = xasprintf("%s:default", o->provider);
    return rc;
}

/* ---- model ----------------------------------------------------------- */

struct model_menu {
    const char *items[12];
    char *owned[12];
    int n;
};

static void add_model(const struct model_info *m, void *arg)
{
    struct model_menu *mm = arg;

    if (mm->n >= 6)
        return;
    mm->owned[mm->n] = xasprintf("%s/%s (%s)", m->provider, m->id, m->name);
    mm->items[mm->n] = mm->owned[mm->n];
    mm->n++;
}

/* The chosen item's "provider/model" (the text before " ("). */
static char *ref_of(const char *item)
{
    const char *sp = strstr(item, " (");

    return xmemdupz(item, sp ? (size_t)(sp - item) : strlen(item));
}

static int ask_model_id(struct onboard *o)
{
    struct model_ref r;
    char buf[320];
    char *id = prompt_line("Model (provider/model, or an alias)", NULL);

    if (!id || !*id) {
        free(id);
        return cancelled();
    }
    if (modelref_resolve(o->cfg.root, id, &r, NULL, NULL)) {
        free(id);
        return cli_error("not a model reference; use provider/model, e.g. "
                         "anthropic/claude-sonnet-4-5");
    }
    free(id);
    o->model = xstrdup(modelref_format(&r, buf, sizeof(buf)));
    return 0;
}

static int ask_model(struct onboard *o)
{
    const char *have = modelref_configured_primary(o->cfg.root, "main");
    struct model_menu mm = {{NULL}, {NULL}, 0};
    char keep[400];
    int c, k = 0, i, rc = 0;

    if (o->keep)
        return 0;
    if (have && !o->reset) {
        snprintf(keep, sizeof(keep), "Keep %s", have);
        mm.items[mm.n++] = keep;
        k = 1;
    }
    catalogue_each(o->cfg.root,
                   o->auth == OB_OPENROUTER ? "openrouter" : "anthropic",
                   add_model, &mm);
    mm.items[mm.n++] = "Enter a model id";
    c = prompt_menu("Default model", mm.items, mm.n, 0);
    if (c < 0)
        rc = cancelled();
    else if (c == mm.n - 1)
        rc = ask_model_id(o);
    else if (c >= k)
        o->model = ref_of(mm.items[c]);
    for (i = 0; i < 12; i++)
        free(mm.owned[i]);
    return rc;
}

/* ---- gateway --------------------------------------------------------- */

static int ask_port(struct onboard *o)
{
    char *v;
    int64_t n;
    int i;

    for (i = 0; i < MAX_TRIES; i++) {
        v = prompt_line("Gateway port", "18789");
        if (!v)
            return cancelled();
        if (!str_parse_int64(v, 1, 65535, &n)) {
            free(v);
            o->port = (int)n;
            return 0;
        }
        cli_error("'%s' is not a port (1-65535)", v);
        free(v);
    }
    return CLI_FAIL;
}

static int ask_gateway(struct onboard *o)
{
    static const char *const binds[] = {"loopback", "lan", "tailnet"};
    static const char *const bind_items[] = {
        "loopback (this machine only; recommended)",
        "lan (other machines on your network)",
        "tailnet (your Tailscale network)",
    };
    static const char *const auth_items[] = {
        "token (generated and stored in the config)", "password"};
    int c, rc;

    if (o->keep || !o->manual_gateway)
        return 0;
    rc = o->port ? 0 : ask_port(o);
    if (rc)
        return rc;
    if (!o->bind) {
        c = prompt_menu("Gateway bind", bind_items, 3, 0);
        if (c < 0)
            return cancelled();
        o->bind = xstrdup(binds[c]);
    }
    if (!o->gw_auth) {
        c = prompt_menu("Gateway auth", auth_items, 2, 0);
        if (c < 0)
            return cancelled();
        o->gw_auth = xstrdup(c ? "password" : "token");
    }
    c = !strcmp(o->gw_auth, "password");
    if (c == 1 && !o->gw_password) {
        o->gw_password = prompt_secret("Gateway password (input hidden)");
        if (!o->gw_password || !*o->gw_password)
            return cancelled();
    }
    return 0;
}

static int ask_flow(struct onboard *o)
{
    static const char *const items[] = {
        "QuickStart (port 18789, loopback, a generated token)",
        "Manual (choose port, bind and auth)",
    };
    int c;

    /* gateway flags given: they apply as they are, nothing to ask */
    if (o->keep || cli_opt(o->ctx, "flow") || o->port || o->bind || o->gw_auth)
        return 0;
    c = prompt_menu("Gateway setup", items, 2, 0);
    if (c < 0)
        return cancelled();
    o->manual_gateway = c == 1;
    return 0;
}

int onboard_wizard(struct onboard *o)
{
    int rc = ask_risk(o);

    if (!rc)
        rc = ask_existing(o);
    if (!rc)
        rc = ask_credential(o);
    if (!rc)
        rc = ask_model(o);
    if (!rc)
        rc = ask_flow(o);
    if (!rc)
        rc = ask_gateway(o);
    return rc;
}
