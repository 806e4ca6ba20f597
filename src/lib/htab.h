/* SPDX-License-Identifier: ISC */
/* htab: the open-addressing index every keyed table of the daemon uses
 * (RIB entries, prefix-trie entries, AS-SETs): 8-byte slots of (32-bit
 * hash, id + 1), linear probing, backward-shift deletion, doubled at 3/4
 * full.  A lookup reads a dense array and looks at a key only when the
 * full hash matches.  What an id stands for is the owner's business: a
 * probe takes a callback saying whether id's key is the one looked for.
 * The hash comes from hash.h (keyed).  Not thread-safe: one owner. */
#ifndef IXPD_HTAB_H
#define IXPD_HTAB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

struct htab_slot {
	uint32_t hash;
	uint32_t id1;                /* id + 1; 0 = empty */
};

struct htab {
	struct htab_slot *slots;
	size_t nslots;               /* a power of two, 0 before the first insert */
	size_t count;
};

/* Does the key of id equal key? */
typedef bool (*htab_match_fn)(const void *owner, uint32_t id, const void *key);

/* The slot holding key, or the empty slot where it belongs (nslots > 0). */
static inline size_t htab_probe(const struct htab *t, uint32_t hash, htab_match_fn match, const void *owner,
    const void *key)
{
	size_t mask = t->nslots - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		const struct htab_slot *s = &t->slots[i];
		if (!s->id1 || (s->hash == hash && match(owner, s->id1 - 1, key)))
			return i;
	}
}

/* key's id, or -1. */
static inline int64_t htab_find(const struct htab *t, uint32_t hash, htab_match_fn match, const void *owner,
    const void *key)
{
	if (!t->nslots)
		return -1;
	uint32_t id1 = t->slots[htab_probe(t, hash, match, owner, key)].id1;
	return id1 ? (int64_t)id1 - 1 : -1;
}

/* A hint that key is about to be looked up. */
static inline void htab_prefetch(const struct htab *t, uint32_t hash)
{
	if (t->nslots)
		__builtin_prefetch(&t->slots[hash & (t->nslots - 1)]);
}

/* The id in hash's home slot (the likely answer), or -1: lets a caller
 * prefetch what it points to. */
static inline int64_t htab_home(const struct htab *t, uint32_t hash)
{
	if (!t->nslots)
		return -1;
	uint32_t id1 = t->slots[hash & (t->nslots - 1)].id1;
	return id1 ? (int64_t)id1 - 1 : -1;
}

static inline void htab_rehash(struct htab *t, size_t n)
{
	size_t mask = n - 1;
	struct htab_slot *ns = xcalloc(n, sizeof(*ns));
	for (size_t i = 0; i < t->nslots; i++) {
		if (!t->slots[i].id1)
			continue;
		size_t k = t->slots[i].hash & mask;
		while (ns[k].id1)
			k = (k + 1) & mask;
		ns[k] = t->slots[i];
	}
	free(t->slots);
	t->slots = ns;
	t->nslots = n;
}

/* Inserts id under hash, where key is known to be absent. */
static inline void htab_insert(struct htab *t, uint32_t hash, uint32_t id, htab_match_fn match,
    const void *owner, const void *key)
{
	/* linear probing stays short up to 3/4 full */
	if ((t->count + 1) * 4 > t->nslots * 3)
		htab_rehash(t, t->nslots ? t->nslots * 2 : 64);
	t->slots[htab_probe(t, hash, match, owner, key)] = (struct htab_slot){ hash, id + 1 };
	t->count++;
}

/* Removes the slot holding key (which must be there), moving later
 * slots of its probe run back so that no lookup stops early at the hole. */
static inline void htab_remove(struct htab *t, uint32_t hash, htab_match_fn match, const void *owner,
    const void *key)
{
	size_t mask = t->nslots - 1, i = htab_probe(t, hash, match, owner, key);
	for (size_t j = (i + 1) & mask; t->slots[j].id1; j = (j + 1) & mask) {
		size_t home = t->slots[j].hash & mask;
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (!stays) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].id1 = 0;
	t->count--;
}

static inline void htab_free(struct htab *t)
{
	free(t->slots);
	*t = (struct htab){ 0 };
}
#endif
