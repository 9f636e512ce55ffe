/*
 * Model ref parsing, alias resolution and the configured default and
 * fallback models (see modelref.h). Tested in tests/unit/test_modelref.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/cred.h"
#include "base/str.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"
#include "base/banned.h"

int modelref_parse(const char *raw, struct model_ref *out, struct oc_err *err)
{
    const char *p = raw ? raw : "", *slash;
    size_t n = strlen(p), pl;

    str_trim_view(&p, &n);
    if (!n)
        return oc_err_set(err, OC_EINVAL, "model ref is empty");
    slash = memchr(p, '/', n);
    pl = slash ? (size_t)(slash - p) : 0;
    if (slash && (pl == 0 || pl >= sizeof(out->provider) ||
                  (size_t)(p + n - slash - 1) == 0))
        return oc_err_set(err, OC_EINVAL,
                          "invalid model ref '%.*s' (expected "
                          "provider/model)",
                          (int)n, p);
    if (n >= sizeof(out->model))
        return oc_err_set(err, OC_EINVAL, "model ref is too long");
    if (slash) {
        char prov[MODELREF_PROVIDER_MAX];
        str_copyn(prov, sizeof(prov), p, pl);
        auth_provider_normalize(prov, out->provider, sizeof(out->provider));
        str_copyn(out->model, sizeof(out->model), slash + 1, (n - pl - 1));
    } else {
        str_copy(out->provider, sizeof(out->provider), "anthropic");
        str_copyn(out->model, sizeof(out->model), p, n);
    }
    return 0;
}

const char *modelref_format(const struct model_ref *r, char *buf, size_t bufsz)
{
    snprintf(buf, bufsz, "%s/%s", r->provider, r->model);
    return buf;
}

/* The user's alias table: agents.defaults.models["p/m"].alias. */
static const char *user_alias(json_t *root, const char *name)
{
    json_t *models = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(root, "agents"), "defaults"), "models");
    const char *key, *alias;
    json_t *v;

    json_object_foreach (models, key, v) {
        alias = jsonx_get_str(v, "alias");
        if (alias && !strcasecmp(alias, name))
            return key;
    }
    return NULL;
}

/* opus-4.5 -> claude-opus-4-5 (and sonnet, haiku, 4.6 variants). */
static bool shorthand(const char *name, char *out, size_t outsz)
{
    static const char *const families[] = {"opus", "sonnet", "haiku", NULL};
    size_t i, fl;

    for (i = 0; families[i]; i++) {
        fl = strlen(families[i]);
        if (strncasecmp(name, families[i], fl) != 0 || name[fl] != '-' ||
            !isdigit((unsigned char)name[fl + 1]) || name[fl + 2] != '.' ||
            !isdigit((unsigned char)name[fl + 3]) || name[fl + 4])
            continue;
        snprintf(out, outsz, "claude-%s-%c-%c", families[i], name[fl + 1],
                 name[fl + 3]);
        return true;
    }
    return false;
}

int modelref_resolve(json_t *root, const char *raw, struct model_ref *out,
                     const char **alias_out, struct oc_err *err)
{
    const char *target = NULL;
    char model[MODELREF_MODEL_MAX];
    int rc;

    if (alias_out)
        *alias_out = NULL;
    if (raw && !strchr(raw, '/')) {
        target = user_alias(root, raw);
        if (!target)
            target = catalogue_builtin_alias(raw);
        if (target && alias_out)
            *alias_out = raw;
    }
    rc = modelref_parse(target ? target : raw, out, err);
    if (!rc && !strcmp(out->provider, "anthropic") &&
        shorthand(out->model, model, sizeof(model)))
        str_copy(out->model, sizeof(out->model), model);
    return rc;
}

/* agents.list[] entry (or agents.entries.<id>) for an agent id. */
json_t *modelref_agent_entry(json_t *root, const char *agent_id)
{
    json_t *agents = jsonx_get_obj(root, "agents"), *a;
    json_t *list = jsonx_get_arr(agents, "list");
    size_t i;

    json_array_foreach (list, i, a)
        if (jsonx_get_str(a, "id") &&
            !strcasecmp(jsonx_get_str(a, "id"), agent_id))
            return a;
    return jsonx_get_obj(jsonx_get_obj(agents, "entries"), agent_id);
}

static json_t *model_setting(json_t *root, const char *agent_id)
{
    json_t *a = agent_id ? modelref_agent_entry(root, agent_id) : NULL;
    json_t *m = json_object_get(a, "model");

    if (m)
        return m;
    return json_object_get(
        jsonx_get_obj(jsonx_get_obj(root, "agents"), "defaults"), "model");
}

const char *modelref_configured_primary(json_t *root, const char *agent_id)
{
    json_t *m = model_setting(root, agent_id);
    const char *s =
        json_is_string(m) ? json_string_value(m) : jsonx_get_str(m, "primary");

    return s && *s ? s : NULL;
}

const char *modelref_default(json_t *root, const char *agent_id)
{
    const char *s = modelref_configured_primary(root, agent_id);

    return s ? s : catalogue_default_model();
}

void modelref_fallbacks(json_t *root, const char *agent_id, struct strlist *out)
{
    json_t *a = agent_id ? modelref_agent_entry(root, agent_id) : NULL;
    json_t *list = jsonx_get_arr(json_object_get(a, "model"), "fallbacks");
    json_t *v;
    size_t i;

    if (!list)
        list = jsonx_get_arr(
            json_object_get(
                jsonx_get_obj(jsonx_get_obj(root, "agents"), "defaults"),
                "model"),
            "fallbacks");
    json_array_foreach (list, i, v)
        if (json_is_string(v) && *json_string_value(v))
            strlist_push(out, json_string_value(v));
}

void modelref_aliases(json_t *root, struct strlist *names,
                      struct strlist *targets)
{
    json_t *models = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(root, "agents"), "defaults"), "models");
    json_t *builtin = jsonx_get_obj(catalogue_builtin(), "aliases"), *v;
    const char *key;

    json_object_foreach (models, key, v) {
        if (jsonx_get_str(v, "alias") && *jsonx_get_str(v, "alias")) {
            strlist_push(names, jsonx_get_str(v, "alias"));
            strlist_push(targets, key);
        }
    }
    json_object_foreach (builtin, key, v) {
        if (!json_is_string(v) || user_alias(root, key))
            continue;
        strlist_push(names, key);
        strlist_push(targets, json_string_value(v));
    }
}
