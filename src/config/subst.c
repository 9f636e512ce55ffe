/*
 * ${VAR} substitution (see subst.h). Tested in tests/unit/test_config.c.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "config/subst.h"
#include "base/banned.h"

/* Length of a valid variable name at s followed by '}', or 0. */
static size_t var_name_len(const char *s)
{
    size_t i = 0;

    if (!(isupper((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    while (isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
           s[i] == '_')
        i++;
    return s[i] == '}' ? i : 0;
}

char *subst_string(const char *s, struct strlist *missing)
{
    struct buf b;
    const char *v;
    char *name;
    size_t n;

    buf_init(&b, 0);
    while (*s) {
        if (s[0] == '$' && s[1] == '$' && s[2] == '{' && var_name_len(s + 3)) {
            n = var_name_len(s + 3);
            buf_add(&b, s + 1, n + 3); /* "${NAME}" literally */
            s += n + 4;
            continue;
        }
        if (s[0] != '$' || s[1] != '{' || !var_name_len(s + 2)) {
            buf_addch(&b, *s++);
            continue;
        }
        n = var_name_len(s + 2);
        name = xmemdupz(s + 2, n);
        v = getenv(name);
        if (v && *v) {
            buf_addstr(&b, v);
        } else {
            buf_add(&b, s, n + 3);
            if (missing)
                strlist_push(missing, name);
        }
        free(name);
        s += n + 3;
    }
    return buf_detach(&b, NULL);
}

static void walk(json_t *v, struct buf *path, struct strlist *warnings)
{
    struct strlist missing = STRLIST_INIT;
    size_t i, len = path->len;
    const char *key;
    json_t *child;
    char *r;

    if (json_is_string(v) && strchr(json_string_value(v), '$')) {
        r = subst_string(json_string_value(v), &missing);
        json_string_set(v, r);
        free(r);
        for (i = 0; i < missing.n; i++)
            strlist_pushf(warnings,
                          "missing env var \"%s\" at %s; features using "
                          "this value will be unavailable",
                          missing.v[i], path->len ? path->p : "<root>");
        strlist_release(&missing);
    } else if (json_is_object(v)) {
        json_object_foreach (v, key, child) {
            buf_addf(path, "%s%s", len ? "." : "", key);
            walk(child, path, warnings);
            buf_truncate(path, len);
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, child) {
            buf_addf(path, "%s%zu", len ? "." : "", i);
            walk(child, path, warnings);
            buf_truncate(path, len);
        }
    }
}

void subst_tree(json_t *v, struct strlist *warnings)
{
    struct buf path;

    buf_init(&path, 0);
    walk(v, &path, warnings);
    buf_release(&path);
}
