/*
 * Reading chat input a line at a time: libedit (history, editing) on a
 * terminal, loaded with dlopen so commands other than `chat` do not pay
 * for it at start; plain lines from stdin otherwise (scripts, tests). A
 * Ctrl-C at the prompt abandons the line being typed.
 */
#ifndef OC_CLI_LINEEDIT_H
#define OC_CLI_LINEEDIT_H

#include <stdbool.h>

struct lineedit;

/* prompt is shown on a terminal; history_file (may be NULL) is loaded and
 * kept (0600, the last 1000 lines). */
struct lineedit *lineedit_new(const char *prompt, const char *history_file);
void lineedit_free(struct lineedit *le);

/*
 * The next line without its newline (caller frees), or NULL at end of
 * input. *interrupted is set when Ctrl-C abandoned the line (NULL is then
 * returned and reading may go on).
 */
char *lineedit_read(struct lineedit *le, bool *interrupted);

/* Remember a line in the history. */
void lineedit_remember(struct lineedit *le, const char *line);

#endif
