/*
 * The config keys we implement (see schema.h). Names and enums follow
 * reference openclaw-gateway-config.md §1.5 and openclaw-auth.md §4.
 */
#include <stddef.h>

#include "config/schema.h"
#include "base/banned.h"

/* Each expands to the designators of one table entry: {STR("x")}. */
#define END      .key = NULL
#define STR(k)   .key = (k), .kind = SK_STRING
#define NESTR(k) .key = (k), .kind = SK_STRING, .flags = SCHEMA_NONEMPTY
#define REQSTR(k)                                                              \
    .key = (k), .kind = SK_STRING, .flags = SCHEMA_REQUIRED | SCHEMA_NONEMPTY
#define BOOL(k)        .key = (k), .kind = SK_BOOL
#define INT(k, lo, hi) .key = (k), .kind = SK_INT, .min = (lo), .max = (hi)
#define NUM(k, lo, hi) .key = (k), .kind = SK_NUMBER, .min = (lo), .max = (hi)
#define ENUM(k, c)     .key = (k), .kind = SK_ENUM, .choices = (c)
#define STRS(k)        .key = (k), .kind = SK_STRINGS
#define STR_OR_STRS(k) .key = (k), .kind = SK_STRING_OR_STRINGS
#define OBJ(k, f)      .key = (k), .kind = SK_OBJECT, .fields = (f)
#define OPEN(k, f)                                                             \
    .key = (k), .kind = SK_OBJECT, .fields = (f), .flags = SCHEMA_OPEN
#define MAP(k, it) .key = (k), .kind = SK_MAP, .item = (it)
#define ARR(k, it) .key = (k), .kind = SK_ARRAY, .item = (it)
#define MODEL(k)   .key = (k), .kind = SK_MODEL
#define SECRET(k)  .key = (k), .kind = SK_SECRET

#define BIG 1000000000000LL

static const char *const thinking_levels[] = {
    "off", "minimal", "low", "medium", "high", "xhigh", "adaptive", NULL};
static const char *const cache_retention[] = {"none", "short", "long", NULL};
static const char *const cache_ttl[] = {"5m", "1h", NULL};
static const char *const auth_modes[] = {"api_key", "token", "oauth", NULL};
static const char *const provider_apis[] = {"anthropic-messages",
                                            "openai-completions",
                                            "openai-responses",
                                            "google-generative-ai",
                                            "openai-chatgpt-responses",
                                            "google-vertex",
                                            "github-copilot",
                                            "bedrock-converse-stream",
                                            "ollama",
                                            "azure-openai-responses",
                                            NULL};
static const char *const provider_auth[] = {"api-key", "token", "oauth",
                                            "aws-sdk", NULL};
static const char *const models_mode[] = {"merge", "replace", NULL};
static const char *const gw_modes[] = {"local", "remote", NULL};
static const char *const gw_binds[] = {"loopback", "lan",    "tailnet",
                                       "auto",     "custom", NULL};
static const char *const gw_auth_modes[] = {"none", "token", "password",
                                            "trusted-proxy", NULL};
static const char *const reload_modes[] = {"off", "hot", "restart", "hybrid",
                                           NULL};
static const char *const session_scopes[] = {"per-sender", "global", NULL};
static const char *const dm_scopes[] = {"main", "per-peer", "per-channel-peer",
                                        "per-account-channel-peer", NULL};

static const struct schema string_item = {STR(NULL)};
static const struct schema strings_item = {STRS(NULL)};
static const struct schema number_item = {NUM(NULL, 0, BIG)};

/* Provider/model parameters: the keys we read are typed; anything else is
 * passed through to the provider, so the object is open. */
static const struct schema params_fields[] = {
    {NUM("temperature", 0, 2)},
    {INT("maxTokens", 1, 10000000)},
    {ENUM("cacheRetention", cache_retention)},
    {ENUM("cacheControlTtl", cache_ttl)},
    {STR_OR_STRS("anthropicBeta")},
    {ENUM("thinking", thinking_levels)},
    {BOOL("context1m")},
    {END},
};

static const struct schema model_entry_fields[] = {
    {STR("alias")},
    {OPEN("params", params_fields)},
    {MAP("headers", &string_item)},
    {END},
};
static const struct schema model_entry = {OBJ(NULL, model_entry_fields)};

static const struct schema defaults_fields[] = {
    {MODEL("model")},
    {MAP("models", &model_entry)},
    {OPEN("params", params_fields)},
    {STR("workspace")},
    {ENUM("thinkingDefault", thinking_levels)},
    {INT("timeoutSeconds", 1, 86400)},
    {INT("contextTokens", 1, 100000000)},
    {INT("maxConcurrent", 1, 1000)},
    {MODEL("imageModel")},
    {END},
};

static const struct schema agent_fields[] = {
    {REQSTR("id")},
    {BOOL("default")},
    {STR("name")},
    {STR("workspace")},
    {NESTR("agentDir")},
    {MODEL("model")},
    {OPEN("params", params_fields)},
    {ENUM("thinkingDefault", thinking_levels)},
    {END},
};
static const struct schema agent_entry = {OBJ(NULL, agent_fields)};

/* agents.entries (later OpenClaw): keyed by id, so id is not required. */
static const struct schema keyed_agent_fields[] = {
    {STR("id")},
    {BOOL("default")},
    {STR("name")},
    {STR("workspace")},
    {NESTR("agentDir")},
    {MODEL("model")},
    {OPEN("params", params_fields)},
    {ENUM("thinkingDefault", thinking_levels)},
    {END},
};
static const struct schema keyed_agent = {OBJ(NULL, keyed_agent_fields)};

static const struct schema agents_fields[] = {
    {OBJ("defaults", defaults_fields)},
    {ARR("list", &agent_entry)},
    {MAP("entries", &keyed_agent)},
    {END},
};

static const struct schema cost_fields[] = {
    {NUM("input", 0, BIG)},
    {NUM("output", 0, BIG)},
    {NUM("cacheRead", 0, BIG)},
    {NUM("cacheWrite", 0, BIG)},
    {END},
};

static const struct schema catalog_model_fields[] = {
    {REQSTR("id")},
    {STR("name")},
    {BOOL("reasoning")},
    {STRS("input")},
    {OBJ("cost", cost_fields)},
    {INT("contextWindow", 1, 100000000)},
    {INT("contextTokens", 1, 100000000)},
    {INT("maxTokens", 1, 100000000)},
    {MAP("headers", &string_item)},
    {END},
};
static const struct schema catalog_model = {OBJ(NULL, catalog_model_fields)};

static const struct schema provider_fields[] = {
    {NESTR("baseUrl")},
    {SECRET("apiKey")},
    {ENUM("api", provider_apis)},
    {ENUM("auth", provider_auth)},
    {BOOL("authHeader")},
    {MAP("headers", &string_item)},
    {ARR("models", &catalog_model)},
    {END},
};
static const struct schema provider_entry = {OBJ(NULL, provider_fields)};

static const struct schema models_fields[] = {
    {ENUM("mode", models_mode)},
    {MAP("providers", &provider_entry)},
    {END},
};

static const struct schema profile_fields[] = {
    {REQSTR("provider")},
    {ENUM("mode", auth_modes)},
    {STR("email")},
    {STR("displayName")},
    {END},
};
static const struct schema profile_entry = {OBJ(NULL, profile_fields)};

static const struct schema cooldown_fields[] = {
    {NUM("billingBackoffHours", 0, 100000)},
    {MAP("billingBackoffHoursByProvider", &number_item)},
    {NUM("billingMaxHours", 0, 100000)},
    {NUM("authPermanentBackoffMinutes", 0, 1000000)},
    {NUM("authPermanentMaxMinutes", 0, 1000000)},
    {NUM("failureWindowHours", 0, 100000)},
    {INT("rateLimitedProfileRotations", 0, 1000)},
    {INT("overloadedProfileRotations", 0, 1000)},
    {INT("overloadedBackoffMs", 0, 86400000)},
    {END},
};

static const struct schema auth_fields[] = {
    {MAP("profiles", &profile_entry)},
    {MAP("order", &strings_item)},
    {OBJ("cooldowns", cooldown_fields)},
    {END},
};

static const struct schema rate_limit_fields[] = {
    {INT("maxAttempts", 1, 1000000)},
    {INT("windowMs", 1, BIG)},
    {INT("lockoutMs", 0, BIG)},
    {BOOL("exemptLoopback")},
    {END},
};

static const struct schema gw_auth_fields[] = {
    {ENUM("mode", gw_auth_modes)},
    {SECRET("token")},
    {SECRET("password")},
    {BOOL("allowTailscale")},
    {OBJ("rateLimit", rate_limit_fields)},
    {END},
};

static const struct schema endpoint_fields[] = {{BOOL("enabled")}, {END}};
static const struct schema endpoints_fields[] = {
    {OPEN("chatCompletions", endpoint_fields)},
    {OPEN("responses", endpoint_fields)},
    {END},
};
static const struct schema gw_http_fields[] = {
    {OBJ("endpoints", endpoints_fields)},
    {END},
};
static const struct schema reload_fields[] = {
    {ENUM("mode", reload_modes)},
    {INT("debounceMs", 0, 3600000)},
    {END},
};
static const struct schema remote_fields[] = {
    {STR("url")}, {SECRET("token")}, {SECRET("password")}, {STR("transport")},
    {END},
};

static const struct schema gateway_fields[] = {
    {ENUM("mode", gw_modes)},
    {INT("port", 1, 65535)},
    {ENUM("bind", gw_binds)},
    {NESTR("customBindHost")},
    {OBJ("auth", gw_auth_fields)},
    {OBJ("http", gw_http_fields)},
    {OBJ("reload", reload_fields)},
    {OBJ("remote", remote_fields)},
    {END},
};

static const struct schema session_fields[] = {
    {NESTR("store")},
    {NESTR("mainKey")},
    {ENUM("scope", session_scopes)},
    {ENUM("dmScope", dm_scopes)},
    {STRS("resetTriggers")},
    {END},
};

static const struct schema shell_env_fields[] = {
    {BOOL("enabled")},
    {INT("timeoutMs", 1, 600000)},
    {END},
};

/* env: typed members, and every other member is a flat variable. */
static const struct schema env_fields[] = {
    {OBJ("shellEnv", shell_env_fields)},
    {MAP("vars", &string_item)},
    {END},
};

static const struct schema root_fields[] = {
    {STR("$schema")},
    {OPEN("meta", NULL)},
    {OPEN("wizard", NULL)},
    {.key = "env",
     .kind = SK_OBJECT,
     .fields = env_fields,
     .item = &string_item},
    {OBJ("agents", agents_fields)},
    {OBJ("models", models_fields)},
    {OBJ("auth", auth_fields)},
    {OBJ("gateway", gateway_fields)},
    {OBJ("session", session_fields)},
    {END},
};

const struct schema schema_root = {OBJ(NULL, root_fields)};
