/*
 * Terminal prompts (see prompt.h). Echo is turned off with TCSANOW (not
 * TCSAFLUSH) so answers typed ahead are not thrown away, and a SIGINT or
 * SIGTERM during a secret prompt restores the terminal before the
 * default action.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "cli/prompt.h"
#include "base/banned.h"

static struct termios saved;
static volatile sig_atomic_t echo_off;
static struct sigaction old_int, old_term;

bool prompt_interactive(void)
{
    return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

static void restore_echo(void)
{
    if (echo_off) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        echo_off = 0;
    }
}

static void on_signal(int sig)
{
    restore_echo();
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    raise(sig);
}

char *prompt_read_line(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);

    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

/* A line read into a fixed buffer, so no copy of the secret is left in
 * memory freed by a realloc; NULL at end of input. */
static char *read_secret_line(void)
{
    char line[SECRET_LINE_MAX], *r;
    size_t n = 0;
    int c;

    while ((c = fgetc(stdin)) != EOF && c != '\n')
        if (n + 1 < sizeof(line))
            line[n++] = (char)c;
    if (c == EOF && n == 0)
        return NULL;
    while (n > 0 && line[n - 1] == '\r')
        n--;
    r = xmemdupz(line, n);
    secret_wipe(line, sizeof(line));
    return r;
}

char *prompt_secret(const char *question)
{
    struct sigaction sa = {.sa_handler = on_signal};
    struct termios t;
    char *line;

    /* echo goes off before the question appears, so nothing typed or
     * pasted the moment it shows can be echoed */
    if (tcgetattr(STDIN_FILENO, &saved) == 0) {
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        t = saved;
        t.c_lflag &= ~(tcflag_t)ECHO;
        t.c_lflag |= ECHONL;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
            echo_off = 1;
    }
    fprintf(stderr, "%s: ", question);
    fflush(stderr);
    line = read_secret_line();
    restore_echo();
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return line;
}

char *prompt_line(const char *question, const char *dflt)
{
    char *line;

    if (dflt && *dflt)
        fprintf(stderr, "%s [%s]: ", question, dflt);
    else
        fprintf(stderr, "%s: ", question);
    fflush(stderr);
    line = prompt_read_line();
    if (line && !*line && dflt) {
        free(line);
        return xstrdup(dflt);
    }
    return line;
}

int prompt_menu(const char *question, const char *const *items, int n, int dflt)
{
    char *line;
    int64_t v;
    int i;

    fprintf(stderr, "%s\n", question);
    for (i = 0; i < n; i++)
        fprintf(stderr, "  %d) %s\n", i + 1, items[i]);
    for (;;) {
        fprintf(stderr, "Choose 1-%d [%d]: ", n, dflt + 1);
        fflush(stderr);
        line = prompt_read_line();
        if (!line)
            return -1;
        if (!*line) {
            free(line);
            return dflt;
        }
        if (!str_parse_int64(line, 1, n, &v)) {
            free(line);
            return (int)v - 1;
        }
        fprintf(stderr, "Please answer with a number from 1 to %d.\n", n);
        free(line);
    }
}

int prompt_confirm(const char *question, bool dflt)
{
    char *line;
    int r;

    for (;;) {
        fprintf(stderr, "%s [%s]: ", question, dflt ? "Y/n" : "y/N");
        fflush(stderr);
        line = prompt_read_line();
        if (!line)
            return -1;
        r = !*line                               ? dflt
            : (line[0] == 'y' || line[0] == 'Y') ? 1
            : (line[0] == 'n' || line[0] == 'N') ? 0
                                                 : -2;
        free(line);
        if (r >= 0)
            return r;
        fprintf(stderr, "Please answer y or n.\n");
    }
}

char *read_stdin_secret(size_t max, bool *too_big)
{
    struct buf b;
    char chunk[4096];
    size_t n;
    char *r = NULL;

    *too_big = false;
    buf_init(&b, max);
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
        if (buf_add(&b, chunk, n)) {
            *too_big = true;
            break;
        }
    if (!*too_big && feof(stdin) && b.len)
        r = xmemdupz(b.p, b.len);
    secret_wipe(chunk, sizeof(chunk));
    buf_wipe_release(&b);
    return r;
}
