/* SPDX-License-Identifier: ISC */
#include "rde.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "policy.h"
#include "rde_query.h"
#include "xalloc.h"

/* How many UPDATEs to import before exporting: larger batches coalesce
 * more (a prefix changed twice is sent once) and pack UPDATEs better;
 * smaller ones lower the propagation delay. */
#define BATCH_UPDATES 512


uint32_t rde_now_s(void) { return (uint32_t)(now_ms() / 1000); }

const struct decision_peer *rde_decision_peer(uint32_t id, void *arg)
{
	struct rde *rde = arg;
	return &rde->peers[id]->dp;
}

static const char *peer_name(const struct rde_peer *p)
{
	static __thread char buf[INET6_ADDRSTRLEN + 24];
	char a[INET6_ADDRSTRLEN];
	snprintf(buf, sizeof(buf), "%s AS%u", ip_addr_str(&p->addr, a, sizeof(a)), p->asn);
	return buf;
}

/* The path snapshots of a batch come from chunks that are reused batch
 * after batch: no malloc/free per changed prefix. */
#define SNAP_CHUNK 65536

static struct path *snap_alloc(struct snap_arena *a, uint16_t n)
{
	while (a->cur < a->nchunks && a->used + n > a->sizes[a->cur]) {
		a->cur++;
		a->used = 0;
	}
	if (a->cur == a->nchunks) {
		size_t size = SNAP_CHUNK;    /* > any entry's path count (uint16_t) */
		a->chunks = xrealloc(a->chunks, (a->nchunks + 1) * sizeof(*a->chunks));
		a->sizes = xrealloc(a->sizes, (a->nchunks + 1) * sizeof(*a->sizes));
		a->chunks[a->nchunks] = xmalloc(size * sizeof(struct path));
		a->sizes[a->nchunks++] = size;
		a->used = 0;
	}
	struct path *p = a->chunks[a->cur] + a->used;
	a->used += n;
	return p;
}

static void snap_reset(struct snap_arena *a)
{
	a->cur = 0;
	a->used = 0;
}

void rde_free_batch(struct rde *rde)
{
	struct snap_arena *a = &rde->snaps;
	for (size_t i = 0; i < a->nchunks; i++)
		free(a->chunks[i]);
	free(a->chunks);
	free(a->sizes);
	memset(a, 0, sizeof(*a));
	free(rde->changes);
	rde->changes = NULL;
	rde->changes_cap = 0;
}

void rde_touch(struct rde *rde, struct rib_entry *re)
{
	if (re->in_batch)
		return;
	if (rde->nchanges == rde->changes_cap) {
		rde->changes_cap = rde->changes_cap ? rde->changes_cap * 2 : 1024;
		rde->changes = xrealloc(rde->changes, rde->changes_cap * sizeof(*rde->changes));
	}
	struct change *c = &rde->changes[rde->nchanges++];
	c->re = re;
	c->nold = re->npaths;
	c->old = NULL;
	if (re->npaths) {
		c->old = snap_alloc(&rde->snaps, re->npaths);
		memcpy(c->old, re->paths, re->npaths * sizeof(*c->old));
		for (uint16_t i = 0; i < re->npaths; i++)
			attr_ref(c->old[i].attrs);
	}
	re->in_batch = 1;
}

void rde_flush_batch(struct rde *rde)
{
	export_batch(rde);
	for (size_t i = 0; i < rde->nchanges; i++) {
		struct change *c = &rde->changes[i];
		for (uint16_t k = 0; k < c->nold; k++)
			attr_unref(c->old[k].attrs);
		c->re->in_batch = 0;
		rib_gc_entry(&rde->rib, c->re);
	}
	rde->nchanges = 0;
	snap_reset(&rde->snaps);
}

/* --- peers ---------------------------------------------------------------- */

static void peer_bind_policy(struct rde *rde, struct rde_peer *p);

static void peer_configure(struct rde *rde, uint32_t id, const struct rde_peer_cfg *m)
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
	p->dp = (struct decision_peer){ .id = id, .asn = p->asn, .addr = p->addr_bytes,
		.addr_len = p->fam == FAM_IPV6 ? 16 : 4 };
	peer_bind_policy(rde, p);
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
static void path_remove(struct rde *rde, struct rib_entry *re, struct rde_peer *p, bool rejected)
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
	path_remove(pc->rde, re, pc->rde->peers[pc->peer], p->reject);
	pc->count++;
	if (pc->rde->nchanges >= 65536)
		rde_flush_batch(pc->rde);
}

/* Deletes (or flags) a peer's paths in the given families.  The walk
 * never frees entries: flush_batch does, after the walk. */
static size_t purge_paths(struct rde *rde, uint32_t peer, uint8_t families, uint8_t only_flags,
    uint8_t set_flags)
{
	struct purge_ctx pc = { rde, peer, families, only_flags, set_flags, 0 };
	rib_walk(&rde->rib, purge_entry, &pc);
	rde_flush_batch(rde);
	return pc.count;
}

static void end_of_stale(struct rde *rde, struct rde_peer *p, uint8_t families, const char *why);

static void peer_up(struct rde *rde, struct rde_peer *p, uint32_t gen, const struct ipc_peer_up *up)
{
	p->up = true;
	p->gshut_forced = false;     /* a new session starts without it */
	p->gen = gen;
	p->dp.bgp_id = up->bgp_id;
	p->addpath = up->addpath_tx & (1u << p->fam);
	p->role = up->role_negotiated;
	p->enhanced_rr = up->caps.enhanced_rr;
	p->sc = (struct send_class){ .as4 = up->caps.as4, .addpath = p->addpath,
		.ext_message = up->caps.ext_message, .otc_add_as = up->role_negotiated ? rde->rs_as : 0 };
	/* RFC 4724 §4.2: stale routes survive only if the new session again
	 * preserves state for the family; otherwise they go now. */
	uint8_t fam = (uint8_t)(1u << p->fam);
	if ((p->stale & fam) && !(up->caps.graceful_restart && (up->caps.gr_families & fam)))
		end_of_stale(rde, p, fam, "restarted without graceful restart");
	export_full(rde, p, false);
}

static void peer_down(struct rde *rde, struct rde_peer *p, const struct ipc_peer_down *d)
{
	p->up = false;
	p->nbh_retry = 0;            /* its paths go (or stay stale) as they are */
	p->count.exported = 0;
	uint8_t all = (uint8_t)(1u << p->fam);
	uint8_t keep = d->keep_stale & all;
	if (keep && d->restart_time) {
		size_t n = purge_paths(rde, p->id, keep, 0, PATH_STALE);
		p->stale = keep;
		p->stale_deadline = now_ms() + (uint64_t)d->restart_time * 1000;
		log_info("neighbor %s: %zu routes kept as stale for %us", peer_name(p), n, d->restart_time);
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
		path_remove(rde, re, p, re->paths[i].reject);   /* the next path moves to i */
		p->purged++;
	}
	if (rde->nchanges >= 65536)
		rde_flush_batch(rde);
}

/* Sessions that went down are purged together: when PEER_DOWN messages
 * follow each other (a LAN outage, a reset of every session), one RIB walk
 * removes all their routes instead of one walk per member.  Any other
 * message runs the pending purge first, so the order of events holds. */
static void run_pending_purges(struct rde *rde)
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
			log_info("neighbor %s: withdrew its %zu routes", peer_name(p), p->purged);
	}
	rde->purges_pending = 0;
}

static void end_of_stale(struct rde *rde, struct rde_peer *p, uint8_t families, const char *why)
{
	size_t n = purge_paths(rde, p->id, families, PATH_STALE, 0);
	p->stale &= (uint8_t)~families;
	if (n)
		log_info("neighbor %s: %zu stale routes removed (%s)", peer_name(p), n, why);
}

static void check_stale_timers(struct rde *rde, uint64_t now)
{
	for (uint32_t i = 0; i < rde->npeers; i++) {
		struct rde_peer *p = rde->peers[i];
		if (p && p->stale && !p->up && now >= p->stale_deadline)
			end_of_stale(rde, p, p->stale, "restart time expired");
	}
}

/* --- import --------------------------------------------------------------- */

static void import_withdraw(struct rde *rde, struct rde_peer *p, const struct prefix *pfx)
{
	struct rib_entry *re = rib_lookup(&rde->rib, pfx);
	struct path *path = re ? rib_find_path(re, p->id) : NULL;
	if (!path)
		return;
	path_remove(rde, re, p, path->reject);
}

struct own_space_query {
	struct rde *rde;
	uint32_t peer;
};

/* Does the member announce (accepted, not itself a blackhole) a route
 * strictly covering p?  One table lookup per shorter length. */
static bool member_covers(void *arg, const struct prefix *p)
{
	const struct own_space_query *q = arg;
	for (int len = p->len - 1; len >= 0; len--) {
		struct prefix up = *p;
		prefix_truncate(&up, (unsigned)len);
		struct rib_entry *re = rib_lookup(&q->rde->rib, &up);
		struct path *path = re ? rib_find_path(re, q->peer) : NULL;
		if (path && !path->reject && !path->attrs->blackhole)
			return true;
	}
	return false;
}

static struct policy_peer policy_peer_of(struct rde *rde, const struct rde_peer *p,
    struct own_space_query *q)
{
	*q = (struct own_space_query){ rde, p->id };
	return (struct policy_peer){ p->asn, &p->addr, p->role, &p->pol, p->client, p->irr, p->gshut_forced,
		member_covers, q };
}

static void reset_session(struct rde *rde, struct rde_peer *p, const struct ipc_reset *r)
{
	ipc_push(rde->to_se, ipc_msg_new(IPC_RESET, p->id, p->gen, r, sizeof(*r)));
	p->up = false;      /* ignore what this session still has in flight */
}

/* RFC 4486 §4: Cease / Maximum Number of Prefixes Reached, with AFI, SAFI
 * and the limit as data. */
static void max_prefix_reset(struct rde *rde, struct rde_peer *p, uint32_t limit)
{
	struct ipc_reset r = { .max_prefix = true };
	uint8_t data[7];
	put_u16(data, family_afi(p->fam));
	data[2] = SAFI_UNICAST;
	put_u32(data + 3, limit);
	notify_set(&r.notify, ERR_CEASE, ERR_CEASE_MAX_PREFIX, data, sizeof(data));
	if (p->pol.max_prefix_action == CFG_MAX_PREFIX_RESTART)
		r.down_minutes = p->pol.max_prefix_restart ? p->pol.max_prefix_restart : 1;
	reset_session(rde, p, &r);
}

/* Max-prefix (cfg.filtering.max_prefix): counts what the member sent,
 * rejected routes included by default, since a leak must trip it even when
 * every leaked route is filtered.  Returns false if a new route must not
 * be stored (action block, or the session is going down). */
static bool max_prefix_allows(struct rde *rde, struct rde_peer *p)
{
	uint32_t limit = p->fam == FAM_IPV6 ? p->pol.max_prefix_v6 : p->pol.max_prefix_v4;
	if (!limit || p->pol.max_prefix_action == CFG_MAX_PREFIX_NONE)
		return true;
	uint32_t held = p->count.received;
	if (!p->pol.max_prefix_count_rejected)
		held -= p->count.rejected;
	if (held < limit)
		return true;
	if (!p->max_prefix_hit)
		log_warn("neighbor %s: max-prefix limit %u reached (action %s)", peer_name(p), limit,
		    p->pol.max_prefix_action == CFG_MAX_PREFIX_WARNING ? "warning" :
		    p->pol.max_prefix_action == CFG_MAX_PREFIX_BLOCK ? "block: further routes dropped" :
		    p->pol.max_prefix_action == CFG_MAX_PREFIX_RESTART ? "restart" : "shutdown");
	p->max_prefix_hit = true;
	switch (p->pol.max_prefix_action) {
	case CFG_MAX_PREFIX_WARNING:
		return true;
	case CFG_MAX_PREFIX_BLOCK:
		return false;
	default:
		max_prefix_reset(rde, p, limit);
		return false;
	}
}

/* What the import policy makes of one received path: verdict and the set
 * to keep.  av: the attribute checks, shared by every prefix of the set. */
static struct attr_set *import_eval(struct rde *rde, const struct rde_peer *p,
    struct attr_set *received, const struct attrs_verdict *av, const struct prefix *pfx,
    struct route_verdict *v)
{
	struct own_space_query q;
	struct policy_peer pp = policy_peer_of(rde, p, &q);
	policy_check_route(&rde->pd, &pp, received, av, pfx, v);
	return policy_effective(&rde->pd, &pp, received, v);
}

/* Blackholes rejected for lying outside the member's announced space are
 * looked at again when the member announces new space: a member may send
 * its /32 before the /24 that covers it.  At most BH_RETRY_MAX are kept a
 * member (a member flooding foreign blackholes gets no more), looked at
 * only when it announces space it did not have accepted before. */
#define BH_RETRY_MAX 256

static void blackhole_retry_add(struct rde_peer *p, const struct prefix *pfx)
{
	for (uint32_t i = 0; i < p->nbh_retry; i++)
		if (prefix_equal(&p->bh_retry[i], pfx))
			return;
	if (p->nbh_retry == BH_RETRY_MAX)
		return;
	if (p->nbh_retry == p->capbh_retry) {
		p->capbh_retry = p->capbh_retry ? p->capbh_retry * 2 : 16;
		p->bh_retry = xrealloc(p->bh_retry, p->capbh_retry * sizeof(*p->bh_retry));
	}
	p->bh_retry[p->nbh_retry++] = *pfx;
}

static void store_path(struct rde *rde, struct rde_peer *p, struct rib_entry *re,
    struct attr_set *attrs, const struct route_verdict *v, uint32_t now)
{
	struct path *old = rib_find_path(re, p->id);
	bool new_space = !v->reject && !v->blackhole && (!old || old->reject);
	if (old && old->reject)
		p->count.rejected--;
	if (v->reject)
		p->count.rejected++;
	rde_touch(rde, re);
	struct path *path = rib_set_path(&rde->rib, re, p->id, attrs, v->reject, now);
	path->rov = v->rov & 3;
	path->irr = v->irr & 15;
	if (v->reject == REJECT_BLACKHOLE_FOREIGN)
		blackhole_retry_add(p, &re->prefix);
	else if (new_space && p->nbh_retry)
		p->bh_new_space = true;
}

static void import_announce(struct rde *rde, struct rde_peer *p, const struct prefix *pfx,
    struct attr_set *received, const struct attrs_verdict *av, uint32_t now)
{
	struct rib_entry *re = rib_get(&rde->rib, pfx);
	if (!rib_find_path(re, p->id)) {
		if (!max_prefix_allows(rde, p)) {
			rib_gc_entry(&rde->rib, re);
			return;
		}
		p->count.received++;
	}
	struct route_verdict v;
	struct attr_set *attrs = import_eval(rde, p, received, av, pfx, &v);
	store_path(rde, p, re, attrs, &v, now);
	attr_unref(attrs);
}

static void log_update_problem(struct rde_peer *p, const struct update_decoded *u)
{
	switch (u->action) {
	case UPD_OK:
		break;
	case UPD_ATTR_DISCARD:
		log_info("neighbor %s: UPDATE: %s (attribute discard, RFC 7606)", peer_name(p), u->reason);
		break;
	case UPD_TREAT_AS_WITHDRAW:
		log_warn("neighbor %s: UPDATE: %s; treating %u prefixes as withdrawn (RFC 7606)",
		    peer_name(p), u->reason, u->withdrawn.n);
		break;
	case UPD_SESSION_RESET:
		log_warn("neighbor %s: UPDATE: %s; resetting the session (RFC 7606)", peer_name(p), u->reason);
		break;
	}
}

/* Table lookups miss the cache; start them early: the slot 8 prefixes
 * ahead, the entry 4 ahead (its slot was prefetched 4 prefixes ago). */
static void prefetch_ahead(const struct rib *rib, const struct prefix_vec *v, uint32_t i)
{
	if (i + 8 < v->n)
		rib_prefetch_slot(rib, &v->v[i + 8]);
	if (i + 4 < v->n)
		rib_prefetch_entry(rib, &v->v[i + 4]);
}

static void handle_update(struct rde *rde, struct rde_peer *p, const uint8_t *body, size_t len)
{
	struct update_ctx ctx = { .peer_as4 = p->sc.as4, .families = (uint8_t)(1u << p->fam) };
	struct update_decoded *u = &rde->dec;
	bgp_update_decode(&ctx, body, len, u);
	log_update_problem(p, u);
	if (u->action == UPD_SESSION_RESET) {
		struct ipc_reset r = { .notify = u->notify };
		reset_session(rde, p, &r);
		return;
	}
	if (u->eor_family >= 0) {
		if (p->stale & (1u << u->eor_family))
			end_of_stale(rde, p, (uint8_t)(1u << u->eor_family), "End-of-RIB received");
		return;
	}
	for (uint32_t i = 0; i < u->withdrawn.n; i++) {
		prefetch_ahead(&rde->rib, &u->withdrawn, i);
		import_withdraw(rde, p, &u->withdrawn.v[i]);
	}
	if (u->announced.n == 0)
		return;
	struct attr_set *received = attr_intern(&u->info, u->attrs.data, u->attrs.len);
	struct own_space_query q;
	struct policy_peer pp = policy_peer_of(rde, p, &q);
	struct attrs_verdict av;
	policy_check_attrs(&rde->pd, &pp, received, family_afi(p->fam), &av);
	uint32_t now = rde_now_s();
	for (uint32_t i = 0; i < u->announced.n && p->up; i++) {
		prefetch_ahead(&rde->rib, &u->announced, i);
		import_announce(rde, p, &u->announced.v[i], received, &av, now);
	}
	attr_unref(received);
}

static void handle_refresh(struct rde *rde, struct rde_peer *p, const struct ipc_refresh *r)
{
	uint8_t fam = (uint8_t)(1u << r->family);
	switch (r->subtype) {
	case RR_NORMAL:
		rde_flush_batch(rde);
		export_full(rde, p, p->enhanced_rr);
		break;
	case RR_BEGIN:       /* RFC 7313 §4: the member re-sends everything */
		purge_paths(rde, p->id, fam, 0, PATH_REFRESH_STALE);
		p->refresh_stale |= fam;
		break;
	case RR_END:
		if (p->refresh_stale & fam) {
			purge_paths(rde, p->id, fam, PATH_REFRESH_STALE, 0);
			p->refresh_stale &= (uint8_t)~fam;
		}
		break;
	}
}

/* --- the thread ----------------------------------------------------------- */

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
		struct policy_peer pp = policy_peer_of(rc->rde, p, &q);
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
	struct attr_set *attrs = import_eval(rde, p, received, cached_attrs_verdict(rc, p, received),
	    &re->prefix, &v);
	path->rov = v.rov & 3;
	path->irr = v.irr & 15;
	if (attrs == path->attrs && v.reject == path->reject) {
		attr_unref(attrs);
		return;
	}
	rde_touch(rde, re);          /* snapshots, never moves re->paths */
	if (!v.reject != !path->reject) {
		p->count.rejected += v.reject ? 1u : (uint32_t)-1;
		rde->rib.nrejected += v.reject ? 1 : (size_t)-1;
	}
	attr_unref(path->attrs);
	path->attrs = attrs;
	path->reject = v.reject;
	path->since = rc->now;
	rc->changed++;
}

/* New space from members that had foreign blackholes: those are filtered
 * again; the ones now accepted (or gone) leave the list. */
static void retry_blackholes(struct rde *rde)
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
static void refilter_pending(struct rde *rde)
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

static void peer_bind_policy(struct rde *rde, struct rde_peer *p)
{
	/* A reload's members are described against its global policy, which
	 * is in effect from the commit on. */
	const struct policy_global *g = rde->pending_g ? rde->pending_g : rde->pd.g;
	p->client = g && p->pol.client < g->n_clients ? &g->clients[p->pol.client] : NULL;
	p->irr = p->client ? irr_for(rde, p->client->irr_key) : NULL;
	p->dp.no_blackhole = !p->pol.blackhole_to_client;
}

/* A new global policy (start, reload): every member's lists move to it;
 * if what it says changed, every member is filtered again. */
static void set_global_policy(struct rde *rde, struct policy_global *g)
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
			peer_bind_policy(rde, rde->peers[i]);
			rde->peers[i]->refilter |= changed && old;
		}
	policy_global_free(old);
}

/* Fresh IRR data for one AS-SET list: the members using it are filtered
 * again. */
static void set_irr_data(struct rde *rde, struct irr_member *m)
{
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

static void note_vrp_change(struct rde *rde, const struct prefix *p)
{
	if (!rde->rov_changed)
		rde->rov_changed = pfxtree_new();
	pfxtree_insert(rde->rov_changed, p, NULL);
}

/* A whole new VRP/ASPA set (a file read): only routes under VRPs that
 * differ are validated again; an ASPA change re-checks everything. */
static void set_rpki_data(struct rde *rde, const struct rpki_update *d)
{
	if (d->vrps && rde->rtr) {
		/* RTR caches own the VRPs; a file only brings ASPAs then. */
		vrp_table_free(d->vrps);
	} else if (d->vrps) {
		struct vrp_change *ch = NULL;
		size_t n = rde->vrps ? vrp_table_diff(rde->vrps, d->vrps, &ch) : 0;
		if (!rde->vrps) {        /* first data: everything may change */
			struct prefix all4 = { .afi = AFI_IPV4 }, all6 = { .afi = AFI_IPV6 };
			note_vrp_change(rde, &all4);
			note_vrp_change(rde, &all6);
		}
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
	refilter_pending(rde);
}

/* RTR deltas: applied to the table, routes under them validated again. */
static void drain_rtr(struct rde *rde)
{
	struct vrp_change *ch;
	size_t n = rpki_rtr_drain(rde->rtr, &ch);
	if (n == 0)
		return;
	if (!rde->vrps) {            /* first data: every route may change */
		struct prefix all4 = { .afi = AFI_IPV4 }, all6 = { .afi = AFI_IPV6 };
		note_vrp_change(rde, &all4);
		note_vrp_change(rde, &all6);
		rde->vrps = vrp_table_new();
		rde->pd.vrps = rde->vrps;
	}
	vrp_table_apply(rde->vrps, ch, n);
	for (size_t i = 0; i < n; i++)
		note_vrp_change(rde, &ch[i].vrp.prefix);
	free(ch);
	refilter_pending(rde);
}

/* Reload: a changed or removed peer loses its routes now; the session
 * engine restarts or ends its session. */
static void reconfigure(struct rde *rde, const struct ipc_msg *m)
{
	if (m->peer >= MAX_PEERS)
		return;
	rde_flush_batch(rde);
	struct rde_peer *p = rde->peers[m->peer];
	if (p) {
		purge_paths(rde, p->id, (uint8_t)(1u << p->fam), 0, 0);
		p->count.exported = 0;
	}
	if (m->type == IPC_PEER_ADD) {
		peer_configure(rde, m->peer, (const struct rde_peer_cfg *)m->body);
	} else if (p) {
		free(p->bh_retry);
		free(p);
		rde->peers[m->peer] = NULL;
	}
}

static void handle_msg(struct rde *rde, struct ipc_msg *m, unsigned *updates)
{
	struct rde_peer *p = m->peer < rde->npeers ? rde->peers[m->peer] : NULL;
	if (m->type != IPC_PEER_DOWN)
		run_pending_purges(rde);
	if (m->type == IPC_CONTROL) {
		rde_flush_batch(rde);
		rde_query(rde, m);
		return;
	}
	if (m->type == IPC_PEER_ADD || m->type == IPC_PEER_REMOVE) {
		reconfigure(rde, m);
		return;
	}
	if (m->type == IPC_PEER_POLICY) {
		if (p) {         /* applied now, re-evaluated at the commit */
			p->pol = ((const struct rde_peer_cfg *)m->body)->policy;
			peer_bind_policy(rde, p);
			p->refilter = true;
		}
		return;
	}
	if (m->type == IPC_PEER_GSHUT) {
		if (p && p->up && p->gen == m->gen) {
			p->gshut_forced = true;
			p->refilter = true;
			refilter_pending(rde);
		}
		return;
	}
	if (m->type == IPC_POLICY_COMMIT) {
		if (rde->pending_g) {
			struct policy_global *g = rde->pending_g;
			rde->pending_g = NULL;
			set_global_policy(rde, g);
		}
		refilter_pending(rde);
		return;
	}
	if (m->type == IPC_POLICY_GLOBAL) {
		/* The first one now; a reload's at its commit, after its
		 * members' policies (which index its client lists). */
		struct policy_global *g = *(struct policy_global *const *)m->body;
		if (!rde->g) {
			set_global_policy(rde, g);
		} else {
			policy_global_free(rde->pending_g);
			rde->pending_g = g;
		}
		return;
	}
	if (m->type == IPC_IRR_DATA) {
		set_irr_data(rde, *(struct irr_member *const *)m->body);
		return;
	}
	if (m->type == IPC_RPKI_DATA) {
		set_rpki_data(rde, (const struct rpki_update *)m->body);
		return;
	}
	if (!p)
		return;
	switch (m->type) {
	case IPC_PEER_UP:
		rde_flush_batch(rde);
		peer_up(rde, p, m->gen, (const struct ipc_peer_up *)m->body);
		break;
	case IPC_PEER_DOWN:
		rde_flush_batch(rde);
		peer_down(rde, p, (const struct ipc_peer_down *)m->body);
		break;
	case IPC_UPDATE:
		if (p->up && p->gen == m->gen) {
			handle_update(rde, p, m->body, m->len);
			if (++*updates >= BATCH_UPDATES) {
				rde_flush_batch(rde);
				*updates = 0;
			}
		}
		break;
	case IPC_REFRESH:
		if (p->up && p->gen == m->gen)
			handle_refresh(rde, p, (const struct ipc_refresh *)m->body);
		break;
	default:
		break;
	}
}

static void *rde_main(void *arg)
{
	struct rde *rde = arg;
	while (!atomic_load(&rde->stop)) {
		struct pollfd pfd[2] = { { rde->in->efd, POLLIN, 0 }, { -1, POLLIN, 0 } };
		if (rde->rtr)
			pfd[1].fd = rpki_rtr_fd(rde->rtr);
		poll(pfd, 2, 1000);
		if (rde->rtr && (pfd[1].revents & POLLIN))
			drain_rtr(rde);
		unsigned updates = 0;
		for (struct ipc_msg *m = ipc_take_all(rde->in), *next; m; m = next) {
			next = m->next;
			handle_msg(rde, m, &updates);
			ipc_done(rde->in, m);
			ipc_msg_free(m);
		}
		run_pending_purges(rde);
		retry_blackholes(rde);
		rde_flush_batch(rde);
		check_stale_timers(rde, now_ms());
	}
	return NULL;
}

int rde_start(struct rde *rde, uint32_t rs_as, struct ipc_queue *in, struct ipc_queue *to_se,
    struct ipc_queue *to_main)
{
	rib_init(&rde->rib);
	update_decoded_init(&rde->dec);
	rde->rs_as = rs_as;
	rde->in = in;
	rde->to_se = to_se;
	rde->to_main = to_main;
	return pthread_create(&rde->thread, NULL, rde_main, rde);
}

void rde_stop(struct rde *rde)
{
	atomic_store(&rde->stop, true);
	uint64_t one = 1;
	(void)!write(rde->in->efd, &one, sizeof(one));
	pthread_join(rde->thread, NULL);
	rde_flush_batch(rde);
	rib_destroy(&rde->rib);
	update_decoded_free(&rde->dec);
	if (rde->rtr)
		rpki_rtr_stop(rde->rtr);
	vrp_table_free(rde->vrps);
	aspa_table_free(rde->aspas);
	pfxtree_free(rde->rov_changed, NULL);
	for (size_t i = 0; i < rde->nirr; i++)
		irr_member_free(rde->irr[i]);
	free(rde->irr);
	policy_global_free(rde->g);
	policy_global_free(rde->pending_g);
	for (uint32_t i = 0; i < rde->npeers; i++) {
		if (rde->peers[i])
			free(rde->peers[i]->bh_retry);
		free(rde->peers[i]);
	}
	rde_free_batch(rde);
}
