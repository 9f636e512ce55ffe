/*
 * The longer slash-command answers: /model status (models, endpoints and
 * every credential in order with next/lastGood/cooldown/expiry flags),
 * /models (providers, then one provider's models by page), /status (the
 * status card) and /usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/slash_internal.h"
#include "auth/health.h"
#include "auth/resolve.h"
#include "auth/store.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "provider/modelref.h"
#include "base/banned.h"

/* ---- credentials -----------------------------------------------------------
 */

static void masked(const char *v, struct buf *b)
{
    char m[SECRET_MASK_MAX];

    secret_mask(v, strlen(v), m, sizeof(m));
    buf_addstr(b, m);
}

static void profile_label(const struct auth_store *s, const struct auth_cred *c,
                          bool next, int64_t now, struct buf *b)
{
    struct profile_health h;
    struct usage_stats st;
    char left[16];
    const char *good = auth_store_last_good(s, c->provider_norm);
    struct strlist flags = STRLIST_INIT;
    char *joined;

    buf_addf(b, "%s=", c->id);
    if (c->type == AUTH_OAUTH)
        buf_addstr(b, "OAuth");
    else if (c->ref || !c->secret || strstr(c->secret, "${"))
        buf_addstr(b, "ref");
    else {
        buf_addstr(b, c->type == AUTH_TOKEN ? "token:" : "");
        masked(c->secret, b);
    }
    if (next)
        strlist_push(&flags, "next");
    if (good && !strcmp(good, c->id))
        strlist_push(&flags, "lastGood");
    auth_store_stats(s, c->id, &st);
    if (policy_unusable_until(&st) > now) {
        health_remaining(policy_unusable_until(&st) - now, left, sizeof(left));
        strlist_pushf(&flags, "cooldown %s", left);
    }
    health_of(c, now, &h);
    if (h.status == HEALTH_EXPIRED)
        strlist_push(&flags, "expired");
    else if (h.has_expiry) {
        health_remaining(h.remaining_ms, left, sizeof(left));
        strlist_pushf(&flags, "exp %s", left);
    }
    joined = strlist_join(&flags, ", ");
    if (flags.n)
        buf_addf(b, " (%s)", joined);
    free(joined);
    strlist_release(&flags);
}

static void auth_labels(struct slash_ctx *c, const struct auth_store *s,
                        const char *provider, struct buf *b)
{
    struct auth_query q = {c->cfg, provider, NULL, clock_wall_ms()};
    struct strlist ids = STRLIST_INIT;
    const char *env, *val = NULL;
    size_t i;

    auth_candidates(s, &q, NULL, &ids);
    for (i = 0; i < ids.n; i++) {
        if (i)
            buf_addstr(b, ", ");
        profile_label(s, auth_store_find(s, ids.v[i]), i == 0, q.now, b);
    }
    if (!ids.n && (env = auth_env_credential(provider, &val))) {
        masked(val, b);
        buf_addf(b, " (env: %s)", env);
    } else if (!ids.n && (val = auth_config_key(c->cfg, provider))) {
        masked(val, b);
        buf_addstr(b, " (config)");
    } else if (!ids.n) {
        buf_addstr(b, "missing");
    }
    strlist_release(&ids);
}

/* ---- /model status ---------------------------------------------------------
 */

static void listed_refs(struct slash_ctx *c, struct strlist *refs)
{
    json_t *models = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(c->cfg, "agents"), "defaults"), "models");
    char *cur = slash_current_ref(c);
    struct strlist fb = STRLIST_INIT;
    const char *key;
    json_t *v;
    size_t i;

    strlist_push(refs, cur);
    free(cur);
    cur = slash_default_ref(c->cfg, c->agent_id);
    if (!strlist_has(refs, cur))
        strlist_push(refs, cur);
    free(cur);
    modelref_fallbacks(c->cfg, c->agent_id, &fb);
    for (i = 0; i < fb.n; i++)
        if (!strlist_has(refs, fb.v[i]))
            strlist_push(refs, fb.v[i]);
    strlist_release(&fb);
    json_object_foreach (models, key, v)
        if (!strlist_has(refs, key))
            strlist_push(refs, key);
}

static void provider_block(struct slash_ctx *c, const struct auth_store *s,
                           const struct strlist *refs, const char *prov,
                           struct buf *b)
{
    json_t *p = jsonx_get_obj(
        jsonx_get_obj(jsonx_get_obj(c->cfg, "models"), "providers"), prov);
    const char *url = jsonx_get_str(p, "baseUrl"),
               *api = jsonx_get_str(p, "api");
    size_t plen = strlen(prov), i;
    char *alias;

    buf_addf(b, "\n[%s] endpoint: %s%s%s auth: ", prov, url ? url : "default",
             api ? " api: " : "", api ? api : "");
    auth_labels(c, s, prov, b);
    buf_addch(b, '\n');
    for (i = 0; i < refs->n; i++) {
        if (strncmp(refs->v[i], prov, plen) != 0 || refs->v[i][plen] != '/')
            continue;
        alias = slash_alias_of(c->cfg, refs->v[i]);
        buf_addf(b, "  \u2022 %s%s%s%s\n", refs->v[i], alias ? " (" : "",
                 alias ? alias : "", alias ? ")" : "");
        free(alias);
    }
}

char *slash_model_status(struct slash_ctx *c)
{
    struct strlist refs = STRLIST_INIT, provs = STRLIST_INIT;
    char *dir = config_agent_dir(c->cfg, c->paths, c->agent_id);
    char *store = xasprintf("%s/%s", dir, AUTH_STORE_FILE);
    char *shown = paths_shorten(c->paths, store), *def, *slash, *prov;
    struct auth_store s;
    struct buf b;
    size_t i;

    auth_store_init(&s);
    auth_store_peek(&s, dir, c->paths, NULL);
    listed_refs(c, &refs);
    def = slash_default_ref(c->cfg, c->agent_id);
    buf_init(&b, 0);
    buf_addf(&b, "Current: %s\nDefault: %s\nAgent: %s\nAuth file: %s\n",
             refs.v[0], def, c->agent_id, shown);
    for (i = 0; i < refs.n; i++) {
        slash = strchr(refs.v[i], '/');
        if (!slash)
            continue;
        prov = xmemdupz(refs.v[i], (size_t)(slash - refs.v[i]));
        if (strlist_has(&provs, prov))
            free(prov);
        else
            strlist_push_take(&provs, prov);
    }
    for (i = 0; i < provs.n; i++)
        provider_block(c, &s, &refs, provs.v[i], &b);
    auth_store_release(&s);
    strlist_release(&refs);
    strlist_release(&provs);
    free(def);
    free(shown);
    free(store);
    free(dir);
    while (b.len && b.p[b.len - 1] == '\n')
        buf_truncate(&b, b.len - 1);
    return buf_detach(&b, NULL);
}

/* ---- /models
 * ------------------------------------------------------------------- */

struct collect {
    const char *provider; /* NULL: count by provider */
    struct strlist names; /* providers, or refs */
    int counts[64];
};

static void collect_model(const struct model_info *m, void *arg)
{
    struct collect *c = arg;
    size_t i;

    if (c->provider) {
        strlist_pushf(&c->names, "%s/%s", m->provider, m->id);
        return;
    }
    for (i = 0; i < c->names.n; i++)
        if (!strcmp(c->names.v[i], m->provider))
            break;
    if (i == c->names.n && i < 64)
        strlist_push(&c->names, m->provider);
    if (i < 64)
        c->counts[i]++;
}

static char *providers_list(struct slash_ctx *c, const char *unknown)
{
    struct collect col = {NULL, STRLIST_INIT, {0}};
    struct buf b;
    size_t i;

    catalogue_each(c->cfg, NULL, collect_model, &col);
    buf_init(&b, 0);
    if (unknown)
        buf_addf(&b, "Unknown provider: %s\n\n", unknown);
    buf_addstr(&b, "Providers:\n");
    for (i = 0; i < col.names.n; i++)
        buf_addf(&b, "- %s (%d)\n", col.names.v[i], col.counts[i]);
    buf_addstr(&b,
               "\nUse: /models <provider>\nSwitch: /model <provider/model>");
    strlist_release(&col.names);
    return buf_detach(&b, NULL);
}

struct page_args {
    char provider[64];
    int64_t page, limit; /* limit 0: all */
};

static void parse_page_args(const char *args, struct page_args *pa)
{
    char *copy = xstrdup(args), *tok, *save = NULL;
    int64_t v;

    pa->provider[0] = '\0';
    pa->page = 1;
    pa->limit = 20;
    for (tok = strtok_r(copy, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        if (!strcmp(tok, "all") || !strcmp(tok, "limit=all"))
            pa->limit = 0;
        else if (str_has_prefix(tok, "limit=") &&
                 !str_parse_int64(tok + 6, 1, 100, &v))
            pa->limit = v;
        else if (!str_parse_int64(tok, 1, 100000, &v))
            pa->page = v;
        else
            str_copy(pa->provider, sizeof(pa->provider), tok);
    }
    free(copy);
}

char *slash_models(struct slash_ctx *c, const char *args)
{
    struct collect col = {NULL, STRLIST_INIT, {0}};
    struct page_args pa;
    int64_t from, to, pages, i;
    struct buf b;

    parse_page_args(args, &pa);
    if (!pa.provider[0])
        return providers_list(c, NULL);
    col.provider = pa.provider;
    catalogue_each(c->cfg, pa.provider, collect_model, &col);
    if (!col.names.n) {
        strlist_release(&col.names);
        return providers_list(c, pa.provider);
    }
    if (!pa.limit)
        pa.limit = (int64_t)col.names.n;
    pages = ((int64_t)col.names.n + pa.limit - 1) / pa.limit;
    if (pa.page > pages)
        pa.page = pages;
    from = (pa.page - 1) * pa.limit;
    to = from + pa.limit < (int64_t)col.names.n ? from + pa.limit
                                                : (int64_t)col.names.n;
    buf_init(&b, 0);
    buf_addf(&b,
             "Models (%s) \u2014 showing %lld-%lld of %zu (page %lld/%lld)\n",
             pa.provider, (long long)from + 1, (long long)to, col.names.n,
             (long long)pa.page, (long long)pages);
    for (i = from; i < to; i++)
        buf_addf(&b, "- %s\n", col.names.v[i]);
    buf_addstr(&b, "\nSwitch: /model <provider/model>");
    if (pa.page < pages)
        buf_addf(&b, "\nMore: /models %s %lld\nAll: /models %s all",
                 pa.provider, (long long)pa.page + 1, pa.provider);
    strlist_release(&col.names);
    return buf_detach(&b, NULL);
}

/* ---- /status and /usage
 * ---------------------------------------------------------- */

static void tokens(int64_t n, char *out, size_t sz)
{
    if (n < 1000)
        snprintf(out, sz, "%lld", (long long)n);
    else if (n < 1000000)
        snprintf(out, sz, "%.3gk", (double)n / 1000.0);
    else
        snprintf(out, sz, "%.3gm", (double)n / 1e6);
}

/* api-key | token | oauth, and where it comes from when not a profile. */
static const char *auth_mode(struct slash_ctx *c, const char *provider)
{
    char *dir = config_agent_dir(c->cfg, c->paths, c->agent_id);
    struct auth_query q = {c->cfg, provider, NULL, clock_wall_ms()};
    enum auth_source src;
    struct auth_pick pick;
    struct auth_store s;
    const char *mode = "missing";

    auth_store_init(&s);
    auth_store_peek(&s, dir, c->paths, NULL);
    src = auth_pick(
        &s, &q, jsonx_get_str(c->sess->entry, "authProfileOverride"), &pick);
    if (src == AUTH_SRC_PROFILE)
        mode = pick.cred->type == AUTH_OAUTH   ? "oauth"
               : pick.cred->type == AUTH_TOKEN ? "token"
                                               : "api-key";
    else if (src == AUTH_SRC_ENV)
        mode = "api-key (env)";
    else if (src == AUTH_SRC_CONFIG)
        mode = "api-key (config)";
    auth_store_release(&s);
    free(dir);
    return mode;
}

static void ago(int64_t ms, struct buf *b)
{
    int64_t d = clock_wall_ms() - ms;

    if (!ms)
        buf_addstr(b, "never");
    else if (d < 60000)
        buf_addstr(b, "just now");
    else if (d < 3600000)
        buf_addf(b, "%lldm ago", (long long)(d / 60000));
    else if (d < 86400000)
        buf_addf(b, "%lldh ago", (long long)(d / 3600000));
    else
        buf_addf(b, "%lldd ago", (long long)(d / 86400000));
}

char *slash_status(struct slash_ctx *c)
{
    char *cur = slash_current_ref(c), in[16], out[16], used[16], win[16];
    const char *think = jsonx_get_str(c->sess->entry, "thinkingLevel");
    struct model_info info;
    struct model_ref r;
    int64_t total = 0, updated = 0;
    struct buf b;

    buf_init(&b, 0);
    modelref_parse(cur, &r, NULL);
    buf_addf(&b,
             "\U0001F99E OpenClaw %s (C)\n\U0001F9E0 Model: %s \u00b7 "
             "\U0001F511 %s\n",
             OC_VERSION, cur, auth_mode(c, r.provider));
    if (c->last) {
        tokens(llm_usage_prompt(c->last), in, sizeof(in));
        tokens(c->last->output, out, sizeof(out));
        buf_addf(&b,
                 "\U0001F9EE Tokens: %s in / %s out \u00b7 \U0001F4B5 "
                 "Cost: $%.4f\n",
                 in, out, c->last->cost);
    }
    jsonx_get_int(c->sess->entry, "totalTokens", &total);
    if (catalogue_lookup(c->cfg, r.provider, r.model, &info) == 0 &&
        info.context_window > 0) {
        tokens(total, used, sizeof(used));
        tokens(info.context_window, win, sizeof(win));
        buf_addf(&b, "\U0001F4DA Context: %s/%s (%lld%%)\n", used, win,
                 (long long)(total * 100 / info.context_window));
    }
    jsonx_get_int(c->sess->entry, "updatedAt", &updated);
    buf_addf(&b, "\U0001F9F5 Session: %s \u2022 updated ", c->sess->key);
    ago(updated, &b);
    buf_addf(&b, "\n\u2699\ufe0f Think: %s", think ? think : "off");
    free(cur);
    return buf_detach(&b, NULL);
}

char *slash_usage(struct slash_ctx *c)
{
    struct buf b;

    buf_init(&b, 0);
    if (!c->last)
        buf_addstr(&b, "No turn yet in this chat.");
    else
        buf_addf(&b,
                 "Last turn: %lld in, %lld cache read, %lld cache write, "
                 "%lld out \u00b7 $%.4f\nThis chat: %lld in / %lld out "
                 "\u00b7 $%.4f",
                 (long long)c->last->input, (long long)c->last->cache_read,
                 (long long)c->last->cache_write, (long long)c->last->output,
                 c->last->cost, (long long)c->session_in,
                 (long long)c->session_out, c->session_cost);
    return buf_detach(&b, NULL);
}
