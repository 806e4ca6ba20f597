/* SPDX-License-Identifier: ISC */
/* asn: classification of AS numbers, sorted ASN sets, AS-SET names, and
 * the AS_PATH questions the import policy asks (arouteserver semantics).
 *
 * AS_PATH functions read canonical attribute bytes (bgp_update.h): a
 * 4-octet AS_PATH of AS_SEQUENCE/AS_SET segments.  They never read outside
 * attrs[0..len): a truncated segment ends the walk as if the path ended
 * there.  A missing AS_PATH is an empty path.
 *
 * Which AS_PATH positions each check looks at, as arouteserver's BIRD
 * (templates/bird/clients.j2) and OpenBGPD (templates/openbgpd/filters.j2)
 * templates generate them -- every position, including AS_SET members:
 *   invalid ASNs         any ASN for which asn_is_invalid() holds;
 *   transit-free         any ASN of cfg.filtering.transit_free.asns other
 *                        than the member's own ASN (the list is filtered
 *                        with `select("ne", client.asn)`), so a
 *                        transit-free member may prepend itself;
 *   never via RS         any ASN of the never-via-route-servers set, the
 *                        member's own included. */
#ifndef IXPD_ASN_H
#define IXPD_ASN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Private, reserved and documentation ASNs: the set arouteserver rejects
 * with reject_invalid_as_in_as_path (reject code 7). */
bool asn_is_invalid(uint32_t asn);

/* A set of ASNs: sorted, without duplicates, membership by binary search.
 * Zero-initialise ({0}) for the empty set. */
struct asn_set {
	uint32_t *v;
	size_t n;
};
/* Adds n ASNs (any order, duplicates allowed) to the set. */
void asn_set_add(struct asn_set *s, const uint32_t *v, size_t n);
bool asn_set_has(const struct asn_set *s, uint32_t asn);
void asn_set_free(struct asn_set *s);

/* The transit-free ASNs of the general.yml arouteserver distributes
 * (config.d/general.yml, cfg.filtering.transit_free.asns; arouteserver's
 * code has no default: an absent key means no list).  For callers that
 * want the reference list, e.g. to suggest it. */
extern const uint32_t asn_transit_free_reference[];
extern const size_t asn_transit_free_reference_n;

/* Normalises an AS-SET name in place as arouteserver validates one
 * (ValidatorASSet): optional "SOURCE::" (letters; kept as written), then
 * either a lone ASn or an RFC 2622 hierarchical name whose ':'-separated
 * components are ASn or AS-xxx (letters, digits, '_', '-', ending in a
 * letter or digit), at least one of them AS-xxx.  Components are
 * upper-cased (so, unlike arouteserver, a lone "as1" is accepted, as
 * the loader accepts it).  Returns false, leaving s in an unspecified state,
 * if the name is not valid. */
bool as_set_name_normalise(char *s);

/* --- AS_PATH ------------------------------------------------------------- */

/* Calls match(asn, arg) for every ASN of the AS_PATH, left to right, and
 * returns true at the first one it accepts, stored in *found (may be NULL). */
bool as_path_find(const uint8_t *attrs, size_t len,
    bool (*match)(uint32_t asn, const void *arg), const void *arg, uint32_t *found);

/* The three policy questions (see the top of this file for positions). */
bool as_path_has_invalid(const uint8_t *attrs, size_t len, uint32_t *found);
bool as_path_has_transit_free(const uint8_t *attrs, size_t len, const struct asn_set *transit_free,
    uint32_t member_asn, uint32_t *found);
bool as_path_has_never_via_rs(const uint8_t *attrs, size_t len, const struct asn_set *never_via,
    uint32_t *found);

/* The AS_PATH as hops for ASPA verification: ASNs left (neighbour) to right
 * (origin) with consecutive duplicates (prepends) collapsed.  Writes at most
 * max ASNs to out and returns how many hops the path has (like snprintf: a
 * result > max means out was too small), or AS_PATH_HAS_SET if the path
 * contains an AS_SET, which ASPA verification treats as Invalid. */
#define AS_PATH_HAS_SET (-1)
long as_path_hops(const uint8_t *attrs, size_t len, uint32_t *out, size_t max);
#endif
