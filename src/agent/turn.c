/*
 * The turn's state machine (see turn.h):
 *   start -> next_model -> next_cred -> [refresh] -> call -> on_call_done
 *   on_call_done: success -> save, finish
 *                 failure -> classify, record, rotate (next_cred) or fall
 *                            back (next_model), or stop
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/oauth.h"
#include "agent/turn_internal.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "json/jsonx.h"
#include "provider/modelref.h"
#include "base/str.h"
#include "base/banned.h"

static void next_model(struct turn *t);
static void next_cred(struct turn *t);

/* ---- the end --------------------------------------------------------- */

static void free_turn(uv_handle_t *h)
{
    struct turn *t = h->data;

    fsx_lock_release(&t->refresh_lock);
    llm_result_release(&t->res);
    creds_value_release(&t->cred);
    creds_plan_release(&t->plan);
    store_cache_put(t->env.stores, t->store);
    route_release(&t->route);
    strlist_release(&t->refs);
    session_release(&t->sess);
    json_decref(t->history);
    buf_release(&t->summary);
    free(t->agent_id);
    free(t->agent_dir);
    free(t->message);
    free(t->thinking);
    free(t->run_model);
    free(t->pinned);
    free(t->system);
    json_decref(t->tools);
    json_decref(t->env.cfg);
    free(t);
}

static void finish(struct turn *t)
{
    if (t->finished)
        return;
    t->finished = true;
    uv_timer_stop(&t->deadline);
    str_copy(t->out.session_id, sizeof(t->out.session_id),
             t->sess.id ? t->sess.id : "");
    str_copy(t->out.session_key, sizeof(t->out.session_key),
             t->sess.key ? t->sess.key : "");
    t->done(t->arg, &t->out);
    uv_close((uv_handle_t *)&t->deadline, free_turn);
}

static void fail_all(struct turn *t)
{
    turn_final_error(t);
    finish(t);
}

/* ---- calling ----------------------------------------------------------- */

static void on_call_done(void *arg, struct llm_result *res);

static void call(struct turn *t)
{
    struct llm_call_opts opts = {.max_retries = -1};
    struct llm_call_spec spec = {&t->req, &opts,        &t->sink,
                                 &t->res, on_call_done, t};
    struct oc_err err;

    t->req = (struct llm_request){
        .provider = t->route.provider,
        .api = t->route.api,
        .base_url = t->route.base_url,
        .model = t->route.model,
        .info = t->route.has_info ? &t->route.info : NULL,
        .system = t->system,
        .messages = t->history,
        .tools = t->tools,
        .thinking = t->thinking,
        .params = t->route.params,
        .headers = t->route.headers,
        .cred = {secret_value(&t->cred.secret), t->cred.bearer},
    };
    t->out.attempts++;
    llm_result_release(&t->res); /* also (re)initialises it */
    t->call = llm_call_start(t->env.hc, &spec, &err);
    if (t->call && t->paused)
        llm_call_pause(t->call, true);
    if (!t->call) {
        turn_note_failure(t, oc_err_msg(&err), "format");
        t->ref_i++;
        next_model(t);
    }
}

/* Whose store the credential bookkeeping reads and writes. */
static struct creds_owner owner_of(const struct turn *t)
{
    struct creds_owner o = {t->agent_dir, t->env.paths, t->env.cfg,
                            t->env.stores};

    return o;
}

static void refresh_failed(struct turn *t, const char *why)
{
    const struct cred_cand *c = &t->plan.v[t->cand_i];
    struct creds_owner own = owner_of(t);
    struct auth_query q = {t->env.cfg, t->route.provider, t->route.model, 0};

    snprintf(t->last_error, sizeof(t->last_error),
             "OAuth token refresh failed for %s: %s. Please try again or "
             "re-authenticate.",
             t->route.provider, why);
    turn_note_failure(t, t->last_error, "auth");
    creds_mark_failure(&own, &q, c->name, REASON_AUTH);
    t->cand_i++;
    next_cred(t);
}

/*
 * The refresh answered; the store's lock is still ours. New tokens are
 * saved even when the turn was cancelled meanwhile: Anthropic rotates
 * refresh tokens, so dropping them would leave a dead one on disk.
 */
static void on_refreshed(void *arg, int ok, struct oauth_tokens *tok)
{
    struct turn *t = arg;
    const struct cred_cand *c = &t->plan.v[t->cand_i];
    struct creds_owner own = owner_of(t);
    struct oauth_update up = {c->name, tok->access, tok->refresh, tok->expires};
    struct oc_err err;
    bool saved = false;

    oc_err_clear(&err);
    t->refreshing = false;
    if (ok)
        saved = creds_save_oauth(&own, &up, &err) == 0;
    fsx_lock_release(&t->refresh_lock);
    if (t->cancelled || t->timed_out) {
        finish(t);
        return;
    }
    if (saved) {
        secret_set(&t->cred.secret, tok->access, strlen(tok->access));
        t->cred.bearer = true;
        call(t);
        return;
    }
    refresh_failed(t, ok ? oc_err_msg(&err) : tok->error);
}

/* Another process (the gateway, another CLI) may have refreshed the
 * token while we waited for the lock: use the stored one when it is new
 * and not expired. */
static bool refreshed_elsewhere(struct turn *t)
{
    struct cred_value v;
    struct auth_store s;
    bool fresh = false;

    auth_store_init(&s);
    if (auth_store_load(&s, t->agent_dir, t->env.paths, NULL) == 0 &&
        creds_resolve(&s, t->env.cfg, &t->plan.v[t->cand_i], &v, NULL) == 0) {
        fresh = !v.expired && strcmp(secret_value(&v.secret),
                                     secret_value(&t->cred.secret)) != 0;
        if (fresh) {
            creds_value_release(&t->cred);
            t->cred = v;
        } else {
            creds_value_release(&v);
        }
    }
    auth_store_release(&s);
    return fresh;
}

/*
 * Refresh under the store's lock (reference openclaw-auth.md §7.4): take
 * it, reload, and only ask the token endpoint when nobody else already
 * did; the lock is held until the new tokens are saved.
 */
static void refresh_then_call(struct turn *t)
{
    struct oc_err err;

    t->refreshed = true;
    if (fsx_lock_acquire(&t->refresh_lock, t->store->path, NULL, &err) != 0) {
        refresh_failed(t, oc_err_msg(&err));
        return;
    }
    if (refreshed_elsewhere(t)) {
        fsx_lock_release(&t->refresh_lock);
        call(t);
        return;
    }
    t->refreshing = true;
    if (oauth_refresh_start(t->env.hc, t->route.provider, t->cred.refresh,
                            on_refreshed, t, &err) == 0)
        return;
    t->refreshing = false;
    fsx_lock_release(&t->refresh_lock);
    refresh_failed(t, oc_err_msg(&err));
}

/* ---- credentials ----------------------------------------------------------
 */

static void next_cred(struct turn *t)
{
    struct oc_err err;

    creds_value_release(&t->cred);
    t->refreshed = false;
    for (; t->cand_i < t->plan.n; t->cand_i++) {
        if (creds_resolve(t->store, t->env.cfg, &t->plan.v[t->cand_i], &t->cred,
                          &err) != 0) {
            str_copy(t->last_error, sizeof(t->last_error), oc_err_msg(&err));
            turn_note_failure(t, t->last_error, "auth");
            creds_value_release(&t->cred);
            continue;
        }
        str_copy(t->out.profile, sizeof(t->out.profile),
                 t->plan.v[t->cand_i].name);
        if (t->cred.expired && t->cred.refresh[0])
            refresh_then_call(t);
        else
            call(t);
        return;
    }
    t->models_failed++;
    t->ref_i++;
    next_model(t);
}

/* ---- models
 * ------------------------------------------------------------------- */

static bool plan_model(struct turn *t)
{
    struct auth_query q;
    struct oc_err err;

    store_cache_put(t->env.stores, t->store);
    creds_plan_release(&t->plan);
    t->store = store_cache_get(t->env.stores, t->agent_dir, t->env.paths, &err);
    if (!t->store) {
        str_copy(t->last_error, sizeof(t->last_error), oc_err_msg(&err));
        turn_note_failure(t, t->last_error, "auth");
        return false;
    }
    q = (struct auth_query){t->env.cfg, t->route.provider, t->route.model,
                            clock_wall_ms()};
    creds_plan(t->store, &q, t->pinned, &t->plan);
    if (t->plan.n)
        return true;
    if (t->plan.all_in_cooldown)
        turn_error_cooldown(t);
    else
        turn_error_no_creds(t);
    return false;
}

static void next_model(struct turn *t)
{
    struct oc_err err;

    for (; t->ref_i < t->refs.n; t->ref_i++) {
        route_release(&t->route);
        if (route_build(t->env.cfg, t->agent_id, t->refs.v[t->ref_i], &t->route,
                        &err) != 0) {
            str_copy(t->last_error, sizeof(t->last_error), oc_err_msg(&err));
            turn_note_failure(t, t->last_error, "format");
            t->models_failed++;
            continue;
        }
        t->rate_rotations = t->overload_rotations = 0;
        if (!plan_model(t)) {
            t->models_failed++;
            continue;
        }
        t->cand_i = 0;
        next_cred(t);
        return;
    }
    fail_all(t);
}

/* ---- after a call
 * --------------------------------------------------------------- */

static void succeed(struct turn *t)
{
    const struct cred_cand *c = &t->plan.v[t->cand_i];
    struct creds_owner own = owner_of(t);

    if (c->kind == CAND_PROFILE)
        creds_mark_success(&own, t->store, t->route.provider, c->name);
    t->out.ok = true;
    t->out.message = t->res.message;
    str_copy(t->out.stop_reason, sizeof(t->out.stop_reason),
             t->res.stop_reason);
    t->out.usage = t->res.usage;
    str_copy(t->out.ref, sizeof(t->out.ref), t->route.ref);
    str_copy(t->out.request_id, sizeof(t->out.request_id), t->res.request_id);
    turn_save_reply(t);
    finish(t);
}

/* May the turn try another profile of the same provider after reason? */
static bool may_rotate(struct turn *t, enum auth_reason reason)
{
    int64_t cap = 1;
    json_t *c = jsonx_get_obj(jsonx_get_obj(t->env.cfg, "auth"), "cooldowns");

    if (t->pinned && t->plan.n == 1)
        return false; /* a user pin is never rotated away from */
    if (reason == REASON_RATE_LIMIT) {
        jsonx_get_int(c, "rateLimitedProfileRotations", &cap);
        return t->rate_rotations++ < cap;
    }
    if (reason == REASON_OVERLOADED) {
        jsonx_get_int(c, "overloadedProfileRotations", &cap);
        return t->overload_rotations++ < cap;
    }
    return true;
}

static void failed(struct turn *t)
{
    const struct cred_cand *c = &t->plan.v[t->cand_i];
    struct failure f = {t->res.http_status, t->res.error_message,
                        t->res.error_type, t->route.provider};
    enum auth_reason reason = classify_failure(&f);
    bool cc_only = classify_claude_code_only(&f);
    struct creds_owner own = owner_of(t);
    struct auth_query q = {t->env.cfg, t->route.provider, t->route.model, 0};

    if (t->res.transport_timeout || t->res.status == LLM_TRUNCATED)
        reason = REASON_TIMEOUT;
    turn_error_for_call(t, reason, cc_only);
    if (c->kind == CAND_PROFILE)
        creds_mark_failure(&own, &q, c->name, reason);
    if (t->res.output_started || (reason == REASON_NONE && !cc_only)) {
        finish(t); /* nothing more can be done without repeating output */
        return;
    }
    if (may_rotate(t, reason)) {
        t->cand_i++;
        next_cred(t);
        return;
    }
    t->models_failed++;
    t->ref_i++;
    next_model(t);
}

static void on_call_done(void *arg, struct llm_result *res)
{
    struct turn *t = arg;

    (void)res;
    t->call = NULL;
    if (t->cancelled || t->timed_out || t->res.status == LLM_CANCELLED) {
        t->out.cancelled = t->cancelled;
        turn_set_failure(t, t->timed_out ? "timeout" : "cancelled");
        if (t->timed_out)
            snprintf(t->out.error, sizeof(t->out.error),
                     "the turn timed out after %ld s (--timeout, or "
                     "agents.defaults.timeoutSeconds)",
                     t->timeout_ms / 1000);
        else
            str_copy(t->out.error, sizeof(t->out.error), "cancelled");
        finish(t);
        return;
    }
    if (t->res.status == LLM_OK) {
        succeed(t);
        return;
    }
    if (t->res.http_status == 401 && t->cred.oauth && t->cred.refresh[0] &&
        !t->refreshed && !t->res.output_started) {
        refresh_then_call(t);
        return;
    }
    failed(t);
}

/* ---- starting
 * ----------------------------------------------------------------- */

static void on_deadline(uv_timer_t *h)
{
    struct turn *t = h->data;

    t->timed_out = true;
    if (t->call)
        llm_call_cancel(t->call);
}

static void on_kick(uv_timer_t *h)
{
    struct turn *t = h->data;

    uv_timer_start(&t->deadline, on_deadline, (uint64_t)t->timeout_ms, 0);
    if (t->cancelled) {
        t->out.cancelled = true;
        str_copy(t->out.error, sizeof(t->out.error), "cancelled");
        finish(t);
        return;
    }
    next_model(t);
}

static const char *pick_thinking(json_t *cfg, const char *agent_id,
                                 const char *run, json_t *entry)
{
    json_t *a = modelref_agent_entry(cfg, agent_id);
    const char *v = run;

    if (!v)
        v = jsonx_get_str(entry, "thinkingLevel");
    if (!v)
        v = jsonx_get_str(a, "thinkingDefault");
    if (!v)
        v = jsonx_get_str(
            jsonx_get_obj(jsonx_get_obj(cfg, "agents"), "defaults"),
            "thinkingDefault");
    return v;
}

/* The session's own model selection (provider/model), or the run's. */
static char *first_model(struct turn *t)
{
    const char *p = jsonx_get_str(t->sess.entry, "providerOverride");
    const char *m = jsonx_get_str(t->sess.entry, "modelOverride");
    struct model_ref r;
    char buf[320];

    if (t->run_model &&
        modelref_resolve(t->env.cfg, t->run_model, &r, NULL, NULL) == 0)
        return xstrdup(modelref_format(&r, buf, sizeof(buf)));
    if (p && m)
        return xasprintf("%s/%s", p, m);
    return NULL;
}

static int open_session(struct turn *t, const struct turn_request *rq,
                        struct oc_err *err)
{
    char *sessions = paths_sessions_dir(t->env.paths, t->agent_id);
    char *key = session_key(t->agent_id, rq->session_key);
    const char *src;
    int rc =
        session_open(sessions, key, rq->session_id, rq->cwd, &t->sess, err);

    free(sessions);
    free(key);
    if (rc)
        return rc;
    src = jsonx_get_str(t->sess.entry, "authProfileOverrideSource");
    if (jsonx_get_str(t->sess.entry, "authProfileOverride") &&
        (!src || !strcmp(src, "user")))
        t->pinned =
            xstrdup(jsonx_get_str(t->sess.entry, "authProfileOverride"));
    return 0;
}

/* The new messages: rq->input, or the user's text as one message. */
static json_t *new_messages(const struct turn_request *rq)
{
    if (rq->input)
        return json_incref(rq->input); /* shared, never changed */
    return json_pack("[{s:s, s:[{s:s, s:s}], s:I}]", "role", "user", "content",
                     "type", "text", "text", rq->message ? rq->message : "",
                     "timestamp", (json_int_t)clock_wall_ms());
}

static int add_input(struct turn *t, const struct turn_request *rq,
                     struct oc_err *err)
{
    json_t *in = new_messages(rq), *m;
    size_t i;
    int rc = 0;

    json_array_foreach (in, i, m) {
        json_array_append(t->history, m);
        if (!t->ephemeral && !rc)
            rc = session_append_message(&t->sess, m, err);
    }
    json_decref(in);
    return rc;
}

static int prepare(struct turn *t, const struct turn_request *rq,
                   struct oc_err *err)
{
    const char *level;
    char *first;
    int rc;

    t->agent_dir = config_agent_dir(t->env.cfg, t->env.paths, t->agent_id);
    if (!t->ephemeral) {
        rc = open_session(t, rq, err);
        if (rc)
            return rc;
    }
    level = pick_thinking(t->env.cfg, t->agent_id, rq->thinking, t->sess.entry);
    t->thinking = level ? xstrdup(level) : NULL;
    first = first_model(t);
    route_candidates(t->env.cfg, t->agent_id, first, &t->refs);
    free(first);
    if (t->ephemeral)
        t->history = rq->history ? json_copy(rq->history) : json_array();
    else
        t->history = session_history(&t->sess, 200);
    return add_input(t, rq, err);
}

static long default_timeout(json_t *cfg)
{
    int64_t s;

    if (jsonx_get_int(jsonx_get_obj(jsonx_get_obj(cfg, "agents"), "defaults"),
                      "timeoutSeconds", &s) == 0 &&
        s > 0)
        return (long)(s * 1000);
    return 600000L;
}

struct turn *turn_start(const struct turn_env *env,
                        const struct turn_request *rq,
                        const struct llm_sink *sink, turn_done_fn done,
                        void *arg, struct oc_err *err)
{
    struct turn *t = xcalloc(1, sizeof(*t));

    t->refresh_lock = (struct fsx_lock)FSX_LOCK_INIT;
    t->env = *env;
    if (sink)
        t->sink = *sink;
    t->done = done;
    t->arg = arg;
    t->agent_id = rq->agent_id ? paths_normalize_agent_id(rq->agent_id)
                               : config_default_agent_id(env->cfg);
    t->message = rq->message ? xstrdup(rq->message) : NULL;
    t->run_model = rq->model ? xstrdup(rq->model) : NULL;
    t->system = rq->system ? xstrdup(rq->system) : NULL;
    t->tools = json_incref(rq->tools);
    t->ephemeral = rq->ephemeral;
    json_incref(t->env.cfg);
    t->timeout_ms =
        rq->timeout_ms > 0 ? rq->timeout_ms : default_timeout(env->cfg);
    buf_init(&t->summary, 0);
    uv_timer_init(http_client_loop(env->hc), &t->deadline);
    t->deadline.data = t;
    if (prepare(t, rq, err)) {
        t->finished = true;
        uv_close((uv_handle_t *)&t->deadline, free_turn);
        return NULL;
    }
    /* the work starts from the loop, so done never runs inside this call */
    uv_timer_start(&t->deadline, on_kick, 0, 0);
    return t;
}

void turn_pause(struct turn *t, bool paused)
{
    if (!t || t->finished)
        return;
    t->paused = paused;
    if (t->call)
        llm_call_pause(t->call, paused);
}

void turn_cancel(struct turn *t)
{
    if (!t || t->finished)
        return;
    t->cancelled = true;
    if (t->call)
        llm_call_cancel(t->call);
    else if (!t->refreshing) {
        t->out.cancelled = true;
        str_copy(t->out.error, sizeof(t->out.error), "cancelled");
        finish(t);
    }
}
