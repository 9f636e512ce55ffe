/* Path string helpers. */
#include <stdlib.h>

#include "testutil.h"
#include "base/path.h"

struct pair {
    const char *a, *b, *want;
};

static void test_join(void **state)
{
    static const struct pair cases[] = {
        {"/a", "b", "/a/b"},       {"/a/", "b", "/a/b"},
        {"/a//", "b", "/a/b"},     {"/", "b", "/b"},
        {"/a", "/abs", "/abs"},    {"", "b", "b"},
        {"rel", "x/y", "rel/x/y"},
    };
    size_t i;
    char *r;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = path_join(cases[i].a, cases[i].b);
        assert_string_equal(r, cases[i].want);
        free(r);
    }
}

static void test_dirname_basename(void **state)
{
    static const struct pair cases[] = {
        {"/a/b/c.json", "/a/b", "c.json"},
        {"c.json", ".", "c.json"},
        {"/c.json", "/", "c.json"},
        {"/a//b", "/a", "b"},
    };
    size_t i;
    char *d;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        d = path_dirname(cases[i].a);
        assert_string_equal(d, cases[i].b);
        assert_string_equal(path_basename(cases[i].a), cases[i].want);
        free(d);
    }
}

static void test_tilde(void **state)
{
    char *r;

    (void)state;
    r = path_expand_tilde("~/.openclaw", "/home/u");
    assert_string_equal(r, "/home/u/.openclaw");
    free(r);
    r = path_expand_tilde("~", "/home/u");
    assert_string_equal(r, "/home/u");
    free(r);
    r = path_expand_tilde("~user/x", "/home/u");
    assert_string_equal(r, "~user/x");
    free(r);
    r = path_expand_tilde("/abs", "/home/u");
    assert_string_equal(r, "/abs");
    free(r);
}

static void test_normalize_within(void **state)
{
    static const struct pair cases[] = {
        {"/a/./b//c", NULL, "/a/b/c"}, {"/a/b/../c", NULL, "/a/c"},
        {"/a/../../b", NULL, "/b"},    {"/", NULL, "/"},
        {"a/./b", NULL, "a/b"},
    };
    size_t i;
    char *r;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = path_normalize(cases[i].a);
        assert_string_equal(r, cases[i].want);
        free(r);
    }
    assert_true(path_is_within("/a/b/c", "/a/b"));
    assert_true(path_is_within("/a/b", "/a/b"));
    assert_false(path_is_within("/a/bc", "/a/b"));
    assert_false(path_is_within("/a", "/a/b"));
    assert_true(path_is_within("/x", "/"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join),
        cmocka_unit_test(test_dirname_basename),
        cmocka_unit_test(test_tilde),
        cmocka_unit_test(test_normalize_within),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
