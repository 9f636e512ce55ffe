/*
 * The shared store of concurrent turns: one parse while the files are
 * unchanged and somebody holds it, a fresh parse after any rewrite (the
 * holder of the old one keeps it intact), nothing kept once the last
 * holder gives it back, and stores that must not be shared are not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "auth/store.h"
#include "auth/store_cache.h"
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

static int teardown(void **state)
{
    struct fx *f = *state;

    store_cache_free(f->c);
    tu_home_release(&f->h);
    free(f);
    return 0;
}

/* Replace the store as the CLI does (temp file + rename: a new inode). */
static void put_store(struct fx *f, const char *text)
{
    char *path = xasprintf("%s/%s", f->h.dir, AUTH_STORE_FILE);

    assert_int_equal(fsx_write_atomic(path, text, strlen(text), NULL), 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_unchanged_store_is_shared_while_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_is_kept_after_the_last_put,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_rewrite_is_seen_and_old_holder_keeps_its_copy, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_new_state_file_is_seen, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_store_is_never_shared,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_corrupt_store_fails_and_keeps_held_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agents_do_not_share, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_without_a_cache_each_get_is_its_own, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
