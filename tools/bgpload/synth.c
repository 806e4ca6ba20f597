/* SPDX-License-Identifier: ISC */
#include "synth.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgp_update.h"

/* --- canonical attribute builders ---------------------------------------- */

void syn_attr_origin(struct wbuf *w, uint8_t origin)
{
	attr_put_header(w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, 1);
	wbuf_u8(w, origin);
}
/* One AS_SEQUENCE of n (1..255) 4-octet ASNs. */
static void attr_as_path(struct wbuf *w, const uint32_t *as, unsigned n)
{
	attr_put_header(w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, 2 + 4 * (size_t)n);
	wbuf_u8(w, AS_SEQUENCE);
	wbuf_u8(w, (uint8_t)n);
	for (unsigned i = 0; i < n; i++)
		wbuf_u32(w, as[i]);
}
static void attr_med(struct wbuf *w, uint32_t med)
{
	attr_put_header(w, ATTR_F_OPTIONAL, ATTR_MED, 4);
	wbuf_u32(w, med);
}
static void attr_communities(struct wbuf *w, const uint32_t *c, unsigned n)
{
	attr_put_header(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_COMMUNITIES, 4 * (size_t)n);
	for (unsigned i = 0; i < n; i++)
		wbuf_u32(w, c[i]);
}
static void attr_large_communities(struct wbuf *w, const uint32_t (*lc)[3], unsigned n)
{
	attr_put_header(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_LARGE_COMMUNITIES,
	    12 * (size_t)n);
	for (unsigned i = 0; i < n; i++)
		for (int j = 0; j < 3; j++)
			wbuf_u32(w, lc[i][j]);
}

/* --- prefix space ----------------------------------------------------------- */

struct bogon { uint64_t v; int len; };  /* value in the top len bits of the width */

/* IPv4: RFC 6890 special-purpose space and the like (left-aligned in 32 bits). */
#define V4(a, b, c, d) (((uint64_t)(a) << 24) | ((uint64_t)(b) << 16) | ((uint64_t)(c) << 8) | (d))
static const struct bogon v4_bogons[] = {
	{ V4(0, 0, 0, 0), 8 }, { V4(10, 0, 0, 0), 8 }, { V4(100, 64, 0, 0), 10 },
	{ V4(127, 0, 0, 0), 8 }, { V4(169, 254, 0, 0), 16 }, { V4(172, 16, 0, 0), 12 },
	{ V4(192, 0, 0, 0), 24 }, { V4(192, 0, 2, 0), 24 }, { V4(192, 168, 0, 0), 16 },
	{ V4(198, 18, 0, 0), 15 }, { V4(198, 51, 100, 0), 24 }, { V4(203, 0, 113, 0), 24 },
	{ V4(224, 0, 0, 0), 3 },
};
/* IPv6 (top 64 bits): documentation, 6to4, IANA special purpose, old 6bone. */
static const struct bogon v6_bogons[] = {
	{ 0x20010db800000000ull, 32 }, { 0x2002000000000000ull, 16 },
	{ 0x2001000000000000ull, 23 }, { 0x3ffe000000000000ull, 16 },
};

/* Block patterns: {length, positions per block}. */
static const uint8_t v4_pattern[][2] = {
	{ 24, 120 }, { 23, 20 }, { 22, 25 }, { 21, 12 }, { 20, 10 }, { 19, 6 }, { 18, 4 },
	{ 17, 2 }, { 16, 1 },
};
static const uint8_t v6_pattern[][2] = {
	{ 48, 10 }, { 32, 3 }, { 44, 2 }, { 40, 2 }, { 36, 1 }, { 46, 1 }, { 47, 1 },
};

static int syn_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void syn_len_init(struct syn_space *sp, int L, const struct bogon *bg, size_t nbg,
    uint64_t seed)
{
	struct syn_len *sl = &sp->len[L];
	sl->sbits = L - sp->ubits;
	sl->mask = (sl->sbits >= 64) ? ~0ull : ((1ull << sl->sbits) - 1);
	uint64_t a[SYN_MAXINT], e[SYN_MAXINT];
	int n = 0;
	for (size_t i = 0; i < nbg; i++) {
		uint64_t lo, hi;        /* [lo, hi) in /L values (top L bits) */
		uint64_t v = bg[i].v >> (sp->width - bg[i].len);
		if (bg[i].len >= L) {
			lo = v >> (bg[i].len - L);
			hi = lo + 1;
		} else {
			lo = v << (L - bg[i].len);
			hi = (v + 1) << (L - bg[i].len);
		}
		/* into slot numbers of the universe (bogons lie inside it) */
		if ((lo >> sl->sbits) != sp->ubase)
			continue;
		a[n] = lo & sl->mask;
		e[n] = a[n] + (hi - lo);
		n++;
	}
	/* sort by start, merge */
	uint64_t pairs[2 * SYN_MAXINT];
	for (int i = 0; i < n; i++) { pairs[2 * i] = a[i]; pairs[2 * i + 1] = e[i]; }
	qsort(pairs, (size_t)n, 2 * sizeof(uint64_t), syn_cmp_u64);
	sl->nint = 0;
	uint64_t bad = 0;
	for (int i = 0; i < n; i++) {
		uint64_t s = pairs[2 * i], t = pairs[2 * i + 1];
		if (sl->nint && s <= sl->ia[sl->nint - 1] + sl->in[sl->nint - 1]) {
			uint64_t end = sl->ia[sl->nint - 1] + sl->in[sl->nint - 1];
			if (t > end)
				sl->in[sl->nint - 1] += t - end;
		} else {
			sl->ia[sl->nint] = s;
			sl->in[sl->nint] = t - s;
			sl->nint++;
		}
	}
	for (int i = 0; i < sl->nint; i++)
		bad += sl->in[i];
	sl->cap = sl->mask - bad + 1;
	for (int r = 0; r < 3; r++) {
		sl->mul[r] = mix64(seed ^ ((uint64_t)L << 8) ^ (uint64_t)r) | 1;
		sl->add[r] = mix64(~seed ^ ((uint64_t)L << 16) ^ (uint64_t)r);
	}
}

void syn_space_init(struct syn_space *sp, uint8_t afi, uint64_t seed)
{
	memset(sp, 0, sizeof(*sp));
	sp->afi = afi;
	const uint8_t (*pat)[2];
	size_t npat;
	const struct bogon *bg;
	size_t nbg;
	if (afi == AFI_IPV4) {
		sp->width = 32; sp->ubits = 0; sp->ubase = 0;
		pat = v4_pattern; npat = sizeof(v4_pattern) / sizeof(v4_pattern[0]);
		bg = v4_bogons; nbg = sizeof(v4_bogons) / sizeof(v4_bogons[0]);
	} else {
		sp->width = 64; sp->ubits = 3; sp->ubase = 1;   /* 2000::/3 */
		pat = v6_pattern; npat = sizeof(v6_pattern) / sizeof(v6_pattern[0]);
		bg = v6_bogons; nbg = sizeof(v6_bogons) / sizeof(v6_bogons[0]);
	}
	for (size_t i = 0; i < npat; i++) {
		for (int j = 0; j < pat[i][1]; j++)
			sp->pat[sp->npat++] = pat[i][0];
		sp->cnt[pat[i][0]] = pat[i][1];
		syn_len_init(sp, pat[i][0], bg, nbg, seed);
	}
	/* shuffle the block (Fisher-Yates), then rank positions per length */
	struct rng r = { seed ^ 0x5eedull ^ afi };
	for (int i = sp->npat - 1; i > 0; i--) {
		int j = (int)rng_below(&r, (uint32_t)i + 1);
		uint8_t t = sp->pat[i]; sp->pat[i] = sp->pat[j]; sp->pat[j] = t;
	}
	uint32_t seen[129] = { 0 };
	for (int i = 0; i < sp->npat; i++)
		sp->rank[i] = seen[sp->pat[i]]++;
}

uint64_t syn_capacity(const struct syn_space *sp)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < sp->npat; i++) {
		int L = sp->pat[i];
		uint64_t blocks = sp->len[L].cap / sp->cnt[L];
		if (blocks * (uint64_t)sp->npat < best)
			best = blocks * (uint64_t)sp->npat;
	}
	return best;
}

static inline bool syn_bad(const struct syn_len *sl, uint64_t x)
{
	for (int i = 0; i < sl->nint; i++)
		if (x >= sl->ia[i] && x - sl->ia[i] < sl->in[i])
			return true;
	return false;
}

static inline uint64_t syn_perm(const struct syn_len *sl, uint64_t x)
{
	int sh = (sl->sbits + 1) / 2;
	for (int r = 0; r < 3; r++) {
		x = (x * sl->mul[r] + sl->add[r]) & sl->mask;
		x ^= x >> sh;
	}
	return x;
}

void syn_prefix(const struct syn_space *sp, uint64_t k, struct prefix *out)
{
	uint64_t blk = k / (uint64_t)sp->npat;
	int pos = (int)(k % (uint64_t)sp->npat);
	int L = sp->pat[pos];
	const struct syn_len *sl = &sp->len[L];
	uint64_t s = blk * sp->cnt[L] + sp->rank[pos];
	/* s-th usable slot ... */
	for (int i = 0; i < sl->nint && s >= sl->ia[i]; i++)
		s += sl->in[i];
	/* ... scrambled within the usable slots (cycle walking) */
	do
		s = syn_perm(sl, s);
	while (syn_bad(sl, s));
	uint64_t top = (sp->ubase << sl->sbits) | s;        /* the top L bits */
	memset(out, 0, sizeof(*out));
	out->afi = sp->afi;
	out->len = (uint8_t)L;
	if (sp->afi == AFI_IPV4) {
		put_u32(out->addr, (uint32_t)(top << (32 - L)));
	} else {
		uint64_t v = top << (64 - L);
		put_u32(out->addr, (uint32_t)(v >> 32));
		put_u32(out->addr + 4, (uint32_t)v);
	}
}

/* --- attribute sets ------------------------------------------------------------ */

/* A public-looking ASN: 16-bit 1000-48999 (not 23456) or 32-bit
 * 131072-269999; never one of the `avoid` ASNs (the sessions' own). */
static uint32_t syn_asn(struct rng *r, const uint32_t *avoid, size_t navoid)
{
	for (;;) {
		uint32_t as = rng_below(r, 10) < 7 ? 1000 + rng_below(r, 48000)
		                                  : 131072 + rng_below(r, 138928);
		bool bad = as == AS_TRANS;
		for (size_t i = 0; i < navoid && !bad; i++)
			bad = avoid[i] == as;
		if (!bad)
			return as;
	}
}

void syn_attrs(uint64_t seed, uint32_t asn, uint64_t g, const uint32_t *avoid, size_t navoid,
    struct wbuf *w)
{
	struct rng r = { hash3(seed, asn, g) };
	uint32_t path[8];
	static const uint8_t len_dist[20] = {
		1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 6,
	};
	unsigned n = len_dist[rng_below(&r, 20)];
	path[0] = asn;
	for (unsigned i = 1; i < n; i++)
		path[i] = syn_asn(&r, avoid, navoid);
	if (n >= 2 && n < 6 && rng_below(&r, 10) == 0)
		path[n] = path[n - 1], n++;         /* origin prepends once */
	syn_attr_origin(w, rng_below(&r, 10) == 0 ? ORIGIN_INCOMPLETE : ORIGIN_IGP);
	attr_as_path(w, path, n);
	if (rng_below(&r, 10) < 3)
		attr_med(w, rng_below(&r, 1000));
	/* communities: "asn:value" needs a 16-bit AS; use one of the path */
	uint32_t cas = 0;
	for (unsigned i = 0; i < n && !cas; i++)
		if (path[i] <= 0xffff)
			cas = path[i];
	if (!cas)
		cas = 3320;
	uint32_t c[2];
	unsigned nc = 1 + rng_below(&r, 2);
	c[0] = cas << 16 | (1000 + rng_below(&r, 9000));
	c[1] = cas << 16 | (10000 + rng_below(&r, 50000));
	attr_communities(w, c, nc);
	if (rng_below(&r, 2) == 0) {
		uint32_t lc[1][3] = { { asn, 1 + rng_below(&r, 3), rng_below(&r, 1000) } };
		attr_large_communities(w, lc, 1);
	}
}

/* size = 1 + 49 u^3 */
uint32_t syn_group_size(struct rng *r)
{
	double u = rng_unit(r);
	return 1 + (uint32_t)(49.0 * u * u * u + 0.5);
}
