/*
 * Which credential a request uses (auth/resolve) and how healthy each one
 * is (auth/health): config metadata that excludes a profile (and the
 * sentence saying so), cooldowns that skip a profile, env before config
 * keys, pinned profiles, and OpenClaw's short durations and labels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "auth/health.h"
#include "auth/resolve.h"
#include "auth/store.h"
#include "base/xalloc.h"
#include "json/json5.h"

#define NOW 1795363519953LL

static const char STORE[] =
    "{\"version\":1,\"profiles\":{"
    "\"anthropic:a\":{\"type\":\"api_key\",\"provider\":\"anthropic\","
    "\"key\":\"sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA\"},"
    "\"anthropic:t\":{\"type\":\"token\",\"provider\":\"anthropic\","
    "\"token\":\"sk-ant-oat01-TTTTTTTTTTTTTTTTTTTTTTTT\"},"
    "\"anthropic:old\":{\"type\":\"token\",\"provider\":\"anthropic\","
    "\"token\":\"sk-ant-oat01-OOOOOOOOOOOOOOOOOOOOOOOO\",\"expires\":1000},"
    "\"anthropic:env\":{\"type\":\"api_key\",\"provider\":\"anthropic\","
    "\"key\":\"${OC_TEST_UNSET_VAR}\"},"
    "\"openrouter:manual\":{\"type\":\"token\",\"provider\":\"openrouter\","
    "\"token\":\"sk-or-v1-RRRRRRRRRRRRRRRRRRRRRRRR\"}},"
    "\"usageStats\":{\"anthropic:t\":{\"cooldownUntil\":99999999999999,"
    "\"errorCount\":2}}}";

struct fx {
    char *root;
    struct oc_paths paths;
    struct auth_store s;
    json_t *cfg;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    struct oc_err err;
    char *dir;

    f->root = tu_mkdtemp();
    f->paths.home = f->root;
    f->paths.state_dir = f->root;
    dir = xasprintf("%s/agent", f->root);
    assert_int_equal(mkdir(dir, 0700), 0);
    free(tu_write(dir, "auth-profiles.json", STORE));
    auth_store_init(&f->s);
    assert_int_equal(auth_store_load(&f->s, dir, &f->paths, &err), 0);
    free(dir);
    f->cfg = json_object();
    unsetenv("ANTHROPIC_API_KEY");
    unsetenv("ANTHROPIC_OAUTH_TOKEN");
    unsetenv("OC_TEST_UNSET_VAR");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    auth_store_release(&f->s);
    json_decref(f->cfg);
    tu_rmrf(f->root);
    free(f->root);
    free(f);
    return 0;
}

static json_t *cfg_from(const char *text)
{
    json_t *v = json5_parse(text, strlen(text), NULL, NULL, NULL);

    assert_non_null(v);
    return v;
}

static void test_candidates_skip_unfit(void **state)
{
    struct fx *f = *state;
    struct auth_query q = {f->cfg, "anthropic", "claude-opus-4-5", NOW};
    struct strlist ids = STRLIST_INIT;

    auth_candidates(&f->s, &q, NULL, &ids);
    /* expired and unresolved profiles are not candidates; the one in
     * cooldown comes last; tokens before API keys */
    assert_int_equal(ids.n, 2);
    assert_string_equal(ids.v[0], "anthropic:a");
    assert_string_equal(ids.v[1], "anthropic:t");
    strlist_release(&ids);
}

static void test_pick_skips_cooldown(void **state)
{
    struct fx *f = *state;
    struct auth_query q = {f->cfg, "anthropic", "claude-opus-4-5", NOW};
    struct auth_pick p;

    assert_int_equal(auth_pick(&f->s, &q, NULL, &p), AUTH_SRC_PROFILE);
    assert_string_equal(p.cred->id, "anthropic:a");
    /* pinned to the cooling profile: nothing usable, no env fallback */
    setenv("ANTHROPIC_API_KEY", "sk-ant-api03-ENVENVENVENVENVENV", 1);
    assert_int_equal(auth_pick(&f->s, &q, "anthropic:t", &p), AUTH_SRC_NONE);
    unsetenv("ANTHROPIC_API_KEY");
}

static void test_env_then_config(void **state)
{
    struct fx *f = *state;
    json_t *cfg = cfg_from("{models:{providers:{openai:{apiKey:'sk-cfg-"
                           "0123456789'}}}}");
    struct auth_query q = {cfg, "openai", NULL, NOW};
    struct auth_pick p;

    assert_int_equal(auth_pick(&f->s, &q, NULL, &p), AUTH_SRC_CONFIG);
    setenv("OPENAI_API_KEY", "sk-env-0123456789", 1);
    assert_int_equal(auth_pick(&f->s, &q, NULL, &p), AUTH_SRC_ENV);
    assert_string_equal(p.env_name, "OPENAI_API_KEY");
    unsetenv("OPENAI_API_KEY");
    json_decref(cfg);
    /* an unresolved ${VAR} in the config is not a key */
    cfg = cfg_from("{models:{providers:{openai:{apiKey:'${NOPE_KEY}'}}}}");
    q.cfg = cfg;
    assert_int_equal(auth_pick(&f->s, &q, NULL, &p), AUTH_SRC_NONE);
    json_decref(cfg);
}

static void test_mode_mismatch_explained(void **state)
{
    struct fx *f = *state;
    json_t *cfg = cfg_from("{auth:{profiles:{'anthropic:a':{provider:"
                           "'anthropic',mode:'token'}}}}");
    const struct auth_cred *a = auth_store_find(&f->s, "anthropic:a");
    struct buf why;

    buf_init(&why, 0);
    assert_int_equal(auth_profile_fit(a, cfg, "anthropic", NOW),
                     FIT_MODE_MISMATCH);
    assert_true(auth_unfit_reason(a, cfg, "anthropic", NOW, &why));
    assert_string_equal(
        why.p, "auth.profiles[\"anthropic:a\"].mode in the config is "
               "\"token\" but the stored profile is api_key; set it to match "
               "(openclaw config set 'auth.profiles[\"anthropic:a\"].mode' "
               "api_key)");
    buf_release(&why);
    json_decref(cfg);
    /* config "oauth" accepts a stored token */
    cfg = cfg_from("{auth:{profiles:{'anthropic:t':{provider:'anthropic',"
                   "mode:'oauth'}}}}");
    assert_int_equal(auth_profile_fit(auth_store_find(&f->s, "anthropic:t"),
                                      cfg, "anthropic", NOW),
                     FIT_OK);
    json_decref(cfg);
}

static void test_ineligible_explained(void **state)
{
    struct fx *f = *state;
    struct buf why;

    buf_init(&why, 0);
    assert_true(auth_unfit_reason(auth_store_find(&f->s, "anthropic:old"),
                                  f->cfg, "anthropic", NOW, &why));
    assert_non_null(strstr(why.p, "it has expired; save a new one"));
    buf_reset(&why);
    assert_true(auth_unfit_reason(auth_store_find(&f->s, "anthropic:env"),
                                  f->cfg, "anthropic", NOW, &why));
    assert_string_equal(why.p, "it refers to the environment variable "
                               "OC_TEST_UNSET_VAR, which is not set");
    buf_reset(&why);
    assert_false(auth_unfit_reason(auth_store_find(&f->s, "anthropic:a"),
                                   f->cfg, "anthropic", NOW, &why));
    assert_int_equal(why.len, 0);
    buf_release(&why);
}

static void test_order_config_overrides(void **state)
{
    struct fx *f = *state;
    json_t *cfg = cfg_from("{auth:{order:{anthropic:['anthropic:t',"
                           "'anthropic:a']}}}");
    struct auth_query q = {cfg, "anthropic", NULL, NOW};
    struct strlist ids = STRLIST_INIT;

    auth_candidates(&f->s, &q, NULL, &ids);
    assert_int_equal(ids.n, 2);
    /* explicit order, but the profile in cooldown still goes last */
    assert_string_equal(ids.v[0], "anthropic:a");
    strlist_release(&ids);
    json_decref(cfg);
}

static void test_health(void **state)
{
    struct fx *f = *state;
    struct profile_health h;
    char left[16];
    struct buf label;
    struct usage_stats st;

    health_of(auth_store_find(&f->s, "anthropic:a"), NOW, &h);
    assert_int_equal(h.status, HEALTH_STATIC);
    health_of(auth_store_find(&f->s, "anthropic:old"), NOW, &h);
    assert_int_equal(h.status, HEALTH_EXPIRED);
    assert_int_equal(health_check_code(h.status), 1);
    assert_int_equal(health_check_code(HEALTH_EXPIRING), 2);
    assert_int_equal(health_check_code(HEALTH_STATIC), 0);
    health_remaining(0, left, sizeof(left));
    assert_string_equal(left, "0m");
    health_remaining(45 * 60000LL, left, sizeof(left));
    assert_string_equal(left, "45m");
    health_remaining(12 * 3600000LL, left, sizeof(left));
    assert_string_equal(left, "12h");
    health_remaining(30 * 86400000LL, left, sizeof(left));
    assert_string_equal(left, "30d");
    /* each unit rounds half up, as the TypeScript Math.round does */
    health_remaining(59999, left, sizeof(left));
    assert_string_equal(left, "1m");
    health_remaining(90 * 1000LL, left, sizeof(left));
    assert_string_equal(left, "2m");
    health_remaining(59 * 60000LL + 29999, left, sizeof(left));
    assert_string_equal(left, "59m");
    health_remaining(59 * 60000LL + 30000, left, sizeof(left));
    assert_string_equal(left, "1h");
    health_remaining(47 * 3600000LL + 1799999, left, sizeof(left));
    assert_string_equal(left, "47h");
    health_remaining(47 * 3600000LL + 1800000, left, sizeof(left));
    assert_string_equal(left, "2d");
    health_remaining(60 * 3600000LL, left, sizeof(left));
    assert_string_equal(left, "3d");
    buf_init(&label, 0);
    auth_store_stats(&f->s, "anthropic:t", &st);
    health_label(auth_store_find(&f->s, "anthropic:t"), &st, NOW, &label);
    assert_non_null(strstr(label.p, "anthropic:t=token:sk-ant-o..."));
    assert_non_null(strstr(label.p, "[cooldown"));
    assert_null(strstr(label.p, "TTTTTTTTTTTTTTTTTTTT"));
    buf_release(&label);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_candidates_skip_unfit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pick_skips_cooldown, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_env_then_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_mismatch_explained, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ineligible_explained, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_order_config_overrides, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_health, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
