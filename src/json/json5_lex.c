/*
 * The lexical half of the JSON5 parser: strict UTF-8 decoding, whitespace
 * and comments, string literals with every JSON5 escape, identifier
 * property names, and error messages with line/column positions. Spans
 * are scanned in place; only strings with escapes are copied.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json/json5_lex.h"
#include "base/str.h"
#include "base/banned.h"

/* Decoder state for one string literal or identifier. */
struct esc_state {
    size_t str_start; /* offset of the opening quote */
    uint32_t hi;      /* pending high surrogate from \u, or 0 */
    size_t hi_at;     /* offset of its backslash */
};

bool json5_lex_is_space(uint32_t cp)
{
    switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

int json5_lex_fail(struct json5_parser *ps, size_t at, const char *fmt, ...)
{
    va_list ap;

    if (ps->failed)
        return -1;
    ps->failed = true;
    ps->e.offset = at;
    va_start(ap, fmt);
    vsnprintf(ps->e.text, sizeof(ps->e.text), fmt, ap);
    va_end(ap);
    return -1;
}

int json5_lex_fail_char(struct json5_parser *ps, size_t at)
{
    uint32_t cp;

    if (at >= ps->n)
        return json5_lex_fail(ps, at, "unexpected end of input");
    if (!str_utf8_decode((const char *)ps->p + at, ps->n - at, &cp))
        return json5_lex_fail(ps, at, "invalid UTF-8");
    if (cp > 0x20 && cp < 0x7F)
        return json5_lex_fail(ps, at, "unexpected character '%c'", (int)cp);
    return json5_lex_fail(ps, at, "unexpected character U+%04X", (unsigned)cp);
}

void json5_lex_locate(const unsigned char *p, size_t at, int *line, int *column)
{
    int l = 1, c = 1;
    size_t i;

    for (i = 0; i < at; i++) {
        unsigned char b = p[i];
        if (b == '\r' || (b == '\n' && (i == 0 || p[i - 1] != '\r'))) {
            l++;
            c = 1;
        } else if (b == 0xE2 && i + 2 < at && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
            l++;
            c = 1;
            i += 2;
        } else if (b != '\n' && (b & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}

/* Validate and skip non-ASCII text at ps->pos; stops before U+2028/9 when
 * stop_at_break. 0, or -1 on invalid UTF-8. */
static int skip_code_point(struct json5_parser *ps, bool stop_at_break,
                           bool *stopped)
{
    uint32_t cp;
    size_t len =
        str_utf8_decode((const char *)ps->p + ps->pos, ps->n - ps->pos, &cp);

    if (!len)
        return json5_lex_fail(ps, ps->pos, "invalid UTF-8");
    if (stop_at_break && (cp == 0x2028 || cp == 0x2029)) {
        *stopped = true;
        return 0;
    }
    ps->pos += len;
    return 0;
}

static int skip_line_comment(struct json5_parser *ps)
{
    bool stopped = false;

    while (ps->pos < ps->n && !stopped) {
        unsigned char c = ps->p[ps->pos];
        if (c == '\n' || c == '\r')
            return 0;
        if (c < 0x80)
            ps->pos++;
        else if (skip_code_point(ps, true, &stopped))
            return -1;
    }
    return 0;
}

static int skip_block_comment(struct json5_parser *ps, size_t start)
{
    while (ps->pos < ps->n) {
        unsigned char c = ps->p[ps->pos];
        if (c == '*' && ps->pos + 1 < ps->n && ps->p[ps->pos + 1] == '/') {
            ps->pos += 2;
            return 0;
        }
        if (c < 0x80)
            ps->pos++;
        else if (skip_code_point(ps, false, NULL))
            return -1;
    }
    return json5_lex_fail(ps, start, "unterminated comment");
}

static int skip_comment(struct json5_parser *ps)
{
    size_t start = ps->pos;
    unsigned char c = start + 1 < ps->n ? ps->p[start + 1] : 0;

    if (c != '/' && c != '*')
        return json5_lex_fail_char(ps, start);
    ps->had_comments = true;
    ps->pos = start + 2;
    if (c == '/')
        return skip_line_comment(ps);
    return skip_block_comment(ps, start);
}

int json5_lex_skip(struct json5_parser *ps)
{
    while (ps->pos < ps->n) {
        unsigned char c = ps->p[ps->pos];
        uint32_t cp;
        size_t len;

        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            ps->pos++;
            continue;
        }
        if (c == '/') {
            if (skip_comment(ps))
                return -1;
            continue;
        }
        len = str_utf8_decode((const char *)ps->p + ps->pos, ps->n - ps->pos,
                              &cp);
        if (!len)
            return json5_lex_fail(ps, ps->pos, "invalid UTF-8");
        if (!json5_lex_is_space(cp))
            return 0;
        ps->pos += len;
    }
    return 0;
}

/* Read k hex digits at ps->pos into *v; false (nothing consumed) if the
 * text there is not k hex digits. */
static bool read_hex(struct json5_parser *ps, int k, uint32_t *v)
{
    uint32_t acc = 0;
    int i;

    if (ps->n - ps->pos < (size_t)k)
        return false;
    for (i = 0; i < k; i++) {
        int d = str_hex_value(ps->p[ps->pos + (size_t)i]);
        if (d < 0)
            return false;
        acc = acc * 16 + (uint32_t)d;
    }
    ps->pos += (size_t)k;
    *v = acc;
    return true;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
    char s[4];
    size_t len;

    if (cp < 0x80) {
        s[0] = (char)cp;
        len = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        len = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        len = 3;
    } else {
        s[0] = (char)(0xF0 | (cp >> 18));
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        len = 4;
    }
    /* Cannot fail: unescaped text is never longer than the input. */
    buf_add(b, s, len);
}

/* Append decoded text; a pending high surrogate must be paired first. */
static int put_text(struct json5_parser *ps, struct esc_state *st,
                    const void *s, size_t len)
{
    if (st->hi)
        return json5_lex_fail(ps, st->hi_at,
                              "unpaired surrogate in \\u escape");
    buf_add(&ps->scratch, s, len);
    return 0;
}

static int put_cp(struct json5_parser *ps, struct esc_state *st, uint32_t cp)
{
    if (put_text(ps, st, "", 0))
        return -1;
    put_utf8(&ps->scratch, cp);
    return 0;
}

/* \uXXXX in a string: surrogate pairs may come as two escapes. */
static int unicode_escape(struct json5_parser *ps, struct esc_state *st,
                          size_t at)
{
    uint32_t v;

    if (!read_hex(ps, 4, &v))
        return json5_lex_fail(ps, at,
                              "invalid escape sequence '\\u' "
                              "(expected 4 hex digits)");
    if (v >= 0xDC00 && v <= 0xDFFF) {
        if (!st->hi)
            return json5_lex_fail(ps, at, "unpaired surrogate in \\u escape");
        v = 0x10000 + ((st->hi - 0xD800) << 10) + (v - 0xDC00);
        st->hi = 0;
        return put_cp(ps, st, v);
    }
    if (v >= 0xD800 && v <= 0xDBFF) {
        if (put_text(ps, st, "", 0))
            return -1;
        st->hi = v;
        st->hi_at = at;
        return 0;
    }
    return put_cp(ps, st, v);
}

/* An escape whose character stands for itself, or a line continuation. */
static int other_escape(struct json5_parser *ps, struct esc_state *st,
                        size_t at)
{
    unsigned char c = ps->p[ps->pos];
    uint32_t cp;
    size_t len;

    if (c >= '1' && c <= '9')
        return json5_lex_fail(ps, at, "invalid escape sequence '\\%c'", c);
    if (c == '\n' || c == '\r') {
        ps->pos++;
        if (c == '\r' && ps->pos < ps->n && ps->p[ps->pos] == '\n')
            ps->pos++;
        return 0;
    }
    len = str_utf8_decode((const char *)ps->p + ps->pos, ps->n - ps->pos, &cp);
    if (!len)
        return json5_lex_fail(ps, ps->pos, "invalid UTF-8");
    if (cp == 0x2028 || cp == 0x2029) {
        ps->pos += len;
        return 0;
    }
    ps->pos += len;
    return put_text(ps, st, ps->p + ps->pos - len, len);
}

static int single_escape(struct json5_parser *ps, struct esc_state *st,
                         unsigned char c)
{
    static const char from[] = "bfnrtv";
    static const char to[] = "\b\f\n\r\t\v";
    const char *hit = strchr(from, c);

    ps->pos++;
    return put_text(ps, st, &to[hit - from], 1);
}

/* The escape at ps->pos (a backslash); appends to ps->scratch. */
static int string_escape(struct json5_parser *ps, struct esc_state *st)
{
    size_t at = ps->pos;
    unsigned char c;
    uint32_t v;

    if (++ps->pos >= ps->n)
        return json5_lex_fail(ps, st->str_start, "unterminated string");
    c = ps->p[ps->pos];
    if (c != 0 && strchr("bfnrtv", c))
        return single_escape(ps, st, c);
    if (c == '0') {
        ps->pos++;
        if (ps->pos < ps->n && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9')
            return json5_lex_fail(ps, at, "invalid escape sequence '\\0%c'",
                                  ps->p[ps->pos]);
        return put_text(ps, st, "", 1);
    }
    if (c == 'x') {
        ps->pos++;
        if (!read_hex(ps, 2, &v))
            return json5_lex_fail(ps, at,
                                  "invalid escape sequence '\\x' "
                                  "(expected 2 hex digits)");
        return put_cp(ps, st, v);
    }
    if (c == 'u') {
        ps->pos++;
        return unicode_escape(ps, st, at);
    }
    return other_escape(ps, st, at);
}

/* Advance over characters that stand for themselves in a string. */
static int scan_plain(struct json5_parser *ps, unsigned char quote)
{
    const unsigned char *p = ps->p;

    while (ps->pos < ps->n) {
        unsigned char c = p[ps->pos];
        if (c >= 0x80) {
            if (skip_code_point(ps, false, NULL))
                return -1;
            continue;
        }
        if (c == quote || c == '\\' || c == '\n' || c == '\r')
            break;
        ps->pos++;
    }
    return 0;
}

int json5_lex_string(struct json5_parser *ps, const char **s, size_t *len)
{
    unsigned char quote = ps->p[ps->pos];
    struct esc_state st = {ps->pos, 0, 0};
    size_t run = ps->pos + 1;
    bool escaped = false;

    ps->pos++;
    for (;;) {
        if (scan_plain(ps, quote))
            return -1;
        if (ps->pos >= ps->n || ps->p[ps->pos] != '\\')
            break;
        if (!escaped)
            buf_reset(&ps->scratch);
        escaped = true;
        if (ps->pos > run && put_text(ps, &st, ps->p + run, ps->pos - run))
            return -1;
        if (string_escape(ps, &st))
            return -1;
        run = ps->pos;
    }
    if (ps->pos >= ps->n || ps->p[ps->pos] != quote)
        return json5_lex_fail(ps, st.str_start, "unterminated string");
    if (escaped && put_text(ps, &st, ps->p + run, ps->pos - run))
        return -1;
    ps->pos++;
    *s = escaped ? ps->scratch.p : (const char *)ps->p + run;
    *len = escaped ? ps->scratch.len : ps->pos - 1 - run;
    return 0;
}

static bool ascii_ident(uint32_t c, bool first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '$' ||
        c == '_')
        return true;
    return !first && c >= '0' && c <= '9';
}

/* \uXXXX in an identifier: it must stand for an identifier character. */
static int ident_escape(struct json5_parser *ps, bool first)
{
    size_t at = ps->pos;
    uint32_t v;

    ps->pos++;
    if (ps->pos >= ps->n || ps->p[ps->pos] != 'u')
        return json5_lex_fail(ps, at,
                              "invalid escape in property name "
                              "(only \\uXXXX is allowed)");
    ps->pos++;
    if (!read_hex(ps, 4, &v))
        return json5_lex_fail(ps, at,
                              "invalid escape sequence '\\u' "
                              "(expected 4 hex digits)");
    if (v < 0x80 ? !ascii_ident(v, first)
                 : json5_lex_is_space(v) || (v >= 0xD800 && v <= 0xDFFF))
        return json5_lex_fail(ps, at,
                              "invalid character in property name "
                              "(\\u%04X)",
                              (unsigned)v);
    put_utf8(&ps->scratch, v);
    return 0;
}

/* Length of the raw identifier character at ps->pos; 0 if there is none,
 * -1 on invalid UTF-8. */
static int ident_char(struct json5_parser *ps, bool first)
{
    uint32_t cp;
    size_t len;

    if (ps->p[ps->pos] < 0x80)
        return ascii_ident(ps->p[ps->pos], first) ? 1 : 0;
    len = str_utf8_decode((const char *)ps->p + ps->pos, ps->n - ps->pos, &cp);
    if (!len)
        return json5_lex_fail(ps, ps->pos, "invalid UTF-8");
    return json5_lex_is_space(cp) ? 0 : (int)len;
}

int json5_lex_ident(struct json5_parser *ps, const char **s, size_t *len)
{
    size_t start = ps->pos, run = ps->pos;
    bool escaped = false;
    int k;

    while (ps->pos < ps->n) {
        if (ps->p[ps->pos] == '\\') {
            if (!escaped)
                buf_reset(&ps->scratch);
            escaped = true;
            buf_add(&ps->scratch, ps->p + run, ps->pos - run);
            if (ident_escape(ps, ps->pos == start))
                return -1;
            run = ps->pos;
            continue;
        }
        k = ident_char(ps, ps->pos == start);
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        ps->pos += (size_t)k;
    }
    if (ps->pos == start)
        return ps->pos < ps->n
                   ? json5_lex_fail(ps, start, "expected property name or '}'")
                   : json5_lex_fail(ps, start, "unexpected end of input");
    if (escaped)
        buf_add(&ps->scratch, ps->p + run, ps->pos - run);
    *s = escaped ? ps->scratch.p : (const char *)ps->p + start;
    *len = escaped ? ps->scratch.len : ps->pos - start;
    return 0;
}
