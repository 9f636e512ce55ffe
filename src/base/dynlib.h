/*
 * Libraries loaded on first use (dlopen), so a command that never needs
 * them never pays for their relocations: libcurl (provider/curlapi.c) and
 * libcrypto (http/crypto.c). A caller describes a table of function
 * pointers by offset and symbol name; dynlib_load fills it.
 */
#ifndef OC_BASE_DYNLIB_H
#define OC_BASE_DYNLIB_H

#include <stddef.h>

struct dynlib_sym {
    size_t off;       /* offset of the function pointer in the table */
    const char *name; /* its symbol */
};

#define DYNLIB_SYM(type, field, name)                                          \
    {                                                                          \
        offsetof(type, field), name                                            \
    }

struct dynlib {
    const char *soname; /* "libcurl.so.4" */
    const struct dynlib_sym *syms;
    size_t nsyms;
    const char *if_missing; /* advice when it cannot be loaded */
    const char *if_old;     /* advice when a symbol is missing */
};

/*
 * dlopen d->soname and fill table. 0, or -1 with msg set to
 * "cannot load <soname> (<dlerror>); <if_missing>" or
 * "<soname> lacks <symbol>; <if_old>" (the library is closed again).
 */
int dynlib_load(const struct dynlib *d, void *table, char *msg, size_t msgsz);

#endif
