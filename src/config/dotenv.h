/*
 * .env files, parsed with the semantics of npm dotenv's parse() (what
 * OpenClaw uses): "KEY=value" or "KEY: value" per line, optional "export ",
 * keys [A-Za-z0-9_.-]+, '#' comments (an unquoted value ends at '#'),
 * values trimmed, '...', "..." and `...` quotes stripped (a quoted value
 * may span lines), "\n" and "\r" expanded inside double quotes only, the
 * last assignment of a key wins. Lines that do not parse are skipped and
 * reported. Values may be secrets: dotenv_release wipes them.
 */
#ifndef OC_CONFIG_DOTENV_H
#define OC_CONFIG_DOTENV_H

#include <stddef.h>

struct dotenv_entry {
    char *key;
    char *value;
    int line; /* 1-based line of the assignment */
};

struct dotenv {
    struct dotenv_entry *v;
    size_t n;
    size_t cap;
    int bad_lines[8]; /* first few lines that were not assignments */
    size_t nbad;
};

void dotenv_init(struct dotenv *d);
void dotenv_release(struct dotenv *d);
/* Parse p[0..n); never fails (bad lines are recorded and skipped). */
void dotenv_parse(const char *p, size_t n, struct dotenv *d);
/* The entry for key, or NULL. */
const struct dotenv_entry *dotenv_get(const struct dotenv *d, const char *key);

#endif
