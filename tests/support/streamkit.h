/*
 * Provider stream tests (test_anthropic.c, test_openai.c): a canned
 * transcript fed through the SSE parser into a provider's stream
 * assembler, what the sink and the result got, and the properties every
 * provider's assembly must have (the split property; CRLF as LF).
 */
#ifndef OC_TESTS_STREAMKIT_H
#define OC_TESTS_STREAMKIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "provider/llm.h"

/* What one run produced. */
struct tu_stream_run {
    struct llm_result res;
    char *msg; /* the message, serialised */
    struct buf text, thinking, tools;
};

/* api: anthropic_stream_ops or openai_stream_ops. */

/* Feed in[0..n) in pieces ending at cuts[0..ncuts) (then the rest). */
void tu_stream_run(const struct llm_stream_ops *api,
                   const struct llm_request *r, const char *in, size_t n,
                   const size_t *cuts, size_t ncuts, struct tu_stream_run *o);
void tu_stream_release(struct tu_stream_run *o);

/* A transcript's bytes: ' as ", and each LF as CRLF when crlf. */
char *tu_stream_bytes(const char *text, bool crlf, size_t *n);

/* The sink got exactly the message's text, thinking and tool calls, and
 * output_started says whether any text or thinking went out. */
void tu_stream_check_sink(const char *name, const struct tu_stream_run *o);

/* Every way of splitting the transcript (LF and CRLF) gives one outcome,
 * CRLF line ends give the outcome of LF ones, and (api->use_jscan) so
 * does reading every event through jansson. */
void tu_stream_check_splits(const struct llm_stream_ops *api,
                            const struct llm_request *r, const char *name,
                            const char *text);

#endif
