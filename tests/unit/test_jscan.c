/* jscan: what it accepts, what it leaves to jansson, and the values. */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/err.h"
#include "json/jscan.h"

struct scan_case {
    const char *in;
    int want;            /* member count, or -1 */
    bool jansson_agrees; /* json_loadb(flags 0) gives an object */
};

static const struct scan_case scan_cases[] = {
    {"{}", 0, true},
    {" \t\r\n{ } \n", 0, true},
    {"{\"type\":\"ping\"}", 1, true},
    {"{\"a\":1,\"b\":[1,[2,{}],\"x\"],\"c\":{\"d\":null},\"e\":true,\"f\":"
     "false}",
     5, true},
    {"{\"a\":1,\"a\":2}", 2, true},
    {"{\"n\":-9223372036854775808,\"m\":9223372036854775807}", 2, true},
    {"{\"s\":\"\\ud83d\\ude00 \\u00e9 \\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}", 1,
     true},
    {"{\"s\":\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbf\"}", 1, true},
    /* jansson reads these; jscan leaves them to it */
    {"{\"t\\u0079pe\":\"ping\"}", -1, true},
    {"{\"x\":1.5}", -1, true},
    {"{\"x\":1e3}", -1, true},
    {"{\"x\":[0.5]}", -1, true},
    {"{\"x\":9223372036854775808}", -1, false},
    {"{\"x\":-9223372036854775809}", -1, false},
    {"{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":"
     "9}",
     -1, true},         /* more than max (8) */
    {"[1]", -1, false}, /* jansson reads it, as an array */
    /* invalid everywhere */
    {"", -1, false},
    {"{", -1, false},
    {"{\"a\":1,}", -1, false},
    {"{\"a\" 1}", -1, false},
    {"{\"a\":01}", -1, false},
    {"{\"a\":-}", -1, false},
    {"{\"a\":tru}", -1, false},
    {"{} x", -1, false},
    {"{}{}", -1, false},
    {"{\"a\":\"\\u0000\"}", -1, false},
    {"{\"a\":\"\\ud83d\"}", -1, false},
    {"{\"a\":\"\\ude00\"}", -1, false},
    {"{\"a\":\"\\ud83d\\u0041\"}", -1, false},
    {"{\"a\":\"\\x41\"}", -1, false},
    {"{\"a\":\"\\u12G4\"}", -1, false},
    {"{\"a\":\"tab\there\"}", -1, false},
    {"{\"a\":\"\xc0\xaf\"}", -1, false},         /* overlong */
    {"{\"a\":\"\xed\xa0\x80\"}", -1, false},     /* surrogate */
    {"{\"a\":\"\xf4\x90\x80\x80\"}", -1, false}, /* > U+10FFFF */
    {"{\"a\":\"\xe2\x82\"}", -1, false},         /* cut short */
    {"{\"a\":\"\x80\"}", -1, false},
    {"{\"a\":\"open}", -1, false},
};

static void test_scan(void **state)
{
    struct jscan_member m[8];
    json_t *doc;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(scan_cases) / sizeof(scan_cases[0]); i++) {
        const struct scan_case *c = &scan_cases[i];

        if (jscan_object(c->in, strlen(c->in), m, 8) != c->want)
            fail_msg("case %zu (%s): want %d", i, c->in, c->want);
        doc = json_loadb(c->in, strlen(c->in), 0, NULL);
        if (json_is_object(doc) != c->jansson_agrees)
            fail_msg("case %zu (%s): jansson disagrees", i, c->in);
        json_decref(doc);
    }
}

/* A string scanned 8 bytes at a time: each special byte (a control byte,
 * a quote that ends the string early, an escape, UTF-8, a bad byte) at
 * every position over three words gives the byte loop's verdict, with
 * the value's length and jansson's verdict agreeing. */
static void test_special_byte_at_every_offset(void **state)
{
    static const struct {
        const char *ins;
        int want;
    } kinds[] = {
        {"\x01", -1}, {"\x1f", -1}, {"\\n", 1}, {"\\u00e9", 1}, {"\xc3\xa9", 1},
        {"\x80", -1}, {"\x7f", 1},  {" ", 1},   {"\"", -1},
    };
    char in[64], body[40];
    struct jscan_member m[1];
    json_t *doc;
    size_t k, at, n;
    int got;

    (void)state;
    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        for (at = 0; at < 24; at++) {
            memset(body, 'a', 24);
            body[24] = '\0';
            body[at] = '\0';
            n = (size_t)snprintf(in, sizeof(in), "{\"s\":\"%s%s%s\"}", body,
                                 kinds[k].ins, body + at + 1);
            got = jscan_object(in, n, m, 1);
            if (got != kinds[k].want)
                fail_msg("%s at %zu: got %d", kinds[k].ins, at, got);
            if (got == 1 && m[0].val_len != n - 6)
                fail_msg("%s at %zu: value of %zu bytes", kinds[k].ins, at,
                         m[0].val_len);
            doc = json_loadb(in, n, 0, NULL);
            if ((doc != NULL) != (got == 1))
                fail_msg("%s at %zu: jansson disagrees", kinds[k].ins, at);
            json_decref(doc);
        }
    }
}

/* {"a":[[...]]} with k arrays: JSCAN_MAX_DEPTH levels in all, counting
 * the object. */
static int nested(int k)
{
    char in[256];
    struct jscan_member m[1];
    int i, n = snprintf(in, sizeof(in), "{\"a\":");

    for (i = 0; i < k; i++)
        in[n++] = '[';
    for (i = 0; i < k; i++)
        in[n++] = ']';
    in[n++] = '}';
    return jscan_object(in, (size_t)n, m, 1);
}

static void test_too_deep(void **state)
{
    (void)state;
    assert_int_equal(nested(JSCAN_MAX_DEPTH - 1), 1);
    assert_int_equal(nested(JSCAN_MAX_DEPTH), -1);
}

static void test_values(void **state)
{
    static const char in[] =
        "{\"type\":\"content_block_delta\",\"index\":-12,\"delta\":{\"type\":"
        "\"text_delta\",\"text\":\"a\\u00e9\\ud83d\\ude00\\n\\\"b\\\"\"},"
        "\"index\":3,\"plain\":\"no escapes\",\"esc\":\"\\u0070ing\"}";
    struct jscan_member m[8], d[4];
    const struct jscan_member *v;
    struct buf s;
    int64_t i;
    int n;

    (void)state;
    n = jscan_object(in, strlen(in), m, 8);
    assert_int_equal(n, 6);
    v = jscan_get(m, n, "index");
    assert_non_null(v);
    assert_int_equal(jscan_int(v, &i), 0);
    assert_int_equal(i, 3); /* the last of a duplicate key wins */
    assert_int_equal(jscan_int(jscan_get(m, n, "type"), &i), -1);
    assert_null(jscan_get(m, n, "missing"));
    assert_true(jscan_str_is(jscan_get(m, n, "type"), "content_block_delta"));
    assert_false(jscan_str_is(jscan_get(m, n, "type"), "content_block"));
    assert_true(jscan_str_is(jscan_get(m, n, "esc"), "ping"));
    assert_false(jscan_str_is(jscan_get(m, n, "index"), "3"));
    v = jscan_get(m, n, "delta");
    assert_int_equal(v->kind, JSCAN_OBJECT);
    assert_int_equal(jscan_object(v->val, v->val_len, d, 4), 2);
    buf_init(&s, 0);
    assert_int_equal(jscan_string(jscan_get(d, 2, "text"), &s), 0);
    assert_string_equal(s.p, "a\xc3\xa9\xf0\x9f\x98\x80\n\"b\"");
    assert_int_equal(jscan_string(jscan_get(m, n, "plain"), &s), 0);
    assert_string_equal(s.p, "a\xc3\xa9\xf0\x9f\x98\x80\n\"b\"no escapes");
    assert_int_equal(jscan_string(jscan_get(m, n, "index"), &s), -1);
    buf_release(&s);
}

static void test_elements(void **state)
{
    static const char in[] =
        "{\"a\":[ 1 , \"x\" ,{\"k\":[2]},[],null ],\"e\":[],\"s\":\"[1]\"}";
    struct jscan_member m[3], e[8];
    int n;

    (void)state;
    assert_int_equal(jscan_object(in, strlen(in), m, 3), 3);
    n = jscan_elements(&m[0], e, 8);
    assert_int_equal(n, 5);
    assert_int_equal(e[0].kind, JSCAN_INT);
    assert_int_equal(e[1].kind, JSCAN_STRING);
    assert_true(jscan_str_is(&e[1], "x"));
    assert_int_equal(e[2].kind, JSCAN_OBJECT);
    assert_int_equal(e[2].val_len, strlen("{\"k\":[2]}"));
    assert_memory_equal(e[2].val, "{\"k\":[2]}", e[2].val_len);
    assert_int_equal(e[3].kind, JSCAN_ARRAY);
    assert_int_equal(e[4].kind, JSCAN_NULL);
    assert_null(e[4].key);
    assert_int_equal(jscan_elements(&m[0], e, 4), -1); /* more than max */
    assert_int_equal(jscan_elements(&m[1], e, 8), 0);
    assert_int_equal(jscan_elements(&m[2], e, 8), -1); /* not an array */
}

/* A full buffer refuses the string whole, escaped or not. */
static void test_string_cap(void **state)
{
    static const char in[] = "{\"a\":\"abcdef\",\"b\":\"ab\\ncd\"}";
    struct jscan_member m[2];
    struct buf s;

    (void)state;
    assert_int_equal(jscan_object(in, strlen(in), m, 2), 2);
    buf_init(&s, 4);
    assert_int_equal(jscan_string(&m[0], &s), OC_ETOOBIG);
    assert_int_equal(jscan_string(&m[1], &s), OC_ETOOBIG);
    assert_int_equal(s.len, 0);
    buf_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_too_deep),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_elements),
        cmocka_unit_test(test_string_cap),
        cmocka_unit_test(test_special_byte_at_every_offset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
