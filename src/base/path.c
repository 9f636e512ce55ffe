/*
 * Path string helpers. Tested in tests/unit/test_path.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);

    if (b[0] == '/' || la == 0)
        return xstrdup(b);
    while (la > 1 && a[la - 1] == '/')
        la--;
    if (a[la - 1] == '/')
        return xasprintf("%.*s%s", (int)la, a, b);
    return xasprintf("%.*s/%s", (int)la, a, b);
}

char *path_dirname(const char *p)
{
    const char *slash = strrchr(p, '/');

    if (!slash)
        return xstrdup(".");
    while (slash > p && slash[-1] == '/')
        slash--;
    if (slash == p)
        return xstrdup("/");
    return xmemdupz(p, (size_t)(slash - p));
}

const char *path_basename(const char *p)
{
    const char *slash = strrchr(p, '/');

    return slash ? slash + 1 : p;
}

char *path_expand_tilde(const char *p, const char *home)
{
    if (p[0] == '~' && (p[1] == '\0' || p[1] == '/') && home)
        return xasprintf("%s%s", home, p + 1);
    return xstrdup(p);
}

/* Drop the last component of the normalised prefix in b (for ".."). */
static void pop_component(struct buf *b)
{
    while (b->len > 1 && b->p[b->len - 1] != '/')
        b->len--;
    if (b->len > 1)
        b->len--;
    b->p[b->len] = '\0';
}

char *path_normalize(const char *p)
{
    struct buf b;
    const char *s = p, *e;
    size_t n;

    buf_init(&b, 0);
    if (*p == '/')
        buf_addch(&b, '/');
    while (*s) {
        while (*s == '/')
            s++;
        e = strchr(s, '/');
        n = e ? (size_t)(e - s) : strlen(s);
        if (n == 0 || (n == 1 && s[0] == '.')) {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.' && *p == '/') {
            pop_component(&b);
        } else {
            if (b.len && b.p[b.len - 1] != '/')
                buf_addch(&b, '/');
            buf_add(&b, s, n);
        }
        s += n;
    }
    if (!b.len)
        buf_addch(&b, '.');
    return buf_detach(&b, NULL);
}

bool path_is_within(const char *p, const char *root)
{
    size_t lr = strlen(root);

    if (strcmp(root, "/") == 0)
        return p[0] == '/';
    return strncmp(p, root, lr) == 0 && (p[lr] == '\0' || p[lr] == '/');
}

char *path_realpath(const char *p)
{
    char *r = realpath(p, NULL);

    return r;
}
