/* SPDX-License-Identifier: ISC */
/* rde_refilter: the policy or its data changed (reload, RPKI, IRR): the
 * routes it touches are filtered again in place, without a session reset. */
#include "rde_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "policy.h"
#include "whois_dump.h"
#include "xalloc.h"

/* The attribute verdicts of a walk, by (received set, peer): paths of
 * one UPDATE share a set, so most lookups hit. */
#define AV_CACHE 256

struct refilter_ctx {
	struct rde *rde;
	size_t changed;
	uint32_t now;
	struct {
		const struct attr_set *received;
		uint32_t peer;
		struct attrs_verdict av;
	} cache[AV_CACHE];
};

static const struct attrs_verdict *cached_attrs_verdict(struct refilter_ctx *rc,
    const struct rde_peer *p, const struct attr_set *received)
{
	size_t k = (((uintptr_t)received >> 4) ^ p->id) % AV_CACHE;
	if (rc->cache[k].received != received || rc->cache[k].peer != p->id) {
		struct own_space_query q;
		struct policy_peer pp = rde_policy_peer_of(rc->rde, p, &q);
		policy_check_attrs(&rc->rde->pd, &pp, received, family_afi(p->fam), &rc->cache[k].av);
		rc->cache[k].received = received;
		rc->cache[k].peer = p->id;
	}
	return &rc->cache[k].av;
}

/* Re-evaluates one stored path; its entry is snapshotted first if the
 * verdict or the kept attributes change. */
static void refilter_path(struct refilter_ctx *rc, struct rib_entry *re, uint16_t i)
{
	struct rde *rde = rc->rde;
	struct path *path = &re->paths[i];
	struct rde_peer *p = rde->peers[path->peer];
	struct attr_set *received = attr_received(path->attrs);
	struct route_verdict v;
	struct attr_set *attrs = rde_import_eval(rde, p, received, cached_attrs_verdict(rc, p, received),
	    &re->prefix, &v);
	path->rov = v.rov & 3;
	path->irr = v.irr & POL_IRR_BITS;
	if (attrs == path->attrs && v.reject == path->reject) {
		attr_unref(attrs);
		return;
	}
	rde_touch(rde, re);          /* snapshots, never moves re->paths */
	if (!v.reject != !path->reject)
		p->count.rejected += v.reject ? 1u : (uint32_t)-1;
	rib_count_reject(&rde->rib, path->reject, -1);
	rib_count_reject(&rde->rib, v.reject, 1);
	attr_unref(path->attrs);
	path->attrs = attrs;
	path->reject = v.reject;
	path->since = rc->now;
	rc->changed++;
}

/* New space from members that had foreign blackholes: those are filtered
 * again; the ones now accepted (or gone) leave the list. */
void rde_retry_blackholes(struct rde *rde)
{
	struct refilter_ctx *rc = NULL;
	for (uint32_t k = 0; k < rde->npeers; k++) {
		struct rde_peer *p = rde->peers[k];
		if (!p || !p->bh_new_space)
			continue;
		p->bh_new_space = false;
		if (!rc) {
			rc = xcalloc(1, sizeof(*rc));
			rc->rde = rde;
			rc->now = rde_now_s();
		}
		uint32_t kept = 0;
		for (uint32_t i = 0; i < p->nbh_retry; i++) {
			struct rib_entry *re = rib_lookup(&rde->rib, &p->bh_retry[i]);
			struct path *path = re ? rib_find_path(re, p->id) : NULL;
			if (path && path->reject == REJECT_BLACKHOLE_FOREIGN)
				refilter_path(rc, re, (uint16_t)(path - re->paths));
			if (path && path->reject == REJECT_BLACKHOLE_FOREIGN)
				p->bh_retry[kept++] = p->bh_retry[i];
		}
		p->nbh_retry = kept;
	}
	free(rc);
}

static void refilter_entry(struct rib_entry *re, void *arg)
{
	struct refilter_ctx *rc = arg;
	struct rde *rde = rc->rde;
	/* A changed VRP covering the prefix: every path's origin validation may change. */
	bool all = rde->rov_changed && pfxtree_covers(rde->rov_changed, &re->prefix);
	for (uint16_t i = 0; i < re->npaths; i++)
		if (all || rde->peers[re->paths[i].peer]->refilter)
			refilter_path(rc, re, i);
	if (rde->nchanges >= 65536)
		rde_flush_batch(rde);
}

/* Members whose import policy or policy data changed (reload, IRR refresh)
 * and routes under changed VRPs: their stored Adj-RIB-In paths (rejected
 * ones included, that is why they are kept) are filtered again in place,
 * in one walk for all, and only what changed is exported; no session is
 * touched. */
void rde_refilter_pending(struct rde *rde)
{
	unsigned peers = 0;
	for (uint32_t i = 0; i < rde->npeers; i++)
		peers += rde->peers[i] && rde->peers[i]->refilter;
	size_t vrps = rde->rov_changed ? pfxtree_count(rde->rov_changed) : 0;
	if (peers == 0 && vrps == 0)
		return;
	struct refilter_ctx *rc = xcalloc(1, sizeof(*rc));
	rc->rde = rde;
	rc->now = rde_now_s();
	rde_flush_batch(rde);
	rib_walk(&rde->rib, refilter_entry, rc);
	rde_flush_batch(rde);
	for (uint32_t i = 0; i < rde->npeers; i++)
		if (rde->peers[i])
			rde->peers[i]->refilter = false;
	if (peers)
		log_info("import policy changed for %u neighbors: %zu routes changed", peers, rc->changed);
	else
		log_info("RPKI: %zu VRP prefixes changed: %zu routes changed", vrps, rc->changed);
	pfxtree_free(rde->rov_changed, NULL);
	rde->rov_changed = NULL;
	free(rc);
}

/* --- policy data ---------------------------------------------------------- */

static struct irr_member *irr_for(const struct rde *rde, const char *key)
{
	for (size_t i = 0; key && i < rde->nirr; i++)
		if (strcmp(rde->irr[i]->key, key) == 0)
			return rde->irr[i];
	return NULL;
}

void rde_peer_bind_policy(struct rde *rde, struct rde_peer *p)
{
	/* A reload's members are described against its global policy, which
	 * is in effect from the commit on. */
	const struct policy_global *g = rde->pending_g ? rde->pending_g : rde->pd.g;
	p->client = g && p->pol.client < g->n_clients ? &g->clients[p->pol.client] : NULL;
	p->irr = p->client ? irr_for(rde, p->client->irr_key) : NULL;
	p->dp.no_blackhole = !p->pol.blackhole_to_client;
	p->dp.rx.site = p->pol.site;
}

/* A new global policy (start, reload): every member's lists move to it;
 * if what it says changed, every member is filtered again. */
void rde_set_global_policy(struct rde *rde, struct policy_global *g)
{
	struct policy_global *old = rde->g;
	bool changed = !old || old->digest != g->digest;
	rde->g = g;
	rde->pd.g = g;
	/* Derived sets are rebuilt only if what they hold changed: otherwise
	 * the cached ones are found again and unchanged routes stay unsent. */
	if (!old || old->content_digest != g->content_digest)
		rde->pd.gen++;
	for (uint32_t i = 0; i < rde->npeers; i++)
		if (rde->peers[i]) {
			rde_peer_bind_policy(rde, rde->peers[i]);
			rde->peers[i]->refilter |= changed && old;
		}
	policy_global_free(old);
}

/* Fresh IRR data for one AS-SET list: the members using it are filtered
 * again. */
void rde_set_irr_data(struct rde *rde, struct irr_member *m)
{
	rde->irr_updated = (int64_t)time(NULL);
	size_t i = 0;
	while (i < rde->nirr && strcmp(rde->irr[i]->key, m->key) != 0)
		i++;
	if (i == rde->nirr) {
		rde->irr = xrealloc(rde->irr, (rde->nirr + 1) * sizeof(*rde->irr));
		rde->nirr++;
	} else {
		irr_member_free(rde->irr[i]);
	}
	rde->irr[i] = m;
	for (uint32_t k = 0; k < rde->npeers; k++) {
		struct rde_peer *p = rde->peers[k];
		if (p && p->client && strcmp(p->client->irr_key, m->key) == 0) {
			p->irr = m;
			p->refilter = true;
		}
	}
	/* Filtered again at the commit that ends the data source's round. */
}

void rde_set_whois_data(struct rde *rde, const struct ipc_whois *d)
{
	rde->irr_updated = (int64_t)time(NULL);
	whois_routes_free(rde->whois[d->format]);
	rde->whois[d->format] = d->routes;
	rde->pd.whois[d->format] = d->routes;
	/* any member's route may pass or fail the prefix check now */
	for (uint32_t k = 0; k < rde->npeers; k++)
		if (rde->peers[k] && rde->peers[k]->client)
			rde->peers[k]->refilter = true;
	/* Filtered again at the commit that ends the data source's round. */
}

static void note_vrp_change(struct rde *rde, const struct prefix *p)
{
	if (!rde->rov_changed)
		rde->rov_changed = pfxtree_new();
	pfxtree_insert(rde->rov_changed, p, NULL);
}

/* The first RPKI data: every route's validation may change. */
static void note_all_prefixes_changed(struct rde *rde)
{
	struct prefix all4 = { .afi = AFI_IPV4 }, all6 = { .afi = AFI_IPV6 };
	note_vrp_change(rde, &all4);
	note_vrp_change(rde, &all6);
}

/* A whole new VRP/ASPA set (a file read): only routes under VRPs that
 * differ are validated again; an ASPA change re-checks everything. */
void rde_set_rpki_data(struct rde *rde, const struct rpki_update *d)
{
	rde->rpki_updated = (int64_t)time(NULL);
	if (d->vrps && rde->rtr) {
		/* RTR caches own the VRPs; a file only brings ASPAs then. */
		vrp_table_free(d->vrps);
	} else if (d->vrps) {
		struct vrp_change *ch = NULL;
		size_t n = rde->vrps ? vrp_table_diff(rde->vrps, d->vrps, &ch) : 0;
		if (!rde->vrps)
			note_all_prefixes_changed(rde);
		for (size_t i = 0; i < n; i++)
			note_vrp_change(rde, &ch[i].vrp.prefix);
		free(ch);
		vrp_table_free(rde->vrps);
		rde->vrps = d->vrps;
		rde->pd.vrps = d->vrps;
		log_info("RPKI: %zu VRPs loaded, %zu changed", vrp_table_count(d->vrps), n);
	}
	if (d->aspas || d->replace_aspas) {
		aspa_table_free(rde->aspas);
		rde->aspas = d->aspas;
		rde->pd.aspas = d->aspas;
		for (uint32_t i = 0; i < rde->npeers; i++)
			if (rde->peers[i])
				rde->peers[i]->refilter = true;
	}
	rde_refilter_pending(rde);
}

/* RTR deltas: applied to the table, routes under them validated again. */
void rde_drain_rtr(struct rde *rde)
{
	struct vrp_change *ch;
	size_t n = rpki_rtr_drain(rde->rtr, &ch);
	if (n == 0)
		return;
	if (!rde->vrps) {
		note_all_prefixes_changed(rde);
		rde->vrps = vrp_table_new();
		rde->pd.vrps = rde->vrps;
	}
	vrp_table_apply(rde->vrps, ch, n);
	rde->rpki_updated = (int64_t)time(NULL);
	for (size_t i = 0; i < n; i++)
		note_vrp_change(rde, &ch[i].vrp.prefix);
	free(ch);
	rde_refilter_pending(rde);
}
