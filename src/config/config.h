/* SPDX-License-Identifier: ISC */
/* config: reads ixpd.yml, the bogons file and the arouteserver-format
 * general.yml and clients.yml it names, validates them, and produces an
 * immutable struct ixpd_config.  Errors are reported as "file:line: what is
 * wrong".  A key arouteserver documents whose value asks for something ixpd
 * does not do yet is refused, naming the key; a value turning a feature off
 * is fine.  The deprecated syntaxes arouteserver still accepts are
 * converted as arouteserver converts them, each with a warning in
 * cfg->warnings.  The daemon never edits a loaded config: reload = load
 * new + swap.
 *
 * Values in effect, beyond each key's own default (docs/configuration.md):
 *  - cfg.communities a general.yml leaves entirely unset get arouteserver
 *    `configure`'s values, and an empty reject_cause_map its Euro-IX map,
 *    unless ixpd.yml says communities_defaults: False;
 *  - transit_free.asns, absent while an action is set, is
 *    asn_transit_free_reference (asn.h);
 *  - rpki.vrp_file, unset, is the first ripe_rpki_validator_url that is a
 *    local path (source ripe-rpki-validator-cache).
 * RPKI origin validation enabled anywhere guarantees rpki.rtr or
 * rpki.vrp_file (and rpki.rtr when the source is rtr); other data sources
 * are optional. */
#ifndef IXPD_CONFIG_H
#define IXPD_CONFIG_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "addr.h"
#include "paths.h"
#include "log.h"

#define CFG_DEFAULT_PORT 179
#define CFG_DEFAULT_HOLD_TIME 90
#define CFG_DEFAULT_CONNECT_RETRY 10
#define CFG_DEFAULT_CACHE_DIR "/var/cache/ixpd"
#define CFG_DEFAULT_RPKI_REFRESH 300
#define CFG_DEFAULT_IRR_REFRESH 86400
#define CFG_DEFAULT_PEERINGDB_REFRESH 86400


/* ---- arouteserver options (general.yml, clients.yml) ----
 * Field names mirror arouteserver's key paths (cfg.filtering.irrdb.tag_as_set
 * is general.filtering.irrdb.tag_as_set) so the policy module reads like
 * arouteserver's documentation.  The option table in options.c says for each
 * key whether ixpd implements it, only stores it, or refuses the values that
 * ask for something not implemented yet; docs/configuration.md lists it. */

enum cfg_next_hop_policy {
	CFG_NEXT_HOP_STRICT, CFG_NEXT_HOP_SAME_AS, CFG_NEXT_HOP_AUTHORIZED_ADDRESSES,
};
enum cfg_max_prefix_action {
	CFG_MAX_PREFIX_NONE, CFG_MAX_PREFIX_SHUTDOWN, CFG_MAX_PREFIX_RESTART,
	CFG_MAX_PREFIX_BLOCK, CFG_MAX_PREFIX_WARNING,
};
enum cfg_reject_policy {
	CFG_REJECT_POLICY_REJECT, CFG_REJECT_POLICY_TAG, CFG_REJECT_POLICY_TAG_AND_REJECT,
};
enum cfg_bgp_role {              /* RFC 9234 */
	CFG_ROLE_PROVIDER, CFG_ROLE_RS, CFG_ROLE_RS_CLIENT, CFG_ROLE_CUSTOMER, CFG_ROLE_PEER,
};
enum cfg_transit_free_action {
	CFG_TRANSIT_FREE_NONE, CFG_TRANSIT_FREE_REJECT, CFG_TRANSIT_FREE_WARNING,
};
enum cfg_blackhole_policy {
	CFG_BLACKHOLE_NONE, CFG_BLACKHOLE_PROPAGATE_UNCHANGED, CFG_BLACKHOLE_REWRITE_NEXT_HOP,
};
enum cfg_rpki_roas_source { CFG_RPKI_ROAS_RIPE_CACHE, CFG_RPKI_ROAS_RTR };
enum cfg_rfc1997_policy { CFG_RFC1997_PASS, CFG_RFC1997_RFC1997 };

struct cfg_u32_list { uint32_t *v; int n; };
struct cfg_str_list { char **v; int n; };
struct cfg_addr_list { struct ip_addr *v; int n; };

/* A prefix-list entry (global_black_list_pref, black_list_pref,
 * white_list_pref, white_list_route). */
struct cfg_prefix {
	struct ip_addr prefix;
	uint8_t length;
	bool exact;                  /* only this length, not more specifics */
	uint8_t ge, le;              /* 0 = not set: length..32/128 */
	uint32_t asn;                /* white_list_route origin; 0 = any */
	char *comment;               /* may be NULL */
};
struct cfg_prefix_list { struct cfg_prefix *v; int n; };

struct cfg_pref_len { uint8_t min, max; };

/* One BGP community in its three flavours; NULL = not set.  Values are
 * normalised text ("65534:0", "rs_as:666:0", "rt:0:peer_as"); the rs_as,
 * peer_as and dyn_val macros are kept for the policy module to expand.  A
 * standard form never uses rs_as when rs_as > 65535 (refused, or left out
 * of a default). */
struct cfg_community { char *std, *lrg, *ext; };
/* custom_communities: name = the community's name, in file order.
 * reject_cause_map: name = the reject code as decimal text ("14"; codes
 * 0..65535, written as YAML keys `14:` or `"14":`), in file order. */
struct cfg_named_community { char *name; struct cfg_community comm; };
struct cfg_community_map { struct cfg_named_community *v; int n; };

/* Built-in communities of cfg.communities: X(ID, key, flags). */
#define CFG_COMM_PEER_AS 1       /* last part must be the peer_as macro */
#define CFG_COMM_DYN_VAL 2       /* last part must be the dyn_val macro */
#define CFG_COMMUNITIES(X) \
	X(PREFIX_PRESENT_IN_AS_SET, prefix_present_in_as_set, 0) \
	X(PREFIX_NOT_PRESENT_IN_AS_SET, prefix_not_present_in_as_set, 0) \
	X(ORIGIN_PRESENT_IN_AS_SET, origin_present_in_as_set, 0) \
	X(ORIGIN_NOT_PRESENT_IN_AS_SET, origin_not_present_in_as_set, 0) \
	X(PREFIX_VALIDATED_VIA_RPKI_ROAS, prefix_validated_via_rpki_roas, 0) \
	X(PREFIX_VALIDATED_VIA_ARIN_WHOIS_DB_DUMP, prefix_validated_via_arin_whois_db_dump, 0) \
	X(PREFIX_VALIDATED_VIA_REGISTROBR_WHOIS_DB_DUMP, prefix_validated_via_registrobr_whois_db_dump, 0) \
	X(ROUTE_VALIDATED_VIA_WHITE_LIST, route_validated_via_white_list, 0) \
	X(RPKI_BGP_ORIGIN_VALIDATION_NOT_PERFORMED, rpki_bgp_origin_validation_not_performed, 0) \
	X(RPKI_BGP_ORIGIN_VALIDATION_VALID, rpki_bgp_origin_validation_valid, 0) \
	X(RPKI_BGP_ORIGIN_VALIDATION_UNKNOWN, rpki_bgp_origin_validation_unknown, 0) \
	X(RPKI_BGP_ORIGIN_VALIDATION_INVALID, rpki_bgp_origin_validation_invalid, 0) \
	X(BLACKHOLING, blackholing, 0) \
	X(DO_NOT_ANNOUNCE_TO_ANY, do_not_announce_to_any, 0) \
	X(DO_NOT_ANNOUNCE_TO_PEER, do_not_announce_to_peer, CFG_COMM_PEER_AS) \
	X(ANNOUNCE_TO_PEER, announce_to_peer, CFG_COMM_PEER_AS) \
	X(DO_NOT_ANNOUNCE_TO_PEERS_WITH_RTT_LOWER_THAN, do_not_announce_to_peers_with_rtt_lower_than, CFG_COMM_DYN_VAL) \
	X(DO_NOT_ANNOUNCE_TO_PEERS_WITH_RTT_HIGHER_THAN, do_not_announce_to_peers_with_rtt_higher_than, CFG_COMM_DYN_VAL) \
	X(ANNOUNCE_TO_PEERS_WITH_RTT_LOWER_THAN, announce_to_peers_with_rtt_lower_than, CFG_COMM_DYN_VAL) \
	X(ANNOUNCE_TO_PEERS_WITH_RTT_HIGHER_THAN, announce_to_peers_with_rtt_higher_than, CFG_COMM_DYN_VAL) \
	X(PREPEND_ONCE_TO_ANY, prepend_once_to_any, 0) \
	X(PREPEND_TWICE_TO_ANY, prepend_twice_to_any, 0) \
	X(PREPEND_THRICE_TO_ANY, prepend_thrice_to_any, 0) \
	X(PREPEND_ONCE_TO_PEER, prepend_once_to_peer, CFG_COMM_PEER_AS) \
	X(PREPEND_TWICE_TO_PEER, prepend_twice_to_peer, CFG_COMM_PEER_AS) \
	X(PREPEND_THRICE_TO_PEER, prepend_thrice_to_peer, CFG_COMM_PEER_AS) \
	X(PREPEND_ONCE_TO_PEERS_WITH_RTT_LOWER_THAN, prepend_once_to_peers_with_rtt_lower_than, CFG_COMM_DYN_VAL) \
	X(PREPEND_TWICE_TO_PEERS_WITH_RTT_LOWER_THAN, prepend_twice_to_peers_with_rtt_lower_than, CFG_COMM_DYN_VAL) \
	X(PREPEND_THRICE_TO_PEERS_WITH_RTT_LOWER_THAN, prepend_thrice_to_peers_with_rtt_lower_than, CFG_COMM_DYN_VAL) \
	X(PREPEND_ONCE_TO_PEERS_WITH_RTT_HIGHER_THAN, prepend_once_to_peers_with_rtt_higher_than, CFG_COMM_DYN_VAL) \
	X(PREPEND_TWICE_TO_PEERS_WITH_RTT_HIGHER_THAN, prepend_twice_to_peers_with_rtt_higher_than, CFG_COMM_DYN_VAL) \
	X(PREPEND_THRICE_TO_PEERS_WITH_RTT_HIGHER_THAN, prepend_thrice_to_peers_with_rtt_higher_than, CFG_COMM_DYN_VAL) \
	X(ADD_NOEXPORT_TO_ANY, add_noexport_to_any, 0) \
	X(ADD_NOADVERTISE_TO_ANY, add_noadvertise_to_any, 0) \
	X(ADD_NOEXPORT_TO_PEER, add_noexport_to_peer, CFG_COMM_PEER_AS) \
	X(ADD_NOADVERTISE_TO_PEER, add_noadvertise_to_peer, CFG_COMM_PEER_AS) \
	X(REJECT_CAUSE, reject_cause, CFG_COMM_DYN_VAL) \
	X(REJECTED_ROUTE_ANNOUNCED_BY, rejected_route_announced_by, CFG_COMM_DYN_VAL)

enum cfg_community_id {
#define CFG_COMM_ENUM(id, key, flags) CFG_COMM_##id,
	CFG_COMMUNITIES(CFG_COMM_ENUM)
#undef CFG_COMM_ENUM
	CFG_COMM_COUNT
};

/* The options a client may override: general.yml sets them for everyone,
 * a clients.yml `cfg:` replaces some of them for one client.  Only scalars,
 * so a client starts as a plain copy of the general values. */
struct cfg_policy {
	bool prepend_rs_as;
	bool passive;
	uint32_t multihop;           /* max TTL; 0 = not multihop */
	bool gtsm;
	bool add_path;
	bool rfc8950;
	struct {
		struct { enum cfg_next_hop_policy policy; } next_hop;
		struct cfg_pref_len ipv4_pref_len, ipv6_pref_len;
		uint32_t max_as_path_len;
		bool reject_invalid_as_in_as_path;
		struct {
			bool enforce_origin_in_as_set;
			bool enforce_prefix_in_as_set;
		} irrdb;
		struct { bool enabled, reject_invalid; } rpki_bgp_origin_validation;
		struct {
			enum cfg_max_prefix_action action;
			uint32_t restart_after;          /* minutes */
			bool count_rejected_routes;
			struct {
				bool enabled;
				struct { uint32_t absolute, relative; } increment;
			} peering_db;
		} max_prefix;
		struct { bool enabled, strict_mode; } roles;
		struct { enum cfg_reject_policy policy; } reject_policy;
	} filtering;
	struct { bool announce_to_client; } blackhole_filtering;
	struct { bool enabled; } graceful_shutdown;
};

/* general.yml options that only exist globally. */
struct cfg_general {
	struct {
		struct cfg_prefix_list global_black_list_pref;
		struct {
			enum cfg_transit_free_action action;
			struct cfg_u32_list asns;
		} transit_free;
		struct { bool peering_db; struct cfg_u32_list asns; } never_via_route_servers;
		struct {
			bool allow_longer_prefixes, tag_as_set, peering_db;
			struct { bool enabled; } use_rpki_roas_as_route_objects;
			struct { bool enabled; char *source; } use_arin_bulk_whois_data;
			struct { bool enabled; char *source; } use_registrobr_bulk_whois_data;
		} irrdb;
		struct { uint32_t general_limit_ipv4, general_limit_ipv6; } max_prefix;
	} filtering;
	struct {
		enum cfg_rpki_roas_source source;
		struct cfg_str_list ripe_rpki_validator_url;
		struct cfg_str_list allowed_trust_anchors;
		uint32_t ignore_cache_files_older_than;  /* seconds */
	} rpki_roas;
	struct {
		enum cfg_blackhole_policy policy_ipv4, policy_ipv6;
		struct ip_addr rewrite_next_hop_ipv4;   /* family 0 = not set */
		struct ip_addr rewrite_next_hop_ipv6;
		bool add_noexport;
	} blackhole_filtering;
	struct { uint32_t local_pref; } graceful_shutdown;
	struct { enum cfg_rfc1997_policy policy; } rfc1997_wellknown_communities;
	struct cfg_u32_list rtt_thresholds;              /* ascending */
	struct cfg_community communities[CFG_COMM_COUNT];
	struct cfg_community_map reject_cause_map;       /* reject code -> community */
	struct cfg_community_map custom_communities;
};

/* One clients.yml entry (all its `ip:` addresses share it). */
struct cfg_client {
	uint32_t asn;
	char *id;                    /* may be NULL */
	char *description;           /* may be NULL */
	char *password;              /* TCP-MD5 key (RFC 2385), at most 80 bytes; NULL: none */
	uint32_t mapped_asn16;       /* 16bit_mapped_asn; 0 = none */
	struct cfg_policy policy;    /* general values + this client's overrides */
	struct cfg_addr_list authorized_addresses_list;
	struct cfg_prefix_list black_list_pref;
	struct {
		struct cfg_str_list as_sets;         /* normalised, upper case */
		struct cfg_prefix_list white_list_pref, white_list_route;
		struct cfg_u32_list white_list_asn;
	} irrdb;
	struct { uint32_t limit_ipv4, limit_ipv6; } max_prefix;  /* 0 = none */
	enum cfg_bgp_role local_role;
	struct cfg_str_list attach_custom_communities;
	uint32_t site;               /* where it connects, 1..65534; 0: not said */
	int line;                    /* in members_source (0: derived from the registry) */
};

/* clients.yml `asns:` entry: AS-level AS-SETs used when a client has none. */
struct cfg_asn_entry {
	uint32_t asn;
	struct cfg_str_list as_sets;
	int line;
};

/* One BGP session: arouteserver's client with several `ip:` entries becomes
 * several cfg_member entries sharing asn/description. */
struct cfg_member {
	uint32_t asn;
	struct ip_addr addr;
	char *client_id;             /* clients.yml `id`, or NULL */
	char *description;           /* may be NULL */
	bool passive;                /* cfg.passive: wait for the member to connect */
	bool add_path;               /* cfg.add_path: send every path (RFC 7911) */
	const char *file;            /* where it was defined, for messages */
	int line;
	const struct cfg_client *client;  /* its clients.yml entry: the policy */
};

struct ixpd_config {
	/* ixpd.yml */
	char *path;                  /* the ixpd.yml that was loaded */
	char *general_path;          /* resolved relative to ixpd.yml's directory */
	char *clients_path;          /* NULL: the registry's members only */
	char *members_source;        /* where the members come from, for messages: clients_path,
	                              * registry.ixf, or "REGISTRY, merged with CLIENTS" */
	struct ip_addr *listen_addrs;   /* empty = listen on all (dual stack) */
	int n_listen_addrs;
	uint16_t port;               /* listen and connect port, default 179 */
	char *control_socket;
	char *control_socket_ro;     /* the read-only socket (show commands), or NULL */
	bool log_syslog;
	enum log_level log_level;
	uint16_t hold_time;          /* seconds, offered in OPEN; 0 or >= 3 */
	uint16_t connect_retry;      /* seconds between active connect attempts */

	/* ixpd.yml: where the policy's data comes from (all optional) */
	char *cache_dir;             /* default CFG_DEFAULT_CACHE_DIR */
	char *bogons_path;           /* NULL = bogons_builtin(); see config_bogons() */
	struct cfg_prefix_list bogons;   /* bogons_path's `bogons:` entries */
	bool communities_defaults;   /* fill unset cfg.communities (default true) */
	struct {
		char *dir;                   /* where the MRT archive goes; NULL: no archive */
		uint32_t rib_interval;       /* seconds between RIB dumps; 0: none */
		uint32_t updates_interval;   /* seconds an update log covers; 0: no update log */
		uint32_t keep;               /* files of each kind kept */
	} mrt;
	/* The members registry (an IX-F member export), instead of or under
	 * clients.yml (docs/configuration.md, "The registry") */
	struct {
		char *ixf;                   /* NULL: none */
		uint32_t ixp_id;             /* the exchange in it; 0: its only one */
		uint32_t vlan_id;            /* the LAN of that exchange; 0: every one */
	} registry;
	/* Where this peering LAN is, for the location communities
	 * (docs/communities.md); 0: not said */
	struct {
		uint32_t exchange;           /* the exchange's number, 1..65534 */
		uint32_t country;            /* UN M49, 1..999 */
	} location;
	struct {
		struct cfg_str_list listen;  /* "ADDRESS:PORT"; none: no HTTP server */
		uint32_t max_clients;        /* connections at once */
		uint32_t max_clients_per_address;
		uint32_t requests_per_second, burst;  /* per client address */
		uint32_t timeout;            /* seconds a connection may stall */
	} http;
	struct {
		struct cfg_str_list rtr;     /* "host:port" RTR caches, preferred first */
		char *vrp_file;              /* JSON export; or cfg.rpki_roas's local path */
		uint32_t refresh;            /* seconds between vrp_file reads */
	} rpki;
	struct {
		struct cfg_str_list rpsl;    /* RPSL dump files */
		struct {
			bool enabled;
			char *path, *host;
			char *sources;       /* bgpq4 -S; NULL = bgpq4's default */
		} bgpq4;
		uint32_t refresh;            /* seconds between IRR refreshes */
	} irr;
	struct {
		char *api;                   /* base URL */
		char *api_key;               /* NULL = anonymous */
		char *file;                  /* read this file instead of the API */
		uint32_t refresh;            /* seconds between refreshes */
	} peeringdb;

	/* ixpd.yml router_id: this instance's, instead of general.yml's (two
	 * route servers sharing one general.yml); INADDR_ANY: not set */
	struct in_addr router_id_instance;

	/* general.yml (cfg:) */
	uint32_t rs_as;
	struct in_addr router_id;    /* in effect: router_id_instance if set */
	bool path_hiding;            /* cfg.path_hiding (default true) */

	/* the rest of general.yml */
	struct cfg_policy policy;    /* defaults for every client */
	struct cfg_general general;

	/* clients.yml */
	struct cfg_member *members;  /* sorted by address */
	int n_members;
	struct cfg_client *clients;  /* in file order */
	int n_clients;
	struct cfg_asn_entry *asns;  /* sorted by asn */
	int n_asns;

	/* "file:line: what" of what the loader accepted but should be
	 * rewritten (the deprecated arouteserver syntaxes it converted), for
	 * the caller to report */
	struct cfg_str_list warnings;
};

/* Loads and validates.  On failure returns NULL and writes the reason
 * ("file:line: message") into err; on success cfg->warnings may hold
 * warnings, which the caller reports. */
struct ixpd_config *config_load(const char *path, char *err, size_t errlen);
void config_free(struct ixpd_config *cfg);

/* Does any policy option use PeeringDB data (never_via_route_servers
 * .peering_db, max_prefix.peering_db with a max-prefix action, irrdb
 * .peering_db)?  Only then is PeeringDB read or asked. */
bool config_wants_peeringdb(const struct ixpd_config *cfg);

/* Where a whois dump in use is read from (use_arin_bulk_whois_data when
 * !registrobr, else use_registrobr_bulk_whois_data): its URL, or its file
 * with a relative name resolved against general.yml's directory; NULL
 * when the dump is not used.  Free it. */
char *config_whois_source(const struct ixpd_config *cfg, bool registrobr);

/* The bogon list in effect: bogons_path's, or the built-in one. */
const struct cfg_prefix_list *config_bogons(const struct ixpd_config *cfg);

/* Prints the effective configuration in a canonical, stable YAML form
 * (defaults filled in, sorted as documented); used by `ixpd -n`. */
void config_dump(const struct ixpd_config *cfg, FILE *out);

/* A YAML 1.1 boolean as arouteserver (PyYAML) reads it: true/True/TRUE,
 * yes/Yes/YES, on/On/ON and their negatives.  0 on success, -1 if not one. */
int cfg_bool_parse(const char *text, bool *out);
#endif
