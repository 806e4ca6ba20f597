/* SPDX-License-Identifier: ISC */
/* policy_check: the import checks of policy.h (policy_check_attrs once per
 * UPDATE, policy_check_route once per prefix) and the names and reject
 * codes of their verdicts. */
#include "policy.h"

#include <string.h>

#include "bgp.h"
#include "policy_int.h"
#include "whois_dump.h"

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

/* The prefix bits for a prefix no route object has: OK through a ROA or a
 * whois dump listing it for origin, in arouteserver's order; 0 if none. */
static uint8_t prefix_backed_up(const struct policy_data *d, const struct prefix *p, uint32_t origin,
    bool allow_longer)
{
	static const uint8_t via[] = { [WHOIS_ARIN] = POL_IRR_VIA_ARIN, [WHOIS_REGISTROBR] = POL_IRR_VIA_REGISTROBR };
	const struct policy_global *g = d->g;
	if (g->irr_roas && d->vrps && rov_validate(d->vrps, p, origin) == ROV_VALID)
		return POL_IRR_PREFIX_OK | POL_IRR_VIA_ROA;
	for (int f = WHOIS_ARIN; f <= WHOIS_REGISTROBR; f++)
		if (g->irr_whois[f] && d->whois[f] && whois_routes_match(d->whois[f], p, origin, allow_longer))
			return POL_IRR_PREFIX_OK | via[f];
	return 0;
}

/* arouteserver's IRR check: origin in the AS-SETs' ASNs (or the
 * white_list_asn), prefix among their route objects (or white_list_pref;
 * more specifics with allow_longer_prefixes, and always for a blackhole,
 * which is a more specific of the member's own space by nature);
 * white_list_route entries pass both.  With use_rpki_roas_as_route_objects,
 * ROAs count as route objects: an origin the AS-SETs authorize with a
 * prefix no route object has passes if a ROA covers it for that origin
 * (RPKI-valid), tagged prefix_validated_via_rpki_roas; then the ARIN and
 * registro.br whois dumps (use_*_bulk_whois_data) the same way. */
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
	else if (*bits & POL_IRR_ORIGIN_OK)
		*bits |= prefix_backed_up(d, p, origin, g->irr_allow_longer || blackhole);
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
