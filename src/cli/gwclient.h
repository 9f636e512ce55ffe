/*
 * The CLI side of the gateway's WebSocket protocol, shared by `openclaw
 * health`, `gateway call|status` and `chat --url`: where the gateway is
 * and which secret to present (reference openclaw-gateway-config.md §2.2:
 * --token/--password, then OPENCLAW_GATEWAY_TOKEN|PASSWORD, then
 * gateway.auth.* from the local config; with --url only the flags), the
 * connect handshake, and request/response with events set aside.
 */
#ifndef OC_CLI_GWCLIENT_H
#define OC_CLI_GWCLIENT_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>

#include "cli/cmd.h"
#include "http/wsclient.h"

struct gwc {
    struct wsc *ws;
    char url[512];
    char *token, *password; /* wiped on close */
    long timeout_ms;
    json_t *hello;  /* the hello-ok payload */
    json_t *events; /* events received while waiting for answers */
    unsigned next_id;
    char last_id[32]; /* the id of the last request sent */
};

/*
 * Resolve the URL and secret from ctx's --url, --token, --password and
 * --timeout (each optional in the command's table), the environment and
 * the config. CLI_OK, or CLI_USAGE/CLI_FAIL after reporting.
 */
int gwc_init(struct gwc *c, struct cli_ctx *ctx);
void gwc_release(struct gwc *c);

/* Connect and authenticate. 0, or -1 with msg (a sentence). */
int gwc_open(struct gwc *c, char *msg, size_t msgsz);

/*
 * Send a request and wait for its response frame (returned; caller
 * decrefs). With expect_final, an answer whose payload.status is
 * "accepted" is followed by waiting for the second answer on the same id.
 * NULL with msg on a transport failure or timeout.
 */
json_t *gwc_call(struct gwc *c, const char *method, json_t *params,
                 bool expect_final, char *msg, size_t msgsz);

/* Send a request (params stolen) without waiting; its id is in
 * c->last_id. 0, or an error with msg. */
int gwc_send(struct gwc *c, const char *method, json_t *params, char *msg,
             size_t msgsz);

/* The next frame (an event or a response), waiting at most timeout_ms
 * (< 0: no limit); set-aside events first. rc as wsc_recv_text. */
int gwc_next(struct gwc *c, json_t **frame, long timeout_ms, char *msg,
             size_t msgsz);

/* The error of a response as "message (CODE)" into msg. */
void gwc_error_text(const json_t *res, char *msg, size_t msgsz);

/* `openclaw chat --url`: the chat REPL over the gateway (cmd_chat.c). */
int gwc_chat(struct cli_ctx *ctx);

#endif
