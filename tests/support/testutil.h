/*
 * Helpers shared by the unit tests: a private temp directory per test,
 * whole-file read/write, recursive removal, JSON written in tables, and
 * the split property of incremental parsers.
 */
#ifndef OC_TESTS_TESTUTIL_H
#define OC_TESTS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>

#include "config/paths.h"

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

/* A throwaway OpenClaw home: root (a tu_mkdtemp dir, also the home),
 * state = root/state, dir = the main agent's dir state/agents/main/agent
 * (not created), paths pointing at them; OPENCLAW_OAUTH_DIR unset. */
struct tu_home {
    char *root, *state, *dir;
    struct oc_paths paths;
};
void tu_home_init(struct tu_home *h);
/* Remove the tree and free the strings. */
void tu_home_release(struct tu_home *h);

/* A copy of s with every ' turned into " (NULL stays NULL): JSON written
 * in a C table. */
char *tu_dq(const char *s);
/* Parse JSON written in a table with ' for " (any value); NULL stays
 * NULL; bad JSON fails the test. */
json_t *tu_jq(const char *s);
/* Fail naming name and what unless got equals want (both NULL is equal). */
void tu_str_is(const char *name, const char *what, const char *got,
               const char *want);
/* Fail naming what and key unless got equals want (a JSON null want:
 * got must be absent). */
void tu_same_json(const char *what, const char *key, const json_t *got,
                  const json_t *want);

/*
 * The split property of an incremental parser: where the input's n bytes
 * are cut never changes the outcome. feed(arg, cuts, ncuts) feeds the
 * input in pieces ending at cuts[0..ncuts) (then the rest) and returns
 * the outcome as text (malloc'd). Fails, naming the case and the cut,
 * unless every single cut 0..n and a byte-by-byte feed with an empty
 * feed after each byte give the text of the unsplit feed.
 */
typedef char *(*tu_feed_fn)(const void *arg, const size_t *cuts, size_t ncuts);
void tu_check_splits(const char *name, size_t n, tu_feed_fn feed,
                     const void *arg);

#endif
