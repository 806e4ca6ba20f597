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
	return o;
}

struct route_filter {
	bool all, rejected;
	bool by_neighbor;
	uint32_t neighbor;
	bool by_prefix;
	struct prefix prefix;
};

/* Which paths of an entry to show: best only (default), all, or rejected;
 * restricted to one neighbour's Adj-RIB-In if asked. */
static json_t *json_entry(struct rde *rde, const struct rib_entry *re, const struct route_filter *f,
    uint32_t now)
{
	const struct path *best = rib_best(re->paths, re->npaths, NULL, rde_decision_peer, rde);
	json_t *paths = json_array();
	for (uint16_t i = 0; i < re->npaths; i++) {
		const struct path *p = &re->paths[i];
		if (f->by_neighbor && p->peer != f->neighbor)
			continue;
		if (f->rejected ? !p->reject : (!f->all && !f->by_neighbor && p != best))
			continue;
		json_array_append_new(paths, json_path(rde, p, p == best, now));
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
	if (d->shown++)
		put_text(w, ",");
	json_dump_callback(e, wbuf_sink, w, JSON_COMPACT);
	json_decref(e);
}

/* One piece of the listing: true if it was the last. */
static bool dump_piece(struct rde *rde, struct route_dump *d, struct wbuf *w)
{
	uint32_t now = rde_now_s();
	if (!d->started) {
		put_text(w, "{\"ok\":true,\"result\":{\"routes\":[");
		d->started = true;
	}
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
	char tail[96];
	if (truncated)
		snprintf(tail, sizeof(tail), "],\"truncated\":true,\"next\":%u}}\n", d->cursor);
	else
		snprintf(tail, sizeof(tail), "],\"truncated\":false}}\n");
	put_text(w, tail);
	return true;
}

static void show_routes(struct rde *rde, const struct ipc_msg *m, const struct ctl_request *req)
{
	struct route_dump *d = xcalloc(1, sizeof(*d));
	d->client = m->client;
	d->f.all = req->all;
	d->f.rejected = req->rejected;
	d->f.by_prefix = req->has_prefix;
	d->f.prefix = req->prefix;
	if (req->has_neighbor) {
		if (find_neighbor(rde, &req->neighbor, &d->f.neighbor) < 0) {
			free(d);
			control_reply(rde->to_main, m->client, NULL, "no such neighbor");
			return;
		}
		d->f.by_neighbor = true;
	}
	d->limit = req->has_limit ? req->limit : SHOW_ROUTES_MAX;
	d->cursor = req->after;
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
