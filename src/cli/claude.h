/*
 * Running Claude Code's `claude setup-token` for the user (models auth
 * setup-token, onboarding): it needs a terminal and `claude` on PATH; it
 * runs in a pseudo-terminal so the user can sign in, and the token it
 * prints is picked out of its output.
 */
#ifndef OC_CLI_CLAUDE_H
#define OC_CLI_CLAUDE_H

#include <stdbool.h>

/* Can setup-token run for provider here? CLI_OK, or CLI_FAIL after saying
 * why and what to do instead. */
int cli_claude_check(const char *provider);

/* Is `claude` on PATH? */
bool cli_claude_installed(void);

/* Run `claude setup-token`; the token it printed, else one the user
 * pastes; NULL after reporting. Caller wipes and frees. */
char *cli_claude_setup_token(void);

#endif
