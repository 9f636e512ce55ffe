/*
 * A .env parser compatible with npm dotenv's parse() (see dotenv.h).
 * Tested in tests/unit/test_dotenv.c; fuzzed by fuzz/fuzz_dotenv.c.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/dotenv.h"
#include "base/banned.h"

/* A cursor over the text with CR and CRLF already turned into LF. */
struct cur {
    const char *s;
    size_t n, i;
    int line;
};

void dotenv_init(struct dotenv *d)
{
    memset(d, 0, sizeof(*d));
}

void dotenv_release(struct dotenv *d)
{
    size_t i;

    for (i = 0; i < d->n; i++) {
        free(d->v[i].key);
        secret_wipe(d->v[i].value, strlen(d->v[i].value));
        free(d->v[i].value);
    }
    free(d->v);
    dotenv_init(d);
}

static struct dotenv_entry *find(struct dotenv_entry *v, size_t n,
                                 const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(v[i].key, key) == 0)
            return &v[i];
    return NULL;
}

const struct dotenv_entry *dotenv_get(const struct dotenv *d, const char *key)
{
    return find(d->v, d->n, key);
}

static void put(struct dotenv *d, char *key, char *value, int line)
{
    struct dotenv_entry *e = find(d->v, d->n, key);

    if (e) {
        free(key);
        secret_wipe(e->value, strlen(e->value));
        free(e->value);
        e->value = value;
        e->line = line;
        return;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? st_mult(d->cap, 2) : 16;
        d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
    }
    d->v[d->n].key = key;
    d->v[d->n].value = value;
    d->v[d->n].line = line;
    d->n++;
}

static bool at_end(const struct cur *c)
{
    return c->i >= c->n;
}

static char peek(const struct cur *c)
{
    return at_end(c) ? '\0' : c->s[c->i];
}

static void advance(struct cur *c)
{
    if (!at_end(c) && c->s[c->i++] == '\n')
        c->line++;
}

static void skip_blanks(struct cur *c)
{
    while (peek(c) == ' ' || peek(c) == '\t' || peek(c) == '\v' ||
           peek(c) == '\f')
        advance(c);
}

static void skip_line(struct cur *c)
{
    while (!at_end(c) && peek(c) != '\n')
        advance(c);
}

static bool is_key_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '.' || ch == '-';
}

/* "export" followed by blanks and a key character: skip the prefix. */
static void skip_export(struct cur *c)
{
    size_t j = c->i + 6;

    if (c->n - c->i < 7 || strncmp(c->s + c->i, "export", 6) != 0)
        return;
    if (c->s[j] != ' ' && c->s[j] != '\t')
        return;
    while (j < c->n && (c->s[j] == ' ' || c->s[j] == '\t'))
        j++;
    if (j < c->n && is_key_char(c->s[j]))
        c->i = j;
}

/* "=" (blanks around it allowed) or ":" directly after the key and
 * followed by a blank. */
static bool separator(struct cur *c)
{
    size_t key_end = c->i;

    skip_blanks(c);
    if (peek(c) == '=') {
        advance(c);
        skip_blanks(c);
        return true;
    }
    c->i = key_end;
    if (peek(c) == ':' && c->i + 1 < c->n &&
        (c->s[c->i + 1] == ' ' || c->s[c->i + 1] == '\t')) {
        advance(c);
        skip_blanks(c);
        return true;
    }
    return false;
}

/* After a closing quote only blanks and an optional comment may follow. */
static bool rest_is_comment(const struct cur *c, size_t j)
{
    while (j < c->n && (c->s[j] == ' ' || c->s[j] == '\t'))
        j++;
    return j >= c->n || c->s[j] == '\n' || c->s[j] == '#';
}

/*
 * The closing quote of a quoted value at c->i, as dotenv's pattern
 * '(?:\\'|[^'])*' finds it with backtracking: any quote up to the first
 * unescaped one may close the value, the furthest one followed only by a
 * comment wins. 0 when none works (the value is then read unquoted).
 */
static size_t closing_quote(const struct cur *c)
{
    char q = c->s[c->i];
    size_t j, best = 0;

    for (j = c->i + 1; j < c->n; j++) {
        if (c->s[j] != q)
            continue;
        if (rest_is_comment(c, j + 1))
            best = j;
        if (c->s[j - 1] != '\\')
            break;
    }
    return best;
}

/* The raw text of the value: a quoted value with its quotes, or the
 * rest of the line up to a comment. */
static void raw_value(struct cur *c, const char **p, size_t *n)
{
    size_t start = c->i, close = 0;

    if (peek(c) == '"' || peek(c) == '\'' || peek(c) == '`')
        close = closing_quote(c);
    if (close) {
        while (c->i <= close)
            advance(c);
    } else {
        while (!at_end(c) && peek(c) != '\n' && peek(c) != '#')
            advance(c);
    }
    *p = c->s + start;
    *n = c->i - start;
}

/* Expand \n and \r, as dotenv does for double-quoted values only. */
static char *unescape_dq(const char *p, size_t n)
{
    struct buf b;
    size_t i;

    buf_init(&b, 0);
    for (i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n && (p[i + 1] == 'n' || p[i + 1] == 'r')) {
            buf_addch(&b, p[i + 1] == 'n' ? '\n' : '\r');
            i++;
        } else {
            buf_addch(&b, p[i]);
        }
    }
    return buf_detach(&b, NULL);
}

/* dotenv's post-processing: trim; strip one pair of matching outer
 * quotes; expand escapes when the value began with a double quote. */
static char *read_value(struct cur *c)
{
    const char *p;
    size_t n;
    char q;

    raw_value(c, &p, &n);
    str_trim_view(&p, &n);
    q = n ? p[0] : '\0';
    if (n >= 2 && (q == '"' || q == '\'' || q == '`') && p[n - 1] == q) {
        p++;
        n -= 2;
    }
    return q == '"' ? unescape_dq(p, n) : xmemdupz(p, n);
}

static void bad_line(struct dotenv *d, int line)
{
    if (d->nbad < sizeof(d->bad_lines) / sizeof(d->bad_lines[0]))
        d->bad_lines[d->nbad++] = line;
}

static void parse_line(struct cur *c, struct dotenv *d)
{
    size_t start, end;
    int line = c->line;
    char *key;

    skip_export(c);
    start = c->i;
    while (!at_end(c) && is_key_char(peek(c)))
        advance(c);
    end = c->i;
    if (end == start || !separator(c)) {
        bad_line(d, line);
        skip_line(c);
        return;
    }
    key = xmemdupz(c->s + start, end - start);
    put(d, key, read_value(c), line);
    skip_line(c);
}

/* CR and CRLF become LF, as dotenv normalises before matching. */
static char *normalize_newlines(const char *p, size_t n, size_t *outn)
{
    char *r = xmalloc(st_add(n, 1));
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (p[i] == '\r') {
            r[o++] = '\n';
            if (i + 1 < n && p[i + 1] == '\n')
                i++;
        } else {
            r[o++] = p[i];
        }
    }
    r[o] = '\0';
    *outn = o;
    return r;
}

void dotenv_parse(const char *p, size_t n, struct dotenv *d)
{
    struct cur c = {.line = 1};
    char *text = normalize_newlines(p, n, &c.n);

    c.s = text;
    if (c.n >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
        c.i = 3;
    while (!at_end(&c)) {
        while (!at_end(&c) && isspace((unsigned char)peek(&c)))
            advance(&c);
        if (at_end(&c))
            break;
        if (peek(&c) == '#') {
            skip_line(&c);
            continue;
        }
        parse_line(&c, d);
    }
    secret_wipe(text, c.n);
    free(text);
}
