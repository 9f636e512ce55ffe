/*
 * Token/API key checks, durations and profile ids (see token.h).
 * Tested in tests/unit/test_token.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/cred.h"
#include "auth/token.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "base/banned.h"

char *token_clean(const char *provider, const char *raw)
{
    struct buf b;
    char *r;
    size_t i;

    if (strcmp(provider, "anthropic") != 0)
        return auth_clean_secret(raw, strlen(raw));
    buf_init(&b, 0);
    for (i = 0; raw[i]; i++)
        if (!isspace((unsigned char)raw[i]))
            buf_addch(&b, raw[i]);
    r = auth_clean_secret(b.p, b.len);
    buf_wipe_release(&b);
    return r;
}

/* "<code>#<state>" as copied from an OAuth login page. */
static int looks_like_code_state(const char *s)
{
    const char *hash = strchr(s, '#');

    return hash && hash != s && hash[1] && !strchr(hash + 1, '#') &&
           strncmp(s, "sk-", 3) != 0;
}

static const char *anthropic_token(const char *t, char *buf, size_t bufsz)
{
    size_t n = strlen(t);

    if (looks_like_code_state(t))
        return "this looks like an OAuth code#state from a login page, not a "
               "setup-token; run `claude setup-token` and paste the "
               "sk-ant-oat01-... token it prints";
    if (str_has_prefix(t, "sk-ant-api"))
        return "this is an Anthropic API key, not a setup-token; save it "
               "with `openclaw models auth paste-api-key --provider "
               "anthropic`";
    if (!str_has_prefix(t, ANTHROPIC_SETUP_TOKEN_PREFIX))
        return "expected a token starting with sk-ant-oat01- (made by "
               "`claude setup-token`)";
    if (n < ANTHROPIC_SETUP_TOKEN_MIN) {
        snprintf(buf, bufsz,
                 "token looks too short (%zu characters; a setup-token has "
                 "at least %d); paste the full setup-token",
                 n, ANTHROPIC_SETUP_TOKEN_MIN);
        return buf;
    }
    return NULL;
}

static bool has_space(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s))
            return true;
    return false;
}

const char *token_check(const char *provider, const char *token, char *buf,
                        size_t bufsz)
{
    if (!token || !*token)
        return "no token given; paste it at the prompt or pipe it on stdin";
    if (!strcmp(provider, "anthropic"))
        return anthropic_token(token, buf, bufsz);
    if (has_space(token))
        return "a token cannot contain spaces; paste it on one line";
    return NULL;
}

const char *apikey_check(const char *provider, const char *key)
{
    if (!key || !*key)
        return "no API key given; paste it at the prompt or pipe it on "
               "stdin";
    if (has_space(key))
        return "an API key cannot contain spaces; paste it on one line";
    if (!strcmp(provider, "anthropic") &&
        str_has_prefix(key, ANTHROPIC_SETUP_TOKEN_PREFIX))
        return "this is a Claude setup-token, not an API key; save it with "
               "`openclaw models auth paste-token --provider anthropic`";
    if (!strcmp(provider, "anthropic") && !str_has_prefix(key, "sk-ant-"))
        return "expected an Anthropic API key starting with sk-ant- (create "
               "one in the Anthropic Console)";
    if (!strcmp(provider, "openrouter") && !str_has_prefix(key, "sk-or-"))
        return "expected an OpenRouter API key starting with sk-or- (create "
               "one at openrouter.ai/keys)";
    return NULL;
}

static int64_t unit_ms(const char *u, size_t n)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {{"ms", 1},      {"s", 1000},     {"m", 60000},
                 {"h", 3600000}, {"d", 86400000}, {NULL, 0}};
    size_t i;

    for (i = 0; units[i].name; i++)
        if (strlen(units[i].name) == n && !strncmp(u, units[i].name, n))
            return units[i].ms;
    return 0;
}

/* One "<number>[unit]" part at *p (a bare number is days); 0 or
 * OC_EINVAL. */
static int one_part(const char **p, double *ms, bool *had_unit)
{
    char *end = NULL;
    const char *u;
    double v;
    int64_t mult;

    if (!isdigit((unsigned char)**p))
        return OC_EINVAL;
    v = strtod(*p, &end);
    u = end;
    while (isalpha((unsigned char)*end))
        end++;
    *had_unit = end != u;
    mult = *had_unit ? unit_ms(u, (size_t)(end - u)) : 86400000;
    if (!mult)
        return OC_EINVAL;
    *ms += v * (double)mult;
    *p = end;
    return 0;
}

int duration_parse_ms(const char *s, int64_t *ms)
{
    const char *p = s;
    double total = 0;
    bool had_unit = false;

    if (!s || one_part(&p, &total, &had_unit))
        return OC_EINVAL;
    /* "1h30m": further parts only after a unit, and each with one. */
    while (*p)
        if (!had_unit || one_part(&p, &total, &had_unit) || !had_unit)
            return OC_EINVAL;
    if (total <= 0 || total > 9.0e15)
        return OC_EINVAL;
    *ms = (int64_t)(total + 0.5);
    return 0;
}

char *profile_id_make(const char *provider, const char *id, const char *dflt,
                      const char **why)
{
    const char *colon;

    *why = NULL;
    if (!id || !*id)
        return xasprintf("%s:%s", provider, dflt);
    colon = strchr(id, ':');
    if (!colon || colon == id || !colon[1] || has_space(id)) {
        *why = "profile ids look like <provider>:<name>, e.g. "
               "anthropic:work";
        return NULL;
    }
    if ((size_t)(colon - id) != strlen(provider) ||
        strncmp(id, provider, strlen(provider)) != 0) {
        *why = "the profile id must start with the provider name";
        return NULL;
    }
    return xstrdup(id);
}
