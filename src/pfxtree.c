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
#include "xalloc.h"

struct node {
	struct prefix pfx;
	bool has_entry;
	struct node *child[2];
	void *val;
};

struct pfxtree {
	struct node *root[2];       /* [0] IPv4, [1] IPv6 */
	size_t count;               /* entries */
	size_t nodes;               /* entries and glue */
};

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

static struct node *node_new(struct pfxtree *t, const struct prefix *p, unsigned len)
{
	struct node *n = xcalloc(1, sizeof(*n));
	t->nodes++;
	n->pfx = *p;
	n->pfx.len = (uint8_t)len;
	/* Clear the bits beyond len: glue nodes are cut from a longer prefix. */
	unsigned full = len / 8, rem = len % 8;
	if (rem)
		n->pfx.addr[full++] &= (uint8_t)(0xff << (8 - rem));
	memset(n->pfx.addr + full, 0, sizeof(n->pfx.addr) - full);
	return n;
}

struct pfxtree *pfxtree_new(void)
{
	return xcalloc(1, sizeof(struct pfxtree));
}

static void free_subtree(struct node *n, void (*free_val)(void *val))
{
	if (n == NULL)
		return;
	free_subtree(n->child[0], free_val);
	free_subtree(n->child[1], free_val);
	if (n->has_entry && n->val && free_val)
		free_val(n->val);
	free(n);
}

void pfxtree_free(struct pfxtree *t, void (*free_val)(void *val))
{
	if (t == NULL)
		return;
	free_subtree(t->root[0], free_val);
	free_subtree(t->root[1], free_val);
	free(t);
}

/* Makes n an entry, counting it if it was not one. */
static void **claim_entry(struct pfxtree *t, struct node *n, bool *created)
{
	bool was = n->has_entry;
	if (!was) {
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
	struct node *n = locate(t, p, NULL, NULL);
	return n && n->has_entry ? &n->val : NULL;
}

/* Replaces a node that has at most one child by that child. */
static void splice_out(struct pfxtree *t, struct node **link)
{
	struct node *n = *link;
	*link = n->child[0] ? n->child[0] : n->child[1];
	free(n);
	t->nodes--;
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
