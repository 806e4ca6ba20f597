/* SPDX-License-Identifier: ISC */
/* sink: what a receiver (sink or member) holds, from every UPDATE the
 * route server sends it, and when it is complete.
 *
 * Every UPDATE is decoded with ixpd's bgp_update_decode; anything but a
 * clean decode counts as a decode error (the first ten logged).  A
 * receiver keeps the prefixes it holds as a bitmap over the prefix index
 * (dcache.h) and those outside it in a pset; --count-only only counts.
 * Decode outcomes are cached (dcache.h) so that the same message sent to
 * hundreds of receivers is decoded once.  A receiver also sums the route
 * digest (digest_add) of what it is sent from this process's senders,
 * samples churn delays (churn.h) and, with --rib-log, logs every route it
 * is sent (table.h).  Main thread only. */
#ifndef BGPLOAD_SINK_H
#define BGPLOAD_SINK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_update.h"
#include "bgpload.h"

/* The decoder's scratch: before the first sink_update(). */
void sink_init(void);
/* --rib-log DIR: opens DIR/ADDR.log for every receiving session. */
void sink_open_rib_logs(void);
/* Writes out what the RIB logs buffered (once a second: a test may read
 * them while bgpload runs). */
void sink_flush_rib_logs(void);
/* An UPDATE body received by s (a receiver, or a feeder that counts). */
void sink_update(struct sess *s, const uint8_t *body, size_t len, uint64_t now);
/* s's session went down: it holds nothing any more. */
void sink_forget(struct sess *s);
/* Does every receiver with an expectation hold it (or did once)? */
bool sink_all_complete(void);

/* Order-independent digest of routes: adds to *d a hash of each (prefix,
 * canonical attributes, next hop) u announces.  A transparent route
 * server delivers to a receiver exactly the digest its senders' tables
 * have. */
void digest_add(uint64_t *d, const struct update_decoded *u);
#endif
