/*
 * A per-agent credential store: <agentDir>/auth-profiles.json
 * {version, profiles, order, lastGood, usageStats} (OpenClaw's classic
 * layout), plus a sibling auth-state.json when one exists (the later
 * layout, whose order/lastGood/usageStats win per key and where state is
 * then written).
 *
 * The parsed documents are kept as they are, so unknown fields, unknown
 * profiles and key order survive every rewrite; invalid entries are
 * skipped with a warning and never deleted. A store that cannot be parsed
 * is an error naming the file, line and column, and is never overwritten.
 *
 * Reading and writing: auth_store_load for a snapshot (commands that only
 * read), auth_store_update for every read-modify-write (it holds the store
 * lock, re-reads, applies the change, writes atomically, 0600).
 * When auth-profiles.json does not exist yet, legacy <agentDir>/auth.json
 * and <state>/credentials/oauth.json are imported once (auth.json is then
 * removed).
 */
#ifndef OC_AUTH_STORE_H
#define OC_AUTH_STORE_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/cred.h"
#include "auth/policy.h"
#include "base/err.h"
#include "base/fsx.h"
#include "base/strlist.h"
#include "config/paths.h"

#define AUTH_STORE_FILE "auth-profiles.json"
#define AUTH_STATE_FILE "auth-state.json"
#define AUTH_STORE_MAX  ((size_t)8 << 20)

struct auth_store {
    char *dir;               /* agent dir */
    char *path;              /* <dir>/auth-profiles.json */
    char *state_path;        /* <dir>/auth-state.json */
    char *legacy_oauth;      /* <state>/credentials/oauth.json (or env dir) */
    json_t *doc;             /* auth-profiles.json as read ({} when absent) */
    json_t *state;           /* auth-state.json as read, or NULL */
    bool exists;             /* auth-profiles.json was on disk */
    bool legacy_pending;     /* AUTH_LOAD_PEEK: legacy files were read
                                into memory, not yet imported on disk */
    struct strlist warnings; /* skipped entries, imports */
    struct auth_cred *creds; /* valid profiles, in file order */
    size_t ncreds;
    struct fsx_sig sig[2]; /* the two files as they were before reading */
};

void auth_store_init(struct auth_store *s);
void auth_store_release(struct auth_store *s);

/*
 * Read the store of agent_dir (no lock). A missing file is an empty
 * store, except that legacy auth.json / oauth.json are then imported (as
 * OpenClaw does on first use: written to auth-profiles.json, auth.json
 * removed). OC_EPARSE (with file:line:column in err) for unreadable JSON,
 * OC_EIO for I/O errors; s is then empty (released).
 */
int auth_store_load(struct auth_store *s, const char *agent_dir,
                    const struct oc_paths *p, struct oc_err *err);

/* The same, but legacy files are only read into memory (legacy_pending
 * set): nothing on disk changes. For doctor and listings. */
int auth_store_peek(struct auth_store *s, const char *agent_dir,
                    const struct oc_paths *p, struct oc_err *err);

/*
 * Are both files still as s read them (same inode, size and times)? Lets
 * a reader skip a locked update that, on what it read, changes nothing.
 * A file rewritten in place within one timestamp tick to the same size
 * is missed, the one blind spot of stat.
 */
bool auth_store_current(const struct auth_store *s);
/* Were both files, as s read them, last changed long enough ago that
 * auth_store_current cannot miss a later change (fsx_sig_settled)? */
bool auth_store_settled(const struct auth_store *s);

/*
 * Locked read-modify-write: take <dir>/auth-profiles.json.lock, load,
 * import legacy files if the store is new, call fn, and write if fn
 * returned 1 (0: nothing to write; < 0: abort, nothing written; fn fills
 * err). Returns fn's result or a negative error.
 */
int auth_store_update(const char *agent_dir, const struct oc_paths *p,
                      int (*fn)(struct auth_store *s, void *arg,
                                struct oc_err *err),
                      void *arg, struct oc_err *err);

/*
 * A legacy <agentDir>/auth.json left beside an existing store (it is only
 * imported automatically into a new store): the profile ids
 * ("<provider>:default") it has that the store lacks, and those the store
 * has with a different secret. 0, or OC_ENOENT/OC_EPARSE when there is no
 * readable auth.json, or the store's load error.
 */
int auth_legacy_compare(const char *agent_dir, const struct oc_paths *p,
                        struct strlist *missing, struct strlist *differ);

/*
 * Import the entries of a leftover auth.json the store lacks (locked
 * update); *imported says how many. auth.json is then removed when the
 * store holds all of it with the same secrets. 0 or a negative error.
 */
int auth_store_import_legacy(const char *agent_dir, const struct oc_paths *p,
                             int *imported, struct oc_err *err);

/* Write the store now (the caller holds the lock). */
int auth_store_save(struct auth_store *s, struct oc_err *err);

/* The valid credential with this id, or NULL. */
const struct auth_cred *auth_store_find(const struct auth_store *s,
                                        const char *id);
/* Is there an entry with this id at all (valid or not)? */
bool auth_store_has(const struct auth_store *s, const char *id);

/* Add or replace a profile (takes ownership of profile). */
void auth_store_put(struct auth_store *s, const char *id, json_t *profile);
/* Remove a profile and its order/lastGood/usageStats mentions; 0 or
 * OC_ENOENT. */
int auth_store_remove(struct auth_store *s, const char *id);

/* Per-agent order override for provider (normalised match): 0 and out
 * filled, or OC_ENOENT when none is set. */
int auth_store_order(const struct auth_store *s, const char *provider,
                     struct strlist *out);
void auth_store_set_order(struct auth_store *s, const char *provider,
                          const struct strlist *ids);
/* 0, or OC_ENOENT when there was nothing to clear. */
int auth_store_clear_order(struct auth_store *s, const char *provider);

/* lastGood[provider], or NULL. */
const char *auth_store_last_good(const struct auth_store *s,
                                 const char *provider);
void auth_store_set_last_good(struct auth_store *s, const char *provider,
                              const char *id);

/* usageStats[id] as a struct (zeroed when absent); true if present. */
bool auth_store_stats(const struct auth_store *s, const char *id,
                      struct usage_stats *out);
/* Write usageStats[id] back, keeping unknown fields and key order. */
void auth_store_set_stats(struct auth_store *s, const char *id,
                          const struct usage_stats *st);

#endif
