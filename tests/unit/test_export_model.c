/* SPDX-License-Identifier: ISC */
/* Model check of export: random announcements and withdrawals from
 * several members, some with "do not announce to" / "only to" communities,
 * exported in batches of random size.  Members come in pairs of one AS
 * (one network connected twice) sending random MEDs, so the decision's
 * MED step within a neighbour AS (RFC 4271 §9.1.2.2 c) is exercised.  After every batch, what each member
 * has received (the UPDATEs addressed to it, applied in order) must equal,
 * for every prefix, its best eligible path in the RIB.  This checks the
 * grouping by exception set, the shared encodings and the personal
 * results against the plain definition. */
#include "testlib.h"

#include <arpa/inet.h>

#include "policy.h"
#include "rde.h"
#include "policy_fixture.h"

#define NPEERS 6
#define NPREFIX 12

static struct rde *rde;
static struct ipc_queue to_se;
static struct prefix pool[NPREFIX];

/* What a member holds for each prefix of the pool. */
struct held { bool present; uint32_t neighbor_as; uint8_t nh; uint32_t attrs_hash; };
static int redundant;      /* announcements repeating what is held, withdrawals of nothing */

static uint32_t hash_attrs(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}
static struct held model[NPEERS][NPREFIX];

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Members 2k and 2k+1 share an AS. */
static uint32_t member_asn(uint32_t id)
{
	return 52001 + id / 2;
}

static void setup(void)
{
	rde = calloc(1, sizeof(*rde));
	rib_init(&rde->rib);
	rde->pd.g = fixture_policy_shared();
	ipc_queue_init(&to_se);
	rde->to_se = &to_se;
	rde->rs_as = 59900;
	for (uint32_t id = 0; id < NPEERS; id++) {
		struct rde_peer *p = calloc(1, sizeof(*p));
		p->id = id;
		p->asn = member_asn(id);
		p->fam = FAM_IPV4;
		p->addr_bytes[0] = 192; p->addr_bytes[2] = 2; p->addr_bytes[3] = (uint8_t)(11 + id);
		p->dp = (struct decision_peer){ .id = id, .rx.asn = p->asn, .bgp_id = 0x0a000000u + id,
			.addr = p->addr_bytes, .addr_len = 4 };
		p->up = true;
		p->gen = 1;
		/* two send classes, so shared encodings are made per class */
		p->sc = (struct send_class){ .as4 = id % 2 == 0 };
		rde->peers[id] = p;
	}
	rde->npeers = NPEERS;
	for (int i = 0; i < NPREFIX; i++) {
		char text[32];
		snprintf(text, sizeof(text), "45.65.%d.0/24", i);
		prefix_parse(text, &pool[i]);
	}
	memset(model, 0, sizeof(model));
}

static void teardown(void)
{
	ipc_queue_destroy(&to_se);
	for (uint32_t i = 0; i < rde->npeers; i++)
		export_output_reset(rde, rde->peers[i]);
	rib_destroy(&rde->rib);
	for (uint32_t i = 0; i < rde->npeers; i++)
		free(rde->peers[i]);
	rde_free_batch(rde);
	free(rde);
}

/* Attributes from member `id`: AS_PATH of `hops`, a MED or none,
 * optionally a large community excluding (or, with only, solely
 * allowing) the AS `other`. */
static struct attr_set *random_attrs(uint32_t id)
{
	struct wbuf w = { 0 };
	uint8_t v[4] = { 0 };
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, v, 1);
	int hops = 1 + (int)rnd(3);
	uint8_t path[2 + 4 * 3] = { AS_SEQUENCE, (uint8_t)hops };
	for (int i = 0; i < hops; i++)
		put_u32(path + 2 + 4 * i, member_asn(id) + (uint32_t)i * 1000);
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, path, 2 + 4 * (size_t)hops);
	struct path_info info = { .as_path_len = (uint16_t)hops, .neighbor_as = member_asn(id),
		.nh_afi = AFI_IPV4 };
	if (rnd(3)) {
		info.has_med = true;
		info.med = rnd(4);
		put_u32(v, info.med);
		attr_put(&w, ATTR_F_OPTIONAL, ATTR_MED, v, 4);
	}
	uint32_t kind = rnd(4), other = member_asn(rnd(NPEERS));
	if (kind >= 2) {
		uint8_t lc[24];
		put_u32(lc, 59900);
		put_u32(lc + 4, 0);
		put_u32(lc + 8, kind == 2 ? other : 0);      /* deny other / deny all */
		put_u32(lc + 12, 59900);
		put_u32(lc + 16, 1);
		put_u32(lc + 20, other);                     /* ...but allow other */
		attr_put(&w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_LARGE_COMMUNITIES, lc,
		    kind == 2 ? 12 : 24);
	}
	info.nh[0] = 192; info.nh[2] = 2; info.nh[3] = (uint8_t)(11 + id);
	struct attr_set *a = attr_intern(&info, w.data, w.len);
	policy_export_ctl(fixture_policy_shared(), a);
	wbuf_free(&w);
	return a;
}

static int pool_index(const struct prefix *p)
{
	for (int i = 0; i < NPREFIX; i++)
		if (prefix_equal(&pool[i], p))
			return i;
	return -1;
}

/* Applies the UPDATEs sent in this batch to the members' models. */
static void apply_sent(void)
{
	for (struct ipc_msg *m = ipc_take_all(&to_se), *n; m; m = n) {
		n = m->next;
		for (uint32_t t = 0; t < m->n_targets; t++) {
			uint32_t r = m->targets[t].peer;
			struct update_ctx ctx = { .peer_as4 = rde->peers[r]->sc.as4, .families = 1 };
			for (size_t o = 0; o + 19 <= m->msg->len; o += get_u16(m->msg->data + o + 16)) {
				struct update_decoded u;
				update_decoded_init(&u);
				bgp_update_decode(&ctx, m->msg->data + o + 19, get_u16(m->msg->data + o + 16) - 19u, &u);
				CHECK_EQ_INT(u.action, UPD_OK);
				for (uint32_t i = 0; i < u.withdrawn.n; i++) {
					struct held *h = &model[r][pool_index(&u.withdrawn.v[i])];
					redundant += !h->present;
					h->present = false;
				}
				uint32_t ah = hash_attrs(u.attrs.data, u.attrs.len);
				for (uint32_t i = 0; i < u.announced.n; i++) {
					struct held *h = &model[r][pool_index(&u.announced.v[i])];
					redundant += h->present && h->attrs_hash == ah && h->nh == u.info.nh[3];
					h->present = true;
					h->neighbor_as = u.info.neighbor_as;
					h->nh = u.info.nh[3];
					h->attrs_hash = ah;
				}
				update_decoded_free(&u);
			}
		}
		ipc_msg_free(m);
	}
}

static int check_models(void)
{
	int bad = 0;
	for (uint32_t r = 0; r < NPEERS; r++)
		for (int i = 0; i < NPREFIX; i++) {
			struct rib_entry *re = rib_lookup(&rde->rib, &pool[i]);
			const struct path *best = re ? rib_best(re->paths, re->npaths, &rde->peers[r]->dp,
			    rde_decision_peer, rde) : NULL;
			const struct held *h = &model[r][i];
			bool ok = best ? (h->present && h->neighbor_as == best->attrs->info.neighbor_as &&
			    h->nh == best->attrs->info.nh[3] &&
			    h->attrs_hash == hash_attrs(best->attrs->data, best->attrs->len)) : !h->present;
			if (!ok && bad++ < 5)
				fprintf(stderr, "  member %u prefix %d: holds %s AS%u, RIB best %s AS%u\n", r, i,
				    h->present ? "yes" : "no", h->neighbor_as, best ? "yes" : "no",
				    best ? best->attrs->info.neighbor_as : 0);
		}
	return bad;
}

/* 1..20 random announcements and withdrawals, exported as one batch. */
static void random_batch(void)
{
	int ops = 1 + (int)rnd(20);
	for (int k = 0; k < ops; k++) {
		uint32_t id = rnd(NPEERS);
		struct rib_entry *re = rib_get(&rde->rib, &pool[rnd(NPREFIX)]);
		rde_touch(rde, re);
		if (rnd(3) == 0) {
			rib_del_path(&rde->rib, re, id);
		} else {
			struct attr_set *a = random_attrs(id);
			rib_set_path(&rde->rib, re, id, a, 0, 0);
			attr_unref(a);
		}
	}
	rde_flush_batch(rde);
}

TEST(every_member_holds_its_best_eligible_path_after_every_batch)
{
	setup();
	int failures = 0;
	for (int batch = 0; batch < 400 && !failures; batch++) {
		random_batch();
		apply_sent();
		failures = check_models() + (redundant ? 1 : 0);
	}
	CHECK_EQ_INT(failures, 0);
	CHECK_EQ_INT(redundant, 0);
	teardown();
}

/* Output flow control: members paused and resumed at random (their queue
 * in the SE above and below its marks) while the table churns.  Once
 * resumed and sent what they were owed, they hold exactly their best
 * paths, as if never paused; the exported counts never stopped following
 * the RIB. */
TEST(members_paused_and_resumed_hold_their_best_paths_once_sent_what_they_were_owed)
{
	setup();
	int failures = 0, pauses = 0;
	for (int batch = 0; batch < 600 && !failures; batch++) {
		if (rnd(4) == 0) {
			struct rde_peer *p = rde->peers[rnd(NPEERS)];
			pauses += !p->output_paused;
			export_output(p, !p->output_paused);
		}
		random_batch();
		while (export_replay_run(rde))
			;
		apply_sent();
		bool all_even = true;
		for (uint32_t i = 0; i < NPEERS; i++)
			all_even &= !rde->peers[i]->output_paused && !rde->peers[i]->unsent;
		if (all_even)
			failures = check_models();
	}
	for (uint32_t i = 0; i < NPEERS; i++)
		export_output(rde->peers[i], false);
	while (export_replay_run(rde))
		;
	apply_sent();
	failures += check_models();
	/* every route withdrawn while member 0 is paused: their RIB entries are
	 * freed before it is resumed, and it must still be sent the withdrawals */
	export_output(rde->peers[0], true);
	for (int i = 0; i < NPREFIX; i++) {
		struct rib_entry *re = rib_lookup(&rde->rib, &pool[i]);
		if (!re)
			continue;
		rde_touch(rde, re);
		for (uint32_t id = 0; id < NPEERS; id++)
			rib_del_path(&rde->rib, re, id);
	}
	rde_flush_batch(rde);
	export_output(rde->peers[0], false);
	while (export_replay_run(rde))
		;
	apply_sent();
	failures += check_models();
	CHECK_EQ_INT(rde->rib.count, 0);     /* the entries kept for member 0 went once sent */
	for (uint32_t r = 0; r < NPEERS; r++) {
		uint32_t held = 0;
		for (int i = 0; i < NPREFIX; i++)
			held += model[r][i].present;
		CHECK_EQ_INT(rde->peers[r]->count.exported, held);
		CHECK(rde->peers[r]->unsent == NULL);
	}
	CHECK_EQ_INT(failures, 0);
	CHECK(pauses > 50);
	teardown();
}
