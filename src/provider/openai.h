/*
 * OpenAI-compatible chat completions (api "openai-completions"), used for
 * OpenRouter (https://openrouter.ai/api/v1, Bearer sk-or-..., model ids
 * like anthropic/claude-sonnet-4.5): the request as pi-ai sends it
 * (max_completion_tokens, stream_options.include_usage, store false,
 * reasoning effort from the thinking level, cache_control on the system
 * part for Anthropic models on OpenRouter) with attribution headers naming
 * this project, and the assembly of the chunk stream (content, reasoning,
 * tool-call fragments keyed by index, usage in the last chunk, error
 * chunks after HTTP 200, ": comment" lines, "[DONE]").
 */
#ifndef OC_PROVIDER_OPENAI_H
#define OC_PROVIDER_OPENAI_H

#include <jansson.h>

#include "base/strlist.h"
#include "provider/llm.h"

/* A pi-ai toolCall block as an OpenAI tool_calls entry: {id, type
 * "function", function: {name, arguments}}, the arguments as
 * JSON.stringify writes them ("{}" when there are none); name_dflt when
 * the block has no name. Used for requests and by the gateway's answers. */
json_t *openai_tool_call(const json_t *block, const char *name_dflt);

void openai_headers(const struct llm_request *r, struct strlist *out);
json_t *openai_body(const struct llm_request *r);

struct openai_stream;

struct openai_stream *openai_stream_new(const struct llm_request *req,
                                        const struct llm_sink *sink,
                                        struct llm_result *res);
void openai_stream_free(struct openai_stream *s);
/* One SSE event's data; 1 after [DONE] or an error chunk. */
int openai_stream_event(struct openai_stream *s, const char *name,
                        const char *data, size_t n);
/* Chunks are read with json/jscan where it can, else with jansson; off
 * makes every chunk go through jansson. For tests that compare the two. */
void openai_stream_use_jscan(struct openai_stream *s, bool on);
void openai_stream_end(struct openai_stream *s);
/* The functions above as an llm_stream_ops. */
extern const struct llm_stream_ops openai_stream_ops;

void openai_parse_error(const char *body, size_t n, struct llm_result *res);

#endif
