/*
 * Reading files with a cap, creating private directories, and atomic
 * replacement (see fsx.h). The lock lives in fsx_lock.c.
 * Tested in tests/unit/test_fsx.c and tests/integration/test_crash_safety.sh.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fsx.h"
#include "base/log.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

bool fsx_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

bool fsx_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int read_fd(int fd, const char *path, size_t max, struct buf *out,
                   struct oc_err *err)
{
    char chunk[16384];
    ssize_t n;

    for (;;) {
        n = read(fd, chunk, sizeof(chunk));
        if (n == 0)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return oc_err_errno(err, OC_EIO, "cannot read '%s'", path);
        if (buf_add(out, chunk, (size_t)n))
            return oc_err_set(err, OC_ETOOBIG,
                              "'%s' is larger than the %zu-byte limit", path,
                              max);
    }
}

static void sig_set(struct fsx_sig *out, const struct stat *st)
{
    out->exists = true;
    out->dev = st->st_dev;
    out->ino = st->st_ino;
    out->size = st->st_size;
    out->mtime = st->st_mtim;
    out->ctime = st->st_ctim;
}

void fsx_sig_of(const char *path, struct fsx_sig *out)
{
    struct stat st;

    memset(out, 0, sizeof(*out));
    if (stat(path, &st) == 0)
        sig_set(out, &st);
}

static bool same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

bool fsx_sig_same(const struct fsx_sig *a, const struct fsx_sig *b)
{
    if (a->exists != b->exists)
        return false;
    return !a->exists ||
           (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
            same_time(a->mtime, b->mtime) && same_time(a->ctime, b->ctime));
}

static int64_t ts_ms(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool fsx_sig_settled(const struct fsx_sig *s, int64_t now_ms)
{
    int64_t m = ts_ms(s->mtime), c = ts_ms(s->ctime), tick;

    if (!s->exists)
        return true;
    tick = s->mtime.tv_nsec == 0 && s->ctime.tv_nsec == 0 ? 2000 : 50;
    return now_ms - (m > c ? m : c) > tick;
}

int fsx_read_file(const char *path, size_t max, struct buf *out,
                  struct oc_err *err)
{
    return fsx_read_file_sig(path, max, out, NULL, err);
}

int fsx_read_file_sig(const char *path, size_t max, struct buf *out,
                      struct fsx_sig *sig, struct oc_err *err)
{
    struct stat st;
    int fd, rc;

    if (sig)
        memset(sig, 0, sizeof(*sig));
    /* O_NONBLOCK: a FIFO planted at the path must not hang us. */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return oc_err_errno(err, errno == ENOENT ? OC_ENOENT : OC_EIO,
                            "cannot open '%s'", path);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return oc_err_set(err, OC_EIO, "'%s' is not a regular file", path);
    }
    if (sig)
        sig_set(sig, &st);
    /* O_NONBLOCK stays: it has no effect on a regular file's reads
     * (open(2)), and clearing it costs two system calls a read. */
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return oc_err_set(err, OC_ETOOBIG,
                          "'%s' is larger than the %zu-byte limit", path, max);
    }
    out->max = max;
    rc = read_fd(fd, path, max, out, err);
    close(fd);
    if (rc)
        buf_release(out);
    return rc;
}

static int mkdir_one(const char *dir, mode_t mode, struct oc_err *err)
{
    if (mkdir(dir, mode) == 0 || (errno == EEXIST && fsx_is_dir(dir)))
        return 0;
    if (errno == EEXIST)
        return oc_err_set(err, OC_EIO, "'%s' exists and is not a directory",
                          dir);
    return oc_err_errno(err, OC_EIO, "cannot create directory '%s'", dir);
}

int fsx_mkdir_p(const char *dir, mode_t mode, struct oc_err *err)
{
    char *copy;
    char *p;
    int rc = 0;

    if (fsx_is_dir(dir))
        return 0;
    copy = xstrdup(dir);
    for (p = copy + 1; *p && !rc; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        rc = mkdir_one(copy, mode, err);
        *p = '/';
    }
    if (!rc)
        rc = mkdir_one(copy, mode, err);
    free(copy);
    return rc;
}

int fsx_resolve_write_target(const char *path, char **out, struct oc_err *err)
{
    char *cur = xstrdup(path);
    char link[PATH_MAX];
    struct stat st;
    ssize_t n;
    int depth;

    for (depth = 0; depth < 40; depth++) {
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            *out = cur;
            return 0;
        }
        n = readlink(cur, link, sizeof(link) - 1);
        if (n < 0) {
            oc_err_errno(err, OC_EIO, "cannot read symlink '%s'", cur);
            free(cur);
            return OC_EIO;
        }
        link[n] = '\0';
        if (link[0] != '/') {
            char *dir = path_dirname(cur);
            free(cur);
            cur = path_join(dir, link);
            free(dir);
        } else {
            free(cur);
            cur = xstrdup(link);
        }
    }
    free(cur);
    return oc_err_set(err, OC_EIO, "too many symlink levels resolving '%s'",
                      path);
}

static int write_all(int fd, const char *p, size_t n)
{
    ssize_t w;

    while (n) {
        w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Create "<base>.<pid>.<random>.tmp" next to the target, O_EXCL. */
static int open_temp(int dirfd, const char *base, char *name, size_t namesz)
{
    uint64_t r;
    int fd, tries;

    for (tries = 0; tries < 8; tries++) {
        if (getrandom(&r, sizeof(r), 0) != sizeof(r))
            r = (uint64_t)getpid() * 2654435761u + (uint64_t)tries;
        snprintf(name, namesz, "%s.%ld.%016llx.tmp", base, (long)getpid(),
                 (unsigned long long)r);
        fd = openat(dirfd, name,
                    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                    FSX_FILE_MODE);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

struct atomic_ctx {
    const char *target;
    char *dir;
    const char *base;
    int dirfd;
    char tmp[NAME_MAX + 1];
    char tmp_path[PATH_MAX];
    int slot;
};

/* Write, flush and rename; on failure the temp file is left for the caller
 * to remove. */
static int write_and_rename(struct atomic_ctx *c, const void *data, size_t n,
                            struct oc_err *err)
{
    int fd = open_temp(c->dirfd, c->base, c->tmp, sizeof(c->tmp));

    if (fd < 0)
        return oc_err_errno(err, OC_EIO, "cannot create a temp file in '%s'",
                            c->dir);
    snprintf(c->tmp_path, sizeof(c->tmp_path), "%s/%s", c->dir, c->tmp);
    c->slot = cleanup_add(c->tmp_path, NULL);
    if (fchmod(fd, FSX_FILE_MODE) != 0 || write_all(fd, data, n) != 0 ||
        fsync(fd) != 0) {
        oc_err_errno(err, OC_EIO, "cannot write '%s'", c->tmp_path);
        close(fd);
        return OC_EIO;
    }
    if (close(fd) != 0)
        return oc_err_errno(err, OC_EIO, "cannot write '%s'", c->tmp_path);
    if (renameat(c->dirfd, c->tmp, c->dirfd, c->base) != 0)
        return oc_err_errno(err, OC_EIO, "cannot replace '%s'", c->target);
    c->tmp[0] = '\0';
    return 0;
}

#define SWEEP_AGE_S 120

/* n hex digits at p followed by ".tmp" and the end of the name. */
static bool hex_tail(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isxdigit((unsigned char)p[i]))
            return false;
    return !strcmp(p + n, ".tmp");
}

/*
 * Is name one of our temp files ("<base>.<pid>.<16 hex>.tmp", or a lock's
 * "<base>.lock.<pid>.<8 hex>.tmp") from a process that is gone? Other
 * programs' temp files are never touched, and ours only once they are
 * old enough that a writer in another pid namespace (whose live pid we
 * cannot see) has long finished.
 */
static bool dead_temp(int dirfd, const char *name, const char *base)
{
    size_t lb = strlen(base), digits = 16;
    const char *p = name + lb + 1;
    char *end = NULL;
    struct stat st;
    long pid;

    if (strncmp(name, base, lb) != 0 || name[lb] != '.')
        return false;
    if (!strncmp(p, "lock.", 5)) {
        p += 5;
        digits = 8;
    }
    pid = strtol(p, &end, 10);
    if (end == p || *end != '.' || pid <= 0 || !hex_tail(end + 1, digits))
        return false;
    if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
        return false;
    return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           time(NULL) - st.st_mtime > SWEEP_AGE_S;
}

/*
 * Remove temp files of writers that were killed (SIGKILL is the only way
 * to leave one behind), so repeated crashes never litter the state dir.
 */
static void sweep_dead_temps(int dirfd, const char *base)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d)))
        if (dead_temp(dirfd, e->d_name, base))
            unlinkat(dirfd, e->d_name, 0);
    closedir(d);
}

int fsx_write_atomic(const char *path, const void *data, size_t n,
                     struct oc_err *err)
{
    struct atomic_ctx c = {.dirfd = -1, .slot = -1};
    char *target = NULL;
    int rc;

    rc = fsx_resolve_write_target(path, &target, err);
    if (rc)
        return rc;
    c.target = target;
    c.dir = path_dirname(target);
    c.base = path_basename(target);
    rc = fsx_mkdir_p(c.dir, FSX_DIR_MODE, err);
    if (rc)
        goto out;
    c.dirfd = open(c.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c.dirfd < 0) {
        rc = oc_err_errno(err, OC_EIO, "cannot open directory '%s'", c.dir);
        goto out;
    }
    rc = write_and_rename(&c, data, n, err);
    if (!rc && fsync(c.dirfd) != 0)
        log_warn("cannot sync directory '%s': %s", c.dir, strerror(errno));
    if (!rc)
        sweep_dead_temps(c.dirfd, c.base);
out:
    if (c.tmp[0])
        unlinkat(c.dirfd, c.tmp, 0);
    cleanup_remove(c.slot);
    if (c.dirfd >= 0)
        close(c.dirfd);
    free(c.dir);
    free(target);
    return rc;
}

void fsx_install_cleanup(void)
{
    cleanup_install();
}
