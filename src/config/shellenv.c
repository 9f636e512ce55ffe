/*
 * The login-shell import (env layer 5): run the user's login shell once,
 * with the environment the user gave us (never keys a working-directory
 * .env added) and a deadline, read `env -0`, and set the expected
 * credential keys that are still missing. The shell runs in its own
 * process group, dies with us, and is always reaped.
 * Tested in tests/unit/test_env.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/proc.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/env_internal.h"
#include "base/banned.h"

#define SHELL_OUTPUT_MAX         ((size_t)2 << 20)
#define SHELL_DEFAULT_TIMEOUT_MS 15000
#define SHELL_MAX_TIMEOUT_MS     600000

static struct strlist applied = STRLIST_INIT;
static bool tried; /* one login shell per process, whatever it gave */

extern char **environ;

const struct strlist *env_shell_applied(void)
{
    return &applied;
}

void env_shell_reset(void)
{
    tried = false;
    strlist_release(&applied);
}

static bool truthy(const char *v)
{
    return v && (!strcmp(v, "1") || !strcasecmp(v, "true") ||
                 !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
}

static const json_t *shell_block(const json_t *root)
{
    const json_t *env = root ? json_object_get(root, "env") : NULL;

    return env ? json_object_get(env, "shellEnv") : NULL;
}

bool env_shell_enabled(const json_t *root)
{
    const json_t *se = shell_block(root);

    if (truthy(getenv("OPENCLAW_LOAD_SHELL_ENV")))
        return true;
    return json_is_true(json_object_get(se, "enabled"));
}

/* The keys the import may set: provider credentials and the gateway
 * token/password. */
static bool expected_key(const char *key)
{
    return env_is_provider_key(key) || !strcmp(key, "OPENCLAW_GATEWAY_TOKEN") ||
           !strcmp(key, "OPENCLAW_GATEWAY_PASSWORD");
}

static bool any_expected_set(void)
{
    char name[256];
    char **e;
    size_t n;

    for (e = environ; *e; e++) {
        n = strcspn(*e, "=");
        if (n >= sizeof(name) || (*e)[n] != '=' || !(*e)[n + 1])
            continue;
        memcpy(name, *e, n);
        name[n] = '\0';
        if (expected_key(name))
            return true;
    }
    return false;
}

static int64_t timeout_ms(const json_t *root)
{
    const json_t *t = json_object_get(shell_block(root), "timeoutMs");
    int64_t v = SHELL_DEFAULT_TIMEOUT_MS;

    if (json_is_integer(t) && json_integer_value(t) > 0)
        v = json_integer_value(t);
    else if (str_parse_int64(getenv("OPENCLAW_SHELL_ENV_TIMEOUT_MS"), 1,
                             INT64_MAX, &v))
        v = SHELL_DEFAULT_TIMEOUT_MS;
    return v > SHELL_MAX_TIMEOUT_MS ? SHELL_MAX_TIMEOUT_MS : v;
}

/* $SHELL when absolute and listed in /etc/shells, else /bin/sh. */
static char *login_shell(void)
{
    const char *sh = getenv("SHELL");
    char line[4096];
    FILE *f;
    bool ok = false;

    if (!sh || sh[0] != '/')
        return xstrdup("/bin/sh");
    f = fopen("/etc/shells", "r");
    while (f && !ok && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        ok = strcmp(line, sh) == 0;
    }
    if (f)
        fclose(f);
    return xstrdup(ok ? sh : "/bin/sh");
}

/* The base environment without ZDOTDIR (as OpenClaw runs the shell). */
static char **child_env(void)
{
    char *const *base = env_base_environ();
    size_t n = 0, i, k = 0;
    char **out;

    while (base[n])
        n++;
    out = xcalloc(n + 1, sizeof(*out));
    for (i = 0; i < n; i++)
        if (strncmp(base[i], "ZDOTDIR=", 8) != 0)
            out[k++] = base[i];
    return out;
}

static void import_output(const struct buf *out)
{
    const char *p = out->p, *end = out->p + out->len, *eq;
    char *key;

    for (; p < end; p += strlen(p) + 1) {
        eq = strchr(p, '=');
        if (!eq || eq == p)
            continue;
        key = xmemdupz(p, (size_t)(eq - p));
        if (expected_key(key) &&
            env_set_missing(key, eq + 1, ENV_SRC_SHELL, NULL))
            strlist_push(&applied, key);
        free(key);
    }
}

static int run_shell(const char *shell, int64_t tmo, struct buf *out,
                     struct oc_err *err)
{
    char **envp = child_env();
    char login[] = "-l", cflag[] = "-c", cmd[] = "env -0";
    char *argv[] = {xstrdup(shell), login, cflag, cmd, NULL};
    struct proc_spec spec = {shell, argv, envp, false, (long)tmo};
    struct proc_result r;
    int rc = proc_run(&spec, out, &r, err);

    free(argv[0]);
    free(envp);
    if (rc)
        return rc;
    if (r.timed_out)
        return oc_err_set(err, OC_ETIMEDOUT,
                          "'%s -l' did not finish within %lld ms", shell,
                          (long long)tmo);
    if (r.overflow)
        return oc_err_set(err, OC_ETOOBIG, "cannot read the output of '%s -l'",
                          shell);
    if (r.read_error)
        return oc_err_set(err, OC_EIO, "cannot read the output of '%s -l'",
                          shell);
    if (proc_exit_code(&r) != 0)
        return oc_err_set(err, OC_EIO, "'%s -l -c \"env -0\"' failed", shell);
    return 0;
}

int env_shell_import(const json_t *root, struct oc_err *err)
{
    struct buf out;
    char *shell;
    int rc;

    if (tried || !env_shell_enabled(root) || any_expected_set())
        return 0;
    tried = true;
    shell = login_shell();
    buf_init(&out, SHELL_OUTPUT_MAX);
    rc = run_shell(shell, timeout_ms(root), &out, err);
    if (!rc)
        import_output(&out);
    buf_wipe_release(&out);
    free(shell);
    return rc;
}
