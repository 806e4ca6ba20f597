/* SPDX-License-Identifier: ISC */
/* rules: what the option table cannot say key by key -- rules between
 * keys and defaults that depend on other keys -- run once a node of their
 * scope is loaded. */
#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ */
/* Rules between keys, and defaults that depend on other keys          */

/* arouteserver `configure`'s communities, given to the functions
 * general.yml leaves entirely unset (no std, lrg or ext) unless ixpd.yml
 * says communities_defaults: False. */
static const struct {
	enum cfg_community_id id;
	const char *std, *lrg;       /* normalised as comm_check() writes them */
} community_defaults[] = {
	{ CFG_COMM_PREFIX_PRESENT_IN_AS_SET, "64512:11", "rs_as:64512:11" },
	{ CFG_COMM_PREFIX_NOT_PRESENT_IN_AS_SET, "64512:10", "rs_as:64512:10" },
	{ CFG_COMM_ORIGIN_PRESENT_IN_AS_SET, "64512:21", "rs_as:64512:21" },
	{ CFG_COMM_ORIGIN_NOT_PRESENT_IN_AS_SET, "64512:20", "rs_as:64512:20" },
	{ CFG_COMM_PREFIX_VALIDATED_VIA_RPKI_ROAS, "64512:31", "rs_as:64512:31" },
	{ CFG_COMM_ROUTE_VALIDATED_VIA_WHITE_LIST, "64512:41", "rs_as:64512:41" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_NOT_PERFORMED, "64512:50", "rs_as:1000:3" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_VALID, "64512:51", "rs_as:1000:1" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_UNKNOWN, "64512:52", "rs_as:1000:2" },
	{ CFG_COMM_RPKI_BGP_ORIGIN_VALIDATION_INVALID, "64512:53", "rs_as:1000:4" },
	{ CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY, "0:rs_as", "rs_as:0:0" },
	{ CFG_COMM_DO_NOT_ANNOUNCE_TO_PEER, "0:peer_as", "rs_as:0:peer_as" },
	{ CFG_COMM_ANNOUNCE_TO_PEER, "rs_as:peer_as", "rs_as:1:peer_as" },
	{ CFG_COMM_PREPEND_ONCE_TO_ANY, "65501:rs_as", "rs_as:101:0" },
	{ CFG_COMM_PREPEND_TWICE_TO_ANY, "65502:rs_as", "rs_as:102:0" },
	{ CFG_COMM_PREPEND_THRICE_TO_ANY, "65503:rs_as", "rs_as:103:0" },
	{ CFG_COMM_PREPEND_ONCE_TO_PEER, "65511:peer_as", "rs_as:101:peer_as" },
	{ CFG_COMM_PREPEND_TWICE_TO_PEER, "65512:peer_as", "rs_as:102:peer_as" },
	{ CFG_COMM_PREPEND_THRICE_TO_PEER, "65513:peer_as", "rs_as:103:peer_as" },
	{ CFG_COMM_ADD_NOEXPORT_TO_PEER, "65281:peer_as", "rs_as:65281:peer_as" },
	{ CFG_COMM_ADD_NOADVERTISE_TO_PEER, "65282:peer_as", "rs_as:65282:peer_as" },
	{ CFG_COMM_REJECT_CAUSE, "65520:dyn_val", "rs_as:65520:dyn_val" },
	{ CFG_COMM_REJECTED_ROUTE_ANNOUNCED_BY, NULL, "rs_as:65524:dyn_val" },
};

/* The Euro-IX reject codes `configure` maps arouteserver's codes to. */
static const struct { const char *code, *lrg; } reject_cause_map_defaults[] = {
	{ "1", "rs_as:1101:5" }, { "2", "rs_as:1101:3" }, { "5", "rs_as:1101:8" },
	{ "6", "rs_as:1101:7" }, { "7", "rs_as:1101:4" }, { "8", "rs_as:1101:14" },
	{ "9", "rs_as:1101:10" }, { "10", "rs_as:1101:3" }, { "12", "rs_as:1101:9" },
	{ "14", "rs_as:1101:13" },
};

static bool std_uses_rs_as(const char *std)
{
	return strncmp(std, "rs_as:", 6) == 0 || strcmp(std + strcspn(std, ":"), ":rs_as") == 0;
}

/* As arouteserver: a standard community cannot carry an rs_as that needs
 * more than 16 bits. */
static int check_std_fits(struct ctx *c, const struct ynode *root, const char *path,
    const struct cfg_community *cm)
{
	char std_path[PATH_LEN + sizeof(".std")];
	int line;

	if (cm->std == NULL || c->cfg->rs_as <= 65535 || !std_uses_rs_as(cm->std))
		return 0;
	snprintf(std_path, sizeof(std_path), "%s.std", path);
	ynode_path(root, std_path, &line);
	return fail_at(c, line, std_path,
	    "'%s' uses rs_as, but rs_as %u does not fit in a standard community (use lrg)",
	    cm->std, c->cfg->rs_as);
}

static int check_std_rs_as(struct ctx *c, const struct ynode *root)
{
	for (size_t i = 0; i < n_opts; i++) {
		const struct opt *o = &opts[i];
		const void *f = field_at(c->base, o);
		if (!(o->scope & S_GENERAL))
			continue;
		if (o->type == &t_community && check_std_fits(c, root, o->path, f))
			return -1;
		for (int k = 0; o->type == &t_comm_map && k < ((const struct cfg_community_map *)f)->n; k++) {
			const struct cfg_named_community *nc = &((const struct cfg_community_map *)f)->v[k];
			char path[PATH_LEN];
			snprintf(path, sizeof(path), "%s.%s", o->path, nc->name);
			if (check_std_fits(c, root, path, &nc->comm))
				return -1;
		}
	}
	return 0;
}

static int check_blackhole_next_hops(struct ctx *c, const struct ynode *root)
{
	const struct cfg_general *g = &c->cfg->general;
	const struct {
		enum cfg_blackhole_policy policy;
		int family;
		const char *path, *need;
	} fam[] = {
		{ g->blackhole_filtering.policy_ipv4, g->blackhole_filtering.rewrite_next_hop_ipv4.family,
		  "cfg.blackhole_filtering.policy_ipv4", "rewrite_next_hop_ipv4" },
		{ g->blackhole_filtering.policy_ipv6, g->blackhole_filtering.rewrite_next_hop_ipv6.family,
		  "cfg.blackhole_filtering.policy_ipv6", "rewrite_next_hop_ipv6" },
	};
	int line;

	for (size_t i = 0; i < ARRAY_LEN(fam); i++) {
		if (fam[i].policy != CFG_BLACKHOLE_REWRITE_NEXT_HOP || fam[i].family != 0)
			continue;
		ynode_path(root, fam[i].path, &line);
		return fail_at(c, line, fam[i].path,
		    "'rewrite-next-hop' needs the address in cfg.blackhole_filtering.%s", fam[i].need);
	}
	return 0;
}

/* A transit-free action without its own list uses the list of
 * arouteserver's reference general.yml. */
static int default_transit_free_asns(struct ctx *c, const struct ynode *root)
{
	struct cfg_u32_list *l = &c->cfg->general.filtering.transit_free.asns;
	int line;

	if (c->cfg->general.filtering.transit_free.action == CFG_TRANSIT_FREE_NONE ||
	    ynode_path(root, "cfg.filtering.transit_free.asns", &line) != NULL)
		return 0;
	l->v = xmalloc(asn_transit_free_reference_n * sizeof(*l->v));
	memcpy(l->v, asn_transit_free_reference, asn_transit_free_reference_n * sizeof(*l->v));
	l->n = (int)asn_transit_free_reference_n;
	return 0;
}

static int default_communities(struct ctx *c, const struct ynode *root)
{
	struct ixpd_config *cfg = c->cfg;
	struct cfg_community_map *m = &cfg->general.reject_cause_map;

	(void)root;
	if (!cfg->communities_defaults)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(community_defaults); i++) {
		struct cfg_community *cm = &cfg->general.communities[community_defaults[i].id];
		const char *std = community_defaults[i].std;
		if (!comm_empty(cm))
			continue;
		if (std != NULL && (cfg->rs_as <= 65535 || !std_uses_rs_as(std)))
			cm->std = xstrdup(std);
		cm->lrg = xstrdup(community_defaults[i].lrg);
	}
	if (m->n > 0)
		return 0;
	m->v = xcalloc(ARRAY_LEN(reject_cause_map_defaults), sizeof(*m->v));
	for (size_t i = 0; i < ARRAY_LEN(reject_cause_map_defaults); i++) {
		m->v[i].name = xstrdup(reject_cause_map_defaults[i].code);
		m->v[i].comm.lrg = xstrdup(reject_cause_map_defaults[i].lrg);
	}
	m->n = (int)ARRAY_LEN(reject_cause_map_defaults);
	return 0;
}

/* arouteserver reads a ripe-rpki-validator-cache export from a URL; one
 * given as a local file (no scheme) is the VRP file ixpd reads. */
static int default_vrp_file(struct ctx *c, const struct ynode *root)
{
	struct ixpd_config *cfg = c->cfg;
	const struct cfg_str_list *urls = &cfg->general.rpki_roas.ripe_rpki_validator_url;

	(void)root;
	if (cfg->rpki.vrp_file != NULL || cfg->general.rpki_roas.source != CFG_RPKI_ROAS_RIPE_CACHE)
		return 0;
	for (int i = 0; i < urls->n && cfg->rpki.vrp_file == NULL; i++)
		if (strstr(urls->v[i], "://") == NULL)
			cfg->rpki.vrp_file = resolve_path(c, urls->v[i]);
	return 0;
}

/* The members come from a clients.yml, a registry, or both. */
static int check_members_source(struct ctx *c, const struct ynode *root)
{
	(void)root;
	if (c->cfg->clients_path || c->cfg->registry.ixf)
		return 0;
	return fail(c, 1, "clients: required: a clients.yml, or registry.ixf (an IX-F member export), or both");
}

/* Two route servers of one LAN share general.yml but not the router id:
 * ixpd.yml's, when set, is this instance's. */
static int instance_router_id(struct ctx *c, const struct ynode *root)
{
	(void)root;
	if (c->cfg->router_id_instance.s_addr != INADDR_ANY)
		c->cfg->router_id = c->cfg->router_id_instance;
	return 0;
}

/* Origin validation without VRPs would call every route "unknown": a
 * filter that does not filter. */
static int check_rpki_source(struct ctx *c, const struct ynode *root)
{
	static const char key[] = "cfg.filtering.rpki_bgp_origin_validation.enabled";
	const struct ixpd_config *cfg = c->cfg;
	const struct cfg_policy *pol = c->base[B_POLICY];
	int line;

	if (!pol->filtering.rpki_bgp_origin_validation.enabled)
		return 0;
	ynode_path(root, key, &line);
	if (cfg->general.rpki_roas.source == CFG_RPKI_ROAS_RTR && cfg->rpki.rtr.n == 0)
		return fail_at(c, line, key, "RPKI origin validation is enabled and cfg.rpki_roas.source "
		    "is 'rtr', but ixpd.yml configures no rpki.rtr cache");
	if (cfg->rpki.rtr.n == 0 && cfg->rpki.vrp_file == NULL)
		return fail_at(c, line, key, "RPKI origin validation is enabled but no RPKI data source "
		    "is configured: set rpki.vrp_file or rpki.rtr in ixpd.yml (ixpd does not download "
		    "cfg.rpki_roas.ripe_rpki_validator_url)");
	return 0;
}

/* A whois dump in use needs a place to read it from (ARIN's has no
 * default). */
static int check_whois_sources(struct ctx *c, const struct ynode *root)
{
	static const char *const keys[] = { "cfg.filtering.irrdb.use_arin_bulk_whois_data.enabled",
		"cfg.filtering.irrdb.use_registrobr_bulk_whois_data.enabled" };
	const struct cfg_general *g = &c->cfg->general;
	const bool enabled[] = { g->filtering.irrdb.use_arin_bulk_whois_data.enabled,
		g->filtering.irrdb.use_registrobr_bulk_whois_data.enabled };
	const char *const sources[] = { g->filtering.irrdb.use_arin_bulk_whois_data.source,
		g->filtering.irrdb.use_registrobr_bulk_whois_data.source };
	int line;

	for (int i = 0; i < 2; i++) {
		if (!enabled[i] || (sources[i] && sources[i][0]))
			continue;
		ynode_path(root, keys[i], &line);
		return fail_at(c, line, keys[i], "True needs a source: a file, or an http(s):// or ftp:// URL");
	}
	return 0;
}

/* As arouteserver: tagging rejected routes needs the community to tag with. */
static int check_reject_cause(struct ctx *c, const struct ynode *root)
{
	static const char key[] = "cfg.filtering.reject_policy.policy";
	const struct cfg_policy *pol = c->base[B_POLICY];
	int line;

	if (pol->filtering.reject_policy.policy == CFG_REJECT_POLICY_REJECT ||
	    !comm_empty(&c->cfg->general.communities[CFG_COMM_REJECT_CAUSE]))
		return 0;
	ynode_path(root, key, &line);
	return fail_at(c, line, key, "'%s' needs the cfg.communities.reject_cause community",
	    reject_policy_names[pol->filtering.reject_policy.policy]);
}

/* As arouteserver: the list and the policy go together. */
static int check_authorized_addresses(struct ctx *c, const struct ynode *root)
{
	static const char policy[] = "cfg.filtering.next_hop.policy";
	static const char list[] = "cfg.filtering.next_hop.authorized_addresses_list";
	const struct cfg_client *cl = c->base[B_CLIENT];
	bool authorized = cl->policy.filtering.next_hop.policy == CFG_NEXT_HOP_AUTHORIZED_ADDRESSES;
	int line;

	if (authorized && cl->authorized_addresses_list.n == 0) {
		ynode_path(root, policy, &line);
		return fail_at(c, line, policy, "'authorized_addresses' needs a non-empty %s", list);
	}
	if (!authorized && cl->authorized_addresses_list.n > 0) {
		ynode_path(root, list, &line);
		return fail_at(c, line, list, "is set, but the next_hop policy is not 'authorized_addresses'");
	}
	return 0;
}

/* Linux takes TCP-MD5 keys of at most 80 bytes (TCP_MD5SIG_MAXKEYLEN). */
static int check_password(struct ctx *c, const struct ynode *root)
{
	const struct cfg_client *cl = c->base[B_CLIENT];
	int line;

	if (cl->password && (strlen(cl->password) == 0 || strlen(cl->password) > 80)) {
		ynode_path(root, "password", &line);
		return fail_at(c, line, "password", "a TCP-MD5 key is 1 to 80 bytes long (this one: %zu)",
		    strlen(cl->password));
	}
	return 0;
}

/* Run in this order once a node of their scope is loaded: the defaults
 * come after the checks of what the file says, and before the checks of
 * what is in effect. */
static const struct {
	unsigned scope;
	int (*run)(struct ctx *c, const struct ynode *root);
} node_rules[] = {
	{ S_IXPD, check_members_source },
	{ S_GENERAL, check_std_rs_as },
	{ S_GENERAL, instance_router_id },
	{ S_GENERAL, check_blackhole_next_hops },
	{ S_GENERAL, default_transit_free_asns },
	{ S_GENERAL, default_communities },
	{ S_GENERAL, default_vrp_file },
	{ S_GENERAL | S_CLIENT, check_rpki_source },
	{ S_GENERAL, check_whois_sources },
	{ S_GENERAL | S_CLIENT, check_reject_cause },
	{ S_CLIENT, check_authorized_addresses },
	{ S_CLIENT, check_password },
};

int apply_rules(struct ctx *c, const struct ynode *root)
{
	for (size_t i = 0; i < ARRAY_LEN(node_rules); i++)
		if ((node_rules[i].scope & c->scope) && node_rules[i].run(c, root))
			return -1;
	return 0;
}
