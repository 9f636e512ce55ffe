/*
 * The WebSocket protocol's parts, shared between gw_ws.c (connections:
 * framing, the housekeeping timer, backpressure, shutdown), gw_ws_auth.c
 * (connect: protocol range, shared secret, device signature, hello-ok),
 * gw_rpc.c (the method table and the read-only methods) and gw_rpc_run.c
 * (chat.send, agent and the runs behind them).
 */
#ifndef OC_GATEWAY_GW_WS_INTERNAL_H
#define OC_GATEWAY_GW_WS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "gateway/gw_internal.h"
#include "http/ws.h"

#define GW_WS_PROTO_MIN    3
#define GW_WS_PROTO_MAX    4
#define GW_WS_PREAUTH_MAX  ((size_t)64 << 10) /* pre-auth frame cap */
#define GW_WS_HANDSHAKE_MS 10000 /* connect must come within this */
#define GW_WS_TICK_MS      15000 /* OPENCLAW_GATEWAY_TICK_MS overrides */
#define GW_WS_HIGH_WATER   ((size_t)256 << 10) /* pause runs above this */
#define GW_WS_RUNS_KEPT    256 /* finished runs remembered (idempotency) */
#define GW_WS_ID_MAX       128
#define GW_WS_KEY_MAX      200

struct gw_wsconn {
    struct gw *g;
    struct gw_wsconn *next, *prev;
    struct hs_conn *hc; /* NULL once the connection is gone */
    struct ws *ws;
    char id[48];    /* connId */
    char nonce[40]; /* the connect.challenge nonce */
    char peer[64];
    bool loopback;
    bool authed;
    bool closing;   /* a close frame was queued: nothing more to send */
    bool gone;      /* the transport closed: free when depth is 0 */
    bool congested; /* output above the high-water mark: runs paused */
    int depth;      /* our calls in progress on this connection */
    int protocol;
    bool admin, write, read; /* granted scopes (write implies read) */
    json_t *scopes;          /* granted scopes (array) */
    char role[24];
    int64_t opened_ms; /* monotonic */
    uint64_t seq;      /* events sent */
};

enum gw_run_kind { GW_RUN_CHAT, GW_RUN_AGENT };
enum gw_run_state { GW_RUN_QUEUED, GW_RUN_ACTIVE, GW_RUN_DONE };

struct gw_run {
    struct gw *g;
    struct gw_run *next, *prev; /* g->runs, oldest first */
    enum gw_run_kind kind;
    enum gw_run_state state;
    struct gw_wsconn *owner;   /* where events go; NULL: nobody listens */
    char run_id[GW_WS_ID_MAX]; /* the idempotencyKey */
    char req_id[GW_WS_ID_MAX]; /* agent: the request to answer twice */
    char agent[64];
    char key[GW_WS_KEY_MAX]; /* full session key */
    char *message, *thinking, *session_id, *system;
    long timeout_ms;
    struct turn *turn;
    bool paused;
    bool abort_requested;
    bool in_sink;        /* inside a text/tool callback of its turn */
    bool cancel_pending; /* cancel once out of that callback */
    uint64_t seq;        /* events of this run */
    struct buf text;
    int64_t accepted_at, started_at, ended_at; /* wall ms */
    char status[12];                           /* ok|error|aborted, when done */
    char *error;
};

/* ---- gw_ws.c ---- */

/* Keep c alive across a call that may close it; release frees it when
 * the transport went away meanwhile. */
void gw_ws_hold(struct gw_wsconn *c);
void gw_ws_release(struct gw_wsconn *c);
/* Send a frame (stolen). False when it could not be queued. */
bool gw_ws_send(struct gw_wsconn *c, json_t *frame);
void gw_ws_ok(struct gw_wsconn *c, const char *id, json_t *payload);
/* An error answer; details and payload (stolen) may be NULL. */
void gw_ws_err(struct gw_wsconn *c, const char *id, const char *code,
               const char *message, json_t *details);
/* An event with the connection's next seq; payload stolen. */
void gw_ws_event(struct gw_wsconn *c, const char *name, json_t *payload);
/* A run's event (payload stolen), as OpenClaw broadcasts them: to its
 * owner (may be NULL), whose congestion pauses the run, and to every
 * other connection allowed to read. A watcher whose output is above the
 * high-water mark misses droppable events (deltas) rather than slowing
 * the run or growing our memory; it still gets the final ones. */
void gw_ws_broadcast(struct gw *g, struct gw_wsconn *owner, const char *name,
                     json_t *payload, bool droppable);
/* Close with code and reason after what is queued. */
void gw_ws_close(struct gw_wsconn *c, uint16_t code, const char *reason);
long gw_ws_tick_ms(void);
size_t gw_ws_authed_count(const struct gw *g);
/* Run the housekeeping timer at once (deferred cancels). */
void gw_ws_kick(struct gw *g);

/* ---- gw_ws_auth.c ---- */

/* The connect request (the first frame). */
void gw_ws_connect(struct gw_wsconn *c, const char *id, json_t *params);
/* The device identity check, pure apart from libcrypto: 0 or an error
 * code ("DEVICE_AUTH_...") with msg. */
const char *gw_device_check(const json_t *device, const char *nonce,
                            const json_t *params, int64_t now_ms, char *msg,
                            size_t msgsz);

/* ---- gw_rpc.c ---- */

/* A request frame after connect. */
void gw_rpc_dispatch(struct gw_wsconn *c, const char *id, const char *method,
                     json_t *params);
json_t *gw_rpc_methods(void); /* names, for hello-ok */
json_t *gw_rpc_events(void);
json_t *gw_rpc_health(struct gw *g);
/* Reject params with keys outside allowed (NULL-terminated); true when
 * fine, else the error was sent. */
bool gw_rpc_check_keys(struct gw_wsconn *c, const char *id, const char *method,
                       json_t *params, const char *const *allowed);
/* A string param: NULL when absent; false (error sent) when it has
 * another type, or is missing/empty and required. */
bool gw_rpc_str(struct gw_wsconn *c, const char *id, const json_t *params,
                const char *key, bool required, const char **out);
/* "agent:<id>:..." gives <id>; else the default agent (caller frees). */
char *gw_rpc_agent_of(struct gw *g, const char *key);
/* The full session key and its agent for a client's key. */
void gw_rpc_resolve_key(struct gw *g, const char *key, char *agent, size_t asz,
                        char *full, size_t fsz);

/* ---- gw_rpc_run.c ---- */

void gw_rpc_chat_send(struct gw_wsconn *c, const char *id, json_t *params);
void gw_rpc_chat_abort(struct gw_wsconn *c, const char *id, json_t *params);
void gw_rpc_agent(struct gw_wsconn *c, const char *id, json_t *params);
void gw_rpc_agent_wait(struct gw_wsconn *c, const char *id, json_t *params);
/* c is going away: cancel its chat runs, detach its agent runs, drop its
 * waiters. */
void gw_runs_conn_gone(struct gw_wsconn *c);
/* c's output is congested (true) or drained (false). */
void gw_runs_pause(struct gw_wsconn *c, bool paused);
/* Cancels that had to wait until a turn's callback returned. */
void gw_runs_flush_cancels(struct gw *g);
/* Shutting down: cancel every run and waiter. */
void gw_runs_cancel_all(struct gw *g);
size_t gw_runs_count(const struct gw *g, enum gw_run_state st);

#endif
