/*
 * `openclaw config set|unset`: a locked read-modify-write of the main
 * config file that refuses to make a valid config invalid, refuses to
 * write through $include (edit the included file instead), protects maps
 * and lists from accidental wholesale replacement, and keeps a backup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/config_cmds.h"
#include "cli/config_edit.h"
#include "config/cpath.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

struct mutation {
    struct cpath path;
    char *dotted;
    json_t *value; /* NULL: unset */
    bool merge;
    bool replace;
    bool dry_run;
};

static void mutation_release(struct mutation *m)
{
    cpath_release(&m->path);
    free(m->dotted);
    json_decref(m->value);
}

/* JSON5 when it parses, else the raw string; strict mode wants JSON. */
static json_t *parse_value(const char *raw, bool strict)
{
    const char *p = raw;
    size_t n = strlen(raw);
    json_error_t jerr;
    json_t *v;

    str_trim_view(&p, &n);
    if (strict) {
        v = json_loadb(p, n, JSON_DECODE_ANY, &jerr);
        if (!v)
            cli_error("--strict-json: invalid JSON value '%s': %s", raw,
                      jerr.text);
        return v;
    }
    v = json5_parse(p, n, NULL, NULL, NULL);
    return v ? v : json_string(raw);
}

/* Refuse paths that run through an object holding an $include. */
static int include_guard(const struct mutation *m, json_t *raw)
{
    struct cpath prefix = {m->path.seg, 0};
    json_t *node = raw, *inc;
    char *where;

    for (prefix.n = 0; node && prefix.n < m->path.n; prefix.n++) {
        inc = json_is_object(node) ? json_object_get(node, "$include") : NULL;
        if (inc) {
            where = prefix.n ? cpath_format(&prefix) : xstrdup("<root>");
            cli_error("cannot change '%s': '%s' is loaded with $include; "
                      "edit the included file instead",
                      m->dotted, where);
            free(where);
            return CLI_FAIL;
        }
        node = cpath_get(node, &(struct cpath){&m->path.seg[prefix.n], 1});
    }
    return 0;
}

static bool protected_map(const char *dotted, const struct cpath *p)
{
    return !strcmp(dotted, "agents.defaults.models") ||
           !strcmp(dotted, "models.providers") ||
           !strcmp(dotted, "auth.profiles") ||
           (p->n == 3 && !strcmp(p->seg[0], "models") &&
            !strcmp(p->seg[1], "providers"));
}

static bool protected_list(const char *dotted, const struct cpath *p)
{
    return !strcmp(dotted, "agents.list") ||
           (p->n == 4 && !strcmp(p->seg[0], "models") &&
            !strcmp(p->seg[1], "providers") && !strcmp(p->seg[3], "models"));
}

/* Entries of old (object keys or list ids) missing from new. */
static void removed_entries(json_t *old, json_t *new_, struct strlist *out)
{
    const char *key, *id;
    json_t *v, *w;
    size_t i, j;
    bool kept;

    if (json_is_object(old) && json_is_object(new_)) {
        json_object_foreach (old, key, v)
            if (!json_object_get(new_, key))
                strlist_push(out, key);
        return;
    }
    if (!json_is_array(old) || !json_is_array(new_))
        return;
    json_array_foreach (old, i, v) {
        id = jsonx_get_str(v, "id");
        kept = !id;
        json_array_foreach (new_, j, w)
            kept = kept || str_eq(id, jsonx_get_str(w, "id"));
        if (!kept)
            strlist_push(out, id);
    }
}

static int replacement_guard(const struct mutation *m, json_t *raw)
{
    struct strlist gone = STRLIST_INIT;
    json_t *old = cpath_get(raw, &m->path);
    char *list;

    if (m->replace || m->merge || !old ||
        (!protected_map(m->dotted, &m->path) &&
         !protected_list(m->dotted, &m->path)))
        return 0;
    removed_entries(old, m->value, &gone);
    if (!gone.n)
        return 0;
    list = strlist_join(&gone, ", ");
    cli_error("refusing to replace %s; it would remove existing entries: "
              "%s. Use --merge to merge object values or --replace to "
              "replace intentionally",
              m->dotted, list);
    free(list);
    strlist_release(&gone);
    return CLI_FAIL;
}

static int apply(struct mutation *m, json_t *raw)
{
    json_t *old = cpath_get(raw, &m->path), *merged;
    struct oc_err err;

    if (!m->value) {
        if (cpath_unset(raw, &m->path))
            return cli_error("config path not found: %s; nothing was "
                             "changed",
                             m->dotted);
        return 0;
    }
    if (m->merge && old) {
        if (!json_is_object(old) || !json_is_object(m->value))
            return cli_error("cannot merge %s (both values must be "
                             "objects); use --replace to replace it",
                             m->dotted);
        merged = json_deep_copy(old);
        jsonx_merge(merged, m->value);
        json_decref(m->value);
        m->value = merged;
    }
    if (cpath_set(raw, &m->path, json_incref(m->value), &err))
        return cli_error("cannot set %s: %s", m->dotted, oc_err_msg(&err));
    return 0;
}

static void report_write(struct cli_ctx *ctx, const struct mutation *m,
                         const struct config_write_result *res)
{
    char *bak = res->backup ? cli_display_path(ctx, res->backup) : NULL;
    bool gateway = !strcmp(m->path.seg[0], "gateway");

    printf("%s %s.%s\n", m->value ? "Updated" : "Removed", m->dotted,
           gateway ? " Restart the gateway to apply." : "");
    if (res->dropped_comments)
        cli_warn("the comments in the config file were not kept (it is "
                 "rewritten as plain JSON); the previous text is in %s",
                 bak ? bak : "the backup");
    free(bak);
}

static int apply_mutation(struct config *cfg, void *arg)
{
    struct mutation *m = arg;
    int rc = include_guard(m, cfg->raw);

    if (!rc)
        rc = replacement_guard(m, cfg->raw);
    if (!rc)
        rc = apply(m, cfg->raw);
    return rc;
}

static int mutate(struct cli_ctx *ctx, struct mutation *m)
{
    struct config_write_result res;
    char *shown;
    int rc = cli_config_edit(ctx, apply_mutation, m, m->dry_run, &res);

    if (rc)
        return rc;
    if (m->dry_run) {
        shown = cli_display_path(ctx, cli_paths(ctx)->config_path);
        printf("Dry run: %s would be %s in %s; the result is valid. "
               "Nothing was written.\n",
               m->dotted, m->value ? "updated" : "removed", shown);
        free(shown);
    } else {
        report_write(ctx, m, &res);
    }
    config_write_result_release(&res);
    return CLI_OK;
}

static int run_set(struct cli_ctx *ctx)
{
    struct mutation m = {0};
    struct oc_err err;
    bool strict = cli_flag(ctx, "strict-json") || cli_flag(ctx, "json");
    int rc;

    if (cli_flag(ctx, "merge") && cli_flag(ctx, "replace"))
        return cli_usage_error(ctx, "choose either --merge or --replace");
    if (cpath_parse(ctx->argv[0], &m.path, &err))
        return cli_error("%s", oc_err_msg(&err));
    m.dotted = cpath_format(&m.path);
    m.value = parse_value(ctx->argv[1], strict);
    m.merge = cli_flag(ctx, "merge");
    m.replace = cli_flag(ctx, "replace");
    m.dry_run = cli_flag(ctx, "dry-run");
    rc = m.value ? mutate(ctx, &m) : CLI_FAIL;
    mutation_release(&m);
    return rc;
}

static int run_unset(struct cli_ctx *ctx)
{
    struct mutation m = {0};
    struct oc_err err;
    int rc;

    if (cpath_parse(ctx->argv[0], &m.path, &err))
        return cli_error("%s", oc_err_msg(&err));
    m.dotted = cpath_format(&m.path);
    m.dry_run = cli_flag(ctx, "dry-run");
    rc = mutate(ctx, &m);
    mutation_release(&m);
    return rc;
}

static const struct cli_opt set_opts[] = {
    {"strict-json", 0, NULL,
     "Parse the value as strict JSON (error instead of a string fallback)"},
    {"json", 0, NULL, "Legacy alias for --strict-json"},
    {"dry-run", 0, NULL, "Validate the change without writing the file"},
    {"merge", 0, NULL, "Merge an object value into the existing object"},
    {"replace", 0, NULL,
     "Allow replacing protected maps/lists (agents.defaults.models, ...)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_config_set = {
    .name = "set",
    .args = "<path> <value>",
    .summary = "Set a config value by dot path",
    .help = "The value is parsed as JSON5 when it can be (19001, true, "
            "[\"a\"], {x: 1}),\notherwise it is stored as a string. The "
            "file is rewritten as plain JSON\n(comments are not kept; the "
            "previous file is kept as openclaw.json.bak).\nA change that "
            "would make a valid config invalid is refused.\n\n"
            "Examples:\n"
            "  openclaw config set agents.defaults.model.primary "
            "anthropic/claude-opus-4-5\n"
            "  openclaw config set gateway.port 19001 --strict-json\n"
            "  openclaw config set 'agents.defaults.models"
            "[\"anthropic/claude-opus-4-5\"].params.cacheControlTtl' 1h\n",
    .opts = set_opts,
    .min_args = 2,
    .max_args = 2,
    .run = run_set,
};

static const struct cli_opt unset_opts[] = {
    {"dry-run", 0, NULL, "Validate the removal without writing the file"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_config_unset = {
    .name = "unset",
    .args = "<path>",
    .summary = "Remove a config value by dot path",
    .opts = unset_opts,
    .min_args = 1,
    .max_args = 1,
    .run = run_unset,
};
