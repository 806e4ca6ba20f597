/* SPDX-License-Identifier: ISC */
#include "rib.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Entries per slab: 4096 * 40 bytes, large enough that slab bookkeeping
 * never shows, small enough that an IXP with a few prefixes wastes little. */
#define SLAB_SHIFT 12
#define SLAB_SIZE (1u << SLAB_SHIFT)

static struct rib_entry *entry_at(const struct rib *r, uint32_t idx)
{
	return &r->slabs[idx >> SLAB_SHIFT][idx & (SLAB_SIZE - 1)];
}

void rib_init(struct rib *r)
{
	memset(r, 0, sizeof(*r));
	htab_rehash(&r->index, 1 << 16);
}

static void free_paths(struct rib_entry *re)
{
	for (uint16_t i = 0; i < re->npaths; i++)
		attr_unref(re->paths[i].attrs);
	free(re->paths);
	re->paths = NULL;
	re->npaths = 0;
}

void rib_destroy(struct rib *r)
{
	for (uint32_t i = 0; i < r->used; i++)
		if (entry_at(r, i)->live)
			free_paths(entry_at(r, i));
	for (uint32_t s = 0; s < r->nslabs; s++)
		free(r->slabs[s]);
	free(r->slabs);
	htab_free(&r->index);
	memset(r, 0, sizeof(*r));
}

static struct rib_entry *entry_alloc(struct rib *r)
{
	struct rib_entry *re;
	if (r->free_head) {
		re = entry_at(r, r->free_head - 1);
		r->free_head = re->hash;
	} else {
		if (r->used == r->nslabs * SLAB_SIZE) {
			r->slabs = xrealloc(r->slabs, (r->nslabs + 1) * sizeof(*r->slabs));
			r->slabs[r->nslabs++] = xmalloc(SLAB_SIZE * sizeof(struct rib_entry));
		}
		re = entry_at(r, r->used);
		re->idx = r->used++;
	}
	uint32_t idx = re->idx;
	memset(re, 0, sizeof(*re));
	re->idx = idx;
	re->live = 1;
	return re;
}

static void entry_release(struct rib *r, struct rib_entry *re)
{
	free_paths(re);
	re->live = 0;
	re->hash = r->free_head;     /* free list threaded through the hash field */
	r->free_head = re->idx + 1;
}

/* prefix_equal, inlined: this compare runs once per received prefix. */
static bool same_prefix(const struct prefix *a, const struct prefix *b)
{
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a->addr, 8);
	memcpy(&a1, a->addr + 8, 8);
	memcpy(&b0, b->addr, 8);
	memcpy(&b1, b->addr + 8, 8);
	return a->afi == b->afi && a->len == b->len && a0 == b0 && a1 == b1;
}

static bool entry_has_prefix(const void *r, uint32_t idx, const void *p)
{
	return same_prefix(&entry_at(r, idx)->prefix, p);
}

static bool is_entry(const void *r, uint32_t idx, const void *want)
{
	(void)r;
	return idx == *(const uint32_t *)want;
}

void rib_prefetch_slot(const struct rib *r, const struct prefix *p)
{
	htab_prefetch(&r->index, prefix_hash(p));
}

void rib_prefetch_entry(const struct rib *r, const struct prefix *p)
{
	int64_t idx = htab_home(&r->index, prefix_hash(p));
	if (idx >= 0)
		__builtin_prefetch(entry_at(r, (uint32_t)idx));
}

struct rib_entry *rib_lookup(const struct rib *r, const struct prefix *p)
{
	int64_t idx = htab_find(&r->index, prefix_hash(p), entry_has_prefix, r, p);
	return idx >= 0 ? entry_at(r, (uint32_t)idx) : NULL;
}

struct rib_entry *rib_get(struct rib *r, const struct prefix *p)
{
	uint32_t hash = prefix_hash(p);
	int64_t idx = htab_find(&r->index, hash, entry_has_prefix, r, p);
	if (idx >= 0)
		return entry_at(r, (uint32_t)idx);
	struct rib_entry *re = entry_alloc(r);
	re->prefix = *p;
	re->hash = hash;
	htab_insert(&r->index, hash, re->idx, entry_has_prefix, r, p);
	r->count++;
	return re;
}

void rib_gc_entry(struct rib *r, struct rib_entry *re)
{
	if (re->npaths || re->in_batch || re->owed)
		return;
	htab_remove(&r->index, re->hash, is_entry, r, &re->idx);
	r->count--;
	entry_release(r, re);
}

struct path *rib_find_path(struct rib_entry *re, uint32_t peer)
{
	for (uint16_t i = 0; i < re->npaths; i++)
		if (re->paths[i].peer == peer)
			return &re->paths[i];
	return NULL;
}

struct path *rib_set_path(struct rib *r, struct rib_entry *re, uint32_t peer, struct attr_set *attrs,
    uint16_t reject, uint32_t now)
{
	struct path *p = rib_find_path(re, peer);
	if (p) {
		if (p->attrs == attrs && p->reject == reject && !p->flags)
			return p;    /* an unchanged re-announcement keeps its age */
		rib_count_reject(r, p->reject, -1);
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
	rib_count_reject(r, reject, 1);
	return p;
}

bool rib_del_path(struct rib *r, struct rib_entry *re, uint32_t peer)
{
	struct path *p = rib_find_path(re, peer);
	if (!p)
		return false;
	rib_count_reject(r, p->reject, -1);
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

struct rib_entry *rib_entry_at(const struct rib *r, uint32_t idx)
{
	if (idx >= r->used)
		return NULL;
	struct rib_entry *re = entry_at(r, idx);
	return re->live ? re : NULL;
}

void rib_walk(struct rib *r, void (*fn)(struct rib_entry *re, void *arg), void *arg)
{
	/* Slab order: sequential memory.  Entries freed by fn are skipped;
	 * none is handed out again before the walk ends (fn may not add). */
	for (uint32_t i = 0; i < r->used; i++) {
		struct rib_entry *re = entry_at(r, i);
		if (re->live)
			fn(re, arg);
	}
}

bool path_eligible(const struct path *p, const struct decision_peer *receiver)
{
	if (p->reject)
		return false;
	if (!receiver)
		return true;
	if (p->attrs->blackhole && receiver->no_blackhole)
		return false;
	return p->peer != receiver->id && export_ctl_allows(p->attrs->ctl, &receiver->rx);
}

/* The steps that compare any two paths: the degree of preference
 * (LOCAL_PREF, the route server's own: 0 for GRACEFUL_SHUTDOWN, RFC 8326
 * §4), then RFC 4271 §9.1.2.2 (a) AS_PATH length and (b) ORIGIN.  > 0 if
 * a ranks higher. */
static int rank_compare(const struct attr_set *x, const struct attr_set *y)
{
	if (x->local_pref != y->local_pref)
		return x->local_pref > y->local_pref ? 1 : -1;
	if (x->info.as_path_len != y->info.as_path_len)
		return x->info.as_path_len < y->info.as_path_len ? 1 : -1;
	if (x->info.origin != y->info.origin)
		return x->info.origin < y->info.origin ? 1 : -1;
	return 0;
}

/* A missing MED counts as 0, the best (RFC 4271 §9.1.2.2 c). */
static uint32_t med_of(const struct attr_set *a)
{
	return a->info.has_med ? a->info.med : 0;
}

/* §9.1.2.2 (f)-(g): every path is external and has no IGP cost, so what
 * is left is the lowest BGP identifier, then the lowest peer address.
 * > 0 if a wins.  Two paths of one entry never come from one peer. */
static int tiebreak_compare(const struct path *a, const struct path *b, peer_lookup_fn lookup, void *arg)
{
	const struct decision_peer *pa = lookup(a->peer, arg), *pb = lookup(b->peer, arg);
	if (pa->bgp_id != pb->bgp_id)
		return pa->bgp_id < pb->bgp_id ? 1 : -1;
	if (pa->addr_len != pb->addr_len)
		return pa->addr_len < pb->addr_len ? 1 : -1;
	int c = memcmp(pa->addr, pb->addr, pa->addr_len);
	return c < 0 ? 1 : c > 0 ? -1 : 0;
}

/* Is a path of the top rank from w's neighbour AS with a lower MED than
 * w?  Then (c) removes w.  The cheap MED test comes first: most paths
 * fail it and cost one compare. */
static bool med_removes(const struct path *w, const struct path *paths, size_t n,
    const struct decision_peer *receiver)
{
	const struct attr_set *wa = w->attrs;
	uint32_t wmed = med_of(wa);
	for (size_t i = 0; i < n; i++) {
		const struct attr_set *a = paths[i].attrs;
		if (a->info.neighbor_as == wa->info.neighbor_as && med_of(a) < wmed &&
		    path_eligible(&paths[i], receiver) && rank_compare(a, wa) == 0)
			return true;
	}
	return false;
}

static int group_order(const void *x, const void *y)
{
	const struct attr_set *a = (*(const struct path *const *)x)->attrs;
	const struct attr_set *b = (*(const struct path *const *)y)->attrs;
	if (a->info.neighbor_as != b->info.neighbor_as)
		return a->info.neighbor_as < b->info.neighbor_as ? -1 : 1;
	return med_of(a) < med_of(b) ? -1 : med_of(a) > med_of(b);
}

/* (c) proper, for when the tie-break winner loses on MED within its
 * neighbour AS: the top-rank paths sorted by (neighbour AS, MED); the
 * first of each AS run holds its lowest MED and the paths with that MED
 * survive; the tie-break picks among the survivors. */
static const struct path *best_after_med(const struct path *top, const struct path *paths, size_t n,
    const struct decision_peer *receiver, peer_lookup_fn lookup, void *arg)
{
	const struct path *stack[64], **tied = stack;
	if (n > 64)
		tied = xmalloc(n * sizeof(*tied));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (path_eligible(&paths[i], receiver) && rank_compare(paths[i].attrs, top->attrs) == 0)
			tied[k++] = &paths[i];
	qsort(tied, k, sizeof(*tied), group_order);
	const struct path *best = NULL;
	for (size_t i = 0, run = 0; i < k; i++) {
		if (tied[i]->attrs->info.neighbor_as != tied[run]->attrs->info.neighbor_as)
			run = i;
		if (med_of(tied[i]->attrs) == med_of(tied[run]->attrs) &&
		    (!best || tiebreak_compare(tied[i], best, lookup, arg) > 0))
			best = tied[i];
	}
	if (tied != stack)
		free(tied);
	return best;
}

/* RFC 4271 §9.1.2.2 as the procedure it is, not as a pairwise order:
 * MED is compared only within a neighbour AS, so "a beats b" is not
 * transitive and a running maximum would depend on the order of the
 * paths.  One pass finds the top rank (preference, (a), (b)) and, among
 * the paths of that rank, the tie-break winner; when more than one path
 * has the top rank and the winner has a MED above 0, the winner stands
 * unless (c) removes it, which is rare (a member connected twice with
 * different MEDs) and then settled by best_after_med.  The result depends
 * on the set of eligible paths alone.  Cost (bench/micro/rib_best.c,
 * callgrind): 49 instructions for one path, 767 for ten of ten ASes
 * (pairwise comparison: 52 and 808). */
const struct path *rib_best(const struct path *paths, size_t n, const struct decision_peer *receiver,
    peer_lookup_fn lookup, void *arg)
{
	if (n == 1)         /* most prefixes at an exchange: one announcer */
		return path_eligible(paths, receiver) ? paths : NULL;
	size_t i = 0;
	while (i < n && !path_eligible(&paths[i], receiver))
		i++;
	if (i == n)
		return NULL;
	const struct path *best = &paths[i];
	size_t ntop = 1;
	for (i++; i < n; i++) {
		const struct path *p = &paths[i];
		if (!path_eligible(p, receiver))
			continue;
		int c = rank_compare(p->attrs, best->attrs);
		if (c > 0) {
			best = p;
			ntop = 1;
		} else if (c == 0) {
			ntop++;
			if (tiebreak_compare(p, best, lookup, arg) > 0)
				best = p;
		}
	}
	/* a winner without MED (or MED 0) has the lowest MED of its group */
	if (ntop > 1 && med_of(best->attrs) > 0 && med_removes(best, paths, n, receiver))
		return best_after_med(best, paths, n, receiver, lookup, arg);
	return best;
}

size_t rib_memory(const struct rib *r)
{
	return r->index.nslots * sizeof(*r->index.slots) + (size_t)r->nslabs * SLAB_SIZE * sizeof(struct rib_entry) +
	    r->npaths * sizeof(struct path);
}

void rib_count_reject(struct rib *r, uint16_t reject, int delta)
{
	if (!reject)
		return;
	r->nrejected += (size_t)(ssize_t)delta;
	r->rejected_by[reject < RIB_REJECT_KINDS ? reject : RIB_REJECT_KINDS - 1] += (size_t)(ssize_t)delta;
}
