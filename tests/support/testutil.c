/*
 * Test helpers (see testutil.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "json/jsonx.h"

char *tu_mkdtemp(void)
{
    const char *t = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/oc-test-XXXXXX", t && *t ? t : "/tmp");

    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        abort();
    }
    return tmpl;
}

void tu_rmrf(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;

    if (!strstr(path, "/oc-test-") || lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    d = opendir(path);
    while (d && (e = readdir(d))) {
        char *child;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        child = path_join(path, e->d_name);
        tu_rmrf(child);
        free(child);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

void tu_home_init(struct tu_home *h)
{
    memset(h, 0, sizeof(*h));
    h->root = tu_mkdtemp();
    h->state = path_join(h->root, "state");
    h->dir = xasprintf("%s/agents/main/agent", h->state);
    h->paths.home = h->root;
    h->paths.state_dir = h->state;
    unsetenv("OPENCLAW_OAUTH_DIR");
}

void tu_home_release(struct tu_home *h)
{
    tu_rmrf(h->root);
    free(h->root);
    free(h->state);
    free(h->dir);
    memset(h, 0, sizeof(*h));
}

char *tu_write(const char *dir, const char *name, const char *s)
{
    char *p = path_join(dir, name);
    FILE *f = fopen(p, "w");

    if (!f) {
        perror(p);
        abort();
    }
    fputs(s, f);
    fclose(f);
    chmod(p, 0600);
    return p;
}

char *tu_read(const char *path)
{
    struct buf b;

    buf_init(&b, 0);
    if (fsx_read_file(path, b.max, &b, NULL))
        return NULL;
    return buf_detach(&b, NULL);
}

int tu_mode(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return -1;
    return (int)(st.st_mode & 07777);
}

char *tu_dq(const char *s)
{
    char *t, *p;

    if (!s)
        return NULL;
    t = xstrdup(s);
    for (p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    return t;
}

void tu_str_is(const char *name, const char *what, const char *got,
               const char *want)
{
    if (!want && !got)
        return;
    if (!want || !got || strcmp(got, want) != 0)
        fail_msg("%s: %s is '%s', want '%s'", name, what, got ? got : "(null)",
                 want ? want : "(null)");
}

json_t *tu_jq(const char *s)
{
    json_error_t e;
    json_t *v;
    char *t;

    if (!s)
        return NULL;
    t = tu_dq(s);
    v = json_loads(t, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad test JSON: %s (%s)", t, e.text);
    free(t);
    return v;
}

static char *dump(const json_t *v)
{
    return v ? jsonx_dumps(v, 0) : xstrdup("(absent)");
}

void tu_same_json(const char *what, const char *key, const json_t *got,
                  const json_t *want)
{
    char *g, *w;

    if (json_is_null(want) ? got == NULL : json_equal(got, want))
        return;
    g = dump(got);
    w = dump(json_is_null(want) ? NULL : want);
    fail_msg("%s: %s is\n%s\nwant\n%s", what, key, g, w);
}

static void same_feed(const char *name, const char *how, size_t at,
                      const char *want, char *got)
{
    if (strcmp(want, got) != 0)
        fail_msg("%s: split %s at %zu gives\n%s\ninstead of\n%s", name, how, at,
                 got, want);
    free(got);
}

void tu_check_splits(const char *name, size_t n, tu_feed_fn feed,
                     const void *arg)
{
    char *one = feed(arg, NULL, 0);
    size_t k, *cuts;

    for (k = 0; k <= n; k++)
        same_feed(name, "once", k, one, feed(arg, &k, 1));
    /* byte by byte, with an empty feed after each byte */
    cuts = xcalloc(2 * n + 1, sizeof(*cuts));
    for (k = 0; k < 2 * n; k++)
        cuts[k] = k / 2 + 1;
    same_feed(name, "bytewise", 0, one, feed(arg, cuts, 2 * n));
    free(cuts);
    free(one);
}
