/*
 * A locked read-modify-write of openclaw.json, shared by every command
 * that changes the config (config set/unset, models set, the auth
 * commands, onboarding, agents): take the config lock, load the file
 * (refusing one that cannot be parsed), let the caller edit cfg->raw,
 * refuse the result if it adds a problem the file did not have, write it
 * atomically with a backup, release the lock.
 */
#ifndef OC_CLI_CONFIG_EDIT_H
#define OC_CLI_CONFIG_EDIT_H

#include <stdbool.h>

#include "cli/cmd.h"
#include "config/config.h"

/* What apply returns when there is nothing to write. */
#define CLI_EDIT_UNCHANGED 100

/*
 * apply edits cfg->raw (never NULL: {} for a new file) and returns 0 to
 * write, CLI_EDIT_UNCHANGED (no write), or CLI_FAIL after printing why. With
 * dry_run nothing is written. On a write, *res describes it (release it with
 * config_write_result_release). Returns CLI_OK, or CLI_FAIL after reporting the
 * problem.
 */
int cli_config_edit(struct cli_ctx *ctx,
                    int (*apply)(struct config *cfg, void *arg), void *arg,
                    bool dry_run, struct config_write_result *res);

/* The standard report of a write: "Updated <config path>" (and, when
 * comments were dropped, a warning naming the backup). */
void cli_report_config_written(struct cli_ctx *ctx,
                               const struct config_write_result *res);

#endif
