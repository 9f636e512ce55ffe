/*
 * Validation of a resolved config against schema_root plus the rules a
 * type table cannot state (unique agent ids, one agentDir per agent,
 * gateway token and password both set without a mode).
 */
#ifndef OC_CONFIG_VALIDATE_H
#define OC_CONFIG_VALIDATE_H

#include <jansson.h>

#include "base/strlist.h"
#include "config/problems.h"
#include "config/subst.h"

/*
 * Add one problem per invalid known key, one path per key not used by
 * this implementation (unknown), and advisory notes (e.g. gateway.mode
 * unset). Any of unknown/notes/marks may be NULL. Values marked as coming
 * from ${VAR} substitution are never quoted in a message (they may be
 * secrets).
 */
void config_validate(json_t *root, struct config_problems *problems,
                     struct strlist *unknown, struct strlist *notes,
                     const struct subst_marks *marks);

#endif
