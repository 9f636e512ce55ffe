/*
 * The dispatcher: global options, walking the command table to the
 * command named on the command line, option parsing against that
 * command's declared options, and help generated from the same table.
 * Tested in tests/unit/test_cli.c and tests/integration/test_cli.sh.
 */
#include <jansson.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsx.h"
#include "base/log.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cmd.h"
#include "cli/commands.h"
#include "cli/help.h"
#include "cli/term.h"
#include "config/paths.h"
#include "base/str.h"
#include "base/banned.h"

struct globals {
    const char *profile;
    const char *log_level;
    bool dev;
    bool no_color;
    bool help;
    bool version;
};

const char *cli_opt(const struct cli_ctx *ctx, const char *name)
{
    const struct cli_opt *o;
    int i;

    for (i = 0, o = ctx->cmd->opts; o && o->name; o++, i++)
        if (!strcmp(o->name, name))
            return ctx->values[i];
    return NULL;
}

void cli_scrub_opt(struct cli_ctx *ctx, const char *name)
{
    const struct cli_opt *o;
    int i;

    for (i = 0, o = ctx->cmd->opts; o && o->name; o++, i++)
        if (!strcmp(o->name, name) && ctx->mem[i])
            memset(ctx->mem[i], 'x', strlen(ctx->mem[i]));
}

bool cli_flag(const struct cli_ctx *ctx, const char *name)
{
    return cli_opt(ctx, name) != NULL;
}

/* The paths of the command being run, once resolved: messages show
 * files under the home directory as ~/... like everything else we print. */
static const struct oc_paths *report_paths;

const struct oc_paths *cli_paths(struct cli_ctx *ctx)
{
    struct oc_err err;

    if (!ctx->paths_ready) {
        if (paths_resolve(&ctx->paths, &err)) {
            cli_error("%s", oc_err_msg(&err));
            exit(CLI_FAIL);
        }
        ctx->paths_ready = true;
        report_paths = &ctx->paths;
    }
    return &ctx->paths;
}

/* Copy line to out, writing paths under the home directory the way
 * paths_shorten does. */
static void shorten_homes(const char *line, char *out, size_t cap)
{
    const char *home = report_paths ? report_paths->home : NULL;
    size_t n = home ? strlen(home) : 0, o = 0;
    const char *tilde;

    if (n <= 1) {
        str_copy(out, cap, line);
        return;
    }
    tilde = report_paths->home_overridden ? "$OPENCLAW_HOME" : "~";
    while (*line && o + 1 < cap) {
        if (!strncmp(line, home, n) && line[n] == '/' &&
            o + strlen(tilde) + 1 < cap) {
            o += (size_t)snprintf(out + o, cap - o, "%s", tilde);
            line += n;
            continue;
        }
        out[o++] = *line++;
    }
    out[o] = '\0';
}

void cli_reresolve_config_path(struct cli_ctx *ctx)
{
    struct oc_paths fresh;

    if (!ctx->paths_ready || paths_resolve(&fresh, NULL))
        return;
    free(ctx->paths.config_path);
    ctx->paths.config_path = fresh.config_path;
    fresh.config_path = NULL;
    paths_release(&fresh);
}

char *cli_display_path(struct cli_ctx *ctx, const char *abs)
{
    return paths_shorten(cli_paths(ctx), abs);
}

void cli_clean_text(const char *in, char *out, size_t cap)
{
    shorten_homes(in, out, cap);
    secret_redact_text(out);
}

static void vreport(const char *label, enum term_style style, const char *fmt,
                    va_list ap) __attribute__((format(printf, 3, 0)));

static void vreport(const char *label, enum term_style style, const char *fmt,
                    va_list ap)
{
    char raw[4096], line[4096];

    vsnprintf(raw, sizeof(raw), fmt, ap);
    cli_clean_text(raw, line, sizeof(line));
    fprintf(stderr, "openclaw: %s%s%s: %s\n", term_on(stderr, style), label,
            term_off(stderr), line);
}

int cli_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("error", TERM_RED, fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning", TERM_YELLOW, fmt, ap);
    va_end(ap);
}

int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("error", TERM_RED, fmt, ap);
    va_end(ap);
    help_usage_line(stderr, ctx->cmd, ctx->full_name);
    fprintf(stderr, "Run 'openclaw %s%s--help' for details.\n", ctx->full_name,
            *ctx->full_name ? " " : "");
    return CLI_USAGE;
}

/* Consume a global option at argv[*i]; 1 if it was one, 0 if not, -1 for
 * a global option missing its value. */
static int take_global(int argc, char **argv, int *i, struct globals *g)
{
    const char *a = argv[*i];

    if (!strcmp(a, "--dev"))
        g->dev = true;
    else if (!strcmp(a, "--no-color"))
        g->no_color = true;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
        g->help = true;
    else if (!strcmp(a, "-V") || !strcmp(a, "--version"))
        g->version = true;
    else if (!strncmp(a, "--profile=", 10))
        g->profile = a + 10;
    else if (!strncmp(a, "--log-level=", 12))
        g->log_level = a + 12;
    else if (!strcmp(a, "--profile") || !strcmp(a, "--log-level")) {
        if (*i + 1 >= argc)
            return -1;
        *(a[2] == 'p' ? &g->profile : &g->log_level) = argv[++*i];
    } else
        return 0;
    return 1;
}

/* Remove global options from argv (up to "--"); returns the new argc, or
 * -1 after reporting a usage error. */
static int strip_globals(int argc, char **argv, struct globals *g)
{
    int i, n = 0, rc;
    bool literal = false;

    for (i = 0; i < argc; i++) {
        rc = literal ? 0 : take_global(argc, argv, &i, g);
        if (rc < 0) {
            cli_error("option '%s' needs a value", argv[i]);
            return -1;
        }
        if (!literal && !strcmp(argv[i], "--"))
            literal = true;
        if (rc == 0)
            argv[n++] = argv[i];
    }
    return n;
}

static int apply_globals(const struct globals *g)
{
    enum log_level lv;
    struct oc_err err;

    if (g->no_color)
        term_disable_color();
    if (g->log_level) {
        if (log_parse_level(g->log_level, &lv))
            return cli_error("invalid --log-level '%s' (use silent, fatal, "
                             "error, warn, info, debug or trace)",
                             g->log_level);
        log_set_level(lv);
    }
    if (g->profile && g->dev)
        return cli_error("use either --profile or --dev, not both");
    if ((g->profile || g->dev) && paths_apply_profile(g->profile, g->dev, &err))
        return cli_error("%s", oc_err_msg(&err));
    return 0;
}

static const struct cli_cmd *find_sub(const struct cli_cmd *cmd,
                                      const char *name)
{
    const struct cli_cmd *const *s;

    for (s = cmd->subs; s && *s; s++)
        if (!strcmp((*s)->name, name))
            return *s;
    return NULL;
}

/* Walk argv[*i..] down the command table while names match subcommands. */
static const struct cli_cmd *walk(const struct cli_cmd *cmd, int argc,
                                  char **argv, int *i, char *name,
                                  size_t namesz)
{
    const struct cli_cmd *sub;
    size_t len;

    name[0] = '\0';
    while (*i < argc && (sub = find_sub(cmd, argv[*i]))) {
        len = strlen(name);
        snprintf(name + len, namesz - len, "%s%s", len ? " " : "", sub->name);
        cmd = sub;
        (*i)++;
    }
    return cmd;
}

/* `openclaw help [command...]`. */
static int run_help(int argc, char **argv)
{
    struct cli_ctx ctx = {0};
    int i = 0;

    ctx.cmd =
        walk(&cli_root, argc, argv, &i, ctx.full_name, sizeof(ctx.full_name));
    if (i < argc) {
        ctx.cmd = &cli_root;
        ctx.full_name[0] = '\0';
        return cli_usage_error(&ctx, "unknown command '%s'", argv[i]);
    }
    help_print(stdout, ctx.cmd, ctx.full_name);
    return CLI_OK;
}

/* Width of an --agent option at a (2 for "--agent X", 1 for
 * "--agent=X"), else 0. */
static int agent_opt_width(const char *a)
{
    if (!strcmp(a, "--agent"))
        return 2;
    return !strncmp(a, "--agent=", 8) ? 1 : 0;
}

/*
 * `openclaw models auth --agent work order get ...`: an --agent given to
 * a command group applies to its subcommand, so move it to the end of
 * the arguments, where the subcommand's own options are parsed.
 */
static void hoist_group_agent(int argc, char **argv)
{
    const struct cli_cmd *cmd = &cli_root, *sub;
    char *moved[2];
    int i = 0, k, w;

    while (i < argc) {
        w = agent_opt_width(argv[i]);
        if (w && i + w < argc && find_sub(cmd, argv[i + w])) {
            moved[0] = argv[i];
            moved[1] = w == 2 ? argv[i + 1] : NULL;
            for (k = i; k + w < argc; k++)
                argv[k] = argv[k + w];
            for (k = 0; k < w; k++)
                argv[argc - w + k] = moved[k];
            continue;
        }
        sub = find_sub(cmd, argv[i]);
        if (!sub)
            break;
        cmd = sub;
        i++;
    }
}

static int dispatch(struct cli_ctx *ctx, int argc, char **argv,
                    const struct globals *g)
{
    int i = 0;

    if (argc > 0 && !strcmp(argv[0], "help"))
        return run_help(argc - 1, argv + 1);
    hoist_group_agent(argc, argv);
    ctx->cmd =
        walk(&cli_root, argc, argv, &i, ctx->full_name, sizeof(ctx->full_name));
    if (g->help) {
        help_print(stdout, ctx->cmd, ctx->full_name);
        return CLI_OK;
    }
    if (!ctx->cmd->run) {
        if (i < argc)
            return help_unknown_command(ctx, argv[i]);
        if (ctx->cmd == &cli_root) {
            help_print(stdout, ctx->cmd, ctx->full_name);
            return CLI_OK;
        }
        help_print(stderr, ctx->cmd, ctx->full_name);
        return CLI_USAGE;
    }
    if (cli_parse_args(ctx, argc - i, argv + i))
        /* `models status --check` reserves 2 for "expiring soon" */
        return ctx->cmd->usage_status ? ctx->cmd->usage_status : CLI_USAGE;
    return ctx->cmd->run(ctx);
}

/* jansson's strings hold keys and tokens read from the stores and the
 * config: wipe every block it frees. */
static void wiping_free(void *p)
{
    if (p) {
        secret_wipe(p, malloc_usable_size(p));
        free(p);
    }
}

int cli_main(int argc, char **argv)
{
    struct globals g = {0};
    struct cli_ctx ctx = {0};
    int n, rc;

    json_set_alloc_funcs(xmalloc, wiping_free);
    n = strip_globals(argc - 1, argv + 1, &g);
    if (n < 0)
        return CLI_USAGE;
    rc = apply_globals(&g);
    if (rc)
        return CLI_USAGE;
    if (g.version) {
        printf("OpenClaw %s (C)\n", OC_VERSION);
        return CLI_OK;
    }
    fsx_install_cleanup();
    rc = dispatch(&ctx, n, argv + 1, &g);
    report_paths = NULL;
    if (ctx.paths_ready)
        paths_release(&ctx.paths);
    fflush(stdout);
    return rc;
}
