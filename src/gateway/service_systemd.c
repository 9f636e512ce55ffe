/*
 * The gateway as a systemd user unit: write it (only when it is new or
 * --force), `systemctl --user daemon-reload`, `enable --now` (or `enable`
 * + `restart` when it changed); uninstall with `disable --now`; start,
 * stop, restart. When there is no user service manager (no systemd, or
 * no user bus: XDG_RUNTIME_DIR unset over SSH, containers) the files are
 * still written and the result says exactly what to run. Drop-ins in
 * <unit>.d/ are never touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "gateway/service_internal.h"
#include "base/banned.h"

/* ---- running systemctl ----------------------------------------------- */

char *service_argv_display(const char *const argv[])
{
    struct strlist l = STRLIST_INIT;
    char *s;

    for (; *argv; argv++)
        strlist_push(&l, *argv);
    s = strlist_join(&l, " ");
    strlist_release(&l);
    return s;
}

int service_call(struct service_ctx *c, const char *const argv[],
                 struct service_exec *x)
{
    strlist_push_take(&c->r->ran, service_argv_display(argv));
    return service_exec_run(argv, SERVICE_EXEC_TIMEOUT_MS, x) == 0 ? 0 : -1;
}

int service_fail_call(struct service_ctx *c, const char *const argv[],
                      struct service_exec *x)
{
    char *cmd = service_argv_display(argv), *msg;
    const char *out = service_exec_first_line(x);

    if (x->not_found)
        msg = xasprintf("`%s` failed: %s is not installed (not found on "
                        "PATH)",
                        cmd, argv[0]);
    else if (x->timed_out)
        msg = xasprintf("`%s` did not finish within %d seconds", cmd,
                        SERVICE_EXEC_TIMEOUT_MS / 1000);
    else
        msg = xasprintf("`%s` failed (exit %d)%s%s", cmd, x->status,
                        *out ? ": " : "", out);
    service_fail(c->r, msg);
    free(msg);
    free(cmd);
    return -1;
}

bool service_systemd_unreachable(const struct service_exec *x)
{
    static const char *const signs[] = {
        "Failed to connect to bus",
        "failed to connect to bus",
        "Failed to connect to user scope bus",
        "XDG_RUNTIME_DIR",
        "DBUS_SESSION_BUS_ADDRESS",
        "not been booted with systemd",
        "Can't operate",
        "No medium found",
        NULL,
    };
    size_t i;

    if (x->not_found)
        return true;
    for (i = 0; signs[i]; i++)
        if (x->out.p && strstr(x->out.p, signs[i]))
            return true;
    return false;
}

void service_hint_no_bus(struct service_ctx *c, const char *const *cmds)
{
    struct service_result *r = c->r;
    const char *xdg = getenv("XDG_RUNTIME_DIR");

    if (!xdg || !*xdg)
        strlist_pushf(&r->hints,
                      "On a headless server (e.g. over SSH or su) point "
                      "systemctl at your user manager first: export "
                      "XDG_RUNTIME_DIR=/run/user/%u",
                      c->uid);
    for (; *cmds; cmds++)
        strlist_pushf(&r->hints, "Then run: %s", *cmds);
}

int service_systemctl(struct service_ctx *c, const char *verb, const char *a1,
                      const char *a2)
{
    const char *argv[] = {"systemctl", "--user", verb, a1, a2, NULL};
    struct service_exec x;
    int rc = service_call(c, argv, &x);

    c->r->reachable = rc == 0 || !service_systemd_unreachable(&x);
    if (rc)
        service_fail_call(c, argv, &x);
    service_exec_release(&x);
    return rc;
}

/* Linger keeps the user manager (and the gateway) running after logout
 * and starts it at boot. */
static void check_linger(struct service_ctx *c)
{
    const char *user = service_user_name();
    const char *argv[] = {"loginctl", "show-user", user, "-p", "Linger", NULL};
    struct service_exec x;

    service_exec_run(argv, SERVICE_EXEC_TIMEOUT_MS, &x);
    if (!x.not_found) {
        strlist_push_take(&c->r->ran, service_argv_display(argv));
        if (x.status != 0 || !strstr(x.out.p, "Linger=yes"))
            strlist_pushf(&c->r->hints,
                          "Keep the gateway running after you log out (and "
                          "start it at boot): loginctl enable-linger %s",
                          user);
    }
    service_exec_release(&x);
}

/* ---- install --------------------------------------------------------- */

/* One planned `systemctl --user` call and the flag it sets. */
struct sd_step {
    const char *verb, *a1, *a2;
    bool *mark;
};

static int plan(struct service_ctx *c, struct sd_step *st)
{
    struct service_result *r = c->r;
    const char *unit = c->spec.unit_name;
    bool restart = r->existed && (r->written || c->q->restart);
    int n = 0;

    if (r->written || r->monitor.changed)
        st[n++] = (struct sd_step){"daemon-reload", NULL, NULL, NULL};
    if (restart) {
        st[n++] = (struct sd_step){"enable", unit, NULL, &r->enabled};
        st[n++] = (struct sd_step){"restart", unit, NULL, &r->restarted};
    } else {
        st[n++] = (struct sd_step){"enable", "--now", unit, &r->started};
    }
    if (r->monitor.requested)
        st[n++] = (struct sd_step){"enable", "--now", c->spec.monitor_timer,
                                   &r->monitor.enabled};
    return n;
}

/* The steps from i on, as hints to run by hand. */
static void hint_steps(struct service_ctx *c, const struct sd_step *st, int i,
                       int n)
{
    char *cmds[8];
    const char *list[9];
    int k = 0;

    for (; i < n && k < 8; i++, k++) {
        const char *argv[] = {"systemctl", "--user", st[i].verb,
                              st[i].a1,    st[i].a2, NULL};
        cmds[k] = service_argv_display(argv);
        list[k] = cmds[k];
    }
    list[k] = NULL;
    service_hint_no_bus(c, list);
    while (k-- > 0)
        free(cmds[k]);
}

static int activate(struct service_ctx *c)
{
    struct service_result *r = c->r;
    struct sd_step st[8];
    int i, n = plan(c, st);

    for (i = 0; i < n; i++) {
        if (service_systemctl(c, st[i].verb, st[i].a1, st[i].a2)) {
            if (!r->reachable)
                hint_steps(c, st, i, n);
            return -1;
        }
        if (st[i].mark)
            *st[i].mark = true;
        if (st[i].mark == &r->started)
            r->enabled = true;
        if (st[i].mark == &r->restarted)
            r->started = true;
    }
    return 0;
}

/* Drop-ins are the user's and stay, but a key in one is a key in the
 * unit: say where it belongs. */
static void hint_dropin_secrets(struct service_ctx *c)
{
    struct strlist found = STRLIST_INIT;
    size_t i;

    service_dropin_secrets(&c->r->dropins, &found);
    for (i = 0; i < found.n; i++)
        strlist_pushf(&c->r->hints,
                      "%s is set in a drop-in; keys belong in %s/.env, "
                      "which the gateway reads itself: move it there and "
                      "remove it from the drop-in",
                      found.v[i], c->spec.state_dir);
    strlist_release(&found);
}

int service_systemd_install(struct service_ctx *c, const char *unit_text)
{
    struct service_result *r = c->r;
    int rc;

    r->monitor.requested = c->q->auth_monitor;
    if (service_put_definition(c, unit_text))
        return -1;
    if (r->monitor.requested && service_monitor_write(c))
        return -1;
    service_list_dropins(r->path, &r->dropins);
    hint_dropin_secrets(c);
    rc = activate(c);
    check_linger(c);
    return rc;
}

/* ---- uninstall ------------------------------------------------------- */

/* Without a user manager, do on disk what `disable` would have done. */
static void remove_wants_link(struct service_ctx *c, const char *target,
                              const char *name)
{
    char *link = xasprintf("%s/%s.wants/%s", c->dir, target, name);

    unlink(link);
    free(link);
}

void service_systemd_disable(struct service_ctx *c, const char *name,
                             const char *target)
{
    const char *argv[] = {"systemctl", "--user", "disable",
                          "--now",     name,     NULL};
    struct service_exec x;

    if (service_call(c, argv, &x) == 0) {
        c->r->reachable = true;
        c->r->stopped = true;
    } else if (service_systemd_unreachable(&x)) {
        remove_wants_link(c, target, name);
        strlist_pushf(&c->r->hints,
                      "systemd's user manager could not be reached, so "
                      "%s may still be running until you log out; stop it "
                      "with: systemctl --user stop %s",
                      name, name);
    } else {
        c->r->reachable = true;
        strlist_pushf(&c->r->hints,
                      "`systemctl --user disable --now %s` failed: %s", name,
                      service_exec_first_line(&x));
    }
    service_exec_release(&x);
}

int service_systemd_uninstall(struct service_ctx *c)
{
    struct service_result *r = c->r;
    struct service_monitor_result *m = &r->monitor;
    int rc = 0;

    if (!c->q->auth_monitor && r->existed) {
        service_systemd_disable(c, c->spec.unit_name, "default.target");
        rc = service_remove_file(c, r->path, &r->removed);
        service_list_dropins(r->path, &r->dropins);
    }
    if (!rc && m->requested) {
        if (fsx_exists(m->path))
            service_systemd_disable(c, m->name, "timers.target");
        rc = service_monitor_remove(c);
    }
    if (!rc && (r->removed || m->changed) && r->reachable)
        rc = service_systemctl(c, "daemon-reload", NULL, NULL);
    return rc;
}

/* ---- start / stop / restart ----------------------------------------- */

int service_systemd_control(struct service_ctx *c)
{
    const char *verb = service_action_name(c->q->action);
    const struct sd_step st = {verb, c->spec.unit_name, NULL, NULL};
    int rc = service_systemctl(c, verb, c->spec.unit_name, NULL);

    if (!rc) {
        c->r->started = c->q->action != SERVICE_STOP;
        c->r->restarted = c->q->action == SERVICE_RESTART;
        c->r->stopped = c->q->action == SERVICE_STOP;
    } else if (!c->r->reachable) {
        hint_steps(c, &st, 0, 1);
    }
    return rc;
}
