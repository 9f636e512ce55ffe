/*
 * Turns that run at the same time share one parse of an agent's store.
 *
 * A daemon serving many requests at once would otherwise read and parse
 * auth-profiles.json (and auth-state.json) once per request. Here a turn
 * takes the store with store_cache_get and gives it back with
 * store_cache_put. While at least one turn holds it, the next turn for
 * the same agent gets the same parse when both files are unchanged on
 * disk (auth_store_current: inode, size and times), and a fresh one when
 * either changed: an edit by the CLI or another process is seen by the
 * next request, as before. A store read within a timestamp tick of its
 * files' last change is never shared (auth_store_settled): a rewrite in
 * place in that tick would not show in the times. When the last holder puts it
 * back, the store is released and its secrets wiped: an idle daemon keeps no
 * credential in memory. With store_cache_linger, an unchanged store outlives
 * its last holder by a short grace period instead, so requests that follow one
 * another (not only those that overlap) share the parse; the owner's timer
 * calls store_cache_expire to release it once the period is over. A store whose
 * auth-profiles.json does not exist yet is never shared (its load may import
 * legacy files).
 *
 * Whether the files are unchanged costs a stat() of each, twice a request
 * (when the turn starts, and before it records its success). With
 * store_cache_watch the cache watches the agent directories instead
 * (base/dirwatch.h): a store with no event for its files since it was
 * read is unchanged, and the times are compared at most once a second
 * (a parent directory replaced under the watch sends no event). A watched
 * store is shared even when written a moment ago: a rewrite is an event.
 *
 * cache may be NULL: every get is then a fresh load and every put frees
 * it (the CLI's single turn).
 */
#ifndef OC_AUTH_STORE_CACHE_H
#define OC_AUTH_STORE_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/store.h"
#include "base/err.h"
#include "config/paths.h"

struct store_cache;

struct store_cache *store_cache_new(void);
/* Frees the cache and any store still held (call after the last turn). */
void store_cache_free(struct store_cache *cache);

/* The store of agent_dir as auth_store_load reads it; NULL with err as
 * auth_store_load fails. Give it back with store_cache_put. */
const struct auth_store *store_cache_get(struct store_cache *cache,
                                         const char *agent_dir,
                                         const struct oc_paths *p,
                                         struct oc_err *err);
void store_cache_put(struct store_cache *cache, const struct auth_store *s);

/* Whether s (from store_cache_get on cache) still holds what its files
 * do; with cache NULL, auth_store_current. */
bool store_cache_current(struct store_cache *cache, const struct auth_store *s);

/* Watch agent directories for changes instead of comparing file times on
 * every get (see above); false when this system cannot (the cache then
 * compares times, as without). */
bool store_cache_watch(struct store_cache *cache);

/*
 * Keep a store whose last holder put it back for ms (monotonic clock)
 * before releasing it, while it is still the current one. idle(ctx) is
 * called each time a store starts to wait so: the owner then arranges for
 * store_cache_expire to run (a timer of ms, say).
 */
void store_cache_linger(struct store_cache *cache, int64_t ms,
                        void (*idle)(void *ctx), void *ctx);
/* Releases (and wipes) the stores whose grace period is over; returns
 * the ms until the next one is due, or -1 when none waits. */
int64_t store_cache_expire(struct store_cache *cache);

/* How many parsed stores the cache holds now, held or lingering. */
size_t store_cache_size(const struct store_cache *cache);

#endif
