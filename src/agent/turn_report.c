/*
 * What a turn tells the user when it fails (the SPEC's messages, the
 * provider's own words, request ids, and what to do), and what it writes
 * to the session after a reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/turn_internal.h"
#include "auth/resolve.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/path.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

void turn_note_failure(struct turn *t, const char *what, const char *reason)
{
    buf_addf(&t->summary, "%s%s: %s (%s)", t->summary.len ? " | " : "",
             t->route.ref[0] ? t->route.ref : t->refs.v[t->ref_i], what,
             reason);
}

void turn_set_failure(struct turn *t, const char *kind)
{
    str_copy(t->out.failure, sizeof(t->out.failure), kind);
}

static void set_error(struct turn *t, const char *text)
{
    str_copy(t->last_error, sizeof(t->last_error), text);
    str_copy(t->out.error, sizeof(t->out.error), text);
}

static const char *hint(enum auth_reason r)
{
    switch (r) {
    case REASON_AUTH:
    case REASON_AUTH_PERMANENT:
        return " The credential was refused: check it with `openclaw models "
               "status`, or save a new one.";
    case REASON_BILLING:
        return " The account is out of credits: top up, or switch to "
               "another key.";
    case REASON_RATE_LIMIT:
        return " Rate-limited: try again in a moment.";
    case REASON_OVERLOADED:
        return " The service is overloaded: try again in a moment.";
    case REASON_MODEL_NOT_FOUND:
        return " Check the model id (`openclaw models list --all`).";
    default:
        return "";
    }
}

static void describe(struct turn *t, struct buf *b)
{
    const struct llm_result *r = &t->res;

    switch (r->status) {
    case LLM_HTTP_ERROR:
        buf_addf(b, "%s answered HTTP %d: %s", t->route.provider,
                 r->http_status,
                 r->error_message[0] ? r->error_message : "(no message)");
        break;
    case LLM_STREAM_ERROR:
        buf_addf(b, "%s reported an error during the reply: %s%s%s",
                 t->route.provider, r->error_type, r->error_type[0] ? ": " : "",
                 r->error_message);
        break;
    case LLM_TRANSPORT:
        buf_addf(b, "could not reach %s (%s): %s", t->route.provider,
                 t->route.base_url, r->error_message);
        break;
    default:
        buf_addf(b, "%s: %s", t->route.provider,
                 r->error_message[0] ? r->error_message : "the call failed");
        break;
    }
    if (r->request_id[0])
        buf_addf(b, " (request-id %s)", r->request_id);
}

void turn_error_for_call(struct turn *t, enum auth_reason reason,
                         bool claude_code_only)
{
    struct buf b;

    buf_init(&b, 0);
    if (claude_code_only) {
        buf_addf(&b,
                 "Anthropic refused this credential: \"%s\" A Claude "
                 "subscription token (setup-token) only works inside Claude "
                 "Code: use an Anthropic API key instead (openclaw models "
                 "auth paste-api-key --provider anthropic).",
                 t->res.error_message);
        turn_note_failure(t, "credential only authorized for Claude Code",
                          "format");
        turn_set_failure(t, "claude_code_only");
    } else {
        describe(t, &b);
        turn_set_failure(t, reason ? auth_reason_name(reason) : "unknown");
        turn_note_failure(t, b.p, reason ? auth_reason_name(reason) : "error");
        buf_addstr(&b, hint(reason));
    }
    t->out.http_status = t->res.http_status;
    set_error(t, b.p);
    buf_release(&b);
}

void turn_error_no_creds(struct turn *t)
{
    char *store = path_join(t->agent_dir, AUTH_STORE_FILE);
    char *shown_store = paths_shorten(t->env.paths, store);
    char *shown_dir = paths_shorten(t->env.paths, t->agent_dir);
    struct buf b;

    buf_init(&b, 0);
    auth_missing_message(&b, t->route.provider, shown_store, shown_dir);
    set_error(t, b.p);
    turn_set_failure(t, "missing_credentials");
    buf_reset(&b);
    buf_addf(&b, "No API key found for provider \"%s\"", t->route.provider);
    turn_note_failure(t, b.p, "auth");
    buf_release(&b);
    free(shown_dir);
    free(shown_store);
    free(store);
}

void turn_error_cooldown(struct turn *t)
{
    int64_t wait = t->plan.soonest_ms - clock_wall_ms();
    enum auth_reason r = t->plan.cooldown_reason;
    struct buf b;

    buf_init(&b, 0);
    buf_addf(&b,
             "No available auth profile for %s (all in cooldown or "
             "unavailable).",
             t->route.provider);
    if (wait > 0)
        buf_addf(&b, " The first is back in ~%lld s%s%s%s.",
                 (long long)((wait + 999) / 1000), r ? " (" : "",
                 r ? auth_reason_name(r) : "", r ? ")" : "");
    set_error(t, b.p);
    turn_set_failure(t, "cooldown");
    turn_note_failure(t, "all profiles in cooldown",
                      r ? auth_reason_name(r) : "unknown");
    buf_release(&b);
}

void turn_final_error(struct turn *t)
{
    if (!t->refs.n) {
        set_error(t, "no model to use: set one with `openclaw models set "
                     "<provider/model>`");
        turn_set_failure(t, "no_model");
        return;
    }
    if (t->models_failed <= 1 && t->last_error[0]) {
        str_copy(t->out.error, sizeof(t->out.error), t->last_error);
        return;
    }
    snprintf(t->out.error, sizeof(t->out.error), "All models failed (%d): %s",
             t->models_failed, t->summary.p);
}

/* ---- after a reply --------------------------------------------------------
 */

static bool record_usage(json_t *entry, void *arg)
{
    struct turn *t = arg;
    const struct llm_usage *u = &t->res.usage;

    json_object_set_new(entry, "modelProvider", json_string(t->route.provider));
    json_object_set_new(entry, "model", json_string(t->route.model));
    json_object_set_new(entry, "inputTokens",
                        json_integer(llm_usage_prompt(u)));
    json_object_set_new(entry, "outputTokens", json_integer(u->output));
    json_object_set_new(entry, "cacheRead", json_integer(u->cache_read));
    json_object_set_new(entry, "cacheWrite", json_integer(u->cache_write));
    json_object_set_new(entry, "totalTokens", json_integer(llm_usage_total(u)));
    if (t->route.has_info)
        json_object_set_new(entry, "contextTokens",
                            json_integer(t->route.info.context_window));
    return true;
}

void turn_save_reply(struct turn *t)
{
    struct oc_err err;

    if (t->ephemeral)
        return;
    json_object_set_new(t->res.message, "timestamp",
                        json_integer(clock_wall_ms()));
    if (session_append_message(&t->sess, t->res.message, &err) ||
        session_update(&t->sess, record_usage, t, &err))
        log_warn("the reply was not saved to the session: %s",
                 oc_err_msg(&err));
}
