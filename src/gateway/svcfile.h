/*
 * Reading (and surgically editing) an installed gateway service
 * definition: a systemd user unit or a launchd plist. doctor uses it to
 * find secrets baked into Environment=/EnvironmentVariables (they belong
 * in <state>/.env, which the gateway reads itself) and an ExecStart /
 * ProgramArguments that points at a binary that is gone. Pure functions
 * over (p, n): no I/O, fuzzable.
 */
#ifndef OC_GATEWAY_SVCFILE_H
#define OC_GATEWAY_SVCFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strlist.h"

#define SVCFILE_MAX     ((size_t)1 << 20)
#define SVCFILE_MAX_ENV 4096 /* environment entries kept */

struct svc_env {
    char *key;
    char *value;
    int line; /* 1-based line of the assignment */
};

struct svc_file {
    struct svc_env *env; /* Environment= / EnvironmentVariables entries */
    size_t nenv;
    struct strlist env_files; /* EnvironmentFile= values, as written */
    char *exec;               /* the program ExecStart / ProgramArguments
                                 runs (prefixes like '-' or '@' removed), or
                                 NULL when there is none */
    int exec_line;
};

void svc_file_init(struct svc_file *f);
void svc_file_release(struct svc_file *f);

/*
 * Parse a systemd unit: [Service] Environment= lines (several
 * space-separated KEY=VALUE words, double or single quoted, backslash
 * continuation lines joined), EnvironmentFile= and ExecStart=. Never
 * fails; what it cannot read is skipped.
 */
void svc_parse_systemd(const char *p, size_t n, struct svc_file *out);

/* Parse a launchd plist: EnvironmentVariables (key/string pairs, XML
 * entities decoded) and the first ProgramArguments string. */
void svc_parse_plist(const char *p, size_t n, struct svc_file *out);

/*
 * The text with the environment assignments whose key is in drop
 * removed; an Environment= line left with nothing is removed whole.
 * Everything else is kept byte for byte. Returns a new string (caller
 * frees; it may hold secrets that stayed, so wipe it).
 */
char *svc_strip_systemd(const char *p, size_t n, const struct strlist *drop);
char *svc_strip_plist(const char *p, size_t n, const struct strlist *drop);

#endif
