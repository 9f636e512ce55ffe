/*
 * The bookkeeping after a successful call (creds_mark_success): what it
 * writes, that a success which changes nothing in the store the call was
 * planned on leaves the file alone (no lock, no rewrite: a busy gateway
 * made every request a locked read and parse), and that a store changed
 * by someone else since is updated under the lock as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "agent/creds.h"
#include "auth/store.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

#define PROFILE "anthropic:a"

struct fx {
    struct tu_home h;
    char *file;
    struct creds_owner own;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    tu_home_init(&f->h);
    f->file = path_join(f->h.dir, AUTH_STORE_FILE);
    f->own = (struct creds_owner){f->h.dir, &f->h.paths, NULL, NULL};
    assert_int_equal(fsx_mkdir_p(f->h.dir, 0700, NULL), 0);
    free(tu_write(f->h.dir, AUTH_STORE_FILE,
                  "{\n  \"version\": 1,\n  \"profiles\": {\n    \"" PROFILE
                  "\": {\n      \"type\": \"api_key\",\n      \"provider\": "
                  "\"anthropic\",\n      \"key\": \"sk-ant-api03-x\"\n    }\n"
                  "  }\n}\n"));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    tu_home_release(&f->h);
    free(f->file);
    free(f);
    return 0;
}

static void load(struct fx *f, struct auth_store *s)
{
    auth_store_init(s);
    assert_int_equal(auth_store_load(s, f->h.dir, &f->h.paths, NULL), 0);
}

static void stats_of(struct fx *f, struct usage_stats *st, const char **good)
{
    static char last_good[64];
    struct auth_store s;
    const char *g;

    load(f, &s);
    auth_store_stats(&s, PROFILE, st);
    g = auth_store_last_good(&s, "anthropic");
    snprintf(last_good, sizeof(last_good), "%s", g ? g : "");
    *good = last_good;
    auth_store_release(&s);
}

/* A cooldown for the profile, written by "another process". */
static int cool(struct auth_store *s, void *arg, struct oc_err *err)
{
    struct usage_stats st;

    (void)arg;
    (void)err;
    auth_store_stats(s, PROFILE, &st);
    st.error_count = 1;
    st.cooldown_until = clock_wall_ms() + 600000;
    st.cooldown_reason = REASON_RATE_LIMIT;
    auth_store_set_stats(s, PROFILE, &st);
    return 1;
}

static void test_first_success_is_written(void **state)
{
    struct fx *f = *state;
    struct auth_store seen;
    struct usage_stats st;
    const char *good;
    int64_t before = clock_wall_ms();

    load(f, &seen);
    creds_mark_success(&f->own, &seen, "anthropic", PROFILE);
    auth_store_release(&seen);
    stats_of(f, &st, &good);
    assert_string_equal(good, PROFILE);
    assert_true(st.last_used >= before);
    assert_int_equal(st.error_count, 0);
}

static void test_repeat_success_leaves_file(void **state)
{
    struct fx *f = *state;
    struct fsx_sig a, b;
    struct auth_store seen;

    load(f, &seen);
    creds_mark_success(&f->own, &seen, "anthropic", PROFILE);
    auth_store_release(&seen);
    fsx_sig_of(f->file, &a);
    assert_true(a.exists);
    /* the next request, planned on the store as now written */
    load(f, &seen);
    creds_mark_success(&f->own, &seen, "anthropic", PROFILE);
    auth_store_release(&seen);
    fsx_sig_of(f->file, &b);
    assert_true(fsx_sig_same(&a, &b)); /* not rewritten */
}

/* Another process holds the store's lock (a fresh lock file, a live
 * pid): a success that changes nothing does not wait for it. Waiting
 * would take OpenClaw's lock timeout, tens of seconds; the alarm ends the
 * test long before. */
static void test_repeat_success_needs_no_lock(void **state)
{
    struct fx *f = *state;
    char *lockpath = xasprintf("%s.lock", f->file);
    char ts[CLOCK_ISO_MAX], *before, *after;
    struct auth_store seen;
    FILE *fp;

    load(f, &seen);
    creds_mark_success(&f->own, &seen, "anthropic", PROFILE);
    auth_store_release(&seen);
    fp = fopen(lockpath, "w");
    assert_non_null(fp);
    clock_iso8601(clock_wall_ms(), ts, sizeof(ts));
    fprintf(fp, "{\n  \"pid\": %ld,\n  \"createdAt\": \"%s\"\n}",
            (long)getppid(), ts);
    fclose(fp);
    before = tu_read(f->file);
    load(f, &seen);
    alarm(5);
    creds_mark_success(&f->own, &seen, "anthropic", PROFILE);
    alarm(0);
    auth_store_release(&seen);
    after = tu_read(f->file);
    assert_string_equal(before, after);
    assert_true(fsx_exists(lockpath)); /* theirs, untouched */
    free(before);
    free(after);
    free(lockpath);
}

static void test_changed_store_is_updated(void **state)
{
    struct fx *f = *state;
    struct auth_store seen;
    struct usage_stats st;
    const char *good;

    load(f, &seen);
    creds_mark_success(&f->own, &seen, "anthropic", PROFILE);
    auth_store_release(&seen);
    load(f, &seen); /* the call is planned on this... */
    assert_int_equal(auth_store_update(f->h.dir, &f->h.paths, cool, NULL, NULL),
                     1);
    stats_of(f, &st, &good);
    assert_int_equal(st.error_count, 1); /* ...someone cools it down... */
    /* ...and its success must still clear that, under the lock */
    creds_mark_success(&f->own, &seen, "anthropic", PROFILE);
    auth_store_release(&seen);
    stats_of(f, &st, &good);
    assert_int_equal(st.error_count, 0);
    assert_int_equal(st.cooldown_until, 0);
}

static void test_without_seen_store(void **state)
{
    struct fx *f = *state;
    struct usage_stats st;
    const char *good;

    assert_int_equal(auth_store_update(f->h.dir, &f->h.paths, cool, NULL, NULL),
                     1);
    creds_mark_success(&f->own, NULL, "anthropic", PROFILE);
    stats_of(f, &st, &good);
    assert_int_equal(st.error_count, 0);
    assert_string_equal(good, PROFILE);
}

static void test_sig_sees_replacement_and_growth(void **state)
{
    struct fx *f = *state;
    struct fsx_sig a, b;
    FILE *fp;

    fsx_sig_of(f->file, &a);
    free(tu_write(f->h.dir, AUTH_STORE_FILE ".new", "{}\n"));
    {
        char *tmp = path_join(f->h.dir, AUTH_STORE_FILE ".new");

        assert_int_equal(rename(tmp, f->file), 0);
        free(tmp);
    }
    fsx_sig_of(f->file, &b);
    assert_false(fsx_sig_same(&a, &b)); /* a new inode */
    fp = fopen(f->file, "a");
    assert_non_null(fp);
    fputs(" ", fp);
    fclose(fp);
    fsx_sig_of(f->file, &a);
    assert_false(fsx_sig_same(&a, &b)); /* written in place, grown */
    assert_int_equal(unlink(f->file), 0);
    fsx_sig_of(f->file, &b);
    assert_false(b.exists);
    assert_false(fsx_sig_same(&a, &b));
    fsx_sig_of(f->file, &a);
    assert_true(fsx_sig_same(&a, &b)); /* absent both times */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_success_is_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_repeat_success_leaves_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_repeat_success_needs_no_lock,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_store_is_updated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_without_seen_store, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sig_sees_replacement_and_growth,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
