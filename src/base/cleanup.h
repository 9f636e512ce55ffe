/*
 * Files to delete if the process exits or dies by a signal before it
 * removes them itself: temp files of an atomic write and held lock files.
 * Each entry remembers the inode it was registered with, so a path that was
 * since replaced by someone else's file is left alone. Entries belong to
 * the process that registered them (a forked child never deletes its
 * parent's files).
 */
#ifndef OC_BASE_CLEANUP_H
#define OC_BASE_CLEANUP_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#define CLEANUP_EXPECT_MAX 160

/*
 * Register an existing file; returns a slot, or -1 if the table is full.
 * When expect is not NULL the file's content must also equal it for the
 * file to count as ours (locks: a deleted file's inode number is often
 * reused at once by the next file created there, even with the same
 * coarse timestamps, so device+inode alone cannot tell our lock from one
 * another process created after taking ours over).
 */
int cleanup_add(const char *path, const char *expect);

/*
 * Is path still the file st describes (device and inode), holding exactly
 * expect when expect is not NULL? Async-signal-safe.
 */
bool cleanup_same_file(const char *path, const struct stat *st,
                       const char *expect);
/* Forget a slot (the caller has deleted or committed the file). */
void cleanup_remove(int slot);
/* A child process group to SIGKILL if we exit or die first; returns a
 * slot for cleanup_remove_group, or -1 if the table is full. */
int cleanup_add_group(pid_t pgid);
void cleanup_remove_group(int slot);

/* Delete every file still registered by this process. */
void cleanup_run(void);
/*
 * Signal handlers and atexit; idempotent. On a fatal signal whose
 * previous disposition was the default, clean up and re-raise; when
 * someone else had installed a handler, leave the decision (and the
 * files) to it: the process may carry on.
 */
void cleanup_install(void);

#endif
