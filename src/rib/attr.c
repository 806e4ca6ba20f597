/* SPDX-License-Identifier: ISC */
#include "attr.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "htab.h"
#include "u32set.h"
#include "xalloc.h"

/* The intern table: sets by id, found by content through the shared
 * index (a keyed hash: the content is chosen by members). */
static struct htab intern_index;
static struct attr_set **by_id;
static uint32_t nids, ids_cap;
static uint32_t *free_ids;       /* ids of freed sets, reused first */
static uint32_t nfree, free_cap;
static size_t table_count, table_bytes;

struct content {
	const struct path_info *info;
	const uint8_t *data;
	size_t len;
};

static bool has_content(const void *owner, uint32_t id, const void *key)
{
	(void)owner;
	const struct attr_set *a = by_id[id];
	const struct content *c = key;
	return a->len == c->len && memcmp(&a->info, c->info, sizeof(*c->info)) == 0 &&
	    memcmp(a->data, c->data, c->len) == 0;
}

static bool is_id(const void *owner, uint32_t id, const void *key)
{
	(void)owner;
	return id == *(const uint32_t *)key;
}

static uint32_t attr_hash(const struct path_info *info, const uint8_t *data, size_t len)
{
	uint64_t h = hash_bytes(hash_seed, info, sizeof(*info));
	return (uint32_t)hash_bytes(h, data, len);
}

static struct attr_set *set_new(const struct path_info *info, const uint8_t *data, size_t len)
{
	struct attr_set *a = xcalloc(1, sizeof(*a) + len);
	a->refcnt = 1;
	a->info = *info;
	a->local_pref = 100;
	a->len = (uint32_t)len;
	memcpy(a->data, data, len);
	table_bytes += sizeof(*a) + len;
	return a;
}

struct attr_set *attr_intern(const struct path_info *info, const uint8_t *data, size_t len)
{
	uint32_t h = attr_hash(info, data, len);
	struct content key = { info, data, len };
	int64_t found = htab_find(&intern_index, h, has_content, NULL, &key);
	if (found >= 0)
		return attr_ref(by_id[found]);
	struct attr_set *a = set_new(info, data, len);
	a->interned = true;
	a->hash = h;
	if (nfree) {
		a->id = free_ids[--nfree];
	} else {
		XGROW(by_id, nids, ids_cap, 1024);
		a->id = nids++;
	}
	by_id[a->id] = a;
	htab_insert(&intern_index, h, a->id, has_content, NULL, &key);
	table_count++;
	return a;
}

struct attr_set *attr_derived_find(struct attr_set *origin, uint32_t tags, uint32_t gen, uint32_t owner)
{
	for (struct attr_set *d = origin->children; d; d = d->sibling)
		if (d->tags == tags && d->gen == gen && d->owner == owner)
			return attr_ref(d);
	return NULL;
}

struct attr_set *attr_derive(struct attr_set *origin, uint32_t tags, uint32_t gen, uint32_t owner,
    const struct path_info *info, const uint8_t *data, size_t len)
{
	struct attr_set *d = set_new(info, data, len);
	d->origin = attr_ref(origin);
	d->tags = tags;
	d->gen = gen;
	d->owner = owner;
	d->sibling = origin->children;
	origin->children = d;
	return d;
}

struct attr_set *attr_standalone(const struct path_info *info, const uint8_t *data, size_t len)
{
	return set_new(info, data, len);
}

struct export_ctl *export_ctl_new(uint16_t n_deny, uint16_t n_allow)
{
	struct export_ctl *c = xcalloc(1, sizeof(*c) + ((size_t)n_deny + n_allow) * sizeof(uint32_t));
	c->deny_rtt_above = c->allow_rtt_above = UINT32_MAX;
	return c;
}

void export_ctl_free(struct export_ctl *ctl)
{
	if (!ctl)
		return;
	for (unsigned i = 0; i < EXPORT_VARIANTS; i++)
		if (ctl->variants[i])
			attr_unref(ctl->variants[i]);
	free(ctl->acts);
	free(ctl->rtt_prepend);
	free(ctl->deny_sites);
	free(ctl->site_prepend);
	free(ctl);
}

enum export_verdict export_ctl_verdict(const struct export_ctl *ctl, const struct export_receiver *r)
{
	if (ctl->well_known)
		return EXPORT_WELL_KNOWN;
	/* each part of asns is sorted (export_ctl.c builds them from ASN sets) */
	if (u32_contains(ctl->asns, ctl->n_deny, r->asn))
		return EXPORT_DENIED_AS;
	if (r->site && u32_contains(ctl->deny_sites, ctl->n_deny_sites, r->site))
		return EXPORT_DENIED_SITE;
	if (u32_contains(ctl->asns + ctl->n_deny, ctl->n_allow, r->asn))
		return EXPORT_ALLOWED;
	if (ctl->own_site && r->site && r->site != ctl->own_site)
		return EXPORT_DENIED_SITE;
	if (r->rtt_ms) {
		if (r->rtt_ms > ctl->deny_rtt_above || r->rtt_ms <= ctl->deny_rtt_upto)
			return EXPORT_DENIED_RTT;
		if (r->rtt_ms > ctl->allow_rtt_above || r->rtt_ms <= ctl->allow_rtt_upto)
			return EXPORT_ALLOWED;
	}
	return ctl->none ? EXPORT_NOT_LISTED : EXPORT_ALLOWED;
}

void attr_set_ctl(struct attr_set *a, struct export_ctl *ctl)
{
	export_ctl_free(a->ctl);
	a->ctl = ctl;
}

void attr_unref(struct attr_set *a)
{
	if (a->refcnt == 0)
		fatalx("attr_unref: attribute set %p has no reference left", (void *)a);
	if (--a->refcnt > 0)
		return;
	if (a->origin) {
		struct attr_set **pp = &a->origin->children;
		while (*pp != a)
			pp = &(*pp)->sibling;
		*pp = a->sibling;
		attr_unref(a->origin);
	} else if (a->interned) {
		htab_remove(&intern_index, a->hash, is_id, NULL, &a->id);
		by_id[a->id] = NULL;
		XGROW(free_ids, nfree, free_cap, 1024);
		free_ids[nfree++] = a->id;
		table_count--;
	}
	table_bytes -= sizeof(*a) + a->len + a->as2_len;
	export_ctl_free(a->ctl);
	free(a->as2);
	free(a);
}

const uint8_t *attr_as2(struct attr_set *a, size_t *len)
{
	if (a->as2 == NULL) {
		struct wbuf w = { 0 };
		attrs_to_as2(a->data, a->len, &w);
		a->as2 = w.data ? w.data : xmalloc(1);
		a->as2_len = (uint32_t)w.len;
		table_bytes += w.len;
	}
	*len = a->as2_len;
	return a->as2;
}

size_t attr_count(void) { return table_count; }
size_t attr_memory(void)
{
	return table_bytes + intern_index.nslots * sizeof(*intern_index.slots) +
	    ids_cap * sizeof(*by_id) + free_cap * sizeof(*free_ids);
}
