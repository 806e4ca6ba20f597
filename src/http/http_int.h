/* SPDX-License-Identifier: ISC */
/* http_int: what the HTTP server's pages (the looking glass, the
 * birdwatcher API, the metrics) share with the server.  src/http only.
 *
 * A page answers one request (a struct http_job).  Its `begin` runs
 * before the response starts and decides its status: it asks the daemon
 * what it needs as whole replies (job_query) and, for a listing, opens it
 * (job_list).  The listing's routes are then handed to `route` one at a
 * time as the HTTP client reads the response, and `end` closes it.  A page
 * writes with job_put / job_printf / job_html into the job's output, which
 * the server sends before asking for more. */
#ifndef IXPD_HTTP_INT_H
#define IXPD_HTTP_INT_H
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "http_route.h"
#include "wire.h"

struct http_server;

struct http_job {
	struct http_server *srv;
	struct http_req req;
	const struct http_page *page;
	int status;                  /* of the response */
	int fd;                      /* the listing's control connection, or -1 */
	struct wbuf in;              /* bytes of the listing not yet a whole line */
	json_t *first;               /* its first line, read by job_list, not yet shown */
	struct wbuf out;             /* output not yet sent */
	size_t out_off;
	bool done;                   /* the output is complete once out is sent */
	json_t *ctx;                 /* the page's data from begin */
	uint32_t shown;              /* routes handed to `route` */
	char err[256];
};

struct http_page {
	const char *content_type;
	/* Returns the HTTP status; a status >= 400 is answered with `error`. */
	int (*begin)(struct http_job *j);
	void (*route)(struct http_job *j, const json_t *entry);
	void (*end)(struct http_job *j, const json_t *result);
	void (*error)(struct http_job *j, const char *message);
};

extern const struct http_page lg_page, bw_page, metrics_page, style_page;

/* Asks the daemon (a control request, e.g. {"command":"show status"}).
 * Returns the reply's result (a new reference) or NULL with the reason in
 * j->err (the daemon's error, or a failed connection). */
json_t *job_query(struct http_job *j, json_t *request);
/* Opens a `show routes` listing for j (request: its arguments; "lines"
 * is added); 0, or -1 with j->err. */
int job_list(struct http_job *j, json_t *request);
/* The arguments of a `show routes` request for what r asks. */
json_t *job_routes_request(const struct http_routes *r);

void job_put(struct http_job *j, const char *s);
void job_printf(struct http_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text made safe for HTML (element content and attribute values). */
void job_html(struct http_job *j, const char *text);
/* A Prometheus label value, quoted and escaped (\\, \", \n). */
void job_label(struct http_job *j, const char *v);
/* A JSON value as compact JSON. */
void job_json(struct http_job *j, const json_t *v);

/* The server's own counters, for the metrics page. */
struct http_stats {
	uint64_t requests[6];        /* by page: lg, birdwatcher, metrics, style, bad, limited */
	uint64_t responses_by_class[6];      /* 1xx .. 5xx, [0] unused */
	uint64_t rate_limited;
	uint64_t bytes_sent;
};
void http_stats_get(const struct http_server *h, struct http_stats *out);
#endif
