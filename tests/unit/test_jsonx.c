/*
 * jsonx: the serializer byte-for-byte against what Node's
 * JSON.stringify(v, null, indent) writes, Number#toString formatting,
 * the typed getters, type names and deep merge.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/err.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

static json_t *parse(const char *s)
{
    struct json5_error err;
    json_t *v = json5_parse(s, strlen(s), NULL, NULL, &err);

    if (!v)
        fail_msg("parse '%s': %s", s, err.text);
    return v;
}

static void expect_dump(const json_t *v, int indent, const char *want)
{
    char *got = jsonx_dumps(v, indent);

    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("indent %d: got\n%s\nwant\n%s", indent, got, want);
    free(got);
}

static void expect_dump_text(const char *json5, int indent, const char *want)
{
    json_t *v = parse(json5);

    expect_dump(v, indent, want);
    json_decref(v);
}

static const char nested_src[] =
    "{a:1,b:[1,2,{c:null}],d:{},e:[],f:'x',g:true,h:false}";

static void test_dump_nested(void **state)
{
    (void)state;
    expect_dump_text(nested_src, 0,
                     "{\"a\":1,\"b\":[1,2,{\"c\":null}],\"d\":{},\"e\":[],"
                     "\"f\":\"x\",\"g\":true,\"h\":false}");
    expect_dump_text(nested_src, 2,
                     "{\n"
                     "  \"a\": 1,\n"
                     "  \"b\": [\n"
                     "    1,\n"
                     "    2,\n"
                     "    {\n"
                     "      \"c\": null\n"
                     "    }\n"
                     "  ],\n"
                     "  \"d\": {},\n"
                     "  \"e\": [],\n"
                     "  \"f\": \"x\",\n"
                     "  \"g\": true,\n"
                     "  \"h\": false\n"
                     "}");
    expect_dump_text("[[1],{a:[]}]", 4,
                     "[\n    [\n        1\n    ],\n    {\n        \"a\": []\n"
                     "    }\n]");
}

static void test_dump_indent_range(void **state)
{
    (void)state;
    /* JSON.stringify clamps the indent to 10; below 1 means compact */
    expect_dump_text("[[]]", 11, "[\n          []\n]");
    expect_dump_text("[[]]", 10, "[\n          []\n]");
    expect_dump_text("[1]", -1, "[1]");
    expect_dump_text("[1]", 1, "[\n 1\n]");
    expect_dump_text("{a:{}}", 1, "{\n \"a\": {}\n}");
}

static void test_dump_scalars(void **state)
{
    static const struct {
        const char *in, *want;
    } t[] = {
        {"null", "null"},
        {"true", "true"},
        {"false", "false"},
        {"'s'", "\"s\""},
        {"''", "\"\""},
        {"0", "0"},
        {"-42", "-42"},
        {"9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"[]", "[]"},
        {"{}", "{}"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        expect_dump_text(t[i].in, 0, t[i].want);
        expect_dump_text(t[i].in, 2, t[i].want);
    }
}

static void test_dump_escapes(void **state)
{
    json_t *v;

    (void)state;
    expect_dump_text("'\\\"\\\\\\b\\f\\n\\r\\t'", 0,
                     "\"\\\"\\\\\\b\\f\\n\\r\\t\"");
    expect_dump_text("'\\u0000\\u0001\\u001f\\u001F\\x0b\\x1b'", 0,
                     "\"\\u0000\\u0001\\u001f\\u001f\\u000b\\u001b\"");
    /* DEL, C1 controls, U+2028/9, '/', HTML characters: written raw */
    expect_dump_text("'\\x7f\\x80\\u2028\\u2029/<>&'", 0,
                     "\"\x7f\xc2\x80\xe2\x80\xa8\xe2\x80\xa9/<>&\"");
    expect_dump_text("'\xc3\xa9\xf0\x9f\x98\x80\xe6\x97\xa5'", 0,
                     "\"\xc3\xa9\xf0\x9f\x98\x80\xe6\x97\xa5\"");
    expect_dump_text("{'a\"\\n\\u0000':'\\t'}", 2,
                     "{\n  \"a\\\"\\n\\u0000\": \"\\t\"\n}");
    /* a string with NUL keeps its length */
    v = json_stringn("a\0b", 3);
    expect_dump(v, 0, "\"a\\u0000b\"");
    json_decref(v);
}

/* JS objects list array-index keys first, ascending, then the rest in
 * insertion order; JSON.stringify follows that order. */
static void test_dump_js_key_order(void **state)
{
    (void)state;
    expect_dump_text("{b:1,'2':2,'1':3,a:4,'01':5,'4294967294':6,"
                     "'4294967295':7,'-1':8,'1.5':9,'0':10}",
                     0,
                     "{\"0\":10,\"1\":3,\"2\":2,\"4294967294\":6,\"b\":1,"
                     "\"a\":4,\"01\":5,\"4294967295\":7,\"-1\":8,"
                     "\"1.5\":9}");
    expect_dump_text("{z:1,'10':2,'9':3}", 2,
                     "{\n  \"9\": 3,\n  \"10\": 2,\n  \"z\": 1\n}");
    expect_dump_text("{b:1,a:2}", 0, "{\"b\":1,\"a\":2}");
}

static void test_dump_reals(void **state)
{
    static const struct {
        double d;
        const char *want;
    } t[] = {
        {0.1, "0.1"},
        {1e21, "1e+21"},
        {1e-7, "1e-7"},
        {123456789012345680000.0, "123456789012345680000"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {-0.0, "0"},
        {0.0, "0"},
        {100.0, "100"},
        {0.000001, "0.000001"},
        {1.5e300, "1.5e+300"},
        {1e20, "100000000000000000000"},
        {-1.5, "-1.5"},
        {123.456, "123.456"},
        {1.0 / 3.0, "0.3333333333333333"},
        {2.0 / 3.0, "0.6666666666666666"},
        {1.5e-7, "1.5e-7"},
        {-1e-7, "-1e-7"},
        {9007199254740993.0, "9007199254740992"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {0.30000000000000004, "0.30000000000000004"},
        {4.35, "4.35"},
        {9223372036854775808.0, "9223372036854776000"},
        {1.2e21, "1.2e+21"},
        {999999999999999900000.0, "999999999999999900000"},
        {1e100, "1e+100"},
        {-1e-100, "-1e-100"},
        {123e-20, "1.23e-18"},
        {0.00001234, "0.00001234"},
        {1234.5678, "1234.5678"},
        {5e-7, "5e-7"},
        {2e-6, "0.000002"},
    };
    size_t i;
    char buf[40];

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        json_t *v = json_real(t[i].d);
        jsonx_format_double(t[i].d, buf, sizeof(buf));
        if (strcmp(buf, t[i].want) != 0)
            fail_msg("%.17g: got %s, want %s", t[i].d, buf, t[i].want);
        expect_dump(v, 0, t[i].want);
        json_decref(v);
    }
}

static void test_format_special(void **state)
{
    char buf[40];

    (void)state;
    jsonx_format_double(NAN, buf, sizeof(buf));
    assert_string_equal(buf, "NaN");
    jsonx_format_double(INFINITY, buf, sizeof(buf));
    assert_string_equal(buf, "Infinity");
    jsonx_format_double(-INFINITY, buf, sizeof(buf));
    assert_string_equal(buf, "-Infinity");
    /* a short buffer is truncated, still terminated */
    jsonx_format_double(0.125, buf, 4);
    assert_string_equal(buf, "0.1");
}

/* Every integer-valued double up to 2^53 prints like the integer. */
static void test_format_integral(void **state)
{
    char buf[40], want[40];
    double d = 1;
    int i;

    (void)state;
    for (i = 0; i < 54; i++, d *= 2) {
        jsonx_format_double(d - 1, buf, sizeof(buf));
        snprintf(want, sizeof(want), "%.0f", d - 1);
        assert_string_equal(buf, want);
    }
}

static json_t *deep_array(int n)
{
    json_t *v = json_array(), *inner;
    int i;

    for (i = 1; i < n; i++) {
        inner = json_array();
        json_array_append_new(inner, v);
        v = inner;
    }
    return v;
}

static void test_dump_limits(void **state)
{
    struct buf b;
    json_t *v = parse("[1,2,3]");
    char *str;

    (void)state;
    /* a full buffer: OC_ETOOBIG and the buffer left as it was */
    buf_init(&b, 12);
    buf_addstr(&b, "ab");
    assert_int_equal(jsonx_dump(v, 0, &b), 0);
    assert_string_equal(b.p, "ab[1,2,3]");
    assert_int_equal(jsonx_dump(v, 0, &b), OC_ETOOBIG);
    assert_string_equal(b.p, "ab[1,2,3]");
    buf_release(&b);
    json_decref(v);
    /* absurd nesting is refused rather than overflowing the stack */
    v = deep_array(5000);
    assert_null(jsonx_dumps(v, 0));
    json_decref(v);
    v = deep_array(1000);
    str = jsonx_dumps(v, 0);
    assert_non_null(str);
    assert_int_equal(strlen(str), 2000);
    free(str);
    json_decref(v);
}

static void test_type_names(void **state)
{
    static const struct {
        const char *in, *want;
    } t[] = {
        {"'s'", "string"},   {"1", "number"},      {"1.5", "number"},
        {"true", "boolean"}, {"false", "boolean"}, {"null", "null"},
        {"{}", "object"},    {"[]", "array"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        json_t *v = parse(t[i].in);
        assert_string_equal(jsonx_type_name(v), t[i].want);
        json_decref(v);
    }
    assert_string_equal(jsonx_type_name(NULL), "undefined");
}

static const char getter_src[] =
    "{s:'x', o:{k:1}, a:[1], t:true, f:false, n:null, i:42, neg:-7,"
    " r:3.5, ri:4e0, big:1e19, min:-9223372036854775808,"
    " rmin:-9.223372036854775808e18, rmax:9.223372036854775808e18,"
    " huge:9223372036854775807, str5:'5'}";

static void test_getters(void **state)
{
    json_t *v = parse(getter_src), *arr = json_array();

    (void)state;
    assert_string_equal(jsonx_get_str(v, "s"), "x");
    assert_null(jsonx_get_str(v, "o"));
    assert_null(jsonx_get_str(v, "missing"));
    assert_non_null(jsonx_get_obj(v, "o"));
    assert_null(jsonx_get_obj(v, "a"));
    assert_null(jsonx_get_obj(v, "n"));
    assert_non_null(jsonx_get_arr(v, "a"));
    assert_null(jsonx_get_arr(v, "o"));
    assert_true(jsonx_get_bool(v, "t", false));
    assert_false(jsonx_get_bool(v, "f", true));
    assert_true(jsonx_get_bool(v, "missing", true));
    assert_false(jsonx_get_bool(v, "missing", false));
    assert_true(jsonx_get_bool(v, "s", true));
    assert_false(jsonx_get_bool(v, "i", false));
    /* not an object at all */
    assert_null(jsonx_get_str(NULL, "s"));
    assert_null(jsonx_get_obj(arr, "s"));
    assert_null(jsonx_get_arr(jsonx_get_obj(v, "o"), "k"));
    assert_true(jsonx_get_bool(NULL, "t", true));
    json_decref(arr);
    json_decref(v);
}

static void test_get_int(void **state)
{
    static const struct {
        const char *key;
        int rc;
        int64_t want;
    } t[] = {
        {"i", 0, 42},           {"neg", 0, -7},
        {"ri", 0, 4},           {"min", 0, INT64_MIN},
        {"huge", 0, INT64_MAX}, {"rmin", 0, INT64_MIN},
        {"r", OC_EINVAL, 0},    {"big", OC_EINVAL, 0},
        {"rmax", OC_EINVAL, 0}, {"str5", OC_EINVAL, 0},
        {"t", OC_EINVAL, 0},    {"n", OC_EINVAL, 0},
        {"o", OC_EINVAL, 0},    {"missing", OC_ENOENT, 0},
    };
    json_t *v = parse(getter_src), *r = json_object();
    int64_t out;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        out = 12345;
        assert_int_equal(jsonx_get_int(v, t[i].key, &out), t[i].rc);
        assert_true(out == (t[i].rc ? 12345 : t[i].want));
    }
    /* a real that holds an integral value, built directly */
    json_object_set_new(r, "x", json_real(-3.0));
    assert_int_equal(jsonx_get_int(r, "x", &out), 0);
    assert_true(out == -3);
    assert_int_equal(jsonx_get_int(NULL, "x", &out), OC_ENOENT);
    json_decref(r);
    json_decref(v);
}

/* merge(dst_text, src_text) must give want and leave src unchanged. */
static void expect_merge(const char *dst_text, const char *src_text,
                         const char *want)
{
    json_t *dst = parse(dst_text), *src = parse(src_text);
    char *before = jsonx_dumps(src, 0), *after;

    jsonx_merge(dst, src);
    expect_dump(dst, 0, want);
    after = jsonx_dumps(src, 0);
    assert_string_equal(before, after);
    free(before);
    free(after);
    json_decref(dst);
    json_decref(src);
}

static void test_merge(void **state)
{
    (void)state;
    expect_merge("{a:1,b:2}", "{b:3,c:4}", "{\"a\":1,\"b\":3,\"c\":4}");
    expect_merge("{a:{x:1,y:2}}", "{a:{y:3,z:4}}",
                 "{\"a\":{\"x\":1,\"y\":3,\"z\":4}}");
    expect_merge("{a:{b:{c:1,d:2}}}", "{a:{b:{d:3}}}",
                 "{\"a\":{\"b\":{\"c\":1,\"d\":3}}}");
    expect_merge("{a:[1,2,3]}", "{a:[4]}", "{\"a\":[4]}");
    expect_merge("{a:{x:1}}", "{a:5}", "{\"a\":5}");
    expect_merge("{a:5}", "{a:{x:1}}", "{\"a\":{\"x\":1}}");
    expect_merge("{a:{x:1}}", "{a:null}", "{\"a\":null}");
    expect_merge("{a:{x:1}}", "{a:[]}", "{\"a\":[]}");
    expect_merge("{}", "{z:1,y:2,x:3}", "{\"z\":1,\"y\":2,\"x\":3}");
    expect_merge("{x:1}", "{}", "{\"x\":1}");
    expect_merge("{b:1,a:2}", "{c:3,a:4}", "{\"b\":1,\"a\":4,\"c\":3}");
    expect_merge("{a:{}}", "{a:{b:{c:1}}}", "{\"a\":{\"b\":{\"c\":1}}}");
}

/* Merged-in values are shared, but a later merge into them copies first,
 * so the earlier source never changes behind its owner's back. */
static void test_merge_sharing(void **state)
{
    json_t *dst = parse("{}"), *a = parse("{o:{x:1}}");
    json_t *b = parse("{o:{y:2}}"), *arr = parse("[1]");

    (void)state;
    jsonx_merge(dst, a);
    assert_ptr_equal(json_object_get(dst, "o"), json_object_get(a, "o"));
    jsonx_merge(dst, b);
    expect_dump(dst, 0, "{\"o\":{\"x\":1,\"y\":2}}");
    expect_dump(a, 0, "{\"o\":{\"x\":1}}");
    expect_dump(b, 0, "{\"o\":{\"y\":2}}");
    /* self-merge and non-objects are no-ops */
    jsonx_merge(dst, dst);
    expect_dump(dst, 0, "{\"o\":{\"x\":1,\"y\":2}}");
    jsonx_merge(arr, a);
    jsonx_merge(dst, arr);
    jsonx_merge(dst, NULL);
    expect_dump(arr, 0, "[1]");
    expect_dump(dst, 0, "{\"o\":{\"x\":1,\"y\":2}}");
    json_decref(arr);
    json_decref(dst);
    json_decref(a);
    json_decref(b);
}

/* dump -> json5_parse -> dump is the identity on our own output. */
static void test_text_block(void **state)
{
    json_t *b = jsonx_text_block("caf\xc3\xa9 \"q\"");
    char *s = jsonx_dumps(b, 0);

    (void)state;
    assert_string_equal(
        s, "{\"type\":\"text\",\"text\":\"caf\xc3\xa9 \\\"q\\\"\"}");
    free(s);
    json_decref(b);
    /* where json_pack("{s:s, s:s}") fails, so does this */
    assert_null(jsonx_text_block(NULL));
    assert_null(jsonx_text_block("bad \xc3("));
}

static void test_round_trip(void **state)
{
    static const char *const t[] = {
        nested_src,
        "{'\\u0000':'\\u001f\\u2028',k:[0.1,-0,1e21,5e-324,1e-7,{}]}",
        "[\"\xf0\x9f\x98\x80\",'\\x7f',{'1':1,a:{'0':[]}}]",
    };
    size_t i;
    int indent;

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        json_t *v = parse(t[i]);
        for (indent = 0; indent <= 4; indent += 2) {
            char *s1 = jsonx_dumps(v, indent), *s2;
            json_t *w = parse(s1);
            s2 = jsonx_dumps(w, indent);
            assert_string_equal(s1, s2);
            free(s1);
            free(s2);
            json_decref(w);
        }
        json_decref(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump_nested),
        cmocka_unit_test(test_dump_indent_range),
        cmocka_unit_test(test_dump_scalars),
        cmocka_unit_test(test_dump_escapes),
        cmocka_unit_test(test_dump_js_key_order),
        cmocka_unit_test(test_dump_reals),
        cmocka_unit_test(test_format_special),
        cmocka_unit_test(test_format_integral),
        cmocka_unit_test(test_dump_limits),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_getters),
        cmocka_unit_test(test_get_int),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_merge_sharing),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_text_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
