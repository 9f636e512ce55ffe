/*
 * Option and positional parsing for one command, driven by its declared
 * options: --name, --name value, --name=value, -x value, "--" ends
 * options, "-" and negative numbers are positionals.
 * Tested in tests/unit/test_cli.c.
 */
#include <ctype.h>
#include <string.h>

#include "cli/commands.h"
#include "base/banned.h"

/* Index of the option matching token (without dashes), or -1. */
static int find_opt(const struct cli_cmd *cmd, const char *name, size_t len,
                    char short_name)
{
    const struct cli_opt *o;
    int i;

    for (i = 0, o = cmd->opts; o && o->name; o++, i++) {
        if (short_name && o->short_name == short_name)
            return i;
        if (!short_name && strlen(o->name) == len &&
            !strncmp(o->name, name, len))
            return i;
    }
    return -1;
}

static bool is_positional(const char *a)
{
    return a[0] != '-' || a[1] == '\0' || isdigit((unsigned char)a[1]);
}

/* Parse the option at argv[*i]; 0 or CLI_USAGE. */
static int take_opt(struct cli_ctx *ctx, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *eq = NULL, *name;
    size_t len;
    int k;

    if (a[1] == '-') {
        name = a + 2;
        eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        k = find_opt(ctx->cmd, name, len, 0);
    } else {
        k = a[2] ? -1 : find_opt(ctx->cmd, NULL, 0, a[1]);
    }
    if (k < 0)
        return cli_usage_error(ctx, "unknown option '%s'", a);
    if (!ctx->cmd->opts[k].arg) {
        if (eq)
            return cli_usage_error(ctx, "option '--%s' does not take a value",
                                   ctx->cmd->opts[k].name);
        ctx->values[k] = "";
        return 0;
    }
    if (eq) {
        ctx->values[k] = eq + 1;
        ctx->mem[k] = argv[*i] + (eq + 1 - a);
        return 0;
    }
    if (*i + 1 >= argc)
        return cli_usage_error(ctx, "option '%s' needs a value %s", a,
                               ctx->cmd->opts[k].arg);
    ctx->values[k] = argv[++*i];
    ctx->mem[k] = argv[*i];
    return 0;
}

static int check_count(struct cli_ctx *ctx)
{
    if (ctx->argc < ctx->cmd->min_args)
        return cli_usage_error(ctx, "missing argument (expected %s)",
                               ctx->cmd->args ? ctx->cmd->args : "more");
    if (ctx->cmd->max_args >= 0 && ctx->argc > ctx->cmd->max_args)
        return cli_usage_error(ctx, "unexpected argument '%s'",
                               ctx->argv[ctx->cmd->max_args]);
    return 0;
}

int cli_parse_args(struct cli_ctx *ctx, int argc, char **argv)
{
    bool literal = false;
    int i, n = 0;

    for (i = 0; i < argc; i++) {
        if (!literal && !strcmp(argv[i], "--")) {
            literal = true;
            continue;
        }
        if (literal || is_positional(argv[i])) {
            argv[n++] = argv[i];
            continue;
        }
        if (take_opt(ctx, argc, argv, &i))
            return CLI_USAGE;
    }
    ctx->argc = n;
    ctx->argv = argv;
    return check_count(ctx);
}
