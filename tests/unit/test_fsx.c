/*
 * fsx: capped reads, private directories, atomic replacement (including a
 * writer killed at random points, repeatedly), symlink targets.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"

static int setup(void **state)
{
    *state = tu_mkdtemp();
    return 0;
}

static int teardown(void **state)
{
    tu_rmrf(*state);
    free(*state);
    return 0;
}

static void test_read_missing_and_cap(void **state)
{
    const char *dir = *state;
    char *p = path_join(dir, "nope.json");
    struct buf b;
    struct oc_err err;

    buf_init(&b, 0);
    assert_int_equal(fsx_read_file(p, 100, &b, &err), OC_ENOENT);
    assert_non_null(strstr(err.msg, "nope.json"));
    free(p);
    p = tu_write(dir, "big", "0123456789");
    assert_int_equal(fsx_read_file(p, 5, &b, &err), OC_ETOOBIG);
    assert_int_equal(b.len, 0);
    assert_int_equal(fsx_read_file(p, 10, &b, &err), 0);
    assert_string_equal(b.p, "0123456789");
    buf_release(&b);
    free(p);
    assert_int_equal(fsx_read_file(dir, 10, &b, &err), OC_EIO);
}

static void test_write_creates_private_dirs(void **state)
{
    const char *dir = *state;
    char *p = xasprintf("%s/a/b/c/file.json", dir);
    char *sub = xasprintf("%s/a/b", dir);
    char *got;

    assert_int_equal(fsx_write_atomic(p, "{}\n", 3, NULL), 0);
    got = tu_read(p);
    assert_string_equal(got, "{}\n");
    assert_int_equal(tu_mode(p), 0600);
    assert_int_equal(tu_mode(sub), 0700);
    free(got);
    free(sub);
    free(p);
}

static void test_write_replaces_and_fixes_mode(void **state)
{
    const char *dir = *state;
    char *p = tu_write(dir, "f", "old");
    char *got;

    chmod(p, 0644);
    assert_int_equal(fsx_write_atomic(p, "new", 3, NULL), 0);
    got = tu_read(p);
    assert_string_equal(got, "new");
    assert_int_equal(tu_mode(p), 0600);
    free(got);
    free(p);
}

static void test_write_follows_symlink(void **state)
{
    const char *dir = *state;
    char *real = tu_write(dir, "real.json", "old");
    char *link = path_join(dir, "link.json");
    char *got;
    struct stat st;

    assert_int_equal(symlink("real.json", link), 0);
    assert_int_equal(fsx_write_atomic(link, "new", 3, NULL), 0);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    got = tu_read(real);
    assert_string_equal(got, "new");
    free(got);
    free(link);
    free(real);
}

/* Make every entry of dir look 5 minutes old. */
static void age_entries(const char *dir)
{
    struct timespec ts[2];
    DIR *d = opendir(dir);
    struct dirent *e;

    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= 300;
    ts[1] = ts[0];
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            utimensat(dirfd(d), e->d_name, ts, AT_SYMLINK_NOFOLLOW);
    closedir(d);
}

static void test_fifo_is_not_read(void **state)
{
    const char *dir = *state;
    char *p = path_join(dir, "fifo");
    struct buf b;
    struct oc_err err;

    assert_int_equal(mkfifo(p, 0600), 0);
    buf_init(&b, 0);
    assert_int_equal(fsx_read_file(p, 100, &b, &err), OC_EIO);
    assert_non_null(strstr(err.msg, "not a regular file"));
    free(p);
}

static void test_foreign_temp_files_survive(void **state)
{
    const char *dir = *state;
    char *target = path_join(dir, "openclaw.json");
    /* OpenClaw's own temp name, and ours from a dead pid but too young */
    char *theirs = tu_write(dir,
                            "openclaw.json.99999999.0b1f6c1e-3e0d-4f1c-"
                            "9d3c-0123456789ab.tmp",
                            "x");
    char *young =
        tu_write(dir, "openclaw.json.99999999.0123456789abcdef.tmp", "x");

    assert_int_equal(fsx_write_atomic(target, "{}", 2, NULL), 0);
    assert_true(fsx_exists(theirs));
    assert_true(fsx_exists(young));
    age_entries(dir);
    assert_int_equal(fsx_write_atomic(target, "{}", 2, NULL), 0);
    assert_true(fsx_exists(theirs));
    assert_false(fsx_exists(young));
    free(target);
    free(theirs);
    free(young);
}

static void test_mkdir_p_existing_file(void **state)
{
    const char *dir = *state;
    char *f = tu_write(dir, "file", "x");
    char *sub = path_join(f, "sub");
    struct oc_err err;

    assert_int_equal(fsx_mkdir_p(dir, 0700, NULL), 0);
    assert_int_not_equal(fsx_mkdir_p(sub, 0700, &err), 0);
    free(sub);
    free(f);
}

/* Fill p with n copies of c. */
static char *payload(char c, size_t n)
{
    char *p = xmalloc(n);

    memset(p, c, n);
    return p;
}

static void writer_loop(const char *path)
{
    char *a = payload('A', 300000), *b = payload('B', 170000);
    unsigned i;

    for (i = 0;; i++) {
        if (i % 2)
            fsx_write_atomic(path, a, 300000, NULL);
        else
            fsx_write_atomic(path, b, 170000, NULL);
    }
}

/* The file is absent (killed before the first write landed) or exactly
 * one of the two payloads. */
static void check_whole(const char *path)
{
    struct buf b;
    size_t i;

    buf_init(&b, 0);
    if (fsx_read_file(path, b.max, &b, NULL) != 0)
        return;
    assert_true(b.len == 300000 || b.len == 170000);
    for (i = 0; i < b.len; i++)
        if (b.p[i] != (b.len == 300000 ? 'A' : 'B'))
            fail_msg("torn file at byte %zu", i);
    buf_release(&b);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while ((e = readdir(d)))
        if (e->d_name[0] != '.' ||
            (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
            n++;
    closedir(d);
    return n;
}

static void test_killed_writer_never_tears(void **state)
{
    const char *dir = *state;
    char *path = path_join(dir, "store.json");
    unsigned r = 0;
    int iter, status;
    pid_t pid;

    for (iter = 0; iter < 150; iter++) {
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            writer_loop(path);
        getrandom(&r, sizeof(r), 0);
        usleep(r % 4000);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        check_whole(path);
    }
    /* Fresh temp files are left alone (their writer may live in another
     * pid namespace); once old, the next write sweeps them. */
    assert_int_equal(fsx_write_atomic(path, "x", 1, NULL), 0);
    age_entries(dir);
    assert_int_equal(fsx_write_atomic(path, "y", 1, NULL), 0);
    assert_int_equal(count_entries(dir), 1);
    free(path);
}

static void test_sig_settled_after_one_tick(void **state)
{
    /* changed at 1000.000 s (ms resolution times), then at 1000.020 */
    struct fsx_sig s = {
        .exists = true, .mtime = {1000, 5000000}, .ctime = {1000, 20000000}};
    struct fsx_sig coarse = {
        .exists = true, .mtime = {1000, 0}, .ctime = {1000, 0}};
    struct fsx_sig none = {.exists = false};

    (void)state;
    assert_false(fsx_sig_settled(&s, 1000020));
    assert_false(fsx_sig_settled(&s, 1000070)); /* the later time counts */
    assert_true(fsx_sig_settled(&s, 1000071));
    /* whole seconds only: a rewrite within the same second is invisible */
    assert_false(fsx_sig_settled(&coarse, 1001999));
    assert_true(fsx_sig_settled(&coarse, 1002001));
    assert_true(fsx_sig_settled(&none, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_missing_and_cap, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_creates_private_dirs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_replaces_and_fixes_mode,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_follows_symlink, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mkdir_p_existing_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fifo_is_not_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_temp_files_survive, setup,
                                        teardown),
        cmocka_unit_test(test_sig_settled_after_one_tick),
        cmocka_unit_test_setup_teardown(test_killed_writer_never_tears, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
