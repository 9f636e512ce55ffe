/*
 * auth.profiles / auth.order maintenance in openclaw.json (see meta.h).
 * Tested in tests/unit/test_resolve.c.
 */
#include <string.h>

#include "auth/cred.h"
#include "auth/meta.h"
#include "json/jsonx.h"
#include "base/banned.h"

static json_t *child(json_t *parent, const char *key)
{
    json_t *c = json_object_get(parent, key);

    if (!json_is_object(c)) {
        c = json_object();
        json_object_set_new(parent, key, c);
    }
    return c;
}

static bool list_has(json_t *arr, const char *id)
{
    json_t *v;
    size_t i;

    json_array_foreach (arr, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), id))
            return true;
    return false;
}

/* Step 2: merge every order list for the provider into one under the
 * normalised key, with id first. True if there was one. */
static bool reorder(json_t *order, const char *id, const char *norm)
{
    json_t *merged = json_array(), *arr, *v;
    const char *key;
    void *tmp;
    size_t i;
    bool found = false;

    json_array_append_new(merged, json_string(id));
    json_object_foreach_safe (order, tmp, key, arr) {
        if (!auth_provider_same(key, norm) || !json_is_array(arr))
            continue;
        found = true;
        json_array_foreach (arr, i, v)
            if (json_is_string(v) && !list_has(merged, json_string_value(v)))
                json_array_append(merged, v);
        json_object_del(order, key);
    }
    if (found)
        json_object_set_new(order, norm, merged);
    else
        json_decref(merged);
    return found;
}

/* Step 3: other profiles of the provider with a different mode. */
static json_t *others_with_other_mode(json_t *profiles, const char *id,
                                      const char *norm, const char *mode)
{
    json_t *list = json_array(), *meta;
    const char *key, *p, *m;

    json_object_foreach (profiles, key, meta) {
        p = jsonx_get_str(meta, "provider");
        m = jsonx_get_str(meta, "mode");
        if (!strcmp(key, id) || !p || !auth_provider_same(p, norm) || !m ||
            !strcmp(m, mode))
            continue;
        json_array_append_new(list, json_string(key));
    }
    return list;
}

void auth_meta_apply(json_t *raw, const char *id, const char *provider,
                     const char *mode)
{
    json_t *auth = child(raw, "auth"), *profiles = child(auth, "profiles");
    json_t *meta = child(profiles, id), *order, *others;
    char norm[AUTH_PROVIDER_MAX];

    auth_provider_normalize(provider, norm, sizeof(norm));
    json_object_set_new(meta, "provider", json_string(provider));
    json_object_set_new(meta, "mode", json_string(mode));
    order = json_object_get(auth, "order");
    if (json_is_object(order) && reorder(order, id, norm))
        return;
    others = others_with_other_mode(profiles, id, norm, mode);
    if (json_array_size(others)) {
        json_array_insert_new(others, 0, json_string(id));
        json_object_set_new(child(auth, "order"), norm, others);
    } else {
        json_decref(others);
    }
}

bool auth_meta_remove(json_t *raw, const char *id)
{
    json_t *auth = json_object_get(raw, "auth");
    json_t *order = json_object_get(auth, "order"), *arr, *v;
    const char *key;
    bool changed = json_object_del(json_object_get(auth, "profiles"), id) == 0;
    size_t i;

    json_object_foreach (order, key, arr) {
        for (i = json_array_size(arr); i-- > 0;) {
            v = json_array_get(arr, i);
            if (json_is_string(v) && !strcmp(json_string_value(v), id)) {
                json_array_remove(arr, i);
                changed = true;
            }
        }
    }
    return changed;
}
