/*
 * Wall and monotonic clocks, sleeping, and ISO-8601 in UTC.
 * Tested in tests/unit/test_clock.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "base/banned.h"

int64_t clock_real_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_wall_ms(void)
{
    const char *fake = getenv("OPENCLAW_TEST_NOW_MS");
    int64_t v;

    if (fake && !str_parse_int64(fake, 0, INT64_MAX, &v))
        return v;
    return clock_real_wall_ms();
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_sleep_ms(int64_t ms)
{
    struct timespec ts;

    if (ms <= 0)
        return;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* Write v as exactly n decimal digits at p (v < 10^n). */
static char *put_digits(char *p, int v, int n)
{
    int i;

    for (i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

void clock_iso8601(int64_t ms, char *out, size_t outsz)
{
    time_t secs = (time_t)(ms / 1000);
    int frac = (int)(ms % 1000);
    int year;
    struct tm tm;
    char *p = out;

    if (frac < 0) {
        frac += 1000;
        secs -= 1;
    }
    gmtime_r(&secs, &tm);
    year = tm.tm_year + 1900;
    if (year < 0 || year > 9999 || outsz < sizeof("0000-00-00T00:00:00.000Z")) {
        snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 frac);
        return;
    }
    /* the log stamps every line with this: no snprintf on that path */
    p = put_digits(p, year, 4);
    *p++ = '-';
    p = put_digits(p, tm.tm_mon + 1, 2);
    *p++ = '-';
    p = put_digits(p, tm.tm_mday, 2);
    *p++ = 'T';
    p = put_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_sec, 2);
    *p++ = '.';
    p = put_digits(p, frac, 3);
    *p++ = 'Z';
    *p = '\0';
}

/* Read exactly n digits at *p into *v; advance *p. */
static int digits(const char **p, int n, int *v)
{
    int i, r = 0;

    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return OC_EPARSE;
        r = r * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = r;
    return 0;
}

static int expect(const char **p, char c)
{
    if (**p != c)
        return OC_EPARSE;
    (*p)++;
    return 0;
}

/* Optional ":SS" and ".fff..." (milliseconds, extra digits ignored). */
static int parse_seconds(const char **p, int *sec, int *msec)
{
    int i;

    *sec = 0;
    *msec = 0;
    if (**p != ':')
        return 0;
    (*p)++;
    if (digits(p, 2, sec))
        return OC_EPARSE;
    if (**p != '.')
        return 0;
    (*p)++;
    if (!isdigit((unsigned char)**p))
        return OC_EPARSE;
    for (i = 0; isdigit((unsigned char)**p); i++, (*p)++)
        if (i < 3)
            *msec = *msec * 10 + (**p - '0');
    for (; i < 3; i++)
        *msec *= 10;
    return 0;
}

/* "Z" or "+HH:MM"/"-HH:MM"; *offset_min is added to local to get UTC. */
static int parse_zone(const char **p, int *offset_min)
{
    int sign, hh, mm;

    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        *offset_min = 0;
        return 0;
    }
    if (**p != '+' && **p != '-')
        return OC_EPARSE;
    sign = **p == '-' ? 1 : -1;
    (*p)++;
    if (digits(p, 2, &hh) || expect(p, ':') || digits(p, 2, &mm))
        return OC_EPARSE;
    *offset_min = sign * (hh * 60 + mm);
    return 0;
}

int clock_parse_iso8601(const char *s, int64_t *out_ms)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, sec, msec, off;
    const char *p = s;
    time_t t;

    if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) ||
        expect(&p, '-') || digits(&p, 2, &d) ||
        (*p != 'T' && *p != 't' && *p != ' '))
        return OC_EPARSE;
    p++;
    if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) ||
        parse_seconds(&p, &sec, &msec) || parse_zone(&p, &off) || *p)
        return OC_EPARSE;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return OC_EPARSE;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = timegm(&tm);
    *out_ms = ((int64_t)t + (int64_t)off * 60) * 1000 + msec;
    return 0;
}
