/*
 * $include in config files (reference openclaw-gateway-config.md §1.2):
 *   { agents: { $include: "./agents.json5" } }   one file replaces the
 *                                                containing object
 *   { x: { $include: ["./a.json5", "./b.json5"] } }  deep-merged in order
 * Sibling keys next to $include are deep-merged after it (they override).
 * Paths resolve against the including file and must stay inside the main
 * config's directory or a root listed in OPENCLAW_INCLUDE_ROOTS (':'
 * separated); symlinks are resolved before the check. At most 10 nested
 * levels, each file at most 2 MiB; cycles, missing files and parse errors
 * become problems that name the file (and line:column).
 */
#ifndef OC_CONFIG_INCLUDE_H
#define OC_CONFIG_INCLUDE_H

#include <jansson.h>
#include <stdbool.h>

#include "config/problems.h"

#define INCLUDE_MAX_DEPTH 10
#define INCLUDE_MAX_FILE  ((size_t)2 << 20)

/*
 * Resolve every $include under *root (which may be replaced). main_file is
 * the absolute path of the config that *root came from. Returns 0, or
 * OC_EPARSE with problems added.
 */
int include_resolve(json_t **root, const char *main_file,
                    struct config_problems *problems);

/* Does v (or anything under it) contain an $include? */
bool include_present(json_t *v);

#endif
