/* SPDX-License-Identifier: ISC */
/* config: the lifecycle of a configuration -- config_load() reads ixpd.yml,
 * the bogons file, general.yml and clients.yml in this order and sorts the
 * members, config_free() frees it through the option table.  How the
 * loader is built, and which file does what: config_int.h. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "bogons.h"
#include "config_int.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* Loading the three files                                             */

static int cmp_member(const void *a, const void *b)
{
	const struct cfg_member *x = a, *y = b;
	int r = ip_addr_cmp(&x->addr, &y->addr);

	return r ? r : x->line - y->line;
}

static int sort_members(struct ctx *c)
{
	struct ixpd_config *cfg = c->cfg;
	char buf[INET6_ADDRSTRLEN];

	if (cfg->n_members > 1)     /* qsort(NULL, 0) is undefined */
		qsort(cfg->members, (size_t)cfg->n_members, sizeof(*cfg->members), cmp_member);
	for (int i = 1; i < cfg->n_members; i++) {
		const struct cfg_member *m = &cfg->members[i];
		if (ip_addr_equal(&m->addr, &m[-1].addr))
			return fail(c, m->line, "duplicate IP address %s: already used at line %d",
			    ip_addr_str(&m->addr, buf, sizeof(buf)), m[-1].line);
	}
	return 0;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) + 1 : 0;
	char *dir = xmalloc(len + 1);

	memcpy(dir, path, len);
	dir[len] = '\0';
	return dir;
}

struct ixpd_config *config_load(const char *path, char *err, size_t errlen)
{
	struct ixpd_config *cfg = xcalloc(1, sizeof(*cfg));
	char *dir = dir_of(path);
	struct ctx c = {
		.cfg = cfg, .dir = dir, .err = err, .errlen = errlen,
		.base = { [B_CONFIG] = cfg, [B_POLICY] = &cfg->policy },
	};
	int r;

	cfg->path = xstrdup(path);
	r = load_file(&c, S_IXPD, cfg->path) ||
	    (cfg->bogons_path != NULL && load_file(&c, S_BOGONS, cfg->bogons_path)) ||
	    load_file(&c, S_GENERAL, cfg->general_path) ||
	    load_clients(&c) ||
	    sort_members(&c);
	free(dir);
	if (r) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

static bool policy_wants_peeringdb(const struct cfg_policy *p)
{
	return p->filtering.max_prefix.peering_db.enabled && p->filtering.max_prefix.action != CFG_MAX_PREFIX_NONE;
}

bool config_wants_peeringdb(const struct ixpd_config *cfg)
{
	if (cfg->general.filtering.never_via_route_servers.peering_db || cfg->general.filtering.irrdb.peering_db ||
	    policy_wants_peeringdb(&cfg->policy))
		return true;
	for (int i = 0; i < cfg->n_clients; i++)
		if (policy_wants_peeringdb(&cfg->clients[i].policy))
			return true;
	return false;
}

char *config_whois_source(const struct ixpd_config *cfg, bool registrobr)
{
	const struct cfg_general *g = &cfg->general;
	bool enabled = registrobr ? g->filtering.irrdb.use_registrobr_bulk_whois_data.enabled :
	    g->filtering.irrdb.use_arin_bulk_whois_data.enabled;
	const char *src = registrobr ? g->filtering.irrdb.use_registrobr_bulk_whois_data.source :
	    g->filtering.irrdb.use_arin_bulk_whois_data.source;
	if (!enabled || !src)
		return NULL;
	if (strstr(src, "://") || src[0] == '/' || !cfg->general_path)
		return xstrdup(src);
	const char *slash = strrchr(cfg->general_path, '/');
	size_t dlen = slash ? (size_t)(slash - cfg->general_path) + 1 : 0;
	char *path = xmalloc(dlen + strlen(src) + 1);
	memcpy(path, cfg->general_path, dlen);
	strcpy(path + dlen, src);
	return path;
}

const struct cfg_prefix_list *config_bogons(const struct ixpd_config *cfg)
{
	return cfg->bogons_path != NULL ? &cfg->bogons : bogons_builtin();
}

void config_free(struct ixpd_config *cfg)
{
	if (cfg == NULL)
		return;
	free_opts(S_IXPD | S_BOGONS | S_GENERAL, B_CONFIG, cfg);
	for (int i = 0; i < cfg->n_clients; i++)
		free_opts(S_CLIENT, B_CLIENT, &cfg->clients[i]);
	for (int i = 0; i < cfg->n_asns; i++)
		free_opts(S_ASN, B_ITEM, &cfg->asns[i]);
	for (int i = 0; i < cfg->warnings.n; i++)
		free(cfg->warnings.v[i]);
	free(cfg->warnings.v);
	free(cfg->clients);
	free(cfg->asns);
	free(cfg->members);
	free(cfg->listen_addrs);
	free(cfg->members_source);
	free(cfg->path);
	free(cfg);
}
