/* SPDX-License-Identifier: ISC */
/* whois_dump: route objects from RIR whois bulk dumps, arouteserver's
 * cfg.filtering.irrdb.use_arin_bulk_whois_data and
 * use_registrobr_bulk_whois_data: (origin AS, prefix) pairs that back the
 * IRR prefix check up.  An origin the member's AS-SETs authorize with a
 * prefix none of their route objects has passes if a dump lists the
 * prefix for that origin (tagged prefix_validated_via_arin_whois_db_dump /
 * ..._registrobr_...).
 *
 * Formats (arouteserver's, config.d/general.yml):
 *  - ARIN: JSON {"json_schema": "0.0.2", "source": "ARIN-WHOIS",
 *    "whois_records": {"v4": [{"originas": "AS64500", "prefix":
 *    "192.0.2.0/24"}, ...], "v6": [...]}} (what NLNOG's
 *    arin-whois-bulk-parser writes);
 *  - registro.br: text, one line per AS, '|'-separated:
 *    "AS64500|Organization|OrgID|192.0.2.0/24|2001:db8::/32|..." -- the
 *    fields after the third are the AS's prefixes.
 *
 * Every byte is hostile: a malformed record (line, JSON entry) is skipped
 * and counted, a file with more malformed records than good ones, or none
 * good at all, or above WHOIS_MAX_BYTES, or with more than
 * WHOIS_MAX_ROUTES pairs, is refused with a message naming the file (and
 * the line, for text).  The result is read-only: any thread may match
 * against it. */
#ifndef IXPD_WHOIS_DUMP_H
#define IXPD_WHOIS_DUMP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

#define WHOIS_MAX_BYTES (1024u << 20)
#define WHOIS_MAX_ROUTES 20000000u

enum whois_format { WHOIS_ARIN, WHOIS_REGISTROBR };
/* "arin", "registro.br": for messages */
const char *whois_format_name(enum whois_format f);

struct whois_routes;

/* Parses a dump held in memory; name is what messages call it (a path).
 * NULL on refusal, with the reason in err. */
struct whois_routes *whois_routes_parse(const char *data, size_t len, enum whois_format f,
    const char *name, char *err, size_t errlen);
/* Reads and parses the file at path (at most WHOIS_MAX_BYTES). */
struct whois_routes *whois_routes_load(const char *path, enum whois_format f, char *err, size_t errlen);
void whois_routes_free(struct whois_routes *w);

/* (origin, prefix) pairs held, duplicates counted once; records skipped
 * as malformed. */
size_t whois_routes_count(const struct whois_routes *w);
size_t whois_routes_skipped(const struct whois_routes *w);

/* Does the dump list p for origin -- exactly, or with allow_longer a
 * prefix of origin's that covers p?  O(log n + prefixes of origin). */
bool whois_routes_match(const struct whois_routes *w, const struct prefix *p, uint32_t origin,
    bool allow_longer);
#endif
