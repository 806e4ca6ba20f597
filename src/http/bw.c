/* SPDX-License-Identifier: ISC */
/* bw: the birdwatcher API (/api/birdwatcher/...) as Alice-LG parses it in
 * single_table mode: the envelope, an object of protocols keyed by their
 * id, routes with as_path as digit strings, local_pref and med as decimal
 * strings, communities as arrays of numbers, times as "YYYY-MM-DD
 * HH:MM:SS" UTC (and RFC 3339 for the envelope).  Reasons travel as large
 * communities: a filtered route carries rs_as:65520:<arouteserver reject
 * code>, a route not exported to the neighbour rs_as:65521:<code>
 * (docs/alice.conf maps both to words).  See docs/http.md. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http_int.h"
#include "version.h"

#define IXPD_API_VERSION "ixpd " IXPD_VERSION
#define TTL_S 60                 /* how long Alice may keep an answer */
#define REJECT_COMMUNITY 65520   /* arouteserver's reject cause */
#define NOEXPORT_COMMUNITY 65521

/* "2006-01-02 15:04:05" (Alice's servertime_short / servertime_ext as
 * documented for ixpd) or RFC 3339 ("servertime"). */
static const char *bw_time(time_t t, bool rfc3339, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, rfc3339 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static void put_envelope(struct http_job *j)
{
	char now[32], ttl[32];
	time_t t = time(NULL);
	job_printf(j, "{\"api\":{\"Version\":\"%s\",\"result_from_cache\":false,\"cache_status\":"
	    "{\"orig_ttl\":0,\"cached_at\":{\"date\":\"%s\",\"timezone_type\":\"UTC\",\"timezone\":\"UTC\"}}},"
	    "\"ttl\":\"%s\"", IXPD_API_VERSION, bw_time(t, true, now, sizeof(now)),
	    bw_time(t + TTL_S, true, ttl, sizeof(ttl)));
}

static void bw_error(struct http_job *j, const char *message)
{
	put_envelope(j);
	json_t *m = json_string(message ? message : "error");
	job_put(j, ",\"error\":");
	job_json(j, m ? m : json_null());
	json_decref(m);
	job_put(j, "}\n");
}

static const char *protocol_id(const char *address, char *id)
{
	struct ip_addr a;
	if (ip_addr_parse(address ? address : "", &a) < 0)
		return "";
	http_protocol_id(&a, id);
	return id;
}

static const char *state_word(const char *bgp_state)
{
	return bgp_state && strcmp(bgp_state, "Established") == 0 ? "up" : "down";
}

static json_int_t count(const json_t *n, const char *which)
{
	return json_integer_value(json_object_get(json_object_get(n, "routes"), which));
}

/* One protocol of /protocols/bgp, as BIRD's `show protocols all` reads
 * through birdwatcher (the fields Alice uses, with their types). */
static json_t *protocol(const json_t *n, const char *id)
{
	char since[32];
	const char *addr = json_string_value(json_object_get(n, "address"));
	const char *st = json_string_value(json_object_get(n, "state"));
	const char *err = json_string_value(json_object_get(n, "last_error"));
	const char *desc = json_string_value(json_object_get(n, "description"));
	bool v6 = addr && strchr(addr, ':');
	json_int_t limit = json_integer_value(json_object_get(n, "max_prefix"));
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "protocol", id, "bird_protocol", "BGP", "table", v6 ? "master6" : "master4",
	    "neighbor_address", addr ? addr : "",
	    "neighbor_as", json_integer_value(json_object_get(n, "asn")),
	    "description", desc ? desc : "", "state", state_word(st), "bgp_state", st ? st : "Idle",
	    "connection", st ? st : "Idle", "last_error", err ? err : "",
	    "session", "external route-server AS4",
	    "state_changed", bw_time((time_t)json_integer_value(json_object_get(n, "since")), false, since,
	    sizeof(since)));
	json_object_set_new(p, "routes", json_pack("{s:I, s:I, s:I, s:I}",
	    "imported", count(n, "accepted"), "filtered", count(n, "rejected"),
	    "exported", count(n, "exported"), "preferred", count(n, "accepted")));
	if (limit > 0)
		json_object_set_new(p, "import_limit", json_integer(limit));
	return p;
}

static int begin_protocols(struct http_job *j, bool brief)
{
	json_t *res = job_query(j, json_pack("{s:s}", "command", "show neighbors"));
	if (!res)
		return 503;
	json_t *protocols = json_object();
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(res, "neighbors"), i, n) {
		char id[HTTP_ARG_MAX + 1], since[32];
		protocol_id(json_string_value(json_object_get(n, "address")), id);
		if (!id[0])
			continue;
		if (brief)
			json_object_set_new(protocols, id, json_pack("{s:s, s:s, s:s}",
			    "state", state_word(json_string_value(json_object_get(n, "state"))),
			    "since", bw_time((time_t)json_integer_value(json_object_get(n, "since")), false, since,
			    sizeof(since)),
			    "info", json_string_value(json_object_get(n, "state")) ?
			    json_string_value(json_object_get(n, "state")) : ""));
		else
			json_object_set_new(protocols, id, protocol(n, id));
	}
	json_decref(res);
	put_envelope(j);
	job_put(j, ",\"protocols\":");
	job_json(j, protocols);
	job_put(j, "}\n");
	json_decref(protocols);
	j->done = true;
	return 200;
}

static int begin_status(struct http_job *j)
{
	json_t *res = job_query(j, json_pack("{s:s}", "command", "show status"));
	if (!res)
		return 503;
	char now[32], boot[32], conf[32];
	json_t *status = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "current_server", bw_time(time(NULL), false, now, sizeof(now)),
	    "last_reboot", bw_time((time_t)json_integer_value(json_object_get(res, "started")), false, boot, sizeof(boot)),
	    "last_reconfig", bw_time((time_t)json_integer_value(json_object_get(res, "last_reload")), false, conf,
	    sizeof(conf)),
	    "message", "Daemon is up and running",
	    "router_id", json_string_value(json_object_get(res, "router_id")) ?
	    json_string_value(json_object_get(res, "router_id")) : "unknown",
	    "version", IXPD_API_VERSION);
	json_decref(res);
	put_envelope(j);
	job_put(j, ",\"status\":");
	job_json(j, status);
	job_put(j, "}\n");
	json_decref(status);
	j->done = true;
	return 200;
}

/* /routes/count/protocol/ID: the neighbour's accepted routes; /routes/
 * count/table/T: the accepted routes of the table's family. */
static int begin_count(struct http_job *j)
{
	json_t *res = job_query(j, json_pack("{s:s}", "command", "show neighbors"));
	if (!res)
		return 503;
	json_int_t total = 0;
	bool found = false;
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(res, "neighbors"), i, n) {
		struct ip_addr a;
		if (ip_addr_parse(json_string_value(json_object_get(n, "address")) ?
		    json_string_value(json_object_get(n, "address")) : "", &a) < 0)
			continue;
		bool mine = j->req.kind == HK_BW_COUNT_PROTOCOL ? ip_addr_equal(&a, &j->req.routes.neighbor) :
		    !j->req.routes.afi || (j->req.routes.afi == AFI_IPV6) == (a.family == AF_INET6);
		if (mine) {
			total += count(n, "accepted");
			found = true;
		}
	}
	json_decref(res);
	if (j->req.kind == HK_BW_COUNT_PROTOCOL && !found) {
		snprintf(j->err, sizeof(j->err), "no protocol %s", j->req.protocol);
		return 404;
	}
	put_envelope(j);
	job_printf(j, ",\"routes\":%lld}\n", (long long)total);
	j->done = true;
	return 200;
}

static int begin_routes(struct http_job *j)
{
	/* the route server's AS, for the reasons' communities */
	json_t *st = job_query(j, json_pack("{s:s}", "command", "show status"));
	if (!st)
		return 503;
	j->ctx = json_pack("{s:I}", "rs_as", json_integer_value(json_object_get(st, "rs_as")));
	json_decref(st);
	json_t *q = job_routes_request(&j->req.routes);
	json_object_set_new(q, "all", json_true());
	json_object_set_new(q, "limit", json_integer(0));
	if (job_list(j, q) < 0)
		return strstr(j->err, "no such neighbor") ? 404 : 503;
	put_envelope(j);
	job_put(j, ",\"routes\":[");
	return 200;
}

static int bw_begin(struct http_job *j)
{
	switch (j->req.kind) {
	case HK_BW_STATUS:
		return begin_status(j);
	case HK_BW_PROTOCOLS:
	case HK_BW_PROTOCOLS_SHORT:
		return begin_protocols(j, j->req.kind == HK_BW_PROTOCOLS_SHORT);
	case HK_BW_COUNT_PROTOCOL:
	case HK_BW_COUNT_TABLE:
		return begin_count(j);
	default:
		return begin_routes(j);
	}
}

/* "52001:100" / "59900:0:52002" -> [52001,100] / [59900,0,52002] */
static json_t *community_numbers(const char *text)
{
	json_t *a = json_array();
	for (const char *p = text; p && *p;) {
		unsigned long long v = strtoull(p, (char **)&p, 10);
		json_array_append_new(a, json_integer((json_int_t)v));
		p += *p == ':';
	}
	return a;
}

static json_t *communities(const json_t *list)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c)
		json_array_append_new(out, community_numbers(json_string_value(c)));
	return out;
}

/* "rt:1:2" -> ["rt","1","2"]; other forms are left out (Alice skips
 * anything but three strings) */
static json_t *ext_communities(const json_t *list)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) {
		char kind[8], a[16], b[16];
		if (sscanf(json_string_value(c) ? json_string_value(c) : "", "%7[a-z]:%15[0-9.]:%15[0-9]", kind, a, b) == 3)
			json_array_append_new(out, json_pack("[s,s,s]", kind, a, b));
	}
	return out;
}

static json_t *as_path_strings(const char *path)
{
	json_t *a = json_array();
	char word[16];
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, " {},");
		if (n && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			json_array_append_new(a, json_string(word));
		}
		p += n + (p[n] != '\0');
	}
	return a;
}

static void add_reason(json_t *large, uint32_t rs_as, uint32_t function, json_int_t code)
{
	json_t *c = json_pack("[I,I,I]", (json_int_t)rs_as, (json_int_t)function, code);
	size_t i;
	json_t *v;
	json_array_foreach(large, i, v)
		if (json_equal(v, c)) {
			json_decref(c);
			return;
		}
	json_array_append_new(large, c);
}

static json_t *bw_route(struct http_job *j, const char *network, const json_t *p)
{
	char id[HTTP_ARG_MAX + 1], age[32], num[24];
	const char *nb = json_string_value(json_object_get(p, "neighbor"));
	json_t *bgp = json_object();
	json_object_set_new(bgp, "origin", json_string(json_string_value(json_object_get(p, "origin")) ?
	    json_string_value(json_object_get(p, "origin")) : "unknown"));
	json_object_set_new(bgp, "as_path", as_path_strings(json_string_value(json_object_get(p, "as_path"))));
	json_object_set(bgp, "next_hop", json_object_get(p, "next_hop"));
	snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(p, "local_pref")));
	json_object_set_new(bgp, "local_pref", json_string(num));
	if (json_is_integer(json_object_get(p, "med"))) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(p, "med")));
		json_object_set_new(bgp, "med", json_string(num));
	}
	if (json_is_integer(json_object_get(p, "otc"))) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(json_object_get(p, "otc")));
		json_object_set_new(bgp, "otc", json_string(num));
	}
	json_object_set_new(bgp, "communities", communities(json_object_get(p, "communities")));
	json_object_set_new(bgp, "ext_communities", ext_communities(json_object_get(p, "ext_communities")));
	json_t *large = communities(json_object_get(p, "large_communities"));
	uint32_t rs_as = (uint32_t)json_integer_value(json_object_get(j->ctx, "rs_as"));
	if (json_is_integer(json_object_get(p, "reject_code")))
		add_reason(large, rs_as, REJECT_COMMUNITY, json_integer_value(json_object_get(p, "reject_code")));
	if (json_is_integer(json_object_get(p, "not_exported_code")))
		add_reason(large, rs_as, NOEXPORT_COMMUNITY, json_integer_value(json_object_get(p, "not_exported_code")));
	json_object_set_new(bgp, "large_communities", large);
	time_t when = time(NULL) - (time_t)json_integer_value(json_object_get(p, "age"));
	json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:[s,s,s], s:s}",
	    "network", network, "gateway", nb ? nb : "", "learnt_from", nb ? nb : "",
	    "from_protocol", protocol_id(nb, id), "interface", "", "metric", 100,
	    "primary", json_is_true(json_object_get(p, "best")), "type", "BGP", "unicast", "univ",
	    "age", bw_time(when, false, age, sizeof(age)));
	json_object_set_new(r, "bgp", bgp);
	return r;
}

static void bw_entry(struct http_job *j, const json_t *entry)
{
	const char *network = json_string_value(json_object_get(entry, "prefix"));
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(entry, "paths"), i, p) {
		json_t *r = bw_route(j, network ? network : "", p);
		if (json_integer_value(json_object_get(j->ctx, "n")) > 0)
			job_put(j, ",");
		json_object_set_new(j->ctx, "n", json_integer(json_integer_value(json_object_get(j->ctx, "n")) + 1));
		job_json(j, r);
		json_decref(r);
	}
}

static void bw_end(struct http_job *j, const json_t *result)
{
	job_put(j, "]}\n");
}

const struct http_page bw_page = {
	.content_type = "application/json",
	.begin = bw_begin,
	.route = bw_entry,
	.end = bw_end,
	.error = bw_error,
};
