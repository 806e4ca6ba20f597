#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "xalloc.h"

static const struct {
	const char *text;
	uint16_t code;               /* arouteserver reject cause */
} reasons[REJECT_REASON_COUNT] = {
	[REJECT_NONE] = { "accepted", 0 },
	[REJECT_NEXT_HOP] = { "invalid NEXT_HOP: not the member's own address", 5 },
	[REJECT_PREFIX_LEN] = { "invalid prefix length", 13 },
	[REJECT_IPV6_NOT_GLOBAL] = { "IPv6 prefix not in global unicast space (2000::/3)", 10 },
	[REJECT_AS_PATH_LEN] = { "AS_PATH too long", 1 },
	[REJECT_LEFTMOST_AS] = { "left-most AS in AS_PATH is not the member's AS", 6 },
	[REJECT_OTC_LEAK] = { "route leak: OTC attribute from an RS client (RFC 9234)", 0 },
};

const char *reject_reason_str(uint16_t reason)
{
	return reason < REJECT_REASON_COUNT ? reasons[reason].text : "rejected";
}

uint16_t policy_reject_code(uint16_t reason)
{
	return reason < REJECT_REASON_COUNT ? reasons[reason].code : 65535;
}

void policy_from_config(const struct cfg_policy *c, struct peer_policy *out)
{
	memset(out, 0, sizeof(*out));
	out->v4_min = c->filtering.ipv4_pref_len.min;
	out->v4_max = c->filtering.ipv4_pref_len.max;
	out->v6_min = c->filtering.ipv6_pref_len.min;
	out->v6_max = c->filtering.ipv6_pref_len.max;
	out->max_as_path_len = (uint16_t)c->filtering.max_as_path_len;
	out->next_hop = (uint8_t)c->filtering.next_hop.policy;
}

static bool next_hop_is_member(const struct policy_peer *peer, const struct path_info *info)
{
	if (peer->addr->family == AF_INET)
		return info->nh_afi == AFI_IPV4 && memcmp(info->nh, &peer->addr->u.v4, 4) == 0;
	return info->nh_afi == AFI_IPV6 && memcmp(info->nh, &peer->addr->u.v6, 16) == 0;
}

uint16_t policy_check_attrs(const struct policy_peer *peer, const struct attr_set *attrs)
{
	const struct path_info *info = &attrs->info;
	if (peer->pol->next_hop == CFG_NEXT_HOP_STRICT && !next_hop_is_member(peer, info))
		return REJECT_NEXT_HOP;
	if (info->as_path_len > peer->pol->max_as_path_len)
		return REJECT_AS_PATH_LEN;
	/* A member's route starts with its own AS (a route server never
	 * prepends its own); an empty or set-led AS_PATH cannot. */
	if (info->neighbor_as != peer->asn)
		return REJECT_LEFTMOST_AS;
	if (peer->role_negotiated && info->has_otc)
		return REJECT_OTC_LEAK;
	return REJECT_NONE;
}

uint16_t policy_check_prefix(const struct policy_peer *peer, const struct prefix *p)
{
	const struct peer_policy *pol = peer->pol;
	if (p->afi == AFI_IPV4)
		return (p->len < pol->v4_min || p->len > pol->v4_max) ? REJECT_PREFIX_LEN : REJECT_NONE;
	if ((p->addr[0] & 0xe0) != 0x20)
		return REJECT_IPV6_NOT_GLOBAL;
	return (p->len < pol->v6_min || p->len > pol->v6_max) ? REJECT_PREFIX_LEN : REJECT_NONE;
}

struct asn_list {
	uint32_t *v;
	uint16_t n, cap;
};

static void asn_add(struct asn_list *l, uint32_t asn)
{
	for (uint16_t i = 0; i < l->n; i++)
		if (l->v[i] == asn)
			return;
	if (l->n == UINT16_MAX)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? (uint16_t)(l->cap * 2 > UINT16_MAX ? UINT16_MAX : l->cap * 2) : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = asn;
}

struct export_scan {
	bool none;                   /* "do not announce to any" */
	struct asn_list deny, allow;
};

static void scan_standard(uint32_t rs_as, struct rbuf v, struct export_scan *x)
{
	uint32_t c;
	while (rbuf_u32(&v, &c) == 0) {
		uint32_t hi = c >> 16, lo = c & 0xffff;
		if (hi == 0 && lo == rs_as)
			x->none = true;
		else if (hi == 0)
			asn_add(&x->deny, lo);
		else if (hi == rs_as && rs_as <= 0xffff)
			asn_add(&x->allow, lo);
	}
}

static void scan_large(uint32_t rs_as, struct rbuf v, struct export_scan *x)
{
	uint32_t g, d1, d2;
	while (rbuf_u32(&v, &g) == 0 && rbuf_u32(&v, &d1) == 0 && rbuf_u32(&v, &d2) == 0) {
		if (g != rs_as)
			continue;
		if (d1 == 0 && d2 == 0)
			x->none = true;
		else if (d1 == 0)
			asn_add(&x->deny, d2);
		else if (d1 == 1 && d2 != 0)
			asn_add(&x->allow, d2);
	}
}

static struct export_ctl *make_ctl(bool only_listed, const struct asn_list *l)
{
	struct export_ctl *c = xmalloc(sizeof(*c) + l->n * sizeof(uint32_t));
	c->only_listed = only_listed;
	c->n = l->n;
	if (l->n)
		memcpy(c->asns, l->v, l->n * sizeof(uint32_t));
	return c;
}

void policy_derive(uint32_t rs_as, struct attr_set *attrs)
{
	struct export_scan x = { 0 };
	struct rbuf v;
	if (attrs->derived)
		return;
	attrs->derived = true;
	if (attr_find(attrs->data, attrs->len, ATTR_COMMUNITIES, &v) == 0)
		scan_standard(rs_as, v, &x);
	if (attr_find(attrs->data, attrs->len, ATTR_LARGE_COMMUNITIES, &v) == 0)
		scan_large(rs_as, v, &x);
	if (x.none)
		attrs->ctl = make_ctl(true, &x.allow);
	else if (x.deny.n)
		attrs->ctl = make_ctl(false, &x.deny);
	free(x.deny.v);
	free(x.allow.v);
}
