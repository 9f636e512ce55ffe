/*
 * ${VAR} substitution in config string values (reference openclaw-auth.md
 * §5.6): names must match [A-Z_][A-Z0-9_]*; "$${VAR}" yields a literal
 * "${VAR}"; any other '$' is left alone. A missing or empty variable keeps
 * its placeholder and is reported as a warning naming the config path, so
 * one missing optional key does not stop everything; whatever needs the
 * value fails loudly when it finds a "${...}" placeholder.
 */
#ifndef OC_CONFIG_SUBST_H
#define OC_CONFIG_SUBST_H

#include <jansson.h>
#include <stdbool.h>

#include "base/strlist.h"

/* Substitute in one string; names of missing variables are appended to
 * missing (may be NULL). Caller frees the result. */
char *subst_string(const char *s, struct strlist *missing);

/* The string values a substitution changed: they may now hold secrets,
 * so nothing may quote them back to the user. */
struct subst_marks {
    const json_t **v;
    size_t n;
    size_t cap;
};

void subst_marks_release(struct subst_marks *m);
/* Did substitution change this value? */
bool subst_marks_has(const struct subst_marks *m, const json_t *v);

/* Substitute in every string value under v, in place; one warning per
 * missing variable ("missing env var "X" at a.b.c; ..."). Changed values
 * are recorded in marks (may be NULL). */
void subst_tree(json_t *v, struct strlist *warnings, struct subst_marks *marks);

#endif
