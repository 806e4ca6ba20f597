/* SPDX-License-Identifier: ISC */
/* http_route: URL paths and arguments to struct http_req.  See
 * http_route.h. */
#include "http_route.h"

#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "errbuf.h"

#define BW_PREFIX "/api/birdwatcher"

/* birdwatcher's charset for names and addresses: [A-Za-z0-9_:.] and
 * [0-9a-f.:/], at most 80 characters */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > HTTP_ARG_MAX)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '_' || *c == ':' || *c == '.' || *c == '/'))
			return false;
	return true;
}

static int copy_arg(char *dst, const char *src, const char *what, char *err, size_t errlen)
{
	if (!name_ok(src)) {
		errbuf_set(err, errlen, "%s: at most %d characters of A-Z a-z 0-9 _ : . /", what, HTTP_ARG_MAX);
		return 400;
	}
	strcpy(dst, src);
	return 0;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	if (!parse_uint(s, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

void http_protocol_id(const struct ip_addr *a, char *id)
{
	char text[INET6_ADDRSTRLEN];
	ip_addr_str(a, text, sizeof(text));
	if (a->family == AF_INET6 && strchr(text, '.')) {
		/* "::ffff:192.0.2.1" would read back as another address: the
		 * eight groups instead */
		const uint8_t *b = a->u.v6.s6_addr;
		snprintf(text, sizeof(text), "%x:%x:%x:%x:%x:%x:%x:%x", b[0] << 8 | b[1], b[2] << 8 | b[3],
		    b[4] << 8 | b[5], b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11], b[12] << 8 | b[13],
		    b[14] << 8 | b[15]);
	}
	id[0] = 'N';
	size_t i = 0;
	for (; text[i] && i < HTTP_ARG_MAX - 1; i++)
		id[i + 1] = text[i] == '.' || text[i] == ':' ? '_' : text[i];
	id[i + 1] = '\0';
}

int http_protocol_addr(const char *id, struct ip_addr *out)
{
	char text[HTTP_ARG_MAX + 1];
	size_t n = strlen(id);
	if (n < 2 || n > HTTP_ARG_MAX || id[0] != 'N')
		return -1;
	for (int pass = 0; pass < 2; pass++) {          /* IPv4, then IPv6 */
		for (size_t i = 1; i <= n; i++)
			text[i - 1] = id[i] == '_' ? (pass ? ':' : '.') : id[i];
		if (ip_addr_parse(text, out) == 0)
			return 0;
	}
	return -1;
}

/* "master4", "master6" or "master" (both) */
static int table_afi(const char *t, uint8_t *afi)
{
	if (strcmp(t, "master4") == 0 || strcmp(t, "master6") == 0) {
		*afi = t[6] == '4' ? AFI_IPV4 : AFI_IPV6;
		return 0;
	}
	*afi = 0;
	return strcmp(t, "master") == 0 ? 0 : -1;
}

static int neighbor_of(const char *id, struct http_req *r, char *err, size_t errlen)
{
	int rc = copy_arg(r->protocol, id, "protocol", err, errlen);
	if (rc)
		return rc;
	if (http_protocol_addr(id, &r->routes.neighbor) < 0) {
		errbuf_set(err, errlen, "no protocol %s", id);
		return 404;
	}
	r->routes.has_neighbor = true;
	return 0;
}

/* /routes/... of the birdwatcher API (path after "/routes/") */
static int bw_routes(const char *p, http_arg_fn get_arg, void *arg, struct http_req *r,
    char *err, size_t errlen)
{
	char part[HTTP_PATH_MAX];
	const char *slash = strchr(p, '/');
	if (!slash) {
		if (strcmp(p, "prefix") != 0)
			return 404;
		const char *pfx = get_arg(arg, "prefix");
		if (!pfx) {
			errbuf_set(err, errlen, "prefix: missing");
			return 400;
		}
		r->kind = HK_BW_ROUTES;
		r->is_listing = true;
		r->routes.accepted = true;
		return copy_arg(r->routes.match, pfx, "prefix", err, errlen);
	}
	snprintf(part, sizeof(part), "%.*s", (int)(slash - p), p);
	const char *rest = slash + 1;
	r->kind = HK_BW_ROUTES;
	r->is_listing = true;
	if (strcmp(part, "protocol") == 0 || strcmp(part, "peer") == 0) {
		r->routes.accepted = true;
		return strcmp(part, "peer") == 0 ? (ip_addr_parse(rest, &r->routes.neighbor) == 0 ?
		    (r->routes.has_neighbor = true, 0) : 404) : neighbor_of(rest, r, err, errlen);
	}
	if (strcmp(part, "filtered") == 0) {
		r->routes.rejected = true;
		return neighbor_of(rest, r, err, errlen);
	}
	if (strcmp(part, "noexport") == 0) {
		r->routes.not_received = true;
		return neighbor_of(rest, r, err, errlen);
	}
	if (strcmp(part, "table") == 0) {
		char table[HTTP_PATH_MAX];
		const char *sub = strchr(rest, '/');
		snprintf(table, sizeof(table), "%.*s", (int)(sub ? sub - rest : (long)strlen(rest)), rest);
		if (sub && strcmp(sub, "/filtered") != 0)
			return 404;
		r->routes.rejected = sub != NULL;
		r->routes.accepted = sub == NULL;
		return table_afi(table, &r->routes.afi) < 0 ? 404 : 0;
	}
	if (strcmp(part, "count") == 0) {
		r->is_listing = false;
		if (strncmp(rest, "protocol/", 9) == 0) {
			r->kind = HK_BW_COUNT_PROTOCOL;
			return neighbor_of(rest + 9, r, err, errlen);
		}
		if (strncmp(rest, "table/", 6) == 0) {
			r->kind = HK_BW_COUNT_TABLE;
			return table_afi(rest + 6, &r->routes.afi) < 0 ? 404 : 0;
		}
	}
	return 404;
}

static int birdwatcher(const char *p, http_arg_fn get_arg, void *arg, struct http_req *r,
    char *err, size_t errlen)
{
	if (strcmp(p, "/status") == 0)
		r->kind = HK_BW_STATUS;
	else if (strcmp(p, "/protocols/bgp") == 0 || strcmp(p, "/protocols") == 0)
		r->kind = HK_BW_PROTOCOLS;
	else if (strcmp(p, "/protocols/short") == 0)
		r->kind = HK_BW_PROTOCOLS_SHORT;
	else if (strncmp(p, "/routes/", 8) == 0)
		return bw_routes(p + 8, get_arg, arg, r, err, errlen);
	else
		return 404;
	return 0;
}

static const struct { const char *name; enum lg_view view; } views[] = {
	{ "accepted", LV_ACCEPTED }, { "rejected", LV_REJECTED },
	{ "restricted", LV_RESTRICTED }, { "not-received", LV_NOT_RECEIVED },
};

static int lg_view(const char *v, struct http_req *r, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (strcmp(v, views[i].name) == 0) {
			r->view = views[i].view;
			struct http_routes *q = &r->routes;
			q->accepted = r->view == LV_ACCEPTED;
			q->rejected = r->view == LV_REJECTED;
			q->restricted = r->view == LV_RESTRICTED;
			q->not_received = r->view == LV_NOT_RECEIVED;
			return 0;
		}
	errbuf_set(err, errlen, "view: accepted, rejected, restricted or not-received");
	return 400;
}

/* /lookup?q=|community=|origin= : one of them */
static int lg_lookup(http_arg_fn get_arg, void *arg, struct http_req *r, char *err, size_t errlen)
{
	const char *q = get_arg(arg, "q"), *c = get_arg(arg, "community"), *o = get_arg(arg, "origin");
	r->kind = HK_LG_LOOKUP;
	if ((q != NULL) + (c != NULL) + (o != NULL) > 1) {
		errbuf_set(err, errlen, "one of q, community and origin");
		return 400;
	}
	if (q && *q) {
		r->is_listing = true;
		r->routes.accepted = true;
		return copy_arg(r->routes.match, q, "q", err, errlen);
	}
	if (c && *c) {
		r->is_listing = true;
		return copy_arg(r->routes.community, c, "community", err, errlen);
	}
	if (o && *o) {
		const char *digits = strncmp(o, "AS", 2) == 0 || strncmp(o, "as", 2) == 0 ? o + 2 : o;
		if (!parse_u32(digits, &r->routes.origin)) {
			errbuf_set(err, errlen, "origin: an AS number");
			return 400;
		}
		r->is_listing = true;
		r->routes.has_origin = true;
	}
	return 0;
}

/* ?format=json and ?after=N */
static int lg_common(http_arg_fn get_arg, void *arg, struct http_req *r, char *err, size_t errlen)
{
	const char *f = get_arg(arg, "format"), *after = get_arg(arg, "after");
	if (f && strcmp(f, "json") != 0 && strcmp(f, "html") != 0) {
		errbuf_set(err, errlen, "format: json or html");
		return 400;
	}
	r->json = f && strcmp(f, "json") == 0;
	if (after && !parse_u32(after, &r->after)) {
		errbuf_set(err, errlen, "after: a number");
		return 400;
	}
	return 0;
}

int http_route_parse(const char *path, http_arg_fn get_arg, void *arg, struct http_req *out,
    char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (strlen(path) >= HTTP_PATH_MAX)
		return 404;
	if (strncmp(path, BW_PREFIX "/", sizeof(BW_PREFIX)) == 0)
		return birdwatcher(path + sizeof(BW_PREFIX) - 1, get_arg, arg, out, err, errlen);
	if (strcmp(path, "/metrics") == 0) {
		out->kind = HK_METRICS;
		return 0;
	}
	if (strcmp(path, "/style.css") == 0) {
		out->kind = HK_STYLE;
		return 0;
	}
	int rc = lg_common(get_arg, arg, out, err, errlen);
	if (rc)
		return rc;
	if (strcmp(path, "/") == 0) {
		out->kind = HK_LG_INDEX;
		return 0;
	}
	if (strcmp(path, "/lookup") == 0)
		return lg_lookup(get_arg, arg, out, err, errlen);
	if (strncmp(path, "/neighbor/", 10) == 0) {
		out->kind = HK_LG_NEIGHBOR;
		out->is_listing = true;
		if (ip_addr_parse(path + 10, &out->routes.neighbor) < 0)
			return 404;
		out->routes.has_neighbor = true;
		const char *v = get_arg(arg, "view");
		return lg_view(v ? v : "accepted", out, err, errlen);
	}
	return 404;
}
