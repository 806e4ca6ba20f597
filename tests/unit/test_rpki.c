/* SPDX-License-Identifier: ISC */
/* RPKI: VRP table and RFC 6811 origin validation, ASPA upstream
 * verification (draft-ietf-sidrops-aspa-verification), JSON loaders. */
#include "testlib.h"

#include <time.h>
#include <unistd.h>

#include "rpki.h"

#define DATA "tests/data/rpki/"

static struct prefix pfx(const char *s)
{
	struct prefix p;
	if (prefix_parse(s, &p) < 0) {
		fprintf(stderr, "bad test prefix %s\n", s);
		abort();
	}
	return p;
}

static struct vrp V(const char *prefix, uint32_t asn, uint8_t max_len)
{
	return (struct vrp){ .prefix = pfx(prefix), .asn = asn, .max_len = max_len };
}

static enum rov_state rov(const struct vrp_table *t, const char *prefix, uint32_t origin)
{
	struct prefix p = pfx(prefix);
	return rov_validate(t, &p, origin);
}

static struct vrp_table *table_of(const struct vrp *v, size_t n)
{
	struct vrp_table *t = vrp_table_new();
	for (size_t i = 0; i < n; i++)
		vrp_table_add(t, &v[i]);
	return t;
}

/* --- RFC 6811 -------------------------------------------------------------- */

TEST(route_without_covering_vrp_is_not_found)
{
	struct vrp v[] = { V("192.0.2.0/24", 64500, 24) };
	struct vrp_table *t = table_of(v, 1);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 64500), ROV_NOT_FOUND);
	/* a less specific route is not covered by the VRP */
	CHECK_EQ_INT(rov(t, "192.0.0.0/16", 64500), ROV_NOT_FOUND);
	vrp_table_free(t);
}

TEST(matching_origin_within_max_length_is_valid)
{
	struct vrp v[] = { V("198.51.100.0/22", 64501, 24) };
	struct vrp_table *t = table_of(v, 1);
	CHECK_EQ_INT(rov(t, "198.51.100.0/22", 64501), ROV_VALID);
	CHECK_EQ_INT(rov(t, "198.51.101.0/24", 64501), ROV_VALID);
	vrp_table_free(t);
}

TEST(longer_than_max_length_or_other_origin_is_invalid)
{
	struct vrp v[] = { V("198.51.100.0/22", 64501, 24) };
	struct vrp_table *t = table_of(v, 1);
	CHECK_EQ_INT(rov(t, "198.51.100.0/25", 64501), ROV_INVALID);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 64502), ROV_INVALID);
	vrp_table_free(t);
}

TEST(any_matching_vrp_makes_valid_whatever_the_others_say)
{
	/* a less specific VRP of another AS, a more specific one of ours */
	struct vrp v[] = {
		V("198.51.100.0/22", 64509, 22), V("198.51.100.0/24", 64501, 24),
		V("198.51.100.0/24", 64501, 25), V("198.51.100.0/24", 64500, 24),
	};
	struct vrp_table *t = table_of(v, 4);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 64501), ROV_VALID);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 64500), ROV_VALID);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 64509), ROV_INVALID);
	vrp_table_free(t);
}

TEST(several_max_lengths_of_one_origin_use_the_longest)
{
	struct vrp v[] = { V("2001:db8::/32", 64502, 32), V("2001:db8::/32", 64502, 48) };
	struct vrp_table *t = table_of(v, 2);
	CHECK_EQ_INT(rov(t, "2001:db8:1::/48", 64502), ROV_VALID);
	CHECK_EQ_INT(rov(t, "2001:db8:1::/49", 64502), ROV_INVALID);
	CHECK_EQ_INT(rov(t, "2001:db9::/32", 64502), ROV_NOT_FOUND);
	vrp_table_free(t);
}

TEST(as0_vrp_makes_covered_routes_invalid)
{
	struct vrp v[] = { V("203.0.113.0/24", 0, 32) };
	struct vrp_table *t = table_of(v, 1);
	CHECK_EQ_INT(rov(t, "203.0.113.0/24", 64500), ROV_INVALID);
	/* origin 0 (AS_SET or empty path) never matches, not even AS0 */
	CHECK_EQ_INT(rov(t, "203.0.113.0/24", 0), ROV_INVALID);
	vrp_table_free(t);
}

TEST(route_ending_in_as_set_is_not_found_or_invalid)
{
	struct vrp v[] = { V("192.0.2.0/24", 64500, 24) };
	struct vrp_table *t = table_of(v, 1);
	CHECK_EQ_INT(rov(t, "192.0.2.0/24", 0), ROV_INVALID);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 0), ROV_NOT_FOUND);
	vrp_table_free(t);
}

TEST(malformed_vrps_are_refused)
{
	struct vrp_table *t = vrp_table_new();
	struct vrp shorter = V("192.0.2.0/24", 64500, 23);
	struct vrp too_long = V("192.0.2.0/24", 64500, 33);
	struct vrp v6_too_long = V("2001:db8::/32", 64500, 129);
	CHECK_EQ_INT(vrp_table_add(t, &shorter), -1);
	CHECK_EQ_INT(vrp_table_add(t, &too_long), -1);
	CHECK_EQ_INT(vrp_table_add(t, &v6_too_long), -1);
	CHECK_EQ_INT(vrp_table_remove(t, &shorter), -1);
	CHECK_EQ_INT(vrp_table_count(t), 0);
	vrp_table_free(t);
}

TEST(vrp_held_by_two_sources_stays_until_both_remove_it)
{
	struct vrp_table *t = vrp_table_new();
	struct vrp a = V("192.0.2.0/24", 64500, 24);
	CHECK_EQ_INT(vrp_table_add(t, &a), 1);
	CHECK_EQ_INT(vrp_table_add(t, &a), 0);
	CHECK_EQ_INT(vrp_table_count(t), 1);
	CHECK_EQ_INT(vrp_table_remove(t, &a), 0);
	CHECK_EQ_INT(rov(t, "192.0.2.0/24", 64500), ROV_VALID);
	CHECK_EQ_INT(vrp_table_remove(t, &a), 1);
	CHECK_EQ_INT(rov(t, "192.0.2.0/24", 64500), ROV_NOT_FOUND);
	CHECK_EQ_INT(vrp_table_remove(t, &a), 0);
	CHECK_EQ_INT(vrp_table_count(t), 0);
	vrp_table_free(t);
}

TEST(removing_one_vrp_keeps_the_others_of_the_prefix)
{
	struct vrp v[] = { V("192.0.2.0/24", 64500, 24), V("192.0.2.0/24", 64501, 24),
	    V("192.0.2.0/24", 64500, 25) };
	struct vrp_table *t = table_of(v, 3);
	CHECK_EQ_INT(vrp_table_count(t), 3);
	CHECK_EQ_INT(vrp_table_remove(t, &v[0]), 1);
	CHECK_EQ_INT(rov(t, "192.0.2.0/24", 64500), ROV_VALID);   /* via max 25 */
	CHECK_EQ_INT(rov(t, "192.0.2.0/24", 64501), ROV_VALID);
	CHECK_EQ_INT(vrp_table_count(t), 2);
	vrp_table_free(t);
}

TEST(apply_counts_only_changes_of_content)
{
	struct vrp_table *t = vrp_table_new();
	struct vrp_change c[] = {
		{ V("192.0.2.0/24", 64500, 24), true },
		{ V("192.0.2.0/24", 64500, 24), true },      /* second holder */
		{ V("198.51.100.0/24", 64501, 24), false },  /* absent */
		{ V("192.0.2.0/24", 64500, 24), false },     /* one holder left */
		{ V("2001:db8::/32", 64502, 48), true },
	};
	CHECK_EQ_INT(vrp_table_apply(t, c, 5), 2);
	CHECK_EQ_INT(vrp_table_count(t), 2);
	vrp_table_free(t);
}

static bool has_change(const struct vrp_change *c, size_t n, const char *prefix, uint32_t asn,
    uint8_t max_len, bool added)
{
	struct prefix p = pfx(prefix);
	for (size_t i = 0; i < n; i++)
		if (prefix_equal(&c[i].vrp.prefix, &p) && c[i].vrp.asn == asn &&
		    c[i].vrp.max_len == max_len && c[i].added == added)
			return true;
	return false;
}

TEST(diff_lists_removed_then_added_vrps)
{
	struct vrp a[] = { V("192.0.2.0/24", 64500, 24), V("198.51.100.0/22", 64501, 24),
	    V("2001:db8::/32", 64502, 48) };
	struct vrp b[] = { V("192.0.2.0/24", 64500, 24), V("198.51.100.0/22", 64509, 24),
	    V("2001:db8::/32", 64502, 40), V("203.0.113.0/24", 0, 24) };
	struct vrp_table *ta = table_of(a, 3), *tb = table_of(b, 4);
	struct vrp_change *c;
	size_t n = vrp_table_diff(ta, tb, &c);
	CHECK_EQ_INT(n, 5);
	CHECK(has_change(c, n, "198.51.100.0/22", 64501, 24, false));
	CHECK(has_change(c, n, "2001:db8::/32", 64502, 48, false));
	CHECK(has_change(c, n, "198.51.100.0/22", 64509, 24, true));
	CHECK(has_change(c, n, "2001:db8::/32", 64502, 40, true));
	CHECK(has_change(c, n, "203.0.113.0/24", 0, 24, true));
	for (size_t i = 1; i < n; i++)
		CHECK(!(c[i - 1].added && !c[i].added));     /* removals first */
	/* applying the diff turns a into b */
	vrp_table_apply(ta, c, n);
	free(c);
	CHECK_EQ_INT(vrp_table_diff(ta, tb, &c), 0);
	CHECK(c == NULL);
	vrp_table_free(ta);
	vrp_table_free(tb);
}

TEST(diff_against_empty_table_lists_every_vrp)
{
	struct vrp a[] = { V("192.0.2.0/24", 64500, 24), V("192.0.2.0/24", 64501, 24) };
	struct vrp_table *ta = table_of(a, 2), *empty = vrp_table_new();
	struct vrp_change *c;
	size_t n = vrp_table_diff(empty, ta, &c);
	CHECK_EQ_INT(n, 2);
	CHECK(has_change(c, n, "192.0.2.0/24", 64501, 24, true));
	free(c);
	vrp_table_free(ta);
	vrp_table_free(empty);
}

TEST(state_names)
{
	CHECK_EQ_STR(rov_state_str(ROV_VALID), "valid");
	CHECK_EQ_STR(rov_state_str(ROV_INVALID), "invalid");
	CHECK_EQ_STR(rov_state_str(ROV_NOT_FOUND), "not-found");
	CHECK_EQ_STR(aspa_state_str(ASPA_UNKNOWN), "unknown");
}

/* --- ASPA ------------------------------------------------------------------ */

/* 64500 -> {64510, 64511}, 64510 -> {64520}, 64520 -> {} (no providers),
 * 64530 -> {0} (AS0: no providers either). */
static struct aspa_table *sample_aspas(void)
{
	static const uint32_t p500[] = { 64511, 64510 }, p510[] = { 64520 }, p530[] = { 0 };
	struct aspa r[] = {
		{ 64500, p500, 2 }, { 64510, p510, 1 }, { 64520, NULL, 0 }, { 64530, p530, 1 },
	};
	return aspa_table_new(r, 4);
}

#define PATH(...) (const uint32_t[]){ __VA_ARGS__ }, sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4

TEST(aspa_hop_check_tells_provider_not_provider_and_unattested)
{
	struct aspa_table *t = sample_aspas();
	CHECK_EQ_INT(aspa_table_count(t), 4);
	CHECK_EQ_INT(aspa_hop_check(t, 64500, 64510), ASPA_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(t, 64500, 64511), ASPA_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(t, 64500, 64520), ASPA_NOT_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(t, 64599, 64500), ASPA_NO_ATTESTATION);
	CHECK_EQ_INT(aspa_hop_check(t, 64520, 64500), ASPA_NOT_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(t, 64530, 0), ASPA_NOT_PROVIDER);
	aspa_table_free(t);
}

TEST(aspa_records_of_one_customer_are_merged)
{
	static const uint32_t a[] = { 64510, 64511 }, b[] = { 64511, 64512 };
	struct aspa r[] = { { 64500, a, 2 }, { 64500, b, 2 } };
	struct aspa_table *t = aspa_table_new(r, 2);
	CHECK_EQ_INT(aspa_table_count(t), 1);
	CHECK_EQ_INT(aspa_hop_check(t, 64500, 64510), ASPA_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(t, 64500, 64512), ASPA_PROVIDER);
	aspa_table_free(t);
}

TEST(aspa_step1_empty_path_is_invalid)
{
	struct aspa_table *t = sample_aspas();
	CHECK_EQ_INT(aspa_verify_upstream(t, NULL, 0, false), ASPA_INVALID);
	aspa_table_free(t);
}

TEST(aspa_step2_as_set_is_invalid)
{
	struct aspa_table *t = sample_aspas();
	/* the hops alone would be valid */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64510, 64500), true), ASPA_INVALID);
	aspa_table_free(t);
}

TEST(aspa_step3_prepends_are_collapsed)
{
	struct aspa_table *t = sample_aspas();
	/* 64500 prepended: the hop 64500 -> 64500 is no "not provider" */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64520, 64510, 64510, 64500, 64500, 64500), false),
	    ASPA_VALID);
	/* a client announcing its own route, prepended */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64520, 64520), false), ASPA_VALID);
	aspa_table_free(t);
}

TEST(aspa_single_as_path_is_valid)
{
	struct aspa_table *t = sample_aspas();
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64599), false), ASPA_VALID);
	aspa_table_free(t);
}

TEST(aspa_step4_not_provider_hop_is_invalid)
{
	struct aspa_table *t = sample_aspas();
	/* 64500's providers are 64510, 64511: 64530 is a leak */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64530, 64500), false), ASPA_INVALID);
	/* 64520 has no provider at all: it cannot be below anyone */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64599, 64520), false), ASPA_INVALID);
	/* invalid beats an unattested hop nearer the neighbour */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64598, 64599, 64530, 64500), false), ASPA_INVALID);
	/* and one nearer the origin */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64501, 64520, 64599), false), ASPA_INVALID);
	aspa_table_free(t);
}

TEST(aspa_step5_unattested_hop_is_unknown)
{
	struct aspa_table *t = sample_aspas();
	/* 64599 has no ASPA: whether 64510 is its provider is unknown */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64510, 64599), false), ASPA_UNKNOWN);
	/* unattested at the origin, attested above */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64520, 64510, 64500, 64599), false), ASPA_UNKNOWN);
	aspa_table_free(t);
}

TEST(aspa_step6_attested_up_ramp_is_valid)
{
	struct aspa_table *t = sample_aspas();
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64520, 64510, 64500), false), ASPA_VALID);
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64511, 64500), false), ASPA_VALID);
	aspa_table_free(t);
}

TEST(aspa_down_ramp_from_a_client_is_invalid)
{
	struct aspa_table *t = sample_aspas();
	/* 64500 learned the route from its provider 64510 and leaks it to
	 * the route server: 64510 -> 64500 is a down hop. */
	CHECK_EQ_INT(aspa_verify_upstream(t, PATH(64500, 64510), false), ASPA_INVALID);
	aspa_table_free(t);
}

/* --- JSON loaders ---------------------------------------------------------- */

/* 2024-05-01T12:00:00Z, the fixtures' build time; ROAs expire 1800000000. */
#define FIXTURE_BUILT 1714564800

static const struct rpki_load_opts at_build_time = { .now = FIXTURE_BUILT + 60, .max_age = 21600 };

TEST(loads_rpki_client_export)
{
	struct vrp_table *t = NULL;
	struct aspa_table *a = NULL;
	struct rpki_load_stats st;
	char err[256] = "";
	int r = rpki_load_json(DATA "rpki-client.json", &at_build_time, &t, &a, &st, err, sizeof(err));
	CHECK_EQ_INT(r, 0);
	if (r < 0) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_EQ_INT(st.roas, 9);
	CHECK_EQ_INT(st.expired, 2);        /* a ROA and an ASPA */
	CHECK_EQ_INT(st.invalid, 0);
	CHECK_EQ_INT(st.built, FIXTURE_BUILT);
	/* the same VRP under two TAs counts once */
	CHECK_EQ_INT(vrp_table_count(t), 7);
	CHECK_EQ_INT(st.vrps, 7);
	CHECK_EQ_INT(rov(t, "192.0.2.0/24", 64500), ROV_VALID);
	CHECK_EQ_INT(rov(t, "198.51.101.0/24", 64501), ROV_VALID);      /* "AS64501" */
	CHECK_EQ_INT(rov(t, "2001:db8:1::/48", 64502), ROV_VALID);       /* "64502", upper case */
	CHECK_EQ_INT(rov(t, "203.0.113.0/24", 64500), ROV_INVALID);      /* AS0 */
	CHECK_EQ_INT(rov(t, "100.64.0.0/10", 64504), ROV_NOT_FOUND);     /* expired */
	CHECK_EQ_INT(rov(t, "2001:db8:ffff::/48", 64505), ROV_VALID);    /* jsonext "source" */
	CHECK_EQ_INT(rov(t, "192.0.2.128/25", 4200000000u), ROV_VALID);
	/* ASPA: two records of 64500 merged, the expired one dropped */
	CHECK_EQ_INT(st.aspas, 4);
	CHECK_EQ_INT(aspa_table_count(a), 2);
	CHECK_EQ_INT(aspa_hop_check(a, 64500, 64513), ASPA_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(a, 64500, 64511), ASPA_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(a, 64599, 64512), ASPA_NO_ATTESTATION);
	vrp_table_free(t);
	aspa_table_free(a);
}

TEST(without_time_checks_expired_entries_are_kept)
{
	struct vrp_table *t;
	struct aspa_table *a;
	char err[256];
	CHECK_EQ_INT(rpki_load_json(DATA "rpki-client.json", NULL, &t, &a, NULL, err, sizeof(err)), 0);
	CHECK_EQ_INT(vrp_table_count(t), 8);
	CHECK_EQ_INT(aspa_table_count(a), 3);
	vrp_table_free(t);
	aspa_table_free(a);
}

TEST(trust_anchor_filter_is_case_insensitive)
{
	char *names[] = { "RIPE", "ripe ncc rpki root" };
	struct cfg_str_list tas = { names, 2 };
	struct rpki_load_opts o = { .allowed_tas = &tas };
	struct vrp_table *t;
	struct rpki_load_stats st;
	char err[256];
	CHECK_EQ_INT(rpki_load_json(DATA "rpki-client.json", &o, &t, NULL, &st, err, sizeof(err)), 0);
	/* ripe: 192.0.2.0/24, 100.64.0.0/10, 2001:db8:ffff::/48; RIPE NCC: 198.51.100.0/22 */
	CHECK_EQ_INT(vrp_table_count(t), 4);
	CHECK_EQ_INT(st.other_ta, 5);
	CHECK_EQ_INT(rov(t, "2001:db8::/32", 64502), ROV_NOT_FOUND);     /* apnic */
	vrp_table_free(t);
}

TEST(aspa_trust_anchor_filter_applies_when_ta_is_given)
{
	char *names[] = { "ripe" };
	struct cfg_str_list tas = { names, 1 };
	struct rpki_load_opts o = { .allowed_tas = &tas };
	struct vrp_table *t;
	struct aspa_table *a;
	char err[256];
	CHECK_EQ_INT(rpki_load_json(DATA "ripe-validator.json", &o, &t, &a, NULL, err, sizeof(err)), 0);
	CHECK_EQ_INT(vrp_table_count(t), 0);          /* "RIPE NCC RPKI Root" is not "ripe" */
	CHECK_EQ_INT(aspa_table_count(a), 2);         /* AS43 is under arin */
	CHECK_EQ_INT(aspa_hop_check(a, 3333, 25152), ASPA_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(a, 3333, 1103), ASPA_PROVIDER);
	CHECK_EQ_INT(aspa_hop_check(a, 3334, 1103), ASPA_NOT_PROVIDER);  /* empty list */
	CHECK_EQ_INT(aspa_hop_check(a, 43, 293), ASPA_NO_ATTESTATION);
	vrp_table_free(t);
	aspa_table_free(a);
}

TEST(loads_ripe_validator_cache_format)
{
	struct vrp_table *t;
	char err[256];
	CHECK_EQ_INT(rpki_load_json(DATA "ripe-validator.json", NULL, &t, NULL, NULL, err, sizeof(err)), 0);
	CHECK_EQ_INT(vrp_table_count(t), 2);
	CHECK_EQ_INT(rov(t, "2001:7fd::/48", 25152), ROV_VALID);
	vrp_table_free(t);
}

TEST(loads_draft_v0_provider_authorizations)
{
	struct vrp_table *t;
	struct aspa_table *a;
	struct rpki_load_stats st;
	char err[256];
	CHECK_EQ_INT(rpki_load_json(DATA "aspa-v0.json", &at_build_time, &t, &a, &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.aspas, 3);
	CHECK_EQ_INT(aspa_table_count(a), 2);
	CHECK_EQ_INT(aspa_hop_check(a, 64500, 64510), ASPA_PROVIDER);    /* ipv4 list */
	CHECK_EQ_INT(aspa_hop_check(a, 64500, 64511), ASPA_PROVIDER);    /* ipv6 list */
	CHECK_EQ_INT(aspa_hop_check(a, 64501, 64512), ASPA_PROVIDER);
	vrp_table_free(t);
	aspa_table_free(a);
}

TEST(roa_without_ta_is_refused_when_trust_anchors_are_filtered)
{
	static const char doc[] = "[{\"asn\": 1, \"prefix\": \"1.0.0.0/24\", \"maxLength\": 24}]";
	char *names[] = { "ripe" };
	struct cfg_str_list tas = { names, 1 };
	struct rpki_load_opts o = { .allowed_tas = &tas };
	struct vrp_table *t;
	struct rpki_load_stats st;
	char err[256];
	CHECK_EQ_INT(rpki_parse_json("bare", doc, sizeof(doc) - 1, &o, &t, NULL, &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.invalid, 1);
	CHECK_EQ_INT(vrp_table_count(t), 0);
	vrp_table_free(t);
	/* without a filter the bare array is fine */
	CHECK_EQ_INT(rpki_parse_json("bare", doc, sizeof(doc) - 1, NULL, &t, NULL, &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(vrp_table_count(t), 1);
	vrp_table_free(t);
}

TEST(stale_export_is_refused)
{
	struct rpki_load_opts o = { .now = FIXTURE_BUILT + 21601, .max_age = 21600 };
	struct vrp_table *t = NULL;
	char err[256] = "";
	CHECK_EQ_INT(rpki_load_json(DATA "rpki-client.json", &o, &t, NULL, NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "ignore_cache_files_older_than") != NULL);
	CHECK(strstr(err, DATA "rpki-client.json:2:") == err);
	CHECK(t == NULL);
	/* max_age 0: no age check */
	o.max_age = 0;
	CHECK_EQ_INT(rpki_load_json(DATA "rpki-client.json", &o, &t, NULL, NULL, err, sizeof(err)), 0);
	vrp_table_free(t);
}

TEST(export_past_its_validity_is_refused)
{
	/* OctoRPKI: metadata.generated and metadata.valid */
	static const char doc[] = "{\"metadata\": {\"generated\": 1000, \"valid\": 2000}, \"roas\": []}";
	struct rpki_load_opts o = { .now = 3000, .max_age = 21600 };
	struct vrp_table *t;
	char err[256] = "";
	CHECK_EQ_INT(rpki_parse_json("octo", doc, sizeof(doc) - 1, &o, &t, NULL, NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "valid only until") != NULL);
	o.now = 1500;
	CHECK_EQ_INT(rpki_parse_json("octo", doc, sizeof(doc) - 1, &o, &t, NULL, NULL, err, sizeof(err)), 0);
	vrp_table_free(t);
}

TEST(malformed_entries_are_skipped_up_to_the_limit)
{
	struct vrp_table *t;
	struct aspa_table *a;
	struct rpki_load_stats st;
	char err[256] = "";
	int r = rpki_load_json(DATA "malformed-entries.json", NULL, &t, &a, &st, err, sizeof(err));
	CHECK_EQ_INT(r, 0);
	if (r < 0) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_EQ_INT(st.invalid, RPKI_MAX_INVALID);
	CHECK_EQ_INT(vrp_table_count(t), 2);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 64502), ROV_VALID);
	CHECK_EQ_INT(rov(t, "198.51.100.0/24", 64501), ROV_INVALID);     /* maxLength 24.5 */
	CHECK_EQ_INT(aspa_table_count(a), 1);
	vrp_table_free(t);
	aspa_table_free(a);
}

TEST(too_many_malformed_entries_fail_the_load_with_the_line)
{
	char doc[2048] = "{\"roas\": [\n";
	for (int i = 0; i <= RPKI_MAX_INVALID; i++)
		strcat(doc, "{\"asn\": 1, \"prefix\": \"bad\", \"maxLength\": 24},\n");
	strcat(doc, "{\"asn\": 1, \"prefix\": \"1.0.0.0/24\", \"maxLength\": 24}]}");
	struct vrp_table *t = NULL;
	char err[256] = "";
	CHECK_EQ_INT(rpki_parse_json("many", doc, strlen(doc), NULL, &t, NULL, NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "many:12: more than 10 malformed entries") == err);
	CHECK(t == NULL);
}

TEST(json_syntax_error_names_file_and_line)
{
	struct vrp_table *t = NULL;
	char err[256] = "";
	CHECK_EQ_INT(rpki_load_json(DATA "syntax-error.json", NULL, &t, NULL, NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, DATA "syntax-error.json:4: JSON") == err);
	CHECK(t == NULL);
}

TEST(documents_that_are_not_exports_are_refused)
{
	static const struct { const char *doc, *msg; } cases[] = {
		{ "", "unexpected end of input" },
		{ "{}", "no \"roas\" list" },
		{ "{\"roas\": {}}", "\"roas\" is not a list" },
		{ "{\"roas\": []} x", "trailing data" },
		{ "{\"roas\": [], \"roas\": []}", "appears twice" },
		{ "{\"roas\": [], \"aspas\": {}}", "\"aspas\" is not a list" },
		{ "{\"roas\": [{\"prefix\": \"1.0.0.0/8\001\"}]}", "control character" },
		{ "{\"roas\": [{\"asn\": 1, \"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]}",
		  "nested deeper" },
		{ "{\"metadata\": {\"buildtime\": \"yesterday\"}, \"roas\": []}", "bad build time" },
		{ "{\"roas\": [1 2]}", "expected ']'" },
		{ "{\"roas\": [{\"asn\": tru}]}", "unexpected character" },
		{ "{\"roas\": [{\"asn\": \"\\q\"}]}", "bad escape" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vrp_table *t = NULL;
		char err[256] = "";
		int r = rpki_parse_json("doc", cases[i].doc, strlen(cases[i].doc), NULL, &t, NULL, NULL,
		    err, sizeof(err));
		CHECK_EQ_INT(r, -1);
		if (strstr(err, cases[i].msg) == NULL)
			fprintf(stderr, "  case %zu: \"%s\" does not say \"%s\"\n", i, err, cases[i].msg);
		CHECK(strstr(err, cases[i].msg) != NULL);
		vrp_table_free(t);
	}
}

TEST(every_truncation_of_an_export_fails_cleanly)
{
	FILE *f = fopen(DATA "rpki-client.json", "rb");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	char buf[8192];
	size_t len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* The last complete document ends at the final '}'. */
	while (len > 0 && buf[len - 1] != '}')
		len--;
	for (size_t cut = 0; cut < len; cut++) {
		/* copied so that ASan sees any read past the cut */
		char *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		struct vrp_table *t = NULL;
		struct aspa_table *a = NULL;
		char err[256];
		int r = rpki_parse_json("cut", copy, cut, NULL, &t, &a, NULL, err, sizeof(err));
		if (r != -1)
			fprintf(stderr, "  cut at %zu parsed\n", cut);
		CHECK_EQ_INT(r, -1);
		free(copy);
	}
}

TEST(missing_file_is_reported)
{
	struct vrp_table *t;
	char err[256] = "";
	CHECK_EQ_INT(rpki_load_json(DATA "nonexistent.json", NULL, &t, NULL, NULL, err, sizeof(err)), -1);
	CHECK(strstr(err, "nonexistent.json: No such file") != NULL);
}

/* --- real data (../shared/data/rpki), skipped when absent ------------------ */

static const char *shared_dir(void)
{
	const char *dir = getenv("IXPD_SHARED_DATA");
	static char path[512];
	snprintf(path, sizeof(path), "%s/rpki", dir ? dir : "../shared/data");
	if (access(path, R_OK) != 0) {
		printf("  skipped: %s not found (set IXPD_SHARED_DATA)\n", path);
		return NULL;
	}
	return path;
}

TEST(loads_every_shared_sample)
{
	static const struct {
		const char *file;
		size_t roas, invalid, aspa_customers;
		long vrps;               /* -1: not checked */
	} files[] = {
		{ "real/vrps-5000-sample.massimocandela.json", 5000, 0, 0, -1 },
		{ "dn42/export_dn42.json", 3312, 3, 0, -1 },     /* "prefix": null, "asn": "AS" */
		{ "stayrtr/test.rpki.json", 19, 0, 2, -1 },     /* provider_authorizations */
		{ "stayrtr/smalltest.rpki.json", 2, 0, 0, 2 },
		{ "rtrtr/vrps.json", 2, 0, 0, 2 },
		{ "rtrtr/vrps-metadata.json", 2, 0, 0, 2 },
		{ "rtrtr/vrps.rpki-client.json", 2, 0, 0, 2 },
		{ "rtrtr/empty.json", 0, 0, 0, 0 },
		{ "routinator/output-111.json", 2, 0, 1, 1 },
		{ "routinator/output-111.jsonext.json", 2, 0, 1, 1 },
		{ "arouteserver/examples-rich-ripe-rpki-cache.json", 28, 0, 0, -1 },
		{ "arouteserver/live-global-ripe-rpki-cache.json", 14, 0, 0, 14 },
		{ "arouteserver/rpki_roas_octorpki-validity.json", 1, 0, 0, 1 },
		{ "arouteserver/rpki_roas_rpki-client_expired.json", 1, 0, 0, 1 },
		{ "arouteserver/rpki_aspas_ripe.json", 1, 0, 4, 1 },
		{ "arouteserver/rpki_aspas_ntt.json", 1, 0, 3, 1 },
		{ "arouteserver/rpki_aspas_invalid.json", 0, 5, 1, 0 },
		{ "bgpalerter/vrp.correct.json", 3, 0, 0, 3 },
	};
	const char *dir = shared_dir();
	if (dir == NULL)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[1024], err[512] = "";
		struct vrp_table *t = NULL;
		struct aspa_table *a = NULL;
		struct rpki_load_stats st;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].file);
		int r = rpki_load_json(path, NULL, &t, &a, &st, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "  %s\n", err);
			CHECK_EQ_INT(r, 0);
			continue;
		}
		if (st.roas != files[i].roas || st.invalid != files[i].invalid ||
		    st.aspa_customers != files[i].aspa_customers ||
		    (files[i].vrps >= 0 && (long)st.vrps != files[i].vrps))
			fprintf(stderr, "  %s: roas %zu invalid %zu aspa customers %zu vrps %zu\n",
			    files[i].file, st.roas, st.invalid, st.aspa_customers, st.vrps);
		CHECK_EQ_INT(st.roas, files[i].roas);
		CHECK_EQ_INT(st.invalid, files[i].invalid);
		CHECK_EQ_INT(st.aspa_customers, files[i].aspa_customers);
		if (files[i].vrps >= 0)
			CHECK_EQ_INT(st.vrps, files[i].vrps);
		vrp_table_free(t);
		aspa_table_free(a);
	}
}

TEST(shared_samples_validate_as_their_authors_expect)
{
	const char *dir = shared_dir();
	if (dir == NULL)
		return;
	char path[1024], err[512] = "";
	struct vrp_table *t;
	struct aspa_table *a;
	struct rpki_load_opts o = { .now = time(NULL) };
	/* arouteserver's "rpki" live test: AS101 may originate 2.0.128.0/20
	 * up to /23; AS102 announcing it is invalid. */
	snprintf(path, sizeof(path), "%s/arouteserver/live-rpki-ripe-rpki-cache.json", dir);
	if (rpki_load_json(path, NULL, &t, NULL, NULL, err, sizeof(err)) == 0) {
		CHECK_EQ_INT(rov(t, "2.0.128.0/23", 101), ROV_VALID);
		CHECK_EQ_INT(rov(t, "2.0.128.0/24", 101), ROV_INVALID);
		CHECK_EQ_INT(rov(t, "2.0.128.0/20", 102), ROV_INVALID);
		CHECK_EQ_INT(rov(t, "3002:0:8000::/34", 101), ROV_VALID);
		CHECK_EQ_INT(rov(t, "4.0.0.0/8", 101), ROV_NOT_FOUND);
		vrp_table_free(t);
	} else {
		fprintf(stderr, "  %s\n", err);
		CHECK(0);
	}
	/* arouteserver's NTT ASPA sample: AS666's ASPA has expired. */
	snprintf(path, sizeof(path), "%s/arouteserver/rpki_aspas_ntt.json", dir);
	if (rpki_load_json(path, &o, &t, &a, NULL, err, sizeof(err)) == 0) {
		CHECK_EQ_INT(aspa_table_count(a), 2);
		CHECK_EQ_INT(aspa_verify_upstream(a, PATH(25152, 3333), false), ASPA_VALID);
		CHECK_EQ_INT(aspa_verify_upstream(a, PATH(174, 3333), false), ASPA_INVALID);
		CHECK_EQ_INT(aspa_verify_upstream(a, PATH(1, 666), false), ASPA_UNKNOWN);
		vrp_table_free(t);
		aspa_table_free(a);
	} else {
		fprintf(stderr, "  %s\n", err);
		CHECK(0);
	}
}

/* --- scale ------------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A full Internet export today: ~500k VRPs, a fifth IPv6, in rpki-client's
 * layout.  Prints the time; ROV of every VRP's own route must be VALID. */
TEST(loads_half_a_million_vrps)
{
	enum { N = 500000 };
	char path[] = "/tmp/ixpd-rpki-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	FILE *f = fdopen(fd, "w");
	uint32_t x = 12345;
	fputs("{\n\t\"metadata\": { \"buildtime\": \"2024-05-01T12:00:00Z\" },\n\t\"roas\": [\n", f);
	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		if (i % 5 == 0)
			fprintf(f, "\t\t{ \"asn\": %u, \"prefix\": \"2001:%x:%x::/48\", \"maxLength\": 48, "
			    "\"ta\": \"ripe\", \"expires\": 1800000000 }", x % 400000 + 1,
			    0x400 + (x >> 8) % 0x3000, (unsigned)i & 0xffff);
		else
			fprintf(f, "\t\t{ \"asn\": %u, \"prefix\": \"%u.%u.%u.0/24\", \"maxLength\": 24, "
			    "\"ta\": \"ripe\", \"expires\": 1800000000 }", x % 400000 + 1,
			    1 + (x >> 8) % 222, (unsigned)i >> 8 & 0xff, (unsigned)i & 0xff);
		fputs(i + 1 < N ? ",\n" : "\n", f);
	}
	fputs("\t]\n}\n", f);
	fclose(f);

	struct vrp_table *t = NULL;
	struct rpki_load_stats st;
	char err[256] = "";
	char *names[] = { "apnic", "RIPE" };
	struct cfg_str_list tas = { names, 2 };
	struct rpki_load_opts o = { .allowed_tas = &tas, .now = FIXTURE_BUILT };
	double t0 = now_s();
	int r = rpki_load_json(path, &o, &t, NULL, &st, err, sizeof(err));
	double t1 = now_s();
	unlink(path);
	CHECK_EQ_INT(r, 0);
	if (r < 0) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_EQ_INT(st.roas, N);
	CHECK(vrp_table_count(t) > N * 99 / 100);
	/* every VRP's own route validates */
	struct vrp_change *all;
	struct vrp_table *empty = vrp_table_new();
	size_t n = vrp_table_diff(empty, t, &all);
	vrp_table_free(empty);
	double t2 = now_s();
	size_t valid = 0;
	for (size_t i = 0; i < n; i++)
		valid += rov_validate(t, &all[i].vrp.prefix, all[i].vrp.asn) == ROV_VALID;
	double t3 = now_s();
	CHECK_EQ_INT(valid, n);
	printf("  %d ROAs loaded in %.0f ms (%zu VRPs); %zu validations in %.0f ms\n", N,
	    (t1 - t0) * 1e3, vrp_table_count(t), n, (t3 - t2) * 1e3);
	free(all);
	vrp_table_free(t);
}

TEST(aspa_with_no_provider_anywhere_loads)
{
	/* Found by fuzz_rpki_json: no record names a provider, so the provider
	 * pool is empty; building the table must not do arithmetic on it. */
	static const char json[] = "{\"roas\":[],\"aspas\":[{\"customer_asid\":64500,\"providers\":[]}]}";
	struct vrp_table *vrps = NULL;
	struct aspa_table *aspas = NULL;
	struct rpki_load_stats st;
	char why[256];
	CHECK_EQ_INT(rpki_parse_json("t", json, sizeof(json) - 1, NULL, &vrps, &aspas, &st, why, sizeof(why)), 0);
	CHECK(aspas != NULL);
	if (aspas)
		CHECK_EQ_INT(aspa_table_count(aspas), 1);
	vrp_table_free(vrps);
	aspa_table_free(aspas);
}
