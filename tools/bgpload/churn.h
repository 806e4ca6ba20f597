/* SPDX-License-Identifier: ISC */
/* churn: what senders do once their table is out and every receiver
 * holds it -- --withdraw-after, --down-after, --churn -- and the
 * propagation delay of every churn event.
 *
 * With --churn PCT, every sender, 10 times a second (senders' ticks
 * spread over the 100 ms), re-announces what its previous tick withdrew
 * and withdraws the next PCT/10 % of its table, whole attribute groups.
 * Each such withdrawal or re-announcement of a group is an event,
 * timestamped when the sender has handed the last byte of its UPDATEs to
 * the kernel.  Per family and prefix number, the latest event of each
 * kind is kept (bl.ev_w, bl.ev_a); a receiver that loses or gains a
 * prefix records the delay since that prefix's latest event of that kind
 * in bl.hist.  Main thread only. */
#ifndef BGPLOAD_CHURN_H
#define BGPLOAD_CHURN_H
#include <stdbool.h>
#include <stdint.h>

#include "bgpload.h"

/* The per-prefix event tables, once the prefix index is complete. */
void churn_init(void);
/* Sender s's timers: the withdrawal, closing or churn that is due.  *allc
 * caches sink_all_complete() across the senders of one turn (-1: not
 * computed yet). */
void churn_timers(struct sess *s, uint64_t now, int *allc);
/* Sender s has written its output up to s->s_total: its events there are sent. */
void churn_written(struct sess *s, uint64_t now);
/* A churn event reached receiver s: prefix k of its family changed to
 * `announced`; records its delay. */
void churn_seen(struct sess *s, uint32_t k, bool announced, uint64_t now);
/* Has every sender ended its churn and every receiver its expectation
 * again (or --churn-drain passed)? */
bool churn_finished(uint64_t now);

/* Churn accounting of one receiver: prefix events it should have seen
 * (issued by every other sender of its family), delay samples, and of
 * the rest, "lost" (it ends without prefixes it should hold) or
 * "coalesced" (never seen, but the final state is right: the route
 * server merged a withdrawal and its re-announcement). */
struct churn_acct { uint64_t expected, samples, lost, coalesced; };
struct churn_acct churn_account(const struct sess *r);
#endif
