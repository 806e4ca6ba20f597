/* SPDX-License-Identifier: ISC */
/* pfxtree: path-compressed binary trie, one root per address family.
 *
 * Every node holds a full prefix (the bits it stands for), so a lookup
 * compares whole prefixes instead of walking bit by bit, and a visitor can be
 * handed a pointer to the node's prefix without copying.  A node is either an
 * entry (in the set, has_entry) or a glue node created where two entries'
 * paths diverge; a glue node always has two children, which removal keeps
 * true by splicing out nodes that no longer need to exist.  child[b] holds
 * the prefixes whose bit number node->pfx.len is b. */
#include "pfxtree.h"

#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "htab.h"
#include "xalloc.h"

struct node {
	struct prefix pfx;
	bool has_entry;
	uint32_t id;                 /* its place in the chunks: the index's id */
	struct node *child[2];
	void *val;
};

/* Entries are also indexed by prefix in the shared open-addressing index
 * (htab.h; full hash stored, node ids as values): an exact lookup is one or two cache
 * misses instead of one per trie level, and a large tree answers
 * "covering" queries by probing the masked prefix at each length that
 * holds entries (prefetched together) -- what origin validation against
 * 500k VRPs and IRR checks against big AS-SETs do for every route. */
/* Nodes come from chunks, not one malloc each. */
#define NODE_CHUNK 1024

struct pfxtree {
	struct node *root[2];       /* [0] IPv4, [1] IPv6 */
	size_t count;               /* entries */
	size_t nodes;               /* entries and glue */
	struct htab index;           /* entries by prefix */
	uint32_t lens[2][129];      /* entries per family and length */
	struct node **chunks;
	size_t nchunks, chunk_used;
	struct node *free_nodes;    /* linked through child[0] */
};

/* Above this many entries covering queries use the hash index. */
#define HASH_WALK_MIN 1024

/* Index into root[], or -1 for a prefix that cannot be in any tree: callers
 * get "not found" instead of bits read beyond the address. */
static int family_index(const struct prefix *p)
{
	if (p->afi != AFI_IPV4 && p->afi != AFI_IPV6)
		return -1;
	return p->len <= afi_max_prefix_len(p->afi) ? p->afi == AFI_IPV6 : -1;
}

static unsigned addr_bit(const uint8_t *addr, unsigned i)
{
	return (addr[i / 8] >> (7 - i % 8)) & 1;
}

/* Number of leading bits a and b share, at most max. */
static unsigned common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i = 0;
	while (i < max && a[i / 8] == b[i / 8])
		i += 8;
	if (i >= max)
		return max;
	unsigned diff = (unsigned)(a[i / 8] ^ b[i / 8]);
	while (!(diff & 0x80)) {
		diff <<= 1;
		i++;
	}
	return i < max ? i : max;
}

/* Does node n's prefix contain p (p itself included)? */
static bool node_covers(const struct node *n, const struct prefix *p)
{
	return n->pfx.len <= p->len && common_bits(n->pfx.addr, p->addr, n->pfx.len) == n->pfx.len;
}

static struct node *node_alloc(struct pfxtree *t)
{
	struct node *n = t->free_nodes;
	if (n) {
		t->free_nodes = n->child[0];
	} else {
		if (t->nchunks == 0 || t->chunk_used == NODE_CHUNK) {
			t->chunks = xrealloc(t->chunks, (t->nchunks + 1) * sizeof(*t->chunks));
			t->chunks[t->nchunks++] = xmalloc(NODE_CHUNK * sizeof(struct node));
			t->chunk_used = 0;
		}
		n = &t->chunks[t->nchunks - 1][t->chunk_used];
		n->id = (uint32_t)((t->nchunks - 1) * NODE_CHUNK + t->chunk_used++);
	}
	uint32_t id = n->id;
	memset(n, 0, sizeof(*n));
	n->id = id;
	return n;
}

static void node_release(struct pfxtree *t, struct node *n)
{
	n->child[0] = t->free_nodes;
	t->free_nodes = n;
	t->nodes--;
}

static struct node *node_new(struct pfxtree *t, const struct prefix *p, unsigned len)
{
	struct node *n = node_alloc(t);
	t->nodes++;
	n->pfx = *p;
	prefix_truncate(&n->pfx, len);  /* glue nodes are cut from a longer prefix */
	return n;
}

struct pfxtree *pfxtree_new(void)
{
	return xcalloc(1, sizeof(struct pfxtree));
}

static void free_values(struct node *n, void (*free_val)(void *val))
{
	for (; n != NULL; n = n->child[1]) {
		free_values(n->child[0], free_val);
		if (n->has_entry && n->val)
			free_val(n->val);
	}
}

void pfxtree_free(struct pfxtree *t, void (*free_val)(void *val))
{
	if (t == NULL)
		return;
	if (free_val) {
		free_values(t->root[0], free_val);
		free_values(t->root[1], free_val);
	}
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	htab_free(&t->index);
	free(t);
}

/* --- the entry index ------------------------------------------------------ */

static struct node *node_at(const struct pfxtree *t, uint32_t id)
{
	return &t->chunks[id / NODE_CHUNK][id % NODE_CHUNK];
}

static bool node_has_prefix(const void *t, uint32_t id, const void *p)
{
	return prefix_equal(&node_at(t, id)->pfx, p);
}

static void index_add(struct pfxtree *t, struct node *n)
{
	htab_insert(&t->index, prefix_hash(&n->pfx), n->id, node_has_prefix, t, &n->pfx);
	t->lens[n->pfx.afi == AFI_IPV6][n->pfx.len]++;
}

static void index_del(struct pfxtree *t, struct node *n)
{
	htab_remove(&t->index, prefix_hash(&n->pfx), node_has_prefix, t, &n->pfx);
	t->lens[n->pfx.afi == AFI_IPV6][n->pfx.len]--;
}

static struct node *index_lookup(const struct pfxtree *t, const struct prefix *p, uint32_t hash)
{
	int64_t id = htab_find(&t->index, hash, node_has_prefix, t, p);
	return id >= 0 ? node_at(t, (uint32_t)id) : NULL;
}

static struct node *index_find(const struct pfxtree *t, const struct prefix *p)
{
	return index_lookup(t, p, prefix_hash(p));
}

/* Covering entries through the index, shortest first: the slots of every
 * length that holds entries are prefetched first, so their cache misses
 * overlap. */
static int index_walk_covering(const struct pfxtree *t, const struct prefix *p, int fam,
    pfxtree_visit_fn fn, void *arg)
{
	struct prefix cut[129];
	uint32_t hash[129];
	unsigned n = 0;
	for (unsigned len = 0; len <= p->len; len++) {
		if (!t->lens[fam][len])
			continue;
		cut[n] = *p;
		prefix_truncate(&cut[n], len);
		hash[n] = prefix_hash(&cut[n]);
		htab_prefetch(&t->index, hash[n]);
		n++;
	}
	for (unsigned i = 0; i < n; i++) {
		const struct node *e = index_lookup(t, &cut[i], hash[i]);
		int r;
		if (e && (r = fn(&e->pfx, e->val, arg)) != 0)
			return r;
	}
	return 0;
}

/* Makes n an entry, counting it if it was not one. */
static void **claim_entry(struct pfxtree *t, struct node *n, bool *created)
{
	bool was = n->has_entry;
	if (!was) {
		index_add(t, n);
		n->has_entry = true;
		t->count++;
	}
	if (created)
		*created = !was;
	return &n->val;
}

void **pfxtree_insert(struct pfxtree *t, const struct prefix *p, bool *created)
{
	int fam = family_index(p);
	if (fam < 0)
		return NULL;
	struct node **link = &t->root[fam];
	struct node *n;

	while ((n = *link) != NULL) {
		unsigned short_len = n->pfx.len < p->len ? n->pfx.len : p->len;
		unsigned c = common_bits(n->pfx.addr, p->addr, short_len);
		if (c == n->pfx.len && c == p->len)
			return claim_entry(t, n, created);
		if (c == n->pfx.len) {          /* n covers p: go down */
			link = &n->child[addr_bit(p->addr, c)];
			continue;
		}
		/* p and n part ways at bit c (or p covers n): a new node there,
		 * n below it, and p either that node or its other child. */
		struct node *up = node_new(t, p, c);
		up->child[addr_bit(n->pfx.addr, c)] = n;
		*link = up;
		if (c == p->len)
			return claim_entry(t, up, created);
		n = node_new(t, p, p->len);
		up->child[addr_bit(p->addr, c)] = n;
		return claim_entry(t, n, created);
	}
	n = node_new(t, p, p->len);
	*link = n;
	return claim_entry(t, n, created);
}

/* The node standing for exactly p (entry or glue), and the links that lead to
 * it and to its parent, for removal. */
static struct node *locate(const struct pfxtree *t, const struct prefix *p,
    struct node *const **link_out, struct node *const **parent_link_out)
{
	int fam = family_index(p);
	if (fam < 0)
		return NULL;
	struct node *const *link = &t->root[fam], *const *parent_link = NULL;
	struct node *n;

	while ((n = *link) != NULL && node_covers(n, p)) {
		if (n->pfx.len == p->len) {
			if (link_out) {
				*link_out = link;
				*parent_link_out = parent_link;
			}
			return n;
		}
		parent_link = link;
		link = &n->child[addr_bit(p->addr, n->pfx.len)];
	}
	return NULL;
}

void **pfxtree_find(const struct pfxtree *t, const struct prefix *p)
{
	if (family_index(p) < 0)
		return NULL;
	struct node *n = index_find(t, p);
	return n ? &n->val : NULL;
}

/* Replaces a node that has at most one child by that child. */
static void splice_out(struct pfxtree *t, struct node **link)
{
	struct node *n = *link;
	*link = n->child[0] ? n->child[0] : n->child[1];
	node_release(t, n);
}

void *pfxtree_remove(struct pfxtree *t, const struct prefix *p)
{
	struct node *const *clink, *const *cparent_link;
	struct node *n = locate(t, p, &clink, &cparent_link);
	if (n == NULL || !n->has_entry)
		return NULL;
	/* locate() hands out const links so find can share it; t is ours. */
	struct node **link = (struct node **)clink, **parent_link = (struct node **)cparent_link;
	void *val = n->val;

	index_del(t, n);
	n->has_entry = false;
	n->val = NULL;
	t->count--;
	if (n->child[0] && n->child[1])
		return val;                     /* still a branch point: stays as glue */
	bool was_leaf = !n->child[0] && !n->child[1];
	splice_out(t, link);
	/* A glue parent that lost a leaf has one child left: it goes too. */
	if (was_leaf && parent_link && !(*parent_link)->has_entry)
		splice_out(t, parent_link);
	return val;
}

size_t pfxtree_count(const struct pfxtree *t)
{
	return t->count;
}

size_t pfxtree_nodes(const struct pfxtree *t)
{
	return t->nodes;
}

int pfxtree_walk_covering(const struct pfxtree *t, const struct prefix *p,
    pfxtree_visit_fn fn, void *arg)
{
	int fam = family_index(p);
	if (fam < 0)
		return 0;
	if (t->count >= HASH_WALK_MIN)
		return index_walk_covering(t, p, fam, fn, arg);
	const struct node *n = t->root[fam];

	while (n != NULL && node_covers(n, p)) {
		if (n->has_entry) {
			int r = fn(&n->pfx, n->val, arg);
			if (r)
				return r;
		}
		if (n->pfx.len == p->len)
			break;
		n = n->child[addr_bit(p->addr, n->pfx.len)];
	}
	return 0;
}

/* Pre-order is address order: a node's address has zeros beyond its length,
 * so it sorts before (or, shorter, ties ahead of) everything below it, and
 * child[0]'s addresses all sort before child[1]'s. */
static int walk_subtree(const struct node *n, pfxtree_visit_fn fn, void *arg)
{
	int r = 0;
	if (n == NULL)
		return 0;
	if (n->has_entry && (r = fn(&n->pfx, n->val, arg)) != 0)
		return r;
	if ((r = walk_subtree(n->child[0], fn, arg)) != 0)
		return r;
	return walk_subtree(n->child[1], fn, arg);
}

int pfxtree_walk_covered(const struct pfxtree *t, const struct prefix *p,
    pfxtree_visit_fn fn, void *arg)
{
	int fam = family_index(p);
	if (fam < 0)
		return 0;
	const struct node *n = t->root[fam];

	/* Go down while the node is shorter than p; the first node at least as
	 * long as p is the root of everything inside p, if it lies in p. */
	while (n != NULL && n->pfx.len < p->len) {
		if (!node_covers(n, p))
			return 0;
		n = n->child[addr_bit(p->addr, n->pfx.len)];
	}
	if (n == NULL || common_bits(n->pfx.addr, p->addr, p->len) != p->len)
		return 0;
	return walk_subtree(n, fn, arg);
}

int pfxtree_walk(const struct pfxtree *t, pfxtree_visit_fn fn, void *arg)
{
	int r = walk_subtree(t->root[0], fn, arg);
	return r ? r : walk_subtree(t->root[1], fn, arg);
}

static int stop_at_first(const struct prefix *entry, void *val, void *arg)
{
	return 1;
}

bool pfxtree_covers(const struct pfxtree *t, const struct prefix *p)
{
	return pfxtree_walk_covering(t, p, stop_at_first, NULL) != 0;
}
