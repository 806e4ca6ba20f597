#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "xalloc.h"

const char *reject_reason_str(uint16_t reason)
{
	switch (reason) {
	case REJECT_NONE: return "accepted";
	case REJECT_OTC_LEAK: return "route leak: OTC attribute received from an RS client (RFC 9234)";
	case REJECT_AS_PATH_EMPTY: return "empty AS_PATH";
	default: return "rejected";
	}
}

uint16_t policy_import(const struct policy_peer *peer, const struct prefix *p,
    const struct attr_set *attrs)
{
	(void)p;
	if (attrs->info.as_path_len == 0)
		return REJECT_AS_PATH_EMPTY;
	if (peer->role_negotiated && attrs->info.has_otc)
		return REJECT_OTC_LEAK;
	return REJECT_NONE;
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
