/*
 * What paste-token/paste-api-key accept: setup-token shape, the common
 * mistakes named, whitespace/line-wrap stripping, durations, profile ids.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "auth/token.h"
#include "base/err.h"

#define OAT "sk-ant-oat01-"
#define LONG80                                                                 \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxA" \
    "A"

struct check_case {
    const char *provider, *in, *needle; /* needle NULL: accepted */
};

static const struct check_case token_cases[] = {
    {"anthropic", OAT LONG80, NULL},
    {"anthropic", "", "no token given"},
    {"anthropic", OAT "short", "too short (18 characters"},
    {"anthropic", "sk-ant-api03-" LONG80, "is an Anthropic API key"},
    {"anthropic", "abc123def#state456", "OAuth code#state"},
    {"anthropic", "hello", "expected a token starting with sk-ant-oat01-"},
    {"openrouter", "sk-or-v1-abc", NULL},
    {"openrouter", "has space", "cannot contain spaces"},
    {"custom", "anything", NULL},
};

static const struct check_case key_cases[] = {
    {"anthropic", "sk-ant-api03-abc", NULL},
    {"anthropic", OAT LONG80, "is a Claude setup-token"},
    {"anthropic", "sk-proj-xyz", "expected an Anthropic API key"},
    {"anthropic", "", "no API key given"},
    {"openrouter", "sk-or-v1-abc", NULL},
    {"openrouter", "sk-ant-api03-x", "expected an OpenRouter API key"},
    {"openai", "sk-proj-xyz", NULL},
};

static void test_checks(void **state)
{
    char buf[200];
    const char *m;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(token_cases) / sizeof(token_cases[0]); i++) {
        m = token_check(token_cases[i].provider, token_cases[i].in, buf,
                        sizeof(buf));
        if (!token_cases[i].needle)
            assert_null(m);
        else if (!m || !strstr(m, token_cases[i].needle))
            fail_msg("token case %zu: got '%s'", i, m ? m : "(accepted)");
    }
    for (i = 0; i < sizeof(key_cases) / sizeof(key_cases[0]); i++) {
        m = apikey_check(key_cases[i].provider, key_cases[i].in);
        if (!key_cases[i].needle)
            assert_null(m);
        else if (!m || !strstr(m, key_cases[i].needle))
            fail_msg("key case %zu: got '%s'", i, m ? m : "(accepted)");
    }
}

static void test_clean(void **state)
{
    char *t;

    (void)state;
    /* a token wrapped by the terminal, with stray spaces and CRLF */
    t = token_clean("anthropic", "  sk-ant-oat01-abc\r\n  def ghi\n");
    assert_string_equal(t, "sk-ant-oat01-abcdefghi");
    free(t);
    t = token_clean("openrouter", "  sk-or-v1-abc \n");
    assert_string_equal(t, "sk-or-v1-abc");
    free(t);
}

struct dur_case {
    const char *in;
    int rc;
    long long ms;
};

static void test_durations(void **state)
{
    static const struct dur_case cases[] = {
        {"365d", 0, 365LL * 86400000},
        {"12h", 0, 12LL * 3600000},
        {"30m", 0, 30LL * 60000},
        {"45s", 0, 45000},
        {"1500ms", 0, 1500},
        {"7", 0, 7LL * 86400000},
        {"1h30m", 0, 90LL * 60000},
        {"1.5h", 0, 90LL * 60000},
        {"", OC_EINVAL, 0},
        {"h", OC_EINVAL, 0},
        {"12x", OC_EINVAL, 0},
        {"1h30", OC_EINVAL, 0},
        {"0d", OC_EINVAL, 0},
        {"-5d", OC_EINVAL, 0},
        {"12 h", OC_EINVAL, 0},
    };
    int64_t ms;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ms = -1;
        if (duration_parse_ms(cases[i].in, &ms) != cases[i].rc)
            fail_msg("'%s': rc", cases[i].in);
        if (!cases[i].rc)
            assert_int_equal(ms, cases[i].ms);
    }
}

static void test_profile_ids(void **state)
{
    const char *why;
    char *id;

    (void)state;
    id = profile_id_make("anthropic", NULL, "manual", &why);
    assert_string_equal(id, "anthropic:manual");
    free(id);
    id = profile_id_make("anthropic", "anthropic:work", "manual", &why);
    assert_string_equal(id, "anthropic:work");
    free(id);
    assert_null(profile_id_make("anthropic", "work", "manual", &why));
    assert_non_null(strstr(why, "<provider>:<name>"));
    assert_null(profile_id_make("anthropic", "openai:x", "manual", &why));
    assert_non_null(strstr(why, "start with the provider"));
    assert_null(profile_id_make("anthropic", "anthropic:", "manual", &why));
    assert_null(profile_id_make("anthropic", "anthropic:a b", "x", &why));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_profile_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
