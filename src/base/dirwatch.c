/*
 * Directory change generations on inotify (see dirwatch.h). Tested in
 * tests/unit/test_dirwatch.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "base/dirwatch.h"
#include "base/xalloc.h"
#include "base/banned.h"

#ifdef __linux__

#define WATCH_MASK                                                             \
    (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE |          \
     IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct watched {
    char *dir;
    const char *const *names;
    int wd; /* -1: not watched (any more) */
    int64_t gen;
};

struct dirwatch {
    int fd;
    struct watched *v;
    size_t n;
};

struct dirwatch *dirwatch_new(void)
{
    struct dirwatch *w;
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

    if (fd < 0)
        return NULL;
    w = xcalloc(1, sizeof(*w));
    w->fd = fd;
    return w;
}

void dirwatch_free(struct dirwatch *w)
{
    size_t i;

    if (!w)
        return;
    for (i = 0; i < w->n; i++)
        free(w->v[i].dir);
    free(w->v);
    close(w->fd);
    free(w);
}

static bool named(const struct watched *s, const char *name)
{
    const char *const *p;

    for (p = s->names; *p; p++)
        if (strcmp(*p, name) == 0)
            return true;
    return false;
}

/* The directory itself went away or moved: the path may name another
 * one now, so the slot stops watching until dirwatch_add renews it. */
static void unwatch(struct dirwatch *w, struct watched *s, uint32_t mask)
{
    if (mask & IN_MOVE_SELF)
        inotify_rm_watch(w->fd, s->wd);
    s->wd = -1;
    s->gen++;
}

static void apply(struct dirwatch *w, const struct inotify_event *ev)
{
    size_t i;

    for (i = 0; i < w->n; i++) {
        struct watched *s = &w->v[i];

        if (ev->mask & IN_Q_OVERFLOW)
            s->gen++; /* events were lost: anything may have changed */
        else if (s->wd != ev->wd)
            continue;
        else if (ev->mask &
                 (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT))
            unwatch(w, s, ev->mask);
        else if (ev->len && named(s, ev->name))
            s->gen++;
    }
}

static void drain(struct dirwatch *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    const struct inotify_event *ev;
    ssize_t n;
    size_t off;

    for (;;) {
        n = read(w->fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        for (off = 0; off + sizeof(*ev) <= (size_t)n;
             off += sizeof(*ev) + ev->len) {
            ev = (const struct inotify_event *)(void *)(buf + off);
            apply(w, ev);
        }
    }
}

static bool wd_shared(const struct dirwatch *w, size_t slot, int wd)
{
    size_t i;

    for (i = 0; i < w->n; i++)
        if (i != slot && w->v[i].wd == wd)
            return true;
    return false;
}

static size_t slot_of(struct dirwatch *w, const char *dir)
{
    size_t i;

    for (i = 0; i < w->n; i++)
        if (strcmp(w->v[i].dir, dir) == 0)
            return i;
    w->v = xreallocarray(w->v, st_add(w->n, 1), sizeof(*w->v));
    w->v[i].dir = xstrdup(dir);
    w->v[i].wd = -1;
    w->v[i].gen = 0;
    w->n++;
    return i;
}

int dirwatch_add(struct dirwatch *w, const char *dir, const char *const *names)
{
    struct watched *s;
    size_t i;
    int wd;

    drain(w); /* a renewed slot must not take an old watch's events */
    i = slot_of(w, dir); /* may move w->v */
    s = &w->v[i];
    /* by path each time: dir may name another directory than before */
    wd = inotify_add_watch(w->fd, dir, WATCH_MASK);
    if (wd != s->wd) {
        if (s->wd >= 0 && !wd_shared(w, i, s->wd))
            inotify_rm_watch(w->fd, s->wd);
        s->wd = wd < 0 ? -1 : wd;
        s->gen++;
    }
    s->names = names;
    return s->wd < 0 ? -1 : (int)i;
}

int64_t dirwatch_gen(struct dirwatch *w, int slot)
{
    if (slot < 0 || (size_t)slot >= w->n)
        return -1;
    drain(w);
    return w->v[slot].wd >= 0 ? w->v[slot].gen : -1;
}

#else /* no inotify: callers compare file signatures */

struct dirwatch *dirwatch_new(void)
{
    return NULL;
}

void dirwatch_free(struct dirwatch *w)
{
    (void)w;
}

int dirwatch_add(struct dirwatch *w, const char *dir, const char *const *names)
{
    (void)w;
    (void)dir;
    (void)names;
    return -1;
}

int64_t dirwatch_gen(struct dirwatch *w, int slot)
{
    (void)w;
    (void)slot;
    return -1;
}

#endif
