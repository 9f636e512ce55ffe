/*
 * jansson helpers: a serializer byte-identical to Node's
 * JSON.stringify(value, null, indent) (JavaScript Number#toString for
 * reals, JS property order for objects), typed getters, and deep merge.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

/* Deeper values are refused (OC_ETOOBIG) rather than overflow the stack;
 * this also stops a cyclic value. */
#define DUMP_MAX_DEPTH 4096
/* JSON.stringify clamps a numeric indent to 10. */
#define MAX_INDENT 10
/* Largest array index, 2^32 - 2: such keys come first in JS objects. */
#define MAX_ARRAY_INDEX 4294967294ULL

/* A buf writer that remembers its first failure. */
struct out {
    struct buf *b;
    int rc;
    int indent;
};

/* One object member, when array-index keys force a reordering. */
struct member {
    const char *key;
    size_t len;
    json_t *val;
    uint64_t order; /* index keys: the index; others: 2^32 + position */
};

static int dump_value(struct out *o, const json_t *v, int depth);

/* jansson iterates objects only through non-const pointers. */
static json_t *unconst(const json_t *v)
{
    return (json_t *)(uintptr_t)v;
}

static void put(struct out *o, const void *s, size_t n)
{
    if (o->rc == 0)
        o->rc = buf_add(o->b, s, n);
}

static void put_newline(struct out *o, int depth)
{
    int i;

    if (o->indent == 0)
        return;
    put(o, "\n", 1);
    for (i = 0; i < depth * o->indent; i++)
        put(o, " ", 1);
}

/* Does digits[0..k) * 10^(e-k+1) read back as x? */
static bool round_trips(const char *digits, int k, int e, double x)
{
    char tmp[48];

    snprintf(tmp, sizeof(tmp), "%.*se%d", k, digits, e - (k - 1));
    return strtod(tmp, NULL) == x;
}

/* Parse printf's "%.*e" output into digits and exponent, whatever the
 * locale's radix character is. Returns the number of digits. */
static int split_e(const char *s, char *digits, int *e)
{
    int k = 0;

    for (; *s && *s != 'e'; s++) {
        if (*s >= '0' && *s <= '9')
            digits[k++] = *s;
    }
    digits[k] = '\0';
    *e = *s ? (int)strtol(s + 1, NULL, 10) : 0;
    return k;
}

/* Step the k-digit decimal one unit in the last place up or down. */
static void step_digits(char *digits, int k, int *e, bool up)
{
    int i = k - 1;

    if (up) {
        while (i >= 0 && digits[i] == '9')
            digits[i--] = '0';
        if (i < 0) {
            digits[0] = '1';
            (*e)++;
        } else {
            digits[i]++;
        }
        return;
    }
    while (i >= 0 && digits[i] == '0')
        digits[i--] = '9';
    if (i >= 0)
        digits[i]--;
    if (digits[0] == '0' && k > 1) {
        memmove(digits, digits + 1, (size_t)k - 1);
        digits[k - 1] = '9';
        (*e)--;
    }
}

/*
 * The shortest decimal that round-trips (ECMAScript Number::toString step
 * 5): for each length, the correctly rounded candidate, else its neighbour
 * on the far side of x (the rounding interval is lopsided at powers of 2).
 */
static int shortest_digits(double x, char *digits, int *e)
{
    char tmp[48], alt[24];
    int p, k = 17, ae;

    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof(tmp), "%.*e", p - 1, x);
        k = split_e(tmp, digits, e);
        if (round_trips(digits, k, *e, x))
            break;
        memcpy(alt, digits, (size_t)k + 1);
        ae = *e;
        snprintf(tmp, sizeof(tmp), "%se%d", digits, *e - (k - 1));
        step_digits(alt, k, &ae, strtod(tmp, NULL) < x);
        if (round_trips(alt, k, ae, x)) {
            memcpy(digits, alt, (size_t)k + 1);
            *e = ae;
            break;
        }
    }
    while (k > 1 && digits[k - 1] == '0')
        digits[--k] = '\0';
    return k;
}

/* Number::toString layout of digits (k of them) times 10^(n-k). */
static void layout(const char *s, int k, int n, bool neg, char *out,
                   size_t outsz)
{
    static const char zeros[] = "000000000000000000000";
    const char *sign = neg ? "-" : "";

    if (k <= n && n <= 21)
        snprintf(out, outsz, "%s%s%.*s", sign, s, n - k, zeros);
    else if (0 < n && n <= 21)
        snprintf(out, outsz, "%s%.*s.%s", sign, n, s, s + n);
    else if (-6 < n && n <= 0)
        snprintf(out, outsz, "%s0.%.*s%s", sign, -n, zeros, s);
    else
        snprintf(out, outsz, "%s%c%s%se%c%d", sign, s[0], k > 1 ? "." : "",
                 s + 1, n - 1 >= 0 ? '+' : '-', n - 1 >= 0 ? n - 1 : 1 - n);
}

void jsonx_format_double(double d, char *out, size_t outsz)
{
    char digits[24];
    int k, e;

    if (isnan(d)) {
        str_copy(out, outsz, "NaN");
        return;
    }
    if (d == 0) {
        str_copy(out, outsz, "0");
        return;
    }
    if (isinf(d)) {
        snprintf(out, outsz, "%sInfinity", d < 0 ? "-" : "");
        return;
    }
    k = shortest_digits(d < 0 ? -d : d, digits, &e);
    layout(digits, k, e + 1, d < 0, out, outsz);
}

/* The two-character escape JSON.stringify uses for c, or NULL. */
static const char *short_escape(unsigned char c)
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        return NULL;
    }
}

static void dump_string(struct out *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;
    char u[6] = {'\\', 'u', '0', '0', 0, 0};

    put(o, "\"", 1);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(o, s + run, i - run);
        run = i + 1;
        esc = short_escape(c);
        if (esc) {
            put(o, esc, 2);
        } else {
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            put(o, u, sizeof(u));
        }
    }
    put(o, s + run, len - run);
    put(o, "\"", 1);
}

/* A canonical array index ("0", "17", at most 2^32 - 2)? */
static bool array_index(const char *k, size_t len, uint64_t *idx)
{
    uint64_t v = 0;
    size_t i;

    if (len == 0 || len > 10 || (len > 1 && k[0] == '0'))
        return false;
    for (i = 0; i < len; i++) {
        if (k[i] < '0' || k[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(k[i] - '0');
    }
    *idx = v;
    return v <= MAX_ARRAY_INDEX;
}

static int by_order(const void *a, const void *b)
{
    const struct member *x = a, *y = b;

    return x->order < y->order ? -1 : x->order > y->order;
}

/* Members in JS property order: array indices ascending, then the other
 * keys in insertion order. NULL when the jansson order already is that. */
static struct member *js_order(const json_t *obj, size_t count)
{
    struct member *m = NULL;
    const char *key;
    json_t *val;
    size_t len, i = 0;
    uint64_t idx;
    bool any = false;

    json_object_keylen_foreach(unconst(obj), key, len, val)
    {
        any = any || array_index(key, len, &idx);
    }
    if (!any)
        return NULL;
    m = xreallocarray(NULL, count, sizeof(*m));
    json_object_keylen_foreach(unconst(obj), key, len, val)
    {
        m[i].key = key;
        m[i].len = len;
        m[i].val = val;
        m[i].order = array_index(key, len, &idx) ? idx : (1ULL << 32) + i;
        i++;
    }
    qsort(m, count, sizeof(*m), by_order);
    return m;
}

static void dump_member(struct out *o, const char *key, size_t len,
                        const json_t *val, int depth, bool first)
{
    if (!first)
        put(o, ",", 1);
    put_newline(o, depth + 1);
    dump_string(o, key, len);
    put(o, o->indent ? ": " : ":", o->indent ? 2 : 1);
    dump_value(o, val, depth + 1);
}

static void dump_object(struct out *o, const json_t *obj, int depth)
{
    size_t count = json_object_size(obj), i = 0;
    struct member *m;

    if (count == 0) {
        put(o, "{}", 2);
        return;
    }
    put(o, "{", 1);
    m = js_order(obj, count);
    if (m) {
        for (i = 0; i < count; i++)
            dump_member(o, m[i].key, m[i].len, m[i].val, depth, i == 0);
        free(m);
    } else {
        const char *key;
        size_t len;
        json_t *val;
        json_object_keylen_foreach(unconst(obj), key, len, val)
        {
            dump_member(o, key, len, val, depth, i++ == 0);
        }
    }
    put_newline(o, depth);
    put(o, "}", 1);
}

static void dump_array(struct out *o, const json_t *arr, int depth)
{
    size_t i, count = json_array_size(arr);

    if (count == 0) {
        put(o, "[]", 2);
        return;
    }
    put(o, "[", 1);
    for (i = 0; i < count; i++) {
        if (i)
            put(o, ",", 1);
        put_newline(o, depth + 1);
        dump_value(o, json_array_get(arr, i), depth + 1);
    }
    put_newline(o, depth);
    put(o, "]", 1);
}

static void dump_number(struct out *o, const json_t *v)
{
    char tmp[40];

    if (json_is_integer(v)) {
        if (o->rc == 0)
            o->rc = buf_add_int(o->b, (long long)json_integer_value(v));
        return;
    }
    if (!isfinite(json_real_value(v)))
        str_copy(tmp, sizeof(tmp), "null"); /* as JSON.stringify does */
    else
        jsonx_format_double(json_real_value(v), tmp, sizeof(tmp));
    put(o, tmp, strlen(tmp));
}

static int dump_value(struct out *o, const json_t *v, int depth)
{
    if (depth > DUMP_MAX_DEPTH && o->rc == 0)
        o->rc = OC_ETOOBIG;
    if (o->rc)
        return o->rc;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        dump_object(o, v, depth);
        break;
    case JSON_ARRAY:
        dump_array(o, v, depth);
        break;
    case JSON_STRING:
        dump_string(o, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        dump_number(o, v);
        break;
    case JSON_TRUE:
        put(o, "true", 4);
        break;
    case JSON_FALSE:
        put(o, "false", 5);
        break;
    default:
        put(o, "null", 4);
        break;
    }
    return o->rc;
}

int jsonx_dump(const json_t *v, int indent, struct buf *out)
{
    struct out o = {out, 0, 0};
    size_t start = out->len;

    if (!v)
        BUG("jsonx_dump of a NULL value");
    o.indent = indent < 0 ? 0 : indent > MAX_INDENT ? MAX_INDENT : indent;
    if (dump_value(&o, v, 0))
        buf_truncate(out, start);
    return o.rc;
}

int jsonx_dump_string(const char *s, size_t len, struct buf *out)
{
    struct out o = {out, 0, 0};
    size_t start = out->len;

    dump_string(&o, s, len);
    if (o.rc)
        buf_truncate(out, start);
    return o.rc;
}

char *jsonx_dumps(const json_t *v, int indent)
{
    struct buf b;

    buf_init(&b, 0);
    if (jsonx_dump(v, indent, &b)) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

json_t *jsonx_text_block(const char *text)
{
    json_t *t = text ? json_string(text) : NULL, *o;

    if (!t)
        return NULL;
    o = json_object();
    json_object_set_new(o, "type", json_string_nocheck("text"));
    json_object_set_new(o, "text", t);
    return o;
}

const char *jsonx_type_name(const json_t *v)
{
    if (!v)
        return "undefined";
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static json_t *member(const json_t *obj, const char *key)
{
    return json_is_object(obj) && key ? json_object_get(obj, key) : NULL;
}

const char *jsonx_get_str(const json_t *obj, const char *key)
{
    return json_string_value(member(obj, key));
}

json_t *jsonx_get_obj(const json_t *obj, const char *key)
{
    json_t *v = member(obj, key);

    return json_is_object(v) ? v : NULL;
}

json_t *jsonx_obj_at(json_t *obj, const char *key)
{
    json_t *c = json_object_get(obj, key);

    if (!json_is_object(c)) {
        c = json_object();
        json_object_set_new(obj, key, c);
    }
    return c;
}

json_t *jsonx_get_arr(const json_t *obj, const char *key)
{
    json_t *v = member(obj, key);

    return json_is_array(v) ? v : NULL;
}

bool jsonx_get_bool(const json_t *obj, const char *key, bool dflt)
{
    json_t *v = member(obj, key);

    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

int jsonx_get_int(const json_t *obj, const char *key, int64_t *out)
{
    json_t *v = member(obj, key);
    double d;

    if (!v)
        return OC_ENOENT;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return 0;
    }
    if (!json_is_real(v))
        return OC_EINVAL;
    d = json_real_value(v);
    /* [-2^63, 2^63): the doubles that convert to int64 without overflow */
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) ||
        (double)(int64_t)d != d)
        return OC_EINVAL;
    *out = (int64_t)d;
    return 0;
}

/* dst's member key as an object we may modify: a shared one is replaced
 * by a shallow copy first, so other holders never see the merge. */
static json_t *own_object(json_t *dst, const char *key, size_t len, json_t *cur)
{
    json_t *copy;

    if (cur->refcount == 1)
        return cur;
    copy = json_copy(cur);
    json_object_setn_new_nocheck(dst, key, len, copy);
    return copy;
}

void jsonx_merge(json_t *dst, const json_t *src)
{
    const char *key;
    size_t len;
    json_t *val;

    if (!json_is_object(dst) || !json_is_object(src) || dst == src)
        return;
    json_object_keylen_foreach(unconst(src), key, len, val)
    {
        json_t *cur = json_object_getn(dst, key, len);
        if (json_is_object(cur) && json_is_object(val))
            jsonx_merge(own_object(dst, key, len, cur), val);
        else
            json_object_setn_nocheck(dst, key, len, val);
    }
}
