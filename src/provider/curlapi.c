/*
 * dlopen'ed libcurl (see curlapi.h).
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "provider/curlapi.h"
#include "base/banned.h"

#define SYM(field, name)                                                       \
    {                                                                          \
        offsetof(struct curl_api, field), name                                 \
    }

static const struct {
    size_t off;
    const char *name;
} symbols[] = {
    SYM(global_init, "curl_global_init"),
    SYM(version_info, "curl_version_info"),
    SYM(easy_init, "curl_easy_init"),
    SYM(easy_setopt, "curl_easy_setopt"),
    SYM(easy_getinfo, "curl_easy_getinfo"),
    SYM(easy_cleanup, "curl_easy_cleanup"),
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

static int load(void)
{
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    void *sym;
    size_t i;

    if (!h) {
        snprintf(failure, sizeof(failure),
                 "cannot load libcurl (%s); install the libcurl4 package",
                 dlerror());
        return -1;
    }
    for (i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
        sym = dlsym(h, symbols[i].name);
        if (!sym) {
            snprintf(failure, sizeof(failure),
                     "libcurl.so.4 lacks %s; install libcurl4 7.62 or newer",
                     symbols[i].name);
            return -1;
        }
        /* object pointer to function pointer, the way POSIX allows */
        memcpy((char *)&api + symbols[i].off, &sym, sizeof(sym));
    }
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(failure, sizeof(failure), "libcurl failed to initialise");
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
