/*
 * Building an Anthropic Messages request (see anthropic.h): headers,
 * betas, system blocks with cache breakpoints, the conversation in the
 * API's block format, tools and thinking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/anthropic.h"
#include "provider/anthropic_internal.h"
#include "base/banned.h"

#define BETA_CACHE_TTL   "extended-cache-ttl-2025-04-11"
#define BETA_CLAUDE_CODE "claude-code-20250219"
#define BETA_OAUTH       "oauth-2025-04-20"
#define BETA_TOOL_STREAM "fine-grained-tool-streaming-2025-05-14"
#define BETA_INTERLEAVED "interleaved-thinking-2025-05-14"
#define BETA_CONTEXT_1M  "context-1m-2025-08-07"

bool anthropic_is_oauth_token(const char *secret)
{
    return secret && strstr(secret, "sk-ant-oat") != NULL;
}

bool anthropic_oauth(const struct llm_request *r)
{
    return r->cred.bearer || anthropic_is_oauth_token(r->cred.secret);
}

static bool oauth(const struct llm_request *r)
{
    return anthropic_oauth(r);
}

/* Claude 4.6-class models think adaptively (no interleaved beta). */
static bool adaptive(const struct llm_request *r)
{
    if (r->info && r->info->thinking)
        return !strcmp(r->info->thinking, "adaptive");
    return strstr(r->model, "opus-4-6") || strstr(r->model, "sonnet-4-6") ||
           strstr(r->model, "opus-4.6") || strstr(r->model, "sonnet-4.6");
}

/* ---- anthropic-beta ---------------------------------------------------- */

/* Add each comma-separated beta of list (trimmed, deduplicated). */
static void add_betas(struct strlist *set, const char *list, bool is_oauth)
{
    char *copy = xstrdup(list), *tok, *save = NULL, *t;

    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        t = str_trim_dup(tok);
        /* subscription tokens are refused with the 1M-context beta */
        if (*t && !strlist_has(set, t) &&
            !(is_oauth && str_has_prefix(t, "context-1m-")))
            strlist_push(set, t);
        free(t);
    }
    free(copy);
}

static const char *configured_header(const struct llm_request *r,
                                     const char *name)
{
    const char *key;
    json_t *v;

    json_object_foreach (r->headers, key, v)
        if (!strcasecmp(key, name) && json_is_string(v))
            return json_string_value(v);
    return NULL;
}

static void param_betas(const struct llm_request *r, struct strlist *set,
                        bool is_oauth)
{
    json_t *b = json_object_get(r->params, "anthropicBeta"), *v;
    size_t i;

    if (json_is_string(b))
        add_betas(set, json_string_value(b), is_oauth);
    json_array_foreach (b, i, v)
        if (json_is_string(v))
            add_betas(set, json_string_value(v), is_oauth);
    if (jsonx_get_bool(r->params, "context1m", false) && !is_oauth &&
        (str_has_prefix(r->model, "claude-opus-4") ||
         str_has_prefix(r->model, "claude-sonnet-4")))
        add_betas(set, BETA_CONTEXT_1M, is_oauth);
}

static char *betas(const struct llm_request *r)
{
    struct strlist set = STRLIST_INIT;
    bool is_oauth = oauth(r);
    const char *conf = configured_header(r, "anthropic-beta");
    char *joined;

    if (is_oauth) {
        strlist_push(&set, BETA_CLAUDE_CODE);
        strlist_push(&set, BETA_OAUTH);
    } else {
        strlist_push(&set, BETA_CACHE_TTL);
    }
    strlist_push(&set, BETA_TOOL_STREAM);
    if (!adaptive(r))
        strlist_push(&set, BETA_INTERLEAVED);
    if (conf)
        add_betas(&set, conf, is_oauth);
    param_betas(r, &set, is_oauth);
    joined = strlist_join(&set, ",");
    strlist_release(&set);
    return joined;
}

/* ---- headers ------------------------------------------------------------ */

void anthropic_headers(const struct llm_request *r, struct strlist *out)
{
    char *b = betas(r);
    const char *key;
    json_t *v;

    if (oauth(r))
        strlist_pushf(out, "Authorization: Bearer %s", r->cred.secret);
    else
        strlist_pushf(out, "x-api-key: %s", r->cred.secret);
    strlist_push(out, "anthropic-version: " ANTHROPIC_VERSION);
    strlist_push(out, "content-type: application/json");
    strlist_push(out, "accept: application/json");
    strlist_push(out, "anthropic-dangerous-direct-browser-access: true");
    strlist_pushf(out, "anthropic-beta: %s", b);
    if (oauth(r)) {
        strlist_push(out, "user-agent: claude-cli/" ANTHROPIC_CLAUDE_CODE_VER);
        strlist_push(out, "x-app: cli");
    } else {
        strlist_push(out, "user-agent: openclaw-c/" OC_VERSION);
    }
    /* configured headers replace ours; anthropic-beta was merged above */
    json_object_foreach (r->headers, key, v)
        if (json_is_string(v) && strcasecmp(key, "anthropic-beta") != 0)
            llm_set_header(out, key, json_string_value(v));
    free(b);
}

/* ---- cache_control --------------------------------------------------------
 */

/* The marker to put on breakpoints, or NULL for none (new reference). */
static json_t *cache_control(const struct llm_request *r)
{
    const char *ret = jsonx_get_str(r->params, "cacheRetention");
    const char *ttl = jsonx_get_str(r->params, "cacheControlTtl");
    json_t *cc;

    if (ret && !strcmp(ret, "none"))
        return NULL;
    if (ret && !strcmp(ret, "long"))
        ttl = "1h";
    else if (ret && !strcmp(ret, "short"))
        ttl = NULL;
    else if (ttl && strcmp(ttl, "5m") != 0 && strcmp(ttl, "1h") != 0)
        ttl = NULL;
    /* subscription credentials ignore TTL settings */
    cc = json_object();
    json_object_set_new(cc, "type", json_string_nocheck("ephemeral"));
    if (ttl && !oauth(r))
        json_object_set_new(cc, "ttl", json_string_nocheck(ttl));
    return cc;
}

static json_t *text_block(const char *text, json_t *cc)
{
    json_t *b = jsonx_text_block(text);

    if (cc)
        json_object_set(b, "cache_control", cc);
    return b;
}

static json_t *system_blocks(const struct llm_request *r, json_t *cc)
{
    json_t *sys = json_array();

    if (oauth(r))
        json_array_append_new(sys,
                              text_block(ANTHROPIC_CLAUDE_CODE_SYSTEM, cc));
    if (r->system && *r->system)
        json_array_append_new(sys, text_block(r->system, cc));
    return sys;
}

/* ---- thinking and max_tokens -------------------------------------------- */

static int64_t base_max_tokens(const struct llm_request *r)
{
    int64_t v;

    if (jsonx_get_int(r->params, "maxTokens", &v) == 0 && v > 0)
        return v;
    if (r->info && r->info->default_max_tokens > 0)
        return r->info->default_max_tokens;
    return 4096;
}

static bool thinking_on(const struct llm_request *r)
{
    return r->thinking && strcmp(r->thinking, "off") != 0 &&
           (!r->info || r->info->reasoning);
}

static const char *effort(const struct llm_request *r)
{
    const char *t = r->thinking;

    if (!strcmp(t, "minimal") || !strcmp(t, "low"))
        return "low";
    if (!strcmp(t, "medium"))
        return "medium";
    if (!strcmp(t, "xhigh"))
        return strstr(r->model, "opus-4-6") || strstr(r->model, "opus-4.6")
                   ? "max"
                   : "high";
    return "high";
}

static int64_t budget(const char *level)
{
    if (!strcmp(level, "minimal"))
        return 1024;
    if (!strcmp(level, "low"))
        return 2048;
    if (!strcmp(level, "medium"))
        return 8192;
    return 16384; /* high; xhigh is clamped to high */
}

/* thinking (and output_config), and the max_tokens to ask for. */
static void add_thinking(const struct llm_request *r, json_t *body)
{
    int64_t max = base_max_tokens(r), b, cap;

    if (thinking_on(r) && adaptive(r)) {
        json_object_set_new(body, "thinking",
                            json_pack("{s:s}", "type", "adaptive"));
        json_object_set_new(body, "output_config",
                            json_pack("{s:s}", "effort", effort(r)));
    } else if (thinking_on(r)) {
        b = budget(r->thinking);
        cap =
            r->info && r->info->max_tokens > 0 ? r->info->max_tokens : max + b;
        max = max + b < cap ? max + b : cap;
        if (max <= b)
            b = max - 1024 > 0 ? max - 1024 : 0;
        json_object_set_new(body, "thinking",
                            json_pack("{s:s, s:I}", "type", "enabled",
                                      "budget_tokens", (json_int_t)b));
    }
    json_object_set_new(body, "max_tokens", json_integer(max));
}

/* ---- the request body ------------------------------------------------------
 */

json_t *anthropic_body(const struct llm_request *r)
{
    json_t *cc = cache_control(r), *body, *v;

    body = json_pack("{s:s}", "model", r->model);
    add_thinking(r, body);
    json_object_set_new(body, "stream", json_true());
    v = system_blocks(r, cc);
    if (json_array_size(v))
        json_object_set_new(body, "system", v);
    else
        json_decref(v);
    json_object_set_new(body, "messages", anthropic_messages(r, cc));
    v = anthropic_tools(r);
    if (v)
        json_object_set_new(body, "tools", v);
    v = json_object_get(r->params, "temperature");
    if (json_is_number(v) && !json_object_get(body, "thinking"))
        json_object_set(body, "temperature", v);
    if (r->user_id)
        json_object_set_new(body, "metadata",
                            json_pack("{s:s}", "user_id", r->user_id));
    json_decref(cc);
    return body;
}
