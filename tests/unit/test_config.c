/*
 * Config loading: syntax errors with line/column, $include (replace,
 * merge, siblings, nesting, cycles, missing files, roots), ${VAR}
 * substitution, validation messages, unknown keys, writing with backups,
 * redaction, default agent and agent dirs.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "config/env.h"
#include "json/json5.h"
#include "json/jsonx.h"

struct fx {
    char *dir;
    char *cfg;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    f->dir = tu_mkdtemp();
    f->cfg = path_join(f->dir, "openclaw.json");
    unsetenv("OPENCLAW_INCLUDE_ROOTS");
    unsetenv("OC_TEST_SUBST");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    tu_rmrf(f->dir);
    free(f->dir);
    free(f->cfg);
    free(f);
    return 0;
}

/* Load text as the main config; returns config_load's code. */
static int load_text(struct fx *f, struct config *cfg, const char *text)
{
    free(tu_write(f->dir, "openclaw.json", text));
    config_init(cfg);
    return config_load(cfg, f->cfg, 0, NULL);
}

static void expect_json(json_t *v, const char *want)
{
    char *got = jsonx_dumps(v, 0);

    assert_string_equal(got, want);
    free(got);
}

static void test_missing_file_is_empty_and_valid(void **state)
{
    struct fx *f = *state;
    struct config cfg;

    config_init(&cfg);
    assert_int_equal(config_load(&cfg, f->cfg, 0, NULL), 0);
    assert_false(cfg.exists);
    assert_true(config_is_valid(&cfg));
    expect_json(cfg.root, "{}");
    config_release(&cfg);
}

static void test_syntax_error_has_line_and_column(void **state)
{
    struct fx *f = *state;
    struct config cfg;

    assert_int_equal(load_text(f, &cfg,
                               "{\n  // comment\n  gateway: { port: 1 "
                               "bind: 'lan' }\n}\n"),
                     OC_EPARSE);
    assert_int_equal(cfg.problems.n, 1);
    assert_string_equal(cfg.problems.v[0].file, f->cfg);
    assert_int_equal(cfg.problems.v[0].line, 3);
    assert_int_equal(cfg.problems.v[0].column, 22);
    assert_null(cfg.raw);
    config_release(&cfg);
    assert_int_equal(load_text(f, &cfg, "[1, 2]"), OC_EPARSE);
    assert_non_null(strstr(cfg.problems.v[0].message, "must be an object"));
    config_release(&cfg);
}

static void test_json5_features_and_comments_flag(void **state)
{
    struct fx *f = *state;
    struct config cfg;

    assert_int_equal(load_text(f, &cfg,
                               "{\n  // OpenClaw-style JSON5\n  agents: {"
                               "defaults: {model: {primary: "
                               "'anthropic/claude-opus-4-5',},},},\n}"),
                     0);
    assert_true(cfg.had_comments);
    expect_json(cfg.root, "{\"agents\":{\"defaults\":{\"model\":{\"primary\""
                          ":\"anthropic/claude-opus-4-5\"}}}}");
    config_release(&cfg);
}

struct vcase {
    const char *text;
    const char *path;
    const char *message;
};

static const struct vcase vcases[] = {
    {"{gateway: {port: 'x'}}", "gateway.port",
     "expected an integer, got string \"x\""},
    {"{gateway: {port: 70000}}", "gateway.port",
     "expected an integer from 1 to 65535, got 70000"},
    {"{gateway: {bind: 'everywhere'}}", "gateway.bind",
     "invalid value \"everywhere\"; expected one of: loopback, lan, "
     "tailnet, auto, custom"},
    {"{gateway: {auth: {token: 'a', password: 'b'}}}", "gateway.auth",
     "both token and password are set; set gateway.auth.mode to \"token\" "
     "or \"password\""},
    {"{agents: {defaults: {model: 5}}}", "agents.defaults.model",
     "expected a model ref (\"provider/model\") or {primary, fallbacks}, "
     "got number 5"},
    {"{agents: {defaults: {model: {primary: ''}}}}",
     "agents.defaults.model.primary", "must not be empty"},
    {"{agents: {list: [{name: 'x'}]}}", "agents.list.0",
     "missing required key \"id\""},
    {"{agents: {list: [{id: 'a'}, {id: 'A'}]}}", "agents.list",
     "agent id \"A\" is used twice (entries 0 and 1)"},
    {"{agents: {defaults: {models: {'anthropic/claude-opus-4-5': {params: "
     "{cacheControlTtl: '2h'}}}}}}",
     "agents.defaults.models.anthropic/claude-opus-4-5.params."
     "cacheControlTtl",
     "invalid value \"2h\"; expected one of: 5m, 1h"},
    {"{auth: {profiles: {'anthropic:x': {mode: 'token'}}}}",
     "auth.profiles.anthropic:x", "missing required key \"provider\""},
    {"{auth: {order: {anthropic: 'anthropic:x'}}}", "auth.order.anthropic",
     "expected a list of strings, got string \"anthropic:x\""},
    {"{models: {providers: {anthropic: {apiKey: {source: 'vault', id: "
     "'X'}}}}}",
     "models.providers.anthropic.apiKey.source",
     "invalid value \"vault\"; expected one of: env, file, exec"},
    {"{env: {FOO: 1}}", "env.FOO", "expected a string, got number 1"},
    {"{env: {shellEnv: {enabled: 'yes'}}}", "env.shellEnv.enabled",
     "expected true or false, got string \"yes\""},
};

static void test_validation_messages(void **state)
{
    struct fx *f = *state;
    struct config cfg;
    size_t i;

    for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
        assert_int_equal(load_text(f, &cfg, vcases[i].text), OC_EINVAL);
        if (cfg.problems.n != 1)
            fail_msg("case %zu: %zu problems", i, cfg.problems.n);
        assert_string_equal(cfg.problems.v[0].path, vcases[i].path);
        assert_string_equal(cfg.problems.v[0].message, vcases[i].message);
        config_release(&cfg);
    }
}

static void test_unknown_keys_are_kept_and_listed(void **state)
{
    struct fx *f = *state;
    struct config cfg;

    assert_int_equal(
        load_text(f, &cfg,
                  "{channels: {telegram: {botToken: 'x'}}, plugins: {}, "
                  "gateway: {mode: 'local', tailscale: {mode: 'off'}}, "
                  "agents: {defaults: {params: {anything: 1}}}, meta: "
                  "{lastTouchedVersion: '2026.9.6'}}"),
        0);
    assert_int_equal(cfg.unknown.n, 3);
    assert_string_equal(cfg.unknown.v[0], "channels");
    assert_string_equal(cfg.unknown.v[1], "plugins");
    assert_string_equal(cfg.unknown.v[2], "gateway.tailscale");
    assert_non_null(json_object_get(cfg.root, "channels"));
    config_release(&cfg);
}

static void test_substitution(void **state)
{
    struct fx *f = *state;
    struct config cfg;
    char *raw;

    setenv("OC_TEST_SUBST", "https://proxy.example", 1);
    assert_int_equal(
        load_text(f, &cfg,
                  "{models: {providers: {anthropic: {baseUrl: "
                  "'${OC_TEST_SUBST}/v1', apiKey: '${OC_TEST_MISSING}', "
                  "headers: {x: '$${OC_TEST_SUBST}', y: '$5 ${lower}'}}}}}"),
        0);
    expect_json(
        json_object_get(
            json_object_get(json_object_get(cfg.root, "models"), "providers"),
            "anthropic"),
        "{\"baseUrl\":\"https://proxy.example/v1\",\"apiKey\":\"${OC_"
        "TEST_MISSING}\",\"headers\":{\"x\":\"${OC_TEST_SUBST}\","
        "\"y\":\"$5 ${lower}\"}}");
    assert_int_equal(cfg.warnings.n, 2); /* the missing var, gateway.mode */
    assert_non_null(strstr(cfg.warnings.v[0],
                           "missing env var \"OC_TEST_MISSING\" at "
                           "models.providers.anthropic.apiKey"));
    /* the raw tree keeps the placeholders for writing back */
    raw = jsonx_dumps(cfg.raw, 0);
    assert_non_null(strstr(raw, "${OC_TEST_SUBST}/v1"));
    free(raw);
    config_release(&cfg);
}

static void test_config_env_block_feeds_substitution(void **state)
{
    struct fx *f = *state;
    struct config cfg;
    const char *v;

    unsetenv("OC_TEST_ENVBLOCK");
    free(tu_write(f->dir, "openclaw.json",
                  "{env: {OC_TEST_ENVBLOCK: 'from-env-block'}, gateway: "
                  "{remote: {url: 'ws://${OC_TEST_ENVBLOCK}'}}}"));
    config_init(&cfg);
    assert_int_equal(config_load(&cfg, f->cfg, CONFIG_APPLY_ENV, NULL), 0);
    v = json_string_value(json_object_get(
        json_object_get(json_object_get(cfg.root, "gateway"), "remote"),
        "url"));
    assert_string_equal(v, "ws://from-env-block");
    config_release(&cfg);
    unsetenv("OC_TEST_ENVBLOCK");
}

static void test_include_single_array_siblings(void **state)
{
    struct fx *f = *state;
    struct config cfg;
    char *sub = path_join(f->dir, "conf.d");

    mkdir(sub, 0700);
    free(tu_write(sub, "agents.json5",
                  "{defaults: {model: 'anthropic/a', workspace: '/w'}}"));
    free(tu_write(sub, "a.json5", "{x: {k: 1, keep: true}, list: [1]}"));
    free(tu_write(sub, "b.json5",
                  "{x: {k: 2}, list: [2], $include: "
                  "'./c.json5'}"));
    free(tu_write(sub, "c.json5", "{deep: 'yes'}"));
    assert_int_equal(load_text(f, &cfg,
                               "{agents: {$include: './conf.d/agents.json5',"
                               " defaults: {model: 'anthropic/b'}},"
                               " wizard: {$include: ['./conf.d/a.json5', "
                               "'./conf.d/b.json5']}}"),
                     0);
    expect_json(json_object_get(cfg.root, "agents"),
                "{\"defaults\":{\"model\":\"anthropic/b\",\"workspace\":"
                "\"/w\"}}");
    expect_json(json_object_get(cfg.root, "wizard"),
                "{\"x\":{\"k\":2,\"keep\":true},\"list\":[2],\"deep\":"
                "\"yes\"}");
    /* raw keeps the $include for writing back */
    assert_non_null(
        json_object_get(json_object_get(cfg.raw, "agents"), "$include"));
    config_release(&cfg);
    free(sub);
}

static void expect_include_problem(struct fx *f, const char *text,
                                   const char *needle)
{
    struct config cfg;

    assert_int_equal(load_text(f, &cfg, text), OC_EPARSE);
    assert_true(cfg.problems.n >= 1);
    if (!strstr(cfg.problems.v[0].message, needle))
        fail_msg("'%s' not in '%s'", needle, cfg.problems.v[0].message);
    config_release(&cfg);
}

static void test_include_errors(void **state)
{
    struct fx *f = *state;
    struct config cfg;
    char *outside = tu_mkdtemp(), *p;

    expect_include_problem(f, "{a: {$include: './nope.json5'}}",
                           "$include file not found: ./nope.json5");
    free(tu_write(f->dir, "x.json5", "{$include: './y.json5'}"));
    free(tu_write(f->dir, "y.json5", "{$include: './x.json5'}"));
    expect_include_problem(f, "{a: {$include: './x.json5'}}",
                           "circular $include");
    free(tu_write(f->dir, "bad.json5", "{a: 1,\n  b: }"));
    assert_int_equal(load_text(f, &cfg, "{a: {$include: './bad.json5'}}"),
                     OC_EPARSE);
    assert_int_equal(cfg.problems.v[0].line, 2);
    assert_non_null(strstr(cfg.problems.v[0].file, "bad.json5"));
    config_release(&cfg);
    expect_include_problem(f, "{a: {$include: 5}}", "must be a file name");
    free(tu_write(outside, "o.json5", "{z: 1}"));
    p = xasprintf("{a: {$include: '%s/o.json5'}}", outside);
    expect_include_problem(f, p, "outside the config directory");
    setenv("OPENCLAW_INCLUDE_ROOTS", outside, 1);
    assert_int_equal(load_text(f, &cfg, p), 0);
    config_release(&cfg);
    unsetenv("OPENCLAW_INCLUDE_ROOTS");
    free(p);
    tu_rmrf(outside);
    free(outside);
}

static void test_include_depth_limit(void **state)
{
    struct fx *f = *state;
    char name[32], body[64];
    int i;

    for (i = 0; i < 12; i++) {
        snprintf(name, sizeof(name), "d%d.json5", i);
        snprintf(body, sizeof(body), "{$include: './d%d.json5'}", i + 1);
        free(tu_write(f->dir, name, body));
    }
    free(tu_write(f->dir, "d12.json5", "{}"));
    expect_include_problem(f, "{a: {$include: './d0.json5'}}",
                           "deeper than 10 levels");
}

static void test_write_backups_and_meta(void **state)
{
    struct fx *f = *state;
    struct config_write_result res;
    struct config cfg;
    char *text, *bak, name[64];
    int i;

    assert_int_equal(load_text(f, &cfg, "// hi\n{gateway: {port: 1}}"), 0);
    assert_int_equal(config_write(&cfg, &res, NULL), 0);
    assert_true(res.dropped_comments);
    assert_non_null(res.backup);
    bak = tu_read(res.backup);
    assert_string_equal(bak, "// hi\n{gateway: {port: 1}}");
    free(bak);
    config_write_result_release(&res);
    text = tu_read(f->cfg);
    assert_true(strncmp(text,
                        "{\n  \"gateway\": {\n    \"port\": 1\n  },\n"
                        "  \"meta\": {\n    \"lastTouchedVersion\": ",
                        60) == 0);
    assert_int_equal(text[strlen(text) - 1], '\n');
    assert_int_equal(tu_mode(f->cfg), 0600);
    free(text);
    for (i = 0; i < 7; i++) {
        assert_int_equal(config_write(&cfg, &res, NULL), 0);
        assert_false(res.dropped_comments);
        config_write_result_release(&res);
    }
    for (i = 1; i < CONFIG_BACKUP_COUNT; i++) {
        snprintf(name, sizeof(name), "openclaw.json.bak.%d", i);
        bak = path_join(f->dir, name);
        assert_int_equal(tu_mode(bak), 0600);
        free(bak);
    }
    bak = path_join(f->dir, "openclaw.json.bak.5");
    assert_int_equal(tu_mode(bak), -1);
    free(bak);
    config_release(&cfg);
}

static void test_redaction(void **state)
{
    struct fx *f = *state;
    struct config cfg;
    json_t *r;

    assert_int_equal(
        load_text(f, &cfg,
                  "{gateway: {auth: {mode: 'token', token: 'abc123secret'}},"
                  " env: {ANTHROPIC_API_KEY: 'sk-ant-x', LANG_X: 'C', vars: "
                  "{OPENROUTER_API_KEY: 'sk-or-x'}}, models: {providers: "
                  "{a: {apiKey: '${A_KEY}', headers: {Authorization: 'B x'}}"
                  "}}, agents: {defaults: {params: {maxTokens: 5}}}}"),
        0);
    r = config_redacted(cfg.root);
    expect_json(r,
                "{\"gateway\":{\"auth\":{\"mode\":\"token\",\"token\":"
                "\"" CONFIG_REDACTED
                "\"}},\"env\":{\"ANTHROPIC_API_KEY\":\"" CONFIG_REDACTED
                "\",\"LANG_X\":\"C\",\"vars\":{\"OPENROUTER_API_KEY\":"
                "\"" CONFIG_REDACTED
                "\"}},\"models\":{\"providers\":{\"a\":{\"apiKey\":\"${A_KEY}"
                "\",\"headers\":{\"Authorization\":\"" CONFIG_REDACTED
                "\"}}}},\"agents\":{\"defaults\":{\"params\":{\"maxTokens\""
                ":5}}}}");
    json_decref(r);
    config_release(&cfg);
}

static void test_substituted_secrets_stay_hidden(void **state)
{
    struct fx *f = *state;
    struct config cfg;
    char *shown, *msg;

    setenv("OC_TEST_SECRET", "sk-ant-api03-do-not-print-me", 1);
    assert_int_equal(
        load_text(f, &cfg,
                  "{models: {providers: {c: {baseUrl: "
                  "'https://x/v1?key=${OC_TEST_SECRET}', headers: "
                  "{'X-Custom-Auth': '${OC_TEST_SECRET}'}}}}, gateway: "
                  "{bind: '${OC_TEST_SECRET}', port: '${OC_TEST_SECRET}'}}"),
        OC_EINVAL);
    /* the displayable view keeps the placeholders */
    shown = jsonx_dumps(cfg.expanded, 0);
    assert_null(strstr(shown, "do-not-print"));
    assert_non_null(strstr(shown, "key=${OC_TEST_SECRET}"));
    free(shown);
    /* the resolved view has the value (for use, never for display) */
    shown = jsonx_dumps(cfg.root, 0);
    assert_non_null(strstr(shown, "do-not-print"));
    free(shown);
    /* problems never quote a substituted value */
    assert_int_equal(cfg.problems.n, 2);
    msg = cfg.problems.v[0].message;
    assert_string_equal(msg, "invalid value from ${VAR} substitution; "
                             "expected one of: loopback, lan, tailnet, "
                             "auto, custom");
    assert_string_equal(cfg.problems.v[1].message,
                        "expected an integer, got a string from ${VAR} "
                        "substitution");
    config_release(&cfg);
    unsetenv("OC_TEST_SECRET");
}

static void test_symlinked_config_includes_its_neighbours(void **state)
{
    struct fx *f = *state;
    char *dot = path_join(f->dir, "dotfiles"), *target, *p;
    struct config cfg;

    mkdir(dot, 0700);
    free(tu_write(dot, "agents.json5", "{defaults: {workspace: '/ws'}}"));
    target = tu_write(dot, "openclaw.json",
                      "{agents: {$include: './agents.json5'}}");
    assert_int_equal(symlink(target, f->cfg), 0);
    config_init(&cfg);
    assert_int_equal(config_load(&cfg, f->cfg, 0, NULL), 0);
    p = jsonx_dumps(cfg.root, 0);
    assert_string_equal(p, "{\"agents\":{\"defaults\":{\"workspace\":"
                           "\"/ws\"}}}");
    free(p);
    config_release(&cfg);
    free(target);
    free(dot);
}

static void test_default_agent_and_dirs(void **state)
{
    struct fx *f = *state;
    char home[] = "/home/u", st[] = "/home/u/.oc";
    struct oc_paths p = {.home = home, .state_dir = st};
    struct config cfg;
    char *s;

    assert_int_equal(load_text(f, &cfg,
                               "{agents: {list: [{id: 'Main'}, {id: 'work', "
                               "default: true, agentDir: '~/w/agent'}]}}"),
                     0);
    s = config_default_agent_id(cfg.root);
    assert_string_equal(s, "work");
    free(s);
    s = config_agent_dir(cfg.root, &p, "work");
    assert_string_equal(s, "/home/u/w/agent");
    free(s);
    s = config_agent_dir(cfg.root, &p, "main");
    assert_string_equal(s, "/home/u/.oc/agents/main/agent");
    free(s);
    config_release(&cfg);
    s = config_default_agent_id(NULL);
    assert_string_equal(s, "main");
    free(s);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_missing_file_is_empty_and_valid),
        T(test_syntax_error_has_line_and_column),
        T(test_json5_features_and_comments_flag),
        T(test_validation_messages),
        T(test_unknown_keys_are_kept_and_listed),
        T(test_substitution),
        T(test_config_env_block_feeds_substitution),
        T(test_include_single_array_siblings),
        T(test_include_errors),
        T(test_include_depth_limit),
        T(test_write_backups_and_meta),
        T(test_redaction),
        T(test_substituted_secrets_stay_hidden),
        T(test_symlinked_config_includes_its_neighbours),
        T(test_default_agent_and_dirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
