/* SPDX-License-Identifier: ISC */
/* rpki_rtr: VRPs from RPKI-to-Router caches (RFC 6810, RFC 8210) through
 * rtrlib 0.8 (cfg.rpki_roas.source: rtr).
 *
 * rtrlib 0.8 speaks RTR versions 0 and 1 only: no ASPA, which needs RTR
 * version 2 (draft-ietf-sidrops-8210bis).  ASPAs come from a JSON export
 * (rpki_load_json) until rtrlib grows it.  No BGPsec router keys either:
 * nothing uses them.
 *
 * One rtr_mgr with one preference group per configured cache, the first
 * the most preferred: rtrlib uses the most preferred group that is up and
 * falls back to the next when it fails.  A VRP that two caches serve
 * during a switch-over arrives twice and leaves twice; vrp_table_add /
 * vrp_table_remove count its holders, so it stays until the last one goes.
 *
 * Threads: rtrlib runs one thread per cache.  Its callbacks append the VRP
 * changes to a pending list under a mutex and make an eventfd readable;
 * the consumer (the RDE) polls rpki_rtr_fd() and takes the changes with
 * rpki_rtr_drain(), then applies them to its own struct vrp_table and
 * revalidates the routes under each changed prefix.  The pending list is
 * not bounded: a full initial sync (~500k VRPs, ~14 MB) is queued whole
 * if the consumer is busy. */
#ifndef IXPD_RPKI_RTR_H
#define IXPD_RPKI_RTR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "rpki.h"

#define RPKI_RTR_DEFAULT_PORT "323"    /* IANA rpki-rtr */

struct rpki_rtr_opts {
	/* "host:port", "[IPv6]:port" or a host alone (port 323); most
	 * preferred first. */
	const struct cfg_str_list *caches;
	/* Seconds; 0 = the default in brackets.  RTR version 1 caches send
	 * their own values, which rtrlib then uses (within RFC 8210 §6's
	 * ranges). */
	unsigned refresh;            /* [3600] 1 .. 86400 */
	unsigned expire;             /* [7200] 600 .. 172800, >= refresh */
	unsigned retry;              /* [600]  1 .. 7200 */
};

struct rpki_rtr;

/* Starts the rtrlib threads; connecting happens in the background.  NULL
 * and a message in err if the options are wrong (bad "host:port", interval
 * out of range) or rtrlib refuses to start. */
struct rpki_rtr *rpki_rtr_start(const struct rpki_rtr_opts *o, char *err, size_t errlen);
/* Stops the threads (the connections close) and frees everything; the
 * changes not drained yet are dropped. */
void rpki_rtr_stop(struct rpki_rtr *r);

/* Readable while changes are pending (an eventfd); never read it directly. */
int rpki_rtr_fd(const struct rpki_rtr *r);
/* Takes every pending change, oldest first: *out (free() it) and the
 * count, 0 and NULL if none. */
size_t rpki_rtr_drain(struct rpki_rtr *r, struct vrp_change **out);

/* One cache as `ixpctl show rpki` shows it. */
struct rpki_rtr_cache_state {
	char name[80];               /* as configured */
	const char *state;           /* rtrlib's socket state: "ESTABLISHED", ... */
	bool synced;                 /* holds data from a completed sync */
	uint32_t session_id;
	uint32_t serial;
	time_t last_update;          /* last completed sync, 0 = never */
};

struct rpki_rtr_state {
	bool connected;              /* a cache is in sync and in use */
	size_t pending;              /* changes not drained yet */
	time_t last_change;          /* last VRP change received, 0 = never */
};

/* The overall state, and up to max caches into caches[] (may be NULL when
 * max is 0); returns the number of configured caches. */
size_t rpki_rtr_state(struct rpki_rtr *r, struct rpki_rtr_state *st,
    struct rpki_rtr_cache_state *caches, size_t max);
#endif
