/*
 * Shared by slash.c and slash_views.c only.
 */
#ifndef OC_AGENT_SLASH_INTERNAL_H
#define OC_AGENT_SLASH_INTERNAL_H

#include "agent/slash.h"

/* The alias configured or built in for ref, or NULL (caller frees). */
char *slash_alias_of(json_t *cfg, const char *ref);
/* The agent's default model as provider/model (caller frees). */
char *slash_default_ref(json_t *cfg, const char *agent_id);
/* The session's model, else the default (caller frees). */
char *slash_current_ref(const struct slash_ctx *c);

/* The views (caller frees each). */
char *slash_model_status(struct slash_ctx *c);
char *slash_models(struct slash_ctx *c, const char *args);
char *slash_status(struct slash_ctx *c);
char *slash_usage(struct slash_ctx *c);

#endif
