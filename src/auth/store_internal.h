/*
 * Shared between the store's files (store.c, store_state.c,
 * store_import.c) only.
 */
#ifndef OC_AUTH_STORE_INTERNAL_H
#define OC_AUTH_STORE_INTERNAL_H

#include "auth/store.h"

/* The "profiles" object, created (after "version") when missing. */
json_t *store_profiles(struct auth_store *s);
/* Re-read s->creds after the profiles changed. */
void store_reindex(struct auth_store *s);
/* Drop an empty "order" map. */
void store_prune_empty(json_t *doc);
/* Import legacy auth.json / credentials/oauth.json into a new store;
 * returns how many profiles were imported. */
int store_import_legacy(struct auth_store *s);
/* After a successful save: remove the imported legacy auth.json. */
void store_remove_legacy(struct auth_store *s);

#endif
