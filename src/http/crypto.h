/*
 * The few primitives we need from OpenSSL's libcrypto: SHA-1 (the
 * WebSocket accept key), SHA-256, random bytes and Ed25519 signature
 * checks (device identities). libcrypto is loaded with
 * dlopen("libcrypto.so.3") on first use, not linked: linking it costs
 * every command about 0.6 ms at start, and most commands never hash
 * anything. Safe to call from any thread.
 */
#ifndef OC_HTTP_CRYPTO_H
#define OC_HTTP_CRYPTO_H

#include <stddef.h>

#include "base/err.h"

#define CRYPTO_SHA1_LEN    20
#define CRYPTO_SHA256_LEN  32
#define CRYPTO_ED25519_PUB 32
#define CRYPTO_ED25519_SIG 64

#define CRYPTO_LIBRARY "libcrypto.so.3"

/*
 * Can libcrypto be used? 0, or OC_EIO with err saying why ("cannot load
 * libcrypto.so.3 (...); install OpenSSL 3: on Debian, libssl3"). Every
 * function below fails the same way when it cannot (crypto_random falls
 * back to the kernel instead). The answer is kept for the process.
 */
int crypto_load(struct oc_err *err);

/*
 * For tests: load soname instead of CRYPTO_LIBRARY (say, one that does not
 * exist, to see the failures). Only before the first use of any function
 * here; OC_EPERM afterwards. Not thread-safe.
 */
int crypto_use_library(const char *soname);

/* Digests of p[0..n): 0, or OC_EIO. */
int crypto_sha1(const void *p, size_t n, unsigned char out[CRYPTO_SHA1_LEN],
                struct oc_err *err);
int crypto_sha256(const void *p, size_t n, unsigned char out[CRYPTO_SHA256_LEN],
                  struct oc_err *err);

/*
 * n unpredictable bytes: RAND_bytes, or the kernel's getrandom(2) when
 * libcrypto is not available. 0, or OC_EIO.
 */
int crypto_random(void *buf, size_t n, struct oc_err *err);

/*
 * Check the Ed25519 signature sig over msg[0..n) with the raw public key
 * pub (RFC 8032). 0 when it verifies; OC_EINVAL when it does not (a wrong
 * key, message or signature, or a key that is not a valid point); OC_EIO
 * when libcrypto is unavailable or failed.
 */
int crypto_ed25519_verify(const unsigned char pub[CRYPTO_ED25519_PUB],
                          const void *msg, size_t n,
                          const unsigned char sig[CRYPTO_ED25519_SIG],
                          struct oc_err *err);

#endif
