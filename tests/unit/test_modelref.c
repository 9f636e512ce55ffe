/*
 * Model refs, aliases, configured defaults/fallbacks, and the catalogue
 * with config overrides.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "json/json5.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"

static json_t *j5(const char *s)
{
    return json5_parse(s, strlen(s), NULL, NULL, NULL);
}

struct ref_case {
    const char *in;
    int rc;
    const char *provider, *model;
};

static void test_parse(void **state)
{
    static const struct ref_case cases[] = {
        {"anthropic/claude-opus-4-5", 0, "anthropic", "claude-opus-4-5"},
        {"Anthropic/claude-opus-4-5", 0, "anthropic", "claude-opus-4-5"},
        {"openrouter/anthropic/claude-sonnet-4.5", 0, "openrouter",
         "anthropic/claude-sonnet-4.5"},
        {"claude-haiku-4-5", 0, "anthropic", "claude-haiku-4-5"},
        {"z.ai/glm-4", 0, "zai", "glm-4"},
        {"", OC_EINVAL, NULL, NULL},
        {"/x", OC_EINVAL, NULL, NULL},
        {"anthropic/", OC_EINVAL, NULL, NULL},
    };
    struct model_ref r;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(modelref_parse(cases[i].in, &r, NULL), cases[i].rc);
        if (cases[i].rc)
            continue;
        assert_string_equal(r.provider, cases[i].provider);
        assert_string_equal(r.model, cases[i].model);
    }
}

static void test_resolve_aliases(void **state)
{
    json_t *cfg = j5("{agents: {defaults: {models: {'anthropic/claude-opus-4-6'"
                     ": {alias: 'opus'}, 'openrouter/auto': {alias: 'or'}}}}}");
    struct model_ref r;
    const char *alias;

    (void)state;
    assert_int_equal(modelref_resolve(cfg, "opus", &r, &alias, NULL), 0);
    assert_string_equal(r.model, "claude-opus-4-6"); /* user alias wins */
    assert_string_equal(alias, "opus");
    assert_int_equal(modelref_resolve(cfg, "sonnet", &r, &alias, NULL), 0);
    assert_string_equal(r.model, "claude-sonnet-4-5"); /* built-in */
    assert_int_equal(modelref_resolve(cfg, "or", &r, NULL, NULL), 0);
    assert_string_equal(r.provider, "openrouter");
    assert_int_equal(modelref_resolve(cfg, "opus-4.6", &r, &alias, NULL), 0);
    assert_string_equal(r.model, "claude-opus-4-6");
    assert_null(alias);
    assert_int_equal(modelref_resolve(NULL, "haiku", &r, NULL, NULL), 0);
    assert_string_equal(r.model, "claude-haiku-4-5");
    json_decref(cfg);
}

static void test_defaults_and_fallbacks(void **state)
{
    json_t *cfg = j5("{agents: {defaults: {model: {primary: 'anthropic/a', "
                     "fallbacks: ['anthropic/b', 'openrouter/c']}}, list: "
                     "[{id: 'work', model: 'anthropic/w'}, {id: 'solo', "
                     "model: {primary: 'anthropic/s', fallbacks: []}}]}}");
    struct strlist fb = STRLIST_INIT;

    (void)state;
    assert_string_equal(modelref_default(cfg, "main"), "anthropic/a");
    assert_string_equal(modelref_default(cfg, "work"), "anthropic/w");
    assert_string_equal(modelref_default(NULL, "main"),
                        "anthropic/claude-opus-4-5");
    modelref_fallbacks(cfg, "work", &fb);
    assert_int_equal(fb.n, 2);
    strlist_release(&fb);
    modelref_fallbacks(cfg, "solo", &fb);
    assert_int_equal(fb.n, 0); /* an explicit empty list disables them */
    strlist_release(&fb);
    json_decref(cfg);
}

static void test_catalogue(void **state)
{
    json_t *cfg = j5("{models: {providers: {anthropic: {baseUrl: "
                     "'http://127.0.0.1:9', models: [{id: 'claude-opus-4-5',"
                     " maxTokens: 1000}]}}}}");
    struct model_info m;

    (void)state;
    assert_int_equal(catalogue_lookup(NULL, "anthropic", "claude-opus-4-5", &m),
                     0);
    assert_int_equal(m.max_tokens, 64000);
    assert_int_equal(m.min_cache_tokens, 4096);
    assert_true(m.has_cost);
    assert_true(m.cost_output > 24.9 && m.cost_output < 25.1);
    assert_true(m.cost_cache_write_1h > 9.9);
    assert_int_equal(
        catalogue_lookup(NULL, "anthropic", "claude-sonnet-4-5-20250929", &m),
        0);
    assert_string_equal(m.id, "claude-sonnet-4-5");
    assert_int_equal(catalogue_lookup(cfg, "anthropic", "claude-opus-4-5", &m),
                     0);
    assert_int_equal(m.max_tokens, 1000);
    assert_true(m.from_config);
    assert_int_equal(catalogue_lookup(NULL, "anthropic", "nope", &m),
                     OC_ENOENT);
    assert_string_equal(catalogue_base_url(cfg, "anthropic"),
                        "http://127.0.0.1:9");
    assert_string_equal(catalogue_base_url(NULL, "anthropic"),
                        "https://api.anthropic.com");
    assert_string_equal(catalogue_api(NULL, "openrouter"),
                        "openai-completions");
    assert_string_equal(catalogue_builtin_alias("haiku"),
                        "anthropic/claude-haiku-4-5");
    json_decref(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_resolve_aliases),
        cmocka_unit_test(test_defaults_and_fallbacks),
        cmocka_unit_test(test_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
