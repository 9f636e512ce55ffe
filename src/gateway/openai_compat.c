/*
 * OpenAI Chat Completions <-> agent turn conversions (see
 * openai_compat.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "gateway/openai_compat.h"
#include "json/jsonx.h"
#include "provider/openai.h"
#include "base/banned.h"

#define OA_MESSAGES_MAX 10000

void oa_request_init(struct oa_request *q)
{
    memset(q, 0, sizeof(*q));
}

void oa_request_release(struct oa_request *q)
{
    free(q->model);
    free(q->agent_id);
    free(q->user);
    free(q->system);
    free(q->command);
    json_decref(q->history);
    json_decref(q->input);
    json_decref(q->tools);
    oa_request_init(q);
}

char *oa_agent_of_model(const char *model)
{
    static const char *const prefixes[] = {"openclaw/",
                                           "openclaw:", "agent:", NULL};
    size_t i;

    if (!model)
        return NULL;
    for (i = 0; prefixes[i]; i++) {
        const char *id = model + strlen(prefixes[i]);

        if (!str_has_prefix(model, prefixes[i]) || !*id)
            continue;
        return strcmp(id, "default") != 0 ? xstrdup(id) : NULL;
    }
    return NULL;
}

/* ---- content ---------------------------------------------------------------
 */

static const char *part_text(const json_t *part)
{
    const char *type = jsonx_get_str(part, "type");

    if (type && (!strcmp(type, "text") || !strcmp(type, "input_text")))
        return jsonx_get_str(part, "text");
    return NULL;
}

/* String content, or the text parts joined with "\n". */
static char *content_text(const json_t *content)
{
    struct buf b;
    const json_t *part;
    size_t i;

    if (json_is_string(content))
        return xstrdup(json_string_value(content));
    buf_init(&b, 0);
    json_array_foreach (content, i, part) {
        const char *t = part_text(part);

        if (t && *t)
            buf_addf(&b, "%s%s", b.len ? "\n" : "", t);
    }
    return buf_detach(&b, NULL);
}

/* An image_url part with a base64 data: URL as a pi-ai image block. */
static json_t *image_of(const json_t *part)
{
    const json_t *iu = json_object_get(part, "image_url");
    const char *url =
        json_is_string(iu) ? json_string_value(iu) : jsonx_get_str(iu, "url");
    const char *semi, *comma;
    char *mime;
    json_t *out;

    if (!url || !str_has_prefix(url, "data:"))
        return NULL;
    semi = strstr(url, ";base64,");
    comma = strchr(url, ',');
    if (!semi || !comma || semi + 7 != comma || semi == url + 5)
        return NULL;
    mime = xmemdupz(url + 5, (size_t)(semi - url - 5));
    out = json_pack("{s:s, s:s, s:s}", "type", "image", "data", comma + 1,
                    "mimeType", mime);
    free(mime);
    return out;
}

static json_t *user_message(const json_t *content, int64_t ts)
{
    json_t *blocks = json_array(), *part, *img, *msg;
    char *text = content_text(content);
    size_t i;

    if (*text)
        json_array_append_new(blocks, jsonx_text_block(text));
    free(text);
    json_array_foreach (content, i, part) {
        const char *type = jsonx_get_str(part, "type");

        if (type && !strcmp(type, "image_url") && (img = image_of(part)))
            json_array_append_new(blocks, img);
    }
    if (!json_array_size(blocks)) {
        json_decref(blocks);
        return NULL;
    }
    msg = json_object();
    json_object_set_new(msg, "role", json_string_nocheck("user"));
    json_object_set_new(msg, "content", blocks);
    json_object_set_new(msg, "timestamp", json_integer((json_int_t)ts));
    return msg;
}

/* A tool call's JSON arguments (a string in OpenAI's format) as an
 * object; what does not parse is kept under "input". */
static json_t *arguments_of(const json_t *fn)
{
    const char *a = jsonx_get_str(fn, "arguments");
    json_t *v;

    if (!a || !*a)
        return json_object();
    v = json_loads(a, JSON_REJECT_DUPLICATES, NULL);
    if (json_is_object(v))
        return v;
    json_decref(v);
    return json_pack("{s:s}", "input", a);
}

static json_t *assistant_message(const json_t *m, int64_t ts)
{
    json_t *blocks = json_array(), *call;
    char *text = content_text(json_object_get(m, "content"));
    size_t i;
    bool tools = false;

    if (*text)
        json_array_append_new(blocks, jsonx_text_block(text));
    free(text);
    json_array_foreach (json_object_get(m, "tool_calls"), i, call) {
        const json_t *fn = json_object_get(call, "function");

        json_array_append_new(
            blocks,
            json_pack(
                "{s:s, s:s, s:s, s:o}", "type", "toolCall", "id",
                jsonx_get_str(call, "id") ? jsonx_get_str(call, "id") : "call",
                "name",
                jsonx_get_str(fn, "name") ? jsonx_get_str(fn, "name") : "tool",
                "arguments", arguments_of(fn)));
        tools = true;
    }
    return json_pack("{s:s, s:o, s:s, s:I}", "role", "assistant", "content",
                     blocks, "stopReason", tools ? "toolUse" : "stop",
                     "timestamp", (json_int_t)ts);
}

/* The tool name a tool_call_id was called with in the messages so far. */
static const char *tool_name_of(const json_t *msgs, const char *id)
{
    const json_t *m, *b;
    size_t i, j;

    json_array_foreach (msgs, i, m) {
        json_array_foreach (json_object_get(m, "content"), j, b) {
            const char *type = jsonx_get_str(b, "type");

            if (type && !strcmp(type, "toolCall") && id &&
                str_eq(jsonx_get_str(b, "id"), id))
                return jsonx_get_str(b, "name");
        }
    }
    return NULL;
}

static json_t *tool_message(const json_t *m, const json_t *so_far, int64_t ts)
{
    const char *id = jsonx_get_str(m, "tool_call_id");
    const char *name = tool_name_of(so_far, id);
    char *text = content_text(json_object_get(m, "content"));
    json_t *out;

    if (!name)
        name = jsonx_get_str(m, "name");
    out = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}], s:b, s:I}", "role",
                    "toolResult", "toolCallId", id ? id : "", "toolName",
                    name ? name : "tool", "content", "type", "text", "text",
                    text, "isError", 0, "timestamp", (json_int_t)ts);
    free(text);
    return out;
}

/* ---- the request -----------------------------------------------------------
 */

struct conv {
    struct buf system;
    json_t *msgs;   /* converted, in order */
    long last_asst; /* index in msgs of the last assistant message, -1 */
};

static int convert_one(struct conv *c, const json_t *m, int64_t ts)
{
    const char *role = jsonx_get_str(m, "role");
    json_t *out = NULL;
    char *text;

    if (!role)
        return -1;
    if (!strcmp(role, "system") || !strcmp(role, "developer")) {
        text = content_text(json_object_get(m, "content"));
        if (*text)
            buf_addf(&c->system, "%s%s", c->system.len ? "\n\n" : "", text);
        free(text);
        return 0;
    }
    if (!strcmp(role, "user"))
        out = user_message(json_object_get(m, "content"), ts);
    else if (!strcmp(role, "assistant"))
        out = assistant_message(m, ts);
    else if (!strcmp(role, "tool") || !strcmp(role, "function"))
        out = tool_message(m, c->msgs, ts);
    else
        return -1;
    if (!out)
        return 0;
    if (!strcmp(role, "assistant"))
        c->last_asst = (long)json_array_size(c->msgs);
    json_array_append_new(c->msgs, out);
    return 0;
}

static int convert_messages(const json_t *msgs, struct conv *c, char *msg,
                            size_t msgsz)
{
    const json_t *m;
    int64_t ts = clock_wall_ms();
    size_t i;

    if (!json_is_array(msgs) || !json_array_size(msgs)) {
        str_copy(msg, msgsz, "Missing user message in `messages`.");
        return -1;
    }
    if (json_array_size(msgs) > OA_MESSAGES_MAX) {
        snprintf(msg, msgsz, "Too many messages (at most %d).",
                 OA_MESSAGES_MAX);
        return -1;
    }
    json_array_foreach (msgs, i, m) {
        if (!json_is_object(m) || convert_one(c, m, ts) != 0) {
            snprintf(msg, msgsz,
                     "Invalid message at `messages[%zu]`: each needs a role "
                     "of system, developer, user, assistant or tool.",
                     i);
            return -1;
        }
    }
    return 0;
}

static json_t *slice(const json_t *a, size_t from, size_t to)
{
    json_t *out = json_array();
    size_t i;

    for (i = from; i < to; i++)
        json_array_append(out, json_array_get(a, i));
    return out;
}

static void set_command(struct oa_request *q)
{
    const json_t *m = json_array_get(q->input, 0), *b;
    const char *role = jsonx_get_str(m, "role"), *t;

    if (json_array_size(q->input) != 1 || !role || strcmp(role, "user") != 0)
        return;
    b = json_array_get(json_object_get(m, "content"), 0);
    t = jsonx_get_str(b, "text");
    if (t && t[0] == '/' && json_array_size(json_object_get(m, "content")) == 1)
        q->command = xstrdup(t);
}

static int split(struct oa_request *q, struct conv *c, char *msg, size_t msgsz)
{
    size_t n = json_array_size(c->msgs);
    size_t cut = c->last_asst < 0 ? 0 : (size_t)c->last_asst + 1;

    if (cut >= n) {
        str_copy(msg, msgsz, "Missing user message in `messages`.");
        return -1;
    }
    q->history = slice(c->msgs, 0, cut);
    q->input = slice(c->msgs, cut, n);
    if (c->system.len)
        q->system = xstrdup(c->system.p);
    set_command(q);
    return 0;
}

static json_t *convert_tools(const json_t *tools)
{
    json_t *out = json_array(), *t;
    size_t i;

    json_array_foreach (tools, i, t) {
        const json_t *fn = json_object_get(t, "function");
        const char *type = jsonx_get_str(t, "type");
        json_t *params = json_object_get(fn, "parameters");

        if (!type || strcmp(type, "function") != 0 ||
            !jsonx_get_str(fn, "name"))
            continue;
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:o}", "name", jsonx_get_str(fn, "name"),
                           "description",
                           jsonx_get_str(fn, "description")
                               ? jsonx_get_str(fn, "description")
                               : "",
                           "parameters",
                           json_is_object(params) ? json_incref(params)
                                                  : json_object()));
    }
    if (json_array_size(out))
        return out;
    json_decref(out);
    return NULL;
}

static int read_fields(json_t *doc, struct oa_request *q, char *msg,
                       size_t msgsz)
{
    const json_t *model = json_object_get(doc, "model");
    const json_t *user = json_object_get(doc, "user");

    if (model && !json_is_string(model)) {
        str_copy(msg, msgsz, "`model` must be a string.");
        return -1;
    }
    q->model = xstrdup(model ? json_string_value(model) : "openclaw");
    q->agent_id = oa_agent_of_model(q->model);
    q->stream = json_is_true(json_object_get(doc, "stream"));
    q->include_usage = jsonx_get_bool(jsonx_get_obj(doc, "stream_options"),
                                      "include_usage", false);
    if (json_is_string(user) && *json_string_value(user))
        q->user = xstrdup(json_string_value(user));
    q->tools = convert_tools(json_object_get(doc, "tools"));
    return 0;
}

int oa_parse_request(const char *body, size_t n, struct oa_request *out,
                     char *msg, size_t msgsz)
{
    json_error_t je;
    json_t *doc = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
    struct conv c = {{0}, json_array(), -1};
    int rc = -1;

    oa_request_release(out);
    buf_init(&c.system, 0);
    if (!json_is_object(doc)) {
        snprintf(msg, msgsz,
                 doc ? "The request body must be a JSON object."
                     : "Invalid JSON at line %d column %d: %s",
                 je.line, je.column, je.text);
        goto out;
    }
    if (read_fields(doc, out, msg, msgsz) != 0 ||
        convert_messages(json_object_get(doc, "messages"), &c, msg, msgsz) !=
            0 ||
        split(out, &c, msg, msgsz) != 0)
        goto out;
    rc = 0;
out:
    if (rc)
        oa_request_release(out);
    buf_release(&c.system);
    json_decref(c.msgs);
    json_decref(doc);
    return rc;
}

/* ---- the answer
 * --------------------------------------------------------------
 */

char *oa_message_text(const json_t *msg)
{
    struct buf b;
    const json_t *blk;
    size_t i;

    buf_init(&b, 0);
    json_array_foreach (json_object_get(msg, "content"), i, blk) {
        const char *type = jsonx_get_str(blk, "type");

        if (type && !strcmp(type, "text") && jsonx_get_str(blk, "text"))
            buf_addstr(&b, jsonx_get_str(blk, "text"));
    }
    return buf_detach(&b, NULL);
}

json_t *oa_tool_calls(const json_t *msg)
{
    json_t *out = json_array();
    const json_t *blk;
    size_t i;

    json_array_foreach (json_object_get(msg, "content"), i, blk) {
        const char *type = jsonx_get_str(blk, "type");

        if (type && !strcmp(type, "toolCall"))
            json_array_append_new(out, openai_tool_call(blk, ""));
    }
    if (json_array_size(out))
        return out;
    json_decref(out);
    return NULL;
}

const char *oa_finish_reason(const char *stop_reason)
{
    if (stop_reason && !strcmp(stop_reason, "toolUse"))
        return "tool_calls";
    if (stop_reason && !strcmp(stop_reason, "length"))
        return "length";
    return "stop";
}

json_t *oa_usage(const struct llm_usage *u)
{
    return json_pack("{s:I, s:I, s:I, s:{s:I}}", "prompt_tokens",
                     (json_int_t)llm_usage_prompt(u), "completion_tokens",
                     (json_int_t)u->output, "total_tokens",
                     (json_int_t)llm_usage_total(u), "prompt_tokens_details",
                     "cached_tokens", (json_int_t)u->cache_read);
}

/* {"id":…,"object":"chat.completion","created":…,"model":… */
static int put_head(struct buf *out, const char *id, int64_t created,
                    const char *model)
{
    if (buf_addstr(out, "{\"id\":") || jsonx_dump_string(id, strlen(id), out))
        return -1;
    if (buf_addstr(out, ",\"object\":\"chat.completion\",\"created\":") ||
        buf_add_int(out, (long long)created) || buf_addstr(out, ",\"model\":"))
        return -1;
    return jsonx_dump_string(model, strlen(model), out) ? -1 : 0;
}

/* The message: content (null when only tool calls) and tool_calls. */
static int put_message(struct buf *out, const char *text, const json_t *calls)
{
    if (buf_addstr(out, ",\"choices\":[{\"index\":0,\"message\":{"
                        "\"role\":\"assistant\",\"content\":"))
        return -1;
    if (*text || !calls ? jsonx_dump_string(text, strlen(text), out)
                        : buf_addstr(out, "null"))
        return -1;
    if (calls &&
        (buf_addstr(out, ",\"tool_calls\":") || jsonx_dump(calls, 0, out)))
        return -1;
    return buf_addstr(out, "}") ? -1 : 0;
}

/* finish_reason, and usage as oa_usage. */
static int put_tail(struct buf *out, const char *stop_reason,
                    const struct llm_usage *u)
{
    return buf_addstr(out, ",\"finish_reason\":\"") ||
                   buf_addstr(out, oa_finish_reason(stop_reason)) ||
                   buf_addstr(out, "\"}],\"usage\":{\"prompt_tokens\":") ||
                   buf_add_int(out, (long long)llm_usage_prompt(u)) ||
                   buf_addstr(out, ",\"completion_tokens\":") ||
                   buf_add_int(out, (long long)u->output) ||
                   buf_addstr(out, ",\"total_tokens\":") ||
                   buf_add_int(out, (long long)llm_usage_total(u)) ||
                   buf_addstr(out, ",\"prompt_tokens_details\":{"
                                   "\"cached_tokens\":") ||
                   buf_add_int(out, (long long)u->cache_read) ||
                   buf_addstr(out, "}}}")
               ? -1
               : 0;
}

int oa_completion_write(const char *id, int64_t created, const char *model,
                        const struct oa_answer *a, struct buf *out)
{
    char *text = oa_message_text(a->message);
    json_t *calls = oa_tool_calls(a->message);
    size_t start = out->len;
    int rc = -1;

    if (str_utf8_valid(text, strlen(text)) &&
        str_utf8_valid(model, strlen(model)))
        rc = put_head(out, id, created, model) ||
                     put_message(out, text, calls) ||
                     put_tail(out, a->stop_reason, a->usage)
                 ? -1
                 : 0;
    if (rc)
        buf_truncate(out, start);
    free(text);
    json_decref(calls);
    return rc;
}

json_t *oa_chunk(const char *id, int64_t created, const char *model,
                 json_t *delta, const char *finish_reason)
{
    return json_pack("{s:s, s:s, s:I, s:s, s:[{s:i, s:o, s:o}]}", "id", id,
                     "object", "chat.completion.chunk", "created",
                     (json_int_t)created, "model", model, "choices", "index", 0,
                     "delta", delta, "finish_reason",
                     finish_reason ? json_string(finish_reason) : json_null());
}

void oa_chunk_prefix(const char *id, int64_t created, const char *model,
                     struct buf *prefix)
{
    buf_addstr(prefix, "{\"id\":");
    jsonx_dump_string(id, strlen(id), prefix);
    buf_addstr(prefix, ",\"object\":\"chat.completion.chunk\",\"created\":");
    buf_add_int(prefix, (long long)created);
    buf_addstr(prefix, ",\"model\":");
    jsonx_dump_string(model, strlen(model), prefix);
    buf_addstr(prefix, ",\"choices\":[{\"index\":0,\"delta\":{\"content\":");
}

int oa_text_chunk(const struct buf *prefix, const char *text, size_t n,
                  struct buf *out)
{
    static const char tail[] = "},\"finish_reason\":null}]}";
    size_t start = out->len;

    if (!str_utf8_valid(text, n))
        return -1;
    if (buf_add(out, prefix->p, prefix->len) ||
        jsonx_dump_string(text, n, out) || buf_addstr(out, tail)) {
        buf_truncate(out, start);
        return -1;
    }
    return 0;
}

json_t *oa_usage_chunk(const char *id, int64_t created, const char *model,
                       const struct llm_usage *u)
{
    return json_pack("{s:s, s:s, s:I, s:s, s:[], s:o}", "id", id, "object",
                     "chat.completion.chunk", "created", (json_int_t)created,
                     "model", model, "choices", "usage", oa_usage(u));
}

json_t *oa_error(const char *message, const char *type, const char *code)
{
    json_t *e = json_pack("{s:s, s:s}", "message", message, "type", type);

    if (code)
        json_object_set_new(e, "code", json_string(code));
    return json_pack("{s:o}", "error", e);
}

void oa_failure_of(const char *f, struct oa_failure *out)
{
    static const struct {
        const char *failure;
        struct oa_failure v;
    } map[] = {
        {"missing_credentials",
         {401, "authentication_error", "missing-provider-auth"}},
        {"auth", {401, "authentication_error", "provider-auth-rejected"}},
        {"auth_permanent",
         {401, "authentication_error", "provider-auth-rejected"}},
        {"claude_code_only",
         {403, "permission_error", "credential-not-allowed"}},
        {"billing", {402, "billing_error", "insufficient_quota"}},
        {"rate_limit", {429, "rate_limit_error", "rate_limited"}},
        {"cooldown", {429, "rate_limit_error", "all-profiles-cooling-down"}},
        {"overloaded", {503, "overloaded_error", "overloaded"}},
        {"timeout", {408, "api_error", NULL}},
        {"model_not_found", {404, "invalid_request_error", "model_not_found"}},
        {"format", {400, "invalid_request_error", NULL}},
        {"no_model", {500, "api_error", "no-model-configured"}},
    };
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (f && !strcmp(f, map[i].failure)) {
            *out = map[i].v;
            return;
        }
    }
    *out = (struct oa_failure){502, "api_error", NULL};
}

json_t *oa_model_entry(const char *id)
{
    return json_pack("{s:s, s:s, s:i, s:s, s:[]}", "id", id, "object", "model",
                     "created", 0, "owned_by", "openclaw", "permission");
}
