/* SPDX-License-Identifier: ISC */
/* The import policy end to end on one route: verdicts in arouteserver's
 * order, the attributes the route server keeps (informational communities,
 * scrubbing, blackhole next hop), and export control variants. */
#include "testlib.h"

#include <arpa/inet.h>

#include "bgp.h"
#include "bogons.h"
#include "irr.h"
#include "policy.h"
#include "policy_fixture.h"
#include "rib.h"
#include "rpki.h"
#include "whois_dump.h"

#define MEMBER_AS 52001u
/* a receiver: AS, RTT (ms), at no site */
#define RX(asn, rtt) (&(struct export_receiver){ (asn), (rtt), 0 })

static struct policy_global *global(void)
{
	struct policy_global *g = fixture_policy();
	g->bogons = prefix_list_compile(bogons_builtin());
	fixture_comm(g, CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_VALID, "rs_as:1000:1");
	fixture_comm(g, CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_UNKNOWN, "rs_as:1000:2");
	fixture_comm(g, CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_INVALID, "rs_as:1000:4");
	fixture_comm(g, CFG_COMM_REJECT_CAUSE, "rs_as:65520:dyn_val");
	fixture_comm(g, CFG_COMM_PREPEND_ONCE_TO_ANY, "rs_as:101:0");
	g->n_scrub = 0;
	g->scrub = xcalloc(CFG_COMM_COUNT, sizeof(*g->scrub));
	for (int i = 0; i < CFG_COMM_COUNT; i++)
		if (!comm_def_empty(&g->comm[i]))
			g->scrub[g->n_scrub++] = g->comm[i];
	g->blackhole_policy[0] = CFG_BLACKHOLE_REWRITE_NEXT_HOP;
	inet_pton(AF_INET, "192.0.2.66", g->blackhole_nh[0]);
	g->blackhole_noexport = true;
	g->gshut_local_pref = 0;
	asn_set_add(&g->transit_free, (const uint32_t[]){ 174, 3356 }, 2);
	g->transit_free_action = CFG_TRANSIT_FREE_REJECT;
	return g;
}

static const struct peer_policy defaults = { .v4_min = 8, .v4_max = 24, .v6_min = 12, .v6_max = 48,
	.max_as_path_len = 32, .next_hop = CFG_NEXT_HOP_STRICT, .reject_invalid_asns = true,
	.rpki_enabled = true, .rpki_reject_invalid = true, .gshut = true };

/* Canonical attributes: ORIGIN, AS_PATH (asns), NEXT_HOP kept in info,
 * optional standard and large communities. */
static struct attr_set *route_attrs(const uint32_t *asns, int n, const char *nh,
    const uint32_t *std, int nstd, const uint32_t *lrg, int nlrg)
{
	struct wbuf w = { 0 };
	uint8_t v[4 + 4 * 16];
	v[0] = 0;
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, v, 1);
	v[0] = AS_SEQUENCE;
	v[1] = (uint8_t)n;
	for (int i = 0; i < n; i++)
		put_u32(v + 2 + 4 * i, asns[i]);
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, v, 2 + 4 * (size_t)n);
	if (nstd) {
		attr_put_header(&w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_COMMUNITIES, 4 * (size_t)nstd);
		for (int i = 0; i < nstd; i++)
			wbuf_u32(&w, std[i]);
	}
	if (nlrg) {
		attr_put_header(&w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_LARGE_COMMUNITIES, 12 * (size_t)nlrg);
		for (int i = 0; i < 3 * nlrg; i++)
			wbuf_u32(&w, lrg[i]);
	}
	struct path_info info = { .as_path_len = (uint16_t)n, .neighbor_as = asns[0],
		.origin_as = asns[n - 1], .nh_afi = AFI_IPV4 };
	inet_pton(AF_INET, nh, info.nh);
	struct attr_set *a = attr_intern(&info, w.data, w.len);
	wbuf_free(&w);
	return a;
}

struct outcome {
	struct route_verdict v;
	struct attr_set *kept;
};

/* The member's own announced space, for blackholes: 45.65.0.0/16. */
static bool in_45_65(void *arg, const struct prefix *p)
{
	(void)arg;
	return p->afi == AFI_IPV4 && p->addr[0] == 45 && p->addr[1] == 65;
}

/* irr: the member's IRR data, or NULL */
static struct outcome run_irr(struct policy_data *d, const struct peer_policy *pol, struct attr_set *a,
    const char *pfx, const struct irr_member *irr)
{
	struct ip_addr addr;
	ip_addr_parse("192.0.2.11", &addr);
	struct policy_peer pp = { .asn = MEMBER_AS, .addr = &addr, .pol = pol, .irr = irr, .own_space = in_45_65 };
	struct attrs_verdict av;
	struct prefix p;
	struct outcome o;
	prefix_parse(pfx, &p);
	policy_check_attrs(d, &pp, a, p.afi, &av);
	policy_check_route(d, &pp, a, &av, &p, &o.v);
	o.kept = policy_effective(d, &pp, a, &o.v);
	return o;
}

static struct outcome run(struct policy_data *d, const struct peer_policy *pol, struct attr_set *a,
    const char *pfx)
{
	return run_irr(d, pol, a, pfx, NULL);
}

static bool has_large(const struct attr_set *a, uint32_t g, uint32_t l1, uint32_t l2)
{
	struct comm_def def;
	char text[64];
	snprintf(text, sizeof(text), "%u:%u:%u", g, l1, l2);
	struct cfg_community c = { .lrg = text };
	comm_def_compile(&def, &c, 59900);
	return comm_present(&def, a->data, a->len);
}

static bool has_std(const struct attr_set *a, uint32_t v)
{
	struct comm_def def;
	char text[32];
	snprintf(text, sizeof(text), "%u:%u", v >> 16, v & 0xffff);
	struct cfg_community c = { .std = text };
	comm_def_compile(&def, &c, 59900);
	return comm_present(&def, a->data, a->len);
}

TEST(checks_run_in_arouteserver_order_with_their_codes)
{
	struct policy_global *g = global();
	struct policy_data d = { .g = g, .gen = 1 };
	const uint32_t own[] = { MEMBER_AS }, t174[] = { MEMBER_AS, 174, 45000 };
	const uint32_t priv[] = { MEMBER_AS, 64512, 45000 }, other[] = { 52002 };
	struct attr_set *ok = route_attrs(own, 1, "192.0.2.11", NULL, 0, NULL, 0);
	struct attr_set *tf = route_attrs(t174, 3, "192.0.2.11", NULL, 0, NULL, 0);
	struct attr_set *pa = route_attrs(priv, 3, "192.0.2.11", NULL, 0, NULL, 0);
	struct attr_set *wrong = route_attrs(other, 1, "192.0.2.11", NULL, 0, NULL, 0);
	struct { struct attr_set *a; const char *pfx; uint16_t reason, code; } cases[] = {
		{ ok, "45.65.0.0/24", REJECT_NONE, 0 },
		{ ok, "10.1.0.0/16", REJECT_BOGON, 2 },
		{ ok, "100.64.1.0/24", REJECT_BOGON, 2 },
		{ ok, "45.65.0.0/25", REJECT_PREFIX_LEN, 13 },
		{ tf, "45.65.0.0/24", REJECT_TRANSIT_FREE, 8 },
		{ pa, "45.65.0.0/24", REJECT_INVALID_ASN, 7 },
		{ wrong, "45.65.0.0/24", REJECT_LEFTMOST_AS, 6 },
		{ wrong, "10.0.0.0/8", REJECT_BOGON, 2 },       /* prefix checks come first */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome o = run(&d, &defaults, cases[i].a, cases[i].pfx);
		CHECK_EQ_INT(o.v.reject, cases[i].reason);
		CHECK_EQ_INT(policy_reject_code(o.v.reject), cases[i].code);
		attr_unref(o.kept);
	}
	attr_unref(ok);
	attr_unref(tf);
	attr_unref(pa);
	attr_unref(wrong);
	policy_global_free(g);
}

TEST(rpki_states_are_tagged_and_invalid_rejected)
{
	struct policy_global *g = global();
	struct vrp_table *t = vrp_table_new();
	struct vrp vrp = { .asn = 45000, .max_len = 24 };
	prefix_parse("45.65.0.0/22", &vrp.prefix);
	vrp_table_add(t, &vrp);
	struct policy_data d = { .g = g, .vrps = t, .gen = 1 };
	const uint32_t good[] = { MEMBER_AS, 45000 }, bad[] = { MEMBER_AS, 45001 };
	struct attr_set *a = route_attrs(good, 2, "192.0.2.11", NULL, 0, NULL, 0);
	struct attr_set *b = route_attrs(bad, 2, "192.0.2.11", NULL, 0, NULL, 0);
	struct outcome o = run(&d, &defaults, a, "45.65.1.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK_EQ_INT(o.v.rov, POL_ROV_VALID);
	CHECK(has_large(o.kept, 59900, 1000, 1));
	CHECK(!has_large(a, 59900, 1000, 1));        /* the received set is untouched */
	attr_unref(o.kept);
	o = run(&d, &defaults, a, "46.1.0.0/24");
	CHECK_EQ_INT(o.v.rov, POL_ROV_UNKNOWN);
	CHECK(has_large(o.kept, 59900, 1000, 2));
	attr_unref(o.kept);
	o = run(&d, &defaults, b, "45.65.1.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_RPKI_INVALID);
	CHECK_EQ_INT(policy_reject_code(o.v.reject), 14);
	attr_unref(o.kept);
	struct peer_policy tag_only = defaults;
	tag_only.rpki_reject_invalid = false;
	o = run(&d, &tag_only, b, "45.65.1.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK(has_large(o.kept, 59900, 1000, 4));
	attr_unref(o.kept);
	attr_unref(a);
	attr_unref(b);
	vrp_table_free(t);
	policy_global_free(g);
}

/* A member whose AS-SET holds its own AS, with one route object. */
static struct irr_member *member_irr(void)
{
	char err[256];
	const char *name = "AS-MEMBER";
	static const char asns[] = "{\"irr\": [52001]}";
	static const char v4[] = "{\"irr\": [{\"prefix\": \"45.65.0.0/22\", \"exact\": true}]}";
	struct irr_member *m = irr_member_new(&name, 1, err, sizeof(err));
	if (!m || irr_bgpq4_parse(m, 0, asns, sizeof(asns) - 1, err, sizeof(err)) < 0 ||
	    irr_bgpq4_parse(m, AFI_IPV4, v4, sizeof(v4) - 1, err, sizeof(err)) < 0)
		abort();
	return m;
}

/* arouteserver's filtering.irrdb.use_rpki_roas_as_route_objects: a prefix
 * without a route object passes the IRR prefix check if a ROA covers it for
 * an origin the AS-SET authorizes -- and only then. */
TEST(roas_count_as_route_objects_when_enabled_and_tag_the_prefix)
{
	struct policy_global *g = global();
	g->irr_configured = g->irr_tag = true;
	fixture_comm(g, CFG_COMM_PREFIX_VALIDATED_VIA_RPKI_ROAS, "rs_as:1000:41");
	fixture_comm(g, CFG_COMM_PREFIX_PRESENT_IN_AS_SET, "rs_as:1000:21");
	struct vrp_table *t = vrp_table_new();
	struct vrp roa = { .asn = MEMBER_AS, .max_len = 23 }, foreign = { .asn = 52099, .max_len = 24 };
	prefix_parse("46.1.0.0/22", &roa.prefix);
	prefix_parse("46.2.0.0/22", &foreign.prefix);
	vrp_table_add(t, &roa);
	vrp_table_add(t, &foreign);
	struct policy_data d = { .g = g, .vrps = t, .gen = 1 };
	struct irr_member *irr = member_irr();
	struct peer_policy pol = defaults;
	pol.irr_enforce_origin = pol.irr_enforce_prefix = true;
	const uint32_t own[] = { MEMBER_AS };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", NULL, 0, NULL, 0);
	struct outcome o = run_irr(&d, &pol, a, "46.1.0.0/23", irr);
	CHECK_EQ_INT(o.v.reject, REJECT_IRR_PREFIX);             /* off: route objects only */
	attr_unref(o.kept);
	g->irr_roas = true;
	o = run_irr(&d, &pol, a, "46.1.0.0/23", irr);
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK_EQ_INT(o.v.irr & POL_IRR_VIA_MASK, POL_IRR_VIA_ROA);
	CHECK(has_large(o.kept, 59900, 1000, 41));
	CHECK(!has_large(o.kept, 59900, 1000, 21));
	attr_unref(o.kept);
	o = run_irr(&d, &pol, a, "46.1.1.0/24", irr);             /* beyond the ROA's maxLength */
	CHECK_EQ_INT(o.v.reject, REJECT_IRR_PREFIX);
	attr_unref(o.kept);
	o = run_irr(&d, &pol, a, "46.2.1.0/24", irr);             /* a ROA for another origin */
	CHECK_EQ_INT(o.v.reject, REJECT_IRR_PREFIX);
	attr_unref(o.kept);
	o = run_irr(&d, &pol, a, "45.65.0.0/22", irr);            /* a route object: not the ROA's tag */
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK(!(o.v.irr & POL_IRR_VIA_MASK) && has_large(o.kept, 59900, 1000, 21));
	attr_unref(o.kept);
	attr_unref(a);
	irr_member_free(irr);
	vrp_table_free(t);
	policy_global_free(g);
}

/* arouteserver's use_arin_bulk_whois_data / use_registrobr_bulk_whois_data:
 * a whois dump listing the prefix for an origin the AS-SET authorizes
 * backs the missing route object up, after the ROAs, each with its tag. */
TEST(whois_dumps_count_as_route_objects_when_enabled_and_tag_the_prefix)
{
	struct policy_global *g = global();
	g->irr_configured = g->irr_tag = true;
	fixture_comm(g, CFG_COMM_PREFIX_VALIDATED_VIA_ARIN_WHOIS_DB_DUMP, "rs_as:1000:51");
	fixture_comm(g, CFG_COMM_PREFIX_VALIDATED_VIA_REGISTROBR_WHOIS_DB_DUMP, "rs_as:1000:61");
	static const char arin[] = "{\"whois_records\": {\"v4\": [{\"originas\": \"AS52001\", "
	    "\"prefix\": \"46.1.0.0/22\"}], \"v6\": []}}";
	static const char br[] = "AS52001|Member|00.000.000/0001-00|46.1.0.0/22|46.3.0.0/22\n"
	    "AS52099|Other|00.000.000/0002-00|46.4.0.0/22\n";
	char err[256];
	struct policy_data d = { .g = g, .gen = 1 };
	d.whois[WHOIS_ARIN] = whois_routes_parse(arin, sizeof(arin) - 1, WHOIS_ARIN, "arin.json", err, sizeof(err));
	d.whois[WHOIS_REGISTROBR] = whois_routes_parse(br, sizeof(br) - 1, WHOIS_REGISTROBR, "br.txt", err,
	    sizeof(err));
	CHECK(d.whois[WHOIS_ARIN] && d.whois[WHOIS_REGISTROBR]);
	struct irr_member *irr = member_irr();
	struct peer_policy pol = defaults;
	pol.irr_enforce_origin = pol.irr_enforce_prefix = true;
	pol.rpki_enabled = false;
	const uint32_t own[] = { MEMBER_AS };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", NULL, 0, NULL, 0);
	struct outcome o = run_irr(&d, &pol, a, "46.1.0.0/22", irr);
	CHECK_EQ_INT(o.v.reject, REJECT_IRR_PREFIX);             /* off: route objects only */
	attr_unref(o.kept);
	g->irr_whois[WHOIS_ARIN] = g->irr_whois[WHOIS_REGISTROBR] = true;
	o = run_irr(&d, &pol, a, "46.1.0.0/22", irr);             /* in both: ARIN's first */
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK_EQ_INT(o.v.irr & POL_IRR_VIA_MASK, POL_IRR_VIA_ARIN);
	CHECK(has_large(o.kept, 59900, 1000, 51));
	attr_unref(o.kept);
	o = run_irr(&d, &pol, a, "46.3.0.0/22", irr);             /* registro.br's only */
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK_EQ_INT(o.v.irr & POL_IRR_VIA_MASK, POL_IRR_VIA_REGISTROBR);
	CHECK(has_large(o.kept, 59900, 1000, 61));
	attr_unref(o.kept);
	o = run_irr(&d, &pol, a, "46.3.1.0/24", irr);             /* more specific, not allowed */
	CHECK_EQ_INT(o.v.reject, REJECT_IRR_PREFIX);
	attr_unref(o.kept);
	o = run_irr(&d, &pol, a, "46.4.0.0/22", irr);             /* another origin's */
	CHECK_EQ_INT(o.v.reject, REJECT_IRR_PREFIX);
	attr_unref(o.kept);
	attr_unref(a);
	irr_member_free(irr);
	whois_routes_free((struct whois_routes *)d.whois[WHOIS_ARIN]);
	whois_routes_free((struct whois_routes *)d.whois[WHOIS_REGISTROBR]);
	policy_global_free(g);
}

TEST(own_communities_are_scrubbed_and_actions_decoded)
{
	struct policy_global *g = global();
	struct policy_data d = { .g = g, .gen = 1 };
	const uint32_t own[] = { MEMBER_AS };
	/* rs:0:52002 (not to 52002), rs:101:52003 (prepend once to 52003), a
	 * member-sent fake RPKI tag rs:1000:1, and a foreign 64500:1:1. */
	const uint32_t lrg[] = { 59900, 0, 52002, 59900, 101, 52003, 59900, 1000, 1, 64500, 1, 1 };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", NULL, 0, lrg, 4);
	struct peer_policy pol = defaults;
	pol.rpki_enabled = false;
	struct outcome o = run(&d, &pol, a, "45.65.0.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK(!has_large(o.kept, 59900, 0, 52002));
	CHECK(!has_large(o.kept, 59900, 1000, 1));
	CHECK(has_large(o.kept, 64500, 1, 1));
	CHECK(o.kept->ctl != NULL);
	CHECK(!export_ctl_allows(o.kept->ctl, RX(52002, 0)));
	CHECK(export_ctl_allows(o.kept->ctl, RX(52003, 0)));
	struct attr_set *v = policy_variant(o.kept, RX(52003, 0));
	CHECK(v != o.kept);
	CHECK_EQ_INT(v->info.as_path_len, 2);        /* 52001 52001 for 52003 only */
	CHECK(policy_variant(o.kept, RX(52004, 0)) == o.kept);
	attr_unref(o.kept);
	attr_unref(a);
	policy_global_free(g);
}

/* The RTT-based communities as a real IXP's general.yml defines them
 * (arouteserver's real-ixps example: 64511..64520:dyn_val) and its
 * default thresholds. */
static struct policy_global *rtt_global(void)
{
	static const struct { enum cfg_community_id id; const char *std; } defs[] = {
		{ CFG_COMM_DO_NOT_ANNOUNCE_TO_PEERS_WITH_RTT_LOWER_THAN, "64511:dyn_val" },
		{ CFG_COMM_DO_NOT_ANNOUNCE_TO_PEERS_WITH_RTT_HIGHER_THAN, "64512:dyn_val" },
		{ CFG_COMM_ANNOUNCE_TO_PEERS_WITH_RTT_LOWER_THAN, "64513:dyn_val" },
		{ CFG_COMM_ANNOUNCE_TO_PEERS_WITH_RTT_HIGHER_THAN, "64514:dyn_val" },
		{ CFG_COMM_PREPEND_TWICE_TO_PEERS_WITH_RTT_LOWER_THAN, "64516:dyn_val" },
		{ CFG_COMM_PREPEND_ONCE_TO_PEERS_WITH_RTT_HIGHER_THAN, "64518:dyn_val" },
		{ CFG_COMM_PREPEND_THRICE_TO_PEERS_WITH_RTT_HIGHER_THAN, "64520:dyn_val" },
	};
	static const uint32_t thresholds[] = { 5, 10, 15, 20, 30, 50, 100, 200, 500 };
	struct policy_global *g = global();
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		struct cfg_community c = { .std = (char *)defs[i].std };
		comm_def_compile(&g->comm[defs[i].id], &c, g->rs_as);
		g->scrub = xrealloc(g->scrub, (g->n_scrub + 1) * sizeof(*g->scrub));
		g->scrub[g->n_scrub++] = g->comm[defs[i].id];
	}
	g->n_rtt_thresholds = sizeof(thresholds) / sizeof(thresholds[0]);
	g->rtt_thresholds = xcalloc(g->n_rtt_thresholds, sizeof(uint32_t));
	memcpy(g->rtt_thresholds, thresholds, sizeof(thresholds));
	return g;
}

/* The export control of a route of MEMBER_AS, a client at `site`,
 * carrying these standard and large communities (the set
 * policy_effective keeps, a new reference). */
static struct attr_set *with_ctl_at(struct policy_global *g, uint32_t site, const uint32_t *std, int nstd,
    const uint32_t *lrg, int nlrg)
{
	struct policy_data d = { .g = g, .gen = 1 };
	const uint32_t own[] = { MEMBER_AS };
	struct peer_policy pol = defaults;
	pol.rpki_enabled = false;
	pol.site = site;
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", std, nstd, lrg, nlrg);
	struct outcome o = run(&d, &pol, a, "45.65.0.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	attr_unref(a);
	return o.kept;
}

static struct attr_set *with_ctl(struct policy_global *g, const uint32_t *std, int nstd,
    const uint32_t *lrg, int nlrg)
{
	return with_ctl_at(g, 0, std, nstd, lrg, nlrg);
}

#define STD(hi, lo) ((uint32_t)(hi) << 16 | (lo))

TEST(rtt_do_not_announce_lower_is_inclusive_higher_exclusive_unknown_rtt_exempt)
{
	struct policy_global *g = rtt_global();
	/* not to RTT > 20 ms, not to RTT <= 10 ms */
	struct attr_set *k = with_ctl(g, (const uint32_t[]){ STD(64512, 20), STD(64511, 10) }, 2, NULL, 0);
	CHECK(k->ctl != NULL);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 21)), EXPORT_DENIED_RTT);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 20)), EXPORT_ALLOWED);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 11)), EXPORT_ALLOWED);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 10)), EXPORT_DENIED_RTT);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 1)), EXPORT_DENIED_RTT);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 0)), EXPORT_ALLOWED);   /* RTT unknown */
	attr_unref(k);
	/* a value not in rtt_thresholds asks nothing: no export control at all */
	k = with_ctl(g, (const uint32_t[]){ STD(64512, 25), STD(64511, 0) }, 2, NULL, 0);
	CHECK(k->ctl == NULL);
	attr_unref(k);
	policy_global_free(g);
}

TEST(rtt_communities_answer_after_per_peer_ones_and_before_do_not_announce_to_any)
{
	struct policy_global *g = rtt_global();
	/* not to any; to RTT > 50 ms; but never to AS52002; always to AS52003 */
	const uint32_t lrg[] = { 59900, 0, 0, 59900, 0, 52002, 59900, 1, 52002, 59900, 1, 52003 };
	struct attr_set *k = with_ctl(g, (const uint32_t[]){ STD(64514, 50), STD(64512, 5) }, 2, lrg, 4);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52004, 60)), EXPORT_DENIED_RTT);   /* > 5: denied first */
	attr_unref(k);
	k = with_ctl(g, (const uint32_t[]){ STD(64514, 50) }, 1, lrg, 4);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52004, 60)), EXPORT_ALLOWED);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52004, 50)), EXPORT_NOT_LISTED);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52004, 0)), EXPORT_NOT_LISTED);
	/* "not to AS" beats "to AS" and the RTT (arouteserver asks it first) */
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 60)), EXPORT_DENIED_AS);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52003, 1)), EXPORT_ALLOWED);
	attr_unref(k);
	/* "to AS" beats an RTT-based "not to" */
	k = with_ctl(g, (const uint32_t[]){ STD(64512, 20) }, 1, (const uint32_t[]){ 59900, 1, 52003 }, 1);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52003, 100)), EXPORT_ALLOWED);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52004, 100)), EXPORT_DENIED_RTT);
	attr_unref(k);
	policy_global_free(g);
}

TEST(rtt_prepend_takes_the_first_match_higher_descending_then_lower_ascending)
{
	struct policy_global *g = rtt_global();
	/* once to RTT > 50, thrice to RTT > 10, twice to RTT <= 15, and once
	 * to AS52003 whatever its RTT */
	const uint32_t std[] = { STD(64518, 50), STD(64520, 10), STD(64516, 15) };
	struct attr_set *k = with_ctl(g, std, 3, (const uint32_t[]){ 59900, 101, 52003 }, 1);
	struct { uint32_t asn, rtt; int path_len; } cases[] = {
		{ 52002, 100, 2 },       /* > 50 is tried before > 10 */
		{ 52002, 20, 4 },        /* > 10 */
		{ 52002, 12, 4 },        /* > 10 before <= 15 */
		{ 52002, 8, 3 },         /* <= 15 */
		{ 52002, 0, 1 },         /* unknown RTT: none */
		{ 52003, 100, 2 },       /* the per-peer prepend first */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct attr_set *v = policy_variant(k, RX(cases[i].asn, cases[i].rtt));
		CHECK_EQ_INT(v->info.as_path_len, cases[i].path_len);
	}
	/* receivers asking the same get the same set */
	CHECK(policy_variant(k, RX(52002, 100)) == policy_variant(k, RX(52004, 200)));
	CHECK(policy_variant(k, RX(52002, 0)) == k);
	attr_unref(k);
	policy_global_free(g);
}

/* rfc1997_wellknown_communities.policy: rfc1997 -- the route server is in
 * no member's AS: NO_EXPORT (RFC 1997) keeps a route from every member, as
 * NO_ADVERTISE does; pass (the default) propagates both. */
TEST(no_export_and_no_advertise_keep_a_route_from_everybody_under_rfc1997_policy)
{
	struct policy_global *g = global();
	static const uint32_t wk[] = { 0xFFFFFF01u, 0xFFFFFF02u };
	for (int i = 0; i < 2; i++) {
		g->rfc1997 = false;
		struct attr_set *k = with_ctl(g, &wk[i], 1, NULL, 0);
		CHECK(k->ctl == NULL);
		attr_unref(k);
		g->rfc1997 = true;
		k = with_ctl(g, &wk[i], 1, NULL, 0);
		CHECK(k->ctl != NULL);
		CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 0)), EXPORT_WELL_KNOWN);
		CHECK(!export_ctl_allows(k->ctl, RX(52003, 5)));
		attr_unref(k);
	}
	/* "announce to" cannot undo it */
	struct attr_set *k = with_ctl(g, wk, 1, (const uint32_t[]){ 59900, 1, 52002 }, 1);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, RX(52002, 0)), EXPORT_WELL_KNOWN);
	attr_unref(k);
	policy_global_free(g);
}

/* Each outcome of the checks has a derived set of its own: the IRR bits
 * (the whois sources among them), GRACEFUL_SHUTDOWN and blackhole never
 * share a cache key. */
TEST(verdicts_differing_in_any_outcome_never_share_a_derived_set)
{
	struct policy_global *g = global();
	g->irr_tag = true;
	fixture_comm(g, CFG_COMM_PREFIX_VALIDATED_VIA_ARIN_WHOIS_DB_DUMP, "rs_as:1000:51");
	fixture_comm(g, CFG_COMM_PREFIX_PRESENT_IN_AS_SET, "rs_as:1000:21");
	struct policy_data d = { .g = g, .gen = 1 };
	struct ip_addr addr;
	ip_addr_parse("192.0.2.11", &addr);
	struct policy_peer pp = { .asn = MEMBER_AS, .addr = &addr, .pol = &defaults };
	const uint32_t own[] = { MEMBER_AS };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", NULL, 0, NULL, 0);
	const uint8_t ok = POL_IRR_CHECKED | POL_IRR_ORIGIN_OK | POL_IRR_PREFIX_OK;
	struct route_verdict arin = { .irr = ok | POL_IRR_VIA_ARIN, .afi = AFI_IPV4 };
	struct route_verdict gshut = { .irr = ok, .gshut = true, .afi = AFI_IPV4 };
	struct attr_set *k1 = policy_effective(&d, &pp, a, &arin), *k2 = policy_effective(&d, &pp, a, &gshut);
	CHECK(k1 != k2);
	CHECK(has_large(k1, 59900, 1000, 51) && !has_large(k2, 59900, 1000, 51));
	CHECK_EQ_INT(k1->local_pref, 100);
	CHECK_EQ_INT(k2->local_pref, 0);
	attr_unref(k1);
	attr_unref(k2);
	attr_unref(a);
	policy_global_free(g);
}

/* The location communities as docs/communities.md gives them. */
static struct policy_global *site_global(void)
{
	static const char *const std[LOC_COUNT] = { "65101:dyn_val", "65102:dyn_val", "65103:dyn_val",
		"65111:dyn_val", "65112:0", "65121:dyn_val", "65122:dyn_val", "65123:dyn_val" };
	struct policy_global *g = global();
	for (int i = 0; i < LOC_COUNT; i++) {
		struct cfg_community c = { .std = (char *)std[i] };
		comm_def_compile(&g->loc[i], &c, g->rs_as);
		g->scrub = xrealloc(g->scrub, (g->n_scrub + 1) * sizeof(*g->scrub));
		g->scrub[g->n_scrub++] = g->loc[i];
	}
	return g;
}

#define AT(asn, site) (&(struct export_receiver){ (asn), 0, (site) })

TEST(site_communities_keep_a_route_off_a_site_or_at_home_and_prepend_per_site)
{
	struct policy_global *g = site_global();
	/* from a member at site 1: not to site 2 */
	struct attr_set *k = with_ctl_at(g, 1, (const uint32_t[]){ STD(65111, 2) }, 1, NULL, 0);
	CHECK(!has_std(k, STD(65111, 2)));                      /* scrubbed */
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, AT(52002, 2)), EXPORT_DENIED_SITE);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, AT(52003, 1)), EXPORT_ALLOWED);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, AT(52004, 0)), EXPORT_ALLOWED);   /* site unknown */
	attr_unref(k);
	/* only to my own site; "announce to AS52003" still reaches it elsewhere */
	k = with_ctl_at(g, 1, (const uint32_t[]){ STD(65112, 0) }, 1, (const uint32_t[]){ 59900, 1, 52003 }, 1);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, AT(52002, 2)), EXPORT_DENIED_SITE);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, AT(52004, 1)), EXPORT_ALLOWED);
	CHECK_EQ_INT(export_ctl_verdict(k->ctl, AT(52003, 2)), EXPORT_ALLOWED);
	attr_unref(k);
	/* from a member at no known site, "only to my own site" asks nothing */
	k = with_ctl_at(g, 0, (const uint32_t[]){ STD(65112, 0) }, 1, NULL, 0);
	CHECK(k->ctl == NULL);
	attr_unref(k);
	/* prepend twice to site 2, once to site 3; AS52003's own prepend first */
	k = with_ctl_at(g, 1, (const uint32_t[]){ STD(65122, 2), STD(65121, 3) }, 2,
	    (const uint32_t[]){ 59900, 101, 52003 }, 1);
	CHECK_EQ_INT(policy_variant(k, AT(52002, 2))->info.as_path_len, 3);
	CHECK_EQ_INT(policy_variant(k, AT(52002, 3))->info.as_path_len, 2);
	CHECK(policy_variant(k, AT(52002, 1)) == k);
	CHECK_EQ_INT(policy_variant(k, AT(52003, 2))->info.as_path_len, 2);
	attr_unref(k);
	policy_global_free(g);
}

TEST(attached_custom_communities_are_added_and_member_sent_ones_scrubbed)
{
	struct policy_global *g = global();
	struct cfg_community site = { .std = "65501:1", .lrg = "rs_as:65501:1" }, other = { .std = "65501:2" };
	g->n_custom = 2;
	g->custom = xcalloc(2, sizeof(*g->custom));
	comm_def_compile(&g->custom[0].def, &site, g->rs_as);
	comm_def_compile(&g->custom[1].def, &other, g->rs_as);
	g->scrub = xrealloc(g->scrub, (g->n_scrub + 2) * sizeof(*g->scrub));
	g->scrub[g->n_scrub++] = g->custom[0].def;
	g->scrub[g->n_scrub++] = g->custom[1].def;
	struct policy_client client = { .asn = MEMBER_AS };
	comm_def_values(&g->custom[0].def, 0, client.attach);
	client.n_attach = 2;
	struct policy_data d = { .g = g, .gen = 1 };
	struct ip_addr addr;
	ip_addr_parse("192.0.2.11", &addr);
	struct peer_policy pol = defaults;
	pol.rpki_enabled = false;
	struct policy_peer pp = { .asn = MEMBER_AS, .addr = &addr, .pol = &pol, .client = &client };
	const uint32_t own[] = { MEMBER_AS }, sent[] = { STD(65501, 2), STD(64500, 7) };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", sent, 2, NULL, 0);
	struct attrs_verdict av;
	struct route_verdict v;
	struct prefix p;
	prefix_parse("45.65.0.0/24", &p);
	policy_check_attrs(&d, &pp, a, p.afi, &av);
	policy_check_route(&d, &pp, a, &av, &p, &v);
	struct attr_set *k = policy_effective(&d, &pp, a, &v);
	CHECK(has_std(k, STD(65501, 1)) && has_large(k, 59900, 65501, 1));
	CHECK(!has_std(k, STD(65501, 2)));          /* the route server's: scrubbed */
	CHECK(has_std(k, STD(64500, 7)));           /* the member's own: kept */
	/* another client sending the very same set gets no one else's */
	struct policy_client plain = { .asn = MEMBER_AS };
	struct policy_peer second = pp;
	second.client = &plain;
	struct attr_set *k2 = policy_effective(&d, &second, a, &v);
	CHECK(!has_std(k2, STD(65501, 1)) && !has_large(k2, 59900, 65501, 1));
	attr_unref(k2);
	char text[96];
	struct comm_value cv = comm_std(STD(65501, 2));
	snprintf(g->custom[1].name, sizeof(g->custom[1].name), "colo_b");
	CHECK_EQ_STR(policy_community_meaning(g, &cv, text, sizeof(text)),
	    "custom community colo_b (attach_custom_communities)");
	attr_unref(k);
	attr_unref(a);
	policy_global_free(g);
}

TEST(blackhole_accepted_up_to_host_route_with_next_hop_rewritten)
{
	struct policy_global *g = global();
	struct policy_data d = { .g = g, .gen = 1 };
	const uint32_t own[] = { MEMBER_AS }, bh[] = { 0xFFFF029Au };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", bh, 1, NULL, 0);
	struct outcome o = run(&d, &defaults, a, "45.65.0.1/32");
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	CHECK(o.v.blackhole);
	CHECK(o.kept->blackhole);
	CHECK_EQ_INT(o.kept->info.nh[3], 66);         /* 192.0.2.66 */
	CHECK(has_std(o.kept, 0xFFFFFF01u));          /* NO_EXPORT added */
	attr_unref(o.kept);
	/* Someone else's space: refused (RFC 7999 §3.2). */
	o = run(&d, &defaults, a, "46.1.0.1/32");
	CHECK_EQ_INT(o.v.reject, REJECT_BLACKHOLE_FOREIGN);
	attr_unref(o.kept);
	/* Without BLACKHOLE a /32 is just too long. */
	struct attr_set *plain = route_attrs(own, 1, "192.0.2.11", NULL, 0, NULL, 0);
	o = run(&d, &defaults, plain, "45.65.0.1/32");
	CHECK_EQ_INT(o.v.reject, REJECT_PREFIX_LEN);
	attr_unref(o.kept);
	attr_unref(plain);
	attr_unref(a);
	policy_global_free(g);
}

TEST(graceful_shutdown_lowers_local_pref_to_zero)
{
	struct policy_global *g = global();
	struct policy_data d = { .g = g, .gen = 1 };
	const uint32_t own[] = { MEMBER_AS }, gs[] = { 0xFFFF0000u };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", gs, 1, NULL, 0);
	struct outcome o = run(&d, &defaults, a, "45.65.0.0/24");
	CHECK(o.v.gshut);
	CHECK_EQ_INT(o.kept->local_pref, 0);
	attr_unref(o.kept);
	struct peer_policy off = defaults;
	off.gshut = false;
	o = run(&d, &off, a, "45.65.0.0/24");
	CHECK_EQ_INT(o.kept->local_pref, 100);
	attr_unref(o.kept);
	attr_unref(a);
	policy_global_free(g);
}

TEST(prepend_to_any_lengthens_the_kept_path)
{
	struct policy_global *g = global();
	struct policy_data d = { .g = g, .gen = 1 };
	const uint32_t own[] = { MEMBER_AS }, lrg[] = { 59900, 101, 0 };
	struct attr_set *a = route_attrs(own, 1, "192.0.2.11", NULL, 0, lrg, 1);
	struct outcome o = run(&d, &defaults, a, "45.65.0.0/24");
	CHECK_EQ_INT(o.kept->info.as_path_len, 2);
	CHECK(!has_large(o.kept, 59900, 101, 0));     /* the action itself is scrubbed */
	attr_unref(o.kept);
	attr_unref(a);
	policy_global_free(g);
}

TEST(next_hop_same_as_accepts_the_members_other_routers)
{
	struct policy_global *g = global();
	/* AS52001 has a second router on the LAN, 192.0.2.21. */
	g->member_addrs = xcalloc(2, sizeof(*g->member_addrs));
	g->n_member_addrs = 2;
	g->member_addrs[0].asn = MEMBER_AS;
	ip_addr_parse("192.0.2.11", &g->member_addrs[0].addr);
	g->member_addrs[1].asn = MEMBER_AS;
	ip_addr_parse("192.0.2.21", &g->member_addrs[1].addr);
	struct policy_data d = { .g = g, .gen = 1 };
	const uint32_t own[] = { MEMBER_AS };
	struct attr_set *sibling = route_attrs(own, 1, "192.0.2.21", NULL, 0, NULL, 0);
	struct attr_set *other = route_attrs(own, 1, "192.0.2.99", NULL, 0, NULL, 0);
	struct peer_policy pol = defaults;
	pol.rpki_enabled = false;
	struct outcome o = run(&d, &pol, sibling, "45.65.0.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NEXT_HOP);            /* strict */
	attr_unref(o.kept);
	pol.next_hop = CFG_NEXT_HOP_SAME_AS;
	o = run(&d, &pol, sibling, "45.65.0.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	attr_unref(o.kept);
	o = run(&d, &pol, other, "45.65.0.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NEXT_HOP);
	attr_unref(o.kept);
	attr_unref(sibling);
	attr_unref(other);
	policy_global_free(g);
}

TEST(aspa_invalid_path_is_rejected_unknown_accepted)
{
	struct policy_global *g = global();
	/* 45000 attests only 3356 as its provider. */
	const uint32_t providers[] = { 3356 };
	struct aspa rec = { .customer = 45000, .providers = providers, .n_providers = 1 };
	struct aspa_table *aspas = aspa_table_new(&rec, 1);
	struct policy_data d = { .g = g, .aspas = aspas, .gen = 1 };
	const uint32_t leak[] = { MEMBER_AS, 45000 }, unknown[] = { MEMBER_AS, 46000 };
	struct attr_set *a = route_attrs(leak, 2, "192.0.2.11", NULL, 0, NULL, 0);
	struct attr_set *b = route_attrs(unknown, 2, "192.0.2.11", NULL, 0, NULL, 0);
	struct peer_policy pol = defaults;
	pol.rpki_enabled = false;
	struct outcome o = run(&d, &pol, a, "45.65.0.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_ASPA_INVALID);   /* 52001 is no provider of 45000 */
	attr_unref(o.kept);
	o = run(&d, &pol, b, "45.65.0.0/24");
	CHECK_EQ_INT(o.v.reject, REJECT_NONE);
	attr_unref(o.kept);
	attr_unref(a);
	attr_unref(b);
	aspa_table_free(aspas);
	policy_global_free(g);
}
