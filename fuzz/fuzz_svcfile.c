/*
 * Fuzz the service-file reader (gateway/svcfile.c): any bytes parse as a
 * systemd unit and as a plist without a crash; stripping nothing returns
 * the input unchanged, and stripping a key that was found never makes the
 * text longer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/svcfile.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *p, size_t n,
                  void (*parse)(const char *, size_t, struct svc_file *),
                  char *(*strip)(const char *, size_t, const struct strlist *))
{
    struct strlist none = STRLIST_INIT;
    struct svc_file f;
    char *out;

    svc_file_init(&f);
    parse(p, n, &f);
    /* dropping nothing keeps every byte */
    out = strip(p, n, &none);
    if (strlen(out) != strnlen(p, n) || memcmp(out, p, strlen(out)) != 0)
        abort();
    free(out);
    /* dropping a key that is there never crashes and never grows the text */
    if (f.nenv) {
        strlist_push(&none, f.env[0].key);
        out = strip(p, n, &none);
        if (strlen(out) > strnlen(p, n))
            abort();
        free(out);
    }
    strlist_release(&none);
    svc_file_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *p;

    if (size > 65536)
        return 0;
    p = malloc(size + 1);
    if (!p)
        return 0;
    memcpy(p, data, size);
    p[size] = '\0';
    check(p, size, svc_parse_systemd, svc_strip_systemd);
    check(p, size, svc_parse_plist, svc_strip_plist);
    free(p);
    return 0;
}
