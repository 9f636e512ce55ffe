/*
 * JSON5 text to jansson values: a recursive-descent parser over (p, n)
 * with an explicit depth limit. This file holds the grammar (values,
 * objects, arrays, numbers); json5_lex.c holds the lexical layer.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "json/json5.h"
#include "json/json5_lex.h"
#include "base/banned.h"

/* Recursion is bounded by this whatever the caller asks for. */
#define HARD_MAX_DEPTH 1000
/* Exponents are saturated here; far past any double's range. */
#define EXP_CAP 1000000000LL
/* Largest magnitude (2^53) below which integral reals become integers. */
#define EXACT_INT_MAX 9007199254740992.0

/* A scanned number literal; offsets index the input. */
struct numlit {
    size_t start; /* first byte (sign included) */
    bool neg;
    bool hex;
    size_t int_at, int_len; /* integer digits (hex digits when hex) */
    size_t frac_at, frac_len;
    bool has_frac, has_exp;
    long long exp;
};

static json_t *parse_value(struct json5_parser *ps, int depth);

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
    return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static unsigned char peek(const struct json5_parser *ps)
{
    return ps->pos < ps->n ? ps->p[ps->pos] : 0;
}

static size_t skip_digits(struct json5_parser *ps, bool hex)
{
    size_t start = ps->pos;

    while (ps->pos < ps->n &&
           (hex ? is_hex(ps->p[ps->pos]) : is_digit(ps->p[ps->pos])))
        ps->pos++;
    return ps->pos - start;
}

/* Does the input at ps->pos spell word? */
static bool at_word(const struct json5_parser *ps, const char *word)
{
    size_t len = strlen(word);

    return ps->n - ps->pos >= len && memcmp(ps->p + ps->pos, word, len) == 0;
}

/* true/false/null: the whole word or an error at the first wrong byte. */
static json_t *parse_word(struct json5_parser *ps, const char *word, json_t *v)
{
    size_t i;

    for (i = 0; word[i]; i++) {
        if (ps->pos + i >= ps->n ||
            ps->p[ps->pos + i] != (unsigned char)word[i]) {
            json5_lex_fail_char(ps, ps->pos + i);
            return NULL;
        }
    }
    ps->pos += i;
    return v;
}

/* After the sign: NaN and Infinity get a message of their own. */
static int reject_nonfinite(struct json5_parser *ps, size_t start)
{
    if (at_word(ps, "NaN"))
        return json5_lex_fail(ps, start,
                              "NaN is not supported "
                              "(JSON cannot represent it)");
    if (at_word(ps, "Infinity"))
        return json5_lex_fail(ps, start,
                              "Infinity is not supported "
                              "(JSON cannot represent it)");
    return json5_lex_fail_char(ps, ps->pos);
}

static int scan_exponent(struct json5_parser *ps, struct numlit *lit)
{
    bool neg = false;
    long long e = 0;

    ps->pos++;
    if (peek(ps) == '+' || peek(ps) == '-')
        neg = ps->p[ps->pos++] == '-';
    if (!is_digit(peek(ps)))
        return ps->pos >= ps->n
                   ? json5_lex_fail_char(ps, ps->pos)
                   : json5_lex_fail(ps, ps->pos,
                                    "expected a digit in the exponent");
    while (is_digit(peek(ps))) {
        e = e * 10 + (ps->p[ps->pos++] - '0');
        if (e > EXP_CAP)
            e = EXP_CAP;
    }
    lit->has_exp = true;
    lit->exp = neg ? -e : e;
    return 0;
}

/* Decimal part after an optional sign: int, fraction, exponent. */
static int scan_decimal(struct json5_parser *ps, struct numlit *lit)
{
    lit->int_at = ps->pos;
    lit->int_len = skip_digits(ps, false);
    if (lit->int_len > 1 && ps->p[lit->int_at] == '0')
        return json5_lex_fail(ps, lit->start, "leading zeros are not allowed");
    if (peek(ps) == '.') {
        size_t dot = ps->pos++;
        lit->has_frac = true;
        lit->frac_at = ps->pos;
        lit->frac_len = skip_digits(ps, false);
        if (lit->int_len == 0 && lit->frac_len == 0)
            return json5_lex_fail(ps, dot, "expected a digit after '.'");
    }
    if (peek(ps) == 'e' || peek(ps) == 'E')
        return scan_exponent(ps, lit);
    return 0;
}

static int scan_number(struct json5_parser *ps, struct numlit *lit)
{
    unsigned char c;

    memset(lit, 0, sizeof(*lit));
    lit->start = ps->pos;
    c = peek(ps);
    if (c == '+' || c == '-') {
        lit->neg = c == '-';
        ps->pos++;
        c = peek(ps);
    }
    if (c == 'N' || c == 'I')
        return reject_nonfinite(ps, lit->start);
    if (c == '0' && ps->pos + 1 < ps->n && (ps->p[ps->pos + 1] | 0x20) == 'x') {
        ps->pos += 2;
        lit->hex = true;
        lit->int_at = ps->pos;
        lit->int_len = skip_digits(ps, true);
        if (lit->int_len == 0)
            return ps->pos >= ps->n
                       ? json5_lex_fail_char(ps, ps->pos)
                       : json5_lex_fail(ps, ps->pos,
                                        "expected a hex digit after '0x'");
        return 0;
    }
    if (!is_digit(c) && c != '.')
        return json5_lex_fail_char(ps, ps->pos);
    return scan_decimal(ps, lit);
}

/* Magnitude of the integer digits; false when it does not fit uint64. */
static bool int_magnitude(const struct json5_parser *ps,
                          const struct numlit *lit, uint64_t *out)
{
    uint64_t v = 0, base = lit->hex ? 16 : 10;
    size_t i;

    for (i = 0; i < lit->int_len; i++) {
        unsigned char c = ps->p[lit->int_at + i];
        uint64_t d = is_digit(c) ? (uint64_t)(c - '0')
                                 : (uint64_t)((c | 0x20) - 'a' + 10);
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* An integer literal that fits int64, else NULL (not an error). */
static json_t *exact_integer(const struct json5_parser *ps,
                             const struct numlit *lit)
{
    uint64_t m;

    if (lit->has_frac || lit->has_exp || !int_magnitude(ps, lit, &m))
        return NULL;
    if (!lit->neg && m <= (uint64_t)INT64_MAX)
        return json_integer((json_int_t)m);
    if (lit->neg && m <= (uint64_t)INT64_MAX + 1)
        return json_integer(m == 0 ? 0 : -(json_int_t)(m - 1) - 1);
    return NULL;
}

/*
 * The literal's double value, correctly rounded by strtod. The text is
 * rewritten without a decimal point ("1.25e2" -> "125e0") so the result
 * does not depend on the locale's radix character.
 */
static double literal_double(struct json5_parser *ps, const struct numlit *lit)
{
    struct buf *b = &ps->scratch;

    buf_reset(b);
    if (lit->neg)
        buf_addch(b, '-');
    if (lit->hex)
        buf_add(b, "0x", 2);
    buf_add(b, ps->p + lit->int_at, lit->int_len);
    if (!lit->hex) {
        buf_add(b, ps->p + lit->frac_at, lit->frac_len);
        buf_addf(b, "e%lld", lit->exp - (long long)lit->frac_len);
    }
    return strtod(b->p, NULL);
}

static json_t *parse_number(struct json5_parser *ps)
{
    struct numlit lit;
    json_t *v;
    double d;

    if (scan_number(ps, &lit))
        return NULL;
    v = exact_integer(ps, &lit);
    if (v)
        return v;
    d = literal_double(ps, &lit);
    if (isinf(d)) {
        json5_lex_fail(ps, lit.start,
                       "number too large "
                       "(JSON cannot represent Infinity)");
        return NULL;
    }
    if (d >= -EXACT_INT_MAX && d <= EXACT_INT_MAX && (double)(json_int_t)d == d)
        return json_integer((json_int_t)d);
    return json_real(d);
}

static json_t *parse_string(struct json5_parser *ps)
{
    const char *s;
    size_t len;

    if (json5_lex_string(ps, &s, &len))
        return NULL;
    return json_stringn_nocheck(s, len);
}

/* "expected ..." at ps->pos, or the end-of-input message there. */
static json_t *fail_expected(struct json5_parser *ps, const char *what)
{
    if (ps->pos >= ps->n)
        json5_lex_fail(ps, ps->pos, "unexpected end of input");
    else
        json5_lex_fail(ps, ps->pos, "expected %s", what);
    return NULL;
}

static bool too_deep(struct json5_parser *ps, int depth)
{
    if (depth <= ps->max_depth)
        return false;
    json5_lex_fail(ps, ps->pos, "nesting deeper than %d levels", ps->max_depth);
    return true;
}

/* A property name, copied when it lives in the scratch buffer (which the
 * value is about to reuse). */
static int parse_key(struct json5_parser *ps, const char **key, size_t *len,
                     char **owned)
{
    unsigned char c = ps->p[ps->pos];
    int rc;

    if (c == '"' || c == '\'')
        rc = json5_lex_string(ps, key, len);
    else
        rc = json5_lex_ident(ps, key, len);
    if (rc)
        return -1;
    if (*key == ps->scratch.p) {
        *owned = xmemdupz(*key, *len);
        *key = *owned;
    }
    return 0;
}

/* One "key: value" member into obj. */
static int parse_member(struct json5_parser *ps, json_t *obj, int depth)
{
    const char *key;
    char *owned = NULL;
    size_t len;
    json_t *v = NULL;

    if (parse_key(ps, &key, &len, &owned))
        return -1;
    if (json5_lex_skip(ps))
        goto out;
    if (peek(ps) != ':') {
        fail_expected(ps, "':' after property name");
        goto out;
    }
    ps->pos++;
    if (json5_lex_skip(ps))
        goto out;
    v = parse_value(ps, depth);
    if (v)
        json_object_setn_new_nocheck(obj, key, len, v);
out:
    free(owned);
    return v ? 0 : -1;
}

static json_t *parse_object(struct json5_parser *ps, int depth)
{
    json_t *obj;

    if (too_deep(ps, depth))
        return NULL;
    obj = json_object();
    ps->pos++;
    for (;;) {
        if (json5_lex_skip(ps))
            break;
        if (peek(ps) == '}') {
            ps->pos++;
            return obj;
        }
        if (ps->pos >= ps->n) {
            json5_lex_fail_char(ps, ps->pos);
            break;
        }
        if (parse_member(ps, obj, depth) || json5_lex_skip(ps))
            break;
        if (peek(ps) == ',') {
            ps->pos++;
            continue;
        }
        if (peek(ps) != '}') {
            fail_expected(ps, "',' or '}' after property value");
            break;
        }
    }
    json_decref(obj);
    return NULL;
}

static json_t *parse_array(struct json5_parser *ps, int depth)
{
    json_t *arr;

    if (too_deep(ps, depth))
        return NULL;
    arr = json_array();
    ps->pos++;
    for (;;) {
        json_t *v;
        if (json5_lex_skip(ps))
            break;
        if (peek(ps) == ']') {
            ps->pos++;
            return arr;
        }
        v = parse_value(ps, depth);
        if (!v)
            break;
        json_array_append_new(arr, v);
        if (json5_lex_skip(ps))
            break;
        if (peek(ps) == ',') {
            ps->pos++;
            continue;
        }
        if (peek(ps) != ']') {
            fail_expected(ps, "',' or ']' after array element");
            break;
        }
    }
    json_decref(arr);
    return NULL;
}

static json_t *parse_value(struct json5_parser *ps, int depth)
{
    unsigned char c = peek(ps);

    if (ps->pos >= ps->n) {
        json5_lex_fail_char(ps, ps->pos);
        return NULL;
    }
    switch (c) {
    case '{':
        return parse_object(ps, depth + 1);
    case '[':
        return parse_array(ps, depth + 1);
    case '"':
    case '\'':
        return parse_string(ps);
    case 't':
        return parse_word(ps, "true", json_true());
    case 'f':
        return parse_word(ps, "false", json_false());
    case 'n':
        return parse_word(ps, "null", json_null());
    default:
        break;
    }
    if (is_digit(c) || c == '+' || c == '-' || c == '.' || c == 'N' || c == 'I')
        return parse_number(ps);
    json5_lex_fail_char(ps, ps->pos);
    return NULL;
}

static void parser_init(struct json5_parser *ps, const char *p, size_t n,
                        const struct json5_opts *opts)
{
    int depth =
        opts && opts->max_depth > 0 ? opts->max_depth : JSON5_DEFAULT_MAX_DEPTH;

    memset(ps, 0, sizeof(*ps));
    ps->p = (const unsigned char *)p;
    ps->n = p ? n : 0;
    ps->max_depth = depth < HARD_MAX_DEPTH ? depth : HARD_MAX_DEPTH;
    /* Unescaped strings and rewritten numbers never outgrow the input. */
    buf_init(&ps->scratch, st_add(n, 64));
}

json_t *json5_parse(const char *p, size_t n, const struct json5_opts *opts,
                    struct json5_info *info, struct json5_error *err)
{
    struct json5_parser ps;
    json_t *v = NULL;

    parser_init(&ps, p, n, opts);
    if (json5_lex_skip(&ps) == 0)
        v = parse_value(&ps, 0);
    if (v && json5_lex_skip(&ps) == 0 && ps.pos < ps.n)
        json5_lex_fail(&ps, ps.pos, "unexpected text after the value");
    if (ps.failed) {
        json_decref(v);
        v = NULL;
        if (err) {
            *err = ps.e;
            json5_lex_locate(ps.p, ps.e.offset, &err->line, &err->column);
        }
    } else if (info) {
        info->had_comments = ps.had_comments;
    }
    buf_release(&ps.scratch);
    return v;
}
