/*
 * The gateway service's lifecycle, platform-independent part: which
 * platform, names and paths, the spec the generators get, results, and
 * the dispatch to the systemd (service_systemd.c) and launchd
 * (service_launchd.c) steps.
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#ifdef __APPLE__
#include <mach-o/dyld.h>
#endif

#include "base/fsx.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "gateway/service.h"
#include "gateway/service_internal.h"
#include "base/banned.h"

int service_platform(enum service_platform *out, struct oc_err *err)
{
    const char *knob = getenv("OPENCLAW_SERVICE_PLATFORM");
    struct utsname u;

    if (knob && *knob) {
        if (!strcmp(knob, "systemd"))
            *out = SERVICE_SYSTEMD;
        else if (!strcmp(knob, "launchd"))
            *out = SERVICE_LAUNCHD;
        else
            return oc_err_set(err, OC_EINVAL,
                              "OPENCLAW_SERVICE_PLATFORM='%s' is not "
                              "systemd or launchd",
                              knob);
        return 0;
    }
    *out = uname(&u) == 0 && !strcmp(u.sysname, "Darwin") ? SERVICE_LAUNCHD
                                                          : SERVICE_SYSTEMD;
    return 0;
}

const char *service_platform_name(enum service_platform p)
{
    return p == SERVICE_LAUNCHD ? "launchd" : "systemd";
}

const char *service_action_name(enum service_action a)
{
    static const char *const names[] = {"install", "uninstall", "start", "stop",
                                        "restart"};

    return a >= SERVICE_INSTALL && a <= SERVICE_RESTART ? names[a] : "?";
}

/* ---- names ----------------------------------------------------------- */

const char *service_profile(const char *profile)
{
    return profile && *profile && strcmp(profile, "default") != 0 ? profile
                                                                  : NULL;
}

char *service_unit_name(const char *profile)
{
    profile = service_profile(profile);
    return profile ? xasprintf("openclaw-gateway-%s.service", profile)
                   : xstrdup("openclaw-gateway.service");
}

char *service_label(const char *profile)
{
    profile = service_profile(profile);
    return xasprintf("ai.openclaw.%s", profile ? profile : "gateway");
}

char *service_monitor_unit_base(const char *profile)
{
    profile = service_profile(profile);
    return profile ? xasprintf("openclaw-auth-monitor-%s", profile)
                   : xstrdup("openclaw-auth-monitor");
}

char *service_monitor_label(const char *profile)
{
    profile = service_profile(profile);
    return profile ? xasprintf("ai.openclaw.auth-monitor.%s", profile)
                   : xstrdup("ai.openclaw.auth-monitor");
}

char *service_real_home(const struct oc_paths *p)
{
    const char *h = getenv("HOME");

    return xstrdup(h && *h == '/' ? h : p->home);
}

char *service_systemd_dir(const char *home)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");

    if (xdg && *xdg == '/')
        return xasprintf("%s/systemd/user", xdg);
    return xasprintf("%s/.config/systemd/user", home);
}

char *service_systemd_path(const char *home, const char *name)
{
    char *dir = service_systemd_dir(home), *p = path_join(dir, name);

    free(dir);
    return p;
}

/* <unit_path>.d/ holds the user's drop-ins: never ours to touch. */
void service_list_dropins(const char *unit_path, struct strlist *out)
{
    char *dir = xasprintf("%s.d", unit_path);
    DIR *d = opendir(dir);
    const struct dirent *e;
    struct strlist found = STRLIST_INIT;
    size_t i;

    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.' && str_has_suffix(e->d_name, ".conf"))
            strlist_pushf(&found, "%s/%s", dir, e->d_name);
    if (d)
        closedir(d);
    strlist_sort(&found);
    for (i = 0; i < found.n; i++)
        strlist_push(out, found.v[i]);
    strlist_release(&found);
    free(dir);
}

const char *service_user_name(void)
{
    const struct passwd *pw = getpwuid(getuid());
    const char *u = getenv("USER");

    if (pw && pw->pw_name)
        return pw->pw_name;
    return u && *u ? u : "$USER";
}

/* ---- the context ----------------------------------------------------- */

char *service_ctx_keep(struct service_ctx *c, char *s)
{
    if (c->nowned >= SERVICE_CTX_OWNED)
        BUG("service_ctx: too many strings");
    c->owned[c->nowned++] = s;
    return s;
}

/* The absolute path of the running binary, or NULL. */
static char *self_program(void)
{
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

    if (n > 0 && buf[0] == '/') {
        buf[n] = '\0';
        return xstrdup(buf);
    }
#ifdef __APPLE__
    {
        uint32_t size = sizeof(buf);
        if (_NSGetExecutablePath(buf, &size) == 0)
            return path_realpath(buf);
    }
#endif
    return NULL;
}

static bool env_set(const char *name)
{
    const char *v = getenv(name);

    return v && *v;
}

static void fill_monitor(struct service_ctx *c, const struct oc_paths *p)
{
    struct service_spec *s = &c->spec;
    const char *base =
        service_ctx_keep(c, service_monitor_unit_base(p->profile));

    s->monitor_dir =
        service_ctx_keep(c, path_join(p->state_dir, "auth-monitor"));
    s->monitor_script =
        service_ctx_keep(c, path_join(s->monitor_dir, "auth-monitor.sh"));
    s->monitor_service = service_ctx_keep(c, xasprintf("%s.service", base));
    s->monitor_timer = service_ctx_keep(c, xasprintf("%s.timer", base));
    s->monitor_label = service_ctx_keep(c, service_monitor_label(p->profile));
}

static void fill_spec(struct service_ctx *c, const struct oc_paths *p)
{
    struct service_spec *s = &c->spec;
    char *prog = self_program();

    s->program = service_ctx_keep(c, prog ? prog : xstrdup(""));
    s->port = c->q->port;
    s->version = OC_VERSION;
    s->home = c->home;
    s->path_env = service_ctx_keep(
        c, service_default_path(s->platform, s->program, c->home));
    s->profile = service_profile(p->profile);
    s->openclaw_home = env_set("OPENCLAW_HOME") ? p->home : NULL;
    s->state_dir = p->state_dir;
    s->set_state_dir = env_set("OPENCLAW_STATE_DIR");
    s->config_path = env_set("OPENCLAW_CONFIG_PATH") ? p->config_path : NULL;
    s->unit_name = service_ctx_keep(c, service_unit_name(p->profile));
    s->label = service_ctx_keep(c, service_label(p->profile));
    fill_monitor(c, p);
}

int service_ctx_init(struct service_ctx *c, const struct service_request *q,
                     struct service_result *r, struct oc_err *err)
{
    const char *name;

    memset(c, 0, sizeof(*c));
    c->q = q;
    c->r = r;
    c->uid = (unsigned)getuid();
    r->action = q->action;
    if (service_platform(&c->spec.platform, err))
        return OC_EINVAL;
    r->platform = c->spec.platform;
    c->home = service_real_home(q->paths);
    fill_spec(c, q->paths);
    if (c->spec.platform == SERVICE_LAUNCHD) {
        c->dir = xasprintf("%s/Library/LaunchAgents", c->home);
        c->domain = xasprintf("gui/%u", c->uid);
        name = c->spec.label;
        r->path = xasprintf("%s/%s.plist", c->dir, name);
    } else {
        c->dir = service_systemd_dir(c->home);
        name = c->spec.unit_name;
        r->path = path_join(c->dir, name);
    }
    r->name = xstrdup(name);
    r->existed = fsx_exists(r->path);
    service_monitor_paths(c);
    return 0;
}

void service_ctx_release(struct service_ctx *c)
{
    int i;

    for (i = 0; i < c->nowned; i++)
        free(c->owned[i]);
    free(c->home);
    free(c->dir);
    free(c->domain);
    memset(c, 0, sizeof(*c));
}

/* ---- results --------------------------------------------------------- */

void service_result_init(struct service_result *r)
{
    memset(r, 0, sizeof(*r));
    strlist_init(&r->ran);
    strlist_init(&r->hints);
    strlist_init(&r->dropins);
}

void service_result_release(struct service_result *r)
{
    free(r->name);
    free(r->path);
    free(r->program);
    free(r->diff_have);
    free(r->diff_want);
    free(r->error);
    strlist_release(&r->ran);
    strlist_release(&r->hints);
    strlist_release(&r->dropins);
    free(r->monitor.name);
    free(r->monitor.path);
    free(r->monitor.service_path);
    free(r->monitor.script);
    free(r->monitor.conf);
    service_result_init(r);
}

int service_fail(struct service_result *r, const char *msg)
{
    char *m = xstrdup(msg);

    free(r->error);
    r->error = m;
    r->ok = false;
    return -1;
}

/* ---- files ----------------------------------------------------------- */

int service_put_file(const char *path, const char *text, unsigned mode,
                     bool *changed, struct oc_err *err)
{
    struct buf have;
    size_t n = strlen(text);
    bool same;

    *changed = false;
    buf_init(&have, (size_t)4 << 20);
    same = fsx_read_file(path, have.max, &have, NULL) == 0 && have.len == n &&
           !memcmp(have.p, text, n);
    buf_wipe_release(&have);
    if (!same) {
        if (fsx_write_atomic(path, text, n, err))
            return -1;
        *changed = true;
    }
    if (chmod(path, (mode_t)mode) != 0)
        return oc_err_errno(err, OC_EIO, "cannot set the mode of %s", path);
    return 0;
}

int service_remove_file(struct service_ctx *c, const char *path, bool *removed)
{
    char *msg;

    *removed = false;
    if (!path)
        return 0;
    if (unlink(path) == 0) {
        *removed = true;
        return 0;
    }
    if (errno == ENOENT)
        return 0;
    msg = xasprintf("cannot remove %s: %s", path, strerror(errno));
    service_fail(c->r, msg);
    free(msg);
    return -1;
}

/* The first line where have and want differ (1-based), and both lines. */
static int first_diff(const char *have, const char *want, char **have_line,
                      char **want_line)
{
    int line = 1;
    const char *hs = have, *ws = want;

    while (*have && *have == *want) {
        if (*want == '\n') {
            line++;
            hs = have + 1;
            ws = want + 1;
        }
        have++;
        want++;
    }
    *have_line = xmemdupz(hs, strcspn(hs, "\n"));
    *want_line = xmemdupz(ws, strcspn(ws, "\n"));
    secret_redact_text(*have_line);
    return line;
}

static int refuse_differs(struct service_ctx *c, const char *have,
                          const char *want)
{
    struct service_result *r = c->r;
    char *msg;

    r->differs = true;
    r->diff_line = first_diff(have, want, &r->diff_have, &r->diff_want);
    msg = xasprintf("%s exists and differs from what this version writes "
                    "(line %d: `%s`, this version writes `%s`); it was left "
                    "as it is: pass --force to replace it%s",
                    r->path, r->diff_line, r->diff_have, r->diff_want,
                    c->spec.platform == SERVICE_SYSTEMD
                        ? " (drop-ins in its .d/ directory are kept)"
                        : "");
    service_fail(r, msg);
    free(msg);
    return -1;
}

int service_put_definition(struct service_ctx *c, const char *text)
{
    struct service_result *r = c->r;
    struct buf have;
    struct oc_err err;
    int rc = 0;

    buf_init(&have, (size_t)4 << 20);
    oc_err_clear(&err);
    if (r->existed && !c->q->force) {
        if (fsx_read_file(r->path, have.max, &have, &err))
            rc = service_fail(r, oc_err_msg(&err));
        else if (strlen(have.p) != have.len || strcmp(have.p, text) != 0)
            rc = refuse_differs(c, have.p, text);
    }
    buf_wipe_release(&have);
    if (!rc &&
        service_put_file(r->path, text, SERVICE_DEF_MODE, &r->written, &err))
        rc = service_fail(r, oc_err_msg(&err));
    return rc;
}

/* ---- dispatch -------------------------------------------------------- */

static int install(struct service_ctx *c)
{
    struct oc_err err;
    char *text;
    int rc;

    if (!*c->spec.program)
        return service_fail(c->r, "cannot find the path of the running "
                                  "openclaw binary (/proc/self/exe)");
    c->r->program = xstrdup(c->spec.program);
    c->r->port = c->spec.port;
    oc_err_clear(&err);
    text = c->spec.platform == SERVICE_LAUNCHD
               ? service_gen_plist(&c->spec, &err)
               : service_gen_unit(&c->spec, &err);
    if (!text)
        return service_fail(c->r, oc_err_msg(&err));
    rc = c->spec.platform == SERVICE_LAUNCHD ? service_launchd_install(c, text)
                                             : service_systemd_install(c, text);
    free(text);
    return rc;
}

static int dispatch(struct service_ctx *c)
{
    bool launchd = c->spec.platform == SERVICE_LAUNCHD;
    char *msg;

    switch (c->q->action) {
    case SERVICE_INSTALL:
        return install(c);
    case SERVICE_UNINSTALL:
        return launchd ? service_launchd_uninstall(c)
                       : service_systemd_uninstall(c);
    default:
        break;
    }
    if (!c->r->existed) {
        msg = xasprintf("the gateway service is not installed (%s does not "
                        "exist); run `openclaw gateway install` first",
                        c->r->path);
        service_fail(c->r, msg);
        free(msg);
        return -1;
    }
    return launchd ? service_launchd_control(c) : service_systemd_control(c);
}

int service_run(const struct service_request *q, struct service_result *r)
{
    struct service_ctx c;
    struct oc_err err;
    int rc;

    service_result_init(r);
    oc_err_clear(&err);
    if (service_ctx_init(&c, q, r, &err)) {
        service_ctx_release(&c);
        return service_fail(r, oc_err_msg(&err));
    }
    r->ok = true;
    rc = dispatch(&c);
    if (rc)
        r->ok = false;
    service_ctx_release(&c);
    return r->ok ? 0 : -1;
}
