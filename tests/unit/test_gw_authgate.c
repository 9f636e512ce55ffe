/*
 * The gateway's door: the shared-secret comparison, the Bearer header,
 * and the failed-attempt limiter driven with explicit times (scripts of
 * fail / locked / ok steps and what each must return).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "gateway/authgate.h"
#include "base/banned.h"

/* ---- gw_secret_ok ------------------------------------------------------- */

#define SECRET "s3cret-token"

struct scase {
    const char *name;
    enum gw_auth_mode mode;
    const char *secret;    /* configured; NULL: none */
    const char *presented; /* NULL: nothing sent */
    long n;                /* -1: strlen(presented) */
    bool ok;
};

static const struct scase scases[] = {
    {"right token", GW_AUTH_TOKEN, SECRET, SECRET, -1, true},
    {"right password", GW_AUTH_PASSWORD, SECRET, SECRET, -1, true},
    {"wrong last byte", GW_AUTH_TOKEN, SECRET, "s3cret-tokeN", -1, false},
    {"wrong first byte", GW_AUTH_TOKEN, SECRET, "S3cret-token", -1, false},
    {"empty", GW_AUTH_TOKEN, SECRET, "", 0, false},
    {"nothing sent", GW_AUTH_TOKEN, SECRET, NULL, 0, false},
    {"a prefix", GW_AUTH_TOKEN, SECRET, "s3cret", -1, false},
    {"a prefix by length", GW_AUTH_TOKEN, SECRET, SECRET, 6, false},
    {"longer", GW_AUTH_TOKEN, SECRET, SECRET "x", -1, false},
    {"longer by a NUL", GW_AUTH_TOKEN, SECRET, SECRET "\0", 13, false},
    {"no secret configured", GW_AUTH_TOKEN, NULL, "", 0, false},
    {"no secret configured, something sent", GW_AUTH_TOKEN, NULL, "x", -1,
     false},
    {"mode none, nothing sent", GW_AUTH_NONE, NULL, NULL, 0, true},
    {"mode none, anything sent", GW_AUTH_NONE, SECRET, "wrong", -1, true},
};

static void test_secret_ok(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
        const struct scase *c = &scases[i];
        struct gw_settings s;
        size_t n;

        gw_settings_init(&s);
        s.auth = c->mode;
        if (c->secret)
            secret_set(&s.secret, c->secret, strlen(c->secret));
        n = c->n < 0 ? strlen(c->presented) : (size_t)c->n;
        if (gw_secret_ok(&s, c->presented, n) != c->ok)
            fail_msg("%s: gw_secret_ok is %d", c->name, (int)!c->ok);
        gw_settings_release(&s);
    }
}

/* ---- gw_bearer ---------------------------------------------------------- */

struct bcase {
    const char *in;
    long len;         /* -1: strlen(in) */
    const char *want; /* NULL: no token */
};

static const struct bcase bcases[] = {
    {"Bearer abc", -1, "abc"},
    {"bearer abc", -1, "abc"},
    {"BEARER abc", -1, "abc"},
    {"bEaReR abc", -1, "abc"},
    {"Bearer    abc", -1, "abc"},
    {"Bearer abc   ", -1, "abc"},
    {"Bearer \tabc\t ", -1, "abc"},
    {"Bearer a b", -1, "a b"},
    {"Bearer abcXYZ", 10, "abc"},
    {"Bearer", -1, NULL},
    {"Bearer ", -1, NULL},
    {"Bearer    ", -1, NULL},
    {"Bearer \t ", -1, NULL},
    {"Bearerabc", -1, NULL},
    {"Bearer abc", 6, NULL},
    {"Basic dXNlcjpwYXNz", -1, NULL},
    {"Token abc", -1, NULL},
    {"abc", -1, NULL},
    {"", 0, NULL},
    {NULL, 0, NULL},
};

static void test_bearer(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bcases) / sizeof(bcases[0]); i++) {
        const struct bcase *c = &bcases[i];
        size_t len = c->len < 0 ? strlen(c->in) : (size_t)c->len;
        size_t n = 12345;
        const char *t = gw_bearer(c->in, len, &n);

        if (!c->want) {
            if (t)
                fail_msg("'%s': token '%.*s', want none", c->in, (int)n, t);
            if (n != 12345)
                fail_msg("'%s': n set without a token", c->in);
            continue;
        }
        if (!t || n != strlen(c->want) || memcmp(t, c->want, n) != 0)
            fail_msg("'%s': token '%.*s', want '%s'", c->in, t ? (int)n : 4,
                     t ? t : "none", c->want);
    }
}

/* ---- the limiter -------------------------------------------------------- */

enum op { END, FAIL, LOCKED, OK };

struct step {
    enum op op;
    const char *addr;
    bool loopback;
    int64_t now;
    int64_t want; /* FAIL: the lockout caused; LOCKED: ms left */
};

#define MAX_STEPS 16

struct lcase {
    const char *name;
    struct gw_rate_limit cfg;
    struct step steps[MAX_STEPS];
};

#define A  "203.0.113.7"
#define B  "2001:db8::1"
#define LO "127.0.0.1"
#define CFG3                                                                   \
    {                                                                          \
        3, 1000, 5000, true                                                    \
    }

static const struct lcase lcases[] = {
    {"locked after maxAttempts within the window",
     CFG3,
     {{FAIL, A, false, 0, 0},
      {LOCKED, A, false, 5, 0},
      {FAIL, A, false, 10, 0},
      {LOCKED, A, false, 15, 0},
      {FAIL, A, false, 20, 5000},
      {LOCKED, A, false, 20, 5000},
      {LOCKED, A, false, 1020, 4000},
      {LOCKED, A, false, 5019, 1},
      {LOCKED, A, false, 5020, 0},
      /* the lockout over, the count starts again */
      {FAIL, A, false, 5021, 0},
      {FAIL, A, false, 5022, 0},
      {LOCKED, A, false, 5023, 0},
      {FAIL, A, false, 5024, 5000},
      {LOCKED, A, false, 5025, 4999}}},
    {"the last failure on the window's edge still counts",
     CFG3,
     {{FAIL, A, false, 0, 0},
      {FAIL, A, false, 500, 0},
      {FAIL, A, false, 1000, 5000},
      {LOCKED, A, false, 1000, 5000}}},
    {"window expiry resets the count",
     CFG3,
     {{FAIL, A, false, 0, 0},
      {FAIL, A, false, 500, 0},
      {FAIL, A, false, 1001, 0},
      {LOCKED, A, false, 1002, 0},
      {FAIL, A, false, 1100, 0},
      {FAIL, A, false, 1200, 5000},
      {LOCKED, A, false, 1300, 4900}}},
    {"success forgets the failures",
     CFG3,
     {{FAIL, A, false, 0, 0},
      {FAIL, A, false, 1, 0},
      {OK, A, false, 2, 0},
      {FAIL, A, false, 3, 0},
      {FAIL, A, false, 4, 0},
      {LOCKED, A, false, 5, 0},
      {FAIL, A, false, 6, 5000}}},
    {"success of another address changes nothing",
     CFG3,
     {{FAIL, A, false, 0, 0},
      {FAIL, A, false, 1, 0},
      {OK, B, false, 2, 0},
      {FAIL, A, false, 3, 5000}}},
    {"forgetting one address keeps the others",
     CFG3,
     {{FAIL, A, false, 0, 0},
      {FAIL, B, false, 1, 0},
      {OK, A, false, 2, 0},
      {OK, A, false, 3, 0},
      {FAIL, B, false, 4, 0},
      {FAIL, B, false, 5, 5000},
      {LOCKED, B, false, 6, 4999},
      {OK, B, false, 7, 0},
      {LOCKED, B, false, 8, 0},
      {FAIL, A, false, 9, 0}}},
    {"addresses are counted apart",
     CFG3,
     {{FAIL, A, false, 0, 0},
      {FAIL, B, false, 1, 0},
      {FAIL, A, false, 2, 0},
      {FAIL, B, false, 3, 0},
      {FAIL, A, false, 4, 5000},
      {LOCKED, B, false, 5, 0},
      {LOCKED, A, false, 5, 4999},
      {FAIL, B, false, 6, 5000}}},
    {"an unknown address is not locked",
     CFG3,
     {{LOCKED, A, false, 0, 0},
      {OK, A, false, 0, 0},
      {LOCKED, A, false, 0, 0}}},
    {"loopback exempt by default",
     CFG3,
     {{FAIL, LO, true, 0, 0},
      {FAIL, LO, true, 1, 0},
      {FAIL, LO, true, 2, 0},
      {FAIL, LO, true, 3, 0},
      {FAIL, LO, true, 4, 0},
      {LOCKED, LO, true, 5, 0}}},
    {"loopback limited when not exempt",
     {3, 1000, 5000, false},
     {{FAIL, LO, true, 0, 0},
      {FAIL, LO, true, 1, 0},
      {FAIL, LO, true, 2, 5000},
      {LOCKED, LO, true, 3, 4999}}},
    {"one attempt allowed",
     {1, 1000, 250, true},
     {{FAIL, A, false, 100, 250},
      {LOCKED, A, false, 100, 250},
      {LOCKED, A, false, 349, 1},
      {LOCKED, A, false, 350, 0}}},
};

static int64_t run_step(struct gw_limiter *l, const struct step *s)
{
    switch (s->op) {
    case FAIL:
        return gw_limiter_fail(l, s->addr, s->loopback, s->now);
    case LOCKED:
        return gw_limiter_locked(l, s->addr, s->loopback, s->now);
    default:
        gw_limiter_ok(l, s->addr);
        return 0;
    }
}

static void test_limiter(void **state)
{
    static const char *const ops[] = {"end", "fail", "locked", "ok"};
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(lcases) / sizeof(lcases[0]); i++) {
        const struct lcase *c = &lcases[i];
        struct gw_limiter *l = gw_limiter_new(&c->cfg);

        for (j = 0; j < MAX_STEPS && c->steps[j].op != END; j++) {
            const struct step *s = &c->steps[j];
            int64_t got = run_step(l, s);

            if (got != s->want)
                fail_msg("%s: step %zu (%s %s at %lld) gave %lld, want %lld",
                         c->name, j, ops[s->op], s->addr, (long long)s->now,
                         (long long)got, (long long)s->want);
        }
        gw_limiter_free(l);
    }
}

/* More addresses than slots: the least recently seen is forgotten, the
 * rest are kept. */
static void test_limiter_many(void **state)
{
    const struct gw_rate_limit cfg = {2, 1000000, 300000, true};
    struct gw_limiter *l = gw_limiter_new(&cfg);
    char addr[64];
    int64_t t;

    (void)state;
    assert_int_equal(gw_limiter_fail(l, "10.255.0.1", false, 0), 0);
    for (t = 1; t <= GW_LIMITER_SLOTS + 10; t++) {
        snprintf(addr, sizeof(addr), "10.0.%d.%d", (int)(t / 256),
                 (int)(t % 256));
        assert_int_equal(gw_limiter_fail(l, addr, false, t), 0);
    }
    /* the first address was evicted: its next failure is its first */
    assert_int_equal(gw_limiter_fail(l, "10.255.0.1", false, t), 0);
    assert_int_equal(gw_limiter_locked(l, "10.255.0.1", false, t), 0);
    /* the most recent one is remembered */
    snprintf(addr, sizeof(addr), "10.0.%d.%d", (int)((t - 1) / 256),
             (int)((t - 1) % 256));
    assert_int_equal(gw_limiter_fail(l, addr, false, t + 1), 300000);
    assert_int_equal(gw_limiter_locked(l, addr, false, t + 2), 299999);
    gw_limiter_free(l);
    gw_limiter_free(NULL);
}

/* A locked address is kept while others come and go, as long as it is
 * more recent than they are. */
static void test_limiter_locked_kept(void **state)
{
    const struct gw_rate_limit cfg = {1, 1000, 1000000, true};
    struct gw_limiter *l = gw_limiter_new(&cfg);
    char addr[64];
    int i;

    (void)state;
    for (i = 0; i < GW_LIMITER_SLOTS - 1; i++) {
        snprintf(addr, sizeof(addr), "192.0.2.%d/%d", i % 256, i);
        gw_limiter_fail(l, addr, false, i);
    }
    assert_int_equal(gw_limiter_fail(l, A, false, 5000), 1000000);
    for (i = 0; i < 100; i++) {
        snprintf(addr, sizeof(addr), "198.51.100.%d", i);
        gw_limiter_fail(l, addr, false, 5001 + i);
    }
    assert_int_equal(gw_limiter_locked(l, A, false, 6000), 999000);
    gw_limiter_free(l);
}

/* New limits apply to the records already held. */
static void test_limiter_configure(void **state)
{
    const struct gw_rate_limit before = {3, 1000, 5000, true};
    const struct gw_rate_limit after = {2, 1000, 700, false};
    struct gw_limiter *l = gw_limiter_new(&before);

    (void)state;
    assert_int_equal(gw_limiter_fail(l, A, false, 0), 0);
    assert_int_equal(gw_limiter_fail(l, A, false, 1), 0);
    assert_int_equal(gw_limiter_fail(l, LO, true, 1), 0);
    gw_limiter_configure(l, &after);
    assert_int_equal(gw_limiter_fail(l, A, false, 2), 700);
    assert_int_equal(gw_limiter_locked(l, A, false, 3), 699);
    /* loopback is no longer exempt */
    assert_int_equal(gw_limiter_fail(l, LO, true, 4), 0);
    assert_int_equal(gw_limiter_fail(l, LO, true, 5), 700);
    assert_int_equal(gw_limiter_locked(l, LO, true, 6), 699);
    /* and exempt again */
    gw_limiter_configure(l, &before);
    assert_int_equal(gw_limiter_locked(l, LO, true, 7), 0);
    assert_int_equal(gw_limiter_locked(l, A, false, 7), 695);
    gw_limiter_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_ok),
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_limiter),
        cmocka_unit_test(test_limiter_many),
        cmocka_unit_test(test_limiter_locked_kept),
        cmocka_unit_test(test_limiter_configure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
