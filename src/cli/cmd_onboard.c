/*
 * `openclaw onboard`: first-run setup. With a terminal it runs the wizard
 * (onboard_wizard.c); with --non-interactive --accept-risk the flags say
 * everything. Either way nothing is written until every answer has been
 * checked; then the credential goes into the default agent's
 * auth-profiles.json and the rest into openclaw.json in one locked edit
 * (reference openclaw-gateway-config.md §4, openclaw-peer-observed.md §6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/meta.h"
#include "auth/token.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "cli/agent_ctx.h"
#include "cli/auth_save.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config_edit.h"
#include "cli/onboard.h"
#include "cli/prompt.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"
#include "base/banned.h"

static const char *const auth_names[] = {"apiKey", "token", "setup-token",
                                         "openrouter-api-key", "skip"};

const char *onboard_auth_name(enum ob_auth a)
{
    return a >= OB_API_KEY && a <= OB_SKIP ? auth_names[a] : "skip";
}

static void wipe_free(char *s)
{
    if (s) {
        secret_wipe(s, strlen(s));
        free(s);
    }
}

void onboard_release(struct onboard *o)
{
    config_release(&o->cfg);
    free(o->profile_id);
    wipe_free(o->secret);
    free(o->model);
    free(o->workspace);
    free(o->bind);
    free(o->gw_auth);
    wipe_free(o->gw_token);
    wipe_free(o->gw_password);
}

int onboard_take_secret(struct onboard *o, const char *raw)
{
    char *clean = NULL;
    int rc = cli_secret_prepare(o->provider, o->type, raw, &clean);

    if (!rc) {
        wipe_free(o->secret);
        o->secret = clean;
    }
    return rc;
}

/* ---- flags ----------------------------------------------------------- */

static int parse_choice(struct onboard *o)
{
    const char *c = cli_opt(o->ctx, "auth-choice");
    int i;

    o->auth = OB_UNSET;
    if (!c)
        return 0;
    if (!strcmp(c, "oauth"))
        c = "setup-token";
    for (i = OB_API_KEY; i <= OB_SKIP; i++)
        if (!strcmp(c, auth_names[i]))
            o->auth = (enum ob_auth)i;
    if (o->auth == OB_UNSET)
        return cli_usage_error(o->ctx,
                               "unknown --auth-choice '%s' (use apiKey, "
                               "token, setup-token, openrouter-api-key or "
                               "skip)",
                               c);
    return 0;
}

static bool one_of(const char *v, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (!strcmp(v, *allowed))
            return true;
    return false;
}

static int parse_gateway_flags(struct onboard *o)
{
    static const char *const binds[] = {"loopback", "lan",    "tailnet",
                                        "auto",     "custom", NULL};
    static const char *const auths[] = {"token", "password", NULL};
    const char *port = cli_opt(o->ctx, "gateway-port");
    const char *bind = cli_opt(o->ctx, "gateway-bind");
    const char *auth = cli_opt(o->ctx, "gateway-auth");
    int64_t n;

    if (port && str_parse_int64(port, 1, 65535, &n))
        return cli_usage_error(o->ctx, "invalid --gateway-port '%s' (1-65535)",
                               port);
    if (bind && !one_of(bind, binds))
        return cli_usage_error(o->ctx,
                               "invalid --gateway-bind '%s' (loopback, lan, "
                               "tailnet, auto or custom)",
                               bind);
    if (auth && !one_of(auth, auths))
        return cli_usage_error(o->ctx,
                               "invalid --gateway-auth '%s' (token or "
                               "password)",
                               auth);
    o->port = port ? (int)n : 0;
    o->bind = bind ? xstrdup(bind) : NULL;
    o->gw_auth = auth ? xstrdup(auth) : NULL;
    return 0;
}

/* A secret flag's value ("-" reads stdin), scrubbed from argv. */
static char *secret_flag(struct onboard *o, const char *name)
{
    const char *v = cli_opt(o->ctx, name);
    bool too_big = false;
    char *copy;

    if (!v)
        return NULL;
    copy = !strcmp(v, "-") ? read_stdin_secret(SECRET_LINE_MAX, &too_big)
                           : xstrdup(v);
    cli_scrub_opt(o->ctx, name);
    if (!copy)
        cli_error("--%s -: %s", name,
                  too_big ? "the value on stdin is too large"
                          : "nothing on "
                            "stdin");
    return copy;
}

static int parse_gateway_secrets(struct onboard *o)
{
    o->gw_token = secret_flag(o, "gateway-token");
    o->gw_password = secret_flag(o, "gateway-password");
    if (cli_opt(o->ctx, "gateway-token") && !o->gw_token)
        return CLI_FAIL;
    if (cli_opt(o->ctx, "gateway-password") && !o->gw_password)
        return CLI_FAIL;
    if (o->gw_auth && !strcmp(o->gw_auth, "password") && !o->gw_password &&
        !json_object_get(
            jsonx_get_obj(jsonx_get_obj(o->cfg.root, "gateway"), "auth"),
            "password"))
        return cli_error("--gateway-auth password needs --gateway-password "
                         "<password>");
    return 0;
}

/* ---- the credential from flags --------------------------------------- */

bool onboard_has_cred_flag(const struct cli_ctx *ctx)
{
    return cli_opt(ctx, "anthropic-api-key") || cli_opt(ctx, "token") ||
           cli_opt(ctx, "openrouter-api-key") || cli_opt(ctx, "auth-choice");
}

/* Infer the auth choice from which key flags were given. */
static void infer_choice(struct onboard *o)
{
    const char *env = getenv("ANTHROPIC_API_KEY");

    if (o->auth != OB_UNSET)
        return;
    if (cli_opt(o->ctx, "anthropic-api-key"))
        o->auth = OB_API_KEY;
    else if (cli_opt(o->ctx, "token"))
        o->auth = OB_TOKEN;
    else if (cli_opt(o->ctx, "openrouter-api-key"))
        o->auth = OB_OPENROUTER;
    else if (!o->interactive && env && *env)
        o->auth = OB_API_KEY;
    else if (!o->interactive)
        o->auth = OB_SKIP;
}

/* An API key from its flag, else the environment (or a keyRef to it). */
static int key_from_flags(struct onboard *o, const char *flag, const char *env)
{
    const char *mode = cli_opt(o->ctx, "secret-input-mode");
    const char *ev = getenv(env);
    char *raw = secret_flag(o, flag);
    int rc;

    o->type = AUTH_API_KEY;
    if (mode && !strcmp(mode, "ref")) {
        wipe_free(raw);
        if (!ev || !*ev)
            return cli_error("--secret-input-mode ref stores a reference to "
                             "%s, which is not set in the environment",
                             env);
        o->ref_env = env;
        return onboard_take_secret(o, ev);
    }
    if (!raw && cli_opt(o->ctx, flag))
        return CLI_FAIL;
    if (!raw && (!ev || !*ev))
        return cli_error("--auth-choice %s needs --%s <key> (or %s in the "
                         "environment)",
                         onboard_auth_name(o->auth), flag, env);
    rc = onboard_take_secret(o, raw ? raw : ev);
    wipe_free(raw);
    return rc;
}

static int token_from_flags(struct onboard *o)
{
    const char *prov = cli_opt(o->ctx, "token-provider");
    const char *exp = cli_opt(o->ctx, "token-expires-in");
    char *raw;
    int64_t ms;
    int rc;

    auth_provider_normalize(prov ? prov : "anthropic", o->provider,
                            sizeof(o->provider));
    o->type = AUTH_TOKEN;
    if (exp && duration_parse_ms(exp, &ms))
        return cli_error("invalid --token-expires-in '%s' (use e.g. 365d, "
                         "12h or 30m)",
                         exp);
    o->has_expires = exp != NULL;
    o->expires = exp ? clock_wall_ms() + ms : 0;
    raw = secret_flag(o, "token");
    if (!raw)
        return cli_error("--auth-choice token needs --token <token> (from "
                         "`claude setup-token` for Anthropic)");
    rc = onboard_take_secret(o, raw);
    wipe_free(raw);
    return rc;
}

static int profile_from_flags(struct onboard *o)
{
    const char *why;

    o->profile_id = profile_id_make(
        o->provider, cli_opt(o->ctx, "token-profile-id"), "default", &why);
    return o->profile_id ? 0 : cli_error("invalid --token-profile-id: %s", why);
}

int onboard_cred_from_flags(struct onboard *o)
{
    int rc = 0;

    /* the seed's `--auth-choice setup-token` with the token given */
    if (o->auth == OB_SETUP_TOKEN && cli_opt(o->ctx, "token"))
        o->auth = OB_TOKEN;

    str_copy(o->provider, sizeof(o->provider),
             o->auth == OB_OPENROUTER ? "openrouter" : "anthropic");
    if (o->auth == OB_API_KEY)
        rc = key_from_flags(o, "anthropic-api-key", "ANTHROPIC_API_KEY");
    else if (o->auth == OB_OPENROUTER)
        rc = key_from_flags(o, "openrouter-api-key", "OPENROUTER_API_KEY");
    else if (o->auth == OB_TOKEN)
        rc = token_from_flags(o);
    else if (o->auth == OB_SETUP_TOKEN)
        rc = cli_error("Anthropic setup-token auth requires --token with a "
                       "valid setup-token: run `claude setup-token` on any "
                       "machine and pass what it prints with --token <token> "
                       "(or --token - to read it from stdin), or run "
                       "`openclaw onboard` in a terminal");
    if (!rc && o->secret)
        rc = profile_from_flags(o);
    return rc;
}

/* ---- writing --------------------------------------------------------- */

static void set_model(json_t *raw, const char *model)
{
    json_t *d = jsonx_obj_at(jsonx_obj_at(raw, "agents"), "defaults");
    json_t *m = json_object_get(d, "model"), *models;

    if (json_is_string(m)) {
        m = json_pack("{s:s}", "primary", json_string_value(m));
        json_object_set_new(d, "model", m);
    }
    m = jsonx_obj_at(d, "model");
    json_object_set_new(m, "primary", json_string(model));
    models = jsonx_obj_at(d, "models");
    if (!json_object_get(models, model))
        json_object_set_new(models, model, json_object());
}

static void set_gateway(const struct onboard *o, json_t *raw)
{
    json_t *g = jsonx_obj_at(raw, "gateway"), *a;

    if (!jsonx_get_str(g, "mode"))
        json_object_set_new(g, "mode", json_string("local"));
    if (o->port || !json_object_get(g, "port"))
        json_object_set_new(g, "port", json_integer(o->port ? o->port : 18789));
    if (o->bind || !json_object_get(g, "bind"))
        json_object_set_new(g, "bind",
                            json_string(o->bind ? o->bind : "loopback"));
    a = jsonx_obj_at(g, "auth");
    if (o->gw_auth || !json_object_get(a, "mode"))
        json_object_set_new(a, "mode",
                            json_string(o->gw_auth ? o->gw_auth : "token"));
    if (o->gw_token)
        json_object_set_new(a, "token", json_string(o->gw_token));
    if (o->gw_password)
        json_object_set_new(a, "password", json_string(o->gw_password));
}

static void set_wizard(json_t *raw)
{
    json_t *w = jsonx_obj_at(raw, "wizard");
    char now[CLOCK_ISO_MAX];

    clock_iso8601(clock_real_wall_ms(), now, sizeof(now));
    json_object_set_new(w, "lastRunAt", json_string(now));
    json_object_set_new(w, "lastRunVersion", json_string(OC_VERSION));
    json_object_set_new(w, "lastRunCommand", json_string("onboard"));
    json_object_set_new(w, "lastRunMode", json_string("local"));
}

static int apply_onboard(struct config *cfg, void *arg)
{
    const struct onboard *o = arg;
    json_t *d;

    if (o->reset)
        json_object_clear(cfg->raw);
    /* "Keep current settings": only the credential (and what flags ask) */
    if (o->workspace && (!o->keep || cli_opt(o->ctx, "workspace"))) {
        d = jsonx_obj_at(jsonx_obj_at(cfg->raw, "agents"), "defaults");
        json_object_set_new(d, "workspace", json_string(o->workspace));
    }
    if (o->model)
        set_model(cfg->raw, o->model);
    if (!o->keep || o->port || o->bind || o->gw_auth || o->gw_token ||
        o->gw_password)
        set_gateway(o, cfg->raw);
    if (o->secret)
        auth_meta_apply(cfg->raw, o->profile_id, o->provider,
                        auth_type_name(o->type));
    set_wizard(cfg->raw);
    return 0;
}

/* The gateway token to write: the flag's, else a new one when token auth
 * has none yet. */
static int make_gateway_token(struct onboard *o)
{
    json_t *auth = jsonx_get_obj(
        jsonx_get_obj(o->reset ? NULL : o->cfg.raw, "gateway"), "auth");
    const char *mode = o->gw_auth ? o->gw_auth : jsonx_get_str(auth, "mode");
    char hex[64];

    if (o->gw_token || (mode && strcmp(mode, "token") != 0) ||
        json_object_get(auth, "token") ||
        (o->keep && !o->port && !o->bind && !o->gw_auth && !o->gw_password))
        return 0;
    if (secret_random_hex(24, hex, sizeof(hex)))
        return cli_error("cannot generate a gateway token: no randomness");
    o->gw_token = xstrdup(hex);
    secret_wipe(hex, sizeof(hex));
    return 0;
}

static int make_dirs(struct onboard *o, struct agent_ctx *a, bool quiet)
{
    char *sessions = paths_sessions_dir(cli_paths(o->ctx), a->id);
    struct oc_err err;
    char *shown;
    int rc = 0;

    if (fsx_mkdir_p(o->workspace, FSX_DIR_MODE, &err) ||
        fsx_mkdir_p(sessions, FSX_DIR_MODE, &err))
        rc = cli_error("%s", oc_err_msg(&err));
    if (!rc && !quiet) {
        shown = cli_display_path(o->ctx, o->workspace);
        printf("Workspace OK: %s\n", shown);
        free(shown);
        shown = cli_display_path(o->ctx, sessions);
        printf("Sessions OK: %s\n", shown);
        free(shown);
    }
    free(sessions);
    return rc;
}

static bool install_daemon(const struct onboard *o)
{
    return cli_flag(o->ctx, "install-daemon") &&
           !cli_flag(o->ctx, "skip-daemon") &&
           !cli_flag(o->ctx, "no-install-daemon");
}

static void print_json(const struct onboard *o, json_t *raw)
{
    json_t *g = jsonx_get_obj(raw, "gateway");
    int64_t port = 18789;
    json_t *out;
    char *text;

    jsonx_get_int(g, "port", &port);
    out = json_pack(
        "{s:b, s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s}, s:b}", "ok", 1, "mode",
        "local", "workspace", o->workspace, "authChoice",
        onboard_auth_name(o->auth), "gateway", "port", (json_int_t)port, "bind",
        jsonx_get_str(g, "bind") ? jsonx_get_str(g, "bind") : "loopback",
        "authMode",
        jsonx_get_str(jsonx_get_obj(g, "auth"), "mode")
            ? jsonx_get_str(jsonx_get_obj(g, "auth"), "mode")
            : "token",
        "tailscaleMode", "off", "installDaemon", install_daemon(o));
    if (o->profile_id)
        json_object_set_new(out, "authProfile", json_string(o->profile_id));
    if (o->model)
        json_object_set_new(out, "model", json_string(o->model));
    text = jsonx_dumps(out, 2);
    printf("%s\n", text);
    free(text);
    json_decref(out);
}

static void print_summary(struct onboard *o, struct agent_ctx *a)
{
    struct config cfg;
    json_t *g;
    int64_t port = 18789;

    if (cli_load_config(o->ctx, &cfg, 0) == 0) {
        if (cli_flag(o->ctx, "json")) {
            print_json(o, cfg.raw);
        } else {
            g = jsonx_get_obj(cfg.raw, "gateway");
            jsonx_get_int(g, "port", &port);
            printf("Default model: %s\n", modelref_default(cfg.root, a->id));
            printf("Gateway: port %lld, bind %s, %s auth (settings in "
                   "gateway.*)\n",
                   (long long)port,
                   jsonx_get_str(g, "bind") ? jsonx_get_str(g, "bind")
                                            : "loopback",
                   jsonx_get_str(jsonx_get_obj(g, "auth"), "mode")
                       ? jsonx_get_str(jsonx_get_obj(g, "auth"), "mode")
                       : "token");
            printf("Next: `openclaw models status --check` to see the "
                   "credentials in use, `openclaw doctor` for a full "
                   "check.\n");
        }
    }
    config_release(&cfg);
}

static int write_all(struct onboard *o)
{
    struct auth_save s = {o->provider, o->profile_id,  o->type,   o->secret,
                          o->ref_env,  o->has_expires, o->expires};
    struct config_write_result res;
    struct agent_ctx a;
    bool json = cli_flag(o->ctx, "json");
    int rc = make_gateway_token(o);

    if (!rc)
        rc = cli_agent_open(o->ctx, &a);
    if (rc)
        return rc;
    rc = make_dirs(o, &a, json);
    if (!rc && o->secret)
        rc = cli_auth_store_put(o->ctx, &a, &s);
    if (!rc)
        rc = cli_config_edit(o->ctx, apply_onboard, o, false, &res);
    if (!rc) {
        if (!json)
            cli_report_config_written(o->ctx, &res);
        config_write_result_release(&res);
        if (o->secret && !json)
            cli_auth_print_saved(o->ctx, &a, &s);
        print_summary(o, &a);
    }
    cli_agent_close(&a);
    return rc;
}

/* ---- the command ----------------------------------------------------- */

static int risk_refused(void)
{
    fprintf(stderr,
            "Non-interactive setup requires explicit risk acknowledgement.\n"
            "Read: https://docs.openclaw.ai/security\n"
            "Re-run with: openclaw onboard --non-interactive --accept-risk "
            "...\n");
    return CLI_FAIL;
}

static int default_workspace(struct onboard *o)
{
    const char *w = cli_opt(o->ctx, "workspace");
    const char *have = jsonx_get_str(
        jsonx_get_obj(jsonx_get_obj(o->cfg.root, "agents"), "defaults"),
        "workspace");

    char cwd[4096], *p;

    if (w && *w)
        p = path_expand_tilde(w, cli_paths(o->ctx)->home);
    else if (have && *have && !o->reset)
        p = path_expand_tilde(have, cli_paths(o->ctx)->home);
    else
        p = path_join(cli_paths(o->ctx)->state_dir, "workspace");
    if (p[0] != '/' && getcwd(cwd, sizeof(cwd))) {
        o->workspace = path_join(cwd, p);
        free(p);
    } else {
        o->workspace = p;
    }
    return 0;
}

static int prepare(struct onboard *o)
{
    int rc = cli_load_config(o->ctx, &o->cfg, CONFIG_APPLY_ENV);

    if (!rc)
        rc = cli_require_valid(o->ctx, &o->cfg);
    if (!rc)
        rc = parse_choice(o);
    if (!rc)
        rc = parse_gateway_flags(o);
    if (!rc)
        rc = parse_gateway_secrets(o);
    if (!rc && cli_opt(o->ctx, "mode") &&
        strcmp(cli_opt(o->ctx, "mode"), "local") != 0)
        rc = cli_error("--mode %s is not supported: this openclaw runs the "
                       "gateway locally (--mode local)",
                       cli_opt(o->ctx, "mode"));
    o->reset = cli_flag(o->ctx, "reset");
    o->manual_gateway = cli_opt(o->ctx, "flow") &&
                        strcmp(cli_opt(o->ctx, "flow"), "quickstart") != 0;
    return rc;
}

static int run_onboard(struct cli_ctx *ctx)
{
    struct onboard o = {.ctx = ctx};
    int rc;

    o.interactive = !cli_flag(ctx, "non-interactive") && prompt_interactive();
    if (cli_flag(ctx, "non-interactive") && !cli_flag(ctx, "accept-risk"))
        return risk_refused();
    if (!o.interactive && !cli_flag(ctx, "non-interactive")) {
        /* no terminal: the flags must say what to set up (the seed's
         * `onboard --anthropic-api-key "$ANTHROPIC_API_KEY"`) */
        if (!onboard_has_cred_flag(ctx))
            return cli_error("onboard is interactive and there is no "
                             "terminal; pass a credential (e.g. "
                             "--anthropic-api-key) or use `openclaw onboard "
                             "--non-interactive --accept-risk` with flags "
                             "(see --help)");
        if (!cli_flag(ctx, "accept-risk"))
            fprintf(stderr, "Security notice: an assistant acts with these "
                            "credentials. Read: "
                            "https://docs.openclaw.ai/security\n");
    }
    rc = prepare(&o);
    if (!rc) {
        infer_choice(&o);
        rc = o.interactive ? onboard_wizard(&o) : onboard_cred_from_flags(&o);
    }
    if (!rc)
        rc = default_workspace(&o);
    if (!rc && !o.model && !o.keep &&
        (o.reset || !modelref_configured_primary(o.cfg.root, "main")))
        o.model = xstrdup(o.auth == OB_OPENROUTER
                              ? "openrouter/anthropic/claude-opus-4.5"
                              : catalogue_default_model());
    if (!rc)
        rc = write_all(&o);
    if (!rc && install_daemon(&o))
        rc = cli_gateway_install_daemon(ctx, cli_flag(ctx, "json"));
    onboard_release(&o);
    return rc;
}

static const struct cli_opt onboard_opts[] = {
    {"non-interactive", 0, NULL, "Run without prompts (needs --accept-risk)"},
    {"accept-risk", 0, NULL,
     "Acknowledge that agents are powerful and full system access is risky "
     "(required for --non-interactive)"},
    {"auth-choice", 0, "<choice>",
     "Auth: apiKey|token|setup-token|openrouter-api-key|skip"},
    {"anthropic-api-key", 0, "<key>",
     "Anthropic API key (\"-\" reads stdin; ANTHROPIC_API_KEY also works)"},
    {"openrouter-api-key", 0, "<key>",
     "OpenRouter API key (\"-\" reads stdin; OPENROUTER_API_KEY also works)"},
    {"token", 0, "<token>",
     "Token for --auth-choice token (\"-\" reads stdin)"},
    {"token-provider", 0, "<id>", "Provider of --token (default anthropic)"},
    {"token-profile-id", 0, "<id>",
     "Auth profile id (default <provider>:default)"},
    {"token-expires-in", 0, "<duration>", "Token expiry, e.g. 365d or 12h"},
    {"secret-input-mode", 0, "<mode>",
     "plaintext (default) or ref: store a reference to the env variable"},
    {"workspace", 0, "<dir>",
     "Agent workspace (default ~/.openclaw/workspace)"},
    {"reset", 0, NULL,
     "Start a new config (the old one is kept as .bak; "
     "credentials are kept)"},
    {"flow", 0, "<flow>", "quickstart (defaults) or manual/advanced"},
    {"mode", 0, "<mode>", "local (the only mode here)"},
    {"gateway-port", 0, "<port>", "Gateway port (default 18789)"},
    {"gateway-bind", 0, "<mode>",
     "Gateway bind: loopback|lan|tailnet|auto|custom"},
    {"gateway-auth", 0, "<mode>", "Gateway auth: token|password"},
    {"gateway-token", 0, "<token>",
     "Gateway token (default: keep, or generate one)"},
    {"gateway-password", 0, "<password>", "Gateway password (password auth)"},
    {"install-daemon", 0, NULL,
     "Then install the gateway service (as `openclaw gateway install`)"},
    {"no-install-daemon", 0, NULL, "Do not install the gateway service"},
    {"skip-daemon", 0, NULL, "Same as --no-install-daemon"},
    {"daemon-runtime", 0, "<runtime>", "Accepted for compatibility"},
    {"skip-health", 0, NULL, "Accepted for compatibility (no health wait)"},
    {"skip-channels", 0, NULL, "Accepted for compatibility"},
    {"skip-skills", 0, NULL, "Accepted for compatibility"},
    {"skip-search", 0, NULL, "Accepted for compatibility"},
    {"skip-ui", 0, NULL, "Accepted for compatibility"},
    {"json", 0, NULL, "Print a JSON summary"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_onboard = {
    .name = "onboard",
    .summary = "Set up a credential, default model and gateway settings "
               "(wizard or flags)",
    .help = "Examples:\n"
            "  openclaw onboard\n"
            "  openclaw onboard --non-interactive --accept-risk "
            "--anthropic-api-key \"$ANTHROPIC_API_KEY\"\n"
            "  openclaw onboard --non-interactive --accept-risk --auth-choice "
            "token \\\n      --token-provider anthropic --token - "
            "--token-expires-in 365d < token.txt\n"
            "An existing config is modified, never replaced (unless --reset). "
            "Keys passed as\nflags are visible to other users in `ps` while "
            "the command runs: prefer the\nenvironment or \"-\" with stdin.\n",
    .opts = onboard_opts,
    .max_args = 0,
    .run = run_onboard,
};
