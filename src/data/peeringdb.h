/* SPDX-License-Identifier: ISC */
/* peeringdb: the PeeringDB `net` data arouteserver's defaults use --
 * info_prefixes4/6 (max-prefix), irr_as_set (AS-SETs when a client has
 * none) and info_never_via_route_servers -- read from a file in the API's
 * JSON shape or fetched from the API, with an on-disk cache.
 *
 * Input is hostile: a record that is not an object, has no usable `asn`
 * (integer 1..4294967295), or a field of the wrong type or out of range
 * (info_prefixes* must be null or an integer 0..4294967295, irr_as_set
 * null or a string, info_never_via_route_servers null or a boolean) is
 * skipped and counted; the rest of the data is used.  Integers are read as
 * reals (JSON_DECODE_INT_AS_REAL) so that a huge number skips its record
 * instead of failing the whole document.
 *
 * Fetching (fetch.h: libcurl, loaded on first use):
 *   <base>/api/net?asn__in=A,B,...   the members, `chunk` ASNs per request
 *                                    (arouteserver's bulk query, 150 each)
 *   <base>/api/net?info_never_via_route_servers=1   when never_via_rs
 * with a per-request timeout and, when api_key is set, the header
 * `Authorization: Api-Key <key>`.  If every request succeeds, the data is
 * written to <cache_dir>/peeringdb/net.json (temp file + rename) in the
 * same JSON shape, reduced to the fields above.  If any request fails, the
 * cache file is loaded instead (with a warning giving its age); only when
 * that fails too does pdb_fetch() fail.
 *
 * Nothing here blocks the RDE: call it from the main thread or a worker and
 * hand the finished, immutable struct pdb over. */
#ifndef IXPD_PEERINGDB_H
#define IXPD_PEERINGDB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "asn.h"
#include "config.h"

struct pdb_net {
	uint32_t asn;
	uint32_t info_prefixes4;     /* 0 = null or 0: arouteserver treats both as unset */
	uint32_t info_prefixes6;
	bool never_via_route_servers;
	char *irr_as_set;            /* as published; NULL if null */
	struct cfg_str_list as_sets; /* irr_as_set parsed, see pdb_parse_irr_as_set */
};

struct pdb {
	struct pdb_net *nets;        /* sorted by asn, one per asn (the first seen) */
	size_t n;
	size_t skipped;              /* records refused (see above) */
	time_t time;                 /* when fetched; for a file, its mtime */
	bool from_cache;             /* pdb_fetch() fell back to the cache file */
};

/* Loads a file holding {"data": [net, ...], ...}.  NULL on failure with
 * "path:line: reason" (or "path: reason") in err. */
struct pdb *pdb_load_file(const char *path, char *err, size_t errlen);

/* Writes db as {"data": [...]} to path atomically.  0, or -1 with err. */
int pdb_save(const struct pdb *db, const char *path, char *err, size_t errlen);

#define PDB_DEFAULT_BASE_URL "https://www.peeringdb.com"
#define PDB_DEFAULT_CHUNK 150
#define PDB_DEFAULT_TIMEOUT 30
#define PDB_MAX_RESPONSE (64u << 20)  /* bytes; a bigger answer is an error */

struct pdb_fetch_opts {
	const char *base_url;        /* NULL = PDB_DEFAULT_BASE_URL */
	const char *api_key;         /* NULL = anonymous */
	const char *cache_dir;       /* NULL = neither write nor read a cache */
	long timeout;                /* seconds per request; 0 = PDB_DEFAULT_TIMEOUT */
	size_t chunk;                /* ASNs per request; 0 = PDB_DEFAULT_CHUNK */
	bool never_via_rs;           /* also fetch every never-via-RS network */
};

/* Fetches the `net` records of asns[0..n) (see above).  NULL on failure
 * with the reason in err. */
struct pdb *pdb_fetch(const struct pdb_fetch_opts *o, const uint32_t *asns, size_t n,
    char *err, size_t errlen);

void pdb_free(struct pdb *db);


/* The record of asn, or NULL. */
const struct pdb_net *pdb_lookup(const struct pdb *db, uint32_t asn);

/* Adds the ASNs flagged info_never_via_route_servers to set (arouteserver
 * adds them to cfg.filtering.never_via_route_servers.asns). */
void pdb_never_via_rs(const struct pdb *db, struct asn_set *set);

/* Parses PeeringDB's free-text irr_as_set as arouteserver does
 * (PeeringDBNet.parse_as_sets) and appends the AS-SET names found to out,
 * without duplicates, in order:
 *  - the text is split at '/', ',', '&' and white space;
 *  - a leading "ipv4:"/"ipv6:" is dropped;
 *  - "NAME@SOURCE" becomes "SOURCE::NAME" and "SOURCE:NAME" becomes
 *    "SOURCE::NAME" for the IRR sources bgpq4 queries by default (RIPE,
 *    APNIC, AFRINIC, ARIN, NTTCOM, ALTDB, BBOI, BELL, JPIRR, LEVEL3, RADB,
 *    RGNET, SAVVIS, TC; any case);
 *  - what remains must pass as_set_name_normalise(), else it is ignored
 *    (route-sets "RS-FOO", bare words, ...).
 * e.g. "RIPE::AS-FOO AS-BAR, as-bar" -> "RIPE::AS-FOO", "AS-BAR".
 * Returns how many names were appended.  Free with pdb_str_list_free(). */
int pdb_parse_irr_as_set(const char *text, struct cfg_str_list *out);
void pdb_str_list_free(struct cfg_str_list *l);

/* --- max-prefix (arouteserver's enrichers/pdb_max_prefix.py) -------------
 * The limit for a client and family (AFI_IPV4/AFI_IPV6), 0 = no limit:
 *  1. no cfg.filtering.max_prefix.action for the client: 0 (no limit is
 *     computed at all);
 *  2. the client's cfg.filtering.max_prefix.limit_ipv4/6, if not 0;
 *  3. max_prefix.peering_db.enabled false: general_limit_ipv4/6;
 *  4. no PeeringDB record for the client's ASN (or no data): general limit,
 *     as is;
 *  5. otherwise v = info_prefixes4/6, or the general limit when that is
 *     null/0, and the limit is
 *         round((v + increment.absolute) * (1 + increment.relative / 100))
 *     computed in double precision and rounded half to even, as Python's
 *     round() does (so yes: the general limit gets the increment in this
 *     case, as in arouteserver).  Capped at 4294967295.
 * A result of 0 (general limit 0) means no limit. */
uint32_t pdb_max_prefix(const struct cfg_client *client, const struct cfg_general *general,
    const struct pdb *db, uint8_t afi);
#endif
