/* SPDX-License-Identifier: ISC */
/* types_nested: the option types of structured values -- prefix lists,
 * communities and community maps (loaded with the walker, item by item),
 * prefix lengths, and clients.yml's clients and asns. */
#include "config_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

/* --- sub-items loaded with the walker (prefix entries, communities) --- */

/* Loads item node n of option o into the struct at p, with paths shown as
 * o's path + suffix ("[3]" or ".name"). */
static int load_item(struct ctx *c, const struct opt *o, const struct ynode *n,
    unsigned scope, void *p, const char *suffix)
{
	struct ctx sub = *c;

	sub.scope = scope;
	sub.base[B_ITEM] = p;
	set_where(&sub, "%s%s%s%s", c->where, *c->where ? "." : "", o->path, suffix);
	return load_node(&sub, n);
}

/* --- prefix lists: o->sub is S_PREFIX or S_ROUTE (white_list_route) --- */

static int check_prefix(struct ctx *c, const struct opt *o, const struct ynode *n,
    const struct cfg_prefix *p, const char *suffix)
{
	unsigned max = p->prefix.family == AF_INET ? 32 : 128;
	const char *err = NULL;

	if (p->length > max)
		err = "length is longer than the address";
	else if ((p->ge && (p->ge < p->length || p->ge > max)) ||
	    (p->le && (p->le < p->length || p->le > max)))
		err = "ge and le must be between length and the address length";
	else if (p->ge && p->le && p->ge > p->le)
		err = "ge must not be greater than le";
	else if (p->exact && (p->ge || p->le))
		err = "ge and le cannot be used with exact: True";
	if (err == NULL)
		return 0;
	char path[PATH_LEN];
	snprintf(path, sizeof(path), "%s%s", o->path, suffix);
	return fail_at(c, n->line, path, "%s", err);
}

static int parse_prefix_list(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct cfg_prefix_list *l = f;

	if (n->kind != Y_SEQ)
		return fail_at(c, n->line, o->path, "expected a list of {prefix, length} entries");
	for (int i = 0; i < n->n; i++) {
		char suffix[16];
		snprintf(suffix, sizeof(suffix), "[%d]", i);
		l->v = grow(l->v, l->n, sizeof(*l->v));
		struct cfg_prefix *p = memset(&l->v[l->n++], 0, sizeof(*l->v));
		if (load_item(c, o, n->kids[i], o->sub, p, suffix) ||
		    check_prefix(c, o, n->kids[i], p, suffix))
			return -1;
	}
	return 0;
}

static bool is_prefix_list(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct cfg_prefix_list *)f)->n == 0; }
static void print_prefix_list(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_prefix_list *l = f;

	if (l->n == 0)
		fputs(" []", out);
	for (int i = 0; i < l->n; i++) {
		fprintf(out, "\n%*s- ", indent + 2, "");
		print_flow(out, o->sub, &l->v[i]);
	}
}

static void free_prefix_list(const struct opt *o, void *f)
{
	struct cfg_prefix_list *l = f;

	for (int i = 0; i < l->n; i++)
		free_opts(o->sub, B_ITEM, &l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct otype t_prefix_list = { parse_prefix_list, no_init, is_prefix_list, print_prefix_list, free_prefix_list, 0, true };

/* --- communities: {std, lrg, ext}, o->macros says which macros it needs --- */

/* Checks one part of a community value; appends its normalised form. */
static const char *comm_part(const struct ctx *c, const char *part, bool last,
    uint64_t max, char *out, size_t outlen)
{
	unsigned macro = strcmp(part, "peer_as") == 0 ? CFG_COMM_PEER_AS :
	    strcmp(part, "dyn_val") == 0 ? CFG_COMM_DYN_VAL : 0;
	size_t len = strlen(out);
	uint64_t v;

	if (macro && !(c->macros & macro))
		return "this macro is not allowed in this community";
	if (macro && !last)
		return "this macro can only be the last part";
	if (macro || strcmp(part, "rs_as") == 0) {
		snprintf(out + len, outlen - len, "%s", part);
		return NULL;
	}
	if (!parse_uint(part, max, &v))
		return max == 65535 ? "parts must be 0..65535 or a macro" :
		    "parts must be 0..4294967295 or a macro";
	snprintf(out + len, outlen - len, "%llu", (unsigned long long)v);
	return NULL;
}

/* "x:x" (std, o->min 2), "x:x:x" (lrg) or "rt|ro:x:x" (ext, F_EXT). */
static const char *comm_check(const struct ctx *c, const struct opt *o, const char *text,
    char *out, size_t outlen)
{
	char parts[4][32];
	int n = 0;
	const char *p = text;

	for (;; n++) {
		size_t len = strcspn(p, ":");
		if (n == 3)
			return "too many parts";
		if (len >= sizeof(parts[0]))
			return "a part is too long";
		snprintf(parts[n], sizeof(parts[n]), "%.*s", (int)len, p);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (++n != o->min)
		return o->min == 2 ? "expected x:x" : (o->flags & F_EXT) ? "expected rt:x:x or ro:x:x" : "expected x:x:x";
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *err = NULL;
		if (i == 0 && (o->flags & F_EXT)) {
			if (strcasecmp(parts[0], "rt") != 0 && strcasecmp(parts[0], "ro") != 0)
				return "expected rt:x:x or ro:x:x";
			snprintf(out, outlen, "%c%c", parts[0][0] | 0x20, parts[0][1] | 0x20);
		} else {
			err = comm_part(c, parts[i], i == n - 1, o->min == 2 ? 65535 : UINT32_MAX, out, outlen);
		}
		if (err)
			return err;
		if (i < n - 1)
			strcat(out, ":");
	}
	if (o->min == 2 && strcmp(parts[0], "65535") == 0)
		return "65535:x is reserved for well-known communities";
	if ((c->macros & CFG_COMM_PEER_AS) && strstr(out, "peer_as") == NULL)
		return "this community needs the peer_as macro as its last part";
	if ((c->macros & CFG_COMM_DYN_VAL) && strstr(out, "dyn_val") == NULL)
		return "this community needs the dyn_val macro as its last part";
	return NULL;
}

static int parse_comm_value(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	char norm[128];
	const char *err;

	if (need_scalar(c, o, n, "a community string"))
		return -1;
	if ((err = comm_check(c, o, n->str, norm, sizeof(norm))) != NULL)
		return fail_at(c, n->line, o->path, "invalid community '%s': %s", n->str, err);
	*(char **)f = xstrdup(norm);
	return 0;
}

const struct otype t_comm_value = { parse_comm_value, init_str, is_str, print_str, free_str, 0, true };

static int parse_community(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ctx with = *c;

	with.macros = o->macros;
	return load_item(&with, o, n, S_COMMUNITY, f, "");
}

bool comm_empty(const struct cfg_community *cm)
{
	return cm->std == NULL && cm->lrg == NULL && cm->ext == NULL;
}

static bool is_community(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return comm_empty(f); }
static void print_community(FILE *out, const struct opt *o, const void *f, int indent)
{
	(void)o, (void)indent;
	fputc(' ', out);
	print_flow(out, S_COMMUNITY, (void *)f);
}

static void free_community(const struct opt *o, void *f)
{
	(void)o;
	free_opts(S_COMMUNITY, B_ITEM, f);
}

const struct otype t_community = { parse_community, no_init, is_community, print_community, free_community, 0, true };

/* --- name -> community maps (custom_communities, reject_cause_map) --- */

static bool builtin_community(const char *name)
{
	static const char *const names[] = {
#define CFG_COMM_NAME(id, key, flags) #key,
		CFG_COMMUNITIES(CFG_COMM_NAME)
#undef CFG_COMM_NAME
	};

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static int parse_comm_map(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct cfg_community_map *m = f;

	if (n->kind != Y_MAP)
		return fail_at(c, n->line, o->path, "expected a mapping of names to communities");
	for (int i = 0; i < n->n; i += 2) {
		const struct ynode *key = n->kids[i];
		char suffix[PATH_LEN];
		uint64_t code;
		if ((o->flags & F_CUSTOM_DEF) && builtin_community(key->str))
			return fail_at(c, key->line, o->path,
			    "'%s' is the name of a built-in community", key->str);
		if ((o->flags & F_REJECT_CODES) && !parse_uint(key->str, 65535, &code))
			return fail_at(c, key->line, o->path,
			    "expected reject codes (0..65535) as keys, got '%s'", key->str);
		m->v = grow(m->v, m->n, sizeof(*m->v));
		struct cfg_named_community *nc = memset(&m->v[m->n++], 0, sizeof(*m->v));
		nc->name = xstrdup(key->str);
		snprintf(suffix, sizeof(suffix), ".%s", key->str);
		struct ctx with = *c;
		with.macros = 0;
		if (load_item(&with, o, n->kids[i + 1], S_COMMUNITY, &nc->comm, suffix))
			return -1;
	}
	return 0;
}

static bool is_comm_map(const struct opt *o, const void *f, int64_t v) { (void)o, (void)v; return ((const struct cfg_community_map *)f)->n == 0; }
static void print_comm_map(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_community_map *m = f;

	(void)o;
	if (m->n == 0)
		fputs(" {}", out);
	for (int i = 0; i < m->n; i++) {
		fprintf(out, "\n%*s", indent + 2, "");
		print_quoted(out, m->v[i].name);
		fputs(": ", out);
		print_flow(out, S_COMMUNITY, &m->v[i].comm);
	}
}

static void free_comm_map(const struct opt *o, void *f)
{
	struct cfg_community_map *m = f;

	(void)o;
	for (int i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free_opts(S_COMMUNITY, B_ITEM, &m->v[i].comm);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

const struct otype t_comm_map = { parse_comm_map, no_init, is_comm_map, print_comm_map, free_comm_map, 0, true };

/* --- prefix lengths {min, max} --- */

static int parse_pref_len(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	char path[PATH_LEN];
	const struct opt bound = { .path = path, .type = &t_u8, .max = o->max };
	uint64_t v[2] = { 0, 0 };
	bool seen[2] = { false, false };

	if (n->kind != Y_MAP)
		return fail_at(c, n->line, o->path, "expected {min: N, max: N}");
	for (int i = 0; i < n->n; i += 2) {
		int which = strcmp(n->kids[i]->str, "min") == 0 ? 0 :
		    strcmp(n->kids[i]->str, "max") == 0 ? 1 : -1;
		if (which < 0)
			return fail(c, n->kids[i]->line, "unknown key '%s' in %s%s%s", n->kids[i]->str,
			    c->where, *c->where ? "." : "", o->path);
		snprintf(path, sizeof(path), "%s.%s", o->path, n->kids[i]->str);
		if (parse_uint_value(c, &bound, n->kids[i + 1], &v[which]))
			return -1;
		seen[which] = true;
	}
	if (!seen[0] || !seen[1])
		return fail_at(c, n->line, o->path, "both min and max are required");
	if (v[0] > v[1])
		return fail_at(c, n->line, o->path, "min must not be greater than max");
	*(struct cfg_pref_len *)f = (struct cfg_pref_len){ (uint8_t)v[0], (uint8_t)v[1] };
	return 0;
}

static void init_pref_len(const struct opt *o, void *f, int64_t v)
{
	(void)o;
	*(struct cfg_pref_len *)f = (struct cfg_pref_len){ (uint8_t)(v >> 8), (uint8_t)v };
}

static bool is_pref_len(const struct opt *o, const void *f, int64_t v)
{
	const struct cfg_pref_len *p = f;

	(void)o;
	return (p->min << 8 | p->max) == v;
}

static void print_pref_len(FILE *out, const struct opt *o, const void *f, int indent)
{
	const struct cfg_pref_len *p = f;

	(void)o, (void)indent;
	fprintf(out, " {min: %u, max: %u}", p->min, p->max);
}

const struct otype t_pref_len = { parse_pref_len, init_pref_len, is_pref_len, print_pref_len, NULL, sizeof(struct cfg_pref_len), false };

/* --- clients.yml: `clients:` (B_CONFIG, off 0), each entry's `ip:`
 * (B_CLIENT, off 0) and `asns:` (B_CONFIG, off 0) --- */

/* Each address of a client is one member (BGP session); the rest of the
 * member is filled in from the client once the whole entry is loaded. */
static int parse_member_ips(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = c->cfg;

	(void)f;
	if (n_items(n) == 0)
		return fail_at(c, n->line, o->path, "expected at least one address");
	for (int i = 0; i < n_items(n); i++) {
		struct ip_addr a;
		if (parse_addr_value(c, o, item(n, i), &a))
			return -1;
		cfg->members = grow(cfg->members, cfg->n_members, sizeof(*cfg->members));
		cfg->members[cfg->n_members++] = (struct cfg_member){
			.addr = a, .client = c->client, .line = item(n, i)->line,
		};
	}
	return 0;
}

const struct otype t_member_ips = { parse_member_ips, no_init, NULL, NULL, NULL, 0, false };

static void finish_client_members(struct ixpd_config *cfg, int first, const struct cfg_client *cl)
{
	for (int i = first; i < cfg->n_members; i++) {
		struct cfg_member *m = &cfg->members[i];
		m->asn = cl->asn;
		m->client_id = cl->id;
		m->description = cl->description;
		m->passive = cl->policy.passive;
		m->add_path = cl->policy.add_path;
		m->file = cfg->members_source;
	}
}

static int parse_clients(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = f;

	if (n->kind != Y_SEQ)
		return fail_at(c, n->line, o->path, "expected a list of clients");
	/* Allocated once: members point into it. */
	cfg->clients = xcalloc((size_t)n->n + 1, sizeof(*cfg->clients));
	for (int i = 0; i < n->n; i++) {
		struct cfg_client *cl = &cfg->clients[cfg->n_clients++];
		struct ctx sub = *c;
		int first = cfg->n_members;

		cl->policy = cfg->policy;
		cl->line = n->kids[i]->line;
		sub.scope = S_CLIENT;
		sub.base[B_CLIENT] = cl;
		sub.base[B_POLICY] = &cl->policy;
		sub.client = cl;
			sub.inherit_policy = true;
		set_where(&sub, "clients[%d]", i);
		if (load_node(&sub, n->kids[i]))
			return -1;
		finish_client_members(cfg, first, cl);
	}
	return 0;
}

const struct otype t_clients = { parse_clients, no_init, NULL, NULL, NULL, 0, false };

static int cmp_asn_entry(const void *a, const void *b)
{
	uint32_t x = ((const struct cfg_asn_entry *)a)->asn, y = ((const struct cfg_asn_entry *)b)->asn;

	return x < y ? -1 : x > y;
}

static int parse_asns(struct ctx *c, const struct opt *o, const struct ynode *n, void *f)
{
	struct ixpd_config *cfg = f;
	uint64_t asn;

	if (n->kind != Y_MAP)
		return fail_at(c, n->line, o->path, "expected a mapping of AS<number> entries");
	for (int i = 0; i < n->n; i += 2) {
		const struct ynode *key = n->kids[i];
		if (strncmp(key->str, "AS", 2) != 0 || !parse_uint(key->str + 2, UINT32_MAX, &asn) || asn == 0)
			return fail_at(c, key->line, o->path, "expected AS<number> keys, got '%s'", key->str);
		cfg->asns = grow(cfg->asns, cfg->n_asns, sizeof(*cfg->asns));
		struct cfg_asn_entry *e = memset(&cfg->asns[cfg->n_asns++], 0, sizeof(*cfg->asns));
		e->asn = (uint32_t)asn;
		e->line = key->line;
		char suffix[PATH_LEN];
		snprintf(suffix, sizeof(suffix), ".%s", key->str);
		if (load_item(c, o, n->kids[i + 1], S_ASN, e, suffix))
			return -1;
	}
	if (cfg->n_asns > 1)
		qsort(cfg->asns, (size_t)cfg->n_asns, sizeof(*cfg->asns), cmp_asn_entry);
	for (int i = 1; i < cfg->n_asns; i++)
		if (cfg->asns[i].asn == cfg->asns[i - 1].asn)
			return fail_at(c, cfg->asns[i].line, o->path, "AS%u is listed twice", cfg->asns[i].asn);
	return 0;
}

const struct otype t_asns = { parse_asns, no_init, NULL, NULL, NULL, 0, false };
