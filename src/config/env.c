/*
 * Environment layering: dotenv files, the config env block, and a record
 * of where every key we set came from (see env.h). The login-shell import
 * lives in shellenv.c. Tested in tests/unit/test_env.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/log.h"
#include "base/path.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/dotenv.h"
#include "config/env.h"
#include "config/env_internal.h"
#include "base/banned.h"

#define DOTENV_MAX ((size_t)1 << 20)

struct origin {
    char *key;
    enum env_src src;
    char *file;
};

static struct origin *origins;
static size_t norigins, corigins;
static char **base_env; /* the process environment before any layer */

extern char **environ;
static struct env_refusal *refusals;
static size_t nrefusals, crefusals;

struct provider_keys {
    const char *provider;
    const char *keys[4];
};

/* reference openclaw-auth.md §5.1 (first non-empty wins) */
static const struct provider_keys provider_table[] = {
    {"anthropic", {"ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY", NULL}},
    {"openrouter", {"OPENROUTER_API_KEY", NULL}},
    {"openai", {"OPENAI_API_KEY", NULL}},
    {"google", {"GEMINI_API_KEY", "GOOGLE_API_KEY", NULL}},
    {"groq", {"GROQ_API_KEY", NULL}},
    {"mistral", {"MISTRAL_API_KEY", NULL}},
    {"xai", {"XAI_API_KEY", NULL}},
    {"deepseek", {"DEEPSEEK_API_KEY", NULL}},
    {"together", {"TOGETHER_API_KEY", NULL}},
    {"cerebras", {"CEREBRAS_API_KEY", NULL}},
    {"zai", {"ZAI_API_KEY", "Z_AI_API_KEY", NULL}},
    {"minimax", {"MINIMAX_API_KEY", NULL}},
    {"moonshot", {"MOONSHOT_API_KEY", NULL}},
    {"github-copilot", {"COPILOT_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"}},
    {NULL, {NULL}},
};

static const char *const no_keys[] = {NULL};

const char *const *env_provider_keys(const char *provider)
{
    size_t i;

    for (i = 0; provider && provider_table[i].provider; i++)
        if (strcmp(provider_table[i].provider, provider) == 0)
            return provider_table[i].keys;
    return no_keys;
}

static bool in_provider_table(const char *key)
{
    size_t i, j;

    for (i = 0; provider_table[i].provider; i++)
        for (j = 0; j < 4 && provider_table[i].keys[j]; j++)
            if (strcmp(provider_table[i].keys[j], key) == 0)
                return true;
    return false;
}

bool env_is_provider_key(const char *key)
{
    return in_provider_table(key);
}

bool env_is_credential_key(const char *key)
{
    static const char *const suffixes[] = {
        "_API_KEY", "_API_KEYS", "_OAUTH_TOKEN", "_AUTH_TOKEN", "_TOKEN",
        "_SECRET",  "_PASSWORD", "_ACCESS_KEY",  NULL};
    size_t i;

    if (in_provider_table(key) || strstr(key, "_API_KEY_"))
        return true;
    for (i = 0; suffixes[i]; i++)
        if (str_has_suffix(key, suffixes[i]))
            return true;
    return false;
}

bool env_is_dangerous_key(const char *key)
{
    static const char *const exact[] = {"NODE_OPTIONS",
                                        "NODE_PATH",
                                        "PYTHONPATH",
                                        "PYTHONHOME",
                                        "PERL5LIB",
                                        "RUBYLIB",
                                        "BASH_ENV",
                                        "ENV",
                                        "SHELL",
                                        "IFS",
                                        "SSLKEYLOGFILE",
                                        "OPENSSL_CONF",
                                        "GCONV_PATH",
                                        "LOCPATH",
                                        "HOME",
                                        "PATH",
                                        "ZDOTDIR",
                                        "SHELLOPTS",
                                        "BASHOPTS",
                                        "PS4",
                                        "PS1",
                                        "PROMPT_COMMAND",
                                        "BASH_XTRACEFD",
                                        "CDPATH",
                                        "GLOBIGNORE",
                                        "HISTFILE",
                                        NULL};
    static const char *const prefixes[] = {"LD_", "DYLD_", "BASH_FUNC_",
                                           "MALLOC_", NULL};
    size_t i;

    for (i = 0; exact[i]; i++)
        if (strcmp(exact[i], key) == 0)
            return true;
    for (i = 0; prefixes[i]; i++)
        if (str_has_prefix(key, prefixes[i]))
            return true;
    return false;
}

/* Keys a working directory's .env may not set (SPEC; OpenClaw's list). */
static const char *cwd_refusal_reason(const char *key)
{
    static const char *const exact[] = {"PI_CODING_AGENT_DIR",
                                        "HTTP_PROXY",
                                        "HTTPS_PROXY",
                                        "ALL_PROXY",
                                        "NO_PROXY",
                                        "http_proxy",
                                        "https_proxy",
                                        "all_proxy",
                                        "no_proxy",
                                        "NODE_TLS_REJECT_UNAUTHORIZED",
                                        "SSL_CERT_FILE",
                                        "SSL_CERT_DIR",
                                        "CURL_CA_BUNDLE",
                                        NULL};
    size_t i;

    if (env_is_credential_key(key))
        return "provider credentials are not read from a working "
               "directory's .env";
    if (str_has_prefix(key, "OPENCLAW_") || str_has_prefix(key, "CLAWDBOT_") ||
        str_has_prefix(key, "CLAWHUB_"))
        return "OPENCLAW_* settings are not read from a working "
               "directory's .env";
    if (str_has_suffix(key, "_BASE_URL"))
        return "endpoint overrides are not read from a working "
               "directory's .env";
    for (i = 0; exact[i]; i++)
        if (strcmp(exact[i], key) == 0)
            return "network and TLS settings are not read from a working "
                   "directory's .env";
    if (env_is_dangerous_key(key))
        return "host variables are not read from a working directory's "
               ".env";
    return NULL;
}

const char *env_src_name(enum env_src src)
{
    switch (src) {
    case ENV_SRC_PROCESS:
        return "process env";
    case ENV_SRC_CWD_DOTENV:
        return "./.env";
    case ENV_SRC_STATE_DOTENV:
        return "state .env";
    case ENV_SRC_CONFIG:
        return "config env";
    case ENV_SRC_SHELL:
        return "login shell";
    default:
        return "unset";
    }
}

static struct origin *find_origin(const char *key)
{
    size_t i;

    for (i = 0; i < norigins; i++)
        if (strcmp(origins[i].key, key) == 0)
            return &origins[i];
    return NULL;
}

static void record_origin(const char *key, enum env_src src, const char *file)
{
    struct origin *o = find_origin(key);

    if (!o) {
        if (norigins == corigins) {
            corigins = corigins ? corigins * 2 : 16;
            origins = xreallocarray(origins, corigins, sizeof(*origins));
        }
        o = &origins[norigins++];
        o->key = xstrdup(key);
    } else {
        free(o->file);
    }
    o->src = src;
    o->file = file ? xstrdup(file) : NULL;
}

void env_record_refusal(const char *key, const char *file, int line,
                        const char *reason)
{
    struct env_refusal *r;

    if (nrefusals == crefusals) {
        crefusals = crefusals ? crefusals * 2 : 8;
        refusals = xreallocarray(refusals, crefusals, sizeof(*refusals));
    }
    r = &refusals[nrefusals++];
    r->key = xstrdup(key);
    r->file = file ? xstrdup(file) : NULL;
    r->line = line;
    r->reason = reason;
}

/* Remember the environment as the user gave it, before any layer adds
 * to it: the login shell import runs with that, never with keys a
 * working-directory .env supplied. */
static void snapshot_base(void)
{
    size_t n = 0, i;

    if (base_env)
        return;
    while (environ && environ[n])
        n++;
    base_env = xcalloc(n + 1, sizeof(*base_env));
    for (i = 0; i < n; i++)
        base_env[i] = xstrdup(environ[i]);
}

char *const *env_base_environ(void)
{
    return base_env ? base_env : environ;
}

bool env_is_missing(const char *key)
{
    const char *v = getenv(key);

    return !v || !*v;
}

bool env_set_missing(const char *key, const char *value, enum env_src src,
                     const char *file)
{
    snapshot_base();
    /* Test hooks come from the process environment only. */
    if (str_has_prefix(key, "OPENCLAW_TEST_"))
        return false;
    if (!env_is_missing(key) || !*value)
        return false;
    if (setenv(key, value, 1) != 0)
        return false;
    record_origin(key, src, file);
    return true;
}

enum env_src env_origin(const char *key, const char **file)
{
    struct origin *o = find_origin(key);

    if (file)
        *file = NULL;
    if (env_is_missing(key))
        return ENV_SRC_UNSET;
    if (!o)
        return ENV_SRC_PROCESS;
    if (file)
        *file = o->file;
    return o->src;
}

static int load_dotenv(const char *path, enum env_src src, struct oc_err *err)
{
    struct dotenv d;
    struct buf b;
    const char *why;
    size_t i;
    int rc;

    buf_init(&b, DOTENV_MAX);
    rc = fsx_read_file(path, DOTENV_MAX, &b, err);
    if (rc == OC_ENOENT)
        return 0;
    if (rc)
        return rc;
    dotenv_init(&d);
    dotenv_parse(b.p, b.len, &d);
    buf_wipe_release(&b);
    for (i = 0; i < d.n; i++) {
        why = src == ENV_SRC_CWD_DOTENV ? cwd_refusal_reason(d.v[i].key) : NULL;
        if (why)
            env_record_refusal(d.v[i].key, path, d.v[i].line, why);
        else
            env_set_missing(d.v[i].key, d.v[i].value, src, path);
    }
    for (i = 0; i < d.nbad; i++)
        log_warn("%s:%d: not a KEY=VALUE line; ignored", path, d.bad_lines[i]);
    dotenv_release(&d);
    return 0;
}

int env_load_cwd_dotenv(struct oc_err *err)
{
    char *cwd = getcwd(NULL, 0);
    char *path;
    int rc;

    if (!cwd)
        return 0;
    path = path_join(cwd, ".env");
    rc = load_dotenv(path, ENV_SRC_CWD_DOTENV, err);
    free(path);
    free(cwd);
    return rc;
}

int env_load_state_dotenv(const struct oc_paths *p, struct oc_err *err)
{
    char *path = paths_state_file(p, ".env");
    int rc = load_dotenv(path, ENV_SRC_STATE_DOTENV, err);

    free(path);
    return rc;
}

static int apply_member(const char *key, const json_t *v, const char *file)
{
    const char *s;

    if (!json_is_string(v))
        return 0;
    s = json_string_value(v);
    if (strstr(s, "${"))
        return 0;
    if (env_is_dangerous_key(key)) {
        env_record_refusal(key, file, 0,
                           "host variables are not taken from the config "
                           "env block");
        return 0;
    }
    return env_set_missing(key, s, ENV_SRC_CONFIG, file) ? 1 : 0;
}

int env_apply_config(json_t *root, const char *config_path)
{
    json_t *env = root ? json_object_get(root, "env") : NULL;
    json_t *vars, *v;
    const char *key;
    int applied = 0;

    if (!json_is_object(env))
        return 0;
    json_object_foreach (env, key, v) {
        if (strcmp(key, "vars") != 0 && strcmp(key, "shellEnv") != 0)
            applied += apply_member(key, v, config_path);
    }
    vars = json_object_get(env, "vars");
    if (json_is_object(vars))
        json_object_foreach (vars, key, v)
            applied += apply_member(key, v, config_path);
    return applied;
}

size_t env_refusal_count(void)
{
    return nrefusals;
}

const struct env_refusal *env_refusal_at(size_t i)
{
    return i < nrefusals ? &refusals[i] : NULL;
}

void env_reset(void)
{
    size_t i;

    for (i = 0; i < norigins; i++) {
        free(origins[i].key);
        free(origins[i].file);
    }
    for (i = 0; i < nrefusals; i++) {
        free(refusals[i].key);
        free(refusals[i].file);
    }
    for (i = 0; base_env && base_env[i]; i++)
        free(base_env[i]);
    free(base_env);
    base_env = NULL;
    free(origins);
    free(refusals);
    origins = NULL;
    refusals = NULL;
    norigins = corigins = nrefusals = crefusals = 0;
    env_shell_reset();
}
