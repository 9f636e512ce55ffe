/*
 * A read-only description of the installed gateway service for
 * `openclaw gateway status` and doctor: where its definition is, what it
 * runs (program, port), secrets baked into it or its drop-ins (names
 * and lines only), where the logs are, and what the service manager says
 * (one `systemctl --user show` or `launchctl print`, with a deadline).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/env.h"
#include "gateway/service_internal.h"
#include "gateway/svcfile.h"
#include "base/banned.h"

void service_info_release(struct service_info *info)
{
    free(info->name);
    free(info->path);
    free(info->manager_error);
    free(info->active_state);
    free(info->sub_state);
    free(info->enabled);
    free(info->program);
    strlist_release(&info->logs);
    strlist_release(&info->secrets);
    strlist_release(&info->dropins);
    free(info->monitor_path);
    memset(info, 0, sizeof(*info));
    strlist_init(&info->logs);
    strlist_init(&info->secrets);
    strlist_init(&info->dropins);
    info->last_exit = -1;
}

static bool secret_key(const char *k)
{
    return env_is_credential_key(k) || !strcmp(k, "OPENCLAW_GATEWAY_TOKEN") ||
           !strcmp(k, "OPENCLAW_GATEWAY_PASSWORD");
}

/* ---- the definition -------------------------------------------------- */

/* The port number at p (digits up to e), or 0. */
static int port_at(const char *p, const char *e)
{
    char num[8];
    size_t n = 0;
    int64_t v;

    while (p + n < e && n < sizeof(num) - 1 && p[n] >= '0' && p[n] <= '9')
        n++;
    memcpy(num, p, n);
    num[n] = '\0';
    return n && str_parse_int64(num, 1, 65535, &v) == 0 ? (int)v : 0;
}

/* The number after "--port" (as "--port N" or "--port=N") in [s, e). */
static int port_after(const char *s, const char *e)
{
    const char *p = s;
    int port;

    while (p < e && (p = memmem(p, (size_t)(e - p), "--port", 6)) != NULL) {
        p += 6;
        while (p < e && (*p == ' ' || *p == '=' || *p == '"' || *p == '\''))
            p++;
        port = port_at(p, e);
        if (port)
            return port;
    }
    return 0;
}

/* launchd: "<string>--port</string> <string>N</string>" (or --port=N) in
 * the ProgramArguments array. */
static int plist_port(const char *text)
{
    const char *s = strstr(text, "<key>ProgramArguments</key>");
    const char *e = s ? strstr(s, "</array>") : NULL;
    const char *arg;

    if (!s || !e)
        return 0;
    arg = strstr(s, "<string>--port</string>");
    if (!arg || arg > e)
        return port_after(s, e);
    arg = strstr(arg + 23, "<string>");
    return arg && arg < e ? port_at(arg + 8, e) : 0;
}

/* systemd: the ExecStart= line; launchd: the ProgramArguments array. */
static int definition_port(const char *text, bool plist)
{
    const char *s;

    if (plist)
        return plist_port(text);
    for (s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
        if (str_has_prefix(s, "ExecStart="))
            return port_after(s, s + strcspn(s, "\n"));
    return 0;
}

static void env_port(struct service_info *info, const struct svc_file *f)
{
    int64_t v;
    size_t i;

    for (i = 0; !info->port && i < f->nenv; i++)
        if (!strcmp(f->env[i].key, "OPENCLAW_GATEWAY_PORT") &&
            str_parse_int64(f->env[i].value, 1, 65535, &v) == 0)
            info->port = (int)v;
}

static void add_secrets(struct service_info *info, const struct svc_file *f,
                        const char *where)
{
    size_t i;

    for (i = 0; i < f->nenv; i++) {
        if (!secret_key(f->env[i].key))
            continue;
        if (where)
            strlist_pushf(&info->secrets, "%s (%s line %d)", f->env[i].key,
                          where, f->env[i].line);
        else
            strlist_pushf(&info->secrets, "%s (line %d)", f->env[i].key,
                          f->env[i].line);
    }
}

/* Parse path (a unit, a drop-in or a plist) into f; false if unreadable. */
static bool parse_file(const char *path, bool plist, struct svc_file *f,
                       struct buf *text)
{
    buf_init(text, SVCFILE_MAX);
    if (fsx_read_file(path, SVCFILE_MAX, text, NULL))
        return false;
    if (plist)
        svc_parse_plist(text->p, text->len, f);
    else
        svc_parse_systemd(text->p, text->len, f);
    return true;
}

void service_dropin_secrets(const struct strlist *dropins, struct strlist *out)
{
    struct service_info tmp;
    struct svc_file f;
    struct buf text;
    size_t i;

    memset(&tmp, 0, sizeof(tmp));
    tmp.secrets = *out;
    for (i = 0; i < dropins->n; i++) {
        svc_file_init(&f);
        if (parse_file(dropins->v[i], false, &f, &text))
            add_secrets(&tmp, &f, path_basename(dropins->v[i]));
        buf_wipe_release(&text);
        svc_file_release(&f);
    }
    *out = tmp.secrets;
}

static void read_dropins(struct service_info *info)
{
    service_list_dropins(info->path, &info->dropins);
    service_dropin_secrets(&info->dropins, &info->secrets);
}

static void read_definition(struct service_info *info)
{
    bool plist = info->platform == SERVICE_LAUNCHD;
    struct svc_file f;
    struct buf text;

    svc_file_init(&f);
    if (parse_file(info->path, plist, &f, &text)) {
        if (f.exec) {
            info->program = xstrdup(f.exec);
            info->program_ok = access(f.exec, X_OK) == 0;
        }
        info->port = definition_port(text.p, plist);
        env_port(info, &f);
        add_secrets(info, &f, NULL);
    }
    buf_wipe_release(&text);
    svc_file_release(&f);
    if (!plist)
        read_dropins(info);
}

/* ---- the service manager -------------------------------------------- */

/* The value of "key=value" (systemd) or "key = value" (launchd) lines. */
static char *field(const char *out, const char *key, const char *sep)
{
    size_t k = strlen(key), s = strlen(sep);
    const char *p = out, *v;

    for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        v = p;
        while (*v == ' ' || *v == '\t')
            v++;
        if (!strncmp(v, key, k) && !strncmp(v + k, sep, s)) {
            v += k + s;
            return xmemdupz(v, strcspn(v, "\n"));
        }
    }
    return NULL;
}

/* The number a field starts with ("78: EX_CONFIG" is 78), or dflt. */
static long num_field(const char *out, const char *key, const char *sep,
                      long dflt)
{
    char *v = field(out, key, sep);
    size_t n = v && *v == '-' ? 1 : 0;
    int64_t num;
    long r = dflt;

    while (v && v[n] >= '0' && v[n] <= '9')
        n++;
    if (v && n) {
        v[n] = '\0';
        if (str_parse_int64(v, -1, 0x7fffffff, &num) == 0)
            r = (long)num;
    }
    free(v);
    return r;
}

static void manager_failed(struct service_info *info, struct service_exec *x,
                           const char *prog)
{
    if (x->not_found)
        info->manager_error =
            xasprintf("%s is not installed (not found on PATH)", prog);
    else if (x->timed_out)
        info->manager_error = xasprintf("%s did not answer within %d seconds",
                                        prog, SERVICE_EXEC_TIMEOUT_MS / 1000);
    else
        info->manager_error = xstrdup(service_exec_first_line(x));
}

static void ask_systemd(struct service_info *info)
{
    static const char props[] = "--property=LoadState,ActiveState,SubState,"
                                "UnitFileState,MainPID,ExecMainStatus";
    const char *argv[] = {"systemctl", "--user", "show",
                          info->name,  props,    NULL};
    struct service_exec x;
    char *load;

    if (service_exec_run(argv, SERVICE_EXEC_TIMEOUT_MS, &x) != 0) {
        manager_failed(info, &x, "systemctl");
    } else {
        info->manager_ok = true;
        load = field(x.out.p, "LoadState", "=");
        info->loaded = load && !strcmp(load, "loaded");
        free(load);
        info->active_state = field(x.out.p, "ActiveState", "=");
        info->sub_state = field(x.out.p, "SubState", "=");
        info->enabled = field(x.out.p, "UnitFileState", "=");
        info->pid = num_field(x.out.p, "MainPID", "=", 0);
        info->last_exit = (int)num_field(x.out.p, "ExecMainStatus", "=", -1);
    }
    service_exec_release(&x);
}

static void ask_launchd(struct service_info *info)
{
    char *target = xasprintf("gui/%u/%s", (unsigned)getuid(), info->name);
    const char *argv[] = {"launchctl", "print", target, NULL};
    struct service_exec x;
    int rc = service_exec_run(argv, SERVICE_EXEC_TIMEOUT_MS, &x);

    if (rc == 0) {
        info->manager_ok = info->loaded = true;
        info->enabled = xstrdup("loaded");
        info->active_state = field(x.out.p, "state", " = ");
        info->pid = num_field(x.out.p, "pid", " = ", 0);
        info->last_exit = (int)num_field(x.out.p, "last exit code", " = ", -1);
    } else if (!x.not_found && !x.timed_out &&
               (rc == 113 || strstr(x.out.p, "Could not find"))) {
        info->manager_ok = true;
        info->enabled = xstrdup("not loaded");
    } else {
        manager_failed(info, &x, "launchctl");
    }
    service_exec_release(&x);
    free(target);
}

/* ---- describe -------------------------------------------------------- */

static void names(struct service_info *info, const struct oc_paths *p,
                  const char *home)
{
    char *mon, *base;

    if (info->platform == SERVICE_LAUNCHD) {
        info->name = service_label(p->profile);
        info->path =
            xasprintf("%s/Library/LaunchAgents/%s.plist", home, info->name);
        mon = service_monitor_label(p->profile);
        info->monitor_path =
            xasprintf("%s/Library/LaunchAgents/%s.plist", home, mon);
        free(mon);
        strlist_pushf(&info->logs, "%s/logs/gateway.log", p->state_dir);
        strlist_pushf(&info->logs, "%s/logs/gateway.err.log", p->state_dir);
        return;
    }
    info->name = service_unit_name(p->profile);
    info->path = service_systemd_path(home, info->name);
    base = service_monitor_unit_base(p->profile);
    mon = xasprintf("%s.timer", base);
    info->monitor_path = service_systemd_path(home, mon);
    free(mon);
    free(base);
    strlist_pushf(&info->logs, "journalctl --user -u %.*s",
                  (int)(strlen(info->name) - strlen(".service")), info->name);
}

int service_describe(const struct oc_paths *p, struct service_info *out,
                     struct oc_err *err)
{
    char *home;

    memset(out, 0, sizeof(*out));
    service_info_release(out);
    if (service_platform(&out->platform, err))
        return OC_EINVAL;
    home = service_real_home(p);
    names(out, p, home);
    free(home);
    out->installed = fsx_exists(out->path);
    out->monitor_installed = fsx_exists(out->monitor_path);
    if (!out->installed)
        return 0;
    read_definition(out);
    if (out->platform == SERVICE_LAUNCHD)
        ask_launchd(out);
    else
        ask_systemd(out);
    return 0;
}
