/* SPDX-License-Identifier: ISC */
/* http_route: what an HTTP request asks for -- the URL path and its query
 * arguments checked and turned into a struct http_req -- before anything
 * is asked of the daemon.  Pure and bounded: it reads the path and the
 * arguments it looks up, copies at most HTTP_ARG_MAX bytes of each, and
 * refuses anything it does not know (the fuzz target fuzz_http_route
 * drives it).
 *
 * URLs (docs/http.md is the reference):
 *   /                        looking glass: neighbours, lookup forms
 *   /neighbor/ADDR           a neighbour: ?view=accepted|rejected|restricted|not-received
 *   /lookup                  ?q=ADDR|PREFIX (longest match), ?community=C, ?origin=ASN
 *   /style.css               the stylesheet
 *   /metrics                 Prometheus exposition
 *   /api/birdwatcher/...     the birdwatcher API Alice-LG reads
 * The looking glass pages take ?format=json (the same data as JSON) and
 * ?after=N (the next page of a listing). */
#ifndef IXPD_HTTP_ROUTE_H
#define IXPD_HTTP_ROUTE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp.h"

#define HTTP_ARG_MAX 80          /* bytes of an argument value (birdwatcher's limit) */
#define HTTP_PATH_MAX 256

enum http_kind {
	HK_LG_INDEX,                 /* / */
	HK_LG_NEIGHBOR,              /* /neighbor/ADDR */
	HK_LG_LOOKUP,                /* /lookup */
	HK_STYLE,                    /* /style.css */
	HK_METRICS,                  /* /metrics */
	HK_BW_STATUS,                /* birdwatcher: /status */
	HK_BW_PROTOCOLS,             /* /protocols/bgp, /protocols */
	HK_BW_PROTOCOLS_SHORT,       /* /protocols/short */
	HK_BW_ROUTES,                /* /routes/protocol|filtered|noexport/ID, /routes/table/T[/filtered], /routes/prefix */
	HK_BW_COUNT_PROTOCOL,        /* /routes/count/protocol/ID */
	HK_BW_COUNT_TABLE,           /* /routes/count/table/T */
};

enum lg_view { LV_ACCEPTED, LV_REJECTED, LV_RESTRICTED, LV_NOT_RECEIVED };

/* What a route listing shows: the arguments of a `show routes` request. */
struct http_routes {
	bool has_neighbor;
	struct ip_addr neighbor;     /* routes from it, or (not_received) not exported to it */
	bool not_received;
	bool accepted, rejected, restricted;
	uint8_t afi;                 /* 0: both */
	char match[HTTP_ARG_MAX + 1];        /* "" or an address / prefix */
	char community[HTTP_ARG_MAX + 1];    /* "" or A:B / A:B:C */
	bool has_origin;
	uint32_t origin;
};

struct http_req {
	enum http_kind kind;
	bool json;                   /* looking glass: ?format=json */
	uint32_t after;              /* looking glass: ?after=N, where the last page ended */
	enum lg_view view;
	struct http_routes routes;   /* listings */
	bool is_listing;             /* routes: a listing is asked for */
	char protocol[HTTP_ARG_MAX + 1];     /* birdwatcher protocol id, as given */
};

/* Looks an argument up (NULL: absent). */
typedef const char *(*http_arg_fn)(void *arg, const char *name);

/* Parses a request for path (already %-decoded) with arguments from
 * get_arg.  Returns 0, 404 (no such page) or 400 with a message in err. */
int http_route_parse(const char *path, http_arg_fn get_arg, void *arg, struct http_req *out,
    char *err, size_t errlen);

/* Birdwatcher protocol ids: stable across reloads, made from the
 * neighbour's address in birdwatcher's charset ("N192_0_2_11",
 * "N2001_db8__11").  id must hold HTTP_ARG_MAX + 1 bytes. */
void http_protocol_id(const struct ip_addr *a, char *id);
int http_protocol_addr(const char *id, struct ip_addr *out);
#endif
