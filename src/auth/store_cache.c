/*
 * A shared, reference-counted parse per agent store (see store_cache.h).
 * Tested in tests/unit/test_store_cache.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/store_cache.h"
#include "base/clock.h"
#include "base/dlist.h"
#include "base/xalloc.h"
#include "base/banned.h"

struct store_entry {
    struct auth_store s; /* first: a store pointer is its entry */
    int refs;            /* 0: lingering since idle_ms */
    bool current;        /* the one later gets may share */
    int64_t idle_ms;     /* clock_mono_ms() when its last holder put it */
    struct store_entry *prev, *next;
};

struct store_cache {
    struct store_entry *head; /* held (refs > 0) or lingering */
    int64_t linger_ms;        /* 0: released by the last put */
    void (*idle)(void *ctx);
    void *idle_ctx;
};

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
    free(cache);
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

const struct auth_store *store_cache_get(struct store_cache *cache,
                                         const char *agent_dir,
                                         const struct oc_paths *p,
                                         struct oc_err *err)
{
    struct store_entry *e = cache ? find_current(cache, agent_dir) : NULL;
    struct store_entry *stale = NULL;

    if (e && e->s.exists && auth_store_current(&e->s)) {
        e->refs++;
        return &e->s;
    }
    if (e && e->refs == 0)
        stale = e; /* lingering, and changed on disk: dropped below */
    else if (e)
        e->current = false; /* superseded: freed by its last put */
    e = xcalloc(1, sizeof(*e));
    auth_store_init(&e->s);
    if (auth_store_load(&e->s, agent_dir, p, err) != 0) {
        free(e);
        e = NULL;
    } else {
        e->refs = 1;
        /* a store written a moment ago could change unseen: not shared */
        e->current = cache && auth_store_settled(&e->s);
        if (cache)
            DLIST_PUSH(cache->head, e);
    }
    if (stale)
        entry_drop(cache, stale);
    return e ? &e->s : NULL;
}

void store_cache_put(struct store_cache *cache, const struct auth_store *s)
{
    /* s is the first member of its entry, which this module allocated */
    struct store_entry *e = (struct store_entry *)(void *)(uintptr_t)s;

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
