/*
 * jansson helpers: a serializer that writes exactly what Node's
 * JSON.stringify(value, null, indent) writes (so files we and the
 * TypeScript OpenClaw write diff cleanly), typed getters, and deep merge.
 *
 * Serializer rules (JSON.stringify): objects/arrays one member per line
 * with `indent` spaces per level, "key": value with one space, empty
 * containers as {} and []; indent 0 is the compact form with no spaces
 * (like JSON.stringify, indent is clamped to [0, 10]). Object members come
 * in JS property order: keys that are array indices ("0".."4294967294",
 * no leading zeros) first in ascending numeric order, then the others in
 * jansson's insertion order.
 * Strings escape only '"', '\\', \b \f \n \r \t and other code points below
 * U+0020 as \u00xx (lower-case hex); everything else is written as UTF-8.
 * Integers print in decimal; reals print as JavaScript's Number#toString
 * (shortest round-trip digits; exponent form "1e+21"/"1e-7" outside
 * [1e-6, 1e21); -0 prints as 0).
 */
#ifndef OC_JSON_JSONX_H
#define OC_JSON_JSONX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/*
 * Append the serialization of v (not NULL) to out; 0, or OC_ETOOBIG when
 * out's cap is hit or v nests deeper than 4096 levels (out is then left as
 * it was).
 */
int jsonx_dump(const json_t *v, int indent, struct buf *out);
/* Serialization as a new string (caller frees); NULL on OC_ETOOBIG (the
 * default buf cap, 64 MiB). */
char *jsonx_dumps(const json_t *v, int indent);
/* Append s[0..len) (valid UTF-8) as the serializer writes a string,
 * quotes included: 0, or OC_ETOOBIG (out then as it was). */
int jsonx_dump_string(const char *s, size_t len, struct buf *out);

/* JavaScript Number#toString of d into out (at least 32 bytes). */
void jsonx_format_double(double d, char *out, size_t outsz);

/* {"type": "text", "text": text}, the text block of the Anthropic and
 * pi-ai message formats; NULL, as json_pack gives, when text is NULL or
 * not UTF-8. Built without json_pack, which parses its format each time
 * (this is on every request's path). */
json_t *jsonx_text_block(const char *text);

/* "string", "number", "boolean", "object", "array" or "null";
 * "undefined" for NULL (a missing member). */
const char *jsonx_type_name(const json_t *v);

/* Borrowed member of the requested type, or NULL (missing/other type). */
const char *jsonx_get_str(const json_t *obj, const char *key);
json_t *jsonx_get_obj(const json_t *obj, const char *key);
json_t *jsonx_get_arr(const json_t *obj, const char *key);
/* The object member key of obj (an object), created empty (replacing a
 * non-object value) when needed: for building config paths. */
json_t *jsonx_obj_at(json_t *obj, const char *key);
/* The member as a bool, or dflt when missing or not a boolean. */
bool jsonx_get_bool(const json_t *obj, const char *key, bool dflt);
/* 0 and *out set; OC_ENOENT when missing; OC_EINVAL when not an integer
 * (a real with an integral value counts as one). */
int jsonx_get_int(const json_t *obj, const char *key, int64_t *out);

/*
 * Deep merge src into dst: for keys present in both where both values are
 * objects, merge recursively; otherwise src's value replaces dst's (arrays
 * are replaced, not concatenated). Keys new to dst are appended in src's
 * order. src is not modified; values are shared by reference, and an
 * object in dst that is shared (refcount > 1) is shallow-copied before a
 * merge writes into it, so merging never changes an earlier src. No-op
 * unless both are objects.
 */
void jsonx_merge(json_t *dst, const json_t *src);

#endif
