/*
 * The gateway as a launchd agent (~/Library/LaunchAgents/<label>.plist)
 * in the user's GUI domain: `launchctl bootstrap gui/<uid> <plist>` to
 * load (RunAtLoad starts it), `bootout gui/<uid>/<label>` to unload,
 * `kickstart [-k]` to (re)start; `print` tells whether it is loaded.
 * A per-user LaunchAgent needs a logged-in GUI session; over SSH without
 * one bootstrap fails and the result says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "gateway/service_internal.h"
#include "base/banned.h"

/* `launchctl <verb> <a1> [a2]`: 0, or -1 with *x kept (release it). */
static int lctl(struct service_ctx *c, const char *verb, const char *a1,
                const char *a2, struct service_exec *x)
{
    const char *argv[] = {"launchctl", verb, a1, a2, NULL};

    return service_call(c, argv, x);
}

/* As lctl, but a failure is the result's error. */
static int lctl_must(struct service_ctx *c, const char *verb, const char *a1,
                     const char *a2)
{
    const char *argv[] = {"launchctl", verb, a1, a2, NULL};
    struct service_exec x;
    int rc = service_call(c, argv, &x);

    c->r->reachable = rc == 0 || !x.not_found;
    if (rc) {
        service_fail_call(c, argv, &x);
        if (!x.not_found)
            strlist_pushf(&c->r->hints,
                          "A LaunchAgent needs a logged-in GUI session for "
                          "your user: log in on the Mac's desktop (or with "
                          "Screen Sharing) and run the command again");
    }
    service_exec_release(&x);
    return rc;
}

static bool loaded(struct service_ctx *c, const char *target)
{
    struct service_exec x;
    int rc = lctl(c, "print", target, NULL, &x);

    if (!x.not_found)
        c->r->reachable = true;
    service_exec_release(&x);
    return rc == 0;
}

int service_launchd_load(struct service_ctx *c, const char *label,
                         const char *plist, bool changed, int kick)
{
    char *target = xasprintf("%s/%s", c->domain, label);
    bool is_loaded = loaded(c, target);
    int rc = 0;

    if (is_loaded && changed)
        is_loaded = !service_launchd_unload(c, label);
    if (!is_loaded) {
        /* enable clears a `launchctl disable` left from before */
        rc = lctl_must(c, "enable", target, NULL);
        if (!rc)
            rc = lctl_must(c, "bootstrap", c->domain, plist);
    } else if (kick == SERVICE_KICK_RESTART) {
        rc = lctl_must(c, "kickstart", "-k", target);
        c->r->restarted = rc == 0;
    } else if (kick == SERVICE_KICK_START) {
        rc = lctl_must(c, "kickstart", target, NULL);
    }
    free(target);
    return rc;
}

bool service_launchd_unload(struct service_ctx *c, const char *label)
{
    char *target = xasprintf("%s/%s", c->domain, label);
    struct service_exec x;
    const char *out;
    bool gone = lctl(c, "bootout", target, NULL, &x) == 0;

    if (!gone && !x.not_found) {
        c->r->reachable = true;
        out = service_exec_first_line(&x);
        /* exit 3 / "No such process" / "Could not find": not loaded */
        if (x.status != 3 && !strstr(out, "No such process") &&
            !strstr(out, "Could not find"))
            strlist_pushf(&c->r->hints, "`launchctl bootout %s` failed: %s",
                          target, out);
    } else if (gone) {
        c->r->reachable = true;
        c->r->stopped = true;
    }
    service_exec_release(&x);
    free(target);
    return gone;
}

/* The log directory the plists name (launchd does not create it). */
static int make_log_dir(struct service_ctx *c)
{
    char *dir = path_join(c->spec.state_dir, "logs");
    struct oc_err err;
    int rc = fsx_mkdir_p(dir, FSX_DIR_MODE, &err);

    free(dir);
    return rc ? service_fail(c->r, oc_err_msg(&err)) : 0;
}

int service_launchd_install(struct service_ctx *c, const char *plist_text)
{
    struct service_result *r = c->r;
    struct service_monitor_result *m = &r->monitor;
    bool restart = r->existed && (r->written || c->q->restart);

    m->requested = c->q->auth_monitor;
    if (service_put_definition(c, plist_text) || make_log_dir(c))
        return -1;
    if (m->requested && service_monitor_write(c))
        return -1;
    if (service_launchd_load(c, c->spec.label, r->path, r->written,
                             restart ? SERVICE_KICK_RESTART : 0))
        return -1;
    r->enabled = r->started = true;
    if (m->requested &&
        service_launchd_load(c, m->name, m->path, m->changed, 0))
        return -1;
    m->enabled = m->requested;
    return 0;
}

int service_launchd_uninstall(struct service_ctx *c)
{
    struct service_result *r = c->r;
    int rc = 0;

    if (!c->q->auth_monitor && r->existed) {
        service_launchd_unload(c, c->spec.label);
        rc = service_remove_file(c, r->path, &r->removed);
    }
    if (!rc && r->monitor.requested) {
        service_launchd_unload(c, r->monitor.name);
        rc = service_monitor_remove(c);
    }
    return rc;
}

int service_launchd_control(struct service_ctx *c)
{
    struct service_result *r = c->r;
    enum service_action a = c->q->action;
    int rc = 0;

    if (a == SERVICE_STOP) {
        r->stopped = service_launchd_unload(c, c->spec.label);
        if (!r->stopped && !r->reachable)
            rc = service_fail(r, "launchctl is not installed (not found on "
                                 "PATH)");
        return rc;
    }
    rc = service_launchd_load(c, c->spec.label, r->path, false,
                              a == SERVICE_RESTART ? SERVICE_KICK_RESTART
                                                   : SERVICE_KICK_START);
    if (!rc)
        r->started = true;
    return rc;
}
