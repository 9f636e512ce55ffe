/*
 * Small string helpers that the rest of the code would otherwise repeat:
 * prefix/suffix tests, checked integer parsing (never atoi), trimming a
 * view, and a NULL-safe compare.
 */
#ifndef OC_BASE_STR_H
#define OC_BASE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* strcmp that treats NULL as less than any string. */
int str_cmp_null(const char *a, const char *b);
bool str_eq(const char *a, const char *b);

/*
 * Parse a whole decimal integer (optional sign, no spaces, no trailing
 * characters) within [min, max]; 0 on success, OC_EPARSE or OC_EINVAL.
 */
int str_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Trim ASCII whitespace from both ends of the view (*p, *n). */
void str_trim_view(const char **p, size_t *n);
/* Return a trimmed copy of s (caller frees). */
char *str_trim_dup(const char *s);
/* Lower-case ASCII letters in place; returns s. */
char *str_lower(char *s);
/* Length of the UTF-8 sequence at p (avail bytes there, at least 1): 1
 * for ASCII, 2-4 for a valid multi-byte sequence, 0 when invalid: an
 * overlong form, a surrogate, above U+10FFFF, or cut short. These are
 * jansson's rules for strings. */
size_t str_utf8_seq(const char *p, size_t avail);
/* The same, with the code point in *cp when valid. */
size_t str_utf8_decode(const char *p, size_t avail, uint32_t *cp);
/* Is p[0..n) valid UTF-8 (str_utf8_seq's rules; NUL bytes allowed)? */
bool str_utf8_valid(const char *p, size_t n);
/* Copy src (NULL: "") into dst[0..size), cut to size - 1 bytes and
 * NUL-terminated as snprintf(dst, size, "%s", src) would, at the cost of
 * a memcpy. */
void str_copy(char *dst, size_t size, const char *src);
/* The same for src[0..n) (no NUL needed within). */
void str_copyn(char *dst, size_t size, const char *src, size_t n);
/* The value of hex digit c (either case), or -1. */
int str_hex_value(int c);

#endif
