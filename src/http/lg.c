/* SPDX-License-Identifier: ISC */
/* lg: the looking glass -- plain server-rendered HTML (no script, no
 * outside resource: it works offline), each page also as JSON with
 * ?format=json.  Pages: / (the route server, its neighbours, the lookup
 * forms), /neighbor/ADDR (a neighbour's accepted, rejected and restricted
 * routes, and the routes it does not receive, each with the reason),
 * /lookup (by address or prefix, community, origin AS).  Listings come a
 * page of LG_PAGE prefixes at a time (?after=N). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http_int.h"
#include "version.h"

#define LG_PAGE 100

static const char *const view_names[] = { "accepted", "rejected", "restricted", "not-received" };
static const char *const view_titles[] = { "Accepted routes", "Rejected routes",
	"Routes not announced to every member", "Routes this neighbour does not receive" };

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void head(struct http_job *j, const char *title)
{
	job_put(j, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<link rel=\"stylesheet\" href=\"/style.css\"><title>");
	job_html(j, title);
	job_put(j, " - ixpd looking glass</title></head><body>\n<header><a href=\"/\" class=\"home\">"
	    "ixpd looking glass</a><form action=\"/lookup\" method=\"get\"><input name=\"q\" "
	    "placeholder=\"address or prefix\" aria-label=\"address or prefix\"><button>Look up</button>"
	    "</form></header>\n<main>\n<h1>");
	job_html(j, title);
	job_put(j, "</h1>\n");
}

static void foot(struct http_job *j)
{
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	job_printf(j, "</main>\n<footer>ixpd %s &middot; %s &middot; the same data as JSON: add "
	    "<code>?format=json</code></footer>\n</body></html>\n", IXPD_VERSION, when);
}

static void duration(struct http_job *j, json_int_t since)
{
	long long s = (long long)(time(NULL) - since);
	if (since <= 0)
		job_put(j, "never");
	else if (s >= 86400)
		job_printf(j, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		job_printf(j, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		job_printf(j, "%lldm %llds", s / 60, s % 60);
}

static void neighbor_link(struct http_job *j, const char *address, const char *view)
{
	job_put(j, "<a href=\"/neighbor/");
	job_html(j, address);
	if (view) {
		job_put(j, "?view=");
		job_put(j, view);
	}
	job_put(j, "\">");
}

/* --- / ------------------------------------------------------------------------ */

/* A neighbour's site, linked to the routes learned there (their site tag,
 * docs/communities.md), or a dash. */
static void site_cell(struct http_job *j, const json_t *n, long long rs_as)
{
	const json_t *site = json_object_get(n, "site");
	if (!json_is_integer(site)) {
		job_put(j, "&ndash;");
		return;
	}
	long long s = (long long)json_integer_value(site);
	job_printf(j, "<a href=\"/lookup?community=%lld:1911:%lld\" title=\"routes learned at site %lld\">%lld</a>",
	    rs_as, s, s, s);
}

static void neighbor_row(struct http_job *j, const json_t *n, long long rs_as)
{
	const char *addr = str(n, "address"), *state = str(n, "state");
	const json_t *r = json_object_get(n, "routes");
	bool up = strcmp(state, "Established") == 0;
	job_put(j, "<tr><td>");
	neighbor_link(j, addr, NULL);
	job_html(j, addr);
	job_printf(j, "</a></td><td>AS%lld</td><td>", (long long)num(n, "asn"));
	job_html(j, str(n, "description"));
	job_put(j, "</td><td>");
	site_cell(j, n, rs_as);
	job_printf(j, "</td><td>%s</td><td><span class=\"state %s\">", strchr(addr, ':') ? "IPv6" : "IPv4",
	    up ? "up" : "down");
	job_html(j, state);
	job_put(j, "</span>");
	if (!up && str(n, "last_error")[0]) {
		job_put(j, "<br><small>");
		job_html(j, str(n, "last_error"));
		job_put(j, "</small>");
	}
	job_put(j, "</td><td>");
	duration(j, num(n, "since"));
	job_printf(j, "</td><td class=\"n\">%lld</td><td class=\"n\">", (long long)num(r, "received"));
	neighbor_link(j, addr, "accepted");
	job_printf(j, "%lld</a></td><td class=\"n\">", (long long)num(r, "accepted"));
	neighbor_link(j, addr, "rejected");
	bool bad = num(r, "rejected") > 0;
	job_printf(j, "%s%lld%s</a></td><td class=\"n\">%lld</td><td>", bad ? "<b class=\"bad\">" : "",
	    (long long)num(r, "rejected"), bad ? "</b>" : "", (long long)num(r, "exported"));
	neighbor_link(j, addr, "restricted");
	job_put(j, "restricted</a> &middot; ");
	neighbor_link(j, addr, "not-received");
	job_put(j, "not received</a></td></tr>\n");
}

static void index_html(struct http_job *j, const json_t *st, const json_t *nb)
{
	char title[96];
	snprintf(title, sizeof(title), "Route server AS%lld", (long long)num(st, "rs_as"));
	head(j, title);
	const json_t *n = json_object_get(st, "neighbors"), *r = json_object_get(st, "routes");
	job_put(j, "<p class=\"summary\">Router ID ");
	job_html(j, str(st, "router_id"));
	job_put(j, " &middot; up ");
	duration(j, num(st, "started"));
	job_printf(j, " &middot; %lld of %lld neighbours established &middot; %lld prefixes, %lld paths, "
	    "%lld rejected</p>\n", (long long)num(n, "established"), (long long)num(n, "configured"),
	    (long long)num(r, "prefixes"), (long long)num(r, "paths"), (long long)num(r, "rejected"));
	job_put(j, "<section class=\"lookups\"><form action=\"/lookup\"><label>Address or prefix "
	    "<input name=\"q\" placeholder=\"45.65.1.1 or 45.65.0.0/22\"></label><button>Look up</button></form>"
	    "<form action=\"/lookup\"><label>Community <input name=\"community\" placeholder=\"65535:666 or "
	    "59900:0:52002\"></label><button>Find</button></form><form action=\"/lookup\"><label>Origin AS "
	    "<input name=\"origin\" placeholder=\"52001\"></label><button>Find</button></form></section>\n");
	job_put(j, "<h2>Neighbours</h2>\n<table class=\"neighbors\"><thead><tr><th>Address</th><th>AS</th>"
	    "<th>Description</th><th>Site</th><th>Family</th><th>State</th><th>Since</th><th>Received</th><th>Accepted</th>"
	    "<th>Rejected</th><th>Exported</th><th>Not exported</th></tr></thead><tbody>\n");
	size_t i;
	const json_t *e;
	json_array_foreach(json_object_get(nb, "neighbors"), i, e)
		neighbor_row(j, e, (long long)num(st, "rs_as"));
	job_put(j, "</tbody></table>\n");
	foot(j);
}

static int begin_index(struct http_job *j)
{
	json_t *st = job_query(j, json_pack("{s:s}", "command", "show status"));
	json_t *nb = st ? job_query(j, json_pack("{s:s}", "command", "show neighbors")) : NULL;
	if (!nb) {
		json_decref(st);
		return 503;
	}
	if (j->req.json) {
		json_t *o = json_pack("{s:O, s:O}", "status", st, "neighbors", json_object_get(nb, "neighbors"));
		job_json(j, o);
		job_put(j, "\n");
		json_decref(o);
	} else {
		index_html(j, st, nb);
	}
	json_decref(st);
	json_decref(nb);
	j->done = true;
	return 200;
}

/* --- listings ------------------------------------------------------------------- */

static void neighbor_header(struct http_job *j, const json_t *n)
{
	const char *addr = str(n, "address");
	const json_t *r = json_object_get(n, "routes");
	char title[160];
	snprintf(title, sizeof(title), "%s AS%lld %s", addr, (long long)num(n, "asn"), str(n, "description"));
	head(j, title);
	job_put(j, "<p class=\"summary\">");
	if (json_is_integer(json_object_get(n, "site")))
		job_printf(j, "site %lld &middot; ", (long long)num(n, "site"));
	job_html(j, str(n, "state"));
	job_put(j, " for ");
	duration(j, num(n, "since"));
	if (str(n, "last_error")[0]) {
		job_put(j, " &middot; last error: ");
		job_html(j, str(n, "last_error"));
	}
	job_printf(j, " &middot; received %lld, accepted %lld, rejected %lld, exported %lld</p>\n<nav class=\"tabs\">",
	    (long long)num(r, "received"), (long long)num(r, "accepted"), (long long)num(r, "rejected"),
	    (long long)num(r, "exported"));
	for (size_t v = 0; v < 4; v++) {
		job_printf(j, "%s", v == j->req.view ? "<b>" : "");
		neighbor_link(j, addr, view_names[v]);
		job_html(j, view_titles[v]);
		job_printf(j, "</a>%s ", v == j->req.view ? "</b>" : "");
	}
	job_put(j, "</nav>\n");
}

static void lookup_header(struct http_job *j)
{
	const struct http_routes *r = &j->req.routes;
	char title[160];
	if (r->match[0])
		snprintf(title, sizeof(title), "Routes for %s", r->match);
	else if (r->community[0])
		snprintf(title, sizeof(title), "Routes with community %s", r->community);
	else
		snprintf(title, sizeof(title), "Routes originated by AS%u", r->origin);
	head(j, title);
}

static void table_head(struct http_job *j)
{
	job_put(j, "<table class=\"routes\"><thead><tr><th>Prefix</th><th>From</th><th>Next hop</th>"
	    "<th>AS path</th><th>State</th><th>Details</th></tr></thead><tbody>\n");
}

static int begin_listing(struct http_job *j)
{
	json_t *nb = job_query(j, json_pack("{s:s}", "command", "show neighbors"));
	if (!nb)
		return 503;
	json_t *names = json_object(), *self = NULL;
	size_t i;
	json_t *n;
	char want[INET6_ADDRSTRLEN] = "";
	if (j->req.routes.has_neighbor)
		ip_addr_str(&j->req.routes.neighbor, want, sizeof(want));
	json_array_foreach(json_object_get(nb, "neighbors"), i, n) {
		json_object_set_new(names, str(n, "address"), json_string(str(n, "description")));
		if (!strcmp(str(n, "address"), want))
			self = n;
	}
	j->ctx = json_pack("{s:o}", "names", names);
	if (j->req.kind == HK_LG_NEIGHBOR && !self) {
		json_decref(nb);
		snprintf(j->err, sizeof(j->err), "no neighbour %s", want);
		return 404;
	}
	if (self)
		json_object_set(j->ctx, "neighbor", self);
	json_decref(nb);
	json_t *q = job_routes_request(&j->req.routes);
	json_object_set_new(q, "limit", json_integer(LG_PAGE));
	json_object_set_new(q, "after", json_integer(j->req.after));
	if (job_list(j, q) < 0)
		return strstr(j->err, "no such") ? 404 : 400;
	if (j->req.json) {
		job_put(j, "{\"routes\":[");
		return 200;
	}
	if (self)
		neighbor_header(j, self);
	else
		lookup_header(j);
	table_head(j);
	return 200;
}

static void join_strings(struct http_job *j, const json_t *list, const char *sep)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		if (i)
			job_put(j, sep);
		job_html(j, json_string_value(v));
	}
}

static void asn_list(struct http_job *j, const json_t *asns)
{
	size_t i;
	json_t *v;
	json_array_foreach(asns, i, v)
		job_printf(j, "%sAS%lld", i ? ", " : "", (long long)json_integer_value(v));
}

/* One RTT bound of export control, if the path has it: "RTT above 20 ms". */
static void rtt_bound(struct http_job *j, const json_t *rtt, const char *key, const char *what,
    const char **sep)
{
	const json_t *v = json_object_get(rtt, key);
	if (!json_is_integer(v))
		return;
	job_printf(j, "%s%s %lld ms", *sep, what, (long long)json_integer_value(v));
	*sep = ", ";
}

/* Who the path is (not) announced to, from its decoded action communities. */
static void export_control(struct http_job *j, const json_t *ctl)
{
	const json_t *not = json_object_get(ctl, "not_to"), *to = json_object_get(ctl, "to");
	const json_t *rtt = json_object_get(ctl, "rtt");
	bool only = json_is_true(json_object_get(ctl, "not_to_any"));
	const char *sep = "";
	if (json_is_true(json_object_get(ctl, "well_known"))) {
		job_put(j, "<div class=\"why\">announced to nobody: NO_EXPORT or NO_ADVERTISE (RFC 1997)</div>");
		return;
	}
	if (json_array_size(not)) {
		job_put(j, "<div class=\"why\">not announced to: ");
		asn_list(j, not);
		job_put(j, " (action communities)</div>");
	}
	if (only || json_array_size(to)) {
		job_put(j, only ? "<div class=\"why\">announced only to: " : "<div class=\"why\">announced to: ");
		asn_list(j, to);
		if (json_array_size(to))
			sep = ", ";
		rtt_bound(j, rtt, "to_above_ms", "members with RTT above", &sep);
		rtt_bound(j, rtt, "to_upto_ms", "members with RTT up to", &sep);
		job_put(j, only && !*sep ? "nobody (action communities)</div>" : " (action communities)</div>");
	}
	const json_t *sites = json_object_get(ctl, "sites");
	if (json_array_size(json_object_get(sites, "not_to"))) {
		job_put(j, "<div class=\"why\">not announced to members at site ");
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(sites, "not_to"), i, v)
			job_printf(j, "%s%lld", i ? ", " : "", (long long)json_integer_value(v));
		job_put(j, " (site communities)</div>");
	}
	if (json_is_integer(json_object_get(sites, "only_to")))
		job_printf(j, "<div class=\"why\">announced only to members at site %lld (site communities)</div>",
		    (long long)json_integer_value(json_object_get(sites, "only_to")));
	sep = "";
	if (json_object_get(rtt, "not_to_above_ms") || json_object_get(rtt, "not_to_upto_ms")) {
		job_put(j, "<div class=\"why\">not announced to ");
		rtt_bound(j, rtt, "not_to_above_ms", "members with RTT above", &sep);
		rtt_bound(j, rtt, "not_to_upto_ms", "members with RTT up to", &sep);
		job_put(j, " (action communities)</div>");
	}
}

static void state_cell(struct http_job *j, const json_t *p)
{
	if (json_is_true(json_object_get(p, "rejected"))) {
		job_put(j, "<span class=\"bad\">rejected</span><div class=\"why\">");
		job_html(j, str(p, "reject_reason"));
		job_printf(j, " (code %lld)</div>", (long long)num(p, "reject_code"));
	} else if (json_is_string(json_object_get(p, "not_exported_reason"))) {
		job_put(j, "<span class=\"warn\">not exported</span><div class=\"why\">");
		job_html(j, str(p, "not_exported_reason"));
		job_printf(j, " (code %lld)</div>", (long long)num(p, "not_exported_code"));
	} else {
		job_printf(j, "<span class=\"ok\">accepted</span>%s", json_is_true(json_object_get(p, "best")) ?
		    " <b title=\"the best path\">best</b>" : "");
	}
	if (json_is_true(json_object_get(p, "blackhole")))
		job_put(j, " <span class=\"warn\">blackhole</span>");
	export_control(j, json_object_get(p, "export_control"));
}

static void details_cell(struct http_job *j, const json_t *p)
{
	job_put(j, "<details><summary>attributes</summary><dl>");
	job_printf(j, "<dt>Origin</dt><dd>%s</dd><dt>Local preference</dt><dd>%lld</dd><dt>MED</dt><dd>",
	    str(p, "origin"), (long long)num(p, "local_pref"));
	if (json_is_integer(json_object_get(p, "med")))
		job_printf(j, "%lld", (long long)num(p, "med"));
	else
		job_put(j, "none");
	job_put(j, "</dd><dt>RPKI</dt><dd>");
	job_html(j, str(p, "rpki"));
	const json_t *irr = json_object_get(p, "irr");
	job_put(j, "</dd><dt>IRR</dt><dd>");
	if (irr)
		job_printf(j, "origin %s the AS-SET, prefix %s%s",
		    json_is_true(json_object_get(irr, "origin_in_as_set")) ? "in" : "not in",
		    json_is_true(json_object_get(irr, "prefix_in_as_set")) ? "in it" : "not in it",
		    json_is_true(json_object_get(irr, "white_list")) ? ", white-listed" : "");
	else
		job_put(j, "not checked");
	job_put(j, "</dd><dt>Communities</dt><dd>");
	join_strings(j, json_object_get(p, "communities"), " ");
	job_put(j, "</dd><dt>Large communities</dt><dd>");
	join_strings(j, json_object_get(p, "large_communities"), " ");
	job_put(j, "</dd><dt>Extended communities</dt><dd>");
	join_strings(j, json_object_get(p, "ext_communities"), " ");
	job_printf(j, "</dd><dt>Age</dt><dd>%llds</dd></dl>", (long long)num(p, "age"));
	const json_t *m = json_object_get(p, "community_meanings");
	if (json_object_size(m)) {
		job_put(j, "<table class=\"meanings\"><tr><th>Community</th><th>Meaning</th></tr>");
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)m, k, v) {
			job_put(j, "<tr><td>");
			job_html(j, k);
			job_put(j, "</td><td>");
			job_html(j, json_string_value(v));
			job_put(j, "</td></tr>");
		}
		job_put(j, "</table>");
	}
	job_put(j, "</details>");
}

static void path_row(struct http_job *j, const char *prefix, const json_t *p)
{
	const char *from = str(p, "neighbor");
	job_put(j, "<tr><td class=\"pfx\"><a href=\"/lookup?q=");
	job_html(j, prefix);
	job_put(j, "\">");
	job_html(j, prefix);
	job_put(j, "</a></td><td>");
	neighbor_link(j, from, NULL);
	job_html(j, from);
	job_printf(j, "</a><br><small>AS%lld ", (long long)num(p, "asn"));
	job_html(j, json_string_value(json_object_get(json_object_get(j->ctx, "names"), from)));
	job_put(j, "</small></td><td>");
	job_html(j, str(p, "next_hop"));
	job_put(j, "</td><td class=\"path\">");
	job_html(j, str(p, "as_path"));
	job_put(j, "</td><td>");
	state_cell(j, p);
	job_put(j, "</td><td>");
	details_cell(j, p);
	job_put(j, "</td></tr>\n");
}

static void lg_route(struct http_job *j, const json_t *entry)
{
	if (j->req.json) {
		if (j->shown > 1)
			job_put(j, ",");
		job_json(j, entry);
		return;
	}
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(entry, "paths"), i, p)
		path_row(j, str(entry, "prefix"), p);
}

static void next_link(struct http_job *j, json_int_t next)
{
	const struct http_routes *r = &j->req.routes;
	char addr[INET6_ADDRSTRLEN];
	if (j->req.kind == HK_LG_NEIGHBOR)
		job_printf(j, "<a class=\"next\" href=\"/neighbor/%s?view=%s&amp;after=%lld\">Next page</a>",
		    ip_addr_str(&r->neighbor, addr, sizeof(addr)), view_names[j->req.view], (long long)next);
	else if (r->match[0])
		job_printf(j, "<a class=\"next\" href=\"/lookup?q=%s&amp;after=%lld\">Next page</a>", r->match,
		    (long long)next);
	else if (r->community[0])
		job_printf(j, "<a class=\"next\" href=\"/lookup?community=%s&amp;after=%lld\">Next page</a>",
		    r->community, (long long)next);
	else
		job_printf(j, "<a class=\"next\" href=\"/lookup?origin=%u&amp;after=%lld\">Next page</a>", r->origin,
		    (long long)next);
}

static void lg_end(struct http_job *j, const json_t *result)
{
	bool truncated = json_is_true(json_object_get(result, "truncated"));
	json_int_t next = num(result, "next");
	if (j->req.json) {
		job_printf(j, "],\"truncated\":%s", truncated ? "true" : "false");
		if (truncated)
			job_printf(j, ",\"next\":%lld", (long long)next);
		job_put(j, "}\n");
		return;
	}
	job_put(j, "</tbody></table>\n");
	if (!result)
		job_put(j, "<p class=\"bad\">The listing was cut short; try again.</p>\n");
	else if (j->shown == 0)
		job_put(j, "<p>No routes.</p>\n");
	if (truncated)
		next_link(j, next);
	foot(j);
}

static int lg_begin(struct http_job *j)
{
	if (j->req.kind == HK_LG_INDEX)
		return begin_index(j);
	if (j->req.kind == HK_LG_LOOKUP && !j->req.is_listing) {
		head(j, "Look up routes");
		job_put(j, "<p>Give an address or prefix, a community or an origin AS.</p>\n");
		foot(j);
		j->done = true;
		return 200;
	}
	return begin_listing(j);
}

static void lg_error(struct http_job *j, const char *message)
{
	if (j->req.json) {
		json_t *e = json_pack("{s:s}", "error", message ? message : "error");
		job_json(j, e);
		job_put(j, "\n");
		json_decref(e);
		return;
	}
	head(j, "Error");
	job_put(j, "<p class=\"bad\">");
	job_html(j, message);
	job_put(j, "</p>\n");
	foot(j);
}

const struct http_page lg_page = {
	.content_type = "text/html; charset=utf-8",
	.begin = lg_begin,
	.route = lg_route,
	.end = lg_end,
	.error = lg_error,
};

/* --- /style.css ------------------------------------------------------------------ */

static const char stylesheet[] =
	"body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#fbfcfd}\n"
	"header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#12395c;color:#fff}\n"
	"header a.home{color:#fff;font-weight:600;text-decoration:none}\n"
	"header form{margin-left:auto}\n"
	"main{padding:0 1em 2em}\n"
	"h1{font-size:1.35em;margin:.8em 0 .3em}h2{font-size:1.1em}\n"
	".summary{color:#4a5566}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
	"th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #dde3ea;vertical-align:top}\n"
	"th{background:#eef2f6;font-weight:600}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.path,td.pfx{font-family:ui-monospace,monospace}\n"
	".state.up,.ok{color:#176b2c}.state.down,.bad{color:#a31515}.warn{color:#8a5a00}\n"
	".why{font-size:.9em;color:#5a3b00}\n"
	".tabs a{margin-right:.8em}\n"
	".lookups form{display:inline-block;margin:.3em 1em .3em 0}\n"
	"input{padding:.25em .4em}button{padding:.25em .7em}\n"
	"details dl{display:grid;grid-template-columns:max-content auto;gap:.1em .8em;margin:.4em 0}\n"
	"details dt{color:#4a5566}details dd{margin:0;font-family:ui-monospace,monospace}\n"
	"table.meanings{width:auto}\n"
	"a.next{display:inline-block;margin:.5em 0;font-weight:600}\n"
	"footer{padding:1em;color:#6a7586;font-size:.85em}\n";

static int style_begin(struct http_job *j)
{
	job_put(j, stylesheet);
	j->done = true;
	return 200;
}

static void style_error(struct http_job *j, const char *message)
{
	job_printf(j, "/* %s */\n", message);
}

const struct http_page style_page = {
	.content_type = "text/css; charset=utf-8",
	.begin = style_begin,
	.error = style_error,
};
