/*
 * OpenAI-compatible chat completions for OpenRouter (see openai.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/openai.h"
#include "base/banned.h"

static bool openrouter(const struct llm_request *r)
{
    return !strcmp(r->provider, "openrouter") ||
           (r->base_url && strstr(r->base_url, "openrouter.ai"));
}

/* ---- headers ------------------------------------------------------------ */

void openai_headers(const struct llm_request *r, struct strlist *out)
{
    const char *key;
    json_t *v;

    strlist_pushf(out, "Authorization: Bearer %s", r->cred.secret);
    strlist_push(out, "content-type: application/json");
    strlist_push(out, "accept: application/json");
    strlist_push(out, "user-agent: openclaw-c/" OC_VERSION);
    if (openrouter(r)) {
        /* OpenRouter's app attribution, naming this project */
        strlist_push(out, "HTTP-Referer: https://docs.openclaw.ai");
        strlist_push(out, "X-OpenRouter-Title: openclaw-c");
        strlist_push(out, "X-Title: openclaw-c");
        strlist_push(out, "X-OpenRouter-Categories: cli-agent");
    }
    json_object_foreach (r->headers, key, v)
        if (json_is_string(v))
            llm_set_header(out, key, json_string_value(v));
}

/* ---- messages -------------------------------------------------------------
 */

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
    const char *v = jsonx_get_str(o, key);

    return v ? v : dflt;
}

static json_t *user_parts(json_t *content)
{
    json_t *out = json_array(), *b;
    const char *type;
    char *url;
    size_t i;

    json_array_foreach (content, i, b) {
        type = jsonx_get_str(b, "type");
        if (type && !strcmp(type, "text") && jsonx_get_str(b, "text")) {
            json_array_append_new(out,
                                  json_pack("{s:s, s:s}", "type", "text",
                                            "text", jsonx_get_str(b, "text")));
        } else if (type && !strcmp(type, "image")) {
            url = xasprintf("data:%s;base64,%s",
                            str_or(b, "mimeType", "image/png"),
                            str_or(b, "data", ""));
            json_array_append_new(out, json_pack("{s:s, s:{s:s}}", "type",
                                                 "image_url", "image_url",
                                                 "url", url));
            free(url);
        }
    }
    return out;
}

json_t *openai_tool_call(const json_t *block, const char *name_dflt)
{
    const json_t *a = json_object_get(block, "arguments");
    char *args = a ? jsonx_dumps(a, 0) : NULL;
    json_t *call = json_pack(
        "{s:s, s:s, s:{s:s, s:s}}", "id", str_or(block, "id", ""), "type",
        "function", "function", "name", str_or(block, "name", name_dflt),
        "arguments", args ? args : "{}");

    free(args);
    return call;
}

static json_t *assistant_msg(json_t *content)
{
    json_t *calls = json_array(), *b, *m;
    struct buf text;
    const char *type;
    size_t i;

    buf_init(&text, 0);
    json_array_foreach (content, i, b) {
        type = jsonx_get_str(b, "type");
        if (type && !strcmp(type, "text"))
            buf_addstr(&text, str_or(b, "text", ""));
        if (!type || strcmp(type, "toolCall") != 0)
            continue;
        json_array_append_new(calls, openai_tool_call(b, "tool"));
    }
    m = json_pack("{s:s, s:o}", "role", "assistant", "content",
                  text.len ? json_string(text.p) : json_null());
    if (json_array_size(calls))
        json_object_set(m, "tool_calls", calls);
    json_decref(calls);
    buf_release(&text);
    return m;
}

static json_t *tool_msg(const json_t *m)
{
    json_t *c = json_object_get(m, "content"), *b;
    struct buf text;
    size_t i;
    json_t *out;

    buf_init(&text, 0);
    if (json_is_string(c))
        buf_addstr(&text, json_string_value(c));
    json_array_foreach (c, i, b)
        if (jsonx_get_str(b, "text"))
            buf_addf(&text, "%s%s", text.len ? "\n" : "",
                     jsonx_get_str(b, "text"));
    out = json_pack("{s:s, s:s, s:s}", "role", "tool", "tool_call_id",
                    str_or(m, "toolCallId", ""), "content", text.p);
    buf_release(&text);
    return out;
}

static json_t *system_msg(const struct llm_request *r)
{
    /* Anthropic models on OpenRouter cache the system part (no TTL) */
    if (openrouter(r) && str_has_prefix(r->model, "anthropic/"))
        return json_pack("{s:s, s:[{s:s, s:s, s:{s:s}}]}", "role", "system",
                         "content", "type", "text", "text", r->system,
                         "cache_control", "type", "ephemeral");
    return json_pack("{s:s, s:s}", "role", "system", "content", r->system);
}

static json_t *messages(const struct llm_request *r)
{
    json_t *out = json_array(), *m, *c;
    const char *role;
    size_t i;

    if (r->system && *r->system)
        json_array_append_new(out, system_msg(r));
    json_array_foreach (r->messages, i, m) {
        role = str_or(m, "role", "");
        c = json_object_get(m, "content");
        if (!strcmp(role, "assistant"))
            json_array_append_new(out, assistant_msg(c));
        else if (!strcmp(role, "toolResult"))
            json_array_append_new(out, tool_msg(m));
        else if (json_is_string(c))
            json_array_append_new(
                out, json_pack("{s:s, s:O}", "role", "user", "content", c));
        else
            json_array_append_new(out, json_pack("{s:s, s:o}", "role", "user",
                                                 "content", user_parts(c)));
    }
    return out;
}

static json_t *tools(const struct llm_request *r)
{
    json_t *out = json_array(), *t, *params;
    size_t i;

    json_array_foreach (r->tools, i, t) {
        params = json_object_get(t, "parameters");
        json_array_append_new(
            out,
            json_pack("{s:s, s:{s:s, s:s, s:o, s:b}}", "type", "function",
                      "function", "name", str_or(t, "name", "tool"),
                      "description", str_or(t, "description", ""), "parameters",
                      json_is_object(params)
                          ? json_incref(params)
                          : json_pack("{s:s}", "type", "object"),
                      "strict", 0));
    }
    return out;
}

/* OpenClaw's mapping of thinking levels to OpenRouter reasoning effort. */
static const char *reasoning_effort(const struct llm_request *r)
{
    if (!r->thinking || !strcmp(r->model, "auto") ||
        !strcmp(r->model, "openrouter/auto"))
        return NULL;
    if (!strcmp(r->thinking, "off"))
        return "none";
    if (!strcmp(r->thinking, "adaptive"))
        return "medium";
    return r->thinking;
}

json_t *openai_body(const struct llm_request *r)
{
    json_t *body = json_pack("{s:s}", "model", r->model), *v;
    const char *effort = reasoning_effort(r);
    int64_t max;

    json_object_set_new(body, "messages", messages(r));
    json_object_set_new(body, "stream", json_true());
    json_object_set_new(body, "stream_options",
                        json_pack("{s:b}", "include_usage", 1));
    json_object_set_new(body, "store", json_false());
    if (jsonx_get_int(r->params, "maxTokens", &max) == 0 && max > 0)
        json_object_set_new(body, "max_completion_tokens", json_integer(max));
    else if (r->info && r->info->default_max_tokens > 0)
        json_object_set_new(body, "max_completion_tokens",
                            json_integer(r->info->default_max_tokens));
    v = json_object_get(r->params, "temperature");
    if (json_is_number(v))
        json_object_set(body, "temperature", v);
    if (json_array_size(r->tools))
        json_object_set_new(body, "tools", tools(r));
    if (effort && openrouter(r))
        json_object_set_new(body, "reasoning",
                            json_pack("{s:s}", "effort", effort));
    if (r->user_id)
        json_object_set_new(body, "user", json_string(r->user_id));
    return body;
}
