/*
 * The model catalogue: data/models.json compiled into the binary, with
 * openclaw.json's models.providers.<p> entries layered over it (a model
 * listed there replaces the built-in entry of the same id; a provider
 * listed there can set baseUrl and api). Ids, limits, prices, minimum
 * cacheable prefix and thinking style come from here, never from code.
 */
#ifndef OC_PROVIDER_CATALOGUE_H
#define OC_PROVIDER_CATALOGUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct model_info {
    const char *provider; /* "anthropic" */
    const char *id;       /* "claude-opus-4-5" */
    const char *name;     /* display name, or the id */
    const char *thinking; /* "adaptive", "budget" or NULL */
    int64_t context_window;
    int64_t max_tokens;         /* largest output */
    int64_t default_max_tokens; /* what we ask for by default */
    int64_t min_cache_tokens;   /* 0 when unknown */
    bool reasoning;
    bool image_input;
    bool has_cost;
    double cost_input, cost_output, cost_cache_read, cost_cache_write,
        cost_cache_write_1h; /* USD per million tokens */
    bool from_config;        /* defined in models.providers */
};

/* The built-in catalogue document (parsed once; borrowed). */
json_t *catalogue_builtin(void);

/* The default model ref when none is configured. */
const char *catalogue_default_model(void);
/* Built-in alias target ("opus" -> "anthropic/claude-opus-4-5"), or NULL. */
const char *catalogue_builtin_alias(const char *alias);

/*
 * Look up provider/model (the alias id or a dated id) in the config's
 * models.providers (may be NULL) and the built-in catalogue. 0 and *out
 * filled (borrowed strings), or OC_ENOENT.
 */
int catalogue_lookup(json_t *config_root, const char *provider,
                     const char *model, struct model_info *out);

/* Call fn for every known model, config entries first, then built-ins
 * not overridden. provider may be NULL for all providers. */
void catalogue_each(json_t *config_root, const char *provider,
                    void (*fn)(const struct model_info *m, void *arg),
                    void *arg);

/* models.providers.<p>.baseUrl, else the built-in one, else NULL. */
const char *catalogue_base_url(json_t *config_root, const char *provider);
/* models.providers.<p>.api, else the built-in one, else NULL. */
const char *catalogue_api(json_t *config_root, const char *provider);

#endif
