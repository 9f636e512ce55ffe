/* The bytes of a log line: prefix, level, function, redaction, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "base/log.h"

/* Run fn with stderr sent to a temporary file; return what it wrote. */
static char *capture(void (*fn)(void))
{
    FILE *f = tmpfile();
    int saved = dup(2);
    static char got[8192];
    size_t n;

    assert_non_null(f);
    assert_true(saved >= 0);
    fflush(stderr);
    assert_int_equal(dup2(fileno(f), 2), 2);
    fn();
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    rewind(f);
    n = fread(got, 1, sizeof(got) - 1, f);
    got[n] = '\0';
    fclose(f);
    return got;
}

static void cli_lines(void)
{
    log_set_timestamps(false);
    log_set_level(LOG_INFO);
    log_warn("disk %s at %d%%", "full", 97);
    log_info("plain");
    log_debug("not shown at info");
    log_set_level(LOG_DEBUG);
    log_debug("shown at debug");
    log_error("oops");
}

static void test_cli_format(void **state)
{
    (void)state;
    assert_string_equal(capture(cli_lines),
                        "openclaw: warning: disk full at 97%\n"
                        "openclaw: info: plain\n"
                        "openclaw: debug: cli_lines: shown at debug\n"
                        "openclaw: error: oops\n");
}

static void daemon_lines(void)
{
    log_set_timestamps(true);
    log_set_level(LOG_TRACE);
    log_info("listening on %s:%d", "127.0.0.1", 18789);
    log_trace("deep");
    log_msg(LOG_WARN, NULL, "no function");
    log_set_level(LOG_SILENT);
    log_error("silent drops everything");
}

static void test_daemon_format(void **state)
{
    (void)state;
    setenv("OPENCLAW_TEST_NOW_MS", "1795406719405", 1);
    assert_string_equal(capture(daemon_lines),
                        "2026-11-23T04:05:19.405Z info listening on "
                        "127.0.0.1:18789\n"
                        "2026-11-23T04:05:19.405Z trace daemon_lines: deep\n"
                        "2026-11-23T04:05:19.405Z warn no function\n");
    unsetenv("OPENCLAW_TEST_NOW_MS");
}

static void secret_line(void)
{
    log_set_timestamps(false);
    log_set_level(LOG_INFO);
    log_info("header Authorization: Bearer "
             "sk-ant-api03-SECRETsecretSECRETsecretSECRETsecret99 sent");
}

static void test_redacted(void **state)
{
    const char *got;

    (void)state;
    got = capture(secret_line);
    assert_null(strstr(got, "SECRETsecret"));
    assert_non_null(
        strstr(got, "openclaw: info: header Authorization: Bearer "));
    assert_non_null(strstr(got, " sent\n"));
}

static void long_line(void)
{
    static char big[6000];

    memset(big, 'x', sizeof(big) - 1);
    log_set_timestamps(true);
    log_set_level(LOG_DEBUG);
    log_debug("%s", big);
}

/* A message longer than the line buffer is cut, and the line still ends
 * with its newline. */
static void test_long_line(void **state)
{
    const char *got;
    size_t n;

    (void)state;
    setenv("OPENCLAW_TEST_NOW_MS", "0", 1);
    got = capture(long_line);
    unsetenv("OPENCLAW_TEST_NOW_MS");
    n = strlen(got);
    assert_int_equal(n, strlen("1970-01-01T00:00:00.000Z debug long_line: ") +
                            4095 + 1);
    assert_memory_equal(got, "1970-01-01T00:00:00.000Z debug long_line: xxx",
                        45);
    assert_int_equal(got[n - 2], 'x');
    assert_int_equal(got[n - 1], '\n');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_format),
        cmocka_unit_test(test_daemon_format),
        cmocka_unit_test(test_redacted),
        cmocka_unit_test(test_long_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
