/*
 * Writing openclaw.json back: meta stamp, backup rotation, atomic replace
 * (see config_write in config.h). Tested in tests/unit/test_config.c and
 * tests/integration/test_config_cmd.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "json/jsonx.h"
#include "base/banned.h"

static void stamp_meta(json_t *raw)
{
    json_t *meta = json_object_get(raw, "meta");
    char ts[CLOCK_ISO_MAX];

    if (!json_is_object(meta)) {
        meta = json_object();
        json_object_set_new(raw, "meta", meta);
    }
    clock_iso8601(clock_wall_ms(), ts, sizeof(ts));
    json_object_set_new(meta, "lastTouchedVersion", json_string(OC_VERSION));
    json_object_set_new(meta, "lastTouchedAt", json_string(ts));
}

/* .bak.3 -> .bak.4, ..., .bak -> .bak.1 (the oldest falls off). */
static void rotate_backups(const char *path)
{
    char from[4096], to[4096];
    int i;

    for (i = CONFIG_BACKUP_COUNT - 1; i >= 1; i--) {
        if (i == 1)
            snprintf(from, sizeof(from), "%s.bak", path);
        else
            snprintf(from, sizeof(from), "%s.bak.%d", path, i - 1);
        snprintf(to, sizeof(to), "%s.bak.%d", path, i);
        if (fsx_exists(from))
            rename(from, to);
    }
}

/* Keep the current file as <path>.bak; NULL when there was none. */
static int backup(const char *path, char **out, struct oc_err *err)
{
    struct buf old;
    char *bak;
    int rc;

    *out = NULL;
    buf_init(&old, CONFIG_MAX_FILE);
    rc = fsx_read_file(path, CONFIG_MAX_FILE, &old, err);
    if (rc == OC_ENOENT) {
        oc_err_clear(err);
        return 0;
    }
    if (rc)
        return rc;
    rotate_backups(path);
    bak = xasprintf("%s.bak", path);
    rc = fsx_write_atomic(bak, old.p, old.len, err);
    buf_release(&old);
    if (rc)
        free(bak);
    else
        *out = bak;
    return rc;
}

int config_write(struct config *cfg, struct config_write_result *res,
                 struct oc_err *err)
{
    struct buf text;
    char *bak = NULL;
    int rc;

    memset(res, 0, sizeof(*res));
    if (!cfg->raw)
        cfg->raw = json_object();
    stamp_meta(cfg->raw);
    buf_init(&text, CONFIG_MAX_FILE);
    if (jsonx_dump(cfg->raw, 2, &text) || buf_addch(&text, '\n')) {
        buf_release(&text);
        return oc_err_set(err, OC_ETOOBIG, "config would exceed %zu bytes",
                          (size_t)CONFIG_MAX_FILE);
    }
    rc = backup(cfg->path, &bak, err);
    if (!rc)
        rc = fsx_write_atomic(cfg->path, text.p, text.len, err);
    buf_release(&text);
    if (rc) {
        free(bak);
        return rc;
    }
    res->written = true;
    res->backup = bak;
    res->dropped_comments = cfg->had_comments;
    cfg->exists = true;
    cfg->had_comments = false;
    return 0;
}

void config_write_result_release(struct config_write_result *res)
{
    free(res->backup);
    memset(res, 0, sizeof(*res));
}
