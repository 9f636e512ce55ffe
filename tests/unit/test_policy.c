/*
 * Order and health policy: cooldown and disable arithmetic, model-scoped
 * rate limits, counter resets, the order algorithm in all its branches,
 * and the "why is nothing usable" inference. All table-driven.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "auth/policy.h"

#define NOW  1800000000000LL
#define SEC  1000LL
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)

static struct cooldown_cfg cfg(void)
{
    struct cooldown_cfg c;

    cooldown_cfg_defaults(&c);
    return c;
}

static void test_first_failures_and_model_scope(void **state)
{
    struct usage_stats s = {0};
    struct cooldown_cfg c = cfg();

    (void)state;
    policy_mark_failure(&s, REASON_RATE_LIMIT, "claude-opus-4-5", &c, NOW);
    assert_int_equal(s.cooldown_until, NOW + 30 * SEC);
    assert_int_equal(s.cooldown_reason, REASON_RATE_LIMIT);
    assert_string_equal(s.cooldown_model, "claude-opus-4-5");
    assert_int_equal(s.error_count, 1);
    assert_int_equal(s.failure_counts[REASON_RATE_LIMIT], 1);
    assert_int_equal(s.last_failure_at, NOW);
    /* scoped: other models are fine, this one and "any" are not */
    assert_true(policy_in_cooldown(&s, "anthropic", "claude-opus-4-5", NOW));
    assert_false(policy_in_cooldown(&s, "anthropic", "claude-haiku-4-5", NOW));
    assert_true(policy_in_cooldown(&s, "anthropic", NULL, NOW));
    assert_false(policy_in_cooldown(&s, "anthropic", NULL, NOW + 30 * SEC));
    /* same model again while active: window kept, count grows */
    policy_mark_failure(&s, REASON_RATE_LIMIT, "claude-opus-4-5", &c,
                        NOW + 5 * SEC);
    assert_int_equal(s.cooldown_until, NOW + 30 * SEC);
    assert_int_equal(s.error_count, 2);
    assert_string_equal(s.cooldown_model, "claude-opus-4-5");
    /* another model fails while active: widened to all models */
    policy_mark_failure(&s, REASON_RATE_LIMIT, "claude-haiku-4-5", &c,
                        NOW + 6 * SEC);
    assert_string_equal(s.cooldown_model, "");
    assert_true(
        policy_in_cooldown(&s, "anthropic", "claude-haiku-4-5", NOW + 6 * SEC));
}

static void test_non_rate_limit_widens(void **state)
{
    struct usage_stats s = {0};
    struct cooldown_cfg c = cfg();

    (void)state;
    policy_mark_failure(&s, REASON_RATE_LIMIT, "m1", &c, NOW);
    policy_mark_failure(&s, REASON_AUTH, "m1", &c, NOW + SEC);
    assert_int_equal(s.cooldown_reason, REASON_AUTH);
    assert_string_equal(s.cooldown_model, "");
    policy_mark_failure(&s, REASON_OVERLOADED, NULL, &c, NOW + 2 * SEC);
    assert_int_equal(s.cooldown_reason, REASON_OVERLOADED);
    assert_int_equal(s.failure_counts[REASON_AUTH], 1);
    assert_int_equal(s.error_count, 3);
}

struct step_case {
    int prior_errors; /* error_count before, no active window */
    int64_t want_backoff;
};

static void test_cooldown_steps(void **state)
{
    static const struct step_case cases[] = {
        {0, 30 * SEC},
        {1, 1 * MIN},
        {2, 5 * MIN},
        {7, 5 * MIN},
    };
    struct cooldown_cfg c = cfg();
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct usage_stats s = {0};
        s.error_count = cases[i].prior_errors;
        s.last_failure_at = cases[i].prior_errors ? NOW - MIN : 0;
        policy_mark_failure(&s, REASON_UNKNOWN, NULL, &c, NOW);
        assert_int_equal(s.cooldown_until - NOW, cases[i].want_backoff);
    }
}

static void test_counters_reset(void **state)
{
    struct usage_stats s = {0};
    struct cooldown_cfg c = cfg();

    (void)state;
    /* the previous cooldown has expired: start over at 30 s */
    s.error_count = 2;
    s.failure_counts[REASON_RATE_LIMIT] = 2;
    s.cooldown_until = NOW - 1;
    s.last_failure_at = NOW - MIN;
    policy_mark_failure(&s, REASON_RATE_LIMIT, NULL, &c, NOW);
    assert_int_equal(s.error_count, 1);
    assert_int_equal(s.failure_counts[REASON_RATE_LIMIT], 1);
    assert_int_equal(s.cooldown_until, NOW + 30 * SEC);
    /* the failure window (24 h) has passed */
    memset(&s, 0, sizeof(s));
    s.error_count = 2;
    s.last_failure_at = NOW - 25 * HOUR;
    policy_mark_failure(&s, REASON_FORMAT, NULL, &c, NOW);
    assert_int_equal(s.error_count, 1);
    /* a shorter configured window */
    memset(&s, 0, sizeof(s));
    c.failure_window_hours = 1;
    s.error_count = 2;
    s.last_failure_at = NOW - 2 * HOUR;
    policy_mark_failure(&s, REASON_FORMAT, NULL, &c, NOW);
    assert_int_equal(s.error_count, 1);
}

struct disable_case {
    enum auth_reason reason;
    double base, max; /* 0: defaults */
    int64_t want[5];  /* successive backoffs */
};

static void test_disable_lane(void **state)
{
    static const struct disable_case cases[] = {
        {REASON_BILLING,
         0,
         0,
         {5 * HOUR, 10 * HOUR, 20 * HOUR, 24 * HOUR, 24 * HOUR}},
        {REASON_AUTH_PERMANENT,
         0,
         0,
         {10 * MIN, 20 * MIN, 40 * MIN, 60 * MIN, 60 * MIN}},
        {REASON_BILLING,
         2,
         3,
         {2 * HOUR, 3 * HOUR, 3 * HOUR, 3 * HOUR, 3 * HOUR}},
    };
    size_t i, k;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cooldown_cfg c = cfg();
        struct usage_stats s = {0};
        if (cases[i].base) {
            c.billing_backoff_hours = cases[i].base;
            c.billing_max_hours = cases[i].max;
        }
        for (k = 0; k < 5; k++) {
            int64_t t = NOW + (int64_t)k * SEC;
            s.disabled_until = 0; /* as if the last window had run out */
            policy_mark_failure(&s, cases[i].reason, NULL, &c, t);
            assert_int_equal(s.disabled_until - t, cases[i].want[k]);
            assert_int_equal(s.disabled_reason, cases[i].reason);
        }
    }
}

static void test_active_disable_not_extended(void **state)
{
    struct usage_stats s = {0};
    struct cooldown_cfg c = cfg();

    (void)state;
    policy_mark_failure(&s, REASON_BILLING, NULL, &c, NOW);
    policy_mark_failure(&s, REASON_BILLING, NULL, &c, NOW + HOUR);
    assert_int_equal(s.disabled_until, NOW + 5 * HOUR);
    assert_int_equal(s.failure_counts[REASON_BILLING], 2);
    /* a disable blocks every model, even with a scoped rate limit */
    policy_mark_failure(&s, REASON_RATE_LIMIT, "m1", &c, NOW + HOUR);
    assert_true(policy_in_cooldown(&s, "anthropic", "m2", NOW + HOUR));
}

static void test_bypass_clear_success(void **state)
{
    struct usage_stats s = {0};
    struct cooldown_cfg c = cfg();

    (void)state;
    policy_mark_failure(&s, REASON_RATE_LIMIT, NULL, &c, NOW);
    assert_false(policy_in_cooldown(&s, "openrouter", NULL, NOW));
    assert_false(policy_in_cooldown(&s, "kilocode", NULL, NOW));
    assert_false(policy_clear_expired(&s, NOW + SEC));
    assert_int_equal(s.error_count, 1);
    assert_true(policy_clear_expired(&s, NOW + 30 * SEC));
    assert_int_equal(s.cooldown_until, 0);
    assert_int_equal(s.cooldown_reason, REASON_NONE);
    assert_int_equal(s.error_count, 0);
    assert_int_equal(s.last_failure_at, NOW); /* kept */
    /* expired cooldown, active disable: counters stay */
    policy_mark_failure(&s, REASON_BILLING, NULL, &c, NOW);
    s.cooldown_until = NOW + SEC;
    assert_true(policy_clear_expired(&s, NOW + 2 * SEC));
    assert_int_equal(s.error_count, 1);
    policy_mark_success(&s, NOW + 3 * SEC);
    assert_int_equal(s.disabled_until, 0);
    assert_int_equal(s.error_count, 0);
    assert_int_equal(s.failure_counts[REASON_BILLING], 0);
    assert_int_equal(s.last_used, NOW + 3 * SEC);
    policy_mark_failure(&s, REASON_AUTH, NULL, &c, NOW + 4 * SEC);
    policy_clear_cooldown(&s);
    assert_int_equal(s.cooldown_until, 0);
    assert_int_equal(s.last_used, NOW + 3 * SEC);
}

static void test_reason_names(void **state)
{
    int r;

    (void)state;
    for (r = 1; r < REASON_COUNT; r++)
        assert_int_equal(auth_reason_parse(auth_reason_name(r)), r);
    assert_int_equal(auth_reason_parse("nope"), REASON_NONE);
    assert_null(auth_reason_name(REASON_NONE));
}

/* ---- order ---- */

static struct usage_stats st_a = {.last_used = 100};
static struct usage_stats st_b = {.last_used = 50};
static struct usage_stats st_c = {.last_used = 200};
static struct usage_stats st_d = {.last_used = 10,
                                  .cooldown_until = NOW + 5 * SEC};
static struct usage_stats st_g = {.last_used = 5,
                                  .cooldown_until = NOW + 2 * SEC,
                                  .cooldown_reason = REASON_RATE_LIMIT,
                                  .cooldown_model = "m1"};

static const struct order_profile store[] = {
    {"anthropic:a", "anthropic", 2, true, &st_a},
    {"anthropic:b", "anthropic", 1, true, &st_b},
    {"anthropic:c", "anthropic", 0, true, &st_c},
    {"anthropic:d", "anthropic", 2, true, &st_d},
    {"anthropic:e", "anthropic", 2, false, NULL},
    {"openai:f", "openai", 2, true, NULL},
    {"anthropic:g", "anthropic", 2, true, &st_g},
};

static void list_of(struct strlist *l, const char *csv)
{
    char buf[256], *tok, *save = NULL;

    strlist_init(l);
    snprintf(buf, sizeof(buf), "%s", csv);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        strlist_push(l, tok);
}

struct order_case {
    const char *stored;     /* NULL: none; "" : explicit empty */
    const char *configured; /* auth.order */
    const char *ids;        /* auth.profiles ids */
    const char *preferred;
    const char *model;
    const char *want;
};

static const struct order_case order_cases[] = {
    /* round robin: oauth, token, api_key by LRU; cooldowns last by until */
    {NULL, NULL, NULL, NULL, NULL,
     "anthropic:c,anthropic:b,anthropic:a,anthropic:g,anthropic:d"},
    /* the scoped rate limit on m1 does not hold g back for m2 */
    {NULL, NULL, NULL, NULL, "m2",
     "anthropic:c,anthropic:b,anthropic:g,anthropic:a,anthropic:d"},
    /* stored order wins; unknown, ineligible and unlisted ids dropped */
    {"anthropic:d,anthropic:a,anthropic:x,anthropic:e,anthropic:b",
     "anthropic:c", NULL, NULL, NULL, "anthropic:a,anthropic:b,anthropic:d"},
    {NULL, "anthropic:b,anthropic:a,anthropic:a", NULL, NULL, NULL,
     "anthropic:b,anthropic:a"},
    /* an explicit empty order means no profiles */
    {"", "anthropic:a", NULL, NULL, NULL, ""},
    /* configured profile ids, ordered round-robin */
    {NULL, NULL, "anthropic:a,anthropic:b", NULL, NULL,
     "anthropic:b,anthropic:a"},
    /* drift repair: none of the configured ids exist */
    {NULL, NULL, "anthropic:x,anthropic:y", NULL, NULL,
     "anthropic:c,anthropic:b,anthropic:a,anthropic:g,anthropic:d"},
    /* preferred goes first, even in cooldown */
    {NULL, NULL, NULL, "anthropic:d", NULL,
     "anthropic:d,anthropic:c,anthropic:b,anthropic:a,anthropic:g"},
    /* a profile of another provider is never listed */
    {"openai:f,anthropic:a", NULL, NULL, NULL, NULL, "anthropic:a"},
};

static void test_order_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(order_cases) / sizeof(order_cases[0]); i++) {
        const struct order_case *c = &order_cases[i];
        struct strlist stored, conf, ids, out = STRLIST_INIT;
        struct order_input in = {"anthropic", c->model, NOW,  store,       7,
                                 NULL,        NULL,     NULL, c->preferred};
        char *got;

        list_of(&stored, c->stored ? c->stored : "");
        list_of(&conf, c->configured ? c->configured : "");
        list_of(&ids, c->ids ? c->ids : "");
        in.stored_order = c->stored ? &stored : NULL;
        in.configured_order = c->configured ? &conf : NULL;
        in.configured_ids = &ids;
        policy_order(&in, &out);
        got = strlist_join(&out, ",");
        if (strcmp(got, c->want))
            fail_msg("case %zu: got %s want %s", i, got, c->want);
        free(got);
        strlist_release(&out);
        strlist_release(&stored);
        strlist_release(&conf);
        strlist_release(&ids);
    }
}

static void test_unavailable_reason(void **state)
{
    struct usage_stats billing = {.disabled_until = NOW + HOUR,
                                  .disabled_reason = REASON_BILLING};
    struct usage_stats rl = {.cooldown_until = NOW + MIN,
                             .failure_counts[REASON_RATE_LIMIT] = 5};
    struct usage_stats au = {.cooldown_until = NOW + MIN,
                             .failure_counts[REASON_AUTH] = 5};
    struct usage_stats bare = {.cooldown_until = NOW + MIN};
    struct usage_stats old = {.cooldown_until = NOW - 1,
                              .failure_counts[REASON_AUTH] = 9};
    const struct usage_stats *v1[] = {&rl, &billing};
    const struct usage_stats *v2[] = {&rl, &au};
    const struct usage_stats *v3[] = {&bare, NULL};
    const struct usage_stats *v4[] = {&old};

    (void)state;
    assert_int_equal(policy_unavailable_reason(v1, 2, NOW), REASON_BILLING);
    assert_int_equal(policy_unavailable_reason(v2, 2, NOW), REASON_AUTH);
    assert_int_equal(policy_unavailable_reason(v3, 2, NOW), REASON_UNKNOWN);
    assert_int_equal(policy_unavailable_reason(v4, 1, NOW), REASON_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_failures_and_model_scope),
        cmocka_unit_test(test_non_rate_limit_widens),
        cmocka_unit_test(test_cooldown_steps),
        cmocka_unit_test(test_counters_reset),
        cmocka_unit_test(test_disable_lane),
        cmocka_unit_test(test_active_disable_not_extended),
        cmocka_unit_test(test_bypass_clear_success),
        cmocka_unit_test(test_reason_names),
        cmocka_unit_test(test_order_table),
        cmocka_unit_test(test_unavailable_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
