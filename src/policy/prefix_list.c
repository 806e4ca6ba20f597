/* SPDX-License-Identifier: ISC */
/* prefix_list: arouteserver prefix lists on a pfxtree.  Each tree entry is
 * one distinct prefix/length and holds the positions of the list entries
 * with that prefix (several may share it with different ge/le/asn), so a
 * match is a covering walk that keeps the lowest matching position. */
#include "prefix_list.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "pfxtree.h"
#include "wire.h"
#include "xalloc.h"

/* The list positions of the entries of one prefix, ascending. */
struct bucket {
	int n;
	int pos[];
};

/* A first-bits filter in front of the trie: one bit per /16 (IPv4) or /20
 * (IPv6) that some entry overlaps (8 kB + 128 kB).  A bogon list touches
 * few of them, so most routes are answered "no match" by one bit test
 * instead of a trie walk -- this runs for every received prefix. */
#define FILTER4_BITS 16
#define FILTER6_BITS 20

struct prefix_list {
	struct cfg_prefix *v;       /* copies of the configured entries */
	int n;
	struct pfxtree *tree;
	uint64_t *filter4, *filter6; /* allocated with the first entry of the family
	                              * that reaches a slot's length */
};

static uint32_t first_bits(const struct prefix *p, unsigned bits)
{
	uint32_t w = (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 | (uint32_t)p->addr[2] << 8;
	return w >> (32 - bits);
}

/* Marks the first-bits slots prefix p overlaps. */
static void filter_mark(struct prefix_list *pl, const struct prefix *p)
{
	bool v4 = p->afi == AFI_IPV4;
	unsigned bits = v4 ? FILTER4_BITS : FILTER6_BITS;
	uint64_t **fp = v4 ? &pl->filter4 : &pl->filter6;
	if (!*fp)
		*fp = xcalloc((1u << bits) / 64, sizeof(uint64_t));
	uint64_t *f = *fp;
	uint32_t first = first_bits(p, bits);
	uint32_t span = p->len >= bits ? 1 : 1u << (bits - p->len);
	first &= ~(span - 1);
	for (uint32_t i = first; i < first + span; i++)
		f[i / 64] |= 1ull << (i % 64);
}

/* false: no entry can cover p. */
static bool filter_may_match(const struct prefix_list *pl, const struct prefix *p)
{
	bool v4 = p->afi == AFI_IPV4;
	unsigned bits = v4 ? FILTER4_BITS : FILTER6_BITS;
	if (p->len < bits)
		return true;         /* shorter than a slot: ask the trie */
	const uint64_t *f = v4 ? pl->filter4 : pl->filter6;
	if (!f)
		return false;        /* no entry of the family reaches this length */
	uint32_t i = first_bits(p, bits);
	return f[i / 64] >> (i % 64) & 1;
}

int prefix_list_entry_prefix(const struct cfg_prefix *e, struct prefix *out)
{
	/* Read as an NLRI: prefix_read_nlri() checks the length against the
	 * family and clears the host bits, exactly what an entry needs. */
	uint8_t nlri[1 + 16];
	uint8_t afi;

	if (e->prefix.family == AF_INET) {
		afi = AFI_IPV4;
		memcpy(nlri + 1, &e->prefix.u.v4, 4);
	} else if (e->prefix.family == AF_INET6) {
		afi = AFI_IPV6;
		memcpy(nlri + 1, &e->prefix.u.v6, 16);
	} else {
		return -1;
	}
	nlri[0] = e->length;
	struct rbuf b = rbuf_make(nlri, 1 + (afi == AFI_IPV4 ? 4 : 16));
	return prefix_read_nlri(&b, afi, out);
}

static struct bucket *bucket_add(struct bucket *b, int pos)
{
	int n = b ? b->n : 0;
	b = xrealloc(b, sizeof(*b) + (size_t)(n + 1) * sizeof(b->pos[0]));
	b->n = n + 1;
	b->pos[n] = pos;
	return b;
}

struct prefix_list *prefix_list_compile(const struct cfg_prefix_list *l)
{
	if (l->n == 0)
		return NULL;         /* the empty list; 700 members rarely have lists */
	struct prefix_list *pl = xcalloc(1, sizeof(*pl));

	pl->tree = pfxtree_new();
	pl->v = xcalloc(l->n ? (size_t)l->n : 1, sizeof(*pl->v));
	for (int i = 0; i < l->n; i++) {
		const struct cfg_prefix *e = &l->v[i];
		struct prefix p;
		if (prefix_list_entry_prefix(e, &p) < 0) {
			/* the loader refuses these; never let one match anything. */
			log_err("prefix list entry %d: invalid prefix, ignored", i);
			continue;
		}
		struct cfg_prefix *copy = &pl->v[pl->n];
		*copy = *e;
		copy->comment = e->comment ? xstrdup(e->comment) : NULL;
		void **slot = pfxtree_insert(pl->tree, &p, NULL);
		*slot = bucket_add(*slot, pl->n++);
		/* An entry that only matches prefixes shorter than a slot (the
		 * default route, exact) never answers for a filtered prefix. */
		unsigned max_len = e->exact ? p.len : e->le ? e->le : afi_max_prefix_len(p.afi);
		if (max_len >= (p.afi == AFI_IPV4 ? FILTER4_BITS : FILTER6_BITS))
			filter_mark(pl, &p);
	}
	return pl;
}

void prefix_list_free(struct prefix_list *pl)
{
	if (pl == NULL)
		return;
	pfxtree_free(pl->tree, free);
	free(pl->filter4);
	free(pl->filter6);
	for (int i = 0; i < pl->n; i++)
		free(pl->v[i].comment);
	free(pl->v);
	free(pl);
}

int prefix_list_count(const struct prefix_list *pl)
{
	return pl ? pl->n : 0;
}

/* Does entry e, whose prefix covers p, accept p's length and origin? */
static bool entry_accepts(const struct cfg_prefix *e, const struct prefix *p, uint32_t origin_as)
{
	if (e->asn && e->asn != origin_as)
		return false;
	if (e->exact)
		return p->len == e->length;
	unsigned ge = e->ge ? e->ge : e->length;
	unsigned le = e->le ? e->le : afi_max_prefix_len(p->afi);
	return p->len >= ge && p->len <= le;
}

struct match_ctx {
	const struct prefix_list *pl;
	const struct prefix *p;
	uint32_t origin_as;
	int best;                   /* lowest matching position, or -1 */
};

static int match_bucket(const struct prefix *entry, void *val, void *arg)
{
	struct match_ctx *m = arg;
	const struct bucket *b = val;

	/* Positions ascend: the first accepting one is this bucket's best. */
	for (int i = 0; i < b->n; i++) {
		if (m->best >= 0 && b->pos[i] >= m->best)
			break;
		if (entry_accepts(&m->pl->v[b->pos[i]], m->p, m->origin_as)) {
			m->best = b->pos[i];
			break;
		}
	}
	return 0;
}

const struct cfg_prefix *prefix_list_match(const struct prefix_list *pl,
    const struct prefix *p, uint32_t origin_as)
{
	if (pl == NULL || pl->n == 0 || !filter_may_match(pl, p))
		return NULL;
	struct match_ctx m = { pl, p, origin_as, -1 };
	pfxtree_walk_covering(pl->tree, p, match_bucket, &m);
	return m.best >= 0 ? &pl->v[m.best] : NULL;
}
