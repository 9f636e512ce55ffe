/*
 * base64/base64url against RFC 4648's test vectors (section 10), every
 * byte value through a round trip, the strict decoder's refusals, and
 * ct_equal.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/b64.h"
#include "base/err.h"
#include "base/banned.h"

struct vec {
    const char *in;
    const char *std;
    const char *url;
};

static const struct vec vectors[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
    {"\xfb\xff", "+/8=", "-_8"},
    {"\xfb\xef\xbe", "++++", "----"},
    {"\xff\xff\xff", "////", "____"},
};

static void test_rfc4648_vectors(void **state)
{
    char out[32];
    unsigned char dec[32];
    size_t i, n, len;

    (void)state;
    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const struct vec *v = &vectors[i];

        n = strlen(v->in);
        assert_int_equal(b64_encode(v->in, n, out, sizeof(out)),
                         strlen(v->std));
        assert_string_equal(out, v->std);
        assert_int_equal(b64_encoded_len(n), strlen(v->std));
        assert_int_equal(b64url_encode(v->in, n, out, sizeof(out)),
                         strlen(v->url));
        assert_string_equal(out, v->url);
        assert_int_equal(b64url_encoded_len(n), strlen(v->url));

        assert_int_equal(
            b64_decode(v->std, strlen(v->std), dec, sizeof(dec), &len), 0);
        assert_int_equal(len, n);
        assert_memory_equal(dec, v->in, n);
        assert_int_equal(
            b64url_decode(v->url, strlen(v->url), dec, sizeof(dec), &len), 0);
        assert_int_equal(len, n);
        assert_memory_equal(dec, v->in, n);
    }
}

static void test_round_trip_all_lengths(void **state)
{
    unsigned char in[256], dec[260];
    char enc[400];
    size_t n, len, elen;

    (void)state;
    for (n = 0; n < sizeof(in); n++)
        in[n] = (unsigned char)(255 - n * 7);
    for (n = 0; n <= sizeof(in); n++) {
        elen = b64_encode(in, n, enc, sizeof(enc));
        assert_int_equal(
            b64_decode(enc, elen, dec, b64_decoded_max(elen), &len), 0);
        assert_int_equal(len, n);
        assert_memory_equal(dec, in, n);
        elen = b64url_encode(in, n, enc, sizeof(enc));
        assert_int_equal(
            b64url_decode(enc, elen, dec, b64_decoded_max(elen), &len), 0);
        assert_int_equal(len, n);
        assert_memory_equal(dec, in, n);
    }
}

static void test_url_accepts_padding(void **state)
{
    unsigned char dec[8];
    size_t len;

    (void)state;
    assert_int_equal(b64url_decode("Zg==", 4, dec, sizeof(dec), &len), 0);
    assert_int_equal(len, 1);
    assert_int_equal(dec[0], 'f');
    assert_int_equal(b64url_decode("Zm8=", 4, dec, sizeof(dec), &len), 0);
    assert_int_equal(len, 2);
    assert_int_equal(b64url_decode("Zg=", 3, dec, sizeof(dec), &len),
                     OC_EPARSE);
}

static void test_invalid_input(void **state)
{
    static const char *bad_std[] = {
        "Zg",                  /* padding required */
        "Zg=",                 /* short padding */
        "Z===",                /* too much padding */
        "====",                /* nothing but padding */
        "Zh==",                /* unused bits set */
        "Zm9=",                /* unused bits set (two bytes) */
        "Zm9v YmFy",           /* whitespace */
        "Zm9vYmFy\n", "Zm9vY", /* 4n+1 characters */
        "Zg==Zg==",            /* padding in the middle */
        "=Zg=",       "-_8=",  /* url alphabet */
        "Zm\x80v",
    };
    static const char *bad_url[] = {
        "Z", "Zh", "Zm9", "+/8", "Zm9v YmFy", "Zg=", "Zm9vY", "Z=",
    };
    unsigned char dec[64];
    size_t i, len = 99;

    (void)state;
    for (i = 0; i < sizeof(bad_std) / sizeof(bad_std[0]); i++)
        assert_int_equal(
            b64_decode(bad_std[i], strlen(bad_std[i]), dec, sizeof(dec), &len),
            OC_EPARSE);
    for (i = 0; i < sizeof(bad_url) / sizeof(bad_url[0]); i++)
        assert_int_equal(b64url_decode(bad_url[i], strlen(bad_url[i]), dec,
                                       sizeof(dec), &len),
                         OC_EPARSE);
    /* a NUL is just another invalid character */
    assert_int_equal(b64url_decode("Zm\0v", 4, dec, sizeof(dec), &len),
                     OC_EPARSE);
    assert_int_equal(len, 99); /* untouched on failure */
}

static void test_small_buffers(void **state)
{
    unsigned char dec[3];
    char out[9];
    size_t len;

    (void)state;
    assert_int_equal(b64_encode("foobar", 6, out, 8), 0);
    assert_int_equal(b64_encode("foobar", 6, out, 9), 8);
    assert_int_equal(b64url_encode("fooba", 5, out, 7), 0);
    assert_int_equal(b64url_encode("fooba", 5, out, 8), 7);
    assert_int_equal(b64_decode("Zm9vYg==", 8, dec, 3, &len), OC_ETOOBIG);
    assert_int_equal(b64_decode("Zm9v", 4, dec, 3, &len), 0);
    assert_int_equal(b64url_decode("Zm9vYg", 6, dec, 3, &len), OC_ETOOBIG);
}

static void test_ct_equal(void **state)
{
    (void)state;
    assert_true(ct_equal("secret", 6, "secret", 6));
    assert_false(ct_equal("secret", 6, "secreT", 6));
    assert_false(ct_equal("Secret", 6, "secret", 6));
    assert_false(ct_equal("secret", 6, "secret2", 7));
    assert_false(ct_equal("secret2", 7, "secret", 6));
    assert_false(ct_equal("", 0, "x", 1));
    assert_false(ct_equal("x", 1, "", 0));
    assert_true(ct_equal("", 0, "", 0));
    assert_true(ct_equal("a\0b", 3, "a\0b", 3));
    assert_false(ct_equal("a\0b", 3, "a\0c", 3));
    /* a mismatch in length is never read past: b may be shorter */
    assert_false(ct_equal("abcdef", 6, "abc", 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_round_trip_all_lengths),
        cmocka_unit_test(test_url_accepts_padding),
        cmocka_unit_test(test_invalid_input),
        cmocka_unit_test(test_small_buffers),
        cmocka_unit_test(test_ct_equal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
