/* SPDX-License-Identifier: ISC */
#include "export_ctl.h"

#include <stdlib.h>
#include <string.h>

#include "community.h"
#include "log.h"
#include "policy_int.h"
#include "u32set.h"
#include "xalloc.h"

struct ctl_scan {
	bool none, well_known;
	struct asn_set deny, allow;
	struct peer_action *acts;
	uint16_t nact, capact;
	uint32_t deny_rtt_above, deny_rtt_upto, allow_rtt_above, allow_rtt_upto;
	struct rtt_prepend *rtt_prepend;
	size_t n_rtt_prepend, cap_rtt_prepend;
	uint32_t own_site;
	struct asn_set deny_sites;   /* (an ASN set is a set of 32-bit numbers) */
	struct site_prepend *site_prepend;
	size_t n_site_prepend, cap_site_prepend;
};

/* One action for asn; duplicates are merged once the scan is done
 * (merge_actions), so a route with thousands of communities costs a sort,
 * not a quadratic search. */
static struct peer_action *scan_action(struct ctl_scan *s, uint32_t asn)
{
	if (s->nact == UINT16_MAX)
		return NULL;
	if (s->nact == s->capact) {
		s->capact = s->capact ? (uint16_t)(s->capact * 2 > UINT16_MAX ? UINT16_MAX : s->capact * 2) : 4;
		s->acts = xrealloc(s->acts, s->capact * sizeof(*s->acts));
	}
	s->acts[s->nact] = (struct peer_action){ .asn = asn };
	return &s->acts[s->nact++];
}

enum action_kind { ACT_DENY, ACT_ALLOW, ACT_PREPEND, ACT_NO_EXPORT, ACT_NO_ADVERTISE };

/* Collects the peer values of one peer_as definition.  Value 0 is the
 * Euro-IX wildcard ("all peers"): never a peer of its own. */
static void scan_def(struct ctl_scan *s, const struct comm_def *def, const struct attr_set *a,
    enum action_kind kind, uint8_t prepend)
{
	struct comm_match m;
	uint32_t asn;
	if (comm_def_empty(def))
		return;
	comm_match_init(&m, def, a->data, a->len);
	while (comm_match_next(&m, &asn)) {
		struct peer_action *act;
		if (asn == 0)
			continue;
		switch (kind) {
		case ACT_DENY:
			asn_set_add(&s->deny, &asn, 1);
			break;
		case ACT_ALLOW:
			asn_set_add(&s->allow, &asn, 1);
			break;
		case ACT_PREPEND:
			if ((act = scan_action(s, asn)) && act->prepend < prepend)
				act->prepend = prepend;
			break;
		case ACT_NO_EXPORT:
			if ((act = scan_action(s, asn)))
				act->no_export = true;
			break;
		case ACT_NO_ADVERTISE:
			if ((act = scan_action(s, asn)))
				act->no_advertise = true;
			break;
		}
	}
}

static int action_order(const void *x, const void *y)
{
	const struct peer_action *a = x, *b = y;
	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

/* Sorts the actions by AS and folds those of one AS together. */
static void merge_actions(struct ctl_scan *s)
{
	qsort(s->acts, s->nact, sizeof(*s->acts), action_order);
	uint16_t out = 0;
	for (uint16_t i = 0; i < s->nact; i++) {
		struct peer_action *a = &s->acts[i];
		if (out && s->acts[out - 1].asn == a->asn) {
			struct peer_action *m = &s->acts[out - 1];
			m->prepend = m->prepend > a->prepend ? m->prepend : a->prepend;
			m->no_export |= a->no_export;
			m->no_advertise |= a->no_advertise;
		} else {
			s->acts[out++] = *a;
		}
	}
	s->nact = out;
}

/* The part of one RTT-based community that applies: its threshold, if
 * the route server offers it (cfg.rtt_thresholds; other values are
 * ignored, as arouteserver does). */
static bool offered_threshold(const struct policy_global *g, uint32_t t)
{
	return u32_contains(g->rtt_thresholds, g->n_rtt_thresholds, t);
}

enum rtt_kind { RTT_DENY_ABOVE, RTT_DENY_UPTO, RTT_ALLOW_ABOVE, RTT_ALLOW_UPTO };

static void scan_rtt(struct ctl_scan *s, const struct policy_global *g, const struct comm_def *def,
    const struct attr_set *a, enum rtt_kind kind)
{
	struct comm_match m;
	uint32_t t;
	if (comm_def_empty(def))
		return;
	comm_match_init(&m, def, a->data, a->len);
	while (comm_match_next(&m, &t)) {
		if (!offered_threshold(g, t))
			continue;
		uint32_t *above = kind == RTT_DENY_ABOVE ? &s->deny_rtt_above : &s->allow_rtt_above;
		uint32_t *upto = kind == RTT_DENY_UPTO ? &s->deny_rtt_upto : &s->allow_rtt_upto;
		if ((kind == RTT_DENY_ABOVE || kind == RTT_ALLOW_ABOVE) && t < *above)
			*above = t;
		else if ((kind == RTT_DENY_UPTO || kind == RTT_ALLOW_UPTO) && t > *upto)
			*upto = t;
	}
}

static void scan_rtt_prepend(struct ctl_scan *s, const struct policy_global *g,
    const struct comm_def *def, const struct attr_set *a, bool above, uint8_t times)
{
	struct comm_match m;
	uint32_t t;
	if (comm_def_empty(def))
		return;
	comm_match_init(&m, def, a->data, a->len);
	while (comm_match_next(&m, &t)) {
		if (!offered_threshold(g, t) || s->n_rtt_prepend == UINT8_MAX)
			continue;
		XGROW(s->rtt_prepend, s->n_rtt_prepend, s->cap_rtt_prepend, 8);
		s->rtt_prepend[s->n_rtt_prepend++] = (struct rtt_prepend){ t, above, times };
	}
}

/* arouteserver's order of trial: "higher than" before "lower than", the
 * former by descending threshold, the latter ascending; once, twice,
 * thrice for one threshold. */
static int rtt_prepend_order(const void *x, const void *y)
{
	const struct rtt_prepend *a = x, *b = y;
	if (a->above != b->above)
		return a->above ? -1 : 1;
	if (a->threshold != b->threshold)
		return (a->threshold < b->threshold) == a->above ? 1 : -1;
	return (a->times > b->times) - (a->times < b->times);
}

/* Sorts them into that order, each once. */
static void order_rtt_prepends(struct ctl_scan *s)
{
	qsort(s->rtt_prepend, s->n_rtt_prepend, sizeof(*s->rtt_prepend), rtt_prepend_order);
	size_t out = 0;
	for (size_t i = 0; i < s->n_rtt_prepend; i++)
		if (!out || rtt_prepend_order(&s->rtt_prepend[out - 1], &s->rtt_prepend[i]) != 0)
			s->rtt_prepend[out++] = s->rtt_prepend[i];
	s->n_rtt_prepend = out;
}

/* --- sites (the location communities, docs/communities.md) ---------------- */

static void scan_sites(struct ctl_scan *s, const struct policy_global *g, const struct attr_set *a,
    uint32_t sender_site)
{
	struct comm_match m;
	uint32_t site;
	if (!comm_def_empty(&g->loc[LOC_NOT_TO_SITE])) {
		comm_match_init(&m, &g->loc[LOC_NOT_TO_SITE], a->data, a->len);
		while (comm_match_next(&m, &site))
			if (site)
				asn_set_add(&s->deny_sites, &site, 1);
	}
	/* a sender at no known site asks nothing with "only to my site" */
	if (sender_site && carries(&g->loc[LOC_ONLY_OWN_SITE], a))
		s->own_site = sender_site;
	for (uint8_t times = 1; times <= 3; times++) {
		const struct comm_def *d = &g->loc[LOC_PREPEND_ONCE_TO_SITE + times - 1];
		if (comm_def_empty(d))
			continue;
		comm_match_init(&m, d, a->data, a->len);
		while (comm_match_next(&m, &site)) {
			if (!site || s->n_site_prepend == UINT8_MAX)
				continue;
			XGROW(s->site_prepend, s->n_site_prepend, s->cap_site_prepend, 4);
			s->site_prepend[s->n_site_prepend++] = (struct site_prepend){ site, times };
		}
	}
}

static int site_prepend_order(const void *x, const void *y)
{
	const struct site_prepend *a = x, *b = y;
	return (a->site > b->site) - (a->site < b->site);
}

/* Sorted by site, one each: the largest prepend asked for a site. */
static void merge_site_prepends(struct ctl_scan *s)
{
	qsort(s->site_prepend, s->n_site_prepend, sizeof(*s->site_prepend), site_prepend_order);
	size_t out = 0;
	for (size_t i = 0; i < s->n_site_prepend; i++) {
		struct site_prepend *p = &s->site_prepend[i];
		if (out && s->site_prepend[out - 1].site == p->site) {
			if (p->times > s->site_prepend[out - 1].times)
				s->site_prepend[out - 1].times = p->times;
		} else {
			s->site_prepend[out++] = *p;
		}
	}
	s->n_site_prepend = out;
}

static bool asks_site(const struct ctl_scan *s)
{
	return s->own_site || s->deny_sites.n || s->n_site_prepend;
}

static bool asks_rtt(const struct ctl_scan *s)
{
	return s->deny_rtt_above != UINT32_MAX || s->deny_rtt_upto || s->allow_rtt_above != UINT32_MAX ||
	    s->allow_rtt_upto || s->n_rtt_prepend;
}

static uint16_t capped(size_t n) { return n > UINT16_MAX ? UINT16_MAX : (uint16_t)n; }

static struct export_ctl *make_ctl(struct ctl_scan *s)
{
	if (!s->none && !s->well_known && !s->deny.n && !s->nact && !asks_rtt(s) && !asks_site(s))
		return NULL;
	uint16_t n_deny = capped(s->deny.n), n_allow = capped(s->allow.n);
	struct export_ctl *c = export_ctl_new(n_deny, n_allow);
	c->none = s->none;
	c->well_known = s->well_known;
	c->n_deny = n_deny;
	c->n_allow = n_allow;
	if (n_deny)
		memcpy(c->asns, s->deny.v, n_deny * sizeof(uint32_t));
	if (n_allow)
		memcpy(c->asns + n_deny, s->allow.v, n_allow * sizeof(uint32_t));
	if (s->nact) {
		merge_actions(s);
		c->acts = s->acts;
		c->nact = s->nact;
		s->acts = NULL;
	}
	c->deny_rtt_above = s->deny_rtt_above;
	c->deny_rtt_upto = s->deny_rtt_upto;
	c->allow_rtt_above = s->allow_rtt_above;
	c->allow_rtt_upto = s->allow_rtt_upto;
	if (s->n_rtt_prepend) {
		order_rtt_prepends(s);
		c->rtt_prepend = s->rtt_prepend;
		c->n_rtt_prepend = (uint8_t)s->n_rtt_prepend;
		s->rtt_prepend = NULL;
	}
	c->own_site = s->own_site;
	if (s->deny_sites.n) {
		c->n_deny_sites = capped(s->deny_sites.n);
		c->deny_sites = xcalloc(c->n_deny_sites, sizeof(uint32_t));
		memcpy(c->deny_sites, s->deny_sites.v, c->n_deny_sites * sizeof(uint32_t));
	}
	if (s->n_site_prepend) {
		merge_site_prepends(s);
		c->site_prepend = s->site_prepend;
		c->n_site_prepend = (uint8_t)s->n_site_prepend;
		s->site_prepend = NULL;
	}
	return c;
}

/* Decodes the action communities of the received set a. */
struct export_ctl *derive_ctl(const struct policy_global *g, const struct attr_set *a, uint32_t sender_site)
{
	static const struct { enum cfg_community_id id; enum action_kind kind; uint8_t n; } defs[] = {
		{ CFG_COMM_DO_NOT_ANNOUNCE_TO_PEER, ACT_DENY, 0 },
		{ CFG_COMM_ANNOUNCE_TO_PEER, ACT_ALLOW, 0 },
		{ CFG_COMM_PREPEND_ONCE_TO_PEER, ACT_PREPEND, 1 },
		{ CFG_COMM_PREPEND_TWICE_TO_PEER, ACT_PREPEND, 2 },
		{ CFG_COMM_PREPEND_THRICE_TO_PEER, ACT_PREPEND, 3 },
		{ CFG_COMM_ADD_NOEXPORT_TO_PEER, ACT_NO_EXPORT, 0 },
		{ CFG_COMM_ADD_NOADVERTISE_TO_PEER, ACT_NO_ADVERTISE, 0 },
	};
	static const struct { enum cfg_community_id id; enum rtt_kind kind; } rtt_defs[] = {
		{ CFG_COMM_DO_NOT_ANNOUNCE_TO_PEERS_WITH_RTT_HIGHER_THAN, RTT_DENY_ABOVE },
		{ CFG_COMM_DO_NOT_ANNOUNCE_TO_PEERS_WITH_RTT_LOWER_THAN, RTT_DENY_UPTO },
		{ CFG_COMM_ANNOUNCE_TO_PEERS_WITH_RTT_HIGHER_THAN, RTT_ALLOW_ABOVE },
		{ CFG_COMM_ANNOUNCE_TO_PEERS_WITH_RTT_LOWER_THAN, RTT_ALLOW_UPTO },
	};
	static const struct { enum cfg_community_id id; bool above; uint8_t n; } rtt_prepends[] = {
		{ CFG_COMM_PREPEND_ONCE_TO_PEERS_WITH_RTT_HIGHER_THAN, true, 1 },
		{ CFG_COMM_PREPEND_TWICE_TO_PEERS_WITH_RTT_HIGHER_THAN, true, 2 },
		{ CFG_COMM_PREPEND_THRICE_TO_PEERS_WITH_RTT_HIGHER_THAN, true, 3 },
		{ CFG_COMM_PREPEND_ONCE_TO_PEERS_WITH_RTT_LOWER_THAN, false, 1 },
		{ CFG_COMM_PREPEND_TWICE_TO_PEERS_WITH_RTT_LOWER_THAN, false, 2 },
		{ CFG_COMM_PREPEND_THRICE_TO_PEERS_WITH_RTT_LOWER_THAN, false, 3 },
	};
	struct ctl_scan s = { .deny_rtt_above = UINT32_MAX, .allow_rtt_above = UINT32_MAX };
	if (!has_communities(a))
		return NULL;
	s.none = carries(&g->comm[CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY], a);
	/* rfc1997 policy: a route server is in no member's AS, so NO_EXPORT
	 * keeps a route from everybody, as NO_ADVERTISE does */
	s.well_known = g->rfc1997 && (carries(&comm_no_export, a) || carries(&comm_no_advertise, a));
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		scan_def(&s, &g->comm[defs[i].id], a, defs[i].kind, defs[i].n);
	for (size_t i = 0; i < sizeof(rtt_defs) / sizeof(rtt_defs[0]); i++)
		scan_rtt(&s, g, &g->comm[rtt_defs[i].id], a, rtt_defs[i].kind);
	for (size_t i = 0; i < sizeof(rtt_prepends) / sizeof(rtt_prepends[0]); i++)
		scan_rtt_prepend(&s, g, &g->comm[rtt_prepends[i].id], a, rtt_prepends[i].above,
		    rtt_prepends[i].n);
	scan_sites(&s, g, a, sender_site);
	struct export_ctl *c = make_ctl(&s);
	asn_set_free(&s.deny);
	asn_set_free(&s.allow);
	asn_set_free(&s.deny_sites);
	free(s.acts);
	free(s.rtt_prepend);
	free(s.site_prepend);
	return c;
}

void policy_export_ctl(const struct policy_global *g, struct attr_set *a)
{
	attr_set_ctl(a, derive_ctl(g, a, 0));
	a->derived = true;
}

const struct peer_action *export_ctl_action(const struct export_ctl *ctl, uint32_t asn)
{
	if (!ctl || !ctl->nact)
		return NULL;
	struct peer_action key = { .asn = asn };
	return bsearch(&key, ctl->acts, ctl->nact, sizeof(*ctl->acts), action_order);
}

/* --- per-receiver variants ---------------------------------------------- */

/* The prepend the RTT-based communities ask for a receiver with this RTT:
 * the first that applies (make_ctl put them in arouteserver's order). */
static unsigned rtt_prepend_times(const struct export_ctl *ctl, uint32_t rtt_ms)
{
	if (!rtt_ms)
		return 0;
	for (unsigned i = 0; i < ctl->n_rtt_prepend; i++) {
		const struct rtt_prepend *r = &ctl->rtt_prepend[i];
		if (r->above ? rtt_ms > r->threshold : rtt_ms <= r->threshold)
			return r->times;
	}
	return 0;
}

/* a with NO_EXPORT / NO_ADVERTISE added and the announcing member's AS
 * prepended; NULL (said in the log) if the attributes cannot take it. */
static struct attr_set *build_variant(const struct attr_set *a, uint32_t asn, unsigned prepend,
    bool no_export, bool no_advertise)
{
	struct comm_value add[2];
	size_t nadd = 0;
	if (no_export)
		add[nadd++] = comm_std(COMM_NO_EXPORT);
	if (no_advertise)
		add[nadd++] = comm_std(COMM_NO_ADVERTISE);
	struct comm_edit e = { .add = add, .n_add = nadd };
	struct wbuf w = { 0 }, w2 = { 0 };
	struct path_info info = a->info;
	/* Not silent (STYLE.md).  Rare: on canonical bytes an edit fails only
	 * for an attribute near 64 KiB.  Nothing is cached then: each export of
	 * the path to asn says it again. */
	if (comm_edit_attrs(a->data, a->len, &e, &w) < 0) {
		log_warn("export control: a route of AS%u sent to AS%u without the actions its "
		    "communities ask for it (prepend %u times, NO_EXPORT %s, NO_ADVERTISE %s): "
		    "its attributes are malformed or would exceed 65535 bytes",
		    a->info.neighbor_as, asn, prepend, no_export ? "yes" : "no",
		    no_advertise ? "yes" : "no");
		wbuf_free(&w);
		return NULL;
	}
	if (prepend && attrs_prepend_as(w.data, w.len, info.neighbor_as, prepend, &w2) == 0) {
		wbuf_free(&w);
		w = w2;
		info.as_path_len = (uint16_t)(info.as_path_len + prepend);
	} else if (prepend) {
		log_warn("export control: a route of AS%u sent to AS%u without the prepend "
		    "(%u times) its communities ask for it: its AS_PATH is malformed or would "
		    "exceed 65535 bytes", a->info.neighbor_as, asn, prepend);
	}
	struct attr_set *v = attr_standalone(&info, w.data, w.len);
	v->local_pref = a->local_pref;
	v->blackhole = a->blackhole;
	v->derived = true;
	wbuf_free(&w);
	return v;
}

/* The prepend the site communities ask for a receiver at site (0: none). */
static unsigned site_prepend_times(const struct export_ctl *ctl, uint32_t site)
{
	if (!site || !ctl->n_site_prepend)
		return 0;
	struct site_prepend key = { .site = site };
	const struct site_prepend *p = bsearch(&key, ctl->site_prepend, ctl->n_site_prepend,
	    sizeof(*ctl->site_prepend), site_prepend_order);
	return p ? p->times : 0;
}

struct attr_set *policy_variant(struct attr_set *a, const struct export_receiver *r)
{
	struct export_ctl *ctl = a->ctl;
	uint32_t asn = r->asn;
	const struct peer_action *act = export_ctl_action(ctl, asn);
	/* a prepend to this AS is tried first (arouteserver), then one to its
	 * site, then the RTT-based ones */
	unsigned prepend = act && act->prepend ? act->prepend : site_prepend_times(ctl, r->site);
	if (!prepend)
		prepend = rtt_prepend_times(ctl, r->rtt_ms);
	bool no_export = act && act->no_export, no_advertise = act && act->no_advertise;
	unsigned key = variant_key(prepend, no_export, no_advertise);
	if (key == 0)
		return a;
	if (!ctl->variants[key]) {
		struct attr_set *v = build_variant(a, asn, prepend, no_export, no_advertise);
		if (!v)
			return a;
		ctl->variants[key] = v;
	}
	return ctl->variants[key];
}
