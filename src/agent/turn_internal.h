/*
 * The turn's state, shared by turn.c (the state machine) and
 * turn_report.c (messages and persistence) only.
 */
#ifndef OC_AGENT_TURN_INTERNAL_H
#define OC_AGENT_TURN_INTERNAL_H

#include "agent/creds.h"
#include "agent/route.h"
#include "agent/sessions.h"
#include "agent/turn.h"
#include "auth/classify.h"
#include "auth/store.h"
#include "base/buf.h"
#include "base/fsx.h"
#include "base/strlist.h"
#include "provider/call.h"

struct turn {
    struct turn_env env;
    struct llm_sink sink;
    turn_done_fn done;
    void *arg;
    char *agent_id, *agent_dir, *message, *thinking, *run_model, *system;
    json_t *tools; /* client tools, or NULL */
    bool ephemeral, paused;
    long timeout_ms;

    struct session sess;
    json_t *history; /* the conversation sent (the new message last) */
    char *pinned;    /* user-pinned profile id, or NULL */

    struct strlist refs; /* models to try */
    size_t ref_i;
    struct route route;
    bool route_ok;
    const struct auth_store *store; /* from env.stores; NULL between models */
    struct cred_plan plan;
    size_t cand_i;
    struct cred_value cred;
    bool cred_ok, refreshed;
    int rate_rotations, overload_rotations;

    struct llm_request req;
    struct llm_result res;
    struct llm_call *call;
    bool refreshing;
    struct fsx_lock refresh_lock; /* the store's lock, held while refreshing */

    struct buf summary; /* "p/m: error (reason) | ..." */
    int models_failed;
    char last_error[2048];
    struct turn_outcome out;
    uv_timer_t deadline;
    bool timed_out, cancelled, finished;
};

/* Messages (turn_report.c). */
void turn_set_failure(struct turn *t, const char *kind);
void turn_note_failure(struct turn *t, const char *what, const char *reason);
void turn_error_for_call(struct turn *t, enum auth_reason reason,
                         bool claude_code_only);
void turn_error_no_creds(struct turn *t);
void turn_error_cooldown(struct turn *t);
void turn_final_error(struct turn *t);
/* Persistence after a success (turn_report.c). */
void turn_save_reply(struct turn *t);

#endif
