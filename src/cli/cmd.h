/*
 * The command table and what a command's run function receives.
 *
 * Every command is a `const struct cli_cmd` in its own cmd_<name>.c,
 * listed in cli.c's table; a command with subcommands lists them in subs.
 * Options are declared, parsed and documented from the same table, so
 * --help is always true to what the parser accepts.
 */
#ifndef OC_CLI_CMD_H
#define OC_CLI_CMD_H

#include <stdbool.h>

#include "config/paths.h"

#define CLI_MAX_OPTS 48

struct cli_opt {
    const char *name; /* long name without "--" */
    char short_name;  /* 0 if none */
    const char *arg;  /* "<path>" for options taking a value; NULL: flag */
    const char *help;
};

struct cli_ctx;

struct cli_cmd {
    const char *name;
    const char *args;           /* positional usage, e.g. "<path> <value>" */
    const char *summary;        /* one line for command lists */
    const char *help;           /* extra text after the options (examples) */
    const struct cli_opt *opts; /* {NULL}-terminated, may be NULL */
    const struct cli_cmd *const *subs; /* NULL-terminated, may be NULL */
    int min_args;
    int max_args;     /* -1: no limit */
    int usage_status; /* exit code of an option error; 0: CLI_USAGE (2) */
    int (*run)(struct cli_ctx *ctx);
};

struct cli_ctx {
    const struct cli_cmd *cmd;
    char full_name[128]; /* "config get", for messages */
    int argc;            /* positional arguments */
    char **argv;
    const char *values[CLI_MAX_OPTS]; /* per cmd->opts index; "" for flags */
    char *mem[CLI_MAX_OPTS];          /* the argv bytes of a value, or NULL */
    bool paths_ready;
    struct oc_paths paths;
};

/* The value of --name (NULL when absent; "" for a flag that is present). */
const char *cli_opt(const struct cli_ctx *ctx, const char *name);
bool cli_flag(const struct cli_ctx *ctx, const char *name);
/* Overwrite the value of --name in argv (a secret given on the command
 * line) so it no longer shows in /proc/<pid>/cmdline; read it first. */
void cli_scrub_opt(struct cli_ctx *ctx, const char *name);

/* Resolved paths (resolved on first use; exits the program on failure). */
const struct oc_paths *cli_paths(struct cli_ctx *ctx);
/* Re-read OPENCLAW_CONFIG_PATH (after a .env layer set it). */
void cli_reresolve_config_path(struct cli_ctx *ctx);
/* paths_shorten with ctx's paths (caller frees). */
char *cli_display_path(struct cli_ctx *ctx, const char *abs);
/* in as messages are printed: paths under the home directory shown as
 * ~/..., anything that looks like a credential masked. */
void cli_clean_text(const char *in, char *out, size_t cap);

/* "openclaw: error: <msg>" on stderr; returns 1 (the exit code). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "openclaw: warning: <msg>" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the message, the command's usage line and a pointer to
 * --help, on stderr; returns 2. */
int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Exit codes. */
#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

#endif
