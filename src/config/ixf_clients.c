/* SPDX-License-Identifier: ISC */
/* ixf_clients: the route server's clients derived from an IX-F member
 * export as arouteserver's clients-from-euroix derives them, and written
 * as a clients.yml document (or the exchanges listed, as that command
 * lists them without an IXP id); ixf.h is the contract. */
#include "ixf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "log.h"
#include "xalloc.h"

/* --- small helpers ------------------------------------------------------------ */

struct warner {
	const char *name;
	ixf_warn_fn warn;
	void *arg;
	size_t count;
};

static void cl_warn(struct warner *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cl_warn(struct warner *w, const char *fmt, ...)
{
	char what[512], msg[640];
	va_list ap;

	if (++w->count > IXF_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s: %s", w->name, what);
	if (w->warn)
		w->warn(w->arg, msg);
	else
		log_warn("%s", msg);
}

static void cl_warn_end(struct warner *w)
{
	char msg[320];

	if (w->count <= IXF_MAX_WARNINGS)
		return;
	snprintf(msg, sizeof(msg), "%s: %zu more warnings not shown", w->name,
	    w->count - IXF_MAX_WARNINGS);
	if (w->warn)
		w->warn(w->arg, msg);
	else
		log_warn("%s", msg);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void strs_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char **strs_copy(char *const *v, size_t n)
{
	char **c = n ? xreallocarray(NULL, n, sizeof(*c)) : NULL;
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

static int strs_cmp(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (a == b && na == nb)      /* the same port's list */
		return 0;
	for (size_t i = 0; i < na && i < nb; i++) {
		int c = strcmp(a[i], b[i]);
		if (c)
			return c;
	}
	return na < nb ? -1 : na > nb;
}

static bool strs_equal(char *const *a, size_t na, char *const *b, size_t nb)
{
	return strs_cmp(a, na, b, nb) == 0;
}

static int cmp_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return a < b ? -1 : a > b;
}

/* UTF-8 text as Python's s.encode("ascii", "replace") gives it: each
 * character outside ASCII one '?'. */
static char *ascii_replace(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			*o++ = (char)*p;
		else if (*p >= 0xc0)         /* a lead byte; continuation bytes go */
			*o++ = '?';
	}
	*o = '\0';
	return out;
}

/* The member's name as arouteserver's description: ASCII, with the blanks
 * bytes.strip() removes gone from both ends; NULL if nothing is left. */
static char *description(const char *name)
{
	static const char blanks[] = " \t\n\r\v\f";
	if (name == NULL)
		return NULL;
	char *d = ascii_replace(name);
	size_t start = strspn(d, blanks), end = strlen(d);
	while (end > start && strchr(blanks, d[end - 1]) != NULL)
		end--;
	memmove(d, d + start, end - start);
	d[end - start] = '\0';
	if (*d == '\0') {
		free(d);
		return NULL;
	}
	return d;
}

/* --- communities ------------------------------------------------------------------ */

static const struct { const char *name; unsigned bit; } comm_kinds[] = {
	{ "switch_id", IXF_COMM_SWITCH_ID }, { "switch_name", IXF_COMM_SWITCH_NAME },
	{ "colocation", IXF_COMM_COLOCATION }, { "city", IXF_COMM_CITY },
	{ "country", IXF_COMM_COUNTRY }, { "member_type", IXF_COMM_MEMBER_TYPE },
};

unsigned ixf_community_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(comm_kinds) / sizeof(comm_kinds[0]); i++)
		if (strcmp(name, comm_kinds[i].name) == 0)
			return comm_kinds[i].bit;
	return 0;
}

/* "PREFIX_value" (see ixf.h for how the value is normalised). */
static char *comm_name(const char *prefix, const char *value)
{
	char *v = ascii_replace(value);
	size_t plen = strlen(prefix);
	char *name = xmalloc(plen + 1 + strlen(v) + 1), *o = name + plen + 1;

	memcpy(name, prefix, plen);
	name[plen] = '_';
	for (const char *p = v; *p; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		if (strchr("\\/[ ]+-", c) != NULL)
			*o++ = '_';
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
			*o++ = c;
	}
	*o = '\0';
	free(v);
	return name;
}

/* --- derivation state ----------------------------------------------------------------- */

/* An address that may become a session. */
struct cand {
	const struct ixf_member *m;
	const struct ixf_vlan_entry *v;
	const struct ixf_ip *ip;
	size_t member;               /* index of m in x->members */
	size_t port;                 /* index in cs->ports */
	uint32_t limit;              /* for its family; 0: none */
	bool dropped;
};

struct derive {
	const struct ixf_export *x;
	const struct ixf_ixp *ixp;
	const struct ixf_client_opts *o;
	struct warner w;
	struct ixf_clients *cs;      /* its ports, descriptions and names are made as we go */
	const struct ixf_switch **by_id;     /* cs->switches by id */
	char *(*sw_names)[5];        /* per cs->switches entry: its communities
	                              * (canonical names, NULL: none) */
	char *type_names[5];         /* member_type_<type>, per member_types[] */
	size_t cap_ports;
	size_t *comm_id;             /* per port: equal community lists, equal ids */
	struct cand *cands;
	size_t n, cap;
};

static const char *cand_descr(const struct derive *d, const struct cand *c)
{
	return d->cs->descriptions[c->member];
}

static int cmp_switch_ptr(const void *a, const void *b)
{
	const struct ixf_switch *x = *(const struct ixf_switch *const *)a;
	const struct ixf_switch *y = *(const struct ixf_switch *const *)b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct ixf_switch *switch_by_id(const struct derive *d, uint32_t id)
{
	struct ixf_switch key = { .id = id };
	const struct ixf_switch *k = &key, *const *found;

	if (d->cs->n_switches == 0)
		return NULL;
	found = bsearch(&k, d->by_id, d->cs->n_switches, sizeof(*d->by_id), cmp_switch_ptr);
	return found ? *found : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The one copy of a name in cs->names. */
static char *canonical(const struct derive *d, const char *name)
{
	char *const *found = bsearch(&name, d->cs->names, d->cs->n_names, sizeof(char *), cmp_str);
	return found ? *found : NULL;
}

/* A guessed community's name, or NULL (with a warning at where) if it is
 * too long to be one. */
static char *guessed_name(struct derive *d, const char *prefix, const char *value,
    const char *where)
{
	char *name = comm_name(prefix, value);
	if (strlen(name) <= IXF_MAX_COMMUNITY_NAME)
		return name;
	cl_warn(&d->w, "%s: community %s_... longer than %d bytes: not attached", where, prefix,
	    IXF_MAX_COMMUNITY_NAME);
	free(name);
	return NULL;
}

/* The member types of the schemas (0.4 to 1.0). */
static const char *const member_types[] = { "peering", "ixp", "routeserver", "probono", "other" };

static int member_type_index(const char *t)
{
	for (size_t i = 0; i < sizeof(member_types) / sizeof(member_types[0]); i++)
		if (strcmp(t, member_types[i]) == 0)
			return (int)i;
	return -1;
}

/* The exchange's switches copied into cs, and every community name that
 * can be guessed made once: a connection's list then only points to them,
 * however many connections name a switch. */
static void make_names(struct derive *d)
{
	struct ixf_clients *cs = d->cs;
	const struct ixf_ixp *ixp = d->ixp;
	size_t n_sw = ixp->n_switches, n = 0;
	char **all = xreallocarray(NULL, 5 * n_sw + 6, sizeof(*all)), where[64], num[16];

	cs->switches = n_sw ? xreallocarray(NULL, n_sw, sizeof(*cs->switches)) : NULL;
	d->by_id = xreallocarray(NULL, n_sw + 1, sizeof(*d->by_id));
	d->sw_names = xcalloc(n_sw + 1, sizeof(*d->sw_names));
	for (size_t i = 0; i < n_sw; i++) {
		const struct ixf_switch *sw = &ixp->switches[i];
		cs->switches[i] = (struct ixf_switch){
			.id = sw->id, .name = dup_or_null(sw->name), .colo = dup_or_null(sw->colo),
			.city = dup_or_null(sw->city), .country = dup_or_null(sw->country),
			.pdb_facility_id = sw->pdb_facility_id,
		};
		d->by_id[i] = &cs->switches[i];
		if (sw->id == 0)             /* arouteserver ignores a switch 0 */
			continue;
		snprintf(num, sizeof(num), "%u", sw->id);
		snprintf(where, sizeof(where), "ixp_list[%zu].switch[%zu]",
		    (size_t)(ixp - d->x->ixps), i);
		const char *vals[] = { num, sw->name, sw->colo, sw->city, sw->country };
		for (size_t a = 0; a < 5; a++) {
			if (!(d->o->communities & comm_kinds[a].bit) || vals[a] == NULL)
				continue;
			d->sw_names[i][a] = guessed_name(d, comm_kinds[a].name, vals[a], where);
			if (d->sw_names[i][a] != NULL)
				all[n++] = d->sw_names[i][a];
		}
	}
	cs->n_switches = n_sw;
	qsort(d->by_id, n_sw, sizeof(*d->by_id), cmp_switch_ptr);
	for (size_t t = 0; (d->o->communities & IXF_COMM_MEMBER_TYPE) && t < 5; t++)
		all[n++] = d->type_names[t] = comm_name("member_type", member_types[t]);

	/* The first of each text is kept; the others are replaced by it. */
	char **sorted = xreallocarray(NULL, n + 1, sizeof(*sorted));
	memcpy(sorted, all, n * sizeof(*all));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(sorted[i], sorted[k - 1]) != 0)
			sorted[k++] = sorted[i];
	cs->names = sorted;
	cs->n_names = k;
	for (size_t i = 0; i < n_sw; i++)
		for (size_t a = 0; a < 5; a++)
			if (d->sw_names[i][a] != NULL) {
				char *c = canonical(d, d->sw_names[i][a]);
				if (c != d->sw_names[i][a])
					free(d->sw_names[i][a]);
				d->sw_names[i][a] = c;
			}
	for (size_t t = 0; (d->o->communities & IXF_COMM_MEMBER_TYPE) && t < 5; t++) {
		char *c = canonical(d, d->type_names[t]);
		if (c != d->type_names[t])
			free(d->type_names[t]);
		d->type_names[t] = c;
	}
	free(all);
}

/* An if_list entry's position and switch id, to take each switch once. */
struct iface_at { uint32_t id; size_t at; };

static int cmp_iface_at(const void *pa, const void *pb)
{
	const struct iface_at *a = pa, *b = pb;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

static int cmp_iface_pos(const void *pa, const void *pb)
{
	const struct iface_at *a = pa, *b = pb;
	return a->at < b->at ? -1 : a->at > b->at;
}

static int cmp_ptr_at(const void *pa, const void *pb, void *v)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	char *const *p = v;
	if (p[a] != p[b])
		return (uintptr_t)p[a] < (uintptr_t)p[b] ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Later copies of the same (canonical) name removed, order kept. */
static void names_unique(char **v, size_t *n)
{
	size_t *idx, k = 0;

	if (*n < 2)
		return;
	idx = xreallocarray(NULL, *n, sizeof(*idx));
	for (size_t i = 0; i < *n; i++)
		idx[i] = i;
	qsort_r(idx, *n, sizeof(*idx), cmp_ptr_at, v);
	for (size_t i = 0; i < *n; i++)
		if (k == 0 || v[idx[i]] != v[idx[k - 1]])
			idx[k++] = idx[i];
	qsort(idx, k, sizeof(*idx), cmp_size);
	for (size_t i = 0; i < k; i++)
		v[i] = v[idx[i]];
	*n = k;
	free(idx);
}

/* The port's switches and communities: member_type, then each switch's
 * (arouteserver goes through the if_list; a switch named again adds the
 * same communities, which it then drops as duplicates). */
static void port_switches(struct derive *d, const struct ixf_member *m,
    const struct ixf_connection *c, struct ixf_port *p)
{
	struct iface_at *ids = xreallocarray(NULL, c->n_ifaces + 1, sizeof(*ids));
	size_t n = 0, k = 0;
	int t = m->member_type ? member_type_index(m->member_type) : -1;

	for (size_t i = 0; i < c->n_ifaces; i++) {
		if (c->ifaces[i].if_speed > 0)
			p->speed += (uint64_t)c->ifaces[i].if_speed;
		if (c->ifaces[i].switch_id != IXF_ABSENT)
			ids[n++] = (struct iface_at){ (uint32_t)c->ifaces[i].switch_id, i };
	}
	qsort(ids, n, sizeof(*ids), cmp_iface_at);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || ids[k - 1].id != ids[i].id)
			ids[k++] = ids[i];
	qsort(ids, k, sizeof(*ids), cmp_iface_pos);
	p->switches = k ? xreallocarray(NULL, k, sizeof(*p->switches)) : NULL;
	p->communities = xreallocarray(NULL, 5 * k + 1, sizeof(*p->communities));
	if ((d->o->communities & IXF_COMM_MEMBER_TYPE) && t >= 0)
		p->communities[p->n_communities++] = d->type_names[t];
	for (size_t i = 0; i < k; i++) {
		const struct ixf_switch *sw = switch_by_id(d, ids[i].id);
		p->switches[p->n_switches++] = sw ? *sw :
		    (struct ixf_switch){ .id = ids[i].id, .pdb_facility_id = IXF_ABSENT };
		for (size_t a = 0; sw != NULL && a < 5; a++) {
			char *name = d->sw_names[sw - d->cs->switches][a];
			if (name != NULL)
				p->communities[p->n_communities++] = name;
		}
	}
	names_unique(p->communities, &p->n_communities);
	if (p->n_communities > IXF_MAX_COMMUNITIES) {
		cl_warn(&d->w, "member_list[%zu] (AS%u): a connection with %zu communities: "
		    "only the first %d attached", m->index, m->asn, p->n_communities,
		    IXF_MAX_COMMUNITIES);
		p->n_communities = IXF_MAX_COMMUNITIES;
	}
	free(ids);
}

/* The port of connection c of member m: what its addresses share. */
static size_t port_add(struct derive *d, const struct ixf_member *m, const struct ixf_connection *c)
{
	struct ixf_clients *cs = d->cs;

	XGROW(cs->ports, cs->n_ports, d->cap_ports, 16);
	struct ixf_port *p = &cs->ports[cs->n_ports];
	*p = (struct ixf_port){ .state = dup_or_null(c->state) };
	port_switches(d, m, c, p);
	return cs->n_ports++;
}

/* Ports with equal community lists (as pointers to the names: equal
 * texts are the same pointer), then ports by list. */
static int cmp_port_comms(const void *pa, const void *pb, void *ports)
{
	const struct ixf_port *a = (const struct ixf_port *)ports + *(const size_t *)pa;
	const struct ixf_port *b = (const struct ixf_port *)ports + *(const size_t *)pb;
	if (a->n_communities != b->n_communities)
		return a->n_communities < b->n_communities ? -1 : 1;
	for (size_t i = 0; i < a->n_communities; i++)
		if (a->communities[i] != b->communities[i])
			return (uintptr_t)a->communities[i] < (uintptr_t)b->communities[i] ? -1 : 1;
	return 0;
}

/* comm_id: the same number for ports whose lists are equal, so that the
 * candidates compare them in constant time. */
static void number_comm_lists(struct derive *d)
{
	size_t n = d->cs->n_ports, *idx = xreallocarray(NULL, n + 1, sizeof(*idx));

	d->comm_id = xreallocarray(NULL, n + 1, sizeof(*d->comm_id));
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_port_comms, d->cs->ports);
	for (size_t i = 0, id = 0; i < n; i++) {
		if (i > 0 && cmp_port_comms(&idx[i - 1], &idx[i], d->cs->ports) != 0)
			id++;
		d->comm_id[idx[i]] = id;
	}
	free(idx);
}

static bool is_routeserver_member(const struct ixf_member *m)
{
	return m->member_type != NULL && strcmp(m->member_type, "routeserver") == 0;
}

static void add_cand(struct derive *d, size_t mi, size_t port, const struct ixf_vlan_entry *v,
    const struct ixf_ip *ip)
{
	if (ip == NULL || (ip->services & IXF_SVC_ROUTESERVER))
		return;
	if (d->o->routeserver_only && ip->routeserver == IXF_BOOL_FALSE)
		return;
	XGROW(d->cands, d->n, d->cap, 64);
	d->cands[d->n++] = (struct cand){
		.m = &d->x->members[mi], .v = v, .ip = ip, .member = mi, .port = port,
		.limit = ip->max_prefix > 0 ? (uint32_t)ip->max_prefix : 0,
	};
}

/* Every address of every connection to the exchange, in order; -1 if
 * there are more than IXF_MAX_SESSIONS. */
static int collect(struct derive *d)
{
	const struct ixf_client_opts *o = d->o;

	for (size_t mi = 0; mi < d->x->n_members; mi++) {
		const struct ixf_member *m = &d->x->members[mi];
		if (is_routeserver_member(m))
			continue;
		d->cs->descriptions[mi] = description(m->name);
		if ((o->communities & IXF_COMM_MEMBER_TYPE) && m->member_type &&
		    member_type_index(m->member_type) < 0)
			cl_warn(&d->w, "member_list[%zu].member_type: \"%.64s\" is not a member "
			    "type: no community", m->index, m->member_type);
		for (size_t ci = 0; ci < m->n_conns; ci++) {
			const struct ixf_connection *c = &m->conns[ci];
			if (c->ixp_id != d->ixp->ixp_id)
				continue;
			size_t port = port_add(d, m, c);
			for (size_t vi = 0; vi < c->n_vlans; vi++) {
				const struct ixf_vlan_entry *v = &c->vlans[vi];
				if (o->has_vlan_id && v->vlan_id != (int64_t)o->vlan_id)
					continue;
				add_cand(d, mi, port, v, v->ipv4);
				add_cand(d, mi, port, v, v->ipv6);
				if (d->n > IXF_MAX_SESSIONS)
					return -1;
			}
		}
	}
	return 0;
}

/* Same asn, description, as_sets, limit and communities. */
static bool same_settings(const struct derive *d, const struct cand *a, const struct cand *b)
{
	const char *da = cand_descr(d, a), *db = cand_descr(d, b);

	return a->m->asn == b->m->asn && a->limit == b->limit &&
	    (da == NULL ? db == NULL : db != NULL && strcmp(da, db) == 0) &&
	    strs_equal(a->ip->as_sets, a->ip->n_as_sets, b->ip->as_sets, b->ip->n_as_sets) &&
	    d->comm_id[a->port] == d->comm_id[b->port];
}

/* By address, then order of appearance (qsort_r over indices into cands). */
static int cmp_addr(const void *pa, const void *pb, void *cands)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const struct cand *cs = cands;
	int c = ip_addr_cmp(&cs[a].ip->addr, &cs[b].ip->addr);
	return c ? c : a < b ? -1 : a > b;
}

/* Leaves out every address after its first appearance. */
static void drop_duplicates(struct derive *d, size_t *idx)
{
	char buf[64];

	for (size_t i = 0; i < d->n; i++)
		idx[i] = i;
	qsort_r(idx, d->n, sizeof(*idx), cmp_addr, d->cands);
	for (size_t i = 1, first = 0; i < d->n; i++) {
		struct cand *c = &d->cands[idx[i]];
		const struct cand *f = &d->cands[idx[first]];
		if (!ip_addr_equal(&c->ip->addr, &f->ip->addr)) {
			first = i;
			continue;
		}
		c->dropped = true;
		if (!same_settings(d, c, f))
			cl_warn(&d->w, "%s: %s already comes from %s (AS%u) with other settings: "
			    "left out", c->ip->path, ip_addr_str(&c->ip->addr, buf, sizeof(buf)),
			    f->ip->path, f->m->asn);
	}
}

/* --- grouping ------------------------------------------------------------------------ */

/* By member, port if per_port, as_sets, communities. */
static int cmp_block(const struct derive *d, const struct cand *a, const struct cand *b)
{
	size_t ia = d->comm_id[a->port], ib = d->comm_id[b->port];
	int c;

	if (a->member != b->member)
		return a->member < b->member ? -1 : 1;
	if (d->o->per_port && a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if ((c = strs_cmp(a->ip->as_sets, a->ip->n_as_sets, b->ip->as_sets, b->ip->n_as_sets)) != 0)
		return c;
	return ia < ib ? -1 : ia > ib;
}

static int cmp_group(const void *pa, const void *pb, void *arg)
{
	const struct derive *d = arg;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const struct cand *a = &d->cands[ia], *b = &d->cands[ib];
	int c = cmp_block(d, a, b);

	if (c)
		return c;
	if (a->ip->addr.family != b->ip->addr.family)
		return a->ip->addr.family == AF_INET ? -1 : 1;
	if (a->limit != b->limit)
		return a->limit < b->limit ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* A run of sorted candidates that shares member, settings, family and
 * limit: the addresses of one family of a client. */
struct run { size_t start, len; };

/* Runs by their first candidate's order of appearance. */
static int cmp_run(const void *pa, const void *pb, void *idx)
{
	const size_t *ix = idx;
	size_t a = ix[((const struct run *)pa)->start], b = ix[((const struct run *)pb)->start];
	return a < b ? -1 : a > b;
}

/* A client's candidates: indices into cands, in order of appearance. */
struct group {
	size_t *v;
	size_t n;
};

static void group_add_run(struct group *g, const size_t *idx, const struct run *r)
{
	g->v = xreallocarray(g->v, g->n + r->len, sizeof(*g->v));
	for (size_t i = 0; i < r->len; i++)
		g->v[g->n++] = idx[r->start + i];
}

static int cmp_group_first(const void *pa, const void *pb)
{
	size_t a = ((const struct group *)pa)->v[0], b = ((const struct group *)pb)->v[0];
	return a < b ? -1 : a > b;
}

/* Groups the candidates kept: within a block (member, as_sets,
 * communities), the IPv4 runs (one per limit) in order of appearance are
 * paired with the IPv6 runs in the same order. */
static struct group *make_groups(struct derive *d, size_t *idx, size_t *n_groups)
{
	size_t n = 0, ng = 0, cap = 0;
	struct group *g = NULL;

	for (size_t i = 0; i < d->n; i++)
		if (!d->cands[i].dropped)
			idx[n++] = i;
	if (d->o->one_per_address) {
		g = n ? xreallocarray(NULL, n, sizeof(*g)) : NULL;
		for (size_t i = 0; i < n; i++) {
			g[i].v = xmalloc(sizeof(size_t));
			g[i].v[0] = idx[i];
			g[i].n = 1;
		}
		*n_groups = n;
		return g;
	}
	qsort_r(idx, n, sizeof(*idx), cmp_group, d);
	struct run *r4 = xreallocarray(NULL, n + 1, sizeof(*r4));
	struct run *r6 = xreallocarray(NULL, n + 1, sizeof(*r6));
	for (size_t b = 0; b < n; ) {
		size_t e = b + 1, n4 = 0, n6 = 0;
		while (e < n && cmp_block(d, &d->cands[idx[b]], &d->cands[idx[e]]) == 0)
			e++;
		for (size_t i = b; i < e; ) {
			const struct cand *c = &d->cands[idx[i]];
			size_t k = i + 1;
			while (k < e && d->cands[idx[k]].ip->addr.family == c->ip->addr.family &&
			    d->cands[idx[k]].limit == c->limit)
				k++;
			if (c->ip->addr.family == AF_INET)
				r4[n4++] = (struct run){ i, k - i };
			else
				r6[n6++] = (struct run){ i, k - i };
			i = k;
		}
		qsort_r(r4, n4, sizeof(*r4), cmp_run, idx);
		qsort_r(r6, n6, sizeof(*r6), cmp_run, idx);
		for (size_t k = 0; k < n4 || k < n6; k++) {
			XGROW(g, ng, cap, 16);
			g[ng] = (struct group){ 0 };
			if (k < n4)
				group_add_run(&g[ng], idx, &r4[k]);
			if (k < n6)
				group_add_run(&g[ng], idx, &r6[k]);
			qsort(g[ng].v, g[ng].n, sizeof(*g[ng].v), cmp_size);
			ng++;
		}
		b = e;
	}
	free(r4);
	free(r6);
	if (ng > 1)
		qsort(g, ng, sizeof(*g), cmp_group_first);
	*n_groups = ng;
	return g;
}

/* --- the clients --------------------------------------------------------------------- */

static void session_fill(const struct ixf_port *port, const struct cand *c, struct ixf_session *s)
{
	*s = (struct ixf_session){
		.addr = c->ip->addr, .vlan_id = c->v->vlan_id, .routeserver = c->ip->routeserver,
		.port = port, .state = port->state, .switches = port->switches,
		.n_switches = port->n_switches, .speed = port->speed, .path = xstrdup(c->ip->path),
	};
	if (c->ip->n_macs) {
		s->macs = xreallocarray(NULL, c->ip->n_macs, sizeof(*s->macs));
		memcpy(s->macs, c->ip->macs, c->ip->n_macs * sizeof(*s->macs));
		s->n_macs = c->ip->n_macs;
	}
}

static void client_fill(const struct derive *d, const struct group *g, struct ixf_client *cl)
{
	const struct cand *first = &d->cands[g->v[0]];
	const struct ixf_port *port = &d->cs->ports[first->port];

	*cl = (struct ixf_client){
		.asn = first->m->asn, .description = cand_descr(d, first),
		.as_sets = strs_copy(first->ip->as_sets, first->ip->n_as_sets),
		.n_as_sets = first->ip->n_as_sets,
		.communities = port->communities, .n_communities = port->n_communities,
		.sessions = xreallocarray(NULL, g->n, sizeof(*cl->sessions)), .n_sessions = g->n,
		.member_index = first->m->index,
	};
	for (size_t i = 0; i < g->n; i++) {
		const struct cand *c = &d->cands[g->v[i]];
		if (c->ip->addr.family == AF_INET)
			cl->limit_ipv4 = c->limit;
		else
			cl->limit_ipv6 = c->limit;
		session_fill(&d->cs->ports[c->port], c, &cl->sessions[i]);
	}
}

/* The exchange the options select, or NULL with err. */
static const struct ixf_ixp *select_ixp(const struct ixf_export *x, const struct ixf_client_opts *o,
    char *err, size_t errlen)
{
	const struct ixf_ixp *ixp;

	if (o->has_ixp_id) {
		if ((ixp = ixf_ixp_find(x, o->ixp_id)) == NULL)
			errbuf_set(err, errlen, "%s: IXP ID %u not found in ixp_list", x->name,
			    o->ixp_id);
		return ixp;
	}
	if (x->n_ixps == 1)
		return &x->ixps[0];
	if (x->n_ixps == 0)
		errbuf_set(err, errlen, "%s: lists no exchange (ixp_list)", x->name);
	else
		errbuf_set(err, errlen, "%s: lists %zu exchanges: say which by its IXP ID "
		    "(%u, %u%s)", x->name, x->n_ixps, x->ixps[0].ixp_id, x->ixps[1].ixp_id,
		    x->n_ixps > 2 ? ", ..." : "");
	return NULL;
}

/* The names of the communities of the ports the clients use, in order. */
static void all_communities(struct derive *d)
{
	struct ixf_clients *cs = d->cs;
	bool *used = xcalloc(cs->n_ports + 1, sizeof(*used));
	bool *named = xcalloc(cs->n_names + 1, sizeof(*named));

	for (size_t i = 0; i < cs->n; i++)
		for (size_t k = 0; k < cs->v[i].n_sessions; k++)
			used[cs->v[i].sessions[k].port - cs->ports] = true;
	for (size_t p = 0; p < cs->n_ports; p++) {
		for (size_t k = 0; used[p] && k < cs->ports[p].n_communities; k++) {
			const char *name = cs->ports[p].communities[k];
			char *const *at = bsearch(&name, cs->names, cs->n_names, sizeof(char *),
			    cmp_str);
			named[at - cs->names] = true;
		}
	}
	cs->communities = xreallocarray(NULL, cs->n_names + 1, sizeof(*cs->communities));
	for (size_t i = 0; i < cs->n_names; i++)
		if (named[i])
			cs->communities[cs->n_communities++] = cs->names[i];
	free(named);
	free(used);
}

static void derive_free(struct derive *d)
{
	free(d->by_id);
	free(d->sw_names);
	free(d->comm_id);
}

struct ixf_clients *ixf_clients(const struct ixf_export *x, const struct ixf_client_opts *o,
    ixf_warn_fn warn, void *arg, char *err, size_t errlen)
{
	const struct ixf_ixp *ixp = select_ixp(x, o, err, errlen);

	if (ixp == NULL)
		return NULL;
	struct ixf_clients *cs = xcalloc(1, sizeof(*cs));
	struct derive d = {
		.x = x, .ixp = ixp, .o = o, .cs = cs,
		.w = { .name = x->name, .warn = warn, .arg = arg },
	};
	cs->source = xstrdup(x->name);
	cs->version = dup_or_null(x->version);
	cs->timestamp = dup_or_null(x->timestamp);
	cs->ixp_id = ixp->ixp_id;
	cs->ixp_shortname = dup_or_null(ixp->shortname);
	cs->has_vlan_id = o->has_vlan_id;
	cs->vlan_id = o->vlan_id;
	cs->descriptions = xcalloc(x->n_members + 1, sizeof(*cs->descriptions));
	cs->n_descriptions = x->n_members;

	make_names(&d);
	if (collect(&d) < 0) {
		errbuf_set(err, errlen, "%s: more than %d addresses on IXP ID %u: not derived",
		    x->name, IXF_MAX_SESSIONS, ixp->ixp_id);
		free(d.cands);
		derive_free(&d);
		ixf_clients_free(cs);
		return NULL;
	}
	number_comm_lists(&d);
	size_t *idx = xreallocarray(NULL, d.n + 1, sizeof(*idx)), ng;
	drop_duplicates(&d, idx);
	struct group *g = make_groups(&d, idx, &ng);
	cs->v = ng ? xreallocarray(NULL, ng, sizeof(*cs->v)) : NULL;
	for (size_t i = 0; i < ng; i++) {
		client_fill(&d, &g[i], &cs->v[cs->n++]);
		free(g[i].v);
	}
	all_communities(&d);

	free(g);
	free(idx);
	free(d.cands);
	derive_free(&d);
	cl_warn_end(&d.w);
	return cs;
}

static void switch_free(struct ixf_switch *s)
{
	free(s->name);
	free(s->colo);
	free(s->city);
	free(s->country);
}

void ixf_clients_free(struct ixf_clients *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct ixf_client *cl = &c->v[i];
		for (size_t k = 0; k < cl->n_sessions; k++) {
			free(cl->sessions[k].macs);
			free(cl->sessions[k].path);
		}
		free(cl->sessions);
		strs_free(cl->as_sets, cl->n_as_sets);
	}
	free(c->v);
	for (size_t i = 0; i < c->n_ports; i++) {
		free(c->ports[i].switches);
		free(c->ports[i].communities);
		free(c->ports[i].state);
	}
	free(c->ports);
	for (size_t i = 0; i < c->n_switches; i++)
		switch_free(&c->switches[i]);
	free(c->switches);
	strs_free(c->names, c->n_names);
	free(c->communities);
	strs_free(c->descriptions, c->n_descriptions);
	free(c->source);
	free(c->version);
	free(c->timestamp);
	free(c->ixp_shortname);
	free(c);
}

/* --- clients.yml --------------------------------------------------------------------- */

/* A YAML double-quoted scalar.  What is written is ASCII (descriptions,
 * AS-SET names and communities are made so); anything else becomes '?',
 * so that the document is always printable YAML. */
static void put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p >= 0x80 ? '?' : *p, out);
	}
	fputc('"', out);
}

/* Text from the export in a comment or a line of ours: printable ASCII
 * only. */
static void put_comment_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p >= 0x7f ? '?' : *p, out);
}

static void put_client(FILE *out, const struct ixf_client *cl)
{
	char buf[64];

	fprintf(out, "  - asn: %u\n", cl->asn);
	if (cl->description) {
		fputs("    description: ", out);
		put_quoted(out, cl->description);
		fputc('\n', out);
	}
	fputs("    ip:\n", out);
	for (size_t i = 0; i < cl->n_sessions; i++) {
		fputs("      - ", out);
		put_quoted(out, ip_addr_str(&cl->sessions[i].addr, buf, sizeof(buf)));
		fputc('\n', out);
	}
	bool filtering = cl->n_as_sets || cl->limit_ipv4 || cl->limit_ipv6;
	if (!filtering && cl->n_communities == 0)
		return;
	fputs("    cfg:\n", out);
	if (filtering)
		fputs("      filtering:\n", out);
	if (cl->n_as_sets) {
		fputs("        irrdb:\n          as_sets:\n", out);
		for (size_t i = 0; i < cl->n_as_sets; i++) {
			fputs("            - ", out);
			put_quoted(out, cl->as_sets[i]);
			fputc('\n', out);
		}
	}
	if (cl->limit_ipv4 || cl->limit_ipv6) {
		fputs("        max_prefix:\n", out);
		if (cl->limit_ipv4)
			fprintf(out, "          limit_ipv4: %u\n", cl->limit_ipv4);
		if (cl->limit_ipv6)
			fprintf(out, "          limit_ipv6: %u\n", cl->limit_ipv6);
	}
	if (cl->n_communities) {
		fputs("      attach_custom_communities:\n", out);
		for (size_t i = 0; i < cl->n_communities; i++) {
			fputs("        - ", out);
			put_quoted(out, cl->communities[i]);
			fputc('\n', out);
		}
	}
}

int ixf_clients_write(const struct ixf_clients *c, FILE *out)
{
	fputs("# Clients derived from the IX-F member export ", out);
	put_comment_text(out, c->source);
	fputs("\n# (schema version ", out);
	put_comment_text(out, c->version ? c->version : "not given");
	fputs(", timestamp ", out);
	put_comment_text(out, c->timestamp ? c->timestamp : "not given");
	fputs(")\n# as arouteserver's clients-from-euroix derives them.\n", out);
	fprintf(out, "# IXP ID: %u", c->ixp_id);
	if (c->ixp_shortname) {
		fputs(" (", out);
		put_comment_text(out, c->ixp_shortname);
		fputc(')', out);
	}
	fputc('\n', out);
	if (c->has_vlan_id)
		fprintf(out, "# VLAN ID: %u\n", c->vlan_id);
	fputs(c->n ? "clients:\n" : "clients: []\n", out);
	for (size_t i = 0; i < c->n; i++)
		put_client(out, &c->v[i]);
	if (c->n_communities) {
		fputs("# The custom BGP communities attached above must be declared in\n"
		    "# general.yml:\n#  custom_communities:\n", out);
		for (size_t i = 0; i < c->n_communities; i++)
			fprintf(out, "#    %s:\n#      std:\n#      ext:\n#      lrg:\n",
			    c->communities[i]);
	}
	return ferror(out) ? -1 : 0;
}

/* --- the exchanges ----------------------------------------------------------------- */

void ixf_print_exchanges(const struct ixf_export *x, FILE *out)
{
	char buf[PREFIX_STRLEN];

	for (size_t i = 0; i < x->n_ixps; i++) {
		const struct ixf_ixp *ixp = &x->ixps[i];
		fprintf(out, "IXP ID %u", ixp->ixp_id);
		if (ixp->shortname) {
			fputs(", short name '", out);
			put_comment_text(out, ixp->shortname);
			fputc('\'', out);
		}
		if (ixp->name) {
			fputs(", '", out);
			put_comment_text(out, ixp->name);
			fputc('\'', out);
		}
		if (ixp->country) {
			fputs(", ", out);
			put_comment_text(out, ixp->country);
		}
		fputc('\n', out);
		for (size_t k = 0; k < ixp->n_lans; k++) {
			const struct ixf_lan *l = &ixp->lans[k];
			fprintf(out, " - VLAN ID %u", l->id);
			if (l->name) {
				fputs(", name '", out);
				put_comment_text(out, l->name);
				fputc('\'', out);
			}
			if (l->has_ipv4)
				fprintf(out, ", IPv4 prefix %s",
				    prefix_str(&l->ipv4, buf, sizeof(buf)));
			if (l->has_ipv6)
				fprintf(out, ", IPv6 prefix %s",
				    prefix_str(&l->ipv6, buf, sizeof(buf)));
			fputc('\n', out);
		}
	}
}
