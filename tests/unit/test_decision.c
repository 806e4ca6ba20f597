/* SPDX-License-Identifier: ISC */
/* The decision process, RFC 4271 §9.1.2.2, as a procedure over the set of
 * paths eligible for a receiver: MED is compared only within a neighbour
 * AS, so the result must not depend on the order of the paths, and a path
 * removed for one receiver by export control must not shape the answer
 * that receiver gets (RFC 7947 §2.3.1).  Checked on hand-made cases and
 * against a literal model of the RFC's elimination steps written here. */
#include "testlib.h"

#include <stdbool.h>
#include <stdint.h>

#include "attr.h"
#include "rib.h"
#include "xalloc.h"

#define MAXP 12

static struct decision_peer peers[MAXP];
static uint8_t peer_addr[MAXP][4];

static const struct decision_peer *lookup(uint32_t id, void *arg)
{
	(void)arg;
	return &peers[id];
}

/* Peer `id` with BGP identifier 10.0.0.<bgp_id_low> and address 192.0.2.<10 + id>. */
static void peer_set(uint32_t id, uint32_t asn, uint8_t bgp_id_low)
{
	peer_addr[id][0] = 192;
	peer_addr[id][2] = 2;
	peer_addr[id][3] = (uint8_t)(10 + id);
	peers[id] = (struct decision_peer){ .id = id, .rx.asn = asn, .bgp_id = 0x0a000000u | bgp_id_low,
		.addr = peer_addr[id], .addr_len = 4 };
}

/* An attribute set: neighbour AS, AS_PATH length, ORIGIN, MED (< 0: none). */
static struct attr_set *path_attrs(uint32_t neighbor_as, uint16_t len, uint8_t origin, long med)
{
	struct path_info info = { .origin = origin, .as_path_len = len, .neighbor_as = neighbor_as,
		.has_med = med >= 0, .med = med >= 0 ? (uint32_t)med : 0, .nh_afi = AFI_IPV4 };
	struct attr_set *a = attr_standalone(&info, (const uint8_t *)"", 0);
	a->local_pref = 100;
	return a;
}

/* Export control: every AS but `asn` may receive the path. */
static void exclude_asn(struct attr_set *a, uint32_t asn)
{
	struct export_ctl *ctl = export_ctl_new(1, 0);
	ctl->n_deny = 1;
	ctl->asns[0] = asn;
	attr_set_ctl(a, ctl);
}

static void free_paths(struct path *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		attr_unref(p[i].attrs);
}

/* rib_best's answer as a peer id, -1 for none. */
static int best_peer(const struct path *p, size_t n, const struct decision_peer *receiver)
{
	const struct path *b = rib_best(p, n, receiver, lookup, NULL);
	return b ? (int)b->peer : -1;
}

/* Every order of p[0..n) gives the same answer (n <= 5: all permutations). */
static bool same_in_every_order(const struct path *p, size_t n, const struct decision_peer *receiver,
    int expect)
{
	struct path q[5];
	size_t idx[5];
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (;;) {
		for (size_t i = 0; i < n; i++)
			q[i] = p[idx[i]];
		if (best_peer(q, n, receiver) != expect)
			return false;
		/* next permutation of idx */
		size_t i = n - 1;
		while (i > 0 && idx[i - 1] >= idx[i])
			i--;
		if (i == 0)
			return true;
		size_t j = n - 1;
		while (idx[j] <= idx[i - 1])
			j--;
		size_t t = idx[i - 1]; idx[i - 1] = idx[j]; idx[j] = t;
		for (size_t a = i, b = n - 1; a < b; a++, b--) {
			t = idx[a]; idx[a] = idx[b]; idx[b] = t;
		}
	}
}

/* The case: A (AS 8492, id .5, no MED), B (AS 3549, id .4, MED
 * 13813), C (AS 3549, id .6, MED 2593).  §9.1.2.2 (c) removes B (C has
 * the lower MED in AS 3549); of A and C the lower identifier wins: A.
 * Pairwise, B beats A on the identifier and C beats B on MED. */
TEST(med_is_compared_within_the_neighbour_as_group_not_pairwise_rfc4271_9_1_2_2_c)
{
	peer_set(0, 8492, 5);
	peer_set(1, 3549, 4);
	peer_set(2, 3549, 6);
	struct path p[3] = {
		{ .attrs = path_attrs(8492, 2, 0, -1), .peer = 0 },
		{ .attrs = path_attrs(3549, 2, 0, 13813), .peer = 1 },
		{ .attrs = path_attrs(3549, 2, 0, 2593), .peer = 2 },
	};
	CHECK_EQ_INT(best_peer(p, 3, NULL), 0);
	CHECK(same_in_every_order(p, 3, NULL, 0));
	free_paths(p, 3);
}

/* Two groups each losing paths to MED, and a single-path group: the
 * survivors are B (AS 1, MED 10), E (AS 2, MED 1) and F (AS 3); of these
 * the lowest identifier wins, although A and D have lower ones. */
TEST(each_neighbour_as_group_keeps_its_lowest_med_rfc4271_9_1_2_2_c)
{
	peer_set(0, 1, 1);     /* A: AS 1 MED 20 */
	peer_set(1, 1, 7);     /* B: AS 1 MED 10 */
	peer_set(2, 2, 2);     /* D: AS 2 MED 5  */
	peer_set(3, 2, 6);     /* E: AS 2 MED 1  */
	peer_set(4, 3, 8);     /* F: AS 3 no MED */
	struct path p[5] = {
		{ .attrs = path_attrs(1, 3, 0, 20), .peer = 0 },
		{ .attrs = path_attrs(1, 3, 0, 10), .peer = 1 },
		{ .attrs = path_attrs(2, 3, 0, 5), .peer = 2 },
		{ .attrs = path_attrs(2, 3, 0, 1), .peer = 3 },
		{ .attrs = path_attrs(3, 3, 0, -1), .peer = 4 },
	};
	CHECK_EQ_INT(best_peer(p, 5, NULL), 3);
	CHECK(same_in_every_order(p, 5, NULL, 3));
	free_paths(p, 5);
}

/* A path without MED beats one with MED 5 from the same neighbour AS,
 * even with the higher identifier: a missing MED is the lowest value
 * (RFC 4271 §9.1.2.2 c). */
TEST(missing_med_counts_as_zero_rfc4271_9_1_2_2_c)
{
	peer_set(0, 64999, 9);
	peer_set(1, 64999, 1);
	struct path p[2] = {
		{ .attrs = path_attrs(64999, 1, 0, -1), .peer = 0 },
		{ .attrs = path_attrs(64999, 1, 0, 5), .peer = 1 },
	};
	CHECK_EQ_INT(best_peer(p, 2, NULL), 0);
	CHECK(same_in_every_order(p, 2, NULL, 0));
	free_paths(p, 2);
}

/* MED only decides between paths that tie on (a) AS_PATH length and
 * (b) ORIGIN: a longer path of the same AS with a lower MED loses, and
 * does not remove the shorter one. */
TEST(med_applies_only_among_paths_tied_on_as_path_and_origin_rfc4271_9_1_2_2)
{
	peer_set(0, 100, 3);   /* AS 100, length 2, MED 50 */
	peer_set(1, 100, 1);   /* AS 100, length 3, MED 0 */
	peer_set(2, 200, 2);   /* AS 200, length 2, ORIGIN incomplete */
	struct path p[3] = {
		{ .attrs = path_attrs(100, 2, 0, 50), .peer = 0 },
		{ .attrs = path_attrs(100, 3, 0, 0), .peer = 1 },
		{ .attrs = path_attrs(200, 2, 2, -1), .peer = 2 },
	};
	CHECK_EQ_INT(best_peer(p, 3, NULL), 0);
	CHECK(same_in_every_order(p, 3, NULL, 0));
	free_paths(p, 3);
}

/* LOCAL_PREF (0 for GRACEFUL_SHUTDOWN, RFC 8326 §4) comes before MED: a
 * path of the group in graceful shutdown neither wins nor removes. */
TEST(graceful_shutdown_path_does_not_remove_others_by_med_rfc8326_4)
{
	peer_set(0, 100, 5);   /* AS 100 MED 0, graceful shutdown */
	peer_set(1, 100, 6);   /* AS 100 MED 9 */
	peer_set(2, 300, 7);   /* AS 300 */
	struct path p[3] = {
		{ .attrs = path_attrs(100, 1, 0, 0), .peer = 0 },
		{ .attrs = path_attrs(100, 1, 0, 9), .peer = 1 },
		{ .attrs = path_attrs(300, 1, 0, -1), .peer = 2 },
	};
	p[0].attrs->local_pref = 0;
	CHECK_EQ_INT(best_peer(p, 3, NULL), 1);
	CHECK(same_in_every_order(p, 3, NULL, 1));
	free_paths(p, 3);
}

/* The group procedure runs over the paths eligible for the receiver
 * (path hiding mitigation, RFC 7947 §2.3.1): B (AS 3549, MED 1) is the
 * group's best for everybody, but is excluded for the receiver's AS by
 * export control; for that receiver C is the group's best and wins over A
 * on the identifier, while everybody else gets A. */
TEST(group_losing_its_best_to_export_control_is_judged_without_it_rfc7947_2_3_1)
{
	peer_set(0, 8492, 5);  /* A */
	peer_set(1, 3549, 6);  /* B: MED 1, not to AS 65010 */
	peer_set(2, 3549, 4);  /* C: MED 10 */
	peer_set(3, 65010, 9); /* the receiver R */
	peer_set(4, 65020, 8); /* another receiver */
	struct path p[3] = {
		{ .attrs = path_attrs(8492, 2, 0, -1), .peer = 0 },
		{ .attrs = path_attrs(3549, 2, 0, 1), .peer = 1 },
		{ .attrs = path_attrs(3549, 2, 0, 10), .peer = 2 },
	};
	exclude_asn(p[1].attrs, 65010);
	CHECK_EQ_INT(best_peer(p, 3, &peers[4]), 0);
	CHECK_EQ_INT(best_peer(p, 3, &peers[3]), 2);
	CHECK(same_in_every_order(p, 3, &peers[3], 2));
	CHECK(same_in_every_order(p, 3, &peers[4], 0));
	free_paths(p, 3);
}

/* Lowest BGP identifier, then lowest peer address (§9.1.2.2 f, g). */
TEST(equal_identifiers_fall_to_the_lowest_peer_address_rfc4271_9_1_2_2_g)
{
	peer_set(0, 100, 5);
	peer_set(1, 200, 5);
	struct path p[2] = {
		{ .attrs = path_attrs(100, 1, 0, -1), .peer = 1 },
		{ .attrs = path_attrs(200, 1, 0, -1), .peer = 0 },
	};
	CHECK_EQ_INT(best_peer(p, 2, NULL), 0);     /* 192.0.2.10 < 192.0.2.11 */
	free_paths(p, 2);
}

/* --- against a literal model ------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* §9.1.2.2 step by step: each step removes paths from a candidate set. */
static int model_best(const struct path *p, size_t n, const struct decision_peer *receiver)
{
	bool in[MAXP];
	for (size_t i = 0; i < n; i++)
		in[i] = path_eligible(&p[i], receiver);
	uint32_t best_lp = 0, best_len = UINT32_MAX, best_origin = UINT32_MAX;
	for (size_t i = 0; i < n; i++)
		if (in[i] && p[i].attrs->local_pref > best_lp)
			best_lp = p[i].attrs->local_pref;
	for (size_t i = 0; i < n; i++)
		in[i] = in[i] && p[i].attrs->local_pref == best_lp;
	for (size_t i = 0; i < n; i++)
		if (in[i] && p[i].attrs->info.as_path_len < best_len)
			best_len = p[i].attrs->info.as_path_len;
	for (size_t i = 0; i < n; i++)
		in[i] = in[i] && p[i].attrs->info.as_path_len == best_len;
	for (size_t i = 0; i < n; i++)
		if (in[i] && p[i].attrs->info.origin < best_origin)
			best_origin = p[i].attrs->info.origin;
	for (size_t i = 0; i < n; i++)
		in[i] = in[i] && p[i].attrs->info.origin == best_origin;
	bool keep[MAXP];
	for (size_t i = 0; i < n; i++) {
		keep[i] = in[i];
		for (size_t j = 0; j < n && keep[i]; j++) {
			const struct path_info *a = &p[i].attrs->info, *b = &p[j].attrs->info;
			uint32_t ma = a->has_med ? a->med : 0, mb = b->has_med ? b->med : 0;
			if (in[j] && b->neighbor_as == a->neighbor_as && mb < ma)
				keep[i] = false;
		}
	}
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		const struct decision_peer *x = &peers[p[i].peer];
		const struct decision_peer *y = best >= 0 ? &peers[p[best].peer] : NULL;
		if (!y || x->bgp_id < y->bgp_id ||
		    (x->bgp_id == y->bgp_id && memcmp(x->addr, y->addr, 4) < 0))
			best = (int)i;
	}
	return best >= 0 ? (int)p[best].peer : -1;
}

/* Random path sets: few neighbour ASes (so groups form), MEDs from a
 * small range, equal lengths and origins often, export control now and
 * then; every receiver's answer equals the model's. */
TEST(decision_equals_the_rfc4271_9_1_2_2_model_on_random_path_sets)
{
	int bad = 0;
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + rnd(MAXP - 2);
		uint32_t nas = 1 + rnd(4);
		for (uint32_t id = 0; id < MAXP; id++)
			peer_set(id, 64500 + rnd(nas), (uint8_t)(1 + rnd(250)));
		struct path p[MAXP];
		for (size_t i = 0; i < n; i++) {
			long med = rnd(3) == 0 ? -1 : (long)rnd(4);
			p[i] = (struct path){ .peer = (uint32_t)i,
				.attrs = path_attrs(peers[i].rx.asn, (uint16_t)(1 + rnd(2)), (uint8_t)rnd(2), med) };
			if (rnd(8) == 0)
				p[i].attrs->local_pref = 0;
			if (rnd(6) == 0)
				exclude_asn(p[i].attrs, 64500 + rnd(nas));
			p[i].reject = rnd(10) == 0;
		}
		for (uint32_t r = 0; r < MAXP && bad < 5; r++) {
			const struct decision_peer *receiver = r < n + 1 ? &peers[r] : NULL;
			int got = best_peer(p, n, receiver), want = model_best(p, n, receiver);
			if (got != want && bad++ < 5)
				fprintf(stderr, "  round %d receiver %u: rib_best %d, model %d\n", round, r, got, want);
		}
		free_paths(p, n);
	}
	CHECK_EQ_INT(bad, 0);
}
