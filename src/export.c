/* export: turns RIB changes into UPDATEs for members.
 *
 * For each batch of changed prefixes the result for most members is the
 * same: the overall best path.  Only members that own one of the prefix's
 * paths, or that export control excludes from one, can get something else
 * ("exceptions").  So a batch is encoded once per send class for all plain
 * members, and individually only for exceptions and ADD-PATH receivers.
 * This is what lets ixpd avoid a per-member table and per-member encoding. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "policy.h"
#include "rde.h"
#include "xalloc.h"

struct op {
	const struct prefix *prefix;
	const struct path *path;     /* NULL: withdraw */
	uint32_t path_id;            /* ADD-PATH */
};

struct op_vec {
	struct op *v;
	size_t n, cap;
};

static void op_push(struct op_vec *o, const struct prefix *p, const struct path *path, uint32_t id)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->v = xrealloc(o->v, o->cap * sizeof(*o->v));
	}
	o->v[o->n++] = (struct op){ p, path, id };
}

static bool same_path(const struct path *a, const struct path *b)
{
	if (!a || !b)
		return a == b;
	return a->peer == b->peer && a->attrs == b->attrs;
}

/* ADD-PATH path identifiers: one per sending member, stable for the
 * lifetime of the route. */
static uint32_t path_id_of(const struct path *p) { return p->peer + 1; }

static int op_order(const void *x, const void *y)
{
	const struct op *a = x, *b = y;
	uintptr_t ka = a->path ? (uintptr_t)a->path->attrs : 0, kb = b->path ? (uintptr_t)b->path->attrs : 0;
	return ka < kb ? -1 : ka > kb;
}

/* Encodes ops (any order) for one receiver class: withdrawals, then one
 * group of packed UPDATEs per attribute set. */
static void encode_ops(struct op_vec *ops, enum family fam, const struct send_class *sc,
    struct wbuf *out)
{
	if (ops->n > 1)
		qsort(ops->v, ops->n, sizeof(*ops->v), op_order);
	struct nlri_out *nlri = xmalloc((ops->n ? ops->n : 1) * sizeof(*nlri));
	size_t i = 0;
	while (i < ops->n) {
		size_t j = i, k = 0;
		const struct path *p = ops->v[i].path;
		while (j < ops->n && (ops->v[j].path ? ops->v[j].path->attrs : NULL) == (p ? p->attrs : NULL)) {
			nlri[k++] = (struct nlri_out){ ops->v[j].prefix, ops->v[j].path_id };
			j++;
		}
		if (!p) {
			bgp_update_encode_withdraw(out, sc, fam, nlri, k);
		} else {
			size_t alen;
			const uint8_t *a = sc->as4 ? p->attrs->data : attr_as2(p->attrs, &alen);
			if (sc->as4)
				alen = p->attrs->len;
			if (bgp_update_encode_announce(out, sc, fam, a, alen, &p->attrs->info, nlri, k) < 0) {
				log_warn("export: attributes of %zu prefixes too large for a receiver, withdrawn", k);
				bgp_update_encode_withdraw(out, sc, fam, nlri, k);
			}
		}
		i = j;
	}
	free(nlri);
}

static void send_bytes(struct rde *rde, struct wbuf *w, struct session_ref *targets, uint32_t n)
{
	if (w->len == 0 || n == 0) {
		free(targets);
		return;
	}
	struct ipc_msg *m = ipc_msg_new(IPC_SEND, 0, 0, NULL, 0);
	m->msg = msgbuf_new(w->data, w->len);
	m->targets = targets;
	m->n_targets = n;
	ipc_push(rde->to_se, m);
}

static void send_to_peer(struct rde *rde, struct rde_peer *p, struct wbuf *w)
{
	struct session_ref *t = xmalloc(sizeof(*t));
	t->peer = p->id;
	t->gen = p->gen;
	send_bytes(rde, w, t, 1);
}

/* --- batch export ------------------------------------------------------- */

/* One exception member's result for one change. */
struct personal {
	uint32_t peer;
	uint32_t change;
	const struct path *path;
	bool changed;
};

struct batch_state {
	struct rde *rde;
	struct op_vec dflt[FAM_COUNT];
	uint32_t *dflt_change[FAM_COUNT];   /* change index of each default op */
	int exported_delta[FAM_COUNT];
	int8_t *change_delta;        /* per change: the default op's effect on the count */
	struct personal *pers;
	size_t npers, perscap;
};

static void pers_push(struct batch_state *b, uint32_t peer, uint32_t change, const struct path *path,
    bool changed)
{
	if (b->npers == b->perscap) {
		b->perscap = b->perscap ? b->perscap * 2 : 256;
		b->pers = xrealloc(b->pers, b->perscap * sizeof(*b->pers));
	}
	b->pers[b->npers++] = (struct personal){ peer, change, path, changed };
}

static bool plain_receiver(const struct rde_peer *p, enum family fam)
{
	return p && p->up && p->fam == fam && !p->addpath;
}

static bool has_export_ctl(const struct path *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].attrs->ctl)
			return true;
	return false;
}

static void exception_result(struct batch_state *b, struct rde_peer *p, uint32_t ci,
    const struct change *c)
{
	struct rde *rde = b->rde;
	if (p->mark == rde->batch_no) {
		/* already handled for this change? personal entries are appended
		 * in change order, so only the last one can match */
		if (b->npers && b->pers[b->npers - 1].peer == p->id && b->pers[b->npers - 1].change == ci)
			return;
	}
	p->mark = rde->batch_no;
	const struct path *o = rib_best(c->old, c->nold, &p->dp, rde_decision_peer, rde);
	const struct path *n = rib_best(c->re->paths, c->re->npaths, &p->dp, rde_decision_peer, rde);
	pers_push(b, p->id, ci, n, !same_path(o, n));
	if (!same_path(o, n) && (!o || !n))
		atomic_fetch_add(&peer_counters[p->id].exported, n ? 1u : (unsigned)-1);
}

static void batch_change(struct batch_state *b, uint32_t ci)
{
	struct rde *rde = b->rde;
	const struct change *c = &rde->changes[ci];
	enum family fam = c->re->prefix.afi == AFI_IPV6 ? FAM_IPV6 : FAM_IPV4;
	const struct path *o = rib_best(c->old, c->nold, NULL, rde_decision_peer, rde);
	const struct path *n = rib_best(c->re->paths, c->re->npaths, NULL, rde_decision_peer, rde);
	if (!same_path(o, n)) {
		struct op_vec *d = &b->dflt[fam];
		op_push(d, &c->re->prefix, n, 0);
		b->dflt_change[fam] = xrealloc(b->dflt_change[fam], d->cap * sizeof(uint32_t));
		b->dflt_change[fam][d->n - 1] = ci;
		if (!o || !n) {
			b->change_delta[ci] = n ? 1 : -1;
			b->exported_delta[fam] += b->change_delta[ci];
		}
	}
	if (has_export_ctl(c->old, c->nold) || has_export_ctl(c->re->paths, c->re->npaths)) {
		for (uint32_t i = 0; i < rde->npeers; i++)
			if (plain_receiver(rde->peers[i], fam))
				exception_result(b, rde->peers[i], ci, c);
		return;
	}
	for (uint16_t i = 0; i < c->nold; i++)
		if (plain_receiver(rde->peers[c->old[i].peer], fam))
			exception_result(b, rde->peers[c->old[i].peer], ci, c);
	for (uint16_t i = 0; i < c->re->npaths; i++)
		if (plain_receiver(rde->peers[c->re->paths[i].peer], fam))
			exception_result(b, rde->peers[c->re->paths[i].peer], ci, c);
}

static int pers_order(const void *x, const void *y)
{
	const struct personal *a = x, *b = y;
	if (a->peer != b->peer)
		return a->peer < b->peer ? -1 : 1;
	return a->change < b->change ? -1 : a->change > b->change;
}

/* Default ops minus the changes the member is an exception for, plus its
 * own changed results. */
static void send_exception(struct batch_state *b, struct rde_peer *p, const struct personal *pers,
    size_t npers)
{
	struct op_vec ops = { 0 };
	const struct op_vec *d = &b->dflt[p->fam];
	size_t j = 0;
	for (size_t i = 0; i < d->n; i++) {
		uint32_t ci = b->dflt_change[p->fam][i];
		while (j < npers && pers[j].change < ci)
			j++;
		if (j < npers && pers[j].change == ci)
			continue;
		op_push(&ops, d->v[i].prefix, d->v[i].path, 0);
	}
	for (size_t k = 0; k < npers; k++)
		if (pers[k].changed)
			op_push(&ops, &b->rde->changes[pers[k].change].re->prefix, pers[k].path, 0);
	struct wbuf w = { 0 };
	encode_ops(&ops, p->fam, &p->sc, &w);
	send_to_peer(b->rde, p, &w);
	wbuf_free(&w);
	free(ops.v);
}

/* Plain members, grouped by what changes their bytes. */
static void send_default(struct batch_state *b, enum family fam)
{
	struct rde *rde = b->rde;
	struct wbuf w[8] = { 0 };
	struct session_ref *targets[8] = { 0 };
	uint32_t nt[8] = { 0 };
	bool encoded[8] = { false };
	if (b->dflt[fam].n == 0)
		return;
	for (uint32_t i = 0; i < rde->npeers; i++) {
		struct rde_peer *p = rde->peers[i];
		if (!plain_receiver(p, fam) || p->mark == rde->batch_no)
			continue;
		int cls = (p->sc.as4 ? 4 : 0) | (p->sc.ext_message ? 2 : 0) | (p->sc.otc_add_as ? 1 : 0);
		if (!encoded[cls]) {
			struct op_vec copy = { 0 };
			for (size_t k = 0; k < b->dflt[fam].n; k++)
				op_push(&copy, b->dflt[fam].v[k].prefix, b->dflt[fam].v[k].path, 0);
			encode_ops(&copy, fam, &p->sc, &w[cls]);
			free(copy.v);
			encoded[cls] = true;
			targets[cls] = xmalloc(rde->npeers * sizeof(struct session_ref));
		}
		targets[cls][nt[cls]++] = (struct session_ref){ p->id, p->gen };
		atomic_fetch_add(&peer_counters[p->id].exported, (unsigned)b->exported_delta[fam]);
	}
	for (int cls = 0; cls < 8; cls++) {
		if (encoded[cls])
			send_bytes(rde, &w[cls], targets[cls], nt[cls]);
		wbuf_free(&w[cls]);
	}
}

/* ADD-PATH receivers get every eligible path; diff per sending member. */
static void addpath_diff(struct rde *rde, struct rde_peer *p, const struct change *c, struct op_vec *ops)
{
	for (uint16_t i = 0; i < c->nold; i++) {
		const struct path *o = &c->old[i];
		struct path *n = rib_find_path(c->re, o->peer);
		bool oe = path_eligible(o, &p->dp), ne = n && path_eligible(n, &p->dp);
		if (oe && !ne) {
			op_push(ops, &c->re->prefix, NULL, path_id_of(o));
			atomic_fetch_sub(&peer_counters[p->id].exported, 1);
		}
	}
	for (uint16_t i = 0; i < c->re->npaths; i++) {
		const struct path *n = &c->re->paths[i];
		const struct path *o = NULL;
		for (uint16_t k = 0; k < c->nold && !o; k++)
			if (c->old[k].peer == n->peer)
				o = &c->old[k];
		bool oe = o && path_eligible(o, &p->dp), ne = path_eligible(n, &p->dp);
		if (ne && (!oe || o->attrs != n->attrs))
			op_push(ops, &c->re->prefix, n, path_id_of(n));
		if (ne && !oe)
			atomic_fetch_add(&peer_counters[p->id].exported, 1);
		if (!ne && oe) {
			op_push(ops, &c->re->prefix, NULL, path_id_of(o));
			atomic_fetch_sub(&peer_counters[p->id].exported, 1);
		}
	}
	(void)rde;
}

static void send_addpath(struct rde *rde)
{
	for (uint32_t i = 0; i < rde->npeers; i++) {
		struct rde_peer *p = rde->peers[i];
		if (!p || !p->up || !p->addpath)
			continue;
		struct op_vec ops = { 0 };
		for (size_t ci = 0; ci < rde->nchanges; ci++) {
			const struct change *c = &rde->changes[ci];
			if (c->re->prefix.afi == family_afi(p->fam))
				addpath_diff(rde, p, c, &ops);
		}
		struct wbuf w = { 0 };
		encode_ops(&ops, p->fam, &p->sc, &w);
		send_to_peer(rde, p, &w);
		wbuf_free(&w);
		free(ops.v);
	}
}

void export_batch(struct rde *rde)
{
	struct batch_state b = { .rde = rde };
	if (rde->nchanges == 0)
		return;
	rde->batch_no++;
	b.change_delta = xcalloc(rde->nchanges, 1);
	for (uint32_t ci = 0; ci < rde->nchanges; ci++)
		batch_change(&b, ci);
	if (b.npers > 1)
		qsort(b.pers, b.npers, sizeof(*b.pers), pers_order);
	for (size_t i = 0; i < b.npers;) {
		size_t j = i;
		while (j < b.npers && b.pers[j].peer == b.pers[i].peer)
			j++;
		struct rde_peer *p = rde->peers[b.pers[i].peer];
		/* the default ops' effect, minus the changes it is an exception for */
		int delta = b.exported_delta[p->fam];
		for (size_t k = i; k < j; k++)
			delta -= b.change_delta[b.pers[k].change];
		atomic_fetch_add(&peer_counters[p->id].exported, (unsigned)delta);
		send_exception(&b, p, &b.pers[i], j - i);
		i = j;
	}
	for (int f = 0; f < FAM_COUNT; f++)
		send_default(&b, (enum family)f);
	send_addpath(rde);
	for (int f = 0; f < FAM_COUNT; f++) {
		free(b.dflt[f].v);
		free(b.dflt_change[f]);
	}
	free(b.pers);
	free(b.change_delta);
}

/* --- full table --------------------------------------------------------- */

#define DUMP_CHUNK 65536

struct dump_state {
	struct rde *rde;
	struct rde_peer *peer;
	struct op_vec ops;
	unsigned exported;
};

static void dump_flush(struct dump_state *d)
{
	struct wbuf w = { 0 };
	encode_ops(&d->ops, d->peer->fam, &d->peer->sc, &w);
	send_to_peer(d->rde, d->peer, &w);
	wbuf_free(&w);
	d->ops.n = 0;
}

static void dump_entry(struct rib_entry *re, void *arg)
{
	struct dump_state *d = arg;
	struct rde_peer *p = d->peer;
	if (re->prefix.afi != family_afi(p->fam))
		return;
	if (p->addpath) {
		for (uint16_t i = 0; i < re->npaths; i++)
			if (path_eligible(&re->paths[i], &p->dp)) {
				op_push(&d->ops, &re->prefix, &re->paths[i], path_id_of(&re->paths[i]));
				d->exported++;
			}
	} else {
		const struct path *best = rib_best(re->paths, re->npaths, &p->dp, rde_decision_peer, d->rde);
		if (best) {
			op_push(&d->ops, &re->prefix, best, 0);
			d->exported++;
		}
	}
	if (d->ops.n >= DUMP_CHUNK)
		dump_flush(d);
}

void export_full(struct rde *rde, struct rde_peer *peer, bool enhanced_refresh)
{
	struct dump_state d = { .rde = rde, .peer = peer };
	struct wbuf w = { 0 };
	if (enhanced_refresh) {
		bgp_route_refresh_encode(&w, peer->fam, RR_BEGIN);
		send_to_peer(rde, peer, &w);
		w.len = 0;
	}
	rib_walk(&rde->rib, dump_entry, &d);
	dump_flush(&d);
	atomic_store(&peer_counters[peer->id].exported, d.exported);
	if (enhanced_refresh)
		bgp_route_refresh_encode(&w, peer->fam, RR_END);
	else
		bgp_update_encode_eor(&w, peer->fam);
	send_to_peer(rde, peer, &w);
	wbuf_free(&w);
	free(d.ops.v);
}
