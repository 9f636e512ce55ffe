/* Loading libcurl: the GnuTLS switch is ours only while it loads. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "base/err.h"
#include "provider/curlapi.h"

#define QUIET "GNUTLS_NO_IMPLICIT_INIT"

/* What we set to load libcurl is gone afterwards, so processes the
 * gateway starts later (notify commands, systemctl) see GnuTLS as usual. */
static void test_switch_not_inherited(void **state)
{
    struct oc_err err = {0};

    (void)state;
    unsetenv(QUIET);
    assert_non_null(curl_api_get(&err));
    assert_null(getenv(QUIET));
    assert_non_null(curl_api_get(&err)); /* loaded once */
    assert_null(getenv(QUIET));
}

/* A value the user set is theirs: kept as it was. */
static void test_user_value_kept(void **state)
{
    int status = -1;
    pid_t pid;

    (void)state;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct oc_err err = {0};
        const char *v;

        setenv(QUIET, "0", 1);
        if (!curl_api_get(&err))
            _exit(2);
        v = getenv(QUIET);
        _exit(v && v[0] == '0' && !v[1] ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_value_kept),
        cmocka_unit_test(test_switch_not_inherited),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
