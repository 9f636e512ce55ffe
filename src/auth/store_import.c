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
