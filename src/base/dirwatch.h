/*
 * Change counters for directories (inotify): a caller learns that a file
 * in a watched directory may have changed without a stat() per question.
 *
 * Each watched directory has a generation. Events for the files it
 * watches for (by name), and events on the directory itself (moved,
 * deleted), bump it; so does a lost event (the kernel queue overflowed),
 * for every directory. dirwatch_gen reads the events queued so far (one
 * non-blocking read) and returns the directory's generation: a caller that
 * recorded the generation before reading its files, and finds it the same
 * later, knows none of those files changed since. The kernel queues an
 * event before the write or rename that causes it returns, so a change
 * made by another process before it talks to us is always counted.
 *
 * Not every system can watch (no inotify, the per-user limit reached, a
 * directory that does not exist): the calls then say so and the caller
 * falls back to comparing file signatures.
 */
#ifndef OC_BASE_DIRWATCH_H
#define OC_BASE_DIRWATCH_H

#include <stdbool.h>
#include <stdint.h>

struct dirwatch;

/* NULL when this system cannot watch (the caller checks by other means). */
struct dirwatch *dirwatch_new(void);
void dirwatch_free(struct dirwatch *w);

/*
 * Watch dir for changes to the files named in names (NULL-terminated;
 * borrowed for the watch's life: string literals, say). Returns the
 * watch's slot (>= 0), or -1 when dir cannot be watched. A path watched
 * before keeps its slot and is looked up again (one system call): when it
 * names another directory now, or its watch had ended (the directory was
 * removed), the slot follows the path and its generation changes.
 */
int dirwatch_add(struct dirwatch *w, const char *dir, const char *const *names);

/*
 * Reads queued events, then returns the generation of slot's directory,
 * or -1 when it is not watched (any more): the caller must then check by
 * other means.
 */
int64_t dirwatch_gen(struct dirwatch *w, int slot);

#endif
