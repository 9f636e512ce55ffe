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
 * next request, as before. When the last holder puts it back, the store
 * is released and its secrets wiped: an idle daemon keeps no credential
 * in memory. A store whose auth-profiles.json does not exist yet is never
 * shared (its load may import legacy files).
 *
 * cache may be NULL: every get is then a fresh load and every put frees
 * it (the CLI's single turn).
 */
#ifndef OC_AUTH_STORE_CACHE_H
#define OC_AUTH_STORE_CACHE_H

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

/* How many parsed stores the cache holds now (for tests). */
size_t store_cache_size(const struct store_cache *cache);

#endif
