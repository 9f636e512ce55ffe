/*
 * The `connect` request (reference openclaw-gateway-config.md §2.2,
 * §2.3): the protocol range (any range meeting 3..4; the highest common
 * version wins), the shared token or password (constant time, failed
 * attempts through the limiter), the optional device identity (an
 * Ed25519 signature over the challenge nonce; loopback devices need no
 * pairing, remote ones are accepted only with the shared secret as well,
 * which every client needs anyway), then hello-ok. Any failure answers an
 * error and closes the connection with 1008 (1002 for a protocol
 * mismatch).
 */
#include <stdlib.h>
#include <string.h>

#include "base/b64.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include "gateway/gw_ws_internal.h"
#include "http/crypto.h"
#include "json/jsonx.h"
#include "base/str.h"
#include "base/banned.h"

#define DEVICE_SKEW_MS ((int64_t)600000) /* 10 minutes */

static const char *const connect_keys[] = {
    "minProtocol", "maxProtocol", "client",    "caps",       "commands",
    "permissions", "pathEnv",     "role",      "scopes",     "device",
    "auth",        "locale",      "userAgent", "transports", NULL};

static const char *const default_scopes[] = {"operator.admin", "operator.read",
                                             "operator.write", NULL};

/* ---- failures ------------------------------------------------------------ */

static void refuse(struct gw_wsconn *c, const char *id, const char *code,
                   const char *message, json_t *details)
{
    log_info("ws %s: connect from %s refused: %s", c->id, c->peer, message);
    gw_ws_err(c, id, code, message, details);
    gw_ws_close(c, 1008, message);
}

static void refuse_auth(struct gw_wsconn *c, const char *id, const char *detail,
                        const char *message, const char *next)
{
    refuse(
        c, id, "INVALID_REQUEST", message,
        json_pack("{s:s, s:s}", "code", detail, "recommendedNextStep", next));
}

/* ---- params -------------------------------------------------------------- */

static bool get_int(const json_t *o, const char *key, int64_t *out)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

static const char *bad_client(const json_t *client)
{
    static const char *const req[] = {"id", "version", "platform", "mode",
                                      NULL};
    const char *const *k;
    const char *s;

    if (!json_is_object(client))
        return "client: must be an object";
    for (k = req; *k; k++) {
        s = jsonx_get_str(client, *k);
        if (!s || !*s)
            return "client: id, version, platform and mode are required";
    }
    return NULL;
}

/* The negotiated version, or 0 after refusing. */
static int negotiate(struct gw_wsconn *c, const char *id, const json_t *params)
{
    int64_t lo, hi;

    if (!get_int(params, "minProtocol", &lo) ||
        !get_int(params, "maxProtocol", &hi) || lo < 1 || hi < lo) {
        refuse(c, id, "INVALID_REQUEST",
               "invalid connect params: minProtocol and maxProtocol must be "
               "integers with minProtocol <= maxProtocol",
               NULL);
        return 0;
    }
    if (hi < GW_WS_PROTO_MIN || lo > GW_WS_PROTO_MAX) {
        log_info("ws %s: protocol mismatch (client %lld..%lld)", c->id,
                 (long long)lo, (long long)hi);
        gw_ws_err(c, id, "INVALID_REQUEST", "protocol mismatch",
                  json_pack("{s:i, s:i, s:i}", "expectedProtocol",
                            GW_WS_PROTO_MAX, "minProtocol", GW_WS_PROTO_MIN,
                            "maxProtocol", GW_WS_PROTO_MAX));
        gw_ws_close(c, 1002, "protocol mismatch");
        return 0;
    }
    return hi > GW_WS_PROTO_MAX ? GW_WS_PROTO_MAX : (int)hi;
}

static bool bad_params(json_t *params, char *msg, size_t msgsz)
{
    const char *key, *why;
    const char *const *k;
    json_t *v;

    if (!json_is_object(params)) {
        str_copy(msg, msgsz, "invalid connect params: must be an object");
        return true;
    }
    json_object_foreach (params, key, v) {
        for (k = connect_keys; *k && strcmp(*k, key) != 0; k++)
            ;
        if (!*k) {
            snprintf(msg, msgsz,
                     "invalid connect params: at root: unexpected property "
                     "'%.64s'",
                     key);
            return true;
        }
    }
    why = bad_client(json_object_get(params, "client"));
    v = json_object_get(params, "auth");
    if (v && !json_is_object(v))
        why = "auth: must be an object";
    v = json_object_get(params, "scopes");
    if (v && !json_is_array(v))
        why = "scopes: must be an array";
    if (why)
        snprintf(msg, msgsz, "invalid connect params: %s", why);
    return why != NULL;
}

/* ---- the shared secret --------------------------------------------------- */

/* True when the secret opens the gateway; else the error was sent. */
static bool check_secret(struct gw_wsconn *c, const char *id,
                         const json_t *params)
{
    struct gw *g = c->g;
    json_t *auth = json_object_get(params, "auth");
    bool pw = g->set.auth == GW_AUTH_PASSWORD;
    const char *given = jsonx_get_str(auth, pw ? "password" : "token");
    int64_t now = clock_mono_ms(), wait;
    char msg[256];

    if (g->set.auth == GW_AUTH_NONE)
        return true;
    wait = gw_limiter_locked(g->lim, c->peer, c->loopback, now);
    if (wait > 0) {
        refuse(c, id, "UNAVAILABLE",
               "unauthorized: too many failed authentication attempts (retry "
               "later)",
               json_pack("{s:s, s:s, s:I}", "code", "AUTH_RATE_LIMITED",
                         "recommendedNextStep", "wait_then_retry",
                         "retryAfterMs", (json_int_t)wait));
        return false;
    }
    if (given && gw_secret_ok(&g->set, given, strlen(given))) {
        gw_limiter_ok(g->lim, c->peer);
        return true;
    }
    gw_limiter_fail(g->lim, c->peer, c->loopback, now);
    snprintf(msg, sizeof(msg),
             "unauthorized: gateway %s %s (pass --%s, or set "
             "OPENCLAW_GATEWAY_%s to match gateway.auth.%s)",
             pw ? "password" : "token", given ? "mismatch" : "missing",
             pw ? "password" : "token", pw ? "PASSWORD" : "TOKEN",
             pw ? "password" : "token");
    refuse_auth(
        c, id,
        pw ? (given ? "AUTH_PASSWORD_MISMATCH" : "AUTH_PASSWORD_MISSING")
           : (given ? "AUTH_TOKEN_MISMATCH" : "AUTH_TOKEN_MISSING"),
        msg, "update_auth_credentials");
    return false;
}

/* ---- the device identity ------------------------------------------------- */

static void scopes_joined(const json_t *params, struct buf *b)
{
    json_t *scopes = json_object_get(params, "scopes"), *v;
    size_t i;

    json_array_foreach (scopes, i, v) {
        if (i)
            buf_addch(b, ',');
        buf_addstr(b, json_string_value(v) ? json_string_value(v) : "");
    }
}

/* v2|deviceId|clientId|clientMode|role|scopes|signedAt|token|nonce */
static void signed_text(const json_t *device, const json_t *params,
                        struct buf *b)
{
    json_t *client = json_object_get(params, "client");
    const char *role = jsonx_get_str(params, "role");
    const char *token = jsonx_get_str(json_object_get(params, "auth"), "token");
    int64_t at = 0;

    get_int(device, "signedAt", &at);
    buf_addf(b, "v2|%s|%s|%s|%s|", jsonx_get_str(device, "id"),
             jsonx_get_str(client, "id"), jsonx_get_str(client, "mode"),
             role ? role : "operator");
    scopes_joined(params, b);
    buf_addf(b, "|%lld|%s|%s", (long long)at, token ? token : "",
             jsonx_get_str(device, "nonce"));
}

static bool hex_id_of(const unsigned char *pub, char out[65])
{
    unsigned char d[CRYPTO_SHA256_LEN];
    struct oc_err err;
    size_t i;

    if (crypto_sha256(pub, CRYPTO_ED25519_PUB, d, &err) != 0)
        return false;
    for (i = 0; i < sizeof(d); i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    return true;
}

static const char *device_fields(const json_t *device, const char *nonce,
                                 int64_t now_ms, char *msg, size_t msgsz)
{
    static const char *const strs[] = {"id", "publicKey", "signature", "nonce",
                                       NULL};
    const char *const *k;
    int64_t at;

    for (k = strs; *k; k++)
        if (!jsonx_get_str(device, *k) || !*jsonx_get_str(device, *k)) {
            snprintf(msg, msgsz, "device identity: %s is required", *k);
            return "DEVICE_AUTH_INVALID";
        }
    if (!get_int(device, "signedAt", &at) || at < 0) {
        str_copy(msg, msgsz, "device identity: signedAt is required");
        return "DEVICE_AUTH_INVALID";
    }
    if (strcmp(jsonx_get_str(device, "nonce"), nonce) != 0) {
        snprintf(msg, msgsz,
                 "device nonce mismatch (sign the "
                 "connect.challenge nonce)");
        return "DEVICE_AUTH_NONCE_MISMATCH";
    }
    if (at < now_ms - DEVICE_SKEW_MS || at > now_ms + DEVICE_SKEW_MS) {
        str_copy(msg, msgsz, "device signature expired (check the clock)");
        return "DEVICE_AUTH_SIGNATURE_EXPIRED";
    }
    return NULL;
}

const char *gw_device_check(const json_t *device, const char *nonce,
                            const json_t *params, int64_t now_ms, char *msg,
                            size_t msgsz)
{
    unsigned char pub[64], sig[96];
    const char *k = jsonx_get_str(device, "publicKey");
    const char *s = jsonx_get_str(device, "signature");
    const char *code;
    size_t pn = 0, sn = 0;
    char hex[65];
    struct oc_err err;
    struct buf text;
    int rc;

    if (!json_is_object(device)) {
        str_copy(msg, msgsz, "device identity: must be an object");
        return "DEVICE_AUTH_INVALID";
    }
    code = device_fields(device, nonce, now_ms, msg, msgsz);
    if (code)
        return code;
    if (strlen(k) > 80 || strlen(s) > 120 ||
        b64url_decode(k, strlen(k), pub, sizeof(pub), &pn) != 0 ||
        pn != CRYPTO_ED25519_PUB ||
        b64url_decode(s, strlen(s), sig, sizeof(sig), &sn) != 0 ||
        sn != CRYPTO_ED25519_SIG) {
        snprintf(msg, msgsz,
                 "device identity: publicKey and signature must "
                 "be base64url Ed25519 values");
        return "DEVICE_AUTH_PUBLIC_KEY_INVALID";
    }
    if (!hex_id_of(pub, hex)) {
        str_copy(msg, msgsz, "device identity: libcrypto is unavailable");
        return "DEVICE_AUTH_UNAVAILABLE";
    }
    if (strcmp(hex, jsonx_get_str(device, "id")) != 0) {
        snprintf(msg, msgsz,
                 "device identity mismatch (id is not the "
                 "sha256 of publicKey)");
        return "DEVICE_AUTH_DEVICE_ID_MISMATCH";
    }
    buf_init(&text, 0);
    signed_text(device, params, &text);
    rc = crypto_ed25519_verify(pub, text.p, text.len, sig, &err);
    buf_release(&text);
    if (rc != 0) {
        str_copy(msg, msgsz, "device signature invalid");
        return "DEVICE_AUTH_SIGNATURE_INVALID";
    }
    return NULL;
}

/* ---- hello-ok ------------------------------------------------------------ */

static void grant(struct gw_wsconn *c, const json_t *params)
{
    json_t *want = json_object_get(params, "scopes"), *v;
    const char *const *k;
    const char *s;
    size_t i;

    c->scopes = json_array();
    if (!json_array_size(want))
        for (k = default_scopes; *k; k++)
            json_array_append_new(c->scopes, json_string(*k));
    json_array_foreach (want, i, v)
        if (json_is_string(v))
            json_array_append(c->scopes, v);
    json_array_foreach (c->scopes, i, v) {
        s = json_string_value(v);
        c->admin |= strcmp(s, "operator.admin") == 0;
        c->write |= strcmp(s, "operator.write") == 0;
        c->read |= strcmp(s, "operator.read") == 0;
    }
    c->write |= c->admin;
    c->read |= c->write;
}

static json_t *snapshot(struct gw_wsconn *c)
{
    struct gw *g = c->g;
    char *agent = gw_rpc_agent_of(g, NULL);
    char main_key[160];
    json_t *snap;

    snprintf(main_key, sizeof(main_key), "agent:%s:main", agent);
    snap = json_pack(
        "{s:[], s:o, s:{s:i, s:i}, s:I, s:s, s:{s:s, s:s, s:s}, s:s}",
        "presence", "health", gw_rpc_health(g), "stateVersion", "presence", 0,
        "health", 0, "uptimeMs", (json_int_t)(clock_mono_ms() - g->started_ms),
        "stateDir", g->paths->state_dir, "sessionDefaults", "defaultAgentId",
        agent, "mainKey", "main", "mainSessionKey", main_key, "authMode",
        gw_auth_mode_name(g->set.auth));
    if (g->cfg.path)
        json_object_set_new(snap, "configPath", json_string(g->cfg.path));
    free(agent);
    return snap;
}

static void hello(struct gw_wsconn *c, const char *id)
{
    struct ws_config wc = {0, 0, 0};

    c->authed = true;
    ws_set_config(c->ws, &wc);
    gw_ws_ok(
        c, id,
        json_pack("{s:s, s:i, s:{s:s, s:s}, s:{s:o, s:o}, s:o, s:{s:s, s:O}, "
                  "s:{s:I, s:I, s:I}}",
                  "type", "hello-ok", "protocol", c->protocol, "server",
                  "version", OC_VERSION, "connId", c->id, "features", "methods",
                  gw_rpc_methods(), "events", gw_rpc_events(), "snapshot",
                  snapshot(c), "auth", "role", c->role, "scopes", c->scopes,
                  "policy", "tickIntervalMs", (json_int_t)gw_ws_tick_ms(),
                  "maxPayload", (json_int_t)WS_DEFAULT_MAX_MESSAGE,
                  "maxBufferedBytes", (json_int_t)WS_DEFAULT_MAX_QUEUED));
}

static bool check_device(struct gw_wsconn *c, const char *id,
                         const json_t *params)
{
    json_t *device = json_object_get(params, "device");
    const char *code;
    char msg[200];

    if (!device)
        return true;
    code = gw_device_check(device, c->nonce, params, clock_wall_ms(), msg,
                           sizeof(msg));
    if (code) {
        refuse_auth(c, id, code, msg, "regenerate_device_identity");
        return false;
    }
    log_info("ws %s: device %.16s... verified (%s)", c->id,
             jsonx_get_str(device, "id"),
             c->loopback ? "loopback: no pairing needed"
                         : "remote: accepted with the shared secret");
    return true;
}

void gw_ws_connect(struct gw_wsconn *c, const char *id, json_t *params)
{
    const char *role;
    char why[160];

    if (bad_params(params, why, sizeof(why))) {
        refuse(c, id, "INVALID_REQUEST", why, NULL);
        return;
    }
    c->protocol = negotiate(c, id, params);
    if (!c->protocol)
        return;
    role = jsonx_get_str(params, "role");
    if (role && strcmp(role, "operator") != 0) {
        refuse(c, id, "INVALID_REQUEST",
               "role not supported: this gateway serves operators only", NULL);
        return;
    }
    str_copy(c->role, sizeof(c->role), "operator");
    if (!check_secret(c, id, params) || !check_device(c, id, params))
        return;
    grant(c, params);
    log_info("ws %s: %s client %s (%s) connected from %s, protocol %d", c->id,
             jsonx_get_str(json_object_get(params, "client"), "mode"),
             jsonx_get_str(json_object_get(params, "client"), "id"),
             jsonx_get_str(json_object_get(params, "client"), "version"),
             c->peer, c->protocol);
    hello(c, id);
}
