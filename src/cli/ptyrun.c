/*
 * A pseudo-terminal relay for interactive child programs, and the token
 * scraper for their output (see ptyrun.h). Tested in
 * tests/unit/test_ptyrun.c and tests/integration/test_auth_cmds.sh (a
 * stand-in `claude` on PATH).
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/ptyrun.h"
#include "base/banned.h"

static void write_all(int fd, const char *p, ssize_t n)
{
    ssize_t w;

    while (n > 0) {
        w = write(fd, p, (size_t)n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= w;
    }
}

/* Relay until the child side closes. */
static void relay(int master, struct buf *out)
{
    struct pollfd fds[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                            {.fd = master, .events = POLLIN}};
    char chunk[4096];
    ssize_t n;

    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(master, chunk, sizeof(chunk));
            if (n <= 0)
                return; /* EIO: the child closed the terminal */
            write_all(STDOUT_FILENO, chunk, n);
            buf_add(out, chunk, (size_t)n);
        }
        if (fds[0].revents & POLLIN) {
            n = read(STDIN_FILENO, chunk, sizeof(chunk));
            if (n > 0)
                write_all(master, chunk, n);
            else
                fds[0].fd = -1; /* our stdin ended; keep relaying output */
            secret_wipe(chunk, sizeof(chunk));
        }
    }
}

size_t ptyrun_width(void)
{
    struct winsize ws = {.ws_col = 80};

    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
    return ws.ws_col ? ws.ws_col : 80;
}

int ptyrun(char *const argv[], struct buf *out)
{
    struct termios saved, raw;
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    bool have_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    int master, status = 0;
    pid_t pid;

    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
    pid = forkpty(&master, NULL, have_tty ? &saved : NULL, &ws);
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    if (have_tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    relay(master, out);
    if (have_tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    close(master);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Remove CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \) and other
 * two-byte escapes; keep text, newlines and carriage returns. */
static char *strip_escapes(const char *s, size_t n, size_t *outn)
{
    char *r = xmalloc(n + 1);
    size_t i = 0, o = 0;

    while (i < n) {
        if (s[i] != '\033') {
            r[o++] = s[i++];
            continue;
        }
        i++;
        if (i < n && s[i] == '[') {
            for (i++; i < n && !(s[i] >= 0x40 && s[i] <= 0x7e); i++)
                ;
            i++;
        } else if (i < n && s[i] == ']') {
            for (i++; i < n && s[i] != '\a' && s[i] != '\033'; i++)
                ;
            i += i < n && s[i] == '\033' ? 2 : 1;
        } else {
            i++;
        }
    }
    r[o] = '\0';
    *outn = o;
    return r;
}

static bool token_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/* Spaces, '|' and box-drawing characters (any non-ASCII byte) at the
 * start of a continuation line. */
static const char *skip_margin(const char *q, const char *end)
{
    while (q < end && (*q == ' ' || *q == '|' || (*q & 0x80)))
        q++;
    return q;
}

/* Visible width of the line holding p (code points, escapes already
 * removed). */
static size_t line_width(const char *start, const char *p, const char *end)
{
    const char *a = p, *z = p;
    size_t w = 0;

    while (a > start && a[-1] != '\n' && a[-1] != '\r')
        a--;
    while (z < end && *z != '\n' && *z != '\r')
        z++;
    for (; a < z; a++)
        w += ((unsigned char)*a & 0xC0) != 0x80;
    return w;
}

/*
 * Collect the token starting at p: a run of token characters, continued
 * on the next line when the program wrapped it, that is when the line
 * it is on filled the terminal (width) or the token is still too short
 * to be whole.
 */
static char *collect(const char *start, const char *p, const char *end,
                     size_t width)
{
    struct buf b;
    const char *q;
    bool wrapped;

    buf_init(&b, 4096);
    for (;;) {
        while (p < end && token_char(*p))
            buf_addch(&b, *p++);
        if (b.len >= 400 || p >= end || (*p != '\r' && *p != '\n'))
            break;
        wrapped = line_width(start, p - 1, end) + 2 >= width || b.len < 80;
        q = p;
        while (q < end && (*q == '\r' || *q == '\n'))
            q++;
        q = skip_margin(q, end);
        if (!wrapped || q >= end || !token_char(*q))
            break;
        p = q;
    }
    return buf_detach(&b, NULL);
}

char *ptyrun_find_token(const char *text, size_t n, const char *prefix,
                        size_t width)
{
    size_t len;
    char *plain = strip_escapes(text, n, &len), *hit, *tok = NULL;

    hit = plain;
    while ((hit = strstr(hit, prefix))) {
        if (tok) {
            secret_wipe(tok, strlen(tok));
            free(tok);
        }
        /* the last one printed wins */
        tok = collect(plain, hit, plain + len, width ? width : 80);
        hit += strlen(prefix);
    }
    secret_wipe(plain, len);
    free(plain);
    return tok;
}
