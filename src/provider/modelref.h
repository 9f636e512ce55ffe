/*
 * Model references as OpenClaw writes them: "provider/model", split at
 * the first '/' (openrouter/anthropic/claude-sonnet-4.5 is provider
 * openrouter, model anthropic/claude-sonnet-4.5); the provider is
 * normalised and lower-cased; a ref without '/' names an anthropic model.
 * Names resolve through aliases first: the user's
 * (agents.defaults.models["p/m"].alias) before the built-in opus, sonnet
 * and haiku, plus Anthropic shorthands such as opus-4.5.
 */
#ifndef OC_PROVIDER_MODELREF_H
#define OC_PROVIDER_MODELREF_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "base/strlist.h"

#define MODELREF_PROVIDER_MAX 64
#define MODELREF_MODEL_MAX    256

struct model_ref {
    char provider[MODELREF_PROVIDER_MAX];
    char model[MODELREF_MODEL_MAX];
};

/* Split raw; OC_EINVAL for an empty or malformed ref. */
int modelref_parse(const char *raw, struct model_ref *out, struct oc_err *err);
/* "provider/model" into buf. */
const char *modelref_format(const struct model_ref *r, char *buf, size_t bufsz);

/*
 * Resolve what a user typed (alias, shorthand or ref) against the
 * config. *alias_out (may be NULL) is set to the alias used, or NULL.
 */
int modelref_resolve(json_t *root, const char *raw, struct model_ref *out,
                     const char **alias_out, struct oc_err *err);

/* The agent's config object (agents.list[] by id, or agents.entries),
 * or NULL (borrowed). */
json_t *modelref_agent_entry(json_t *root, const char *agent_id);

/*
 * The agent's model setting: agents.list[id].model (or entries), else
 * agents.defaults.model; a string or {primary}. NULL when unset. For
 * agent_id NULL only the defaults are read.
 */
const char *modelref_configured_primary(json_t *root, const char *agent_id);
/* The effective default ref: configured primary, else the catalogue's. */
const char *modelref_default(json_t *root, const char *agent_id);
/* Fallback refs (agent's list wins, even when empty), appended to out. */
void modelref_fallbacks(json_t *root, const char *agent_id,
                        struct strlist *out);

/* Every alias (user ones first, then built-ins not shadowed):
 * names[i] -> targets[i]. */
void modelref_aliases(json_t *root, struct strlist *names,
                      struct strlist *targets);

#endif
