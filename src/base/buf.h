/*
 * struct buf: a growable byte buffer with a hard size cap.
 *
 * Invariants: b->p is never NULL and is always NUL-terminated (an empty
 * buffer points at a shared empty string until the first write); b->len
 * never exceeds b->max. Every buffer fed from a file or the network gets
 * an explicit max; a write that would pass it fails with OC_ETOOBIG and
 * leaves the buffer unchanged.
 */
#ifndef OC_BASE_BUF_H
#define OC_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *p;
    size_t len;
    size_t cap; /* allocated bytes, 0 while p is the shared empty string */
    size_t max; /* largest len allowed */
};

/* Default cap for buffers built from our own data (not untrusted input). */
#define BUF_DEFAULT_MAX ((size_t)64 << 20)

/* Initialise an empty buffer; max 0 means BUF_DEFAULT_MAX. */
void buf_init(struct buf *b, size_t max);
/* Free the memory and leave b empty (re-initialised with the same max). */
void buf_release(struct buf *b);
/* Like buf_release, wiping the bytes first: for buffers that held secrets. */
void buf_wipe_release(struct buf *b);
/* Make b empty without freeing. */
void buf_reset(struct buf *b);
/* Shorten to len bytes (no-op if already shorter). */
void buf_truncate(struct buf *b, size_t len);

/* Append; 0 or OC_ETOOBIG (nothing appended). */
int buf_add(struct buf *b, const void *data, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, char c);
/* v in decimal, as "%lld" writes it (without printf's cost). */
int buf_add_int(struct buf *b, long long v);
int buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Hand the bytes to the caller (who frees them); b is left empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
