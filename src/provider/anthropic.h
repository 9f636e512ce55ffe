/*
 * The Anthropic Messages API (api "anthropic-messages"): the exact
 * request (headers and JSON body) for an llm_request, and the assembly of
 * its SSE stream into an assistant message (reference
 * anthropic-provider.md §1-§5, SPEC "Anthropic requests").
 *
 * Requests: always streamed; API keys as x-api-key, setup-tokens and
 * OAuth tokens (sk-ant-oat...) as Authorization: Bearer with the
 * claude-code/oauth betas, the Claude Code user-agent and identity block
 * and Claude Code tool-name casing. anthropic-beta is an ordered,
 * deduplicated union: built-ins (extended-cache-ttl first for API keys),
 * the auth betas, configured headers, params.anthropicBeta and context1m;
 * other configured headers replace ours case-insensitively. Cache
 * breakpoints on every system block and the last block of a final user
 * message (never more than 4), TTL only when configured and only for API
 * keys.
 */
#ifndef OC_PROVIDER_ANTHROPIC_H
#define OC_PROVIDER_ANTHROPIC_H

#include <jansson.h>
#include <stdbool.h>

#include "base/strlist.h"
#include "provider/llm.h"

#define ANTHROPIC_VERSION         "2023-06-01"
#define ANTHROPIC_CLAUDE_CODE_VER "2.1.75"
#define ANTHROPIC_CLAUDE_CODE_SYSTEM                                           \
    "You are Claude Code, Anthropic's official CLI for Claude."

/* Does this secret go as a Bearer token (sk-ant-oat...)? */
bool anthropic_is_oauth_token(const char *secret);

/* Request headers, "Name: value" in order (secrets included: wipe). */
void anthropic_headers(const struct llm_request *r, struct strlist *out);

/* The JSON body. */
json_t *anthropic_body(const struct llm_request *r);

/* ---- stream assembly ------------------------------------------------- */

struct anthropic_stream;

/* A new assembler writing into res (its message is built as events
 * arrive) and telling sink about text as it streams. */
struct anthropic_stream *anthropic_stream_new(const struct llm_request *req,
                                              const struct llm_sink *sink,
                                              struct llm_result *res);
void anthropic_stream_free(struct anthropic_stream *s);

/* One SSE event (name, JSON data). 0 to go on; 1 after message_stop or
 * an error event (res says which). */
int anthropic_stream_event(struct anthropic_stream *s, const char *name,
                           const char *data, size_t n);
/* Events are read with json/jscan where it can, else with jansson; off
 * makes every event go through jansson. For tests that compare the two. */
void anthropic_stream_use_jscan(struct anthropic_stream *s, bool on);

/* The stream ended: fills res (LLM_TRUNCATED when message_stop never
 * came). */
void anthropic_stream_end(struct anthropic_stream *s);

/* The functions above as an llm_stream_ops. */
extern const struct llm_stream_ops anthropic_stream_ops;

/* An error body ({"type":"error","error":{"type","message"}}) into res. */
void anthropic_parse_error(const char *body, size_t n, struct llm_result *res);

#endif
