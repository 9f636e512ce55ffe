/*
 * Results, usage and cost of a model call (see llm.h). Cost follows the
 * API's billing: uncached input at the input price, cache reads and both
 * cache-write durations at their own prices (the 1-hour writes are not
 * priced at the 5-minute rate, as pi-ai does).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xalloc.h"
#include "provider/llm.h"
#include "base/banned.h"

void llm_result_init(struct llm_result *r)
{
    memset(r, 0, sizeof(*r));
    r->retry_after_ms = -1;
    r->should_retry = -1;
}

void llm_result_release(struct llm_result *r)
{
    json_decref(r->message);
    llm_result_init(r);
}

static double price_1h(const struct model_info *info)
{
    if (info->cost_cache_write_1h > 0)
        return info->cost_cache_write_1h;
    return info->cost_input * 2.0;
}

double llm_cost(const struct model_info *info, const struct llm_usage *u)
{
    int64_t w5m = u->cache_write - u->cache_write_1h;

    if (!info || !info->has_cost)
        return 0;
    return ((double)u->input * info->cost_input +
            (double)u->output * info->cost_output +
            (double)u->cache_read * info->cost_cache_read +
            (double)(w5m > 0 ? w5m : 0) * info->cost_cache_write +
            (double)u->cache_write_1h * price_1h(info)) /
           1e6;
}

int64_t llm_usage_prompt(const struct llm_usage *u)
{
    return u->input + u->cache_read + u->cache_write;
}

int64_t llm_usage_total(const struct llm_usage *u)
{
    return llm_usage_prompt(u) + u->output;
}

json_t *llm_usage_json(const struct model_info *info, const struct llm_usage *u)
{
    bool priced = info && info->has_cost;
    double in = priced ? (double)u->input * info->cost_input / 1e6 : 0;
    double out = priced ? (double)u->output * info->cost_output / 1e6 : 0;
    double rd =
        priced ? (double)u->cache_read * info->cost_cache_read / 1e6 : 0;
    double total = llm_cost(info, u);

    json_t *o = json_object(), *cost = json_object();

    /* set one by one: json_pack parses its format on every completion */
    json_object_set_new(o, "input", json_integer(u->input));
    json_object_set_new(o, "output", json_integer(u->output));
    json_object_set_new(o, "cacheRead", json_integer(u->cache_read));
    json_object_set_new(o, "cacheWrite", json_integer(u->cache_write));
    json_object_set_new(o, "totalTokens", json_integer(llm_usage_total(u)));
    json_object_set_new(cost, "input", json_real(in));
    json_object_set_new(cost, "output", json_real(out));
    json_object_set_new(cost, "cacheRead", json_real(rd));
    json_object_set_new(cost, "cacheWrite", json_real(total - in - out - rd));
    json_object_set_new(cost, "total", json_real(total));
    json_object_set_new(o, "cost", cost);
    return o;
}

void llm_set_header(struct strlist *out, const char *name, const char *value)
{
    size_t i, n = strlen(name);

    for (i = 0; i < out->n; i++)
        if (strncasecmp(out->v[i], name, n) == 0 && out->v[i][n] == ':') {
            free(out->v[i]);
            out->v[i] = xasprintf("%s: %s", name, value);
            return;
        }
    strlist_pushf(out, "%s: %s", name, value);
}
