/*
 * The auth monitor's files: <state>/auth-monitor/ (0700) with the script
 * the timer runs and its settings (the notify command, 0600: it may hold
 * a webhook URL or a topic), plus a systemd .service + .timer or a
 * launchd plist. Loading and unloading them is done by the platform
 * files; this one only writes and removes exactly what it wrote.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "gateway/service_internal.h"
#include "base/banned.h"

#define MONITOR_STAMP "last-notify" /* the script's rate-limit state */

void service_monitor_paths(struct service_ctx *c)
{
    struct service_monitor_result *m = &c->r->monitor;
    const struct service_spec *s = &c->spec;

    if (s->platform == SERVICE_LAUNCHD) {
        m->name = xstrdup(s->monitor_label);
        m->path = xasprintf("%s/%s.plist", c->dir, s->monitor_label);
    } else {
        m->name = xstrdup(s->monitor_timer);
        m->path = path_join(c->dir, s->monitor_timer);
        m->service_path = path_join(c->dir, s->monitor_service);
    }
    m->script = xstrdup(s->monitor_script);
    m->conf = path_join(s->monitor_dir, "auth-monitor.conf");
    m->existed = fsx_exists(m->path);
    if (c->q->action == SERVICE_UNINSTALL)
        m->requested = m->existed || fsx_exists(m->script) ||
                       (m->service_path && fsx_exists(m->service_path));
}

/* Generate with gen and write to path with mode; ORs into *changed. */
static int put(struct service_ctx *c, const char *path, char *text,
               unsigned mode, struct oc_err *err)
{
    bool changed = false;
    int rc;

    if (!text)
        return -1;
    rc = service_put_file(path, text, mode, &changed, err);
    free(text);
    if (changed)
        c->r->monitor.changed = true;
    return rc;
}

/* The settings file: rewritten when a notify command was given (or
 * cleared), written with a commented example when missing, else kept. */
static int put_conf(struct service_ctx *c, struct oc_err *err)
{
    struct service_monitor_result *m = &c->r->monitor;
    struct buf have;
    const char *notify = c->q->notify;
    int rc = 0;

    if (notify || !fsx_exists(m->conf))
        rc = put(c, m->conf, service_gen_monitor_conf(notify, err),
                 FSX_FILE_MODE, err);
    else if (chmod(m->conf, FSX_FILE_MODE) != 0)
        rc = oc_err_errno(err, OC_EIO, "cannot set the mode of %s", m->conf);
    buf_init(&have, (size_t)1 << 20);
    if (!rc && fsx_read_file(m->conf, have.max, &have, NULL) == 0)
        m->has_notify =
            strstr(have.p, "\nOPENCLAW_AUTH_NOTIFY_COMMAND=") != NULL;
    buf_wipe_release(&have);
    return rc;
}

static int put_units(struct service_ctx *c, struct oc_err *err)
{
    const struct service_spec *s = &c->spec;
    struct service_monitor_result *m = &c->r->monitor;

    if (s->platform == SERVICE_LAUNCHD)
        return put(c, m->path, service_gen_monitor_plist(s, err),
                   SERVICE_DEF_MODE, err);
    if (put(c, m->service_path, service_gen_monitor_service(s, err),
            SERVICE_DEF_MODE, err))
        return -1;
    return put(c, m->path, service_gen_monitor_timer(s, err), SERVICE_DEF_MODE,
               err);
}

int service_monitor_write(struct service_ctx *c)
{
    const struct service_spec *s = &c->spec;
    struct service_monitor_result *m = &c->r->monitor;
    struct oc_err err;
    int rc;

    oc_err_clear(&err);
    rc = fsx_mkdir_p(s->monitor_dir, FSX_DIR_MODE, &err);
    if (!rc && chmod(s->monitor_dir, FSX_DIR_MODE) != 0)
        rc = oc_err_errno(&err, OC_EIO, "cannot set the mode of %s",
                          s->monitor_dir);
    if (!rc)
        rc = put(c, m->script, service_gen_monitor_script(s, &err),
                 FSX_FILE_MODE, &err);
    if (!rc)
        rc = put_conf(c, &err);
    if (!rc)
        rc = put_units(c, &err);
    return rc ? service_fail(c->r, oc_err_msg(&err)) : 0;
}

int service_monitor_remove(struct service_ctx *c)
{
    struct service_monitor_result *m = &c->r->monitor;
    const char *files[] = {m->path, m->service_path, m->script, m->conf, NULL,
                           NULL};
    char *stamp = path_join(c->spec.monitor_dir, MONITOR_STAMP);
    bool removed;
    int i, rc = 0;

    files[4] = stamp;
    for (i = 0; !rc && i < 5; i++) {
        rc = service_remove_file(c, files[i], &removed);
        if (removed)
            m->changed = true;
    }
    free(stamp);
    /* the directory goes only when empty: anything else in it is the
     * user's */
    if (!rc && rmdir(c->spec.monitor_dir) != 0 && errno != ENOENT &&
        errno != ENOTEMPTY && errno != EEXIST)
        rc = service_fail(c->r, "cannot remove the auth monitor's "
                                "directory");
    return rc;
}
