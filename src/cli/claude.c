/*
 * `claude setup-token` in a pseudo-terminal (see claude.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/token.h"
#include "base/buf.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "cli/auth_save.h"
#include "cli/claude.h"
#include "cli/cmd.h"
#include "cli/prompt.h"
#include "cli/ptyrun.h"
#include "base/banned.h"

/* Is name an executable somewhere on PATH? */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL, *full;
    bool found = false;

    if (!path)
        return false;
    copy = xstrdup(path);
    for (dir = strtok_r(copy, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        full = path_join(*dir ? dir : ".", name);
        found = access(full, X_OK) == 0;
        free(full);
    }
    free(copy);
    return found;
}

/* Run `claude setup-token` and return the token it printed (NULL when
 * none was found; the caller then asks for it). */
static char *run_claude(void)
{
    char claude[] = "claude", sub[] = "setup-token";
    char *argv[] = {claude, sub, NULL};
    struct buf out;
    char *tok;
    int st;

    buf_init(&out, (size_t)1 << 20);
    st = ptyrun(argv, &out);
    fprintf(stderr, "\n");
    tok = ptyrun_find_token(out.p, out.len, ANTHROPIC_SETUP_TOKEN_PREFIX,
                            ptyrun_width());
    buf_wipe_release(&out);
    if (st != 0 && !tok)
        cli_warn("`claude setup-token` exited with status %d", st);
    return tok;
}

bool cli_claude_installed(void)
{
    return on_path("claude");
}

int cli_claude_check(const char *prov)
{
    if (strcmp(prov, "anthropic") != 0)
        return cli_error("setup-token runs Claude Code, so it works for "
                         "--provider anthropic only; for %s use `openclaw "
                         "models auth paste-token --provider %s`",
                         prov, prov);
    if (!prompt_interactive() || !isatty(STDOUT_FILENO))
        return cli_error("setup-token needs an interactive terminal (`claude "
                         "setup-token` signs you in through a browser). On a "
                         "headless host, run `claude setup-token` on any "
                         "machine and save the token here with `openclaw "
                         "models auth paste-token --provider anthropic`");
    if (!on_path("claude"))
        return cli_error("`claude` (the Claude Code CLI) is not installed or "
                         "not on PATH: install it with `npm install -g "
                         "@anthropic-ai/claude-code`, or make the token on "
                         "another machine and use `openclaw models auth "
                         "paste-token --provider anthropic`");
    return 0;
}

char *cli_claude_setup_token(void)
{
    char *tok = run_claude();

    if (!tok)
        tok = cli_read_secret("Could not find the token in claude's output; "
                              "paste it here",
                              "token");
    return tok;
}
