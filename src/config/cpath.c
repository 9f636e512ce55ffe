/*
 * Parsing of config paths and get/set/unset on jansson trees.
 * Tested in tests/unit/test_cpath.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "config/cpath.h"
#include "json/json5.h"
#include "base/banned.h"

bool cpath_is_index(const char *seg)
{
    size_t i;

    if (!seg[0] || strlen(seg) > 9)
        return false;
    for (i = 0; seg[i]; i++)
        if (!isdigit((unsigned char)seg[i]))
            return false;
    return true;
}

static bool blocked(const char *seg)
{
    return !strcmp(seg, "__proto__") || !strcmp(seg, "constructor") ||
           !strcmp(seg, "prototype");
}

/* The inside of [...]: a quoted JSON5 string or a bare token. */
static int bracket_segment(const char *in, size_t n, const char *raw,
                           struct strlist *out, struct oc_err *err)
{
    json_t *v;

    str_trim_view(&in, &n);
    if (!n)
        return oc_err_set(err, OC_EINVAL, "invalid path (empty \"[]\"): %s",
                          raw);
    if (in[0] != '"' && in[0] != '\'') {
        strlist_push_take(out, xmemdupz(in, n));
        return 0;
    }
    v = json5_parse(in, n, NULL, NULL, NULL);
    if (!json_is_string(v) || !json_string_length(v)) {
        json_decref(v);
        return oc_err_set(err, OC_EINVAL,
                          "invalid path bracket string (%.*s): %s", (int)n, in,
                          raw);
    }
    strlist_push(out, json_string_value(v));
    json_decref(v);
    return 0;
}

/* Push the pending plain segment (trimmed; empty ones are dropped). */
static void flush(struct buf *cur, struct strlist *out)
{
    char *t = str_trim_dup(cur->p);

    if (*t)
        strlist_push_take(out, t);
    else
        free(t);
    buf_reset(cur);
}

static int split(const char *raw, struct strlist *out, struct oc_err *err)
{
    struct buf cur;
    const char *s = raw, *close;
    int rc = 0;

    buf_init(&cur, 0);
    while (*s && !rc) {
        if (*s == '\\') {
            if (s[1])
                buf_addch(&cur, s[1]);
            s += s[1] ? 2 : 1;
        } else if (*s == '.') {
            flush(&cur, out);
            s++;
        } else if (*s == '[') {
            flush(&cur, out);
            close = strchr(s, ']');
            if (!close)
                rc = oc_err_set(err, OC_EINVAL,
                                "invalid path (missing \"]\"): %s", raw);
            else
                rc = bracket_segment(s + 1, (size_t)(close - s - 1), raw, out,
                                     err);
            s = close ? close + 1 : s + 1;
        } else {
            buf_addch(&cur, *s++);
        }
    }
    if (!rc)
        flush(&cur, out);
    buf_release(&cur);
    return rc;
}

int cpath_parse(const char *raw, struct cpath *out, struct oc_err *err)
{
    struct strlist l = STRLIST_INIT;
    size_t i;
    int rc = split(raw, &l, err);

    out->seg = NULL;
    out->n = 0;
    if (!rc && l.n == 0)
        rc = oc_err_set(err, OC_EINVAL, "path is empty");
    for (i = 0; !rc && i < l.n; i++)
        if (blocked(l.v[i]))
            rc = oc_err_set(err, OC_EINVAL, "invalid path segment: %s", l.v[i]);
    if (rc) {
        strlist_release(&l);
        return rc;
    }
    out->seg = l.v;
    out->n = l.n;
    return 0;
}

void cpath_release(struct cpath *p)
{
    struct strlist l = {p->seg, p->n, p->n};

    strlist_release(&l);
    p->seg = NULL;
    p->n = 0;
}

char *cpath_format(const struct cpath *p)
{
    struct strlist l = {p->seg, p->n, p->n};

    return strlist_join(&l, ".");
}

/* One step down from v along seg, or NULL. */
static json_t *step(json_t *v, const char *seg)
{
    if (json_is_object(v))
        return json_object_get(v, seg);
    if (json_is_array(v) && cpath_is_index(seg))
        return json_array_get(v, strtoul(seg, NULL, 10));
    return NULL;
}

json_t *cpath_get(json_t *root, const struct cpath *p)
{
    size_t i;

    for (i = 0; root && i < p->n; i++)
        root = step(root, p->seg[i]);
    return root;
}

size_t cpath_found_depth(json_t *root, const struct cpath *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        root = step(root, p->seg[i]);
        if (!root)
            break;
    }
    return i;
}

/* Store child under seg in container c (object key or array index). */
static int put(json_t *c, const char *seg, json_t *child, struct oc_err *err)
{
    size_t idx;

    if (json_is_object(c))
        return json_object_set_new(c, seg, child) ? OC_EINVAL : 0;
    if (!cpath_is_index(seg)) {
        json_decref(child);
        return oc_err_set(err, OC_EINVAL,
                          "expected a numeric index for array segment \"%s\"",
                          seg);
    }
    idx = strtoul(seg, NULL, 10);
    if (idx < json_array_size(c))
        return json_array_set_new(c, idx, child) ? OC_EINVAL : 0;
    if (idx == json_array_size(c))
        return json_array_append_new(c, child) ? OC_EINVAL : 0;
    json_decref(child);
    return oc_err_set(err, OC_EINVAL,
                      "index %zu is past the end of the array (length %zu)",
                      idx, json_array_size(c));
}

int cpath_set(json_t *root, const struct cpath *p, json_t *value,
              struct oc_err *err)
{
    json_t *cur = root, *next;
    size_t i;
    int rc;

    for (i = 0; i + 1 < p->n; i++) {
        next = step(cur, p->seg[i]);
        if (!json_is_object(next) && !json_is_array(next)) {
            next = cpath_is_index(p->seg[i + 1]) ? json_array() : json_object();
            rc = put(cur, p->seg[i], next, err);
            if (rc) {
                json_decref(value);
                return rc;
            }
        }
        cur = next;
    }
    return put(cur, p->seg[p->n - 1], value, err);
}

int cpath_unset(json_t *root, const struct cpath *p)
{
    struct cpath parent = {p->seg, p->n - 1};
    json_t *c = cpath_get(root, &parent);
    const char *last = p->seg[p->n - 1];
    size_t idx;

    if (json_is_object(c))
        return json_object_del(c, last) == 0 ? 0 : OC_ENOENT;
    if (!json_is_array(c) || !cpath_is_index(last))
        return OC_ENOENT;
    idx = strtoul(last, NULL, 10);
    return json_array_remove(c, idx) == 0 ? 0 : OC_ENOENT;
}
