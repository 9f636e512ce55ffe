/*
 * Credential parsing, eligibility and secret resolution (see cred.h).
 * Tested in tests/unit/test_cred.c.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/cred.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "base/banned.h"

static const char *const type_names[] = {"none", "api_key", "token", "oauth"};

const char *auth_type_name(enum auth_type t)
{
    return type_names[t <= AUTH_OAUTH ? t : 0];
}

enum auth_type auth_type_parse(const char *name)
{
    int i;

    for (i = 1; name && i <= AUTH_OAUTH; i++)
        if (!strcmp(type_names[i], name))
            return (enum auth_type)i;
    return AUTH_TYPE_NONE;
}

int auth_type_score(enum auth_type t)
{
    switch (t) {
    case AUTH_OAUTH:
        return 0;
    case AUTH_TOKEN:
        return 1;
    case AUTH_API_KEY:
        return 2;
    default:
        return 3;
    }
}

const char *auth_elig_name(enum auth_elig e)
{
    static const char *const names[] = {"ok", "missing_credential",
                                        "invalid_expires", "expired",
                                        "unresolved_ref"};

    return names[e <= ELIG_UNRESOLVED_REF ? e : 0];
}

bool auth_provider_same(const char *a, const char *b)
{
    char x[AUTH_PROVIDER_MAX], y[AUTH_PROVIDER_MAX];

    if (a && b && strcmp(a, b) == 0)
        return true; /* the common case: no normalising needed */
    auth_provider_normalize(a, x, sizeof(x));
    auth_provider_normalize(b, y, sizeof(y));
    return strcmp(x, y) == 0;
}

void auth_provider_normalize(const char *in, char *out, size_t outsz)
{
    static const char *const aliases[][2] = {
        {"modelstudio", "qwen"},
        {"qwencloud", "qwen"},
        {"z.ai", "zai"},
        {"z-ai", "zai"},
        {"opencode-zen", "opencode"},
        {"opencode-go-auth", "opencode-go"},
        {"kimi-code", "kimi"},
        {"kimi-coding", "kimi"},
        {"bedrock", "amazon-bedrock"},
        {"aws-bedrock", "amazon-bedrock"},
        {"bytedance", "volcengine"},
        {"doubao", "volcengine"},
    };
    size_t i;

    if (!outsz)
        return;
    /* a lower-cased, truncated copy (this runs several times a request) */
    for (i = 0; in && in[i] && i + 1 < outsz; i++)
        out[i] = (char)tolower((unsigned char)in[i]);
    out[i] = '\0';
    for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (!strcmp(out, aliases[i][0]))
            str_copy(out, outsz, aliases[i][1]);
}

/* A SecretRef: an object with string "source" and "id". */
static bool is_ref(const json_t *v)
{
    return json_is_object(v) && jsonx_get_str(v, "source") &&
           jsonx_get_str(v, "id");
}

static void read_secret_fields(struct auth_cred *c, json_t *v)
{
    const char *field = c->type == AUTH_API_KEY ? "key"
                        : c->type == AUTH_TOKEN ? "token"
                                                : "access";
    const char *ref_field = c->type == AUTH_API_KEY ? "keyRef" : "tokenRef";
    json_t *inline_v = json_object_get(v, field);

    if (c->type == AUTH_API_KEY && !inline_v)
        inline_v = json_object_get(v, "apiKey");
    c->secret = json_is_string(inline_v) ? json_string_value(inline_v) : NULL;
    if (c->type == AUTH_OAUTH) {
        c->refresh = jsonx_get_str(v, "refresh");
        return;
    }
    c->ref = json_object_get(v, ref_field);
    if (!is_ref(c->ref))
        c->ref = is_ref(inline_v) ? inline_v : NULL;
}

static void read_expires(struct auth_cred *c, json_t *v)
{
    json_t *e = json_object_get(v, "expires");
    double d;

    c->has_expires = e && !json_is_null(e);
    if (!c->has_expires)
        return;
    d = json_is_number(e) ? json_number_value(e) : 0;
    c->expires_valid = isfinite(d) && d > 0;
    /* OpenClaw accepts any finite positive number; past the largest
     * JavaScript date it is simply "far future" */
    if (d > AUTH_EXPIRES_MAX)
        d = AUTH_EXPIRES_MAX;
    c->expires = c->expires_valid ? (int64_t)d : 0;
}

int auth_cred_parse(const char *id, json_t *v, struct auth_cred *out,
                    const char **why)
{
    const char *type;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (!json_is_object(v))
        *why = "not an object";
    type = jsonx_get_str(v, "type");
    if (!type)
        type = jsonx_get_str(v, "mode");
    if (type && !strcmp(type, "apiKey"))
        type = "api_key";
    out->type = auth_type_parse(type);
    if (!*why && out->type == AUTH_TYPE_NONE)
        *why = "invalid type (expected api_key, token or oauth)";
    out->provider = jsonx_get_str(v, "provider");
    if (!*why && (!out->provider || !*out->provider))
        *why = "missing provider";
    if (*why)
        return OC_EINVAL;
    out->id = id;
    out->json = v;
    auth_provider_normalize(out->provider, out->provider_norm,
                            sizeof(out->provider_norm));
    read_secret_fields(out, v);
    read_expires(out, v);
    out->email = jsonx_get_str(v, "email");
    out->display_name = jsonx_get_str(v, "displayName");
    return 0;
}

static bool blank(const char *s)
{
    while (s && *s && isspace((unsigned char)*s))
        s++;
    return !s || !*s;
}

/* "${NAME}" with NAME = [A-Z][A-Z0-9_]{0,127}: the name, else NULL. */
static const char *template_name(const char *s, char *buf, size_t bufsz)
{
    size_t n = s ? strlen(s) : 0, i;

    if (n < 4 || s[0] != '$' || s[1] != '{' || s[n - 1] != '}' || n - 3 > 128 ||
        n - 3 >= bufsz || !isupper((unsigned char)s[2]))
        return NULL;
    for (i = 2; i < n - 1; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
            s[i] != '_')
            return NULL;
    memcpy(buf, s + 2, n - 3);
    buf[n - 3] = '\0';
    return buf;
}

const char *auth_cred_env_name(const struct auth_cred *c, char *buf,
                               size_t bufsz)
{
    const char *src;

    if (c->secret && template_name(c->secret, buf, bufsz))
        return buf;
    if (!c->ref || (c->secret && !blank(c->secret)))
        return NULL;
    src = jsonx_get_str(c->ref, "source");
    if (!src || strcmp(src, "env") != 0)
        return NULL;
    str_copy(buf, bufsz, jsonx_get_str(c->ref, "id"));
    return buf;
}

/* Present and, for references, resolvable. */
static enum auth_elig secret_state(const struct auth_cred *c)
{
    char name[160];
    const char *env;

    if (c->secret && !blank(c->secret) &&
        !template_name(c->secret, name, sizeof(name)))
        return ELIG_OK;
    if (!c->ref && !(c->secret && !blank(c->secret)))
        return ELIG_MISSING_CREDENTIAL;
    if (!auth_cred_env_name(c, name, sizeof(name)))
        return ELIG_UNRESOLVED_REF; /* file/exec refs: not supported */
    env = getenv(name);
    return env && !blank(env) ? ELIG_OK : ELIG_UNRESOLVED_REF;
}

enum auth_elig auth_cred_eligibility(const struct auth_cred *c, int64_t now)
{
    enum auth_elig e;

    if (c->type == AUTH_OAUTH)
        return blank(c->secret) && blank(c->refresh) ? ELIG_MISSING_CREDENTIAL
                                                     : ELIG_OK;
    e = secret_state(c);
    if (e != ELIG_OK || c->type != AUTH_TOKEN || !c->has_expires)
        return e;
    if (!c->expires_valid)
        return ELIG_INVALID_EXPIRES;
    return now >= c->expires ? ELIG_EXPIRED : ELIG_OK;
}

/* Decode one UTF-8 sequence; returns its length (1 for invalid bytes). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
    size_t len = s[0] < 0x80             ? 1
                 : (s[0] & 0xE0) == 0xC0 ? 2
                 : (s[0] & 0xF0) == 0xE0 ? 3
                 : (s[0] & 0xF8) == 0xF0 ? 4
                                         : 1;
    size_t i;

    if (len > n)
        len = 1;
    *cp = len == 1 ? s[0] : s[0] & (0x3F >> (len - 1));
    for (i = 1; i < len; i++)
        *cp = (*cp << 6) | (s[i] & 0x3F);
    return len;
}

char *auth_clean_secret(const char *in, size_t n)
{
    const unsigned char *s = (const unsigned char *)in;
    struct buf b;
    size_t i = 0, len;
    const char *p;
    char *r;
    unsigned cp;

    buf_init(&b, 0);
    while (i < n) {
        len = utf8_next(s + i, n - i, &cp);
        /* U+2028/U+2029 are above U+00FF, so they go too. */
        if (cp != '\r' && cp != '\n' && cp <= 0xFF)
            buf_add(&b, s + i, len);
        i += len;
    }
    p = b.p;
    len = b.len;
    str_trim_view(&p, &len);
    r = xmemdupz(p, len);
    buf_wipe_release(&b);
    return r;
}

int auth_cred_resolve(const struct auth_cred *c, struct secret *out,
                      struct oc_err *err)
{
    const char *value = c->secret;
    char name[160];
    char *clean;

    if (auth_cred_env_name(c, name, sizeof(name))) {
        value = getenv(name);
        if (!value || blank(value))
            return oc_err_set(err, OC_ENOENT,
                              "profile \"%s\" refers to env %s, which is "
                              "not set",
                              c->id, name);
    } else if (blank(value)) {
        if (c->ref)
            return oc_err_set(err, OC_ENOENT,
                              "profile \"%s\" uses a %s SecretRef; only env "
                              "references are supported",
                              c->id, jsonx_get_str(c->ref, "source"));
        return oc_err_set(err, OC_ENOENT, "profile \"%s\" has no credential",
                          c->id);
    }
    clean = auth_clean_secret(value, strlen(value));
    secret_set(out, clean, strlen(clean));
    secret_wipe(clean, strlen(clean));
    free(clean);
    return 0;
}
