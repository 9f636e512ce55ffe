/*
 * What the gateway runs with, resolved from flags, the environment and
 * the config (reference openclaw-gateway-config.md §1.1, §2.1, §2.2):
 *   port:  --port > OPENCLAW_GATEWAY_PORT > gateway.port > 18789
 *   bind:  --bind > gateway.bind > loopback (loopback: 127.0.0.1 and ::1;
 *          lan: 0.0.0.0 and ::; custom: gateway.customBindHost; tailnet:
 *          this host's 100.64.0.0/10 address; auto: tailnet, else
 *          loopback)
 *   auth:  --auth > gateway.auth.mode > token if a token is set, password
 *          if a password is set; the token is --token > gateway.auth.token
 *          > OPENCLAW_GATEWAY_TOKEN (the password likewise, with
 *          OPENCLAW_GATEWAY_PASSWORD)
 * and the refusals: a non-loopback bind without auth, token mode without a
 * token, both secrets without a mode, an unresolvable SecretRef.
 */
#ifndef OC_GATEWAY_SETTINGS_H
#define OC_GATEWAY_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "base/secret.h"

enum gw_auth_mode { GW_AUTH_NONE, GW_AUTH_TOKEN, GW_AUTH_PASSWORD };

#define GW_HOSTS_MAX 2

struct gw_rate_limit {
    int max_attempts;     /* failures allowed per window (10) */
    long window_ms;       /* 60000 */
    long lockout_ms;      /* 300000 */
    bool exempt_loopback; /* true */
};

struct gw_settings {
    int port;
    const char *port_source; /* "--port", "OPENCLAW_GATEWAY_PORT", ... */
    char bind[16];           /* loopback|lan|custom|tailnet|auto */
    char hosts[GW_HOSTS_MAX][64];
    size_t nhosts;
    bool hosts_optional[GW_HOSTS_MAX]; /* ::1 and :: may be missing */
    enum gw_auth_mode auth;
    bool auth_explicit;        /* the mode was given, not inferred */
    struct secret secret;      /* the token or password */
    const char *secret_source; /* where it came from (never the value) */
    struct gw_rate_limit rate;
    bool chat_completions; /* /v1/chat/completions and /v1/models */
    bool reload;           /* watch the config file (reload.mode != off) */
    long debounce_ms;
};

/* Command-line values (each NULL when not given). */
struct gw_flags {
    const char *port;
    const char *bind;
    const char *auth;
    const char *token;
    const char *password;
    int default_port; /* 0: 18789 */
};

void gw_settings_init(struct gw_settings *s);
void gw_settings_release(struct gw_settings *s);

/*
 * Resolve from the config root (may be NULL), the environment and flags.
 * 0, or OC_EINVAL (a bad flag or value) / OC_EPERM (an unsafe or
 * incomplete auth setup) with err saying what to change.
 */
int gw_settings_resolve(json_t *root, const struct gw_flags *f,
                        struct gw_settings *out, struct oc_err *err);

const char *gw_auth_mode_name(enum gw_auth_mode m);

/* gateway.auth.<key> ("token" or "password") of the config: a string or
 * a SecretRef {source:"env", id}. 0 with out set; OC_ENOENT when it is not
 * configured (absent, null or ""); OC_EPERM with err when it cannot be
 * resolved. */
int gw_config_secret(json_t *root, const char *key, struct secret *out,
                     struct oc_err *err);

/* The parts of the gateway.* config that need a restart differ? */
bool gw_settings_restart_needed(json_t *old_root, json_t *new_root, char *what,
                                size_t whatsz);

#endif
