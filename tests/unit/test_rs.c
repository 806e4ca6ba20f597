/* SPDX-License-Identifier: ISC */
/* Route-server semantics (RFC 7947): decision process, no reflection,
 * path-hiding mitigation through the per-path exclusion set, shared
 * encoding for members that receive the same thing, ADD-PATH. */
#include "testlib.h"

#include <arpa/inet.h>

#include "policy.h"
#include "rde.h"
#include "policy_fixture.h"

static struct rde *rde;
static struct ipc_queue to_se;

static struct rde_peer *add_peer(uint32_t id, uint32_t asn, const char *addr, bool addpath)
{
	struct rde_peer *p = calloc(1, sizeof(*p));
	p->id = id;
	p->asn = asn;
	ip_addr_parse(addr, &p->addr);
	p->fam = FAM_IPV4;
	memcpy(p->addr_bytes, &p->addr.u.v4, 4);
	p->dp = (struct decision_peer){ .id = id, .rx.asn = asn, .bgp_id = 0x0a000000u + id,
		.addr = p->addr_bytes, .addr_len = 4 };
	p->up = true;
	p->gen = 100 + id;
	p->addpath = addpath;
	p->sc = (struct send_class){ .as4 = true, .addpath = addpath };
	rde->peers[id] = p;
	if (id >= rde->npeers)
		rde->npeers = id + 1;
	return p;
}

static void setup(void)
{
	rde = calloc(1, sizeof(*rde));
	rib_init(&rde->rib);
	rde->pd.g = fixture_policy_shared();
	ipc_queue_init(&to_se);
	rde->to_se = &to_se;
	rde->rs_as = 59900;
	add_peer(0, 52001, "192.0.2.11", false);
	add_peer(1, 52002, "192.0.2.12", false);
	add_peer(2, 52003, "192.0.2.13", false);
	add_peer(3, 52004, "192.0.2.14", false);
}

static void teardown(void)
{
	for (struct ipc_msg *m = ipc_take_all(&to_se), *n; m; m = n) {
		n = m->next;
		ipc_msg_free(m);
	}
	ipc_queue_destroy(&to_se);
	rib_destroy(&rde->rib);
	for (uint32_t i = 0; i < rde->npeers; i++)
		free(rde->peers[i]);
	rde_free_batch(rde);
	free(rde);
}

/* An attribute set with AS_PATH of `hops` ASNs starting at first_as,
 * optional large community rs:0:deny. */
static struct attr_set *attrs(uint32_t first_as, int hops, uint32_t deny_as, const char *nh)
{
	struct wbuf w = { 0 };
	wbuf_u8(&w, 0x40); wbuf_u8(&w, 1); wbuf_u8(&w, 1); wbuf_u8(&w, 0);
	wbuf_u8(&w, 0x40); wbuf_u8(&w, 2); wbuf_u8(&w, (uint8_t)(2 + 4 * hops));
	wbuf_u8(&w, 2); wbuf_u8(&w, (uint8_t)hops);
	for (int i = 0; i < hops; i++)
		wbuf_u32(&w, first_as + (uint32_t)i * 1000);
	if (deny_as) {
		wbuf_u8(&w, 0xc0); wbuf_u8(&w, 32); wbuf_u8(&w, 12);
		wbuf_u32(&w, 59900); wbuf_u32(&w, 0); wbuf_u32(&w, deny_as);
	}
	struct path_info info = { 0 };
	info.as_path_len = (uint16_t)hops;
	info.neighbor_as = first_as;
	info.nh_afi = AFI_IPV4;
	inet_pton(AF_INET, nh, info.nh);
	struct attr_set *a = attr_intern(&info, w.data, w.len);
	policy_export_ctl(fixture_policy_shared(), a);
	wbuf_free(&w);
	return a;
}

static void announce(uint32_t peer, const char *pfx, struct attr_set *a)
{
	struct prefix p;
	prefix_parse(pfx, &p);
	struct rib_entry *re = rib_get(&rde->rib, &p);
	rde_touch(rde, re);
	rib_set_path(&rde->rib, re, peer, a, 0, 0);
}

static void withdraw(uint32_t peer, const char *pfx)
{
	struct prefix p;
	prefix_parse(pfx, &p);
	struct rib_entry *re = rib_lookup(&rde->rib, &p);
	rde_touch(rde, re);
	rib_del_path(&rde->rib, re, peer);
}

static void flush(void)
{
	rde_flush_batch(rde);
}

/* What peer received in the queued IPC_SEND messages: the first
 * announcement's AS_PATH first ASN (0 = withdrawn, -1 = nothing), and the
 * number of messages that targeted it. */
struct received { long first_as; int msgs; uint32_t path_ids[8]; int npaths; };

static struct received received_by(uint32_t peer)
{
	struct received r = { -1, 0, { 0 }, 0 };
	struct ipc_msg *all = ipc_take_all(&to_se), *last = NULL;
	for (struct ipc_msg *m = all; m; m = m->next) {
		last = m;
		for (uint32_t t = 0; t < m->n_targets; t++) {
			if (m->targets[t].peer != peer)
				continue;
			r.msgs++;
			struct update_ctx ctx = { .peer_as4 = true, .families = 1 };
			bool addpath = rde->peers[peer]->addpath;
			for (size_t o = 0; o < m->msg->len; o += get_u16(m->msg->data + o + 16)) {
				const uint8_t *b = m->msg->data + o + 19;
				size_t len = get_u16(m->msg->data + o + 16) - 19u;
				if (addpath) {
					/* path ids precede NLRI: read the first one of each message */
					size_t wl = get_u16(b), al = get_u16(b + 2 + wl);
					if (wl >= 4 && r.npaths < 8)
						r.path_ids[r.npaths++] = get_u32(b + 2);
					if (!wl && len > 4 + al && r.npaths < 8) {
						r.path_ids[r.npaths++] = get_u32(b + 4 + al);
						r.first_as = get_u32(b + 4 + 4 + 2 + 2 + 4 + 2);
					}
					continue;
				}
				struct update_decoded u;
				update_decoded_init(&u);
				bgp_update_decode(&ctx, b, len, &u);
				if (u.announced.n && r.first_as <= 0)
					r.first_as = u.info.neighbor_as;
				else if (u.withdrawn.n && r.first_as < 0)
					r.first_as = 0;
				update_decoded_free(&u);
			}
		}
	}
	/* put the messages back for the next query */
	if (all) {
		to_se.head = all;
		to_se.tail = last;
	}
	return r;
}

static void drain(void)
{
	for (struct ipc_msg *m = ipc_take_all(&to_se), *n; m; m = n) {
		n = m->next;
		ipc_msg_free(m);
	}
}

TEST(best_path_prefers_shorter_as_path_then_lower_med_same_neighbor_as)
{
	setup();
	struct attr_set *a = attrs(52001, 2, 0, "192.0.2.11"), *b = attrs(52002, 1, 0, "192.0.2.12");
	announce(0, "45.65.0.0/22", a);
	announce(1, "45.65.0.0/22", b);
	struct prefix p;
	prefix_parse("45.65.0.0/22", &p);
	struct rib_entry *re = rib_lookup(&rde->rib, &p);
	const struct path *best = rib_best(re->paths, re->npaths, NULL, rde_decision_peer, rde);
	CHECK_EQ_INT(best->peer, 1);
	flush();
	attr_unref(a);
	attr_unref(b);
	teardown();
}

TEST(route_is_never_sent_back_to_its_announcer)
{
	setup();
	struct attr_set *a = attrs(52001, 1, 0, "192.0.2.11");
	announce(0, "45.65.0.0/22", a);
	flush();
	CHECK_EQ_INT(received_by(0).msgs, 0);
	CHECK_EQ_INT(received_by(1).first_as, 52001);
	CHECK_EQ_INT(received_by(3).first_as, 52001);
	attr_unref(a);
	teardown();
}

TEST(members_receiving_the_same_thing_share_one_message)
{
	setup();
	struct attr_set *a = attrs(52001, 1, 0, "192.0.2.11");
	announce(0, "45.65.0.0/22", a);
	flush();
	struct ipc_msg *m = ipc_take_all(&to_se);
	CHECK(m != NULL);
	CHECK(m && m->next == NULL);          /* one shared buffer... */
	CHECK_EQ_INT(m ? m->n_targets : 0, 3); /* ...for the three other members */
	if (m)
		ipc_msg_free(m);
	attr_unref(a);
	teardown();
}

TEST(excluded_member_gets_second_best_path_no_path_hiding)
{
	setup();
	/* best: peer 0 (1 hop) but "do not announce to 52003"; second: peer 1 (2 hops) */
	struct attr_set *best = attrs(52001, 1, 52003, "192.0.2.11");
	struct attr_set *second = attrs(52002, 2, 0, "192.0.2.12");
	announce(0, "45.65.0.0/22", best);
	announce(1, "45.65.0.0/22", second);
	flush();
	CHECK_EQ_INT(received_by(2).first_as, 52002);   /* excluded: second best */
	CHECK_EQ_INT(received_by(3).first_as, 52001);   /* others: the best */
	CHECK_EQ_INT(received_by(0).first_as, 52002);   /* announcer of best: second best */
	CHECK_EQ_INT(received_by(1).first_as, 52001);
	attr_unref(best);
	attr_unref(second);
	teardown();
}

TEST(withdrawal_of_best_sends_replacement_and_withdraw_to_former_holder)
{
	setup();
	struct attr_set *a = attrs(52001, 1, 0, "192.0.2.11"), *b = attrs(52002, 2, 0, "192.0.2.12");
	announce(0, "45.65.0.0/22", a);
	announce(1, "45.65.0.0/22", b);
	flush();
	drain();
	withdraw(0, "45.65.0.0/22");
	flush();
	CHECK_EQ_INT(received_by(2).first_as, 52002);   /* replacement */
	CHECK_EQ_INT(received_by(1).first_as, 0);       /* had peer 0's path; now nothing */
	CHECK_EQ_INT(received_by(0).first_as, -1);      /* already had peer 1's: no change */
	attr_unref(a);
	attr_unref(b);
	teardown();
}

TEST(only_listed_member_receives_with_announce_to_none_plus_peer)
{
	setup();
	/* large rs:0:0 (none) + rs:1:52004 (only 52004) */
	struct wbuf w = { 0 };
	static const uint8_t head[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xcb, 0x21 };
	wbuf_put(&w, head, sizeof(head));
	wbuf_u8(&w, 0xc0); wbuf_u8(&w, 32); wbuf_u8(&w, 24);
	wbuf_u32(&w, 59900); wbuf_u32(&w, 0); wbuf_u32(&w, 0);
	wbuf_u32(&w, 59900); wbuf_u32(&w, 1); wbuf_u32(&w, 52004);
	struct path_info info = { .as_path_len = 1, .neighbor_as = 52001, .nh_afi = AFI_IPV4 };
	inet_pton(AF_INET, "192.0.2.11", info.nh);
	struct attr_set *a = attr_intern(&info, w.data, w.len);
	policy_export_ctl(fixture_policy_shared(), a);
	announce(0, "45.65.0.0/22", a);
	flush();
	CHECK_EQ_INT(received_by(1).msgs, 0);
	CHECK_EQ_INT(received_by(2).msgs, 0);
	CHECK_EQ_INT(received_by(3).first_as, 52001);
	wbuf_free(&w);
	attr_unref(a);
	teardown();
}

TEST(add_path_member_receives_every_eligible_path)
{
	setup();
	add_peer(4, 52005, "192.0.2.15", true);
	struct attr_set *a = attrs(52001, 1, 0, "192.0.2.11"), *b = attrs(52002, 2, 0, "192.0.2.12");
	announce(0, "45.65.0.0/22", a);
	announce(1, "45.65.0.0/22", b);
	flush();
	struct received r = received_by(4);
	CHECK_EQ_INT(r.npaths, 2);               /* one announcement per path */
	CHECK(r.path_ids[0] != r.path_ids[1]);
	attr_unref(a);
	attr_unref(b);
	teardown();
}

TEST(rejected_path_is_kept_but_never_exported)
{
	setup();
	struct attr_set *a = attrs(52001, 1, 0, "192.0.2.11");
	struct prefix p;
	prefix_parse("45.65.0.0/22", &p);
	struct rib_entry *re = rib_get(&rde->rib, &p);
	rde_touch(rde, re);
	rib_set_path(&rde->rib, re, 0, a, REJECT_OTC_LEAK, 0);
	flush();
	CHECK_EQ_INT(rde->rib.npaths, 1);        /* still in the Adj-RIB-In */
	CHECK_EQ_INT(rde->rib.nrejected, 1);
	CHECK_EQ_INT(received_by(1).msgs, 0);
	attr_unref(a);
	teardown();
}

TEST(decision_does_not_depend_on_arrival_order)
{
	for (int order = 0; order < 2; order++) {
		setup();
		/* equal paths: lowest BGP identifier (peer 1 < peer 2) wins */
		struct attr_set *a = attrs(52002, 2, 0, "192.0.2.12"), *b = attrs(52003, 2, 0, "192.0.2.13");
		if (order) {
			announce(2, "45.65.0.0/22", b);
			announce(1, "45.65.0.0/22", a);
		} else {
			announce(1, "45.65.0.0/22", a);
			announce(2, "45.65.0.0/22", b);
		}
		flush();
		CHECK_EQ_INT(received_by(3).first_as, 52002);
		attr_unref(a);
		attr_unref(b);
		teardown();
	}
}

TEST(each_members_own_prefixes_are_encoded_once_for_all_others)
{
	/* The IXP shape: every member announces its own prefixes in the same
	 * batch.  One shared encoding per announcing member, sent to all the
	 * others; nothing encoded per receiver. */
	setup();
	struct attr_set *a[4];
	char pfx[32];
	for (uint32_t m = 0; m < 4; m++) {
		char nh[32];
		snprintf(nh, sizeof(nh), "192.0.2.%u", 11 + m);
		a[m] = attrs(52001 + m, 1, 0, nh);
		for (int k = 0; k < 3; k++) {
			snprintf(pfx, sizeof(pfx), "45.%u.%d.0/24", 65 + m, k);
			announce(m, pfx, a[m]);
		}
	}
	flush();
	int msgs = 0;
	for (struct ipc_msg *m = ipc_take_all(&to_se), *n; m; m = n) {
		n = m->next;
		msgs++;
		CHECK_EQ_INT(m->n_targets, 3);
		ipc_msg_free(m);
	}
	CHECK_EQ_INT(msgs, 4);
	for (int m = 0; m < 4; m++)
		attr_unref(a[m]);
	teardown();
}

/* The verdict of the import policy for one route of member AS52001. */
static uint16_t verdict(const struct peer_policy *pol, struct attr_set *a, const char *pfx)
{
	struct ip_addr addr;
	ip_addr_parse("192.0.2.11", &addr);
	struct policy_peer pp = { .asn = 52001, .addr = &addr, .pol = pol };
	struct policy_data d = { .g = fixture_policy_shared() };
	struct attrs_verdict av;
	struct route_verdict v;
	struct prefix p;
	prefix_parse(pfx, &p);
	policy_check_attrs(&d, &pp, a, p.afi, &av);
	policy_check_route(&d, &pp, a, &av, &p, &v);
	return v.reject;
}

static const struct peer_policy arouteserver_defaults = { .v4_min = 8, .v4_max = 24, .v6_min = 12,
	.v6_max = 48, .max_as_path_len = 32, .next_hop = CFG_NEXT_HOP_STRICT };

TEST(prefix_checks_follow_the_members_policy)
{
	setup();
	const struct peer_policy *pol = &arouteserver_defaults;
	struct attr_set *ok = attrs(52001, 1, 0, "192.0.2.11");
	CHECK_EQ_INT(verdict(pol, ok, "45.65.0.0/24"), REJECT_NONE);
	CHECK_EQ_INT(verdict(pol, ok, "45.65.0.0/25"), REJECT_PREFIX_LEN);
	CHECK_EQ_INT(verdict(pol, ok, "45.0.0.0/7"), REJECT_PREFIX_LEN);
	CHECK_EQ_INT(verdict(pol, ok, "2804:1f10::/32"), REJECT_NONE);
	CHECK_EQ_INT(verdict(pol, ok, "fc00::/32"), REJECT_IPV6_NOT_GLOBAL);
	CHECK_EQ_INT(verdict(pol, ok, "2804:1f10::/49"), REJECT_PREFIX_LEN);
	CHECK_EQ_INT(policy_reject_code(REJECT_PREFIX_LEN), 13);
	CHECK_EQ_INT(policy_reject_code(REJECT_NEXT_HOP), 5);
	attr_unref(ok);
	teardown();
}

TEST(attribute_checks_next_hop_first_as_path_length)
{
	setup();
	struct peer_policy pol = arouteserver_defaults;
	pol.max_as_path_len = 3;
	struct attr_set *ok = attrs(52001, 3, 0, "192.0.2.11");
	struct attr_set *far = attrs(52001, 1, 0, "192.0.2.12");
	struct attr_set *longp = attrs(52001, 4, 0, "192.0.2.11");
	struct attr_set *other = attrs(52002, 1, 0, "192.0.2.11");
	CHECK_EQ_INT(verdict(&pol, ok, "45.65.0.0/24"), REJECT_NONE);
	CHECK_EQ_INT(verdict(&pol, far, "45.65.0.0/24"), REJECT_NEXT_HOP);
	CHECK_EQ_INT(verdict(&pol, longp, "45.65.0.0/24"), REJECT_AS_PATH_LEN);
	CHECK_EQ_INT(verdict(&pol, other, "45.65.0.0/24"), REJECT_LEFTMOST_AS);
	/* NEXT_HOP is checked before the prefix, the AS_PATH after it. */
	CHECK_EQ_INT(verdict(&pol, far, "45.65.0.0/25"), REJECT_NEXT_HOP);
	CHECK_EQ_INT(verdict(&pol, longp, "45.65.0.0/25"), REJECT_PREFIX_LEN);
	attr_unref(ok);
	attr_unref(far);
	attr_unref(longp);
	attr_unref(other);
	teardown();
}
