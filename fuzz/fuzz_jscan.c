/*
 * Fuzz json/jscan.c against jansson: whatever jscan accepts, json_loadb
 * (flags 0, as the stream assemblers call it) must accept too, with the
 * same members: for every key, the last value jscan saw has the same
 * type, and strings and integers the same value; an array's elements
 * (jscan_elements) are as many, of the same types. Anything jansson
 * refuses, jscan must refuse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "json/jscan.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MEMBERS 16

static int same_kind(const json_t *v, enum jscan_kind k)
{
    switch (k) {
    case JSCAN_STRING:
        return json_is_string(v);
    case JSCAN_INT:
        return json_is_integer(v);
    case JSCAN_OBJECT:
        return json_is_object(v);
    case JSCAN_ARRAY:
        return json_is_array(v);
    case JSCAN_TRUE:
        return json_is_true(v);
    case JSCAN_FALSE:
        return json_is_false(v);
    case JSCAN_NULL:
        return json_is_null(v);
    }
    return 0;
}

static void check_elements(const struct jscan_member *m, const json_t *arr)
{
    struct jscan_member e[MAX_MEMBERS];
    int n = jscan_elements(m, e, MAX_MEMBERS), i;

    if (n < 0) {
        if (json_array_size(arr) <= MAX_MEMBERS)
            abort();
        return;
    }
    if ((size_t)n != json_array_size(arr))
        abort();
    for (i = 0; i < n; i++)
        if (e[i].key || !same_kind(json_array_get(arr, (size_t)i), e[i].kind))
            abort();
}

static void check_member(const json_t *doc, const struct jscan_member *all,
                         int count, const struct jscan_member *m)
{
    char key[256];
    const struct jscan_member *last;
    json_t *v;
    struct buf s;
    int64_t i;

    if (m->key_len >= sizeof(key))
        return;
    memcpy(key, m->key, m->key_len);
    key[m->key_len] = '\0';
    if (strlen(key) != m->key_len)
        abort(); /* jscan took a key with a NUL byte in it */
    last = jscan_get(all, count, key);
    v = json_object_get(doc, key);
    if (!last || !v || !same_kind(v, last->kind))
        abort();
    if (last->kind == JSCAN_STRING) {
        buf_init(&s, 0);
        if (jscan_string(last, &s) != 0 || s.len != json_string_length(v) ||
            memcmp(s.p, json_string_value(v), s.len) != 0 ||
            !jscan_str_is(last, s.p))
            abort();
        buf_release(&s);
    } else if (last->kind == JSCAN_INT) {
        if (jscan_int(last, &i) != 0 || i != json_integer_value(v))
            abort();
    } else if (last->kind == JSCAN_ARRAY) {
        check_elements(last, v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jscan_member m[MAX_MEMBERS];
    int count = jscan_object((const char *)data, size, m, MAX_MEMBERS), i;
    json_t *doc;

    if (count < 0)
        return 0;
    doc = json_loadb((const char *)data, size, 0, NULL);
    if (!json_is_object(doc))
        abort(); /* jscan accepted what jansson refuses */
    for (i = 0; i < count; i++)
        check_member(doc, m, count, &m[i]);
    if (json_object_size(doc) > (size_t)count)
        abort();
    json_decref(doc);
    return 0;
}
