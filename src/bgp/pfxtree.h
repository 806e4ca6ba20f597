/* SPDX-License-Identifier: ISC */
/* pfxtree: a set of IPv4/IPv6 prefixes, each carrying one pointer value,
 * that answers the questions route filters ask: is this exact prefix in the
 * set, which entries cover (contain) a prefix, which entries lie inside it.
 * Used by the bogon and black lists, the RPKI VRP table and IRR prefix sets.
 *
 * A path-compressed binary trie per address family: lookups cost at most one
 * node per significant bit and touch only nodes on the way down, so "covering"
 * queries for 1M routes against 500k VRPs stay cheap.  Not thread-safe: a
 * tree is either owned by one thread or published read-only. */
#ifndef IXPD_PFXTREE_H
#define IXPD_PFXTREE_H
#include <stdbool.h>
#include <stddef.h>

#include "prefix.h"

struct pfxtree;

struct pfxtree *pfxtree_new(void);
/* Frees the tree; free_val (may be NULL) is called on every stored value
 * that is not NULL. */
void pfxtree_free(struct pfxtree *t, void (*free_val)(void *val));

/* The value slot of prefix p, created (holding NULL) if p is not in the set
 * yet; *created tells which (created may be NULL).  The slot stays valid
 * until p is removed or the tree freed.  NULL only for a prefix no tree can
 * hold (unknown family, length beyond the address); find and the walks treat
 * such a prefix as absent. */
void **pfxtree_insert(struct pfxtree *t, const struct prefix *p, bool *created);
/* The slot of exactly p, or NULL if p is not in the set. */
void **pfxtree_find(const struct pfxtree *t, const struct prefix *p);
/* Removes p; returns its value (NULL if absent or stored NULL). */
void *pfxtree_remove(struct pfxtree *t, const struct prefix *p);
size_t pfxtree_count(const struct pfxtree *t);
/* Trie nodes held, entries and glue: for memory statistics.  At most
 * 2 * count: every glue node joins two subtrees that hold entries. */
size_t pfxtree_nodes(const struct pfxtree *t);

/* Visitor: return 0 to continue, anything else stops the walk and is
 * returned by the walk function. */
typedef int (*pfxtree_visit_fn)(const struct prefix *entry, void *val, void *arg);

/* Every entry equal to or less specific than p (entries whose prefix
 * contains p), shortest first. */
int pfxtree_walk_covering(const struct pfxtree *t, const struct prefix *p,
                          pfxtree_visit_fn fn, void *arg);
/* Every entry equal to or more specific than p (entries inside p), in
 * address order. */
int pfxtree_walk_covered(const struct pfxtree *t, const struct prefix *p,
                         pfxtree_visit_fn fn, void *arg);
/* Every entry, IPv4 first, in address order. */
int pfxtree_walk(const struct pfxtree *t, pfxtree_visit_fn fn, void *arg);

/* Does any entry cover p (p itself included)? */
bool pfxtree_covers(const struct pfxtree *t, const struct prefix *p);
#endif
