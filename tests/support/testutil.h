/*
 * Helpers shared by the unit tests: a private temp directory per test,
 * whole-file read/write, and recursive removal.
 */
#ifndef OC_TESTS_TESTUTIL_H
#define OC_TESTS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* mkdtemp under $TMPDIR (or /tmp); caller frees and tu_rmrf's it. */
char *tu_mkdtemp(void);
/* rm -rf path (refuses paths outside the temp dir root). */
void tu_rmrf(const char *path);
/* Write s to dir/name (mode 0600); returns the full path (caller frees). */
char *tu_write(const char *dir, const char *name, const char *s);
/* Read a whole file; NULL if missing. Caller frees. */
char *tu_read(const char *path);
/* File mode bits (& 07777), or -1. */
int tu_mode(const char *path);

#endif
