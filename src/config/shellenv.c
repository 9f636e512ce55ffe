/*
 * The login-shell import (env layer 5): run the user's login shell once,
 * with the environment the user gave us (never keys a working-directory
 * .env added) and a deadline, read `env -0`, and set the expected
 * credential keys that are still missing. The shell runs in its own
 * process group, dies with us, and is always reaped.
 * Tested in tests/unit/test_env.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/cleanup.h"
#include "base/clock.h"
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

/* In the child: never returns. */
static void exec_shell(const char *shell, int out_fd, char **envp)
{
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    char login[] = "-l", cflag[] = "-c", cmd[] = "env -0";
    char *argv[] = {xstrdup(shell), login, cflag, cmd, NULL};

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setpgid(0, 0);
    dup2(devnull, 0);
    dup2(out_fd, 1);
    dup2(devnull, 2);
    execve(shell, argv, envp);
    _exit(127);
}

/* Read until EOF or the deadline; 0, OC_ETIMEDOUT, OC_ETOOBIG or OC_EIO. */
static int read_with_deadline(int fd, int64_t deadline, struct buf *out)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char chunk[8192];
    int64_t left;
    ssize_t n;

    for (;;) {
        left = deadline - clock_mono_ms();
        if (left <= 0)
            return OC_ETIMEDOUT;
        if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
            return OC_EIO;
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        n = read(fd, chunk, sizeof(chunk));
        if (n == 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return OC_EIO;
        if (n > 0 && buf_add(out, chunk, (size_t)n))
            return OC_ETOOBIG;
    }
}

/* Wait for the shell until the deadline, then kill its group: the wait
 * is never unbounded, and no descendant outlives the import. */
static int reap(pid_t pid, int64_t deadline)
{
    int status = 0;

    while (clock_mono_ms() < deadline) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            kill(-pid, SIGKILL);
            return status;
        }
        if (r < 0 && errno != EINTR)
            return -1;
        clock_sleep_ms(5);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return -1;
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

static int report(struct oc_err *err, int rc, int status, const char *shell,
                  int64_t tmo)
{
    if (rc == OC_ETIMEDOUT)
        return oc_err_set(err, rc, "'%s -l' did not finish within %lld ms",
                          shell, (long long)tmo);
    if (rc)
        return oc_err_set(err, rc, "cannot read the output of '%s -l'", shell);
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return oc_err_set(err, OC_EIO, "'%s -l -c \"env -0\"' failed", shell);
    return 0;
}

static int run_shell(const char *shell, int64_t tmo, struct buf *out,
                     struct oc_err *err)
{
    int64_t deadline = clock_mono_ms() + tmo;
    char **envp = child_env();
    int fds[2], rc, slot, status;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0) {
        free(envp);
        return oc_err_errno(err, OC_EIO, "cannot create a pipe");
    }
    pid = fork();
    if (pid == 0)
        exec_shell(shell, fds[1], envp);
    free(envp);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return oc_err_errno(err, OC_EIO, "cannot start '%s'", shell);
    }
    setpgid(pid, pid);
    slot = cleanup_add_group(pid);
    rc = read_with_deadline(fds[0], deadline, out);
    close(fds[0]);
    status = reap(pid, rc == OC_ETIMEDOUT ? 0 : deadline);
    cleanup_remove_group(slot);
    return report(err, rc, status, shell, tmo);
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
