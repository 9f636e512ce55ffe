/*
 * Diagnostics on stderr, by level (OpenClaw's names: silent, fatal, error,
 * warn, info, debug, trace). The level comes from --log-level, else
 * OPENCLAW_LOG_LEVEL, else "warn". Every line passes through
 * secret_redact_text, but callers must still never log a secret: pass
 * masks, not values.
 */
#ifndef OC_BASE_LOG_H
#define OC_BASE_LOG_H

#include <stdbool.h>

enum log_level {
    LOG_SILENT = 0,
    LOG_FATAL,
    LOG_ERROR,
    LOG_WARN,
    LOG_INFO,
    LOG_DEBUG,
    LOG_TRACE
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* 0 and *out set, or OC_EINVAL for an unknown name. */
int log_parse_level(const char *name, enum log_level *out);
/* Prefix lines with an ISO-8601 time (the daemon does; the CLI does not). */
void log_set_timestamps(bool on);
bool log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __func__, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_trace(...) log_msg(LOG_TRACE, __func__, __VA_ARGS__)

#endif
