/*
 * Running one model call over the HTTP client: build the request for the
 * request's api, stream the SSE answer through the parser into the
 * provider's assembler (the sink hears text as it arrives), or collect an
 * error body; retry as the official SDKs do (2 retries on 408, 409, 429,
 * 5xx and connection errors; retry-after-ms, retry-after and
 * x-should-retry obeyed; jittered backoff 0.5 s, 1 s), but never once
 * output reached the sink. Asynchronous: done is called from the loop.
 */
#ifndef OC_PROVIDER_CALL_H
#define OC_PROVIDER_CALL_H

#include "provider/http.h"
#include "provider/llm.h"

struct llm_call;

struct llm_call_opts {
    int max_retries;         /* -1: 2 */
    long max_retry_delay_ms; /* longer retry-after is not waited: 60 s */
    long connect_timeout_ms; /* 0: 10 s */
    long header_timeout_ms;  /* 0: 600 s */
    long idle_timeout_ms;    /* 0: 120 s */
};

typedef void (*llm_done_fn)(void *arg, struct llm_result *res);

/* What to call and where the answer goes (all borrowed until done). */
struct llm_call_spec {
    const struct llm_request *req;
    const struct llm_call_opts *opts;
    const struct llm_sink *sink; /* may be NULL */
    struct llm_result *res;      /* initialised by the caller */
    llm_done_fn done;
    void *arg;
};

/*
 * Start the call; res is filled and done runs once, from the loop. NULL
 * with err when it could not start (an api we do not speak).
 */
struct llm_call *llm_call_start(struct http_client *hc,
                                const struct llm_call_spec *spec,
                                struct oc_err *err);

/* Stop or resume reading the answer (the consumer is slow); a retry
 * starts paused too while paused. */
void llm_call_pause(struct llm_call *c, bool paused);

/* Stop it now (res: LLM_CANCELLED); done runs before this returns. */
void llm_call_cancel(struct llm_call *c);

/* Is this api one we speak ("anthropic-messages", "openai-completions")? */
bool llm_api_supported(const char *api);

#endif
