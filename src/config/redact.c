/*
 * Redacted copies of config values for display (config get): secrets are
 * replaced by OpenClaw's marker, references like "${VAR}" are kept since
 * they are not secrets. Tested in tests/unit/test_config.c.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "base/str.h"
#include "config/config.h"
#include "config/env.h"
#include "base/banned.h"

/* Member names whose string values are credentials. */
static bool sensitive_name(const char *key)
{
    static const char *const suffixes[] = {
        "token",   "password",  "secret",     "apikey",        "api_key",
        "api-key", "accesskey", "privatekey", "authorization", NULL};
    char low[128];
    size_t i;

    if (strlen(key) >= sizeof(low))
        return false;
    for (i = 0; key[i]; i++)
        low[i] = (char)tolower((unsigned char)key[i]);
    low[i] = '\0';
    if (!strcmp(low, "key") || !strcmp(low, "access") ||
        !strcmp(low, "refresh"))
        return true;
    for (i = 0; suffixes[i]; i++)
        if (str_has_suffix(low, suffixes[i]))
            return true;
    return false;
}

/* A value that is only a ${VAR} reference carries no secret. */
static bool is_reference(const char *s)
{
    size_t n = strlen(s);

    return n > 3 && s[0] == '$' && s[1] == '{' && s[n - 1] == '}' &&
           !strchr(s + 2, '$');
}

static json_t *copy(json_t *v, bool in_env);

static json_t *copy_object(json_t *v, bool in_env)
{
    json_t *out = json_object(), *m;
    const char *key;

    json_object_foreach (v, key, m) {
        bool secret =
            json_is_string(m) && !is_reference(json_string_value(m)) &&
            (sensitive_name(key) || (in_env && env_is_credential_key(key)));
        json_object_set_new(out, key,
                            secret ? json_string(CONFIG_REDACTED)
                                   : copy(m, in_env || !strcmp(key, "env")));
    }
    return out;
}

static json_t *copy(json_t *v, bool in_env)
{
    json_t *out, *m;
    size_t i;

    if (json_is_object(v))
        return copy_object(v, in_env);
    if (!json_is_array(v))
        return json_deep_copy(v);
    out = json_array();
    json_array_foreach (v, i, m)
        json_array_append_new(out, copy(m, in_env));
    return out;
}

json_t *config_redacted(json_t *v)
{
    return copy(v, false);
}
