/* SPDX-License-Identifier: ISC */
#include "rde_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "ctl_proto.h"
#include "ctl_reply.h"
#include "policy.h"
#include "rde.h"
#include "xalloc.h"

#define SHOW_ROUTES_MAX 10000   /* prefixes per reply unless one is asked for */

/* Why a path is not exported to a member: the codes of "not_exported_code"
 * (docs/control-protocol.md; the looking glass shows them as
 * rs_as:65521:<code>) */
enum {
	NOEXPORT_ACTION = 1,         /* a "do not announce to" action community names it */
	NOEXPORT_NOT_LISTED = 2,     /* "announce only to" action communities name others */
	NOEXPORT_BLACKHOLE = 3,      /* a blackhole route; it does not take them */
	NOEXPORT_RTT = 4,            /* an RTT-based "do not announce" community */
	NOEXPORT_WELL_KNOWN = 5,     /* NO_EXPORT / NO_ADVERTISE under the rfc1997 policy */
	NOEXPORT_SITE = 6,           /* a site community: "not to site", "only to my site" */
};

json_t *json_as_path(const uint8_t *attrs, size_t len)
{
	struct rbuf v;
	char buf[8192];
	size_t o = 0;
	buf[0] = '\0';
	if (attr_find(attrs, len, ATTR_AS_PATH, &v) < 0)
		return json_string("");
	for (size_t s = 0; s + 2 <= v.len && o < sizeof(buf) - 32; s += 2 + (size_t)v.p[s + 1] * 4) {
		bool set = v.p[s] == AS_SET;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", o ? " " : "", set ? "{" : "");
		for (unsigned i = 0; i < v.p[s + 1] && o < sizeof(buf) - 16; i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u", i ? (set ? "," : " ") : "",
			    get_u32(v.p + s + 2 + i * 4));
		if (set)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "}");
	}
	return json_string(buf);
}

static void ext_community_str(const uint8_t *c, char *buf, size_t len)
{
	uint8_t type = c[0] & 0xbf, sub = c[1];    /* ignore the non-transitive bit */
	const char *kind = sub == 2 ? "rt" : sub == 3 ? "ro" : NULL;
	if (kind && type == 0x00)
		snprintf(buf, len, "%s:%u:%u", kind, get_u16(c + 2), get_u32(c + 4));
	else if (kind && type == 0x02)
		snprintf(buf, len, "%s:%u:%u", kind, get_u32(c + 2), get_u16(c + 6));
	else if (kind && type == 0x01)
		snprintf(buf, len, "%s:%u.%u.%u.%u:%u", kind, c[2], c[3], c[4], c[5], get_u16(c + 6));
	else
		snprintf(buf, len, "0x%02x%02x%02x%02x%02x%02x%02x%02x", c[0], c[1], c[2], c[3], c[4],
		    c[5], c[6], c[7]);
}

json_t *json_communities(const uint8_t *attrs, size_t len, uint8_t type)
{
	json_t *a = json_array();
	struct rbuf v;
	char buf[64];
	if (attr_find(attrs, len, type, &v) < 0)
		return a;
	size_t unit = type == ATTR_COMMUNITIES ? 4 : type == ATTR_EXT_COMMUNITIES ? 8 : 12;
	for (size_t o = 0; o + unit <= v.len; o += unit) {
		const uint8_t *c = v.p + o;
		if (type == ATTR_COMMUNITIES)
			snprintf(buf, sizeof(buf), "%u:%u", get_u16(c), get_u16(c + 2));
		else if (type == ATTR_LARGE_COMMUNITIES)
			snprintf(buf, sizeof(buf), "%u:%u:%u", get_u32(c), get_u32(c + 4), get_u32(c + 8));
		else
			ext_community_str(c, buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

/* Adds the communities of the attributes that mean something to the
 * route server, with their meaning, to o. */
static void add_meanings(json_t *o, const struct rde *rde, const uint8_t *data, size_t len)
{
	struct attr_iter it;
	struct rbuf v;
	uint8_t type, flags;
	attr_iter_init(&it, data, len);
	while (attr_iter_next(&it, &flags, &type, &v) == 1) {
		enum comm_kind kind = type == ATTR_COMMUNITIES ? COMM_STD :
		    type == ATTR_EXT_COMMUNITIES ? COMM_EXT : type == ATTR_LARGE_COMMUNITIES ? COMM_LRG : COMM_KINDS;
		if (kind == COMM_KINDS)
			continue;
		size_t unit = comm_len(kind);
		for (size_t off = 0; off + unit <= v.len; off += unit) {
			struct comm_value cv = { .kind = (uint8_t)kind };
			memcpy(cv.b, v.p + off, unit);
			char text[160], name[64];
			const char *m = policy_community_meaning(rde->g, &cv, text, sizeof(text));
			if (m && comm_value_str(&cv, name, sizeof(name)) > 0)
				json_object_set_new(o, name, json_string(m));
		}
	}
}

/* The communities the member sent and those the route server added (the
 * action communities are scrubbed on the way in, but the looking glass
 * explains them), each with what it means to the route server. */
static json_t *json_community_meanings(const struct rde *rde, const struct attr_set *a)
{
	json_t *o = json_object();
	if (a->origin)
		add_meanings(o, rde, a->origin->data, a->origin->len);
	add_meanings(o, rde, a->data, a->len);
	return o;
}

static json_t *json_asns(const uint32_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

/* The RTT-based part of export control (NULL when there is none): the
 * thresholds, in ms, beyond which receivers may not / may have it. */
static json_t *json_export_rtt(const struct export_ctl *ctl)
{
	json_t *o = json_object(), *prepends = json_array();
	if (ctl->deny_rtt_above != UINT32_MAX)
		json_object_set_new(o, "not_to_above_ms", json_integer(ctl->deny_rtt_above));
	if (ctl->deny_rtt_upto)
		json_object_set_new(o, "not_to_upto_ms", json_integer(ctl->deny_rtt_upto));
	if (ctl->allow_rtt_above != UINT32_MAX)
		json_object_set_new(o, "to_above_ms", json_integer(ctl->allow_rtt_above));
	if (ctl->allow_rtt_upto)
		json_object_set_new(o, "to_upto_ms", json_integer(ctl->allow_rtt_upto));
	for (unsigned i = 0; i < ctl->n_rtt_prepend; i++) {
		const struct rtt_prepend *r = &ctl->rtt_prepend[i];
		json_array_append_new(prepends, json_pack("{s:s, s:I, s:i}", r->above ? "above_ms" : "upto_ms",
		    (json_int_t)r->threshold, "prepend", r->times));
	}
	if (json_array_size(prepends))
		json_object_set_new(o, "prepends", prepends);
	else
		json_decref(prepends);
	if (json_object_size(o))
		return o;
	json_decref(o);
	return NULL;
}

/* Who may not have the path, or gets it changed: its action communities
 * decoded (NULL when there are none). */
static json_t *json_export_control(const struct attr_set *a)
{
	const struct export_ctl *ctl = a->ctl;
	if (!ctl)
		return NULL;
	json_t *o = json_object(), *acts = json_array();
	json_object_set_new(o, "not_to", json_asns(ctl->asns, ctl->n_deny));
	json_object_set_new(o, "to", json_asns(ctl->asns + ctl->n_deny, ctl->n_allow));
	json_object_set_new(o, "not_to_any", json_boolean(ctl->none));
	json_object_set_new(o, "well_known", json_boolean(ctl->well_known));
	json_t *rtt = json_export_rtt(ctl);
	if (rtt)
		json_object_set_new(o, "rtt", rtt);
	if (ctl->n_deny_sites || ctl->own_site || ctl->n_site_prepend) {
		json_t *sites = json_object(), *prepends = json_array();
		json_object_set_new(sites, "not_to", json_asns(ctl->deny_sites, ctl->n_deny_sites));
		json_object_set_new(sites, "only_to", ctl->own_site ? json_integer(ctl->own_site) : json_null());
		for (unsigned i = 0; i < ctl->n_site_prepend; i++)
			json_array_append_new(prepends, json_pack("{s:I, s:i}", "site",
			    (json_int_t)ctl->site_prepend[i].site, "prepend", ctl->site_prepend[i].times));
		json_object_set_new(sites, "prepends", prepends);
		json_object_set_new(o, "sites", sites);
	}
	for (uint16_t i = 0; i < ctl->nact; i++) {
		const struct peer_action *pa = &ctl->acts[i];
		json_array_append_new(acts, json_pack("{s:I, s:i, s:b, s:b}", "asn", (json_int_t)pa->asn,
		    "prepend", pa->prepend, "no_export", pa->no_export, "no_advertise", pa->no_advertise));
	}
	json_object_set_new(o, "actions", acts);
	return o;
}

/* Why an accepted path from another member is not exported to receiver
 * r, with its code (the looking glass's `rs_as:65521:<code>`), or NULL
 * when r may have it. */
static const char *not_exported_reason(const struct path *p, const struct rde_peer *r, unsigned *code)
{
	const struct attr_set *a = p->attrs;
	if (a->blackhole && r->dp.no_blackhole) {
		*code = NOEXPORT_BLACKHOLE;
		return "blackhole route: this member does not take blackhole routes";
	}
	switch (a->ctl ? export_ctl_verdict(a->ctl, &r->dp.rx) : EXPORT_ALLOWED) {
	case EXPORT_ALLOWED:
		return NULL;
	case EXPORT_DENIED_AS:
		*code = NOEXPORT_ACTION;
		return "do not announce to this member (action community)";
	case EXPORT_DENIED_RTT:
		*code = NOEXPORT_RTT;
		return "do not announce to members with this member's RTT (action community)";
	case EXPORT_DENIED_SITE:
		*code = NOEXPORT_SITE;
		return "not announced to members at this member's site (site community)";
	case EXPORT_WELL_KNOWN:
		*code = NOEXPORT_WELL_KNOWN;
		return "NO_EXPORT or NO_ADVERTISE (RFC 1997): announced to nobody";
	case EXPORT_NOT_LISTED:
		break;
	}
	*code = NOEXPORT_NOT_LISTED;
	return "announced only to other members (action community)";
}

static json_t *json_path(struct rde *rde, const struct path *p, bool best, uint32_t now)
{
	const struct rde_peer *peer = rde->peers[p->peer];
	const struct attr_set *a = p->attrs;
	char buf[INET6_ADDRSTRLEN];
	static const char *const origins[] = { "IGP", "EGP", "incomplete" };
	json_t *o = json_object();
	json_object_set_new(o, "neighbor", json_string(ip_addr_str(&peer->addr, buf, sizeof(buf))));
	json_object_set_new(o, "asn", json_integer(peer->asn));
	json_object_set_new(o, "best", json_boolean(best));
	json_object_set_new(o, "rejected", json_boolean(p->reject != 0));
	json_object_set_new(o, "reject_reason", p->reject ? json_string(reject_reason_str(p->reject)) : json_null());
	json_object_set_new(o, "reject_code", p->reject ? json_integer(policy_reject_code(p->reject)) : json_null());
	json_object_set_new(o, "rpki", json_string(policy_rov_str(p->rov)));
	if (p->irr & POL_IRR_CHECKED) {
		json_t *irr = json_object();
		json_object_set_new(irr, "origin_in_as_set", json_boolean(p->irr & POL_IRR_ORIGIN_OK));
		json_object_set_new(irr, "prefix_in_as_set", json_boolean(p->irr & POL_IRR_PREFIX_OK));
		json_object_set_new(irr, "white_list", json_boolean(p->irr & POL_IRR_WHITE));
		static const char *const via[] = { NULL, "rpki-roa", "arin-whois", "registrobr-whois" };
		const char *v = via[(p->irr & POL_IRR_VIA_MASK) >> 4];
		json_object_set_new(irr, "prefix_validated_via", v ? json_string(v) : json_null());
		json_object_set_new(o, "irr", irr);
	}
	json_object_set_new(o, "blackhole", json_boolean(p->attrs->blackhole));
	json_object_set_new(o, "stale", json_boolean(p->flags != 0));
	json_object_set_new(o, "origin", json_string(origins[a->info.origin % 3]));
	json_object_set_new(o, "as_path", json_as_path(a->data, a->len));
	json_object_set_new(o, "next_hop", json_string(addr_str(a->info.nh_afi, a->info.nh, buf, sizeof(buf))));
	if (a->info.nh_has_ll)
		json_object_set_new(o, "next_hop_link_local", json_string(addr_str(AFI_IPV6, a->info.nh_ll, buf, sizeof(buf))));
	json_object_set_new(o, "med", a->info.has_med ? json_integer(a->info.med) : json_null());
	json_object_set_new(o, "local_pref", json_integer(a->local_pref));
	json_object_set_new(o, "communities", json_communities(a->data, a->len, ATTR_COMMUNITIES));
	json_object_set_new(o, "ext_communities", json_communities(a->data, a->len, ATTR_EXT_COMMUNITIES));
	json_object_set_new(o, "large_communities", json_communities(a->data, a->len, ATTR_LARGE_COMMUNITIES));
	json_object_set_new(o, "otc", a->info.has_otc ? json_integer(a->info.otc) : json_null());
	json_object_set_new(o, "age", json_integer(now - p->since));
	json_object_set_new(o, "community_meanings", json_community_meanings(rde, a));
	json_t *ctl = json_export_control(a);
	if (ctl)
		json_object_set_new(o, "export_control", ctl);
	return o;
}

struct route_filter {
	bool all, rejected, accepted, restricted;
	bool by_neighbor;
	uint32_t neighbor;
	bool by_prefix;
	struct prefix prefix;
	uint8_t afi;                 /* 0: both */
	const struct rde_peer *not_exported_to;
	uint8_t community_len;
	uint8_t community[12];
	bool by_origin_as;
	uint32_t origin_as;
};

static bool set_carries(const struct attr_set *a, const uint8_t *c, uint8_t len)
{
	struct rbuf v;
	if (attr_find(a->data, a->len, len == 4 ? ATTR_COMMUNITIES : ATTR_LARGE_COMMUNITIES, &v) < 0)
		return false;
	for (size_t o = 0; o + len <= v.len; o += len)
		if (memcmp(v.p + o, c, len) == 0)
			return true;
	return false;
}

/* As the member sent it, or as the route server made it. */
static bool carries_community(const struct attr_set *a, const uint8_t *c, uint8_t len)
{
	return set_carries(a, c, len) || (a->origin && set_carries(a->origin, c, len));
}

/* Does the filter show path p (best: the entry's best path)? */
static bool path_shown(const struct route_filter *f, const struct path *p, const struct path *best)
{
	if (f->by_neighbor && p->peer != f->neighbor)
		return false;
	if ((f->rejected && !p->reject) || (f->accepted && p->reject))
		return false;
	if (f->restricted && !p->attrs->ctl && !p->attrs->blackhole)
		return false;
	if (f->community_len && !carries_community(p->attrs, f->community, f->community_len))
		return false;
	if (f->by_origin_as && p->attrs->info.origin_as != f->origin_as)
		return false;
	if (f->not_exported_to) {
		unsigned code;
		return !p->reject && p->peer != f->not_exported_to->id &&
		    not_exported_reason(p, f->not_exported_to, &code);
	}
	/* without a filter that picks paths, a prefix shows its best path */
	bool picks = f->all || f->rejected || f->accepted || f->by_neighbor || f->restricted ||
	    f->community_len || f->by_origin_as;
	return picks || p == best;
}

static json_t *json_shown_path(struct rde *rde, const struct route_filter *f, const struct path *p,
    bool best, uint32_t now)
{
	json_t *o = json_path(rde, p, best, now);
	unsigned code;
	const char *why = f->not_exported_to ? not_exported_reason(p, f->not_exported_to, &code) : NULL;
	if (why) {
		json_object_set_new(o, "not_exported_reason", json_string(why));
		json_object_set_new(o, "not_exported_code", json_integer(code));
	}
	return o;
}

/* The entry with the paths the filter shows, or NULL if none. */
static json_t *json_entry(struct rde *rde, const struct rib_entry *re, const struct route_filter *f,
    uint32_t now)
{
	if (f->afi && re->prefix.afi != f->afi)
		return NULL;
	const struct path *best = rib_best(re->paths, re->npaths, NULL, rde_decision_peer, rde);
	json_t *paths = json_array();
	for (uint16_t i = 0; i < re->npaths; i++) {
		const struct path *p = &re->paths[i];
		if (path_shown(f, p, best))
			json_array_append_new(paths, json_shown_path(rde, f, p, p == best, now));
	}
	if (json_array_size(paths) == 0) {
		json_decref(paths);
		return NULL;
	}
	char buf[PREFIX_STRLEN];
	json_t *o = json_object();
	json_object_set_new(o, "prefix", json_string(prefix_str(&re->prefix, buf, sizeof(buf))));
	json_object_set_new(o, "paths", paths);
	return o;
}

static int find_neighbor(struct rde *rde, const struct ip_addr *a, uint32_t *id)
{
	for (uint32_t i = 0; i < rde->npeers; i++)
		if (rde->peers[i] && ip_addr_equal(&rde->peers[i]->addr, a)) {
			*id = i;
			return 0;
		}
	return -1;
}

/* A `show routes` listing on its way to a control client.  It walks the
 * RIB in slab order from `cursor` -- an order that holds while the table
 * does not change, and a position that stays valid when it does -- a
 * bounded number of entries per turn, and makes the next piece of the
 * reply only when the client has taken the last one (`credit`).  A listing
 * of a million routes to a client that reads slowly, or not at all, costs
 * one piece of memory and never stops import or export. */
struct route_dump {
	struct route_dump *next;
	uint32_t client;
	struct route_filter f;
	uint32_t cursor;             /* the next RIB entry (slab index) */
	uint32_t limit;              /* prefixes at most; 0: no limit */
	uint32_t shown;
	bool credit;                 /* may make the next piece */
	bool started;                /* the reply's head is out */
	bool lines;                  /* a route per line, then the result's line */
};

#define DUMP_PIECE_BYTES (64 * 1024)   /* a piece ends after this much text */
#define DUMP_SCAN_BUDGET 8192          /* RIB entries looked at per listing per turn */

static int wbuf_sink(const char *buf, size_t len, void *arg)
{
	wbuf_put(arg, buf, len);
	return 0;
}

static void put_text(struct wbuf *w, const char *text)
{
	wbuf_put(w, text, strlen(text));
}

/* Appends the entry if the filter shows any of its paths. */
static void put_entry(struct rde *rde, struct route_dump *d, const struct rib_entry *re, struct wbuf *w,
    uint32_t now)
{
	json_t *e = json_entry(rde, re, &d->f, now);
	if (!e)
		return;
	if (d->shown++ && !d->lines)
		put_text(w, ",");
	json_dump_callback(e, wbuf_sink, w, JSON_COMPACT);
	if (d->lines)
		put_text(w, "\n");
	json_decref(e);
}

/* One piece of the listing: true if it was the last. */
static bool dump_piece(struct rde *rde, struct route_dump *d, struct wbuf *w)
{
	uint32_t now = rde_now_s();
	if (!d->started && !d->lines)
		put_text(w, "{\"ok\":true,\"result\":{\"routes\":[");
	d->started = true;
	if (d->f.by_prefix) {
		struct rib_entry *re = rib_lookup(&rde->rib, &d->f.prefix);
		if (re)
			put_entry(rde, d, re, w, now);
		d->cursor = UINT32_MAX;
	}
	for (unsigned scanned = 0; d->cursor < rde->rib.used && scanned < DUMP_SCAN_BUDGET &&
	    w->len < DUMP_PIECE_BYTES && (!d->limit || d->shown < d->limit); scanned++) {
		const struct rib_entry *re = rib_entry_at(&rde->rib, d->cursor++);
		if (re)
			put_entry(rde, d, re, w, now);
	}
	bool truncated = d->limit && d->shown >= d->limit && d->cursor < rde->rib.used;
	if (!truncated && d->cursor < rde->rib.used)
		return false;
	char tail[128], next[32] = "";
	if (truncated)
		snprintf(next, sizeof(next), ",\"next\":%u", d->cursor);
	snprintf(tail, sizeof(tail), "%s\"truncated\":%s%s}}\n",
	    d->lines ? "{\"ok\":true,\"result\":{" : "],", truncated ? "true" : "false", next);
	put_text(w, tail);
	return true;
}

/* The longest prefix in the RIB covering p, by exact lookups from p's
 * length down: at most 129 hash lookups, no second index to keep. */
static bool longest_match(struct rde *rde, const struct prefix *p, struct prefix *found)
{
	for (int len = p->len; len >= 0; len--) {
		struct prefix q = *p;
		prefix_truncate(&q, (unsigned)len);
		const struct rib_entry *re = rib_lookup(&rde->rib, &q);
		if (re && re->npaths) {      /* (an entry without paths is kept for a paused member) */
			*found = q;
			return true;
		}
	}
	return false;
}

static void show_routes(struct rde *rde, const struct ipc_msg *m, const struct ctl_request *req)
{
	struct route_dump *d = xcalloc(1, sizeof(*d));
	d->client = m->client;
	d->f.all = req->all;
	d->f.rejected = req->rejected;
	d->f.accepted = req->accepted;
	d->f.restricted = req->restricted;
	d->f.by_prefix = req->has_prefix;
	d->f.prefix = req->prefix;
	d->f.afi = req->afi;
	d->f.community_len = req->community_len;
	memcpy(d->f.community, req->community, sizeof(d->f.community));
	d->f.by_origin_as = req->has_origin_as;
	d->f.origin_as = req->origin_as;
	d->lines = req->lines;
	uint32_t id;
	const char *missing = NULL;
	if (req->has_neighbor && find_neighbor(rde, &req->neighbor, &d->f.neighbor) < 0)
		missing = "no such neighbor";
	d->f.by_neighbor = req->has_neighbor;
	if (req->has_not_exported_to && find_neighbor(rde, &req->not_exported_to, &id) < 0)
		missing = "no such neighbor (not_exported_to)";
	if (req->has_not_exported_to && !missing)
		d->f.not_exported_to = rde->peers[id];
	if (missing) {
		free(d);
		control_reply(rde->to_main, m->client, NULL, missing);
		return;
	}
	d->limit = req->has_limit ? req->limit : SHOW_ROUTES_MAX;
	d->cursor = req->after;
	if (req->has_match) {        /* an exact lookup of the longest covering prefix */
		d->f.by_prefix = longest_match(rde, &req->match, &d->f.prefix);
		if (!d->f.by_prefix)
			d->cursor = UINT32_MAX;
	}
	d->credit = true;
	d->next = rde->dumps;
	rde->dumps = d;
}

static struct route_dump **dump_of(struct rde *rde, uint32_t client)
{
	struct route_dump **pp = &rde->dumps;
	while (*pp && (*pp)->client != client)
		pp = &(*pp)->next;
	return pp;
}

static void dump_remove(struct route_dump **pp)
{
	struct route_dump *d = *pp;
	*pp = d->next;
	free(d);
}

bool rde_query_run(struct rde *rde)
{
	bool more = false;
	for (struct route_dump **pp = &rde->dumps; *pp;) {
		struct route_dump *d = *pp;
		if (!d->credit) {
			pp = &d->next;
			continue;
		}
		struct wbuf w = { 0 };
		bool last = dump_piece(rde, d, &w);
		if (w.len) {          /* handed over to the main thread */
			control_reply_bytes(rde->to_main, d->client, (char *)w.data, w.len, last);
			d->credit = false;
		}
		if (last) {
			dump_remove(pp);
			continue;
		}
		more |= d->credit;    /* nothing matched yet in this turn's scan */
		pp = &d->next;
	}
	return more;
}

void rde_query_free(struct rde *rde)
{
	while (rde->dumps)
		dump_remove(&rde->dumps);
}

/* What the import policy's data sources have delivered so far. */
static json_t *policy_data_json(struct rde *rde)
{
	json_t *o = json_object();
	json_object_set_new(o, "vrps", rde->vrps ? json_integer((json_int_t)vrp_table_count(rde->vrps)) : json_null());
	json_object_set_new(o, "aspa_customers",
	    rde->aspas ? json_integer((json_int_t)aspa_table_count(rde->aspas)) : json_null());
	if (rde->rtr) {
		struct rpki_rtr_state st;
		rpki_rtr_state(rde->rtr, &st, NULL, 0);
		json_object_set_new(o, "rtr_connected", json_boolean(st.connected));
	}
	json_object_set_new(o, "irr_as_set_lists", json_integer((json_int_t)rde->nirr));
	json_object_set_new(o, "rpki_updated", json_integer(rde->rpki_updated));
	json_object_set_new(o, "irr_updated", json_integer(rde->irr_updated));
	return o;
}

static void show_status(struct rde *rde, const struct ipc_msg *m)
{
	unsigned up = 0, configured = 0;
	for (uint32_t i = 0; i < rde->npeers; i++)
		if (rde->peers[i]) {
			configured++;
			up += rde->peers[i]->up;
		}
	json_t *res = json_object();
	json_t *n = json_object();
	json_object_set_new(n, "configured", json_integer(configured));
	json_object_set_new(n, "established", json_integer(up));
	json_object_set_new(res, "neighbors", n);
	json_t *r = json_object();
	json_object_set_new(r, "prefixes", json_integer((json_int_t)rde->rib.count));
	json_object_set_new(r, "paths", json_integer((json_int_t)rde->rib.npaths));
	json_object_set_new(r, "rejected", json_integer((json_int_t)rde->rib.nrejected));
	json_t *by = json_object();
	for (uint16_t k = 1; k < RIB_REJECT_KINDS; k++)
		if (rde->rib.rejected_by[k])
			json_object_set_new(by, reject_reason_str(k), json_pack("{s:i, s:I}", "code", policy_reject_code(k),
			    "paths", (json_int_t)rde->rib.rejected_by[k]));
	json_object_set_new(r, "rejected_by_reason", by);
	json_object_set_new(r, "attribute_sets", json_integer((json_int_t)attr_count()));
	json_object_set_new(r, "memory_bytes", json_integer((json_int_t)(rib_memory(&rde->rib) + attr_memory())));
	json_object_set_new(res, "routes", r);
	json_object_set_new(res, "policy_data", policy_data_json(rde));
	control_reply(rde->to_main, m->client, res, NULL);
}

/* `show neighbors` and `show neighbor ADDR`: the RDE's part, the route
 * counts by neighbour address; main joins them with the SE's sessions. */
static void neighbor_route_counts(struct rde *rde, const struct ipc_msg *m, const struct ctl_request *req)
{
	json_t *res = json_object();
	char buf[INET6_ADDRSTRLEN];
	for (uint32_t i = 0; i < rde->npeers; i++) {
		const struct rde_peer *p = rde->peers[i];
		if (!p || (req->command == CTL_CMD_SHOW_NEIGHBOR && !ip_addr_equal(&p->addr, &req->address)))
			continue;
		json_t *r = json_object();
		json_object_set_new(r, "received", json_integer(p->count.received));
		json_object_set_new(r, "accepted", json_integer(p->count.received - p->count.rejected));
		json_object_set_new(r, "rejected", json_integer(p->count.rejected));
		json_object_set_new(r, "exported", json_integer(p->up ? p->count.exported : 0));
		uint32_t limit = p->fam == FAM_IPV6 ? p->pol.max_prefix_v6 : p->pol.max_prefix_v4;
		json_object_set_new(r, "max_prefix", limit ? json_integer(limit) : json_null());
		json_object_set_new(r, "max_prefix_hit", json_boolean(p->max_prefix_hit));
		json_object_set_new(r, "treat_as_withdraw", json_integer((json_int_t)p->count.treat_as_withdraw));
		json_object_set_new(r, "attribute_discard", json_integer((json_int_t)p->count.attribute_discard));
		json_object_set_new(r, "site", p->pol.site ? json_integer(p->pol.site) : json_null());
		json_object_set_new(res, ip_addr_str(&p->addr, buf, sizeof(buf)), r);
	}
	control_reply_part(rde->to_main, m->client, CTL_PART_ROUTE_COUNTS, res);
}

void rde_query(struct rde *rde, const struct ipc_msg *m)
{
	if (m->type == IPC_CONTROL_CREDIT || m->type == IPC_CONTROL_CANCEL) {
		struct route_dump **pp = dump_of(rde, m->client);
		if (*pp && m->type == IPC_CONTROL_CREDIT)
			(*pp)->credit = true;
		else if (*pp)
			dump_remove(pp);
		return;
	}
	const struct ctl_request *req = (const struct ctl_request *)m->body;
	if (req->command == CTL_CMD_SHOW_ROUTES)
		show_routes(rde, m, req);
	else if (req->command == CTL_CMD_SHOW_STATUS)
		show_status(rde, m);
	else if (req->command == CTL_CMD_SHOW_NEIGHBORS || req->command == CTL_CMD_SHOW_NEIGHBOR)
		neighbor_route_counts(rde, m, req);
	else
		control_reply(rde->to_main, m->client, NULL, "not a route query");
}
