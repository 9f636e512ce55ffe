/*
 * A list of config problems: each names where (a config path such as
 * "gateway.port", or a file with line and column for syntax errors) and
 * what is wrong, in one lower-case sentence.
 */
#ifndef OC_CONFIG_PROBLEMS_H
#define OC_CONFIG_PROBLEMS_H

#include <stdarg.h>
#include <stddef.h>

struct config_problem {
    char *path; /* config path; NULL for file-level problems */
    char *file; /* file the problem is in; NULL for the main config */
    int line;   /* 1-based, 0 when not a syntax error */
    int column;
    char *message;
};

struct config_problems {
    struct config_problem *v;
    size_t n;
    size_t cap;
};

/* Where a problem is: a config path, a file position, or both. */
struct config_where {
    const char *path;
    const char *file;
    int line;
    int column;
};

/* Shorthands for a problem at a config path / in a file. */
#define AT_PATH(p) (&(struct config_where){.path = (p)})
#define IN_FILE(f, l, c)                                                       \
    (&(struct config_where){.file = (f), .line = (l), .column = (c)})

void problems_init(struct config_problems *l);
void problems_release(struct config_problems *l);
void problems_add(struct config_problems *l, const struct config_where *w,
                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void problems_vadd(struct config_problems *l, const struct config_where *w,
                   const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Is there a problem with exactly this place and message? */
int problems_has(const struct config_problems *l,
                 const struct config_problem *p);

#endif
