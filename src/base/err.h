/*
 * Error codes and the caller-owned error detail struct.
 *
 * Functions return 0 on success or a negative OC_E* code; when the caller
 * passes a struct oc_err, the failing function fills in a one-line message
 * that says what went wrong and, where known, what to do next.
 */
#ifndef OC_BASE_ERR_H
#define OC_BASE_ERR_H

enum oc_code {
    OC_OK = 0,
    OC_ERR = -1,        /* anything else */
    OC_EIO = -2,        /* a system call failed */
    OC_ENOENT = -3,     /* file or key not found */
    OC_EPARSE = -4,     /* malformed input */
    OC_EINVAL = -5,     /* valid syntax, invalid value */
    OC_ETOOBIG = -6,    /* a size cap was hit */
    OC_ELOCKED = -7,    /* lock held by someone else past the deadline */
    OC_EEXIST = -8,     /* already exists */
    OC_EPERM = -9,      /* refused on purpose (permissions, policy) */
    OC_ETIMEDOUT = -10, /* deadline passed */
    OC_EBUSY = -11      /* in use (an address, a running instance) */
};

#define OC_ERR_MSG_MAX 1024

struct oc_err {
    int code;
    char msg[OC_ERR_MSG_MAX];
};

/* Reset to "no error". */
void oc_err_clear(struct oc_err *err);

/*
 * Record code and a printf-style message in err (which may be NULL) and
 * return code, so callers can write `return oc_err_set(err, OC_EIO, ...)`.
 */
int oc_err_set(struct oc_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like oc_err_set, appending ": <strerror(errno)>" using the current errno. */
int oc_err_errno(struct oc_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend "<prefix>: " to the message already in err; returns err->code. */
int oc_err_prefix(struct oc_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The message, or a generic text for the code when none was recorded. */
const char *oc_err_msg(const struct oc_err *err);

#endif
