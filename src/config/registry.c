/* SPDX-License-Identifier: ISC */
/* registry: the members when ixpd.yml names a registry -- an IX-F member
 * export (ixf.h) -- instead of, or under, a clients.yml.
 *
 * The export's clients for the exchange (and VLAN) ixpd.yml selects are
 * derived as arouteserver's clients-from-euroix derives them, one client
 * per member port (so that each has the site of its port: the first
 * switch of its connection), written as a clients.yml document and read
 * back as one: they go through the same checks as a hand-written file.  A
 * clients.yml named beside the registry is merged on top: an entry whose
 * `asn` (and `ip`, if it has one) matches derived clients gives them its
 * keys -- `cfg` merged key by key, its own values winning, the others
 * replaced; an entry that matches none is one client more.  Warnings of
 * the export (an element left out, with its JSON path) become warnings of
 * the configuration.  Messages name the registry (and clients.yml when
 * merged): a line is clients.yml's for what came from it, 0 for what was
 * derived. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "ixf.h"
#include "xalloc.h"

static void registry_warn(void *arg, const char *msg)
{
	struct cfg_str_list *w = &((struct ctx *)arg)->cfg->warnings;
	w->v = grow(w->v, w->n, sizeof(*w->v));
	w->v[w->n++] = xstrdup(msg);
}

/* The site of a client: its first port's switch, if a site number. */
static uint32_t client_site(const struct ixf_client *cl)
{
	const struct ixf_session *s = &cl->sessions[0];
	if (s->n_switches == 0 || s->switches[0].id == 0 || s->switches[0].id > 65534)
		return 0;
	return s->switches[0].id;
}

/* Lines of the derived document mean nothing to the operator. */
static void zero_lines(struct ynode *n)
{
	n->line = 0;
	for (int i = 0; i < n->n; i++)
		zero_lines(n->kids[i]);
}

/* The derived clients as the node tree of a clients.yml, each with its
 * site. */
static struct ynode *derived_tree(struct ctx *c, const struct ixf_clients *cl)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m || ixf_clients_write(cl, m) < 0) {
		if (m)
			fclose(m);
		free(text);
		snprintf(c->err, c->errlen, "%s: cannot write its clients", c->cfg->registry.ixf);
		return NULL;
	}
	fclose(m);
	struct ynode *root = yaml_load_text(c, text, len);
	free(text);
	if (root)
		zero_lines(root);
	int k = root ? ynode_key(root, "clients") : -1;
	const struct ynode *list = k >= 0 ? root->kids[k + 1] : NULL;
	for (int i = 0; list && i < list->n && (size_t)i < cl->n; i++) {
		uint32_t site = client_site(&cl->v[i]);
		char num[16];
		if (!site || list->kids[i]->kind != Y_MAP)
			continue;
		snprintf(num, sizeof(num), "%u", site);
		ynode_map_add(list->kids[i], ynode_scalar(list->kids[i]->line, "site"),
		    ynode_scalar(list->kids[i]->line, num));
	}
	return root;
}

/* dst's keys set from src's: mappings merged, anything else replaced. */
static void merge_map(struct ynode *dst, const struct ynode *src)
{
	for (int i = 0; i + 1 < src->n; i += 2) {
		const struct ynode *key = src->kids[i], *val = src->kids[i + 1];
		int k = ynode_key(dst, key->str);
		if (k < 0) {
			ynode_map_add(dst, ynode_copy(key), ynode_copy(val));
		} else if (val->kind == Y_MAP && dst->kids[k + 1]->kind == Y_MAP) {
			merge_map(dst->kids[k + 1], val);
		} else {
			ynode_free(dst->kids[k + 1]);
			dst->kids[k + 1] = ynode_copy(val);
		}
	}
}

static bool same_scalar(const struct ynode *a, const struct ynode *b)
{
	return a && b && a->kind == Y_SCALAR && b->kind == Y_SCALAR && strcmp(a->str, b->str) == 0;
}

/* The same address, however written (2001:DB8::1, 2001:db8:0::1). */
static bool same_address(const struct ynode *a, const struct ynode *b)
{
	struct ip_addr x, y;
	if (!a || !b || a->kind != Y_SCALAR || b->kind != Y_SCALAR)
		return false;
	if (ip_addr_parse(a->str, &x) != 0 || ip_addr_parse(b->str, &y) != 0)
		return strcmp(a->str, b->str) == 0;
	return ip_addr_equal(&x, &y);
}

/* Does derived client d have an address the merge entry lists? */
static bool shares_ip(const struct ynode *d, const struct ynode *ips)
{
	int k = ynode_key(d, "ip");
	const struct ynode *mine = k >= 0 ? d->kids[k + 1] : NULL;
	for (int i = 0; mine && i < n_items(mine); i++)
		for (int j = 0; j < n_items(ips); j++)
			if (same_address(item(mine, i), item(ips, j)))
				return true;
	return false;
}

static const struct ynode *value_of(const struct ynode *map, const char *key)
{
	int k = ynode_key(map, key);
	return k >= 0 ? map->kids[k + 1] : NULL;
}

/* Merges clients.yml's entries into the derived list (see the top). */
static void merge_clients(struct ynode *derived, const struct ynode *file)
{
	struct ynode *list = (struct ynode *)value_of(derived, "clients");
	const struct ynode *extra = value_of(file, "clients");
	for (int j = 0; list && extra && extra->kind == Y_SEQ && j < extra->n; j++) {
		const struct ynode *e = extra->kids[j], *asn = value_of(e, "asn"), *ips = value_of(e, "ip");
		bool matched = false;
		for (int i = 0; e->kind == Y_MAP && i < list->n; i++) {
			struct ynode *d = list->kids[i];
			if (!same_scalar(value_of(d, "asn"), asn) || (ips && !shares_ip(d, ips)))
				continue;
			struct ynode *keys = ynode_copy(e);
			int k;
			if ((k = ynode_key(keys, "asn")) >= 0) {
				struct ynode *kk, *vv;
				ynode_map_take(keys, k, &kk, &vv);
				ynode_free(kk);
				ynode_free(vv);
			}
			if ((k = ynode_key(keys, "ip")) >= 0) {
				struct ynode *kk, *vv;
				ynode_map_take(keys, k, &kk, &vv);
				ynode_free(kk);
				ynode_free(vv);
			}
			merge_map(d, keys);
			ynode_free(keys);
			matched = true;
		}
		if (!matched) {
			list->kids = grow(list->kids, list->n, sizeof(*list->kids));
			list->kids[list->n++] = ynode_copy(e);
		}
	}
	/* the file's other top-level keys (asns:) are taken as they are */
	for (int i = 0; i + 1 < file->n; i += 2)
		if (strcmp(file->kids[i]->str, "clients") != 0 && ynode_key(derived, file->kids[i]->str) < 0)
			ynode_map_add(derived, ynode_copy(file->kids[i]), ynode_copy(file->kids[i + 1]));
}

static struct ynode *registry_tree(struct ctx *c)
{
	const struct ixpd_config *cfg = c->cfg;
	char err[512];
	struct ixf_export *x = ixf_load(cfg->registry.ixf, registry_warn, c, err, sizeof(err));
	if (!x) {
		snprintf(c->err, c->errlen, "%s", err);
		return NULL;
	}
	struct ixf_client_opts o = { .has_ixp_id = cfg->registry.ixp_id != 0, .ixp_id = cfg->registry.ixp_id,
		.has_vlan_id = cfg->registry.vlan_id != 0, .vlan_id = cfg->registry.vlan_id,
		.routeserver_only = true, .per_port = true };
	struct ixf_clients *cl = ixf_clients(x, &o, registry_warn, c, err, sizeof(err));
	ixf_free(x);
	if (!cl) {
		snprintf(c->err, c->errlen, "%s", err);
		return NULL;
	}
	struct ynode *root = derived_tree(c, cl);
	ixf_clients_free(cl);
	return root;
}

int load_clients(struct ctx *c)
{
	struct ixpd_config *cfg = c->cfg;
	if (!cfg->registry.ixf) {
		cfg->members_source = xstrdup(cfg->clients_path);
		return load_file(c, S_CLIENTS_FILE, cfg->clients_path);
	}
	c->file = cfg->registry.ixf;
	c->scope = S_CLIENTS_FILE;
	struct ynode *root = registry_tree(c);
	if (!root)
		return -1;
	int r = 0;
	if (cfg->clients_path) {
		c->file = cfg->clients_path;
		struct ynode *file = yaml_load(c, cfg->clients_path);
		r = !file || compat_convert(c, S_CLIENTS_FILE, file);
		if (!r && file->kind == Y_MAP)
			merge_clients(root, file);
		ynode_free(file);
		size_t len = strlen(cfg->registry.ixf) + strlen(cfg->clients_path) + sizeof(", merged with ");
		cfg->members_source = xmalloc(len);
		snprintf(cfg->members_source, len, "%s, merged with %s", cfg->registry.ixf, cfg->clients_path);
	} else {
		cfg->members_source = xstrdup(cfg->registry.ixf);
	}
	c->file = cfg->members_source;
	r = r || compat_convert(c, S_CLIENTS_FILE, root) || load_node(c, root);
	ynode_free(root);
	return r ? -1 : 0;
}
