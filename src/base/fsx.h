/*
 * File-system operations that must never lose or tear data.
 *
 * Atomic write (git's lockfile idea plus durability): the bytes go to a
 * temp file created O_EXCL|O_NOFOLLOW in the target's directory, mode 0600,
 * fsync'd, renamed over the target, then the directory is fsync'd. A reader
 * sees the old file or the new one, never a mix, whatever kills the writer.
 * Missing parent directories are created 0700. A target that is a symlink
 * is followed to its final file (the link stays), as OpenClaw does.
 *
 * Lock (OpenClaw's own protocol, src/plugin-sdk/file-lock.ts, so our CLI,
 * our gateway and a TypeScript OpenClaw exclude each other): "<file>.lock"
 * created O_EXCL holding {"pid": N, "createdAt": "<ISO>"}. It is stale when
 * that pid is dead, when createdAt is older than stale_ms (30 s), or, with
 * no readable payload, when the file's mtime is; a directory at that path
 * (the older proper-lockfile protocol) counts as held until its mtime is
 * stale. Acquisition retries with exponential backoff (100 ms doubling,
 * capped at 10 s, jittered, 11 attempts). Locks are re-entrant within a
 * process and released on every exit path, including signals.
 */
#ifndef OC_BASE_FSX_H
#define OC_BASE_FSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"

#define FSX_FILE_MODE 0600
#define FSX_DIR_MODE  0700

/*
 * What a file looked like when it was read: identity, size and times
 * (nanoseconds). A replaced file (new inode) or a write that changed its
 * size or times no longer matches. exists false: it was not there.
 */
struct fsx_sig {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
};
void fsx_sig_of(const char *path, struct fsx_sig *out);
bool fsx_sig_same(const struct fsx_sig *a, const struct fsx_sig *b);
/*
 * Was the file last changed long enough before now_ms (real wall clock)
 * that a change from now on must show in its times? Within one timestamp
 * tick of the last change, a rewrite in place to the same size leaves the
 * signature as it is (git's "racy" files). Ticks are taken as 50 ms, or
 * 2 s on a file system whose times have no sub-second part. A file that
 * does not exist is settled.
 */
bool fsx_sig_settled(const struct fsx_sig *s, int64_t now_ms);

/*
 * Read a whole regular file into out (an initialised, empty buf). Fails
 * with OC_ENOENT when it does not exist, OC_ETOOBIG when larger than max,
 * OC_EIO otherwise; on failure out stays empty.
 */
int fsx_read_file(const char *path, size_t max, struct buf *out,
                  struct oc_err *err);
/* The same, and sig: the file as it was opened (before the read), or
 * not there (OC_ENOENT). */
int fsx_read_file_sig(const char *path, size_t max, struct buf *out,
                      struct fsx_sig *sig, struct oc_err *err);

/* Create dir and missing parents with mode (existing ones untouched). */
int fsx_mkdir_p(const char *dir, mode_t mode, struct oc_err *err);

/* Atomically replace path with data[0..n), mode 0600 (see above). */
int fsx_write_atomic(const char *path, const void *data, size_t n,
                     struct oc_err *err);

/* Follow a symlink chain to the file a write should replace; caller frees. */
int fsx_resolve_write_target(const char *path, char **out, struct oc_err *err);

bool fsx_exists(const char *path);
bool fsx_is_dir(const char *path);

struct fsx_lock_opts {
    int retries;    /* attempts = retries + 1 */
    int min_ms;     /* first backoff */
    int max_ms;     /* backoff cap */
    int factor;     /* backoff multiplier */
    bool randomize; /* multiply each wait by 1 + [0, 1) */
    int stale_ms;   /* age after which a lock is taken over */
};

/* OpenClaw's AUTH_STORE_LOCK_OPTIONS. */
extern const struct fsx_lock_opts fsx_lock_defaults;

struct fsx_lock {
    int slot; /* index in the process's table of held locks, -1 if none */
};

#define FSX_LOCK_INIT                                                          \
    {                                                                          \
        -1                                                                     \
    }

/*
 * Take the lock for target (the lock file is "<realpath(dir)>/<base>.lock";
 * dir is created 0700 if missing). opts NULL means fsx_lock_defaults.
 * 0 on success, OC_ELOCKED after the last attempt (err names the holder),
 * OC_EIO on other failures.
 */
int fsx_lock_acquire(struct fsx_lock *lk, const char *target,
                     const struct fsx_lock_opts *opts, struct oc_err *err);

/* Release (a no-op for an unheld lock); deletes the file only if ours. */
void fsx_lock_release(struct fsx_lock *lk);

/*
 * Install SIGINT/SIGTERM/SIGHUP/SIGQUIT handlers that delete our temp files
 * and held locks, then chain to the previous handler or re-raise. Also
 * registers an atexit cleanup. Called once by the CLI; the daemon manages
 * its own signals and releases locks on its shutdown path.
 */
void fsx_install_cleanup(void);

#endif
