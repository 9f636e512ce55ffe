/*
 * An incremental Server-Sent Events parser, following the WHATWG HTML
 * "event stream interpretation" rules: lines end with CRLF, LF or CR; a
 * UTF-8 BOM at the start of the stream is skipped; ':' lines are comments;
 * "field: value" loses one space after the colon; the fields are event,
 * data, id (ignored if it contains NUL) and retry (digits only); a blank
 * line dispatches the event unless no data line was seen. Bytes may arrive
 * split at any position. Pure: no I/O; memory is the parser's own buffers.
 *
 * Bytes are passed through undecoded: invalid UTF-8 reaches the callback
 * as it came (a browser would substitute U+FFFD).
 */
#ifndef OC_PROVIDER_SSE_H
#define OC_PROVIDER_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Default cap on one line and on one event's data: 8 MiB. */
#define SSE_DEFAULT_MAX ((size_t)8 << 20)

struct sse_event {
    const char *event; /* name; "message" when none (or "") was given */
    bool named;        /* a non-empty event: field was given */
    const char *data;  /* NUL-terminated; may hold "\n" and NUL bytes */
    size_t data_len;
    const char *id; /* the last event id seen, "" if none */
};

/*
 * Called once per dispatched event; every pointer in ev is borrowed until
 * it returns. Return 0 to continue, non-zero to stop.
 */
typedef int (*sse_event_fn)(void *arg, const struct sse_event *ev);

/* Private: use the functions below. */
struct sse_parser {
    struct buf line;  /* a line split across feeds */
    struct buf data;  /* each data value followed by "\n" */
    struct buf event; /* event type */
    struct buf id;    /* last event id; persists across events */
    long retry_ms;
    int stop;          /* non-zero: sse_feed stopped and returns this */
    bool failed;       /* stop is our error, not the callback's value */
    unsigned char bom; /* BOM bytes matched at the start of the stream */
    bool started;      /* past the BOM (or its absence) */
    bool cr;           /* the last feed ended with CR: skip a leading LF */
    bool fields;       /* a field line since the last blank line */
    size_t max;        /* cap on a line and on an event's data */
};

/*
 * Initialise for one stream. max_event caps a single line and a single
 * event's data (data_len <= max_event); 0 means SSE_DEFAULT_MAX.
 */
void sse_init(struct sse_parser *p, size_t max_event);
/* Free the buffers; p may be re-initialised with sse_init. */
void sse_release(struct sse_parser *p);

/*
 * Parse n more bytes of the stream (bytes may be NULL when n is 0), calling
 * fn (which may be NULL) for each event completed. Returns 0; OC_ETOOBIG
 * when a line or an event's data passes the cap; or fn's non-zero value,
 * which stops parsing at once. A non-zero return is final: the rest of the
 * bytes are dropped and every later sse_feed returns the same value.
 */
int sse_feed(struct sse_parser *p, const char *bytes, size_t n, sse_event_fn fn,
             void *arg);

/*
 * End of stream. The unterminated event, if any, is discarded, as the spec
 * says. Returns 1 when the stream ended inside an event (a field line since
 * the last blank line, or a partial line) or after sse_feed failed with
 * OC_ETOOBIG, so callers can detect truncation; else 0 (also after fn
 * stopped the feed at an event boundary).
 */
int sse_finish(struct sse_parser *p);

/* The last valid retry: value in milliseconds (saturated), or -1. */
long sse_retry_ms(const struct sse_parser *p);

#endif
