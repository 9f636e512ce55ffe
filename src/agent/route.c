/*
 * Models to try and what each needs (see route.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/route.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/modelref.h"
#include "base/banned.h"

static void push_unique(struct strlist *out, const char *ref)
{
    if (ref && *ref && !strlist_has(out, ref))
        strlist_push(out, ref);
}

/* A configured ref (alias, shorthand or provider/model) as provider/model. */
static void push_resolved(json_t *cfg, struct strlist *out, const char *raw)
{
    struct model_ref r;
    char buf[320];

    if (raw && modelref_resolve(cfg, raw, &r, NULL, NULL) == 0)
        push_unique(out, modelref_format(&r, buf, sizeof(buf)));
}

void route_candidates(json_t *cfg, const char *agent_id, const char *first,
                      struct strlist *out)
{
    struct strlist fb = STRLIST_INIT;
    size_t i;

    push_unique(out, first);
    push_resolved(cfg, out, modelref_default(cfg, agent_id));
    modelref_fallbacks(cfg, agent_id, &fb);
    for (i = 0; i < fb.n; i++)
        push_resolved(cfg, out, fb.v[i]);
    strlist_release(&fb);
}

/* ---- params ------------------------------------------------------------ */

static json_t *merged_params(json_t *cfg, const char *agent_id, const char *ref)
{
    json_t *d = jsonx_get_obj(jsonx_get_obj(cfg, "agents"), "defaults");
    json_t *out = json_object();
    json_t *agent = modelref_agent_entry(cfg, agent_id);

    jsonx_merge(out, jsonx_get_obj(d, "params"));
    jsonx_merge(out,
                jsonx_get_obj(jsonx_get_obj(jsonx_get_obj(d, "models"), ref),
                              "params"));
    jsonx_merge(out, jsonx_get_obj(agent, "params"));
    return out;
}

/* ---- headers ------------------------------------------------------------ */

/* Copy src's string headers into dst; anthropic-beta values are joined
 * (case-insensitively matched), other names replace. */
static void merge_headers(json_t *dst, json_t *src)
{
    const char *key, *have, *dkey;
    json_t *v, *dv;
    char *joined;

    json_object_foreach (src, key, v) {
        if (!json_is_string(v))
            continue;
        have = NULL;
        json_object_foreach (dst, dkey, dv)
            if (!strcasecmp(dkey, key)) {
                have = dkey;
                break;
            }
        if (have && !strcasecmp(key, "anthropic-beta")) {
            joined =
                xasprintf("%s,%s", json_string_value(dv), json_string_value(v));
            json_object_set_new(dst, have, json_string(joined));
            free(joined);
            continue;
        }
        if (have)
            json_object_del(dst, have);
        json_object_set(dst, key, v);
    }
}

static json_t *catalog_model(json_t *provider, const char *model)
{
    json_t *m;
    size_t i;

    json_array_foreach (jsonx_get_arr(provider, "models"), i, m)
        if (jsonx_get_str(m, "id") && !strcmp(jsonx_get_str(m, "id"), model))
            return m;
    return NULL;
}

static json_t *merged_headers(json_t *cfg, const struct route *r)
{
    json_t *prov = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(cfg, "models"), "providers"), r->provider);
    json_t *entry = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(jsonx_get_obj(cfg, "agents"), "defaults"),
                      "models"),
        r->ref);
    json_t *out = json_object();

    merge_headers(out, jsonx_get_obj(prov, "headers"));
    merge_headers(out, jsonx_get_obj(catalog_model(prov, r->model), "headers"));
    merge_headers(out, jsonx_get_obj(entry, "headers"));
    return out;
}

/* ---- one route ---------------------------------------------------------- */

int route_build(json_t *cfg, const char *agent_id, const char *ref,
                struct route *r, struct oc_err *err)
{
    struct model_ref mr;

    memset(r, 0, sizeof(*r));
    if (modelref_parse(ref, &mr, err))
        return OC_EINVAL;
    modelref_format(&mr, r->ref, sizeof(r->ref));
    str_copy(r->provider, sizeof(r->provider), mr.provider);
    str_copy(r->model, sizeof(r->model), mr.model);
    r->api = catalogue_api(cfg, r->provider);
    r->base_url = catalogue_base_url(cfg, r->provider);
    r->has_info = catalogue_lookup(cfg, r->provider, r->model, &r->info) == 0;
    if (!r->api)
        r->api = "openai-completions"; /* custom providers speak OpenAI's API */
    if (!r->base_url)
        return oc_err_set(err, OC_EINVAL,
                          "provider \"%s\" has no base URL: set "
                          "models.providers.%s.baseUrl in openclaw.json",
                          r->provider, r->provider);
    r->params = merged_params(cfg, agent_id, r->ref);
    r->headers = merged_headers(cfg, r);
    return 0;
}

void route_release(struct route *r)
{
    json_decref(r->params);
    json_decref(r->headers);
    memset(r, 0, sizeof(*r));
}
