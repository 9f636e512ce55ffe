/*
 * Config paths as OpenClaw's `config get/set/unset` take them: dot or
 * bracket notation, `agents.list[0].id`, `agents.defaults.models
 * ["anthropic/claude-opus-4-5"].params`, a backslash escapes the next
 * character ("a\.b" is one key). Segments __proto__, constructor and
 * prototype are refused, as OpenClaw refuses them.
 */
#ifndef OC_CONFIG_CPATH_H
#define OC_CONFIG_CPATH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct cpath {
    char **seg;
    size_t n;
};

/* Parse raw; OC_EINVAL with err filled for an empty or malformed path. */
int cpath_parse(const char *raw, struct cpath *out, struct oc_err *err);
void cpath_release(struct cpath *p);
/* Segments joined with '.' (caller frees). */
char *cpath_format(const struct cpath *p);
/* Is the segment all digits (an array index)? */
bool cpath_is_index(const char *seg);

/* The value at p (borrowed), or NULL. */
json_t *cpath_get(json_t *root, const struct cpath *p);
/* The deepest existing ancestor depth of p (number of segments found). */
size_t cpath_found_depth(json_t *root, const struct cpath *p);
/*
 * Set the value at p, creating missing objects (or arrays, when the next
 * segment is an index) and replacing non-container values in the way, as
 * OpenClaw's setAtPath does. Takes ownership of value. 0 or OC_EINVAL.
 */
int cpath_set(json_t *root, const struct cpath *p, json_t *value,
              struct oc_err *err);
/* Remove the value at p; 0, or OC_ENOENT when it is not there. */
int cpath_unset(json_t *root, const struct cpath *p);

#endif
