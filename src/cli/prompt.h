/*
 * Questions on a terminal: no-echo secrets, numbered menus, yes/no,
 * free text. Prompts go to stderr so stdout stays clean for output. Every
 * question a command asks has a flag or stdin equivalent, so nothing here
 * is needed in CI (tests drive it through a pseudo-terminal).
 */
#ifndef OC_CLI_PROMPT_H
#define OC_CLI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

/* Both stdin and stderr are terminals. */
bool prompt_interactive(void);

/* A line typed with echo off (the terminal is restored on every path,
 * Ctrl-C included). NULL at end of input. Caller wipes and frees. */
char *prompt_secret(const char *question);

/* A line of text; dflt (may be NULL) when the answer is empty. NULL at
 * end of input. Caller frees. */
char *prompt_line(const char *question, const char *dflt);

/* A line from stdin without its line end (LF or CRLF); NULL at the end of
 * input. Caller frees. */
char *prompt_read_line(void);

/* "1) ..." menu; the 0-based choice, dflt on an empty answer, -1 at end
 * of input. Re-asks on a bad answer. */
int prompt_menu(const char *question, const char *const *items, int n,
                int dflt);

/* [Y/n] or [y/N]; 1 yes, 0 no, -1 at end of input. */
int prompt_confirm(const char *question, bool dflt);

/* All of stdin (for secrets piped in), at most max bytes; NULL when it is
 * empty, or too large (*too_big set). Caller wipes and frees. */
char *read_stdin_secret(size_t max, bool *too_big);

/* Longest secret line a prompt keeps. */
#define SECRET_LINE_MAX 65536

#endif
