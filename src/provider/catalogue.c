/*
 * The built-in model catalogue and its config overrides (see
 * catalogue.h). Tested in tests/unit/test_modelref.c.
 */
#include <string.h>
#include <strings.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "base/banned.h"

extern const unsigned char oc_catalogue_json[];
extern const unsigned long oc_catalogue_json_len;

json_t *catalogue_builtin(void)
{
    static json_t *doc;
    json_error_t e;

    if (!doc) {
        doc = json_loadb((const char *)oc_catalogue_json,
                         (size_t)oc_catalogue_json_len, 0, &e);
        if (!doc)
            BUG("data/models.json: %s (line %d)", e.text, e.line);
    }
    return doc;
}

const char *catalogue_default_model(void)
{
    return jsonx_get_str(catalogue_builtin(), "defaultModel");
}

const char *catalogue_builtin_alias(const char *alias)
{
    return jsonx_get_str(jsonx_get_obj(catalogue_builtin(), "aliases"), alias);
}

static json_t *provider_entry(json_t *doc, const char *provider)
{
    return jsonx_get_obj(jsonx_get_obj(doc, "providers"), provider);
}

static json_t *config_provider(json_t *root, const char *provider)
{
    return jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(root, "models"), "providers"), provider);
}

static int64_t int_field(json_t *o, const char *key)
{
    int64_t v = 0;

    return jsonx_get_int(o, key, &v) == 0 ? v : 0;
}

static double num_field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_number(v) ? json_number_value(v) : 0;
}

static bool has_image(json_t *m)
{
    json_t *input = jsonx_get_arr(m, "input"), *v;
    size_t i;

    json_array_foreach (input, i, v)
        if (json_is_string(v) && !strcmp(json_string_value(v), "image"))
            return true;
    return false;
}

static void fill(const char *provider, json_t *m, bool from_config,
                 struct model_info *out)
{
    json_t *cost = jsonx_get_obj(m, "cost");

    memset(out, 0, sizeof(*out));
    out->provider = provider;
    out->id = jsonx_get_str(m, "id");
    out->name = jsonx_get_str(m, "name") ? jsonx_get_str(m, "name") : out->id;
    out->thinking = jsonx_get_str(m, "thinking");
    out->context_window = int_field(m, "contextWindow");
    out->max_tokens = int_field(m, "maxTokens");
    out->default_max_tokens = int_field(m, "defaultMaxTokens");
    if (!out->default_max_tokens)
        out->default_max_tokens = out->max_tokens ? out->max_tokens : 4096;
    out->min_cache_tokens = int_field(m, "minCacheTokens");
    out->reasoning = jsonx_get_bool(m, "reasoning", false);
    out->image_input = has_image(m);
    out->has_cost = cost != NULL;
    out->cost_input = num_field(cost, "input");
    out->cost_output = num_field(cost, "output");
    out->cost_cache_read = num_field(cost, "cacheRead");
    out->cost_cache_write = num_field(cost, "cacheWrite");
    out->cost_cache_write_1h = num_field(cost, "cacheWrite1h");
    if (out->has_cost && !out->cost_cache_write_1h)
        out->cost_cache_write_1h = 2 * out->cost_input;
    out->from_config = from_config;
}

static bool same_id(const char *a, const char *b)
{
    return a && b && !strcasecmp(a, b);
}

static json_t *find_model(json_t *provider_obj, const char *model)
{
    json_t *models = jsonx_get_arr(provider_obj, "models"), *m;
    const char *dated;
    size_t i;

    json_array_foreach (models, i, m) {
        dated = jsonx_get_str(m, "dated");
        if (same_id(jsonx_get_str(m, "id"), model) || same_id(dated, model))
            return m;
    }
    return NULL;
}

int catalogue_lookup(json_t *config_root, const char *provider,
                     const char *model, struct model_info *out)
{
    json_t *m = find_model(config_provider(config_root, provider), model);

    if (m) {
        fill(provider, m, true, out);
        return 0;
    }
    m = find_model(provider_entry(catalogue_builtin(), provider), model);
    if (!m)
        return OC_ENOENT;
    fill(provider, m, false, out);
    return 0;
}

static void each_in(json_t *pobj, const char *provider, bool from_config,
                    json_t *overrides,
                    void (*fn)(const struct model_info *m, void *arg),
                    void *arg)
{
    struct model_info info;
    json_t *models = jsonx_get_arr(pobj, "models"), *m;
    size_t i;

    json_array_foreach (models, i, m) {
        if (!jsonx_get_str(m, "id") ||
            (overrides && find_model(overrides, jsonx_get_str(m, "id"))))
            continue;
        fill(provider, m, from_config, &info);
        fn(&info, arg);
    }
}

void catalogue_each(json_t *config_root, const char *provider,
                    void (*fn)(const struct model_info *m, void *arg),
                    void *arg)
{
    json_t *cfg =
        jsonx_get_obj(jsonx_get_obj(config_root, "models"), "providers");
    json_t *builtin = jsonx_get_obj(catalogue_builtin(), "providers"), *p;
    const char *key;

    json_object_foreach (cfg, key, p)
        if (!provider || !strcmp(provider, key))
            each_in(p, key, true, NULL, fn, arg);
    json_object_foreach (builtin, key, p)
        if (!provider || !strcmp(provider, key))
            each_in(p, key, false, jsonx_get_obj(cfg, key), fn, arg);
}

const char *catalogue_base_url(json_t *config_root, const char *provider)
{
    const char *v =
        jsonx_get_str(config_provider(config_root, provider), "baseUrl");

    return v ? v
             : jsonx_get_str(provider_entry(catalogue_builtin(), provider),
                             "baseUrl");
}

const char *catalogue_api(json_t *config_root, const char *provider)
{
    const char *v =
        jsonx_get_str(config_provider(config_root, provider), "api");

    return v ? v
             : jsonx_get_str(provider_entry(catalogue_builtin(), provider),
                             "api");
}
