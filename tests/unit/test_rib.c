/* SPDX-License-Identifier: ISC */
/* The prefix table: open addressing with backward-shift deletion and slab
 * entries must behave exactly like a set, through growth and churn. */
#include "hash.h"
#include "prefix.h"
#include "testlib.h"

#include "rib.h"

static struct prefix nth_prefix(uint32_t n)
{
	struct prefix p = { .afi = AFI_IPV4, .len = 24 };
	uint32_t a = (n * 2654435761u) & 0xffffff00u;   /* scattered, distinct /24s for n < 2^24 */
	p.addr[0] = (uint8_t)(a >> 24);
	p.addr[1] = (uint8_t)(a >> 16);
	p.addr[2] = (uint8_t)(a >> 8);
	return p;
}

TEST(table_is_a_set_through_growth_and_deletions)
{
	enum { N = 300000 };
	static bool present[N];
	struct rib r;
	rib_init(&r);
	uint32_t seed = 12345;
	size_t expected = 0;
	for (int step = 0; step < 4 * N; step++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t n = (seed >> 8) % N;
		struct prefix p = nth_prefix(n);
		if (!present[n]) {
			struct rib_entry *re = rib_get(&r, &p);
			CHECK(re && prefix_equal(&re->prefix, &p));
			present[n] = true;
			expected++;
		} else {
			struct rib_entry *re = rib_lookup(&r, &p);
			CHECK(re != NULL);
			if (re)
				rib_gc_entry(&r, re);     /* no paths: freed */
			present[n] = false;
			expected--;
		}
	}
	CHECK_EQ_INT(r.count, expected);
	size_t found = 0;
	for (uint32_t n = 0; n < N; n++) {
		struct prefix p = nth_prefix(n);
		struct rib_entry *re = rib_lookup(&r, &p);
		CHECK((re != NULL) == present[n]);
		found += re != NULL;
	}
	CHECK_EQ_INT(found, expected);
	rib_destroy(&r);
}

static void count_entry(struct rib_entry *re, void *arg)
{
	(void)re;
	++*(size_t *)arg;
}

TEST(walk_visits_live_entries_once_and_freed_slots_are_reused)
{
	struct rib r;
	rib_init(&r);
	for (uint32_t n = 0; n < 10000; n++) {
		struct prefix p = nth_prefix(n);
		rib_get(&r, &p);
	}
	for (uint32_t n = 0; n < 10000; n += 2) {
		struct prefix p = nth_prefix(n);
		rib_gc_entry(&r, rib_lookup(&r, &p));
	}
	size_t walked = 0;
	rib_walk(&r, count_entry, &walked);
	CHECK_EQ_INT(walked, 5000);
	uint32_t used = r.used;
	for (uint32_t n = 0; n < 10000; n += 2) {
		struct prefix p = nth_prefix(n);
		rib_get(&r, &p);
	}
	CHECK_EQ_INT(r.used, used);           /* no new slab slots: free list */
	walked = 0;
	rib_walk(&r, count_entry, &walked);
	CHECK_EQ_INT(walked, 10000);
	rib_destroy(&r);
}

/* Members choose the RIB's keys: the table's hash must be keyed by a seed
 * they cannot know, so that no set of prefixes collides under every seed
 * (an unkeyed hash with linear probing can be flooded). */
TEST(prefix_hash_is_keyed_by_the_seed_drawn_at_start)
{
	struct prefix p;
	prefix_parse("45.65.0.0/22", &p);
	uint64_t saved = hash_seed;
	uint32_t a = prefix_hash(&p);
	hash_seed_init();
	uint32_t b = prefix_hash(&p);
	hash_seed ^= 1;
	uint32_t c = prefix_hash(&p);
	hash_seed = saved;
	CHECK(a != b && b != c && a == prefix_hash(&p));
}
