/*
 * Credentials: OpenClaw's parsing normalisations, eligibility reasons,
 * references resolved from the environment, secret cleaning, provider
 * id normalisation.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "auth/cred.h"
#include "json/json5.h"

#define NOW 1800000000000LL

static json_t *j5(const char *s)
{
    return json5_parse(s, strlen(s), NULL, NULL, NULL);
}

struct parse_case {
    const char *json;
    int rc;
    enum auth_type type;
    const char *why;
};

static const struct parse_case parse_cases[] = {
    {"{type: 'api_key', provider: 'anthropic', key: 'k'}", 0, AUTH_API_KEY,
     NULL},
    {"{mode: 'token', provider: 'anthropic', token: 't'}", 0, AUTH_TOKEN, NULL},
    {"{type: 'apiKey', provider: 'anthropic', apiKey: 'k'}", 0, AUTH_API_KEY,
     NULL},
    {"{type: 'oauth', provider: 'anthropic', access: 'a'}", 0, AUTH_OAUTH,
     NULL},
    {"[1]", OC_EINVAL, AUTH_TYPE_NONE, "not an object"},
    {"{type: 'password', provider: 'x'}", OC_EINVAL, AUTH_TYPE_NONE,
     "invalid type"},
    {"{type: 'api_key', key: 'k'}", OC_EINVAL, AUTH_API_KEY,
     "missing provider"},
    {"{type: 'api_key', provider: '', key: 'k'}", OC_EINVAL, AUTH_API_KEY,
     "missing provider"},
};

static void test_parse(void **state)
{
    struct auth_cred c;
    const char *why;
    size_t i;
    json_t *v;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        v = j5(parse_cases[i].json);
        assert_int_equal(auth_cred_parse("p:x", v, &c, &why),
                         parse_cases[i].rc);
        if (parse_cases[i].rc == 0) {
            assert_int_equal(c.type, parse_cases[i].type);
            assert_string_equal(c.id, "p:x");
        } else {
            assert_non_null(strstr(why, parse_cases[i].why));
        }
        json_decref(v);
    }
}

struct elig_case {
    const char *json;
    enum auth_elig want;
};

static const struct elig_case elig_cases[] = {
    {"{type: 'api_key', provider: 'a', key: 'sk-ant-x'}", ELIG_OK},
    {"{type: 'api_key', provider: 'a', key: '  '}", ELIG_MISSING_CREDENTIAL},
    {"{type: 'api_key', provider: 'a'}", ELIG_MISSING_CREDENTIAL},
    {"{type: 'api_key', provider: 'a', keyRef: {source: 'env', provider: "
     "'default', id: 'OC_TEST_SET'}}",
     ELIG_OK},
    {"{type: 'api_key', provider: 'a', keyRef: {source: 'env', provider: "
     "'default', id: 'OC_TEST_UNSET'}}",
     ELIG_UNRESOLVED_REF},
    {"{type: 'api_key', provider: 'a', key: {source: 'env', id: "
     "'OC_TEST_SET'}}",
     ELIG_OK},
    {"{type: 'api_key', provider: 'a', key: '${OC_TEST_SET}'}", ELIG_OK},
    {"{type: 'api_key', provider: 'a', key: '${OC_TEST_UNSET}'}",
     ELIG_UNRESOLVED_REF},
    {"{type: 'api_key', provider: 'a', keyRef: {source: 'file', provider: "
     "'vault', id: '/k'}}",
     ELIG_UNRESOLVED_REF},
    {"{type: 'token', provider: 'a', token: 't'}", ELIG_OK},
    {"{type: 'token', provider: 'a', token: 't', expires: 1900000000000}",
     ELIG_OK},
    {"{type: 'token', provider: 'a', token: 't', expires: 1700000000000}",
     ELIG_EXPIRED},
    {"{type: 'token', provider: 'a', token: 't', expires: 1800000000000}",
     ELIG_EXPIRED},
    {"{type: 'token', provider: 'a', token: 't', expires: 0}",
     ELIG_INVALID_EXPIRES},
    {"{type: 'token', provider: 'a', token: 't', expires: 'soon'}",
     ELIG_INVALID_EXPIRES},
    {"{type: 'token', provider: 'a', token: 't', expires: null}", ELIG_OK},
    {"{type: 'token', provider: 'a', expires: 1}", ELIG_MISSING_CREDENTIAL},
    {"{type: 'oauth', provider: 'a', refresh: 'r', expires: 1}", ELIG_OK},
    {"{type: 'oauth', provider: 'a', access: '', refresh: ''}",
     ELIG_MISSING_CREDENTIAL},
};

static void test_eligibility(void **state)
{
    struct auth_cred c;
    const char *why;
    size_t i;
    json_t *v;

    (void)state;
    setenv("OC_TEST_SET", "sk-from-env", 1);
    unsetenv("OC_TEST_UNSET");
    for (i = 0; i < sizeof(elig_cases) / sizeof(elig_cases[0]); i++) {
        v = j5(elig_cases[i].json);
        assert_int_equal(auth_cred_parse("a:x", v, &c, &why), 0);
        if (auth_cred_eligibility(&c, NOW) != elig_cases[i].want)
            fail_msg("case %zu: got %s want %s", i,
                     auth_elig_name(auth_cred_eligibility(&c, NOW)),
                     auth_elig_name(elig_cases[i].want));
        json_decref(v);
    }
}

static void resolve_ok(const char *json, const char *want)
{
    struct auth_cred c;
    struct secret s;
    const char *why;
    json_t *v = j5(json);

    secret_init(&s);
    assert_int_equal(auth_cred_parse("a:x", v, &c, &why), 0);
    assert_int_equal(auth_cred_resolve(&c, &s, NULL), 0);
    assert_string_equal(secret_value(&s), want);
    secret_release(&s);
    json_decref(v);
}

static void test_resolve(void **state)
{
    struct auth_cred c;
    struct oc_err err;
    struct secret s;
    const char *why;
    json_t *v;

    (void)state;
    setenv("OC_TEST_SET", " sk-from-env\n", 1);
    resolve_ok("{type: 'api_key', provider: 'a', key: ' sk-inline '}",
               "sk-inline");
    resolve_ok("{type: 'api_key', provider: 'a', key: '${OC_TEST_SET}'}",
               "sk-from-env");
    resolve_ok("{type: 'token', provider: 'a', tokenRef: {source: 'env', "
               "provider: 'default', id: 'OC_TEST_SET'}}",
               "sk-from-env");
    resolve_ok("{type: 'oauth', provider: 'a', access: 'acc', refresh: 'r'}",
               "acc");
    v = j5("{type: 'api_key', provider: 'a', key: '${OC_TEST_UNSET}'}");
    secret_init(&s);
    auth_cred_parse("a:x", v, &c, &why);
    assert_int_equal(auth_cred_resolve(&c, &s, &err), OC_ENOENT);
    assert_non_null(strstr(err.msg, "OC_TEST_UNSET"));
    json_decref(v);
    v = j5("{type: 'api_key', provider: 'a', keyRef: {source: 'exec', id: "
           "'x'}}");
    auth_cred_parse("a:x", v, &c, &why);
    assert_int_equal(auth_cred_resolve(&c, &s, &err), OC_ENOENT);
    assert_non_null(strstr(err.msg, "exec SecretRef"));
    json_decref(v);
}

static void test_clean_secret(void **state)
{
    static const char *const cases[][2] = {
        {"  sk-ant-abc  ", "sk-ant-abc"},
        {"sk-ant-\nabc\r\ndef", "sk-ant-abcdef"},
        {"sk\xe2\x80\xa8-x", "sk-x"},   /* U+2028 */
        {"sk\xe2\x98\x83-x", "sk-x"},   /* U+2603: above U+00FF */
        {"caf\xc3\xa9", "caf\xc3\xa9"}, /* U+00E9 kept */
    };
    size_t i;
    char *r;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = auth_clean_secret(cases[i][0], strlen(cases[i][0]));
        assert_string_equal(r, cases[i][1]);
        free(r);
    }
}

static void test_names_and_providers(void **state)
{
    char out[AUTH_PROVIDER_MAX];

    (void)state;
    auth_provider_normalize("Anthropic", out, sizeof(out));
    assert_string_equal(out, "anthropic");
    auth_provider_normalize("Z.AI", out, sizeof(out));
    assert_string_equal(out, "zai");
    auth_provider_normalize("aws-bedrock", out, sizeof(out));
    assert_string_equal(out, "amazon-bedrock");
    auth_provider_normalize(NULL, out, sizeof(out));
    assert_string_equal(out, "");
    auth_provider_normalize("OpenRouter", out, 5); /* truncated, as before */
    assert_string_equal(out, "open");
    assert_true(auth_provider_same("anthropic", "anthropic"));
    assert_true(auth_provider_same("Anthropic", "anthropic"));
    assert_true(auth_provider_same("z-ai", "Z.AI"));
    assert_false(auth_provider_same("anthropic", "openrouter"));
    assert_true(auth_provider_same(NULL, ""));
    assert_string_equal(auth_type_name(AUTH_TOKEN), "token");
    assert_int_equal(auth_type_parse("oauth"), AUTH_OAUTH);
    assert_int_equal(auth_type_parse("bogus"), AUTH_TYPE_NONE);
    assert_true(auth_type_score(AUTH_OAUTH) < auth_type_score(AUTH_TOKEN));
    assert_true(auth_type_score(AUTH_TOKEN) < auth_type_score(AUTH_API_KEY));
    assert_string_equal(auth_elig_name(ELIG_UNRESOLVED_REF), "unresolved_ref");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_eligibility),
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_clean_secret),
        cmocka_unit_test(test_names_and_providers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
