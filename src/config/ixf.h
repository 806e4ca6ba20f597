/* SPDX-License-Identifier: ISC */
/* ixf: the IX-F Member Export (euro-ix JSON schema 1.0, with 0.4 to 0.7)
 * read as hostile input into a model of the exchanges and their members,
 * and the route server's clients derived from it as arouteserver's
 * `clients-from-euroix` derives them, written as a clients.yml document.
 *
 * Reading (ixf_load, ixf_parse).  The document must be a JSON object with
 * a `member_list` list; anything else (not JSON, not UTF-8, not an object,
 * no member_list, more than IXF_MAX_EXCHANGES exchanges or IXF_MAX_MEMBERS
 * members, a file over IXF_MAX_FILE bytes) is refused with the reason in
 * err.  Everything below that is read leniently, as real exports need:
 *  - a key that is missing or null, and a string that is empty, is absent;
 *  - an element of the wrong type, out of range or malformed (an address
 *    that is not one, a MAC address, an AS-SET name) is left out with ONE
 *    warning naming its JSON path, e.g. "export.json: member_list[3]
 *    .connection_list[0].vlan_list[1].ipv4.address: not an IPv4 address";
 *    an element missing a key it cannot do without (a member's asnum or
 *    connection_list, a connection's ixp_id, an exchange's ixp_id, a
 *    switch's or a LAN's id) is left out the same way;
 *  - integers may be written as JSON numbers or strings of digits (as
 *    arouteserver reads them), booleans as true/false, 0/1 or "true"/
 *    "false"; a string longer than IXF_MAX_TEXT bytes is malformed;
 *  - a nested list longer than IXF_MAX_ITEMS, an as_macro of more than
 *    IXF_MAX_AS_SETS names, are read up to that length, with one warning;
 *  - an absent ixp_list (some old exporters) is a warning: the members are
 *    read, but no exchange can be selected;
 *  - an absent or unknown `version` is a warning: the keys of every version
 *    are read in every version (a document is read the same whatever it
 *    claims), so 0.4/0.5's vlan-level mac_address, 0.7's service_type and
 *    1.0's services are all understood;
 *  - IXP Manager's vlan_list of lists (arouteserver's workaround) is
 *    flattened, one level deep.
 * Warnings go to warn(arg, "NAME: PATH: what"), at most IXF_MAX_WARNINGS of
 * them, then one saying how many more there were; warn NULL means
 * log_warn().  x->n_warnings counts them all.
 *
 * Deriving (ixf_clients) follows arouteserver's clients-from-euroix
 * (euro_ix.py, get_clients): for the selected exchange, every address of
 * every member's connection to it (in the selected VLAN, if any) is a BGP
 * session of the route server, with cfg.filtering.irrdb.as_sets from its
 * as_macro and cfg.filtering.max_prefix.limit_ipv4/6 from its max_prefix
 * (0: no limit), and the member's name as description (non-ASCII
 * characters replaced by '?', blanks around removed).  Left out: the
 * route servers themselves -- a member whose member_type is "routeserver"
 * (up to 0.6), an address whose service_type (0.7) or services[].type
 * (1.0) says "ixrouteserver", whatever version the document claims -- and,
 * with routeserver_only, an address whose routeserver flag is false (an
 * absent flag keeps it).  Where ixpd differs, so that what it writes
 * always loads:
 *  - an address already derived is left out; silently if it came with the
 *    same settings (arouteserver drops such a duplicate within a member),
 *    else with a warning (arouteserver would write both, and its own
 *    clients.yml validation would then refuse the file);
 *  - as_macro is split at blanks and commas ("AS-A AS-B") and each name
 *    must be an AS-SET or ASN name (asn.h): arouteserver copies it as is;
 *  - the sessions of one member with the same settings are grouped into
 *    one client with several `ip:` (arouteserver writes one client per
 *    address): same as_sets and communities, and the same limit for
 *    sessions of the same family (per_port: and the same connection);
 *    one_per_address turns this off.  In arouteserver's clients.yml, a
 *    client with several addresses is the same as one client per address
 *    with the same settings, limit_ipv4 applying to IPv4 sessions only and
 *    limit_ipv6 to IPv6 ones (templates/bird/clients.j2, current_afi);
 *  - guessed communities: a switch's id 0 gives none and an interface
 *    without a known switch is passed over (arouteserver stops at it);
 *    at most IXF_MAX_COMMUNITIES per connection, each name at most
 *    IXF_MAX_COMMUNITY_NAME bytes (beyond: a warning, not attached);
 *  - more than IXF_MAX_SESSIONS addresses for the exchange refuse the
 *    derivation (no member is silently left out).
 * Each client repeats its description, as_sets and communities: with
 * one_per_address, per address, so a hostile export of a few MB of
 * addresses can make a clients.yml a hundred times its size (per_port or
 * the default grouping write them once per port or member).
 * arouteserver's --merge-from-peeringdb is not here (ixpd's own
 * max_prefix.peering_db and irrdb.peering_db do it at run time), nor
 * --merge-from-custom-file.
 *
 * Threads: no state of its own; any thread, on its own objects.
 * Ownership: ixf_load/ixf_parse return an export the caller frees with
 * ixf_free; ixf_clients returns clients that own copies of everything
 * they hold (the export may be freed first), freed with ixf_clients_free:
 * what its clients and sessions share (ports, switches, names,
 * descriptions) is stored once in the struct ixf_clients.
 * Cost: reading and deriving take O(n log n) in the size of the export. */
#ifndef IXPD_IXF_H
#define IXPD_IXF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "addr.h"
#include "prefix.h"

/* An export this big is refused.  The biggest exchanges export a few MB;
 * jansson needs about ten times the text in memory. */
#define IXF_MAX_FILE (64u << 20)
#define IXF_MAX_EXCHANGES 256        /* ixp_list entries */
#define IXF_MAX_MEMBERS 65536        /* member_list entries */
#define IXF_MAX_ITEMS 1024           /* entries of any other list */
#define IXF_MAX_TEXT 1024            /* bytes of a string */
#define IXF_MAX_AS_SETS 16           /* names in an as_macro */
#define IXF_MAX_SESSIONS 131072      /* addresses derived for one exchange */
#define IXF_MAX_COMMUNITIES 32       /* guessed for one connection */
#define IXF_MAX_COMMUNITY_NAME 128   /* bytes of a guessed community's name */
#define IXF_MAX_WARNINGS 100         /* passed to the callback; the rest counted */

/* An optional number that is not given. */
#define IXF_ABSENT (-1)

/* Gets each warning, "NAME: PATH: what". */
typedef void (*ixf_warn_fn)(void *arg, const char *msg);

/* --- the model ------------------------------------------------------------- */

enum ixf_bool { IXF_BOOL_ABSENT, IXF_BOOL_FALSE, IXF_BOOL_TRUE };

/* The IX-operated services an address offers (service_type, services). */
#define IXF_SVC_ROUTESERVER 0x1      /* "ixrouteserver" */
#define IXF_SVC_ROUTECOLLECTOR 0x2   /* "ixroutecollector" */

struct ixf_mac { uint8_t b[6]; };

/* ixp_list[].switch[]: a switch, and so a site of the exchange. */
struct ixf_switch {
	uint32_t id;                 /* what if_list[].switch_id names */
	char *name, *colo, *city, *country;   /* NULL: not given */
	int64_t pdb_facility_id;     /* IXF_ABSENT: not given */
};

/* ixp_list[].vlan[]: a peering LAN. */
struct ixf_lan {
	uint32_t id;                 /* what vlan_list[].vlan_id names */
	char *name;                  /* NULL: not given */
	bool has_ipv4, has_ipv6;
	struct prefix ipv4, ipv6;    /* its subnets (prefix + mask_length) */
};

/* ixp_list[]: an exchange (an "IXP infrastructure"). */
struct ixf_ixp {
	uint32_t ixp_id;             /* the export's own id, unique in it */
	int64_t ixf_id;              /* IX-F database id; IXF_ABSENT */
	int64_t peeringdb_id;        /* PeeringDB ix id; IXF_ABSENT */
	char *shortname, *name, *country;     /* NULL: not given */
	struct ixf_lan *lans;
	size_t n_lans;
	struct ixf_switch *switches; /* ids unique */
	size_t n_switches;
};

/* vlan_list[].ipv4 / .ipv6: one address of a member, with an address. */
struct ixf_ip {
	struct ip_addr addr;         /* of the family of its key */
	char **as_sets;              /* as_macro's names, as written, at most
	                              * IXF_MAX_AS_SETS */
	size_t n_as_sets;
	int64_t max_prefix;          /* IXF_ABSENT; 0 is kept (no limit) */
	enum ixf_bool routeserver;   /* "connects to the route server" */
	unsigned services;           /* IXF_SVC_* */
	struct ixf_mac *macs;        /* mac_addresses (0.4/0.5: the entry's
	                              * mac_address), sorted, without duplicates */
	size_t n_macs;
	char *path;                  /* its JSON path, for messages */
};

/* connection_list[].vlan_list[] */
struct ixf_vlan_entry {
	int64_t vlan_id;             /* IXF_ABSENT */
	struct ixf_ip *ipv4, *ipv6;  /* NULL: none with a usable address */
};

/* connection_list[].if_list[] */
struct ixf_iface {
	int64_t switch_id;           /* IXF_ABSENT */
	int64_t if_speed;            /* Mbit/s; IXF_ABSENT */
};

/* member_list[].connection_list[]: a member's port(s) on one exchange. */
struct ixf_connection {
	uint32_t ixp_id;
	char *state;                 /* "active", ...; NULL: not given */
	struct ixf_iface *ifaces;
	size_t n_ifaces;
	struct ixf_vlan_entry *vlans;
	size_t n_vlans;
};

struct ixf_member {
	size_t index;                /* its position in member_list */
	uint32_t asn;                /* asnum, 1..4294967295 */
	char *name, *member_type, *url, *peering_policy;   /* NULL: not given */
	struct ixf_connection *conns;
	size_t n_conns;
};

struct ixf_export {
	char *name;                  /* the file (or the name given), for messages */
	char *version;               /* as written; NULL: not given */
	char *timestamp;             /* as written; NULL: not given */
	time_t time;                 /* timestamp read as RFC 3339; 0: not one */
	struct ixf_ixp *ixps;        /* ixp_ids unique */
	size_t n_ixps;
	struct ixf_member *members;  /* in file order, those kept */
	size_t n_members;
	size_t n_warnings;           /* while reading, shown or not */
};

/* Reads the export in file path (see the top).  NULL on failure, with
 * "path: reason" or "path:line:column: reason" in err. */
struct ixf_export *ixf_load(const char *path, ixf_warn_fn warn, void *arg, char *err,
    size_t errlen);
/* The same from data[0..len), name standing for the file in messages
 * (for tests and fuzzing; ixf_load's size limit is the caller's). */
struct ixf_export *ixf_parse(const char *data, size_t len, const char *name,
    ixf_warn_fn warn, void *arg, char *err, size_t errlen);
void ixf_free(struct ixf_export *x);

/* The exchange with that ixp_id, the switch with that id; or NULL. */
const struct ixf_ixp *ixf_ixp_find(const struct ixf_export *x, uint32_t ixp_id);
const struct ixf_switch *ixf_switch_find(const struct ixf_ixp *ixp, uint32_t id);

/* Lists the exchanges and their LANs, one line each, as arouteserver's
 * clients-from-euroix does without an IXP id. */
void ixf_print_exchanges(const struct ixf_export *x, FILE *out);

/* --- clients ------------------------------------------------------------- */

/* Informational communities a client can be made to attach to its routes
 * (arouteserver's --guess-custom-bgp-communities), named "PREFIX_VALUE"
 * with the value lower-cased, blanks and "\/[]+-" made '_' and anything
 * else but letters, digits and '_' removed: "city_frankfurt".  The switch
 * ones come from the switches of the connection's if_list (a switch of id
 * 0 gives none, as in arouteserver); member_type from the member's
 * member_type, if one of the schema's values (arouteserver reads it from
 * a "type" key, so never in practice). */
#define IXF_COMM_SWITCH_ID 0x01      /* switch_id_<id> */
#define IXF_COMM_SWITCH_NAME 0x02    /* switch_name_<name> */
#define IXF_COMM_COLOCATION 0x04     /* colocation_<colo> */
#define IXF_COMM_CITY 0x08           /* city_<city> */
#define IXF_COMM_COUNTRY 0x10        /* country_<country> */
#define IXF_COMM_MEMBER_TYPE 0x20    /* member_type_<member_type> */
/* The IXF_COMM_* bit of a prefix ("switch_id", ..., as arouteserver's
 * option takes them), or 0. */
unsigned ixf_community_kind(const char *name);

/* The options of clients-from-euroix.  All zero: the export's only
 * exchange, every VLAN, no routeserver filter, no communities, sessions
 * grouped. */
struct ixf_client_opts {
	bool has_ixp_id;             /* false: the only exchange (an error if several) */
	uint32_t ixp_id;             /* ixp_list[].ixp_id */
	bool has_vlan_id;            /* false: every vlan_list entry */
	uint32_t vlan_id;            /* vlan_list[].vlan_id (not necessarily the 802.1Q tag) */
	bool routeserver_only;       /* leave out addresses whose routeserver flag is false */
	unsigned communities;        /* IXF_COMM_* to guess */
	bool per_port;               /* group only the addresses of one connection, so
	                              * that a client is at one port's switches */
	bool one_per_address;        /* one client per address, as arouteserver writes them */
};

/* What the sessions of one connection share, stored once however many
 * addresses it has (owned by struct ixf_clients). */
struct ixf_port {
	char *state;                 /* "active", ...; NULL: not given */
	/* The switches of the connection's if_list, in order, without
	 * duplicates: the exchange's entries (their strings are the
	 * ixf_clients' copies); an id the exchange does not list has only its
	 * id (NULL names, IXF_ABSENT facility). */
	struct ixf_switch *switches;
	size_t n_switches;
	uint64_t speed;              /* the sum of the if_speeds, Mbit/s; 0: unknown */
	/* Guessed for its addresses, in arouteserver's order, at most
	 * IXF_MAX_COMMUNITIES (names: the ixf_clients' `names`). */
	char **communities;
	size_t n_communities;
};

/* One address of a client: a BGP session, with what the route server may
 * want to know about where it is. */
struct ixf_session {
	struct ip_addr addr;
	int64_t vlan_id;             /* IXF_ABSENT */
	enum ixf_bool routeserver;
	struct ixf_mac *macs;        /* sorted, without duplicates */
	size_t n_macs;
	const struct ixf_port *port; /* its connection */
	/* The port's, for short: */
	const char *state;
	const struct ixf_switch *switches;
	size_t n_switches;
	uint64_t speed;
	char *path;                  /* JSON path of its ipv4/ipv6 object */
};

/* One clients.yml entry. */
struct ixf_client {
	uint32_t asn;
	const char *description;     /* NULL: none (the member has no name) */
	char **as_sets;              /* cfg.filtering.irrdb.as_sets */
	size_t n_as_sets;
	uint32_t limit_ipv4, limit_ipv6;     /* cfg.filtering.max_prefix; 0: none */
	char *const *communities;    /* cfg.attach_custom_communities (a port's) */
	size_t n_communities;
	struct ixf_session *sessions;        /* its `ip:` list; at least one */
	size_t n_sessions;
	size_t member_index;         /* member_list[] it comes from */
};

struct ixf_clients {
	char *source;                /* the export's name */
	char *version, *timestamp;   /* the export's; NULL: not given */
	uint32_t ixp_id;
	char *ixp_shortname;         /* NULL: not given */
	bool has_vlan_id;
	uint32_t vlan_id;
	struct ixf_client *v;        /* in the order of their first address */
	size_t n;
	char **communities;          /* every one attached, sorted: what general.yml must declare */
	size_t n_communities;
	/* What the clients point into. */
	struct ixf_port *ports;      /* one per connection to the exchange */
	size_t n_ports;
	char **descriptions;         /* one per member, NULL for a member without */
	size_t n_descriptions;
	struct ixf_switch *switches; /* the exchange's, copied */
	size_t n_switches;
	char **names;                /* every community name, once, sorted */
	size_t n_names;
};

/* Derives the clients (see the top).  NULL with the reason in err when no
 * exchange can be selected ("IXP ID 7 not found", several and no ixp_id,
 * none).  Warnings as ixf_load's, as many at most. */
struct ixf_clients *ixf_clients(const struct ixf_export *x, const struct ixf_client_opts *o,
    ixf_warn_fn warn, void *arg, char *err, size_t errlen);
void ixf_clients_free(struct ixf_clients *c);

/* Writes c as a clients.yml document (arouteserver's format: `clients:`,
 * each with asn, description, ip list and cfg), every string quoted,
 * headed by comments saying where it comes from and followed by the
 * custom communities general.yml must declare.  0, or -1 if out has an
 * error. */
int ixf_clients_write(const struct ixf_clients *c, FILE *out);
#endif
