/*
 * One agent turn: the user's message added to the session, then the
 * models tried in order (route.h) and for each the credentials in order
 * (creds.h), each call retried as the SDKs do (provider/call.h); a
 * failure is classified (auth/classify.h), recorded on the profile under
 * the store lock, and the turn rotates to the next profile, then the next
 * fallback model. A user-pinned profile is never rotated away from. An
 * OAuth profile is refreshed when expired and once after a 401. Output
 * that reached the user is never retried. The reply is added to the
 * session. Asynchronous on the HTTP client's loop; the CLI runs the loop
 * until done, the gateway runs many turns at once.
 */
#ifndef OC_AGENT_TURN_H
#define OC_AGENT_TURN_H

#include <jansson.h>
#include <stdbool.h>

#include "auth/store_cache.h"
#include "base/err.h"
#include "config/paths.h"
#include "provider/http.h"
#include "provider/llm.h"

struct turn_request {
    const char *agent_id;    /* NULL: the default agent */
    const char *session_key; /* NULL: "main" (agent:<id>:main) */
    const char *session_id;  /* switch the session to this id, or NULL */
    const char *model;       /* this run's model (alias or ref), or NULL */
    const char *thinking;    /* this run's level, or NULL */
    const char *message;     /* the user's text (unless input is given) */
    const char *cwd;         /* for a new transcript's header */
    long timeout_ms;         /* 0: agents.defaults.timeoutSeconds or 600 s */
    /* For API callers (the gateway's OpenAI endpoint): */
    const char *system; /* an extra system prompt, or NULL */
    json_t *tools;      /* tools the model may call (pi-ai format:
                           [{name, description, parameters}]), or NULL */
    json_t *input;      /* the new messages (pi-ai format: user messages,
                           toolResult messages) instead of message */
    bool ephemeral;     /* no session: the conversation is history + input
                           and nothing is written */
    json_t *history;    /* ephemeral only: the earlier messages, or NULL */
    /* tools, input and history are referenced, not copied: neither the
     * caller nor the turn changes them after turn_start */
};

struct turn_outcome {
    bool ok;
    bool cancelled;
    char error[2048]; /* what to tell the user when !ok */
    json_t *message;  /* the assistant message (borrowed) */
    struct llm_usage usage;
    char ref[320];     /* provider/model that answered */
    char profile[160]; /* profile id, env variable or config key */
    char session_id[64];
    char session_key[160];
    char request_id[128];
    int attempts;         /* calls made, over all models and profiles */
    char stop_reason[24]; /* stop|length|toolUse (ok only) */
    /* When !ok: what kind of failure ended it, for API status codes:
     * auth, auth_permanent, billing, rate_limit, overloaded, format,
     * model_not_found, timeout, unknown (the last call's class),
     * claude_code_only, missing_credentials, cooldown, no_model,
     * cancelled. */
    char failure[32];
    int http_status; /* the last upstream HTTP status, 0 if none */
};

struct turn;

/* Called once, always from the loop (never inside turn_start or
 * turn_cancel... except a cancel before the turn began); out is valid
 * during the call. */
typedef void (*turn_done_fn)(void *arg, const struct turn_outcome *out);

struct turn_env {
    json_t *cfg;                  /* the config root (a reference is held
                                     until the turn is done) */
    const struct oc_paths *paths; /* borrowed */
    struct http_client *hc;
    struct store_cache *stores; /* shared by concurrent turns, or NULL */
};

/*
 * Start a turn. NULL with err when it cannot start at all (unknown
 * agent, unreadable session files); every later failure is reported
 * through done.
 */
struct turn *turn_start(const struct turn_env *env,
                        const struct turn_request *rq,
                        const struct llm_sink *sink, turn_done_fn done,
                        void *arg, struct oc_err *err);

/* Stop it (Ctrl-C, a client that went away); done runs with cancelled. */
void turn_cancel(struct turn *t);

/* Stop or resume reading the model's answer (the consumer is slow). */
void turn_pause(struct turn *t, bool paused);

#endif
