/*
 * JSON5 (https://spec.json5.org/) parsed into jansson values.
 *
 * Accepts everything JSON5 does: // and block comments, trailing commas,
 * identifier keys (ASCII [A-Za-z_$][A-Za-z0-9_$]*, \uXXXX escapes, and any
 * non-ASCII code point that is not whitespace: a documented superset of
 * ECMAScript IdentifierName), single- and double-quoted strings with all
 * JSON5 escapes (\x, \0, \v, \u with surrogate pairs, line continuations),
 * hex numbers, leading/trailing decimal points, explicit '+', and the extra
 * JSON5 whitespace (NBSP, U+2028/2029, BOM, Unicode Zs).
 *
 * Differences from the npm json5 package, all deliberate:
 *   - NaN and Infinity are rejected with a clear message (JSON, jansson and
 *     our files cannot represent them), and so are numbers too large for a
 *     double (1e400), which JS reads as Infinity;
 *   - unpaired UTF-16 surrogates from \u escapes and invalid UTF-8 are
 *     rejected (jansson strings are UTF-8);
 *   - integers written without fraction or exponent that fit in int64 keep
 *     full precision (JS rounds above 2^53);
 *   - nesting is limited (json5_opts.max_depth);
 *   - identifier names accept any non-ASCII non-space code point, where
 *     npm json5 wants Unicode ID_Start/ID_Continue.
 * Numbers: integer literals (decimal or hex) that fit int64 become
 * json_integer; any other number that is integral with |v| <= 2^53 also
 * becomes json_integer (so "1.0" and "1e3" write back as 1 and 1000, as
 * JSON.stringify does); everything else is json_real.
 * Duplicate keys: the last value wins, at the first key's position (as
 * JSON.parse does).
 * Errors: err->text is one lower-case message, problem first. The
 * position is where the problem is (the offending character, or the end
 * of input), except for "unterminated string" and "unterminated comment",
 * which point at the opening quote or comment opener. Lines break at LF,
 * CR, CRLF (one break), U+2028 and U+2029.
 *
 * Tested in tests/unit/test_json5.c (conformance), fuzz/fuzz_json5.c, and
 * against npm json5 by scripts/json5-diff.sh.
 */
#ifndef OC_JSON_JSON5_H
#define OC_JSON_JSON5_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define JSON5_DEFAULT_MAX_DEPTH 128

struct json5_opts {
    int max_depth; /* nesting limit for objects+arrays; <= 0 means the
                      default; values above 1000 count as 1000 */
};

struct json5_info {
    bool had_comments; /* the text contained at least one comment */
};

struct json5_error {
    int line;       /* 1-based line of the problem */
    int column;     /* 1-based column, counted in code points */
    size_t offset;  /* byte offset of the problem */
    char text[200]; /* "expected ',' or '}' after property value", ... */
};

/*
 * Parse p[0..n) (need not be NUL-terminated; p may be NULL when n is 0).
 * Returns a new reference (the caller json_decref's it) with *info filled
 * in, or NULL with *err filled in; the other out-parameter is left alone.
 * opts, info and err may each be NULL.
 */
json_t *json5_parse(const char *p, size_t n, const struct json5_opts *opts,
                    struct json5_info *info, struct json5_error *err);

#endif
