/*
 * Leveled logging to stderr with a redaction pass on every line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/log.h"
#include "base/secret.h"
#include "base/banned.h"

static const char *const level_names[] = {
    "silent", "fatal", "error", "warn", "info", "debug", "trace",
};
static const char *const level_labels[] = {
    "", "fatal", "error", "warning", "info", "debug", "trace",
};

static int cur_level = -1;
static bool with_time;

int log_parse_level(const char *name, enum log_level *out)
{
    size_t i;

    for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (name && strcmp(name, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return OC_EINVAL;
}

enum log_level log_get_level(void)
{
    enum log_level lv = LOG_WARN;

    if (cur_level < 0) {
        if (log_parse_level(getenv("OPENCLAW_LOG_LEVEL"), &lv))
            lv = LOG_WARN;
        cur_level = (int)lv;
    }
    return (enum log_level)cur_level;
}

void log_set_level(enum log_level level)
{
    cur_level = (int)level;
}

void log_set_timestamps(bool on)
{
    with_time = on;
}

bool log_enabled(enum log_level level)
{
    return level != LOG_SILENT && (int)level <= (int)log_get_level();
}

/* Append s to out[at..cap); return the new end. */
static size_t put(char *out, size_t at, size_t cap, const char *s)
{
    while (*s && at < cap)
        out[at++] = *s++;
    return at;
}

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
    char line[4096];
    char out[sizeof(line) + CLOCK_ISO_MAX + 128];
    size_t n = 0, cap = sizeof(out) - 1;
    bool show_func = level >= LOG_DEBUG && func;
    va_list ap;

    if (!log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    secret_redact_text(line);
    if (with_time) {
        clock_iso8601(clock_wall_ms(), out, CLOCK_ISO_MAX);
        n = strlen(out);
        out[n++] = ' ';
        n = put(out, n, cap, level_names[level]);
        out[n++] = ' ';
    } else {
        n = put(out, n, cap, "openclaw: ");
        n = put(out, n, cap, level_labels[level]);
        n = put(out, n, cap, ": ");
    }
    if (show_func) {
        n = put(out, n, cap, func);
        n = put(out, n, cap, ": ");
    }
    n = put(out, n, cap, line);
    out[n++] = '\n';
    /* one write per line (stderr is unbuffered): lines of two processes
     * sharing a journal must not interleave */
    fwrite(out, 1, n, stderr);
}
