/*
 * Error detail: a fixed buffer filled by the function that failed, read by
 * the command that reports it. Never allocates, so it works on OOM paths.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/banned.h"

void oc_err_clear(struct oc_err *err)
{
    if (!err)
        return;
    err->code = OC_OK;
    err->msg[0] = '\0';
}

static void err_vset(struct oc_err *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void err_vset(struct oc_err *err, int code, const char *fmt, va_list ap)
{
    err->code = code;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int oc_err_set(struct oc_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    va_start(ap, fmt);
    err_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int oc_err_errno(struct oc_err *err, int code, const char *fmt, ...)
{
    int saved = errno;
    size_t len;
    va_list ap;

    if (!err)
        return code;
    va_start(ap, fmt);
    err_vset(err, code, fmt, ap);
    va_end(ap);
    len = strlen(err->msg);
    snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(saved));
    errno = saved;
    return code;
}

int oc_err_prefix(struct oc_err *err, const char *fmt, ...)
{
    char prefix[OC_ERR_MSG_MAX];
    char old[OC_ERR_MSG_MAX];
    va_list ap;

    if (!err)
        return OC_ERR;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
    return err->code;
}

static const char *code_text(int code)
{
    switch (code) {
    case OC_OK:
        return "success";
    case OC_EIO:
        return "input/output error";
    case OC_ENOENT:
        return "not found";
    case OC_EPARSE:
        return "malformed input";
    case OC_EINVAL:
        return "invalid value";
    case OC_ETOOBIG:
        return "size limit exceeded";
    case OC_ELOCKED:
        return "locked by another process";
    case OC_EEXIST:
        return "already exists";
    case OC_EPERM:
        return "not permitted";
    case OC_ETIMEDOUT:
        return "timed out";
    case OC_EBUSY:
        return "in use";
    default:
        return "error";
    }
}

const char *oc_err_msg(const struct oc_err *err)
{
    if (!err)
        return "error";
    if (err->msg[0])
        return err->msg;
    return code_text(err->code);
}
