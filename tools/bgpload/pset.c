/* SPDX-License-Identifier: ISC */
/* bgpload_pset: the set of prefixes a sink currently holds.
 *
 * IPv4 prefixes up to /24 (all an IXP route server passes) live in a
 * bitmap with one bit per possible prefix (2^25 bits, 4 MB): exact, and
 * much lighter on the cache than a hash table when ten sinks hold a
 * million prefixes each.  Everything else goes to a hash set: open
 * addressing with linear probing and backward-shift deletion over 64-bit
 * keys, exact for IPv4 and for IPv6 prefixes up to /56 (top 56 bits and
 * length); longer IPv6 prefixes are keyed by a 64-bit hash. */
#ifndef BGPLOAD_PSET_H
#define BGPLOAD_PSET_H
#include <stdint.h>
#include <stdlib.h>

#include "prefix.h"
#include "xalloc.h"
#include "bgpload_util.h"

struct pset {
	uint64_t *k;                /* 0 = empty slot */
	size_t mask;                /* capacity - 1 (a power of two) */
	size_t n;                   /* keys in the hash part */
	uint64_t *bm;               /* IPv4 /0-/24 bitmap, bit (1 << len) + (addr >> (32 - len)) */
	size_t nbm;                 /* bits set */
};
#define PSET_BM_WORDS ((1u << 25) / 64)

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

static void pset_init(struct pset *s, size_t expect)
{
	size_t cap = 1024;
	while (cap < expect * 2)
		cap <<= 1;
	s->k = xcalloc(cap, sizeof(*s->k));
	s->mask = cap - 1;
	s->n = 0;
	s->bm = NULL;
	s->nbm = 0;
}

static void pset_free(struct pset *s)
{
	free(s->k);
	free(s->bm);
	s->k = s->bm = NULL;
	s->n = s->nbm = 0;
}

static inline size_t pset_home(const struct pset *s, uint64_t key) { return (size_t)mix64(key) & s->mask; }

static void pset_grow(struct pset *s);

/* Returns 1 if the prefix was added, 0 if it was there already. */
static int pset_add(struct pset *s, uint64_t key)
{
	if ((s->n + 1) * 10 > (s->mask + 1) * 7)
		pset_grow(s);
	size_t i = pset_home(s, key);
	while (s->k[i]) {
		if (s->k[i] == key)
			return 0;
		i = (i + 1) & s->mask;
	}
	s->k[i] = key;
	s->n++;
	return 1;
}

static void pset_grow(struct pset *s)
{
	struct pset old = *s;
	s->mask = (old.mask + 1) * 2 - 1;
	s->k = xcalloc(s->mask + 1, sizeof(*s->k));
	s->n = 0;
	for (size_t i = 0; i <= old.mask; i++)
		if (old.k[i])
			pset_add(s, old.k[i]);
	free(old.k);
}

/* Returns 1 if the prefix was removed, 0 if it was not there. */
static int pset_del(struct pset *s, uint64_t key)
{
	size_t i = pset_home(s, key);
	while (s->k[i] != key) {
		if (!s->k[i])
			return 0;
		i = (i + 1) & s->mask;
	}
	size_t j = i;
	for (;;) {
		j = (j + 1) & s->mask;
		if (!s->k[j])
			break;
		size_t h = pset_home(s, s->k[j]);
		/* the entry at j stays if its home lies cyclically in (i, j] */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		s->k[i] = s->k[j];
		i = j;
	}
	s->k[i] = 0;
	s->n--;
	return 1;
}

static inline size_t pset_size(const struct pset *s) { return s->n + s->nbm; }

static inline bool pset_bm_index(const struct prefix *p, uint32_t *bit)
{
	if (p->afi != AFI_IPV4 || p->len > 24)
		return false;
	*bit = (1u << p->len) + (p->len ? get_u32(p->addr) >> (32 - p->len) : 0);
	return true;
}

/* Returns 1 if the prefix was added, 0 if it was there already. */
static int pset_add_p(struct pset *s, const struct prefix *p)
{
	uint32_t b;
	if (!pset_bm_index(p, &b))
		return pset_add(s, pset_key(p));
	if (!s->bm)
		s->bm = xcalloc(PSET_BM_WORDS, sizeof(*s->bm));
	uint64_t m = 1ull << (b & 63);
	if (s->bm[b >> 6] & m)
		return 0;
	s->bm[b >> 6] |= m;
	s->nbm++;
	return 1;
}

/* Returns 1 if the prefix was removed, 0 if it was not there. */
__attribute__((unused)) static int pset_del_p(struct pset *s, const struct prefix *p)
{
	uint32_t b;
	if (!pset_bm_index(p, &b))
		return pset_del(s, pset_key(p));
	uint64_t m = 1ull << (b & 63);
	if (!s->bm || !(s->bm[b >> 6] & m))
		return 0;
	s->bm[b >> 6] &= ~m;
	s->nbm--;
	return 1;
}
#endif
