/* SPDX-License-Identifier: ISC */
/* http: ixpd's HTTP server (libmicrohttpd) -- the looking glass, the
 * birdwatcher API for Alice-LG and the Prometheus metrics -- read-only,
 * off unless http.listen is set.
 *
 * It holds no routing state: every request is a client of the control
 * protocol through the daemon's local channel (control_local_channel), so
 * it gets what ixpctl gets, with the same flow control -- a listing of a
 * million routes is made a piece at a time as the HTTP client reads it,
 * and a client that stops reading costs one piece of memory, never a
 * stalled RDE.  Requests are hostile input: libmicrohttpd bounds the
 * request (16 KiB of headers, no body accepted) and the connection time;
 * http_route checks every path and argument; connections are capped in
 * total and per client address, and requests per address are rate
 * limited (HTTP 429).
 *
 * Threads: libmicrohttpd's, one per connection (at most max_clients),
 * each blocking only on its own control connection. */
#ifndef IXPD_HTTP_H
#define IXPD_HTTP_H
#include <stddef.h>
#include <stdint.h>

struct http_settings {
	char *const *listen;         /* "ADDRESS:PORT" / "[ADDRESS]:PORT", for messages */
	const int *listen_fds;       /* http_bind()'s sockets, one per listen entry */
	size_t nlisten;
	unsigned max_clients;        /* connections at once */
	unsigned max_per_address;    /* ... from one client address */
	unsigned rate, burst;        /* requests per second per client address, and the burst */
	unsigned timeout_s;          /* a connection idle this long is closed */
	int ctl_channel;             /* control_local_channel(); the server owns it */
};

struct http_server;

#define HTTP_MAX_LISTEN 16

/* A listening socket on "ADDRESS:PORT" (by the daemon, while it may still
 * bind any port; the server runs in a process of its own, see
 * ARCHITECTURE.md).  Returns the socket, or -1 with err. */
int http_bind(const char *text, char *err, size_t errlen);
/* Starts serving on s->listen_fds (the server owns them and the channel).
 * Returns NULL with err on failure. */
struct http_server *http_start(const struct http_settings *s, char *err, size_t errlen);
/* Stops serving; in-flight requests are cut. */
void http_stop(struct http_server *h);
#endif
