/*
 * Installed service definitions: environment entries and the program of
 * systemd units (quoting, several assignments per line, continuations)
 * and launchd plists (entities), and removal of chosen entries that
 * keeps every other byte.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "gateway/svcfile.h"

static const char UNIT[] =
    "[Unit]\n"
    "Description=OpenClaw Gateway\n"
    "\n"
    "[Service]\n"
    "ExecStart=/usr/local/bin/openclaw gateway --port 18789\n"
    "Environment=HOME=/home/u \"ANTHROPIC_API_KEY=sk-ant-api03-x y\"\n"
    "Environment=OPENCLAW_GATEWAY_PORT=18789\n"
    "Environment='OPENCLAW_GATEWAY_TOKEN=abc' \\\n"
    "  PATH=/usr/bin\n"
    "EnvironmentFile=-%h/.openclaw/gateway.systemd.env\n"
    "# Environment=COMMENTED=1\n"
    "Restart=always\n";

static void test_systemd_parse(void **state)
{
    struct svc_file f;

    (void)state;
    svc_file_init(&f);
    svc_parse_systemd(UNIT, strlen(UNIT), &f);
    assert_string_equal(f.exec, "/usr/local/bin/openclaw");
    assert_int_equal(f.exec_line, 5);
    assert_int_equal(f.nenv, 5);
    assert_string_equal(f.env[0].key, "HOME");
    assert_string_equal(f.env[1].key, "ANTHROPIC_API_KEY");
    assert_string_equal(f.env[1].value, "sk-ant-api03-x y");
    assert_int_equal(f.env[1].line, 6);
    assert_string_equal(f.env[3].key, "OPENCLAW_GATEWAY_TOKEN");
    assert_string_equal(f.env[3].value, "abc");
    assert_string_equal(f.env[4].key, "PATH");
    assert_int_equal(f.env[4].line, 8);
    assert_int_equal(f.env_files.n, 1);
    assert_string_equal(f.env_files.v[0], "-%h/.openclaw/gateway.systemd.env");
    svc_file_release(&f);
}

static void test_systemd_strip(void **state)
{
    struct strlist drop = STRLIST_INIT;
    char *out;

    (void)state;
    strlist_push(&drop, "ANTHROPIC_API_KEY");
    strlist_push(&drop, "OPENCLAW_GATEWAY_TOKEN");
    strlist_push(&drop, "PATH");
    out = svc_strip_systemd(UNIT, strlen(UNIT), &drop);
    assert_string_equal(out,
                        "[Unit]\n"
                        "Description=OpenClaw Gateway\n"
                        "\n"
                        "[Service]\n"
                        "ExecStart=/usr/local/bin/openclaw gateway --port "
                        "18789\n"
                        "Environment=HOME=/home/u\n"
                        "Environment=OPENCLAW_GATEWAY_PORT=18789\n"
                        "EnvironmentFile=-%h/.openclaw/gateway.systemd.env\n"
                        "# Environment=COMMENTED=1\n"
                        "Restart=always\n");
    free(out);
    /* nothing to drop: the same bytes */
    strlist_release(&drop);
    strlist_push(&drop, "NOT_THERE");
    out = svc_strip_systemd(UNIT, strlen(UNIT), &drop);
    assert_string_equal(out, UNIT);
    free(out);
    strlist_release(&drop);
}

static const char PLIST[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<plist version=\"1.0\"><dict>\n"
    "  <key>Label</key><string>ai.openclaw.gateway</string>\n"
    "  <key>ProgramArguments</key><array>\n"
    "    <string>/opt/homebrew/bin/openclaw</string><string>gateway</string>\n"
    "  </array>\n"
    "  <key>EnvironmentVariables</key><dict>\n"
    "    <key>HOME</key><string>/Users/u</string>\n"
    "    <key>ANTHROPIC_API_KEY</key><string>sk-&amp;key</string>\n"
    "  </dict>\n"
    "</dict></plist>\n";

static void test_plist(void **state)
{
    struct strlist drop = STRLIST_INIT;
    struct svc_file f;
    char *out;

    (void)state;
    svc_file_init(&f);
    svc_parse_plist(PLIST, strlen(PLIST), &f);
    assert_string_equal(f.exec, "/opt/homebrew/bin/openclaw");
    assert_int_equal(f.nenv, 2);
    assert_string_equal(f.env[1].key, "ANTHROPIC_API_KEY");
    assert_string_equal(f.env[1].value, "sk-&key");
    assert_int_equal(f.env[1].line, 9);
    svc_file_release(&f);
    strlist_push(&drop, "ANTHROPIC_API_KEY");
    out = svc_strip_plist(PLIST, strlen(PLIST), &drop);
    assert_null(strstr(out, "ANTHROPIC"));
    assert_non_null(strstr(out, "    <key>HOME</key><string>/Users/u</string>\n"
                                "  </dict>\n"));
    assert_int_equal(strlen(out), strlen(PLIST) - strlen("    <key>ANTHROPIC_"
                                                         "API_KEY</key><string>"
                                                         "sk-&amp;key</string>"
                                                         "\n"));
    free(out);
    strlist_release(&drop);
}

static void test_plist_non_string_value(void **state)
{
    static const char p[] =
        "<key>EnvironmentVariables</key><dict>\n"
        "  <key>FLAG</key><true/>\n"
        "  <key>ANTHROPIC_API_KEY</key><string>sk-x</string>\n"
        "</dict>\n";
    struct svc_file f;

    (void)state;
    svc_file_init(&f);
    svc_parse_plist(p, strlen(p), &f);
    /* FLAG is not paired with the next key's string */
    assert_int_equal(f.nenv, 1);
    assert_string_equal(f.env[0].key, "ANTHROPIC_API_KEY");
    assert_string_equal(f.env[0].value, "sk-x");
    svc_file_release(&f);
}

static void test_hostile(void **state)
{
    static const char *const inputs[] = {
        "Environment=\"unterminated",
        "Environment=",
        "ExecStart=",
        "Environment=\\",
        "<key>EnvironmentVariables</key><dict><key>A",
        "<key>ProgramArguments</key><array><string>",
        "\\\n\\\n",
    };
    struct svc_file f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        svc_file_init(&f);
        svc_parse_systemd(inputs[i], strlen(inputs[i]), &f);
        svc_parse_plist(inputs[i], strlen(inputs[i]), &f);
        svc_file_release(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_systemd_parse),
        cmocka_unit_test(test_systemd_strip),
        cmocka_unit_test(test_plist),
        cmocka_unit_test(test_plist_non_string_value),
        cmocka_unit_test(test_hostile),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
