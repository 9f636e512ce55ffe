/*
 * dlopen'ed libcurl (see curlapi.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/dynlib.h"
#include "provider/curlapi.h"
#include "base/str.h"
#include "base/banned.h"

#define SYM(field, name) DYNLIB_SYM(struct curl_api, field, name)

static const struct dynlib_sym symbols[] = {
    SYM(global_init, "curl_global_init"),
    SYM(version_info, "curl_version_info"),
    SYM(easy_init, "curl_easy_init"),
    SYM(easy_setopt, "curl_easy_setopt"),
    SYM(easy_getinfo, "curl_easy_getinfo"),
    SYM(easy_cleanup, "curl_easy_cleanup"),
    SYM(easy_reset, "curl_easy_reset"),
    SYM(easy_strerror, "curl_easy_strerror"),
    SYM(easy_pause, "curl_easy_pause"),
    SYM(slist_append, "curl_slist_append"),
    SYM(slist_free_all, "curl_slist_free_all"),
    SYM(multi_init, "curl_multi_init"),
    SYM(multi_setopt, "curl_multi_setopt"),
    SYM(multi_add_handle, "curl_multi_add_handle"),
    SYM(multi_remove_handle, "curl_multi_remove_handle"),
    SYM(multi_socket_action, "curl_multi_socket_action"),
    SYM(multi_info_read, "curl_multi_info_read"),
    SYM(multi_assign, "curl_multi_assign"),
    SYM(multi_cleanup, "curl_multi_cleanup"),
    SYM(multi_strerror, "curl_multi_strerror"),
};

static struct curl_api api;
static int loaded; /* 0 not tried, 1 ok, -1 failed */
static char failure[512];

/*
 * Debian's libcurl4 needs librtmp and libldap, which bring in GnuTLS, and
 * GnuTLS initialises itself (priorities, p11-kit) from a constructor the
 * moment it is loaded: 0.8 MB of a one-shot `agent` run's memory, for
 * rtmp:// and ldap:// URLs we never fetch (TLS is curl's OpenSSL). Its
 * documented GNUTLS_NO_IMPLICIT_INIT skips that; it is set only while the
 * library loads, so the processes we start later do not inherit it. No
 * other thread exists yet: libcurl is what would start them.
 */
static int dlopen_curl(const struct dynlib *lib)
{
    int quiet = getenv("GNUTLS_NO_IMPLICIT_INIT") == NULL;
    int rc;

    if (quiet)
        setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0);
    rc = dynlib_load(lib, &api, failure, sizeof(failure));
    if (quiet)
        unsetenv("GNUTLS_NO_IMPLICIT_INIT");
    return rc;
}

static int load(void)
{
    const struct dynlib lib = {
        "libcurl.so.4", symbols, sizeof(symbols) / sizeof(symbols[0]),
        "install the libcurl4 package", "install libcurl4 7.62 or newer"};

    if (dlopen_curl(&lib) != 0)
        return -1;
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        str_copy(failure, sizeof(failure), "libcurl failed to initialise");
        return -1;
    }
    return 1;
}

const struct curl_api *curl_api_get(struct oc_err *err)
{
    if (!loaded)
        loaded = load();
    if (loaded < 0) {
        oc_err_set(err, OC_EIO, "%s", failure);
        return NULL;
    }
    return &api;
}
