/*
 * The OpenClaw-compatible store lock: mutual exclusion between processes,
 * stale takeover (dead pid, old createdAt, no payload, legacy directory
 * lock), timeouts that name the holder, re-entrancy, and never deleting a
 * lock that is no longer ours.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"

static const struct fsx_lock_opts fast = {
    .retries = 2000,
    .min_ms = 1,
    .max_ms = 5,
    .factor = 2,
    .randomize = true,
    .stale_ms = 30000,
};
static const struct fsx_lock_opts impatient = {
    .retries = 2,
    .min_ms = 5,
    .max_ms = 10,
    .factor = 2,
    .randomize = false,
    .stale_ms = 30000,
};

struct fixture {
    char *dir;
    char *target;
    char *lockpath;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));

    f->dir = tu_mkdtemp();
    f->target = path_join(f->dir, "auth-profiles.json");
    f->lockpath = path_join(f->dir, "auth-profiles.json.lock");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    tu_rmrf(f->dir);
    free(f->dir);
    free(f->target);
    free(f->lockpath);
    free(f);
    return 0;
}

static void write_lock(const char *lockpath, long pid, int64_t created_ms)
{
    char ts[CLOCK_ISO_MAX];
    FILE *fp = fopen(lockpath, "w");

    clock_iso8601(created_ms, ts, sizeof(ts));
    fprintf(fp, "{\n  \"pid\": %ld,\n  \"createdAt\": \"%s\"\n}", pid, ts);
    fclose(fp);
}

static void test_payload_format(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;
    char *text, want[64];

    assert_int_equal(fsx_lock_acquire(&lk, f->target, &fast, NULL), 0);
    text = tu_read(f->lockpath);
    snprintf(want, sizeof(want), "{\n  \"pid\": %ld,\n  \"createdAt\": \"",
             (long)getpid());
    assert_non_null(text);
    assert_true(strncmp(text, want, strlen(want)) == 0);
    assert_true(text[strlen(text) - 1] == '}'); /* no trailing newline */
    assert_int_equal(tu_mode(f->lockpath), 0600);
    free(text);
    fsx_lock_release(&lk);
    assert_false(fsx_exists(f->lockpath));
}

/* Each child does a slow read-modify-write of a counter under the lock;
 * any overlap loses an increment. */
static void counter_child(const char *target, const char *counter)
{
    struct fsx_lock lk = FSX_LOCK_INIT;
    int i;

    for (i = 0; i < 25; i++) {
        char *s;
        long v;
        FILE *fp;
        if (fsx_lock_acquire(&lk, target, &fast, NULL) != 0)
            _exit(3);
        s = tu_read(counter);
        v = s ? strtol(s, NULL, 10) : 0;
        free(s);
        usleep(300);
        fp = fopen(counter, "w");
        fprintf(fp, "%ld", v + 1);
        fclose(fp);
        fsx_lock_release(&lk);
    }
    _exit(0);
}

static void test_processes_exclude_each_other(void **state)
{
    struct fixture *f = *state;
    char *counter = path_join(f->dir, "counter");
    pid_t pids[4];
    int i, status;
    char *s;

    for (i = 0; i < 4; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            counter_child(f->target, counter);
    }
    for (i = 0; i < 4; i++) {
        waitpid(pids[i], &status, 0);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    s = tu_read(counter);
    assert_string_equal(s, "100");
    assert_false(fsx_exists(f->lockpath));
    free(s);
    free(counter);
}

static void test_dead_pid_is_taken_over(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;
    int64_t t0;
    pid_t dead = fork();
    int status;

    if (dead == 0)
        _exit(0);
    waitpid(dead, &status, 0);
    write_lock(f->lockpath, dead, clock_wall_ms());
    t0 = clock_mono_ms();
    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL), 0);
    assert_true(clock_mono_ms() - t0 < 1000);
    fsx_lock_release(&lk);
}

static void test_old_lock_is_taken_over(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;

    /* pid 1 is alive; the lock is 40 s old (stale after 30 s). */
    write_lock(f->lockpath, 1, clock_wall_ms() - 40000);
    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL), 0);
    fsx_lock_release(&lk);
}

static void test_live_lock_times_out_naming_holder(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;
    struct oc_err err;
    char *before, *after;

    write_lock(f->lockpath, 1, clock_wall_ms());
    before = tu_read(f->lockpath);
    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, &err),
                     OC_ELOCKED);
    assert_non_null(strstr(err.msg, "held by pid 1"));
    assert_non_null(strstr(err.msg, "auth-profiles.json.lock"));
    after = tu_read(f->lockpath);
    assert_string_equal(before, after); /* left alone */
    fsx_lock_release(&lk);              /* unheld: no-op */
    assert_true(fsx_exists(f->lockpath));
    free(before);
    free(after);
}

static void set_mtime_ago(const char *p, int secs)
{
    struct timespec ts[2];

    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= secs;
    ts[1] = ts[0];
    utimensat(AT_FDCWD, p, ts, 0);
}

static void test_payloadless_lock_uses_mtime(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;
    char *p = tu_write(f->dir, "auth-profiles.json.lock", "");

    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL),
                     OC_ELOCKED);
    set_mtime_ago(p, 60);
    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL), 0);
    fsx_lock_release(&lk);
    free(p);
}

static void test_directory_lock_is_respected(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;

    assert_int_equal(mkdir(f->lockpath, 0700), 0);
    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL),
                     OC_ELOCKED);
    set_mtime_ago(f->lockpath, 60);
    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL), 0);
    assert_false(fsx_is_dir(f->lockpath));
    fsx_lock_release(&lk);
}

static void test_reentrant(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock a = FSX_LOCK_INIT, b = FSX_LOCK_INIT;

    assert_int_equal(fsx_lock_acquire(&a, f->target, &impatient, NULL), 0);
    assert_int_equal(fsx_lock_acquire(&b, f->target, &impatient, NULL), 0);
    fsx_lock_release(&b);
    assert_true(fsx_exists(f->lockpath));
    fsx_lock_release(&a);
    assert_false(fsx_exists(f->lockpath));
}

static void test_release_spares_foreign_lock(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;
    char *text;

    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL), 0);
    unlink(f->lockpath);
    write_lock(f->lockpath, 1, clock_wall_ms());
    fsx_lock_release(&lk);
    text = tu_read(f->lockpath);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"pid\": 1,"));
    free(text);
}

static void test_child_does_not_inherit(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;
    int status;
    pid_t pid;

    assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL), 0);
    pid = fork();
    if (pid == 0) {
        struct fsx_lock c = FSX_LOCK_INIT;
        _exit(fsx_lock_acquire(&c, f->target, &impatient, NULL) == OC_ELOCKED
                  ? 0
                  : 1);
    }
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_true(fsx_exists(f->lockpath));
    fsx_lock_release(&lk);
}

/* A holder killed at any instant (even while creating the lock) never
 * makes the next taker wait: the lock file always names its pid. */
static void test_killed_holder_never_blocks(void **state)
{
    struct fixture *f = *state;
    struct fsx_lock lk = FSX_LOCK_INIT;
    unsigned r = 0;
    int iter, status;
    pid_t pid;

    for (iter = 0; iter < 100; iter++) {
        pid = fork();
        if (pid == 0) {
            struct fsx_lock c = FSX_LOCK_INIT;
            for (;;) {
                fsx_lock_acquire(&c, f->target, &fast, NULL);
                fsx_lock_release(&c);
            }
        }
        getrandom(&r, sizeof(r), 0);
        usleep(r % 3000);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        assert_int_equal(fsx_lock_acquire(&lk, f->target, &impatient, NULL), 0);
        fsx_lock_release(&lk);
    }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_payload_format),
        T(test_processes_exclude_each_other),
        T(test_dead_pid_is_taken_over),
        T(test_old_lock_is_taken_over),
        T(test_live_lock_times_out_naming_holder),
        T(test_payloadless_lock_uses_mtime),
        T(test_directory_lock_is_respected),
        T(test_reentrant),
        T(test_release_spares_foreign_lock),
        T(test_child_does_not_inherit),
        T(test_killed_holder_never_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
