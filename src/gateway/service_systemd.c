/*
 * The gateway as a systemd user unit: write it (only when it is new or
 * --force), `systemctl --user daemon-reload`, `enable`, `restart` (or
 * `start` when nothing changed); uninstall with `disable --now`; start,
 * stop, restart. When there is no user service manager (no systemd, or
 * no user bus: XDG_RUNTIME_DIR unset over SSH, containers) the files are
 * still written and the result says exactly what to run. Drop-ins in
 * <unit>.d/ are never touched.
 */
#include <dirent.h>
#include <pwd.h>
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

static char *display(const char *const argv[])
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
    strlist_push_take(&c->r->ran, display(argv));
    return service_exec_run(argv, SERVICE_EXEC_TIMEOUT_MS, x) == 0 ? 0 : -1;
}

int service_fail_call(struct service_ctx *c, const char *const argv[],
                      struct service_exec *x)
{
    char *cmd = display(argv);
    const char *out = service_exec_first_line(x);

    free(c->r->error);
    if (x->not_found)
        c->r->error = xasprintf("`%s` failed: %s is not installed (not found "
                                "on PATH)",
                                cmd, argv[0]);
    else if (x->timed_out)
        c->r->error = xasprintf("`%s` did not finish within %d seconds", cmd,
                                SERVICE_EXEC_TIMEOUT_MS / 1000);
    else
        c->r->error = xasprintf("`%s` failed (exit %d)%s%s", cmd, x->status,
                                *out ? ": " : "", out);
    c->r->ok = false;
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
        if (strstr(x->out.p, signs[i]))
            return true;
    return false;
}

static const char *user_name(void)
{
    const struct passwd *pw = getpwuid(getuid());
    const char *u = getenv("USER");

    if (pw && pw->pw_name)
        return pw->pw_name;
    return u && *u ? u : "$USER";
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

/* systemctl --user <verb> [args]: 0 or -1 with the failure recorded. */
static int sysctl(struct service_ctx *c, const char *verb, const char *a1,
                  const char *a2)
{
    const char *argv[] = {"systemctl", "--user", verb, a1, a2, NULL};
    struct service_exec x;
    int rc = service_call(c, argv, &x);

    if (rc) {
        c->r->reachable = !service_systemd_unreachable(&x);
        service_fail_call(c, argv, &x);
    }
    service_exec_release(&x);
    return rc;
}

/* Linger keeps the user manager (and the gateway) running after logout
 * and starts it at boot. */
static void check_linger(struct service_ctx *c)
{
    const char *user = user_name();
    const char *argv[] = {"loginctl", "show-user", user, "-p", "Linger", NULL};
    struct service_exec x;

    service_exec_run(argv, SERVICE_EXEC_TIMEOUT_MS, &x);
    if (!x.not_found) {
        strlist_push_take(&c->r->ran, display(argv));
        if (x.status != 0 || !strstr(x.out.p, "Linger=yes"))
            strlist_pushf(&c->r->hints,
                          "Keep the gateway running after you log out (and "
                          "start it at boot): loginctl enable-linger %s",
                          user);
    }
    service_exec_release(&x);
}

/* ---- drop-ins -------------------------------------------------------- */

static void list_dropins(const char *unit_path, struct strlist *out)
{
    char *dir = xasprintf("%s.d", unit_path);
    DIR *d = opendir(dir);
    const struct dirent *e;

    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.')
            strlist_pushf(out, "%s/%s", dir, e->d_name);
    if (d)
        closedir(d);
    strlist_sort(out);
    free(dir);
}

/* ---- install --------------------------------------------------------- */

/* The first line where have and want differ (1-based), and want's line. */
static int first_diff(const char *have, const char *want, char **want_line)
{
    int line = 1;
    const char *ls = want;

    while (*have && *have == *want) {
        if (*want == '\n') {
            line++;
            ls = want + 1;
        }
        have++;
        want++;
    }
    *want_line = xmemdupz(ls, strcspn(ls, "\n"));
    return line;
}

/* Write the definition at path unless it differs and force is off.
 * Returns 0 (r->written says whether it was written) or -1. */
static int put_definition(struct service_ctx *c, const char *text)
{
    struct service_result *r = c->r;
    struct buf have;
    struct oc_err err;
    char *msg;

    buf_init(&have, (size_t)4 << 20);
    if (r->existed && !c->q->force &&
        fsx_read_file(r->path, have.max, &have, NULL) == 0 &&
        strcmp(have.p, text) != 0) {
        r->differs = true;
        r->diff_line = first_diff(have.p, text, &r->diff_want);
        buf_wipe_release(&have);
        msg = xasprintf("%s exists and differs from what this version "
                        "writes (line %d); it was left as it is: pass "
                        "--force to replace it (drop-ins are kept)",
                        r->path, r->diff_line);
        free(r->error);
        r->error = msg;
        return -1;
    }
    buf_wipe_release(&have);
    oc_err_clear(&err);
    if (service_write_if_changed(r->path, text, &r->written, &err)) {
        free(r->error);
        r->error = xstrdup(oc_err_msg(&err));
        return -1;
    }
    return 0;
}

static void hints_after_install(struct service_ctx *c, bool restart)
{
    const char *unit = c->spec.unit_name;
    char *cmds[4];
    const char *list[5];
    int i, n = 0;

    cmds[n++] = xstrdup("systemctl --user daemon-reload");
    cmds[n++] = xasprintf("systemctl --user enable %s", unit);
    cmds[n++] = xasprintf("systemctl --user %s %s",
                          restart ? "restart" : "start", unit);
    if (c->r->monitor.requested)
        cmds[n++] =
            xasprintf("systemctl --user enable --now %s", c->r->monitor.name);
    for (i = 0; i < n; i++)
        list[i] = cmds[i];
    list[n] = NULL;
    service_hint_no_bus(c, list);
    for (i = 0; i < n; i++)
        free(cmds[i]);
}

/* enable + start/restart the timer of the auth monitor. */
static int start_monitor(struct service_ctx *c, bool changed)
{
    const char *timer = c->r->monitor.name;

    if (sysctl(c, "enable", timer, NULL) ||
        sysctl(c, changed ? "restart" : "start", timer, NULL))
        return -1;
    c->r->monitor.enabled = true;
    return 0;
}

static int activate(struct service_ctx *c, bool restart)
{
    struct service_result *r = c->r;
    const char *unit = c->spec.unit_name;

    if (sysctl(c, "daemon-reload", NULL, NULL))
        return -1;
    r->reachable = true;
    if (sysctl(c, "enable", unit, NULL))
        return -1;
    r->enabled = true;
    if (sysctl(c, restart ? "restart" : "start", unit, NULL))
        return -1;
    r->started = true;
    if (r->monitor.requested && start_monitor(c, r->monitor.changed))
        return -1;
    return 0;
}

int service_systemd_install(struct service_ctx *c, const char *unit_text)
{
    struct service_result *r = c->r;
    bool restart;
    int rc;

    r->monitor.requested = c->q->auth_monitor;
    if (put_definition(c, unit_text))
        return -1;
    if (r->monitor.requested && service_monitor_install(c))
        return -1;
    list_dropins(r->path, &r->dropins);
    restart = r->written || c->q->restart || !r->existed;
    rc = activate(c, restart);
    if (rc && !r->reachable)
        hints_after_install(c, restart);
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

static void disable_now(struct service_ctx *c, const char *name,
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
        strlist_pushf(&c->r->hints,
                      "`systemctl --user disable --now %s` "
                      "failed: %s",
                      name, service_exec_first_line(&x));
    }
    service_exec_release(&x);
}

static int remove_file(struct service_ctx *c, const char *path)
{
    if (unlink(path) == 0 || !fsx_exists(path))
        return 0;
    free(c->r->error);
    c->r->error = xasprintf("cannot remove %s", path);
    return -1;
}

int service_systemd_uninstall(struct service_ctx *c)
{
    struct service_result *r = c->r;
    bool only_monitor = c->q->auth_monitor;
    int rc = 0;

    if (!only_monitor && r->existed) {
        disable_now(c, c->spec.unit_name, "default.target");
        rc = remove_file(c, r->path);
        r->removed = rc == 0;
        list_dropins(r->path, &r->dropins);
    }
    if (!rc)
        rc = service_monitor_uninstall(c);
    if (!rc && (r->removed || r->monitor.changed) && r->reachable)
        rc = sysctl(c, "daemon-reload", NULL, NULL);
    return rc;
}

/* ---- start / stop / restart ----------------------------------------- */

int service_systemd_control(struct service_ctx *c)
{
    const char *verb = service_action_name(c->q->action);
    const char *cmd[2] = {NULL, NULL};
    char *line;
    int rc = sysctl(c, verb, c->spec.unit_name, NULL);

    if (!rc) {
        c->r->reachable = true;
        c->r->started = c->q->action != SERVICE_STOP;
        c->r->stopped = c->q->action == SERVICE_STOP;
    } else if (!c->r->reachable) {
        line = xasprintf("systemctl --user %s %s", verb, c->spec.unit_name);
        cmd[0] = line;
        service_hint_no_bus(c, cmd);
        free(line);
    }
    return rc;
}

/* Needed by service_monitor.c: a systemctl call with the same bookkeeping. */
int service_systemd_call(struct service_ctx *c, const char *verb,
                         const char *a1, const char *a2);

int service_systemd_call(struct service_ctx *c, const char *verb,
                         const char *a1, const char *a2)
{
    return sysctl(c, verb, a1, a2);
}
