/*
 * Loading, legacy import, saving and locked updates of a per-agent
 * credential store (see store.h). The state maps live in store_state.c.
 * Tested in tests/unit/test_store.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/store.h"
#include "auth/store_internal.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/log.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

static const char *const state_keys[] = {"order", "lastGood", "usageStats",
                                         NULL};

void auth_store_init(struct auth_store *s)
{
    memset(s, 0, sizeof(*s));
    strlist_init(&s->warnings);
}

void auth_store_release(struct auth_store *s)
{
    free(s->dir);
    free(s->path);
    free(s->state_path);
    free(s->legacy_oauth);
    json_decref(s->doc);
    json_decref(s->state);
    strlist_release(&s->warnings);
    free(s->creds);
    auth_store_init(s);
}

json_t *store_profiles(struct auth_store *s)
{
    json_t *p = json_object_get(s->doc, "profiles");

    if (!json_is_object(p)) {
        if (!json_object_get(s->doc, "version"))
            json_object_set_new(s->doc, "version", json_integer(1));
        p = json_object();
        json_object_set_new(s->doc, "profiles", p);
    }
    return p;
}

void store_reindex(struct auth_store *s)
{
    json_t *profiles = json_object_get(s->doc, "profiles"), *v;
    const char *id, *why;
    size_t n = 0;

    free(s->creds);
    s->creds = xcalloc(json_object_size(profiles) + 1, sizeof(*s->creds));
    json_object_foreach (profiles, id, v) {
        if (auth_cred_parse(id, v, &s->creds[n], &why) == 0)
            n++;
        else
            strlist_pushf(&s->warnings,
                          "ignored invalid auth profile \"%s\" in %s: %s", id,
                          s->path, why);
    }
    s->ncreds = n;
}

/* Parse one JSON document; OC_ENOENT when the file is absent. */
static int read_doc(const char *path, json_t **out, struct fsx_sig *sig,
                    struct oc_err *err)
{
    struct json5_error e;
    struct buf b;
    int rc;

    *out = NULL;
    buf_init(&b, AUTH_STORE_MAX);
    rc = fsx_read_file_sig(path, AUTH_STORE_MAX, &b, sig, err);
    if (rc)
        return rc;
    *out = json5_parse(b.p, b.len, NULL, NULL, &e);
    buf_wipe_release(&b);
    if (!*out)
        return oc_err_set(err, OC_EPARSE,
                          "cannot read '%s': line %d, column %d: %s; fix it "
                          "or move it aside (it was not changed)",
                          path, e.line, e.column, e.text);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return oc_err_set(err, OC_EPARSE,
                          "cannot read '%s': expected a JSON object; fix it "
                          "or move it aside (it was not changed)",
                          path);
    }
    return 0;
}

static int check_layout(const struct auth_store *s, struct oc_err *err)
{
    json_t *profiles = json_object_get(s->doc, "profiles");

    if (profiles && !json_is_object(profiles))
        return oc_err_set(err, OC_EPARSE,
                          "cannot read '%s': \"profiles\" is not an object; "
                          "fix it or move it aside (it was not changed)",
                          s->path);
    if (!profiles && json_object_size(s->doc))
        return oc_err_set(err, OC_EPARSE,
                          "'%s' has no \"profiles\" object (an older flat "
                          "layout?); run `openclaw doctor` (it was not "
                          "changed)",
                          s->path);
    return 0;
}

/* auth-state.json wins per key; copy what it lacks from the main file so
 * the state file holds everything once it is written. */
static void merge_state(struct auth_store *s)
{
    const char *key, *const *name;
    json_t *from, *into, *v;

    for (name = state_keys; *name; name++) {
        from = json_object_get(s->doc, *name);
        if (!json_is_object(from))
            continue;
        into = json_object_get(s->state, *name);
        if (!json_is_object(into)) {
            into = json_object();
            json_object_set_new(s->state, *name, into);
        }
        json_object_foreach (from, key, v)
            if (!json_object_get(into, key))
                json_object_set(into, key, v);
    }
}

static void set_paths(struct auth_store *s, const char *agent_dir,
                      const struct oc_paths *p)
{
    const char *oauth_dir = getenv("OPENCLAW_OAUTH_DIR");

    s->dir = xstrdup(agent_dir);
    s->path = path_join(agent_dir, AUTH_STORE_FILE);
    s->state_path = path_join(agent_dir, AUTH_STATE_FILE);
    if (oauth_dir && *oauth_dir)
        s->legacy_oauth = path_join(oauth_dir, "oauth.json");
    else
        s->legacy_oauth = xasprintf("%s/credentials/oauth.json", p->state_dir);
}

/* Read both files into s (no lock, no import). */
static int load_files(struct auth_store *s, struct oc_err *err)
{
    int rc;

    /* taken as each file is opened: a write after that makes the
     * signature stale, and auth_store_current then says no (never yes on
     * old contents) */
    rc = read_doc(s->path, &s->doc, &s->sig[0], err);

    s->exists = rc == 0;
    if (rc == OC_ENOENT) {
        oc_err_clear(err);
        s->doc = json_object();
    } else if (rc) {
        return rc;
    }
    rc = check_layout(s, err);
    if (rc)
        return rc;
    rc = read_doc(s->state_path, &s->state, &s->sig[1], err);
    if (rc == OC_ENOENT)
        oc_err_clear(err);
    else if (rc)
        return rc;
    if (s->state)
        merge_state(s);
    store_reindex(s);
    return 0;
}

bool auth_store_current(const struct auth_store *s)
{
    struct fsx_sig now;

    if (!s->path || !s->doc || s->legacy_pending)
        return false;
    fsx_sig_of(s->path, &now);
    if (!fsx_sig_same(&now, &s->sig[0]))
        return false;
    fsx_sig_of(s->state_path, &now);
    return fsx_sig_same(&now, &s->sig[1]);
}

bool auth_store_settled(const struct auth_store *s)
{
    int64_t now = clock_real_wall_ms();

    return fsx_sig_settled(&s->sig[0], now) && fsx_sig_settled(&s->sig[1], now);
}

static bool legacy_present(const struct auth_store *s)
{
    char *auth_json = path_join(s->dir, "auth.json");
    bool r = fsx_exists(auth_json) || fsx_exists(s->legacy_oauth);

    free(auth_json);
    return r;
}

static int noop(struct auth_store *s, void *arg, struct oc_err *err)
{
    (void)s;
    (void)arg;
    (void)err;
    return 0;
}

int auth_store_load(struct auth_store *s, const char *agent_dir,
                    const struct oc_paths *p, struct oc_err *err)
{
    int rc;

    auth_store_release(s);
    set_paths(s, agent_dir, p);
    rc = load_files(s, err);
    if (!rc && !s->exists && legacy_present(s)) {
        /* First use with legacy files only: import them once, re-read. */
        rc = auth_store_update(agent_dir, p, noop, NULL, err);
        auth_store_release(s);
        set_paths(s, agent_dir, p);
        if (rc >= 0)
            rc = load_files(s, err);
    }
    if (rc < 0)
        auth_store_release(s);
    return rc < 0 ? rc : 0;
}

int auth_store_peek(struct auth_store *s, const char *agent_dir,
                    const struct oc_paths *p, struct oc_err *err)
{
    int rc;

    auth_store_release(s);
    set_paths(s, agent_dir, p);
    rc = load_files(s, err);
    if (!rc && !s->exists && legacy_present(s))
        s->legacy_pending = store_import_legacy(s) > 0;
    if (rc < 0)
        auth_store_release(s);
    return rc < 0 ? rc : 0;
}

/* A copy of doc without the state maps (the later, split layout). */
static json_t *profiles_only(json_t *doc)
{
    json_t *out = json_object(), *v;
    const char *key;

    json_object_foreach (doc, key, v)
        if (strcmp(key, "order") != 0 && strcmp(key, "lastGood") != 0 &&
            strcmp(key, "usageStats") != 0)
            json_object_set(out, key, v);
    return out;
}

static int write_json(const char *path, json_t *v, struct oc_err *err)
{
    struct buf b;
    int rc;

    buf_init(&b, AUTH_STORE_MAX);
    if (jsonx_dump(v, 2, &b) || buf_addch(&b, '\n')) {
        buf_wipe_release(&b);
        return oc_err_set(err, OC_ETOOBIG, "'%s' would be too large", path);
    }
    rc = fsx_write_atomic(path, b.p, b.len, err);
    buf_wipe_release(&b);
    return rc;
}

static bool state_empty(json_t *state)
{
    const char *const *name;

    for (name = state_keys; *name; name++)
        if (json_object_size(json_object_get(state, *name)))
            return false;
    return true;
}

int auth_store_save(struct auth_store *s, struct oc_err *err)
{
    json_t *main_doc;
    int rc;

    store_profiles(s);
    store_prune_empty(s->doc);
    if (!s->state)
        return write_json(s->path, s->doc, err);
    main_doc = profiles_only(s->doc);
    rc = write_json(s->path, main_doc, err);
    json_decref(main_doc);
    if (rc)
        return rc;
    store_prune_empty(s->state);
    if (state_empty(s->state))
        return unlink(s->state_path) == 0 || !fsx_exists(s->state_path)
                   ? 0
                   : oc_err_errno(err, OC_EIO, "cannot remove '%s'",
                                  s->state_path);
    if (!json_object_get(s->state, "version"))
        json_object_set_new(s->state, "version", json_integer(1));
    return write_json(s->state_path, s->state, err);
}

int auth_store_update(const char *agent_dir, const struct oc_paths *p,
                      int (*fn)(struct auth_store *s, void *arg,
                                struct oc_err *err),
                      void *arg, struct oc_err *err)
{
    struct fsx_lock lk = FSX_LOCK_INIT;
    struct auth_store s;
    int rc, imported = 0;

    oc_err_clear(err);
    auth_store_init(&s);
    set_paths(&s, agent_dir, p);
    rc = fsx_lock_acquire(&lk, s.path, NULL, err);
    if (rc) {
        auth_store_release(&s);
        return rc;
    }
    rc = load_files(&s, err);
    if (!rc && !s.exists)
        imported = store_import_legacy(&s);
    if (!rc)
        rc = fn(&s, arg, err);
    if (rc == 1 || (rc == 0 && imported))
        rc = auth_store_save(&s, err) ? -1 : rc;
    if (rc >= 0 && imported)
        store_remove_legacy(&s);
    fsx_lock_release(&lk);
    auth_store_release(&s);
    return rc < 0 && err && err->code ? err->code : rc;
}

const struct auth_cred *auth_store_find(const struct auth_store *s,
                                        const char *id)
{
    size_t i;

    for (i = 0; id && i < s->ncreds; i++)
        if (!strcmp(s->creds[i].id, id))
            return &s->creds[i];
    return NULL;
}

bool auth_store_has(const struct auth_store *s, const char *id)
{
    return json_object_get(json_object_get(s->doc, "profiles"), id) != NULL;
}

void auth_store_put(struct auth_store *s, const char *id, json_t *profile)
{
    json_object_set_new(store_profiles(s), id, profile);
    store_reindex(s);
}
