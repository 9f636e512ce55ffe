/*
 * Credential health, labels and durations (see health.h).
 * Tested in tests/unit/test_health.c.
 */
#include <stdio.h>
#include <string.h>

#include "auth/health.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/banned.h"

static const char *const names[] = {"static", "ok", "expiring", "expired",
                                    "missing"};

const char *health_status_name(enum health_status s)
{
    return names[s <= HEALTH_MISSING ? s : HEALTH_MISSING];
}

int health_check_code(enum health_status s)
{
    if (s == HEALTH_EXPIRED || s == HEALTH_MISSING)
        return 1;
    return s == HEALTH_EXPIRING ? 2 : 0;
}

static enum health_status by_time(int64_t remaining)
{
    if (remaining <= 0)
        return HEALTH_EXPIRED;
    return remaining <= HEALTH_WARN_MS ? HEALTH_EXPIRING : HEALTH_OK;
}

void health_of(const struct auth_cred *c, int64_t now,
               struct profile_health *out)
{
    memset(out, 0, sizeof(*out));
    out->reason = auth_cred_eligibility(c, now);
    if (c->has_expires && c->expires_valid) {
        out->has_expiry = true;
        out->expires_at = c->expires;
        out->remaining_ms = c->expires - now;
    }
    if (out->reason == ELIG_EXPIRED) {
        out->status = HEALTH_EXPIRED;
    } else if (out->reason != ELIG_OK) {
        out->status = HEALTH_MISSING;
    } else if (c->type == AUTH_API_KEY) {
        out->status = HEALTH_STATIC;
    } else if (c->type == AUTH_TOKEN) {
        out->status =
            out->has_expiry ? by_time(out->remaining_ms) : HEALTH_STATIC;
    } else if (!out->has_expiry) {
        out->status = HEALTH_MISSING; /* oauth without a usable expiry */
    } else {
        out->status =
            c->refresh && *c->refresh ? HEALTH_OK : by_time(out->remaining_ms);
    }
}

void health_remaining(int64_t ms, char *buf, size_t bufsz)
{
    int64_t min, hours;

    if (ms <= 0) {
        str_copy(buf, bufsz, "0m");
        return;
    }
    if (ms < 60000) {
        str_copy(buf, bufsz, "1m");
        return;
    }
    /* each unit rounded half up, as Math.round does for positives */
    min = (ms + 30000) / 60000;
    if (min < 60) {
        snprintf(buf, bufsz, "%lldm", (long long)min);
        return;
    }
    hours = (ms + 1800000) / 3600000;
    if (hours < 48) {
        snprintf(buf, bufsz, "%lldh", (long long)hours);
        return;
    }
    snprintf(buf, bufsz, "%lldd", (long long)((hours + 12) / 24));
}

static void secret_label(const struct auth_cred *c, struct buf *out)
{
    char mask[SECRET_MASK_MAX], name[160];
    const char *src;

    if (auth_cred_env_name(c, name, sizeof(name))) {
        buf_addf(out, "ref(env:%s)", name);
    } else if (c->ref) {
        src = json_string_value(json_object_get(c->ref, "source"));
        buf_addf(out, "ref(%s:%s)", src ? src : "?",
                 json_string_value(json_object_get(c->ref, "id")));
    } else if (c->secret && *c->secret) {
        secret_mask(c->secret, strlen(c->secret), mask, sizeof(mask));
        buf_addstr(out, mask);
    } else {
        buf_addstr(out, "missing");
    }
}

static void unusable_suffix(const struct usage_stats *st, int64_t now,
                            struct buf *out)
{
    char t[16];

    if (!st)
        return;
    if (st->disabled_until > now) {
        health_remaining(st->disabled_until - now, t, sizeof(t));
        buf_addf(out, " [disabled:%s %s]",
                 auth_reason_name(st->disabled_reason)
                     ? auth_reason_name(st->disabled_reason)
                     : "unknown",
                 t);
    } else if (st->cooldown_until > now) {
        health_remaining(st->cooldown_until - now, t, sizeof(t));
        buf_addf(out, " [cooldown %s]", t);
    }
}

void health_label(const struct auth_cred *c, const struct usage_stats *st,
                  int64_t now, struct buf *out)
{
    buf_addf(out, "%s=", c->id);
    if (c->type == AUTH_OAUTH) {
        buf_addstr(out, "OAuth");
        if (c->display_name || c->email)
            buf_addf(out, " (%s)",
                     c->display_name ? c->display_name : c->email);
    } else {
        if (c->type == AUTH_TOKEN)
            buf_addstr(out, "token:");
        secret_label(c, out);
    }
    unusable_suffix(st, now, out);
}
