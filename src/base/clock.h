/*
 * Clocks: wall time in epoch milliseconds (what OpenClaw stores in
 * "expires" and "createdAt"), a monotonic clock for timeouts, and ISO-8601
 * formatting/parsing in UTC ("2026-11-22T15:52:38.960Z").
 *
 * OPENCLAW_TEST_NOW_MS, when set to an integer, pins clock_wall_ms() so
 * tests of expiry and cooldown arithmetic are deterministic.
 */
#ifndef OC_BASE_CLOCK_H
#define OC_BASE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define CLOCK_ISO_MAX 32

int64_t clock_wall_ms(void);
/* The real wall clock, ignoring OPENCLAW_TEST_NOW_MS (locks use this:
 * their timestamps are read by other processes). */
int64_t clock_real_wall_ms(void);
int64_t clock_mono_ms(void);
void clock_sleep_ms(int64_t ms);

/* Format ms since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void clock_iso8601(int64_t ms, char *out, size_t outsz);

/*
 * Parse "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z" or "+HH:MM"/"-HH:MM";
 * 0 on success (*out_ms set), OC_EPARSE otherwise.
 */
int clock_parse_iso8601(const char *s, int64_t *out_ms);

#endif
