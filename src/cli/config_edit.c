/*
 * The shared config read-modify-write (see config_edit.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "cli/common.h"
#include "cli/config_edit.h"
#include "base/banned.h"

/* Problems in after that were not in before. */
static size_t new_problems(const struct config_problems *before,
                           const struct config_problems *after,
                           struct config_problems *out)
{
    const struct config_problem *p;
    size_t i;

    for (i = 0; i < after->n; i++) {
        p = &after->v[i];
        if (!problems_has(before, p))
            problems_add(
                out,
                &(struct config_where){p->path, p->file, p->line, p->column},
                "%s", p->message);
    }
    return out->n;
}

static int check_result(struct cli_ctx *ctx, struct config *cfg,
                        const struct config_problems *before)
{
    struct config_problems added;
    char *shown;
    int rc = 0;

    problems_init(&added);
    config_resolve(cfg, 0);
    if (new_problems(before, &cfg->problems, &added)) {
        shown = cli_display_path(ctx, cfg->path);
        cli_error("refusing to write %s: the change makes it invalid", shown);
        cli_print_problems(ctx, stderr, &added, "-");
        fprintf(stderr, "Nothing was changed.\n");
        free(shown);
        rc = CLI_FAIL;
    }
    problems_release(&added);
    return rc;
}

/* Is v an object that is (partly) loaded with $include? */
static bool included(json_t *v)
{
    return json_is_object(v) && json_object_get(v, "$include");
}

/*
 * Where the edit changed an object loaded with $include (writing next to
 * the $include would hide what the included file says: arrays are
 * replaced, not merged). Appends the path to where and returns true.
 */
static bool include_touched(json_t *before, json_t *after, struct buf *where,
                            json_t **inc)
{
    const char *key;
    json_t *b, *a;
    size_t len = where->len;

    json_object_foreach (after, key, a) {
        b = json_object_get(before, key);
        buf_addf(where, "%s%s", len ? "." : "", key);
        if (b && included(b) && !json_equal(a, b)) {
            *inc = json_object_get(b, "$include");
            return true;
        }
        if (json_is_object(b) && json_is_object(a) &&
            include_touched(b, a, where, inc))
            return true;
        buf_truncate(where, len);
    }
    json_object_foreach (before, key, b) {
        buf_addf(where, "%s%s", len ? "." : "", key);
        if (included(b) && !json_object_get(after, key)) {
            *inc = json_object_get(b, "$include");
            return true;
        }
        buf_truncate(where, len);
    }
    return false;
}

static int include_guard(json_t *before, json_t *after)
{
    struct buf where;
    json_t *inc = NULL;
    int rc = 0;

    buf_init(&where, 0);
    if (included(before) && !json_equal(before, after))
        rc = cli_error("cannot change the config: its top level is loaded "
                       "with $include; edit the included file instead");
    else if (include_touched(before, after, &where, &inc))
        rc = cli_error("cannot change '%s': it is loaded with $include%s%s%s; "
                       "edit the included file instead",
                       where.p, json_is_string(inc) ? " (" : "",
                       json_is_string(inc) ? json_string_value(inc) : "",
                       json_is_string(inc) ? ")" : "");
    buf_release(&where);
    return rc;
}

static int edit_locked(struct cli_ctx *ctx,
                       int (*apply)(struct config *cfg, void *arg), void *arg,
                       bool dry_run, struct config_write_result *res)
{
    struct config cfg;
    struct config_problems before;
    struct oc_err err;
    json_t *orig = NULL;
    int rc = cli_load_config(ctx, &cfg, CONFIG_APPLY_ENV);

    if (!rc && cfg.exists && !cfg.raw)
        rc = cli_require_valid(ctx, &cfg);
    if (!rc && !cfg.raw)
        cfg.raw = json_object();
    before = cfg.problems;
    problems_init(&cfg.problems);
    if (!rc) {
        orig = json_deep_copy(cfg.raw);
        rc = apply(&cfg, arg);
    }
    if (rc == 0)
        rc = include_guard(orig, cfg.raw);
    json_decref(orig);
    if (rc == 0)
        rc = check_result(ctx, &cfg, &before);
    if (rc == 0 && !dry_run && config_write(&cfg, res, &err))
        rc = cli_error("%s", oc_err_msg(&err));
    problems_release(&before);
    config_release(&cfg);
    return rc == CLI_EDIT_UNCHANGED ? CLI_OK : rc;
}

int cli_config_edit(struct cli_ctx *ctx,
                    int (*apply)(struct config *cfg, void *arg), void *arg,
                    bool dry_run, struct config_write_result *res)
{
    struct fsx_lock lk = FSX_LOCK_INIT;
    struct oc_err err;
    int rc;

    memset(res, 0, sizeof(*res));
    if (fsx_lock_acquire(&lk, cli_paths(ctx)->config_path, NULL, &err))
        return cli_error("%s", oc_err_msg(&err));
    rc = edit_locked(ctx, apply, arg, dry_run, res);
    fsx_lock_release(&lk);
    return rc;
}

void cli_report_config_written(struct cli_ctx *ctx,
                               const struct config_write_result *res)
{
    char *shown = cli_display_path(ctx, cli_paths(ctx)->config_path);
    char *bak = res->backup ? cli_display_path(ctx, res->backup) : NULL;

    printf("Updated %s\n", shown);
    if (res->dropped_comments)
        cli_warn("the comments in the config file were not kept (it is "
                 "rewritten as plain JSON); the previous text is in %s",
                 bak ? bak : "the backup");
    free(bak);
    free(shown);
}
