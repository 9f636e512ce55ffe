/*
 * The shared-secret check and the failed-attempt limiter (see authgate.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/b64.h"
#include "base/xalloc.h"
#include "gateway/authgate.h"
#include "base/str.h"
#include "base/banned.h"

struct slot {
    char addr[64];
    int fails;
    int64_t first_ms;  /* start of the current window */
    int64_t locked_to; /* 0: not locked */
    int64_t used_ms;   /* for eviction */
};

struct gw_limiter {
    struct gw_rate_limit cfg;
    size_t used; /* slots holding an address: none, and there is no scan */
    struct slot slots[GW_LIMITER_SLOTS];
};

struct gw_limiter *gw_limiter_new(const struct gw_rate_limit *cfg)
{
    struct gw_limiter *l = xcalloc(1, sizeof(*l));

    l->cfg = *cfg;
    return l;
}

void gw_limiter_free(struct gw_limiter *l)
{
    free(l);
}

void gw_limiter_configure(struct gw_limiter *l, const struct gw_rate_limit *cfg)
{
    l->cfg = *cfg;
}

static struct slot *find(struct gw_limiter *l, const char *addr)
{
    size_t i;

    for (i = 0; l->used && i < GW_LIMITER_SLOTS; i++)
        if (l->slots[i].addr[0] && !strcmp(l->slots[i].addr, addr))
            return &l->slots[i];
    return NULL;
}

/* A slot for addr: its own, else a free one, else the least recently
 * used (an attacker rotating addresses only evicts itself). */
static struct slot *claim(struct gw_limiter *l, const char *addr)
{
    struct slot *s = find(l, addr), *old = &l->slots[0];
    size_t i;

    if (s)
        return s;
    for (i = 0; i < GW_LIMITER_SLOTS; i++) {
        if (!l->slots[i].addr[0]) {
            old = &l->slots[i];
            l->used++;
            break;
        }
        if (l->slots[i].used_ms < old->used_ms)
            old = &l->slots[i];
    }
    memset(old, 0, sizeof(*old));
    str_copy(old->addr, sizeof(old->addr), addr);
    return old;
}

static bool exempt(const struct gw_limiter *l, bool loopback)
{
    return loopback && l->cfg.exempt_loopback;
}

int64_t gw_limiter_locked(struct gw_limiter *l, const char *addr, bool loopback,
                          int64_t now_ms)
{
    struct slot *s;

    if (exempt(l, loopback) || !(s = find(l, addr)) || !s->locked_to)
        return 0;
    if (s->locked_to <= now_ms) {
        s->locked_to = 0;
        s->fails = 0;
        return 0;
    }
    return s->locked_to - now_ms;
}

int64_t gw_limiter_fail(struct gw_limiter *l, const char *addr, bool loopback,
                        int64_t now_ms)
{
    struct slot *s;

    if (exempt(l, loopback))
        return 0;
    s = claim(l, addr);
    s->used_ms = now_ms;
    if (!s->fails || now_ms - s->first_ms > l->cfg.window_ms) {
        s->fails = 0;
        s->first_ms = now_ms;
    }
    if (++s->fails < l->cfg.max_attempts)
        return 0;
    s->locked_to = now_ms + l->cfg.lockout_ms;
    return l->cfg.lockout_ms;
}

void gw_limiter_ok(struct gw_limiter *l, const char *addr)
{
    struct slot *s = find(l, addr);

    if (s) {
        memset(s, 0, sizeof(*s));
        l->used--;
    }
}

bool gw_secret_ok(const struct gw_settings *s, const char *presented, size_t n)
{
    if (s->auth == GW_AUTH_NONE)
        return true;
    if (!presented || !s->secret.len)
        return false;
    return ct_equal(presented, n, secret_value(&s->secret), s->secret.len);
}

const char *gw_bearer(const char *authorization, size_t len, size_t *n)
{
    const char *p = authorization, *end;

    if (!p || len < 7 || strncasecmp(p, "Bearer ", 7) != 0)
        return NULL;
    end = p + len;
    p += 7;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (p == end)
        return NULL;
    *n = (size_t)(end - p);
    return p;
}
