/*
 * Help text generated from the command table.
 */
#ifndef OC_CLI_HELP_H
#define OC_CLI_HELP_H

#include <stdio.h>

#include "cli/cmd.h"

/* Full help for cmd ("Usage: ...", description, options, subcommands). */
void help_print(FILE *fp, const struct cli_cmd *cmd, const char *full_name);
/* Just "Usage: openclaw <full_name> [options] <args>". */
void help_usage_line(FILE *fp, const struct cli_cmd *cmd,
                     const char *full_name);
/* "unknown command 'x'" (with a did-you-mean); returns CLI_USAGE. */
int help_unknown_command(const struct cli_ctx *ctx, const char *name);

#endif
