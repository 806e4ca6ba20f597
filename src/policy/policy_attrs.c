/* SPDX-License-Identifier: ISC */
/* policy_attrs: what the route server makes of a route -- the attribute
 * set policy_effective (policy.h) keeps and exports for a received set and
 * its verdict, and the derived sets it builds and caches for that. */
#include "policy.h"

#include <string.h>

#include "addr.h"
#include "bgp.h"
#include "log.h"
#include "policy_int.h"

#define MAX_ADDS (16 + POLICY_ATTACH_MAX)

struct adds {
	struct comm_value v[MAX_ADDS];
	size_t n;
};

static void add_value(struct adds *x, struct comm_value v)
{
	if (x->n < MAX_ADDS)
		x->v[x->n++] = v;
}

static void add_def(struct adds *x, const struct comm_def *def, uint32_t val)
{
	struct comm_value vals[COMM_KINDS];
	size_t n = comm_def_values(def, val, vals);
	for (size_t i = 0; i < n; i++)
		add_value(x, vals[i]);
}

/* The community telling how the IRR prefix check went. */
static enum cfg_community_id prefix_tag(uint8_t irr)
{
	switch (irr & POL_IRR_VIA_MASK) {
	case POL_IRR_VIA_ROA:
		return CFG_COMM_PREFIX_VALIDATED_VIA_RPKI_ROAS;
	case POL_IRR_VIA_ARIN:
		return CFG_COMM_PREFIX_VALIDATED_VIA_ARIN_WHOIS_DB_DUMP;
	case POL_IRR_VIA_REGISTROBR:
		return CFG_COMM_PREFIX_VALIDATED_VIA_REGISTROBR_WHOIS_DB_DUMP;
	}
	return (irr & POL_IRR_PREFIX_OK) ? CFG_COMM_PREFIX_PRESENT_IN_AS_SET :
	    CFG_COMM_PREFIX_NOT_PRESENT_IN_AS_SET;
}

static void add_informational(const struct policy_global *g, const struct route_verdict *v,
    struct adds *x)
{
	static const enum cfg_community_id rov_comm[] = {
		[POL_ROV_VALID] = CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_VALID,
		[POL_ROV_UNKNOWN] = CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_UNKNOWN,
		[POL_ROV_INVALID] = CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_INVALID,
	};
	if (v->rov != POL_ROV_NOT_CHECKED)
		add_def(x, &g->comm[rov_comm[v->rov]], 0);
	if ((v->irr & POL_IRR_CHECKED) && g->irr_tag) {
		if (v->irr & POL_IRR_WHITE) {
			add_def(x, &g->comm[CFG_COMM_ROUTE_VALIDATED_VIA_WHITE_LIST], 0);
		} else {
			add_def(x, &g->comm[(v->irr & POL_IRR_ORIGIN_OK) ? CFG_COMM_ORIGIN_PRESENT_IN_AS_SET :
			    CFG_COMM_ORIGIN_NOT_PRESENT_IN_AS_SET], 0);
			add_def(x, &g->comm[prefix_tag(v->irr)], 0);
		}
	}
}

static void add_reject_tags(const struct policy_global *g, uint32_t peer_as, uint16_t reason,
    struct adds *x)
{
	uint16_t code = policy_reject_code(reason);
	add_def(x, &g->comm[CFG_COMM_REJECT_CAUSE], code);
	for (size_t i = 0; i < g->n_reject_map; i++)
		if (g->reject_map[i].code == code)
			add_def(x, &g->reject_map[i].def, 0);
	add_def(x, &g->comm[CFG_COMM_REJECTED_ROUTE_ANNOUNCED_BY], peer_as);
}

static unsigned prepend_to_any(const struct policy_global *g, const struct attr_set *a)
{
	if (carries(&g->comm[CFG_COMM_PREPEND_THRICE_TO_ANY], a))
		return 3;
	if (carries(&g->comm[CFG_COMM_PREPEND_TWICE_TO_ANY], a))
		return 2;
	return carries(&g->comm[CFG_COMM_PREPEND_ONCE_TO_ANY], a) ? 1 : 0;
}

bool has_communities(const struct attr_set *a)
{
	struct rbuf v;
	return attr_find(a->data, a->len, ATTR_COMMUNITIES, &v) == 0 ||
	    attr_find(a->data, a->len, ATTR_EXT_COMMUNITIES, &v) == 0 ||
	    attr_find(a->data, a->len, ATTR_LARGE_COMMUNITIES, &v) == 0;
}

/* --- effective sets ------------------------------------------------------ */

/* The verdict's outcome that shapes the derived set, its cache key: ROV
 * (bits 0-1), IRR (2-7), blackhole (8), GRACEFUL_SHUTDOWN (9, 10), the
 * reject reason when tagged (16-31).  With the owner (client_owner) it is
 * the derived set's cache key. */
static uint32_t tags_of(const struct peer_policy *pol, const struct route_verdict *v)
{
	_Static_assert(POL_IRR_BITS < 64, "IRR bits fit in the cache key");
	uint32_t tags = (uint32_t)v->rov | (uint32_t)(v->irr & POL_IRR_BITS) << 2 |
	    (uint32_t)v->blackhole << 8 | (uint32_t)v->gshut << 9 | (uint32_t)v->gshut_add << 10;
	if (v->reject && pol->reject_policy != CFG_REJECT_POLICY_REJECT)
		tags |= (uint32_t)v->reject << 16;
	return tags;
}

/* A received set that carries none of the route server's communities and
 * gets nothing added by the verdict is kept as it is: no edit, no export
 * control.  (Most routes: members rarely send action communities.) */
static bool kept_as_received(const struct policy_data *d, const struct attr_set *a,
    const struct route_verdict *v)
{
	const struct policy_global *g = d->g;
	if (v->rov != POL_ROV_NOT_CHECKED || ((v->irr & POL_IRR_CHECKED) && g->irr_tag) || v->reject ||
	    v->blackhole || v->gshut)
		return false;
	if (!has_communities(a))
		return true;
	if (g->rfc1997 && (carries(&comm_no_export, a) || carries(&comm_no_advertise, a)))
		return false;            /* export control to decode */
	return !comm_any_present(g->scrub, g->n_scrub, a->data, a->len);
}

/* What the route server cannot do to a route is logged, not silent
 * (STYLE.md).  Rare: on the decoder's canonical bytes an edit fails only
 * for an attribute near 64 KiB (extended messages). */
static void warn_peer(const struct policy_peer *peer, const char *what)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	if (peer->addr)
		ip_addr_str(peer->addr, addr, sizeof(addr));
	log_warn("neighbor %s AS%u: %s", addr, peer->asn, what);
}

/* Whose own communities a derived set carries: the client (index + 1)
 * when it attaches any, else 0.  Two clients may send the same received
 * set (one AS's routers behind one next hop). */
static uint32_t client_owner(const struct policy_global *g, const struct policy_peer *peer)
{
	if (!peer->client || !peer->client->n_attach)
		return 0;
	return (uint32_t)(peer->client - g->clients) + 1;
}

static struct attr_set *build_effective(const struct policy_data *d, const struct policy_peer *peer,
    struct attr_set *a, const struct route_verdict *v, uint32_t tags, uint32_t owner)
{
	const struct policy_global *g = d->g;
	struct adds x = { .n = 0 };
	struct path_info info = a->info;
	if (kept_as_received(d, a, v) && !(peer->client && peer->client->n_attach)) {
		attr_set_ctl(a, NULL);
		a->derived = true;
		a->gen = d->gen;
		a->tags = tags;
		return attr_ref(a);
	}
	add_informational(g, v, &x);
	if (v->reject)
		add_reject_tags(g, peer->asn, v->reject, &x);
	if ((v->blackhole && g->blackhole_noexport) || carries(&g->comm[CFG_COMM_ADD_NOEXPORT_TO_ANY], a))
		add_value(&x, comm_std(COMM_NO_EXPORT));
	if (carries(&g->comm[CFG_COMM_ADD_NOADVERTISE_TO_ANY], a))
		add_value(&x, comm_std(COMM_NO_ADVERTISE));
	if (v->gshut_add)            /* RFC 8326 §4: receivers lower it too */
		add_value(&x, comm_std(COMM_GRACEFUL_SHUTDOWN));
	for (unsigned i = 0; peer->client && i < peer->client->n_attach; i++)
		add_value(&x, peer->client->attach[i]);
	struct comm_edit e = { .scrub = g->scrub, .n_scrub = has_communities(a) ? g->n_scrub : 0,
		.add = x.v, .n_add = x.n };
	struct wbuf w = { 0 }, w2 = { 0 };
	if (comm_edit_attrs(a->data, a->len, &e, &w) < 0) {
		warn_peer(peer, "a route kept with its communities as received (the route server's "
		    "own not scrubbed, none added): its attributes are malformed or would exceed "
		    "65535 bytes");
		wbuf_free(&w);
		wbuf_put(&w, a->data, a->len);
	}
	unsigned prepend = prepend_to_any(g, a);
	if (prepend && attrs_prepend_as(w.data, w.len, info.neighbor_as, prepend, &w2) == 0) {
		wbuf_free(&w);
		w = w2;
		info.as_path_len = (uint16_t)(info.as_path_len + prepend);
	} else if (prepend) {
		warn_peer(peer, "a route kept without the prepend to any its communities ask: its "
		    "AS_PATH is malformed or would exceed 65535 bytes");
	}
	int fam = v->afi == AFI_IPV6;
	if (v->blackhole && g->blackhole_policy[fam] == CFG_BLACKHOLE_REWRITE_NEXT_HOP) {
		memcpy(info.nh, g->blackhole_nh[fam], 16);
		info.nh_has_ll = false;
	}
	struct export_ctl *ctl = derive_ctl(g, a, peer->pol->site);
	uint32_t lp = v->gshut ? g->gshut_local_pref : 100;
	/* Only what depends on the received set alone (its export control)
	 * may live on it; anything per verdict needs a derived set. */
	bool same = !owner && w.len == a->len && memcmp(w.data, a->data, a->len) == 0 &&
	    memcmp(&info, &a->info, sizeof(info)) == 0 && !v->blackhole && !v->gshut;
	struct attr_set *out;
	if (same) {
		/* The received set serves as is; its export control is (re)decoded
		 * once per policy generation. */
		out = attr_ref(a);
		if (a->derived && a->gen == d->gen) {
			export_ctl_free(ctl);
		} else {
			attr_set_ctl(a, ctl);
			a->derived = true;
			a->gen = d->gen;
		}
		a->tags = tags;
	} else {
		out = attr_derive(a, tags, d->gen, owner, &info, w.data, w.len);
		out->ctl = ctl;
		out->local_pref = lp;
		out->blackhole = v->blackhole;
		out->derived = true;
	}
	wbuf_free(&w);
	return out;
}

struct attr_set *policy_effective(const struct policy_data *d, const struct policy_peer *peer,
    struct attr_set *a, const struct route_verdict *v)
{
	/* Rejected without tagging: kept as received, for show routes. */
	if (!d->g || (v->reject && peer->pol->reject_policy == CFG_REJECT_POLICY_REJECT))
		return attr_ref(a);
	uint32_t tags = tags_of(peer->pol, v), owner = client_owner(d->g, peer);
	/* The common case: the previous prefix of the UPDATE had the same
	 * verdict and the received set serves as is. */
	if (a->derived && a->gen == d->gen && a->tags == tags && !owner)
		return attr_ref(a);
	struct attr_set *out = attr_derived_find(a, tags, d->gen, owner);
	if (out)
		return out;
	return build_effective(d, peer, a, v, tags, owner);
}
