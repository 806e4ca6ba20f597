/* SPDX-License-Identifier: ISC */
/* UPDATE decoding and encoding: RFC 4271, RFC 4760, RFC 6793, RFC 7606. */
#include "testlib.h"

#include "bgp_update.h"

/* Builds an UPDATE body: withdrawn, attributes, NLRI. */
struct msg { uint8_t b[4096]; size_t len; };

static void body(struct msg *m, const uint8_t *wd, size_t wlen, const uint8_t *attrs, size_t alen,
    const uint8_t *nlri, size_t nlen)
{
	size_t o = 0;
	m->b[o++] = (uint8_t)(wlen >> 8); m->b[o++] = (uint8_t)wlen;
	if (wlen)
		memcpy(m->b + o, wd, wlen);
	o += wlen;
	m->b[o++] = (uint8_t)(alen >> 8); m->b[o++] = (uint8_t)alen;
	if (alen)
		memcpy(m->b + o, attrs, alen);
	o += alen;
	if (nlen)
		memcpy(m->b + o, nlri, nlen);
	o += nlen;
	m->len = o;
}

static const struct update_ctx ctx4 = { .peer_as4 = true, .families = 1 };
static const struct update_ctx ctx2 = { .peer_as4 = false, .families = 1 };
static const struct update_ctx ctx6 = { .peer_as4 = true, .families = 2 };

/* ORIGIN IGP, AS_PATH 52001 52002 (4-octet), NEXT_HOP 192.0.2.11 */
static const uint8_t base_attrs[] = {
	0x40, 1, 1, 0,
	0x40, 2, 10, 2, 2, 0, 0, 0xcb, 0x21, 0, 0, 0xcb, 0x22,
	0x40, 3, 4, 192, 0, 2, 11,
};
static const uint8_t nlri_45_65[] = { 22, 45, 65, 0 };

static void decode(const struct update_ctx *ctx, const struct msg *m, struct update_decoded *u)
{
	update_decoded_init(u);
	bgp_update_decode(ctx, m->b, m->len, u);
}

/* Decodes the base announcement of 45.65.0.0/22 with one more attribute
 * (flags, type, value bytes) appended. */
#define WITH_EXTRA(u, ...) decode_with_extra(&(u), (const uint8_t[]){ __VA_ARGS__ }, \
	sizeof((const uint8_t[]){ __VA_ARGS__ }))
static void decode_with_extra(struct update_decoded *u, const uint8_t *extra, size_t len)
{
	uint8_t a[sizeof(base_attrs) + 64];
	memcpy(a, base_attrs, sizeof(base_attrs));
	memcpy(a + sizeof(base_attrs), extra, len);
	struct msg m;
	body(&m, NULL, 0, a, sizeof(base_attrs) + len, nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx4, &m, u);
}

TEST(decodes_ipv4_announcement_with_path_info)
{
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, base_attrs, sizeof(base_attrs), nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx4, &m, &u);
	CHECK_EQ_INT(u.action, UPD_OK);
	CHECK_EQ_INT(u.announced.n, 1);
	CHECK_EQ_INT(u.announced.v[0].len, 22);
	CHECK_EQ_INT(u.info.as_path_len, 2);
	CHECK_EQ_INT(u.info.neighbor_as, 52001);
	CHECK_EQ_INT(u.info.origin_as, 52002);
	CHECK_EQ_INT(u.info.nh[3], 11);
	/* NEXT_HOP is kept apart from the canonical attributes */
	struct rbuf v;
	CHECK(attr_find(u.attrs.data, u.attrs.len, ATTR_NEXT_HOP, &v) < 0);
	CHECK(attr_find(u.attrs.data, u.attrs.len, ATTR_AS_PATH, &v) == 0);
	update_decoded_free(&u);
}

TEST(end_of_rib_ipv4_is_empty_update)
{
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, NULL, 0, NULL, 0);
	decode(&ctx4, &m, &u);
	CHECK_EQ_INT(u.eor_family, FAM_IPV4);
	update_decoded_free(&u);
}

TEST(end_of_rib_ipv6_is_empty_mp_unreach)
{
	static const uint8_t a[] = { 0x80, 15, 3, 0, 2, 1 };
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, a, sizeof(a), NULL, 0);
	decode(&ctx6, &m, &u);
	CHECK_EQ_INT(u.eor_family, FAM_IPV6);
	update_decoded_free(&u);
}

TEST(malformed_origin_is_treat_as_withdraw)
{
	uint8_t a[sizeof(base_attrs)];
	memcpy(a, base_attrs, sizeof(a));
	a[3] = 7;    /* ORIGIN value out of range */
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, a, sizeof(a), nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx4, &m, &u);
	CHECK_EQ_INT(u.action, UPD_TREAT_AS_WITHDRAW);
	CHECK_EQ_INT(u.announced.n, 0);
	CHECK_EQ_INT(u.withdrawn.n, 1);
	update_decoded_free(&u);
}

TEST(missing_next_hop_is_treat_as_withdraw)
{
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, base_attrs, sizeof(base_attrs) - 7, nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx4, &m, &u);
	CHECK_EQ_INT(u.action, UPD_TREAT_AS_WITHDRAW);
	CHECK_EQ_INT(u.withdrawn.n, 1);
	update_decoded_free(&u);
}

TEST(community_length_not_multiple_of_4_is_treat_as_withdraw)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0xc0, 8, 3, 1, 2, 3);
	CHECK_EQ_INT(u.action, UPD_TREAT_AS_WITHDRAW);
	update_decoded_free(&u);
}

TEST(malformed_aggregator_is_discarded_route_kept)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0xc0, 7, 3, 1, 2, 3);
	CHECK_EQ_INT(u.action, UPD_ATTR_DISCARD);
	CHECK_EQ_INT(u.announced.n, 1);
	struct rbuf v;
	CHECK(attr_find(u.attrs.data, u.attrs.len, ATTR_AGGREGATOR, &v) < 0);
	update_decoded_free(&u);
}

TEST(attribute_overrunning_list_is_treat_as_withdraw)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0xc0, 8, 200);          /* claims 200 bytes */
	CHECK_EQ_INT(u.action, UPD_TREAT_AS_WITHDRAW);
	CHECK_EQ_INT(u.withdrawn.n, 1);
	update_decoded_free(&u);
}

TEST(nlri_prefix_too_long_resets_session)
{
	static const uint8_t n[] = { 33, 45, 65, 0, 0, 0 };
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, base_attrs, sizeof(base_attrs), n, sizeof(n));
	decode(&ctx4, &m, &u);
	CHECK_EQ_INT(u.action, UPD_SESSION_RESET);
	CHECK_EQ_INT(u.notify.code, ERR_UPDATE);
	CHECK_EQ_INT(u.notify.subcode, ERR_UPD_NETWORK);
	update_decoded_free(&u);
}

TEST(lengths_beyond_message_reset_session)
{
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, base_attrs, sizeof(base_attrs), NULL, 0);
	m.b[2] = 0xff;      /* total attribute length far too big */
	decode(&ctx4, &m, &u);
	CHECK_EQ_INT(u.action, UPD_SESSION_RESET);
	CHECK_EQ_INT(u.notify.subcode, ERR_UPD_ATTRLIST);
	update_decoded_free(&u);
}

TEST(unknown_well_known_attribute_resets_session)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0x40, 99, 1, 0);
	CHECK_EQ_INT(u.action, UPD_SESSION_RESET);
	CHECK_EQ_INT(u.notify.subcode, ERR_UPD_UNKNWN_WK);
	update_decoded_free(&u);
}

TEST(unknown_optional_transitive_passes_with_partial_bit)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0xc0, 99, 2, 0xab, 0xcd);
	CHECK_EQ_INT(u.action, UPD_OK);
	struct attr_iter it;
	uint8_t flags = 0, type = 0;
	struct rbuf v;
	bool found = false;
	attr_iter_init(&it, u.attrs.data, u.attrs.len);
	while (attr_iter_next(&it, &flags, &type, &v))
		if (type == 99) {
			found = true;
			CHECK(flags & ATTR_F_PARTIAL);
			CHECK_EQ_INT(v.len, 2);
		}
	CHECK(found);
	update_decoded_free(&u);
}

TEST(unknown_optional_non_transitive_is_dropped)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0x80, 99, 2, 0xab, 0xcd);
	struct rbuf v;
	CHECK(attr_find(u.attrs.data, u.attrs.len, 99, &v) < 0);
	update_decoded_free(&u);
}

TEST(local_pref_from_external_peer_is_discarded)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0x40, 5, 4, 0, 0, 0, 200);
	CHECK_EQ_INT(u.announced.n, 1);
	struct rbuf v;
	CHECK(attr_find(u.attrs.data, u.attrs.len, ATTR_LOCAL_PREF, &v) < 0);
	update_decoded_free(&u);
}

TEST(duplicate_attribute_keeps_first)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0x40, 1, 1, 2);        /* second ORIGIN: INCOMPLETE */
	CHECK_EQ_INT(u.announced.n, 1);
	CHECK_EQ_INT(u.info.origin, ORIGIN_IGP);
	update_decoded_free(&u);
}

TEST(as4_path_merged_for_two_octet_peer)
{
	/* AS_PATH (2-octet): 23456 23456 100 ; AS4_PATH: 4200000001 4200000002 */
	static const uint8_t a[] = {
		0x40, 1, 1, 0,
		0x40, 2, 8, 2, 3, 0x5b, 0xa0, 0x5b, 0xa0, 0, 100,
		0x40, 3, 4, 192, 0, 2, 11,
		0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x01, 0xfa, 0x56, 0xea, 0x02,
	};
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, a, sizeof(a), nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx2, &m, &u);
	CHECK_EQ_INT(u.action, UPD_OK);
	/* count(AS_PATH)=3, count(AS4_PATH)=2: keep the first AS_PATH element */
	CHECK_EQ_INT(u.info.as_path_len, 3);
	CHECK_EQ_INT(u.info.neighbor_as, 23456);
	CHECK_EQ_INT(u.info.origin_as, 4200000002u);
	update_decoded_free(&u);
}

TEST(as4_path_from_four_octet_peer_is_discarded)
{
	struct update_decoded u;
	WITH_EXTRA(u, 0xc0, 17, 6, 2, 1, 0, 0, 0, 9);
	CHECK_EQ_INT(u.info.origin_as, 52002);
	update_decoded_free(&u);
}

TEST(mp_reach_ipv6_with_link_local_next_hop)
{
	uint8_t a[64];
	size_t o = 0;
	static const uint8_t head[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xcb, 0x21 };
	memcpy(a, head, sizeof(head)); o = sizeof(head);
	static const uint8_t mp[] = { 0x80, 14, 42, 0, 2, 1, 32,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
		0, 32, 0x28, 0x04, 0x1f, 0x10 };
	memcpy(a + o, mp, sizeof(mp)); o += sizeof(mp);
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, a, o, NULL, 0);
	decode(&ctx6, &m, &u);
	CHECK_EQ_INT(u.action, UPD_OK);
	CHECK_EQ_INT(u.announced.n, 1);
	CHECK_EQ_INT(u.announced.v[0].afi, AFI_IPV6);
	CHECK(u.info.nh_has_ll);
	CHECK_EQ_INT(u.info.nh_ll[0], 0xfe);
	update_decoded_free(&u);
}

TEST(mp_reach_bad_next_hop_length_resets_session)
{
	static const uint8_t a[] = { 0x40, 1, 1, 0, 0x40, 2, 0,
		0x80, 14, 12, 0, 2, 1, 5, 1, 2, 3, 4, 5, 0, 8, 0x28 };
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, a, sizeof(a), NULL, 0);
	decode(&ctx6, &m, &u);
	CHECK_EQ_INT(u.action, UPD_SESSION_RESET);
	update_decoded_free(&u);
}

/* Without trustworthy MP attributes the NLRI cannot be located, so
 * treat-as-withdraw is impossible: wrong Optional/Transitive bits reset. */
TEST(mp_reach_or_unreach_with_wrong_flags_resets_session_rfc7606_5_3)
{
	static const uint8_t head[] = { 0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xcb, 0x21 };
	/* MP_REACH_NLRI 2001:db8::11, 2804:1f10::/32; MP_UNREACH_NLRI 2804:1f10::/32 */
	static const uint8_t reach[] = { 14, 26, 0, 2, 1, 16,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11,
		0, 32, 0x28, 0x04, 0x1f, 0x10 };
	static const uint8_t unreach[] = { 15, 8, 0, 2, 1, 32, 0x28, 0x04, 0x1f, 0x10 };
	static const struct { uint8_t flags; const uint8_t *attr; size_t len; } cases[] = {
		{ ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, reach, sizeof(reach) },
		{ ATTR_F_TRANSITIVE, reach, sizeof(reach) },
		{ ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, unreach, sizeof(unreach) },
		{ ATTR_F_TRANSITIVE, unreach, sizeof(unreach) },
		{ ATTR_F_OPTIONAL, reach, sizeof(reach) },        /* right: the control */
		{ ATTR_F_OPTIONAL, unreach, sizeof(unreach) },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t a[64];
		memcpy(a, head, sizeof(head));
		a[sizeof(head)] = cases[i].flags;
		memcpy(a + sizeof(head) + 1, cases[i].attr, cases[i].len);
		struct msg m;
		struct update_decoded u;
		body(&m, NULL, 0, a, sizeof(head) + 1 + cases[i].len, NULL, 0);
		decode(&ctx6, &m, &u);
		if (cases[i].flags == ATTR_F_OPTIONAL) {
			CHECK_EQ_INT(u.action, UPD_OK);
		} else {
			CHECK_EQ_INT(u.action, UPD_SESSION_RESET);
			CHECK_EQ_INT(u.notify.code, ERR_UPDATE);
			CHECK_EQ_INT(u.notify.subcode, ERR_UPD_ATTRFLAGS);
			CHECK_EQ_INT(u.announced.n + u.withdrawn.n, 0);
		}
		update_decoded_free(&u);
	}
}

TEST(as4_aggregator_replaces_as_trans_aggregator_from_two_octet_peer_rfc6793_4_2_3)
{
	/* AGGREGATOR AS_TRANS 192.0.2.1; AS4_AGGREGATOR 4200000001 198.51.100.7 */
	static const uint8_t a[] = {
		0x40, 1, 1, 0,
		0x40, 2, 4, 2, 1, 0xcb, 0x21,
		0x40, 3, 4, 192, 0, 2, 11,
		0xc0, 7, 6, 0x5b, 0xa0, 192, 0, 2, 1,
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x01, 198, 51, 100, 7,
	};
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, a, sizeof(a), nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx2, &m, &u);
	CHECK_EQ_INT(u.action, UPD_OK);
	struct rbuf v;
	CHECK(attr_find(u.attrs.data, u.attrs.len, ATTR_AGGREGATOR, &v) == 0);
	CHECK_EQ_INT(v.len, 8);
	if (v.len == 8) {
		static const uint8_t addr[] = { 198, 51, 100, 7 };
		CHECK_EQ_INT(get_u32(v.p), 4200000001u);
		CHECK(memcmp(v.p + 4, addr, 4) == 0);
	}
	CHECK(attr_find(u.attrs.data, u.attrs.len, ATTR_AS4_AGGREGATOR, &v) < 0);
	update_decoded_free(&u);
}

TEST(nlri_host_bits_are_cleared)
{
	static const uint8_t n[] = { 22, 45, 65, 3 };
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, base_attrs, sizeof(base_attrs), n, sizeof(n));
	decode(&ctx4, &m, &u);
	CHECK_EQ_INT(u.announced.v[0].addr[2], 0);
	update_decoded_free(&u);
}

/* --- encoding round trips --------------------------------------------- */

TEST(encode_announce_round_trips_and_packs_prefixes)
{
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, base_attrs, sizeof(base_attrs), nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx4, &m, &u);
	struct prefix p[1100];
	struct nlri_out n[1100];
	for (int i = 0; i < 1100; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].afi = AFI_IPV4; p[i].len = 24;
		p[i].addr[0] = 45; p[i].addr[1] = (uint8_t)(i >> 8); p[i].addr[2] = (uint8_t)i;
		n[i] = (struct nlri_out){ &p[i], 0 };
	}
	struct send_class sc = { .as4 = true };
	struct wbuf w = { 0 };
	CHECK(bgp_update_encode_announce(&w, &sc, FAM_IPV4, u.attrs.data, u.attrs.len, &u.info, n, 1100) == 0);
	/* 1100 x 4 bytes of NLRI need two 4096-byte messages */
	size_t msgs = 0, total = 0;
	for (size_t o = 0; o < w.len; o += get_u16(w.data + o + 16)) {
		uint16_t len = get_u16(w.data + o + 16);
		CHECK(len <= 4096);
		struct update_decoded r;
		update_decoded_init(&r);
		bgp_update_decode(&ctx4, w.data + o + 19, len - 19u, &r);
		CHECK_EQ_INT(r.action, UPD_OK);
		CHECK_EQ_INT(r.info.nh[3], 11);
		CHECK_EQ_INT(r.info.as_path_len, 2);
		total += r.announced.n;
		update_decoded_free(&r);
		msgs++;
	}
	CHECK_EQ_INT(total, 1100);
	CHECK_EQ_INT(msgs, 2);
	wbuf_free(&w);
	update_decoded_free(&u);
}

TEST(encode_for_two_octet_receiver_adds_as4_path)
{
	/* AS_PATH 4200000001 52001 */
	static const uint8_t a[] = {
		0x40, 1, 1, 0,
		0x40, 2, 10, 2, 2, 0xfa, 0x56, 0xea, 0x01, 0, 0, 0xcb, 0x21,
		0x40, 3, 4, 192, 0, 2, 11,
	};
	struct msg m;
	struct update_decoded u;
	body(&m, NULL, 0, a, sizeof(a), nlri_45_65, sizeof(nlri_45_65));
	decode(&ctx4, &m, &u);
	struct wbuf as2 = { 0 };
	attrs_to_as2(u.attrs.data, u.attrs.len, &as2);
	struct rbuf v;
	CHECK(attr_find(as2.data, as2.len, ATTR_AS_PATH, &v) == 0);
	CHECK_EQ_INT(v.len, 2 + 4);
	CHECK_EQ_INT(get_u16(v.p + 2), AS_TRANS);
	CHECK(attr_find(as2.data, as2.len, ATTR_AS4_PATH, &v) == 0);
	CHECK_EQ_INT(get_u32(v.p + 2), 4200000001u);
	/* and a 2-octet speaker decoding it gets the 4-octet path back */
	struct wbuf w = { 0 };
	struct send_class sc = { .as4 = false };
	struct nlri_out n = { &u.announced.v[0], 0 };
	bgp_update_encode_announce(&w, &sc, FAM_IPV4, as2.data, as2.len, &u.info, &n, 1);
	struct update_decoded r;
	update_decoded_init(&r);
	bgp_update_decode(&ctx2, w.data + 19, w.len - 19, &r);
	CHECK_EQ_INT(r.info.neighbor_as, 4200000001u);
	CHECK_EQ_INT(r.info.origin_as, 52001);
	update_decoded_free(&r);
	wbuf_free(&w);
	wbuf_free(&as2);
	update_decoded_free(&u);
}

TEST(encode_ipv6_withdraw_and_addpath_round_trip)
{
	struct prefix p;
	prefix_parse("2804:1f10::/32", &p);
	struct nlri_out n = { &p, 7 };
	struct send_class sc = { .as4 = true };
	struct wbuf w = { 0 };
	bgp_update_encode_withdraw(&w, &sc, FAM_IPV6, &n, 1);
	struct update_decoded r;
	update_decoded_init(&r);
	bgp_update_decode(&ctx6, w.data + 19, w.len - 19, &r);
	CHECK_EQ_INT(r.withdrawn.n, 1);
	CHECK(prefix_equal(&r.withdrawn.v[0], &p));
	update_decoded_free(&r);
	/* ADD-PATH: the path identifier precedes each prefix */
	w.len = 0;
	sc.addpath = true;
	bgp_update_encode_withdraw(&w, &sc, FAM_IPV4, &n, 0);
	CHECK_EQ_INT(w.len, 0);
	struct prefix p4;
	prefix_parse("45.65.0.0/22", &p4);
	struct nlri_out n4 = { &p4, 0x01020304 };
	bgp_update_encode_withdraw(&w, &sc, FAM_IPV4, &n4, 1);
	CHECK_EQ_INT(get_u16(w.data + 19), 4 + 4);     /* withdrawn length */
	CHECK_EQ_INT(get_u32(w.data + 21), 0x01020304);
	wbuf_free(&w);
}
