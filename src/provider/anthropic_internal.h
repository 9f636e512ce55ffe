/*
 * Shared between the anthropic_*.c files only.
 */
#ifndef OC_PROVIDER_ANTHROPIC_INTERNAL_H
#define OC_PROVIDER_ANTHROPIC_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "provider/llm.h"

/* The conversation in the API's format; cc (may be NULL) marks the last
 * block of a final user message. */
json_t *anthropic_messages(const struct llm_request *r, json_t *cc);
/* The tools array, or NULL when there are none. */
json_t *anthropic_tools(const struct llm_request *r);
/* Is this request presented as Claude Code (OAuth / setup-token)? */
bool anthropic_oauth(const struct llm_request *r);
/* Claude Code's spelling of a tool name (OAuth), else name itself. */
const char *anthropic_cc_tool_name(const char *name);
/* The caller's name for a tool the API called cc_name (OAuth path). */
const char *anthropic_tool_name_back(const struct llm_request *r,
                                     const char *cc_name);

#endif
