/*
 * Profile order and health policy, as pure functions over plain structs
 * (reference openclaw-auth.md §3.3-§3.7, the 2026-03-26+ rules):
 *   - cooldowns 30 s, 1 min, then 5 min; rate-limit cooldowns scoped to
 *     the failing model;
 *   - billing disables 5 h doubling to 24 h, auth_permanent 10 min
 *     doubling to 60 min; an active window is never extended;
 *   - counters reset after the failure window (24 h) or once the previous
 *     cooldown has expired, and on success;
 *   - openrouter/kilocode are never put in cooldown;
 *   - order: stored per-agent order > auth.order > auth.profiles > the
 *     store's own listing; explicit orders keep their sequence, otherwise
 *     oauth, token, api_key, each least-recently-used first; profiles in
 *     cooldown/disabled go last, soonest-available first.
 * Timeouts are never recorded against a profile (callers skip them).
 * Tested table-driven in tests/unit/test_policy.c.
 */
#ifndef OC_AUTH_POLICY_H
#define OC_AUTH_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/strlist.h"

enum auth_reason {
    REASON_NONE = 0,
    REASON_AUTH,
    REASON_AUTH_PERMANENT,
    REASON_FORMAT,
    REASON_OVERLOADED,
    REASON_RATE_LIMIT,
    REASON_BILLING,
    REASON_TIMEOUT,
    REASON_MODEL_NOT_FOUND,
    REASON_SESSION_EXPIRED,
    REASON_UNKNOWN,
    REASON_COUNT
};

/* "auth", "rate_limit", ...; NULL for REASON_NONE. */
const char *auth_reason_name(enum auth_reason r);
/* REASON_NONE for an unknown name. */
enum auth_reason auth_reason_parse(const char *name);

#define STATS_MODEL_MAX 160

/* One profile's usageStats entry. Times are epoch ms; 0 means absent. */
struct usage_stats {
    int64_t last_used;
    int64_t cooldown_until;
    int64_t disabled_until;
    int64_t last_failure_at;
    enum auth_reason cooldown_reason;
    enum auth_reason disabled_reason;
    char cooldown_model[STATS_MODEL_MAX]; /* "" = all models */
    int error_count;
    int failure_counts[REASON_COUNT];
};

/* auth.cooldowns, with OpenClaw's defaults for unset values. */
struct cooldown_cfg {
    double billing_backoff_hours;  /* 5 (per provider override applied) */
    double billing_max_hours;      /* 24 */
    double auth_permanent_minutes; /* 10 */
    double auth_permanent_max_min; /* 60 */
    double failure_window_hours;   /* 24 */
};

void cooldown_cfg_defaults(struct cooldown_cfg *c);

/* Providers whose profiles are never put in cooldown. */
bool policy_cooldown_bypassed(const char *provider);
/* max(cooldown_until, disabled_until), 0 when neither is set. */
int64_t policy_unusable_until(const struct usage_stats *s);
/* Is the profile unusable for model (NULL = any model) at now? */
bool policy_in_cooldown(const struct usage_stats *s, const char *provider,
                        const char *model, int64_t now);
/* Drop expired cooldown/disable windows; reset counters when nothing is
 * active any more. Returns true if anything changed. */
bool policy_clear_expired(struct usage_stats *s, int64_t now);
/* Record a failure (never call it for timeouts or bypassed providers). */
void policy_mark_failure(struct usage_stats *s, enum auth_reason r,
                         const char *model, const struct cooldown_cfg *cfg,
                         int64_t now);
/* A successful call: counters and windows cleared, last_used = now. */
void policy_mark_success(struct usage_stats *s, int64_t now);
/* models auth clear-cooldown: as success, but last_used is kept. */
void policy_clear_cooldown(struct usage_stats *s);

/* The inputs the order algorithm needs about one stored profile. */
struct order_profile {
    const char *id;
    const char *provider; /* normalised */
    int type_score;       /* oauth 0, token 1, api_key 2, other 3 */
    bool eligible;        /* credential present, valid, not expired */
    const struct usage_stats *stats; /* may be NULL */
};

struct order_input {
    const char *provider; /* normalised */
    const char *model;    /* for model-scoped cooldowns; may be NULL */
    int64_t now;
    const struct order_profile *profiles; /* the store, in file order */
    int nprofiles;
    const struct strlist *stored_order;     /* per-agent override or NULL */
    const struct strlist *configured_order; /* auth.order[p] or NULL */
    const struct strlist *configured_ids;   /* auth.profiles for p */
    const char *preferred;                  /* moved first; may be NULL */
};

/* Fill out (initialised, empty) with the profile ids to try, in order. */
void policy_order(const struct order_input *in, struct strlist *out);

/*
 * Why none of these profiles can be used (§3.7): active disables weigh
 * 1000, cooldowns weigh their failure counts; ties go to the more
 * serious reason. REASON_NONE when none is unusable.
 */
enum auth_reason policy_unavailable_reason(const struct usage_stats *const *s,
                                           int n, int64_t now);

#endif
