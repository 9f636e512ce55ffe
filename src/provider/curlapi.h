/*
 * libcurl, loaded when the first request is made. Linking libcurl (and
 * the 30-odd libraries it pulls in: TLS, GSSAPI, LDAP, SSH, ...) costs
 * about 5 ms at every start, five times what a command like `models
 * status` takes in total; commands that never touch the network should
 * not pay it. So the HTTP client calls libcurl through this table,
 * filled by dlopen("libcurl.so.4") (Debian package libcurl4, the OpenSSL
 * build) on first use.
 */
#ifndef OC_PROVIDER_CURLAPI_H
#define OC_PROVIDER_CURLAPI_H

#include <curl/curl.h>

#include "base/err.h"

struct curl_api {
    CURLcode (*global_init)(long flags);
    curl_version_info_data *(*version_info)(CURLversion v);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *c, CURLoption o, ...);
    CURLcode (*easy_getinfo)(CURL *c, CURLINFO i, ...);
    void (*easy_cleanup)(CURL *c);
    void (*easy_reset)(CURL *c);
    const char *(*easy_strerror)(CURLcode code);
    CURLcode (*easy_pause)(CURL *c, int bitmask);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *m, CURLMoption o, ...);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *c);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *c);
    CURLMcode (*multi_socket_action)(CURLM *m, curl_socket_t s, int ev,
                                     int *running);
    CURLMsg *(*multi_info_read)(CURLM *m, int *left);
    CURLMcode (*multi_assign)(CURLM *m, curl_socket_t s, void *p);
    CURLMcode (*multi_cleanup)(CURLM *m);
    const char *(*multi_strerror)(CURLMcode code);
};

/*
 * The loaded table (loaded and curl_global_init'ed once per process), or
 * NULL with err saying that libcurl could not be loaded and which package
 * provides it.
 */
const struct curl_api *curl_api_get(struct oc_err *err);

#endif
