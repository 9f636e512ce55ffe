/*
 * Secrets in memory: a type of their own, wiped on release, and shown only
 * masked. The mask is OpenClaw's (maskApiKey): control characters dropped
 * and the value trimmed; empty -> "missing"; up to 6 characters ->
 * first1...last1; up to 16 -> first2...last2; longer -> first8...last8,
 * e.g. "sk-ant-a...yyyyyyAA".
 */
#ifndef OC_BASE_SECRET_H
#define OC_BASE_SECRET_H

#include <stddef.h>

struct secret {
    char *p; /* NUL-terminated; NULL when empty */
    size_t len;
};

/* Largest mask: 8 + 3 + 8 code points of up to 4 bytes, plus NUL. */
#define SECRET_MASK_MAX 80

void secret_init(struct secret *s);
/* Copy n bytes of p into s, wiping any previous value. */
void secret_set(struct secret *s, const char *p, size_t n);
/* Wipe and free; s is left empty. */
void secret_release(struct secret *s);
/* The value, or "" when empty (borrowed). */
const char *secret_value(const struct secret *s);

/* explicit_bzero that the compiler cannot drop. */
void secret_wipe(void *p, size_t n);

/* Write the mask of p[0..n) into out (at least SECRET_MASK_MAX bytes). */
void secret_mask(const char *p, size_t n, char *out, size_t outsz);

/*
 * Replace anything in s that looks like a credential with its mask, in
 * place: "sk-..." tokens, "Bearer <token>", the value after a credential
 * name ("token=...", "apiKey: ...", "x-api-key: ...", 8 characters or
 * more) and runs of 32+ hex digits. Used on every log line and every
 * error message as a last line of defence.
 */
void secret_redact_text(char *s);

/* Fills p[0..n) with kernel randomness (getrandom); 0, or OC_EIO. */
int secret_random_bytes(void *p, size_t n);

/*
 * nbytes of kernel randomness (getrandom) as lower-case hex into out,
 * which holds at least 2 * nbytes + 1 bytes: gateway tokens are 24 bytes,
 * 48 hex digits, as OpenClaw makes them. nbytes is at most 256. Returns
 * 0, OC_EINVAL (nbytes or outsz out of range) or OC_EIO.
 */
int secret_random_hex(size_t nbytes, char *out, size_t outsz);

#endif
