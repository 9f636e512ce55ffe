/*
 * Path resolution from the environment: home, state dir, config path,
 * legacy names, profiles, display paths, agent ids.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "config/paths.h"

static const char *const vars[] = {
    "OPENCLAW_HOME",    "OPENCLAW_STATE_DIR",    "OPENCLAW_CONFIG_PATH",
    "OPENCLAW_PROFILE", "OPENCLAW_GATEWAY_PORT", NULL};

static int setup(void **state)
{
    size_t i;
    char *home = tu_mkdtemp();

    for (i = 0; vars[i]; i++)
        unsetenv(vars[i]);
    setenv("HOME", home, 1);
    *state = home;
    return 0;
}

static int teardown(void **state)
{
    tu_rmrf(*state);
    free(*state);
    return 0;
}

static void resolve(struct oc_paths *p)
{
    assert_int_equal(paths_resolve(p, NULL), 0);
}

static void test_defaults(void **state)
{
    const char *home = *state;
    struct oc_paths p;
    char *want;

    resolve(&p);
    assert_string_equal(p.home, home);
    want = xasprintf("%s/.openclaw", home);
    assert_string_equal(p.state_dir, want);
    free(want);
    want = xasprintf("%s/.openclaw/openclaw.json", home);
    assert_string_equal(p.config_path, want);
    free(want);
    assert_null(p.profile);
    assert_false(p.home_overridden);
    paths_release(&p);
}

static void test_legacy_names(void **state)
{
    const char *home = *state;
    char *legacy = path_join(home, ".clawdbot"), *modern, *want;
    struct oc_paths p;

    mkdir(legacy, 0700);
    free(tu_write(legacy, "clawdbot.json", "{}"));
    resolve(&p);
    assert_string_equal(p.state_dir, legacy);
    want = path_join(legacy, "clawdbot.json");
    assert_string_equal(p.config_path, want);
    free(want);
    paths_release(&p);
    modern = path_join(home, ".openclaw");
    mkdir(modern, 0700);
    resolve(&p);
    assert_string_equal(p.state_dir, modern);
    paths_release(&p);
    free(modern);
    free(legacy);
}

static void test_env_overrides(void **state)
{
    const char *home = *state;
    struct oc_paths p;
    char *want;

    setenv("OPENCLAW_STATE_DIR", "  ~/custom-state  ", 1);
    setenv("OPENCLAW_CONFIG_PATH", "undefined", 1);
    resolve(&p);
    want = xasprintf("%s/custom-state", home);
    assert_string_equal(p.state_dir, want);
    free(want);
    want = xasprintf("%s/custom-state/openclaw.json", home);
    assert_string_equal(p.config_path, want);
    free(want);
    paths_release(&p);
    setenv("OPENCLAW_CONFIG_PATH", "/etc/oc.json", 1);
    resolve(&p);
    assert_string_equal(p.config_path, "/etc/oc.json");
    paths_release(&p);
}

static void test_openclaw_home(void **state)
{
    const char *home = *state;
    struct oc_paths p;
    char *want, *shown;

    setenv("OPENCLAW_HOME", "~/alt", 1);
    resolve(&p);
    want = xasprintf("%s/alt", home);
    assert_string_equal(p.home, want);
    assert_true(p.home_overridden);
    shown = paths_shorten(&p, p.config_path);
    assert_string_equal(shown, "$OPENCLAW_HOME/.openclaw/openclaw.json");
    free(shown);
    free(want);
    paths_release(&p);
}

static void test_shorten(void **state)
{
    const char *home = *state;
    struct oc_paths p;
    char *s, *sibling;

    resolve(&p);
    s = paths_shorten(&p, p.config_path);
    assert_string_equal(s, "~/.openclaw/openclaw.json");
    free(s);
    s = paths_shorten(&p, "/elsewhere/x");
    assert_string_equal(s, "/elsewhere/x");
    free(s);
    sibling = xasprintf("%sx/y", home);
    s = paths_shorten(&p, sibling);
    assert_string_equal(s, sibling);
    free(s);
    free(sibling);
    paths_release(&p);
}

static void test_profiles(void **state)
{
    const char *home = *state;
    char *want;

    assert_int_equal(paths_apply_profile("work", false, NULL), 0);
    want = xasprintf("%s/.openclaw-work", home);
    assert_string_equal(getenv("OPENCLAW_STATE_DIR"), want);
    free(want);
    want = xasprintf("%s/.openclaw-work/openclaw.json", home);
    assert_string_equal(getenv("OPENCLAW_CONFIG_PATH"), want);
    free(want);
    assert_string_equal(getenv("OPENCLAW_PROFILE"), "work");
    assert_null(getenv("OPENCLAW_GATEWAY_PORT"));
    /* never overrides what is already set */
    assert_int_equal(paths_apply_profile(NULL, true, NULL), 0);
    assert_string_equal(getenv("OPENCLAW_PROFILE"), "work");
    assert_string_equal(getenv("OPENCLAW_GATEWAY_PORT"), "19001");
    assert_int_equal(paths_apply_profile("bad name", false, NULL), OC_EINVAL);
    assert_int_equal(paths_apply_profile("-x", false, NULL), OC_EINVAL);
}

static void test_profile_replaces_unset_like_values(void **state)
{
    const char *home = *state;
    char *want;

    setenv("OPENCLAW_STATE_DIR", "", 1);
    setenv("OPENCLAW_CONFIG_PATH", "undefined", 1);
    assert_int_equal(paths_apply_profile("work", false, NULL), 0);
    want = xasprintf("%s/.openclaw-work", home);
    assert_string_equal(getenv("OPENCLAW_STATE_DIR"), want);
    free(want);
    want = xasprintf("%s/.openclaw-work/openclaw.json", home);
    assert_string_equal(getenv("OPENCLAW_CONFIG_PATH"), want);
    free(want);
}

static void test_default_profile_and_dev(void **state)
{
    const char *home = *state;
    char *want;

    assert_int_equal(paths_apply_profile(NULL, true, NULL), 0);
    want = xasprintf("%s/.openclaw-dev", home);
    assert_string_equal(getenv("OPENCLAW_STATE_DIR"), want);
    free(want);
    unsetenv("OPENCLAW_STATE_DIR");
    unsetenv("OPENCLAW_CONFIG_PATH");
    unsetenv("OPENCLAW_PROFILE");
    assert_int_equal(paths_apply_profile("default", false, NULL), 0);
    want = xasprintf("%s/.openclaw", home);
    assert_string_equal(getenv("OPENCLAW_STATE_DIR"), want);
    free(want);
}

struct id_case {
    const char *in, *want;
};

static void test_agent_ids(void **state)
{
    static const struct id_case cases[] = {
        {"main", "main"},
        {"Work", "work"},
        {"my agent!", "my-agent"},
        {"--x--", "x"},
        {"", "main"},
        {"   ", "main"},
        {"a__b-c", "a__b-c"},
        {"\xe6\x97\xa5", "main"},
        {"x.y", "x-y"},
        {"1234567890123456789012345678901234567890123456789012345678901234"
         "5678",
         "1234567890123456789012345678901234567890123456789012345678901234"},
    };
    size_t i;
    char *r;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        r = paths_normalize_agent_id(cases[i].in);
        assert_string_equal(r, cases[i].want);
        free(r);
    }
}

static void test_agent_dir(void **state)
{
    const char *home = *state;
    struct oc_paths p;
    char *d, *want;

    resolve(&p);
    d = paths_default_agent_dir(&p, "work");
    want = xasprintf("%s/.openclaw/agents/work/agent", home);
    assert_string_equal(d, want);
    free(want);
    free(d);
    paths_release(&p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_legacy_names),
        T(test_env_overrides),
        T(test_openclaw_home),
        T(test_shorten),
        T(test_profiles),
        T(test_default_profile_and_dev),
        T(test_agent_ids),
        T(test_agent_dir),
        T(test_profile_replaces_unset_like_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
