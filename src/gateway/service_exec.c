/*
 * Running systemctl, launchctl and loginctl: fork + execve from an argv
 * (never a shell), stdin from /dev/null, stdout and stderr collected
 * together, our credential variables left out of the child's
 * environment, and a deadline after which the child's process group is
 * killed, so a hung service manager never hangs a command.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/proc.h"
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

int service_exec_run(const char *const argv[], int timeout_ms,
                     struct service_exec *x)
{
    char *prog = find_program(argv[0]);
    char **envp;
    char *const *av;
    struct proc_spec spec;
    struct proc_result r;
    struct oc_err err;

    memset(x, 0, sizeof(*x));
    buf_init(&x->out, SERVICE_EXEC_OUT_MAX);
    x->status = -1;
    x->not_found = prog == NULL;
    if (!prog)
        return -1;
    envp = child_env();
    memcpy(&av, &argv, sizeof(av)); /* execve's historical prototype */
    spec = (struct proc_spec){prog, av, envp, true, timeout_ms};
    if (proc_run(&spec, &x->out, &r, &err) == 0) {
        x->status = proc_exit_code(&r);
        x->timed_out = r.timed_out;
    }
    free(envp);
    free(prog);
    return x->status;
}
