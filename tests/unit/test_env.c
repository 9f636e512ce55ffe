/*
 * Env layering: process env wins; a working directory's .env cannot set
 * credentials or OPENCLAW_* keys; the state .env can; the config env block
 * fills what is left; the login-shell import sets missing credential keys
 * and gives up at its deadline. Origins are remembered.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include "testutil.h"
#include "base/clock.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "config/env.h"
#include "config/paths.h"
#include "json/json5.h"

static const char *const keys[] = {"ANTHROPIC_API_KEY",
                                   "ANTHROPIC_OAUTH_TOKEN",
                                   "OPENROUTER_API_KEY",
                                   "OC_TEST_PLAIN",
                                   "OC_TEST_BOTH",
                                   "OPENCLAW_GATEWAY_TOKEN",
                                   "OPENCLAW_STATE_DIR",
                                   "OPENCLAW_CONFIG_PATH",
                                   "OPENCLAW_LOAD_SHELL_ENV",
                                   "OC_TEST_FLAT",
                                   "OC_TEST_VAR",
                                   "OC_TEST_REF",
                                   "LD_PRELOAD",
                                   "OPENCLAW_HOME",
                                   "SHELLOPTS",
                                   "PS4",
                                   NULL};

struct fx {
    char *dir;
    char *state;
    char *work;
    char *old_cwd;
    struct oc_paths paths;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    size_t i;

    for (i = 0; keys[i]; i++)
        unsetenv(keys[i]);
    env_reset();
    f->dir = tu_mkdtemp();
    f->state = path_join(f->dir, "state");
    f->work = path_join(f->dir, "work");
    mkdir(f->state, 0700);
    mkdir(f->work, 0700);
    f->old_cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(f->work), 0);
    setenv("HOME", f->dir, 1);
    setenv("OPENCLAW_STATE_DIR", f->state, 1);
    assert_int_equal(paths_resolve(&f->paths, NULL), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    assert_int_equal(chdir(f->old_cwd), 0);
    paths_release(&f->paths);
    tu_rmrf(f->dir);
    free(f->dir);
    free(f->state);
    free(f->work);
    free(f->old_cwd);
    free(f);
    return 0;
}

static void test_state_dotenv_and_process_precedence(void **state)
{
    struct fx *f = *state;
    const char *file = NULL;

    free(tu_write(f->state, ".env",
                  "ANTHROPIC_API_KEY=sk-ant-from-state\nOC_TEST_BOTH=state\n"));
    setenv("OC_TEST_BOTH", "process", 1);
    assert_int_equal(env_load_state_dotenv(&f->paths, NULL), 0);
    assert_string_equal(getenv("ANTHROPIC_API_KEY"), "sk-ant-from-state");
    assert_string_equal(getenv("OC_TEST_BOTH"), "process");
    assert_int_equal(env_origin("ANTHROPIC_API_KEY", &file),
                     ENV_SRC_STATE_DOTENV);
    assert_non_null(strstr(file, "/state/.env"));
    assert_int_equal(env_origin("OC_TEST_BOTH", NULL), ENV_SRC_PROCESS);
    assert_int_equal(env_origin("OC_TEST_PLAIN", NULL), ENV_SRC_UNSET);
}

static void test_cwd_dotenv_refuses_credentials(void **state)
{
    struct fx *f = *state;
    const struct env_refusal *r;
    size_t i, found = 0;

    free(tu_write(f->work, ".env",
                  "ANTHROPIC_API_KEY=sk-ant-injected\n"
                  "OPENCLAW_STATE_DIR=/tmp/evil\n"
                  "LD_PRELOAD=/tmp/evil.so\n"
                  "OC_TEST_PLAIN=fine\n"));
    free(tu_write(f->state, ".env", "ANTHROPIC_API_KEY=sk-ant-trusted\n"));
    assert_int_equal(env_load_cwd_dotenv(NULL), 0);
    assert_int_equal(env_load_state_dotenv(&f->paths, NULL), 0);
    assert_string_equal(getenv("ANTHROPIC_API_KEY"), "sk-ant-trusted");
    assert_string_equal(getenv("OPENCLAW_STATE_DIR"), f->state);
    assert_null(getenv("LD_PRELOAD"));
    assert_string_equal(getenv("OC_TEST_PLAIN"), "fine");
    assert_int_equal(env_origin("OC_TEST_PLAIN", NULL), ENV_SRC_CWD_DOTENV);
    for (i = 0; i < env_refusal_count(); i++) {
        r = env_refusal_at(i);
        if (!strcmp(r->key, "ANTHROPIC_API_KEY")) {
            assert_int_equal(r->line, 1);
            assert_non_null(strstr(r->reason, "provider credentials"));
            found++;
        }
    }
    assert_int_equal(found, 1);
    assert_int_equal(env_refusal_count(), 3);
}

static void test_config_env_block(void **state)
{
    const char *text = "{env: {OC_TEST_FLAT: 'flat', ANTHROPIC_API_KEY: "
                       "'sk-ant-cfg', OC_TEST_REF: '${HOME}', LD_PRELOAD: "
                       "'x', vars: {OC_TEST_VAR: 'var', OC_TEST_BOTH: 'cfg'},"
                       " shellEnv: {enabled: false}}}";
    json_t *root = json5_parse(text, strlen(text), NULL, NULL, NULL);

    (void)state;
    setenv("OC_TEST_BOTH", "process", 1);
    assert_int_equal(env_apply_config(root, "/x/openclaw.json"), 3);
    assert_string_equal(getenv("OC_TEST_FLAT"), "flat");
    assert_string_equal(getenv("OC_TEST_VAR"), "var");
    assert_string_equal(getenv("ANTHROPIC_API_KEY"), "sk-ant-cfg");
    assert_string_equal(getenv("OC_TEST_BOTH"), "process");
    assert_null(getenv("OC_TEST_REF"));
    assert_null(getenv("LD_PRELOAD"));
    assert_null(getenv("shellEnv"));
    assert_int_equal(env_origin("OC_TEST_VAR", NULL), ENV_SRC_CONFIG);
    json_decref(root);
}

static void test_key_classes(void **state)
{
    (void)state;
    assert_true(env_is_credential_key("ANTHROPIC_API_KEY"));
    assert_true(env_is_credential_key("ANTHROPIC_OAUTH_TOKEN"));
    assert_true(env_is_credential_key("SOME_VENDOR_API_KEY"));
    assert_true(env_is_credential_key("ANTHROPIC_API_KEY_2"));
    assert_true(env_is_credential_key("GH_TOKEN"));
    assert_false(env_is_credential_key("EDITOR"));
    assert_true(env_is_dangerous_key("LD_PRELOAD"));
    assert_true(env_is_dangerous_key("NODE_OPTIONS"));
    assert_false(env_is_dangerous_key("LANG"));
    assert_string_equal(env_provider_keys("anthropic")[0],
                        "ANTHROPIC_OAUTH_TOKEN");
    assert_string_equal(env_provider_keys("anthropic")[1], "ANTHROPIC_API_KEY");
    assert_null(env_provider_keys("nope")[0]);
}

/* /bin/sh -l reads $HOME/.profile: a stand-in for the user's login
 * shell setup. */
static void test_shell_import(void **state)
{
    struct fx *f = *state;
    const char *text = "{env: {shellEnv: {enabled: true, timeoutMs: 5000}}}";
    json_t *root = json5_parse(text, strlen(text), NULL, NULL, NULL);

    setenv("SHELL", "/bin/sh", 1);
    free(tu_write(f->dir, ".profile",
                  "export OPENROUTER_API_KEY=sk-or-from-shell\n"
                  "export OC_TEST_PLAIN=not-expected\n"));
    assert_true(env_shell_enabled(root));
    assert_int_equal(env_shell_import(root, NULL), 0);
    assert_string_equal(getenv("OPENROUTER_API_KEY"), "sk-or-from-shell");
    assert_null(getenv("OC_TEST_PLAIN"));
    assert_int_equal(env_origin("OPENROUTER_API_KEY", NULL), ENV_SRC_SHELL);
    assert_int_equal(env_shell_applied()->n, 1);
    json_decref(root);
}

static void test_shell_env_excludes_dotenv_keys(void **state)
{
    struct fx *f = *state;
    char *seen_path = path_join(f->dir, "seen");
    char *pwned = path_join(f->dir, "pwned");
    char *profile = xasprintf("echo \"[$OC_TEST_PLAIN][$SHELLOPTS]\" > %s\n"
                              "export OPENROUTER_API_KEY=x\n",
                              seen_path);
    char *dotenv = xasprintf("OC_TEST_PLAIN=from-dotenv\nSHELLOPTS=xtrace\n"
                             "PS4=$(touch %s)\n",
                             pwned);
    char *seen;

    setenv("SHELL", "/bin/sh", 1);
    setenv("OPENCLAW_LOAD_SHELL_ENV", "1", 1);
    free(tu_write(f->work, ".env", dotenv));
    free(tu_write(f->dir, ".profile", profile));
    assert_int_equal(env_load_cwd_dotenv(NULL), 0);
    assert_string_equal(getenv("OC_TEST_PLAIN"), "from-dotenv");
    assert_null(getenv("SHELLOPTS"));
    assert_int_equal(env_shell_import(NULL, NULL), 0);
    seen = tu_read(seen_path);
    assert_string_equal(seen, "[][]\n");
    assert_int_equal(tu_mode(pwned), -1);
    free(seen);
    free(profile);
    free(dotenv);
    free(pwned);
    free(seen_path);
}

static void test_shell_import_skipped_when_keys_present(void **state)
{
    struct fx *f = *state;

    setenv("SHELL", "/bin/sh", 1);
    setenv("OPENCLAW_LOAD_SHELL_ENV", "1", 1);
    setenv("ANTHROPIC_API_KEY", "sk-ant-present", 1);
    free(tu_write(f->dir, ".profile", "export OPENROUTER_API_KEY=x\n"));
    assert_int_equal(env_shell_import(NULL, NULL), 0);
    assert_null(getenv("OPENROUTER_API_KEY"));
}

/* Running, not dead or a zombie waiting for init to reap it. */
static bool process_running(long pid)
{
    char path[64], *stat, *paren;
    bool running;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    stat = tu_read(path);
    if (!stat)
        return false;
    paren = strrchr(stat, ')');
    running = paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
    free(stat);
    return running;
}

/* A hung login shell: the import gives up at its deadline and leaves
 * nothing running behind it. */
static void test_shell_import_timeout(void **state)
{
    struct fx *f = *state;
    const char *text = "{env: {shellEnv: {enabled: true, timeoutMs: 200}}}";
    json_t *root = json5_parse(text, strlen(text), NULL, NULL, NULL);
    char *pid_path = path_join(f->dir, "sleeper");
    char *profile = xasprintf("sleep 30 &\necho $! > %s\nwait\n", pid_path);
    struct oc_err err;
    int64_t t0 = clock_mono_ms();
    char *pid_text;
    long pid;

    setenv("SHELL", "/bin/sh", 1);
    free(tu_write(f->dir, ".profile", profile));
    assert_int_equal(env_shell_import(root, &err), OC_ETIMEDOUT);
    assert_true(clock_mono_ms() - t0 < 2000);
    assert_non_null(strstr(err.msg, "200 ms"));
    assert_null(getenv("OPENROUTER_API_KEY"));
    pid_text = tu_read(pid_path);
    assert_non_null(pid_text);
    pid = strtol(pid_text, NULL, 10);
    clock_sleep_ms(100);
    assert_false(process_running(pid));
    free(pid_text);
    free(profile);
    free(pid_path);
    json_decref(root);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_state_dotenv_and_process_precedence),
        T(test_cwd_dotenv_refuses_credentials),
        T(test_config_env_block),
        T(test_key_classes),
        T(test_shell_import),
        T(test_shell_env_excludes_dotenv_keys),
        T(test_shell_import_skipped_when_keys_present),
        T(test_shell_import_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
