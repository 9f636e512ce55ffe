/*
 * `openclaw models auth paste-token|paste-api-key|setup-token|add`: put a
 * credential into an agent's store. Secrets come from a no-echo prompt or
 * stdin (never argv), are cleaned and checked before anything is written,
 * and are only ever printed masked. Strings follow reference
 * openclaw-auth.md §6.2-§6.4.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/token.h"
#include "base/clock.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/auth_save.h"
#include "cli/commands.h"
#include "cli/models_cmds.h"
#include "cli/prompt.h"
#include "cli/claude.h"
#include "base/str.h"
#include "base/banned.h"

/* The provider (from --provider unless given), normalised; NULL after a
 * usage error. */
static const char *provider_opt(struct cli_ctx *ctx, const char *p, char *buf,
                                size_t n)
{
    if (!p)
        p = cli_opt(ctx, "provider");
    if (!p || !*p) {
        cli_usage_error(ctx, "missing --provider <name> (e.g. --provider "
                             "anthropic)");
        return NULL;
    }
    auth_provider_normalize(p, buf, n);
    return buf;
}

static int expires_opt(struct cli_ctx *ctx, struct auth_save *s)
{
    const char *raw = cli_opt(ctx, "expires-in");
    int64_t ms;

    if (!raw)
        return 0;
    if (duration_parse_ms(raw, &ms))
        return cli_error("invalid --expires-in '%s' (use e.g. 365d, 12h, "
                         "30m or 1h30m)",
                         raw);
    s->has_expires = true;
    s->expires = clock_wall_ms() + ms;
    return 0;
}

/* Clean and check the secret, then save it. */
static int save_secret(struct cli_ctx *ctx, struct agent_ctx *a,
                       struct auth_save *s, const char *raw)
{
    char *clean = NULL;
    int rc = cli_secret_prepare(s->provider, s->type, raw, &clean);

    if (!rc) {
        s->secret = clean;
        rc = cli_auth_save(ctx, a, s);
        secret_wipe(clean, strlen(clean));
        free(clean);
    }
    return rc;
}

static int paste(struct cli_ctx *ctx, enum auth_type type, const char *provider)
{
    struct auth_save s = {.type = type};
    struct agent_ctx a;
    char prov[AUTH_PROVIDER_MAX], question[160];
    const char *why;
    char *id, *raw;
    int rc;

    if (!provider_opt(ctx, provider, prov, sizeof(prov)))
        return CLI_USAGE;
    id = profile_id_make(prov, cli_opt(ctx, "profile-id"), "manual", &why);
    if (!id)
        return cli_error("invalid --profile-id: %s", why);
    rc = cli_agent_open(ctx, &a);
    if (!rc && type == AUTH_TOKEN)
        rc = expires_opt(ctx, &s);
    snprintf(question, sizeof(question), "Paste %s for %s",
             type == AUTH_TOKEN ? "token" : "API key", prov);
    raw = rc ? NULL
             : cli_read_secret(question,
                               type == AUTH_TOKEN ? "token" : "API key");
    if (!rc && !raw)
        rc = CLI_FAIL;
    if (!rc) {
        s.provider = prov;
        s.profile_id = id;
        rc = save_secret(ctx, &a, &s, raw);
    }
    if (raw) {
        secret_wipe(raw, strlen(raw));
        free(raw);
    }
    free(id);
    cli_agent_close(&a);
    return rc;
}

static int run_paste_token(struct cli_ctx *ctx)
{
    return paste(ctx, AUTH_TOKEN, NULL);
}

static int run_paste_api_key(struct cli_ctx *ctx)
{
    return paste(ctx, AUTH_API_KEY, NULL);
}

static int run_setup_token(struct cli_ctx *ctx)
{
    struct auth_save s = {.type = AUTH_TOKEN,
                          .profile_id = "anthropic:default",
                          .provider = "anthropic"};
    struct agent_ctx a;
    char prov[AUTH_PROVIDER_MAX];
    char *tok = NULL;
    int rc;

    if (!cli_opt(ctx, "provider"))
        str_copy(prov, sizeof(prov), "anthropic");
    else if (!provider_opt(ctx, NULL, prov, sizeof(prov)))
        return CLI_USAGE;
    rc = cli_claude_check(prov);
    if (rc)
        return rc;
    rc = cli_agent_open(ctx, &a);
    if (!rc && !cli_flag(ctx, "yes") &&
        prompt_confirm("Run `claude setup-token` now?", true) != 1)
        rc = cli_error("cancelled; nothing was saved");
    if (!rc) {
        tok = cli_claude_setup_token();
        rc = tok ? save_secret(ctx, &a, &s, tok) : CLI_FAIL;
    }
    if (tok) {
        secret_wipe(tok, strlen(tok));
        free(tok);
    }
    cli_agent_close(&a);
    return rc;
}

/* `models auth add`: the interactive chooser. */
static int run_add(struct cli_ctx *ctx)
{
    static const char *const choices[] = {
        "Anthropic API key",
        "Anthropic token (paste setup-token)",
        "Anthropic token (run setup-token)",
        "OpenRouter API key",
        "Another provider (paste a token)",
    };
    char *prov;
    int c, rc;

    if (!prompt_interactive())
        return cli_error("models auth add is interactive; without a terminal "
                         "use `openclaw models auth paste-api-key` or "
                         "`paste-token` with --provider");
    c = prompt_menu("What do you want to add?", choices, 5, 0);
    if (c < 0)
        return cli_error("cancelled; nothing was saved");
    if (c == 2)
        return run_setup_token(ctx);
    prov = c == 3   ? xstrdup("openrouter")
           : c == 4 ? prompt_line("Provider id (e.g. openai)", NULL)
                    : xstrdup("anthropic");
    if (!prov || !*prov) {
        free(prov);
        return cli_error("no provider given; nothing was saved");
    }
    rc = paste(ctx, c == 1 || c == 4 ? AUTH_TOKEN : AUTH_API_KEY, prov);
    free(prov);
    return rc;
}

static const struct cli_opt token_opts[] = {
    {"provider", 0, "<name>", "Provider id (e.g. anthropic, openrouter)"},
    {"profile-id", 0, "<id>", "Auth profile id (default: <provider>:manual)"},
    {"expires-in", 0, "<duration>",
     "Optional expiry (e.g. 365d, 12h), stored as an absolute time"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_models_paste_token = {
    .name = "paste-token",
    .summary = "Save a token in an auth profile and update config",
    .help = "The token is read from a no-echo prompt, or from stdin when it "
            "is piped:\n  openclaw models auth paste-token --provider "
            "anthropic < token.txt\nAnthropic setup-tokens (from `claude "
            "setup-token`) are checked before\nanything is written.\n",
    .opts = token_opts,
    .max_args = 0,
    .run = run_paste_token,
};

static const struct cli_opt key_opts[] = {
    {"provider", 0, "<name>", "Provider id (e.g. anthropic, openrouter)"},
    {"profile-id", 0, "<id>", "Auth profile id (default: <provider>:manual)"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_models_paste_api_key = {
    .name = "paste-api-key",
    .summary = "Save an API key in an auth profile and update config",
    .help = "The key is read from a no-echo prompt, or from stdin when it "
            "is piped.\n",
    .opts = key_opts,
    .max_args = 0,
    .run = run_paste_api_key,
};

static const struct cli_opt setup_opts[] = {
    {"provider", 0, "<name>", "Provider id (anthropic)"},
    {"yes", 0, NULL, "Skip the confirmation"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_models_setup_token = {
    .name = "setup-token",
    .summary = "Run `claude setup-token` and save its token (TTY required)",
    .help = "Runs Claude Code's `claude setup-token` in this terminal, "
            "captures the token\nit prints and saves it as "
            "anthropic:default. Needs an interactive terminal.\n",
    .opts = setup_opts,
    .max_args = 0,
    .run = run_setup_token,
};

static const struct cli_opt add_opts[] = {
    {"profile-id", 0, "<id>", "Auth profile id (default: <provider>:manual)"},
    {"expires-in", 0, "<duration>", "Optional token expiry (e.g. 365d)"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {"yes", 0, NULL, "Skip confirmations"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_models_auth_add = {
    .name = "add",
    .summary = "Interactive auth helper (API key, paste token, setup-token)",
    .opts = add_opts,
    .max_args = 0,
    .run = run_add,
};
