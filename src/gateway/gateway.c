/*
 * The gateway's life cycle: settings, the single-instance lock, the
 * listeners, signals and draining (see gateway.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/path.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "gateway/gw_internal.h"
#include "base/banned.h"

struct http_client *gw_http_client(struct gw *g)
{
    struct oc_err err;

    if (!g->hc) {
        g->hc = http_client_new(g->loop, &err);
        if (!g->hc)
            log_error("%s", oc_err_msg(&err));
    }
    return g->hc;
}

void gw_turn_env(struct gw *g, struct turn_env *env)
{
    env->cfg = g->cfg.root;
    env->paths = g->paths;
    env->hc = gw_http_client(g);
    env->stores = g->stores;
}

void gw_new_id(struct gw *g, const char *prefix, char *out, size_t outsz)
{
    char hex[GW_ID_HEX + 1];
    size_t n;

    /* kernel randomness for a batch of ids: one getrandom call, not one
     * a request */
    if (!g->ids_left &&
        secret_random_hex(sizeof(g->ids) / 2, g->ids, sizeof(g->ids)) == 0)
        g->ids_left = GW_IDS_BATCH;
    if (g->ids_left) {
        g->ids_left--;
        str_copyn(hex, sizeof(hex), g->ids + g->ids_left * GW_ID_HEX,
                  GW_ID_HEX);
    } else {
        snprintf(hex, sizeof(hex), "%012" PRIx64 "%012" PRIx64,
                 (uint64_t)(clock_wall_ms() & 0xffffffffffffLL), ++g->next_id);
    }
    str_copy(out, outsz, prefix);
    n = strlen(out);
    str_copy(out + n, outsz - n, hex);
}

/* ---- the single-instance lock ------------------------------------------ */

static pid_t lock_holder(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    long pid;

    if (n <= 0)
        return 0;
    buf[n] = '\0';
    pid = strtol(buf, NULL, 10);
    return pid > 0 ? (pid_t)pid : 0;
}

static int take_lock(struct gw *g)
{
    char *path = path_join(g->paths->state_dir, "gateway.lock");
    char pid[32];
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    pid_t other;

    if (fd < 0) {
        log_error("cannot open %s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        other = lock_holder(fd);
        if (other)
            log_error("gateway already running (pid %ld) for state dir %s; "
                      "stop it first (openclaw gateway stop, or kill %ld)",
                      (long)other, g->paths->state_dir, (long)other);
        else
            log_error("gateway already running for state dir %s (%s is "
                      "locked)",
                      g->paths->state_dir, path);
        close(fd);
        free(path);
        return -1;
    }
    snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
        log_warn("cannot write %s: %s", path, strerror(errno));
    free(path);
    g->lock_fd = fd;
    return 0;
}

/* ---- listening ------------------------------------------------------------
 */

static int free_port(struct gw *g)
{
    pid_t pid = gw_port_owner(g->set.port);

    if (!pid || pid == getpid())
        return 0;
    log_warn("--force: stopping pid %ld, which listens on port %d", (long)pid,
             g->set.port);
    if (gw_port_kill(pid) != 0) {
        log_error("--force: pid %ld did not exit", (long)pid);
        return -1;
    }
    return 0;
}

static void report_busy(struct gw *g, const char *host)
{
    pid_t pid = gw_port_owner(g->set.port);

    if (pid)
        log_error("port %d on %s is already in use by pid %ld (another "
                  "gateway instance is already listening on "
                  "ws://%s:%d?); stop it, choose another port (--port), or "
                  "pass --force to stop it",
                  g->set.port, host, (long)pid, host, g->set.port);
    else
        log_error("port %d on %s is already in use; choose another port "
                  "(--port or gateway.port) or stop what listens there",
                  g->set.port, host);
}

static int listen_all(struct gw *g)
{
    struct hs_config hc = {0};
    struct oc_err err;
    size_t i, bound = 0;
    int rc;

    if (g->opt->force && free_port(g) != 0)
        return 1;
    g->srv = hs_server_new(g->loop, &hc, gw_handle, g);
    for (i = 0; i < g->set.nhosts; i++) {
        rc = hs_listen(g->srv, g->set.hosts[i], g->set.port, &err);
        if (rc == 0) {
            bound++;
            continue;
        }
        if (g->set.hosts_optional[i]) {
            log_debug("not listening on %s: %s", g->set.hosts[i],
                      oc_err_msg(&err));
            continue;
        }
        if (rc == OC_EBUSY)
            report_busy(g, g->set.hosts[i]);
        else
            log_error("%s", oc_err_msg(&err));
        return 1;
    }
    g->port = hs_port(g->srv);
    return bound ? 0 : 1;
}

/* ---- stopping ------------------------------------------------------------ */

static void close_handles(struct gw *g)
{
    if (!g->handles)
        return;
    g->handles = false;
    uv_close((uv_handle_t *)&g->sigterm, NULL);
    uv_close((uv_handle_t *)&g->sigint, NULL);
    uv_close((uv_handle_t *)&g->sighup, NULL);
    uv_close((uv_handle_t *)&g->drain_timer, NULL);
    uv_close((uv_handle_t *)&g->store_timer, NULL);
    gw_reload_stop(g);
}

static void stop_now(struct gw *g)
{
    if (!g->srv)
        return;
    gw_calls_cancel_all(g);
    gw_ws_shutdown(g);
    hs_server_free(g->srv);
    g->srv = NULL;
    close_handles(g);
    if (g->hc) {
        http_client_free(g->hc);
        g->hc = NULL;
    }
}

void gw_maybe_stop(struct gw *g)
{
    if (g->draining && g->srv && !gw_calls_active(g) && !hs_active(g->srv)) {
        log_info("drained; stopping");
        stop_now(g);
    }
}

static void on_drain_deadline(uv_timer_t *t)
{
    struct gw *g = t->data;

    log_warn("drain deadline (%d s) passed; ending %zu open request(s)",
             GW_DRAIN_MS / 1000, gw_calls_active(g));
    stop_now(g);
}

static void on_stop_signal(uv_signal_t *h, int signo)
{
    struct gw *g = h->data;

    if (++g->signals > 1 || !g->srv) {
        log_warn("%s again: stopping now", strsignal(signo));
        stop_now(g);
        return;
    }
    log_info("%s: draining (%zu open request(s); a second signal stops at "
             "once)",
             strsignal(signo), gw_calls_active(g));
    g->draining = true;
    hs_server_drain(g->srv);
    gw_ws_shutdown(g);
    uv_timer_start(&g->drain_timer, on_drain_deadline, GW_DRAIN_MS, 0);
    gw_maybe_stop(g);
}

static void on_sighup(uv_signal_t *h, int signo)
{
    (void)signo;
    gw_reload_now(h->data, "SIGHUP");
}

/* ---- auth stores that outlive their request -------------------------- */

static void on_store_timer(uv_timer_t *t)
{
    struct gw *g = t->data;
    size_t before = store_cache_size(g->stores);
    int64_t next = store_cache_expire(g->stores);

    if (store_cache_size(g->stores) < before)
        log_debug("released %zu auth store(s) unused for %d ms; keys wiped",
                  before - store_cache_size(g->stores), GW_STORE_LINGER_MS);
    if (next >= 0)
        uv_timer_start(t, on_store_timer, (uint64_t)next, 0);
}

static void on_store_idle(void *ctx)
{
    struct gw *g = ctx;

    if (g->handles && !uv_is_active((uv_handle_t *)&g->store_timer))
        uv_timer_start(&g->store_timer, on_store_timer, GW_STORE_LINGER_MS, 0);
}

/* The signals and the drain and store timers (close_handles closes them). */
static void start_handles(struct gw *g)
{
    g->handles = true;
    uv_signal_init(g->loop, &g->sigterm);
    uv_signal_init(g->loop, &g->sigint);
    uv_signal_init(g->loop, &g->sighup);
    uv_timer_init(g->loop, &g->drain_timer);
    uv_timer_init(g->loop, &g->store_timer);
    g->store_timer.data = g;
    store_cache_linger(g->stores, GW_STORE_LINGER_MS, on_store_idle, g);
    g->sigterm.data = g->sigint.data = g->sighup.data = g;
    g->drain_timer.data = g;
    uv_signal_start(&g->sigterm, on_stop_signal, SIGTERM);
    uv_signal_start(&g->sigint, on_stop_signal, SIGINT);
    uv_signal_start(&g->sighup, on_sighup, SIGHUP);
    signal(SIGPIPE, SIG_IGN);
}

/* ---- running ------------------------------------------------------------- */

static void log_start(struct gw *g)
{
    size_t i;

    for (i = 0; i < g->set.nhosts; i++)
        log_info("listening on %s%s%s:%d",
                 strchr(g->set.hosts[i], ':') ? "[" : "", g->set.hosts[i],
                 strchr(g->set.hosts[i], ':') ? "]" : "", g->port);
    if (g->set.auth == GW_AUTH_NONE)
        log_warn("auth mode=none; all gateway connections are "
                 "unauthenticated (loopback only)");
    else
        log_info("auth mode=%s (secret from %s)",
                 gw_auth_mode_name(g->set.auth), g->set.secret_source);
    log_info("OpenAI-compatible API %s; config %s",
             g->set.chat_completions ? "enabled at /v1" : "disabled",
             g->cfg.exists ? g->cfg.path : "(none)");
}

static int prepare(struct gw *g)
{
    struct oc_err err;
    int rc;

    rc = gw_settings_resolve(g->cfg.root, &g->opt->flags, &g->set, &err);
    if (rc) {
        log_error("%s", oc_err_msg(&err));
        return GW_EXIT_CONFIG;
    }
    if (take_lock(g) != 0)
        return GW_EXIT_CONFIG;
    g->lim = gw_limiter_new(&g->set.rate);
    return listen_all(g);
}

static void cleanup(struct gw *g)
{
    stop_now(g);
    uv_run(g->loop, UV_RUN_DEFAULT);
    gw_limiter_free(g->lim);
    store_cache_free(g->stores);
    gw_settings_release(&g->set);
    config_release(&g->cfg);
    if (g->lock_fd >= 0) {
        if (ftruncate(g->lock_fd, 0) != 0)
            log_debug("cannot clear the lock file");
        close(g->lock_fd);
    }
}

int gateway_run(const struct gw_options *o)
{
    struct gw g;
    int rc;

    memset(&g, 0, sizeof(g));
    g.loop = uv_default_loop();
    g.opt = o;
    g.paths = o->paths;
    g.lock_fd = -1;
    g.stores = store_cache_new();
    if (!store_cache_watch(g.stores))
        log_debug("cannot watch agent directories (inotify): auth store "
                  "files are compared on every request");
    g.started_ms = clock_mono_ms();
    g.cfg = *o->cfg;
    config_init(o->cfg);
    gw_settings_init(&g.set);
    log_set_timestamps(true);
    if (o->verbose)
        log_set_level(LOG_DEBUG);
    else if (log_get_level() < LOG_INFO && !getenv("OPENCLAW_LOG_LEVEL"))
        log_set_level(LOG_INFO);
    rc = prepare(&g);
    if (rc == 0) {
        start_handles(&g);
        gw_reload_start(&g);
        log_start(&g);
        if (o->on_ready)
            o->on_ready(o->arg, g.port);
        uv_run(g.loop, UV_RUN_DEFAULT);
        log_info("stopped");
    }
    cleanup(&g);
    uv_loop_close(g.loop);
    return rc;
}
