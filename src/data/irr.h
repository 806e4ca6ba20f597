/* SPDX-License-Identifier: ISC */
/* irr: IRR data for the import filters (RFC 7948 §4.6, arouteserver's
 * cfg.filtering.irrdb): which origin ASNs and which prefixes a member may
 * announce, from the AS-SETs it registered.
 *
 * Three sources build the same per-member result, struct irr_member:
 *  - RPSL dumps (the text exports IRR databases publish) loaded into an
 *    irr_db and expanded locally: irr_db_load_file + irr_db_expand;
 *  - bgpq4 run against an IRRd server: irr_bgpq4_expand;
 *  - the on-disk cache of the last good result: irr_member_load_cached
 *    (written by irr_member_save), for a start without IRR access.
 * irr_check then answers, per route, a few trie steps.
 *
 * What is expanded for a member is a list of names ("AS-FOO", "AS64500",
 * hierarchical "AS64500:AS-CUST", optionally with an IRR source prefix
 * "RIPE::AS-FOO"); irr_client_names gives arouteserver's list for a client.
 * A member's key is that list upper-cased, sorted, de-duplicated and joined
 * with '+': it names the cache file and identifies the data.
 *
 * No globals, no shared state, no callbacks into the daemon: a refresh can
 * run in a worker thread (bgpq4 takes seconds) and hand the finished,
 * read-only irr_member to the RDE.  An irr_db is read-only once loaded, so
 * several threads may expand from it at once. */
#ifndef IXPD_IRR_H
#define IXPD_IRR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "pfxtree.h"
#include "prefix.h"

#define IRR_NAME_MAX 128             /* longest name accepted */
#define IRR_DEFAULT_MAX_DEPTH 32     /* AS-SET nesting followed by irr_db_expand */
#define IRR_BGPQ4_DEFAULT_PATH "/usr/bin/bgpq4"
#define IRR_BGPQ4_DEFAULT_TIMEOUT 120    /* seconds, per bgpq4 run */

struct irr_member {
	char *key;                   /* "AS-FOO+AS64500" (see above) */
	uint32_t *origins;           /* ascending, no duplicates */
	size_t n_origins;
	struct pfxtree *prefixes;    /* route/route6 prefixes; values unused (NULL) */
	time_t generated;            /* when the data came from the IRR; a cached
	                              * copy keeps it, so now - generated is its age */
	unsigned unknown_sets;       /* AS-SETs the IRR data does not hold */
	unsigned depth_limited;      /* AS-SETs not followed: nested too deep */
};

void irr_member_free(struct irr_member *m);

/* What a route's origin and prefix look like against the member's data. */
#define IRR_ORIGIN_OK 0x1u           /* origin_as is in the expanded AS-SETs */
#define IRR_PREFIX_OK 0x2u           /* p is a route/route6 prefix of them, or
                                      * with allow_longer lies inside one */
unsigned irr_check(const struct irr_member *m, const struct prefix *p, uint32_t origin_as,
                   bool allow_longer);

/* Is name safe to expand: 1..IRR_NAME_MAX characters of [A-Za-z0-9:_-],
 * starting with a letter or digit.  This is what lets a name go on bgpq4's
 * command line (never taken for an option) and into a cache file name. */
bool irr_name_valid(const char *name);

/* The names arouteserver expands for a client: "AS<asn>" always, plus the
 * client's cfg.filtering.irrdb.as_sets or, if it has none, those of its
 * ASN's clients.yml `asns:` entry.  Returns the count; *out is an allocated
 * array of allocated strings, freed by irr_names_free. */
int irr_client_names(const struct ixpd_config *cfg, const struct cfg_client *c, char ***out);
/* The key of the data expanded for names (irr_member.key), or NULL if a
 * name is invalid.  Free it. */
char *irr_key(const char *const *names, int n);
void irr_names_free(char **names, int n);

/* ---- RPSL dumps ----
 * Objects are separated by blank lines; "attr: value" lines, continuation
 * lines starting with space, tab or '+'; '#' and '%' lines and the rest of a
 * line after '#' are comments; attribute names are case-insensitive.  Kept:
 * route:/route6: with origin:, and as-set: with members: (ASNs and AS-SET
 * names, comma or space separated).  Everything else is ignored, including
 * source: -- the loaded files together are the source, and an AS-SET defined
 * in several of them is taken from the first file loaded.  A kept object that
 * is malformed (missing or repeated key or origin, bad prefix, line over
 * 64 KiB, ...) is skipped and counted; its first occurrences are logged as
 * warnings with file:line.  Plain text only (gunzip dumps first). */
struct irr_db;

struct irr_load_stats {
	size_t objects;              /* objects read, of any class */
	size_t routes;               /* route: and route6: objects kept */
	size_t as_sets;              /* as-set: objects kept */
	size_t skipped;              /* malformed route/route6/as-set objects */
	size_t duplicate_sets;       /* as-set objects already loaded */
	size_t bad_members;          /* members: entries that are no ASN or name */
};

struct irr_db *irr_db_new(void);
void irr_db_free(struct irr_db *db);
/* Adds one dump file.  Returns 0 (st, which may be NULL, tells what was kept
 * and skipped), or -1 with the reason in err if the file cannot be read or
 * exceeds the size limits; objects read before such an error stay. */
int irr_db_load_file(struct irr_db *db, const char *path, struct irr_load_stats *st,
                     char *err, size_t errlen);

/* Expands names (see above; a source prefix is ignored here) into origins,
 * following nested AS-SETs breadth-first, each once, up to max_depth levels
 * (0 = IRR_DEFAULT_MAX_DEPTH), then collects every route/route6 object whose
 * origin is among them.  Unknown AS-SETs are counted (and logged), not an
 * error.  NULL with err if a name is invalid. */
struct irr_member *irr_db_expand(const struct irr_db *db, const char *const *names, int n,
                                 unsigned max_depth, char *err, size_t errlen);

/* ---- bgpq4 ----
 * Three runs (-t, -4, -6) with JSON output (-j -l irr), by fork/exec, no
 * shell; each is killed after the timeout. */
struct irr_bgpq4_opts {
	const char *path;            /* NULL = IRR_BGPQ4_DEFAULT_PATH */
	const char *host;            /* -h host[:port]; NULL = bgpq4's default */
	const char *sources;         /* -S RIPE,RADB,...; NULL = bgpq4's default */
	unsigned timeout;            /* seconds per run; 0 = IRR_BGPQ4_DEFAULT_TIMEOUT */
};

struct irr_member *irr_bgpq4_expand(const struct irr_bgpq4_opts *o, const char *const *names,
                                    int n, char *err, size_t errlen);

/* Adds one bgpq4 JSON answer ({"irr": [...]}) to m: ASNs (-t) when afi is 0,
 * else exact prefixes of that family (-4: AFI_IPV4, -6: AFI_IPV6).  Entries
 * with ranges (bgpq4 -A/-R, which ixpd does not pass) are refused.  Returns
 * 0, or -1 with err (m may then hold part of the answer). */
int irr_bgpq4_parse(struct irr_member *m, uint8_t afi, const char *json, size_t len,
                    char *err, size_t errlen);

/* An empty member for names (NULL with err if a name is invalid), to be
 * filled by irr_bgpq4_parse. */
struct irr_member *irr_member_new(const char *const *names, int n, char *err, size_t errlen);

/* ---- cache: <cache_dir>/irr/<key>.json ----
 * Written atomically (temporary file, fsync, rename), so a reader sees the
 * old or the new data, never a mix.  A key too long for a file name is
 * stored under a hash of it.  The loader checks everything it reads (the
 * file holds the key it was written for) and logs the data's age. */
int irr_member_save(const struct irr_member *m, const char *cache_dir, char *err, size_t errlen);
struct irr_member *irr_member_load_cached(const char *cache_dir, const char *const *names, int n,
                                          char *err, size_t errlen);
#endif
