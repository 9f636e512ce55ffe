/*
 * The gateway's settings: port precedence, bind modes, auth mode
 * inference and the refusals, where the shared secret comes from, the
 * rate limiter, endpoint and reload settings, and which config changes
 * need a restart. Each case sets the environment it needs. JSON in the
 * tables is written with ' for " (turned back at run time).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/xalloc.h"
#include "gateway/settings.h"
#include "base/banned.h"

#define REF_VAR "OC_TEST_GW_REF"

/* ---- helpers ------------------------------------------------------------ */

static void env_put(const char *name, const char *v)
{
    if (v)
        setenv(name, v, 1);
    else
        unsetenv(name);
}

/* The environment a case runs in (NULL: unset). */
struct env {
    const char *port, *token, *password, *ref;
};

static void env_apply(const struct env *e)
{
    env_put("OPENCLAW_GATEWAY_PORT", e->port);
    env_put("OPENCLAW_GATEWAY_TOKEN", e->token);
    env_put("OPENCLAW_GATEWAY_PASSWORD", e->password);
    env_put(REF_VAR, e->ref);
}

/* ---- resolve: port, bind, auth, secrets --------------------------------- */

#define NOAUTH .auth = "none"

struct rcase {
    const char *name;
    const char *config; /* the config root, or NULL */
    struct gw_flags flags;
    struct env env;
    int rc;
    const char *err; /* a substring of the message when rc != 0 */
    /* checked when rc == 0 and the field is set */
    int port;                /* checked with port_source */
    const char *port_source; /* NULL: not checked */
    const char *bind;
    const char *hosts; /* "127.0.0.1 ::1?" (? = optional) */
    const char *auth;  /* gw_auth_mode_name */
    int explicit_;     /* 1 inferred, 2 explicit, 0 not checked */
    const char *secret;
    const char *secret_source;
};

static const struct rcase rcases[] = {
    /* port precedence */
    {"port default",
     NULL,
     {NOAUTH},
     {0},
     .port = 18789,
     .port_source = "default"},
    {"port default from caller",
     NULL,
     {NOAUTH, .default_port = 19001},
     {0},
     .port = 19001,
     .port_source = "default"},
    {"port config",
     "{'gateway':{'port':1234}}",
     {NOAUTH},
     {0},
     .port = 1234,
     .port_source = "gateway.port"},
    {"port env over config",
     "{'gateway':{'port':1234}}",
     {NOAUTH},
     {.port = "2345"},
     .port = 2345,
     .port_source = "OPENCLAW_GATEWAY_PORT"},
    {"port empty env is unset",
     "{'gateway':{'port':1234}}",
     {NOAUTH},
     {.port = ""},
     .port = 1234,
     .port_source = "gateway.port"},
    {"port flag over env and config",
     "{'gateway':{'port':1234}}",
     {NOAUTH, .port = "3456", .default_port = 19001},
     {.port = "2345"},
     .port = 3456,
     .port_source = "--port"},
    {"port flag 0 picks a free port",
     NULL,
     {NOAUTH, .port = "0"},
     {0},
     .port = 0,
     .port_source = "--port"},
    {"port flag 65535",
     NULL,
     {NOAUTH, .port = "65535"},
     {0},
     .port = 65535,
     .port_source = "--port"},
    {"port flag not a number",
     NULL,
     {NOAUTH, .port = "abc"},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid --port 'abc'"},
    {"port flag too big",
     NULL,
     {NOAUTH, .port = "65536"},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid --port '65536'"},
    {"port flag negative",
     NULL,
     {NOAUTH, .port = "-1"},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid --port '-1'"},
    {"port flag trailing junk",
     NULL,
     {NOAUTH, .port = "80x"},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid --port '80x'"},
    {"bad port flag wins over a good env",
     NULL,
     {NOAUTH, .port = "x"},
     {.port = "2345"},
     .rc = OC_EINVAL,
     .err = "--port"},
    {"port env 0 refused",
     NULL,
     {NOAUTH},
     {.port = "0"},
     .rc = OC_EINVAL,
     .err = "invalid OPENCLAW_GATEWAY_PORT '0'"},
    {"port env not a number",
     "{'gateway':{'port':1234}}",
     {NOAUTH},
     {.port = "http"},
     .rc = OC_EINVAL,
     .err = "invalid OPENCLAW_GATEWAY_PORT 'http'"},
    {"port config out of range",
     "{'gateway':{'port':70000}}",
     {NOAUTH},
     {0},
     .rc = OC_EINVAL,
     .err = "gateway.port"},
    {"port config 0",
     "{'gateway':{'port':0}}",
     {NOAUTH},
     {0},
     .rc = OC_EINVAL,
     .err = "gateway.port"},
    {"port config a string",
     "{'gateway':{'port':'18789'}}",
     {NOAUTH},
     {0},
     .rc = OC_EINVAL,
     .err = "gateway.port"},

    /* bind */
    {"bind default loopback",
     NULL,
     {NOAUTH},
     {0},
     .bind = "loopback",
     .hosts = "127.0.0.1 ::1?"},
    {"bind loopback from config",
     "{'gateway':{'bind':'loopback'}}",
     {NOAUTH},
     {0},
     .bind = "loopback",
     .hosts = "127.0.0.1 ::1?"},
    {"bind lan",
     "{'gateway':{'bind':'lan','auth':{'token':'t0k'}}}",
     {0},
     {0},
     .bind = "lan",
     .hosts = "0.0.0.0 ::?"},
    {"bind flag over config",
     "{'gateway':{'bind':'loopback'}}",
     {.bind = "lan", .token = "t0k"},
     {0},
     .bind = "lan",
     .hosts = "0.0.0.0 ::?"},
    {"bind custom",
     "{'gateway':{'bind':'custom','customBindHost':'192.168.1.5',"
     "'auth':{'token':'t0k'}}}",
     {0},
     {0},
     .bind = "custom",
     .hosts = "192.168.1.5"},
    {"bind custom loopback host without auth",
     "{'gateway':{'bind':'custom','customBindHost':'127.0.0.2'}}",
     {NOAUTH},
     {0},
     .bind = "custom",
     .hosts = "127.0.0.2"},
    {"bind custom without a host",
     "{'gateway':{'auth':{'token':'t0k'}}}",
     {.bind = "custom"},
     {0},
     .rc = OC_EINVAL,
     .err = "gateway.customBindHost"},
    {"bind custom IPv6 host",
     "{'gateway':{'bind':'custom','customBindHost':'::1'}}",
     {NOAUTH},
     {0},
     .rc = OC_EINVAL,
     .err = "IPv4"},
    {"bind custom host name",
     "{'gateway':{'bind':'custom','customBindHost':'myhost.local'}}",
     {NOAUTH},
     {0},
     .rc = OC_EINVAL,
     .err = "gateway.customBindHost"},
    {"bind flag unknown",
     NULL,
     {NOAUTH, .bind = "everywhere"},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid bind 'everywhere'"},
    {"bind config unknown",
     "{'gateway':{'bind':'0.0.0.0'}}",
     {NOAUTH},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid bind '0.0.0.0'"},
    {"bind is case-sensitive",
     NULL,
     {NOAUTH, .bind = "LAN"},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid bind 'LAN'"},

    /* auth mode inference and refusals */
    {"auth none on loopback",
     NULL,
     {.auth = "none"},
     {.token = "envtok"},
     .auth = "none",
     .explicit_ = 2,
     .secret = ""},
    {"auth none from config on loopback",
     "{'gateway':{'auth':{'mode':'none'}}}",
     {0},
     {0},
     .auth = "none",
     .explicit_ = 2},
    {"auth none on lan refused",
     "{'gateway':{'bind':'lan','auth':{'mode':'none'}}}",
     {0},
     {0},
     .rc = OC_EPERM,
     .err = "refusing to bind the gateway to 0.0.0.0 without auth"},
    {"auth none flag on lan refused",
     NULL,
     {.auth = "none", .bind = "lan"},
     {0},
     .rc = OC_EPERM,
     .err = "without auth"},
    {"auth none on a custom address refused",
     "{'gateway':{'bind':'custom','customBindHost':'10.1.2.3'}}",
     {.auth = "none"},
     {0},
     .rc = OC_EPERM,
     .err = "refusing to bind the gateway to 10.1.2.3"},
    {"lan with no secret at all refused",
     NULL,
     {.bind = "lan"},
     {0},
     .rc = OC_EPERM,
     .err = "no token is set"},
    {"nothing configured: token mode without a token",
     NULL,
     {0},
     {0},
     .rc = OC_EPERM,
     .err = "gateway auth is 'token' but no token is set"},
    {"token mode without a token",
     "{'gateway':{'auth':{'mode':'token'}}}",
     {0},
     {.password = "pw"},
     .rc = OC_EPERM,
     .err = "gateway auth is 'token' but no token is set"},
    {"token mode with an empty token",
     "{'gateway':{'auth':{'mode':'token','token':''}}}",
     {0},
     {0},
     .rc = OC_EPERM,
     .err = "no token is set"},
    {"empty config token falls back to the env",
     "{'gateway':{'auth':{'token':''}}}",
     {0},
     {.token = "envtok"},
     .auth = "token",
     .secret = "envtok",
     .secret_source = "OPENCLAW_GATEWAY_TOKEN"},
    {"password mode without a password",
     "{'gateway':{'auth':{'mode':'password','token':'t0k'}}}",
     {0},
     {0},
     .rc = OC_EPERM,
     .err = "gateway auth is 'password' but no password is set"},
    {"token inferred from config",
     "{'gateway':{'auth':{'token':'t0k'}}}",
     {0},
     {0},
     .auth = "token",
     .explicit_ = 1,
     .secret = "t0k",
     .secret_source = "gateway.auth.token"},
    {"password inferred from config",
     "{'gateway':{'auth':{'password':'pw'}}}",
     {0},
     {0},
     .auth = "password",
     .explicit_ = 1,
     .secret = "pw",
     .secret_source = "gateway.auth.password"},
    {"password inferred from env",
     NULL,
     {0},
     {.password = "envpw"},
     .auth = "password",
     .explicit_ = 1,
     .secret = "envpw",
     .secret_source = "OPENCLAW_GATEWAY_PASSWORD"},
    {"both secrets without a mode refused",
     "{'gateway':{'auth':{'token':'t0k','password':'pw'}}}",
     {0},
     {0},
     .rc = OC_EPERM,
     .err = "both a gateway token and a password are set"},
    {"env token and config password without a mode refused",
     "{'gateway':{'auth':{'password':'pw'}}}",
     {0},
     {.token = "envtok"},
     .rc = OC_EPERM,
     .err = "gateway.auth.mode"},
    {"both secrets with mode password",
     "{'gateway':{'auth':{'mode':'password','token':'t0k','password':'pw'}}}",
     {0},
     {0},
     .auth = "password",
     .explicit_ = 2,
     .secret = "pw",
     .secret_source = "gateway.auth.password"},
    {"both secrets with mode token",
     "{'gateway':{'auth':{'mode':'token','token':'t0k','password':'pw'}}}",
     {0},
     {0},
     .auth = "token",
     .explicit_ = 2,
     .secret = "t0k"},
    {"token flag picks token over a config password",
     "{'gateway':{'auth':{'password':'pw'}}}",
     {.token = "flagtok"},
     {0},
     .auth = "token",
     .explicit_ = 1,
     .secret = "flagtok",
     .secret_source = "--token"},
    {"password flag picks password over a config token",
     "{'gateway':{'auth':{'token':'t0k'}}}",
     {.password = "flagpw"},
     {0},
     .auth = "password",
     .explicit_ = 1,
     .secret = "flagpw",
     .secret_source = "--password"},
    {"auth flag over config mode",
     "{'gateway':{'auth':{'mode':'none','token':'t0k'}}}",
     {.auth = "token"},
     {0},
     .auth = "token",
     .explicit_ = 2,
     .secret = "t0k"},
    {"auth flag unknown",
     NULL,
     {.auth = "open"},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid auth mode 'open'"},
    {"auth mode trusted-proxy unsupported",
     "{'gateway':{'auth':{'mode':'trusted-proxy'}}}",
     {0},
     {0},
     .rc = OC_EINVAL,
     .err = "invalid auth mode 'trusted-proxy'"},

    /* where the secret comes from */
    {"token flag > config > env",
     "{'gateway':{'auth':{'token':'cfgtok'}}}",
     {.token = "flagtok"},
     {.token = "envtok"},
     .auth = "token",
     .secret = "flagtok",
     .secret_source = "--token"},
    {"empty token flag is not given",
     "{'gateway':{'auth':{'token':'cfgtok'}}}",
     {.token = ""},
     {.token = "envtok"},
     .secret = "cfgtok",
     .secret_source = "gateway.auth.token"},
    {"config string > env",
     "{'gateway':{'auth':{'token':'cfgtok'}}}",
     {0},
     {.token = "envtok"},
     .auth = "token",
     .secret = "cfgtok",
     .secret_source = "gateway.auth.token"},
    {"SecretRef > env",
     "{'gateway':{'auth':{'token':{'source':'env','id':'" REF_VAR "'}}}}",
     {0},
     {.token = "envtok", .ref = "reftok"},
     .auth = "token",
     .explicit_ = 1,
     .secret = "reftok",
     .secret_source = "gateway.auth.token"},
    {"password SecretRef",
     "{'gateway':{'auth':{'mode':'password','password':{'source':'env',"
     "'id':'" REF_VAR "'}}}}",
     {0},
     {.ref = "refpw"},
     .auth = "password",
     .secret = "refpw",
     .secret_source = "gateway.auth.password"},
    {"env token alone",
     NULL,
     {0},
     {.token = "envtok"},
     .auth = "token",
     .explicit_ = 1,
     .secret = "envtok",
     .secret_source = "OPENCLAW_GATEWAY_TOKEN"},
    {"unresolvable SecretRef fails closed",
     "{'gateway':{'auth':{'token':{'source':'env','id':'" REF_VAR "'}}}}",
     {0},
     {.token = "envtok"},
     .rc = OC_EPERM,
     .err = "environment variable " REF_VAR ", which is not set"},
    {"SecretRef to an empty variable fails closed",
     "{'gateway':{'auth':{'token':{'source':'env','id':'" REF_VAR "'}}}}",
     {0},
     {.token = "envtok", .ref = ""},
     .rc = OC_EPERM,
     .err = REF_VAR},
    {"SecretRef from a file is unsupported",
     "{'gateway':{'auth':{'token':{'source':'file','id':'/x'}}}}",
     {0},
     {.token = "envtok"},
     .rc = OC_EPERM,
     .err = "secret references are supported"},
    {"SecretRef without an id",
     "{'gateway':{'auth':{'token':{'source':'env'}}}}",
     {0},
     {0},
     .rc = OC_EPERM,
     .err = "gateway.auth.token"},
    {"unsubstituted ${VAR} fails closed",
     "{'gateway':{'auth':{'token':'${MY_GW_TOKEN}'}}}",
     {0},
     {.token = "envtok"},
     .rc = OC_EPERM,
     .err = "${MY_GW_TOKEN}"},
    {"a token flag skips a broken config token",
     "{'gateway':{'auth':{'token':{'source':'env','id':'" REF_VAR "'}}}}",
     {.token = "flagtok"},
     {0},
     .secret = "flagtok",
     .secret_source = "--token"},
};

/* "a b?" against the resolved hosts (? marks an optional one). */
static void hosts_are(const char *name, const struct gw_settings *s,
                      const char *want)
{
    char *w = xstrdup(want), *save = NULL, *tok;
    size_t i = 0;

    for (tok = strtok_r(w, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save), i++) {
        size_t n = strlen(tok);
        bool opt = tok[n - 1] == '?';

        if (opt)
            tok[n - 1] = '\0';
        if (i >= s->nhosts)
            fail_msg("%s: %zu hosts, want %s", name, s->nhosts, want);
        tu_str_is(name, "host", s->hosts[i], tok);
        if (s->hosts_optional[i] != opt)
            fail_msg("%s: host %s optional=%d", name, tok,
                     (int)s->hosts_optional[i]);
    }
    if (i != s->nhosts)
        fail_msg("%s: %zu hosts, want %s", name, s->nhosts, want);
    free(w);
}

static void check_ok(const struct rcase *c, const struct gw_settings *s)
{
    if (c->port_source) {
        tu_str_is(c->name, "port_source", s->port_source, c->port_source);
        if (s->port != c->port)
            fail_msg("%s: port %d, want %d", c->name, s->port, c->port);
    }
    if (c->bind)
        tu_str_is(c->name, "bind", s->bind, c->bind);
    if (c->hosts)
        hosts_are(c->name, s, c->hosts);
    if (c->auth)
        tu_str_is(c->name, "auth", gw_auth_mode_name(s->auth), c->auth);
    if (c->explicit_ && s->auth_explicit != (c->explicit_ == 2))
        fail_msg("%s: auth_explicit %d", c->name, (int)s->auth_explicit);
    if (c->secret)
        tu_str_is(c->name, "secret", secret_value(&s->secret), c->secret);
    if (c->secret_source)
        tu_str_is(c->name, "secret_source", s->secret_source, c->secret_source);
}

static void run_rcase(const struct rcase *c)
{
    json_t *root = tu_jq(c->config);
    struct gw_settings s;
    struct oc_err err;
    int rc;

    env_apply(&c->env);
    gw_settings_init(&s);
    oc_err_clear(&err);
    rc = gw_settings_resolve(root, &c->flags, &s, &err);
    if (rc != c->rc)
        fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->rc,
                 oc_err_msg(&err));
    if (rc == 0) {
        check_ok(c, &s);
    } else {
        if (!strstr(err.msg, c->err))
            fail_msg("%s: error '%s' does not say '%s'", c->name, err.msg,
                     c->err);
        if (s.secret.len || s.nhosts)
            fail_msg("%s: settings left filled after an error", c->name);
    }
    gw_settings_release(&s);
    json_decref(root);
}

static void test_resolve(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++)
        run_rcase(&rcases[i]);
    env_apply(&(struct env){0});
}

/* A secret must never appear in an error message. */
static void test_errors_hide_secrets(void **state)
{
    json_t *root = tu_jq("{'gateway':{'bind':'lan','auth':{'mode':'none',"
                         "'token':'sekrit-value'}}}");
    struct gw_flags f = {.password = "pw-sekrit"};
    struct gw_settings s;
    struct oc_err err;

    (void)state;
    env_apply(&(struct env){.token = "env-sekrit"});
    gw_settings_init(&s);
    oc_err_clear(&err);
    assert_int_equal(gw_settings_resolve(root, &f, &s, &err), OC_EPERM);
    assert_null(strstr(err.msg, "sekrit"));
    gw_settings_release(&s);
    json_decref(root);
    env_apply(&(struct env){0});
}

/* tailnet depends on the host: a 100.64.0.0/10 address, or a refusal. */
static void test_tailnet(void **state)
{
    struct gw_flags f = {.bind = "tailnet", .token = "t0k"};
    struct gw_settings s;
    struct oc_err err;
    int rc;

    (void)state;
    env_apply(&(struct env){0});
    gw_settings_init(&s);
    oc_err_clear(&err);
    rc = gw_settings_resolve(NULL, &f, &s, &err);
    if (rc == 0) {
        assert_int_equal(s.nhosts, 1);
        assert_true(!strncmp(s.hosts[0], "100.", 4));
    } else {
        assert_int_equal(rc, OC_EINVAL);
        assert_non_null(strstr(err.msg, "Tailscale"));
    }
    gw_settings_release(&s);
    f.bind = "auto";
    assert_int_equal(gw_settings_resolve(NULL, &f, &s, &err), 0);
    assert_string_equal(s.bind, "auto");
    assert_true(s.nhosts >= 1);
    gw_settings_release(&s);
}

/* ---- rate limit, endpoints, reload -------------------------------------- */

struct mcase {
    const char *name;
    const char *config;
    struct gw_rate_limit rate;
    bool chat_completions, reload;
    long debounce_ms;
};

#define RATE_DEFAULT                                                           \
    {                                                                          \
        10, 60000, 300000, true                                                \
    }

static const struct mcase mcases[] = {
    {"no config", NULL, RATE_DEFAULT, true, true, 300},
    {"empty gateway", "{'gateway':{}}", RATE_DEFAULT, true, true, 300},
    {"rate limit overrides",
     "{'gateway':{'auth':{'rateLimit':{'maxAttempts':3,'windowMs':1000,"
     "'lockoutMs':5000,'exemptLoopback':false}}}}",
     {3, 1000, 5000, false},
     true,
     true,
     300},
    {"rate limit partial override",
     "{'gateway':{'auth':{'rateLimit':{'lockoutMs':1}}}}",
     {10, 60000, 1, true},
     true,
     true,
     300},
    {"chatCompletions off",
     "{'gateway':{'http':{'endpoints':{'chatCompletions':{'enabled':false}}}}}",
     RATE_DEFAULT, false, true, 300},
    {"chatCompletions on",
     "{'gateway':{'http':{'endpoints':{'chatCompletions':{'enabled':true}}}}}",
     RATE_DEFAULT, true, true, 300},
    {"responses off leaves chatCompletions on",
     "{'gateway':{'http':{'endpoints':{'responses':{'enabled':false}}}}}",
     RATE_DEFAULT, true, true, 300},
    {"reload off", "{'gateway':{'reload':{'mode':'off'}}}", RATE_DEFAULT, true,
     false, 300},
    {"reload hybrid with debounce",
     "{'gateway':{'reload':{'mode':'hybrid','debounceMs':500}}}", RATE_DEFAULT,
     true, true, 500},
    {"reload hot", "{'gateway':{'reload':{'mode':'hot'}}}", RATE_DEFAULT, true,
     true, 300},
};

static void run_mcase(const struct mcase *c)
{
    json_t *root = tu_jq(c->config);
    struct gw_flags f = {.auth = "none"};
    struct gw_settings s;
    struct oc_err err;

    gw_settings_init(&s);
    oc_err_clear(&err);
    if (gw_settings_resolve(root, &f, &s, &err) != 0)
        fail_msg("%s: %s", c->name, err.msg);
    if (s.rate.max_attempts != c->rate.max_attempts ||
        s.rate.window_ms != c->rate.window_ms ||
        s.rate.lockout_ms != c->rate.lockout_ms ||
        s.rate.exempt_loopback != c->rate.exempt_loopback)
        fail_msg("%s: rate %d/%ld/%ld/%d", c->name, s.rate.max_attempts,
                 s.rate.window_ms, s.rate.lockout_ms,
                 (int)s.rate.exempt_loopback);
    if (s.chat_completions != c->chat_completions)
        fail_msg("%s: chat_completions %d", c->name, (int)s.chat_completions);
    if (s.reload != c->reload || s.debounce_ms != c->debounce_ms)
        fail_msg("%s: reload %d debounce %ld", c->name, (int)s.reload,
                 s.debounce_ms);
    gw_settings_release(&s);
    json_decref(root);
}

static void test_misc(void **state)
{
    size_t i;

    (void)state;
    env_apply(&(struct env){0});
    for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++)
        run_mcase(&mcases[i]);
}

/* ---- what needs a restart ----------------------------------------------- */

struct xcase {
    const char *name;
    const char *old_cfg, *new_cfg;
    const char *what; /* NULL: no restart */
};

static const struct xcase xcases[] = {
    {"both empty", NULL, NULL, NULL},
    {"same", "{'gateway':{'port':1,'bind':'lan'}}",
     "{'gateway':{'bind':'lan','port':1}}", NULL},
    {"port changed", "{'gateway':{'port':1}}", "{'gateway':{'port':2}}",
     "gateway.port"},
    {"port added", "{}", "{'gateway':{'port':18790}}", "gateway.port"},
    {"port removed", "{'gateway':{'port':18790}}", NULL, "gateway.port"},
    {"bind changed", "{'gateway':{'bind':'loopback'}}",
     "{'gateway':{'bind':'lan'}}", "gateway.bind"},
    {"custom host changed", "{'gateway':{'customBindHost':'10.0.0.1'}}",
     "{'gateway':{'customBindHost':'10.0.0.2'}}", "gateway.customBindHost"},
    {"auth token changed", "{'gateway':{'auth':{'token':'a'}}}",
     "{'gateway':{'auth':{'token':'b'}}}", "gateway.auth"},
    {"auth mode changed", "{'gateway':{'auth':{'mode':'token'}}}",
     "{'gateway':{'auth':{'mode':'password'}}}", "gateway.auth"},
    {"gateway mode changed", "{'gateway':{'mode':'local'}}",
     "{'gateway':{'mode':'remote'}}", "gateway.mode"},
    {"agents changed",
     "{'gateway':{'port':1},'agents':{'defaults':{'model':'a/b'}}}",
     "{'gateway':{'port':1},'agents':{'defaults':{'model':'c/d'}}}", NULL},
    {"models changed", "{'models':{'providers':{}}}",
     "{'models':{'providers':{'x':{}}}}", NULL},
    {"http endpoints changed",
     "{'gateway':{'http':{'endpoints':{'chatCompletions':{'enabled':true}}}}}",
     "{'gateway':{'http':{'endpoints':{'chatCompletions':{'enabled':false}}}}}",
     NULL},
    {"reload changed", "{'gateway':{'reload':{'mode':'hybrid'}}}",
     "{'gateway':{'reload':{'mode':'off'}}}", NULL},
};

static void test_restart_needed(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(xcases) / sizeof(xcases[0]); i++) {
        const struct xcase *c = &xcases[i];
        json_t *a = tu_jq(c->old_cfg), *b = tu_jq(c->new_cfg);
        char what[64] = "";
        bool r = gw_settings_restart_needed(a, b, what, sizeof(what));

        if (r != (c->what != NULL))
            fail_msg("%s: restart %d (%s)", c->name, (int)r, what);
        if (c->what)
            tu_str_is(c->name, "what", what, c->what);
        /* and the other way round */
        if (gw_settings_restart_needed(b, a, what, sizeof(what)) != r)
            fail_msg("%s: not symmetric", c->name);
        json_decref(a);
        json_decref(b);
    }
}

/* A short buffer is truncated, not overrun. */
static void test_restart_short_buffer(void **state)
{
    json_t *a = tu_jq("{'gateway':{'customBindHost':'10.0.0.1'}}");
    char what[9];

    (void)state;
    memset(what, 'x', sizeof(what));
    assert_true(gw_settings_restart_needed(a, NULL, what, sizeof(what)));
    assert_string_equal(what, "gateway.");
    json_decref(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_errors_hide_secrets),
        cmocka_unit_test(test_tailnet),
        cmocka_unit_test(test_misc),
        cmocka_unit_test(test_restart_needed),
        cmocka_unit_test(test_restart_short_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
