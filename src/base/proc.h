/*
 * Running a helper program with a deadline: the login shell for the env
 * import (config/shellenv.c), systemctl/launchctl/loginctl for the
 * service commands (gateway/service_exec.c). The child gets its own
 * process group, stdin from /dev/null, stdout (and stderr when asked)
 * into a pipe we read; it dies with us (PR_SET_PDEATHSIG), its group is
 * registered for Ctrl-C cleanup, and at the deadline, or once it has
 * exited, the whole group is killed so no descendant outlives the call.
 */
#ifndef OC_BASE_PROC_H
#define OC_BASE_PROC_H

#include <stdbool.h>

#include "base/buf.h"
#include "base/err.h"

struct proc_spec {
    const char *prog;  /* absolute path */
    char *const *argv; /* argv[0] included */
    char *const *envp; /* the child's whole environment */
    bool merge_stderr; /* stderr into the output too; else /dev/null */
    long timeout_ms;
};

struct proc_result {
    int status;     /* as waitpid(2) reports it; -1 when unknown */
    bool timed_out; /* killed at the deadline */
    bool overflow;  /* more output than out's cap: the rest was dropped */
    bool read_error;
};

/*
 * Run it, appending its output to out (up to out's cap). 0 once it ran
 * (see r for how it ended), or OC_EIO with err when it could not start.
 */
int proc_run(const struct proc_spec *s, struct buf *out, struct proc_result *r,
             struct oc_err *err);

/* The exit code, 128 + signal, or -1 (r->status decoded). */
int proc_exit_code(const struct proc_result *r);

#endif
