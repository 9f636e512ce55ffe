/*
 * Shared between env.c and shellenv.c only.
 */
#ifndef OC_CONFIG_ENV_INTERNAL_H
#define OC_CONFIG_ENV_INTERNAL_H

#include <stdbool.h>

#include "config/env.h"

/* Unset or empty. */
bool env_is_missing(const char *key);
/* setenv when missing and value non-empty, recording the origin. */
bool env_set_missing(const char *key, const char *value, enum env_src src,
                     const char *file);
void env_record_refusal(const char *key, const char *file, int line,
                        const char *reason);
void env_shell_reset(void);
/* The environment before any layer was applied (what the user gave us). */
char *const *env_base_environ(void);

#endif
