/* SPDX-License-Identifier: ISC */
/* dcache: what keeps receiving cheap when one process runs hundreds of
 * receiving sessions: a prefix index and a decode cache.
 *
 * Prefix index.  Every prefix of every feeder's table gets a number, per
 * family, in order of the feeders (the same prefix announced by several
 * feeders, --same-prefixes, gets one number).  A receiver keeps what it
 * holds as a bitmap over these numbers (400,000 prefixes: 50 KB a session)
 * instead of a set of prefixes; prefixes outside the index (a real
 * member's routes) go to a small hash set.
 *
 * Decode cache.  A route server usually sends the same UPDATE, byte for
 * byte, to many receivers (ixpd encodes once per receiver class).  The
 * first time a message is seen it is decoded with bgp_update_decode and
 * its outcome stored: the prefix numbers withdrawn and announced, the
 * End-of-RIB family, the route digest.  A later message with the same
 * bytes, same length and same decoding context (verified with memcmp, not
 * only the hash) reuses that outcome: decoding is a pure function of
 * those, so the result is exactly what decoding again would give.  Only
 * clean decodes whose prefixes are all in the index are stored; anything
 * else is decoded every time.  The cache stops growing at DC_MAX_BYTES.
 *
 * Most receivers get the same messages in the same order, so an entry
 * also remembers the entry that followed it last time (`next`): a receiver
 * first compares the new message with the successor of the one it got
 * before (prefetched meanwhile), and hashes only when that fails.
 *
 * Both are the main thread's (the sessions'); neither is locked. */
#ifndef BGPLOAD_DCACHE_H
#define BGPLOAD_DCACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

/* A fast 64-bit hash of a byte string (xxHash64-style, 4 lanes). */
uint64_t hash_fast(const uint8_t *p, size_t n);

/* --- prefix index: pset_key -> number ------------------------------------- */

#define GIDX_NONE UINT32_MAX

struct gidx {
	uint64_t *k;                /* 0 = empty (pset_key is never 0) */
	uint32_t *v;
	size_t mask, n;
};

/* An empty index sized for `expect` prefixes. */
void gidx_init(struct gidx *g, size_t expect);
void gidx_free(struct gidx *g);

/* The key's number, or GIDX_NONE. */
static inline uint32_t gidx_get(const struct gidx *g, uint64_t key)
{
	if (!g->k)
		return GIDX_NONE;
	for (size_t i = (size_t)mix64(key) & g->mask;; i = (i + 1) & g->mask) {
		if (g->k[i] == key)
			return g->v[i];
		if (!g->k[i])
			return GIDX_NONE;
	}
}

/* The key's number, a new one if it was not there. */
uint32_t gidx_put(struct gidx *g, uint64_t key);

/* --- decode cache ------------------------------------------------------------ */

#define DC_MAX_BYTES (512ull << 20)

struct dc_entry {
	struct dc_entry *next;      /* the message that followed it last time */
	uint64_t h;
	const uint8_t *body;        /* copy of the message body (after idx[]) */
	uint32_t len;
	uint8_t ctx;                /* decoding context: peer_as4 | families << 1 */
	int8_t eor;                 /* End-of-RIB family, or -1 */
	bool from_feeder;           /* first AS is one of this process's feeders */
	uint32_t nwd, nann;
	uint64_t digest;            /* digest_add() of the announcements */
	uint32_t idx[];             /* nwd withdrawn, then nann announced prefix numbers */
};

struct dc_slot {
	uint64_t h;
	struct dc_entry *e;         /* NULL = empty */
};

struct dcache {
	struct dc_slot *t;
	size_t mask, n, bytes;
	uint64_t hits, chained, misses, uncacheable;
	bool full;
};

static inline bool dc_match(const struct dc_entry *e, const uint8_t *body, size_t len, uint8_t ctx)
{
	return e->len == len && e->ctx == ctx && memcmp(e->body, body, len) == 0;
}

/* The entry for message body[0, len) decoded in context ctx, h its
 * hash_fast() mixed with ctx; NULL if there is none. */
struct dc_entry *dc_find(const struct dcache *c, uint64_t h, const uint8_t *body, size_t len,
    uint8_t ctx);
/* Stores a copy of `tmpl` (its idx[] filled) with the message body;
 * returns it, or NULL when the cache is full (it then sets c->full). */
struct dc_entry *dc_insert(struct dcache *c, const struct dc_entry *tmpl, const uint8_t *body);
void dc_free(struct dcache *c);
#endif
