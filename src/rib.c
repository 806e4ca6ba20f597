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
	r->nslots = 1 << 16;
	r->slots = xcalloc(r->nslots, sizeof(*r->slots));
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
	free(r->slots);
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

/* The slot holding p, or the empty slot where it would go. */
static size_t probe(const struct rib *r, const struct prefix *p, uint32_t hash)
{
	size_t mask = r->nslots - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		const struct rib_slot *s = &r->slots[i];
		if (s->idx1 == 0)
			return i;
		if (s->hash == hash && same_prefix(&entry_at(r, s->idx1 - 1)->prefix, p))
			return i;
	}
}

static void grow(struct rib *r)
{
	size_t n = r->nslots * 2, mask = n - 1;
	struct rib_slot *ns = xcalloc(n, sizeof(*ns));
	for (size_t i = 0; i < r->nslots; i++) {
		if (r->slots[i].idx1 == 0)
			continue;
		size_t k = r->slots[i].hash & mask;
		while (ns[k].idx1)
			k = (k + 1) & mask;
		ns[k] = r->slots[i];
	}
	free(r->slots);
	r->slots = ns;
	r->nslots = n;
}

void rib_prefetch_slot(const struct rib *r, const struct prefix *p)
{
	__builtin_prefetch(&r->slots[prefix_hash(p) & (r->nslots - 1)]);
}

void rib_prefetch_entry(const struct rib *r, const struct prefix *p)
{
	const struct rib_slot *s = &r->slots[prefix_hash(p) & (r->nslots - 1)];
	if (s->idx1)
		__builtin_prefetch(entry_at(r, s->idx1 - 1));
}

struct rib_entry *rib_lookup(const struct rib *r, const struct prefix *p)
{
	const struct rib_slot *s = &r->slots[probe(r, p, prefix_hash(p))];
	return s->idx1 ? entry_at(r, s->idx1 - 1) : NULL;
}

struct rib_entry *rib_get(struct rib *r, const struct prefix *p)
{
	uint32_t hash = prefix_hash(p);
	size_t i = probe(r, p, hash);
	if (r->slots[i].idx1)
		return entry_at(r, r->slots[i].idx1 - 1);
	/* Linear probing stays short up to 3/4 full. */
	if ((r->count + 1) * 4 > r->nslots * 3) {
		grow(r);
		i = probe(r, p, hash);
	}
	struct rib_entry *re = entry_alloc(r);
	re->prefix = *p;
	re->hash = hash;
	r->slots[i] = (struct rib_slot){ hash, re->idx + 1 };
	r->count++;
	return re;
}

/* Removes slot i, moving later entries of the probe run back so that no
 * lookup stops early at the hole (backward-shift deletion). */
static void slot_delete(struct rib *r, size_t i)
{
	size_t mask = r->nslots - 1;
	for (size_t j = (i + 1) & mask; r->slots[j].idx1; j = (j + 1) & mask) {
		size_t home = r->slots[j].hash & mask;
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (!stays) {
			r->slots[i] = r->slots[j];
			i = j;
		}
	}
	r->slots[i].idx1 = 0;
}

void rib_gc_entry(struct rib *r, struct rib_entry *re)
{
	if (re->npaths || re->in_batch)
		return;
	size_t mask = r->nslots - 1, i = re->hash & mask;
	while (r->slots[i].idx1 != re->idx + 1)
		i = (i + 1) & mask;
	slot_delete(r, i);
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
	return p;
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
	/* Slab order: sequential memory.  Entries freed by fn are skipped;
	 * none is handed out again before the walk ends (fn may not add). */
	for (uint32_t i = 0; i < r->used; i++) {
		struct rib_entry *re = entry_at(r, i);
		if (re->live)
			fn(re, arg);
	}
}

static int asn_order(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

bool export_ctl_allows(const struct export_ctl *ctl, uint32_t asn)
{
	if (!ctl)
		return true;
	/* asns is sorted (policy.c builds it from an ASN set). */
	bool listed = ctl->n && bsearch(&asn, ctl->asns, ctl->n, sizeof(*ctl->asns), asn_order) != NULL;
	return ctl->only_listed ? listed : !listed;
}

bool path_eligible(const struct path *p, const struct decision_peer *receiver)
{
	if (p->reject)
		return false;
	if (!receiver)
		return true;
	if (p->attrs->blackhole && receiver->no_blackhole)
		return false;
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
	return r->nslots * sizeof(*r->slots) + (size_t)r->nslabs * SLAB_SIZE * sizeof(struct rib_entry) +
	    r->npaths * sizeof(struct path);
}
