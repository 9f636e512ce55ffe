/*
 * The service definitions as text (systemd unit, launchd plist, the auth
 * monitor's unit, timer, plist, script and settings) byte for byte, the
 * quoting under them (systemd words with blanks, %, $, quotes and
 * backslashes; XML entities; sh words), names, the platform knob, and
 * service_describe against a fake systemctl / launchctl.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "gateway/service.h"
#include "gateway/svcfile.h"

/* A spec like the one install builds, with fixed values. */
static struct service_spec spec(enum service_platform p, const char *program)
{
    struct service_spec s = {
        .platform = p,
        .program = program,
        .port = 18789,
        .version = "9.9.9",
        .home = "/home/u",
        .path_env = "/usr/local/bin:/usr/bin:/bin",
        .state_dir = "/home/u/.openclaw",
        .unit_name = "openclaw-gateway.service",
        .label = "ai.openclaw.gateway",
        .monitor_dir = "/home/u/.openclaw/auth-monitor",
        .monitor_script = "/home/u/.openclaw/auth-monitor/auth-monitor.sh",
        .monitor_service = "openclaw-auth-monitor.service",
        .monitor_timer = "openclaw-auth-monitor.timer",
        .monitor_label = "ai.openclaw.auth-monitor",
    };
    return s;
}

/* ---- quoting --------------------------------------------------------- */

static void test_systemd_quote(void **state)
{
    static const char *const cases[][2] = {
        {"/usr/bin/openclaw", "/usr/bin/openclaw"},
        {"/opt/my dir/openclaw", "\"/opt/my dir/openclaw\""},
        {"/opt/50%/openclaw", "/opt/50%%/openclaw"},
        {"/opt/$HOME/openclaw", "/opt/$$HOME/openclaw"},
        {"/opt/a\"b/openclaw", "\"/opt/a\\\"b/openclaw\""},
        {"/opt/it's/openclaw", "\"/opt/it's/openclaw\""},
        {"/opt/back\\slash", "\"/opt/back\\\\slash\""},
        {"a;b", "\"a;b\""},
        {"%h and $x", "\"%%h and $$x\""},
        {"tab\there", "\"tab\there\""},
        {"", "\"\""},
    };
    size_t i;
    char *q;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        q = service_systemd_quote(cases[i][0]);
        assert_string_equal(q, cases[i][1]);
        free(q);
    }
}

static void test_systemd_env(void **state)
{
    char *e;

    (void)state;
    e = service_systemd_env("PATH", "/a b:/c");
    assert_string_equal(e, "\"PATH=/a b:/c\"");
    free(e);
    /* '%' is a specifier in Environment= too; '$' is not special there */
    e = service_systemd_env("X", "50%$y");
    assert_string_equal(e, "X=50%%$y");
    free(e);
    e = service_systemd_env("Q", "say \"hi\"");
    assert_string_equal(e, "\"Q=say \\\"hi\\\"\"");
    free(e);
}

static void test_xml_and_sh(void **state)
{
    char *x;

    (void)state;
    x = service_xml_escape("a&b<c>\"d'e");
    assert_string_equal(x, "a&amp;b&lt;c&gt;&quot;d&apos;e");
    free(x);
    x = service_xml_escape("/Users/me/Open Claw");
    assert_string_equal(x, "/Users/me/Open Claw");
    free(x);
    x = service_sh_quote("it's $HOME");
    assert_string_equal(x, "'it'\\''s $HOME'");
    free(x);
    x = service_sh_quote("");
    assert_string_equal(x, "''");
    free(x);
}

/* ---- names and the platform ----------------------------------------- */

static void test_names(void **state)
{
    char *s;

    (void)state;
    assert_null(service_profile(NULL));
    assert_null(service_profile("default"));
    assert_string_equal(service_profile("work"), "work");
    s = service_unit_name("default");
    assert_string_equal(s, "openclaw-gateway.service");
    free(s);
    s = service_unit_name("work");
    assert_string_equal(s, "openclaw-gateway-work.service");
    free(s);
    s = service_label(NULL);
    assert_string_equal(s, "ai.openclaw.gateway");
    free(s);
    s = service_label("work");
    assert_string_equal(s, "ai.openclaw.work");
    free(s);
    s = service_monitor_unit_base("work");
    assert_string_equal(s, "openclaw-auth-monitor-work");
    free(s);
    s = service_monitor_label(NULL);
    assert_string_equal(s, "ai.openclaw.auth-monitor");
    free(s);
}

static void test_platform_knob(void **state)
{
    enum service_platform p = SERVICE_SYSTEMD;
    struct oc_err err;

    (void)state;
    setenv("OPENCLAW_SERVICE_PLATFORM", "launchd", 1);
    assert_int_equal(service_platform(&p, &err), 0);
    assert_int_equal(p, SERVICE_LAUNCHD);
    setenv("OPENCLAW_SERVICE_PLATFORM", "systemd", 1);
    assert_int_equal(service_platform(&p, &err), 0);
    assert_int_equal(p, SERVICE_SYSTEMD);
    setenv("OPENCLAW_SERVICE_PLATFORM", "upstart", 1);
    assert_int_equal(service_platform(&p, &err), OC_EINVAL);
    assert_non_null(strstr(oc_err_msg(&err), "upstart"));
    unsetenv("OPENCLAW_SERVICE_PLATFORM");
    assert_string_equal(service_platform_name(SERVICE_LAUNCHD), "launchd");
}

static void test_default_path(void **state)
{
    char *p;

    (void)state;
    p = service_default_path(SERVICE_SYSTEMD, "/opt/oc/bin/openclaw",
                             "/home/u");
    assert_string_equal(p, "/opt/oc/bin:/home/u/.local/bin:/usr/local/bin:"
                           "/usr/bin:/bin");
    free(p);
    p = service_default_path(SERVICE_SYSTEMD, "/usr/bin/openclaw", "/home/u");
    assert_string_equal(p, "/usr/bin:/home/u/.local/bin:/usr/local/bin:/bin");
    free(p);
    p = service_default_path(SERVICE_LAUNCHD, "/opt/homebrew/bin/openclaw",
                             "/Users/u");
    assert_string_equal(p, "/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin");
    free(p);
}

/* ---- the gateway's files --------------------------------------------- */

static const char UNIT[] =
    "# Generated by `openclaw gateway install` (openclaw 9.9.9).\n"
    "# `openclaw gateway install --force` rewrites this file: put your own "
    "settings\n"
    "# in a drop-in (systemctl --user edit openclaw-gateway.service).\n"
    "# No secrets here: the gateway reads /home/u/.openclaw/.env itself at "
    "every start.\n"
    "[Unit]\n"
    "Description=OpenClaw Gateway (v9.9.9)\n"
    "After=network-online.target\n"
    "Wants=network-online.target\n"
    "\n"
    "[Service]\n"
    "ExecStart=/usr/bin/openclaw gateway run --port 18789\n"
    "Restart=always\n"
    "RestartSec=5\n"
    "RestartPreventExitStatus=78\n"
    "TimeoutStopSec=30\n"
    "KillMode=control-group\n"
    "UMask=0077\n"
    "Environment=HOME=/home/u\n"
    "Environment=PATH=/usr/local/bin:/usr/bin:/bin\n"
    "Environment=OPENCLAW_GATEWAY_PORT=18789\n"
    "Environment=OPENCLAW_SYSTEMD_UNIT=openclaw-gateway.service\n"
    "Environment=OPENCLAW_SERVICE_MARKER=openclaw\n"
    "Environment=OPENCLAW_SERVICE_KIND=gateway\n"
    "Environment=OPENCLAW_SERVICE_VERSION=9.9.9\n"
    "\n"
    "[Install]\n"
    "WantedBy=default.target\n";

static void test_unit_bytes(void **state)
{
    struct service_spec s = spec(SERVICE_SYSTEMD, "/usr/bin/openclaw");
    struct oc_err err;
    char *u;

    (void)state;
    u = service_gen_unit(&s, &err);
    assert_non_null(u);
    assert_string_equal(u, UNIT);
    free(u);
}

/* OPENCLAW_* paths only when set, in a fixed order, quoted as needed;
 * and systemd reads back the program and every value. */
static void test_unit_paths_roundtrip(void **state)
{
    struct service_spec s =
        spec(SERVICE_SYSTEMD, "/opt/My Apps/open\"claw\\bin/openclaw");
    struct svc_file f;
    struct oc_err err;
    char *u;

    (void)state;
    s.profile = "work";
    s.unit_name = "openclaw-gateway-work.service";
    s.state_dir = "/srv/oc state";
    s.set_state_dir = true;
    s.config_path = "/etc/oc/it's.json";
    s.path_env = "/opt/My Apps:/usr/bin";
    u = service_gen_unit(&s, &err);
    assert_non_null(u);
    assert_non_null(strstr(u, "\nExecStart=\"/opt/My Apps/open\\\"claw\\\\bin/"
                              "openclaw\" gateway run --port 18789\n"));
    assert_non_null(strstr(u, "\nDescription=OpenClaw Gateway (profile: work, "
                              "v9.9.9)\n"));
    assert_non_null(strstr(
        u,
        "Environment=\"PATH=/opt/My Apps:/usr/bin\"\n"
        "Environment=OPENCLAW_PROFILE=work\n"
        "Environment=\"OPENCLAW_STATE_DIR=/srv/oc state\"\n"
        "Environment=\"OPENCLAW_CONFIG_PATH=/etc/oc/it's.json\"\n"
        "Environment=OPENCLAW_GATEWAY_PORT=18789\n"
        "Environment=OPENCLAW_SYSTEMD_UNIT=openclaw-gateway-work.service\n"));
    svc_file_init(&f);
    svc_parse_systemd(u, strlen(u), &f);
    assert_string_equal(f.exec, s.program);
    assert_int_equal(f.nenv, 10);
    assert_string_equal(f.env[1].value, "/opt/My Apps:/usr/bin");
    assert_string_equal(f.env[3].key, "OPENCLAW_STATE_DIR");
    assert_string_equal(f.env[3].value, "/srv/oc state");
    assert_string_equal(f.env[4].value, "/etc/oc/it's.json");
    svc_file_release(&f);
    free(u);
}

static void test_refuses_control_chars(void **state)
{
    struct service_spec s = spec(SERVICE_SYSTEMD, "/usr/bin/open\nclaw");
    struct oc_err err;

    (void)state;
    assert_null(service_gen_unit(&s, &err));
    assert_non_null(strstr(oc_err_msg(&err), "control character"));
    s = spec(SERVICE_LAUNCHD, "/usr/bin/openclaw");
    s.home = "/Users/a\tb";
    assert_null(service_gen_plist(&s, &err));
    assert_null(service_gen_monitor_conf("notify\nrm -rf ~", &err));
}

static const char PLIST[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
    "<!-- Generated by openclaw gateway install (openclaw 9.9.9). No secrets "
    "here: the gateway reads .env in its state directory itself at every "
    "start. -->\n"
    "<plist version=\"1.0\">\n"
    "<dict>\n"
    "  <key>Label</key>\n"
    "  <string>ai.openclaw.gateway</string>\n"
    "  <key>Comment</key>\n"
    "  <string>OpenClaw Gateway (v9.9.9)</string>\n"
    "  <key>RunAtLoad</key>\n"
    "  <true/>\n"
    "  <key>KeepAlive</key>\n"
    "  <true/>\n"
    "  <key>ThrottleInterval</key>\n"
    "  <integer>5</integer>\n"
    "  <key>ExitTimeOut</key>\n"
    "  <integer>30</integer>\n"
    "  <key>Umask</key>\n"
    "  <integer>63</integer>\n"
    "  <key>ProgramArguments</key>\n"
    "  <array>\n"
    "    <string>/Applications/R&amp;D &lt;x&gt;/openclaw</string>\n"
    "    <string>gateway</string>\n"
    "    <string>run</string>\n"
    "    <string>--port</string>\n"
    "    <string>18789</string>\n"
    "  </array>\n"
    "  <key>StandardOutPath</key>\n"
    "  <string>/home/u/.openclaw/logs/gateway.log</string>\n"
    "  <key>StandardErrorPath</key>\n"
    "  <string>/home/u/.openclaw/logs/gateway.err.log</string>\n"
    "  <key>EnvironmentVariables</key>\n"
    "  <dict>\n"
    "    <key>HOME</key>\n"
    "    <string>/home/u</string>\n"
    "    <key>PATH</key>\n"
    "    <string>/usr/local/bin:/usr/bin:/bin</string>\n"
    "    <key>OPENCLAW_GATEWAY_PORT</key>\n"
    "    <string>18789</string>\n"
    "    <key>OPENCLAW_LAUNCHD_LABEL</key>\n"
    "    <string>ai.openclaw.gateway</string>\n"
    "    <key>OPENCLAW_SERVICE_MARKER</key>\n"
    "    <string>openclaw</string>\n"
    "    <key>OPENCLAW_SERVICE_KIND</key>\n"
    "    <string>gateway</string>\n"
    "    <key>OPENCLAW_SERVICE_VERSION</key>\n"
    "    <string>9.9.9</string>\n"
    "  </dict>\n"
    "</dict>\n"
    "</plist>\n";

static void test_plist_bytes(void **state)
{
    struct service_spec s =
        spec(SERVICE_LAUNCHD, "/Applications/R&D <x>/openclaw");
    struct svc_file f;
    struct oc_err err;
    char *p;

    (void)state;
    p = service_gen_plist(&s, &err);
    assert_non_null(p);
    assert_string_equal(p, PLIST);
    svc_file_init(&f);
    svc_parse_plist(p, strlen(p), &f);
    assert_string_equal(f.exec, s.program);
    assert_int_equal(f.nenv, 7);
    svc_file_release(&f);
    free(p);
}

/* ---- the auth monitor ------------------------------------------------ */

static void test_monitor_units(void **state)
{
    struct service_spec s = spec(SERVICE_SYSTEMD, "/usr/bin/openclaw");
    struct oc_err err;
    char *t;

    (void)state;
    t = service_gen_monitor_timer(&s, &err);
    assert_string_equal(
        t, "# Generated by `openclaw gateway install --auth-monitor` "
           "(openclaw 9.9.9).\n[Unit]\nDescription=Run the OpenClaw auth "
           "monitor every 30 minutes\n\n[Timer]\nOnCalendar=*:0/30\n"
           "Persistent=true\nRandomizedDelaySec=60\n"
           "Unit=openclaw-auth-monitor.service\n\n[Install]\n"
           "WantedBy=timers.target\n");
    free(t);
    t = service_gen_monitor_service(&s, &err);
    assert_non_null(strstr(t, "\n[Service]\nType=oneshot\nExecStart=/bin/sh "
                              "/home/u/.openclaw/auth-monitor/"
                              "auth-monitor.sh\nSuccessExitStatus=1 2\n"));
    assert_non_null(strstr(t, "Environment=OPENCLAW_SERVICE_KIND=auth-monitor"
                              "\n"));
    assert_null(strstr(t, "OPENCLAW_GATEWAY_PORT"));
    assert_null(strstr(t, "NOTIFY"));
    free(t);
    s.platform = SERVICE_LAUNCHD;
    t = service_gen_monitor_plist(&s, &err);
    assert_non_null(strstr(t, "<string>ai.openclaw.auth-monitor</string>"));
    assert_non_null(strstr(t, "<key>StartInterval</key>\n  <integer>1800"));
    assert_non_null(strstr(t, "<string>/bin/sh</string>\n    <string>/home/u/"
                              ".openclaw/auth-monitor/auth-monitor.sh"));
    free(t);
}

static void test_monitor_script(void **state)
{
    struct service_spec s = spec(SERVICE_SYSTEMD, "/opt/it's/openclaw");
    struct oc_err err;
    char *t;

    (void)state;
    s.state_dir = "/srv/st";
    s.set_state_dir = true;
    s.monitor_dir = "/srv/st/auth-monitor";
    t = service_gen_monitor_script(&s, &err);
    assert_true(strncmp(t, "#!/bin/sh\n", 10) == 0);
    assert_non_null(strstr(t, "\numask 077\ndir='/srv/st/auth-monitor'\n"
                              "prog='/opt/it'\\''s/openclaw'\n"
                              "OPENCLAW_STATE_DIR='/srv/st'\n"
                              "export OPENCLAW_STATE_DIR\n"));
    assert_non_null(strstr(t, "out=$(\"$prog\" models status --check 2>&1)"));
    assert_non_null(strstr(t, "| sh -c \"$OPENCLAW_AUTH_NOTIFY_COMMAND\""));
    assert_null(strstr(t, "HOME="));
    free(t);
}

static void test_monitor_conf(void **state)
{
    struct oc_err err;
    char *t;

    (void)state;
    t = service_gen_monitor_conf("ntfy pub 'my topic' \"$OPENCLAW_AUTH_"
                                 "MESSAGE\"",
                                 &err);
    assert_non_null(strstr(t, "\nOPENCLAW_AUTH_NOTIFY_COMMAND='ntfy pub "
                              "'\\''my topic'\\'' \"$OPENCLAW_AUTH_MESSAGE\"'"
                              "\n"));
    free(t);
    t = service_gen_monitor_conf(NULL, &err);
    assert_null(strstr(t, "\nOPENCLAW_AUTH_NOTIFY_COMMAND="));
    assert_non_null(strstr(t, "\n# OPENCLAW_AUTH_NOTIFY_COMMAND="));
    free(t);
    t = service_gen_monitor_conf("", &err);
    assert_null(strstr(t, "\nOPENCLAW_AUTH_NOTIFY_COMMAND="));
    free(t);
}

/* ---- describe -------------------------------------------------------- */

struct fake {
    char *dir;  /* the temp dir: home, bin, rules */
    char *path; /* PATH before */
    char *home; /* HOME before */
    char *rules;
    struct oc_paths paths;
};

/* A fake systemctl/launchctl answering from rules (see fake_svcctl). */
static void fake_setup(struct fake *f, const char *platform, const char *rules)
{
    const char *fx = getenv("OC_FIXTURES");
    char *src = xasprintf("%s/../support/fake_svcctl", fx ? fx : "tests");
    char *bin, *text, *dst, *path;

    f->dir = tu_mkdtemp();
    f->path = xstrdup(getenv("PATH"));
    f->home = xstrdup(getenv("HOME") ? getenv("HOME") : "/");
    bin = path_join(f->dir, "bin");
    fsx_mkdir_p(bin, 0700, NULL);
    text = tu_read(src);
    assert_non_null(text);
    dst = tu_write(bin, platform[0] == 's' ? "systemctl" : "launchctl", text);
    chmod(dst, 0700);
    f->rules = tu_write(f->dir, "rules", rules);
    path = xasprintf("%s:%s", bin, f->path);
    setenv("PATH", path, 1);
    setenv("HOME", f->dir, 1);
    setenv("FAKE_SVC_RULES", f->rules, 1);
    unsetenv("XDG_CONFIG_HOME");
    setenv("OPENCLAW_SERVICE_PLATFORM", platform, 1);
    memset(&f->paths, 0, sizeof(f->paths));
    f->paths.home = f->dir;
    f->paths.state_dir = path_join(f->dir, ".openclaw");
    free(path);
    free(dst);
    free(text);
    free(bin);
    free(src);
}

static void fake_teardown(struct fake *f)
{
    setenv("PATH", f->path, 1);
    setenv("HOME", f->home, 1);
    unsetenv("FAKE_SVC_RULES");
    unsetenv("OPENCLAW_SERVICE_PLATFORM");
    tu_rmrf(f->dir);
    free(f->paths.state_dir);
    free(f->rules);
    free(f->path);
    free(f->home);
    free(f->dir);
}

static void test_describe_not_installed(void **state)
{
    struct service_info info;
    struct fake f;
    struct oc_err err;

    (void)state;
    fake_setup(&f, "systemd", "*\t1\tshould not be asked\n");
    assert_int_equal(service_describe(&f.paths, &info, &err), 0);
    assert_false(info.installed);
    assert_false(info.manager_ok);
    assert_null(info.manager_error);
    assert_string_equal(info.name, "openclaw-gateway.service");
    assert_true(str_has_suffix(info.path, "/.config/systemd/user/"
                                          "openclaw-gateway.service"));
    assert_int_equal(info.logs.n, 1);
    assert_string_equal(info.logs.v[0],
                        "journalctl --user -u openclaw-gateway");
    assert_false(info.monitor_installed);
    assert_int_equal(info.last_exit, -1);
    service_info_release(&info);
    fake_teardown(&f);
}

static void test_describe_systemd(void **state)
{
    struct service_spec s = spec(SERVICE_SYSTEMD, "/bin/sh");
    struct service_info info;
    struct fake f;
    struct oc_err err;
    char *dir, *dropdir, *u;

    (void)state;
    fake_setup(&f, "systemd",
               "systemctl --user show openclaw-gateway.service *\t0\t"
               "LoadState=loaded\\nActiveState=active\\nSubState=running\\n"
               "UnitFileState=enabled\\nMainPID=4242\\nExecMainStatus=0\n");
    s.port = 18790;
    u = service_gen_unit(&s, &err);
    dir = path_join(f.dir, ".config/systemd/user");
    dropdir = path_join(dir, "openclaw-gateway.service.d");
    fsx_mkdir_p(dropdir, 0700, NULL);
    free(tu_write(dir, "openclaw-gateway.service", u));
    free(tu_write(dropdir, "override.conf",
                  "[Service]\n# keys\nEnvironment=ANTHROPIC_API_KEY=sk-ant-"
                  "api03-xxxxxxxxxxxxxxxxxxxxxxxx\n"));
    free(tu_write(dropdir, "notes.txt", "not a drop-in\n"));
    free(tu_write(dir, "openclaw-auth-monitor.timer", "[Timer]\n"));
    assert_int_equal(service_describe(&f.paths, &info, &err), 0);
    assert_true(info.installed && info.manager_ok && info.loaded);
    assert_string_equal(info.active_state, "active");
    assert_string_equal(info.sub_state, "running");
    assert_string_equal(info.enabled, "enabled");
    assert_int_equal(info.pid, 4242);
    assert_int_equal(info.last_exit, 0);
    assert_string_equal(info.program, "/bin/sh");
    assert_true(info.program_ok);
    assert_int_equal(info.port, 18790);
    assert_int_equal(info.dropins.n, 1);
    assert_true(str_has_suffix(info.dropins.v[0], ".d/override.conf"));
    assert_int_equal(info.secrets.n, 1);
    assert_string_equal(info.secrets.v[0],
                        "ANTHROPIC_API_KEY (override.conf line 3)");
    assert_true(info.monitor_installed);
    service_info_release(&info);
    fake_teardown(&f);
    free(u);
    free(dropdir);
    free(dir);
}

static void test_describe_systemd_no_bus(void **state)
{
    struct service_info info;
    struct fake f;
    struct oc_err err;
    char *dir;

    (void)state;
    fake_setup(&f, "systemd",
               "systemctl *\t1\tFailed to connect to bus: No medium found\n");
    dir = path_join(f.dir, ".config/systemd/user");
    fsx_mkdir_p(dir, 0700, NULL);
    free(tu_write(dir, "openclaw-gateway.service",
                  "[Service]\nExecStart=/nonexistent/openclaw gateway run "
                  "--port=19001\nEnvironment=OPENCLAW_GATEWAY_TOKEN=abc\n"));
    assert_int_equal(service_describe(&f.paths, &info, &err), 0);
    assert_true(info.installed);
    assert_false(info.manager_ok);
    assert_string_equal(info.manager_error,
                        "Failed to connect to bus: No medium found");
    assert_null(info.active_state);
    assert_false(info.program_ok);
    assert_int_equal(info.port, 19001);
    assert_int_equal(info.secrets.n, 1);
    assert_string_equal(info.secrets.v[0], "OPENCLAW_GATEWAY_TOKEN (line 3)");
    service_info_release(&info);
    fake_teardown(&f);
    free(dir);
}

static void test_describe_launchd(void **state)
{
    struct service_spec s = spec(SERVICE_LAUNCHD, "/bin/sh");
    struct service_info info;
    struct fake f;
    struct oc_err err;
    char *dir, *p;

    (void)state;
    fake_setup(&f, "launchd",
               "launchctl print gui/*/ai.openclaw.gateway\t0\t"
               "gui/501/ai.openclaw.gateway = {\\n\\tactive count = 1\\n"
               "\\tstate = running\\n\\tpid = 777\\n"
               "\\tlast exit code = 78: EX_CONFIG\\n}\n");
    p = service_gen_plist(&s, &err);
    dir = path_join(f.dir, "Library/LaunchAgents");
    fsx_mkdir_p(dir, 0700, NULL);
    free(tu_write(dir, "ai.openclaw.gateway.plist", p));
    assert_int_equal(service_describe(&f.paths, &info, &err), 0);
    assert_true(info.installed && info.manager_ok && info.loaded);
    assert_string_equal(info.active_state, "running");
    assert_string_equal(info.enabled, "loaded");
    assert_int_equal(info.pid, 777);
    assert_int_equal(info.last_exit, 78);
    assert_int_equal(info.port, 18789);
    assert_int_equal(info.logs.n, 2);
    assert_true(str_has_suffix(info.logs.v[0], "/.openclaw/logs/gateway.log"));
    assert_int_equal(info.secrets.n, 0);
    service_info_release(&info);
    fake_teardown(&f);
    free(dir);
    free(p);
}

static void test_describe_launchd_not_loaded(void **state)
{
    struct service_info info;
    struct fake f;
    struct oc_err err;
    char *dir;

    (void)state;
    fake_setup(&f, "launchd",
               "launchctl print *\t113\tCould not find service "
               "\"ai.openclaw.gateway\" in domain for user gui: 501\n");
    dir = path_join(f.dir, "Library/LaunchAgents");
    fsx_mkdir_p(dir, 0700, NULL);
    free(tu_write(dir, "ai.openclaw.gateway.plist", "<plist/>\n"));
    assert_int_equal(service_describe(&f.paths, &info, &err), 0);
    assert_true(info.installed && info.manager_ok);
    assert_false(info.loaded);
    assert_string_equal(info.enabled, "not loaded");
    assert_null(info.program);
    assert_int_equal(info.port, 0);
    service_info_release(&info);
    fake_teardown(&f);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_systemd_quote),
        cmocka_unit_test(test_systemd_env),
        cmocka_unit_test(test_xml_and_sh),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_platform_knob),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_unit_bytes),
        cmocka_unit_test(test_unit_paths_roundtrip),
        cmocka_unit_test(test_refuses_control_chars),
        cmocka_unit_test(test_plist_bytes),
        cmocka_unit_test(test_monitor_units),
        cmocka_unit_test(test_monitor_script),
        cmocka_unit_test(test_monitor_conf),
        cmocka_unit_test(test_describe_not_installed),
        cmocka_unit_test(test_describe_systemd),
        cmocka_unit_test(test_describe_systemd_no_bus),
        cmocka_unit_test(test_describe_launchd),
        cmocka_unit_test(test_describe_launchd_not_loaded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
