/* SPDX-License-Identifier: ISC */
/* attr: interned, reference-counted path attribute sets.  Routes with the
 * same attributes (a member's whole table often has few distinct sets)
 * share one copy; identity comparison replaces byte comparison everywhere
 * after import.  A set also carries the export control its communities ask
 * for (below; decoded by the policy, src/policy/export_ctl.[ch]).
 * Single-threaded: owned by the RDE. */
#ifndef IXPD_ATTR_H
#define IXPD_ATTR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_update.h"
#include "log.h"

/* Export control: what a route's action communities ask of export.  Its
 * data type and the two things the RIB does with it -- asking it in the
 * decision process (export_ctl_allows) and freeing it with its attribute
 * set (export_ctl_free) -- are here, where the RIB can see them; everything
 * else the policy does about it (decoding the communities, the
 * per-receiver variants) is in src/policy/export_ctl.[ch].
 *
 * What a route's action communities ask for one receiving AS: prepend the
 * announcing member's AS, add NO_EXPORT / NO_ADVERTISE. */
struct peer_action {
	uint32_t asn;
	uint8_t prepend;             /* 0..3 */
	bool no_export, no_advertise;
};

/* A prepend asked for receivers by their round-trip time (arouteserver's
 * prepend_*_to_peers_with_rtt_*): `times` when the receiver's RTT is above
 * `threshold` (above) or at most it (!above). */
struct rtt_prepend {
	uint32_t threshold;          /* ms */
	bool above;
	uint8_t times;               /* 1..3 */
};

/* A prepend asked for receivers at one site (the location communities). */
struct site_prepend {
	uint32_t site;
	uint8_t times;               /* 1..3 */
};

/* The attribute set a receiver gets for a path with export control: one
 * per combination of prepend count (0..3), NO_EXPORT and NO_ADVERTISE,
 * built on first export (variant_key). */
#define EXPORT_VARIANTS 16
static inline unsigned variant_key(unsigned prepend, bool no_export, bool no_advertise)
{
	return prepend << 2 | (unsigned)no_export << 1 | (unsigned)no_advertise;
}

/* Who may receive a path and in which form, decided once per attribute
 * set from its communities (export control).  NULL: everybody, unchanged.
 * The receiver's RTT is the one its session measured (ms, 0 unknown:
 * RTT-based communities do not apply to it, as in arouteserver); its
 * site the one its client connects at (0 unknown: site communities do
 * not apply to it).  The order of the questions is arouteserver's, with
 * the sites beside the ASes: "not to this AS", "not to this site", "to
 * this AS", "only to my site", the RTT-based "not to" and "to", then
 * "not to any". */
struct export_ctl {
	bool none;                   /* do_not_announce_to_any */
	bool well_known;             /* NO_EXPORT / NO_ADVERTISE honoured (rfc1997 policy): nobody */
	uint16_t n_deny, n_allow;    /* asns: n_deny ASes "not to", then n_allow "to" */
	uint16_t nact;
	uint8_t n_rtt_prepend;
	struct peer_action *acts;    /* sorted by asn */
	/* RTT-based "not to" / "to": above (>) the smallest threshold asked,
	 * or at most (<=) the largest; UINT32_MAX / 0 when not asked */
	uint32_t deny_rtt_above, deny_rtt_upto, allow_rtt_above, allow_rtt_upto;
	struct rtt_prepend *rtt_prepend;     /* in the order they are tried */
	uint32_t own_site;           /* "only to my site": the sender's site; 0 not asked */
	uint16_t n_deny_sites;
	uint8_t n_site_prepend;
	uint32_t *deny_sites;        /* "not to site": ascending */
	struct site_prepend *site_prepend;   /* ascending by site */
	struct attr_set *variants[EXPORT_VARIANTS];
	uint32_t asns[];             /* each part ascending */
};
/* An export control that lets everybody have the path, with room for
 * n_deny + n_allow ASes (set n_deny / n_allow as they are filled). */
struct export_ctl *export_ctl_new(uint16_t n_deny, uint16_t n_allow);
enum export_verdict {
	EXPORT_ALLOWED,
	EXPORT_DENIED_AS,            /* "not to" names its AS */
	EXPORT_DENIED_RTT,           /* an RTT-based "not to" matches its RTT */
	EXPORT_DENIED_SITE,          /* "not to site" names its site, or "only to my site" another */
	EXPORT_NOT_LISTED,           /* "not to any", and nothing lets it have it */
	EXPORT_WELL_KNOWN,           /* NO_EXPORT / NO_ADVERTISE under the rfc1997 policy */
};
/* Who receives: what export control asks about. */
struct export_receiver {
	uint32_t asn;
	uint32_t rtt_ms;             /* 0 unknown */
	uint32_t site;               /* 0 unknown */
};
enum export_verdict export_ctl_verdict(const struct export_ctl *ctl, const struct export_receiver *r);
/* May receiver r have a path whose set carries ctl? */
static inline bool export_ctl_allows(const struct export_ctl *ctl, const struct export_receiver *r)
{
	return !ctl || export_ctl_verdict(ctl, r) == EXPORT_ALLOWED;
}
/* Frees ctl and its variants. */
void export_ctl_free(struct export_ctl *ctl);

/* An interned set is what a member sent (canonical bytes; shared by equal
 * attributes).  A derived set is what the route server makes of it under
 * its policy -- own communities scrubbed, informational ones added, the
 * next hop of a blackhole rewritten, export control decoded: it is not
 * interned by bytes (two members' routes may look alike after scrubbing
 * yet ask for different export control) but cached on its origin, keyed
 * by `tags` (the per-route outcome of the import policy) and the policy
 * generation. */
struct attr_set {
	uint32_t id;                 /* interned: its index in the intern table */
	uint32_t hash;
	uint32_t refcnt;
	struct path_info info;
	uint32_t local_pref;         /* decision input; members never see it */
	struct export_ctl *ctl;      /* NULL: every member may receive it */
	bool derived;                /* ctl/local_pref computed by policy */
	bool blackhole;              /* an accepted RFC 7999 blackhole route */
	bool interned;               /* in the table by bytes (a received set) */
	struct attr_set *origin;     /* derived set: the received set (a reference) */
	struct attr_set *children;   /* received set: its derived sets (not references) */
	struct attr_set *sibling;    /* derived set: next in origin->children */
	uint32_t tags, gen;          /* derived set: its cache key; received set: the
	                              * verdict tags and generation it serves as is for */
	uint32_t owner;              /* derived set: also in its key -- the client whose own
	                              * communities it carries (attach_custom_communities), 0 none */
	uint8_t *as2;                /* lazily built 2-octet-AS form, see attrs_to_as2 */
	uint32_t as2_len;
	uint32_t len;
	uint8_t data[];              /* canonical attribute bytes */
};

struct attr_set *attr_intern(const struct path_info *info, const uint8_t *data, size_t len);
/* The derived set of origin cached under (tags, gen, owner), with a new
 * reference, or NULL. */
struct attr_set *attr_derived_find(struct attr_set *origin, uint32_t tags, uint32_t gen, uint32_t owner);
/* A new derived set of origin (referenced by it) with the given bytes;
 * the caller fills ctl, local_pref, blackhole. */
struct attr_set *attr_derive(struct attr_set *origin, uint32_t tags, uint32_t gen, uint32_t owner,
    const struct path_info *info, const uint8_t *data, size_t len);
/* Replaces a's export control (freeing the old one and its variants). */
void attr_set_ctl(struct attr_set *a, struct export_ctl *ctl);
/* A set of its own (neither interned nor derived): the per-receiver
 * variants of export control. */
struct attr_set *attr_standalone(const struct path_info *info, const uint8_t *data, size_t len);
/* The set a received route's policy works from: origin of a derived set. */
static inline struct attr_set *attr_received(struct attr_set *a) { return a->origin ? a->origin : a; }
/* References are counted; a count that would wrap, or an unref of a set
 * nobody holds, is a broken invariant (fatalx), not a use-after-free to
 * surface far away. */
static inline struct attr_set *attr_ref(struct attr_set *a)
{
	if (a->refcnt == UINT32_MAX)
		fatalx("attr_ref: reference count of an attribute set overflows");
	a->refcnt++;
	return a;
}
void attr_unref(struct attr_set *a);
/* The bytes to send to a 2-octet-AS receiver. */
const uint8_t *attr_as2(struct attr_set *a, size_t *len);

size_t attr_count(void);
size_t attr_memory(void);
#endif
