/*
 * Failover error classification: every status rule of §9.1, the error
 * codes, each message rule 1-15 of §9.2 (with OpenClaw's example texts and
 * real provider and libcurl messages), precedence, the status parsed from
 * a message, §9.3's synthetic statuses and the Claude-Code-only refusal.
 * All table-driven.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "auth/classify.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

#define NONE  REASON_NONE
#define AUTH  REASON_AUTH
#define PERM  REASON_AUTH_PERMANENT
#define FMT   REASON_FORMAT
#define OVER  REASON_OVERLOADED
#define RATE  REASON_RATE_LIMIT
#define BILL  REASON_BILLING
#define TIME  REASON_TIMEOUT
#define NOMOD REASON_MODEL_NOT_FOUND
#define SESS  REASON_SESSION_EXPIRED

#define CLAUDE_CODE_ONLY                                                       \
    "This credential is only authorized for use with Claude Code and "         \
    "cannot be used for other API requests."

/* One failure and the reason it must classify as. */
struct cls_case {
    int status;
    enum auth_reason want;
    const char *message;
    const char *code;
    const char *provider;
};

static const char *name(enum auth_reason r)
{
    const char *n = auth_reason_name(r);

    return n ? n : "none";
}

static void run_cases(const struct cls_case *cases, size_t n)
{
    size_t i;
    int bad = 0;

    for (i = 0; i < n; i++) {
        const struct cls_case *c = &cases[i];
        struct failure f = {c->status, c->message, c->code, c->provider};
        enum auth_reason got = classify_failure(&f);

        if (got != c->want) {
            print_error("case %zu: status %d code %s message \"%s\": "
                        "got %s, want %s\n",
                        i, c->status, c->code ? c->code : "-",
                        c->message ? c->message : "(null)", name(got),
                        name(c->want));
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* §9.1, one row per rule and branch. */
static const struct cls_case status_cases[] = {
    /* 402: billing unless a temporary usage window / spend limit */
    {402, BILL, NULL, NULL, "openrouter"},
    {402, BILL,
     "Insufficient credits. Add more using "
     "https://openrouter.ai/settings/credits",
     NULL, "openrouter"},
    {402, RATE,
     "You have reached your daily usage limit, it will reset at "
     "midnight UTC",
     NULL, "openrouter"},
    {402, RATE, "Temporary usage limit hit, retry in 30 seconds", NULL, NULL},
    {402, RATE, "Workspace spend limit exceeded for this billing period", NULL,
     NULL},
    {402, BILL,
     "Monthly spend limit reached; upgrade your plan to raise the "
     "limit",
     NULL, NULL},
    {402, BILL, "billing hard limit has been reached", NULL, NULL},
    {402, BILL, "Payment Required", NULL, NULL},
    /* 429: always rate_limit */
    {429, RATE,
     "Number of request tokens has exceeded your per-minute rate limit "
     "(https://docs.anthropic.com/en/api/rate-limits); see the response "
     "headers for current usage.",
     "rate_limit_error", "anthropic"},
    {429, RATE, "Your credit balance is too low", NULL, "anthropic"},
    {429, RATE, "", NULL, NULL},
    /* 401/403: auth_permanent, billing, else auth */
    {401, AUTH, "invalid x-api-key", "authentication_error", "anthropic"},
    {401, PERM, "API key revoked", NULL, NULL},
    {403, PERM, "Your account has been deactivated", NULL, NULL},
    {403, BILL, "Key limit exceeded", NULL, "openrouter"},
    {403, AUTH, "Key limit exceeded", NULL, "anthropic"},
    {403, AUTH, "Request not allowed", "permission_error", "anthropic"},
    {401, AUTH, NULL, NULL, NULL},
    /* 408 */
    {408, TIME, "Request Timeout", NULL, NULL},
    /* 410: session_expired/billing/auth* from the message, else timeout */
    {410, TIME, NULL, NULL, NULL},
    {410, TIME, "Gone", NULL, NULL},
    {410, SESS, "session expired", NULL, NULL},
    {410, AUTH, "invalid api key", NULL, NULL},
    {410, TIME, "rate limit exceeded", NULL, NULL},
    /* 404: overflow/session/billing/auth* from the message, else
     * model_not_found */
    {404, NOMOD, NULL, NULL, NULL},
    {404, NOMOD, "model: claude-opus-9", "not_found_error", "anthropic"},
    {404, NOMOD, "No endpoints found for anthropic/claude-opus-9.", NULL,
     "openrouter"},
    {404, NONE, "prompt is too long: 215000 tokens > 200000 maximum", NULL,
     NULL},
    {404, SESS, "Conversation not found", NULL, NULL},
    {404, PERM, "API key deleted", NULL, NULL},
    {404, NOMOD, "rate limit", NULL, NULL},
    /* 503, 499: overloaded if the message says so, else timeout */
    {503, TIME, "Service Unavailable", NULL, NULL},
    {503, TIME, "No provider meets the routing requirements", NULL,
     "openrouter"},
    {503, OVER, "The model is overloaded, please try later", NULL, NULL},
    {503, OVER, "service unavailable: high demand", NULL, NULL},
    {499, TIME, "client closed request", NULL, NULL},
    {499, OVER, "overloaded", NULL, NULL},
    /* 500, 502, 504: timeout */
    {500, TIME, "Internal server error", "api_error", "anthropic"},
    {500, TIME, "Overloaded", NULL, NULL},
    {502, TIME, "Bad Gateway", NULL, NULL},
    {504, TIME, "Gateway Timeout", NULL, NULL},
    /* 529 */
    {529, OVER, "Overloaded", "overloaded_error", "anthropic"},
    /* 400, 422: the message classification, else format */
    {400, NONE, "prompt is too long: 215000 tokens > 200000 maximum",
     "invalid_request_error", "anthropic"},
    {400, FMT, CLAUDE_CODE_ONLY, "invalid_request_error", "anthropic"},
    {400, BILL,
     "Your credit balance is too low to access the Anthropic API. "
     "Please go to Plans & Billing to upgrade or purchase credits.",
     "invalid_request_error", "anthropic"},
    {400, BILL,
     "Third-party apps now draw from your extra usage, not your "
     "plan limits.",
     "invalid_request_error", "anthropic"},
    {400, FMT,
     "messages.1.content.1.tool_use.id: String should match "
     "pattern '^[a-zA-Z0-9_-]+$'",
     "invalid_request_error", "anthropic"},
    {400, FMT,
     "messages.0.content.1.image.source.base64: image exceeds 5 MB "
     "maximum: 6291456 bytes > 5242880 bytes",
     "invalid_request_error", "anthropic"},
    {400, FMT, NULL, NULL, NULL},
    {422, FMT, "Unprocessable Entity", NULL, NULL},
    {422, RATE, "rate limit exceeded", NULL, NULL},
    /* any other status: the code, then the message */
    {418, NONE, "I'm a teapot", NULL, NULL},
    {418, AUTH, "invalid api key", NULL, NULL},
    {521, NONE, "Web server is down", NULL, NULL},
};

static void test_status_rules(void **state)
{

    (void)state;
    run_cases(status_cases, LEN(status_cases));
}

/* §9.1's code list and Anthropic's error.type values (status 0). */
static const struct cls_case code_cases[] = {
    {0, TIME, NULL, "ETIMEDOUT", NULL},
    {0, TIME, NULL, "ESOCKETTIMEDOUT", NULL},
    {0, TIME, NULL, "ECONNREFUSED", NULL},
    {0, TIME, NULL, "econnreset", NULL},
    {0, TIME, NULL, "ECONNABORTED", NULL},
    {0, TIME, NULL, "ENETUNREACH", NULL},
    {0, TIME, NULL, "EHOSTUNREACH", NULL},
    {0, TIME, NULL, "EHOSTDOWN", NULL},
    {0, TIME, NULL, "ENETRESET", NULL},
    {0, TIME, NULL, " EPIPE ", NULL},
    {0, TIME, NULL, "EAI_AGAIN", NULL},
    {0, RATE, NULL, "RESOURCE_EXHAUSTED", NULL},
    {0, RATE, NULL, "RATE_LIMIT", NULL},
    {0, RATE, NULL, "RATE_LIMITED", NULL},
    {0, RATE, NULL, "RATE_LIMIT_EXCEEDED", NULL},
    {0, RATE, NULL, "TOO_MANY_REQUESTS", NULL},
    {0, RATE, NULL, "THROTTLED", NULL},
    {0, RATE, NULL, "ThrottlingException", NULL},
    {0, RATE, NULL, "THROTTLING_EXCEPTION", NULL},
    {0, OVER, NULL, "OVERLOADED", NULL},
    {0, OVER, NULL, "overloaded_error", NULL},
    {0, RATE, NULL, "rate_limit_error", NULL},
    {0, AUTH, NULL, "authentication_error", NULL},
    {0, AUTH, NULL, "permission_error", NULL},
    {0, BILL, NULL, "billing_error", NULL},
    {0, NOMOD, NULL, "not_found_error", NULL},
    {0, TIME, NULL, "api_error", NULL},
    {0, TIME, NULL, "timeout_error", NULL},
    {0, NONE, NULL, "invalid_request_error", NULL},
    {0, NONE, NULL, "request_too_large", NULL},
    {0, NONE, NULL, "", NULL},
    {0, NONE, NULL, "EWHATEVER", NULL},
    {0, NONE, NULL, "ETIMEDOUTX", NULL},
    /* codes that fall through leave it to the message */
    {0, FMT, "invalid request format", "invalid_request_error", NULL},
    {0, NONE, "prompt is too long", "request_too_large", NULL},
};

static void test_codes(void **state)
{

    (void)state;
    run_cases(code_cases, LEN(code_cases));
}

/* §9.2 rules 1-4 (status 0, no code). */
static const struct cls_case rules_1_4[] = {
    /* 1: image errors end the rules; session; model; overflow */
    {0, NONE,
     "Image dimensions exceed max allowed size for many-image "
     "requests: 2000 pixels",
     NULL, NULL},
    {0, NONE, "image exceeds 5 MB maximum; rate limit", NULL, NULL},
    {0, SESS, "No conversation found with session ID 1234", NULL, NULL},
    {0, SESS, "Session expired, please start a new one", NULL, NULL},
    {0, NOMOD, "Unknown model: claude-opus-9", NULL, NULL},
    {0, NOMOD,
     "The model `gpt-9` does not exist or you do not have access to "
     "it.",
     NULL, NULL},
    {0, NOMOD, "models/gemini-9 is not found for API version v1beta", NULL,
     NULL},
    {0, NOMOD, "error 404: resource not found", NULL, NULL},
    {0, NONE, "This model's maximum context length is 128000 tokens", NULL,
     NULL},
    {0, NONE, "input length and max_tokens exceed context limit", NULL, NULL},
    {0, RATE, "413 Request too large for model on tokens per minute (TPM)",
     NULL, NULL},
    /* 2: an explicit 402 marker */
    {0, BILL, "{\"status\": 402, \"message\": \"insufficient credits\"}", NULL,
     NULL},
    {0, BILL, "error code 402: payment processing failed", NULL, NULL},
    {0, RATE,
     "upstream returned a 402: daily usage limit reached, try again "
     "tomorrow",
     NULL, NULL},
    {0, RATE, "code=402 weekly spend limit exceeded", NULL, NULL},
    {0, NONE, "received 1402 tokens", NULL, NULL},
    /* 3: OpenRouter key limit */
    {0, BILL, "Key limit exceeded", NULL, "openrouter"},
    {0, BILL, "key  limit reached for this key", NULL, "openrouter"},
    {0, NONE, "Key limit exceeded", NULL, "anthropic"},
    {0, NONE, "monkey limit exceeded", NULL, "openrouter"},
    /* 4: periodic usage limit */
    {0, RATE, "You have hit your weekly/monthly limit", NULL, NULL},
    {0, RATE, "Daily limits exhausted", NULL, NULL},
    {0, BILL, "Monthly usage limit reached: insufficient balance", NULL, NULL},
    {0, NONE, "daily limited offer", NULL, NULL},
};

static void test_message_rules_1_to_4(void **state)
{

    (void)state;
    run_cases(rules_1_4, LEN(rules_1_4));
}

/* §9.2 rules 5-8. */
static const struct cls_case rules_5_8[] = {
    /* 5: rate_limit */
    {0, RATE, "Rate limit reached for requests", NULL, NULL},
    {0, RATE, "rate_limit_exceeded", NULL, NULL},
    {0, RATE, "Too many requests", NULL, NULL},
    {0, RATE, "Too many concurrent requests for this model", NULL, NULL},
    {0, RATE, "ThrottlingException: Rate exceeded", NULL, NULL},
    {0, RATE, "model_cooldown: all credentials are cooling down", NULL, NULL},
    {0, RATE,
     "You exceeded your current quota, please check your plan and "
     "billing details.",
     NULL, NULL},
    {0, RATE, "Resource has been exhausted (e.g. check quota).", NULL, NULL},
    {0, RATE, "Quota exceeded for quota metric 'Generate requests'", NULL,
     NULL},
    {0, RATE, "RESOURCE_EXHAUSTED", NULL, NULL},
    {0, RATE, "request was throttled", NULL, NULL},
    {0, RATE, "Claude usage limit reached", NULL, NULL},
    {0, RATE, "Limit 30000, Used 29000 TPM", NULL, NULL},
    {0, RATE, "tokens per day limit", NULL, NULL},
    {0, RATE, "upstream said 429", NULL, NULL},
    /* 6: overloaded */
    {0, OVER, "Overloaded", NULL, NULL},
    {0, OVER, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}",
     NULL, NULL},
    {0, OVER, "Service unavailable: the model is at capacity", NULL, NULL},
    {0, OVER, "We are experiencing high demand", NULL, NULL},
    /* 7: a leading transient status */
    {0, TIME, "522 Connection timed out", NULL, NULL},
    {0, TIME, "HTTP 524: origin did not answer", NULL, NULL},
    {418, OVER, "529 site is frozen", NULL, NULL},
    /* 8: billing */
    {0, BILL, "Payment required", NULL, NULL},
    {0, BILL, "insufficient_quota", NULL, NULL},
    {0, BILL, "Insufficient USD or Diem balance", NULL, NULL},
    {0, BILL, "This request requires more credits, or fewer max_tokens.", NULL,
     NULL},
    {0, BILL, "You're out of extra usage. Add more at claude.ai", NULL, NULL},
    {0, BILL, "extra usage is required for this model", NULL, NULL},
    {0, BILL, "{\"error\":{\"code\":\"1311\",\"message\":\"plan expired\"}}",
     NULL, NULL},
    {0, BILL, "Billing: please upgrade your plan", NULL, NULL},
    {0, BILL, "Error: billing - add credits to continue", NULL, NULL},
    {0, NONE, "Billing issue detected", NULL, NULL},
    {0, NONE,
     "Your credit balance is low ........................................"
     "..................................................................."
     "..................................................................."
     "..................................................................."
     "..................................................................."
     "..................................................................."
     "..................................................................."
     "...................................................................",
     NULL, NULL},
};

static void test_message_rules_5_to_8(void **state)
{

    (void)state;
    run_cases(rules_5_8, LEN(rules_5_8));
}

/* §9.2 rules 9-12. */
static const struct cls_case rules_9_12[] = {
    /* 9: auth_permanent */
    {0, PERM, "API key revoked", NULL, NULL},
    {0, PERM, "api_key_deleted", NULL, NULL},
    {0, PERM, "apikey deactivated by admin", NULL, NULL},
    {0, PERM, "This key has been disabled", NULL, NULL},
    {0, PERM, "The key has been revoked", NULL, NULL},
    {0, PERM, "Model access not allowed for this organization", NULL, NULL},
    /* 10: auth */
    {0, AUTH, "invalid_api_key", NULL, NULL},
    {0, AUTH, "Invalid API Key", NULL, NULL},
    {0, AUTH, "Incorrect API key provided: sk-proj-****", NULL, NULL},
    {0, AUTH, "Could not validate your credentials", NULL, NULL},
    {0, AUTH, "could not authenticate the provided api_key", NULL, NULL},
    {0, AUTH, "{\"type\":\"authentication_error\",\"message\":\"bad\"}", NULL,
     NULL},
    {0, AUTH, "Please re-authenticate", NULL, NULL},
    {0, AUTH, "OAuth token refresh failed for anthropic", NULL, NULL},
    {0, AUTH, "Unauthorized", NULL, NULL},
    {0, AUTH, "Forbidden", NULL, NULL},
    {0, AUTH, "Access denied", NULL, NULL},
    {0, AUTH, "insufficient permissions for this resource", NULL, NULL},
    {0, AUTH, "Missing scopes: api.responses.write", NULL, NULL},
    {0, AUTH, "OAuth token has expired", NULL, NULL},
    {0, AUTH, "upstream answered 401", NULL, NULL},
    {0, AUTH, "code 403 from proxy", NULL, NULL},
    {0, AUTH, "No API key found for provider \"anthropic\"", NULL, NULL},
    {0, AUTH, "No credentials found for profile anthropic:default", NULL, NULL},
    {0, AUTH, "Failed to decode the access token", NULL, NULL},
    {0, AUTH, "{\"error\":{\"code\": 1113, \"message\": \"x\"}}", NULL, NULL},
    {0, NONE, "took 14010 ms", NULL, NULL},
    {0, NONE, CLAUDE_CODE_ONLY, NULL, "anthropic"},
    /* 11: provider-specific unknown errors */
    {0, TIME, "An unknown error occurred", NULL, "anthropic"},
    {0, NONE, "An unknown error occurred", NULL, "openai"},
    {0, TIME, "Provider returned error", NULL, "openrouter"},
    {0, NONE, "Provider returned error", NULL, "anthropic"},
    /* 12: server errors */
    {0, TIME, "upstream connect error or disconnect/reset before headers", NULL,
     NULL},
    {0, TIME, "internal_error", NULL, NULL},
    {0, TIME, "Connection reset by peer", NULL, NULL},
    {0, TIME, "An error occurred while processing your request.", NULL, NULL},
    {0, TIME,
     "{\"type\": \"api_error\", \"message\": \"unknown error, 520 "
     "(1000)\"}",
     NULL, NULL},
    {0, NONE, "{\"type\":\"api_error\",\"message\":\"bad thing\"}", NULL, NULL},
};

static void test_message_rules_9_to_12(void **state)
{

    (void)state;
    run_cases(rules_9_12, LEN(rules_9_12));
}

/* §9.2 rules 13-15, and transport errors. */
static const struct cls_case rules_13_15[] = {
    /* 13: format */
    {0, FMT, "tool_use_id mismatch", NULL, NULL},
    {0, FMT, "Invalid request format", NULL, NULL},
    {0, FMT, "tool call id was call_1 but must be alphanumeric", NULL, NULL},
    {0, NONE, "tool call id was call_1\nit must be short", NULL, NULL},
    /* 14: timeout */
    {0, TIME, "Request timed out", NULL, NULL},
    {0, TIME, "context deadline exceeded", NULL, NULL},
    {0, TIME, "TypeError: fetch failed", NULL, NULL},
    {0, TIME, "socket hang up", NULL, NULL},
    {0, TIME, "connect ECONNREFUSED 127.0.0.1:443", NULL, NULL},
    {0, TIME, "getaddrinfo ENOTFOUND api.anthropic.com", NULL, NULL},
    {0, TIME, "Unhandled stop reason: network_error", NULL, NULL},
    {0, TIME, "stop reason: abort", NULL, NULL},
    {0, NONE, "stop reason: aborted", NULL, NULL},
    {0, TIME, "This operation was aborted", NULL, NULL},
    {0, TIME, "stream was closed", NULL, NULL},
    {0, TIME, "request ended without sending any chunks", NULL, NULL},
    {0, TIME, "service unavailable", NULL, NULL},
    {0, NONE, "econnrefusedx", NULL, NULL},
    /* libcurl transport texts (C-port extension) and codes */
    {0, TIME,
     "Operation timed out after 600000 milliseconds with 0 bytes "
     "received",
     NULL, NULL},
    {0, TIME, "Couldn't connect to server", NULL, NULL},
    {0, TIME, "Couldn't connect to server", "ECONNREFUSED", NULL},
    {0, TIME, "Could not resolve host: api.anthropic.com", NULL, NULL},
    {0, TIME, "Empty reply from server", NULL, NULL},
    {0, TIME, "Recv failure: Connection reset by peer", "ECONNRESET", NULL},
    /* 15: provider-specific catch-all */
    {0, RATE, "concurrency limit has been reached", NULL, NULL},
    {0, RATE, "workers_ai: quota limit exceeded", NULL, NULL},
    {0, OVER, "ModelNotReadyException", NULL, NULL},
    {0, NOMOD, "model_is_deactivated", NULL, NULL},
    {0, NOMOD, "The model has been deactivated", NULL, NULL},
    /* nothing matches */
    {0, NONE, "something odd happened", NULL, NULL},
    {0, NONE, "", NULL, NULL},
    {0, NONE, NULL, NULL, NULL},
};

static void test_message_rules_13_to_15(void **state)
{

    (void)state;
    run_cases(rules_13_15, LEN(rules_13_15));
}

/* A status rule wins, then the code, then the message. */
static const struct cls_case precedence_cases[] = {
    {429, RATE, "invalid api key", NULL, NULL},
    {401, AUTH, "rate limit exceeded", NULL, NULL},
    {500, TIME, "", "rate_limit_error", NULL},
    {400, FMT, NULL, "overloaded_error", NULL},
    {404, NONE, "prompt is too long", "ECONNRESET", NULL},
    {0, TIME, "rate limit exceeded", "ECONNRESET", NULL},
    {418, RATE, "invalid api key", "RESOURCE_EXHAUSTED", NULL},
    {0, RATE, "429 Too Many Requests", "ETIMEDOUT", NULL},
    {0, AUTH, "HTTP 401: unauthorized", NULL, NULL},
    {0, OVER, "HTTP 503 model overloaded", NULL, NULL},
    {0, TIME, "HTTP 503", NULL, NULL},
    {0, BILL, "402 Payment Required", NULL, NULL},
    {0, FMT, "400 nothing recognisable", NULL, NULL},
    {400, TIME, "500 internal server error", NULL, NULL},
};

static void test_precedence(void **state)
{
    struct failure empty = {0, NULL, NULL, NULL};

    (void)state;
    run_cases(precedence_cases, LEN(precedence_cases));
    assert_int_equal(classify_failure(NULL), REASON_NONE);
    assert_int_equal(classify_failure(&empty), REASON_NONE);
}

struct status_case {
    const char *message;
    int want;
};

static void test_status_in_message(void **state)
{
    static const struct status_case cases[] = {
        {"429 Too Many Requests", 429},
        {"HTTP 402: Payment Required", 402},
        {"http402 x", 402},
        {"  HTTP  503", 503},
        {"500", 500},
        {"402:", 402},
        {"402 : x", 402},
        {"404\tnot found", 404},
        {"4022 x", 0},
        {"42 x", 0},
        {"429abc", 0},
        {"HTTP/1.1 500", 0},
        {"099 x", 0},
        {"600 x", 0},
        {"Error 429", 0},
        {"", 0},
        {NULL, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < LEN(cases); i++) {
        int got = classify_status_in_message(cases[i].message);

        if (got != cases[i].want)
            print_error("\"%s\": got %d, want %d\n",
                        cases[i].message ? cases[i].message : "(null)", got,
                        cases[i].want);
        assert_int_equal(got, cases[i].want);
    }
}

static void test_reason_status(void **state)
{
    static const struct {
        enum auth_reason r;
        int want;
    } cases[] = {
        {REASON_NONE, 0},
        {REASON_AUTH, 401},
        {REASON_AUTH_PERMANENT, 403},
        {REASON_FORMAT, 400},
        {REASON_OVERLOADED, 503},
        {REASON_RATE_LIMIT, 429},
        {REASON_BILLING, 402},
        {REASON_TIMEOUT, 408},
        {REASON_MODEL_NOT_FOUND, 404},
        {REASON_SESSION_EXPIRED, 410},
        {REASON_UNKNOWN, 0},
        {REASON_COUNT, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < LEN(cases); i++)
        assert_int_equal(classify_reason_status(cases[i].r), cases[i].want);
}

static void test_claude_code_only(void **state)
{
    static const struct {
        const char *message;
        bool want;
    } cases[] = {
        {CLAUDE_CODE_ONLY, true},
        {"{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
         "\"message\":\"" CLAUDE_CODE_ONLY "\"}}",
         true},
        {"THIS CREDENTIAL IS ONLY AUTHORIZED FOR USE WITH CLAUDE CODE", true},
        {"This credential is authorized", false},
        {"Unauthorized", false},
        {"", false},
        {NULL, false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < LEN(cases); i++) {
        struct failure f = {400, cases[i].message, "invalid_request_error",
                            "anthropic"};

        assert_int_equal(classify_claude_code_only(&f), cases[i].want);
    }
    assert_false(classify_claude_code_only(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_rules),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_message_rules_1_to_4),
        cmocka_unit_test(test_message_rules_5_to_8),
        cmocka_unit_test(test_message_rules_9_to_12),
        cmocka_unit_test(test_message_rules_13_to_15),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_status_in_message),
        cmocka_unit_test(test_reason_status),
        cmocka_unit_test(test_claude_code_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
