/*
 * Helper programs with a deadline (see proc.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/proc.h"
#include "base/banned.h"

/* In the child: only async-signal-safe calls until execve. */
static void child(const struct proc_spec *s, int out)
{
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setpgid(0, 0);
    dup2(devnull, 0);
    dup2(out, 1);
    dup2(s->merge_stderr ? out : devnull, 2);
    signal(SIGPIPE, SIG_DFL);
    execve(s->prog, s->argv, s->envp);
    _exit(127);
}

/* Read until EOF or the deadline; false at the deadline. */
static bool collect(int fd, int64_t deadline, struct buf *out,
                    struct proc_result *r)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char chunk[8192];
    int64_t left;
    ssize_t n;

    for (;;) {
        left = deadline - clock_mono_ms();
        if (left <= 0)
            return false;
        if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
            r->read_error = true;
            return true;
        }
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            r->read_error = n < 0;
            return true;
        }
        if (!r->overflow && buf_add(out, chunk, (size_t)n) != 0)
            r->overflow = true; /* keep draining so it can finish */
    }
}

/* Wait for pid until the deadline; then, or once it exited, kill its
 * group. */
static void reap(pid_t pid, int64_t deadline, struct proc_result *r)
{
    int st = 0;
    pid_t w;

    for (;;) {
        w = waitpid(pid, &st, WNOHANG);
        if (w == pid) {
            r->status = st;
            break;
        }
        if ((w < 0 && errno != EINTR) || clock_mono_ms() >= deadline) {
            r->timed_out = w == 0;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
            r->status = st;
            break;
        }
        clock_sleep_ms(5);
    }
    kill(-pid, SIGKILL);
}

int proc_run(const struct proc_spec *s, struct buf *out, struct proc_result *r,
             struct oc_err *err)
{
    int64_t deadline = clock_mono_ms() + s->timeout_ms;
    int fds[2], slot;
    pid_t pid;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return oc_err_errno(err, OC_EIO, "cannot create a pipe");
    pid = fork();
    if (pid == 0)
        child(s, fds[1]);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return oc_err_errno(err, OC_EIO, "cannot start '%s'", s->prog);
    }
    setpgid(pid, pid);
    slot = cleanup_add_group(pid);
    if (!collect(fds[0], deadline, out, r))
        deadline = clock_mono_ms(); /* kill it now */
    close(fds[0]);
    reap(pid, deadline, r);
    cleanup_remove_group(slot);
    return 0;
}

int proc_exit_code(const struct proc_result *r)
{
    if (r->status < 0)
        return -1;
    if (WIFEXITED(r->status))
        return WEXITSTATUS(r->status);
    return WIFSIGNALED(r->status) ? 128 + WTERMSIG(r->status) : -1;
}
