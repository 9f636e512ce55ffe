/*
 * Config problem lists (see problems.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/xalloc.h"
#include "config/problems.h"
#include "base/banned.h"

void problems_init(struct config_problems *l)
{
    memset(l, 0, sizeof(*l));
}

void problems_release(struct config_problems *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].file);
        free(l->v[i].message);
    }
    free(l->v);
    problems_init(l);
}

void problems_add(struct config_problems *l, const struct config_where *w,
                  const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    problems_vadd(l, w, fmt, ap);
    va_end(ap);
}

void problems_vadd(struct config_problems *l, const struct config_where *w,
                   const char *fmt, va_list ap)
{
    struct config_problem *p;
    char *msg = NULL;

    if (vasprintf(&msg, fmt, ap) < 0)
        die("out of memory");
    if (l->n == l->cap) {
        l->cap = l->cap ? st_mult(l->cap, 2) : 8;
        l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
    }
    p = &l->v[l->n++];
    p->path = w->path ? xstrdup(w->path) : NULL;
    p->file = w->file ? xstrdup(w->file) : NULL;
    p->line = w->line;
    p->column = w->column;
    p->message = msg;
}

int problems_has(const struct config_problems *l,
                 const struct config_problem *p)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (str_eq(l->v[i].path, p->path) && str_eq(l->v[i].file, p->file) &&
            !strcmp(l->v[i].message, p->message))
            return 1;
    return 0;
}
