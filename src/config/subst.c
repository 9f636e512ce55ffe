/*
 * ${VAR} substitution (see subst.h). Tested in tests/unit/test_config.c.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/secret.h"
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

void subst_marks_release(struct subst_marks *m)
{
    free(m->v);
    memset(m, 0, sizeof(*m));
}

bool subst_marks_has(const struct subst_marks *m, const json_t *v)
{
    size_t i;

    for (i = 0; m && i < m->n; i++)
        if (m->v[i] == v)
            return true;
    return false;
}

static void mark(struct subst_marks *m, const json_t *v)
{
    if (!m)
        return;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->v = xreallocarray(m->v, m->cap, sizeof(const json_t *));
    }
    m->v[m->n++] = v;
}

struct walk_ctx {
    struct buf path;
    struct strlist *warnings;
    struct subst_marks *marks;
};

static void subst_leaf(json_t *v, struct walk_ctx *c)
{
    struct strlist missing = STRLIST_INIT;
    char *r = subst_string(json_string_value(v), &missing);
    size_t i;

    if (strcmp(r, json_string_value(v)) != 0) {
        json_string_set(v, r);
        mark(c->marks, v);
    }
    secret_wipe(r, strlen(r));
    free(r);
    for (i = 0; i < missing.n; i++)
        strlist_pushf(c->warnings,
                      "missing env var \"%s\" at %s; features using this "
                      "value will be unavailable",
                      missing.v[i], c->path.len ? c->path.p : "<root>");
    strlist_release(&missing);
}

static void walk(json_t *v, struct walk_ctx *c)
{
    size_t i, len = c->path.len;
    const char *key;
    json_t *child;

    if (json_is_string(v) && strchr(json_string_value(v), '$')) {
        subst_leaf(v, c);
    } else if (json_is_object(v)) {
        json_object_foreach (v, key, child) {
            buf_addf(&c->path, "%s%s", len ? "." : "", key);
            walk(child, c);
            buf_truncate(&c->path, len);
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, child) {
            buf_addf(&c->path, "%s%zu", len ? "." : "", i);
            walk(child, c);
            buf_truncate(&c->path, len);
        }
    }
}

void subst_tree(json_t *v, struct strlist *warnings, struct subst_marks *marks)
{
    struct walk_ctx c = {.warnings = warnings, .marks = marks};

    buf_init(&c.path, 0);
    walk(v, &c);
    buf_release(&c.path);
}
