#include "attr.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static struct attr_set **table;
static size_t table_size, table_count, table_bytes;

static uint32_t hash_bytes(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static uint32_t attr_hash(const struct path_info *info, const uint8_t *data, size_t len)
{
	uint32_t h = hash_bytes(2166136261u, (const uint8_t *)info, sizeof(*info));
	return hash_bytes(h, data, len);
}

static void grow(void)
{
	size_t nsize = table_size ? table_size * 2 : 1024;
	struct attr_set **nt = xcalloc(nsize, sizeof(*nt));
	for (size_t i = 0; i < table_size; i++)
		for (struct attr_set *a = table[i], *next; a; a = next) {
			next = a->hnext;
			a->hnext = nt[a->hash & (nsize - 1)];
			nt[a->hash & (nsize - 1)] = a;
		}
	free(table);
	table = nt;
	table_size = nsize;
}

struct attr_set *attr_intern(const struct path_info *info, const uint8_t *data, size_t len)
{
	uint32_t h = attr_hash(info, data, len);
	if (table_size) {
		for (struct attr_set *a = table[h & (table_size - 1)]; a; a = a->hnext)
			if (a->hash == h && a->len == len && memcmp(&a->info, info, sizeof(*info)) == 0 &&
			    memcmp(a->data, data, len) == 0)
				return attr_ref(a);
	}
	if (table_count >= table_size)
		grow();
	struct attr_set *a = xcalloc(1, sizeof(*a) + len);
	a->hash = h;
	a->refcnt = 1;
	a->info = *info;
	a->local_pref = 100;
	a->len = (uint32_t)len;
	memcpy(a->data, data, len);
	a->hnext = table[h & (table_size - 1)];
	table[h & (table_size - 1)] = a;
	table_count++;
	table_bytes += sizeof(*a) + len;
	return a;
}

void attr_unref(struct attr_set *a)
{
	if (--a->refcnt > 0)
		return;
	struct attr_set **pp = &table[a->hash & (table_size - 1)];
	while (*pp != a)
		pp = &(*pp)->hnext;
	*pp = a->hnext;
	table_count--;
	table_bytes -= sizeof(*a) + a->len + a->as2_len;
	free(a->ctl);
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
size_t attr_memory(void) { return table_bytes + table_size * sizeof(*table); }
