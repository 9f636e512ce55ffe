/*
 * `openclaw chat`: a conversation in the terminal. Each line is a turn
 * (the reply streams as it arrives) or a slash command (/model, /models,
 * /think, /new, /status, /usage, /help, /exit); Ctrl-C stops a reply in
 * progress, or abandons the line being typed; Ctrl-D or /exit leaves.
 * With stdin not a terminal, lines are read plainly (scripts).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/sessions.h"
#include "agent/slash.h"
#include "agent/turn.h"
#include "base/clock.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "cli/agent_ctx.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/gwclient.h"
#include "cli/lineedit.h"
#include "cli/prompt.h"
#include "json/jsonx.h"
#include "base/banned.h"

struct chat {
    struct cli_ctx *ctx;
    struct agent_ctx *a;
    struct http_client *hc;
    uv_loop_t *loop;
    uv_signal_t sigint;
    struct turn *turn;
    struct session sess;
    char *sessions_dir, *key;
    struct llm_usage last;
    bool has_last, ended_newline, any_text, interrupted;
    double cost;
    int64_t in, out;
};

static void on_text(void *arg, const char *p, size_t n)
{
    struct chat *c = arg;

    if (!n)
        return;
    fwrite(p, 1, n, stdout);
    fflush(stdout);
    c->any_text = true;
    c->ended_newline = p[n - 1] == '\n';
}

static void on_done(void *arg, const struct turn_outcome *o)
{
    struct chat *c = arg;

    c->turn = NULL;
    uv_signal_stop(&c->sigint);
    if (c->any_text && !c->ended_newline)
        fputc('\n', stdout);
    if (o->ok) {
        c->last = o->usage;
        c->has_last = true;
        c->cost += o->usage.cost;
        c->in += llm_usage_prompt(&o->usage);
        c->out += o->usage.output;
    } else if (o->cancelled) {
        fprintf(stderr, "(stopped)\n");
    } else {
        cli_error("%s", o->error);
    }
    fflush(stdout);
}

static void on_sigint(uv_signal_t *h, int signo)
{
    struct chat *c = h->data;

    (void)signo;
    if (c->turn)
        turn_cancel(c->turn);
}

static void run_turn(struct chat *c, const char *text)
{
    struct llm_sink sink = {on_text, NULL, NULL, c};
    struct turn_env env = {c->a->cfg.root, cli_paths(c->ctx), c->hc, NULL};
    struct turn_request rq = {.agent_id = c->a->id,
                              .session_key = c->key,
                              .model = cli_opt(c->ctx, "model"),
                              .thinking = cli_opt(c->ctx, "thinking"),
                              .message = text};
    struct oc_err err;

    c->any_text = false;
    c->ended_newline = true;
    uv_signal_start(&c->sigint, on_sigint, SIGINT);
    c->turn = turn_start(&env, &rq, &sink, on_done, c, &err);
    if (!c->turn) {
        uv_signal_stop(&c->sigint);
        cli_error("%s", oc_err_msg(&err));
        return;
    }
    uv_run(c->loop, UV_RUN_DEFAULT);
}

/* A slash command: the session is reopened so it sees the turns' changes. */
static enum slash_result command(struct chat *c, const char *text)
{
    struct slash_ctx sc = {c->a->cfg.root,
                           cli_paths(c->ctx),
                           c->a->id,
                           &c->sess,
                           c->has_last ? &c->last : NULL,
                           c->cost,
                           c->in,
                           c->out};
    enum slash_result r;
    struct oc_err err;
    char *reply = NULL;

    session_release(&c->sess);
    if (session_open(c->sessions_dir, c->key, NULL, NULL, &c->sess, &err)) {
        cli_error("%s", oc_err_msg(&err));
        return SLASH_HANDLED;
    }
    r = slash_handle(&sc, text, &reply);
    if (reply)
        printf("%s\n", reply);
    free(reply);
    return r;
}

static void loop_lines(struct chat *c, struct lineedit *le)
{
    const char *first = cli_opt(c->ctx, "message");
    enum slash_result r;
    bool interrupted;
    char *line;

    if (first)
        run_turn(c, first);
    for (;;) {
        line = lineedit_read(le, &interrupted);
        if (!line && interrupted)
            continue;
        if (!line)
            break;
        lineedit_remember(le, line);
        if (line[strspn(line, " \t")] == '\0') {
            free(line);
            continue;
        }
        r = command(c, line);
        if (r == SLASH_NOT_COMMAND)
            run_turn(c, line);
        free(line);
        if (r == SLASH_EXIT)
            break;
    }
}

static int chat(struct cli_ctx *ctx, struct agent_ctx *a)
{
    struct chat c = {.ctx = ctx, .a = a, .loop = uv_default_loop()};
    char *hist = path_join(cli_paths(ctx)->state_dir, "chat_history");
    struct lineedit *le;
    struct oc_err err;
    int rc = CLI_OK;

    c.hc = http_client_new(c.loop, &err);
    if (!c.hc) {
        free(hist);
        return cli_error("%s", oc_err_msg(&err));
    }
    c.sessions_dir = paths_sessions_dir(cli_paths(ctx), a->id);
    c.key = session_key(a->id, cli_opt(ctx, "session"));
    if (session_open(c.sessions_dir, c.key, cli_opt(ctx, "session-id"), NULL,
                     &c.sess, &err) != 0) {
        rc = cli_error("%s", oc_err_msg(&err));
    } else {
        uv_signal_init(c.loop, &c.sigint);
        c.sigint.data = &c;
        if (prompt_interactive())
            printf("openclaw chat (agent %s, session %s). /help for commands, "
                   "Ctrl-D to leave.\n",
                   a->id, c.key);
        le = lineedit_new("you> ", hist);
        loop_lines(&c, le);
        lineedit_free(le);
        uv_close((uv_handle_t *)&c.sigint, NULL);
    }
    session_release(&c.sess);
    http_client_free(c.hc);
    uv_run(c.loop, UV_RUN_DEFAULT);
    uv_loop_close(c.loop);
    free(c.sessions_dir);
    free(c.key);
    free(hist);
    return rc;
}

static int run_chat(struct cli_ctx *ctx)
{
    struct agent_ctx a;
    int rc;

    if (cli_opt(ctx, "url"))
        return gwc_chat(ctx); /* talk to a running gateway instead */
    rc = cli_agent_open(ctx, &a);
    if (!rc)
        rc = chat(ctx, &a);
    cli_agent_close(&a);
    return rc;
}

static const struct cli_opt chat_opts[] = {
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {"session", 0, "<key>", "Session key (default main)"},
    {"session-id", 0, "<id>", "Switch the session to this id"},
    {"model", 0, "<ref>", "Model for every turn (or use /model)"},
    {"thinking", 0, "<level>", "Thinking for every turn (or use /think)"},
    {"message", 0, "<text>", "Send this first"},
    {"url", 0, "<ws://host:port>",
     "Chat through a running gateway (WebSocket) instead of in-process"},
    {"token", 0, "<token>", "With --url: the gateway token"},
    {"password", 0, "<password>", "With --url: the gateway password"},
    {"timeout", 0, "<ms>", "With --url: how long to wait for answers"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_chat = {
    .name = "chat",
    .summary = "Chat with an agent in the terminal (slash commands: /help)",
    .help = "Each line is sent to the model and the reply streams back; "
            "lines starting with\n/ are commands (/model, /models, /think, "
            "/new, /status, /usage, /help,\n/exit). Ctrl-C stops a reply; "
            "Ctrl-D leaves. The conversation is kept in\nthe agent's "
            "session, as `openclaw agent` keeps it.\n",
    .opts = chat_opts,
    .max_args = 0,
    .run = run_chat,
};
