/* SPDX-License-Identifier: ISC */
/* policy: the import decision for each received path (accept, or reject
 * with a reason kept in the Adj-RIB-In), the attributes the route server
 * makes of it (informational communities added, its own communities
 * scrubbed, a blackhole's next hop rewritten) and the export control its
 * action communities ask for.  This is where the IXP filters of RFC 7948
 * plug in between the Adj-RIB-In and the decision process, driven by
 * arouteserver's general.yml/clients.yml options.
 *
 * Checks are split by what they depend on, so each runs as rarely as it
 * can: attribute checks once per (member, attribute set) -- i.e. once per
 * UPDATE --, prefix checks once per prefix.  The verdict is the first
 * failing check in the order of enum reject_reason (NEXT_HOP, prefix,
 * AS_PATH, IRR, RPKI, ASPA -- arouteserver's BIRD template orders some of
 * these differently; the codes are arouteserver's).
 *
 * This header (with export_ctl.h, which it includes) is the contract of
 * src/policy/ for the RDE; behind it, one job a file: policy_build.c compiles
 * the configuration into struct policy_global and each member's struct
 * peer_policy, policy_check.c runs the checks, policy_attrs.c makes the
 * attribute sets the route server keeps (policy_effective), export_ctl.c
 * decodes action communities into export control and builds the
 * per-receiver variants.  policy_int.h is what those files share. */
#ifndef IXPD_POLICY_H
#define IXPD_POLICY_H
#include <stdint.h>

#include "asn.h"
#include "attr.h"
#include "community.h"
#include "config.h"
#include "export_ctl.h"
#include "irr.h"
#include "prefix.h"
#include "prefix_list.h"
#include "rpki.h"

/* Reasons, in the order the checks run.  Each maps to arouteserver's
 * reject code (rs_as:65520:<code>), see policy_reject_code(). */
enum reject_reason {
	REJECT_NONE = 0,
	REJECT_NEXT_HOP,             /* NEXT_HOP not allowed by next_hop.policy (RFC 7948 §4.8) */
	REJECT_PREFIX_LEN,           /* outside cfg.filtering.ipv4/ipv6_pref_len */
	REJECT_IPV6_NOT_GLOBAL,      /* IPv6 outside 2000::/3 */
	REJECT_BOGON,                /* in the bogon list */
	REJECT_GLOBAL_BLACK_LIST,    /* cfg.filtering.global_black_list_pref */
	REJECT_CLIENT_BLACK_LIST,    /* the client's black_list_pref */
	REJECT_AS_PATH_LEN,          /* longer than cfg.filtering.max_as_path_len */
	REJECT_LEFTMOST_AS,          /* AS_PATH does not start with the member's AS */
	REJECT_INVALID_ASN,          /* private/reserved/documentation AS in the AS_PATH */
	REJECT_TRANSIT_FREE,         /* a transit-free network's AS in the AS_PATH */
	REJECT_NEVER_VIA_RS,         /* an AS that never peers via route servers */
	REJECT_IRR_ORIGIN,           /* origin AS not in the member's AS-SETs */
	REJECT_IRR_PREFIX,           /* prefix not among the member's route objects */
	REJECT_BLACKHOLE_FOREIGN,    /* blackhole outside the member's own announced space */
	REJECT_RPKI_INVALID,         /* RFC 6811 INVALID */
	REJECT_ASPA_INVALID,         /* ASPA upstream verification: Invalid */
	REJECT_OTC_LEAK,             /* RFC 9234 §5: OTC from an RS client */
	REJECT_MAX_PREFIX,           /* max-prefix limit reached with action "block" */
	REJECT_REASON_COUNT,
};
const char *reject_reason_str(uint16_t reason);
/* arouteserver's reject cause code for the reason (65535 = unknown). */
uint16_t policy_reject_code(uint16_t reason);

/* What community value v means to this route server (g: its policy; NULL:
 * the well-known ones only), in words -- "do not announce to peer AS64500",
 * "rpki bgp origin validation valid", "BLACKHOLE (RFC 7999)" -- or NULL
 * when it gives v no meaning.  The text may be in buf. */
struct policy_global;
struct whois_routes;
const char *policy_community_meaning(const struct policy_global *g, const struct comm_value *v,
    char *buf, size_t len);

/* Outcome of the informational checks, kept with the path. */
enum policy_rov { POL_ROV_NOT_CHECKED, POL_ROV_VALID, POL_ROV_UNKNOWN, POL_ROV_INVALID };
const char *policy_rov_str(uint8_t rov);
#define POL_IRR_CHECKED   0x1u
#define POL_IRR_ORIGIN_OK 0x2u
#define POL_IRR_PREFIX_OK 0x4u
#define POL_IRR_WHITE     0x8u       /* accepted through white_list_route */
/* The prefix is OK through a source that backs route objects up (two
 * bits: which one) */
#define POL_IRR_VIA_MASK      0x30u
#define POL_IRR_VIA_ROA       0x10u  /* a ROA (use_rpki_roas_as_route_objects) */
#define POL_IRR_VIA_ARIN      0x20u  /* ARIN's whois dump (use_arin_bulk_whois_data) */
#define POL_IRR_VIA_REGISTROBR 0x30u /* registro.br's (use_registrobr_bulk_whois_data) */
#define POL_IRR_BITS          0x3fu  /* all of them: what a path keeps (rib.h) */

/* The import policy of one member (general.yml values with its clients.yml
 * overrides).  Plain data: it travels in IPC messages and is compared to
 * decide whether a reload changed it; the member's lists live in its
 * policy_client, identified by `client` and summarised by `client_digest`. */
struct peer_policy {
	uint8_t v4_min, v4_max, v6_min, v6_max;
	uint16_t max_as_path_len;
	uint8_t next_hop;            /* enum cfg_next_hop_policy */
	uint8_t reject_policy;       /* enum cfg_reject_policy */
	bool reject_invalid_asns;
	bool irr_enforce_origin, irr_enforce_prefix;
	bool rpki_enabled, rpki_reject_invalid;
	bool gshut;                  /* honour GRACEFUL_SHUTDOWN from this member */
	bool blackhole_to_client;    /* this member receives blackhole routes */
	bool prepend_rs_as;          /* it receives routes with the route server's AS prepended */
	uint32_t site;               /* where it connects (location communities), 0 unknown */
	uint8_t max_prefix_action;   /* enum cfg_max_prefix_action */
	bool max_prefix_count_rejected;
	uint32_t max_prefix_v4, max_prefix_v6;   /* 0 = no limit */
	uint32_t max_prefix_restart; /* minutes */
	uint32_t client;             /* index in policy_global.clients */
	uint64_t client_digest;
};

/* Values of the communities one client's routes get as its own -- its
 * location tags and the custom communities it attaches (the rest are left
 * out, said in the log when the policy is built). */
#define POLICY_ATTACH_MAX 48

/* The location communities (docs/communities.md), in the route server's
 * namespace, DE-CIX style: where a route was learned, and per-site
 * actions.  In effect when ixpd.yml says where the LAN is or a client
 * has a site. */
enum policy_location {
	LOC_SITE, LOC_EXCHANGE, LOC_COUNTRY,         /* informational: added */
	LOC_NOT_TO_SITE, LOC_ONLY_OWN_SITE,           /* actions: scrubbed, obeyed */
	LOC_PREPEND_ONCE_TO_SITE, LOC_PREPEND_TWICE_TO_SITE, LOC_PREPEND_THRICE_TO_SITE,
	LOC_COUNT
};

/* A clients.yml entry's lists. */
struct policy_client {
	uint32_t asn;
	struct prefix_list *black_list;
	struct ip_addr *authorized;     /* next_hop authorized_addresses_list */
	int n_authorized;
	struct prefix_list *white_list_pref, *white_list_route;
	struct asn_set white_list_asn;
	char **irr_names;                /* AS<asn> + its AS-SETs (irr_client_names) */
	int n_irr_names;
	char *irr_key;                   /* the names joined: which IRR data it uses */
	/* its location tags and attach_custom_communities: added to its routes */
	struct comm_value attach[POLICY_ATTACH_MAX];
	uint8_t n_attach;
};

/* Everything of the configuration the import policy reads besides a
 * member's peer_policy.  Built on the main thread, handed to the RDE,
 * immutable; `digest` tells whether a reload changed the global part. */
struct policy_global {
	uint32_t rs_as;
	uint64_t digest;                 /* everything: a change re-filters every member */
	uint64_t content_digest;         /* what derived sets contain: a change rebuilds them */
	struct prefix_list *bogons, *global_black_list;
	uint8_t transit_free_action;     /* enum cfg_transit_free_action */
	struct asn_set transit_free, never_via_rs;
	bool irr_allow_longer, irr_tag;
	bool irr_roas;                   /* filtering.irrdb.use_rpki_roas_as_route_objects */
	bool irr_whois[2];               /* use_{arin,registrobr}_bulk_whois_data, by enum whois_format */
	struct comm_def comm[CFG_COMM_COUNT];
	struct policy_custom { struct comm_def def; char name[64]; } *custom;   /* in file order */
	struct comm_def loc[LOC_COUNT];  /* all empty when the location is not configured */
	size_t n_custom;
	struct comm_def *scrub;          /* every community of the route server's own */
	size_t n_scrub;
	struct reject_map { uint16_t code; struct comm_def def; } *reject_map;
	size_t n_reject_map;
	uint8_t blackhole_policy[2];     /* enum cfg_blackhole_policy, [0] IPv4 [1] IPv6 */
	uint8_t blackhole_nh[2][16];
	bool blackhole_noexport;
	uint32_t gshut_local_pref;
	bool rfc1997;                    /* rfc1997_wellknown_communities.policy: rfc1997 */
	uint32_t *rtt_thresholds;        /* ms, ascending: the values RTT-based communities may name */
	size_t n_rtt_thresholds;
	/* next_hop same-as: every member address with its AS, sorted by AS */
	struct { uint32_t asn; struct ip_addr addr; } *member_addrs;
	int n_member_addrs;
	struct policy_client *clients;
	uint32_t n_clients;
	bool irr_configured;             /* some IRR source exists: IRR checks run */
	bool rpki_configured;
};

struct pdb;
/* NULL and err set if the configuration cannot be compiled.  pdb (may be
 * NULL): PeeringDB data, used as arouteserver does -- never-via-route-
 * servers networks (never_via_route_servers.peering_db) and the AS-SETs of
 * clients that have none (irrdb.peering_db). */
struct policy_global *policy_global_build(const struct ixpd_config *cfg, const struct pdb *pdb,
    char *err, size_t errlen);
void policy_global_free(struct policy_global *g);
/* The member's peer_policy; max-prefix limits from PeeringDB when pdb has
 * its network (max_prefix.peering_db). */
void policy_from_config(const struct ixpd_config *cfg, const struct policy_global *g,
    const struct pdb *pdb, const struct cfg_member *m, struct peer_policy *out);

/* What the checks read that changes at run time (owned by the RDE). */
struct policy_data {
	const struct policy_global *g;
	const struct vrp_table *vrps;    /* NULL: no RPKI data yet */
	const struct aspa_table *aspas;  /* NULL: no ASPA data */
	/* the whois dumps, by enum whois_format; NULL: not used or no data yet */
	const struct whois_routes *whois[2];
	uint32_t gen;                    /* changes with g: derived sets are rebuilt */
};

struct policy_peer {
	uint32_t asn;
	const struct ip_addr *addr;
	bool role_negotiated;
	const struct peer_policy *pol;
	const struct policy_client *client;  /* may be NULL (tests) */
	const struct irr_member *irr;    /* NULL: no IRR data for it (yet) */
	bool gshut_forced;               /* operator's graceful shutdown (RFC 8326) */
	/* Without IRR data, a blackhole must lie inside a route the member
	 * itself announces (and had accepted): asked of the RIB.  NULL: no
	 * such check (tests). */
	bool (*own_space)(void *arg, const struct prefix *p);
	void *own_space_arg;
};

/* The attribute checks of one received set, split by where they stand in
 * the order of checks. */
struct attrs_verdict {
	uint16_t next_hop;           /* REJECT_NEXT_HOP or 0 */
	uint16_t path;               /* AS_PATH checks (AS_PATH_LEN .. NEVER_VIA_RS) or 0 */
	uint16_t late;               /* ASPA / OTC or 0 */
	bool blackhole;              /* carries BLACKHOLE and blackholing is on for the family */
	bool gshut;
	bool gshut_add;              /* the route server adds GRACEFUL_SHUTDOWN */
};
void policy_check_attrs(const struct policy_data *d, const struct policy_peer *peer,
    const struct attr_set *received, uint8_t afi, struct attrs_verdict *out);

struct route_verdict {
	uint16_t reject;
	uint8_t rov;                 /* enum policy_rov */
	uint8_t irr;                 /* POL_IRR_* */
	uint8_t afi;
	bool blackhole;
	bool gshut;
	bool gshut_add;
};
void policy_check_route(const struct policy_data *d, const struct policy_peer *peer,
    const struct attr_set *received, const struct attrs_verdict *av, const struct prefix *p,
    struct route_verdict *out);

/* The attribute set the route server keeps and exports for a received set
 * and a verdict (a new reference): the received set itself when policy
 * changes nothing, else its cached derived set. */
struct attr_set *policy_effective(const struct policy_data *d, const struct policy_peer *peer,
    struct attr_set *received, const struct route_verdict *v);
#endif
