/*
 * Chat slash commands, shared by `openclaw chat` and the gateway
 * (reference openclaw-gateway-config.md §5.2-§5.4): /model (summary,
 * list, status, <alias|provider/model>[@<profileId>], default), /models
 * [provider] [page] [limit=<n>|all], /think <level>, /new, /reset,
 * /status, /usage, /help. Selections are written to the session entry at
 * once (providerOverride, modelOverride, modelOverrideSource "user";
 * authProfileOverride, authProfileOverrideSource "user"), where the next
 * turn picks them up.
 */
#ifndef OC_AGENT_SLASH_H
#define OC_AGENT_SLASH_H

#include <jansson.h>
#include <stdbool.h>

#include "agent/sessions.h"
#include "config/paths.h"
#include "provider/llm.h"

struct slash_ctx {
    json_t *cfg;                  /* config root (borrowed) */
    const struct oc_paths *paths; /* borrowed */
    const char *agent_id;
    struct session *sess;         /* the open session */
    const struct llm_usage *last; /* the last turn's usage, or NULL */
    double session_cost;          /* this process's turns, USD */
    int64_t session_in, session_out;
};

enum slash_result {
    SLASH_NOT_COMMAND = 0, /* send the text to the model */
    SLASH_HANDLED,         /* *reply holds the answer */
    SLASH_EXIT             /* /exit or /quit (the REPL's business) */
};

/* Handle text when it is one of our commands; *reply (caller frees) is
 * the text to show. */
enum slash_result slash_handle(struct slash_ctx *c, const char *text,
                               char **reply);

/*
 * Split "<ref>[@<profile>]" as OpenClaw does: the profile is what follows
 * the first '@' after the last '/', except that "@" + 8 digits (a model
 * date) or a quant tag (q4_k_m, 8bit) stays in the model and a second '@'
 * then starts the profile. model and profile (may be "") get copies.
 */
void slash_split_profile(const char *ref, char *model, size_t msz,
                         char *profile, size_t psz);

#endif
