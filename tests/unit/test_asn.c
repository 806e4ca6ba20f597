/* SPDX-License-Identifier: ISC */
/* ASN classification, ASN sets, AS-SET names and AS_PATH questions. */
#include "testlib.h"

#include "asn.h"
#include "bgp.h"
#include "bgp_update.h"

/* Canonical attributes: ORIGIN IGP + an AS_PATH made of segments written as
 * { type, count, asn... } runs, terminated by 0. */
static void path_attrs(struct wbuf *w, const uint32_t *segs)
{
	struct wbuf p = { 0 };
	for (size_t i = 0; segs[i] != 0; i += 2 + segs[i + 1]) {
		wbuf_u8(&p, (uint8_t)segs[i]);
		wbuf_u8(&p, (uint8_t)segs[i + 1]);
		for (uint32_t k = 0; k < segs[i + 1]; k++)
			wbuf_u32(&p, segs[i + 2 + k]);
	}
	uint8_t origin = ORIGIN_IGP;
	w->len = 0;
	attr_put(w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, &origin, 1);
	attr_put(w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, p.data, p.len);
	wbuf_free(&p);
}
#define SEQ(...) AS_SEQUENCE, sizeof((uint32_t[]){ __VA_ARGS__ }) / 4, __VA_ARGS__
#define SET(...) AS_SET, sizeof((uint32_t[]){ __VA_ARGS__ }) / 4, __VA_ARGS__
#define PATH(w, ...) path_attrs(&(w), (const uint32_t[]){ __VA_ARGS__, 0 })

TEST(invalid_asns_are_arouteservers_list_with_their_boundaries)
{
	static const uint32_t invalid[] = {
		0, 23456, 64496, 64511, 64512, 65000, 65534, 65535, 65536, 65551, 65552,
		100000, 131071, 4200000000u, 4294967294u, 4294967295u,
	};
	static const uint32_t valid[] = {
		1, 174, 23455, 23457, 64495, 131072, 196608, 4199999999u,
		/* IANA-reserved 64198-64495 is deliberately not rejected (arouteserver) */
		64198, 64300,
	};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (!asn_is_invalid(invalid[i])) {
			fprintf(stderr, "  AS%u should be invalid\n", invalid[i]);
			CHECK(0);
		}
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (asn_is_invalid(valid[i])) {
			fprintf(stderr, "  AS%u should be valid\n", valid[i]);
			CHECK(0);
		}
}

TEST(asn_set_is_sorted_unique_and_answers_membership)
{
	struct asn_set s = { 0 };
	CHECK(!asn_set_has(&s, 1));
	asn_set_add(&s, (const uint32_t[]){ 3356, 174, 3356, 4294967295u }, 4);
	asn_set_add(&s, (const uint32_t[]){ 174, 1 }, 2);
	CHECK_EQ_INT(s.n, 4);
	CHECK_EQ_INT(s.v[0], 1);
	CHECK_EQ_INT(s.v[1], 174);
	CHECK_EQ_INT(s.v[2], 3356);
	CHECK_EQ_INT(s.v[3], 4294967295u);
	CHECK(asn_set_has(&s, 174));
	CHECK(asn_set_has(&s, 4294967295u));
	CHECK(!asn_set_has(&s, 175));
	CHECK(!asn_set_has(&s, 0));
	asn_set_free(&s);
	CHECK_EQ_INT(s.n, 0);
}

/* The reference list equals the one in arouteserver's general.yml when the
 * shared data is there. */
TEST(transit_free_reference_matches_arouteserver_general_yml)
{
	const char *dir = getenv("IXPD_SHARED_DATA");
	char path[512];
	snprintf(path, sizeof(path), "%s/lists/DERIVED-transit-free-and-never-via-rs-asns.txt",
	    dir ? dir : "../shared/data");
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		printf("  skip: %s not found (shared data absent)\n", path);
		return;
	}
	struct asn_set want = { 0 }, have = { 0 };
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		unsigned long asn;
		if (sscanf(line, "arouteserver\t%lu", &asn) == 1)
			asn_set_add(&want, &(uint32_t){ (uint32_t)asn }, 1);
	}
	fclose(f);
	asn_set_add(&have, asn_transit_free_reference, asn_transit_free_reference_n);
	CHECK_EQ_INT(have.n, asn_transit_free_reference_n);
	CHECK_EQ_INT(want.n, have.n);
	for (size_t i = 0; i < want.n && i < have.n; i++)
		CHECK_EQ_INT(want.v[i], have.v[i]);
	asn_set_free(&want);
	asn_set_free(&have);
}

TEST(as_set_names_normalise_like_arouteserver)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "AS-FOO", "AS-FOO" },
		{ "as-foo_bar-1", "AS-FOO_BAR-1" },
		{ "AS64496", "AS64496" },
		{ "as64496:as-cust", "AS64496:AS-CUST" },
		{ "AS-ROGERS:AS-CUSTOMERS", "AS-ROGERS:AS-CUSTOMERS" },
		{ "RIPE::AS-FOO", "RIPE::AS-FOO" },
		{ "ripe::as3303:as-swcmglobal", "ripe::AS3303:AS-SWCMGLOBAL" },
	};
	static const char *const bad[] = {
		"", "AS", "AS-", "AS-FOO-", "AS-FOO_", "FOO", "RS-FOO", "AS12X", "AS1:AS2",
		"AS-FOO:", ":AS-FOO", "AS-FOO::AS-BAR", "R1PE::AS-FOO", "::AS-FOO", "AS-F OO",
		"AS-FOO:RS-BAR", "AS-FÖÖ",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", ok[i].in);
		CHECK(as_set_name_normalise(buf));
		CHECK_EQ_STR(buf, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		if (as_set_name_normalise(buf)) {
			fprintf(stderr, "  '%s' should be refused\n", bad[i]);
			CHECK(0);
		}
	}
}

TEST(invalid_asn_found_in_any_position_including_sets)
{
	struct wbuf w = { 0 };
	uint32_t found = 1;
	PATH(w, SEQ(52001, 3356, 174));
	CHECK(!as_path_has_invalid(w.data, w.len, &found));
	PATH(w, SEQ(52001, 3356, 64512));
	CHECK(as_path_has_invalid(w.data, w.len, &found));
	CHECK_EQ_INT(found, 64512);
	PATH(w, SEQ(52001), SET(1, 23456));
	CHECK(as_path_has_invalid(w.data, w.len, &found));
	CHECK_EQ_INT(found, 23456);
	PATH(w, SEQ(0, 52001));
	CHECK(as_path_has_invalid(w.data, w.len, &found));
	CHECK_EQ_INT(found, 0);
	wbuf_free(&w);
}

TEST(transit_free_ignores_the_members_own_asn_wherever_it_is)
{
	struct asn_set tf = { 0 };
	asn_set_add(&tf, asn_transit_free_reference, asn_transit_free_reference_n);
	struct wbuf w = { 0 };
	uint32_t found = 0;
	/* a transit-free member announcing its own routes, prepended */
	PATH(w, SEQ(174, 174, 174, 52001));
	CHECK(!as_path_has_transit_free(w.data, w.len, &tf, 174, &found));
	/* another transit-free network behind a transit-free member */
	PATH(w, SEQ(174, 3356, 52001));
	CHECK(as_path_has_transit_free(w.data, w.len, &tf, 174, &found));
	CHECK_EQ_INT(found, 3356);
	/* a transit-free network behind an ordinary member, even as origin */
	PATH(w, SEQ(52001, 52002, 1299));
	CHECK(as_path_has_transit_free(w.data, w.len, &tf, 52001, &found));
	CHECK_EQ_INT(found, 1299);
	/* ... or inside an AS_SET */
	PATH(w, SEQ(52001), SET(52002, 6453));
	CHECK(as_path_has_transit_free(w.data, w.len, &tf, 52001, &found));
	CHECK_EQ_INT(found, 6453);
	/* the member itself is never flagged, not even past the first hop */
	PATH(w, SEQ(174, 52001, 174));
	CHECK(!as_path_has_transit_free(w.data, w.len, &tf, 174, NULL));
	/* an empty list flags nothing */
	struct asn_set none = { 0 };
	PATH(w, SEQ(52001, 174));
	CHECK(!as_path_has_transit_free(w.data, w.len, &none, 52001, NULL));
	wbuf_free(&w);
	asn_set_free(&tf);
}

TEST(never_via_rs_flags_every_position_including_the_member)
{
	struct asn_set nv = { 0 };
	asn_set_add(&nv, (const uint32_t[]){ 680, 3320 }, 2);
	struct wbuf w = { 0 };
	uint32_t found = 0;
	PATH(w, SEQ(3320, 52001));
	CHECK(as_path_has_never_via_rs(w.data, w.len, &nv, &found));
	CHECK_EQ_INT(found, 3320);
	PATH(w, SEQ(52001, 52002, 680));
	CHECK(as_path_has_never_via_rs(w.data, w.len, &nv, &found));
	CHECK_EQ_INT(found, 680);
	PATH(w, SEQ(52001, 52002));
	CHECK(!as_path_has_never_via_rs(w.data, w.len, &nv, &found));
	wbuf_free(&w);
	asn_set_free(&nv);
}

static bool match_above(uint32_t asn, const void *arg)
{
	return asn > *(const uint32_t *)arg;
}

TEST(as_path_find_reports_the_leftmost_match)
{
	struct wbuf w = { 0 };
	uint32_t found = 0, limit = 100;
	PATH(w, SEQ(1, 200, 300), SET(400));
	CHECK(as_path_find(w.data, w.len, match_above, &limit, &found));
	CHECK_EQ_INT(found, 200);
	limit = 1000;
	CHECK(!as_path_find(w.data, w.len, match_above, &limit, &found));
	wbuf_free(&w);
}

TEST(missing_empty_or_truncated_as_path_is_read_safely)
{
	uint32_t hops[4];
	/* no AS_PATH attribute at all */
	static const uint8_t origin_only[] = { 0x40, ATTR_ORIGIN, 1, 0 };
	CHECK(!as_path_has_invalid(origin_only, sizeof(origin_only), NULL));
	CHECK_EQ_INT(as_path_hops(origin_only, sizeof(origin_only), hops, 4), 0);
	/* empty AS_PATH (iBGP-style, refused elsewhere by the left-most check) */
	static const uint8_t empty[] = { 0x40, ATTR_AS_PATH, 0 };
	CHECK(!as_path_has_invalid(empty, sizeof(empty), NULL));
	CHECK_EQ_INT(as_path_hops(empty, sizeof(empty), hops, 4), 0);
	/* segment claims 3 ASNs, holds 1 and a half: only complete segments count */
	static const uint8_t trunc[] = {
		0x40, ATTR_AS_PATH, 14,
		AS_SEQUENCE, 1, 0, 0, 0xcb, 0x21,
		AS_SEQUENCE, 3, 0, 0, 0xfc, 0x00, 0, 0,
	};
	CHECK(!as_path_has_invalid(trunc, sizeof(trunc), NULL));
	CHECK_EQ_INT(as_path_hops(trunc, sizeof(trunc), hops, 4), 1);
	CHECK_EQ_INT(hops[0], 52001);
	/* attribute length beyond the buffer: attr_find refuses it */
	static const uint8_t overlong[] = { 0x40, ATTR_AS_PATH, 200, AS_SEQUENCE, 1, 0, 0, 0, 0 };
	CHECK(!as_path_has_invalid(overlong, sizeof(overlong), NULL));
}

TEST(hops_collapse_prepends_across_segments_and_refuse_sets)
{
	struct wbuf w = { 0 };
	uint32_t hops[8];
	PATH(w, SEQ(52001, 52001, 52001, 3356, 3356), SEQ(3356, 1299, 52001));
	CHECK_EQ_INT(as_path_hops(w.data, w.len, hops, 8), 4);
	CHECK_EQ_INT(hops[0], 52001);
	CHECK_EQ_INT(hops[1], 3356);
	CHECK_EQ_INT(hops[2], 1299);
	/* not a prepend: the same AS again after another one */
	CHECK_EQ_INT(hops[3], 52001);
	/* too small a buffer: the count still says how many */
	uint32_t two[2] = { 0, 0 };
	CHECK_EQ_INT(as_path_hops(w.data, w.len, two, 2), 4);
	CHECK_EQ_INT(two[0], 52001);
	CHECK_EQ_INT(two[1], 3356);
	CHECK_EQ_INT(as_path_hops(w.data, w.len, NULL, 0), 4);
	PATH(w, SEQ(52001, 3356), SET(1, 2));
	CHECK_EQ_INT(as_path_hops(w.data, w.len, hops, 8), AS_PATH_HAS_SET);
	wbuf_free(&w);
}
