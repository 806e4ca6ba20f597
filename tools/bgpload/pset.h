/* SPDX-License-Identifier: ISC */
/* pset: a set of prefixes, for what a receiver holds outside the prefix
 * index and for the codec self-test.
 *
 * IPv4 prefixes up to /24 (all an IXP route server passes) can live in a
 * bitmap with one bit per possible prefix (2^25 bits, 4 MB, made on first
 * use by pset_add_p): exact, and much lighter on the cache than a hash
 * table when ten sinks hold a million prefixes each.  Everything else
 * goes to a hash set: open addressing with linear probing and
 * backward-shift deletion over 64-bit keys (pset_key), exact for IPv4
 * and for IPv6 prefixes up to /56 (top 56 bits and length); longer IPv6
 * prefixes are keyed by a 64-bit hash.  The set grows without bound; one
 * thread owns a set. */
#ifndef BGPLOAD_PSET_H
#define BGPLOAD_PSET_H
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"
#include "util.h"
#include "wire.h"

struct pset {
	uint64_t *k;                /* 0 = empty slot; NULL until pset_init */
	size_t mask;                /* capacity - 1 (a power of two) */
	size_t n;                   /* keys in the hash part */
	uint64_t *bm;               /* IPv4 /0-/24 bitmap, bit (1 << len) + (addr >> (32 - len)) */
	size_t nbm;                 /* bits set */
};

/* A prefix as a 64-bit key, never 0. */
static inline uint64_t pset_key(const struct prefix *p)
{
	if (p->afi == AFI_IPV4)
		return 1ull << 40 | (uint64_t)get_u32(p->addr) << 8 | p->len;
	if (p->len <= 56) {
		uint64_t hi = (uint64_t)get_u32(p->addr) << 32 | get_u32(p->addr + 4);
		return (hi & ~0xffull) | 0x80 | p->len;          /* low byte != 0 */
	}
	uint64_t h = mix64(get_u32(p->addr) ^ ((uint64_t)get_u32(p->addr + 4) << 32));
	h = mix64(h ^ get_u32(p->addr + 8) ^ ((uint64_t)get_u32(p->addr + 12) << 32));
	return (h & ~0xffull) | 0x80 | p->len;
}

/* An empty set sized for `expect` keys in the hash part. */
void pset_init(struct pset *s, size_t expect);
void pset_free(struct pset *s);
/* Returns 1 if the key was added, 0 if it was there already. */
int pset_add(struct pset *s, uint64_t key);
/* Returns 1 if the key was removed, 0 if it was not there. */
int pset_del(struct pset *s, uint64_t key);
/* Returns 1 if the prefix was added, 0 if it was there already (IPv4 up
 * to /24 in the bitmap). */
int pset_add_p(struct pset *s, const struct prefix *p);

static inline size_t pset_size(const struct pset *s) { return s->n + s->nbm; }
#endif
