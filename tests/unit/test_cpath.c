/*
 * Config paths: dot/bracket parsing and get/set/unset on trees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "config/cpath.h"
#include "json/json5.h"
#include "json/jsonx.h"

struct pcase {
    const char *in;
    int rc;
    const char *joined; /* segments joined with '|' */
};

static const struct pcase parse_cases[] = {
    {"a.b.c", 0, "a|b|c"},
    {"agents.list[0].id", 0, "agents|list|0|id"},
    {"agents.defaults.models[\"anthropic/claude-opus-4-5\"].params", 0,
     "agents|defaults|models|anthropic/claude-opus-4-5|params"},
    {"m['a.b']", 0, "m|a.b"},
    {"a\\.b.c", 0, "a.b|c"},
    {" a . b ", 0, "a|b"},
    {"a..b", 0, "a|b"},
    {"", OC_EINVAL, NULL},
    {"  ", OC_EINVAL, NULL},
    {"a[", OC_EINVAL, NULL},
    {"a[]", OC_EINVAL, NULL},
    {"a[\"\"]", OC_EINVAL, NULL},
    {"__proto__.x", OC_EINVAL, NULL},
    {"a.constructor", OC_EINVAL, NULL},
};

static void test_parse(void **state)
{
    struct cpath p;
    char joined[256];
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        assert_int_equal(cpath_parse(parse_cases[i].in, &p, NULL),
                         parse_cases[i].rc);
        if (parse_cases[i].rc)
            continue;
        joined[0] = '\0';
        for (j = 0; j < p.n; j++)
            snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined),
                     "%s%s", j ? "|" : "", p.seg[j]);
        assert_string_equal(joined, parse_cases[i].joined);
        cpath_release(&p);
    }
}

static json_t *j5(const char *s)
{
    return json5_parse(s, strlen(s), NULL, NULL, NULL);
}

static void expect_tree(json_t *root, const char *want)
{
    char *got = jsonx_dumps(root, 0);

    assert_string_equal(got, want);
    free(got);
}

static void set(json_t *root, const char *path, const char *value, int rc)
{
    struct cpath p;

    assert_int_equal(cpath_parse(path, &p, NULL), 0);
    assert_int_equal(cpath_set(root, &p, j5(value), NULL), rc);
    cpath_release(&p);
}

static void test_set_creates_and_replaces(void **state)
{
    json_t *root = j5("{agents: {defaults: {model: 'anthropic/x'}}}");

    (void)state;
    set(root, "agents.defaults.model.primary", "'anthropic/y'", 0);
    expect_tree(root, "{\"agents\":{\"defaults\":{\"model\":{\"primary\":"
                      "\"anthropic/y\"}}}}");
    set(root, "agents.list[0].id", "'main'", 0);
    set(root, "agents.list[1].id", "'work'", 0);
    set(root, "agents.list[5].id", "'gap'", OC_EINVAL);
    expect_tree(root, "{\"agents\":{\"defaults\":{\"model\":{\"primary\":"
                      "\"anthropic/y\"}},\"list\":[{\"id\":\"main\"},"
                      "{\"id\":\"work\"}]}}");
    set(root, "agents.list.x", "1", OC_EINVAL);
    json_decref(root);
}

static void test_get_unset(void **state)
{
    json_t *root = j5("{a: {b: [1, {c: 2}]}}");
    struct cpath p;

    (void)state;
    cpath_parse("a.b[1].c", &p, NULL);
    assert_int_equal(json_integer_value(cpath_get(root, &p)), 2);
    assert_int_equal(cpath_found_depth(root, &p), 4);
    assert_int_equal(cpath_unset(root, &p), 0);
    assert_null(cpath_get(root, &p));
    assert_int_equal(cpath_found_depth(root, &p), 3);
    assert_int_equal(cpath_unset(root, &p), OC_ENOENT);
    cpath_release(&p);
    cpath_parse("a.b[0]", &p, NULL);
    assert_int_equal(cpath_unset(root, &p), 0);
    expect_tree(root, "{\"a\":{\"b\":[{}]}}");
    cpath_release(&p);
    cpath_parse("nope.x", &p, NULL);
    assert_int_equal(cpath_unset(root, &p), OC_ENOENT);
    cpath_release(&p);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_set_creates_and_replaces),
        cmocka_unit_test(test_get_unset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
