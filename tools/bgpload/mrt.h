/* SPDX-License-Identifier: ISC */
/* mrt: reads the prefixes of an MRT TABLE_DUMP_V2 RIB dump
 * (RFC 6396, with the RFC 8050 ADD-PATH subtypes) for bgpload's feeders.
 *
 * For each IPv4/IPv6 unicast prefix the attributes of the first RIB entry
 * are kept, reduced to what a member sends a route server (ORIGIN,
 * AS_PATH, MED, ATOMIC_AGGREGATE, AGGREGATOR, COMMUNITIES, EXTENDED and
 * LARGE COMMUNITIES; no NEXT_HOP, MP_*, LOCAL_PREF, ORIGINATOR_ID,
 * CLUSTER_LIST, AS4_*, OTC or unknown attributes), in ascending type order
 * (ixpd's canonical form).  Identical attribute sets are interned and the
 * prefixes sorted by attribute set, so a feeder packs prefixes sharing
 * attributes into the same UPDATEs as a real router would.  The first AS
 * of the path is replaced with the feeder's AS when sending (mrt_attrs_for).
 *
 * Compressed dumps (.gz, .bz2, .xz) are read through gzip/bzip2/xz -dc.
 *
 * The loaded struct mrt_data is read-only afterwards and never freed (it
 * lives as long as the process); loading happens on the main thread
 * before any other thread starts.  mrt_intern, mrt_add and mrt_finish
 * also build the per-session tables of --table (table.h). */
#ifndef BGPLOAD_MRT_H
#define BGPLOAD_MRT_H
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"
#include "wire.h"

struct mrt_fam {
	struct prefix *pfx;         /* after mrt_finish: sorted by attribute set */
	uint32_t *aid;              /* attribute set of each prefix (while loading) */
	uint32_t n, cap;
	uint32_t *gstart;           /* group g = pfx[gstart[g] .. gstart[g + 1]) */
	uint32_t *gattr;            /* its attribute set */
	uint32_t ngroups;
};

struct mrt_data {
	struct mrt_fam fam[2];      /* FAM_IPV4, FAM_IPV6 */
	struct wbuf blob;           /* interned attribute sets */
	uint32_t *off, *len, nattr, acap;
	uint32_t *htab;             /* attribute set index + 1, 0 = empty */
	size_t hmask;
	uint64_t records, skipped;
};

/* Loads an MRT file into m; dies on an unreadable file or one without a
 * RIB.  A truncated file (say, the first megabyte of a compressed dump) is
 * used up to its last complete record, with a warning. */
void mrt_load(struct mrt_data *m, const char *path);
/* The attribute set `a` as feeder `asn` sends it, appended to out: the
 * first AS of the path replaced (or, for an empty path or one starting
 * with an AS_SET, the feeder's AS prepended). */
void mrt_attrs_for(const uint8_t *a, size_t n, uint32_t asn, struct wbuf *out);

/* The number of attribute set a[0, n) in m, a new one if it was not there. */
uint32_t mrt_intern(struct mrt_data *m, const uint8_t *a, size_t n);
/* Appends prefix p with attribute set aid to a family of a table being built. */
void mrt_add(struct mrt_fam *f, const struct prefix *p, uint32_t aid);
/* Groups each family's prefixes by attribute set: the table is complete. */
void mrt_finish(struct mrt_data *m);
#endif
