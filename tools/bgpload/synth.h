/* SPDX-License-Identifier: ISC */
/* synth: deterministic synthesis of a realistic-looking routing
 * table, and the small helpers that build canonical path attributes.
 *
 * Prefixes.  Prefix number k (k = 0, 1, 2, ...) of an address family is a
 * pure function of (seed, k), so any prefix can be recomputed at any time
 * and tables of different feeders are disjoint simply by giving them
 * disjoint ranges of k.  The lengths follow a fixed pattern per block of
 * prefixes (IPv4: 60 % /24, the rest /16-/23; IPv6: /32-/48 with /48 the
 * most frequent), shuffled by the seed.  Within one length L, the i-th
 * prefix of that length is the i-th non-bogon /L slot, scrambled by a
 * bijection (cycle walking), so prefixes of one length never repeat and
 * are spread over the whole address space instead of being consecutive.
 *
 * Attributes.  A table is cut into groups of 1-50 consecutive prefixes
 * that share one attribute set (ORIGIN, an AS_PATH of 1-6 hops starting
 * with the feeder's AS, sometimes a MED, one or two communities, sometimes
 * a large community), like the attribute sharing of a real table.
 *
 * Pure functions of their arguments and of an initialised struct
 * syn_space (read-only after syn_space_init): any thread may call them. */
#ifndef BGPLOAD_SYNTH_H
#define BGPLOAD_SYNTH_H
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"
#include "util.h"
#include "wire.h"

/* Appends an ORIGIN attribute (canonical form) to w. */
void syn_attr_origin(struct wbuf *w, uint8_t origin);

#define SYN_MAXINT 24
#define SYN_PAT_MAX 200

struct syn_len {                /* the /L slots of the universe */
	int sbits;                  /* slot bits: L minus the universe's bits */
	uint64_t mask;              /* 2^sbits - 1 */
	int nint;                   /* bogon-covered slot intervals, sorted, merged */
	uint64_t ia[SYN_MAXINT], in[SYN_MAXINT];
	uint64_t cap;               /* usable (non-bogon) slots */
	uint64_t mul[3], add[3];    /* the scrambling bijection */
};

struct syn_space {
	uint8_t afi;
	int width;                  /* bits of the address we build: 32, or 64 (IPv6 top half) */
	int ubits;                  /* universe prefix: ubase/ubits (IPv6 2000::/3) */
	uint64_t ubase;
	int npat;
	uint8_t pat[SYN_PAT_MAX];   /* prefix length of each block position */
	uint32_t rank[SYN_PAT_MAX]; /* index of the position among those of its length */
	uint32_t cnt[129];          /* positions per length in one block */
	struct syn_len len[49];
};

/* The space of afi's synthesised prefixes for seed. */
void syn_space_init(struct syn_space *sp, uint8_t afi, uint64_t seed);
/* Largest table (prefix numbers 0 .. n-1) the space can synthesise. */
uint64_t syn_capacity(const struct syn_space *sp);
/* Prefix number k of the space (k < syn_capacity()). */
void syn_prefix(const struct syn_space *sp, uint64_t k, struct prefix *out);
/* The attribute set of group g of the feeder with AS `asn`, appended to w;
 * the path's other ASNs are never one of the `avoid` ASNs. */
void syn_attrs(uint64_t seed, uint32_t asn, uint64_t g, const uint32_t *avoid, size_t navoid,
    struct wbuf *w);
/* The size of the next attribute group: 1-50, most groups small (mean ~13). */
uint32_t syn_group_size(struct rng *r);
#endif
