/*
 * json5_canon FILE...: for each file, one line with the canonical form of
 * what json5_parse makes of it (compact JSON, object keys sorted bytewise,
 * every number as JS Number#toString of its double value) or "ERROR".
 * scripts/json5-oracle.js prints the same for npm json5; json5-diff.sh
 * compares the two.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/xalloc.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

#define MAX_INPUT ((size_t)16 << 20)

struct key {
    const char *s;
    size_t len;
    json_t *v;
};

static void canon(const json_t *v, struct buf *out);

static int by_bytes(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);

    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static void canon_string(const char *s, size_t len, struct buf *out)
{
    json_t *str = json_stringn_nocheck(s, len);

    jsonx_dump(str, 0, out);
    json_decref(str);
}

static void canon_object(const json_t *v, struct buf *out)
{
    size_t i = 0, j, n = json_object_size(v), len;
    struct key *keys = xreallocarray(NULL, n ? n : 1, sizeof(*keys));
    const char *k;
    json_t *val;
    /* jansson iterates objects only through non-const pointers */
    json_t *obj = (json_t *)(uintptr_t)v;

    json_object_keylen_foreach(obj, k, len, val)
    {
        keys[i].s = k;
        keys[i].len = len;
        keys[i].v = val;
        i++;
    }
    qsort(keys, n, sizeof(*keys), by_bytes);
    buf_addch(out, '{');
    for (j = 0; j < n; j++) {
        if (j)
            buf_addch(out, ',');
        canon_string(keys[j].s, keys[j].len, out);
        buf_addch(out, ':');
        canon(keys[j].v, out);
    }
    buf_addch(out, '}');
    free(keys);
}

static void canon(const json_t *v, struct buf *out)
{
    char num[40];
    size_t i;

    if (json_is_object(v)) {
        canon_object(v, out);
    } else if (json_is_array(v)) {
        buf_addch(out, '[');
        for (i = 0; i < json_array_size(v); i++) {
            if (i)
                buf_addch(out, ',');
            canon(json_array_get(v, i), out);
        }
        buf_addch(out, ']');
    } else if (json_is_number(v)) {
        jsonx_format_double(json_number_value(v), num, sizeof(num));
        buf_addstr(out, num);
    } else {
        jsonx_dump(v, 0, out);
    }
}

static int canon_file(const char *path)
{
    struct buf in, out;
    struct oc_err err;
    json_t *v;

    buf_init(&in, MAX_INPUT);
    if (fsx_read_file(path, MAX_INPUT, &in, &err)) {
        fprintf(stderr, "json5_canon: %s\n", oc_err_msg(&err));
        return -1;
    }
    buf_init(&out, 0);
    v = json5_parse(in.p, in.len, NULL, NULL, NULL);
    if (v)
        canon(v, &out);
    else
        buf_addstr(&out, "ERROR");
    printf("%s\n", out.p);
    json_decref(v);
    buf_release(&out);
    buf_release(&in);
    return 0;
}

int main(int argc, char **argv)
{
    int i, rc = 0;

    for (i = 1; i < argc; i++)
        rc |= canon_file(argv[i]) ? 1 : 0;
    return rc;
}
