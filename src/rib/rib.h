/* SPDX-License-Identifier: ISC */
/* rib: the one shared prefix table.  Each entry holds every path received
 * for the prefix, one per member session (the members' Adj-RIBs-In, rejected
 * paths included, RFC 7947 §2.1), kept in peer order.  There is no
 * per-member table: the best path for a member is computed on demand from
 * the entry, skipping paths that member may not receive (path hiding
 * mitigation, RFC 7947 §2.3.1) -- among them those export control keeps
 * from it (export_ctl_allows in attr.h; built by src/policy/export_ctl.c). */
#ifndef IXPD_RIB_H
#define IXPD_RIB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attr.h"
#include "htab.h"
#include "prefix.h"

#define PATH_STALE         0x01    /* graceful restart: kept until refreshed */
#define PATH_REFRESH_STALE 0x02    /* enhanced route refresh in progress */

struct path {
	struct attr_set *attrs;      /* after import policy (attr_received(): as sent) */
	uint32_t peer;               /* RDE peer index of the member that sent it */
	uint32_t since;              /* seconds (monotonic) when last changed */
	uint16_t reject;             /* 0 accepted, else enum reject_reason */
	uint8_t flags;
	uint8_t rov : 2;             /* enum policy_rov */
	uint8_t irr : 6;             /* POL_IRR_* */
};

struct rib_entry {
	struct path *paths;
	uint32_t hash;               /* prefix_hash(); free slab slot: next free index */
	uint32_t idx;                /* position in the slab */
	uint16_t npaths;
	uint8_t in_batch;            /* snapshot taken for the current export batch */
	uint8_t live;                /* slab slot in use */
	uint16_t owed;               /* paused members owed its state (export.c): kept, even
	                                without paths, until they are sent it */
	struct prefix prefix;
};

/* The prefix table is the shared open-addressing index (htab.h) of
 * (hash, slab index) pairs: a lookup scans a dense array of 8-byte slots
 * and touches an entry only when the full 32-bit hash matches, which is
 * what keeps importing a million prefixes out of cache misses.  Entries
 * live in fixed-size slabs (stable addresses, no per-entry malloc), and
 * walks go through the slabs in memory order. */
#define RIB_REJECT_KINDS 64

struct rib {
	struct htab index;           /* prefix -> slab index */
	struct rib_entry **slabs;
	uint32_t nslabs;
	uint32_t free_head;          /* index + 1 of a free entry; 0 = none */
	uint32_t used;               /* slab slots handed out so far */
	size_t count;                /* entries */
	size_t npaths;
	size_t nrejected;
	size_t rejected_by[RIB_REJECT_KINDS];   /* paths by their reject value (the last: that or above) */
};

void rib_init(struct rib *r);
void rib_destroy(struct rib *r);
struct rib_entry *rib_lookup(const struct rib *r, const struct prefix *p);
/* Prefetch hints for a prefix about to be looked up: its home slot, and
 * (once that slot is cached) the entry it points to.  Importing an UPDATE
 * issues them a few prefixes ahead, so the table's cache misses overlap. */
void rib_prefetch_slot(const struct rib *r, const struct prefix *p);
void rib_prefetch_entry(const struct rib *r, const struct prefix *p);
struct rib_entry *rib_get(struct rib *r, const struct prefix *p);   /* creates */
/* Frees the entry if it has no path left (and nobody is owed it). */
void rib_gc_entry(struct rib *r, struct rib_entry *re);

struct path *rib_find_path(struct rib_entry *re, uint32_t peer);
/* Inserts or replaces peer's path (takes a reference on attrs); returns it
 * (valid until the entry's paths change). */
struct path *rib_set_path(struct rib *r, struct rib_entry *re, uint32_t peer, struct attr_set *attrs,
    uint16_t reject, uint32_t now);
/* Removes peer's path; returns false if it had none. */
bool rib_del_path(struct rib *r, struct rib_entry *re, uint32_t peer);

/* The entry at slab index idx (0 .. used-1), or NULL if that slot holds
 * none now: a position a walk can stop at and resume from. */
struct rib_entry *rib_entry_at(const struct rib *r, uint32_t idx);
/* Calls fn for every entry; fn may not add entries (it may free them). */
void rib_walk(struct rib *r, void (*fn)(struct rib_entry *re, void *arg), void *arg);

/* Decision process.  A path is eligible for `receiver` unless it was
 * rejected, was sent by the receiver itself, export control excludes the
 * receiver's AS, RTT or site (export_ctl_allows, attr.h; the policy builds export
 * control in src/policy/export_ctl.[ch]), or it is a blackhole and the
 * receiver takes none.  receiver == NULL: eligibility ignores the receiver. */
struct decision_peer {
	uint32_t id;
	struct export_receiver rx;   /* as a receiver: its AS, RTT, site */
	uint32_t bgp_id;
	const uint8_t *addr;         /* 4 or 16 bytes, tie-break */
	size_t addr_len;
	bool no_blackhole;           /* as a receiver: does not take blackhole routes */
};
typedef const struct decision_peer *(*peer_lookup_fn)(uint32_t id, void *arg);

bool path_eligible(const struct path *p, const struct decision_peer *receiver);
/* The best eligible path among paths[0..n), or NULL: RFC 4271 §9.1.2.2
 * over the eligible paths as one set -- LOCAL_PREF (§9.1.1), (a) AS_PATH
 * length, (b) ORIGIN, (c) MED within each neighbour AS (missing = 0),
 * (f) lowest BGP identifier, (g) lowest peer address -- so the answer is
 * a function of that set alone, whatever the order of the paths. */
const struct path *rib_best(const struct path *paths, size_t n, const struct decision_peer *receiver,
    peer_lookup_fn lookup, void *arg);

size_t rib_memory(const struct rib *r);
/* Counts a path with reject value `reject` (0: accepted, not counted) in
 * or out (delta +1 / -1) of nrejected and rejected_by. */
void rib_count_reject(struct rib *r, uint16_t reject, int delta);
#endif
