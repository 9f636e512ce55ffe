/*
 * Base64 and base64url codecs (RFC 4648) and ct_equal. Used for the
 * WebSocket handshake keys and for keys and signatures in gateway frames.
 */
#include <stdint.h>
#include <string.h>

#include "base/b64.h"
#include "base/err.h"
#include "base/banned.h"

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t b64_encoded_len(size_t n)
{
    return (n / 3 + (n % 3 != 0)) * 4;
}

size_t b64url_encoded_len(size_t n)
{
    return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

size_t b64_decoded_max(size_t n)
{
    return n / 4 * 3 + 2;
}

static size_t encode(const unsigned char *in, size_t n, char *out,
                     const char *alphabet, bool pad)
{
    size_t i, o = 0;
    uint32_t v;

    for (i = 0; i + 3 <= n; i += 3) {
        v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        v = (uint32_t)in[i] << 16;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
    } else if (n - i == 2) {
        v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
    }
    while (pad && o % 4)
        out[o++] = '=';
    out[o] = '\0';
    return o;
}

size_t b64_encode(const void *p, size_t n, char *out, size_t outsz)
{
    size_t len = b64_encoded_len(n);

    if (n > (SIZE_MAX - 4) / 4 * 3 || outsz <= len)
        return 0;
    return encode(p, n, out, std_alphabet, true);
}

size_t b64url_encode(const void *p, size_t n, char *out, size_t outsz)
{
    size_t len = b64url_encoded_len(n);

    if (n > (SIZE_MAX - 4) / 4 * 3 || outsz <= len)
        return 0;
    return encode(p, n, out, url_alphabet, false);
}

/* The 6-bit value of c in the alphabet, or -1. */
static int sextet(char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

/*
 * Decode m characters that carry no padding. The tail (2 or 3 characters)
 * must leave its unused low bits zero.
 */
static int decode(const char *s, size_t m, bool url, unsigned char *out,
                  size_t *outlen)
{
    uint32_t v = 0;
    size_t i, o = 0;
    int x;

    if (m % 4 == 1)
        return OC_EPARSE;
    for (i = 0; i < m; i++) {
        x = sextet(s[i], url);
        if (x < 0)
            return OC_EPARSE;
        v = v << 6 | (uint32_t)x;
        if (i % 4 == 3) {
            out[o++] = (unsigned char)(v >> 16);
            out[o++] = (unsigned char)(v >> 8);
            out[o++] = (unsigned char)v;
            v = 0;
        }
    }
    if (m % 4 == 2) {
        if (v & 0xf)
            return OC_EPARSE;
        out[o++] = (unsigned char)(v >> 4);
    } else if (m % 4 == 3) {
        if (v & 0x3)
            return OC_EPARSE;
        out[o++] = (unsigned char)(v >> 10);
        out[o++] = (unsigned char)(v >> 2);
    }
    *outlen = o;
    return 0;
}

/* Characters before the padding; OC_EPARSE unless padding is well placed. */
static int strip_padding(const char *s, size_t n, bool required, size_t *m)
{
    size_t pad = 0;

    while (pad < n && pad < 2 && s[n - 1 - pad] == '=')
        pad++;
    if (pad == 0 && (!required || n % 4 == 0)) {
        *m = n;
        return 0;
    }
    if (n % 4 != 0 || (n - pad) % 4 != 4 - pad)
        return OC_EPARSE;
    *m = n - pad;
    return 0;
}

static int decode_checked(const char *s, size_t n, bool url, unsigned char *out,
                          size_t outsz, size_t *outlen)
{
    size_t m, need;

    if (strip_padding(s, n, !url, &m))
        return OC_EPARSE;
    need = m / 4 * 3 + (m % 4 ? m % 4 - 1 : 0);
    if (m % 4 != 1 && need > outsz)
        return OC_ETOOBIG;
    return decode(s, m, url, out, outlen);
}

int b64_decode(const char *s, size_t n, unsigned char *out, size_t outsz,
               size_t *outlen)
{
    return decode_checked(s, n, false, out, outsz, outlen);
}

int b64url_decode(const char *s, size_t n, unsigned char *out, size_t outsz,
                  size_t *outlen)
{
    return decode_checked(s, n, true, out, outsz, outlen);
}

bool ct_equal(const void *a, size_t an, const void *b, size_t bn)
{
    const unsigned char *x = a;
    /* on a length mismatch, compare a with itself: same work, no peeking
     * past the end of b */
    const unsigned char *y = an == bn ? b : a;
    volatile unsigned char diff = an != bn;
    size_t i;

    for (i = 0; i < an; i++)
        diff |= x[i] ^ y[i];
    return diff == 0;
}
