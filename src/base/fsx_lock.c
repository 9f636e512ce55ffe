/*
 * OpenClaw-compatible store lock: "<file>.lock" created O_EXCL with a JSON
 * payload, stale-lock takeover, exponential backoff, re-entrancy within a
 * process. See fsx.h for the protocol. Taking over a stale lock happens
 * under flock() on the directory so two of our processes can never both
 * decide the same lock is stale and each delete the other's fresh one.
 * Tested in tests/unit/test_fsx_lock.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/log.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/str.h"
#include "base/banned.h"

const struct fsx_lock_opts fsx_lock_defaults = {
    .retries = 10,
    .min_ms = 100,
    .max_ms = 10000,
    .factor = 2,
    .randomize = true,
    .stale_ms = 30000,
};

#define HELD_MAX      16
#define TAKEOVERS_MAX 10

struct held {
    struct stat st;                   /* identity of our lock file */
    char payload[CLEANUP_EXPECT_MAX]; /* and its exact content */
    char path[PATH_MAX];
    pid_t owner;
    int refs;
    int cleanup_slot;
    bool used;
};

static struct held held[HELD_MAX];

/* What a lock file says about its holder. */
struct lock_info {
    bool exists;
    bool is_dir;
    bool has_pid;
    bool has_created;
    long pid;
    int64_t created_ms;
    int64_t mtime_ms;
};

static char *lock_path_for(const char *target, struct oc_err *err)
{
    char *dir = path_dirname(target);
    char *real = NULL, *r = NULL;

    if (fsx_mkdir_p(dir, FSX_DIR_MODE, err) == 0) {
        real = path_realpath(dir);
        if (!real)
            oc_err_errno(err, OC_EIO, "cannot resolve '%s'", dir);
    }
    if (real) {
        char *name = xasprintf("%s.lock", path_basename(target));
        r = path_join(real, name);
        free(name);
    }
    free(real);
    free(dir);
    return r;
}

/* Find `"key"` then `:` in s; return the position after the colon. */
static const char *json_field(const char *s, const char *key)
{
    char pat[64];
    const char *p;

    snprintf(pat, sizeof(pat), "\"%s\"", key);
    p = strstr(s, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static void parse_payload(const char *s, struct lock_info *li)
{
    const char *p = json_field(s, "pid");
    char created[64];
    char *end = NULL;
    size_t n;

    if (p && *p >= '0' && *p <= '9') {
        li->pid = strtol(p, &end, 10);
        li->has_pid = li->pid > 0;
    }
    p = json_field(s, "createdAt");
    if (!p || *p != '"')
        return;
    p++;
    n = strcspn(p, "\"");
    if (p[n] != '"' || n >= sizeof(created))
        return;
    memcpy(created, p, n);
    created[n] = '\0';
    li->has_created = clock_parse_iso8601(created, &li->created_ms) == 0;
}

static void read_lock_info(const char *lockpath, struct lock_info *li)
{
    char text[4096];
    struct stat st;
    ssize_t n;
    int fd;

    memset(li, 0, sizeof(*li));
    if (lstat(lockpath, &st) != 0)
        return;
    li->exists = true;
    li->is_dir = S_ISDIR(st.st_mode);
    li->mtime_ms =
        (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    if (li->is_dir)
        return;
    fd = open(lockpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return;
    text[n] = '\0';
    parse_payload(text, li);
}

static bool pid_alive(long pid)
{
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static bool lock_is_stale(const struct lock_info *li, int stale_ms)
{
    int64_t now = clock_real_wall_ms();

    if (!li->exists)
        return false;
    if (li->is_dir || !li->has_pid)
        return now - li->mtime_ms > stale_ms;
    if (!pid_alive(li->pid))
        return true;
    return !li->has_created || now - li->created_ms > stale_ms;
}

/* Remove the lock if it is (still) stale, deciding under flock(dir). */
static void take_over(const char *lockpath, int stale_ms)
{
    char *dir = path_dirname(lockpath);
    struct lock_info li;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    free(dir);
    if (dfd < 0)
        return;
    if (flock(dfd, LOCK_EX) == 0) {
        read_lock_info(lockpath, &li);
        if (lock_is_stale(&li, stale_ms)) {
            log_debug("taking over stale lock '%s' (pid %ld)", lockpath,
                      li.pid);
            if (li.is_dir)
                rmdir(lockpath);
            else
                unlink(lockpath);
        }
        flock(dfd, LOCK_UN);
    }
    close(dfd);
}

static int64_t backoff_ms(const struct fsx_lock_opts *o, int attempt)
{
    double t = o->min_ms;
    unsigned int r = 0;
    int i;

    for (i = 0; i < attempt && t < o->max_ms; i++)
        t *= o->factor;
    if (t > o->max_ms)
        t = o->max_ms;
    if (o->randomize && getrandom(&r, sizeof(r), 0) == sizeof(r))
        t *= 1.0 + (double)(r % 10000) / 10000.0;
    return (int64_t)(t + 0.5);
}

static int held_find(const char *lockpath)
{
    int i;

    for (i = 0; i < HELD_MAX; i++)
        if (held[i].used && held[i].owner == getpid() &&
            strcmp(held[i].path, lockpath) == 0)
            return i;
    return -1;
}

static int held_add(const char *lockpath, const struct stat *st,
                    const char *payload)
{
    int i;

    for (i = 0; i < HELD_MAX; i++) {
        if (held[i].used && held[i].owner == getpid())
            continue;
        held[i].used = true;
        held[i].owner = getpid();
        held[i].refs = 1;
        held[i].st = *st;
        str_copy(held[i].payload, sizeof(held[i].payload), payload);
        str_copy(held[i].path, sizeof(held[i].path), lockpath);
        held[i].cleanup_slot = cleanup_add(lockpath, payload);
        return i;
    }
    return -1;
}

/* Without hard links: renameat2(RENAME_NOREPLACE) is just as exclusive. */
static int rename_exclusive(const char *from, const char *to)
{
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
}

/* Fill a freshly created lock file with JSON.stringify({pid, createdAt},
 * null, 2) (no trailing newline); 0 or -1 (errno set). */
static int write_payload(int fd, char *text, size_t textsz)
{
    char ts[CLOCK_ISO_MAX];
    int n;

    clock_iso8601(clock_real_wall_ms(), ts, sizeof(ts));
    n = snprintf(text, textsz, "{\n  \"pid\": %ld,\n  \"createdAt\": \"%s\"\n}",
                 (long)getpid(), ts);
    return write(fd, text, (size_t)n) == n ? 0 : -1;
}

/*
 * Make the lock file appear with its payload already in it: write a temp
 * file, then link() it to the lock path (atomic, fails with EEXIST like
 * O_EXCL). A process killed at any point therefore never leaves an empty
 * lock that others must wait 30 s to take over. Falls back to O_EXCL on
 * file systems without hard links. 0 = created, 1 = exists, <0 = error.
 */
static int create_with_payload(const char *lockpath, char *payload,
                               size_t payloadsz, struct stat *st,
                               struct oc_err *err)
{
    char tmp[PATH_MAX];
    unsigned int r = 0;
    int fd, rc, saved;

    if (getrandom(&r, sizeof(r), 0) != sizeof(r))
        r = (unsigned int)clock_mono_ms();
    snprintf(tmp, sizeof(tmp), "%s.%ld.%08x.tmp", lockpath, (long)getpid(), r);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
              FSX_FILE_MODE);
    if (fd < 0)
        return oc_err_errno(err, OC_EIO, "cannot create lock '%s'", tmp);
    if (write_payload(fd, payload, payloadsz) != 0) {
        close(fd);
        unlink(tmp);
        return oc_err_errno(err, OC_EIO, "cannot write lock '%s'", tmp);
    }
    close(fd);
    rc = link(tmp, lockpath);
    if (rc != 0 && errno != EEXIST)
        rc = rename_exclusive(tmp, lockpath);
    saved = errno;
    unlink(tmp);
    if (rc != 0)
        return saved == EEXIST
                   ? 1
                   : oc_err_errno(err, OC_EIO, "cannot create lock '%s'",
                                  lockpath);
    return lstat(lockpath, st) == 0
               ? 0
               : oc_err_errno(err, OC_EIO, "cannot stat lock '%s'", lockpath);
}

/* One attempt: 1 = acquired (slot set), 0 = exists, <0 = error. */
static int try_create(const char *lockpath, int *slot, struct oc_err *err)
{
    char payload[CLEANUP_EXPECT_MAX];
    struct stat st;
    int rc = create_with_payload(lockpath, payload, sizeof(payload), &st, err);

    if (rc)
        return rc == 1 ? 0 : rc;
    *slot = held_add(lockpath, &st, payload);
    if (*slot < 0) {
        unlink(lockpath);
        return oc_err_set(err, OC_EIO, "too many locks held at once");
    }
    return 1;
}

static int locked_error(const char *lockpath, struct oc_err *err)
{
    struct lock_info li;
    char ts[CLOCK_ISO_MAX] = "an unknown time";

    read_lock_info(lockpath, &li);
    if (li.has_created)
        clock_iso8601(li.created_ms, ts, sizeof(ts));
    if (li.has_pid)
        return oc_err_set(err, OC_ELOCKED,
                          "timed out waiting for lock '%s' held by pid %ld "
                          "since %s; if that process is gone, delete the "
                          "lock file",
                          lockpath, li.pid, ts);
    return oc_err_set(err, OC_ELOCKED,
                      "timed out waiting for lock '%s'; if no openclaw "
                      "process is running, delete the lock file",
                      lockpath);
}

static int acquire_loop(const char *lockpath, const struct fsx_lock_opts *o,
                        int *slot, struct oc_err *err)
{
    struct lock_info li;
    int attempt = 0, takeovers = 0, rc;

    for (;;) {
        rc = try_create(lockpath, slot, err);
        if (rc != 0)
            return rc < 0 ? rc : 0;
        read_lock_info(lockpath, &li);
        if (lock_is_stale(&li, o->stale_ms) && takeovers < TAKEOVERS_MAX) {
            takeovers++;
            take_over(lockpath, o->stale_ms);
            continue;
        }
        if (attempt >= o->retries)
            return locked_error(lockpath, err);
        clock_sleep_ms(backoff_ms(o, attempt));
        attempt++;
    }
}

int fsx_lock_acquire(struct fsx_lock *lk, const char *target,
                     const struct fsx_lock_opts *opts, struct oc_err *err)
{
    char *lockpath;
    int rc, slot = -1;

    lk->slot = -1;
    lockpath = lock_path_for(target, err);
    if (!lockpath)
        return OC_EIO;
    slot = held_find(lockpath);
    if (slot >= 0) {
        held[slot].refs++;
        lk->slot = slot;
        free(lockpath);
        return 0;
    }
    rc = acquire_loop(lockpath, opts ? opts : &fsx_lock_defaults, &slot, err);
    if (!rc)
        lk->slot = slot;
    free(lockpath);
    return rc;
}

void fsx_lock_release(struct fsx_lock *lk)
{
    struct held *h;

    if (!lk || lk->slot < 0 || lk->slot >= HELD_MAX)
        return;
    h = &held[lk->slot];
    lk->slot = -1;
    if (!h->used || h->owner != getpid() || --h->refs > 0)
        return;
    if (cleanup_same_file(h->path, &h->st, h->payload))
        unlink(h->path);
    else
        log_warn("lock '%s' was taken over by another process while held",
                 h->path);
    cleanup_remove(h->cleanup_slot);
    h->used = false;
}
