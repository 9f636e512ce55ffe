/*
 * Running an interactive program (claude setup-token) in a
 * pseudo-terminal: the user's keystrokes go to it, its output goes to the
 * user's terminal, and everything it printed is kept so we can find what
 * it produced. The user's terminal is put in raw mode for the duration
 * and restored on every path.
 */
#ifndef OC_CLI_PTYRUN_H
#define OC_CLI_PTYRUN_H

#include "base/buf.h"

/*
 * Run argv (argv[0] looked up in PATH) in a pty the size of ours. The
 * output is appended to out (capped by out->max; more is still shown,
 * just not kept). Returns the exit status (0-255), 128+signal, or -1 when
 * it could not be started (errno set).
 */
int ptyrun(char *const argv[], struct buf *out);

/*
 * Find the last token starting with prefix in a terminal transcript:
 * escape sequences are removed, and a token the program wrapped over
 * several lines of a width-column terminal is joined. Returns a new
 * string, or NULL. Caller wipes and frees.
 */
char *ptyrun_find_token(const char *text, size_t n, const char *prefix,
                        size_t width);

/* Columns of our terminal (80 when unknown). */
size_t ptyrun_width(void);

#endif
