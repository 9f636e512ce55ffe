/*
 * `openclaw chat --url ws://...`: the chat REPL against a running gateway.
 * Each line goes out as chat.send (slash commands too: the gateway
 * answers them from the session), the reply streams from `chat` events,
 * Ctrl-C sends chat.abort for the run in progress, /exit, /quit or
 * Ctrl-D leave. Without a terminal, lines are read plainly from stdin.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/gwclient.h"
#include "cli/lineedit.h"
#include "cli/prompt.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int signo)
{
    (void)signo;
    interrupted = 1;
}

struct rchat {
    struct gwc c;
    char key[256];
    const char *thinking;
    bool printed, newline;
};

static void print_message_text(struct rchat *r, const json_t *msg)
{
    json_t *content = json_object_get(msg, "content"), *b;
    const char *t;
    size_t i;

    json_array_foreach (content, i, b) {
        t = jsonx_get_str(b, "text");
        if (t && *t) {
            fputs(t, stdout);
            r->printed = true;
            r->newline = t[strlen(t) - 1] == '\n';
        }
    }
}

/* One chat event for run_id; true when the run has ended. */
static bool on_chat(struct rchat *r, const json_t *p, int *rc)
{
    const char *state = jsonx_get_str(p, "state");
    const char *delta = jsonx_get_str(p, "deltaText");

    if (!state)
        return false;
    if (strcmp(state, "delta") == 0 && delta && *delta) {
        fputs(delta, stdout);
        fflush(stdout);
        r->printed = true;
        r->newline = delta[strlen(delta) - 1] == '\n';
        return false;
    }
    if (strcmp(state, "final") == 0 && !r->printed)
        print_message_text(r, json_object_get(p, "message"));
    if (r->printed && !r->newline)
        fputc('\n', stdout);
    if (strcmp(state, "aborted") == 0)
        fprintf(stderr, "(stopped)\n");
    else if (strcmp(state, "error") == 0)
        *rc = cli_error("%s", jsonx_get_str(p, "errorMessage")
                                  ? jsonx_get_str(p, "errorMessage")
                                  : "the run failed");
    fflush(stdout);
    return strcmp(state, "delta") != 0;
}

static void send_abort(struct rchat *r, const char *run_id)
{
    char msg[256];

    if (gwc_send(&r->c, "chat.abort",
                 json_pack("{s:s, s:s}", "sessionKey", r->key, "runId", run_id),
                 msg, sizeof(msg)) != 0)
        cli_warn("cannot send chat.abort: %s", msg);
}

/* Follow run_id's chat events to its end. CLI_OK, CLI_FAIL (the run
 * failed), or -1 when the connection is gone. */
static int follow(struct rchat *r, const char *run_id)
{
    char msg[1024];
    json_t *f, *p;
    int rc = CLI_OK, got;
    const char *ev;
    bool done = false;

    r->printed = false;
    r->newline = true;
    while (!done) {
        got = gwc_next(&r->c, &f, -1, msg, sizeof(msg));
        if (got == WSC_EINTR) {
            interrupted = 0;
            send_abort(r, run_id);
            continue;
        }
        if (got) {
            cli_error("lost the gateway: %s", msg);
            return -1;
        }
        ev = jsonx_get_str(f, "event");
        p = json_object_get(f, "payload");
        if (ev && strcmp(ev, "chat") == 0 &&
            strcmp(jsonx_get_str(p, "runId") ? jsonx_get_str(p, "runId") : "",
                   run_id) == 0)
            done = on_chat(r, p, &rc);
        else if (ev && strcmp(ev, "shutdown") == 0)
            cli_warn("the gateway is shutting down");
        json_decref(f);
    }
    return rc;
}

static int send_line(struct rchat *r, const char *text)
{
    char run_id[48], msg[1024];
    json_t *params, *res;

    static unsigned n;

    str_copy(run_id, sizeof(run_id), "cli-");
    if (secret_random_hex(16, run_id + 4, sizeof(run_id) - 4) != 0)
        snprintf(run_id, sizeof(run_id), "cli-%ld-%u", (long)getpid(), ++n);
    params = json_pack("{s:s, s:s, s:s}", "sessionKey", r->key, "message", text,
                       "idempotencyKey", run_id);
    if (r->thinking)
        json_object_set_new(params, "thinking", json_string(r->thinking));
    res = gwc_call(&r->c, "chat.send", params, false, msg, sizeof(msg));
    if (!res) {
        cli_error("chat.send: %s", msg);
        return -1;
    }
    if (!jsonx_get_bool(res, "ok", false)) {
        gwc_error_text(res, msg, sizeof(msg));
        json_decref(res);
        return cli_error("%s", msg);
    }
    json_decref(res);
    return follow(r, run_id);
}

static bool is_exit(const char *line)
{
    const char *s = line + strspn(line, " \t");

    return strncmp(s, "/exit", 5) == 0 || strncmp(s, "/quit", 5) == 0;
}

static int repl(struct rchat *r, const char *first)
{
    struct lineedit *le = lineedit_new("you> ", NULL);
    int rc = CLI_OK, one;
    bool intr;
    char *line;

    if (first)
        rc = send_line(r, first);
    while (rc >= 0) {
        line = lineedit_read(le, &intr);
        if (!line && intr)
            continue;
        if (!line || is_exit(line)) {
            free(line);
            break;
        }
        if (line[strspn(line, " \t")]) {
            lineedit_remember(le, line);
            one = send_line(r, line);
            rc = one < 0 ? one : (one ? one : rc);
        }
        free(line);
    }
    lineedit_free(le);
    return rc < 0 ? CLI_FAIL : rc;
}

int gwc_chat(struct cli_ctx *ctx)
{
    struct sigaction sa = {.sa_handler = on_sigint}, old;
    struct rchat r = {.thinking = cli_opt(ctx, "thinking")};
    const char *agent = cli_opt(ctx, "agent"), *sess = cli_opt(ctx, "session");
    char msg[1024];
    int rc = gwc_init(&r.c, ctx);

    if (rc == CLI_OK && gwc_open(&r.c, msg, sizeof(msg)) != 0)
        rc = cli_error("gateway not reachable at %s: %s. Start it with "
                       "`openclaw gateway run`.",
                       r.c.url, msg);
    if (rc) {
        gwc_release(&r.c);
        return rc;
    }
    if (cli_opt(ctx, "model"))
        cli_warn("--model is not sent over --url; use /model in the chat");
    if (agent)
        snprintf(r.key, sizeof(r.key), "agent:%s:%s", agent,
                 sess ? sess : "main");
    else
        str_copy(r.key, sizeof(r.key), sess ? sess : "main");
    if (prompt_interactive())
        printf("openclaw chat via %s (session %s). /help for commands, "
               "Ctrl-D to leave.\n",
               r.c.url, r.key);
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    wsc_set_interrupt(r.c.ws, &interrupted);
    rc = repl(&r, cli_opt(ctx, "message"));
    sigaction(SIGINT, &old, NULL);
    gwc_release(&r.c);
    return rc;
}
