/*
 * The dlopen'ed libcrypto wrapper: SHA-1 and SHA-256 against FIPS 180
 * example vectors, Ed25519 against RFC 8032 section 7.1's tests 1-3 and
 * tampered copies of them, random bytes, and the errors when libcrypto
 * cannot be loaded (in a child process, as the answer is kept).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "base/err.h"
#include "http/crypto.h"
#include "base/banned.h"

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    assert_true(c >= 'a' && c <= 'f');
    return c - 'a' + 10;
}

static void unhex(const char *hex, unsigned char *out, size_t n)
{
    size_t i;

    assert_int_equal(strlen(hex), n * 2);
    for (i = 0; i < n; i++)
        out[i] =
            (unsigned char)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

#define ABC448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"

struct digest_case {
    const char *in;
    size_t repeat; /* the input repeated this many times (0: once) */
    const char *sha1;
    const char *sha256;
};

static const struct digest_case digests[] = {
    {"", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", 0, "a9993e364706816aba3e25717850c26c9cd0d89d",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {ABC448, 0, "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

static void test_digests(void **state)
{
    unsigned char d1[CRYPTO_SHA1_LEN], d256[CRYPTO_SHA256_LEN];
    char h[2 * CRYPTO_SHA256_LEN + 1];
    struct oc_err err;
    size_t i, n, k;
    char *in;

    (void)state;
    for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
        const struct digest_case *c = &digests[i];
        size_t times = c->repeat ? c->repeat : 1, len = strlen(c->in);

        n = len * times;
        in = malloc(n + 1);
        for (k = 0; k < times; k++)
            memcpy(in + k * len, c->in, len);
        assert_int_equal(crypto_sha1(in, n, d1, &err), 0);
        hex(d1, sizeof(d1), h);
        assert_string_equal(h, c->sha1);
        assert_int_equal(crypto_sha256(in, n, d256, &err), 0);
        hex(d256, sizeof(d256), h);
        assert_string_equal(h, c->sha256);
        free(in);
    }
    /* an empty input may come as NULL */
    assert_int_equal(crypto_sha1(NULL, 0, d1, &err), 0);
    hex(d1, sizeof(d1), h);
    assert_string_equal(h, digests[0].sha1);
}

struct sig_case {
    const char *pub;
    const char *msg;
    const char *sig;
};

/* RFC 8032, 7.1: TEST 1, TEST 2, TEST 3. */
static const struct sig_case sigs[] = {
    {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

static void load_sig(const struct sig_case *c, unsigned char *pub,
                     unsigned char *msg, size_t *n, unsigned char *sig)
{
    *n = strlen(c->msg) / 2;
    unhex(c->pub, pub, CRYPTO_ED25519_PUB);
    unhex(c->msg, msg, *n);
    unhex(c->sig, sig, CRYPTO_ED25519_SIG);
}

static void test_ed25519_rfc8032(void **state)
{
    unsigned char pub[32], msg[8], sig[64];
    struct oc_err err;
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        load_sig(&sigs[i], pub, msg, &n, sig);
        assert_int_equal(crypto_ed25519_verify(pub, msg, n, sig, &err), 0);
    }
}

static void test_ed25519_tampered(void **state)
{
    unsigned char pub[32], msg[8], sig[64], other[32];
    struct oc_err err;
    size_t n;

    (void)state;
    load_sig(&sigs[2], pub, msg, &n, sig);
    msg[1] ^= 1;
    assert_int_equal(crypto_ed25519_verify(pub, msg, n, sig, &err), OC_EINVAL);
    assert_non_null(strstr(err.msg, "does not verify"));
    msg[1] ^= 1;
    sig[63] ^= 0x10;
    assert_int_equal(crypto_ed25519_verify(pub, msg, n, sig, &err), OC_EINVAL);
    sig[63] ^= 0x10;
    /* another test's key */
    unhex(sigs[1].pub, other, sizeof(other));
    assert_int_equal(crypto_ed25519_verify(other, msg, n, sig, &err),
                     OC_EINVAL);
    /* an extra byte of message */
    msg[n] = 0;
    assert_int_equal(crypto_ed25519_verify(pub, msg, n + 1, sig, &err),
                     OC_EINVAL);
    /* a key that is not a curve point */
    memset(other, 0xff, sizeof(other));
    assert_int_equal(crypto_ed25519_verify(other, msg, n, sig, &err),
                     OC_EINVAL);
    /* and the original still verifies */
    assert_int_equal(crypto_ed25519_verify(pub, msg, n, sig, &err), 0);
}

static void test_random(void **state)
{
    unsigned char a[32], b[32], zero[32] = {0};
    unsigned char *big = malloc(100000);
    struct oc_err err;

    (void)state;
    assert_int_equal(crypto_random(a, sizeof(a), &err), 0);
    assert_int_equal(crypto_random(b, sizeof(b), &err), 0);
    assert_memory_not_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, zero, sizeof(a));
    assert_int_equal(crypto_random(a, 0, &err), 0);
    assert_int_equal(crypto_random(big, 100000, &err), 0);
    free(big);
}

static void test_load(void **state)
{
    struct oc_err err;

    (void)state;
    oc_err_clear(&err);
    assert_int_equal(crypto_load(&err), 0);
    assert_int_equal(crypto_load(NULL), 0);
    assert_string_equal(err.msg, "");
}

/* In a child process, outside cmocka. */
static void child_check(int ok, int line, const char *what)
{
    if (!ok) {
        fprintf(stderr, "line %d: %s\n", line, what);
        _exit(1);
    }
}

#define CHILD_CHECK(cond) child_check((cond) != 0, __LINE__, #cond)

/* Every function fails with the loader's message; random bytes still
 * come, from the kernel. */
static void child_missing_rest(void)
{
    unsigned char d[CRYPTO_SHA256_LEN], sig[64] = {0}, r[16];
    struct oc_err err;

    CHILD_CHECK(crypto_sha1("abc", 3, d, &err) == OC_EIO);
    CHILD_CHECK(strstr(err.msg, "cannot load libcrypto-missing.so.3"));
    CHILD_CHECK(crypto_sha256("abc", 3, d, &err) == OC_EIO);
    CHILD_CHECK(strstr(err.msg, "cannot load libcrypto-missing.so.3"));
    CHILD_CHECK(crypto_ed25519_verify(d, "", 0, sig, &err) == OC_EIO);
    memset(r, 0, sizeof(r));
    CHILD_CHECK(crypto_random(r, sizeof(r), &err) == 0);
    CHILD_CHECK(memcmp(r, sig, sizeof(r)) != 0);
    CHILD_CHECK(crypto_use_library(CRYPTO_LIBRARY) == OC_EPERM);
}

static void child_missing(void)
{
    struct oc_err err;

    CHILD_CHECK(crypto_use_library("libcrypto-missing.so.3") == 0);
    CHILD_CHECK(crypto_load(&err) == OC_EIO);
    CHILD_CHECK(strncmp(err.msg, "cannot load libcrypto-missing.so.3 (", 36) ==
                0);
    CHILD_CHECK(strstr(err.msg, "); install OpenSSL 3: on Debian, libssl3"));
    child_missing_rest();
    _exit(0);
}

static void child_incomplete(void)
{
    unsigned char d[CRYPTO_SHA1_LEN];
    struct oc_err err;

    /* a library that loads but is not libcrypto */
    CHILD_CHECK(crypto_use_library("libc.so.6") == 0);
    CHILD_CHECK(crypto_sha1("abc", 3, d, &err) == OC_EIO);
    CHILD_CHECK(strcmp(err.msg, "libc.so.6 lacks EVP_Digest; install OpenSSL "
                                "3: on Debian, libssl3") == 0);
    _exit(0);
}

static const char *self = "/proc/self/exe"; /* argv[0] when it has a '/' */

/* Run this binary again as `test_crypto <name>`: a process that has not
 * loaded libcrypto yet. */
static void run_child(const char *name)
{
    pid_t pid;
    int status = 0;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(self, "test_crypto", name, (char *)NULL);
        _exit(127);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_unavailable(void **state)
{
    (void)state;
    run_child("missing");
    run_child("incomplete");
    /* here libcrypto is loaded already */
    assert_int_equal(crypto_use_library("other.so"), OC_EPERM);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_digests),
        cmocka_unit_test(test_ed25519_rfc8032),
        cmocka_unit_test(test_ed25519_tampered),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_unavailable),
    };

    if (argc > 0 && strchr(argv[0], '/'))
        self = argv[0];
    if (argc == 2 && strcmp(argv[1], "missing") == 0)
        child_missing();
    if (argc == 2 && strcmp(argv[1], "incomplete") == 0)
        child_incomplete();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
