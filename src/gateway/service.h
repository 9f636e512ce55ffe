/*
 * The gateway as a per-user service: a systemd user unit
 * (openclaw-gateway[-<profile>].service) or a launchd agent
 * (ai.openclaw.gateway / ai.openclaw.<profile>), plus the optional auth
 * monitor (a timer that runs `openclaw models status --check` every 30
 * minutes and runs a notify command when a credential is expired or about
 * to expire). Reference openclaw-gateway-config.md §3 and §9.
 *
 * One rule for the environment: a definition holds HOME, PATH, the
 * OPENCLAW_* paths and port, and markers; never a secret and never a copy
 * of .env. The gateway reads <state>/.env itself at every start.
 *
 * The generators (service_gen_*) are pure: spec in, text out. Everything
 * that touches the system (files, systemctl, launchctl, loginctl) is in
 * service_run and service_describe; children run from an argv (never a
 * shell) with a deadline, so nothing here can hang. The platform files
 * are service_systemd.c and service_launchd.c, the monitor's files
 * service_monitor.c, the description service_describe.c.
 */
#ifndef OC_GATEWAY_SERVICE_H
#define OC_GATEWAY_SERVICE_H

#include <stdbool.h>

#include "base/err.h"
#include "base/strlist.h"
#include "config/paths.h"

enum service_platform { SERVICE_SYSTEMD = 0, SERVICE_LAUNCHD = 1 };

/* OPENCLAW_SERVICE_PLATFORM=systemd|launchd (a test and packaging knob),
 * else uname: Darwin is launchd, anything else systemd. OC_EINVAL for an
 * unknown value of the variable. */
int service_platform(enum service_platform *out, struct oc_err *err);
const char *service_platform_name(enum service_platform p);

/* ---- names ----------------------------------------------------------- */

/* The profile that names things: NULL for none or "default". */
const char *service_profile(const char *profile);
/* "openclaw-gateway.service" / "openclaw-gateway-<p>.service". */
char *service_unit_name(const char *profile);
/* "ai.openclaw.gateway" / "ai.openclaw.<p>". */
char *service_label(const char *profile);
/* "openclaw-auth-monitor[-<p>]" (add ".service" / ".timer"). */
char *service_monitor_unit_base(const char *profile);
/* "ai.openclaw.auth-monitor" / "ai.openclaw.auth-monitor.<p>". */
char *service_monitor_label(const char *profile);

/* ---- generation (pure) ---------------------------------------------- */

/* Everything a generated file depends on; the same spec always gives the
 * same bytes, which is what makes install idempotent. */
struct service_spec {
    enum service_platform platform;
    const char *program; /* absolute path of this openclaw binary */
    int port;
    const char *version;
    const char *home;            /* HOME for the service */
    const char *path_env;        /* PATH for the service */
    const char *profile;         /* OPENCLAW_PROFILE, or NULL (not "default") */
    const char *openclaw_home;   /* OPENCLAW_HOME to set, or NULL */
    const char *state_dir;       /* always set: .env and logs live here */
    bool set_state_dir;          /* write OPENCLAW_STATE_DIR */
    const char *config_path;     /* OPENCLAW_CONFIG_PATH to set, or NULL */
    const char *unit_name;       /* systemd unit name */
    const char *label;           /* launchd label */
    const char *monitor_dir;     /* <state>/auth-monitor (0700) */
    const char *monitor_script;  /* <monitor_dir>/auth-monitor.sh */
    const char *monitor_service; /* "openclaw-auth-monitor[-p].service" */
    const char *monitor_timer;   /* "openclaw-auth-monitor[-p].timer" */
    const char *monitor_label;   /* "ai.openclaw.auth-monitor[.p]" */
};

/* The minimal PATH for the service: the program's directory, then the
 * platform's usual bin directories. Caller frees. */
char *service_default_path(enum service_platform p, const char *program,
                           const char *home);

/*
 * The files. Each returns a new string, or NULL with err set (OC_EINVAL)
 * when a value cannot be written safely (a newline or control character
 * in a path).
 */
char *service_gen_unit(const struct service_spec *s, struct oc_err *err);
char *service_gen_plist(const struct service_spec *s, struct oc_err *err);
char *service_gen_monitor_service(const struct service_spec *s,
                                  struct oc_err *err);
char *service_gen_monitor_timer(const struct service_spec *s,
                                struct oc_err *err);
char *service_gen_monitor_plist(const struct service_spec *s,
                                struct oc_err *err);
char *service_gen_monitor_script(const struct service_spec *s,
                                 struct oc_err *err);
/* auth-monitor.conf: the notify command (NULL or "": a commented-out
 * example, so OPENCLAW_AUTH_NOTIFY_COMMAND from the environment works);
 * NULL with err set when it has a control character. */
char *service_gen_monitor_conf(const char *notify_command, struct oc_err *err);

/* One argument as systemd's ExecStart= reads it back ('%' and '$'
 * doubled; quoted with C escapes when it has blanks, quotes, backslashes
 * or ';'). Caller frees. */
char *service_systemd_quote(const char *arg);
/* One Environment= line's value part ("KEY=value", quoted when needed). */
char *service_systemd_env(const char *key, const char *value);
/* &, <, >, ", ' as XML entities. Caller frees. */
char *service_xml_escape(const char *s);
/* A POSIX shell single-quoted word. Caller frees. */
char *service_sh_quote(const char *s);

/* ---- install / uninstall / start / stop / restart ------------------- */

enum service_action {
    SERVICE_INSTALL,
    SERVICE_UNINSTALL,
    SERVICE_START,
    SERVICE_STOP,
    SERVICE_RESTART
};

struct service_request {
    const struct oc_paths *paths;
    enum service_action action;
    int port;           /* install: the gateway's port */
    bool force;         /* install: rewrite a definition that differs */
    bool restart;       /* install: restart even when the file is unchanged
                           (the config changed) */
    bool auth_monitor;  /* install: also the monitor; uninstall: only it */
    const char *notify; /* install: the notify command ("" clears it);
                           NULL keeps the one configured */
};

/* The monitor's part of a result (install and uninstall). */
struct service_monitor_result {
    bool requested;     /* install --auth-monitor, or uninstall found it */
    char *name;         /* the timer unit or the launchd label */
    char *path;         /* the timer unit or the plist */
    char *service_path; /* systemd: the .service the timer runs; else NULL */
    char *script;       /* <state>/auth-monitor/auth-monitor.sh */
    char *conf;         /* <state>/auth-monitor/auth-monitor.conf */
    bool existed;       /* its timer/plist was there before */
    bool changed;       /* a file was written or removed */
    bool enabled;       /* install: the timer/agent is enabled and loaded */
    bool has_notify;    /* install: a notify command is configured */
};

/*
 * What a lifecycle call did. ok is false with error set when it failed;
 * the other fields say how far it got (e.g. an install whose systemctl
 * calls failed still has written = true and hints saying what to run).
 */
struct service_result {
    bool ok;
    enum service_platform platform;
    enum service_action action;
    char *name;             /* unit name or launchd label */
    char *path;             /* its file */
    char *program;          /* install: ExecStart's program */
    int port;               /* install */
    bool existed;           /* the definition was there before */
    bool written;           /* install: the definition was (re)written */
    bool differs;           /* install: it differs and --force was not given */
    int diff_line;          /* ... first differing line (1-based) */
    char *diff_have;        /* ... that line as it is (credentials masked) */
    char *diff_want;        /* ... and what this version would write there */
    bool removed;           /* uninstall: the definition was removed */
    bool reachable;         /* the service manager answered */
    bool enabled;           /* install: enabled at login/boot */
    bool started;           /* install/start/restart: (re)started */
    bool restarted;         /* ... by a restart of a running one */
    bool stopped;           /* uninstall/stop */
    char *error;            /* one line, or NULL */
    struct strlist ran;     /* commands run, in order, display form */
    struct strlist hints;   /* what to do next */
    struct strlist dropins; /* drop-in files left in place */
    struct service_monitor_result monitor;
};

void service_result_init(struct service_result *r);
void service_result_release(struct service_result *r);
const char *service_action_name(enum service_action a);

/*
 * Run q->action. Returns 0 when r->ok, else -1 (r->error says why; the
 * rest of r says what happened before). Never prompts. Uninstall of
 * something that is not installed is a success that changed nothing;
 * start/stop/restart of it is an error.
 */
int service_run(const struct service_request *q, struct service_result *r);

/* ---- a read-only description (for `openclaw gateway status`) -------- */

struct service_info {
    enum service_platform platform;
    char *name;             /* unit name or launchd label */
    char *path;             /* where the definition is (or would be) */
    bool installed;         /* path exists */
    bool manager_ok;        /* systemctl --user show / launchctl print answered
                               (for launchd, "not loaded" is still an answer) */
    char *manager_error;    /* why not (first line of its output), or NULL */
    bool loaded;            /* the manager knows the service */
    char *active_state;     /* systemd ActiveState (active, inactive, failed,
                               activating, ...); launchd "state" (running,
                               waiting, ...); NULL when unknown */
    char *sub_state;        /* systemd SubState (running, dead, auto-restart,
                               ...); NULL on launchd */
    char *enabled;          /* systemd UnitFileState (enabled, disabled, ...);
                               launchd "loaded" or "not loaded"; NULL unknown */
    long pid;               /* main pid; 0 when not running */
    int last_exit;          /* ExecMainStatus / launchd "last exit code";
                               -1 when unknown */
    char *program;          /* ExecStart's / ProgramArguments' program */
    bool program_ok;        /* it exists and is executable */
    int port;               /* --port (or OPENCLAW_GATEWAY_PORT) in the
                               definition; 0 when not found */
    struct strlist logs;    /* how to read the logs: a journalctl command
                               (systemd) or the log files (launchd) */
    struct strlist secrets; /* "KEY (line N)" for every secret baked into
                               the definition, "KEY (<drop-in> line N)" for
                               one in a drop-in (values are never kept) */
    struct strlist dropins; /* systemd drop-ins (<unit>.d/NAME.conf) */
    bool monitor_installed; /* the auth monitor's timer/plist exists */
    char *monitor_path;     /* its timer/plist (whether or not it exists) */
};

/*
 * Describe the gateway service of p's profile. Asks the service manager
 * (one call, 5-second deadline) only when the definition exists; returns
 * 0 (what could not be learnt is left unknown, with manager_error saying
 * why), or OC_EINVAL for a bad OPENCLAW_SERVICE_PLATFORM. out is
 * initialised here; release it with service_info_release (also after an
 * error).
 */
int service_describe(const struct oc_paths *p, struct service_info *out,
                     struct oc_err *err);
void service_info_release(struct service_info *info);

#endif
