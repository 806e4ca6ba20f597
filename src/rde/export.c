/* SPDX-License-Identifier: ISC */
/* export: turns RIB changes into UPDATEs for members.
 *
 * For a changed prefix most members get the same thing: the overall best
 * path before and after.  The members that may get something else are the
 * senders of its best paths and members excluded by export control; of
 * those, the ones whose own best differs from the overall one form the
 * prefix's exception set E.  Prefixes are grouped by E: a group's UPDATEs
 * are encoded once per send class and shared by every member not in E;
 * members in E get their own result, encoded for them alone.  With 700
 * members each announcing its own prefixes, a batch thus makes one group
 * per announcing member, each encoded once and sent to the 699 others --
 * never 700 per-member encodings.  ADD-PATH receivers get a per-path diff. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "htab.h"
#include "log.h"
#include "monotime.h"
#include "policy.h"
#include "rde.h"
#include "rde_int.h"
#include "u32set.h"
#include "xalloc.h"

struct op {
	const struct prefix *prefix;
	struct attr_set *attrs;      /* what to announce; NULL: withdraw */
	uint32_t path_id;            /* ADD-PATH */
};

struct op_vec {
	struct op *v;
	size_t n, cap;
};

static void op_push(struct op_vec *o, const struct prefix *p, struct attr_set *attrs, uint32_t id)
{
	XGROW(o->v, o->n, o->cap, 256);
	o->v[o->n++] = (struct op){ p, attrs, id };
}

/* What receiver p gets of path: its attributes, or the variant the action
 * communities ask for its AS, site or RTT (prepend, NO_EXPORT...). */
static struct attr_set *sent_attrs(const struct path *path, const struct rde_peer *p)
{
	if (!path)
		return NULL;
	return path->attrs->ctl ? policy_variant(path->attrs, &p->dp.rx) : path->attrs;
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

static struct attr_set *op_attrs(const struct op *o)
{
	return o->attrs;
}

/* A run of consecutive ops with the same attributes.  Ops come in runs
 * (one received UPDATE carries many prefixes with one attribute set), so
 * sorting runs instead of ops is ~100 times less work. */
struct op_run {
	struct attr_set *attrs;
	size_t start, n;
};

static int run_order(const void *x, const void *y)
{
	const struct op_run *a = x, *b = y;
	if (a->attrs != b->attrs)
		return (uintptr_t)a->attrs < (uintptr_t)b->attrs ? -1 : 1;
	return a->start < b->start ? -1 : a->start > b->start;
}

static void encode_group(struct attr_set *attrs, enum family fam, const struct send_class *sc,
    const struct nlri_out *nlri, size_t k, struct wbuf *out)
{
	if (!attrs) {
		bgp_update_encode_withdraw(out, sc, fam, nlri, k);
		return;
	}
	size_t alen = attrs->len;
	const uint8_t *a = sc->as4 ? attrs->data : attr_as2(attrs, &alen);
	struct wbuf prepended = { 0 }, as2 = { 0 };
	if (sc->prepend_as) {
		/* prepend_rs_as: per receiver class, not cached -- few members
		 * ask for it, and a set's bytes are shared by everybody else */
		if (attrs_prepend_as(attrs->data, attrs->len, sc->prepend_as, 1, &prepended) == 0) {
			a = prepended.data;
			alen = prepended.len;
			if (!sc->as4) {
				attrs_to_as2(prepended.data, prepended.len, &as2);
				a = as2.data;
				alen = as2.len;
			}
		} else {
			log_warn("export: %zu prefixes sent without the route server's AS prepended: "
			    "their AS_PATH would exceed 65535 bytes", k);
		}
	}
	if (bgp_update_encode_announce(out, sc, fam, a, alen, &attrs->info, nlri, k) < 0) {
		log_warn("export: attributes of %zu prefixes too large for a receiver, withdrawn", k);
		bgp_update_encode_withdraw(out, sc, fam, nlri, k);
	}
	wbuf_free(&prepended);
	wbuf_free(&as2);
}

/* Encodes ops (any order) for one receiver class: one group of packed
 * UPDATEs per attribute set (withdrawals are the NULL set, first). */
static void encode_ops(const struct op_vec *ops, enum family fam, const struct send_class *sc,
    struct wbuf *out)
{
	if (ops->n == 0)
		return;
	struct op_run *runs = xmalloc(ops->n * sizeof(*runs));
	size_t nruns = 0;
	for (size_t i = 0; i < ops->n; i++) {
		if (nruns && runs[nruns - 1].attrs == op_attrs(&ops->v[i]))
			runs[nruns - 1].n++;
		else
			runs[nruns++] = (struct op_run){ op_attrs(&ops->v[i]), i, 1 };
	}
	if (nruns > 1)
		qsort(runs, nruns, sizeof(*runs), run_order);
	struct nlri_out *nlri = xmalloc(ops->n * sizeof(*nlri));
	for (size_t r = 0; r < nruns;) {
		size_t k = 0, first = r;
		for (; r < nruns && runs[r].attrs == runs[first].attrs; r++)
			for (size_t i = runs[r].start; i < runs[r].start + runs[r].n; i++)
				nlri[k++] = (struct nlri_out){ ops->v[i].prefix, ops->v[i].path_id };
		encode_group(runs[first].attrs, fam, sc, nlri, k, out);
	}
	free(nlri);
	free(runs);
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

static void note_unsent(struct rde_peer *p, const struct op_vec *ops);

/* A member's own op list, encoded for it and sent (or noted, while its
 * output is paused); the list is emptied. */
static void send_ops_to_peer(struct rde *rde, struct rde_peer *p, struct op_vec *ops)
{
	if (p->output_paused) {
		note_unsent(p, ops);
		ops->n = 0;
		return;
	}
	struct wbuf w = { 0 };
	encode_ops(ops, p->fam, &p->sc, &w);
	send_to_peer(rde, p, &w);
	wbuf_free(&w);
	ops->n = 0;
}

/* --- batch export ------------------------------------------------------- */

/* A member's own result for one change (it is in that change's E). */
struct personal {
	uint32_t peer;
	const struct prefix *prefix;
	struct attr_set *attrs;      /* NULL: withdraw */
};

/* The default ops of the changes sharing one exception set. */
struct group {
	enum family fam;
	uint32_t nexcl;
	uint32_t *excl;              /* sorted peer ids */
	struct op_vec ops;
	int exported_delta;          /* effect on each receiver's exported count */
};

struct batch_state {
	struct rde *rde;
	struct htab index;           /* groups by (family, E) */
	struct group **groups;
	size_t ngroups, groupcap;
	struct personal *pers;
	size_t npers, perscap;
	uint32_t *excl;              /* scratch: E of the change being looked at */
	uint32_t nexcl;
	uint32_t stamp;              /* per change, to visit each candidate once */
};

/* A member that gets the overall best like everybody, unless it is an
 * exception.  One whose table is on its way is handled apart (see
 * consider_dumping). */
/* A new session's table on its way: until the walk has passed a prefix,
 * the member holds nothing of it.  (A refresh walk re-sends what the
 * member holds, which batches keep up to date as for anyone.) */
static bool session_walk(const struct rde_peer *p)
{
	return p->dumping && !p->dump_refresh;
}

static bool plain_receiver(const struct rde_peer *p, enum family fam)
{
	return p && p->up && p->fam == fam && !p->addpath && !session_walk(p);
}

/* Has the table walk of p already sent prefix entry re?  Only then does a
 * change of re concern p: otherwise the walk sends re as it is then. */
static bool dump_passed(const struct rde_peer *p, const struct rib_entry *re)
{
	return !session_walk(p) || re->idx < p->dump_cursor;
}

/* Paths some receivers may not get, or get in another form. */
static bool has_export_ctl(const struct path *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].attrs->ctl || v[i].attrs->blackhole)
			return true;
	return false;
}

static void pers_push(struct batch_state *b, uint32_t peer, const struct prefix *p,
    struct attr_set *attrs)
{
	XGROW(b->pers, b->npers, b->perscap, 256);
	b->pers[b->npers++] = (struct personal){ peer, p, attrs };
}

/* The key group_for looks a group up by. */
struct group_key {
	enum family fam;
	uint32_t nexcl;
	const uint32_t *excl;
};

static bool group_has_key(const void *batch, uint32_t i, const void *key)
{
	const struct group *g = ((const struct batch_state *)batch)->groups[i];
	const struct group_key *k = key;
	return g->fam == k->fam && g->nexcl == k->nexcl &&
	    memcmp(g->excl, k->excl, k->nexcl * sizeof(*k->excl)) == 0;
}

/* The group of this change's family and exception set E (b->excl). */
static struct group *group_for(struct batch_state *b, enum family fam)
{
	if (b->nexcl > 1)
		qsort(b->excl, b->nexcl, sizeof(*b->excl), u32_cmp);
	struct group_key key = { fam, b->nexcl, b->excl };
	uint32_t h = (uint32_t)hash_bytes(hash_seed ^ fam, b->excl, b->nexcl * sizeof(*b->excl));
	int64_t i = htab_find(&b->index, h, group_has_key, b, &key);
	if (i >= 0)
		return b->groups[i];
	struct group *g = xcalloc(1, sizeof(*g));
	g->fam = fam;
	g->nexcl = b->nexcl;
	g->excl = xmalloc((b->nexcl ? b->nexcl : 1) * sizeof(*g->excl));
	memcpy(g->excl, b->excl, b->nexcl * sizeof(*b->excl));
	XGROW(b->groups, b->ngroups, b->groupcap, 64);
	b->groups[b->ngroups++] = g;
	htab_insert(&b->index, h, (uint32_t)(b->ngroups - 1), group_has_key, b, &key);
	return g;
}

/* Is p in E for this change?  If its own best differs from the overall
 * one before or after, it is, and its own change (if any) is recorded. */
static void consider(struct batch_state *b, struct rde_peer *p, const struct change *c,
    const struct path *o, const struct path *n)
{
	struct rde *rde = b->rde;
	if (p->mark == b->stamp)
		return;
	p->mark = b->stamp;
	const struct path *po = rib_best(c->old, c->nold, &p->dp, rde_decision_peer, rde);
	const struct path *pn = rib_best(c->re->paths, c->re->npaths, &p->dp, rde_decision_peer, rde);
	struct attr_set *so = sent_attrs(po, p), *sn = sent_attrs(pn, p);
	if (same_path(po, o) && same_path(pn, n) && so == (o ? o->attrs : NULL) &&
	    sn == (n ? n->attrs : NULL))
		return;
	b->excl[b->nexcl++] = p->id;
	if (same_path(po, pn) && so == sn)
		return;
	pers_push(b, p->id, &c->re->prefix, sn);
	if (!po || !pn)
		p->count.exported += pn ? 1u : (uint32_t)-1;
}

/* Members whose table is on its way get a change only behind the walk,
 * as an exception of their own. */
static void consider_dumping(struct batch_state *b, const struct change *c, enum family fam)
{
	struct rde *rde = b->rde;
	for (size_t k = 0; k < rde->ndumping; k++) {
		struct rde_peer *p = rde->peers[rde->dumping[k]];
		if (!p || !p->up || !session_walk(p) || p->fam != fam || p->addpath || !dump_passed(p, c->re))
			continue;
		const struct path *po = rib_best(c->old, c->nold, &p->dp, rde_decision_peer, rde);
		const struct path *pn = rib_best(c->re->paths, c->re->npaths, &p->dp, rde_decision_peer, rde);
		struct attr_set *so = sent_attrs(po, p), *sn = sent_attrs(pn, p);
		if (same_path(po, pn) && so == sn)
			continue;
		pers_push(b, p->id, &c->re->prefix, sn);
		if (!po || !pn)
			p->count.exported += pn ? 1u : (uint32_t)-1;
	}
}

static void batch_change(struct batch_state *b, const struct change *c)
{
	struct rde *rde = b->rde;
	enum family fam = c->re->prefix.afi == AFI_IPV6 ? FAM_IPV6 : FAM_IPV4;
	const struct path *o = rib_best(c->old, c->nold, NULL, rde_decision_peer, rde);
	const struct path *n = rib_best(c->re->paths, c->re->npaths, NULL, rde_decision_peer, rde);
	b->nexcl = 0;
	b->stamp++;
	if (has_export_ctl(c->old, c->nold) || has_export_ctl(c->re->paths, c->re->npaths)) {
		for (uint32_t i = 0; i < rde->npeers; i++)
			if (plain_receiver(rde->peers[i], fam))
				consider(b, rde->peers[i], c, o, n);
	} else {
		/* Only a path's sender can see a different best than everybody. */
		for (uint16_t i = 0; i < c->nold; i++)
			if (plain_receiver(rde->peers[c->old[i].peer], fam))
				consider(b, rde->peers[c->old[i].peer], c, o, n);
		for (uint16_t i = 0; i < c->re->npaths; i++)
			if (plain_receiver(rde->peers[c->re->paths[i].peer], fam))
				consider(b, rde->peers[c->re->paths[i].peer], c, o, n);
	}
	if (rde->ndumping)
		consider_dumping(b, c, fam);
	if (same_path(o, n))
		return;
	struct group *g = group_for(b, fam);
	op_push(&g->ops, &c->re->prefix, n ? n->attrs : NULL, 0);
	if (!o || !n)
		g->exported_delta += n ? 1 : -1;
}

static bool excluded(const struct group *g, uint32_t id)
{
	return u32_contains(g->excl, g->nexcl, id);
}

/* One group: encoded once per send class, shared by its receivers. */
static void send_group(struct batch_state *b, struct group *g)
{
	struct rde *rde = b->rde;
	struct wbuf w[16] = { 0 };
	struct session_ref *targets[16] = { 0 };
	uint32_t nt[16] = { 0 };
	for (uint32_t i = 0; i < rde->npeers; i++) {
		struct rde_peer *p = rde->peers[i];
		if (!plain_receiver(p, g->fam) || excluded(g, p->id))
			continue;
		p->count.exported += (uint32_t)g->exported_delta;
		if (p->output_paused) {
			note_unsent(p, &g->ops);
			continue;
		}
		int cls = (p->sc.prepend_as ? 8 : 0) | (p->sc.as4 ? 4 : 0) | (p->sc.ext_message ? 2 : 0) |
		    (p->sc.otc_add_as ? 1 : 0);
		if (!targets[cls]) {
			encode_ops(&g->ops, g->fam, &p->sc, &w[cls]);
			targets[cls] = xmalloc(rde->npeers * sizeof(struct session_ref));
		}
		targets[cls][nt[cls]++] = (struct session_ref){ p->id, p->gen };
	}
	for (int cls = 0; cls < 16; cls++) {
		if (targets[cls])
			send_bytes(rde, &w[cls], targets[cls], nt[cls]);
		wbuf_free(&w[cls]);
	}
}

static int pers_order(const void *x, const void *y)
{
	const struct personal *a = x, *b = y;
	return a->peer < b->peer ? -1 : a->peer > b->peer;
}

static void send_personal(struct batch_state *b)
{
	if (b->npers > 1)
		qsort(b->pers, b->npers, sizeof(*b->pers), pers_order);
	for (size_t i = 0; i < b->npers;) {
		struct rde_peer *p = b->rde->peers[b->pers[i].peer];
		struct op_vec ops = { 0 };
		for (; i < b->npers && b->pers[i].peer == p->id; i++)
			op_push(&ops, b->pers[i].prefix, b->pers[i].attrs, 0);
		send_ops_to_peer(b->rde, p, &ops);
		free(ops.v);
	}
}

/* ADD-PATH receivers get every eligible path; diff per sending member. */
static void addpath_diff(struct rde_peer *p, const struct change *c, struct op_vec *ops)
{
	for (uint16_t i = 0; i < c->nold; i++) {
		const struct path *o = &c->old[i];
		struct path *n = rib_find_path(c->re, o->peer);
		bool oe = path_eligible(o, &p->dp), ne = n && path_eligible(n, &p->dp);
		if (oe && !ne) {
			op_push(ops, &c->re->prefix, NULL, path_id_of(o));
			p->count.exported--;
		}
	}
	for (uint16_t i = 0; i < c->re->npaths; i++) {
		const struct path *n = &c->re->paths[i];
		const struct path *o = NULL;
		for (uint16_t k = 0; k < c->nold && !o; k++)
			if (c->old[k].peer == n->peer)
				o = &c->old[k];
		bool oe = o && path_eligible(o, &p->dp), ne = path_eligible(n, &p->dp);
		struct attr_set *sn = sent_attrs(n, p);
		if (ne && (!oe || sent_attrs(o, p) != sn))
			op_push(ops, &c->re->prefix, sn, path_id_of(n));
		if (ne && !oe)
			p->count.exported++;
	}
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
			if (c->re->prefix.afi == family_afi(p->fam) && dump_passed(p, c->re))
				addpath_diff(p, c, &ops);
		}
		send_ops_to_peer(rde, p, &ops);
		free(ops.v);
	}
}

void export_batch(struct rde *rde)
{
	if (rde->nchanges == 0)
		return;
	struct batch_state *b = xcalloc(1, sizeof(*b));
	b->rde = rde;
	b->stamp = rde->stamp;
	/* each member enters a change's E at most once */
	b->excl = xmalloc((rde->npeers ? rde->npeers : 1) * sizeof(*b->excl));
	for (size_t ci = 0; ci < rde->nchanges; ci++)
		batch_change(b, &rde->changes[ci]);
	rde->stamp = b->stamp;
	for (size_t i = 0; i < b->ngroups; i++) {
		send_group(b, b->groups[i]);
		free(b->groups[i]->ops.v);
		free(b->groups[i]->excl);
		free(b->groups[i]);
	}
	send_personal(b);
	send_addpath(rde);
	free(b->groups);
	htab_free(&b->index);
	free(b->pers);
	free(b->excl);
	free(b);
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
	send_ops_to_peer(d->rde, d->peer, &d->ops);
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
				op_push(&d->ops, &re->prefix, sent_attrs(&re->paths[i], p),
				    path_id_of(&re->paths[i]));
				d->exported++;
			}
	} else {
		const struct path *best = rib_best(re->paths, re->npaths, &p->dp, rde_decision_peer, d->rde);
		if (best) {
			op_push(&d->ops, &re->prefix, sent_attrs(best, p), 0);
			d->exported++;
		}
	}
	if (d->ops.n >= DUMP_CHUNK)
		dump_flush(d);
}

/* RIB entries all table walks together look at per turn of the RDE,
 * WALK_SHARE at most for one walk before the next gets its go: a
 * 700-member restart is 700 walks, taking turns with each other and with
 * import rather than 700 x a turn's worth between two batches. */
#define TABLE_SCAN_BUDGET 32768
#define WALK_SHARE 4096

static void walk_start(struct rde *rde, struct rde_peer *peer, bool refresh)
{
	peer->dumping = true;
	peer->dump_refresh = refresh;
	peer->dump_cursor = 0;
	for (size_t k = 0; k < rde->ndumping; k++)
		if (rde->dumping[k] == peer->id)
			return;
	XGROW(rde->dumping, rde->ndumping, rde->dumping_cap, 64);
	rde->dumping[rde->ndumping++] = peer->id;
}

void export_table(struct rde *rde, struct rde_peer *peer)
{
	peer->dump_eorr = false;
	peer->count.exported = 0;
	walk_start(rde, peer, false);
}

static void send_marker(struct rde *rde, struct rde_peer *peer, int subtype)
{
	struct wbuf w = { 0 };
	if (subtype < 0)
		bgp_update_encode_eor(&w, peer->fam);
	else
		bgp_route_refresh_encode(&w, peer->fam, (uint8_t)subtype);
	send_to_peer(rde, peer, &w);
	wbuf_free(&w);
}

void export_refresh(struct rde *rde, struct rde_peer *peer, bool enhanced)
{
	if (enhanced)           /* RFC 7313 §4: the walk's routes, then EoRR */
		send_marker(rde, peer, RR_BEGIN);
	peer->dump_eorr |= enhanced;
	if (session_walk(peer))  /* its table is on its way anyway */
		return;
	walk_start(rde, peer, true);
}

/* budget entries of peer's walk; true when the table is out. */
static bool table_turn(struct rde *rde, struct rde_peer *peer, uint32_t budget)
{
	struct dump_state d = { .rde = rde, .peer = peer };
	for (uint32_t n = 0; n < budget && peer->dump_cursor < rde->rib.used; n++) {
		struct rib_entry *re = rib_entry_at(&rde->rib, peer->dump_cursor++);
		if (re)
			dump_entry(re, &d);
	}
	if (d.ops.n)
		dump_flush(&d);
	free(d.ops.v);
	/* a refresh re-sends what the member holds: its count stands */
	if (!peer->dump_refresh)
		peer->count.exported += d.exported;
	if (peer->dump_cursor < rde->rib.used)
		return false;
	if (!peer->dump_refresh || !peer->dump_eorr)
		send_marker(rde, peer, -1);
	if (peer->dump_eorr)
		send_marker(rde, peer, RR_END);
	peer->dump_eorr = false;
	return true;
}

/* Its table is in: End-of-RIB, or for a member without graceful restart
 * (which may never send one) a quiet while.  (RFC 4724 §4.1 does not wait
 * for those at all, but routes arriving after our End-of-RIB are routes
 * the helpers dropped meanwhile.) */
static bool member_ready(const struct rde_peer *p, uint64_t now)
{
	return p->up && (p->eor_in || (!p->gr_capable && now >= p->last_update_ms + DEFERRAL_QUIET_MS));
}

/* Is the selection deferral over?  Logged once when it ends. */
static bool deferral_over(struct rde *rde)
{
	uint32_t ready = 0, members = 0;
	uint64_t now = now_ms();
	for (uint32_t i = 0; i < rde->npeers; i++)
		if (rde->peers[i]) {
			members++;
			ready += member_ready(rde->peers[i], now);
		}
	if ((members == 0 || ready < members) && now < rde->defer_until)
		return false;         /* (none yet: their IPC_PEER_ADDs are on the way) */
	log_info("graceful restart: %u of %u members ready (End-of-RIB%s): sending the tables", ready, members,
	    ready < members ? "; the deferral time is over" : "");
	rde->defer_until = 0;
	return true;
}

bool export_tables_run(struct rde *rde)
{
	if (rde->defer_until && !deferral_over(rde))
		return false;
	uint32_t budget = rde->table_scan_budget ? rde->table_scan_budget : TABLE_SCAN_BUDGET;
	for (size_t tries = rde->ndumping; tries && budget && rde->ndumping; tries--) {
		size_t k = rde->dump_next < rde->ndumping ? rde->dump_next : 0;
		struct rde_peer *p = rde->peers[rde->dumping[k]];
		if (p && p->up && p->output_paused) {       /* its walk waits for its queue */
			rde->dump_next = k + 1;
			continue;
		}
		uint32_t share = budget < WALK_SHARE ? budget : WALK_SHARE;
		bool done = !p || !p->up || !p->dumping || table_turn(rde, p, share);  /* gone, or down */
		budget -= share;
		if (done) {          /* the last walk moves to k: it goes next */
			if (p)
				p->dumping = false;
			rde->dumping[k] = rde->dumping[--rde->ndumping];
			rde->dump_next = k;
		} else {
			rde->dump_next = k + 1;
		}
	}
	return rde->ndumping > 0;
}

/* --- output flow control ------------------------------------------------ */

/* ops always point at RIB entries' prefixes (batch changes, walks). */
static struct rib_entry *entry_of(const struct prefix *p)
{
	return (struct rib_entry *)((char *)(uintptr_t)p - offsetof(struct rib_entry, prefix));
}

static void note_unsent(struct rde_peer *p, const struct op_vec *ops)
{
	for (size_t i = 0; i < ops->n; i++) {
		struct rib_entry *re = entry_of(ops->v[i].prefix);
		uint32_t word = re->idx / 64;
		uint64_t bit = 1ull << (re->idx % 64);
		if (word >= p->unsent_words) {
			uint32_t n = word + 1 > 2 * p->unsent_words ? word + 1 : 2 * p->unsent_words;
			p->unsent = xrealloc(p->unsent, n * sizeof(*p->unsent));
			memset(p->unsent + p->unsent_words, 0, (n - p->unsent_words) * sizeof(*p->unsent));
			p->unsent_words = n;
		}
		if (!(p->unsent[word] & bit)) {
			p->unsent[word] |= bit;
			re->owed++;
		}
	}
}

/* The entry at slab index idx is no longer owed to one member: it goes if
 * that was all that kept it. */
static void settle(struct rde *rde, uint32_t idx)
{
	struct rib_entry *re = rib_entry_at(&rde->rib, idx);
	if (re && re->owed) {
		re->owed--;
		rib_gc_entry(&rde->rib, re);
	}
}

void export_output_reset(struct rde *rde, struct rde_peer *p)
{
	for (uint32_t w = 0; w < p->unsent_words; w++)
		for (uint64_t bits = p->unsent[w]; bits; bits &= bits - 1)
			settle(rde, w * 64 + (uint32_t)__builtin_ctzll(bits));
	free(p->unsent);
	p->unsent = NULL;
	p->unsent_words = p->replay_word = 0;
	p->output_paused = false;
}

void export_output(struct rde_peer *p, bool paused)
{
	if (p->addpath)
		return;      /* per-path state is not noted: left to the stall limit (session_tick) */
	p->output_paused = paused;
	p->replay_word = 0;          /* bits below the old cursor may have been set since */
	log_debug("neighbor %s: output %s", rde_peer_name(p), paused ? "paused (queue above the high-water mark)" :
	    "resumed");
}

/* Sends the replayed ops, then lets go of their entries. */
static void replay_flush(struct rde *rde, struct rde_peer *p, struct op_vec *ops)
{
	size_t n = ops->n;
	send_ops_to_peer(rde, p, ops);
	for (size_t i = 0; i < n; i++)
		settle(rde, entry_of(ops->v[i].prefix)->idx);
}

/* budget noted entries of p: their state now (a withdrawal if they have no
 * path for it); true when nothing is owed any more. */
static bool replay_turn(struct rde *rde, struct rde_peer *p, uint32_t budget)
{
	struct op_vec ops = { 0 };
	while (budget && p->replay_word < p->unsent_words) {
		uint64_t *w = &p->unsent[p->replay_word];
		if (!*w) {
			p->replay_word++;
			continue;
		}
		uint32_t idx = p->replay_word * 64 + (uint32_t)__builtin_ctzll(*w);
		*w &= *w - 1;
		budget--;
		struct rib_entry *re = rib_entry_at(&rde->rib, idx);   /* kept for us: never NULL */
		const struct path *best = rib_best(re->paths, re->npaths, &p->dp, rde_decision_peer, rde);
		op_push(&ops, &re->prefix, sent_attrs(best, p), 0);
		if (ops.n >= DUMP_CHUNK)
			replay_flush(rde, p, &ops);
	}
	replay_flush(rde, p, &ops);
	free(ops.v);
	return p->replay_word >= p->unsent_words;
}

bool export_replay_run(struct rde *rde)
{
	bool more = false;
	for (uint32_t i = 0; i < rde->npeers; i++) {
		struct rde_peer *p = rde->peers[i];
		if (!p || !p->up || p->output_paused || !p->unsent)
			continue;
		if (replay_turn(rde, p, TABLE_SCAN_BUDGET)) {
			free(p->unsent);
			p->unsent = NULL;
			p->unsent_words = p->replay_word = 0;
		} else {
			more = true;
		}
	}
	return more;
}
