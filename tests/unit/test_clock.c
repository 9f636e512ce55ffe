/* ISO-8601 formatting and parsing, the test clock override. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "base/clock.h"
#include "base/err.h"

static void test_format(void **state)
{
    char out[CLOCK_ISO_MAX];

    (void)state;
    clock_iso8601(0, out, sizeof(out));
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
    clock_iso8601(1795406719405LL, out, sizeof(out));
    assert_string_equal(out, "2026-11-23T04:05:19.405Z");
    clock_iso8601(-1, out, sizeof(out));
    assert_string_equal(out, "1969-12-31T23:59:59.999Z");
    clock_iso8601(253402300799999LL, out, sizeof(out));
    assert_string_equal(out, "9999-12-31T23:59:59.999Z");
    clock_iso8601(253402300800000LL, out, sizeof(out));
    assert_string_equal(out, "10000-01-01T00:00:00.000Z");
    clock_iso8601(1795406719405LL, out, 11);
    assert_string_equal(out, "2026-11-23");
}

/* Every field, against strftime, across leap days and month ends. */
static void test_format_sweep(void **state)
{
    char out[CLOCK_ISO_MAX], want[CLOCK_ISO_MAX + 8];
    int64_t ms;
    time_t secs;
    struct tm tm;

    (void)state;
    for (ms = -86400000LL * 800; ms < 4102444800000LL;
         ms += 86400000LL * 7 + 3723001) {
        secs = (time_t)(ms / 1000 - (ms % 1000 < 0));
        gmtime_r(&secs, &tm);
        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(want + 19, sizeof(want) - 19, ".%03dZ",
                 (int)((ms % 1000 + 1000) % 1000));
        clock_iso8601(ms, out, sizeof(out));
        if (strcmp(out, want) != 0)
            fail_msg("%lld: got %s, want %s", (long long)ms, out, want);
    }
}

struct parse_case {
    const char *in;
    int rc;
    long long ms;
};

static const struct parse_case parse_cases[] = {
    {"2026-11-23T04:05:19.405Z", 0, 1795406719405LL},
    {"2026-11-23T04:05:19Z", 0, 1795406719000LL},
    {"2026-11-23T04:05Z", 0, 1795406700000LL},
    {"2026-11-23T04:05:19.4056789Z", 0, 1795406719405LL},
    {"2026-11-23T05:05:19.405+01:00", 0, 1795406719405LL},
    {"2026-11-23T03:05:19.405-01:00", 0, 1795406719405LL},
    {"1970-01-01T00:00:00.000Z", 0, 0},
    {"2026-11-22", OC_EPARSE, 0},
    {"2026-13-22T00:00:00Z", OC_EPARSE, 0},
    {"2026-11-22T16:45:19.405", OC_EPARSE, 0},
    {"2026-11-22T16:45:19.405Zjunk", OC_EPARSE, 0},
    {"", OC_EPARSE, 0},
    {"garbage", OC_EPARSE, 0},
};

static void test_parse_table(void **state)
{
    int64_t ms;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        ms = -42;
        assert_int_equal(clock_parse_iso8601(parse_cases[i].in, &ms),
                         parse_cases[i].rc);
        if (parse_cases[i].rc == 0)
            assert_int_equal(ms, parse_cases[i].ms);
    }
}

static void test_roundtrip(void **state)
{
    char out[CLOCK_ISO_MAX];
    int64_t ms = 0, v;

    (void)state;
    for (v = 0; v < 4000000000000LL; v += 123456789123LL) {
        clock_iso8601(v, out, sizeof(out));
        assert_int_equal(clock_parse_iso8601(out, &ms), 0);
        assert_int_equal(ms, v);
    }
}

static void test_fake_now(void **state)
{
    (void)state;
    setenv("OPENCLAW_TEST_NOW_MS", "1795406719405", 1);
    assert_int_equal(clock_wall_ms(), 1795406719405LL);
    unsetenv("OPENCLAW_TEST_NOW_MS");
    assert_true(clock_wall_ms() > 1700000000000LL);
    assert_true(clock_mono_ms() >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),      cmocka_unit_test(test_format_sweep),
        cmocka_unit_test(test_parse_table), cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_fake_now),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
