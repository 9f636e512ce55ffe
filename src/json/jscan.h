/*
 * jscan: read one flat-enough JSON object without building a tree.
 *
 * For the events a model stream sends by the hundred (text deltas): one
 * pass that validates the whole text and notes where each top-level
 * member's key and value are. It takes a strict subset of what jansson's
 * json_loadb (flags 0) accepts, and where it accepts, the values it
 * reports are the ones jansson would build. It refuses (returns -1), so
 * the caller falls back to jansson, on anything invalid and on anything
 * it does not read itself:
 *   - a top level that is not an object, or more than max members;
 *   - a key with an escape in it;
 *   - a number that is not a plain integer within int64 (no fraction, no
 *     exponent), anywhere in the text;
 *   - a string holding \u0000 (jansson refuses those too);
 *   - nesting deeper than JSCAN_MAX_DEPTH.
 * Strings must be valid UTF-8 without control characters, as jansson
 * requires (no overlongs, no surrogates, nothing above U+10FFFF), and
 * \u escapes must pair surrogates.
 */
#ifndef OC_JSON_JSCAN_H
#define OC_JSON_JSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define JSCAN_MAX_DEPTH 32

enum jscan_kind {
    JSCAN_STRING,
    JSCAN_INT,
    JSCAN_OBJECT,
    JSCAN_ARRAY,
    JSCAN_TRUE,
    JSCAN_FALSE,
    JSCAN_NULL
};

/* A member: the key between its quotes (never escaped) and the value's
 * text (a string's includes its quotes). Both point into the scanned
 * text. */
struct jscan_member {
    const char *key;
    size_t key_len;
    const char *val;
    size_t val_len;
    enum jscan_kind kind;
};

/* Scan p[0..n) as one JSON object (whitespace around it allowed) into
 * m[0..max): the member count, or -1 (see above). */
int jscan_object(const char *p, size_t n, struct jscan_member *m, int max);

/* The elements of array member m, as members without keys (key NULL),
 * into e[0..max): the count, or -1 when m is not an array or has more
 * than max elements. */
int jscan_elements(const struct jscan_member *m, struct jscan_member *e,
                   int max);

/* The last member called key (a duplicate key's value is the last one,
 * as in jansson), or NULL. */
const struct jscan_member *jscan_get(const struct jscan_member *m, int count,
                                     const char *key);

/* True when m is a string whose decoded value is exactly s. */
int jscan_str_is(const struct jscan_member *m, const char *s);

/* Append the decoded value of string member m to out: 0, -1 when m is
 * not a string, or OC_ETOOBIG from out (out then as it was). */
int jscan_string(const struct jscan_member *m, struct buf *out);

/* An integer member's value: 0, or -1 when m is not one. */
int jscan_int(const struct jscan_member *m, int64_t *out);

#endif
