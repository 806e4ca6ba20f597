/* SPDX-License-Identifier: ISC */
/* test_http: the HTTP server's own parsing and escaping -- URLs and
 * arguments to requests (http_route), birdwatcher protocol ids, HTML and
 * Prometheus label escaping. */
#include "testlib.h"

#include <string.h>

#include "http_int.h"
#include "http_route.h"

struct arg { const char *name, *value; };

static const char *arg_of(void *ctx, const char *name)
{
	for (const struct arg *a = ctx; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

static int parse(const char *path, const struct arg *args, struct http_req *r)
{
	static const struct arg none[] = { { NULL, NULL } };
	char err[256];
	return http_route_parse(path, arg_of, (void *)(args ? args : none), r, err, sizeof(err));
}

TEST(birdwatcher_paths_map_to_route_queries)
{
	struct http_req r;
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/filtered/N192_0_2_11", NULL, &r), 0);
	CHECK(r.kind == HK_BW_ROUTES && r.is_listing && r.routes.rejected && r.routes.has_neighbor);
	CHECK_EQ_STR(r.protocol, "N192_0_2_11");
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/noexport/N2001_db8__12", NULL, &r), 0);
	CHECK(r.routes.not_received && r.routes.neighbor.family == AF_INET6);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/table/master6/filtered", NULL, &r), 0);
	CHECK(r.routes.rejected && r.routes.afi == AFI_IPV6 && !r.routes.has_neighbor);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/table/master4", NULL, &r), 0);
	CHECK(r.routes.accepted && r.routes.afi == AFI_IPV4);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/count/table/master", NULL, &r), 0);
	CHECK(r.kind == HK_BW_COUNT_TABLE && r.routes.afi == 0);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/prefix", (struct arg[]){ { "prefix", "45.65.1.0/24" }, { 0, 0 } },
	    &r), 0);
	CHECK_EQ_STR(r.routes.match, "45.65.1.0/24");
	CHECK_EQ_INT(parse("/api/birdwatcher/protocols/short", NULL, &r), 0);
	CHECK(r.kind == HK_BW_PROTOCOLS_SHORT);
}

TEST(unknown_or_hostile_paths_are_refused)
{
	struct http_req r;
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/protocol/N192_0_2_999", NULL, &r), 404);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/protocol/x;rm -rf", NULL, &r), 400);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/table/master5", NULL, &r), 404);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/table/master4/../../x", NULL, &r), 404);
	CHECK_EQ_INT(parse("/api/birdwatcher/routes/prefix", NULL, &r), 400);
	CHECK_EQ_INT(parse("/../etc/passwd", NULL, &r), 404);
	CHECK_EQ_INT(parse("/neighbor/192.0.2.11/../x", NULL, &r), 404);
	char longpath[400];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_EQ_INT(parse(longpath, NULL, &r), 404);
	char longarg[120];
	memset(longarg, '1', sizeof(longarg) - 1);
	longarg[sizeof(longarg) - 1] = '\0';
	CHECK_EQ_INT(parse("/lookup", (struct arg[]){ { "q", longarg }, { 0, 0 } }, &r), 400);
}

TEST(looking_glass_arguments_are_checked)
{
	struct http_req r;
	CHECK_EQ_INT(parse("/neighbor/192.0.2.11", (struct arg[]){ { "view", "not-received" }, { "after", "4096" },
	    { "format", "json" }, { 0, 0 } }, &r), 0);
	CHECK(r.kind == HK_LG_NEIGHBOR && r.view == LV_NOT_RECEIVED && r.routes.not_received && r.after == 4096 &&
	    r.json);
	CHECK_EQ_INT(parse("/neighbor/192.0.2.11", (struct arg[]){ { "view", "everything" }, { 0, 0 } }, &r), 400);
	CHECK_EQ_INT(parse("/lookup", (struct arg[]){ { "origin", "AS52001" }, { 0, 0 } }, &r), 0);
	CHECK(r.routes.has_origin && r.routes.origin == 52001);
	CHECK_EQ_INT(parse("/lookup", (struct arg[]){ { "origin", "4294967296" }, { 0, 0 } }, &r), 400);
	CHECK_EQ_INT(parse("/lookup", (struct arg[]){ { "q", "45.65.1.1" }, { "community", "1:2" }, { 0, 0 } }, &r), 400);
	CHECK_EQ_INT(parse("/", (struct arg[]){ { "format", "xml" }, { 0, 0 } }, &r), 400);
	CHECK_EQ_INT(parse("/", (struct arg[]){ { "after", "-1" }, { 0, 0 } }, &r), 400);
}

TEST(protocol_ids_read_back_as_their_address)
{
	static const char *const addrs[] = { "192.0.2.11", "2001:db8::11", "::ffff:192.0.2.1", "::1.2.3.4", "fe80::1" };
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct ip_addr a, b;
		char id[HTTP_ARG_MAX + 1];
		ip_addr_parse(addrs[i], &a);
		http_protocol_id(&a, id);
		CHECK(strspn(id, "N0123456789abcdef_") == strlen(id));
		CHECK_EQ_INT(http_protocol_addr(id, &b), 0);
		CHECK(ip_addr_equal(&a, &b));
	}
}

TEST(html_and_prometheus_label_escaping)
{
	struct http_job j = { .fd = -1 };
	job_html(&j, "<b onclick='x'>AT&T \"1\"</b>");
	wbuf_put(&j.out, "", 1);
	CHECK_EQ_STR((char *)j.out.data, "&lt;b onclick=&#39;x&#39;&gt;AT&amp;T &quot;1&quot;&lt;/b&gt;");
	j.out.len = 0;
	job_label(&j, "a\"b\\c\nd");
	wbuf_put(&j.out, "", 1);
	CHECK_EQ_STR((char *)j.out.data, "\"a\\\"b\\\\c\\nd\"");
	wbuf_free(&j.out);
}

