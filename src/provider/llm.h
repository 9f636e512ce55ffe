/*
 * One model call, provider-neutral: the request (conversation, model,
 * credential, configured params and headers), what the caller wants to
 * hear while it streams, and the result (the assistant message, usage and
 * cost, or the error with everything failover needs: status, error type,
 * retry hints, whether output already reached the user).
 *
 * The conversation is JSON in pi-ai's message format, the same shape the
 * session transcripts store:
 *   {"role":"user","content":"hi" | [{"type":"text","text":..},
 *                                    {"type":"image","data":..,"mimeType":..}]}
 *   {"role":"assistant","content":[{"type":"text","text":..},
 *       {"type":"thinking","thinking":..,"thinkingSignature":..},
 *       {"type":"redactedThinking","data":..},
 *       {"type":"toolCall","id":..,"name":..,"arguments":{..}}], ...}
 *   {"role":"toolResult","toolCallId":..,"toolName":..,
 *    "content":[{"type":"text","text":..}],"isError":false}
 */
#ifndef OC_PROVIDER_LLM_H
#define OC_PROVIDER_LLM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/strlist.h"
#include "provider/catalogue.h"

/* How the credential is presented. */
struct llm_cred {
    const char *secret; /* borrowed; the owner wipes it */
    bool bearer;        /* OAuth access token or setup-token */
};

struct llm_request {
    const char *provider; /* normalised: "anthropic", "openrouter", ... */
    const char *api;      /* "anthropic-messages" or "openai-completions" */
    const char *base_url; /* without a trailing slash */
    const char *model;    /* the provider's model id */
    const struct model_info *info; /* the catalogue entry, or NULL */
    const char *system;            /* system prompt, or NULL */
    json_t *messages;              /* the conversation (see above) */
    json_t *tools;        /* [{"name","description","parameters"}], or NULL */
    const char *thinking; /* off|minimal|low|medium|high|xhigh, or NULL */
    json_t *params;       /* the model's merged params, or NULL */
    json_t *headers;      /* configured headers (provider, then model) */
    const char *user_id;  /* metadata.user_id (opaque), or NULL */
    struct llm_cred cred;
};

/* Streaming callbacks (each may be NULL). */
struct llm_sink {
    void (*text)(void *arg, const char *p, size_t n);
    void (*thinking)(void *arg, const char *p, size_t n);
    /* A tool call is complete: {"type":"toolCall","id","name","arguments"} */
    void (*tool_call)(void *arg, const json_t *block);
    void *arg;
};

/* Token counts from a provider are capped here (no sum can overflow). */
#define LLM_TOKENS_MAX ((int64_t)1 << 40)

struct llm_usage {
    int64_t input;          /* uncached input */
    int64_t output;         /* thinking included */
    int64_t cache_read;     /* read from cache */
    int64_t cache_write;    /* written (5m + 1h) */
    int64_t cache_write_1h; /* of which 1h */
    double cost;            /* USD, from the catalogue (0 when unknown) */
};

enum llm_status {
    LLM_OK = 0,
    LLM_HTTP_ERROR,   /* a non-2xx answer */
    LLM_STREAM_ERROR, /* an error event or chunk after a 2xx answer */
    LLM_TRUNCATED,    /* the stream ended before it was complete */
    LLM_TRANSPORT,    /* connect / timeout / broken connection */
    LLM_CANCELLED,
    LLM_BAD_RESPONSE /* not what the API sends */
};

struct llm_result {
    enum llm_status status;
    json_t *message; /* the assistant message (even partial), or NULL */
    struct llm_usage usage;
    char stop_reason[24]; /* stop|length|toolUse|error (normalised) */
    /* errors */
    int http_status;         /* 0 when none */
    char error_type[64];     /* e.g. rate_limit_error, or a curl reason */
    char error_message[512]; /* provider message or transport error */
    char request_id[128];
    int64_t retry_after_ms; /* -1 when absent */
    int should_retry;       /* x-should-retry: -1 absent, 0, 1 */
    bool transport_timeout; /* LLM_TRANSPORT because of a timeout */
    bool output_started;    /* text or thinking reached the sink */
};

void llm_result_init(struct llm_result *r);
void llm_result_release(struct llm_result *r);

/* The cost of usage for a model (0 when the catalogue has no prices). */
double llm_cost(const struct model_info *info, const struct llm_usage *u);
/* Every input token: uncached, read from and written to the cache
 * (OpenClaw's inputTokens, OpenAI's prompt_tokens). */
int64_t llm_usage_prompt(const struct llm_usage *u);
/* Input of every kind and output (totalTokens, total_tokens). */
int64_t llm_usage_total(const struct llm_usage *u);

/* pi-ai's usage object for transcripts:
 * {input, output, cacheRead, cacheWrite, totalTokens, cost:{...,total}} */
json_t *llm_usage_json(const struct model_info *info,
                       const struct llm_usage *u);

/* Request headers ("Name: value" lines): replace the line for name
 * (case-insensitive), or append one. */
void llm_set_header(struct strlist *out, const char *name, const char *value);

/* One API's stream assembler behind untyped handles, for the code that
 * serves every API alike (call.c; the stream tests and fuzzer):
 * anthropic_stream_ops, openai_stream_ops. */
struct llm_stream_ops {
    void *(*open)(const struct llm_request *r, const struct llm_sink *sink,
                  struct llm_result *res);
    int (*event)(void *s, const char *name, const char *data, size_t n);
    void (*end)(void *s);
    void (*close)(void *s);
    void (*use_jscan)(void *s, bool on);
};

#endif
