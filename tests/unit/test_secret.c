/* Masking as OpenClaw masks, redaction of log lines, wiping. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "base/err.h"
#include "base/secret.h"

struct mask_case {
    const char *in;
    const char *want;
};

static const struct mask_case mask_cases[] = {
    {"", "missing"},
    {"   ", "missing"},
    {"\t\n", "missing"},
    {"a", "a...a"},
    {"abcdef", "a...f"},
    {"abcdefg", "ab...fg"},
    {"0123456789abcdef", "01...ef"},
    {"0123456789abcdefg", "01234567...9abcdefg"},
    {"sk-ant-api03-FAKEyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyAA",
     "sk-ant-a...yyyyyyAA"},
    {"sk-ant-oat01-FAKExxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA",
     "sk-ant-o...xxxxxxAA"},
    {"  sk-or-v1-0123456789abcdef  ", "sk-or-v1...89abcdef"},
    {"ab\x01"
     "cdefg",
     "ab...fg"}, /* control chars dropped */
    {"\xc3\xa9"
     "bcdefgh",
     "\xc3\xa9"
     "b...gh"}, /* counted in code points */
};

static void test_mask_table(void **state)
{
    char out[SECRET_MASK_MAX];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(mask_cases) / sizeof(mask_cases[0]); i++) {
        secret_mask(mask_cases[i].in, strlen(mask_cases[i].in), out,
                    sizeof(out));
        assert_string_equal(out, mask_cases[i].want);
    }
}

static void test_secret_lifecycle(void **state)
{
    struct secret s;

    (void)state;
    secret_init(&s);
    assert_string_equal(secret_value(&s), "");
    secret_set(&s, "sk-ant-xyz", 10);
    assert_string_equal(secret_value(&s), "sk-ant-xyz");
    assert_int_equal(s.len, 10);
    secret_set(&s, "other", 5);
    assert_string_equal(secret_value(&s), "other");
    secret_release(&s);
    assert_null(s.p);
    secret_release(&s); /* releasing twice is fine */
}

static void test_wipe(void **state)
{
    char buf[8] = "secret!";
    size_t i;

    (void)state;
    secret_wipe(buf, sizeof(buf));
    for (i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
}

struct redact_case {
    const char *in;
    const char *want;
};

static const struct redact_case redact_cases[] = {
    {"no secrets here", "no secrets here"},
    {"key sk-ant-api03-FAKEyyyyyyyyyyyyyyyyyyyyyyyyAA used",
     "key sk-ant-a...yyyyyyAA used"},
    {"Authorization: Bearer abcdefghijklmnopqrstuvwxyz",
     "Authorization: Bearer abcdefgh...stuvwxyz"},
    {"a sk-short b", "a sk-short b"},
    {"starting with sk-ant-oat01- (from", "starting with sk-ant-oat01- (from"},
    {"prefix sk-or-v1-abc only", "prefix sk-or-v1-abc only"},
    {"sk-ant-oat01-ABCDEFGHIJ", "sk-ant-o...CDEFGHIJ"},
    {"ask-ant-xxxxxxxxxxxxxxxx", "ask-ant-xxxxxxxxxxxxxxxx"},
    {"x=sk-or-v1-0123456789abcdef0123,y", "x=sk-or-v1...cdef0123,y"},
    {"url?key=AIzaSyA0123456789abcdefgh&x=1",
     "url?key=AIzaSyA0...abcdefgh&x=1"},
    {"x-api-key: abcdefghijklmnop123", "x-api-key: abcdefgh...lmnop123"},
    {"\"apiKey\": \"secret-value-1234\"", "\"apiKey\": \"se...34\""},
    {"\"apiKey\": \"secret-value-123456789\"",
     "\"apiKey\": \"secret-v...23456789\""},
    {"token=short", "token=short"},
    {"anthropic:key: disabled:billing", "anthropic:key: disabled:billing"},
    {"password: hunter2x", "password: hu...2x"},
    /* names in capitals end in the same bytes */
    {"ANTHROPIC_API_KEY=AbCdEf123456789", "ANTHROPIC_API_KEY=Ab...89"},
    {"GATEWAY_TOKEN: Xy12345678", "GATEWAY_TOKEN: Xy...78"},
    {"PASSWD=Hunter2x", "PASSWD=Hu...2x"},
    {"SECRET: s3cretValue", "SECRET: s3...ue"},
    {"AUTHORIZATION=Zz99887766", "AUTHORIZATION=Zz...66"},
    {"gateway be4f84609b144b7a1d1f339c82c8ea0e9c28902a395b844b ok",
     "gateway be4f8460...395b844b ok"},
    {"sha 0123456789abcdef0123456789abcde",
     "sha 0123456789abcdef0123456789abcde"},
    {"the key is fine", "the key is fine"},
};

static void test_redact_table(void **state)
{
    char line[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(redact_cases) / sizeof(redact_cases[0]); i++) {
        snprintf(line, sizeof(line), "%s", redact_cases[i].in);
        secret_redact_text(line);
        assert_string_equal(line, redact_cases[i].want);
    }
}

static void test_random_hex(void **state)
{
    char a[49], b[49], small[8], big[513];
    size_t i;

    (void)state;
    memset(a, 'X', sizeof(a));
    assert_int_equal(secret_random_hex(24, a, sizeof(a)), 0);
    assert_int_equal(strlen(a), 48);
    for (i = 0; i < 48; i++)
        assert_non_null(strchr("0123456789abcdef", a[i]));
    assert_int_equal(secret_random_hex(24, b, sizeof(b)), 0);
    assert_string_not_equal(a, b);
    assert_int_equal(secret_random_hex(0, small, sizeof(small)), 0);
    assert_string_equal(small, "");
    assert_int_equal(secret_random_hex(4, small, sizeof(small)), OC_EINVAL);
    assert_int_equal(secret_random_hex(65, a, sizeof(a)), OC_EINVAL);
    /* a batch (the gateway's ids): up to 256 bytes */
    assert_int_equal(secret_random_hex(256, big, sizeof(big)), 0);
    assert_int_equal(strlen(big), 512);
    assert_int_equal(strspn(big, "0123456789abcdef"), 512);
    assert_int_equal(secret_random_hex(257, big, sizeof(big)), OC_EINVAL);
    /* the bytes themselves (libcrypto-less crypto_random uses them) */
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    assert_int_equal(secret_random_bytes(a, 32), 0);
    assert_int_equal(secret_random_bytes(b, 32), 0);
    assert_memory_not_equal(a, b, 32);
    assert_int_equal(a[32], 0); /* nothing past n */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_table),
        cmocka_unit_test(test_secret_lifecycle),
        cmocka_unit_test(test_wipe),
        cmocka_unit_test(test_redact_table),
        cmocka_unit_test(test_random_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
