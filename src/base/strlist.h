/*
 * A growable array of owned C strings (git's string_list, minus the util
 * pointer): collecting paths, keys and messages without repeating the
 * realloc dance.
 */
#ifndef OC_BASE_STRLIST_H
#define OC_BASE_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct strlist {
    char **v;
    size_t n;
    size_t cap;
};

#define STRLIST_INIT                                                           \
    {                                                                          \
        NULL, 0, 0                                                             \
    }

void strlist_init(struct strlist *l);
void strlist_release(struct strlist *l);
/* Append a copy of s / take ownership of s (which must be heap memory). */
void strlist_push(struct strlist *l, const char *s);
void strlist_push_take(struct strlist *l, char *s);
void strlist_pushf(struct strlist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool strlist_has(const struct strlist *l, const char *s);
void strlist_sort(struct strlist *l);
/* Items joined by sep into a new string (caller frees). */
char *strlist_join(const struct strlist *l, const char *sep);

#endif
