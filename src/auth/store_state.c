/*
 * The routing state of a store: per-agent order overrides, lastGood and
 * usageStats, read from auth-state.json when it exists (merged over the
 * main file at load) and written back to wherever it lives. Provider keys
 * match by normalised id, as OpenClaw matches them.
 * Tested in tests/unit/test_store.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/store.h"
#include "auth/store_internal.h"
#include "base/str.h"
#include "json/jsonx.h"
#include "base/banned.h"

/* The map as read (merged), or NULL. */
static json_t *map_r(const struct auth_store *s, const char *name)
{
    json_t *m = json_object_get(s->state ? s->state : s->doc, name);

    return json_is_object(m) ? m : NULL;
}

/* The map to write, created when missing. */
static json_t *map_w(struct auth_store *s, const char *name)
{
    json_t *owner = s->state ? s->state : s->doc;
    json_t *m = json_object_get(owner, name);

    if (!json_is_object(m)) {
        if (!s->state)
            store_profiles(s); /* keep version/profiles first */
        m = json_object();
        json_object_set_new(owner, name, m);
    }
    return m;
}

/* The first key of m naming provider, or NULL. */
static const char *provider_key(json_t *m, const char *provider)
{
    const char *key;
    json_t *v;

    json_object_foreach (m, key, v)
        if (auth_provider_same(key, provider))
            return key;
    return NULL;
}

/* Delete every key of m naming provider; true if any was there. */
static bool delete_provider(json_t *m, const char *provider)
{
    const char *key;
    bool any = false;

    while (m && (key = provider_key(m, provider))) {
        json_object_del(m, key);
        any = true;
    }
    return any;
}

void store_prune_empty(json_t *doc)
{
    json_t *order = json_object_get(doc, "order");

    if (json_is_object(order) && !json_object_size(order))
        json_object_del(doc, "order");
}

int auth_store_order(const struct auth_store *s, const char *provider,
                     struct strlist *out)
{
    json_t *m = map_r(s, "order"), *list, *v;
    const char *key = m ? provider_key(m, provider) : NULL;
    char *t;
    size_t i;

    list = key ? json_object_get(m, key) : NULL;
    if (!json_is_array(list))
        return OC_ENOENT;
    json_array_foreach (list, i, v) {
        if (!json_is_string(v))
            continue;
        t = str_trim_dup(json_string_value(v));
        if (*t && !strlist_has(out, t))
            strlist_push_take(out, t);
        else
            free(t);
    }
    return 0;
}

void auth_store_set_order(struct auth_store *s, const char *provider,
                          const struct strlist *ids)
{
    json_t *m = map_w(s, "order"), *list = json_array();
    char norm[AUTH_PROVIDER_MAX];
    size_t i;

    for (i = 0; i < ids->n; i++)
        json_array_append_new(list, json_string(ids->v[i]));
    delete_provider(m, provider);
    auth_provider_normalize(provider, norm, sizeof(norm));
    json_object_set_new(m, norm, list);
    if (s->state)
        delete_provider(json_object_get(s->doc, "order"), provider);
}

int auth_store_clear_order(struct auth_store *s, const char *provider)
{
    bool any = delete_provider(map_r(s, "order"), provider);

    if (s->state)
        any =
            delete_provider(json_object_get(s->doc, "order"), provider) || any;
    return any ? 0 : OC_ENOENT;
}

const char *auth_store_last_good(const struct auth_store *s,
                                 const char *provider)
{
    json_t *m = map_r(s, "lastGood");
    const char *key = m ? provider_key(m, provider) : NULL;

    return key ? jsonx_get_str(m, key) : NULL;
}

void auth_store_set_last_good(struct auth_store *s, const char *provider,
                              const char *id)
{
    json_t *m = map_w(s, "lastGood");
    char norm[AUTH_PROVIDER_MAX];

    delete_provider(m, provider);
    auth_provider_normalize(provider, norm, sizeof(norm));
    json_object_set_new(m, norm, json_string(id));
}

static int64_t num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    double d = json_is_number(v) ? json_number_value(v) : 0;

    if (!isfinite(d) || d <= 0)
        return 0;
    return d > 8.64e15 ? (int64_t)8.64e15 : (int64_t)d;
}

/* A count from the file, within int range. */
static int small_count(int64_t v)
{
    return v > 1000000000 ? 1000000000 : (int)v;
}

bool auth_store_stats(const struct auth_store *s, const char *id,
                      struct usage_stats *out)
{
    json_t *m = map_r(s, "usageStats");
    json_t *o = m ? json_object_get(m, id) : NULL, *counts, *v;
    const char *key;

    memset(out, 0, sizeof(*out));
    if (!json_is_object(o))
        return false;
    out->last_used = num(o, "lastUsed");
    out->cooldown_until = num(o, "cooldownUntil");
    out->disabled_until = num(o, "disabledUntil");
    out->last_failure_at = num(o, "lastFailureAt");
    out->error_count = small_count(num(o, "errorCount"));
    out->cooldown_reason =
        auth_reason_parse(jsonx_get_str(o, "cooldownReason"));
    out->disabled_reason =
        auth_reason_parse(jsonx_get_str(o, "disabledReason"));
    str_copy(out->cooldown_model, sizeof(out->cooldown_model),
             jsonx_get_str(o, "cooldownModel"));
    counts = json_object_get(o, "failureCounts");
    json_object_foreach (counts, key, v)
        if (auth_reason_parse(key) != REASON_NONE)
            out->failure_counts[auth_reason_parse(key)] =
                small_count(num(counts, key));
    return true;
}

static void put_num(json_t *o, const char *key, int64_t v, bool keep)
{
    if (keep)
        json_object_set_new(o, key, json_integer(v));
    else
        json_object_del(o, key);
}

static void put_str(json_t *o, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(o, key, json_string(v));
    else
        json_object_del(o, key);
}

static json_t *counts_json(const struct usage_stats *st)
{
    json_t *o = json_object();
    int r;

    for (r = 1; r < REASON_COUNT; r++)
        if (st->failure_counts[r] > 0)
            json_object_set_new(o, auth_reason_name(r),
                                json_integer(st->failure_counts[r]));
    return o;
}

/* Fields in the order OpenClaw creates them, so a new entry serialises as
 * OpenClaw's would; existing fields keep their place. */
void auth_store_set_stats(struct auth_store *s, const char *id,
                          const struct usage_stats *st)
{
    json_t *m = map_w(s, "usageStats"), *o = json_object_get(m, id);
    json_t *counts = counts_json(st);

    if (!json_is_object(o)) {
        o = json_object();
        json_object_set_new(m, id, o);
    }
    put_num(o, "errorCount", st->error_count, true);
    if (json_object_size(counts))
        json_object_set(o, "failureCounts", counts);
    else
        json_object_del(o, "failureCounts");
    json_decref(counts);
    put_num(o, "lastFailureAt", st->last_failure_at, st->last_failure_at > 0);
    put_num(o, "cooldownUntil", st->cooldown_until, st->cooldown_until > 0);
    put_str(o, "cooldownReason", auth_reason_name(st->cooldown_reason));
    put_str(o, "cooldownModel", st->cooldown_model);
    put_num(o, "disabledUntil", st->disabled_until, st->disabled_until > 0);
    put_str(o, "disabledReason", auth_reason_name(st->disabled_reason));
    put_num(o, "lastUsed", st->last_used, st->last_used > 0);
}

/* Drop id from every order list, lastGood and usageStats of a doc. */
static void forget_in(json_t *doc, const char *id)
{
    json_t *order = json_object_get(doc, "order"), *last, *list, *v;
    const char *key;
    void *tmp;
    size_t i;

    json_object_foreach (order, key, list) {
        for (i = json_array_size(list); i-- > 0;) {
            v = json_array_get(list, i);
            if (json_is_string(v) && !strcmp(json_string_value(v), id))
                json_array_remove(list, i);
        }
    }
    last = json_object_get(doc, "lastGood");
    json_object_foreach_safe (last, tmp, key, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), id))
            json_object_del(last, key);
    json_object_del(json_object_get(doc, "usageStats"), id);
}

int auth_store_remove(struct auth_store *s, const char *id)
{
    json_t *profiles = json_object_get(s->doc, "profiles");

    if (!json_object_get(profiles, id))
        return OC_ENOENT;
    json_object_del(profiles, id);
    forget_in(s->doc, id);
    if (s->state)
        forget_in(s->state, id);
    store_reindex(s);
    return 0;
}
