/*
 * libedit through dlopen, or plain stdin (see lineedit.h).
 */
#include <errno.h>
#include <histedit.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/dynlib.h"
#include "base/xalloc.h"
#include "cli/lineedit.h"
#include "cli/prompt.h"
#include "base/banned.h"

struct edit_api {
    EditLine *(*el_init)(const char *, FILE *, FILE *, FILE *);
    void (*el_end)(EditLine *);
    int (*el_set)(EditLine *, int, ...);
    const char *(*el_gets)(EditLine *, int *);
    History *(*history_init)(void);
    void (*history_end)(History *);
    int (*history)(History *, HistEvent *, int, ...);
};

#define SYM(f) DYNLIB_SYM(struct edit_api, f, #f)
static const struct dynlib_sym symbols[] = {
    SYM(el_init),      SYM(el_end),      SYM(el_set), SYM(el_gets),
    SYM(history_init), SYM(history_end), SYM(history)};

struct lineedit {
    struct edit_api api;
    bool edit; /* libedit on a terminal */
    EditLine *el;
    History *hist;
    char *prompt, *history_file;
};

static volatile sig_atomic_t interrupted_flag;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted_flag = 1;
}

/* Without libedit the REPL reads plain lines, so a failure is quiet. */
static bool load(struct edit_api *api)
{
    const struct dynlib lib = {"libedit.so.2", symbols,
                               sizeof(symbols) / sizeof(symbols[0]),
                               "install libedit2", "install libedit2"};
    char msg[256];

    return dynlib_load(&lib, api, msg, sizeof(msg)) == 0;
}

static char *current_prompt;

static char *prompt_of(EditLine *el)
{
    (void)el;
    return current_prompt;
}

struct lineedit *lineedit_new(const char *prompt, const char *history_file)
{
    struct lineedit *le = xcalloc(1, sizeof(*le));
    HistEvent ev;

    le->prompt = xstrdup(prompt);
    le->history_file = history_file ? xstrdup(history_file) : NULL;
    if (!prompt_interactive() || !load(&le->api))
        return le;
    le->el = le->api.el_init("openclaw", stdin, stdout, stderr);
    le->hist = le->api.history_init();
    if (!le->el || !le->hist)
        return le;
    le->edit = true;
    current_prompt = le->prompt;
    le->api.history(le->hist, &ev, H_SETSIZE, 1000);
    if (le->history_file)
        le->api.history(le->hist, &ev, H_LOAD, le->history_file);
    le->api.el_set(le->el, EL_HIST, le->api.history, le->hist);
    le->api.el_set(le->el, EL_PROMPT, prompt_of);
    le->api.el_set(le->el, EL_EDITOR, "emacs");
    return le;
}

void lineedit_free(struct lineedit *le)
{
    HistEvent ev;

    if (!le)
        return;
    if (le->edit && le->history_file) {
        le->api.history(le->hist, &ev, H_SAVE, le->history_file);
        chmod(le->history_file, 0600);
    }
    if (le->el)
        le->api.el_end(le->el);
    if (le->hist)
        le->api.history_end(le->hist);
    free(le->prompt);
    free(le->history_file);
    free(le);
}

char *lineedit_read(struct lineedit *le, bool *interrupted)
{
    struct sigaction sa = {.sa_handler = on_sigint}, old;
    const char *s;
    int count = 0;
    size_t n;

    if (!le->edit) {
        *interrupted = false;
        return prompt_read_line();
    }
    /* no SA_RESTART: the read under el_gets returns on Ctrl-C */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    interrupted_flag = 0;
    s = le->api.el_gets(le->el, &count);
    sigaction(SIGINT, &old, NULL);
    *interrupted = interrupted_flag != 0;
    if (*interrupted) {
        fputc('\n', stdout);
        return NULL;
    }
    if (!s || count <= 0)
        return NULL;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return xmemdupz(s, n);
}

void lineedit_remember(struct lineedit *le, const char *line)
{
    HistEvent ev;

    if (le->edit && *line)
        le->api.history(le->hist, &ev, H_ENTER, line);
}
