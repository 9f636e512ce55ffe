/*
 * libFuzzer target for json5_parse and jsonx_dump: any input that parses
 * must dump (compact and indented) to text that parses back to an equal
 * value. Numbers compare by their double values, since a real -0.0 dumps
 * as "0" and 1.0 reads back as the integer 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

#define MAX_INPUT ((size_t)64 << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool equal(const json_t *a, const json_t *b);

static bool equal_objects(const json_t *a, const json_t *b)
{
    /* jansson iterates objects only through non-const pointers */
    json_t *obj = (json_t *)(uintptr_t)a;
    const char *key;
    size_t len;
    json_t *v;

    if (json_object_size(a) != json_object_size(b))
        return false;
    json_object_keylen_foreach(obj, key, len, v)
    {
        if (!equal(v, json_object_getn(b, key, len)))
            return false;
    }
    return true;
}

static bool equal_arrays(const json_t *a, const json_t *b)
{
    size_t i, n = json_array_size(a);

    if (n != json_array_size(b))
        return false;
    for (i = 0; i < n; i++) {
        if (!equal(json_array_get(a, i), json_array_get(b, i)))
            return false;
    }
    return true;
}

static bool equal(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return false;
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_OBJECT:
        return equal_objects(a, b);
    case JSON_ARRAY:
        return equal_arrays(a, b);
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b),
                      json_string_length(a)) == 0;
    default:
        return true;
    }
}

static void round_trip(const json_t *v, int indent)
{
    struct buf out;
    struct json5_error err;
    json_t *back;

    buf_init(&out, 0);
    if (jsonx_dump(v, indent, &out) != 0) {
        fprintf(stderr, "fuzz_json5: dump failed\n");
        abort();
    }
    back = json5_parse(out.p, out.len, NULL, NULL, &err);
    if (!back) {
        fprintf(stderr, "fuzz_json5: dump does not parse: %s at %d:%d\n%s\n",
                err.text, err.line, err.column, out.p);
        abort();
    }
    if (!equal(v, back)) {
        fprintf(stderr, "fuzz_json5: value changed by round trip\n%s\n", out.p);
        abort();
    }
    json_decref(back);
    buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json5_info info;
    struct json5_error err;
    json_t *v;

    if (size > MAX_INPUT)
        size = MAX_INPUT;
    v = json5_parse((const char *)data, size, NULL, &info, &err);
    if (!v) {
        if (err.line < 1 || err.column < 1 || err.offset > size ||
            err.text[0] == '\0')
            abort();
        return 0;
    }
    round_trip(v, 0);
    round_trip(v, 2);
    json_decref(v);
    return 0;
}
