/*
 * Allocation wrappers that abort instead of returning NULL, and the two
 * fatal exits (die for the user, BUG for programmer errors).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "base/banned.h"

static void oom(size_t size)
{
    fprintf(stderr, "openclaw: fatal: out of memory (allocating %zu bytes)\n",
            size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p)
        oom(size);
    return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

    if (!p)
        oom(st_mult(nmemb, size));
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);

    if (!p)
        oom(size);
    return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    return xrealloc(ptr, st_mult(nmemb, size));
}

char *xstrdup(const char *s)
{
    return xmemdupz(s, strlen(s));
}

char *xmemdupz(const void *p, size_t n)
{
    char *r = xmalloc(st_add(n, 1));

    if (n)
        memcpy(r, p, n);
    r[n] = '\0';
    return r;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *r = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&r, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom(0);
    return r;
}

size_t st_add(size_t a, size_t b)
{
    if (SIZE_MAX - a < b)
        BUG("size overflow: %zu + %zu", a, b);
    return a + b;
}

size_t st_mult(size_t a, size_t b)
{
    if (a && SIZE_MAX / a < b)
        BUG("size overflow: %zu * %zu", a, b);
    return a * b;
}

void die(const char *fmt, ...)
{
    va_list ap;

    fputs("openclaw: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(128);
}

void bug_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "openclaw: BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
