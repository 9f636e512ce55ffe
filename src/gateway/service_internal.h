/*
 * What the service_*.c files share: the environment a definition sets,
 * running a child with a deadline, where definitions live, and the
 * platform-specific steps of install/uninstall/start/stop/restart.
 */
#ifndef OC_GATEWAY_SERVICE_INTERNAL_H
#define OC_GATEWAY_SERVICE_INTERNAL_H

#include <stdbool.h>

#include "base/buf.h"
#include "gateway/service.h"

/* ---- the environment of a definition -------------------------------- */

#define SERVICE_ENV_MAX 16

struct service_env {
    const char *key[SERVICE_ENV_MAX];
    char *value[SERVICE_ENV_MAX];
    int n;
};

/* The variables a definition sets, in order; kind is "gateway" or
 * "auth-monitor". Release with service_env_release. */
void service_env_build(const struct service_spec *s, const char *kind,
                       struct service_env *e);
void service_env_release(struct service_env *e);

/* OC_EINVAL when s (named what) has a control character. */
int service_check_value(const char *what, const char *s, struct oc_err *err);

/* ---- children -------------------------------------------------------- */

#define SERVICE_EXEC_TIMEOUT_MS 5000
#define SERVICE_EXEC_OUT_MAX    ((size_t)64 << 10)

struct service_exec {
    int status;     /* exit code (0-255), 128+signal; -1: did not run */
    bool not_found; /* the program is not on PATH */
    bool timed_out; /* killed at the deadline */
    struct buf out; /* stdout and stderr, capped */
};

/*
 * Run argv (argv[0] looked up in PATH) with stdin from /dev/null, its
 * output collected, our credential variables removed from its
 * environment, and killed (with its process group) after timeout_ms.
 * Returns x->status. Release x with service_exec_release.
 */
int service_exec_run(const char *const argv[], int timeout_ms,
                     struct service_exec *x);
void service_exec_release(struct service_exec *x);
/* The first line of the output, trimmed (borrowed until release). */
const char *service_exec_first_line(struct service_exec *x);

/* The display form of argv (words joined with spaces). Caller frees. */
char *service_argv_display(const char *const argv[]);

/* ---- paths and the spec --------------------------------------------- */

#define SERVICE_DEF_MODE  0644 /* unit files and plists */
#define SERVICE_CTX_OWNED 20

/* Everything one lifecycle call needs, owned. */
struct service_ctx {
    const struct service_request *q;
    struct service_result *r;
    struct service_spec spec;
    char *home;   /* the real home ($HOME, else the resolved one) */
    char *dir;    /* ~/.config/systemd/user or ~/Library/LaunchAgents */
    char *domain; /* launchd: "gui/<uid>" */
    char *owned[SERVICE_CTX_OWNED];
    int nowned;
    unsigned uid;
};

/* Fill c for q (names, paths, spec); OC_EINVAL for a bad platform knob.
 * Release with service_ctx_release. */
int service_ctx_init(struct service_ctx *c, const struct service_request *q,
                     struct service_result *r, struct oc_err *err);
void service_ctx_release(struct service_ctx *c);
/* Keep s until release; returns it. */
char *service_ctx_keep(struct service_ctx *c, char *s);
/* The real home directory used for service definitions. Caller frees. */
char *service_real_home(const struct oc_paths *p);
/* ~/.config/systemd/user (or $XDG_CONFIG_HOME/systemd/user). Caller frees. */
char *service_systemd_dir(const char *home);
/* Where a systemd user unit named name is. Caller frees. */
char *service_systemd_path(const char *home, const char *name);
/* <unit_path>.d/<file>, sorted, appended to out. */
void service_list_dropins(const char *unit_path, struct strlist *out);
/* Append "KEY (<drop-in> line N)" for each secret the drop-ins set. */
void service_dropin_secrets(const struct strlist *dropins, struct strlist *out);
/* The login name (for loginctl). */
const char *service_user_name(void);

/* ---- files ---------------------------------------------------------- */

/* Write text to path (atomically) when it differs, then give it mode;
 * *changed says it was written. */
int service_put_file(const char *path, const char *text, unsigned mode,
                     bool *changed, struct oc_err *err);
/* Remove path if it is there; *removed says it was. 0, or -1 with
 * c->r->error set. */
int service_remove_file(struct service_ctx *c, const char *path, bool *removed);
/* r->error = msg (copied); r->ok = false; returns -1. */
int service_fail(struct service_result *r, const char *msg);

/* ---- steps ---------------------------------------------------------- */

/* Run a service-manager command, recording it in r->ran. 0 on exit 0;
 * otherwise -1 with *x kept for the caller to explain. Release *x
 * either way. */
int service_call(struct service_ctx *c, const char *const argv[],
                 struct service_exec *x);
/* r->error = "`<cmd>` failed (...): <output>"; returns -1. */
int service_fail_call(struct service_ctx *c, const char *const argv[],
                      struct service_exec *x);
/* Did systemctl fail because there is no user service manager? */
bool service_systemd_unreachable(const struct service_exec *x);
/* Add the "run these yourself" hints for an unreachable systemctl. */
void service_hint_no_bus(struct service_ctx *c, const char *const *cmds);

/* `systemctl --user <verb> [a1 [a2]]`: 0, or -1 with r->error set and
 * r->reachable saying whether the user manager answered. */
int service_systemctl(struct service_ctx *c, const char *verb, const char *a1,
                      const char *a2);
/* `systemctl --user disable --now <name>`; failures become hints (and,
 * without a user manager, the enablement symlink under target.wants/ is
 * removed by hand). */
void service_systemd_disable(struct service_ctx *c, const char *name,
                             const char *target);

#define SERVICE_KICK_START   1 /* kickstart: start it if it is not running */
#define SERVICE_KICK_RESTART 2 /* kickstart -k: kill and start it */

/* Load label from plist into the user's launchd domain: bootout first
 * when it is loaded and changed, enable + bootstrap when not loaded,
 * else kickstart as kick says (0: nothing). 0, or -1 with r->error set. */
int service_launchd_load(struct service_ctx *c, const char *label,
                         const char *plist, bool changed, int kick);
/* `launchctl bootout <domain>/<label>`; "not loaded" is fine, other
 * failures become hints. true when it was loaded and is gone. */
bool service_launchd_unload(struct service_ctx *c, const char *label);

int service_systemd_install(struct service_ctx *c, const char *unit_text);
int service_systemd_uninstall(struct service_ctx *c);
int service_systemd_control(struct service_ctx *c);
int service_launchd_install(struct service_ctx *c, const char *plist_text);
int service_launchd_uninstall(struct service_ctx *c);
int service_launchd_control(struct service_ctx *c);

/* Write the definition (r->path) unless it exists, differs and --force
 * was not given (then r->differs with the first differing line). 0, or
 * -1 with r->error set. */
int service_put_definition(struct service_ctx *c, const char *text);

/* The auth monitor (service_monitor.c): its files (script, settings,
 * unit + timer or plist); loading them is the platform file's job. */
void service_monitor_paths(struct service_ctx *c);
int service_monitor_write(struct service_ctx *c);
/* Remove what service_monitor_write wrote (after it was unloaded). */
int service_monitor_remove(struct service_ctx *c);

#endif
