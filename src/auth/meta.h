/*
 * The config side of a profile (openclaw.json auth.profiles and
 * auth.order): metadata only, never secrets. auth_meta_apply is
 * OpenClaw's applyAuthProfileConfig (reference openclaw-auth.md §4):
 *   1. auth.profiles[id] gets {provider, mode} (other fields kept);
 *   2. if auth.order lists the provider, id moves to its front;
 *   3. else, if other configured profiles of the provider have another
 *      mode, auth.order[provider] = [id, ...those] so the new one is used;
 *   4. otherwise auth.order is left alone.
 */
#ifndef OC_AUTH_META_H
#define OC_AUTH_META_H

#include <jansson.h>
#include <stdbool.h>

void auth_meta_apply(json_t *raw, const char *id, const char *provider,
                     const char *mode);
/* Drop auth.profiles[id] and id from every auth.order list; true if
 * anything changed. */
bool auth_meta_remove(json_t *raw, const char *id);

#endif
