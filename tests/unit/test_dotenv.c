/*
 * .env parsing with npm dotenv's semantics.
 */
#include <string.h>

#include "testutil.h"
#include "config/dotenv.h"

struct kv {
    const char *key, *value;
};

struct dcase {
    const char *text;
    struct kv want[4];
};

static const struct dcase cases[] = {
    {"A=1\nB=two", {{"A", "1"}, {"B", "two"}}},
    {"export A=1", {{"A", "1"}}},
    {"  A  =  spaced value  ", {{"A", "spaced value"}}},
    {"A: colon", {{"A", "colon"}}},
    {"A:nospace", {{NULL, NULL}}},
    {"# comment\nA=1 # trailing", {{"A", "1"}}},
    {"A=abc#def", {{"A", "abc"}}},
    {"A=\"abc#def\"", {{"A", "abc#def"}}},
    {"A='single'", {{"A", "single"}}},
    {"A=`back`", {{"A", "back"}}},
    {"A=\"line1\\nline2\"", {{"A", "line1\nline2"}}},
    {"A='line1\\nline2'", {{"A", "line1\\nline2"}}},
    {"A=\"multi\nline\"\nB=2", {{"A", "multi\nline"}, {"B", "2"}}},
    {"A=\"unterminated\nB=2", {{"A", "\"unterminated"}, {"B", "2"}}},
    {"A=\"x\" # c", {{"A", "x"}}},
    {"A=\"x\"y", {{"A", "\"x\"y"}}},
    {"A=1\r\nB=2\rC=3", {{"A", "1"}, {"B", "2"}, {"C", "3"}}},
    {"A=", {{"A", ""}}},
    {"A=1\nA=2", {{"A", "2"}}},
    {"DOTTED.key-x=v", {{"DOTTED.key-x", "v"}}},
    {"export=1", {{"export", "1"}}},
    {"not an assignment\nK=v", {{"K", "v"}}},
    {"K=sk-ant-api03-abc=def", {{"K", "sk-ant-api03-abc=def"}}},
    {"\xef\xbb\xbfK=v", {{"K", "v"}}}, /* a UTF-8 BOM is whitespace */
    /* dotenv's pattern backtracks: an escaped quote may close the value */
    {"A=\"C:\\dir\\\"", {{"A", "C:\\dir\\"}}},
    {"A='it\\'s'", {{"A", "it\\'s"}}},
    /* unquoted values keep dotenv's outer-quote stripping */
    {"B='a' b 'c'", {{"B", "a' b 'c"}}},
    {"B=\"a\" b \"c\\n\"", {{"B", "a\" b \"c\n"}}},
};

static void test_table(void **state)
{
    const struct dotenv_entry *e;
    struct dotenv d;
    size_t i, j, nwant;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        dotenv_init(&d);
        dotenv_parse(cases[i].text, strlen(cases[i].text), &d);
        for (nwant = 0; nwant < 4 && cases[i].want[nwant].key; nwant++) {
            e = dotenv_get(&d, cases[i].want[nwant].key);
            if (!e)
                fail_msg("case %zu: key %s missing", i,
                         cases[i].want[nwant].key);
            assert_string_equal(e->value, cases[i].want[nwant].value);
        }
        for (j = 0; j < d.n; j++)
            if (!cases[i].want[0].key)
                fail_msg("case %zu: unexpected key %s", i, d.v[j].key);
        assert_int_equal(d.n, nwant);
        dotenv_release(&d);
    }
}

static void test_lines_and_bad_lines(void **state)
{
    const char *text = "# header\n\nA=1\ngarbage here\nB=\"x\ny\"\nC=3\n";
    struct dotenv d;

    (void)state;
    dotenv_init(&d);
    dotenv_parse(text, strlen(text), &d);
    assert_int_equal(dotenv_get(&d, "A")->line, 3);
    assert_int_equal(dotenv_get(&d, "B")->line, 5);
    assert_int_equal(dotenv_get(&d, "C")->line, 7);
    assert_int_equal(d.nbad, 1);
    assert_int_equal(d.bad_lines[0], 4);
    dotenv_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_lines_and_bad_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
