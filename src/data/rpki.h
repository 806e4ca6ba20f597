/* SPDX-License-Identifier: ISC */
/* rpki: the RPKI data the import policy checks routes against.
 *
 * - A VRP table (validated ROA payloads: prefix, max length, origin AS) and
 *   RFC 6811 origin validation.  Built from a JSON file (below) or fed VRP
 *   by VRP from RTR (rpki_rtr.h).  Changing VRPs can change the state of
 *   every route equal to or more specific than the VRP prefix, so changes
 *   are exchanged as lists of struct vrp_change: the RDE walks its RIB
 *   under each changed prefix and validates those routes again.
 * - An ASPA table (customer AS -> provider ASes) and AS_PATH verification
 *   of routes received from route-server clients (upstream verification,
 *   draft-ietf-sidrops-aspa-verification).
 * - Loaders for the JSON every validator exports and arouteserver reads
 *   (cfg.rpki_roas.source: ripe-rpki-validator-cache): rpki-client,
 *   Routinator (json, jsonext), StayRTR/GoRTR, OctoRPKI, RIPE NCC RPKI
 *   Validator and arouteserver's own cache, which all share the envelope
 *   {"roas": [{"asn", "prefix", "maxLength", "ta", "expires"?}], "aspas": [...]}.
 *
 * Tables are plain data owned by one thread (the RDE); nothing here locks. */
#ifndef IXPD_RPKI_H
#define IXPD_RPKI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "prefix.h"

/* --- VRPs and origin validation (RFC 6811) ------------------------------ */

enum rov_state { ROV_NOT_FOUND, ROV_VALID, ROV_INVALID };
const char *rov_state_str(enum rov_state s);    /* "not-found", "valid", "invalid" */

struct vrp {
	struct prefix prefix;
	uint32_t asn;                /* 0: AS0 ROA (RFC 7607), matches no route */
	uint8_t max_len;             /* prefix.len .. family maximum */
};

struct vrp_change {
	struct vrp vrp;
	bool added;                  /* false: removed */
};

struct vrp_table;

struct vrp_table *vrp_table_new(void);
void vrp_table_free(struct vrp_table *t);

/* Is v well formed: max_len between the prefix length and the family's
 * maximum?  add/remove refuse other VRPs (-1). */
bool vrp_is_valid(const struct vrp *v);

/* A VRP may be held by several sources at once (two RTR caches serving it,
 * the same ROA under two trust anchors in a JSON file): the table counts
 * them, so one source withdrawing it does not remove it while another
 * still holds it.
 * add: 1 if v is new in the table, 0 if it was already there, -1 if v is
 * not valid.  remove: 1 if v is gone from the table, 0 if another source
 * still holds it or it was not there, -1 if v is not valid. */
int vrp_table_add(struct vrp_table *t, const struct vrp *v);
int vrp_table_remove(struct vrp_table *t, const struct vrp *v);
/* Applies changes in order; returns how many changed the table's content
 * (a new VRP, or the last holder of a VRP gone). */
size_t vrp_table_apply(struct vrp_table *t, const struct vrp_change *c, size_t n);
/* Distinct VRPs (prefix, asn, max_len). */
size_t vrp_table_count(const struct vrp_table *t);

/* RFC 6811 §2: NOT_FOUND if no VRP covers p; VALID if a covering VRP has
 * origin_as as its AS and max_len >= p->len; INVALID otherwise.  origin_as
 * is path_info.origin_as: 0 when the AS_PATH is empty or ends with an
 * AS_SET, which no VRP matches (not even an AS0 one), so such a route is
 * NOT_FOUND or INVALID. */
enum rov_state rov_validate(const struct vrp_table *t, const struct prefix *p, uint32_t origin_as);

/* What turns table `from` into table `to`: the VRPs only in `from`
 * (removed) first, then those only in `to` (added).  *out is allocated
 * (NULL when there is no difference; free() it); returns the count.  To
 * list a whole table, diff it against an empty one. */
size_t vrp_table_diff(const struct vrp_table *from, const struct vrp_table *to,
    struct vrp_change **out);

/* --- ASPA (draft-ietf-sidrops-aspa-profile / -aspa-verification) ---------- */

enum aspa_state { ASPA_VALID, ASPA_UNKNOWN, ASPA_INVALID };
const char *aspa_state_str(enum aspa_state s);  /* "valid", "unknown", "invalid" */

/* One ASPA record: the customer AS and the ASes it attests as providers. */
struct aspa {
	uint32_t customer;
	const uint32_t *providers;
	size_t n_providers;
};

struct aspa_table;

/* Builds an immutable table.  Records of the same customer are merged (the
 * union of their providers: BIRD and OpenBGPD accept one record per
 * customer, and arouteserver merges them the same way).  An empty provider
 * list, or one holding only AS0, attests "no provider at all". */
struct aspa_table *aspa_table_new(const struct aspa *records, size_t n);
void aspa_table_free(struct aspa_table *t);
size_t aspa_table_count(const struct aspa_table *t);   /* customers */

/* The draft's hop check: ASPA_NO_ATTESTATION if customer has no ASPA,
 * else whether provider is in its provider set. */
enum aspa_hop { ASPA_NO_ATTESTATION, ASPA_PROVIDER, ASPA_NOT_PROVIDER };
enum aspa_hop aspa_hop_check(const struct aspa_table *t, uint32_t customer, uint32_t provider);

/* Upstream AS_PATH verification (draft-ietf-sidrops-aspa-verification,
 * "Algorithm for Upstream Paths"), which applies to a route a transparent
 * route server (RFC 7947: not in the path) receives from a client: the
 * path must be one up-ramp, every AS a customer of the next one towards
 * the client.
 *
 * path[0] is the neighbour (the client, left-most), path[n-1] the origin,
 * as as_path_hops() (asn.h) produces it; consecutive duplicates
 * (prepends) are collapsed here as well.  has_set: the AS_PATH holds an
 * AS_SET (as_path_hops() returned AS_PATH_HAS_SET).
 *   1. empty path                                   INVALID
 *   2. an AS_SET anywhere                           INVALID
 *   3. collapse prepends; N hops
 *   4. some hop AS(i) -> AS(i+1) (towards the neighbour) is "not provider"
 *      (max_up_ramp < N)                            INVALID
 *   5. some hop has no attestation (min_up_ramp < N) UNKNOWN
 *   6.                                              VALID
 * The draft's check that the left-most AS is the neighbour's is the import
 * policy's REJECT_LEFTMOST_AS and is not repeated here. */
enum aspa_state aspa_verify_upstream(const struct aspa_table *t, const uint32_t *path, size_t n,
    bool has_set);

/* A VRP file was read: the tables handed over to the RDE (IPC_RPKI_DATA);
 * NULL: unchanged, except aspas with replace_aspas. */
struct rpki_update {
	struct vrp_table *vrps;
	struct aspa_table *aspas;
	bool replace_aspas;
};

/* --- JSON loaders --------------------------------------------------------- */

struct rpki_load_opts {
	/* cfg.rpki_roas.allowed_trust_anchors, compared case-insensitively;
	 * NULL or empty: every trust anchor.  With a list, a ROA without "ta"
	 * is refused; an ASPA without one is kept (only the RIPE-style format
	 * names ASPA trust anchors; arouteserver does the same). */
	const struct cfg_str_list *allowed_tas;
	/* Entries whose "expires" is before now are dropped, and the file is
	 * refused when metadata says it was built more than max_age seconds
	 * before now (cfg.rpki_roas.ignore_cache_files_older_than) or is
	 * valid only until a time before now (OctoRPKI "valid").  now == 0:
	 * no time checks; max_age == 0: no age check. */
	time_t now;
	uint32_t max_age;
};

/* What a load kept and dropped, for the log and `ixpctl show rpki`. */
struct rpki_load_stats {
	size_t roas;                 /* entries in "roas" */
	size_t vrps;                 /* distinct VRPs in the table */
	size_t expired;              /* "expires" before now */
	size_t other_ta;             /* trust anchor not allowed */
	size_t invalid;              /* malformed entries skipped (warned) */
	size_t aspas;                /* entries in "aspas" / provider_authorizations */
	size_t aspa_customers;       /* customers in the ASPA table */
	time_t built;                /* metadata build time, 0 if unknown */
};

/* Malformed entries are skipped with a warning naming file:line, as
 * arouteserver does, up to RPKI_MAX_INVALID; one more fails the load:
 * the file is then not what it claims to be.  Not JSON, no "roas" list,
 * a stale file: failure.  A top-level array is read as the "roas" list.
 * ASPAs: "aspas": [{"customer_asid": 43 | "customer": "AS43",
 * "providers": [293 | "AS293" | "293"]}] and the older
 * "provider_authorizations": {"ipv4": [...], "ipv6": [...]} of draft
 * profile v0, whose per-family lists are merged (the AFI limit is gone
 * from the current profile).
 * On success returns 0 and sets *vrps and, if aspas is not NULL, *aspas
 * (possibly empty); on failure returns -1 and writes "file[:line]: what"
 * into err.  stats may be NULL. */
#define RPKI_MAX_INVALID 10
int rpki_load_json(const char *path, const struct rpki_load_opts *opts,
    struct vrp_table **vrps, struct aspa_table **aspas, struct rpki_load_stats *stats,
    char *err, size_t errlen);
/* The same on a buffer in memory (a download); name is used in messages. */
int rpki_parse_json(const char *name, const char *buf, size_t len, const struct rpki_load_opts *opts,
    struct vrp_table **vrps, struct aspa_table **aspas, struct rpki_load_stats *stats,
    char *err, size_t errlen);
#endif
