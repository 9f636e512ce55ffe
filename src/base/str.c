/*
 * String helpers. Tested in tests/unit/test_str.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "base/banned.h"

bool str_has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

int str_cmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return strcmp(a, b);
}

bool str_eq(const char *a, const char *b)
{
    return str_cmp_null(a, b) == 0;
}

int str_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end = NULL;
    long long v;

    if (!s || !*s || isspace((unsigned char)*s))
        return OC_EPARSE;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (*end)
        return OC_EPARSE;
    if (errno == ERANGE || v < min || v > max)
        return OC_EINVAL;
    *out = (int64_t)v;
    return 0;
}

void str_trim_view(const char **p, size_t *n)
{
    while (*n && isspace((unsigned char)**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*p)[*n - 1]))
        (*n)--;
}

char *str_trim_dup(const char *s)
{
    size_t n = strlen(s);

    str_trim_view(&s, &n);
    return xmemdupz(s, n);
}

char *str_lower(char *s)
{
    char *p;

    for (p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

size_t str_utf8_decode(const char *p, size_t avail, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)p;
    uint32_t c = u[0], min;
    size_t n, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, c &= 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, c &= 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, c &= 0x07, min = 0x10000;
    else
        return 0;
    if (avail < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (u[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

size_t str_utf8_seq(const char *p, size_t avail)
{
    uint32_t cp;

    return str_utf8_decode(p, avail, &cp);
}

bool str_utf8_valid(const char *p, size_t n)
{
    size_t i = 0, k;

    while (i < n) {
        if ((unsigned char)p[i] < 0x80) {
            i++;
            continue;
        }
        k = str_utf8_seq(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

int str_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void str_copyn(char *dst, size_t size, const char *src, size_t n)
{
    if (size == 0)
        return;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

void str_copy(char *dst, size_t size, const char *src)
{
    str_copyn(dst, size, src, src ? strlen(src) : 0);
}
