/* SPDX-License-Identifier: ISC */
/* rde_import: UPDATEs into the RIB -- decode, import policy, max-prefix,
 * blackholes in the member's own space, route refresh. */
#include "rde_int.h"

#include "log.h"
#include "monotime.h"
#include "policy.h"
#include "xalloc.h"

static void import_withdraw(struct rde *rde, struct rde_peer *p, const struct prefix *pfx)
{
	struct rib_entry *re = rib_lookup(&rde->rib, pfx);
	struct path *path = re ? rib_find_path(re, p->id) : NULL;
	if (!path)
		return;
	rde_path_remove(rde, re, p, path->reject);
}

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

struct policy_peer rde_policy_peer_of(struct rde *rde, const struct rde_peer *p,
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
		log_warn("neighbor %s: max-prefix limit %u reached (action %s)", rde_peer_name(p), limit,
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
struct attr_set *rde_import_eval(struct rde *rde, const struct rde_peer *p,
    struct attr_set *received, const struct attrs_verdict *av, const struct prefix *pfx,
    struct route_verdict *v)
{
	struct own_space_query q;
	struct policy_peer pp = rde_policy_peer_of(rde, p, &q);
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
	path->irr = v->irr & POL_IRR_BITS;
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
	struct attr_set *attrs = rde_import_eval(rde, p, received, av, pfx, &v);
	store_path(rde, p, re, attrs, &v, now);
	attr_unref(attrs);
}

static void log_update_problem(struct rde_peer *p, const struct update_decoded *u)
{
	switch (u->action) {
	case UPD_OK:
		break;
	case UPD_ATTR_DISCARD:
		p->count.attribute_discard++;
		log_info("neighbor %s: UPDATE: %s (attribute discard, RFC 7606)", rde_peer_name(p), u->reason);
		break;
	case UPD_TREAT_AS_WITHDRAW:
		p->count.treat_as_withdraw++;
		log_warn("neighbor %s: UPDATE: %s; treating %u prefixes as withdrawn (RFC 7606)",
		    rde_peer_name(p), u->reason, u->withdrawn.n);
		break;
	case UPD_SESSION_RESET:
		log_warn("neighbor %s: UPDATE: %s; resetting the session (RFC 7606)", rde_peer_name(p), u->reason);
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

void rde_handle_update(struct rde *rde, struct rde_peer *p, const uint8_t *body, size_t len)
{
	struct update_ctx ctx = { .peer_as4 = p->sc.as4, .families = (uint8_t)(1u << p->fam) };
	struct update_decoded *u = &rde->dec;
	if (rde->defer_until)        /* (only the selection deferral needs to know) */
		p->last_update_ms = now_ms();
	bgp_update_decode(&ctx, body, len, u);
	log_update_problem(p, u);
	if (u->action == UPD_SESSION_RESET) {
		struct ipc_reset r = { .notify = u->notify };
		reset_session(rde, p, &r);
		return;
	}
	if (u->eor_family >= 0) {
		p->eor_in = true;
		if (p->stale & (1u << u->eor_family))
			rde_end_of_stale(rde, p, (uint8_t)(1u << u->eor_family), "End-of-RIB received");
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
	struct policy_peer pp = rde_policy_peer_of(rde, p, &q);
	struct attrs_verdict av;
	policy_check_attrs(&rde->pd, &pp, received, family_afi(p->fam), &av);
	uint32_t now = rde_now_s();
	for (uint32_t i = 0; i < u->announced.n && p->up; i++) {
		prefetch_ahead(&rde->rib, &u->announced, i);
		import_announce(rde, p, &u->announced.v[i], received, &av, now);
	}
	attr_unref(received);
}

void rde_handle_refresh(struct rde *rde, struct rde_peer *p, const struct ipc_refresh *r)
{
	uint8_t fam = (uint8_t)(1u << r->family);
	switch (r->subtype) {
	case RR_NORMAL:
		rde_flush_batch(rde);
		export_refresh(rde, p, p->enhanced_rr);
		break;
	case RR_BEGIN:       /* RFC 7313 §4: the member re-sends everything */
		rde_purge_paths(rde, p->id, fam, 0, PATH_REFRESH_STALE);
		p->refresh_stale |= fam;
		break;
	case RR_END:
		if (p->refresh_stale & fam) {
			rde_purge_paths(rde, p->id, fam, PATH_REFRESH_STALE, 0);
			p->refresh_stale &= (uint8_t)~fam;
		}
		break;
	}
}
