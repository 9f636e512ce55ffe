/*
 * Help output in the layout of OpenClaw's (commander's) help: usage line,
 * description, an aligned options list, an aligned commands list.
 */
#include <string.h>

#include "base/buf.h"
#include "cli/commands.h"
#include "cli/help.h"
#include "base/banned.h"

static const struct cli_opt help_opt = {"help", 'h', NULL,
                                        "Display help for command"};

static void opt_label(const struct cli_opt *o, struct buf *b)
{
    buf_reset(b);
    if (o->short_name)
        buf_addf(b, "-%c, ", o->short_name);
    buf_addf(b, "--%s", o->name);
    if (o->arg)
        buf_addf(b, " %s", o->arg);
}

static void cmd_label(const struct cli_cmd *c, struct buf *b)
{
    buf_reset(b);
    buf_addstr(b, c->name);
    if (c->subs)
        buf_addstr(b, " *");
    else if (c->args)
        buf_addf(b, " %s", c->args);
}

/* Print "  label  text" rows aligned at width. */
static void row(FILE *fp, const char *label, const char *text, size_t width)
{
    fprintf(fp, "  %-*s  %s\n", (int)width, label, text ? text : "");
}

static size_t opts_width(const struct cli_cmd *cmd, struct buf *b)
{
    const struct cli_opt *o;
    size_t w = 10;

    for (o = cmd->opts; o && o->name; o++) {
        opt_label(o, b);
        if (b->len > w)
            w = b->len;
    }
    return w;
}

static void print_opts(FILE *fp, const struct cli_cmd *cmd)
{
    const struct cli_opt *o;
    struct buf b;
    size_t w;

    buf_init(&b, 0);
    w = opts_width(cmd, &b);
    fputs("\nOptions:\n", fp);
    for (o = cmd == &cli_root ? NULL : cmd->opts; o && o->name; o++) {
        opt_label(o, &b);
        row(fp, b.p, o->help, w);
    }
    if (cmd == &cli_root) {
        for (o = cmd->opts; o && o->name; o++) {
            opt_label(o, &b);
            row(fp, b.p, o->help, w);
        }
    } else {
        opt_label(&help_opt, &b);
        row(fp, b.p, help_opt.help, w);
    }
    buf_release(&b);
}

static void print_subs(FILE *fp, const struct cli_cmd *cmd)
{
    const struct cli_cmd *const *s;
    struct buf b;
    size_t w = 10;

    buf_init(&b, 0);
    if (cmd == &cli_root)
        w = strlen("help [command]");
    for (s = cmd->subs; *s; s++) {
        cmd_label(*s, &b);
        if (b.len > w)
            w = b.len;
    }
    fputs("\nCommands:\n", fp);
    for (s = cmd->subs; *s; s++) {
        cmd_label(*s, &b);
        row(fp, b.p, (*s)->summary, w);
    }
    if (cmd == &cli_root)
        row(fp, "help [command]", "Display help for a command", w);
    buf_release(&b);
}

void help_usage_line(FILE *fp, const struct cli_cmd *cmd, const char *full_name)
{
    fprintf(fp, "Usage: openclaw%s%s [options]", *full_name ? " " : "",
            full_name);
    if (cmd->subs)
        fputs(" [command]", fp);
    else if (cmd->args)
        fprintf(fp, " %s", cmd->args);
    fputc('\n', fp);
}

void help_print(FILE *fp, const struct cli_cmd *cmd, const char *full_name)
{
    help_usage_line(fp, cmd, full_name);
    if (cmd->summary)
        fprintf(fp, "\n%s\n", cmd->summary);
    print_opts(fp, cmd);
    if (cmd->subs)
        print_subs(fp, cmd);
    if (cmd->help)
        fprintf(fp, "\n%s", cmd->help);
}

/* Edit distance, for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp;
    size_t row_[64];

    if (la >= 63 || lb >= 63)
        return 99;
    for (j = 0; j <= lb; j++)
        row_[j] = j;
    for (i = 1; i <= la; i++) {
        prev = row_[0];
        row_[0] = i;
        for (j = 1; j <= lb; j++) {
            tmp = row_[j];
            row_[j] = a[i - 1] == b[j - 1]
                          ? prev
                          : 1 + (prev < row_[j - 1]
                                     ? (prev < row_[j] ? prev : row_[j])
                                     : (row_[j - 1] < row_[j] ? row_[j - 1]
                                                              : row_[j]));
            prev = tmp;
        }
    }
    return row_[lb];
}

int help_unknown_command(const struct cli_ctx *ctx, const char *name)
{
    const struct cli_cmd *const *s;
    const char *best = NULL;
    size_t d, bestd = 3;

    for (s = ctx->cmd->subs; s && *s; s++) {
        d = distance(name, (*s)->name);
        if (d < bestd) {
            bestd = d;
            best = (*s)->name;
        }
    }
    if (best)
        return cli_usage_error(ctx,
                               "unknown command '%s' (did you mean "
                               "'%s'?)",
                               name, best);
    return cli_usage_error(ctx, "unknown command '%s'", name);
}
