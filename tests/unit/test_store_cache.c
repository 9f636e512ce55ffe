/*
 * The shared store of concurrent turns: one parse while the files are
 * unchanged and somebody holds it, a fresh parse after any rewrite (the
 * holder of the old one keeps it intact), nothing kept once the last
 * holder gives it back (or, with a grace period, once it is over), and
 * stores that must not be shared are not. Each of these holds both ways
 * a cache can know the files are unchanged: their times (stat) and a
 * watch on the directory (the gateway's); the last tests are the watch's.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "testutil.h"
#include "auth/store.h"
#include "auth/store_cache.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/xalloc.h"

#define ONE                                                                    \
    "{\"version\": 1, \"profiles\": {\"anthropic:a\": {\"type\": "             \
    "\"api_key\", \"provider\": \"anthropic\", \"key\": "                      \
    "\"sk-ant-api03-AAAA\"}}}\n"
#define TWO                                                                    \
    "{\"version\": 1, \"profiles\": {\"anthropic:a\": {\"type\": "             \
    "\"api_key\", \"provider\": \"anthropic\", \"key\": "                      \
    "\"sk-ant-api03-AAAA\"}, \"anthropic:b\": {\"type\": \"api_key\", "        \
    "\"provider\": \"anthropic\", \"key\": \"sk-ant-api03-BBBB\"}}}\n"

struct fx {
    struct tu_home h;
    struct store_cache *c;
    int idle;              /* times the cache said a store started to linger */
    struct timespec stamp; /* stamp_just_now's instant, once chosen */
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    tu_home_init(&f->h);
    assert_int_equal(fsx_mkdir_p(f->h.dir, 0700, NULL), 0);
    f->c = store_cache_new();
    *state = f;
    return 0;
}

static int setup_watched(void **state)
{
    setup(state);
    assert_true(store_cache_watch(((struct fx *)*state)->c));
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    store_cache_free(f->c);
    tu_home_release(&f->h);
    free(f);
    return 0;
}

/* Wait until the file at path is old enough for its store to be shared
 * (fsx_sig_settled: 50 ms on a file system with sub-second times). */
static void settle(const char *path)
{
    struct fsx_sig sig;
    int i;

    for (i = 0; i < 300; i++) {
        fsx_sig_of(path, &sig);
        if (fsx_sig_settled(&sig, clock_real_wall_ms()))
            return;
        clock_sleep_ms(10);
    }
    fail_msg("%s did not settle", path);
}

/* Replace the store as the CLI does (temp file + rename: a new inode),
 * a while ago: a store written just now is never shared. */
static void put_store_now(struct fx *f, const char *text)
{
    char *path = xasprintf("%s/%s", f->h.dir, AUTH_STORE_FILE);

    assert_int_equal(fsx_write_atomic(path, text, strlen(text), NULL), 0);
    free(path);
}

static void put_store(struct fx *f, const char *text)
{
    char *path = xasprintf("%s/%s", f->h.dir, AUTH_STORE_FILE);

    put_store_now(f, text);
    settle(path);
    free(path);
}

/* The store's times say "changed just now" for the next 10 s, whatever
 * the load; the same instant each time in a test. */
static void stamp_just_now(struct fx *f)
{
    char *path = xasprintf("%s/%s", f->h.dir, AUTH_STORE_FILE);
    struct timespec ts[2];

    if (!f->stamp.tv_sec) {
        clock_gettime(CLOCK_REALTIME, &f->stamp);
        f->stamp.tv_sec += 10;
    }
    ts[0] = ts[1] = f->stamp;
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
    free(path);
}

/* ONE rewritten in place (same inode, same size) as an editor or another
 * tool would, with key A now "sk-ant-api03-ZAAA". */
static void rewrite_in_place(struct fx *f)
{
    char *path = xasprintf("%s/%s", f->h.dir, AUTH_STORE_FILE);
    char *other = xstrdup(ONE);
    FILE *fp;

    *strstr(other, "AAAA") = 'Z';
    fp = fopen(path, "r+");
    assert_non_null(fp);
    assert_int_equal(fputs(other, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    free(other);
    free(path);
}

static const struct auth_store *get(struct fx *f)
{
    struct oc_err err;
    const struct auth_store *s =
        store_cache_get(f->c, f->h.dir, &f->h.paths, &err);

    if (!s)
        fail_msg("store_cache_get: %s", oc_err_msg(&err));
    return s;
}

static void test_unchanged_store_is_shared_while_held(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b;

    put_store(f, ONE);
    a = get(f);
    b = get(f);
    assert_ptr_equal(a, b);
    assert_int_equal(store_cache_size(f->c), 1);
    assert_true(auth_store_has(b, "anthropic:a"));
    store_cache_put(f->c, a);
    assert_int_equal(store_cache_size(f->c), 1); /* b still holds it */
    store_cache_put(f->c, b);
    assert_int_equal(store_cache_size(f->c), 0);
}

static void test_nothing_is_kept_after_the_last_put(void **state)
{
    struct fx *f = *state;
    const struct auth_store *s;

    put_store(f, ONE);
    s = get(f);
    store_cache_put(f->c, s);
    assert_int_equal(store_cache_size(f->c), 0);
    /* an idle daemon holds no credential: the next get parses again */
    s = get(f);
    assert_true(auth_store_has(s, "anthropic:a"));
    store_cache_put(f->c, s);
}

static void test_rewrite_is_seen_and_old_holder_keeps_its_copy(void **state)
{
    struct fx *f = *state;
    const struct auth_store *old, *fresh, *again;

    put_store(f, ONE);
    old = get(f);
    put_store(f, TWO); /* e.g. `openclaw models auth paste-api-key` */
    fresh = get(f);
    assert_ptr_not_equal(old, fresh);
    assert_true(auth_store_has(fresh, "anthropic:b"));
    assert_false(auth_store_has(old, "anthropic:b"));
    assert_int_equal(store_cache_size(f->c), 2);
    again = get(f); /* the newest is the one shared */
    assert_ptr_equal(again, fresh);
    store_cache_put(f->c, old);
    assert_int_equal(store_cache_size(f->c), 1);
    assert_true(auth_store_has(fresh, "anthropic:a"));
    store_cache_put(f->c, fresh);
    store_cache_put(f->c, again);
    assert_int_equal(store_cache_size(f->c), 0);
}

static void test_new_state_file_is_seen(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b;
    char *path = xasprintf("%s/%s", f->h.dir, AUTH_STATE_FILE);
    const char *st = "{\"lastGood\": {\"anthropic\": \"anthropic:a\"}}\n";

    put_store(f, ONE);
    a = get(f);
    assert_int_equal(fsx_write_atomic(path, st, strlen(st), NULL), 0);
    b = get(f);
    assert_ptr_not_equal(a, b);
    assert_non_null(b->state);
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
    free(path);
}

static void test_missing_store_is_never_shared(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a = get(f), *b = get(f);

    assert_false(a->exists);
    assert_ptr_not_equal(a, b);
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
    assert_int_equal(store_cache_size(f->c), 0);
}

static void test_corrupt_store_fails_and_keeps_held_copy(void **state)
{
    struct fx *f = *state;
    struct oc_err err;
    const struct auth_store *held;

    put_store(f, ONE);
    held = get(f);
    put_store(f, "{\"version\": 1, \"profiles\": {\n");
    assert_null(store_cache_get(f->c, f->h.dir, &f->h.paths, &err));
    assert_non_null(strstr(oc_err_msg(&err), AUTH_STORE_FILE));
    assert_int_equal(store_cache_size(f->c), 1);
    assert_true(auth_store_has(held, "anthropic:a"));
    store_cache_put(f->c, held);
    assert_int_equal(store_cache_size(f->c), 0);
}

static void test_agents_do_not_share(void **state)
{
    struct fx *f = *state;
    char *other = xasprintf("%s/other", f->h.root);
    const struct auth_store *a, *b;
    struct oc_err err;

    put_store(f, ONE);
    assert_int_equal(fsx_mkdir_p(other, 0700, NULL), 0);
    free(tu_write(other, AUTH_STORE_FILE, TWO));
    a = get(f);
    b = store_cache_get(f->c, other, &f->h.paths, &err);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_false(auth_store_has(a, "anthropic:b"));
    assert_true(auth_store_has(b, "anthropic:b"));
    assert_int_equal(store_cache_size(f->c), 2);
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
    free(other);
}

static void count_idle(void *ctx)
{
    ((struct fx *)ctx)->idle++;
}

/* Stores outlive their last holder by ms, as in the gateway. */
static void linger(struct fx *f, int64_t ms)
{
    store_cache_linger(f->c, ms, count_idle, f);
}

static void test_lingering_store_is_shared_by_the_next_request(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b;

    linger(f, 60000);
    put_store(f, ONE);
    a = get(f);
    store_cache_put(f->c, a);
    assert_int_equal(f->idle, 1); /* the owner is told to arm its timer */
    assert_int_equal(store_cache_size(f->c), 1);
    b = get(f); /* back to back: no second parse */
    assert_ptr_equal(a, b);
    store_cache_put(f->c, b);
    assert_int_equal(f->idle, 2);
    /* not due yet: kept, and the time left is reported */
    assert_in_range(store_cache_expire(f->c), 1, 60000);
    assert_int_equal(store_cache_size(f->c), 1);
}

static void test_lingering_store_is_wiped_when_its_time_is_over(void **state)
{
    struct fx *f = *state;
    const struct auth_store *s;

    linger(f, 5);
    put_store(f, ONE);
    s = get(f);
    assert_int_equal(store_cache_expire(f->c), -1); /* held: not lingering */
    store_cache_put(f->c, s);
    clock_sleep_ms(20);
    assert_int_equal(store_cache_expire(f->c), -1);
    assert_int_equal(store_cache_size(f->c), 0);
}

static void test_lingering_store_rewritten_is_parsed_again(void **state)
{
    struct fx *f = *state;
    const struct auth_store *s;

    linger(f, 60000);
    put_store(f, ONE);
    store_cache_put(f->c, get(f));
    put_store(f, TWO); /* the CLI adds a profile between two requests */
    s = get(f);
    assert_true(auth_store_has(s, "anthropic:b"));
    assert_int_equal(store_cache_size(f->c), 1); /* the old parse is gone */
    store_cache_put(f->c, s);
    /* a lingering store whose file became unreadable is dropped too */
    put_store(f, "{\"version\": 1, \"profiles\": {\n");
    assert_null(
        store_cache_get(f->c, f->h.dir, &f->h.paths, &(struct oc_err){0}));
    assert_int_equal(store_cache_size(f->c), 0);
}

static void test_superseded_store_does_not_linger(void **state)
{
    struct fx *f = *state;
    const struct auth_store *old, *fresh;

    linger(f, 60000);
    put_store(f, ONE);
    old = get(f);
    put_store(f, TWO);
    fresh = get(f);
    store_cache_put(f->c, old); /* nobody can share it again: freed */
    assert_int_equal(f->idle, 0);
    assert_int_equal(store_cache_size(f->c), 1);
    store_cache_put(f->c, fresh);
    assert_int_equal(f->idle, 1);
    assert_int_equal(store_cache_size(f->c), 1);
}

/* A same-size rewrite in place (an editor, another tool) right after the
 * last write keeps inode, size and perhaps the times: never missed. */
static void test_same_size_rewrite_in_place_is_seen(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b;

    put_store_now(f, ONE);
    a = get(f);
    rewrite_in_place(f);
    b = get(f);
    assert_string_equal(auth_store_find(b, "anthropic:a")->secret,
                        "sk-ant-api03-ZAAA");
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
}

static void test_store_changed_a_moment_ago_is_not_shared(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b;

    linger(f, 60000);
    put_store(f, ONE);
    stamp_just_now(f);
    a = get(f);
    b = get(f);
    assert_ptr_not_equal(a, b);
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
    assert_int_equal(f->idle, 0); /* nor kept for the next request */
    assert_int_equal(store_cache_size(f->c), 0);
}

static void test_without_a_cache_each_get_is_its_own(void **state)
{
    struct fx *f = *state;
    struct oc_err err;
    const struct auth_store *a, *b;

    put_store(f, ONE);
    a = store_cache_get(NULL, f->h.dir, &f->h.paths, &err);
    b = store_cache_get(NULL, f->h.dir, &f->h.paths, &err);
    assert_non_null(a);
    assert_ptr_not_equal(a, b);
    assert_true(auth_store_has(a, "anthropic:a"));
    store_cache_put(NULL, a);
    store_cache_put(NULL, b);
    store_cache_put(NULL, NULL);
    assert_int_equal(store_cache_size(NULL), 0);
}

/* ---- watched ------------------------------------------------------------ */

/* A rewrite is an event: a store written a moment ago is shared, and a
 * rewrite in place that keeps size and times is still seen. */
static void test_watched_store_written_just_now_is_shared(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b, *c;

    put_store(f, ONE);
    stamp_just_now(f);
    a = get(f);
    b = get(f);
    assert_ptr_equal(a, b);
    assert_true(store_cache_current(f->c, a));
    rewrite_in_place(f);
    stamp_just_now(f); /* the times exactly as they were */
    assert_false(store_cache_current(f->c, a));
    c = get(f);
    assert_ptr_not_equal(a, c);
    assert_string_equal(auth_store_find(c, "anthropic:a")->secret,
                        "sk-ant-api03-ZAAA");
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
    store_cache_put(f->c, c);
}

/* Other files in the directory (locks, temp files, sessions) are not
 * changes to the store. */
static void test_watched_other_files_change_nothing(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b;

    put_store(f, ONE);
    a = get(f);
    free(tu_write(f->h.dir, AUTH_STORE_FILE ".lock", "{}"));
    free(tu_write(f->h.dir, "models.json", "{}"));
    assert_true(store_cache_current(f->c, a));
    b = get(f);
    assert_ptr_equal(a, b);
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
}

/* The agent directory removed and made again (a reinstall). */
static void test_watched_directory_made_again_is_seen(void **state)
{
    struct fx *f = *state;
    const struct auth_store *a, *b;

    put_store(f, ONE);
    a = get(f);
    tu_rmrf(f->h.dir);
    assert_int_equal(fsx_mkdir_p(f->h.dir, 0700, NULL), 0);
    put_store(f, TWO);
    b = get(f);
    assert_ptr_not_equal(a, b);
    assert_true(auth_store_has(b, "anthropic:b"));
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
}

/* The state directory replaced from a backup: the watch on the old agent
 * directory hears nothing, and the times catch it within a second. */
static void test_watched_parent_replaced_is_seen_within_a_second(void **state)
{
    struct fx *f = *state;
    char *old = xasprintf("%s.old", f->h.state);
    const struct auth_store *a, *b;

    put_store(f, ONE);
    a = get(f);
    assert_int_equal(rename(f->h.state, old), 0);
    assert_int_equal(fsx_mkdir_p(f->h.dir, 0700, NULL), 0);
    put_store(f, TWO);
    clock_sleep_ms(1100);
    assert_false(store_cache_current(f->c, a));
    b = get(f);
    assert_true(auth_store_has(b, "anthropic:b"));
    store_cache_put(f->c, a);
    store_cache_put(f->c, b);
    /* and the watch follows the path: the next edit is an event */
    b = get(f);
    put_store_now(f, ONE);
    assert_false(store_cache_current(f->c, b));
    store_cache_put(f->c, b);
    tu_rmrf(old);
    free(old);
}

#define BOTH(t)                                                                \
    cmocka_unit_test_setup_teardown(t, setup, teardown),                       \
    {                                                                          \
#t " (watched)", t, setup_watched, teardown, NULL                      \
    }
#define WATCHED(t) cmocka_unit_test_setup_teardown(t, setup_watched, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_unchanged_store_is_shared_while_held),
        BOTH(test_nothing_is_kept_after_the_last_put),
        BOTH(test_rewrite_is_seen_and_old_holder_keeps_its_copy),
        BOTH(test_new_state_file_is_seen),
        BOTH(test_missing_store_is_never_shared),
        BOTH(test_corrupt_store_fails_and_keeps_held_copy),
        BOTH(test_agents_do_not_share),
        BOTH(test_lingering_store_is_shared_by_the_next_request),
        BOTH(test_lingering_store_is_wiped_when_its_time_is_over),
        BOTH(test_lingering_store_rewritten_is_parsed_again),
        BOTH(test_superseded_store_does_not_linger),
        BOTH(test_same_size_rewrite_in_place_is_seen),
        cmocka_unit_test_setup_teardown(
            test_store_changed_a_moment_ago_is_not_shared, setup, teardown),
        BOTH(test_without_a_cache_each_get_is_its_own),
        WATCHED(test_watched_store_written_just_now_is_shared),
        WATCHED(test_watched_other_files_change_nothing),
        WATCHED(test_watched_directory_made_again_is_seen),
        WATCHED(test_watched_parent_replaced_is_seen_within_a_second),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
