/*
 * Client authentication at the gateway's door: the shared token or
 * password compared in constant time, and the failed-attempt limiter
 * (gateway.auth.rateLimit: after maxAttempts failures from one address
 * within windowMs that address is locked out for lockoutMs; loopback is
 * exempt unless exemptLoopback is false). Pure: the caller passes the
 * time, so it is table-tested.
 */
#ifndef OC_GATEWAY_AUTHGATE_H
#define OC_GATEWAY_AUTHGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/settings.h"

#define GW_LIMITER_SLOTS 1024 /* addresses remembered (oldest evicted) */

struct gw_limiter;

struct gw_limiter *gw_limiter_new(const struct gw_rate_limit *cfg);
void gw_limiter_free(struct gw_limiter *l);
/* New limits (a config reload); the records are kept. */
void gw_limiter_configure(struct gw_limiter *l,
                          const struct gw_rate_limit *cfg);

/* Milliseconds until addr may try again (0: it may try now). */
int64_t gw_limiter_locked(struct gw_limiter *l, const char *addr, bool loopback,
                          int64_t now_ms);
/* A failed attempt from addr; returns the lockout it caused (ms, or 0). */
int64_t gw_limiter_fail(struct gw_limiter *l, const char *addr, bool loopback,
                        int64_t now_ms);
/* A successful attempt: addr's failures are forgotten. */
void gw_limiter_ok(struct gw_limiter *l, const char *addr);

/*
 * Does the presented secret (NULL when none was sent) open the gateway?
 * Always true for auth mode none; constant time in the secret's content.
 */
bool gw_secret_ok(const struct gw_settings *s, const char *presented, size_t n);

/* The token of an "Authorization: Bearer <token>" value (case-insensitive
 * scheme, spaces trimmed), or NULL; *n gets its length. */
const char *gw_bearer(const char *authorization, size_t len, size_t *n);

#endif
