/* SPDX-License-Identifier: ISC */
/* policy_build: the configuration compiled into what the import policy
 * reads (policy.h) -- the immutable struct policy_global and each member's
 * struct peer_policy -- with the digests that tell a reload what changed. */
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "peeringdb.h"
#include "whois_dump.h"
#include "xalloc.h"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}
#define FNV_INIT 14695981039346656037ull
#define FNV_VAL(h, v) ((h) = fnv((h), &(v), sizeof(v)))

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return s ? fnv(h, s, strlen(s) + 1) : fnv(h, "", 1);
}

static uint64_t fnv_prefix_list(uint64_t h, const struct cfg_prefix_list *l)
{
	for (int i = 0; i < l->n; i++) {
		const struct cfg_prefix *e = &l->v[i];
		h = fnv(h, &e->prefix.family, sizeof(e->prefix.family));
		h = fnv(h, &e->prefix.u, e->prefix.family == AF_INET ? 4 : 16);
		FNV_VAL(h, e->length);
		FNV_VAL(h, e->exact);
		FNV_VAL(h, e->ge);
		FNV_VAL(h, e->le);
		FNV_VAL(h, e->asn);
	}
	return FNV_VAL(h, l->n);
}

static uint64_t fnv_u32_list(uint64_t h, const struct cfg_u32_list *l)
{
	h = fnv(h, l->v, (size_t)l->n * sizeof(*l->v));
	return FNV_VAL(h, l->n);
}

static void asn_set_from(struct asn_set *s, const struct cfg_u32_list *l)
{
	if (l->n)
		asn_set_add(s, l->v, (size_t)l->n);
}

/* A reject_cause_map entry is named by its code ("2", "14"). */
static int build_reject_map(struct policy_global *g, const struct cfg_community_map *m,
    char *err, size_t errlen)
{
	g->reject_map = xcalloc((size_t)m->n + 1, sizeof(*g->reject_map));
	for (int i = 0; i < m->n; i++) {
		char *end;
		unsigned long code = strtoul(m->v[i].name, &end, 10);
		if (*end || code > 65535) {
			snprintf(err, errlen, "reject_cause_map: \"%s\" is not a reject code", m->v[i].name);
			return -1;
		}
		g->reject_map[g->n_reject_map].code = (uint16_t)code;
		comm_def_compile(&g->reject_map[g->n_reject_map].def, &m->v[i].comm, g->rs_as);
		g->n_reject_map++;
	}
	return 0;
}

/* The location communities: std 651xx:N, large rs_as:19xx:N. */
static const struct { const char *std, *lrg; } location_texts[LOC_COUNT] = {
	[LOC_SITE] = { "65101:dyn_val", "rs_as:1911:dyn_val" },
	[LOC_EXCHANGE] = { "65102:dyn_val", "rs_as:1912:dyn_val" },
	[LOC_COUNTRY] = { "65103:dyn_val", "rs_as:1913:dyn_val" },
	[LOC_NOT_TO_SITE] = { "65111:dyn_val", "rs_as:1921:dyn_val" },
	[LOC_ONLY_OWN_SITE] = { "65112:0", "rs_as:1922:0" },
	[LOC_PREPEND_ONCE_TO_SITE] = { "65121:dyn_val", "rs_as:1931:dyn_val" },
	[LOC_PREPEND_TWICE_TO_SITE] = { "65122:dyn_val", "rs_as:1932:dyn_val" },
	[LOC_PREPEND_THRICE_TO_SITE] = { "65123:dyn_val", "rs_as:1933:dyn_val" },
};

static bool location_configured(const struct ixpd_config *cfg)
{
	if (cfg->location.exchange || cfg->location.country)
		return true;
	for (int i = 0; i < cfg->n_clients; i++)
		if (cfg->clients[i].site)
			return true;
	return false;
}

static void build_location(struct policy_global *g, const struct ixpd_config *cfg)
{
	if (!location_configured(cfg))
		return;
	for (int i = 0; i < LOC_COUNT; i++) {
		struct cfg_community c = { .std = (char *)location_texts[i].std, .lrg = (char *)location_texts[i].lrg };
		comm_def_compile(&g->loc[i], &c, g->rs_as);
	}
}

/* Custom communities are the route server's too: scrubbed from what
 * members send, added only by attach_custom_communities. */
static void build_custom(struct policy_global *g, const struct cfg_community_map *m)
{
	g->custom = xcalloc((size_t)m->n + 1, sizeof(*g->custom));
	g->n_custom = (size_t)m->n;
	for (int i = 0; i < m->n; i++) {
		comm_def_compile(&g->custom[i].def, &m->v[i].comm, g->rs_as);
		snprintf(g->custom[i].name, sizeof(g->custom[i].name), "%s", m->v[i].name);
	}
}

static void build_scrub_list(struct policy_global *g)
{
	g->scrub = xcalloc(CFG_COMM_COUNT + LOC_COUNT + g->n_reject_map + g->n_custom + 1, sizeof(*g->scrub));
	for (int i = 0; i < CFG_COMM_COUNT; i++)
		if (!comm_def_empty(&g->comm[i]))
			g->scrub[g->n_scrub++] = g->comm[i];
	for (size_t i = 0; i < g->n_reject_map; i++)
		if (!comm_def_empty(&g->reject_map[i].def))
			g->scrub[g->n_scrub++] = g->reject_map[i].def;
	for (size_t i = 0; i < g->n_custom; i++)
		if (!comm_def_empty(&g->custom[i].def))
			g->scrub[g->n_scrub++] = g->custom[i].def;
	for (int i = 0; i < LOC_COUNT; i++)
		if (!comm_def_empty(&g->loc[i]))
			g->scrub[g->n_scrub++] = g->loc[i];
}

static void attach_value(struct policy_client *pc, uint32_t asn, const char *what, struct comm_value v)
{
	if (pc->n_attach < POLICY_ATTACH_MAX)
		pc->attach[pc->n_attach++] = v;
	else if (pc->n_attach == POLICY_ATTACH_MAX && ++pc->n_attach)     /* said once */
		log_warn("clients AS%u: more than %d communities of its own: %s and the rest left out",
		    asn, POLICY_ATTACH_MAX, what);
}

static void attach_def(struct policy_client *pc, uint32_t asn, const char *what, const struct comm_def *d,
    uint32_t val)
{
	struct comm_value vals[COMM_KINDS];
	size_t n = comm_def_values(d, val, vals);
	for (size_t v = 0; v < n; v++)
		attach_value(pc, asn, what, vals[v]);
}

/* The communities client c's routes get as its own: its location tags,
 * then the custom communities it attaches (the loader checked that each
 * is declared). */
static void build_attach(const struct policy_global *g, const struct ixpd_config *cfg,
    const struct cfg_client *c, struct policy_client *pc)
{
	const struct cfg_community_map *m = &cfg->general.custom_communities;
	if (c->site)
		attach_def(pc, c->asn, "its site", &g->loc[LOC_SITE], c->site);
	if (cfg->location.exchange)
		attach_def(pc, c->asn, "the exchange", &g->loc[LOC_EXCHANGE], cfg->location.exchange);
	if (cfg->location.country)
		attach_def(pc, c->asn, "the country", &g->loc[LOC_COUNTRY], cfg->location.country);
	for (int k = 0; k < c->attach_custom_communities.n; k++)
		for (int i = 0; i < m->n; i++)
			if (strcmp(m->v[i].name, c->attach_custom_communities.v[k]) == 0)
				attach_def(pc, c->asn, m->v[i].name, &g->custom[i].def, 0);
	if (pc->n_attach > POLICY_ATTACH_MAX)
		pc->n_attach = POLICY_ATTACH_MAX;
}

/* What the derived attribute sets contain (communities added, next hop
 * of blackholes, LOCAL_PREF): when this changes they are all rebuilt. */
static uint64_t content_digest(const struct policy_global *g)
{
	uint64_t h = FNV_INIT;
	FNV_VAL(h, g->rs_as);
	FNV_VAL(h, g->irr_tag);
	h = fnv(h, g->comm, sizeof(g->comm));
	for (size_t i = 0; i < g->n_reject_map; i++)
		h = fnv(h, &g->reject_map[i], sizeof(g->reject_map[i]));
	h = fnv(h, g->blackhole_policy, sizeof(g->blackhole_policy));
	h = fnv(h, g->blackhole_nh, sizeof(g->blackhole_nh));
	FNV_VAL(h, g->blackhole_noexport);
	FNV_VAL(h, g->gshut_local_pref);
	FNV_VAL(h, g->rfc1997);
	h = fnv(h, g->rtt_thresholds, g->n_rtt_thresholds * sizeof(*g->rtt_thresholds));
	h = fnv(h, g->custom, g->n_custom * sizeof(*g->custom));
	h = fnv(h, g->loc, sizeof(g->loc));
	return h;
}

/* Everything a verdict depends on besides the member's own policy. */
static uint64_t global_digest(const struct ixpd_config *cfg, const struct policy_global *g)
{
	const struct cfg_general *gen = &cfg->general;
	uint64_t h = g->content_digest;
	h = fnv_prefix_list(h, &gen->filtering.global_black_list_pref);
	h = fnv_prefix_list(h, config_bogons(cfg));
	FNV_VAL(h, gen->filtering.transit_free.action);
	h = fnv_u32_list(h, &gen->filtering.transit_free.asns);
	h = fnv(h, g->never_via_rs.v, g->never_via_rs.n * sizeof(*g->never_via_rs.v));
	FNV_VAL(h, g->irr_allow_longer);
	FNV_VAL(h, g->irr_roas);
	h = fnv(h, g->irr_whois, sizeof(g->irr_whois));
	FNV_VAL(h, g->irr_configured);
	FNV_VAL(h, g->rpki_configured);
	for (int i = 0; i < g->n_member_addrs; i++)
		h = fnv(h, &g->member_addrs[i], sizeof(g->member_addrs[i]));
	return h;
}

static int member_addr_order(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;   /* asn leads */
	return a < b ? -1 : a > b;
}

/* irrdb.peering_db: a client without AS-SETs of its own (only AS<asn>)
 * uses those its PeeringDB record names. */
static void add_pdb_as_sets(struct policy_client *pc, const struct pdb *pdb)
{
	const struct pdb_net *net = pdb ? pdb_lookup(pdb, pc->asn) : NULL;
	if (!net || pc->n_irr_names != 1 || net->as_sets.n == 0)
		return;
	pc->irr_names = xrealloc(pc->irr_names, (size_t)(1 + net->as_sets.n) * sizeof(*pc->irr_names));
	for (int i = 0; i < net->as_sets.n; i++)
		if (irr_name_valid(net->as_sets.v[i]))
			pc->irr_names[pc->n_irr_names++] = xstrdup(net->as_sets.v[i]);
}

static void build_client(const struct ixpd_config *cfg, const struct cfg_client *c,
    const struct pdb *pdb, struct policy_client *pc)
{
	pc->asn = c->asn;
	pc->black_list = prefix_list_compile(&c->black_list_pref);
	pc->n_authorized = c->authorized_addresses_list.n;
	if (pc->n_authorized) {
		pc->authorized = xcalloc((size_t)pc->n_authorized, sizeof(*pc->authorized));
		memcpy(pc->authorized, c->authorized_addresses_list.v,
		    (size_t)pc->n_authorized * sizeof(*pc->authorized));
	}
	pc->white_list_pref = prefix_list_compile(&c->irrdb.white_list_pref);
	pc->white_list_route = prefix_list_compile(&c->irrdb.white_list_route);
	asn_set_from(&pc->white_list_asn, &c->irrdb.white_list_asn);
	pc->n_irr_names = irr_client_names(cfg, c, &pc->irr_names);
	if (cfg->general.filtering.irrdb.peering_db)
		add_pdb_as_sets(pc, pdb);
	/* The same key the IRR data carries (names canonicalised and sorted). */
	pc->irr_key = irr_key((const char *const *)pc->irr_names, pc->n_irr_names);
	if (!pc->irr_key)
		pc->irr_key = xstrdup("");
}

static void addr_bytes(const struct ip_addr *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (a->family == AF_INET)
		memcpy(out, &a->u.v4, 4);
	else if (a->family == AF_INET6)
		memcpy(out, &a->u.v6, 16);
}

struct policy_global *policy_global_build(const struct ixpd_config *cfg, const struct pdb *pdb,
    char *err, size_t errlen)
{
	const struct cfg_general *gen = &cfg->general;
	struct policy_global *g = xcalloc(1, sizeof(*g));
	g->rs_as = cfg->rs_as;
	g->bogons = prefix_list_compile(config_bogons(cfg));
	g->global_black_list = prefix_list_compile(&gen->filtering.global_black_list_pref);
	g->transit_free_action = (uint8_t)gen->filtering.transit_free.action;
	asn_set_from(&g->transit_free, &gen->filtering.transit_free.asns);
	asn_set_from(&g->never_via_rs, &gen->filtering.never_via_route_servers.asns);
	if (pdb && gen->filtering.never_via_route_servers.peering_db)
		pdb_never_via_rs(pdb, &g->never_via_rs);
	g->irr_allow_longer = gen->filtering.irrdb.allow_longer_prefixes;
	g->irr_tag = gen->filtering.irrdb.tag_as_set;
	g->irr_roas = gen->filtering.irrdb.use_rpki_roas_as_route_objects.enabled;
	g->rfc1997 = gen->rfc1997_wellknown_communities.policy == CFG_RFC1997_RFC1997;
	g->irr_whois[WHOIS_ARIN] = gen->filtering.irrdb.use_arin_bulk_whois_data.enabled;
	g->irr_whois[WHOIS_REGISTROBR] = gen->filtering.irrdb.use_registrobr_bulk_whois_data.enabled;
	for (int i = 0; i < CFG_COMM_COUNT; i++)
		comm_def_compile(&g->comm[i], &gen->communities[i], cfg->rs_as);
	if (build_reject_map(g, &gen->reject_cause_map, err, errlen) < 0) {
		policy_global_free(g);
		return NULL;
	}
	build_custom(g, &gen->custom_communities);
	build_location(g, cfg);
	build_scrub_list(g);
	g->n_rtt_thresholds = (size_t)gen->rtt_thresholds.n;
	g->rtt_thresholds = xcalloc(g->n_rtt_thresholds + 1, sizeof(uint32_t));
	if (g->n_rtt_thresholds)
		memcpy(g->rtt_thresholds, gen->rtt_thresholds.v, g->n_rtt_thresholds * sizeof(uint32_t));
	g->blackhole_policy[0] = (uint8_t)gen->blackhole_filtering.policy_ipv4;
	g->blackhole_policy[1] = (uint8_t)gen->blackhole_filtering.policy_ipv6;
	addr_bytes(&gen->blackhole_filtering.rewrite_next_hop_ipv4, g->blackhole_nh[0]);
	addr_bytes(&gen->blackhole_filtering.rewrite_next_hop_ipv6, g->blackhole_nh[1]);
	g->blackhole_noexport = gen->blackhole_filtering.add_noexport;
	g->gshut_local_pref = gen->graceful_shutdown.local_pref;
	g->member_addrs = xcalloc((size_t)cfg->n_members + 1, sizeof(*g->member_addrs));
	for (int i = 0; i < cfg->n_members; i++) {
		g->member_addrs[i].asn = cfg->members[i].asn;
		g->member_addrs[i].addr = cfg->members[i].addr;
	}
	g->n_member_addrs = cfg->n_members;
	qsort(g->member_addrs, (size_t)g->n_member_addrs, sizeof(*g->member_addrs), member_addr_order);
	g->clients = xcalloc((size_t)cfg->n_clients + 1, sizeof(*g->clients));
	g->n_clients = (uint32_t)cfg->n_clients;
	for (int i = 0; i < cfg->n_clients; i++)
	{
		build_client(cfg, &cfg->clients[i], pdb, &g->clients[i]);
		build_attach(g, cfg, &cfg->clients[i], &g->clients[i]);
	}
	g->irr_configured = cfg->irr.rpsl.n > 0 || cfg->irr.bgpq4.enabled;
	g->rpki_configured = cfg->rpki.rtr.n > 0 || cfg->rpki.vrp_file != NULL;
	g->content_digest = content_digest(g);
	g->digest = global_digest(cfg, g);
	return g;
}

void policy_global_free(struct policy_global *g)
{
	if (!g)
		return;
	prefix_list_free(g->bogons);
	prefix_list_free(g->global_black_list);
	asn_set_free(&g->transit_free);
	asn_set_free(&g->never_via_rs);
	free(g->reject_map);
	free(g->scrub);
	free(g->custom);
	free(g->rtt_thresholds);
	free(g->member_addrs);
	for (uint32_t i = 0; i < g->n_clients; i++) {
		struct policy_client *c = &g->clients[i];
		prefix_list_free(c->black_list);
		prefix_list_free(c->white_list_pref);
		prefix_list_free(c->white_list_route);
		asn_set_free(&c->white_list_asn);
		free(c->authorized);
		irr_names_free(c->irr_names, c->n_irr_names);
		free(c->irr_key);
	}
	free(g->clients);
	free(g);
}

static uint64_t client_digest(const struct cfg_client *c, const struct policy_client *pc)
{
	uint64_t h = FNV_INIT;
	h = fnv_prefix_list(h, &c->black_list_pref);
	h = fnv(h, c->authorized_addresses_list.v,
	    (size_t)c->authorized_addresses_list.n * sizeof(*c->authorized_addresses_list.v));
	h = fnv_prefix_list(h, &c->irrdb.white_list_pref);
	h = fnv_prefix_list(h, &c->irrdb.white_list_route);
	h = fnv_u32_list(h, &c->irrdb.white_list_asn);
	h = fnv(h, pc->attach, pc->n_attach * sizeof(*pc->attach));
	return fnv_str(h, pc->irr_key);
}

void policy_from_config(const struct ixpd_config *cfg, const struct policy_global *g,
    const struct pdb *pdb, const struct cfg_member *m, struct peer_policy *out)
{
	const struct cfg_client *cl = m->client;
	const struct cfg_policy *c = &cl->policy;
	memset(out, 0, sizeof(*out));
	out->v4_min = c->filtering.ipv4_pref_len.min;
	out->v4_max = c->filtering.ipv4_pref_len.max;
	out->v6_min = c->filtering.ipv6_pref_len.min;
	out->v6_max = c->filtering.ipv6_pref_len.max;
	out->max_as_path_len = (uint16_t)c->filtering.max_as_path_len;
	out->next_hop = (uint8_t)c->filtering.next_hop.policy;
	out->reject_policy = (uint8_t)c->filtering.reject_policy.policy;
	out->reject_invalid_asns = c->filtering.reject_invalid_as_in_as_path;
	out->irr_enforce_origin = c->filtering.irrdb.enforce_origin_in_as_set;
	out->irr_enforce_prefix = c->filtering.irrdb.enforce_prefix_in_as_set;
	out->rpki_enabled = c->filtering.rpki_bgp_origin_validation.enabled;
	out->rpki_reject_invalid = c->filtering.rpki_bgp_origin_validation.reject_invalid;
	out->gshut = c->graceful_shutdown.enabled;
	out->blackhole_to_client = c->blackhole_filtering.announce_to_client;
	out->prepend_rs_as = c->prepend_rs_as;
	out->site = cl->site;
	out->max_prefix_action = (uint8_t)c->filtering.max_prefix.action;
	out->max_prefix_count_rejected = c->filtering.max_prefix.count_rejected_routes;
	out->max_prefix_restart = c->filtering.max_prefix.restart_after;
	out->max_prefix_v4 = pdb_max_prefix(cl, &cfg->general, pdb, AFI_IPV4);
	out->max_prefix_v6 = pdb_max_prefix(cl, &cfg->general, pdb, AFI_IPV6);
	out->client = (uint32_t)(cl - cfg->clients);
	out->client_digest = client_digest(cl, &g->clients[out->client]);
}
