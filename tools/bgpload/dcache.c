/* SPDX-License-Identifier: ISC */
#include "dcache.h"

#include <stdlib.h>

#include "xalloc.h"

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t hash_fast(const uint8_t *p, size_t n)
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

void gidx_init(struct gidx *g, size_t expect)
{
	size_t cap = 1024;
	while (cap < expect * 2)
		cap <<= 1;
	g->k = xcalloc(cap, sizeof(*g->k));
	g->v = xcalloc(cap, sizeof(*g->v));
	g->mask = cap - 1;
	g->n = 0;
}

void gidx_free(struct gidx *g)
{
	free(g->k);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

static void gidx_grow(struct gidx *g);

uint32_t gidx_put(struct gidx *g, uint64_t key)
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

struct dc_entry *dc_find(const struct dcache *c, uint64_t h, const uint8_t *body, size_t len,
    uint8_t ctx)
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

struct dc_entry *dc_insert(struct dcache *c, const struct dc_entry *tmpl, const uint8_t *body)
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

void dc_free(struct dcache *c)
{
	if (c->t)
		for (size_t i = 0; i <= c->mask; i++)
			free(c->t[i].e);
	free(c->t);
	memset(c, 0, sizeof(*c));
}
