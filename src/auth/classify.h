/*
 * Failover error classification (reference openclaw-auth.md §9): for a
 * failed model request, the failover reason that drives cooldowns and
 * profile rotation (§3.5, §3.8), the synthetic status of a reason (§9.3),
 * and Anthropic's "Claude Code only" credential refusal (§9.5).
 *
 * Precedence (§9.2, last paragraph): a status rule (§9.1) wins, then the
 * error code, then the message rules 1-15 of §9.2, tried in order and
 * case-insensitively. The message rules are hand-written matchers, not
 * regex.h; they follow OpenClaw's patterns with these judgement calls:
 *   - rule 1: image size/dimension errors end the message rules with no
 *     reason (so a 400 carrying one is format); a context overflow
 *     ("prompt is too long", "maximum context length", ...) is not a
 *     failover reason and gives REASON_NONE even under 400/404, because
 *     compaction, not rotation, handles it;
 *   - 402 (status rule and rule 2): billing, unless there is no billing
 *     hint and a transient hint (retry + usage/rate limit, a periodic
 *     usage/spend limit or limit + reset, an organization/workspace limit
 *     exceeded) says rate_limit;
 *   - rule 4 matches "daily|weekly|monthly [usage ]limit[s]" with the
 *     "exhausted|reached|exceeded" tail optional, as OpenClaw's regex does;
 *   - rule 8's 512-character cut-off counts bytes (OpenClaw: UTF-16 units);
 *     Z.ai's "code": 1311 / 1113 are accepted bare or quoted;
 *   - "a ... b" rules do not match across a line break (JS '.');
 *   - C-port extension to rule 14: libcurl's transport texts ("Couldn't
 *     connect to server", "Could not resolve host", "Recv failure", "Empty
 *     reply from server", ...) are timeouts, as Node's "fetch failed" is;
 *   - codes: besides §9.1's list (plus bare THROTTLING, as OpenClaw's
 *     switch has it), Anthropic error.type values map: rate_limit_error,
 *     overloaded_error, authentication_error/permission_error (auth),
 *     billing_error, not_found_error (model_not_found), api_error and
 *     timeout_error (timeout); invalid_request_error and request_too_large
 *     fall through to the message rules;
 *   - provider checks (rules 3, 11) test the normalised id by substring;
 *   - only the first 64 KiB of a message are examined.
 * Pure: no state, no I/O; safe from any thread.
 * Tested table-driven in tests/unit/test_classify.c.
 */
#ifndef OC_AUTH_CLASSIFY_H
#define OC_AUTH_CLASSIFY_H

#include <stdbool.h>

#include "auth/policy.h"

/* What a failed request looked like. Any field may be 0/NULL; all are
 * borrowed for the duration of the call. */
struct failure {
    int status;           /* HTTP status, 0 for none (transport error) */
    const char *message;  /* provider error.message, or a transport text */
    const char *code;     /* "ETIMEDOUT", "RESOURCE_EXHAUSTED", or the
                             provider's error.type ("rate_limit_error") */
    const char *provider; /* normalised provider id: "anthropic", ... */
};

/*
 * The failover reason for f; REASON_NONE when it is not failover-worthy
 * (or f is NULL). A status of 0 is replaced by the one the message starts
 * with (classify_status_in_message). Never returns REASON_UNKNOWN.
 */
enum auth_reason classify_failure(const struct failure *f);

/* §9.3: billing 402, rate_limit 429, overloaded 503, auth 401,
 * auth_permanent 403, timeout 408, format 400, model_not_found 404,
 * session_expired 410; 0 for REASON_NONE, REASON_UNKNOWN and others. */
int classify_reason_status(enum auth_reason r);

/*
 * True when Anthropic refused the credential as usable only by Claude
 * Code ("This credential is only authorized for use with Claude Code and
 * cannot be used for other API requests."). classify_failure still says
 * REASON_FORMAT for it (§9.5); the caller reports "use an API key
 * instead" and never retries that credential.
 */
bool classify_claude_code_only(const struct failure *f);

/* The status a message starts with, "NNN" or "HTTP NNN" followed by a
 * colon, white space or the end (§9.1), within 100..599; else 0. */
int classify_status_in_message(const char *message);

#endif
