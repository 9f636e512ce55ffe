/*
 * dlopen'ed libcrypto (see crypto.h): a table of the dozen functions we
 * call, filled once per process, and thin wrappers that turn OpenSSL's
 * return conventions into ours.
 */
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/dynlib.h"
#include "base/secret.h"
#include "http/crypto.h"
#include "base/banned.h"

struct crypto_api {
    int (*digest)(const void *data, size_t count, unsigned char *md,
                  unsigned int *size, const EVP_MD *type, ENGINE *impl);
    const EVP_MD *(*sha1)(void);
    const EVP_MD *(*sha256)(void);
    int (*rand_bytes)(unsigned char *buf, int num);
    EVP_PKEY *(*pkey_new_raw_public)(int type, ENGINE *e,
                                     const unsigned char *pub, size_t len);
    void (*pkey_free)(EVP_PKEY *key);
    EVP_MD_CTX *(*md_ctx_new)(void);
    void (*md_ctx_free)(EVP_MD_CTX *ctx);
    int (*verify_init)(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type,
                       ENGINE *e, EVP_PKEY *key);
    int (*verify)(EVP_MD_CTX *ctx, const unsigned char *sig, size_t siglen,
                  const unsigned char *tbs, size_t tbslen);
    void (*clear_error)(void);
};

#define SYM(field, name) DYNLIB_SYM(struct crypto_api, field, name)

static const struct dynlib_sym symbols[] = {
    SYM(digest, "EVP_Digest"),
    SYM(sha1, "EVP_sha1"),
    SYM(sha256, "EVP_sha256"),
    SYM(rand_bytes, "RAND_bytes"),
    SYM(pkey_new_raw_public, "EVP_PKEY_new_raw_public_key"),
    SYM(pkey_free, "EVP_PKEY_free"),
    SYM(md_ctx_new, "EVP_MD_CTX_new"),
    SYM(md_ctx_free, "EVP_MD_CTX_free"),
    SYM(verify_init, "EVP_DigestVerifyInit"),
    SYM(verify, "EVP_DigestVerify"),
    SYM(clear_error, "ERR_clear_error"),
};

static struct crypto_api api;
static const char *soname = CRYPTO_LIBRARY;
static int loaded; /* 1 ok, -1 failed; written once under `once` */
static char failure[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
    const struct dynlib lib = {soname, symbols,
                               sizeof(symbols) / sizeof(symbols[0]),
                               "install OpenSSL 3: on Debian, libssl3",
                               "install OpenSSL 3: on Debian, libssl3"};

    loaded = dynlib_load(&lib, &api, failure, sizeof(failure)) == 0 ? 1 : -1;
}

int crypto_use_library(const char *name)
{
    if (loaded)
        return OC_EPERM;
    soname = name;
    return 0;
}

int crypto_load(struct oc_err *err)
{
    pthread_once(&once, load);
    if (loaded < 0)
        return oc_err_set(err, OC_EIO, "%s", failure);
    return 0;
}

static int digest(const EVP_MD *(*md)(void), const char *name, const void *p,
                  size_t n, unsigned char *out, struct oc_err *err)
{
    unsigned int len = 0;

    if (api.digest(n ? p : "", n, out, &len, md(), NULL) != 1) {
        api.clear_error();
        return oc_err_set(err, OC_EIO, "libcrypto failed to compute %s", name);
    }
    return 0;
}

int crypto_sha1(const void *p, size_t n, unsigned char out[CRYPTO_SHA1_LEN],
                struct oc_err *err)
{
    if (crypto_load(err))
        return OC_EIO;
    return digest(api.sha1, "SHA-1", p, n, out, err);
}

int crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_SHA256_LEN],
                  struct oc_err *err)
{
    if (crypto_load(err))
        return OC_EIO;
    return digest(api.sha256, "SHA-256", p, n, out, err);
}

int crypto_random(void *buf, size_t n, struct oc_err *err)
{
    unsigned char *p = buf;
    size_t chunk;

    if (crypto_load(NULL))
        return secret_random_bytes(p, n) == 0
                   ? 0
                   : oc_err_errno(err, OC_EIO, "cannot get random bytes");
    while (n > 0) {
        chunk = n > INT_MAX ? INT_MAX : n;
        if (api.rand_bytes(p, (int)chunk) != 1) {
            api.clear_error();
            return oc_err_set(err, OC_EIO, "libcrypto RAND_bytes failed");
        }
        p += chunk;
        n -= chunk;
    }
    return 0;
}

int crypto_ed25519_verify(const unsigned char pub[CRYPTO_ED25519_PUB],
                          const void *msg, size_t n,
                          const unsigned char sig[CRYPTO_ED25519_SIG],
                          struct oc_err *err)
{
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *ctx = NULL;
    int rc = OC_EIO, v;

    if (crypto_load(err))
        return OC_EIO;
    key = api.pkey_new_raw_public(EVP_PKEY_ED25519, NULL, pub,
                                  CRYPTO_ED25519_PUB);
    if (!key) {
        rc = oc_err_set(err, OC_EINVAL, "invalid Ed25519 public key");
        goto out;
    }
    ctx = api.md_ctx_new();
    if (!ctx || api.verify_init(ctx, NULL, NULL, NULL, key) != 1) {
        oc_err_set(err, OC_EIO, "libcrypto cannot set up Ed25519 checks");
        goto out;
    }
    v = api.verify(ctx, sig, CRYPTO_ED25519_SIG, n ? msg : "", n);
    if (v == 1)
        rc = 0;
    else if (v == 0)
        rc = oc_err_set(err, OC_EINVAL, "Ed25519 signature does not verify");
    else
        oc_err_set(err, OC_EIO, "libcrypto failed to check a signature");
out:
    if (rc)
        api.clear_error();
    api.md_ctx_free(ctx);
    api.pkey_free(key);
    return rc;
}
