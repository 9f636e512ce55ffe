/*
 * Config reload: SIGHUP, or an edit of the config file (its directory is
 * watched, because editors and our own writer replace the file by
 * rename), debounced by gateway.reload.debounceMs. An invalid new config
 * is skipped and the running one stays; changes to gateway.port, bind,
 * auth or mode are logged as needing a restart; everything else (agents,
 * models, auth profiles and order, gateway.http) applies to the next
 * request. Credential stores need no reload: each turn reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "gateway/gw_internal.h"
#include "base/banned.h"

static void log_invalid(const struct config *c)
{
    const struct config_problem *p = c->problems.n ? &c->problems.v[0] : NULL;

    if (!p) {
        log_warn("config reload skipped (invalid config); the running config "
                 "stays");
        return;
    }
    if (p->line)
        log_warn("config reload skipped (invalid config): %s:%d:%d: %s; the "
                 "running config stays",
                 p->file ? p->file : c->path, p->line, p->column, p->message);
    else
        log_warn("config reload skipped (invalid config): %s: %s; the "
                 "running config stays",
                 p->path ? p->path : c->path, p->message);
}

/* What applies without a restart: the HTTP API switch. */
static void apply_hot(struct gw *g, json_t *root)
{
    struct gw_settings s;
    struct oc_err err;

    gw_settings_init(&s);
    if (gw_settings_resolve(root, &g->opt->flags, &s, &err) == 0) {
        if (s.chat_completions != g->set.chat_completions)
            log_info("OpenAI-compatible API now %s",
                     s.chat_completions ? "enabled" : "disabled");
        g->set.chat_completions = s.chat_completions;
    }
    gw_settings_release(&s);
}

void gw_reload_now(struct gw *g, const char *why)
{
    struct config next;
    struct oc_err err;
    char what[64];

    config_init(&next);
    if (config_load(&next, g->cfg.path, CONFIG_APPLY_ENV, &err) != 0 ||
        !config_is_valid(&next)) {
        log_invalid(&next);
        config_release(&next);
        return;
    }
    if (gw_settings_restart_needed(g->cfg.root, next.root, what, sizeof(what)))
        log_warn("%s changed: it takes effect after a restart (openclaw "
                 "gateway restart); the rest of the config is applied now",
                 what);
    apply_hot(g, next.root);
    config_release(&g->cfg);
    g->cfg = next;
    log_info("config reloaded (%s)", why);
}

static void on_timer(uv_timer_t *t)
{
    gw_reload_now(t->data, "file changed");
}

static void on_change(uv_fs_event_t *h, const char *name, int events,
                      int status)
{
    struct gw *g = h->data;
    const char *base = path_basename(g->cfg.path);

    (void)events;
    if (status < 0 || (name && strcmp(name, base) != 0))
        return;
    uv_timer_start(&g->reload_timer, on_timer,
                   g->set.debounce_ms > 0 ? (uint64_t)g->set.debounce_ms : 300,
                   0);
}

void gw_reload_start(struct gw *g)
{
    char *dir;

    uv_timer_init(g->loop, &g->reload_timer);
    g->reload_timer.data = g;
    g->watching = true;
    if (!g->set.reload)
        return;
    dir = path_dirname(g->cfg.path);
    uv_fs_event_init(g->loop, &g->watch);
    g->watch.data = g;
    g->watch_open = true;
    if (uv_fs_event_start(&g->watch, on_change, dir, 0) != 0)
        log_warn("cannot watch %s for config changes; send SIGHUP to reload",
                 dir);
    free(dir);
}

void gw_reload_stop(struct gw *g)
{
    if (!g->watching)
        return;
    g->watching = false;
    uv_close((uv_handle_t *)&g->reload_timer, NULL);
    if (g->watch_open)
        uv_close((uv_handle_t *)&g->watch, NULL);
}
