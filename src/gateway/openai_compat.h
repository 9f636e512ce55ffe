/*
 * The OpenAI Chat Completions surface of the gateway, as pure
 * conversions: a request body into what an agent turn needs, and a
 * turn's output into completion objects, stream chunks and errors
 * (reference openclaw-gateway-config.md §2.4).
 *
 * Messages: system and developer texts become the system prompt; user,
 * assistant (with tool_calls) and tool messages become the conversation
 * in pi-ai's format. What follows the last assistant message is the new
 * input (user messages, tool results); what precedes it is the history,
 * used when the request is stateless (no session). Function tools are
 * passed to the model; its tool calls come back as tool_calls.
 */
#ifndef OC_GATEWAY_OPENAI_COMPAT_H
#define OC_GATEWAY_OPENAI_COMPAT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "provider/llm.h"

struct oa_request {
    char *model;    /* as sent ("openclaw" when absent): echoed back */
    char *agent_id; /* the agent it names, or NULL for the default */
    bool stream;
    bool include_usage; /* stream_options.include_usage */
    char *user;         /* the OpenAI "user" field, or NULL */
    char *system;       /* system + developer texts, or NULL */
    json_t *history;    /* pi-ai messages before the input */
    json_t *input;      /* pi-ai messages: the new user/tool messages */
    json_t *tools;      /* pi-ai tools, or NULL */
    char *command;      /* the last user text when it is a slash command
                           (and the only input), else NULL */
};

void oa_request_init(struct oa_request *q);
void oa_request_release(struct oa_request *q);

/*
 * Parse a request body. 0, or -1 with msg set to the OpenAI-style message
 * for a 400 invalid_request_error (e.g. "Missing user message in
 * `messages`.").
 */
int oa_parse_request(const char *body, size_t n, struct oa_request *out,
                     char *msg, size_t msgsz);

/* The agent a model name targets: "openclaw", "openclaw/default" -> NULL
 * (the default agent); "openclaw/<id>", "openclaw:<id>", "agent:<id>" ->
 * "<id>"; anything else -> NULL. Caller frees. */
char *oa_agent_of_model(const char *model);

/* The text of a pi-ai assistant message (text blocks joined). */
char *oa_message_text(const json_t *msg);

/* OpenAI tool_calls of a pi-ai assistant message, or NULL when none. */
json_t *oa_tool_calls(const json_t *msg);

/* "stop" | "length" | "tool_calls" for a pi-ai stop reason. */
const char *oa_finish_reason(const char *stop_reason);

/* {prompt_tokens, completion_tokens, total_tokens,
 *  prompt_tokens_details: {cached_tokens}} */
json_t *oa_usage(const struct llm_usage *u);

/* The whole non-streamed completion ({id, object:"chat.completion",
 * created, model, choices:[{index, message {role, content (null when
 * there are only tool calls), tool_calls?}, finish_reason}], usage}),
 * written straight to bytes: 0, or -1 with out unchanged when the text or
 * the model is not valid UTF-8. */
struct oa_answer {
    const json_t *message; /* the assistant message */
    const char *stop_reason;
    const struct llm_usage *usage;
};
int oa_completion_write(const char *id, int64_t created, const char *model,
                        const struct oa_answer *a, struct buf *out);

/* A chat.completion.chunk with one choice: delta (stolen) and
 * finish_reason (NULL -> null). */
json_t *oa_chunk(const char *id, int64_t created, const char *model,
                 json_t *delta, const char *finish_reason);
/* The same chunk for a text delta, written straight to bytes: prefix
 * (oa_chunk_prefix, once per response) + the text. Appends exactly what
 * jsonx_dump(oa_chunk(..., {"content": text}, NULL), 0) would: 0, or -1
 * when text is not valid UTF-8 (out unchanged; jansson would refuse it). */
void oa_chunk_prefix(const char *id, int64_t created, const char *model,
                     struct buf *prefix);
int oa_text_chunk(const struct buf *prefix, const char *text, size_t n,
                  struct buf *out);

/* The usage chunk (choices: []). */
json_t *oa_usage_chunk(const char *id, int64_t created, const char *model,
                       const struct llm_usage *u);

/* {"error": {"message", "type", "code"?}}. */
json_t *oa_error(const char *message, const char *type, const char *code);

/* The HTTP status, error type and code for a failed turn's failure kind
 * (turn_outcome.failure). */
struct oa_failure {
    int status;
    const char *type;
    const char *code; /* may be NULL */
};
void oa_failure_of(const char *failure, struct oa_failure *out);

/* One line of the /v1/models list. */
json_t *oa_model_entry(const char *id);

#endif
