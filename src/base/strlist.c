/*
 * Owned string arrays. Tested in tests/unit/test_str.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "base/banned.h"

void strlist_init(struct strlist *l)
{
    l->v = NULL;
    l->n = 0;
    l->cap = 0;
}

void strlist_release(struct strlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    strlist_init(l);
}

void strlist_push_take(struct strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? st_mult(l->cap, 2) : 8;
        l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
    }
    l->v[l->n++] = s;
}

void strlist_push(struct strlist *l, const char *s)
{
    strlist_push_take(l, xstrdup(s));
}

void strlist_pushf(struct strlist *l, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        die("out of memory");
    va_end(ap);
    strlist_push_take(l, s);
}

bool strlist_has(const struct strlist *l, const char *s)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void strlist_sort(struct strlist *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof(*l->v), cmp);
}

char *strlist_join(const struct strlist *l, const char *sep)
{
    struct buf b;
    size_t i;

    buf_init(&b, 0);
    for (i = 0; i < l->n; i++) {
        if (i)
            buf_addstr(&b, sep);
        buf_addstr(&b, l->v[i]);
    }
    return buf_detach(&b, NULL);
}
