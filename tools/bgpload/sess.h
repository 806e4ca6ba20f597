/* SPDX-License-Identifier: ISC */
/* sess: the client side of a session -- connecting from its local
 * address, OPEN, KEEPALIVEs and the hold timer, reading and dispatching
 * messages, writing its output.
 *
 * Active connect, OPEN with 4-octet AS, the MP capability of the
 * session's family, route refresh (and extended messages with
 * --ext-message).  A connection refused before the first Established is
 * retried every second; a session that goes down after Established is a
 * drop, logged with its reason and, unless --reconnect, left down.
 * UPDATEs go to sink.h, the table out through feeder.h.  Main thread
 * only. */
#ifndef BGPLOAD_SESS_H
#define BGPLOAD_SESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpload.h"

/* Output queued but not yet handed to the kernel. */
static inline size_t tx_pending(const struct sess *s) { return conn_tx_pending(&s->c); }
/* What was appended to s's output since `from` counts as queued. */
static inline void queue_bytes_done(struct sess *s, size_t from)
{
	s->q_total += s->c.tx.len - from;
}

/* One epoll event of s. */
void sess_handle(struct sess *s, uint32_t events, uint64_t now);
/* s's timers: connect retry, hold timer, keepalives.  Returns whether the
 * session is open (OpenSent or later) after them. */
bool sess_timers(struct sess *s, uint64_t now);
/* Asks epoll for EPOLLOUT exactly when s has something to write. */
void sess_events(struct sess *s);
/* Writes what the socket takes of s's output (at most WRITE_BUDGET). */
void sess_flush(struct sess *s, uint64_t now);
/* Queues a NOTIFICATION and pushes out what the socket takes at once; the
 * caller closes the session next. */
void sess_notify(struct sess *s, uint8_t code, uint8_t sub);
/* Closes the connection; its unsent output is dropped. */
void sess_close(struct sess *s);
#endif
