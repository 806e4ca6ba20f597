/* SPDX-License-Identifier: ISC */
#include "export_ctl.h"

#include <stdlib.h>
#include <string.h>

#include "community.h"
#include "log.h"
#include "policy_int.h"
#include "xalloc.h"

struct ctl_scan {
	bool none;
	struct asn_set deny, allow;
	struct peer_action *acts;
	uint16_t nact, capact;
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

static struct export_ctl *make_ctl(struct ctl_scan *s)
{
	const struct asn_set *l = s->none ? &s->allow : &s->deny;
	if (!s->none && !s->deny.n && !s->nact)
		return NULL;
	size_t n = l->n > UINT16_MAX ? UINT16_MAX : l->n;
	struct export_ctl *c = xcalloc(1, sizeof(*c) + n * sizeof(uint32_t));
	c->only_listed = s->none;
	c->n = (uint16_t)n;
	if (n)
		memcpy(c->asns, l->v, n * sizeof(uint32_t));
	if (s->nact) {
		merge_actions(s);
		c->acts = s->acts;
		c->nact = s->nact;
		s->acts = NULL;
	}
	return c;
}

/* Decodes the action communities of the received set a. */
struct export_ctl *derive_ctl(const struct policy_global *g, const struct attr_set *a)
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
	struct ctl_scan s = { 0 };
	if (!has_communities(a))
		return NULL;
	s.none = carries(&g->comm[CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY], a);
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		scan_def(&s, &g->comm[defs[i].id], a, defs[i].kind, defs[i].n);
	struct export_ctl *c = make_ctl(&s);
	asn_set_free(&s.deny);
	asn_set_free(&s.allow);
	free(s.acts);
	return c;
}

void policy_export_ctl(const struct policy_global *g, struct attr_set *a)
{
	attr_set_ctl(a, derive_ctl(g, a));
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

struct attr_set *policy_variant(struct attr_set *a, uint32_t asn)
{
	struct peer_action *act = (struct peer_action *)export_ctl_action(a->ctl, asn);
	if (!act)
		return a;
	if (act->variant)
		return act->variant;
	struct comm_value add[2];
	size_t nadd = 0;
	if (act->no_export)
		add[nadd++] = comm_std(COMM_NO_EXPORT);
	if (act->no_advertise)
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
		    a->info.neighbor_as, asn, act->prepend, act->no_export ? "yes" : "no",
		    act->no_advertise ? "yes" : "no");
		wbuf_free(&w);
		return a;
	}
	if (act->prepend && attrs_prepend_as(w.data, w.len, info.neighbor_as, act->prepend, &w2) == 0) {
		wbuf_free(&w);
		w = w2;
		info.as_path_len = (uint16_t)(info.as_path_len + act->prepend);
	} else if (act->prepend) {
		log_warn("export control: a route of AS%u sent to AS%u without the prepend "
		    "(%u times) its communities ask for it: its AS_PATH is malformed or would "
		    "exceed 65535 bytes", a->info.neighbor_as, asn, act->prepend);
	}
	act->variant = attr_standalone(&info, w.data, w.len);
	act->variant->local_pref = a->local_pref;
	act->variant->blackhole = a->blackhole;
	act->variant->derived = true;
	wbuf_free(&w);
	return act->variant;
}
