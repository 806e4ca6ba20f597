/* SPDX-License-Identifier: ISC */
/* rde_peer: members coming up, going down, restarting gracefully (RFC 4724
 * helper): their paths purged or kept stale. */
#include "rde_int.h"

#include <string.h>

#include "log.h"
#include "monotime.h"
#include "xalloc.h"

#define STALE_PATH_S 360

void rde_peer_configure(struct rde *rde, uint32_t id, const struct rde_peer_cfg *m)
{
	struct rde_peer *p = rde->peers[id];
	if (!p) {
		p = xcalloc(1, sizeof(*p));
		rde->peers[id] = p;
	}
	p->up = false;
	p->id = id;
	p->asn = m->session.asn;
	p->addr = m->session.addr;
	p->fam = p->addr.family == AF_INET6 ? FAM_IPV6 : FAM_IPV4;
	p->pol = m->policy;
	p->max_prefix_hit = false;
	memcpy(p->addr_bytes, &p->addr.u, p->fam == FAM_IPV6 ? 16 : 4);
	p->dp = (struct decision_peer){ .id = id, .rx.asn = p->asn, .addr = p->addr_bytes,
		.addr_len = p->fam == FAM_IPV6 ? 16 : 4 };
	rde_peer_bind_policy(rde, p);
	if (id >= rde->npeers)
		rde->npeers = id + 1;
}

struct purge_ctx {
	struct rde *rde;
	uint32_t peer;
	uint8_t families;
	uint8_t only_flags;          /* 0: every path of the peer; else paths with these flags */
	uint8_t set_flags;           /* instead of deleting, set these flags */
	size_t count;
};

/* A path leaves the member's Adj-RIB-In: the one place that counts it. */
void rde_path_remove(struct rde *rde, struct rib_entry *re, struct rde_peer *p, bool rejected)
{
	rde_touch(rde, re);
	if (rejected)
		p->count.rejected--;
	p->count.received--;
	rib_del_path(&rde->rib, re, p->id);
}

static void purge_entry(struct rib_entry *re, void *arg)
{
	struct purge_ctx *pc = arg;
	uint8_t fam = re->prefix.afi == AFI_IPV6 ? FAM_IPV6 : FAM_IPV4;
	if (!(pc->families & (1u << fam)))
		return;
	struct path *p = rib_find_path(re, pc->peer);
	if (!p || (pc->only_flags && !(p->flags & pc->only_flags)))
		return;
	if (pc->set_flags) {
		p->flags |= pc->set_flags;
		pc->count++;
		return;
	}
	rde_path_remove(pc->rde, re, pc->rde->peers[pc->peer], p->reject);
	pc->count++;
	if (pc->rde->nchanges >= 65536)
		rde_flush_batch(pc->rde);
}

/* Deletes (or flags) a peer's paths in the given families.  The walk
 * never frees entries: flush_batch does, after the walk. */
size_t rde_purge_paths(struct rde *rde, uint32_t peer, uint8_t families, uint8_t only_flags,
    uint8_t set_flags)
{
	struct purge_ctx pc = { rde, peer, families, only_flags, set_flags, 0 };
	rib_walk(&rde->rib, purge_entry, &pc);
	rde_flush_batch(rde);
	return pc.count;
}

void rde_peer_up(struct rde *rde, struct rde_peer *p, uint32_t gen, const struct ipc_peer_up *up)
{
	p->up = true;
	p->gshut_forced = false;     /* a new session starts without it */
	export_output_reset(rde, p);
	p->eor_in = false;
	p->gr_capable = up->caps.graceful_restart;
	p->last_update_ms = now_ms();
	p->gen = gen;
	p->dp.bgp_id = up->bgp_id;
	p->dp.rx.rtt_ms = up->rtt_ms;
	p->addpath = up->addpath_tx & (1u << p->fam);
	p->role = up->role_negotiated;
	p->enhanced_rr = up->caps.enhanced_rr;
	p->sc = (struct send_class){ .as4 = up->caps.as4, .addpath = p->addpath,
		.ext_message = up->caps.ext_message, .otc_add_as = up->role_negotiated ? rde->rs_as : 0,
		.prepend_as = p->pol.prepend_rs_as ? rde->rs_as : 0 };
	/* RFC 4724 §4.2: stale routes survive only if the new session again
	 * preserves state for the family; otherwise they go now. */
	uint8_t fam = (uint8_t)(1u << p->fam);
	if ((p->stale & fam) && !(up->caps.graceful_restart && (up->caps.gr_families & fam)))
		rde_end_of_stale(rde, p, fam, "restarted without graceful restart");
	/* back: the restart timer stops; End-of-RIB is waited for this long
	 * (§4.2 lets a helper bound it; 360 s as FRR's stalepath-time) */
	if (p->stale)
		p->stale_deadline = now_ms() + STALE_PATH_S * 1000ull;
	export_table(rde, p);
}

void rde_peer_prepend_changed(struct rde *rde, struct rde_peer *p)
{
	rde_flush_batch(rde);        /* what is queued goes out as it was */
	p->sc.prepend_as = p->pol.prepend_rs_as ? rde->rs_as : 0;
	if (p->up)
		export_refresh(rde, p, false);
}

void rde_peer_down(struct rde *rde, struct rde_peer *p, const struct ipc_peer_down *d)
{
	p->up = false;
	p->nbh_retry = 0;            /* its paths go (or stay stale) as they are */
	export_output_reset(rde, p);
	p->count.exported = 0;
	uint8_t all = (uint8_t)(1u << p->fam);
	uint8_t keep = d->keep_stale & all;
	if (keep && d->restart_time) {
		size_t n = rde_purge_paths(rde, p->id, keep, 0, PATH_STALE);
		p->stale = keep;
		p->stale_deadline = now_ms() + (uint64_t)d->restart_time * 1000;
		log_info("neighbor %s: %zu routes kept as stale for %us", rde_peer_name(p), n, d->restart_time);
		return;
	}
	p->stale = 0;
	p->purge_pending = true;
	p->purged = 0;
	rde->purges_pending++;
}

static void purge_pending_entry(struct rib_entry *re, void *arg)
{
	struct rde *rde = arg;
	for (uint16_t i = 0; i < re->npaths;) {
		struct rde_peer *p = rde->peers[re->paths[i].peer];
		if (!p->purge_pending) {
			i++;
			continue;
		}
		rde_path_remove(rde, re, p, re->paths[i].reject);   /* the next path moves to i */
		p->purged++;
	}
	if (rde->nchanges >= 65536)
		rde_flush_batch(rde);
}

/* Sessions that went down are purged together: when PEER_DOWN messages
 * follow each other (a LAN outage, a reset of every session), one RIB walk
 * removes all their routes instead of one walk per member.  Any other
 * message runs the pending purge first, so the order of events holds. */
void rde_run_pending_purges(struct rde *rde)
{
	if (!rde->purges_pending)
		return;
	rde_flush_batch(rde);
	rib_walk(&rde->rib, purge_pending_entry, rde);
	rde_flush_batch(rde);
	for (uint32_t i = 0; i < rde->npeers; i++) {
		struct rde_peer *p = rde->peers[i];
		if (!p || !p->purge_pending)
			continue;
		p->purge_pending = false;
		if (p->purged)
			log_info("neighbor %s: withdrew its %zu routes", rde_peer_name(p), p->purged);
	}
	rde->purges_pending = 0;
}

void rde_end_of_stale(struct rde *rde, struct rde_peer *p, uint8_t families, const char *why)
{
	size_t n = rde_purge_paths(rde, p->id, families, PATH_STALE, 0);
	p->stale &= (uint8_t)~families;
	if (n)
		log_info("neighbor %s: %zu stale routes removed (%s)", rde_peer_name(p), n, why);
}

void rde_check_stale_timers(struct rde *rde, uint64_t now)
{
	for (uint32_t i = 0; i < rde->npeers; i++) {
		struct rde_peer *p = rde->peers[i];
		if (p && p->stale && now >= p->stale_deadline)
			rde_end_of_stale(rde, p, p->stale, p->up ? "no End-of-RIB in time" : "restart time expired");
	}
}
