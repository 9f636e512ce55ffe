/*
 * `openclaw doctor`: checks that each add findings, and fixes that run
 * when --fix/--repair (or a yes on a terminal) allows them. The checks
 * live in doctor_checks.c (state, config, permissions, legacy files,
 * gateway), doctor_service.c (an installed service definition) and
 * doctor_auth.c (credentials per agent and where environment keys come
 * from).
 */
#ifndef OC_CLI_DOCTOR_H
#define OC_CLI_DOCTOR_H

#include <stdbool.h>

#include "cli/cmd.h"
#include "config/config.h"

enum doctor_sev { SEV_OK = 0, SEV_INFO, SEV_WARN, SEV_PROBLEM };

struct finding {
    enum doctor_sev sev;
    char *section;
    char *message;
    char *fix;  /* what to run or do, or NULL */
    bool fixed; /* doctor --fix did it */
};

struct doctor {
    struct cli_ctx *ctx;
    struct config cfg;
    bool fix;               /* --fix/--repair/--yes: apply fixes */
    bool ask;               /* a terminal without --non-interactive: ask */
    bool service_installed; /* a gateway unit/plist exists */
    struct finding *v;
    size_t n, cap;
};

/* Record a finding; fix (printf-free text) may be NULL. Returns it; the
 * pointer is valid until the next doctor_add. */
struct finding *doctor_add(struct doctor *d, enum doctor_sev sev,
                           const char *section, const char *fix,
                           const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* May the fix described by question be applied? (--fix: yes; a terminal:
 * ask; otherwise no.) */
bool doctor_may_fix(struct doctor *d, const char *question);

/* Display form of a path (caller frees). */
char *doctor_path(struct doctor *d, const char *abs);

void doctor_check_state(struct doctor *d);
void doctor_check_config(struct doctor *d);
void doctor_check_permissions(struct doctor *d);
void doctor_check_legacy(struct doctor *d);
void doctor_check_gateway(struct doctor *d);
/* Sets d->service_installed; run it before doctor_check_env. */
void doctor_check_service(struct doctor *d);
void doctor_check_agents(struct doctor *d);
void doctor_check_env(struct doctor *d);

#endif
