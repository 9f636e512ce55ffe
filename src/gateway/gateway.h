/*
 * The gateway daemon: one port serving HTTP (health, the OpenAI-compatible
 * API) and the WebSocket protocol, on one libuv loop shared with the HTTP
 * client that talks to the model providers (reference
 * openclaw-gateway-config.md §2; SPEC "Gateway").
 *
 * Startup (the caller has loaded a valid config and checked
 * gateway.mode): settings (unsafe auth -> exit 78), the
 * single-instance lock <state>/gateway.lock (held -> "gateway already
 * running (pid N)", exit 78), then the listeners (in use -> the pid that
 * holds the port; --force stops it first). SIGTERM/SIGINT drain (streams
 * finish, at most 25 s; a second signal stops at once); SIGHUP and edits to
 * the config file reload it (gateway.* changes are logged as needing a
 * restart). Logs go to stderr.
 */
#ifndef OC_GATEWAY_GATEWAY_H
#define OC_GATEWAY_GATEWAY_H

#include <stdbool.h>

#include "config/config.h"
#include "config/paths.h"
#include "gateway/settings.h"

/* Exit codes: 0 after a clean stop, 1 on a runtime failure, 78 (EX_CONFIG)
 * when the configuration forbids starting, so supervisors stop retrying. */
#define GW_EXIT_CONFIG 78

struct gw_options {
    const struct oc_paths *paths; /* borrowed */
    struct config *cfg; /* the loaded, valid config: taken over (released
                           by gateway_run) */
    struct gw_flags flags;
    bool allow_unconfigured;
    bool force;   /* stop whatever listens on the port first */
    bool verbose; /* debug logging */
    /* Called once the listeners are up (tests, make run), or NULL. */
    void (*on_ready)(void *arg, int port);
    void *arg;
};

/* Run until stopped; returns the process exit code. */
int gateway_run(const struct gw_options *o);

#endif
