/*
 * Resolving the gateway's port, bind addresses and client auth (see
 * settings.h).
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "json/jsonx.h"
#include "gateway/settings.h"
#include "base/banned.h"

void gw_settings_init(struct gw_settings *s)
{
    memset(s, 0, sizeof(*s));
    secret_init(&s->secret);
}

void gw_settings_release(struct gw_settings *s)
{
    secret_release(&s->secret);
    gw_settings_init(s);
}

const char *gw_auth_mode_name(enum gw_auth_mode m)
{
    switch (m) {
    case GW_AUTH_TOKEN:
        return "token";
    case GW_AUTH_PASSWORD:
        return "password";
    default:
        return "none";
    }
}

static json_t *gw_obj(json_t *root, const char *key)
{
    json_t *g = jsonx_get_obj(root, "gateway");

    return key ? jsonx_get_obj(g, key) : g;
}

/* ---- port ----------------------------------------------------------------
 */

static int parse_port(const char *v, bool allow_zero, int *out)
{
    int64_t n;

    if (str_parse_int64(v, allow_zero ? 0 : 1, 65535, &n) != 0)
        return OC_EINVAL;
    *out = (int)n;
    return 0;
}

static int resolve_port(json_t *root, const struct gw_flags *f,
                        struct gw_settings *s, struct oc_err *err)
{
    const char *env = getenv("OPENCLAW_GATEWAY_PORT");
    int64_t cfg;

    if (f->port) {
        s->port_source = "--port";
        if (parse_port(f->port, true, &s->port) != 0)
            return oc_err_set(err, OC_EINVAL,
                              "invalid --port '%s' (0-65535; 0 picks a free "
                              "port)",
                              f->port);
    } else if (env && *env) {
        s->port_source = "OPENCLAW_GATEWAY_PORT";
        if (parse_port(env, false, &s->port) != 0)
            return oc_err_set(err, OC_EINVAL,
                              "invalid OPENCLAW_GATEWAY_PORT '%s' (1-65535)",
                              env);
    } else if (json_object_get(gw_obj(root, NULL), "port")) {
        s->port_source = "gateway.port";
        if (jsonx_get_int(gw_obj(root, NULL), "port", &cfg) != 0 || cfg < 1 ||
            cfg > 65535)
            return oc_err_set(err, OC_EINVAL,
                              "invalid gateway.port (1-65535): run `openclaw "
                              "config set gateway.port <port>`");
        s->port = (int)cfg;
    } else {
        s->port_source = "default";
        s->port = f->default_port ? f->default_port : 18789;
    }
    return 0;
}

/* ---- bind ----------------------------------------------------------------
 */

static void add_host(struct gw_settings *s, const char *h, bool optional)
{
    if (s->nhosts >= GW_HOSTS_MAX)
        return;
    str_copy(s->hosts[s->nhosts], sizeof(s->hosts[0]), h);
    s->hosts_optional[s->nhosts++] = optional;
}

/* This host's Tailscale (CGNAT 100.64.0.0/10) IPv4 address, if any. */
static bool tailnet_addr(char *out, size_t outsz)
{
    struct ifaddrs *ifs, *i;
    bool found = false;

    if (getifaddrs(&ifs) != 0)
        return false;
    for (i = ifs; i && !found; i = i->ifa_next) {
        const struct sockaddr_in *in = (const void *)i->ifa_addr;
        uint32_t a;

        if (!in || in->sin_family != AF_INET)
            continue;
        a = ntohl(in->sin_addr.s_addr);
        if ((a & 0xFFC00000u) == 0x64400000u)
            found = inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)outsz);
    }
    freeifaddrs(ifs);
    return found;
}

static bool is_ipv4(const char *h)
{
    struct in_addr a;

    return inet_pton(AF_INET, h, &a) == 1;
}

static int bind_hosts(json_t *root, struct gw_settings *s, struct oc_err *err)
{
    const char *custom = jsonx_get_str(gw_obj(root, NULL), "customBindHost");
    char addr[64];

    if (!strcmp(s->bind, "loopback")) {
        add_host(s, "127.0.0.1", false);
        add_host(s, "::1", true);
    } else if (!strcmp(s->bind, "lan")) {
        add_host(s, "0.0.0.0", false);
        add_host(s, "::", true);
    } else if (!strcmp(s->bind, "custom")) {
        if (!custom || !is_ipv4(custom))
            return oc_err_set(err, OC_EINVAL,
                              "bind 'custom' needs gateway.customBindHost set "
                              "to an IPv4 address");
        add_host(s, custom, false);
    } else if (tailnet_addr(addr, sizeof(addr))) {
        add_host(s, addr, false);
    } else if (!strcmp(s->bind, "auto")) {
        add_host(s, "127.0.0.1", false);
        add_host(s, "::1", true);
    } else {
        return oc_err_set(err, OC_EINVAL,
                          "bind 'tailnet': this host has no Tailscale "
                          "(100.64.0.0/10) address; is tailscale up?");
    }
    return 0;
}

static int resolve_bind(json_t *root, const struct gw_flags *f,
                        struct gw_settings *s, struct oc_err *err)
{
    static const char *const binds[] = {"loopback", "lan",  "custom",
                                        "tailnet",  "auto", NULL};
    const char *b =
        f->bind ? f->bind : jsonx_get_str(gw_obj(root, NULL), "bind");
    size_t i;

    if (!b)
        b = "loopback";
    for (i = 0; binds[i]; i++)
        if (!strcmp(binds[i], b))
            break;
    if (!binds[i])
        return oc_err_set(err, OC_EINVAL,
                          "invalid bind '%s' (loopback, lan, custom, tailnet "
                          "or auto)",
                          b);
    str_copy(s->bind, sizeof(s->bind), b);
    return bind_hosts(root, s, err);
}

static bool all_loopback(const struct gw_settings *s)
{
    size_t i;

    for (i = 0; i < s->nhosts; i++)
        if (strcmp(s->hosts[i], "::1") != 0 &&
            strncmp(s->hosts[i], "127.", 4) != 0)
            return false;
    return true;
}

/* ---- auth -----------------------------------------------------------------
 */

/* A config secret: a string, or a SecretRef {source:"env", id}. */
static int config_secret(json_t *v, const char *path, struct secret *out,
                         struct oc_err *err)
{
    const char *src, *id, *val;

    if (json_is_string(v)) {
        val = json_string_value(v);
        if (strstr(val, "${"))
            return oc_err_set(err, OC_EPERM,
                              "%s uses an environment variable that is not "
                              "set (%s): set it in ~/.openclaw/.env",
                              path, val);
        secret_set(out, val, strlen(val));
        return 0;
    }
    src = jsonx_get_str(v, "source");
    id = jsonx_get_str(v, "id");
    if (!src || strcmp(src, "env") != 0 || !id)
        return oc_err_set(err, OC_EPERM,
                          "%s: only {\"source\": \"env\", \"id\": \"VAR\"} "
                          "secret references are supported",
                          path);
    val = getenv(id);
    if (!val || !*val)
        return oc_err_set(err, OC_EPERM,
                          "%s refers to environment variable %s, which is "
                          "not set: set it in ~/.openclaw/.env",
                          path, id);
    secret_set(out, val, strlen(val));
    return 0;
}

/* A config secret that is there: not null, not "" (an empty token would
 * start a gateway nobody can open). */
static bool config_given(const json_t *v)
{
    return v && !json_is_null(v) &&
           !(json_is_string(v) && !*json_string_value(v));
}

int gw_config_secret(json_t *root, const char *key, struct secret *out,
                     struct oc_err *err)
{
    json_t *v = json_object_get(gw_obj(root, "auth"), key);
    char path[64];

    if (!config_given(v))
        return OC_ENOENT;
    snprintf(path, sizeof(path), "gateway.auth.%s", key);
    return config_secret(v, path, out, err);
}

struct secret_src {
    const char *flag, *flag_name, *key, *env;
};

/* The first of flag > config key > env variable that is set. */
static int find_secret(json_t *auth, const struct secret_src *ss,
                       struct gw_settings *s, bool *found, struct oc_err *err)
{
    json_t *v = json_object_get(auth, ss->key);
    const char *e = getenv(ss->env);
    char path[64];
    int rc = 0;

    *found = true;
    snprintf(path, sizeof(path), "gateway.auth.%s", ss->key);
    if (ss->flag && *ss->flag) {
        secret_set(&s->secret, ss->flag, strlen(ss->flag));
        s->secret_source = ss->flag_name;
    } else if (config_given(v)) {
        rc = config_secret(v, path, &s->secret, err);
        s->secret_source =
            ss->key[0] == 't' ? "gateway.auth.token" : "gateway.auth.password";
    } else if (e && *e) {
        secret_set(&s->secret, e, strlen(e));
        s->secret_source = ss->env;
    } else {
        *found = false;
    }
    return rc;
}

static bool has_secret(json_t *auth, const char *key, const char *flag,
                       const char *env)
{
    json_t *v = json_object_get(auth, key);
    const char *e = getenv(env);

    return (flag && *flag) || config_given(v) || (e && *e);
}

static int pick_mode(json_t *auth, const struct gw_flags *f,
                     struct gw_settings *s, struct oc_err *err)
{
    const char *m = f->auth ? f->auth : jsonx_get_str(auth, "mode");
    bool tok = has_secret(auth, "token", f->token, "OPENCLAW_GATEWAY_TOKEN");
    bool pw =
        has_secret(auth, "password", f->password, "OPENCLAW_GATEWAY_PASSWORD");

    s->auth_explicit = m != NULL;
    if (!m) {
        if (tok && pw && !f->token && !f->password)
            return oc_err_set(err, OC_EPERM,
                              "both a gateway token and a password are set: "
                              "choose one with gateway.auth.mode (token or "
                              "password)");
        m = (pw && !tok) || f->password ? "password" : "token";
    }
    if (!strcmp(m, "token"))
        s->auth = GW_AUTH_TOKEN;
    else if (!strcmp(m, "password"))
        s->auth = GW_AUTH_PASSWORD;
    else if (!strcmp(m, "none"))
        s->auth = GW_AUTH_NONE;
    else
        return oc_err_set(err, OC_EINVAL,
                          "invalid auth mode '%s' (none, token or password)",
                          m);
    return 0;
}

static int resolve_auth(json_t *root, const struct gw_flags *f,
                        struct gw_settings *s, struct oc_err *err)
{
    static const struct secret_src tok = {NULL, "--token", "token",
                                          "OPENCLAW_GATEWAY_TOKEN"};
    static const struct secret_src pw = {NULL, "--password", "password",
                                         "OPENCLAW_GATEWAY_PASSWORD"};
    json_t *auth = gw_obj(root, "auth");
    struct secret_src ss;
    bool found;
    int rc = pick_mode(auth, f, s, err);

    if (rc || s->auth == GW_AUTH_NONE)
        return rc;
    ss = s->auth == GW_AUTH_TOKEN ? tok : pw;
    ss.flag = s->auth == GW_AUTH_TOKEN ? f->token : f->password;
    rc = find_secret(auth, &ss, s, &found, err);
    if (rc)
        return rc;
    if (!found)
        return oc_err_set(
            err, OC_EPERM,
            "gateway auth is '%s' but no %s is set: run `openclaw config set "
            "gateway.auth.%s <value>` (or set %s in ~/.openclaw/.env, or pass "
            "--%s)",
            gw_auth_mode_name(s->auth), ss.key, ss.key, ss.env, ss.key);
    return 0;
}

static void resolve_rate(json_t *root, struct gw_settings *s)
{
    json_t *r = jsonx_get_obj(gw_obj(root, "auth"), "rateLimit");
    int64_t v;

    s->rate = (struct gw_rate_limit){10, 60000, 300000, true};
    if (jsonx_get_int(r, "maxAttempts", &v) == 0)
        s->rate.max_attempts = (int)v;
    if (jsonx_get_int(r, "windowMs", &v) == 0)
        s->rate.window_ms = (long)v;
    if (jsonx_get_int(r, "lockoutMs", &v) == 0)
        s->rate.lockout_ms = (long)v;
    s->rate.exempt_loopback = jsonx_get_bool(r, "exemptLoopback", true);
}

static void resolve_misc(json_t *root, struct gw_settings *s)
{
    json_t *cc = jsonx_get_obj(jsonx_get_obj(gw_obj(root, "http"), "endpoints"),
                               "chatCompletions");
    const char *mode = jsonx_get_str(gw_obj(root, "reload"), "mode");
    int64_t ms;

    /* enabled by default here (a documented difference from OpenClaw) */
    s->chat_completions = jsonx_get_bool(cc, "enabled", true);
    s->reload = !mode || strcmp(mode, "off") != 0;
    s->debounce_ms = 300;
    if (jsonx_get_int(gw_obj(root, "reload"), "debounceMs", &ms) == 0)
        s->debounce_ms = (long)ms;
}

int gw_settings_resolve(json_t *root, const struct gw_flags *f,
                        struct gw_settings *out, struct oc_err *err)
{
    int rc;

    gw_settings_release(out);
    rc = resolve_port(root, f, out, err);
    if (!rc)
        rc = resolve_bind(root, f, out, err);
    if (!rc)
        rc = resolve_auth(root, f, out, err);
    if (!rc && out->auth == GW_AUTH_NONE && !all_loopback(out))
        rc = oc_err_set(err, OC_EPERM,
                        "refusing to bind the gateway to %s without auth: set "
                        "a token (openclaw config set gateway.auth.token "
                        "<token>) or bind to loopback",
                        out->hosts[0]);
    if (rc) {
        gw_settings_release(out);
        return rc;
    }
    resolve_rate(root, out);
    resolve_misc(root, out);
    return 0;
}

bool gw_settings_restart_needed(json_t *old_root, json_t *new_root, char *what,
                                size_t whatsz)
{
    static const char *const keys[] = {"port", "bind", "customBindHost",
                                       "auth", "mode", NULL};
    json_t *a = gw_obj(old_root, NULL), *b = gw_obj(new_root, NULL);
    size_t i;

    for (i = 0; keys[i]; i++) {
        if (json_equal(json_object_get(a, keys[i]),
                       json_object_get(b, keys[i])) ||
            (!json_object_get(a, keys[i]) && !json_object_get(b, keys[i])))
            continue;
        snprintf(what, whatsz, "gateway.%s", keys[i]);
        return true;
    }
    return false;
}
