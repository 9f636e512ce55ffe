/* struct buf: growth, cap enforcement, formatting, detach. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/err.h"

static void test_empty_is_terminated(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 0);
    assert_non_null(b.p);
    assert_string_equal(b.p, "");
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

static void test_add_and_format(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 0);
    assert_int_equal(buf_addstr(&b, "abc"), 0);
    assert_int_equal(buf_addch(&b, '-'), 0);
    assert_int_equal(buf_addf(&b, "%d:%s", 42, "x"), 0);
    assert_string_equal(b.p, "abc-42:x");
    assert_int_equal(b.len, 8);
    buf_truncate(&b, 3);
    assert_string_equal(b.p, "abc");
    buf_reset(&b);
    assert_string_equal(b.p, "");
    buf_release(&b);
}

static void test_cap_is_enforced(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_addstr(&b, "12345678"), 0);
    assert_int_equal(buf_addch(&b, '9'), OC_ETOOBIG);
    assert_string_equal(b.p, "12345678");
    assert_int_equal(buf_addf(&b, "%s", "x"), OC_ETOOBIG);
    assert_int_equal(b.len, 8);
    buf_release(&b);
    buf_init(&b, 4);
    assert_int_equal(buf_add(&b, "123456", 6), OC_ETOOBIG);
    assert_int_equal(b.len, 0);
    buf_release(&b);
    /* a cap that is not a power of two: room left in the allocation
     * beyond max is not taken byte by byte either */
    buf_init(&b, 100);
    for (int i = 0; i < 100; i++)
        assert_int_equal(buf_addch(&b, 'x'), 0);
    assert_int_equal(buf_addch(&b, 'y'), OC_ETOOBIG);
    assert_int_equal(buf_add(&b, "", 0), 0);
    assert_int_equal(b.len, 100);
    assert_true(b.cap <= 101);
    assert_int_equal(b.p[100], '\0');
    buf_release(&b);
}

/* Formatting into the room already there, right up to its end, one past
 * it, and past max (the room never goes past max): the text, len and the
 * terminator are as if formatted in one piece, and a refused write leaves
 * the buffer as it was. */
static void test_format_edges(void **state)
{
    struct buf b;
    char want[300];
    size_t room, i;

    (void)state;
    for (i = 0; i < 3; i++) {
        buf_init(&b, 0);
        assert_int_equal(buf_addstr(&b, "0123456789"), 0); /* cap 64 */
        room = b.cap - b.len - 1;                          /* 53 */
        memset(want, 'y', sizeof(want));
        want[room - 1 + i] = '\0';
        assert_int_equal(buf_addf(&b, "%s", want), 0);
        assert_int_equal(b.len, 10 + room - 1 + i);
        assert_memory_equal(b.p, "0123456789yyy", 13);
        assert_int_equal(b.p[b.len], '\0');
        assert_int_equal(buf_addf(&b, "%c%d", '|', 7), 0);
        assert_int_equal(b.p[b.len - 3], 'y');
        assert_string_equal(b.p + b.len - 2, "|7");
        buf_release(&b);
    }
    buf_init(&b, 20);
    assert_int_equal(buf_addstr(&b, "0123456789"), 0);
    assert_int_equal(b.cap, 21);
    assert_int_equal(buf_addf(&b, "%s", "abcdefghijk"), OC_ETOOBIG);
    assert_string_equal(b.p, "0123456789");
    assert_int_equal(buf_addf(&b, "%s", "abcdefghij"), 0);
    assert_string_equal(b.p, "0123456789abcdefghij");
    assert_int_equal(b.len, 20);
    buf_release(&b);
}

static void test_add_int(void **state)
{
    static const long long vals[] = {
        0,         1,          -1,        9,         10,           -10,
        123456789, 1760000000, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
    char want[32];
    struct buf b;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        buf_init(&b, 0);
        assert_int_equal(buf_addstr(&b, "n="), 0);
        assert_int_equal(buf_add_int(&b, vals[i]), 0);
        snprintf(want, sizeof(want), "n=%lld", vals[i]);
        assert_string_equal(b.p, want);
        assert_int_equal(b.len, strlen(want));
        buf_release(&b);
    }
    buf_init(&b, 3);
    assert_int_equal(buf_add_int(&b, 1234), OC_ETOOBIG);
    assert_int_equal(buf_add_int(&b, -12), 0);
    assert_string_equal(b.p, "-12");
    buf_release(&b);
}

static void test_growth_many(void **state)
{
    struct buf b;
    int i;

    (void)state;
    buf_init(&b, 0);
    for (i = 0; i < 10000; i++)
        assert_int_equal(buf_addch(&b, (char)('a' + i % 26)), 0);
    assert_int_equal(b.len, 10000);
    assert_int_equal(b.p[9999], 'a' + 9999 % 26);
    assert_int_equal(b.p[10000], '\0');
    buf_release(&b);
}

static void test_detach(void **state)
{
    struct buf b;
    size_t len = 0;
    char *s;

    (void)state;
    buf_init(&b, 0);
    s = buf_detach(&b, &len);
    assert_string_equal(s, "");
    free(s);
    buf_addstr(&b, "hello");
    s = buf_detach(&b, &len);
    assert_string_equal(s, "hello");
    assert_int_equal(len, 5);
    assert_int_equal(b.len, 0);
    free(s);
    buf_release(&b);
}

static void test_embedded_nul(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 0);
    buf_add(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.p, "a\0b", 3);
    buf_wipe_release(&b);
    assert_int_equal(b.len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_is_terminated),
        cmocka_unit_test(test_add_and_format),
        cmocka_unit_test(test_cap_is_enforced),
        cmocka_unit_test(test_format_edges),
        cmocka_unit_test(test_add_int),
        cmocka_unit_test(test_growth_many),
        cmocka_unit_test(test_detach),
        cmocka_unit_test(test_embedded_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
