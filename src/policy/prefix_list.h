/* SPDX-License-Identifier: ISC */
/* prefix_list: an arouteserver prefix list (global_black_list_pref,
 * black_list_pref, white_list_pref, white_list_route, bogons) compiled into
 * a matcher.
 *
 * An entry is prefix/length and matches a route's prefix p as arouteserver
 * means it (general.yml and clients.yml comments, its prefix-list
 * validator):
 *   - exact: true      p is that very prefix;
 *   - otherwise        p lies inside prefix/length and its length is within
 *                      ge..le, where an unset bound (0) means length (ge)
 *                      or 32/128 (le): "inclusive of more specifics";
 *   - asn (white_list_route only)  the route's origin AS must be asn;
 *                      0 = any origin.
 * Bits of the entry's address beyond its length are ignored (192.0.2.1/24
 * is 192.0.2.0/24).  The loader has already checked length, ge, le and exact
 * against each other.
 *
 * Lookups walk a pfxtree of the entries' prefixes (only the entries that
 * cover p are looked at), so lists of thousands of entries cost as much as
 * short ones.  The compiled list copies what it needs: it does not refer to
 * the configuration it came from, which may be freed on reload.  Read-only
 * after compile, so one list can be shared between threads. */
#ifndef IXPD_PREFIX_LIST_H
#define IXPD_PREFIX_LIST_H
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "prefix.h"

struct prefix_list;

/* NULL for an empty list (which every function here takes). */
struct prefix_list *prefix_list_compile(const struct cfg_prefix_list *l);
void prefix_list_free(struct prefix_list *pl);

/* The first entry, in list order, that matches p with that origin AS (the
 * origin matters only for entries with an asn), or NULL.  The entry is the
 * compiled list's copy (same fields and comment as the configured one),
 * valid until the list is freed.  pl NULL is an empty list. */
const struct cfg_prefix *prefix_list_match(const struct prefix_list *pl,
                                           const struct prefix *p, uint32_t origin_as);
/* Entries in the list (those with an invalid prefix are left out). */
int prefix_list_count(const struct prefix_list *pl);

/* The prefix an entry stands for (host bits cleared); -1 if its address
 * family or length is not a valid prefix. */
int prefix_list_entry_prefix(const struct cfg_prefix *e, struct prefix *out);
#endif
