/*
 * The conversation and tools in the Messages API's format, converted from
 * pi-ai's message format (see llm.h) the way pi-ai converts it: tool
 * results grouped into one user message, tool-call ids sanitised, thinking
 * without a signature replayed as text, empty text dropped, images dropped
 * for text-only models, and on the OAuth path tool names in Claude Code's
 * casing.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/anthropic_internal.h"
#include "base/banned.h"

static const char *const cc_tools[] = {"Read",
                                       "Write",
                                       "Edit",
                                       "Bash",
                                       "Grep",
                                       "Glob",
                                       "AskUserQuestion",
                                       "EnterPlanMode",
                                       "ExitPlanMode",
                                       "KillShell",
                                       "NotebookEdit",
                                       "Skill",
                                       "Task",
                                       "TaskOutput",
                                       "TodoWrite",
                                       "WebFetch",
                                       "WebSearch",
                                       NULL};

const char *anthropic_cc_tool_name(const char *name)
{
    size_t i;

    for (i = 0; cc_tools[i]; i++)
        if (!strcasecmp(cc_tools[i], name))
            return cc_tools[i];
    return name;
}

const char *anthropic_tool_name_back(const struct llm_request *r,
                                     const char *cc_name)
{
    json_t *t;
    size_t i;
    const char *n;

    json_array_foreach (r->tools, i, t) {
        n = jsonx_get_str(t, "name");
        if (n && !strcasecmp(n, cc_name))
            return n;
    }
    return cc_name;
}

static const char *tool_name(const struct llm_request *r, const char *name)
{
    return anthropic_oauth(r) ? anthropic_cc_tool_name(name) : name;
}

/* [A-Za-z0-9_-] only, at most 64 characters. */
static json_t *tool_id(const char *id)
{
    char out[65];
    size_t i;

    for (i = 0; id && id[i] && i < 64; i++)
        out[i] = isalnum((unsigned char)id[i]) || id[i] == '_' || id[i] == '-'
                     ? id[i]
                     : '_';
    out[i] = '\0';
    return json_string(out);
}

/* A new reference to o[key] when it is an object, else a new {}. */
static json_t *object_or_empty(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_object(v) ? json_incref(v) : json_object();
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* ---- user content ----------------------------------------------------------
 */

static json_t *image_block(const json_t *b)
{
    return json_pack("{s:s, s:{s:s, s:s, s:s}}", "type", "image", "source",
                     "type", "base64", "media_type",
                     jsonx_get_str(b, "mimeType") ? jsonx_get_str(b, "mimeType")
                                                  : "image/png",
                     "data",
                     jsonx_get_str(b, "data") ? jsonx_get_str(b, "data") : "");
}

static json_t *user_content(const struct llm_request *r, json_t *content)
{
    json_t *out = json_array(), *b;
    const char *type, *text;
    size_t i;

    json_array_foreach (content, i, b) {
        type = jsonx_get_str(b, "type");
        text = jsonx_get_str(b, "text");
        if (type && !strcmp(type, "text") && !blank(text))
            json_array_append_new(out, jsonx_text_block(text));
        else if (type && !strcmp(type, "image") &&
                 (!r->info || r->info->image_input))
            json_array_append_new(out, image_block(b));
    }
    return out;
}

/* ---- assistant content ----------------------------------------------------
 */

static json_t *assistant_block(const struct llm_request *r, const json_t *b)
{
    const char *type = jsonx_get_str(b, "type"), *t, *sig;

    if (!type)
        return NULL;
    if (!strcmp(type, "text")) {
        t = jsonx_get_str(b, "text");
        return blank(t) ? NULL : jsonx_text_block(t);
    }
    if (!strcmp(type, "thinking")) {
        t = jsonx_get_str(b, "thinking");
        sig = jsonx_get_str(b, "thinkingSignature");
        if (sig && *sig)
            return json_pack("{s:s, s:s, s:s}", "type", "thinking", "thinking",
                             t ? t : "", "signature", sig);
        return blank(t) ? NULL : jsonx_text_block(t);
    }
    if (!strcmp(type, "redactedThinking"))
        return json_pack("{s:s, s:s}", "type", "redacted_thinking", "data",
                         jsonx_get_str(b, "data") ? jsonx_get_str(b, "data")
                                                  : "");
    if (!strcmp(type, "toolCall"))
        return json_pack("{s:s, s:o, s:s, s:o}", "type", "tool_use", "id",
                         tool_id(jsonx_get_str(b, "id")), "name",
                         tool_name(r, jsonx_get_str(b, "name")
                                          ? jsonx_get_str(b, "name")
                                          : "tool"),
                         "input", object_or_empty(b, "arguments"));
    return NULL;
}

static json_t *assistant_content(const struct llm_request *r, json_t *content)
{
    json_t *out = json_array(), *b, *conv;
    size_t i;

    if (json_is_string(content) && !blank(json_string_value(content)))
        json_array_append_new(
            out, json_pack("{s:s, s:O}", "type", "text", "text", content));
    json_array_foreach (content, i, b) {
        conv = assistant_block(r, b);
        if (conv)
            json_array_append_new(out, conv);
    }
    return out;
}

/* ---- tool results
 * ------------------------------------------------------------ */

/* Text parts joined with "\n"; with images, blocks (pi-ai's rule). */
static json_t *result_content(json_t *content)
{
    struct buf text;
    json_t *b, *blocks = json_array(), *out;
    bool images = false;
    size_t i;

    buf_init(&text, 0);
    if (json_is_string(content))
        buf_addstr(&text, json_string_value(content));
    json_array_foreach (content, i, b) {
        const char *type = jsonx_get_str(b, "type");
        if (type && !strcmp(type, "image")) {
            images = true;
            json_array_append_new(blocks, image_block(b));
        } else if (jsonx_get_str(b, "text")) {
            buf_addf(&text, "%s%s", text.len ? "\n" : "",
                     jsonx_get_str(b, "text"));
        }
    }
    if (!images) {
        json_decref(blocks);
        out = json_string(text.p);
    } else {
        json_array_insert_new(
            blocks, 0,
            json_pack("{s:s, s:s}", "type", "text", "text",
                      text.len ? text.p : "(see attached image)"));
        out = blocks;
    }
    buf_release(&text);
    return out;
}

static json_t *tool_result(const json_t *m)
{
    return json_pack("{s:s, s:o, s:o, s:b}", "type", "tool_result",
                     "tool_use_id", tool_id(jsonx_get_str(m, "toolCallId")),
                     "content", result_content(json_object_get(m, "content")),
                     "is_error", jsonx_get_bool(m, "isError", false));
}

/* ---- the list ---------------------------------------------------------------
 */

static void append_message(json_t *out, const char *role, json_t *content)
{
    json_t *m;

    if (!content || (json_is_array(content) && !json_array_size(content))) {
        json_decref(content);
        return;
    }
    /* every request passes here: no json_pack format to parse */
    m = json_object();
    json_object_set_new(m, "role", json_string(role));
    json_object_set_new(m, "content", content);
    json_array_append_new(out, m);
}

/* Tool results following one another become one user message. */
static size_t add_results(json_t *out, json_t *msgs, size_t i)
{
    json_t *blocks = json_array(), *m;
    const char *role;

    for (; i < json_array_size(msgs); i++) {
        m = json_array_get(msgs, i);
        role = jsonx_get_str(m, "role");
        if (!role || strcmp(role, "toolResult") != 0)
            break;
        json_array_append_new(blocks, tool_result(m));
    }
    append_message(out, "user", blocks);
    return i;
}

/* Put cc on the last block of the last message when it is a user's. */
static void mark_last(json_t *out, json_t *cc)
{
    json_t *last = json_array_get(out, json_array_size(out) - 1), *c, *b;
    const char *role = jsonx_get_str(last, "role"), *type;

    if (!cc || !role || strcmp(role, "user") != 0)
        return;
    c = json_object_get(last, "content");
    if (json_is_string(c)) {
        json_object_set_new(last, "content",
                            json_pack("[{s:s, s:O, s:O}]", "type", "text",
                                      "text", c, "cache_control", cc));
        return;
    }
    b = json_array_get(c, json_array_size(c) - 1);
    type = jsonx_get_str(b, "type");
    if (type && (!strcmp(type, "text") || !strcmp(type, "image") ||
                 !strcmp(type, "tool_result")))
        json_object_set(b, "cache_control", cc);
}

json_t *anthropic_messages(const struct llm_request *r, json_t *cc)
{
    json_t *out = json_array(), *m, *content;
    const char *role;
    size_t i = 0;

    while (i < json_array_size(r->messages)) {
        m = json_array_get(r->messages, i);
        role = jsonx_get_str(m, "role");
        content = json_object_get(m, "content");
        if (role && !strcmp(role, "toolResult")) {
            i = add_results(out, r->messages, i);
            continue;
        }
        if (role && !strcmp(role, "assistant"))
            append_message(out, "assistant", assistant_content(r, content));
        else if (json_is_string(content) && !blank(json_string_value(content)))
            json_array_append_new(out, json_pack("{s:s, s:O}", "role", "user",
                                                 "content", content));
        else if (json_is_array(content))
            append_message(out, "user", user_content(r, content));
        i++;
    }
    mark_last(out, cc);
    return out;
}

json_t *anthropic_tools(const struct llm_request *r)
{
    json_t *out, *t, *params, *schema;
    size_t i;

    if (!json_array_size(r->tools))
        return NULL;
    out = json_array();
    json_array_foreach (r->tools, i, t) {
        params = json_object_get(t, "parameters");
        schema = json_pack("{s:s, s:o}", "type", "object", "properties",
                           object_or_empty(params, "properties"));
        if (json_is_array(json_object_get(params, "required")))
            json_object_set(schema, "required",
                            json_object_get(params, "required"));
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:o}", "name",
                           tool_name(r, jsonx_get_str(t, "name")
                                            ? jsonx_get_str(t, "name")
                                            : "tool"),
                           "description",
                           jsonx_get_str(t, "description")
                               ? jsonx_get_str(t, "description")
                               : "",
                           "input_schema", schema));
    }
    return out;
}
