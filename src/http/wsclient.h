/*
 * A blocking WebSocket client for CLI commands that talk to the gateway
 * (`gateway call`, `health`, `chat --url`): connect to ws://host:port/path,
 * send text messages, wait for the next one. Plain TCP only; wss:// is
 * refused (use an SSH tunnel or a TLS terminator). Pings are answered
 * while waiting. One thread per client.
 */
#ifndef OC_HTTP_WSCLIENT_H
#define OC_HTTP_WSCLIENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Results besides the OC_E* codes (distinct from all of them). */
#define WSC_ECLOSED (-20) /* the session is over: the peer closed it */
#define WSC_EINTR   (-21) /* a signal (Ctrl-C) interrupted the wait */

#define WSC_MAX_MESSAGE        ((size_t)25 << 20) /* largest message accepted */
#define WSC_DEFAULT_TIMEOUT_MS 10000

struct wsc;

/*
 * Connect and upgrade: "ws://host[:port][/path][?query]" (port 80 by
 * default; host a name, an IPv4 address or a bracketed IPv6 address).
 * timeout_ms bounds connecting and the handshake together, and later each
 * send (<= 0: WSC_DEFAULT_TIMEOUT_MS). Name lookup is not bounded. Returns the
 * client, or NULL with err: OC_EINVAL for a bad or wss:// URL, OC_EIO when the
 * connection failed or the server answered something other than 101 (the
 * message quotes its status line, e.g. "HTTP/1.1 401 Unauthorized"), OC_EPARSE
 * for a malformed 101 (a wrong Sec-WebSocket-Accept, an extension or a
 * subprotocol we did not ask for), OC_ETIMEDOUT. Signals do not cut it short.
 */
struct wsc *wsc_connect(const char *url, long timeout_ms, struct oc_err *err);

/*
 * Send one text message (UTF-8), waiting until the kernel has taken all
 * of it; signals do not cut a frame short. 0; OC_EINVAL (not UTF-8),
 * OC_ETOOBIG (over 50 MiB), WSC_ECLOSED, OC_EIO, or
 * OC_ETIMEDOUT (the session is then over: a frame was cut short).
 */
int wsc_send_text(struct wsc *c, const char *p, size_t n, struct oc_err *err);

/*
 * The next text message: 0 with *out (malloc'd, NUL-terminated, caller
 * frees) and *len. Waits at most timeout_ms (0: only what has already
 * arrived; < 0: no limit), answering pings. Otherwise:
 *   OC_ETIMEDOUT  nothing complete arrived in time (the client stays
 *                 usable);
 *   WSC_EINTR     with an interrupt flag (wsc_set_interrupt), the flag
 *                 is set; without one, any signal handler ran while
 *                 waiting. The client stays usable, so a REPL can send
 *                 chat.abort;
 *   WSC_ECLOSED   the peer closed the session or broke the protocol; err
 *                 says how ("closed by the server: 1008 unauthorized");
 *                 see also wsc_close_code;
 *   OC_EIO        the connection broke.
 * Messages already received are returned before the socket is looked at.
 */
int wsc_recv_text(struct wsc *c, char **out, size_t *len, long timeout_ms,
                  struct oc_err *err);

/*
 * A flag that a signal handler sets (Ctrl-C): while non-zero,
 * wsc_recv_text returns WSC_EINTR instead of waiting, and other signals
 * no longer interrupt it. No signal is missed between checking the flag
 * and sleeping (signals are blocked except inside ppoll). The caller
 * resets it. NULL: none.
 */
void wsc_set_interrupt(struct wsc *c, volatile sig_atomic_t *flag);

/*
 * The socket, to poll for POLLIN together with other descriptors. Call
 * wsc_recv_text when it is readable, and also whenever wsc_pending says
 * messages are already waiting (they do not make the socket readable).
 */
int wsc_fd(const struct wsc *c);
bool wsc_pending(const struct wsc *c);

/* After WSC_ECLOSED: the close code (1006 when the connection just broke)
 * and reason (borrowed; may be ""); 0 while the session is open. */
uint16_t wsc_close_code(const struct wsc *c, const char **reason);

/*
 * Close with 1000, wait briefly (at most a second) for the server's reply,
 * close the socket and free. NULL ok.
 */
void wsc_close(struct wsc *c);

#endif
