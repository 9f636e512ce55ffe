/*
 * Checked allocation: these never return NULL. Running out of memory or
 * overflowing a size computation aborts with a message, so callers never
 * carry an out-of-memory error path. Sizes from files or the network must
 * be capped before they reach these functions.
 */
#ifndef OC_BASE_XALLOC_H
#define OC_BASE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* Copy n bytes and add a NUL; the result is always a C string. */
char *xmemdupz(const void *p, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Overflow-checked size arithmetic. */
size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);

/* Print "openclaw: fatal: ..." and exit(128). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* A can't-happen condition: print and abort. */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
void bug_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define FREE_AND_NULL(p)                                                       \
    do {                                                                       \
        free(p);                                                               \
        (p) = NULL;                                                            \
    } while (0)

#endif
