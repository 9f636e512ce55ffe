/*
 * Loading openclaw.json into a resolved, validated view (see config.h).
 * Tested in tests/unit/test_config.c.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "config/env.h"
#include "config/include.h"
#include "config/subst.h"
#include "config/validate.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    problems_init(&cfg->problems);
    strlist_init(&cfg->unknown);
    strlist_init(&cfg->warnings);
    cfg->root = json_object();
    cfg->expanded = json_object();
}

static void clear_results(struct config *cfg)
{
    problems_release(&cfg->problems);
    strlist_release(&cfg->unknown);
    strlist_release(&cfg->warnings);
    json_decref(cfg->root);
    json_decref(cfg->expanded);
    cfg->root = json_object();
    cfg->expanded = json_object();
}

void config_release(struct config *cfg)
{
    clear_results(cfg);
    json_decref(cfg->root);
    json_decref(cfg->expanded);
    json_decref(cfg->raw);
    free(cfg->path);
    memset(cfg, 0, sizeof(*cfg));
}

bool config_is_valid(const struct config *cfg)
{
    return cfg->problems.n == 0;
}

static int parse_main(struct config *cfg, const struct buf *text)
{
    struct json5_error e;
    struct json5_info info = {0};

    cfg->raw = json5_parse(text->p, text->len, NULL, &info, &e);
    if (!cfg->raw) {
        problems_add(&cfg->problems, IN_FILE(cfg->path, e.line, e.column), "%s",
                     e.text);
        return OC_EPARSE;
    }
    cfg->had_comments = info.had_comments;
    if (!json_is_object(cfg->raw)) {
        problems_add(&cfg->problems, IN_FILE(cfg->path, 1, 1),
                     "the config must be an object ({ ... }), not %s",
                     jsonx_type_name(cfg->raw));
        json_decref(cfg->raw);
        cfg->raw = NULL;
        return OC_EPARSE;
    }
    return 0;
}

int config_resolve(struct config *cfg, unsigned flags)
{
    struct subst_marks marks = {0};
    json_t *root;

    clear_results(cfg);
    if (!cfg->raw)
        return 0;
    root = json_deep_copy(cfg->raw);
    if (include_resolve(&root, cfg->path, &cfg->problems)) {
        json_decref(root);
        return OC_EPARSE;
    }
    if (flags & CONFIG_APPLY_ENV)
        env_apply_config(root, cfg->path);
    json_decref(cfg->expanded);
    cfg->expanded = json_deep_copy(root);
    subst_tree(root, &cfg->warnings, &marks);
    config_validate(root, &cfg->problems, &cfg->unknown, &cfg->warnings,
                    &marks);
    subst_marks_release(&marks);
    json_decref(cfg->root);
    cfg->root = root;
    return cfg->problems.n ? OC_EINVAL : 0;
}

int config_load(struct config *cfg, const char *path, unsigned flags,
                struct oc_err *err)
{
    struct buf text;
    int rc;

    free(cfg->path);
    cfg->path = xstrdup(path);
    buf_init(&text, CONFIG_MAX_FILE);
    rc = fsx_read_file(path, CONFIG_MAX_FILE, &text, err);
    if (rc == OC_ENOENT)
        return 0;
    cfg->exists = true;
    if (rc) {
        problems_add(&cfg->problems, IN_FILE(path, 0, 0), "%s",
                     oc_err_msg(err));
        return rc;
    }
    rc = parse_main(cfg, &text);
    buf_release(&text);
    return rc ? rc : config_resolve(cfg, flags);
}

/*
 * Agents are declared as agents.list [{id, ...}] (OpenClaw 2026.1-2026.5)
 * or agents.entries {id: {...}} (later releases); both are read, list
 * first. Calls fn(id, entry, arg) for each until it returns true.
 */
static bool each_agent(const json_t *root,
                       bool (*fn)(const char *, json_t *, void *), void *arg)
{
    json_t *agents = json_object_get(root, "agents");
    json_t *list = json_object_get(agents, "list");
    json_t *entries = json_object_get(agents, "entries"), *a;
    const char *key;
    size_t i;

    json_array_foreach (list, i, a)
        if (jsonx_get_str(a, "id") && fn(jsonx_get_str(a, "id"), a, arg))
            return true;
    if (json_is_object(entries))
        json_object_foreach (entries, key, a)
            if (json_is_object(a) && fn(key, a, arg))
                return true;
    return false;
}

struct pick {
    const char *first;
    const char *chosen;
};

static bool pick_default(const char *id, json_t *entry, void *arg)
{
    struct pick *p = arg;

    if (!p->first)
        p->first = id;
    if (jsonx_get_bool(entry, "default", false))
        p->chosen = id;
    return p->chosen != NULL;
}

char *config_default_agent_id(const json_t *root)
{
    struct pick p = {NULL, NULL};

    each_agent(root, pick_default, &p);
    return paths_normalize_agent_id(p.chosen  ? p.chosen
                                    : p.first ? p.first
                                              : OC_DEFAULT_AGENT_ID);
}

static bool collect_id(const char *id, json_t *entry, void *arg)
{
    char *norm = paths_normalize_agent_id(id);

    (void)entry;
    if (strlist_has(arg, norm))
        free(norm);
    else
        strlist_push_take(arg, norm);
    return false;
}

void config_agent_ids(const json_t *root, struct strlist *out)
{
    each_agent(root, collect_id, out);
    if (!out->n)
        strlist_push(out, OC_DEFAULT_AGENT_ID);
}

bool config_has_agent(const json_t *root, const char *raw_id)
{
    struct strlist ids = STRLIST_INIT;
    char *id = paths_normalize_agent_id(raw_id);
    bool ok;

    config_agent_ids(root, &ids);
    ok = strlist_has(&ids, id);
    strlist_release(&ids);
    free(id);
    return ok;
}

struct find_dir {
    const char *agent_id;
    const char *dir;
};

static bool match_dir(const char *id, json_t *entry, void *arg)
{
    struct find_dir *f = arg;
    const char *dir = jsonx_get_str(entry, "agentDir");
    char *norm;
    bool hit;

    if (!dir || !*dir)
        return false;
    norm = paths_normalize_agent_id(id);
    hit = !strcmp(norm, f->agent_id);
    free(norm);
    if (hit)
        f->dir = dir;
    return hit;
}

char *config_agent_dir(const json_t *root, const struct oc_paths *p,
                       const char *agent_id)
{
    struct find_dir f = {agent_id, NULL};

    if (each_agent(root, match_dir, &f))
        return path_expand_tilde(f.dir, p->home);
    return paths_default_agent_dir(p, agent_id);
}
