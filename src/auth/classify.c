/*
 * Failover error classification (see classify.h): OpenClaw's status,
 * error-code and message rules. Each regex-like message rule is a small
 * matcher over a lower-cased copy of the message; literal alternatives are
 * written "a|b|c", as in the regexes they come from.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/classify.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define SCAN_MAX        65536 /* bytes of a message that are examined */
#define BILLING_MAX_LEN 512   /* longer texts: billing only by a hard 402 */

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A message rule's verdict: a reason (REASON_NONE ends the rules with no
 * classification), or one of these. */
enum { V_NEXT = -1, V_OVERFLOW = REASON_COUNT };

struct msg {
    char *s;              /* lower-cased copy of the message's start */
    size_t len;           /* bytes in s, at most SCAN_MAX */
    size_t raw_len;       /* length of the whole original message */
    const char *provider; /* may be NULL */
};

static void msg_init(struct msg *m, const struct failure *f)
{
    const char *text = f->message ? f->message : "";

    m->raw_len = strlen(text);
    m->len = m->raw_len < SCAN_MAX ? m->raw_len : SCAN_MAX;
    m->s = str_lower(xmemdupz(text, m->len));
    m->provider = f->provider;
}

/* ---- characters, alternatives, searching ---- */

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [:\s-], what may follow "error" or "billing" at the start of a text. */
static bool is_head_sep(char c)
{
    return c == ':' || c == '-' || is_space(c);
}

static const char *skip_ws(const char *p)
{
    while (is_space(*p))
        p++;
    return p;
}

static const char *skip_ws_back(const char *base, const char *p)
{
    while (p > base && is_space(p[-1]))
        p--;
    return p;
}

/* Take the next alternative of "a|b|c" from *alts into (*a, *n). */
static bool next_alt(const char **alts, const char **a, size_t *n)
{
    if (!**alts)
        return false;
    *a = *alts;
    *n = strcspn(*a, "|");
    *alts = *a + *n + ((*a)[*n] == '|');
    return true;
}

/* The first a[0..n) in the message at or after from, or NULL. */
static const char *find(const struct msg *m, const char *from, const char *a,
                        size_t n)
{
    return memmem(from, (size_t)(m->s + m->len - from), a, n);
}

static const char *find_lit(const struct msg *m, const char *from,
                            const char *lit)
{
    return find(m, from, lit, strlen(lit));
}

static bool has(const struct msg *m, const char *lit)
{
    return find_lit(m, m->s, lit) != NULL;
}

static bool has_any(const struct msg *m, const char *alts)
{
    const char *a;
    size_t n;

    while (next_alt(&alts, &a, &n))
        if (find(m, m->s, a, n))
            return true;
    return false;
}

static bool starts_word(const struct msg *m, const char *p)
{
    return p == m->s || !is_word(p[-1]);
}

/* Regex \b(a|b|c)\b, the alternatives made of word characters. */
static bool has_word(const struct msg *m, const char *alts)
{
    const char *a, *p;
    size_t n;

    while (next_alt(&alts, &a, &n))
        for (p = find(m, m->s, a, n); p; p = find(m, p + 1, a, n))
            if (starts_word(m, p) && !is_word(p[n]))
                return true;
    return false;
}

/* If p starts with one of the alternatives, the end of it, else NULL. */
static const char *prefix_end(const char *p, const char *alts)
{
    const char *a;
    size_t n;

    while (next_alt(&alts, &a, &n))
        if (strncmp(p, a, n) == 0)
            return p + n;
    return NULL;
}

/* p starts with (a|b|c)\b. */
static bool word_at(const char *p, const char *alts)
{
    const char *e = prefix_end(p, alts);

    return e && !is_word(*e);
}

/* Does the text [base, end) end with word (after a word boundary when
 * bounded is set)? */
static bool ends_with(const char *base, const char *end, const char *word,
                      bool bounded)
{
    size_t n = strlen(word);
    const char *start;

    if ((size_t)(end - base) < n)
        return false;
    start = end - n;
    if (strncmp(start, word, n) != 0)
        return false;
    return !bounded || start == base || !is_word(start[-1]);
}

/* Regex (a1|a2).*(b1|b2): a b after an a on the same line ('.' is not a
 * line break). */
static bool has_then(const struct msg *m, const char *as, const char *bs)
{
    const char *a, *b, *p, *q, *alts;
    size_t an, bn;

    while (next_alt(&as, &a, &an))
        for (p = find(m, m->s, a, an); p; p = find(m, p + 1, a, an)) {
            size_t line = strcspn(p, "\r\n");

            for (alts = bs; next_alt(&alts, &b, &bn);) {
                q = find(m, p + an, b, bn);
                if (q && (size_t)(q - p) < line)
                    return true;
            }
        }
    return false;
}

/* JSON-ish "key" : value, with key given with its quotes. */
static bool has_json_pair(const struct msg *m, const char *key, const char *val)
{
    size_t vn = strlen(val);
    const char *p;

    for (p = find_lit(m, m->s, key); p; p = find_lit(m, p + 1, key)) {
        const char *q = skip_ws(p + strlen(key));

        if (*q != ':')
            continue;
        q = skip_ws(q + 1);
        if (strncmp(q, val, vn) == 0 && !is_word(q[vn]))
            return true;
    }
    return false;
}

/* Z.ai's numeric error codes, "code": 1311 or "code": "1311". */
static bool has_zai_code(const struct msg *m, const char *num,
                         const char *quoted)
{
    return has_json_pair(m, "\"code\"", num) ||
           has_json_pair(m, "\"code\"", quoted);
}

/* After "api[_ ]?key" at p, or NULL. */
static const char *after_api_key(const char *p)
{
    if (!str_has_prefix(p, "api"))
        return NULL;
    p += 3;
    if (*p == '_' || *p == ' ')
        p++;
    return str_has_prefix(p, "key") ? p + 3 : NULL;
}

static bool provider_is(const struct msg *m, const char *id)
{
    return m->provider && strstr(m->provider, id);
}

/* ---- 402: the explicit marker, and billing vs rate_limit ---- */

/* \berror\s+code ends at q. */
static bool error_code_before(const char *s, const char *q)
{
    const char *r;

    if (!ends_with(s, q, "code", false))
        return false;
    r = skip_ws_back(s, q - 4);
    return r < q - 4 && ends_with(s, r, "error", true);
}

static bool ends_with_got(const char *s, const char *q)
{
    return ends_with(s, q, "got", true) || ends_with(s, q, "returned", true) ||
           ends_with(s, q, "received", true);
}

/* \b(got|returned|received)\s+(a\s+)? ends at q (white space dropped). */
static bool got_before(const char *s, const char *q)
{
    if (ends_with(s, q, "a", true)) {
        const char *r = skip_ws_back(s, q - 1);

        if (r < q - 1 && ends_with_got(s, r))
            return true;
    }
    return ends_with_got(s, q);
}

/* The "402" at p is a marker: "status": 402, code=402, http 402, error
 * code 402, error: 402, and (soft) got/returned/received a 402. */
static bool marker_402_at(const char *s, const char *p, bool soft)
{
    const char *q = skip_ws_back(s, p);

    if (q > s && (q[-1] == ':' || q[-1] == '=')) {
        const char *k = skip_ws_back(s, q - 1);

        if (ends_with(s, k, "error", true))
            return true;
        if (k > s && (k[-1] == '"' || k[-1] == '\''))
            k--;
        return ends_with(s, k, "status", false) ||
               ends_with(s, k, "code", false);
    }
    if (ends_with(s, q, "http", true) || ends_with(s, q, "error", true) ||
        error_code_before(s, q))
        return true;
    return soft && q < p && got_before(s, q);
}

/* §9.2 rule 2; hard markers (soft unset) leave out got/returned/received. */
static bool has_402_marker(const struct msg *m, bool soft)
{
    const char *t = skip_ws(m->s);
    const char *p;

    if (str_has_prefix(t, "402") && is_space(t[3]) &&
        str_has_prefix(skip_ws(t + 3), "payment"))
        return true;
    for (p = find_lit(m, m->s, "402"); p; p = find_lit(m, p + 1, "402"))
        if (!is_word(p[3]) && marker_402_at(m->s, p, soft))
            return true;
    return false;
}

static bool billing_402(const struct msg *m)
{
    return has_any(m, "insufficient credits|insufficient quota|"
                      "credit balance|insufficient balance|plans & billing|"
                      "add more credits|top up") ||
           (has_any(m, "upgrade your plan|current plan|subscription") &&
            has(m, "limit")) ||
           has(m, "billing hard limit");
}

static bool transient_402(const struct msg *m)
{
    bool periodic = has_any(m, "daily|weekly|monthly");
    bool spend = has_any(m, "spend limit|spending limit");

    if (has_any(m, "try again|retry|temporary|cooldown") &&
        has_any(m, "usage limit|rate limit|organization usage"))
        return true;
    if (periodic && (has(m, "usage limit") || spend))
        return true;
    if (periodic && has(m, "limit") && has(m, "reset"))
        return true;
    return has_any(m, "organization|workspace") && has(m, "limit") &&
           (spend || has_any(m, "billing period|exceeded|reached|exhausted"));
}

static enum auth_reason payment_reason(const struct msg *m)
{
    if (billing_402(m))
        return REASON_BILLING;
    return transient_402(m) ? REASON_RATE_LIMIT : REASON_BILLING;
}

/* ---- billing and auth texts (rules 8-10, also used by status rules) ---- */

/* requires?\s+more\s+credits */
static bool requires_more_credits(const struct msg *m)
{
    const char *p;

    for (p = find_lit(m, m->s, "require"); p;
         p = find_lit(m, p + 1, "require")) {
        const char *q = p + 7;

        if (*q == 's')
            q++;
        if (!is_space(*q))
            continue;
        q = skip_ws(q);
        if (!str_has_prefix(q, "more") || !is_space(q[4]))
            continue;
        if (str_has_prefix(skip_ws(q + 4), "credits"))
            return true;
    }
    return false;
}

/* ^(error[:\s-]+)?(billing([:\s-]|$)|credit balance|insufficient credit|
 * payment required|http\s*402\b) */
static bool billing_head(const struct msg *m)
{
    const char *p = m->s;

    if (str_has_prefix(p, "error") && is_head_sep(p[5])) {
        p += 5;
        while (is_head_sep(*p))
            p++;
    }
    if (str_has_prefix(p, "billing"))
        return !p[7] || is_head_sep(p[7]);
    if (prefix_end(p, "credit balance|insufficient credit|payment required"))
        return true;
    if (!str_has_prefix(p, "http"))
        return false;
    p = skip_ws(p + 4);
    return str_has_prefix(p, "402") && !is_word(p[3]);
}

/* Rule 8. */
static bool is_billing(const struct msg *m)
{
    bool zai = has_zai_code(m, "1311", "\"1311\"");

    if (m->raw_len > BILLING_MAX_LEN)
        return has_402_marker(m, false) || zai;
    if (zai || has_402_marker(m, true) || requires_more_credits(m) ||
        has_any(m, "payment required|insufficient credits|"
                   "insufficient_quota|insufficient quota|credit balance|"
                   "plans & billing|insufficient balance|"
                   "insufficient usd or diem balance|out of extra usage|"
                   "draw from your extra usage|extra usage is required"))
        return true;
    return billing_head(m) && has_any(m, "upgrade|credits|payment|plan");
}

/* Rule 9: api[_ ]?key[_ ]?(revoked|deactivated|deleted) and friends. */
static bool is_auth_permanent(const struct msg *m)
{
    const char *p;

    for (p = find_lit(m, m->s, "api"); p; p = find_lit(m, p + 1, "api")) {
        const char *q = after_api_key(p);

        if (!q)
            continue;
        if (*q == '_' || *q == ' ')
            q++;
        if (prefix_end(q, "revoked|deactivated|deleted"))
            return true;
    }
    return has_any(m, "key has been disabled|key has been revoked|"
                      "account has been deactivated|"
                      "not allowed for this organization");
}

/* invalid[_ ]?api[_ ]?key */
static bool has_invalid_api_key(const struct msg *m)
{
    const char *p;

    for (p = find_lit(m, m->s, "invalid"); p;
         p = find_lit(m, p + 1, "invalid")) {
        const char *q = p + 7;

        if (*q == '_' || *q == ' ')
            q++;
        if (after_api_key(q))
            return true;
    }
    return false;
}

/* Rule 10. */
static bool is_auth(const struct msg *m)
{
    return has_invalid_api_key(m) ||
           has_any(m, "permission_error|incorrect api key|invalid token|"
                      "authentication|re-authenticate|"
                      "oauth token refresh failed|unauthorized|forbidden|"
                      "access denied|insufficient permission|"
                      "missing scope:|missing scopes:|expired|"
                      "no credentials found|no api key found") ||
           has_then(m, "could not authenticate|could not validate",
                    "api key|api_key|apikey|credentials") ||
           has_word(m, "401|403") ||
           has_then(m,
                    "failed to extract|failed to parse|failed to validate|"
                    "failed to decode",
                    "token") ||
           has_zai_code(m, "1113", "\"1113\"");
}

/* ---- rule 1 ---- */

static bool is_model_not_found(const struct msg *m)
{
    const char *p;

    if (has_any(m, "unknown model|model not found|model_not_found|"
                   "not_found_error|no endpoints found for") ||
        (has(m, "does not exist") && has(m, "model")))
        return true;
    if (has(m, "invalid model") && !has(m, "invalid model reference"))
        return true;
    if (has_word(m, "404") &&
        has_any(m, "not found|notfound|not-found|not_found"))
        return true;
    /* models/[^\s]+ is not found */
    for (p = find_lit(m, m->s, "models/"); p;
         p = find_lit(m, p + 1, "models/")) {
        size_t n = strcspn(p + 7, " \t\n\v\f\r");

        if (n && str_has_prefix(p + 7 + n, " is not found"))
            return true;
    }
    return false;
}

static bool is_context_overflow(const struct msg *m)
{
    if (has_word(m, "tpm") || has(m, "tokens per minute"))
        return false; /* Groq's 413 TPM limit is a rate limit */
    return has_any(m, "request_too_large|request exceeds the maximum size|"
                      "context length exceeded|maximum context length|"
                      "prompt is too long|prompt too long|"
                      "exceeds model context window|model token limit|"
                      "context overflow:|exceed context limit|"
                      "exceeds the model's maximum context|"
                      "context_window_exceeded") ||
           (has(m, "context window") &&
            has_any(m, "ran out of room|ran out of space")) ||
           (has(m, "request size exceeds") &&
            has_any(m, "context window|context length")) ||
           (has(m, "input exceeds") && has(m, "maximum number of tokens")) ||
           (has(m, "max_tokens") && has(m, "exceed") && has(m, "context")) ||
           (has(m, "input length") && has(m, "exceed") && has(m, "context")) ||
           (has(m, "413") && has(m, "too large"));
}

static int rule_shape(const struct msg *m)
{
    if (has(m, "image dimensions exceed max allowed size") ||
        (has(m, "image exceeds") && has(m, "mb")))
        return REASON_NONE;
    if (has_any(m, "session not found|session does not exist|"
                   "session expired|session invalid|conversation not found|"
                   "no conversation found|conversation does not exist|"
                   "conversation expired|conversation invalid|"
                   "no such session|invalid session|session id not found|"
                   "conversation id not found"))
        return REASON_SESSION_EXPIRED;
    if (is_model_not_found(m))
        return REASON_MODEL_NOT_FOUND;
    return is_context_overflow(m) ? V_OVERFLOW : V_NEXT;
}

/* ---- rules 2-15 ---- */

static int rule_402(const struct msg *m)
{
    return has_402_marker(m, true) ? (int)payment_reason(m) : V_NEXT;
}

/* OpenRouter: \bkey\s+limit\s*(exceeded|reached|hit)\b */
static int rule_key_limit(const struct msg *m)
{
    const char *p;

    if (!provider_is(m, "openrouter"))
        return V_NEXT;
    for (p = find_lit(m, m->s, "key"); p; p = find_lit(m, p + 1, "key")) {
        const char *q = skip_ws(p + 3);

        if (!starts_word(m, p) || !is_space(p[3]))
            continue;
        if (str_has_prefix(q, "limit") &&
            word_at(skip_ws(q + 5), "exceeded|reached|hit"))
            return REASON_BILLING;
    }
    return V_NEXT;
}

/* After (daily|weekly|monthly)(/(daily|weekly|monthly))* at p, or NULL. */
static const char *periods_end(const char *p)
{
    static const char periods[] = "daily|weekly|monthly";
    const char *q = prefix_end(p, periods);

    while (q && *q == '/') {
        const char *r = prefix_end(q + 1, periods);

        if (!r)
            break;
        q = r;
    }
    return q;
}

/* Rule 4: \b(daily|weekly|monthly)(/...)* (usage )?limits?\b; OpenClaw's
 * optional (exhausted|reached|exceeded) tail cannot change the outcome. */
static bool has_periodic_limit(const struct msg *m)
{
    const char *p, *q;

    for (p = m->s; *p; p++) {
        if (!starts_word(m, p))
            continue;
        q = periods_end(p);
        if (!q || *q != ' ')
            continue;
        q += str_has_prefix(q + 1, "usage limit") ? 7 : 1;
        if (!str_has_prefix(q, "limit"))
            continue;
        q += 5;
        if (!is_word(*q) || (*q == 's' && !is_word(q[1])))
            return true;
    }
    return false;
}

static int rule_periodic(const struct msg *m)
{
    if (!has_periodic_limit(m))
        return V_NEXT;
    return is_billing(m) ? REASON_BILLING : REASON_RATE_LIMIT;
}

static int rule_rate_limit(const struct msg *m)
{
    if (has_any(m, "rate limit|rate_limit|too many requests|429|"
                   "too many concurrent requests|throttling|model_cooldown|"
                   "exceeded your current quota|resource has been exhausted|"
                   "quota exceeded|resource_exhausted|throttled|usage limit|"
                   "tokens per minute|tokens per day") ||
        has_word(m, "tpm"))
        return REASON_RATE_LIMIT;
    return V_NEXT;
}

static int rule_overloaded(const struct msg *m)
{
    if (has_any(m, "overloaded|high demand") ||
        (has_any(m, "service unavailable|service_unavailable") &&
         has_any(m, "overload|capacity|high demand|high_demand")))
        return REASON_OVERLOADED;
    return V_NEXT;
}

/* Rule 7: a leading transient HTTP status. */
static int rule_transient_status(const struct msg *m)
{
    int st = classify_status_in_message(m->s);

    if (st == 529)
        return REASON_OVERLOADED;
    if (st == 499 || st == 500 || (st >= 502 && st <= 504) ||
        (st >= 521 && st <= 524))
        return REASON_TIMEOUT;
    return V_NEXT;
}

static int rule_billing(const struct msg *m)
{
    return is_billing(m) ? REASON_BILLING : V_NEXT;
}

static int rule_auth_permanent(const struct msg *m)
{
    return is_auth_permanent(m) ? REASON_AUTH_PERMANENT : V_NEXT;
}

static int rule_auth(const struct msg *m)
{
    return is_auth(m) ? REASON_AUTH : V_NEXT;
}

static int rule_provider_unknown(const struct msg *m)
{
    if (provider_is(m, "anthropic") && has(m, "an unknown error occurred"))
        return REASON_TIMEOUT;
    if (provider_is(m, "openrouter") && has(m, "provider returned error"))
        return REASON_TIMEOUT;
    return V_NEXT;
}

/* Rule 12: server-error text, or a JSON api_error with a transient text. */
static int rule_server_error(const struct msg *m)
{
    if (has_any(m, "internal server error|internal_error|server_error|"
                   "service temporarily unavailable|service_unavailable|"
                   "bad gateway|gateway timeout|upstream error|"
                   "upstream connect error|connection reset|"
                   "an error occurred while processing"))
        return REASON_TIMEOUT;
    if (has_json_pair(m, "\"type\"", "\"api_error\"") &&
        (has_any(m, "overload|temporarily unavailable|service unavailable|"
                    "unknown error|server error|backend error|"
                    "try again later|unexpected error") ||
         has_then(m, "temporarily", "unable")))
        return REASON_TIMEOUT;
    return V_NEXT;
}

static int rule_format(const struct msg *m)
{
    if (has_any(m, "string should match pattern|tool_use.id|tool_use_id|"
                   "invalid request format") ||
        has_then(m, "tool call id was", "must be"))
        return REASON_FORMAT;
    return V_NEXT;
}

/* \breason:\s*(abort|error|malformed_response|network_error)\b, which
 * also covers "(unhandled )?stop reason: ...". */
static bool has_stop_reason(const struct msg *m)
{
    const char *p;

    for (p = find_lit(m, m->s, "reason:"); p; p = find_lit(m, p + 1, "reason:"))
        if (starts_word(m, p) &&
            word_at(skip_ws(p + 7),
                    "abort|error|malformed_response|network_error"))
            return true;
    return false;
}

static int rule_timeout(const struct msg *m)
{
    if (has_any(m, "timeout|timed out|service unavailable|deadline exceeded|"
                   "connection error|network error|network request failed|"
                   "fetch failed|socket hang up|without sending chunk|"
                   "without sending any chunk|operation was aborted|"
                   "stream closed|stream aborted|stream was closed|"
                   "stream was aborted") ||
        has_word(m, "econnrefused|econnreset|econnaborted|enetunreach|"
                    "ehostunreach|ehostdown|enetreset|etimedout|"
                    "esockettimedout|epipe|enotfound|eai_again") ||
        has_stop_reason(m))
        return REASON_TIMEOUT;
    /* C-port extension: libcurl's transport error texts. */
    if (has_any(m, "couldn't connect|failed to connect to|couldn't resolve|"
                   "could not resolve host|could not resolve proxy|"
                   "connection refused|empty reply from server|"
                   "server returned nothing|failed sending data|"
                   "failure when receiving data|send failure|recv failure|"
                   "transfer closed with"))
        return REASON_TIMEOUT;
    return V_NEXT;
}

static int rule_provider_specific(const struct msg *m)
{
    if (has(m, "throttlingexception") ||
        has_then(m, "concurrency limit", "reached") ||
        has_then(m, "workers_ai|worker_ai", "quota limit exceeded"))
        return REASON_RATE_LIMIT;
    if (has(m, "modelnotreadyexception"))
        return REASON_OVERLOADED;
    if (has_any(m, "model_deactivated|model_is_deactivated|"
                   "model has been deactivated"))
        return REASON_MODEL_NOT_FOUND;
    return V_NEXT;
}

/* §9.2, in order. */
static int (*const message_rules[])(const struct msg *) = {
    rule_shape,
    rule_402,
    rule_key_limit,
    rule_periodic,
    rule_rate_limit,
    rule_overloaded,
    rule_transient_status,
    rule_billing,
    rule_auth_permanent,
    rule_auth,
    rule_provider_unknown,
    rule_server_error,
    rule_format,
    rule_timeout,
    rule_provider_specific,
};

/* REASON_NONE when no rule classifies the message. */
static int message_verdict(const struct msg *m)
{
    size_t i;

    if (!m->len)
        return REASON_NONE;
    for (i = 0; i < ARRAY_LEN(message_rules); i++) {
        int v = message_rules[i](m);

        if (v != V_NEXT)
            return v;
    }
    return REASON_NONE;
}

/* ---- status and code rules ---- */

static bool keeps_message_reason(int mv)
{
    return mv == REASON_SESSION_EXPIRED || mv == REASON_BILLING ||
           mv == REASON_AUTH_PERMANENT || mv == REASON_AUTH;
}

/* §9.1, given the message verdict mv; V_NEXT for statuses it leaves to
 * the code and message rules. */
static int status_verdict(int status, const struct msg *m, int mv)
{
    switch (status) {
    case 402:
        return (int)payment_reason(m);
    case 429:
        return REASON_RATE_LIMIT;
    case 401:
    case 403:
        if (is_auth_permanent(m))
            return REASON_AUTH_PERMANENT;
        return mv == REASON_BILLING ? REASON_BILLING : REASON_AUTH;
    case 408:
        return REASON_TIMEOUT;
    case 410:
        return keeps_message_reason(mv) ? mv : REASON_TIMEOUT;
    case 404:
        if (mv == V_OVERFLOW || keeps_message_reason(mv))
            return mv;
        return REASON_MODEL_NOT_FOUND;
    case 499:
    case 503:
        return mv == REASON_OVERLOADED ? mv : REASON_TIMEOUT;
    case 500:
    case 502:
    case 504:
        return REASON_TIMEOUT;
    case 529:
        return REASON_OVERLOADED;
    case 400:
    case 422:
        return mv != REASON_NONE ? mv : REASON_FORMAT;
    default:
        return V_NEXT;
    }
}

/* §9.1's codes, then Anthropic's error.type values; case-insensitive. */
static const struct {
    enum auth_reason reason;
    const char *codes;
} code_table[] = {
    {REASON_RATE_LIMIT, "RESOURCE_EXHAUSTED|RATE_LIMIT|RATE_LIMITED|"
                        "RATE_LIMIT_EXCEEDED|TOO_MANY_REQUESTS|THROTTLED|"
                        "THROTTLING|THROTTLINGEXCEPTION|THROTTLING_EXCEPTION"},
    {REASON_OVERLOADED, "OVERLOADED|OVERLOADED_ERROR"},
    {REASON_TIMEOUT, "ETIMEDOUT|ESOCKETTIMEDOUT|ECONNRESET|ECONNABORTED|"
                     "ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|EHOSTDOWN|"
                     "ENETRESET|EPIPE|EAI_AGAIN"},
    {REASON_RATE_LIMIT, "rate_limit_error"},
    {REASON_AUTH, "authentication_error|permission_error"},
    {REASON_BILLING, "billing_error"},
    {REASON_MODEL_NOT_FOUND, "not_found_error"},
    {REASON_TIMEOUT, "api_error|timeout_error"},
};

static enum auth_reason code_reason(const char *code)
{
    const char *p = code, *alts, *a;
    size_t n, an, i;

    if (!code)
        return REASON_NONE;
    n = strlen(code);
    str_trim_view(&p, &n);
    for (i = 0; i < ARRAY_LEN(code_table); i++)
        for (alts = code_table[i].codes; next_alt(&alts, &a, &an);)
            if (an == n && strncasecmp(a, p, n) == 0)
                return code_table[i].reason;
    return REASON_NONE;
}

/* ---- the contract ---- */

enum auth_reason classify_failure(const struct failure *f)
{
    struct msg m;
    int status, v, sv;
    enum auth_reason cr;

    if (!f)
        return REASON_NONE;
    status = f->status > 0 ? f->status : classify_status_in_message(f->message);
    msg_init(&m, f);
    v = message_verdict(&m);
    sv = status_verdict(status, &m, v);
    free(m.s);
    cr = code_reason(f->code);
    if (sv != V_NEXT)
        v = sv;
    else if (cr != REASON_NONE)
        v = (int)cr;
    return v == V_OVERFLOW ? REASON_NONE : (enum auth_reason)v;
}

int classify_reason_status(enum auth_reason r)
{
    static const int status[REASON_COUNT] = {
        [REASON_BILLING] = 402,         [REASON_RATE_LIMIT] = 429,
        [REASON_OVERLOADED] = 503,      [REASON_AUTH] = 401,
        [REASON_AUTH_PERMANENT] = 403,  [REASON_TIMEOUT] = 408,
        [REASON_FORMAT] = 400,          [REASON_MODEL_NOT_FOUND] = 404,
        [REASON_SESSION_EXPIRED] = 410,
    };

    return r > REASON_NONE && r < REASON_COUNT ? status[r] : 0;
}

bool classify_claude_code_only(const struct failure *f)
{
    struct msg m;
    bool yes;

    if (!f || !f->message)
        return false;
    msg_init(&m, f);
    yes = has(&m, "only authorized for use with claude code");
    free(m.s);
    return yes;
}

int classify_status_in_message(const char *message)
{
    const char *p = message;
    int code;

    if (!p)
        return 0;
    p = skip_ws(p);
    if (strncasecmp(p, "http", 4) == 0)
        p = skip_ws(p + 4);
    if (!is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]))
        return 0;
    code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    p += 3;
    if (*p && *p != ':' && !is_space(*p))
        return 0;
    return code >= 100 && code <= 599 ? code : 0;
}
