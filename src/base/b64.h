/*
 * Base64 (RFC 4648 section 4, padded) and base64url (section 5, unpadded
 * on output), and a constant-time comparison for secrets.
 *
 * Decoding is strict, because the input comes from the network: no
 * whitespace, no characters outside the alphabet, padding only where the
 * length calls for it, and the unused low bits of the last character must
 * be zero (so every byte string has exactly one accepted encoding).
 */
#ifndef OC_BASE_B64_H
#define OC_BASE_B64_H

#include <stdbool.h>
#include <stddef.h>

/* Characters b64_encode writes for n bytes (no NUL): 4 * ceil(n / 3). */
size_t b64_encoded_len(size_t n);
/* Characters b64url_encode writes for n bytes (no NUL, no padding). */
size_t b64url_encoded_len(size_t n);
/* The most bytes an encoding of n characters can decode to. */
size_t b64_decoded_max(size_t n);

/*
 * Encode p[0..n) into out, NUL-terminated; outsz must be at least the
 * encoded length + 1. Returns the encoded length, or 0 with out untouched
 * when out is too small (so an empty input also returns 0, with out "").
 */
size_t b64_encode(const void *p, size_t n, char *out, size_t outsz);
size_t b64url_encode(const void *p, size_t n, char *out, size_t outsz);

/*
 * Decode s[0..n) into out[0..outsz): 0 with *outlen set, OC_EPARSE for
 * anything but a canonical encoding, or OC_ETOOBIG when out is too small
 * (b64_decoded_max(n) is always enough). out may be written to even on
 * failure. b64_decode wants the standard alphabet with padding;
 * b64url_decode wants the URL alphabet and takes the padding as optional.
 */
int b64_decode(const char *s, size_t n, unsigned char *out, size_t outsz,
               size_t *outlen);
int b64url_decode(const char *s, size_t n, unsigned char *out, size_t outsz,
                  size_t *outlen);

/*
 * Are a[0..an) and b[0..bn) equal? The time taken depends only on an, never
 * on the content or on bn: pass the untrusted value (say, the token a
 * client presented) as a, the secret as b.
 */
bool ct_equal(const void *a, size_t an, const void *b, size_t bn);

#endif
