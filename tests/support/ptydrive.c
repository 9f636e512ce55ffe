/*
 * ptydrive: run a command in a pseudo-terminal and drive it from a
 * script, the way a person at a terminal would, so interactive flows
 * (secret prompts, menus, claude setup-token) are tested with no TTY.
 *
 *   ptydrive [-c COLS] [-t SECONDS] SCRIPT -- CMD [ARG...]
 *
 * SCRIPT lines (blank lines and lines starting with # are skipped):
 *   expect TEXT   wait until the output after the last match holds TEXT
 *   send TEXT     type TEXT; \n \r \t \\ and \xHH are decoded
 *   sleep MS      pause
 *   keymode       wait until the command reads keys one by one (the
 *                 terminal is out of line mode, as a line editor sets it
 *                 after printing its prompt): a control key such as
 *                 Ctrl-D sent before that is taken by the kernel's line
 *                 discipline instead of reaching the editor
 *
 * Everything the command printed (including the terminal's echo of what
 * was typed) is written to stdout. The exit code is the command's (128+N
 * for signal N), or 124 when an expect timed out (the transcript so far
 * goes to stderr and the command is killed).
 */

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/str.h"

struct transcript {
    char *p;
    size_t len, cap, mark; /* mark: end of the last expect match */
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void append(struct transcript *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p) {
            perror("ptydrive");
            exit(125);
        }
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* Read what is available from the pty for up to wait_ms. Returns 0, or
 * -1 once the command has closed the terminal. */
static int pump(int fd, struct transcript *t, int wait_ms)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    char chunk[4096];
    ssize_t n;
    int r = poll(&pfd, 1, wait_ms);

    if (r < 0)
        return errno == EINTR ? 0 : -1;
    if (r == 0)
        return 0;
    n = read(fd, chunk, sizeof(chunk));
    if (n <= 0)
        return n < 0 && errno == EINTR ? 0 : -1;
    append(t, chunk, (size_t)n);
    return 0;
}

/* Decode escapes in place; returns the new length. */
static size_t decode(char *s)
{
    size_t r = 0, w = 0;

    while (s[r]) {
        if (s[r] != '\\' || !s[r + 1]) {
            s[w++] = s[r++];
            continue;
        }
        r++;
        switch (s[r]) {
        case 'n':
            s[w++] = '\n';
            break;
        case 'r':
            s[w++] = '\r';
            break;
        case 't':
            s[w++] = '\t';
            break;
        case 'x':
            if (str_hex_value(s[r + 1]) >= 0 && str_hex_value(s[r + 2]) >= 0) {
                s[w++] = (char)(str_hex_value(s[r + 1]) * 16 +
                                str_hex_value(s[r + 2]));
                r += 2;
            }
            break;
        default:
            s[w++] = s[r];
            break;
        }
        r++;
    }
    s[w] = '\0';
    return w;
}

static int expect(int fd, struct transcript *t, const char *text,
                  long long deadline)
{
    char *hit;

    for (;;) {
        hit = t->len ? strstr(t->p + t->mark, text) : NULL;
        if (hit) {
            t->mark = (size_t)(hit - t->p) + strlen(text);
            return 0;
        }
        if (now_ms() >= deadline || pump(fd, t, 50) < 0) {
            /* one last look: the command may have printed and exited */
            hit = t->len ? strstr(t->p + t->mark, text) : NULL;
            if (hit) {
                t->mark = (size_t)(hit - t->p) + strlen(text);
                return 0;
            }
            fprintf(stderr, "ptydrive: timed out waiting for [%s]\n", text);
            return -1;
        }
    }
}

/* The master side reports the slave's modes (Linux tty_mode_ioctl). */
static int keymode(int fd, struct transcript *t, long long deadline)
{
    struct termios tio;

    while (now_ms() < deadline) {
        if (tcgetattr(fd, &tio) != 0)
            return -1;
        if (!(tio.c_lflag & ICANON))
            return 0;
        if (pump(fd, t, 10) < 0)
            break;
    }
    fprintf(stderr, "ptydrive: timed out waiting for key-by-key input\n");
    return -1;
}

static int run_script(FILE *script, int fd, struct transcript *t, int timeout_s)
{
    char line[8192];
    size_t n;

    while (fgets(line, sizeof(line), script)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        if (!strncmp(line, "expect ", 7)) {
            decode(line + 7);
            if (expect(fd, t, line + 7, now_ms() + timeout_s * 1000LL))
                return -1;
        } else if (!strncmp(line, "send ", 5)) {
            n = decode(line + 5);
            if (write(fd, line + 5, n) != (ssize_t)n)
                return -1;
        } else if (!strcmp(line, "keymode")) {
            if (keymode(fd, t, now_ms() + timeout_s * 1000LL))
                return -1;
        } else if (!strncmp(line, "sleep ", 6)) {
            long long until = now_ms() + atoll(line + 6);
            while (now_ms() < until)
                (void)pump(fd, t, (int)(until - now_ms()));
        } else {
            fprintf(stderr, "ptydrive: bad script line: %s\n", line);
            return -1;
        }
    }
    return 0;
}

static int finish(pid_t pid, int fd, struct transcript *t, int timeout_s)
{
    long long deadline = now_ms() + timeout_s * 1000LL;
    int st = 0;

    while (now_ms() < deadline && pump(fd, t, 100) == 0)
        if (waitpid(pid, &st, WNOHANG) == pid)
            goto reaped;
    kill(pid, SIGKILL);
    if (waitpid(pid, &st, 0) != pid)
        return 125;
reaped:
    while (pump(fd, t, 0) == 0 && t->len < ((size_t)64 << 20)) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0)
            break;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
    struct winsize ws = {.ws_row = 40, .ws_col = 80};
    struct transcript t = {0};
    int opt, fd, rc, timeout_s = 20;
    FILE *script;
    pid_t pid;

    while ((opt = getopt(argc, argv, "+c:t:")) != -1) {
        if (opt == 'c')
            ws.ws_col = (unsigned short)atoi(optarg);
        else if (opt == 't')
            timeout_s = atoi(optarg);
        else
            return 125;
    }
    if (optind + 2 >= argc || strcmp(argv[optind + 1], "--") != 0) {
        fprintf(stderr, "usage: ptydrive [-c COLS] [-t SECONDS] SCRIPT -- "
                        "CMD [ARG...]\n");
        return 125;
    }
    script = fopen(argv[optind], "r");
    if (!script) {
        perror(argv[optind]);
        return 125;
    }
    pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        return 125;
    }
    if (pid == 0) {
        execvp(argv[optind + 2], argv + optind + 2);
        perror(argv[optind + 2]);
        _exit(127);
    }
    if (run_script(script, fd, &t, timeout_s)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fwrite(t.p ? t.p : "", 1, t.len, stderr);
        fwrite(t.p ? t.p : "", 1, t.len, stdout);
        fclose(script);
        free(t.p);
        return 124;
    }
    rc = finish(pid, fd, &t, timeout_s);
    fwrite(t.p ? t.p : "", 1, t.len, stdout);
    fclose(script);
    free(t.p);
    return rc;
}
