/*
 * Cooldown/disable bookkeeping and profile ordering (see policy.h).
 * Everything here is a pure function of its arguments.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/policy.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define MINUTE_MS 60000LL
#define HOUR_MS   (60 * MINUTE_MS)

static const char *const reason_names[REASON_COUNT] = {
    NULL,
    "auth",
    "auth_permanent",
    "format",
    "overloaded",
    "rate_limit",
    "billing",
    "timeout",
    "model_not_found",
    "session_expired",
    "unknown",
};

const char *auth_reason_name(enum auth_reason r)
{
    return r > REASON_NONE && r < REASON_COUNT ? reason_names[r] : NULL;
}

enum auth_reason auth_reason_parse(const char *name)
{
    int i;

    for (i = 1; name && i < REASON_COUNT; i++)
        if (!strcmp(reason_names[i], name))
            return (enum auth_reason)i;
    return REASON_NONE;
}

void cooldown_cfg_defaults(struct cooldown_cfg *c)
{
    c->billing_backoff_hours = 5;
    c->billing_max_hours = 24;
    c->auth_permanent_minutes = 10;
    c->auth_permanent_max_min = 60;
    c->failure_window_hours = 24;
}

bool policy_cooldown_bypassed(const char *provider)
{
    return provider &&
           (!strcmp(provider, "openrouter") || !strcmp(provider, "kilocode"));
}

int64_t policy_unusable_until(const struct usage_stats *s)
{
    int64_t a = s->cooldown_until > 0 ? s->cooldown_until : 0;
    int64_t b = s->disabled_until > 0 ? s->disabled_until : 0;

    return a > b ? a : b;
}

bool policy_in_cooldown(const struct usage_stats *s, const char *provider,
                        const char *model, int64_t now)
{
    int64_t until;

    if (!s || policy_cooldown_bypassed(provider))
        return false;
    until = policy_unusable_until(s);
    if (!until)
        return false;
    /* A rate limit on one model does not block the others. */
    if (model && s->cooldown_reason == REASON_RATE_LIMIT &&
        s->cooldown_model[0] && strcmp(s->cooldown_model, model) != 0 &&
        !(s->disabled_until > now))
        return false;
    return now < until;
}

static void reset_counters(struct usage_stats *s)
{
    s->error_count = 0;
    memset(s->failure_counts, 0, sizeof(s->failure_counts));
}

bool policy_clear_expired(struct usage_stats *s, int64_t now)
{
    bool changed = false;

    if (s->cooldown_until > 0 && now >= s->cooldown_until) {
        s->cooldown_until = 0;
        s->cooldown_reason = REASON_NONE;
        s->cooldown_model[0] = '\0';
        changed = true;
    }
    if (s->disabled_until > 0 && now >= s->disabled_until) {
        s->disabled_until = 0;
        s->disabled_reason = REASON_NONE;
        changed = true;
    }
    if (changed && !s->cooldown_until && !s->disabled_until)
        reset_counters(s);
    return changed;
}

/* base * 2^min(n-1, 10), within [60 s, max]. */
static int64_t disable_backoff(double base_ms, double max_ms, int n)
{
    double base = base_ms > MINUTE_MS ? base_ms : MINUTE_MS;
    double cap = max_ms > base ? max_ms : base;
    double v = base;
    int i;

    for (i = 1; i < n && i <= 10; i++)
        v *= 2;
    return (int64_t)(v < cap ? v : cap);
}

static void mark_disabled(struct usage_stats *s, enum auth_reason r,
                          const struct cooldown_cfg *cfg, int64_t now)
{
    int n = s->failure_counts[r];
    int64_t backoff;

    if (r == REASON_BILLING)
        backoff = disable_backoff(cfg->billing_backoff_hours * HOUR_MS,
                                  cfg->billing_max_hours * HOUR_MS, n);
    else
        backoff = disable_backoff(cfg->auth_permanent_minutes * MINUTE_MS,
                                  cfg->auth_permanent_max_min * MINUTE_MS, n);
    if (!(s->disabled_until > now))
        s->disabled_until = now + backoff;
    s->disabled_reason = r;
}

static void set_model(struct usage_stats *s, const char *model)
{
    size_t n = model ? strlen(model) : 0;

    if (n >= sizeof(s->cooldown_model))
        n = 0; /* too long to scope: widen to all models */
    memcpy(s->cooldown_model, model ? model : "", n);
    s->cooldown_model[n] = '\0';
}

static void mark_cooldown(struct usage_stats *s, enum auth_reason r,
                          const char *model, int64_t now)
{
    int64_t backoff = s->error_count <= 1   ? 30 * 1000LL
                      : s->error_count <= 2 ? MINUTE_MS
                                            : 5 * MINUTE_MS;
    bool active = s->cooldown_until > now;
    bool same =
        r == REASON_RATE_LIMIT && model && !strcmp(s->cooldown_model, model);

    if (!active) {
        s->cooldown_until = now + backoff;
        set_model(s, r == REASON_RATE_LIMIT ? model : NULL);
    } else if (!same) {
        set_model(s, NULL);
    }
    s->cooldown_reason = r;
}

void policy_mark_failure(struct usage_stats *s, enum auth_reason r,
                         const char *model, const struct cooldown_cfg *cfg,
                         int64_t now)
{
    int64_t until = policy_unusable_until(s);
    bool window_expired =
        s->last_failure_at > 0 &&
        now - s->last_failure_at > cfg->failure_window_hours * HOUR_MS;

    if (r <= REASON_NONE || r >= REASON_COUNT)
        r = REASON_UNKNOWN;
    if (window_expired || (until && now >= until))
        reset_counters(s);
    s->error_count++;
    s->failure_counts[r]++;
    s->last_failure_at = now;
    if (r == REASON_BILLING || r == REASON_AUTH_PERMANENT)
        mark_disabled(s, r, cfg, now);
    else
        mark_cooldown(s, r, model, now);
}

void policy_clear_cooldown(struct usage_stats *s)
{
    reset_counters(s);
    s->cooldown_until = 0;
    s->cooldown_reason = REASON_NONE;
    s->cooldown_model[0] = '\0';
    s->disabled_until = 0;
    s->disabled_reason = REASON_NONE;
}

void policy_mark_success(struct usage_stats *s, int64_t now)
{
    policy_clear_cooldown(s);
    s->last_used = now;
}

/* ---- order ---------------------------------------------------------- */

static const struct order_profile *find_profile(const struct order_input *in,
                                                const char *id)
{
    int i;

    for (i = 0; i < in->nprofiles; i++)
        if (!strcmp(in->profiles[i].id, id))
            return &in->profiles[i];
    return NULL;
}

static bool usable_for(const struct order_input *in,
                       const struct order_profile *p)
{
    return p && p->eligible && p->provider &&
           !strcmp(p->provider, in->provider);
}

/* Step 4: explicit order, else configured ids, else the store listing. */
static void base_order(const struct order_input *in, struct strlist *base,
                       bool *explicit_order)
{
    const struct strlist *src =
        in->stored_order ? in->stored_order : in->configured_order;
    size_t i;
    int k;

    *explicit_order = src != NULL;
    if (!src && in->configured_ids && in->configured_ids->n)
        src = in->configured_ids;
    if (src) {
        for (i = 0; i < src->n; i++)
            strlist_push(base, src->v[i]);
        return;
    }
    for (k = 0; k < in->nprofiles; k++)
        if (in->profiles[k].provider &&
            !strcmp(in->profiles[k].provider, in->provider))
            strlist_push(base, in->profiles[k].id);
}

/* Steps 5-7: eligible, with drift repair, de-duplicated. */
static int filter(const struct order_input *in, const struct strlist *base,
                  const struct order_profile **out)
{
    const struct order_profile *p;
    bool any_known = false;
    size_t i;
    int n = 0, j, k;

    for (i = 0; i < base->n; i++) {
        p = find_profile(in, base->v[i]);
        any_known = any_known || p;
        for (j = 0; j < n && p && out[j] != p; j++)
            ;
        if (usable_for(in, p) && j == n)
            out[n++] = p;
    }
    if (n || any_known || !in->configured_ids || !in->configured_ids->n)
        return n;
    for (k = 0; k < in->nprofiles; k++)
        if (usable_for(in, &in->profiles[k]))
            out[n++] = &in->profiles[k];
    return n;
}

struct ranked {
    const struct order_profile *p;
    int64_t key1, key2; /* sort keys */
    int pos;            /* for stability */
};

static int by_keys(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    if (x->key1 != y->key1)
        return x->key1 < y->key1 ? -1 : 1;
    if (x->key2 != y->key2)
        return x->key2 < y->key2 ? -1 : 1;
    return x->pos - y->pos;
}

static int64_t last_used(const struct order_profile *p)
{
    return p->stats ? p->stats->last_used : 0;
}

/* Steps 8-9: available first (explicit order kept, else by type then
 * least recently used), then the unusable ones by when they come back. */
static void rank(const struct order_input *in, const struct order_profile **v,
                 int n, bool explicit_order, struct strlist *out)
{
    struct ranked *r = xcalloc((size_t)(n ? n : 1), sizeof(*r));
    int i;

    for (i = 0; i < n; i++) {
        bool cool =
            policy_in_cooldown(v[i]->stats, in->provider, in->model, in->now);
        r[i].p = v[i];
        r[i].pos = i;
        r[i].key1 = cool ? 1 : 0;
        if (cool)
            r[i].key2 = policy_unusable_until(v[i]->stats);
        else if (!explicit_order)
            r[i].key2 = (int64_t)v[i]->type_score * ((int64_t)1 << 50) +
                        last_used(v[i]);
    }
    qsort(r, (size_t)n, sizeof(*r), by_keys);
    for (i = 0; i < n; i++)
        strlist_push(out, r[i].p->id);
    free(r);
}

static void move_to_front(struct strlist *l, const char *id)
{
    size_t i;
    char *keep;

    for (i = 0; id && i < l->n; i++) {
        if (strcmp(l->v[i], id) != 0)
            continue;
        keep = l->v[i];
        memmove(l->v + 1, l->v, i * sizeof(*l->v));
        l->v[0] = keep;
        return;
    }
}

void policy_order(const struct order_input *in, struct strlist *out)
{
    struct strlist base = STRLIST_INIT;
    const struct order_profile **v;
    bool explicit_order;
    int n;

    base_order(in, &base, &explicit_order);
    if (!base.n) {
        strlist_release(&base);
        return;
    }
    v = xcalloc(base.n + (size_t)in->nprofiles + 1,
                sizeof(const struct order_profile *));
    n = filter(in, &base, v);
    rank(in, v, n, explicit_order, out);
    move_to_front(out, in->preferred);
    free(v);
    strlist_release(&base);
}

/* ---- why nothing is usable ------------------------------------------ */

static const enum auth_reason tie_priority[] = {
    REASON_AUTH_PERMANENT,  REASON_AUTH,
    REASON_BILLING,         REASON_FORMAT,
    REASON_MODEL_NOT_FOUND, REASON_OVERLOADED,
    REASON_TIMEOUT,         REASON_RATE_LIMIT,
    REASON_UNKNOWN,
};

static void score_one(const struct usage_stats *s, int64_t now, long *score)
{
    bool counted = false;
    int r;

    if (s->disabled_until > now && s->disabled_reason != REASON_NONE) {
        score[s->disabled_reason] += 1000;
        return;
    }
    if (!(s->cooldown_until > now))
        return;
    for (r = 1; r < REASON_COUNT; r++) {
        score[r] += s->failure_counts[r];
        counted = counted || s->failure_counts[r];
    }
    if (!counted)
        score[REASON_UNKNOWN]++;
}

enum auth_reason policy_unavailable_reason(const struct usage_stats *const *s,
                                           int n, int64_t now)
{
    long score[REASON_COUNT] = {0};
    enum auth_reason best = REASON_NONE;
    size_t k;
    int i;

    for (i = 0; i < n; i++)
        if (s[i])
            score_one(s[i], now, score);
    for (k = 0; k < sizeof(tie_priority) / sizeof(tie_priority[0]); k++)
        if (score[tie_priority[k]] > (best ? score[best] : 0))
            best = tie_priority[k];
    return best;
}
