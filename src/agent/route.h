/*
 * Where a turn's request goes: the models to try, in order (the session's
 * selection, else the run's --model, else the agent's model, else
 * agents.defaults.model.primary; then the configured fallbacks), and for
 * one model everything the provider call needs from the config and the
 * catalogue: api, base URL, catalogue entry, merged params
 * (agents.defaults.params, then the model's params, then the agent's)
 * and headers (provider, catalogue model, then the model entry; their
 * anthropic-beta lists joined).
 */
#ifndef OC_AGENT_ROUTE_H
#define OC_AGENT_ROUTE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "base/strlist.h"
#include "provider/catalogue.h"

struct route {
    char ref[320];     /* "provider/model" */
    char provider[64]; /* normalised */
    char model[256];
    const char *api;      /* borrowed from the config or catalogue */
    const char *base_url; /* borrowed; no trailing slash */
    struct model_info info;
    bool has_info;   /* the catalogue knows the model */
    json_t *params;  /* merged (new reference) */
    json_t *headers; /* merged (new reference) */
};

/*
 * The model refs to try for agent_id. first (may be NULL) is the
 * session's or the run's choice, already resolved; it goes first, then
 * the agent's default and its fallbacks, without repeats.
 */
void route_candidates(json_t *cfg, const char *agent_id, const char *first,
                      struct strlist *out);

/* Fill r for ref; OC_EINVAL with err for a ref that is not usable. */
int route_build(json_t *cfg, const char *agent_id, const char *ref,
                struct route *r, struct oc_err *err);
void route_release(struct route *r);

#endif
