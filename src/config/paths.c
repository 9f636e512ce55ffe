/*
 * Resolution of home, state dir, config path and agent dirs from the
 * environment (see paths.h). Tested in tests/unit/test_paths.c.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fsx.h"
#include "base/path.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/paths.h"
#include "base/banned.h"

/* An env value, trimmed; NULL when unset, empty, "undefined" or "null". */
static char *env_value(const char *name)
{
    const char *v = getenv(name);
    char *t;

    if (!v)
        return NULL;
    t = str_trim_dup(v);
    if (!*t || !strcmp(t, "undefined") || !strcmp(t, "null"))
        FREE_AND_NULL(t);
    return t;
}

static char *os_home(void)
{
    const char *h = getenv("HOME");
    struct passwd *pw;
    char *cwd;

    if (h && *h)
        return xstrdup(h);
    pw = getpwuid(getuid());
    if (pw && pw->pw_dir && *pw->pw_dir)
        return xstrdup(pw->pw_dir);
    cwd = getcwd(NULL, 0);
    return cwd ? cwd : NULL;
}

/* Effective home; *overridden says it came from OPENCLAW_HOME. */
static char *effective_home(bool *overridden)
{
    char *oh = env_value("OPENCLAW_HOME");
    char *os = os_home(), *r;

    *overridden = oh != NULL;
    if (!oh)
        return os;
    r = path_expand_tilde(oh, os);
    free(oh);
    free(os);
    return r;
}

bool paths_valid_profile_name(const char *name)
{
    size_t i, n = strlen(name);

    if (n == 0 || n > 64 || !isalnum((unsigned char)name[0]))
        return false;
    for (i = 1; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
            name[i] != '-')
            return false;
    return true;
}

/* setenv unless the variable holds a real value already ("", blank,
 * "undefined" and "null" count as unset, as everywhere else). */
static void set_default(const char *name, const char *value)
{
    char *cur = env_value(name);

    if (!cur)
        setenv(name, value, 1);
    free(cur);
}

int paths_apply_profile(const char *name, bool dev, struct oc_err *err)
{
    char *home, *state, *config, *chosen;
    bool ov;

    if (dev)
        name = "dev";
    if (!paths_valid_profile_name(name))
        return oc_err_set(err, OC_EINVAL,
                          "invalid profile name '%s' (use letters, digits, "
                          "'-' and '_', at most 64 characters)",
                          name);
    home = effective_home(&ov);
    if (!home)
        return oc_err_set(err, OC_EIO, "cannot determine the home directory");
    state = strcmp(name, "default") == 0
                ? xasprintf("%s/.openclaw", home)
                : xasprintf("%s/.openclaw-%s", home, name);
    set_default("OPENCLAW_PROFILE", name);
    set_default("OPENCLAW_STATE_DIR", state);
    chosen = env_value("OPENCLAW_STATE_DIR");
    config = path_expand_tilde(chosen, home);
    free(chosen);
    chosen = path_join(config, "openclaw.json");
    set_default("OPENCLAW_CONFIG_PATH", chosen);
    if (dev)
        set_default("OPENCLAW_GATEWAY_PORT", "19001");
    free(chosen);
    free(config);
    free(state);
    free(home);
    return 0;
}

/* First existing of dir/candidates[i]; else dir/candidates[0]. */
static char *first_existing(const char *dir, const char *const *candidates)
{
    size_t i;
    char *p;

    for (i = 0; candidates[i]; i++) {
        p = path_join(dir, candidates[i]);
        if (fsx_exists(p))
            return p;
        free(p);
    }
    return path_join(dir, candidates[0]);
}

static char *resolve_state_dir(const char *home)
{
    static const char *const names[] = {".openclaw", ".clawdbot", NULL};
    char *env = env_value("OPENCLAW_STATE_DIR"), *r;

    if (!env)
        return first_existing(home, names);
    r = path_expand_tilde(env, home);
    free(env);
    return r;
}

static char *resolve_config_path(const char *home, const char *state)
{
    static const char *const names[] = {"openclaw.json", "clawdbot.json", NULL};
    char *env = env_value("OPENCLAW_CONFIG_PATH"), *r;

    if (!env)
        return first_existing(state, names);
    r = path_expand_tilde(env, home);
    free(env);
    return r;
}

/* Make p absolute against the current directory. */
static char *absolute(char *p)
{
    char *cwd, *r;

    if (p[0] == '/')
        return p;
    cwd = getcwd(NULL, 0);
    r = path_join(cwd ? cwd : "/", p);
    free(cwd);
    free(p);
    return r;
}

int paths_resolve(struct oc_paths *p, struct oc_err *err)
{
    memset(p, 0, sizeof(*p));
    p->home = effective_home(&p->home_overridden);
    if (!p->home)
        return oc_err_set(err, OC_EIO,
                          "cannot determine the home directory; set HOME or "
                          "OPENCLAW_STATE_DIR");
    p->state_dir = absolute(resolve_state_dir(p->home));
    p->config_path = absolute(resolve_config_path(p->home, p->state_dir));
    p->profile = env_value("OPENCLAW_PROFILE");
    return 0;
}

void paths_release(struct oc_paths *p)
{
    free(p->home);
    free(p->state_dir);
    free(p->config_path);
    free(p->profile);
    memset(p, 0, sizeof(*p));
}

char *paths_shorten(const struct oc_paths *p, const char *abs)
{
    size_t n = strlen(p->home);

    if (n > 1 && strncmp(abs, p->home, n) == 0 &&
        (abs[n] == '/' || abs[n] == '\0'))
        return xasprintf("%s%s", p->home_overridden ? "$OPENCLAW_HOME" : "~",
                         abs + n);
    return xstrdup(abs);
}

char *paths_state_file(const struct oc_paths *p, const char *name)
{
    return path_join(p->state_dir, name);
}

char *paths_default_agent_dir(const struct oc_paths *p, const char *agent_id)
{
    return xasprintf("%s/agents/%s/agent", p->state_dir, agent_id);
}

char *paths_sessions_dir(const struct oc_paths *p, const char *agent_id)
{
    return xasprintf("%s/agents/%s/sessions", p->state_dir, agent_id);
}

static bool valid_agent_id(const char *s)
{
    return paths_valid_profile_name(s);
}

/* Lower-case; runs of characters outside [a-z0-9_-] become one '-'. */
static char *dash_runs(const char *t)
{
    char *out = xcalloc(1, strlen(t) + 1);
    size_t i, o = 0;
    bool dash = false;
    char c;

    for (i = 0; t[i]; i++) {
        c = (char)(tolower)((unsigned char)t[i]);
        if (isalnum((unsigned char)c) || c == '_' || c == '-') {
            out[o++] = c;
            dash = c == '-';
        } else if (!dash) {
            out[o++] = '-';
            dash = true;
        }
    }
    return out;
}

char *paths_normalize_agent_id(const char *raw)
{
    char *t = str_trim_dup(raw ? raw : ""), *d, *r;
    size_t n;

    if (valid_agent_id(t))
        return str_lower(t);
    d = dash_runs(t);
    free(t);
    n = strlen(d);
    while (n && d[n - 1] == '-')
        d[--n] = '\0';
    r = xstrdup(d + strspn(d, "-"));
    free(d);
    if (strlen(r) > 64)
        r[64] = '\0';
    if (!*r) {
        free(r);
        return xstrdup(OC_DEFAULT_AGENT_ID);
    }
    return r;
}
