/*
 * Service definitions as text: the parts of a systemd unit or a launchd
 * plist that say which program runs and with what environment, and
 * removal of chosen environment entries leaving the rest untouched.
 * Tested in tests/unit/test_svcfile.c; fuzzed by fuzz/fuzz_svcfile.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "gateway/svcfile.h"
#include "base/banned.h"

void svc_file_init(struct svc_file *f)
{
    memset(f, 0, sizeof(*f));
    strlist_init(&f->env_files);
}

void svc_file_release(struct svc_file *f)
{
    size_t i;

    for (i = 0; i < f->nenv; i++) {
        free(f->env[i].key);
        secret_wipe(f->env[i].value, strlen(f->env[i].value));
        free(f->env[i].value);
    }
    free(f->env);
    strlist_release(&f->env_files);
    free(f->exec);
    svc_file_init(f);
}

static void add_env(struct svc_file *f, const char *k, size_t kn, const char *v,
                    size_t vn, int line)
{
    if (f->nenv >= SVCFILE_MAX_ENV)
        return;
    /* grow by doubling: capacity is the next power of two */
    if (!(f->nenv & (f->nenv - 1)))
        f->env =
            xreallocarray(f->env, f->nenv ? f->nenv * 2 : 1, sizeof(*f->env));
    f->env[f->nenv].key = xmemdupz(k, kn);
    f->env[f->nenv].value = xmemdupz(v, vn);
    f->env[f->nenv].line = line;
    f->nenv++;
}

/* ---- systemd ------------------------------------------------------- */

/* One logical line: [start, end) of the text, continuation lines
 * included; next is where the following line starts. */
struct uline {
    const char *start, *end, *next;
    int lineno; /* of its first physical line */
};

static bool next_line(const char *p, const char *lim, int *lineno,
                      struct uline *l)
{
    const char *e;

    if (p >= lim)
        return false;
    l->start = p;
    l->lineno = *lineno;
    for (;;) {
        e = memchr(p, '\n', (size_t)(lim - p));
        if (!e) {
            p = lim;
            break;
        }
        (*lineno)++;
        p = e + 1;
        /* a line ending in a backslash continues on the next one */
        if (!(e > l->start && e[-1] == '\\'))
            break;
    }
    l->end = p > l->start && p[-1] == '\n' ? p - 1 : p;
    l->next = p;
    return true;
}

static const char *skip_ws(const char *s, const char *e)
{
    while (s < e &&
           (*s == ' ' || *s == '\t' || *s == '\\' || *s == '\n' || *s == '\r'))
        s++;
    return s;
}

/* One word of an Environment= value starting at s, unquoted into out;
 * returns where it ends. */
static const char *env_word(const char *s, const char *e, struct buf *out)
{
    char q = 0;

    buf_reset(out);
    for (; s < e; s++) {
        if (q) {
            if (*s == q) {
                q = 0;
                continue;
            }
            if (q == '"' && *s == '\\' && s + 1 < e)
                s++;
            buf_addch(out, *s);
        } else if (*s == '"' || *s == '\'') {
            q = *s;
        } else if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            break;
        } else if (*s == '\\' && s + 1 < e && s[1] == '\n') {
            s++;
        } else {
            buf_addch(out, *s);
        }
    }
    return s;
}

/* Call fn for each KEY=VALUE word of an Environment= value. */
typedef void (*word_fn)(void *arg, const char *ws, const char *we,
                        const char *word, size_t n);

static void each_word(const char *v, const char *e, word_fn fn, void *arg)
{
    struct buf w;
    const char *ws;

    buf_init(&w, 0);
    for (v = skip_ws(v, e); v < e; v = skip_ws(v, e)) {
        ws = v;
        v = env_word(v, e, &w);
        fn(arg, ws, v, w.len ? w.p : "", w.len);
    }
    buf_wipe_release(&w);
}

struct parse_word {
    struct svc_file *f;
    int line;
};

static void parse_word(void *arg, const char *ws, const char *we,
                       const char *word, size_t n)
{
    struct parse_word *pw = arg;
    const char *eq = memchr(word, '=', n);

    (void)ws;
    (void)we;
    if (eq && eq > word)
        add_env(pw->f, word, (size_t)(eq - word), eq + 1,
                n - (size_t)(eq - word) - 1, pw->line);
}

/* Is the line "Key=..." (spaces allowed around '=')? Sets *val. */
static bool is_key(const char *s, const char *e, const char *key,
                   const char **val)
{
    size_t k = strlen(key);

    s = skip_ws(s, e);
    if ((size_t)(e - s) <= k || strncmp(s, key, k) != 0)
        return false;
    s += k;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    if (s >= e || *s != '=')
        return false;
    *val = s + 1;
    return true;
}

static void parse_exec(struct svc_file *f, const char *v, const char *e,
                       int line)
{
    struct buf w;

    v = skip_ws(v, e);
    while (v < e && strchr("@-:+!", *v))
        v++;
    if (f->exec || v >= e)
        return;
    buf_init(&w, 0);
    env_word(v, e, &w);
    if (w.len) {
        f->exec = buf_detach(&w, NULL);
        f->exec_line = line;
    }
    buf_release(&w);
}

void svc_parse_systemd(const char *p, size_t n, struct svc_file *out)
{
    const char *lim = p + strnlen(p, n), *v; /* a NUL byte ends a text */
    struct uline l;
    int lineno = 1;
    struct parse_word pw = {out, 0};

    while (next_line(p, lim, &lineno, &l)) {
        p = l.next;
        pw.line = l.lineno;
        if (is_key(l.start, l.end, "Environment", &v))
            each_word(v, l.end, parse_word, &pw);
        else if (is_key(l.start, l.end, "EnvironmentFile", &v)) {
            v = skip_ws(v, l.end);
            if (v < l.end)
                strlist_push_take(&out->env_files,
                                  xmemdupz(v, (size_t)(l.end - v)));
        } else if (is_key(l.start, l.end, "ExecStart", &v))
            parse_exec(out, v, l.end, l.lineno);
    }
}

struct strip_word {
    const struct strlist *drop;
    struct buf *kept; /* the raw words we keep, space-separated */
    bool dropped;
};

static void strip_word(void *arg, const char *ws, const char *we,
                       const char *word, size_t n)
{
    struct strip_word *sw = arg;
    const char *eq = memchr(word, '=', n);
    char *key = eq ? xmemdupz(word, (size_t)(eq - word)) : NULL;

    if (key && strlist_has(sw->drop, key)) {
        sw->dropped = true;
    } else {
        if (sw->kept->len)
            buf_addch(sw->kept, ' ');
        buf_add(sw->kept, ws, (size_t)(we - ws));
    }
    free(key);
}

char *svc_strip_systemd(const char *p, size_t n, const struct strlist *drop)
{
    const char *lim = p + strnlen(p, n), *v = NULL;
    struct buf out, kept;
    struct uline l;
    int lineno = 1;
    struct strip_word sw = {drop, &kept, false};

    buf_init(&out, 0);
    buf_init(&kept, 0);
    while (next_line(p, lim, &lineno, &l)) {
        p = l.next;
        sw.dropped = false;
        buf_reset(&kept);
        if (is_key(l.start, l.end, "Environment", &v))
            each_word(v, l.end, strip_word, &sw);
        if (!sw.dropped) {
            buf_add(&out, l.start, (size_t)(l.next - l.start));
        } else if (kept.len) {
            buf_add(&out, l.start, (size_t)(v - l.start));
            buf_add(&out, kept.p, kept.len);
            if (l.next > l.end)
                buf_addch(&out, '\n');
        }
    }
    buf_wipe_release(&kept);
    return buf_detach(&out, NULL);
}

/* ---- launchd plist -------------------------------------------------- */

static void xml_decode(const char *s, const char *e, struct buf *out)
{
    static const char *const ents[][2] = {{"&amp;", "&"},  {"&lt;", "<"},
                                          {"&gt;", ">"},   {"&quot;", "\""},
                                          {"&apos;", "'"}, {NULL, NULL}};
    size_t k;

    buf_reset(out);
    while (s < e) {
        for (k = 0; *s == '&' && ents[k][0]; k++)
            if ((size_t)(e - s) >= strlen(ents[k][0]) &&
                !strncmp(s, ents[k][0], strlen(ents[k][0])))
                break;
        if (*s == '&' && ents[k][0]) {
            buf_addstr(out, ents[k][1]);
            s += strlen(ents[k][0]);
        } else {
            buf_addch(out, *s++);
        }
    }
}

/* Find needle in [s, e); NULL when absent. */
static const char *find(const char *s, const char *e, const char *needle)
{
    size_t k = strlen(needle);

    for (; s && (size_t)(e - s) >= k; s++)
        if (*s == *needle && !memcmp(s, needle, k))
            return s;
    return NULL;
}

/* The content of the next <tag>...</tag> in [s, e): [*cs, *ce), and
 * where the element ends. NULL when there is none. */
static const char *element(const char *s, const char *e, const char *tag,
                           const char **cs, const char **ce)
{
    char open[32], close[32];
    const char *a, *b;

    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    a = find(s, e, open);
    b = a ? find(a, e, close) : NULL;
    if (!b)
        return NULL;
    *cs = a + strlen(open);
    *ce = b;
    return b + strlen(close);
}

static int line_of(const char *start, const char *at)
{
    int line = 1;

    for (; start < at; start++)
        line += *start == '\n';
    return line;
}

/* The <dict> after <key>EnvironmentVariables</key>: [*ds, *de). */
static bool env_dict(const char *p, const char *lim, const char **ds,
                     const char **de)
{
    const char *k = find(p, lim, "<key>EnvironmentVariables</key>");

    return k && element(k, lim, "dict", ds, de);
}

/* Each key/string pair of the env dict: calls fn with the pair's span. */
typedef void (*pair_fn)(void *arg, const char *ps, const char *pe,
                        const char *key, const char *val);

static const char *skip_blank(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    return s;
}

static bool starts_with(const char *s, const char *e, const char *prefix)
{
    size_t k = strlen(prefix);

    return (size_t)(e - s) >= k && !memcmp(s, prefix, k);
}

static void each_pair(const char *p, size_t n, pair_fn fn, void *arg)
{
    const char *lim = p + n, *ds, *de, *ks, *ke, *vs, *ve, *after, *kend;
    struct buf key, val;

    if (!env_dict(p, lim, &ds, &de))
        return;
    buf_init(&key, 0);
    buf_init(&val, 0);
    while ((kend = element(ds, de, "key", &ks, &ke))) {
        /* the value must be the very next element, and a <string> */
        ds = skip_blank(kend, de);
        if (!starts_with(ds, de, "<string>"))
            continue;
        after = element(ds, de, "string", &vs, &ve);
        if (!after)
            break;
        xml_decode(ks, ke, &key);
        xml_decode(vs, ve, &val);
        fn(arg, ks - strlen("<key>"), after, key.len ? key.p : "",
           val.len ? val.p : "");
        ds = after;
    }
    buf_release(&key);
    buf_wipe_release(&val);
}

struct plist_parse {
    struct svc_file *f;
    const char *at; /* lines are counted up to here */
    int line;       /* the line at `at` */
};

static void plist_pair(void *arg, const char *ps, const char *pe,
                       const char *key, const char *val)
{
    struct plist_parse *pp = arg;

    (void)pe;
    /* pairs come in order: count only the lines since the last one */
    pp->line += line_of(pp->at, ps) - 1;
    pp->at = ps;
    add_env(pp->f, key, strlen(key), val, strlen(val), pp->line);
}

void svc_parse_plist(const char *p, size_t n, struct svc_file *out)
{
    const char *lim, *k, *as, *ae, *ss, *se;
    struct plist_parse pp = {out, p, 1};
    struct buf b;

    n = strnlen(p, n); /* a NUL byte ends a text */
    lim = p + n;

    each_pair(p, n, plist_pair, &pp);
    k = find(p, lim, "<key>ProgramArguments</key>");
    if (!k || !element(k, lim, "array", &as, &ae) ||
        !element(as, ae, "string", &ss, &se))
        return;
    buf_init(&b, 0);
    xml_decode(ss, se, &b);
    if (b.len) {
        out->exec = buf_detach(&b, NULL);
        out->exec_line = line_of(p, ss);
    }
    buf_release(&b);
}

struct plist_strip {
    const struct strlist *drop;
    const char *start, *lim;
    struct buf *out;
    const char *copied; /* end of what was copied to out */
};

static void plist_strip_pair(void *arg, const char *ps, const char *pe,
                             const char *key, const char *val)
{
    struct plist_strip *st = arg;
    const char *a = ps, *z = pe;

    (void)val;
    if (!strlist_has(st->drop, key))
        return;
    /* take the whole line when the pair is alone on it */
    while (a > st->copied && (a[-1] == ' ' || a[-1] == '\t'))
        a--;
    while (z < st->lim && (*z == ' ' || *z == '\t'))
        z++;
    if ((a == st->start || a[-1] == '\n') && z < st->lim && *z == '\n')
        z++;
    else
        a = ps, z = pe;
    buf_add(st->out, st->copied, (size_t)(a - st->copied));
    st->copied = z;
}

char *svc_strip_plist(const char *p, size_t n, const struct strlist *drop)
{
    struct buf out;
    struct plist_strip st = {drop, p, p + strnlen(p, n), &out, p};

    n = strnlen(p, n); /* a NUL byte ends a text */

    buf_init(&out, 0);
    each_pair(p, n, plist_strip_pair, &st);
    buf_add(&out, st.copied, (size_t)(p + n - st.copied));
    return buf_detach(&out, NULL);
}
