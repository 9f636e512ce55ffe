/*
 * Running systemctl, launchctl and loginctl: fork + execve from an argv
 * (never a shell), stdin from /dev/null, stdout and stderr collected
 * together, our credential variables left out of the child's
 * environment, and a deadline after which the child's process group is
 * killed, so a hung service manager never hangs a command.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xalloc.h"
#include "config/env.h"
#include "gateway/service_internal.h"
#include "base/banned.h"

extern char **environ;

void service_exec_release(struct service_exec *x)
{
    buf_release(&x->out);
    memset(x, 0, sizeof(*x));
}

const char *service_exec_first_line(struct service_exec *x)
{
    char *p = x->out.p, *nl;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    nl = strchr(p, '\n');
    if (nl)
        *nl = '\0';
    nl = p + strlen(p);
    while (nl > p && (nl[-1] == ' ' || nl[-1] == '\r' || nl[-1] == '\t'))
        *--nl = '\0';
    return p;
}

/* The variable's name is a credential (a provider key or the gateway's
 * token or password): children never need it. */
static bool secret_var(const char *kv)
{
    const char *eq = strchr(kv, '=');
    char name[128];
    size_t n = eq ? (size_t)(eq - kv) : strlen(kv);

    if (n >= sizeof(name))
        return false;
    memcpy(name, kv, n);
    name[n] = '\0';
    return env_is_credential_key(name) ||
           !strcmp(name, "OPENCLAW_GATEWAY_TOKEN") ||
           !strcmp(name, "OPENCLAW_GATEWAY_PASSWORD");
}

static char **child_env(void)
{
    size_t n = 0, k = 0;
    char **v;

    while (environ[n])
        n++;
    v = xcalloc(n + 1, sizeof(*v));
    for (n = 0; environ[n]; n++)
        if (!secret_var(environ[n]))
            v[k++] = environ[n];
    return v;
}

/* argv[0] looked up in PATH (as execvp does); caller frees; NULL when
 * it is not there. */
static char *find_program(const char *name)
{
    const char *path = getenv("PATH"), *p, *colon;
    char *cand;

    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
    for (p = path ? path : "/usr/bin:/bin"; *p; p = colon + 1) {
        colon = strchr(p, ':');
        if (!colon)
            colon = p + strlen(p);
        cand =
            xasprintf("%.*s/%s", (int)(colon - p), colon > p ? p : ".", name);
        if (access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (!*colon)
            break;
    }
    return NULL;
}

/* In the child: only async-signal-safe calls until execve. */
static void child(const char *prog, const char *const argv[], char **envp,
                  int out)
{
    int null = open("/dev/null", O_RDONLY);
    char *const *av;

    memcpy(&av, &argv, sizeof av); /* execve's historical prototype */
    setpgid(0, 0);
    if (null >= 0)
        dup2(null, 0);
    dup2(out, 1);
    dup2(out, 2);
    signal(SIGPIPE, SIG_DFL);
    execve(prog, av, envp);
    _exit(127);
}

/* Read the child's output until EOF or the deadline; false on timeout. */
static bool collect(int fd, int64_t deadline, struct buf *out)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char chunk[4096];
    ssize_t n;
    int64_t left;

    for (;;) {
        left = deadline - clock_mono_ms();
        if (left <= 0)
            return false;
        if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
            return true;
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return true;
        if (out->len + (size_t)n <= out->max)
            buf_add(out, chunk, (size_t)n);
    }
}

/* Wait for pid until the deadline; kill its group after it. */
static int reap(pid_t pid, int64_t deadline, bool *timed_out)
{
    int st = 0;

    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (clock_mono_ms() >= deadline) {
            *timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        clock_sleep_ms(5);
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

int service_exec_run(const char *const argv[], int timeout_ms,
                     struct service_exec *x)
{
    int64_t deadline = clock_mono_ms() + timeout_ms;
    char *prog = find_program(argv[0]);
    char **envp;
    int fds[2];
    pid_t pid;

    memset(x, 0, sizeof(*x));
    buf_init(&x->out, SERVICE_EXEC_OUT_MAX);
    x->status = -1;
    x->not_found = prog == NULL;
    if (!prog || pipe2(fds, O_CLOEXEC) != 0) {
        free(prog);
        return -1;
    }
    envp = child_env();
    pid = fork();
    if (pid == 0)
        child(prog, argv, envp, fds[1]);
    close(fds[1]);
    free(envp);
    free(prog);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    setpgid(pid, pid);
    if (!collect(fds[0], deadline, &x->out))
        deadline = clock_mono_ms(); /* kill it now */
    close(fds[0]);
    x->status = reap(pid, deadline, &x->timed_out);
    return x->status;
}
