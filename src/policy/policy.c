/* SPDX-License-Identifier: ISC */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bogons.h"
#include "log.h"
#include "peeringdb.h"
#include "policy_int.h"
#include "xalloc.h"

static const struct {
	const char *text;
	uint16_t code;               /* arouteserver reject cause */
} reasons[REJECT_REASON_COUNT] = {
	[REJECT_NONE] = { "accepted", 0 },
	[REJECT_NEXT_HOP] = { "invalid NEXT_HOP: not allowed by the next-hop policy", 5 },
	[REJECT_PREFIX_LEN] = { "invalid prefix length", 13 },
	[REJECT_IPV6_NOT_GLOBAL] = { "IPv6 prefix not in global unicast space (2000::/3)", 10 },
	[REJECT_BOGON] = { "prefix is a bogon", 2 },
	[REJECT_GLOBAL_BLACK_LIST] = { "prefix is in the global black list", 3 },
	[REJECT_CLIENT_BLACK_LIST] = { "prefix is in the client's black list", 11 },
	[REJECT_AS_PATH_LEN] = { "AS_PATH too long", 1 },
	[REJECT_LEFTMOST_AS] = { "left-most AS in AS_PATH is not the member's AS", 6 },
	[REJECT_INVALID_ASN] = { "invalid (private/reserved) AS in AS_PATH", 7 },
	[REJECT_TRANSIT_FREE] = { "transit-free AS in AS_PATH", 8 },
	[REJECT_NEVER_VIA_RS] = { "AS in AS_PATH never peers via route servers", 15 },
	[REJECT_IRR_ORIGIN] = { "origin AS not in the member's IRR AS-SETs", 9 },
	[REJECT_IRR_PREFIX] = { "prefix not in the member's IRR route objects", 12 },
	[REJECT_BLACKHOLE_FOREIGN] = { "blackhole outside the member's own announced space", 65535 },
	[REJECT_RPKI_INVALID] = { "RPKI origin validation: INVALID", 14 },
	[REJECT_ASPA_INVALID] = { "ASPA path verification: INVALID", 16 },
	[REJECT_OTC_LEAK] = { "route leak: OTC attribute from an RS client (RFC 9234)", 65535 },
	[REJECT_MAX_PREFIX] = { "max-prefix limit reached (action block)", 65535 },
};

const char *reject_reason_str(uint16_t reason)
{
	return reason < REJECT_REASON_COUNT ? reasons[reason].text : "rejected";
}

uint16_t policy_reject_code(uint16_t reason)
{
	return reason < REJECT_REASON_COUNT ? reasons[reason].code : 65535;
}

const char *policy_rov_str(uint8_t rov)
{
	static const char *const names[] = { "not-checked", "valid", "unknown", "invalid" };
	return rov < 4 ? names[rov] : "?";
}

/* --- building from the configuration ------------------------------------ */

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

static void build_scrub_list(struct policy_global *g)
{
	g->scrub = xcalloc(CFG_COMM_COUNT + g->n_reject_map + 1, sizeof(*g->scrub));
	for (int i = 0; i < CFG_COMM_COUNT; i++)
		if (!comm_def_empty(&g->comm[i]))
			g->scrub[g->n_scrub++] = g->comm[i];
	for (size_t i = 0; i < g->n_reject_map; i++)
		if (!comm_def_empty(&g->reject_map[i].def))
			g->scrub[g->n_scrub++] = g->reject_map[i].def;
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
	for (int i = 0; i < CFG_COMM_COUNT; i++)
		comm_def_compile(&g->comm[i], &gen->communities[i], cfg->rs_as);
	if (build_reject_map(g, &gen->reject_cause_map, err, errlen) < 0) {
		policy_global_free(g);
		return NULL;
	}
	build_scrub_list(g);
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
		build_client(cfg, &cfg->clients[i], pdb, &g->clients[i]);
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
	out->max_prefix_action = (uint8_t)c->filtering.max_prefix.action;
	out->max_prefix_count_rejected = c->filtering.max_prefix.count_rejected_routes;
	out->max_prefix_restart = c->filtering.max_prefix.restart_after;
	out->max_prefix_v4 = pdb_max_prefix(cl, &cfg->general, pdb, AFI_IPV4);
	out->max_prefix_v6 = pdb_max_prefix(cl, &cfg->general, pdb, AFI_IPV6);
	out->client = (uint32_t)(cl - cfg->clients);
	out->client_digest = client_digest(cl, &g->clients[out->client]);
}

/* --- checks --------------------------------------------------------------- */

static bool nh_is(const struct path_info *info, const struct ip_addr *a)
{
	if (a->family == AF_INET)
		return info->nh_afi == AFI_IPV4 && memcmp(info->nh, &a->u.v4, 4) == 0;
	return info->nh_afi == AFI_IPV6 && memcmp(info->nh, &a->u.v6, 16) == 0;
}

/* same-as: any address of a member with the same AS (a network with
 * several routers on the LAN may point at another of its own). */
static bool nh_same_as(const struct policy_global *g, uint32_t asn, const struct path_info *info)
{
	size_t lo = 0, hi = (size_t)g->n_member_addrs;
	while (lo < hi) {           /* first entry with this AS */
		size_t mid = (lo + hi) / 2;
		if (g->member_addrs[mid].asn < asn)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < (size_t)g->n_member_addrs && g->member_addrs[lo].asn == asn; lo++)
		if (nh_is(info, &g->member_addrs[lo].addr))
			return true;
	return false;
}

static bool next_hop_allowed(const struct policy_data *d, const struct policy_peer *peer,
    const struct path_info *info)
{
	if (nh_is(info, peer->addr))
		return true;
	switch (peer->pol->next_hop) {
	case CFG_NEXT_HOP_SAME_AS:
		return d->g && nh_same_as(d->g, peer->asn, info);
	case CFG_NEXT_HOP_AUTHORIZED_ADDRESSES:
		for (int i = 0; peer->client && i < peer->client->n_authorized; i++)
			if (nh_is(info, &peer->client->authorized[i]))
				return true;
		return false;
	default:
		return false;
	}
}

static uint16_t check_path(const struct policy_data *d, const struct policy_peer *peer,
    const struct attr_set *a)
{
	const struct path_info *info = &a->info;
	const struct policy_global *g = d->g;
	if (info->as_path_len > peer->pol->max_as_path_len)
		return REJECT_AS_PATH_LEN;
	/* A member's route starts with its own AS (a route server never
	 * prepends its own); an empty or set-led AS_PATH cannot. */
	if (info->neighbor_as != peer->asn)
		return REJECT_LEFTMOST_AS;
	if (peer->pol->reject_invalid_asns && as_path_has_invalid(a->data, a->len, NULL))
		return REJECT_INVALID_ASN;
	if (!g)
		return REJECT_NONE;
	if (g->transit_free_action == CFG_TRANSIT_FREE_REJECT && g->transit_free.n &&
	    as_path_has_transit_free(a->data, a->len, &g->transit_free, peer->asn, NULL))
		return REJECT_TRANSIT_FREE;
	if (g->never_via_rs.n && as_path_has_never_via_rs(a->data, a->len, &g->never_via_rs, NULL))
		return REJECT_NEVER_VIA_RS;
	return REJECT_NONE;
}

static uint16_t check_aspa(const struct policy_data *d, const struct attr_set *a)
{
	uint32_t hops[64];
	if (!d->aspas)
		return REJECT_NONE;
	long n = as_path_hops(a->data, a->len, hops, 64);
	if (n > 64)                  /* longer than any max_as_path_len allows */
		return REJECT_NONE;
	enum aspa_state s = aspa_verify_upstream(d->aspas, hops, n > 0 ? (size_t)n : 0, n == AS_PATH_HAS_SET);
	return s == ASPA_INVALID ? REJECT_ASPA_INVALID : REJECT_NONE;
}

bool carries(const struct comm_def *def, const struct attr_set *a)
{
	return !comm_def_empty(def) && comm_present(def, a->data, a->len);
}

void policy_check_attrs(const struct policy_data *d, const struct policy_peer *peer,
    const struct attr_set *a, uint8_t afi, struct attrs_verdict *out)
{
	const struct policy_global *g = d->g;
	memset(out, 0, sizeof(*out));
	if (!next_hop_allowed(d, peer, &a->info))
		out->next_hop = REJECT_NEXT_HOP;
	out->path = check_path(d, peer, a);
	if (peer->role_negotiated && a->info.has_otc)
		out->late = REJECT_OTC_LEAK;
	else
		out->late = check_aspa(d, a);
	if (g && g->blackhole_policy[afi == AFI_IPV6] != CFG_BLACKHOLE_NONE)
		out->blackhole = carries(&comm_blackhole, a) || carries(&g->comm[CFG_COMM_BLACKHOLING], a);
	out->gshut_add = peer->gshut_forced;
	out->gshut = peer->gshut_forced || (peer->pol->gshut && carries(&comm_gshut, a));
}

static uint16_t check_prefix(const struct policy_data *d, const struct policy_peer *peer,
    const struct prefix *p, bool blackhole)
{
	const struct peer_policy *pol = peer->pol;
	const struct policy_global *g = d->g;
	/* A blackhole may be as specific as a host route (RFC 7999 §3.2). */
	uint8_t max4 = blackhole ? 32 : pol->v4_max, max6 = blackhole ? 128 : pol->v6_max;
	if (p->afi == AFI_IPV4) {
		if (p->len < pol->v4_min || p->len > max4)
			return REJECT_PREFIX_LEN;
	} else {
		if ((p->addr[0] & 0xe0) != 0x20)
			return REJECT_IPV6_NOT_GLOBAL;
		if (p->len < pol->v6_min || p->len > max6)
			return REJECT_PREFIX_LEN;
	}
	if (!g)
		return REJECT_NONE;
	if (prefix_list_match(g->bogons, p, 0))
		return REJECT_BOGON;
	if (prefix_list_match(g->global_black_list, p, 0))
		return REJECT_GLOBAL_BLACK_LIST;
	if (peer->client && prefix_list_match(peer->client->black_list, p, 0))
		return REJECT_CLIENT_BLACK_LIST;
	return REJECT_NONE;
}

/* arouteserver's IRR check: origin in the AS-SETs' ASNs (or the
 * white_list_asn), prefix among their route objects (or white_list_pref;
 * more specifics with allow_longer_prefixes, and always for a blackhole,
 * which is a more specific of the member's own space by nature);
 * white_list_route entries pass both. */
static uint16_t check_irr(const struct policy_data *d, const struct policy_peer *peer,
    const struct attr_set *a, const struct prefix *p, bool blackhole, uint8_t *bits)
{
	const struct policy_global *g = d->g;
	const struct peer_policy *pol = peer->pol;
	const struct policy_client *c = peer->client;
	uint32_t origin = a->info.origin_as;
	*bits = 0;
	if (!g || !g->irr_configured || !(pol->irr_enforce_origin || pol->irr_enforce_prefix || g->irr_tag))
		return REJECT_NONE;
	*bits = POL_IRR_CHECKED;
	if (c && prefix_list_match(c->white_list_route, p, origin)) {
		*bits |= POL_IRR_WHITE | POL_IRR_ORIGIN_OK | POL_IRR_PREFIX_OK;
		return REJECT_NONE;
	}
	unsigned r = peer->irr ? irr_check(peer->irr, p, origin, g->irr_allow_longer || blackhole) : 0;
	if ((r & IRR_ORIGIN_OK) || (c && asn_set_has(&c->white_list_asn, origin)))
		*bits |= POL_IRR_ORIGIN_OK;
	if ((r & IRR_PREFIX_OK) || (c && prefix_list_match(c->white_list_pref, p, 0)))
		*bits |= POL_IRR_PREFIX_OK;
	if (pol->irr_enforce_origin && !(*bits & POL_IRR_ORIGIN_OK))
		return REJECT_IRR_ORIGIN;
	if (pol->irr_enforce_prefix && !(*bits & POL_IRR_PREFIX_OK))
		return REJECT_IRR_PREFIX;
	return REJECT_NONE;
}

static uint8_t check_rov(const struct policy_data *d, const struct policy_peer *peer,
    const struct attr_set *a, const struct prefix *p)
{
	if (!peer->pol->rpki_enabled || !d->vrps)
		return POL_ROV_NOT_CHECKED;
	switch (rov_validate(d->vrps, p, a->info.origin_as)) {
	case ROV_VALID:
		return POL_ROV_VALID;
	case ROV_INVALID:
		return POL_ROV_INVALID;
	default:
		return POL_ROV_UNKNOWN;
	}
}

void policy_check_route(const struct policy_data *d, const struct policy_peer *peer,
    const struct attr_set *a, const struct attrs_verdict *av, const struct prefix *p,
    struct route_verdict *out)
{
	memset(out, 0, sizeof(*out));
	out->afi = p->afi;
	out->blackhole = av->blackhole;
	out->gshut = av->gshut;
	out->gshut_add = av->gshut_add;
	uint16_t r = av->next_hop;
	if (!r)
		r = check_prefix(d, peer, p, av->blackhole);
	if (!r)
		r = av->path;
	uint16_t irr = check_irr(d, peer, a, p, av->blackhole, &out->irr);
	if (!r)
		r = irr;
	/* RFC 7999 §3.2: only for the member's own space.  The IRR check above
	 * says so when IRR data is configured; otherwise the member must itself
	 * announce a covering route. */
	if (!r && av->blackhole && !(out->irr & POL_IRR_CHECKED) && peer->own_space &&
	    !peer->own_space(peer->own_space_arg, p))
		r = REJECT_BLACKHOLE_FOREIGN;
	/* Blackholes skip origin validation, as arouteserver does: a /32 of
	 * the member's space is INVALID against a /24 ROA by construction. */
	if (!av->blackhole) {
		out->rov = check_rov(d, peer, a, p);
		if (!r && out->rov == POL_ROV_INVALID && peer->pol->rpki_reject_invalid)
			r = REJECT_RPKI_INVALID;
	}
	if (!r)
		r = av->late;
	out->reject = r;
}
