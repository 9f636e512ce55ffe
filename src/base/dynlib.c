/*
 * dlopen'ed function tables (see dynlib.h).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "base/dynlib.h"
#include "base/banned.h"

int dynlib_load(const struct dynlib *d, void *table, char *msg, size_t msgsz)
{
    void *h = dlopen(d->soname, RTLD_NOW | RTLD_LOCAL);
    void *sym;
    size_t i;

    if (!h) {
        snprintf(msg, msgsz, "cannot load %s (%s); %s", d->soname, dlerror(),
                 d->if_missing);
        return -1;
    }
    for (i = 0; i < d->nsyms; i++) {
        sym = dlsym(h, d->syms[i].name);
        if (!sym) {
            snprintf(msg, msgsz, "%s lacks %s; %s", d->soname, d->syms[i].name,
                     d->if_old);
            dlclose(h);
            return -1;
        }
        /* object pointer to function pointer, the way POSIX allows */
        memcpy((char *)table + d->syms[i].off, &sym, sizeof(sym));
    }
    return 0;
}
