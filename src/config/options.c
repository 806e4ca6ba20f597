/* SPDX-License-Identifier: ISC */
/* options: the option table -- every key of ixpd.yml, the bogons file,
 * general.yml and clients.yml with its type, default, place and support.
 * The syntaxes of old arouteserver releases are not here: compat.c
 * rewrites them into these keys. */
#include "config_int.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* The option table                                                    */

static const char *const next_hop_names[] = { "strict", "same-as", "authorized_addresses" };
static const char *const max_prefix_action_names[] = { NULL, "shutdown", "restart", "block", "warning" };
const char *const reject_policy_names[] = { "reject", "tag", "tag_and_reject" };
static const char *const role_names[] = { "provider", "rs", "rs-client", "customer", "peer" };
static const char *const transit_free_names[] = { NULL, "reject", "warning" };
static const char *const blackhole_names[] = { NULL, "propagate-unchanged", "rewrite-next-hop" };
static const char *const rpki_source_names[] = { "ripe-rpki-validator-cache", "rtr" };
static const char *const rfc1997_names[] = { "pass", "rfc1997" };
static const char *const default_validator_urls[] = {
	"https://console.rpki-client.org/vrps.json",
	"https://rpki.gin.ntt.net/api/export.json",
	"https://rpki-validator.ripe.net/api/export.json",
	NULL,
};
static const char *const default_trust_anchors[] = {
	"APNIC RPKI Root", "AfriNIC RPKI Root", "LACNIC RPKI Root", "RIPE NCC RPKI Root",
	"apnic", "afrinic", "lacnic", "ripe", NULL,
};

/* Where an option lives; the scope says which files may set it. */
#define IXPD(f)   .scope = S_IXPD, .base = B_CONFIG, .off = offsetof(struct ixpd_config, f)
#define GEN(f)    .scope = S_GENERAL, .base = B_CONFIG, .off = offsetof(struct ixpd_config, f)
#define POL(f)    .scope = S_GENERAL | S_CLIENT, .base = B_POLICY, .off = offsetof(struct cfg_policy, f)
#define CLI(f)    .scope = S_CLIENT, .base = B_CLIENT, .off = offsetof(struct cfg_client, f)
#define ITEM(s, type, f) .scope = (s), .base = B_ITEM, .off = offsetof(type, f)
#define WHOLE(s, b) .scope = (s), .base = (b), .off = 0

/* Types with their parameters and defaults. */
#define BOOL(d)          .type = &t_bool, .def = (d)
#define U8(lo, hi)       .type = &t_u8, .min = (lo), .max = (hi)
#define U16(lo, hi, d)   .type = &t_u16, .min = (lo), .max = (hi), .def = (d)
#define U32(lo, hi, d)   .type = &t_u32, .min = (lo), .max = (hi), .def = (d)
#define UINT(d)          U32(0, UINT32_MAX, d)
#define ASN              U32(1, UINT32_MAX, 0)
#define ASN_LIST         .type = &t_u32_list, .min = 1, .max = UINT32_MAX
#define ENUM(list, d)    .type = &t_enum, .names = (list), .max = ARRAY_LEN(list), .def = (d)
#define STR(d)           .type = &t_str, .sdef = (d)
#define WORD(d)          .type = &t_word, .sdef = (d)
#define STR_LIST(list)   .type = &t_str_list, .names = (list)
#define ADDR(family)     .type = &t_addr, .min = (family)
/* prefix lengths: min/max defaults packed as (min << 8 | max) */
#define PREF_LEN(bits, dmin, dmax) .type = &t_pref_len, .max = (bits), .def = ((dmin) << 8 | (dmax))

/* What ixpd does with it (enum support). */
#define YES          .support = SUP_YES
#define STORED       .support = SUP_STORED
#define ONLY(v)      .support = SUP_ONLY, .ref = (v)    /* v must be the default */

/* Every key of the three files, in arouteserver's documentation order
 * (config_dump prints in this order, so the keys of a section must stay
 * together).  The support column is the classification documented in
 * docs/configuration.md:
 *   YES     implemented by ixpd;
 *   STORED  accepted and stored for the policy module; it has no effect on
 *           its own (a data source, or a detail of a feature that is off);
 *   ONLY(v) only v is accepted: other values ask for features ixpd does
 *           not implement yet and are refused, never ignored.
 * Rules between keys (a policy that needs another key, defaults that
 * depend on other keys) are node_rules[], in rules.c. */
const struct opt opts[] = {
	/* ixpd.yml */
	{ "general", .type = &t_path, IXPD(general_path), YES, .flags = F_REQUIRED },
	{ "clients", .type = &t_path, IXPD(clients_path), YES },
	{ "registry.ixf", .type = &t_path, IXPD(registry.ixf), YES },
	{ "registry.ixp_id", U32(0, UINT32_MAX, 0), IXPD(registry.ixp_id), YES },
	{ "registry.vlan_id", U32(0, UINT32_MAX, 0), IXPD(registry.vlan_id), YES },
	{ "listen.addresses", .type = &t_listen, WHOLE(S_IXPD, B_CONFIG), YES },
	{ "listen.port", U16(1, 65535, CFG_DEFAULT_PORT), IXPD(port), YES },
	{ "control_socket", STR(IXPD_CONTROL_SOCKET), IXPD(control_socket), YES },
	{ "control_socket_read_only", STR(NULL), IXPD(control_socket_ro), YES },
	{ "log.target", .type = &t_log_target, IXPD(log_syslog), YES },
	{ "log.level", .type = &t_log_level, .def = LOG_LVL_INFO, IXPD(log_level), YES },
	{ "timers.hold_time", .type = &t_hold_time, .max = 65535, .def = CFG_DEFAULT_HOLD_TIME, IXPD(hold_time), YES },
	{ "timers.connect_retry", U16(1, 3600, CFG_DEFAULT_CONNECT_RETRY), IXPD(connect_retry), YES },
	{ "communities_defaults", BOOL(true), IXPD(communities_defaults), YES },
	{ "router_id", .type = &t_router_id, .min = AF_INET, IXPD(router_id_instance), YES },
	{ "cache_dir", .type = &t_path, .sdef = CFG_DEFAULT_CACHE_DIR, IXPD(cache_dir), YES },
	{ "bogons", .type = &t_path, IXPD(bogons_path), YES },
	{ "rpki.rtr", STR_LIST(NULL), .flags = F_HOST_PORT, IXPD(rpki.rtr), YES },
	{ "rpki.vrp_file", .type = &t_path, IXPD(rpki.vrp_file), YES },
	{ "rpki.refresh", U32(1, 86400, CFG_DEFAULT_RPKI_REFRESH), IXPD(rpki.refresh), YES },
	{ "irr.rpsl", STR_LIST(NULL), .flags = F_PATH, IXPD(irr.rpsl), YES },
	{ "irr.bgpq4.enabled", BOOL(false), IXPD(irr.bgpq4.enabled), YES },
	{ "irr.bgpq4.path", .type = &t_path, .sdef = "/usr/bin/bgpq4", IXPD(irr.bgpq4.path), YES },
	{ "irr.bgpq4.host", WORD("rr.ntt.net"), IXPD(irr.bgpq4.host), YES },
	{ "irr.bgpq4.sources", WORD(NULL), IXPD(irr.bgpq4.sources), YES },
	{ "irr.refresh", U32(1, 2592000, CFG_DEFAULT_IRR_REFRESH), IXPD(irr.refresh), YES },
	{ "peeringdb.api", WORD("https://www.peeringdb.com"), .flags = F_URL, IXPD(peeringdb.api), YES },
	{ "peeringdb.api_key", .type = &t_secret, IXPD(peeringdb.api_key), YES },
	{ "peeringdb.file", .type = &t_path, IXPD(peeringdb.file), YES },
	{ "peeringdb.refresh", U32(60, 2592000, CFG_DEFAULT_PEERINGDB_REFRESH), IXPD(peeringdb.refresh), YES },
	{ "mrt.dir", .type = &t_path, IXPD(mrt.dir), YES },
	{ "mrt.rib_interval", U32(0, 604800, 7200), IXPD(mrt.rib_interval), YES },
	{ "mrt.updates_interval", U32(0, 86400, 900), IXPD(mrt.updates_interval), YES },
	{ "mrt.keep", U32(1, 100000, 48), IXPD(mrt.keep), YES },
	{ "location.exchange", U32(0, 65534, 0), IXPD(location.exchange), YES },
	{ "location.country", U32(0, 999, 0), IXPD(location.country), YES },
	{ "http.listen", STR_LIST(NULL), .flags = F_ADDR_PORT, IXPD(http.listen), YES },
	{ "http.max_clients", U32(1, 1000, 32), IXPD(http.max_clients), YES },
	{ "http.max_clients_per_address", U32(1, 1000, 8), IXPD(http.max_clients_per_address), YES },
	{ "http.requests_per_second", U32(1, 100000, 20), IXPD(http.requests_per_second), YES },
	{ "http.burst", U32(1, 100000, 40), IXPD(http.burst), YES },
	{ "http.timeout", U32(1, 3600, 30), IXPD(http.timeout), YES },

	/* the bogons file: arouteserver's bogons.yml format */
	{ "bogons", .type = &t_prefix_list, .sub = S_PREFIX, .scope = S_BOGONS, .base = B_CONFIG,
	  .off = offsetof(struct ixpd_config, bogons), YES, .flags = F_REQUIRED },

	/* clients.yml top level */
	{ "asns", .type = &t_asns, WHOLE(S_CLIENTS_FILE, B_CONFIG), YES },
	{ "clients", .type = &t_clients, WHOLE(S_CLIENTS_FILE, B_CONFIG), YES, .flags = F_REQUIRED },

	/* a clients.yml entry, outside its cfg: */
	{ "asn", ASN, CLI(asn), YES, .flags = F_REQUIRED },
	{ "ip", .type = &t_member_ips, WHOLE(S_CLIENT, B_CLIENT), YES, .flags = F_REQUIRED },
	{ "id", STR(NULL), CLI(id), YES },
	{ "description", STR(NULL), CLI(description), YES },
	{ "password", .type = &t_secret, CLI(password), YES },
	{ "site", U32(0, 65534, 0), CLI(site), YES },
	{ "16bit_mapped_asn", U32(64512, 65534, 0), CLI(mapped_asn16), STORED },

	/* general.yml cfg:, and a client's cfg: (POL and CLI rows) */
	{ "cfg.rs_as", ASN, GEN(rs_as), YES, .flags = F_REQUIRED },
	{ "cfg.router_id", .type = &t_router_id, .min = AF_INET, GEN(router_id), YES, .flags = F_REQUIRED },
	{ "cfg.prepend_rs_as", BOOL(false), POL(prepend_rs_as), YES },
	{ "cfg.path_hiding", BOOL(true), GEN(path_hiding), YES },
	{ "cfg.passive", BOOL(true), POL(passive), YES, .flags = F_MEMBER },
	{ "cfg.multihop", U32(0, 255, 0), POL(multihop), YES },
	{ "cfg.gtsm", BOOL(false), POL(gtsm), YES },
	{ "cfg.add_path", BOOL(false), POL(add_path), YES, .flags = F_MEMBER },
	{ "cfg.rfc8950", BOOL(false), POL(rfc8950), ONLY(false) },

	{ "cfg.filtering.next_hop.policy", ENUM(next_hop_names, CFG_NEXT_HOP_STRICT),
	  POL(filtering.next_hop.policy), YES },
	{ "cfg.filtering.next_hop.authorized_addresses_list", .type = &t_addr_list,
	  CLI(authorized_addresses_list), YES },
	{ "cfg.filtering.ipv4_pref_len", PREF_LEN(32, 8, 24), POL(filtering.ipv4_pref_len), YES },
	{ "cfg.filtering.ipv6_pref_len", PREF_LEN(128, 12, 48), POL(filtering.ipv6_pref_len), YES },
	{ "cfg.filtering.global_black_list_pref", .type = &t_prefix_list, .sub = S_PREFIX,
	  GEN(general.filtering.global_black_list_pref), YES },
	{ "cfg.filtering.black_list_pref", .type = &t_prefix_list, .sub = S_PREFIX,
	  CLI(black_list_pref), YES },
	{ "cfg.filtering.max_as_path_len", U32(1, 64, 32), POL(filtering.max_as_path_len), YES },
	{ "cfg.filtering.reject_invalid_as_in_as_path", BOOL(true),
	  POL(filtering.reject_invalid_as_in_as_path), YES },
	{ "cfg.filtering.transit_free.action", ENUM(transit_free_names, CFG_TRANSIT_FREE_NONE),
	  GEN(general.filtering.transit_free.action), YES },
	{ "cfg.filtering.transit_free.asns", ASN_LIST, GEN(general.filtering.transit_free.asns), YES },
	{ "cfg.filtering.never_via_route_servers.peering_db", BOOL(true),
	  GEN(general.filtering.never_via_route_servers.peering_db), YES },
	{ "cfg.filtering.never_via_route_servers.asns", ASN_LIST,
	  GEN(general.filtering.never_via_route_servers.asns), YES },

	{ "cfg.filtering.irrdb.as_sets", STR_LIST(NULL), CLI(irrdb.as_sets), YES, .flags = F_AS_SET },
	{ "cfg.filtering.irrdb.enforce_origin_in_as_set", BOOL(true),
	  POL(filtering.irrdb.enforce_origin_in_as_set), YES },
	{ "cfg.filtering.irrdb.enforce_prefix_in_as_set", BOOL(true),
	  POL(filtering.irrdb.enforce_prefix_in_as_set), YES },
	{ "cfg.filtering.irrdb.allow_longer_prefixes", BOOL(false),
	  GEN(general.filtering.irrdb.allow_longer_prefixes), YES },
	{ "cfg.filtering.irrdb.tag_as_set", BOOL(true), GEN(general.filtering.irrdb.tag_as_set), YES },
	{ "cfg.filtering.irrdb.peering_db", BOOL(false), GEN(general.filtering.irrdb.peering_db), STORED },
	{ "cfg.filtering.irrdb.use_rpki_roas_as_route_objects.enabled", BOOL(false),
	  GEN(general.filtering.irrdb.use_rpki_roas_as_route_objects.enabled), YES },
	{ "cfg.filtering.irrdb.use_arin_bulk_whois_data.enabled", BOOL(false),
	  GEN(general.filtering.irrdb.use_arin_bulk_whois_data.enabled), YES },
	{ "cfg.filtering.irrdb.use_arin_bulk_whois_data.source", STR(NULL),
	  GEN(general.filtering.irrdb.use_arin_bulk_whois_data.source), YES },
	{ "cfg.filtering.irrdb.use_registrobr_bulk_whois_data.enabled", BOOL(false),
	  GEN(general.filtering.irrdb.use_registrobr_bulk_whois_data.enabled), YES },
	{ "cfg.filtering.irrdb.use_registrobr_bulk_whois_data.source",
	  STR("ftp://ftp.registro.br/pub/numeracao/origin/nicbr-asn-blk-latest.txt"),
	  GEN(general.filtering.irrdb.use_registrobr_bulk_whois_data.source), YES },
	{ "cfg.filtering.irrdb.white_list_pref", .type = &t_prefix_list, .sub = S_PREFIX,
	  CLI(irrdb.white_list_pref), YES },
	{ "cfg.filtering.irrdb.white_list_asn", ASN_LIST, CLI(irrdb.white_list_asn), YES },
	{ "cfg.filtering.irrdb.white_list_route", .type = &t_prefix_list, .sub = S_ROUTE,
	  CLI(irrdb.white_list_route), YES },

	{ "cfg.filtering.rpki_bgp_origin_validation.enabled", BOOL(false),
	  POL(filtering.rpki_bgp_origin_validation.enabled), YES },
	{ "cfg.filtering.rpki_bgp_origin_validation.reject_invalid", BOOL(true),
	  POL(filtering.rpki_bgp_origin_validation.reject_invalid), YES },

	{ "cfg.filtering.max_prefix.action", ENUM(max_prefix_action_names, CFG_MAX_PREFIX_NONE),
	  POL(filtering.max_prefix.action), YES },
	{ "cfg.filtering.max_prefix.restart_after", UINT(15), POL(filtering.max_prefix.restart_after), YES },
	{ "cfg.filtering.max_prefix.count_rejected_routes", BOOL(true),
	  POL(filtering.max_prefix.count_rejected_routes), YES },
	{ "cfg.filtering.max_prefix.peering_db.enabled", BOOL(true),
	  POL(filtering.max_prefix.peering_db.enabled), YES },
	{ "cfg.filtering.max_prefix.peering_db.increment.absolute", UINT(100),
	  POL(filtering.max_prefix.peering_db.increment.absolute), YES },
	{ "cfg.filtering.max_prefix.peering_db.increment.relative", UINT(15),
	  POL(filtering.max_prefix.peering_db.increment.relative), YES },
	{ "cfg.filtering.max_prefix.general_limit_ipv4", UINT(170000),
	  GEN(general.filtering.max_prefix.general_limit_ipv4), YES },
	{ "cfg.filtering.max_prefix.general_limit_ipv6", UINT(12000),
	  GEN(general.filtering.max_prefix.general_limit_ipv6), YES },
	{ "cfg.filtering.max_prefix.limit_ipv4", UINT(0), CLI(max_prefix.limit_ipv4), YES },
	{ "cfg.filtering.max_prefix.limit_ipv6", UINT(0), CLI(max_prefix.limit_ipv6), YES },

	{ "cfg.filtering.roles.enabled", BOOL(false), POL(filtering.roles.enabled), YES },
	{ "cfg.filtering.roles.strict_mode", BOOL(false), POL(filtering.roles.strict_mode), YES },
	{ "cfg.filtering.roles.local_role", ENUM(role_names, CFG_ROLE_RS), CLI(local_role), ONLY(CFG_ROLE_RS) },
	{ "cfg.filtering.reject_policy.policy", ENUM(reject_policy_names, CFG_REJECT_POLICY_REJECT),
	  POL(filtering.reject_policy.policy), YES },

	{ "cfg.rpki_roas.source", ENUM(rpki_source_names, CFG_RPKI_ROAS_RIPE_CACHE),
	  GEN(general.rpki_roas.source), STORED },
	{ "cfg.rpki_roas.ripe_rpki_validator_url", STR_LIST(default_validator_urls),
	  GEN(general.rpki_roas.ripe_rpki_validator_url), STORED },
	{ "cfg.rpki_roas.allowed_trust_anchors", STR_LIST(default_trust_anchors),
	  GEN(general.rpki_roas.allowed_trust_anchors), YES },
	{ "cfg.rpki_roas.ignore_cache_files_older_than", UINT(21600),
	  GEN(general.rpki_roas.ignore_cache_files_older_than), YES },

	{ "cfg.blackhole_filtering.policy_ipv4", ENUM(blackhole_names, CFG_BLACKHOLE_NONE),
	  GEN(general.blackhole_filtering.policy_ipv4), YES },
	{ "cfg.blackhole_filtering.policy_ipv6", ENUM(blackhole_names, CFG_BLACKHOLE_NONE),
	  GEN(general.blackhole_filtering.policy_ipv6), YES },
	{ "cfg.blackhole_filtering.rewrite_next_hop_ipv4", ADDR(AF_INET),
	  GEN(general.blackhole_filtering.rewrite_next_hop_ipv4), YES },
	{ "cfg.blackhole_filtering.rewrite_next_hop_ipv6", ADDR(AF_INET6),
	  GEN(general.blackhole_filtering.rewrite_next_hop_ipv6), YES },
	{ "cfg.blackhole_filtering.announce_to_client", BOOL(true),
	  POL(blackhole_filtering.announce_to_client), YES },
	{ "cfg.blackhole_filtering.add_noexport", BOOL(true),
	  GEN(general.blackhole_filtering.add_noexport), YES },

	{ "cfg.graceful_shutdown.enabled", BOOL(false), POL(graceful_shutdown.enabled), YES },
	{ "cfg.graceful_shutdown.local_pref", UINT(0), GEN(general.graceful_shutdown.local_pref), YES },
	{ "cfg.rfc1997_wellknown_communities.policy", ENUM(rfc1997_names, CFG_RFC1997_PASS),
	  GEN(general.rfc1997_wellknown_communities.policy), YES },
	{ "cfg.rtt_thresholds", .type = &t_u32_list, .max = UINT32_MAX, .flags = F_ASCENDING,
	  GEN(general.rtt_thresholds), YES },

#define COMMUNITY_OPT(id, key, macro_flags) \
	{ "cfg.communities." #key, .type = &t_community, .macros = (macro_flags), \
	  GEN(general.communities[CFG_COMM_##id]), YES },
	CFG_COMMUNITIES(COMMUNITY_OPT)
#undef COMMUNITY_OPT
	{ "cfg.communities.reject_cause_map", .type = &t_comm_map, .flags = F_REJECT_CODES,
	  GEN(general.reject_cause_map), YES },
	{ "cfg.custom_communities", .type = &t_comm_map, .flags = F_CUSTOM_DEF,
	  GEN(general.custom_communities), YES },
	{ "cfg.attach_custom_communities", STR_LIST(NULL), .flags = F_CUSTOM_REF,
	  CLI(attach_custom_communities), YES },

	/* a prefix-list entry; white_list_route entries also have asn */
	{ "prefix", ADDR(0), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, prefix), YES, .flags = F_REQUIRED },
	{ "length", U8(0, 128), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, length), YES, .flags = F_REQUIRED },
	{ "exact", BOOL(false), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, exact), YES },
	{ "ge", U8(0, 128), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, ge), YES },
	{ "le", U8(0, 128), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, le), YES },
	{ "asn", ASN, ITEM(S_ROUTE, struct cfg_prefix, asn), YES },
	{ "comment", STR(NULL), ITEM(S_PREFIX | S_ROUTE, struct cfg_prefix, comment), YES },

	/* a community */
	{ "std", .type = &t_comm_value, .min = 2, ITEM(S_COMMUNITY, struct cfg_community, std), YES },
	{ "lrg", .type = &t_comm_value, .min = 3, ITEM(S_COMMUNITY, struct cfg_community, lrg), YES },
	{ "ext", .type = &t_comm_value, .min = 3, .flags = F_EXT,
	  ITEM(S_COMMUNITY, struct cfg_community, ext), YES },

	/* an asns: entry */
	{ "as_sets", STR_LIST(NULL), .flags = F_AS_SET, ITEM(S_ASN, struct cfg_asn_entry, as_sets), STORED },
};
const size_t n_opts = ARRAY_LEN(opts);
