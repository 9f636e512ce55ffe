/*
 * The gateway's parts, shared between gateway.c (life cycle), gw_reload.c
 * (config reload), gw_routes.c (HTTP routes and auth), gw_complete.c (the
 * OpenAI chat completions endpoint), gw_port.c (who holds a port) and
 * gw_ws.c / gw_rpc.c (the WebSocket protocol).
 */
#ifndef OC_GATEWAY_GW_INTERNAL_H
#define OC_GATEWAY_GW_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>

#include "agent/turn.h"
#include "config/config.h"
#include "gateway/authgate.h"
#include "gateway/gateway.h"
#include "gateway/settings.h"
#include "http/server.h"
#include "provider/http.h"

#define GW_DRAIN_MS 25000 /* SIGTERM: how long streams may finish */
/* How long an agent's parsed auth store outlives the last request that
 * used it (so back-to-back requests share one parse); then it is wiped */
#define GW_STORE_LINGER_MS 1000
/* ids: 24 random hex digits, long enough to be unique, short enough that
 * the log's secret redaction leaves them readable */
#define GW_ID_HEX    24
#define GW_IDS_BATCH 16

struct gw_call;
struct gw_wsconn;
struct gw_run;
struct gw_waiter;

struct gw {
    uv_loop_t *loop;
    const struct gw_options *opt;
    const struct oc_paths *paths;
    struct config cfg; /* the config in force */
    struct gw_settings set;
    struct gw_limiter *lim;
    struct hs_server *srv;
    struct http_client *hc;     /* created on the first model call */
    struct store_cache *stores; /* auth stores shared by running turns */
    uv_timer_t store_timer;     /* releases stores that linger unused */
    int port;
    int lock_fd;
    int64_t started_ms;
    bool draining;
    int signals;  /* stop signals received */
    bool handles; /* the signal and timer handles are initialised */
    uv_signal_t sigterm, sigint, sighup;
    uv_timer_t drain_timer;
    /* config reload */
    uv_fs_event_t watch;
    uv_timer_t reload_timer;
    bool watching;   /* reload_timer initialised */
    bool watch_open; /* watch initialised */
    /* work in progress */
    struct gw_call *calls;
    struct gw_wsconn *wsconns;
    uint64_t next_id;
    /* random hex for ids, fetched GW_IDS_BATCH ids at a time */
    char ids[GW_IDS_BATCH * GW_ID_HEX + 1];
    size_t ids_left;
    /* WebSocket runs and agent.wait waiters (gw_rpc_run.c), the
     * connections' housekeeping timer (gw_ws.c) */
    struct gw_run *runs;
    struct gw_waiter *waiters;
    uv_timer_t ws_timer;
    bool ws_timer_ready, ws_shut;
    int64_t ws_last_tick;
};

/* gateway.c */
struct http_client *gw_http_client(struct gw *g);
/* A turn environment for the config in force. */
void gw_turn_env(struct gw *g, struct turn_env *env);
/* Stop now if draining and nothing is left. */
void gw_maybe_stop(struct gw *g);
/* "<prefix>-<16 hex>" ids */
void gw_new_id(struct gw *g, const char *prefix, char *out, size_t outsz);

/* gw_reload.c */
void gw_reload_start(struct gw *g);
void gw_reload_now(struct gw *g, const char *why);
void gw_reload_stop(struct gw *g);

/* gw_routes.c: the server's request handler */
void gw_handle(void *arg, struct hs_req *r);
/* JSON response helpers */
void gw_respond_json(struct hs_req *r, int status, json_t *doc,
                     const struct hs_header *extra);
void gw_respond_oa_error(struct hs_req *r, int status, const char *message,
                         const char *type, const char *code);
/* Check the caller's secret (bearer for HTTP); on failure the response is
 * sent (401 or 429) and false returned. */
bool gw_http_authorized(struct gw *g, struct hs_req *r);

/* gw_complete.c */
void gw_chat_completions(struct gw *g, struct hs_req *r);
void gw_calls_cancel_all(struct gw *g);
size_t gw_calls_active(const struct gw *g);

/* gw_port.c: the pid listening on TCP port (0 when unknown) */
pid_t gw_port_owner(int port);
/* SIGTERM pid, wait up to 5 s, then SIGKILL; 0 when gone. */
int gw_port_kill(pid_t pid);

/* gw_ws.c */
void gw_ws_upgrade(struct gw *g, struct hs_req *r);
void gw_ws_shutdown(struct gw *g); /* "shutdown" event, then close all */

#endif
