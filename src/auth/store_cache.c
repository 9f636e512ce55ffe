/*
 * A shared, reference-counted parse per agent store (see store_cache.h).
 * Tested in tests/unit/test_store_cache.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/store_cache.h"
#include "base/clock.h"
#include "base/dirwatch.h"
#include "base/dlist.h"
#include "base/xalloc.h"
#include "base/banned.h"

/* A watched store's signature is still compared this often: the watch
 * is on the agent directory, and a parent directory replaced under it
 * (a restored backup of the state dir) sends it no event. */
#define STORE_RECHECK_MS 1000

struct store_entry {
    struct auth_store s; /* first: a store pointer is its entry */
    int refs;            /* 0: lingering since idle_ms */
    bool current;        /* the one later gets may share */
    int64_t idle_ms;     /* clock_mono_ms() when its last holder put it */
    int slot;            /* its directory's watch, or -1 */
    int64_t gen;         /* the watch's generation when it was read */
    int64_t checked_ms;  /* clock_mono_ms() of its last signature check */
    struct store_entry *prev, *next;
};

struct store_cache {
    struct store_entry *head; /* held (refs > 0) or lingering */
    int64_t linger_ms;        /* 0: released by the last put */
    void (*idle)(void *ctx);
    void *idle_ctx;
    struct dirwatch *watch; /* NULL: every check compares signatures */
};

static const char *const store_files[] = {AUTH_STORE_FILE, AUTH_STATE_FILE,
                                          NULL};

struct store_cache *store_cache_new(void)
{
    return xcalloc(1, sizeof(struct store_cache));
}

static void entry_free(struct store_entry *e)
{
    auth_store_release(&e->s);
    free(e);
}

void store_cache_free(struct store_cache *cache)
{
    struct store_entry *e, *next;

    if (!cache)
        return;
    for (e = cache->head; e; e = next) {
        next = e->next;
        entry_free(e);
    }
    dirwatch_free(cache->watch);
    free(cache);
}

bool store_cache_watch(struct store_cache *cache)
{
    if (!cache->watch)
        cache->watch = dirwatch_new();
    return cache->watch != NULL;
}

void store_cache_linger(struct store_cache *cache, int64_t ms,
                        void (*idle)(void *ctx), void *ctx)
{
    cache->linger_ms = ms > 0 ? ms : 0;
    cache->idle = idle;
    cache->idle_ctx = ctx;
}

static void entry_drop(struct store_cache *cache, struct store_entry *e)
{
    DLIST_UNLINK(cache->head, e);
    entry_free(e);
}

static struct store_entry *find_current(struct store_cache *cache,
                                        const char *agent_dir)
{
    struct store_entry *e;

    for (e = cache->head; e; e = e->next)
        if (e->current && strcmp(e->s.dir, agent_dir) == 0)
            return e;
    return NULL;
}

/* Whether e still holds what its files do. Watched: no event for its
 * files since it was read, and its signature compared at most
 * STORE_RECHECK_MS ago (or now, and unchanged). */
static bool entry_current(struct store_cache *cache, struct store_entry *e)
{
    int64_t now, gen;

    if (!cache || !cache->watch || e->slot < 0)
        return auth_store_current(&e->s);
    gen = dirwatch_gen(cache->watch, e->slot);
    if (gen < 0 || gen != e->gen)
        return false; /* a change, or the watch ended */
    now = clock_mono_ms();
    if (now - e->checked_ms < STORE_RECHECK_MS)
        return true;
    if (!auth_store_current(&e->s))
        return false;
    e->checked_ms = now;
    return true;
}

static struct store_entry *entry_load(struct store_cache *cache,
                                      const char *agent_dir,
                                      const struct oc_paths *p,
                                      struct oc_err *err)
{
    struct store_entry *e = xcalloc(1, sizeof(*e));

    e->slot = -1;
    if (cache && cache->watch) {
        /* watched before it is read: a change while reading is an event */
        e->slot = dirwatch_add(cache->watch, agent_dir, store_files);
        e->gen = dirwatch_gen(cache->watch, e->slot);
        if (e->gen < 0)
            e->slot = -1;
        e->checked_ms = clock_mono_ms();
    }
    auth_store_init(&e->s);
    if (auth_store_load(&e->s, agent_dir, p, err) != 0) {
        free(e);
        return NULL;
    }
    e->refs = 1;
    /* a store written a moment ago could change unseen, unless watched */
    e->current = cache && (e->slot >= 0 || auth_store_settled(&e->s));
    if (cache)
        DLIST_PUSH(cache->head, e);
    return e;
}

const struct auth_store *store_cache_get(struct store_cache *cache,
                                         const char *agent_dir,
                                         const struct oc_paths *p,
                                         struct oc_err *err)
{
    struct store_entry *e = cache ? find_current(cache, agent_dir) : NULL;
    struct store_entry *stale = NULL;

    if (e && e->s.exists && entry_current(cache, e)) {
        e->refs++;
        return &e->s;
    }
    if (e && e->refs == 0)
        stale = e; /* lingering, and changed on disk: dropped below */
    else if (e)
        e->current = false; /* superseded: freed by its last put */
    e = entry_load(cache, agent_dir, p, err);
    if (stale)
        entry_drop(cache, stale);
    return e ? &e->s : NULL;
}

/* s is the first member of its entry, which this module allocated */
static struct store_entry *entry_of(const struct auth_store *s)
{
    return (struct store_entry *)(void *)(uintptr_t)s;
}

bool store_cache_current(struct store_cache *cache, const struct auth_store *s)
{
    return entry_current(cache, entry_of(s));
}

void store_cache_put(struct store_cache *cache, const struct auth_store *s)
{
    struct store_entry *e = entry_of(s);

    if (!s || --e->refs > 0)
        return;
    if (!cache) {
        entry_free(e);
        return;
    }
    if (!e->current || cache->linger_ms == 0) {
        entry_drop(cache, e);
        return;
    }
    e->idle_ms = clock_mono_ms();
    if (cache->idle)
        cache->idle(cache->idle_ctx);
}

int64_t store_cache_expire(struct store_cache *cache)
{
    struct store_entry *e, *next;
    int64_t now = clock_mono_ms(), due = -1, left;

    for (e = cache->head; e; e = next) {
        next = e->next;
        if (e->refs > 0)
            continue;
        left = e->idle_ms + cache->linger_ms - now;
        if (left <= 0)
            entry_drop(cache, e);
        else if (due < 0 || left < due)
            due = left;
    }
    return due;
}

size_t store_cache_size(const struct store_cache *cache)
{
    const struct store_entry *e;
    size_t n = 0;

    for (e = cache ? cache->head : NULL; e; e = e->next)
        n++;
    return n;
}
