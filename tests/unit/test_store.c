/*
 * The credential store: byte-exact round trips of OpenClaw's files,
 * unknown fields and invalid entries preserved, the split auth-state.json
 * layout, corrupt files never overwritten, legacy imports, state maps,
 * and concurrent locked updates that lose nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "auth/store.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "json/json5.h"

struct fx {
    struct tu_home h;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    tu_home_init(&f->h);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    tu_home_release(&f->h);
    free(f);
    return 0;
}

static char *fixture(const char *name)
{
    char *p = xasprintf("%s/auth/%s", getenv("OC_FIXTURES"), name);
    char *s = tu_read(p);

    free(p);
    assert_non_null(s);
    return s;
}

static char *put_store(struct fx *f, const char *text)
{
    assert_int_equal(fsx_mkdir_p(f->h.dir, 0700, NULL), 0);
    return tu_write(f->h.dir, AUTH_STORE_FILE, text);
}

/* An update that only marks the store changed: rewrite as is. */
static int touch(struct auth_store *s, void *arg, struct oc_err *err)
{
    (void)s;
    (void)arg;
    (void)err;
    return 1;
}

static void test_openclaw_file_round_trips_byte_exact(void **state)
{
    struct fx *f = *state;
    char *orig = fixture("era-a.json"), *path = put_store(f, orig), *after;

    assert_int_equal(
        auth_store_update(f->h.dir, &f->h.paths, touch, NULL, NULL), 1);
    after = tu_read(path);
    assert_string_equal(after, orig);
    assert_int_equal(tu_mode(path), 0600);
    free(after);
    free(path);
    free(orig);
}

static void test_load_views(void **state)
{
    struct fx *f = *state;
    char *orig = fixture("era-a.json"), *path = put_store(f, orig);
    struct auth_store s;
    struct usage_stats st;
    struct strlist order = STRLIST_INIT;

    auth_store_init(&s);
    assert_int_equal(auth_store_load(&s, f->h.dir, &f->h.paths, NULL), 0);
    assert_true(s.exists);
    assert_int_equal(s.ncreds, 5);
    assert_string_equal(s.creds[0].id, "anthropic:default");
    assert_string_equal(s.creds[4].id, "openrouter:manual");
    assert_int_equal(auth_store_order(&s, "Anthropic", &order), 0);
    assert_int_equal(order.n, 2);
    assert_string_equal(order.v[0], "anthropic:work");
    assert_string_equal(auth_store_last_good(&s, "anthropic"),
                        "anthropic:work");
    assert_true(auth_store_stats(&s, "anthropic:default", &st));
    assert_int_equal(st.cooldown_until, 1736160560000LL);
    assert_int_equal(st.cooldown_reason, REASON_RATE_LIMIT);
    assert_string_equal(st.cooldown_model, "claude-opus-4-6");
    assert_int_equal(st.failure_counts[REASON_RATE_LIMIT], 2);
    assert_false(auth_store_stats(&s, "openrouter:manual", &st));
    strlist_release(&order);
    auth_store_release(&s);
    free(path);
    free(orig);
}

static void test_unknown_fields_and_invalid_entries_survive(void **state)
{
    struct fx *f = *state;
    const char *text = "{\n  \"version\": 1,\n  \"profiles\": {\n"
                       "    \"x:bad\": {\n      \"provider\": \"x\"\n    },\n"
                       "    \"anthropic:a\": {\n      \"type\": \"api_key\",\n"
                       "      \"provider\": \"anthropic\",\n      \"key\": "
                       "\"k\",\n      \"futureField\": [\n        1\n      ]\n"
                       "    }\n  },\n  \"extension\": {\n    \"z\": true\n  }\n"
                       "}\n";
    char *path = put_store(f, text), *after;
    struct auth_store s;

    auth_store_init(&s);
    assert_int_equal(auth_store_load(&s, f->h.dir, &f->h.paths, NULL), 0);
    assert_int_equal(s.ncreds, 1);
    assert_int_equal(s.warnings.n, 1);
    assert_non_null(strstr(s.warnings.v[0], "\"x:bad\""));
    assert_true(auth_store_has(&s, "x:bad"));
    auth_store_release(&s);
    assert_int_equal(
        auth_store_update(f->h.dir, &f->h.paths, touch, NULL, NULL), 1);
    after = tu_read(path);
    assert_string_equal(after, text);
    free(after);
    free(path);
}

static void test_corrupt_store_is_never_overwritten(void **state)
{
    struct fx *f = *state;
    const char *text =
        "{\n  \"version\": 1,\n  \"profiles\": {\n    \"a\": {,\n";
    char *path = put_store(f, text), *after;
    struct auth_store s;
    struct oc_err err;

    auth_store_init(&s);
    assert_int_equal(auth_store_load(&s, f->h.dir, &f->h.paths, &err),
                     OC_EPARSE);
    assert_non_null(strstr(err.msg, "line 4, column"));
    assert_non_null(strstr(err.msg, "it was not changed"));
    auth_store_release(&s);
    assert_int_equal(
        auth_store_update(f->h.dir, &f->h.paths, touch, NULL, &err), OC_EPARSE);
    after = tu_read(path);
    assert_string_equal(after, text);
    free(after);
    free(path);
    path = put_store(f, "{\"anthropic\": {\"apiKey\": \"k\"}}");
    assert_int_equal(
        auth_store_update(f->h.dir, &f->h.paths, touch, NULL, &err), OC_EPARSE);
    assert_non_null(strstr(err.msg, "no \"profiles\" object"));
    free(path);
}

static int add_profile(struct auth_store *s, void *arg, struct oc_err *err)
{
    (void)err;
    auth_store_put(s, arg,
                   json_pack("{s:s, s:s, s:s}", "type", "api_key", "provider",
                             "anthropic", "key", "sk-ant-x"));
    return 1;
}

static void test_new_store_layout(void **state)
{
    struct fx *f = *state;
    char *path, *text, *parent, id[] = "anthropic:default";

    assert_int_equal(
        auth_store_update(f->h.dir, &f->h.paths, add_profile, id, NULL), 1);
    path = path_join(f->h.dir, AUTH_STORE_FILE);
    text = tu_read(path);
    assert_string_equal(text, "{\n  \"version\": 1,\n  \"profiles\": {\n"
                              "    \"anthropic:default\": {\n      \"type\": "
                              "\"api_key\",\n      \"provider\": "
                              "\"anthropic\",\n      \"key\": \"sk-ant-x\"\n"
                              "    }\n  }\n}\n");
    assert_int_equal(tu_mode(path), 0600);
    assert_int_equal(tu_mode(f->h.dir), 0700);
    parent = path_dirname(f->h.dir);
    assert_int_equal(tu_mode(parent), 0700);
    free(parent);
    free(text);
    free(path);
}

struct state_op {
    const char *provider;
    const char *ids; /* NULL: clear */
};

static int set_order(struct auth_store *s, void *arg, struct oc_err *err)
{
    const struct state_op *op = arg;
    struct strlist l = STRLIST_INIT;

    (void)err;
    if (!op->ids)
        return auth_store_clear_order(s, op->provider) == 0 ? 1 : 0;
    strlist_push(&l, op->ids);
    auth_store_set_order(s, op->provider, &l);
    strlist_release(&l);
    return 1;
}

static void test_split_state_file(void **state)
{
    struct fx *f = *state;
    char *orig = fixture("era-a.json"), *path = put_store(f, orig);
    char *state_path = tu_write(f->h.dir, AUTH_STATE_FILE,
                                "{\"version\": 1, \"order\": {\"anthropic\": "
                                "[\"anthropic:default\"]}}");
    struct state_op op = {"anthropic", "anthropic:vault"};
    struct auth_store s;
    struct strlist order = STRLIST_INIT;
    char *main_text, *state_text;

    auth_store_init(&s);
    assert_int_equal(auth_store_load(&s, f->h.dir, &f->h.paths, NULL), 0);
    assert_int_equal(auth_store_order(&s, "anthropic", &order), 0);
    assert_string_equal(order.v[0], "anthropic:default"); /* state wins */
    auth_store_release(&s);
    assert_int_equal(
        auth_store_update(f->h.dir, &f->h.paths, set_order, &op, NULL), 1);
    main_text = tu_read(path);
    state_text = tu_read(state_path);
    assert_null(strstr(main_text, "\"order\""));
    assert_null(strstr(main_text, "usageStats"));
    assert_non_null(strstr(main_text, "\"anthropic:vault\""));
    assert_non_null(strstr(state_text, "\"anthropic:vault\"\n    ]"));
    /* merged from the main file: nothing was lost */
    assert_non_null(strstr(state_text, "\"lastGood\""));
    assert_non_null(strstr(state_text, "\"cooldownModel\""));
    free(main_text);
    free(state_text);
    strlist_release(&order);
    free(state_path);
    free(path);
    free(orig);
}

static int remove_work(struct auth_store *s, void *arg, struct oc_err *err)
{
    (void)arg;
    (void)err;
    return auth_store_remove(s, "anthropic:work") == 0 ? 1 : -1;
}

static void test_remove_forgets_everywhere(void **state)
{
    struct fx *f = *state;
    char *orig = fixture("era-a.json"), *path = put_store(f, orig), *text;

    assert_int_equal(
        auth_store_update(f->h.dir, &f->h.paths, remove_work, NULL, NULL), 1);
    text = tu_read(path);
    assert_null(strstr(text, "anthropic:work"));
    assert_non_null(strstr(text, "\"anthropic\": [\n      "
                                 "\"anthropic:default\"\n    ]"));
    assert_null(strstr(text, "\"lastGood\": {\n    \"anthropic\""));
    free(text);
    free(path);
    free(orig);
}

static int fail_stats(struct auth_store *s, void *arg, struct oc_err *err)
{
    struct usage_stats st;
    struct cooldown_cfg c;

    (void)err;
    cooldown_cfg_defaults(&c);
    auth_store_stats(s, arg, &st);
    policy_mark_failure(&st, REASON_RATE_LIMIT, "claude-opus-4-5", &c,
                        1800000000000LL);
    auth_store_set_stats(s, arg, &st);
    return 1;
}

static void test_new_stats_key_order(void **state)
{
    struct fx *f = *state;
    char *path, *text, id[] = "anthropic:a";

    auth_store_update(f->h.dir, &f->h.paths, add_profile, id, NULL);
    auth_store_update(f->h.dir, &f->h.paths, fail_stats, id, NULL);
    path = path_join(f->h.dir, AUTH_STORE_FILE);
    text = tu_read(path);
    assert_non_null(strstr(text, "\"usageStats\": {\n    \"anthropic:a\": {\n"
                                 "      \"errorCount\": 1,\n      "
                                 "\"failureCounts\": {\n        "
                                 "\"rate_limit\": 1\n      },\n      "
                                 "\"lastFailureAt\": 1800000000000,\n      "
                                 "\"cooldownUntil\": 1800000030000,\n      "
                                 "\"cooldownReason\": \"rate_limit\",\n      "
                                 "\"cooldownModel\": \"claude-opus-4-5\"\n"));
    free(text);
    free(path);
}

static void test_legacy_import_once(void **state)
{
    struct fx *f = *state;
    char *cred_dir = xasprintf("%s/credentials", f->h.state);
    char *legacy, *oauth;
    struct auth_store s;

    assert_int_equal(fsx_mkdir_p(f->h.dir, 0700, NULL), 0);
    assert_int_equal(fsx_mkdir_p(cred_dir, 0700, NULL), 0);
    legacy = tu_write(f->h.dir, "auth.json",
                      "{\"anthropic\": {\"type\": \"api_key\", \"key\": "
                      "\"sk-ant-legacy\", \"junk\": 1}, \"openrouter\": "
                      "{\"type\": \"token\", \"token\": \"sk-or-t\"}}");
    oauth = tu_write(cred_dir, "oauth.json",
                     "{\"anthropic\": {\"access\": \"a\", \"refresh\": "
                     "\"r\", \"expires\": 5}, \"google\": {\"access\": "
                     "\"g\", \"refresh\": \"h\", \"expires\": 6}}");
    auth_store_init(&s);
    assert_int_equal(auth_store_load(&s, f->h.dir, &f->h.paths, NULL), 0);
    assert_true(s.exists);
    assert_int_equal(s.ncreds, 3);
    assert_string_equal(auth_store_find(&s, "anthropic:default")->secret,
                        "sk-ant-legacy");
    assert_null(json_object_get(auth_store_find(&s, "anthropic:default")->json,
                                "junk"));
    assert_int_equal(auth_store_find(&s, "google:default")->type, AUTH_OAUTH);
    assert_false(fsx_exists(legacy)); /* auth.json removed */
    assert_true(fsx_exists(oauth));   /* oauth.json kept */
    auth_store_release(&s);
    free(legacy);
    free(oauth);
    free(cred_dir);
}

/* Four processes each add 20 profiles through locked updates. */
static void test_concurrent_updates_lose_nothing(void **state)
{
    struct fx *f = *state;
    struct auth_store s;
    pid_t pids[4];
    int i, k, status;
    char id[64];

    for (i = 0; i < 4; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            for (k = 0; k < 20; k++) {
                snprintf(id, sizeof(id), "anthropic:p%d-%d", i, k);
                if (auth_store_update(f->h.dir, &f->h.paths, add_profile, id,
                                      NULL) != 1)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (i = 0; i < 4; i++) {
        waitpid(pids[i], &status, 0);
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    auth_store_init(&s);
    assert_int_equal(auth_store_load(&s, f->h.dir, &f->h.paths, NULL), 0);
    assert_int_equal(s.ncreds, 80);
    auth_store_release(&s);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_openclaw_file_round_trips_byte_exact),
        T(test_load_views),
        T(test_unknown_fields_and_invalid_entries_survive),
        T(test_corrupt_store_is_never_overwritten),
        T(test_new_store_layout),
        T(test_split_state_file),
        T(test_remove_forgets_everywhere),
        T(test_new_stats_key_order),
        T(test_legacy_import_once),
        T(test_concurrent_updates_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
