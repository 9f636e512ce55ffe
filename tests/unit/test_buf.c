/* struct buf: growth, cap enforcement, formatting, detach. */
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
        cmocka_unit_test(test_growth_many),
        cmocka_unit_test(test_detach),
        cmocka_unit_test(test_embedded_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
