/*
 * One-time import of legacy credential files into a new store
 * (reference openclaw-auth.md §2.8): <agentDir>/auth.json
 * {"<provider>": {type, key|token|access...}} and
 * <state>/credentials/oauth.json {"<provider>": {access, refresh,
 * expires}}, each entry becoming "<provider>:default" unless that id
 * exists. auth.json is removed after a successful save; oauth.json is
 * left in place, as OpenClaw leaves it.
 * Tested in tests/unit/test_store.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/store.h"
#include "auth/store_internal.h"
#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

/* The fields each type keeps (besides type and provider). */
static const char *const keep_api_key[] = {"key", "email", NULL};
static const char *const keep_token[] = {"token", "expires", "email", NULL};
static const char *const keep_oauth[] = {
    "access", "refresh",   "expires", "enterpriseUrl", "projectId", "accountId",
    "email",  "managedBy", NULL};

static json_t *read_legacy(const char *path)
{
    struct buf b;
    json_t *v = NULL;

    buf_init(&b, AUTH_STORE_MAX);
    if (fsx_read_file(path, AUTH_STORE_MAX, &b, NULL) == 0)
        v = json5_parse(b.p, b.len, NULL, NULL, NULL);
    buf_wipe_release(&b);
    if (v && !json_is_object(v)) {
        json_decref(v);
        v = NULL;
    }
    return v;
}

static json_t *convert(const char *provider, json_t *entry,
                       const char *forced_type)
{
    const char *type = forced_type ? forced_type : jsonx_get_str(entry, "type");
    const char *const *keep = NULL, *const * k;
    json_t *out;

    if (type && !strcmp(type, "api_key"))
        keep = keep_api_key;
    else if (type && !strcmp(type, "token"))
        keep = keep_token;
    else if (type && !strcmp(type, "oauth"))
        keep = keep_oauth;
    if (!keep || !json_is_object(entry))
        return NULL;
    out = json_pack("{s:s, s:s}", "type", type, "provider", provider);
    for (k = keep; *k; k++)
        if (json_object_get(entry, *k))
            json_object_set(out, *k, json_object_get(entry, *k));
    return out;
}

static int import_file(struct auth_store *s, const char *path,
                       const char *forced_type)
{
    json_t *doc = read_legacy(path), *entry, *profile;
    const char *provider;
    char *id;
    int n = 0;

    if (!doc || json_object_get(doc, "profiles")) {
        json_decref(doc);
        return 0;
    }
    json_object_foreach (doc, provider, entry) {
        id = xasprintf("%s:default", provider);
        profile = auth_store_has(s, id) ? NULL
                                        : convert(provider, entry, forced_type);
        if (profile) {
            json_object_set_new(store_profiles(s), id, profile);
            n++;
        }
        free(id);
    }
    if (n)
        strlist_pushf(&s->warnings, "imported %d legacy profile(s) from %s", n,
                      path);
    json_decref(doc);
    return n;
}

int store_import_legacy(struct auth_store *s)
{
    char *auth_json = path_join(s->dir, "auth.json");
    int n = import_file(s, auth_json, NULL);

    free(auth_json);
    n += import_file(s, s->legacy_oauth, "oauth");
    if (n)
        store_reindex(s);
    return n;
}

void store_remove_legacy(struct auth_store *s)
{
    char *auth_json = path_join(s->dir, "auth.json");
    json_t *doc = read_legacy(auth_json);

    if (doc && !json_object_get(doc, "profiles"))
        unlink(auth_json);
    json_decref(doc);
    free(auth_json);
}

/* The secret a profile object holds (key, token or access), or NULL. */
static json_t *secret_of(json_t *profile)
{
    static const char *const fields[] = {"key", "token", "access", NULL};
    json_t *v;
    size_t i;

    for (i = 0; fields[i]; i++)
        if ((v = json_object_get(profile, fields[i])))
            return v;
    return NULL;
}

static void compare_entry(const struct auth_store *s, const char *provider,
                          json_t *entry, struct strlist *missing,
                          struct strlist *differ)
{
    char *id = xasprintf("%s:default", provider);
    json_t *conv = convert(provider, entry, NULL), *have;
    const struct auth_cred *c = auth_store_find(s, id);

    if (!conv) {
        free(id);
        return;
    }
    have = c ? secret_of(c->json) : NULL;
    if (!auth_store_has(s, id))
        strlist_push(missing, id);
    else if (!have || !json_equal(have, secret_of(conv)))
        strlist_push(differ, id);
    json_decref(conv);
    free(id);
}

int auth_legacy_compare(const char *agent_dir, const struct oc_paths *p,
                        struct strlist *missing, struct strlist *differ)
{
    char *path = path_join(agent_dir, "auth.json");
    json_t *doc = read_legacy(path), *entry;
    struct auth_store s;
    const char *provider;
    int rc = OC_ENOENT;

    free(path);
    auth_store_init(&s);
    if (doc && !json_object_get(doc, "profiles"))
        rc = auth_store_load(&s, agent_dir, p, NULL);
    if (!rc)
        json_object_foreach (doc, provider, entry)
            compare_entry(&s, provider, entry, missing, differ);
    auth_store_release(&s);
    json_decref(doc);
    return rc;
}

static int import_fn(struct auth_store *s, void *arg, struct oc_err *err)
{
    char *auth_json = path_join(s->dir, "auth.json");
    int *n = arg;

    (void)err;
    *n = import_file(s, auth_json, NULL);
    free(auth_json);
    if (*n)
        store_reindex(s);
    return *n ? 1 : 0;
}

int auth_store_import_legacy(const char *agent_dir, const struct oc_paths *p,
                             int *imported, struct oc_err *err)
{
    struct strlist missing = STRLIST_INIT, differ = STRLIST_INIT;
    char *auth_json;
    int rc;

    *imported = 0;
    rc = auth_store_update(agent_dir, p, import_fn, imported, err);
    if (rc < 0)
        return rc;
    if (auth_legacy_compare(agent_dir, p, &missing, &differ) == 0 &&
        !missing.n && !differ.n) {
        auth_json = path_join(agent_dir, "auth.json");
        unlink(auth_json);
        free(auth_json);
    }
    strlist_release(&missing);
    strlist_release(&differ);
    return 0;
}
