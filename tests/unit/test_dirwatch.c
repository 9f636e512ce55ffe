/*
 * dirwatch: a directory's generation moves when a watched file in it is
 * written, replaced or removed, not for other files; a removed or moved
 * directory is no longer watched, and adding its path again follows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "base/dirwatch.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"

static const char *const names[] = {"a.json", "b.json", NULL};

struct fx {
    char *dir;
    struct dirwatch *w;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    f->dir = tu_mkdtemp();
    f->w = dirwatch_new();
    assert_non_null(f->w);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    dirwatch_free(f->w);
    tu_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void put(const char *dir, const char *name, const char *text)
{
    char *p = path_join(dir, name);

    assert_int_equal(fsx_write_atomic(p, text, strlen(text), NULL), 0);
    free(p);
}

static void test_watched_names_move_the_generation(void **state)
{
    struct fx *f = *state;
    int slot = dirwatch_add(f->w, f->dir, names);
    int64_t g0, g1;
    char *p;

    assert_true(slot >= 0);
    g0 = dirwatch_gen(f->w, slot);
    assert_true(g0 >= 0);
    assert_int_equal(dirwatch_gen(f->w, slot), g0); /* nothing happened */
    put(f->dir, "c.json", "{}");
    free(tu_write(f->dir, "a.json.lock", "{}"));
    assert_int_equal(dirwatch_gen(f->w, slot), g0);
    put(f->dir, "a.json", "{}"); /* replaced by rename */
    g1 = dirwatch_gen(f->w, slot);
    assert_true(g1 > g0);
    free(tu_write(f->dir, "b.json", "{}")); /* written in place */
    assert_true(dirwatch_gen(f->w, slot) > g1);
    g1 = dirwatch_gen(f->w, slot);
    p = path_join(f->dir, "a.json");
    assert_int_equal(unlink(p), 0);
    assert_true(dirwatch_gen(f->w, slot) > g1);
    free(p);
}

static void test_same_path_same_slot(void **state)
{
    struct fx *f = *state;
    int slot = dirwatch_add(f->w, f->dir, names);
    int64_t g0 = dirwatch_gen(f->w, slot);

    assert_int_equal(dirwatch_add(f->w, f->dir, names), slot);
    assert_int_equal(dirwatch_gen(f->w, slot), g0);
    assert_int_equal(dirwatch_gen(f->w, slot + 1), -1);
    assert_int_equal(dirwatch_gen(f->w, -1), -1);
}

static void test_removed_directory_ends_the_watch(void **state)
{
    struct fx *f = *state;
    char *sub = path_join(f->dir, "agent");
    int slot, again;
    int64_t g0;

    assert_int_equal(fsx_mkdir_p(sub, 0700, NULL), 0);
    slot = dirwatch_add(f->w, sub, names);
    g0 = dirwatch_gen(f->w, slot);
    tu_rmrf(sub);
    assert_int_equal(dirwatch_gen(f->w, slot), -1);
    assert_int_equal(dirwatch_add(f->w, sub, names), -1); /* not there */
    assert_int_equal(fsx_mkdir_p(sub, 0700, NULL), 0);
    again = dirwatch_add(f->w, sub, names);
    assert_int_equal(again, slot);
    assert_true(dirwatch_gen(f->w, again) > g0);
    put(sub, "a.json", "{}");
    assert_true(dirwatch_gen(f->w, again) > g0 + 1);
    free(sub);
}

/* Moved away: the path names another directory (or none) now; events in
 * the old one no longer count. */
static void test_moved_directory_ends_the_watch(void **state)
{
    struct fx *f = *state;
    char *sub = path_join(f->dir, "agent"), *old = path_join(f->dir, "bak");
    int slot;
    int64_t g;

    assert_int_equal(fsx_mkdir_p(sub, 0700, NULL), 0);
    slot = dirwatch_add(f->w, sub, names);
    assert_int_equal(rename(sub, old), 0);
    assert_int_equal(dirwatch_gen(f->w, slot), -1);
    assert_int_equal(fsx_mkdir_p(sub, 0700, NULL), 0);
    assert_int_equal(dirwatch_add(f->w, sub, names), slot);
    g = dirwatch_gen(f->w, slot);
    put(old, "a.json", "{}");
    assert_int_equal(dirwatch_gen(f->w, slot), g);
    put(sub, "a.json", "{}");
    assert_true(dirwatch_gen(f->w, slot) > g);
    free(sub);
    free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_watched_names_move_the_generation,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_path_same_slot, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_removed_directory_ends_the_watch,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_directory_ends_the_watch,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
