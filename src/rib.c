#include "rib.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void rib_init(struct rib *r)
{
	memset(r, 0, sizeof(*r));
	r->nbuckets = 1 << 16;
	r->buckets = xcalloc(r->nbuckets, sizeof(*r->buckets));
}

static void free_entry(struct rib_entry *re)
{
	for (uint16_t i = 0; i < re->npaths; i++)
		attr_unref(re->paths[i].attrs);
	free(re->paths);
	free(re);
}

void rib_destroy(struct rib *r)
{
	for (size_t i = 0; i < r->nbuckets; i++)
		for (struct rib_entry *re = r->buckets[i], *next; re; re = next) {
			next = re->hnext;
			free_entry(re);
		}
	free(r->buckets);
	memset(r, 0, sizeof(*r));
}

static void grow(struct rib *r)
{
	size_t n = r->nbuckets * 2;
	struct rib_entry **nb = xcalloc(n, sizeof(*nb));
	for (size_t i = 0; i < r->nbuckets; i++)
		for (struct rib_entry *re = r->buckets[i], *next; re; re = next) {
			next = re->hnext;
			size_t b = prefix_hash(&re->prefix) & (n - 1);
			re->hnext = nb[b];
			nb[b] = re;
		}
	free(r->buckets);
	r->buckets = nb;
	r->nbuckets = n;
}

struct rib_entry *rib_lookup(const struct rib *r, const struct prefix *p)
{
	for (struct rib_entry *re = r->buckets[prefix_hash(p) & (r->nbuckets - 1)]; re; re = re->hnext)
		if (prefix_equal(&re->prefix, p))
			return re;
	return NULL;
}

struct rib_entry *rib_get(struct rib *r, const struct prefix *p)
{
	struct rib_entry *re = rib_lookup(r, p);
	if (re)
		return re;
	if (r->count >= r->nbuckets)
		grow(r);
	re = xcalloc(1, sizeof(*re));
	re->prefix = *p;
	size_t b = prefix_hash(p) & (r->nbuckets - 1);
	re->hnext = r->buckets[b];
	r->buckets[b] = re;
	r->count++;
	return re;
}

void rib_gc_entry(struct rib *r, struct rib_entry *re)
{
	if (re->npaths || re->in_batch)
		return;
	struct rib_entry **pp = &r->buckets[prefix_hash(&re->prefix) & (r->nbuckets - 1)];
	while (*pp != re)
		pp = &(*pp)->hnext;
	*pp = re->hnext;
	r->count--;
	free_entry(re);
}

struct path *rib_find_path(struct rib_entry *re, uint32_t peer)
{
	for (uint16_t i = 0; i < re->npaths; i++)
		if (re->paths[i].peer == peer)
			return &re->paths[i];
	return NULL;
}

void rib_set_path(struct rib *r, struct rib_entry *re, uint32_t peer, struct attr_set *attrs,
    uint16_t reject, uint32_t now)
{
	struct path *p = rib_find_path(re, peer);
	if (p) {
		if (p->attrs == attrs && p->reject == reject && !p->flags)
			return;      /* an unchanged re-announcement keeps its age */
		r->nrejected -= p->reject != 0;
		attr_unref(p->attrs);
	} else {
		/* Keep paths ordered by peer so decisions never depend on arrival order. */
		uint16_t i = 0;
		while (i < re->npaths && re->paths[i].peer < peer)
			i++;
		re->paths = xrealloc(re->paths, (re->npaths + 1u) * sizeof(*re->paths));
		memmove(&re->paths[i + 1], &re->paths[i], (re->npaths - i) * sizeof(*re->paths));
		re->npaths++;
		r->npaths++;
		p = &re->paths[i];
		p->peer = peer;
	}
	p->attrs = attr_ref(attrs);
	p->reject = reject;
	p->flags = 0;
	p->since = now;
	r->nrejected += reject != 0;
}

bool rib_del_path(struct rib *r, struct rib_entry *re, uint32_t peer)
{
	struct path *p = rib_find_path(re, peer);
	if (!p)
		return false;
	r->nrejected -= p->reject != 0;
	attr_unref(p->attrs);
	size_t i = (size_t)(p - re->paths);
	memmove(&re->paths[i], &re->paths[i + 1], (re->npaths - i - 1) * sizeof(*re->paths));
	re->npaths--;
	r->npaths--;
	if (re->npaths == 0) {
		free(re->paths);
		re->paths = NULL;
	}
	return true;
}

void rib_walk(struct rib *r, void (*fn)(struct rib_entry *re, void *arg), void *arg)
{
	for (size_t i = 0; i < r->nbuckets; i++)
		for (struct rib_entry *re = r->buckets[i], *next; re; re = next) {
			next = re->hnext;
			fn(re, arg);
		}
}

bool export_ctl_allows(const struct export_ctl *ctl, uint32_t asn)
{
	if (!ctl)
		return true;
	bool listed = false;
	for (uint16_t i = 0; i < ctl->n && !listed; i++)
		listed = ctl->asns[i] == asn;
	return ctl->only_listed ? listed : !listed;
}

bool path_eligible(const struct path *p, const struct decision_peer *receiver)
{
	if (p->reject)
		return false;
	if (!receiver)
		return true;
	return p->peer != receiver->id && export_ctl_allows(p->attrs->ctl, receiver->asn);
}

int path_compare(const struct path *a, const struct path *b, peer_lookup_fn lookup, void *arg)
{
	const struct attr_set *x = a->attrs, *y = b->attrs;
	if (x->local_pref != y->local_pref)
		return x->local_pref > y->local_pref ? 1 : -1;
	if (x->info.as_path_len != y->info.as_path_len)
		return x->info.as_path_len < y->info.as_path_len ? 1 : -1;
	if (x->info.origin != y->info.origin)
		return x->info.origin < y->info.origin ? 1 : -1;
	/* MED only between routes from the same neighbouring AS; a missing
	 * MED counts as 0 (RFC 4271 §9.1.2.2 c). */
	if (x->info.neighbor_as == y->info.neighbor_as) {
		uint32_t mx = x->info.has_med ? x->info.med : 0, my = y->info.has_med ? y->info.med : 0;
		if (mx != my)
			return mx < my ? 1 : -1;
	}
	/* All paths are external; no IGP cost.  Lowest BGP identifier, then
	 * lowest peer address (§9.1.2.2 f, g). */
	const struct decision_peer *pa = lookup(a->peer, arg), *pb = lookup(b->peer, arg);
	if (pa->bgp_id != pb->bgp_id)
		return pa->bgp_id < pb->bgp_id ? 1 : -1;
	if (pa->addr_len != pb->addr_len)
		return pa->addr_len < pb->addr_len ? 1 : -1;
	int c = memcmp(pa->addr, pb->addr, pa->addr_len);
	return c < 0 ? 1 : c > 0 ? -1 : 0;
}

const struct path *rib_best(const struct path *paths, size_t n, const struct decision_peer *receiver,
    peer_lookup_fn lookup, void *arg)
{
	const struct path *best = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!path_eligible(&paths[i], receiver))
			continue;
		if (!best || path_compare(&paths[i], best, lookup, arg) > 0)
			best = &paths[i];
	}
	return best;
}

size_t rib_memory(const struct rib *r)
{
	return r->nbuckets * sizeof(*r->buckets) + r->count * sizeof(struct rib_entry) +
	    r->npaths * sizeof(struct path);
}
