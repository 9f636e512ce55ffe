/*
 * The text of the service definitions: the gateway's systemd unit and
 * launchd plist, and the auth monitor's unit, timer, plist, script and
 * settings file. Pure functions of a struct service_spec, so the same
 * inputs give the same bytes (install compares them to decide "already
 * installed"). Tested byte for byte in tests/unit/test_service_gen.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "gateway/service.h"
#include "gateway/service_internal.h"
#include "base/banned.h"

/* ---- quoting --------------------------------------------------------- */

static bool needs_quotes(const char *s)
{
    return !*s || strpbrk(s, " \t\"'\\;") != NULL;
}

/* Append s with systemd's escapes: '%' doubled (specifiers), '$' doubled
 * when dollar (ExecStart expands variables), and inside quotes '\\' and
 * '"' backslash-escaped. */
static void add_systemd(struct buf *b, const char *s, bool dollar)
{
    bool q = needs_quotes(s);

    if (q)
        buf_addch(b, '"');
    for (; *s; s++) {
        if (*s == '%' || (dollar && *s == '$'))
            buf_addch(b, *s);
        else if (q && (*s == '\\' || *s == '"'))
            buf_addch(b, '\\');
        buf_addch(b, *s);
    }
    if (q)
        buf_addch(b, '"');
}

char *service_systemd_quote(const char *arg)
{
    struct buf b;

    buf_init(&b, 0);
    add_systemd(&b, arg, true);
    return buf_detach(&b, NULL);
}

char *service_systemd_env(const char *key, const char *value)
{
    char *kv = xasprintf("%s=%s", key, value);
    struct buf b;

    buf_init(&b, 0);
    add_systemd(&b, kv, false);
    free(kv);
    return buf_detach(&b, NULL);
}

char *service_xml_escape(const char *s)
{
    struct buf b;

    buf_init(&b, 0);
    for (; *s; s++) {
        if (*s == '&')
            buf_addstr(&b, "&amp;");
        else if (*s == '<')
            buf_addstr(&b, "&lt;");
        else if (*s == '>')
            buf_addstr(&b, "&gt;");
        else if (*s == '"')
            buf_addstr(&b, "&quot;");
        else if (*s == '\'')
            buf_addstr(&b, "&apos;");
        else
            buf_addch(&b, *s);
    }
    return buf_detach(&b, NULL);
}

char *service_sh_quote(const char *s)
{
    struct buf b;

    buf_init(&b, 0);
    buf_addch(&b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_addstr(&b, "'\\''");
        else
            buf_addch(&b, *s);
    }
    buf_addch(&b, '\'');
    return buf_detach(&b, NULL);
}

int service_check_value(const char *what, const char *s, struct oc_err *err)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; p && *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return oc_err_set(err, OC_EINVAL,
                              "cannot write %s into a service definition: it "
                              "contains a control character",
                              what);
    return 0;
}

/* ---- the environment ------------------------------------------------- */

static void env_add(struct service_env *e, const char *key, char *value)
{
    if (e->n >= SERVICE_ENV_MAX)
        BUG("too many service variables");
    e->key[e->n] = key;
    e->value[e->n] = value;
    e->n++;
}

void service_env_build(const struct service_spec *s, const char *kind,
                       struct service_env *e)
{
    bool gw = !strcmp(kind, "gateway");

    memset(e, 0, sizeof(*e));
    env_add(e, "HOME", xstrdup(s->home));
    env_add(e, "PATH", xstrdup(s->path_env));
    if (s->openclaw_home)
        env_add(e, "OPENCLAW_HOME", xstrdup(s->openclaw_home));
    if (s->profile)
        env_add(e, "OPENCLAW_PROFILE", xstrdup(s->profile));
    if (s->set_state_dir)
        env_add(e, "OPENCLAW_STATE_DIR", xstrdup(s->state_dir));
    if (s->config_path)
        env_add(e, "OPENCLAW_CONFIG_PATH", xstrdup(s->config_path));
    if (gw)
        env_add(e, "OPENCLAW_GATEWAY_PORT", xasprintf("%d", s->port));
    if (gw && s->platform == SERVICE_SYSTEMD)
        env_add(e, "OPENCLAW_SYSTEMD_UNIT", xstrdup(s->unit_name));
    if (gw && s->platform == SERVICE_LAUNCHD)
        env_add(e, "OPENCLAW_LAUNCHD_LABEL", xstrdup(s->label));
    env_add(e, "OPENCLAW_SERVICE_MARKER", xstrdup("openclaw"));
    env_add(e, "OPENCLAW_SERVICE_KIND", xstrdup(kind));
    env_add(e, "OPENCLAW_SERVICE_VERSION", xstrdup(s->version));
}

void service_env_release(struct service_env *e)
{
    int i;

    for (i = 0; i < e->n; i++)
        free(e->value[i]);
    memset(e, 0, sizeof(*e));
}

/* Every value that goes into a file, checked for control characters. */
static int check_spec(const struct service_spec *s, struct oc_err *err)
{
    struct service_env e;
    int i, rc = service_check_value("the program path", s->program, err);

    if (!rc)
        rc = service_check_value("the state directory", s->state_dir, err);
    if (!rc && s->monitor_dir)
        rc = service_check_value("the auth monitor's directory", s->monitor_dir,
                                 err);
    service_env_build(s, "gateway", &e);
    for (i = 0; !rc && i < e.n; i++)
        rc = service_check_value(e.key[i], e.value[i], err);
    service_env_release(&e);
    return rc;
}

char *service_default_path(enum service_platform p, const char *program,
                           const char *home)
{
    struct strlist dirs = STRLIST_INIT;
    const char *slash = strrchr(program, '/');
    char *d, *r;

    if (slash && slash > program) {
        d = xmemdupz(program, (size_t)(slash - program));
        strlist_push_take(&dirs, d);
    }
    if (p == SERVICE_LAUNCHD) {
        if (!strlist_has(&dirs, "/opt/homebrew/bin"))
            strlist_push(&dirs, "/opt/homebrew/bin");
    } else {
        d = xasprintf("%s/.local/bin", home);
        if (!strlist_has(&dirs, d))
            strlist_push(&dirs, d);
        free(d);
    }
    if (!strlist_has(&dirs, "/usr/local/bin"))
        strlist_push(&dirs, "/usr/local/bin");
    if (!strlist_has(&dirs, "/usr/bin"))
        strlist_push(&dirs, "/usr/bin");
    if (!strlist_has(&dirs, "/bin"))
        strlist_push(&dirs, "/bin");
    r = strlist_join(&dirs, ":");
    strlist_release(&dirs);
    return r;
}

/* ---- systemd --------------------------------------------------------- */

static void add_env_lines(struct buf *b, const struct service_spec *s,
                          const char *kind)
{
    struct service_env e;
    char *w;
    int i;

    service_env_build(s, kind, &e);
    for (i = 0; i < e.n; i++) {
        w = service_systemd_env(e.key[i], e.value[i]);
        buf_addf(b, "Environment=%s\n", w);
        free(w);
    }
    service_env_release(&e);
}

static void add_exec(struct buf *b, const char *const *argv)
{
    char *w;

    buf_addstr(b, "ExecStart=");
    for (; *argv; argv++) {
        w = service_systemd_quote(*argv);
        buf_addf(b, "%s%s", w, argv[1] ? " " : "\n");
        free(w);
    }
}

static char *description(const struct service_spec *s, const char *what)
{
    if (s->profile)
        return xasprintf("%s (profile: %s, v%s)", what, s->profile, s->version);
    return xasprintf("%s (v%s)", what, s->version);
}

char *service_gen_unit(const struct service_spec *s, struct oc_err *err)
{
    char port[16], *desc;
    const char *argv[] = {s->program, "gateway", "run", "--port", port, NULL};
    struct buf b;

    if (check_spec(s, err))
        return NULL;
    snprintf(port, sizeof(port), "%d", s->port);
    desc = description(s, "OpenClaw Gateway");
    buf_init(&b, 0);
    buf_addf(&b,
             "# Generated by `openclaw gateway install` (openclaw %s).\n"
             "# `openclaw gateway install --force` rewrites this file: put "
             "your own settings\n# in a drop-in (systemctl --user edit %s).\n"
             "# No secrets here: the gateway reads %s/.env itself at every "
             "start.\n",
             s->version, s->unit_name, s->state_dir);
    buf_addf(&b,
             "[Unit]\nDescription=%s\nAfter=network-online.target\n"
             "Wants=network-online.target\n\n[Service]\n",
             desc);
    add_exec(&b, argv);
    buf_addstr(&b, "Restart=always\nRestartSec=5\n"
                   "RestartPreventExitStatus=78\nTimeoutStopSec=30\n"
                   "KillMode=control-group\nUMask=0077\n");
    add_env_lines(&b, s, "gateway");
    buf_addstr(&b, "\n[Install]\nWantedBy=default.target\n");
    free(desc);
    return buf_detach(&b, NULL);
}

char *service_gen_monitor_service(const struct service_spec *s,
                                  struct oc_err *err)
{
    const char *argv[] = {"/bin/sh", s->monitor_script, NULL};
    char *desc;
    struct buf b;

    if (check_spec(s, err))
        return NULL;
    desc = description(s, "OpenClaw auth monitor");
    buf_init(&b, 0);
    buf_addf(&b,
             "# Generated by `openclaw gateway install --auth-monitor` "
             "(openclaw %s).\n# Started by %s; the notify command is in "
             "%s/auth-monitor.conf, not here.\n"
             "[Unit]\nDescription=%s\n\n[Service]\nType=oneshot\n",
             s->version, s->monitor_timer, s->monitor_dir, desc);
    add_exec(&b, argv);
    buf_addstr(&b, "SuccessExitStatus=1 2\nTimeoutStartSec=120\nUMask=0077\n");
    add_env_lines(&b, s, "auth-monitor");
    free(desc);
    return buf_detach(&b, NULL);
}

char *service_gen_monitor_timer(const struct service_spec *s,
                                struct oc_err *err)
{
    struct buf b;

    if (check_spec(s, err))
        return NULL;
    buf_init(&b, 0);
    buf_addf(&b,
             "# Generated by `openclaw gateway install --auth-monitor` "
             "(openclaw %s).\n[Unit]\nDescription=Run the OpenClaw auth "
             "monitor every 30 minutes\n\n[Timer]\nOnCalendar=*:0/30\n"
             "Persistent=true\nRandomizedDelaySec=60\nUnit=%s\n\n[Install]\n"
             "WantedBy=timers.target\n",
             s->version, s->monitor_service);
    return buf_detach(&b, NULL);
}

/* ---- the monitor's script and settings ------------------------------- */

static const char MONITOR_BODY[] =
    "OPENCLAW_AUTH_NOTIFY_INTERVAL=3600\n"
    "if [ -r \"$dir/auth-monitor.conf\" ]; then\n"
    "    . \"$dir/auth-monitor.conf\"\n"
    "fi\n"
    "out=$(\"$prog\" models status --check 2>&1)\n"
    "code=$?\n"
    "case $code in\n"
    "0)\n"
    "    rm -f \"$dir/last-notify\"\n"
    "    exit 0\n"
    "    ;;\n"
    "1) what='a credential is expired or missing' ;;\n"
    "2) what='a credential expires within 24 hours' ;;\n"
    "*)\n"
    "    printf 'openclaw auth monitor: models status --check failed "
    "(exit %s)\\n%s\\n' \"$code\" \"$out\" >&2\n"
    "    exit \"$code\"\n"
    "    ;;\n"
    "esac\n"
    "printf '%s\\n' \"$out\"\n"
    "if [ -z \"${OPENCLAW_AUTH_NOTIFY_COMMAND:-}\" ]; then\n"
    "    echo \"openclaw auth monitor: $what; no notify command is set "
    "($dir/auth-monitor.conf)\" >&2\n"
    "    exit \"$code\"\n"
    "fi\n"
    "now=$(date +%s)\n"
    "last=\n"
    "if [ -r \"$dir/last-notify\" ]; then\n"
    "    read -r last <\"$dir/last-notify\" || :\n"
    "fi\n"
    "case $last in\n"
    "\"$code \"[0-9]*)\n"
    "    if [ $((now - ${last#* })) -lt \"$OPENCLAW_AUTH_NOTIFY_INTERVAL\" "
    "]; then\n"
    "        exit \"$code\"\n"
    "    fi\n"
    "    ;;\n"
    "esac\n"
    "OPENCLAW_AUTH_EXIT=$code\n"
    "OPENCLAW_AUTH_MESSAGE=\"OpenClaw on $(uname -n): $what (openclaw "
    "models status --check exited $code)\"\n"
    "export OPENCLAW_AUTH_EXIT OPENCLAW_AUTH_MESSAGE\n"
    "if printf '%s\\n' \"$out\" | sh -c "
    "\"$OPENCLAW_AUTH_NOTIFY_COMMAND\"; then\n"
    "    echo \"$code $now\" >\"$dir/last-notify\"\n"
    "else\n"
    "    echo \"openclaw auth monitor: the notify command failed (exit $?)\" "
    ">&2\n"
    "fi\n"
    "exit \"$code\"\n";

/* `export KEY='value'` for the OPENCLAW_* paths the service sets, so the
 * script finds the same state from cron as from the timer. */
static void add_sh_exports(struct buf *b, const struct service_spec *s)
{
    struct service_env e;
    char *q;
    int i;

    service_env_build(s, "auth-monitor", &e);
    for (i = 0; i < e.n; i++) {
        if (strcmp(e.key[i], "OPENCLAW_HOME") != 0 &&
            strcmp(e.key[i], "OPENCLAW_PROFILE") != 0 &&
            strcmp(e.key[i], "OPENCLAW_STATE_DIR") != 0 &&
            strcmp(e.key[i], "OPENCLAW_CONFIG_PATH") != 0)
            continue;
        q = service_sh_quote(e.value[i]);
        buf_addf(b, "%s=%s\nexport %s\n", e.key[i], q, e.key[i]);
        free(q);
    }
    service_env_release(&e);
}

char *service_gen_monitor_script(const struct service_spec *s,
                                 struct oc_err *err)
{
    char *dir, *prog;
    struct buf b;

    if (check_spec(s, err))
        return NULL;
    dir = service_sh_quote(s->monitor_dir);
    prog = service_sh_quote(s->program);
    buf_init(&b, 0);
    buf_addf(&b,
             "#!/bin/sh\n"
             "# Generated by `openclaw gateway install --auth-monitor` "
             "(openclaw %s);\n"
             "# rewritten by every install, removed by `openclaw gateway "
             "uninstall`.\n"
             "# Runs `openclaw models status --check`; when it exits 1 (a "
             "credential is\n# expired or missing) or 2 (one expires within "
             "24 hours), runs the notify\n# command from auth-monitor.conf "
             "(or $OPENCLAW_AUTH_NOTIFY_COMMAND) with the\n# status on "
             "stdin, at most once an hour while the result stays the same.\n"
             "# Exits with the check's code. Settings go in auth-monitor.conf, "
             "not here.\numask 077\ndir=%s\nprog=%s\n",
             s->version, dir, prog);
    add_sh_exports(&b, s);
    buf_addstr(&b, MONITOR_BODY);
    free(dir);
    free(prog);
    return buf_detach(&b, NULL);
}

char *service_gen_monitor_conf(const char *notify_command, struct oc_err *err)
{
    char *q;
    struct buf b;

    if (notify_command &&
        service_check_value("the notify command", notify_command, err))
        return NULL;
    buf_init(&b, 0);
    buf_addstr(
        &b, "# Settings of the openclaw auth monitor, read by auth-monitor.sh "
            "(sh syntax).\n"
            "# Written by `openclaw gateway install --auth-monitor "
            "--notify-command CMD`;\n"
            "# kept by installs without --notify-command, removed by "
            "uninstall.\n#\n"
            "# The command runs with sh -c when `openclaw models status "
            "--check` exits 1\n# (expired or missing) or 2 (expiring within 24 "
            "hours), with the status text\n# on stdin and OPENCLAW_AUTH_EXIT "
            "(1 or 2) and OPENCLAW_AUTH_MESSAGE (one line)\n# in its "
            "environment; at most once every OPENCLAW_AUTH_NOTIFY_INTERVAL "
            "seconds\n# (3600) while the result stays the same.\n");
    if (notify_command && *notify_command) {
        q = service_sh_quote(notify_command);
        buf_addf(&b, "OPENCLAW_AUTH_NOTIFY_COMMAND=%s\n", q);
        free(q);
    } else {
        buf_addstr(&b, "# OPENCLAW_AUTH_NOTIFY_COMMAND='curl -fsS -d "
                       "\"$OPENCLAW_AUTH_MESSAGE\" "
                       "https://ntfy.sh/your-topic'\n");
    }
    return buf_detach(&b, NULL);
}

/* ---- launchd --------------------------------------------------------- */

static void plist_string(struct buf *b, const char *indent, const char *s)
{
    char *x = service_xml_escape(s);

    buf_addf(b, "%s<string>%s</string>\n", indent, x);
    free(x);
}

static void plist_key(struct buf *b, const char *indent, const char *k)
{
    buf_addf(b, "%s<key>%s</key>\n", indent, k);
}

static void plist_head(struct buf *b, const struct service_spec *s,
                       const char *label, const char *what)
{
    char *desc = description(s, what);

    buf_addf(b,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
             "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
             "<!-- Generated by openclaw gateway install (openclaw %s). No "
             "secrets here: the gateway reads .env in its state directory "
             "itself at every start. -->\n"
             "<plist version=\"1.0\">\n<dict>\n",
             s->version);
    plist_key(b, "  ", "Label");
    plist_string(b, "  ", label);
    plist_key(b, "  ", "Comment");
    plist_string(b, "  ", desc);
    free(desc);
}

static void plist_args(struct buf *b, const char *const *argv)
{
    plist_key(b, "  ", "ProgramArguments");
    buf_addstr(b, "  <array>\n");
    for (; *argv; argv++)
        plist_string(b, "    ", *argv);
    buf_addstr(b, "  </array>\n");
}

static void plist_logs(struct buf *b, const struct service_spec *s,
                       const char *name)
{
    char *out = xasprintf("%s/logs/%s.log", s->state_dir, name);
    char *errs = xasprintf("%s/logs/%s.err.log", s->state_dir, name);

    plist_key(b, "  ", "StandardOutPath");
    plist_string(b, "  ", out);
    plist_key(b, "  ", "StandardErrorPath");
    plist_string(b, "  ", errs);
    free(out);
    free(errs);
}

static void plist_env_tail(struct buf *b, const struct service_spec *s,
                           const char *kind)
{
    struct service_env e;
    int i;

    service_env_build(s, kind, &e);
    plist_key(b, "  ", "EnvironmentVariables");
    buf_addstr(b, "  <dict>\n");
    for (i = 0; i < e.n; i++) {
        plist_key(b, "    ", e.key[i]);
        plist_string(b, "    ", e.value[i]);
    }
    buf_addstr(b, "  </dict>\n</dict>\n</plist>\n");
    service_env_release(&e);
}

char *service_gen_plist(const struct service_spec *s, struct oc_err *err)
{
    char port[16];
    const char *argv[] = {s->program, "gateway", "run", "--port", port, NULL};
    struct buf b;

    if (check_spec(s, err))
        return NULL;
    snprintf(port, sizeof(port), "%d", s->port);
    buf_init(&b, 0);
    plist_head(&b, s, s->label, "OpenClaw Gateway");
    buf_addstr(&b, "  <key>RunAtLoad</key>\n  <true/>\n"
                   "  <key>KeepAlive</key>\n  <true/>\n"
                   "  <key>ThrottleInterval</key>\n  <integer>5</integer>\n"
                   "  <key>ExitTimeOut</key>\n  <integer>30</integer>\n"
                   "  <key>Umask</key>\n  <integer>63</integer>\n");
    plist_args(&b, argv);
    plist_logs(&b, s, "gateway");
    plist_env_tail(&b, s, "gateway");
    return buf_detach(&b, NULL);
}

char *service_gen_monitor_plist(const struct service_spec *s,
                                struct oc_err *err)
{
    const char *argv[] = {"/bin/sh", s->monitor_script, NULL};
    struct buf b;

    if (check_spec(s, err))
        return NULL;
    buf_init(&b, 0);
    plist_head(&b, s, s->monitor_label, "OpenClaw auth monitor");
    buf_addstr(&b, "  <key>RunAtLoad</key>\n  <true/>\n"
                   "  <key>StartInterval</key>\n  <integer>1800</integer>\n"
                   "  <key>Umask</key>\n  <integer>63</integer>\n");
    plist_args(&b, argv);
    plist_logs(&b, s, "auth-monitor");
    plist_env_tail(&b, s, "auth-monitor");
    return buf_detach(&b, NULL);
}
