/*
 * How healthy each stored credential is, in the words models status and
 * doctor use (reference openclaw-auth.md §6.1, openclaw-peer-observed.md
 * §4): static (API keys, tokens without expiry), ok, expiring (within
 * 24 h), expired, missing; OAuth with a refresh token counts as ok since
 * it is refreshed on use. Also OpenClaw's masked labels and durations.
 */
#ifndef OC_AUTH_HEALTH_H
#define OC_AUTH_HEALTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/cred.h"
#include "auth/policy.h"
#include "base/buf.h"

#define HEALTH_WARN_MS 86400000LL

enum health_status {
    HEALTH_STATIC = 0,
    HEALTH_OK,
    HEALTH_EXPIRING,
    HEALTH_EXPIRED,
    HEALTH_MISSING
};

struct profile_health {
    enum health_status status;
    enum auth_elig reason;
    bool has_expiry;
    int64_t expires_at;
    int64_t remaining_ms;
};

void health_of(const struct auth_cred *c, int64_t now,
               struct profile_health *out);
/* "static", "ok", "expiring", "expired", "missing". */
const char *health_status_name(enum health_status s);
/* Does status make `models status --check` fail (1) or warn (2)? */
int health_check_code(enum health_status s);

/* OpenClaw's formatRemainingShort: "0m", "1m", "45m", "12h", "30d". */
void health_remaining(int64_t ms, char *buf, size_t bufsz);

/*
 * The profile as models status lists it: "<id>=<masked>" for API keys,
 * "<id>=token:<masked>", "<id>=ref(env:NAME)", "<id>=OAuth (<email>)",
 * "missing", with " [cooldown 4m]" or " [disabled:billing 5h]" when
 * stats say it is unusable now.
 */
void health_label(const struct auth_cred *c, const struct usage_stats *st,
                  int64_t now, struct buf *out);

#endif
