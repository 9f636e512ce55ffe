/*
 * `openclaw agent -m <text>`: one agent turn in this process, the reply
 * streamed to stdout as it arrives (reference openclaw-gateway-config.md
 * §7.1). Exit 0 on a reply, 1 on an error, 130/143 when interrupted. With
 * --json, one JSON object at the end instead: {ok, payloads[{text}],
 * meta{durationMs, agentMeta{provider, model, sessionId, profile, usage,
 * costUsd}}} or {ok:false, error}.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/turn.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "cli/agent_ctx.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/prompt.h"
#include "json/jsonx.h"
#include "base/banned.h"

#define MESSAGE_MAX ((size_t)4 << 20)

struct run {
    struct cli_ctx *ctx;
    bool json;
    bool ended_newline; /* the streamed text ended with "\n" */
    bool any_text;
    int signo;
    int rc;
    int64_t started;
    uv_signal_t sigint, sigterm;
    struct turn *turn;
};

static void on_text(void *arg, const char *p, size_t n)
{
    struct run *r = arg;

    if (r->json || !n)
        return;
    fwrite(p, 1, n, stdout);
    fflush(stdout);
    r->any_text = true;
    r->ended_newline = p[n - 1] == '\n';
}

static json_t *text_of(const json_t *msg)
{
    struct buf b;
    json_t *block, *out;
    size_t i;

    buf_init(&b, 0);
    json_array_foreach (json_object_get(msg, "content"), i, block)
        if (jsonx_get_str(block, "type") &&
            !strcmp(jsonx_get_str(block, "type"), "text"))
            buf_addstr(&b, jsonx_get_str(block, "text")
                               ? jsonx_get_str(block, "text")
                               : "");
    out = json_string(b.p);
    buf_release(&b);
    return out;
}

static void print_json(struct run *r, const struct turn_outcome *o)
{
    json_t *doc;
    char *text;
    const char *slash = strchr(o->ref, '/');

    if (!o->ok) {
        doc = json_pack("{s:b, s:s}", "ok", 0, "error", o->error);
    } else {
        doc = json_pack(
            "{s:b, s:[{s:o}], s:{s:I, s:{s:s%, s:s, s:s, s:s, s:s, "
            "s:{s:I, s:I, s:I, s:I}, s:f}}}",
            "ok", 1, "payloads", "text", text_of(o->message), "meta",
            "durationMs", (json_int_t)(clock_mono_ms() - r->started),
            "agentMeta", "provider", o->ref,
            (size_t)(slash ? slash - o->ref : 0), "model",
            slash ? slash + 1 : o->ref, "sessionId", o->session_id,
            "sessionKey", o->session_key, "profile", o->profile, "usage",
            "input", (json_int_t)o->usage.input, "output",
            (json_int_t)o->usage.output, "cacheRead",
            (json_int_t)o->usage.cache_read, "cacheWrite",
            (json_int_t)o->usage.cache_write, "costUsd", o->usage.cost);
    }
    text = jsonx_dumps(doc, 2);
    printf("%s\n", text ? text : "{}");
    free(text);
    json_decref(doc);
}

static void on_done(void *arg, const struct turn_outcome *o)
{
    struct run *r = arg;

    r->turn = NULL;
    uv_close((uv_handle_t *)&r->sigint, NULL);
    uv_close((uv_handle_t *)&r->sigterm, NULL);
    if (!r->json && r->any_text && !r->ended_newline)
        fputc('\n', stdout);
    if (r->json)
        print_json(r, o);
    else if (!o->ok && !r->signo)
        cli_error("%s", o->error);
    if (r->signo)
        r->rc = 128 + r->signo;
    else
        r->rc = o->ok ? CLI_OK : CLI_FAIL;
    fflush(stdout);
}

static void on_signal(uv_signal_t *h, int signo)
{
    struct run *r = h->data;

    r->signo = signo;
    if (r->turn)
        turn_cancel(r->turn);
}

/* ---- the message ----------------------------------------------------------
 */

static char *read_message(struct cli_ctx *ctx)
{
    const char *m = cli_opt(ctx, "message"), *f = cli_opt(ctx, "message-file");
    struct buf b;
    struct oc_err err;
    bool too_big;
    char *text;

    if (m && strcmp(m, "-") != 0)
        return xstrdup(m);
    if (m) {
        text = read_stdin_secret(MESSAGE_MAX, &too_big);
        if (!text)
            cli_error("no message on stdin%s",
                      too_big ? " (more than 4 MiB)" : "");
        return text;
    }
    buf_init(&b, MESSAGE_MAX);
    if (fsx_read_file(f, MESSAGE_MAX, &b, &err)) {
        cli_error("%s", oc_err_msg(&err));
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static long timeout_opt(struct cli_ctx *ctx, bool *bad)
{
    const char *v = cli_opt(ctx, "timeout");
    int64_t s;

    *bad = false;
    if (!v)
        return 0;
    if (str_parse_int64(v, 0, 86400, &s)) {
        *bad = true;
        cli_usage_error(ctx, "invalid --timeout '%s' (seconds, 1-86400)", v);
        return 0;
    }
    return s ? (long)(s * 1000) : 86400000L; /* 0: no limit (a day) */
}

/* ---- running ------------------------------------------------------------- */

static int run_turn(struct run *r, struct agent_ctx *a, const char *message,
                    long timeout_ms)
{
    uv_loop_t *loop = uv_default_loop();
    struct llm_sink sink = {on_text, NULL, NULL, r};
    struct turn_request rq = {.agent_id = a->id,
                              .session_key = cli_opt(r->ctx, "session-key"),
                              .session_id = cli_opt(r->ctx, "session-id"),
                              .model = cli_opt(r->ctx, "model"),
                              .thinking = cli_opt(r->ctx, "thinking"),
                              .message = message,
                              .timeout_ms = timeout_ms};
    struct turn_env env = {a->cfg.root, cli_paths(r->ctx), NULL, NULL};
    struct oc_err err;
    char cwd[4096];

    rq.cwd = getcwd(cwd, sizeof(cwd));
    env.hc = http_client_new(loop, &err);
    if (!env.hc)
        return cli_error("%s", oc_err_msg(&err));
    uv_signal_init(loop, &r->sigint);
    uv_signal_init(loop, &r->sigterm);
    r->sigint.data = r->sigterm.data = r;
    uv_signal_start(&r->sigint, on_signal, SIGINT);
    uv_signal_start(&r->sigterm, on_signal, SIGTERM);
    r->turn = turn_start(&env, &rq, &sink, on_done, r, &err);
    if (!r->turn) {
        uv_close((uv_handle_t *)&r->sigint, NULL);
        uv_close((uv_handle_t *)&r->sigterm, NULL);
        r->rc = cli_error("%s", oc_err_msg(&err));
    }
    uv_run(loop, UV_RUN_DEFAULT);
    http_client_free(env.hc);
    uv_run(loop, UV_RUN_DEFAULT); /* let the closed handles go */
    uv_loop_close(loop);
    return r->rc;
}

static int run_agent(struct cli_ctx *ctx)
{
    struct run r = {.ctx = ctx, .json = cli_flag(ctx, "json")};
    struct agent_ctx a;
    char *message;
    bool bad;
    long timeout = timeout_opt(ctx, &bad);
    int rc;

    if (bad)
        return CLI_USAGE;
    if (!cli_opt(ctx, "message") == !cli_opt(ctx, "message-file"))
        return cli_usage_error(ctx, "give the message with -m <text> (or -m "
                                    "- to read stdin) or --message-file "
                                    "<path>");
    message = read_message(ctx);
    if (!message)
        return CLI_FAIL;
    rc = cli_agent_open(ctx, &a);
    if (!rc) {
        r.started = clock_mono_ms();
        rc = run_turn(&r, &a, message, timeout);
    }
    cli_agent_close(&a);
    free(message);
    return rc;
}

static const struct cli_opt agent_opts[] = {
    {"message", 'm', "<text>", "The message (\"-\" reads stdin)"},
    {"message-file", 0, "<path>", "Read the message from a file (max 4 MiB)"},
    {"agent", 0, "<id>", "Agent id (default: the configured default agent)"},
    {"session-id", 0, "<id>", "Use (or start) this session id"},
    {"session-key", 0, "<key>",
     "Session key (default main: agent:<agent>:main)"},
    {"model", 0, "<ref>", "Model for this run (alias or provider/model)"},
    {"thinking", 0, "<level>",
     "Thinking for this run: off|minimal|low|medium|high|xhigh"},
    {"timeout", 0, "<seconds>",
     "Give up after this long (default agents.defaults.timeoutSeconds or "
     "600; 0 for no limit)"},
    {"json", 0, NULL, "Print one JSON result instead of streaming text"},
    {"local", 0, NULL, "Accepted for compatibility (turns always run here)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_agent = {
    .name = "agent",
    .summary = "Run one agent turn and stream the reply",
    .help = "Examples:\n"
            "  openclaw agent -m \"Summarise this in one line\" < notes.txt\n"
            "  echo hi | openclaw agent -m - --model sonnet --json\n"
            "The conversation continues in the agent's session (main by "
            "default); exit\n0 on a reply, 1 on an error, 130 on Ctrl-C.\n",
    .opts = agent_opts,
    .max_args = 0,
    .run = run_agent,
};
