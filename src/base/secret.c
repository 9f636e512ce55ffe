/*
 * struct secret, OpenClaw-compatible masking, and the redaction pass the
 * logger runs over every line. Tested in tests/unit/test_secret.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "base/err.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "base/banned.h"

void secret_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

void secret_init(struct secret *s)
{
    s->p = NULL;
    s->len = 0;
}

void secret_release(struct secret *s)
{
    if (s->p) {
        secret_wipe(s->p, s->len);
        free(s->p);
    }
    secret_init(s);
}

void secret_set(struct secret *s, const char *p, size_t n)
{
    secret_release(s);
    s->p = xmemdupz(p, n);
    s->len = n;
}

const char *secret_value(const struct secret *s)
{
    return s->p ? s->p : "";
}

/* Length in bytes of the UTF-8 sequence starting with lead byte c. */
static size_t utf8_seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/*
 * Offsets of the first and last 8 printable code points of a value, enough
 * for any of the three mask shapes.
 */
struct cps {
    size_t start[8], nbytes[8]; /* the first 8 */
    size_t head;
    size_t total;                      /* printable code points seen */
    size_t tail_start[8], tail_len[8]; /* ring of the last 8 */
};

static bool is_ctrl_cp(const unsigned char *q, size_t l)
{
    if (l == 1)
        return q[0] < 0x20 || q[0] == 0x7f;
    return l == 2 && q[0] == 0xC2 && q[1] < 0xA0; /* C1 controls */
}

static void cps_push(struct cps *c, size_t off, size_t len)
{
    if (c->head < 8) {
        c->start[c->head] = off;
        c->nbytes[c->head] = len;
        c->head++;
    }
    c->tail_start[c->total % 8] = off;
    c->tail_len[c->total % 8] = len;
    c->total++;
}

static size_t put(char *out, size_t pos, size_t outsz, const char *s, size_t l)
{
    if (pos + l + 1 > outsz)
        return pos;
    memcpy(out + pos, s, l);
    return pos + l;
}

void secret_mask(const char *p, size_t n, char *out, size_t outsz)
{
    struct cps c = {0};
    size_t i, k, pos = 0;

    str_trim_view(&p, &n);
    for (i = 0; i < n;) {
        size_t l = utf8_seq_len((unsigned char)p[i]);
        if (l > n - i)
            l = n - i;
        if (!is_ctrl_cp((const unsigned char *)p + i, l))
            cps_push(&c, i, l);
        i += l;
    }
    if (c.total == 0) {
        pos = put(out, pos, outsz, "missing", 7);
        out[pos] = '\0';
        return;
    }
    k = c.total <= 6 ? 1 : c.total <= 16 ? 2 : 8;
    for (i = 0; i < k; i++)
        pos = put(out, pos, outsz, p + c.start[i], c.nbytes[i]);
    pos = put(out, pos, outsz, "...", 3);
    for (i = c.total - k; i < c.total; i++)
        pos = put(out, pos, outsz, p + c.tail_start[i % 8], c.tail_len[i % 8]);
    out[pos] = '\0';
}

static bool is_token_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.' ||
           ch == '+' || ch == '/' || ch == '=';
}

/* Length of the well-known credential prefix s starts with. */
static size_t known_prefix_len(const char *s)
{
    static const char *const prefixes[] = {
        "sk-ant-oat01-",   "sk-ant-ort01-", "sk-ant-api03-",
        "sk-ant-admin01-", "sk-or-v1-",     "sk-proj-",
        "sk-ant-",         "sk-",           NULL};
    size_t k, n;

    for (k = 0; prefixes[k]; k++) {
        n = strlen(prefixes[k]);
        if (!strncmp(s, prefixes[k], n))
            return n;
    }
    return 0;
}

/* Does a credential-looking token start at s[i]? Returns its length or 0. */
static size_t token_at(const char *s, size_t i)
{
    size_t j = i;

    /* "ask-..." is a word, "=sk-..." or " sk-..." a token. */
    if (i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-' ||
                  s[i - 1] == '_'))
        return 0;
    if (strncmp(s + i, "sk-", 3) != 0)
        return 0;
    while (s[j] && is_token_char(s[j]))
        j++;
    /* A bare prefix ("sk-ant-oat01-" in a message) is not a secret. */
    return j - i >= 12 && j - i - known_prefix_len(s + i) >= 8 ? j - i : 0;
}

static size_t bearer_at(const char *s, size_t i)
{
    size_t j;

    if (strncasecmp(s + i, "bearer ", 7) != 0)
        return 0;
    j = i + 7;
    while (s[j] && is_token_char(s[j]))
        j++;
    return j - (i + 7) >= 8 ? j - i : 0;
}

/* Replace s[i..i+len) (8 bytes or more) by its mask, in place; returns
 * the new length, which is never more than len. */
static size_t mask_in_place(char *s, size_t i, size_t len)
{
    char m[SECRET_MASK_MAX];
    size_t ml, rest = strlen(s + i + len);

    secret_mask(s + i, len, m, sizeof(m));
    ml = strlen(m);
    if (ml > len) {
        /* 17-18 byte values: their mask would not fit; show less. */
        snprintf(m, sizeof(m), "%.2s...%.2s", s + i, s + i + len - 2);
        ml = strlen(m);
    }
    memcpy(s + i, m, ml);
    memmove(s + i + ml, s + i + len, rest + 1);
    return ml;
}

/* Does a credential name end at s[i-1] ("token", "apiKey", "password",
 * "x-api-key", ...)? */
static bool secret_name_before(const char *s, size_t i)
{
    static const char *const names[] = {
        "token", "key", "secret", "password", "passwd", "authorization", NULL};
    size_t k, n;

    /* every log line passes here at each space and colon: most bytes
     * before one cannot end a name */
    if (i == 0 || !strchr("nytdNYTD", s[i - 1]))
        return false;
    for (k = 0; names[k]; k++) {
        n = strlen(names[k]);
        if (i >= n && !strncasecmp(s + i - n, names[k], n))
            return true;
    }
    return false;
}

/* A value, not a word: "key: disabled" is prose, "key: hunter2x" or a
 * long run is not. */
static bool looks_secret(const char *v, size_t n)
{
    bool digit = false, upper = false, lower = false;
    size_t i;

    for (i = 0; i < n; i++) {
        digit |= isdigit((unsigned char)v[i]) != 0;
        upper |= isupper((unsigned char)v[i]) != 0;
        lower |= islower((unsigned char)v[i]) != 0;
    }
    return digit || (upper && lower) || n >= 16;
}

/* "token=VALUE", "key: VALUE", "\"apiKey\": \"VALUE\"": the offset of
 * VALUE and its length (at least 8), or 0. */
static size_t assigned_value_at(const char *s, size_t i, size_t *start)
{
    size_t j = i, k;

    if (!secret_name_before(s, i))
        return 0;
    if (s[j] == '"' || s[j] == '\'')
        j++;
    while (s[j] == ' ')
        j++;
    if (s[j] != '=' && s[j] != ':')
        return 0;
    j++;
    while (s[j] == ' ' || s[j] == '"' || s[j] == '\'')
        j++;
    for (k = j; s[k] && is_token_char(s[k]); k++)
        ;
    *start = j;
    return k - j >= 8 && looks_secret(s + j, k - j) ? k - j : 0;
}

/* A run of 32 or more hex digits (gateway tokens are 48). */
static size_t hex_run_at(const char *s, size_t i)
{
    size_t j = i;

    if (i > 0 && isalnum((unsigned char)s[i - 1]))
        return 0;
    while (isxdigit((unsigned char)s[j]))
        j++;
    return j - i >= 32 && !isalnum((unsigned char)s[j]) ? j - i : 0;
}

/* The byte after a credential name: a quote, a space, '=' or ':'. */
static bool after_name(char c)
{
    return c == '"' || c == '\'' || c == ' ' || c == '=' || c == ':';
}

/* Each pattern is only tried where its first byte can be (every log line
 * goes through here). */
void secret_redact_text(char *s)
{
    size_t i = 0, len, start;
    char c;

    while ((c = s[i]) != '\0') {
        len = c == 'b' || c == 'B' ? bearer_at(s, i) : 0;
        if (len) {
            i += 7 + mask_in_place(s, i + 7, len - 7);
            continue;
        }
        len = after_name(c) ? assigned_value_at(s, i, &start) : 0;
        if (len) {
            i = start + mask_in_place(s, start, len);
            continue;
        }
        len = c == 's' ? token_at(s, i) : 0;
        if (!len && isxdigit((unsigned char)c))
            len = hex_run_at(s, i);
        i += len ? mask_in_place(s, i, len) : 1;
    }
}

int secret_random_bytes(void *p, size_t n)
{
    unsigned char *raw = p;
    size_t got = 0;
    ssize_t r;

    while (got < n) {
        r = getrandom(raw + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return OC_EIO;
        got += (size_t)r;
    }
    return 0;
}

int secret_random_hex(size_t nbytes, char *out, size_t outsz)
{
    unsigned char raw[256];
    size_t i;
    int rc;

    if (nbytes > sizeof(raw) || outsz < nbytes * 2 + 1)
        return OC_EINVAL;
    rc = secret_random_bytes(raw, nbytes);
    for (i = 0; rc == 0 && i < nbytes; i++) {
        out[i * 2] = "0123456789abcdef"[raw[i] >> 4];
        out[i * 2 + 1] = "0123456789abcdef"[raw[i] & 0xf];
    }
    if (rc == 0)
        out[nbytes * 2] = '\0';
    secret_wipe(raw, sizeof(raw));
    return rc;
}
