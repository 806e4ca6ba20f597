/* SPDX-License-Identifier: ISC */
#include "pset.h"

#include <stdbool.h>
#include <stdlib.h>

#include "xalloc.h"

#define PSET_BM_WORDS ((1u << 25) / 64)

void pset_init(struct pset *s, size_t expect)
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

void pset_free(struct pset *s)
{
	free(s->k);
	free(s->bm);
	s->k = s->bm = NULL;
	s->n = s->nbm = 0;
}

static inline size_t pset_home(const struct pset *s, uint64_t key)
{
	return (size_t)mix64(key) & s->mask;
}

static void pset_grow(struct pset *s);

int pset_add(struct pset *s, uint64_t key)
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

int pset_del(struct pset *s, uint64_t key)
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

static inline bool pset_bm_index(const struct prefix *p, uint32_t *bit)
{
	if (p->afi != AFI_IPV4 || p->len > 24)
		return false;
	*bit = (1u << p->len) + (p->len ? get_u32(p->addr) >> (32 - p->len) : 0);
	return true;
}

int pset_add_p(struct pset *s, const struct prefix *p)
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
