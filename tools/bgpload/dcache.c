/* SPDX-License-Identifier: ISC */
/* bgpload_dcache: what keeps receiving cheap when one process runs hundreds
 * of receiving sessions (included once by tools/bgpload.c; all static).
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
 * before (prefetched meanwhile), and hashes only when that fails. */
#ifndef BGPLOAD_DCACHE_H
#define BGPLOAD_DCACHE_H
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "bgpload_util.h"

/* --- a fast 64-bit hash of a byte string (xxHash64-style 4 lanes) -------- */

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t hash_fast(const uint8_t *p, size_t n)
{
	const uint64_t P1 = 0x9e3779b185ebca87ull, P2 = 0xc2b2ae3d27d4eb4full;
	uint64_t a = P1 + P2, b = P2, c = 0, d = 0 - P1;
	size_t len = n;
	while (n >= 32) {
		uint64_t v[4];
		memcpy(v, p, 32);
		a = rotl64(a + v[0] * P2, 31) * P1;
		b = rotl64(b + v[1] * P2, 31) * P1;
		c = rotl64(c + v[2] * P2, 31) * P1;
		d = rotl64(d + v[3] * P2, 31) * P1;
		p += 32;
		n -= 32;
	}
	uint64_t h = rotl64(a, 1) + rotl64(b, 7) + rotl64(c, 12) + rotl64(d, 18) + len;
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		h = rotl64(h ^ (v * P2), 27) * P1;
		p += 8;
		n -= 8;
	}
	uint64_t v = 0;
	memcpy(&v, p, n);
	return mix64(h ^ v);
}

/* --- prefix index: pset_key -> number ------------------------------------- */

#define GIDX_NONE UINT32_MAX

struct gidx {
	uint64_t *k;                /* 0 = empty (pset_key is never 0) */
	uint32_t *v;
	size_t mask, n;
};

static void gidx_init(struct gidx *g, size_t expect)
{
	size_t cap = 1024;
	while (cap < expect * 2)
		cap <<= 1;
	g->k = xcalloc(cap, sizeof(*g->k));
	g->v = xcalloc(cap, sizeof(*g->v));
	g->mask = cap - 1;
	g->n = 0;
}

static void gidx_free(struct gidx *g)
{
	free(g->k);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

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

static void gidx_grow(struct gidx *g);

/* The key's number, a new one if it was not there. */
static uint32_t gidx_put(struct gidx *g, uint64_t key)
{
	if ((g->n + 1) * 10 > (g->mask + 1) * 7)
		gidx_grow(g);
	size_t i = (size_t)mix64(key) & g->mask;
	for (; g->k[i]; i = (i + 1) & g->mask)
		if (g->k[i] == key)
			return g->v[i];
	g->k[i] = key;
	g->v[i] = (uint32_t)g->n;
	return (uint32_t)g->n++;
}

static void gidx_grow(struct gidx *g)
{
	struct gidx old = *g;
	size_t cap = (old.mask + 1) * 2;
	g->k = xcalloc(cap, sizeof(*g->k));
	g->v = xcalloc(cap, sizeof(*g->v));
	g->mask = cap - 1;
	for (size_t i = 0; i <= old.mask; i++) {
		if (!old.k[i])
			continue;
		size_t j = (size_t)mix64(old.k[i]) & g->mask;
		while (g->k[j])
			j = (j + 1) & g->mask;
		g->k[j] = old.k[i];
		g->v[j] = old.v[i];
	}
	free(old.k);
	free(old.v);
}

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

static struct dc_entry *dc_find(const struct dcache *c, uint64_t h, const uint8_t *body, size_t len, uint8_t ctx)
{
	if (!c->t)
		return NULL;
	for (size_t i = (size_t)h & c->mask; c->t[i].e; i = (i + 1) & c->mask)
		if (c->t[i].h == h && dc_match(c->t[i].e, body, len, ctx))
			return c->t[i].e;
	return NULL;
}

static void dc_place(struct dcache *c, struct dc_entry *e)
{
	size_t i = (size_t)e->h & c->mask;
	while (c->t[i].e)
		i = (i + 1) & c->mask;
	c->t[i] = (struct dc_slot){ e->h, e };
}

/* Stores a copy of `tmpl` (its idx[] filled) with the message body;
 * returns it, or NULL when the cache is full. */
static struct dc_entry *dc_insert(struct dcache *c, const struct dc_entry *tmpl, const uint8_t *body)
{
	size_t nidx = (size_t)tmpl->nwd + tmpl->nann;
	size_t sz = sizeof(*tmpl) + nidx * sizeof(uint32_t) + tmpl->len;
	if (c->bytes + sz > DC_MAX_BYTES) {
		c->full = true;
		return NULL;
	}
	if (!c->t) {
		c->t = xcalloc(1 << 16, sizeof(*c->t));
		c->mask = (1 << 16) - 1;
	}
	if ((c->n + 1) * 10 > (c->mask + 1) * 7) {
		struct dc_slot *old = c->t;
		size_t ocap = c->mask + 1;
		c->t = xcalloc(ocap * 2, sizeof(*c->t));
		c->mask = ocap * 2 - 1;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].e)
				dc_place(c, old[i].e);
		free(old);
	}
	struct dc_entry *e = xmalloc(sz);
	memcpy(e, tmpl, sizeof(*tmpl) + nidx * sizeof(uint32_t));
	uint8_t *b = (uint8_t *)&e->idx[nidx];
	memcpy(b, body, tmpl->len);
	e->body = b;
	e->next = NULL;
	dc_place(c, e);
	c->n++;
	c->bytes += sz;
	return e;
}

static void dc_free(struct dcache *c)
{
	if (c->t)
		for (size_t i = 0; i <= c->mask; i++)
			free(c->t[i].e);
	free(c->t);
	memset(c, 0, sizeof(*c));
}
#endif
