/* String helpers: checked integer parsing, prefixes, trimming. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "testutil.h"
#include "base/err.h"
#include "base/str.h"

struct int_case {
    const char *in;
    int rc;
    long long v;
};

static const struct int_case int_cases[] = {
    {"0", 0, 0},
    {"42", 0, 42},
    {"-7", 0, -7},
    {"+7", 0, 7},
    {"65535", 0, 65535},
    {"65536", OC_EINVAL, 0},
    {"", OC_EPARSE, 0},
    {" 1", OC_EPARSE, 0},
    {"1 ", OC_EPARSE, 0},
    {"1x", OC_EPARSE, 0},
    {"0x10", OC_EPARSE, 0},
    {"99999999999999999999", OC_EINVAL, 0},
};

static void test_parse_int(void **state)
{
    int64_t v;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
        v = -1;
        assert_int_equal(str_parse_int64(int_cases[i].in, -100, 65535, &v),
                         int_cases[i].rc);
        if (!int_cases[i].rc)
            assert_int_equal(v, int_cases[i].v);
    }
    assert_int_equal(str_parse_int64(NULL, 0, 1, &v), OC_EPARSE);
}

static void test_prefix_suffix(void **state)
{
    (void)state;
    assert_true(str_has_prefix("anthropic:default", "anthropic:"));
    assert_false(str_has_prefix("anthro", "anthropic"));
    assert_true(str_has_prefix("x", ""));
    assert_true(str_has_suffix("openclaw.json", ".json"));
    assert_false(str_has_suffix("json", "openclaw.json"));
    assert_true(str_eq(NULL, NULL));
    assert_false(str_eq("a", NULL));
    assert_true(str_cmp_null(NULL, "a") < 0);
}

static void test_trim(void **state)
{
    const char *p = "  \t hi there \n";
    size_t n = strlen(p);
    char *d;

    (void)state;
    str_trim_view(&p, &n);
    assert_int_equal(n, 8);
    assert_memory_equal(p, "hi there", 8);
    d = str_trim_dup("\n\n");
    assert_string_equal(d, "");
    free(d);
    d = str_trim_dup(" MiXed ");
    assert_string_equal(str_lower(d), "mixed");
    free(d);
}

static void test_hex_value(void **state)
{
    const char *digits = "0123456789abcdef";
    int i;

    (void)state;
    for (i = 0; i < 16; i++) {
        assert_int_equal(str_hex_value(digits[i]), i);
        assert_int_equal(str_hex_value(toupper((unsigned char)digits[i])), i);
    }
    assert_int_equal(str_hex_value('g'), -1);
    assert_int_equal(str_hex_value('G'), -1);
    assert_int_equal(str_hex_value('/'), -1);
    assert_int_equal(str_hex_value(':'), -1);
    assert_int_equal(str_hex_value('@'), -1);
    assert_int_equal(str_hex_value('`'), -1);
    assert_int_equal(str_hex_value('\0'), -1);
    assert_int_equal(str_hex_value((char)0xc3), -1);
}

struct utf8_case {
    const char *s;
    size_t n;
    bool valid;
};

static void test_utf8(void **state)
{
    static const struct utf8_case cases[] = {
        {"plain ascii", 11, true},
        {"nul\0inside", 11, true},
        {"caf\xc3\xa9", 5, true},
        {"\xe4\xb8\xad\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 11, true},
        {"\xc3", 1, false},             /* cut short */
        {"\xc0\xaf", 2, false},         /* overlong */
        {"\xe0\x80\xaf", 3, false},     /* overlong */
        {"\xed\xa0\x80", 3, false},     /* surrogate */
        {"\xf4\x90\x80\x80", 4, false}, /* above U+10FFFF */
        {"\x80", 1, false},
        {"\xc3(", 2, false},
        {"\xff", 1, false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (str_utf8_valid(cases[i].s, cases[i].n) != cases[i].valid)
            fail_msg("case %zu", i);
    assert_int_equal(str_utf8_seq("a", 1), 1);
    assert_int_equal(str_utf8_seq("\xf0\x9f\x98\x80", 4), 4);
    assert_int_equal(str_utf8_seq("\xf0\x9f\x98\x80", 3), 0);
}

/* The code point at each length's edges; invalid forms give 0. */
static void test_utf8_decode(void **state)
{
    static const struct {
        const char *s;
        size_t n, len;
        uint32_t cp;
    } cases[] = {
        {"\0", 1, 1, 0},
        {"\x7f", 1, 1, 0x7f},
        {"\xc2\x80", 2, 2, 0x80},
        {"\xdf\xbf", 2, 2, 0x7ff},
        {"\xe0\xa0\x80", 3, 3, 0x800},
        {"\xed\x9f\xbf", 3, 3, 0xd7ff},
        {"\xee\x80\x80", 3, 3, 0xe000},
        {"\xef\xbf\xbf", 3, 3, 0xffff},
        {"\xf0\x90\x80\x80", 4, 4, 0x10000},
        {"\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff},
        {"\xc1\xbf", 2, 0, 0},         /* overlong */
        {"\xe0\x9f\xbf", 3, 0, 0},     /* overlong */
        {"\xed\xa0\x80", 3, 0, 0},     /* surrogate */
        {"\xf4\x90\x80\x80", 4, 0, 0}, /* above U+10FFFF */
        {"\xe2\x82", 2, 0, 0},         /* cut short */
        {"\x80", 1, 0, 0},             /* continuation first */
    };
    uint32_t cp;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cp = 0xdeadbeef;
        if (str_utf8_decode(cases[i].s, cases[i].n, &cp) != cases[i].len ||
            (cases[i].len && cp != cases[i].cp))
            fail_msg("case %zu: length or code point U+%04X", i, cp);
    }
}

static void test_copy(void **state)
{
    char four[4], one[1] = {'x'};

    (void)state;
    str_copy(four, sizeof(four), "ab");
    assert_string_equal(four, "ab");
    str_copy(four, sizeof(four), "abcdef"); /* cut as snprintf cuts */
    assert_string_equal(four, "abc");
    str_copy(four, sizeof(four), NULL);
    assert_string_equal(four, "");
    str_copy(one, sizeof(one), "abc");
    assert_int_equal(one[0], '\0');
    one[0] = 'y';
    str_copy(one, 0, "abc"); /* no room at all: untouched */
    assert_int_equal(one[0], 'y');
    str_copyn(four, sizeof(four), "xyz/rest", 3);
    assert_string_equal(four, "xyz");
    str_copyn(four, sizeof(four), "a\0b", 3); /* bytes, not a C string */
    assert_memory_equal(four, "a\0b", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_int),     cmocka_unit_test(test_copy),
        cmocka_unit_test(test_prefix_suffix), cmocka_unit_test(test_trim),
        cmocka_unit_test(test_hex_value),     cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
