/* SPDX-License-Identifier: ISC */
/* ceiling: --ceiling, bgpload as a trivial transparent route server on a
 * thread of its own, the harness's ceiling.
 *
 * Each session connects exactly as in a normal run, but to a listener of
 * this process on the route server's address.  The route-server side of a
 * receiving session (sink, member) is sent, as soon as the first sender's
 * first UPDATE is out, the tables of every sender of its family but its
 * own: they were encoded once at start-up (ceiling_prepare), one after the
 * other, into one buffer per family, so a receiver's output is at most two
 * slices of that buffer plus End-of-RIB, written straight from it.  What
 * senders send is read and discarded up to their End-of-RIB; later UPDATEs
 * (churn, --withdraw-after) are forwarded unchanged to every other
 * receiver of the family, and a sender whose session closes has its table
 * withdrawn, as a transparent route server would.
 *
 * Threads: ceiling_prepare, ceiling_listen, ceiling_close and
 * ceiling_counts run on the main thread (the counts after ceiling_close).
 * The route-server thread reads bl.sessions and each session's name,
 * address, family, role and table size (fixed before it starts), reads
 * bl.first_upd and bl.feeding atomically, and owns each session's `srv`,
 * `srv_conns` and everything in ceiling.c. */
#ifndef BGPLOAD_CEILING_H
#define BGPLOAD_CEILING_H
#include <stdint.h>

/* Encodes every sender's table (and its withdrawal) once (setup). */
void ceiling_prepare(void);
/* Listens on the --rs addresses the sessions use and starts the thread. */
void ceiling_listen(void);
/* Stops the thread and closes every connection of the route-server side. */
void ceiling_close(void);
/* Connections accepted, and refused (from no session's address). */
void ceiling_counts(uint64_t *accepted, uint64_t *rejected);
#endif
