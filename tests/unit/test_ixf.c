/* SPDX-License-Identifier: ISC */
/* Unit tests of the IX-F member export reader and the clients derived from
 * it (src/config/ixf.h), on the samples of tests/data/ixf/ (written for
 * these tests) and on small documents written here.  Run from the top of
 * the repository (as `make check` does).  tests/ixf/run checks the same
 * code against arouteserver's own expectations. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ixf.h"
#include "testlib.h"

#define DATA "tests/data/ixf/"

/* --- helpers --------------------------------------------------------------- */

static char warnings[128][512];
static int n_warnings;

static void collect(void *arg, const char *msg)
{
	(void)arg;
	if (n_warnings < 128)
		snprintf(warnings[n_warnings], sizeof(warnings[0]), "%s", msg);
	n_warnings++;
}

/* Is there a warning that is exactly msg? */
static bool warned(const char *msg)
{
	for (int i = 0; i < n_warnings && i < 128; i++)
		if (strcmp(warnings[i], msg) == 0)
			return true;
	return false;
}

static void print_warnings(void)
{
	for (int i = 0; i < n_warnings && i < 128; i++)
		fprintf(stderr, "    warning: %s\n", warnings[i]);
}

static char err[1024];

static struct ixf_export *load(const char *path)
{
	n_warnings = 0;
	err[0] = '\0';
	return ixf_load(path, collect, NULL, err, sizeof(err));
}

static struct ixf_export *parse(const char *json)
{
	n_warnings = 0;
	err[0] = '\0';
	return ixf_parse(json, strlen(json), "t.json", collect, NULL, err, sizeof(err));
}

static struct ixf_clients *derive(const struct ixf_export *x, const struct ixf_client_opts *o)
{
	n_warnings = 0;
	err[0] = '\0';
	return ixf_clients(x, o, collect, NULL, err, sizeof(err));
}

static const char *addr_text(const struct ip_addr *a)
{
	static char buf[4][64];
	static int k;
	k = (k + 1) % 4;
	return ip_addr_str(a, buf[k], sizeof(buf[k]));
}

/* The client's addresses as "a b c". */
static const char *ips(const struct ixf_client *c)
{
	static char buf[512];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->n_sessions && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
		    addr_text(&c->sessions[i].addr));
	return buf;
}

/* The client with that address, or NULL. */
static const struct ixf_client *client_of(const struct ixf_clients *cs, const char *addr)
{
	for (size_t i = 0; i < cs->n; i++)
		for (size_t k = 0; k < cs->v[i].n_sessions; k++)
			if (strcmp(addr_text(&cs->v[i].sessions[k].addr), addr) == 0)
				return &cs->v[i];
	return NULL;
}

static const char *joined(char *const *v, size_t n)
{
	static char buf[512];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", v[i]);
	return buf;
}

/* --- reading ------------------------------------------------------------------ */

TEST(version_1_0_export_gives_its_exchanges_switches_lans_and_members)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	char buf[64];

	CHECK(x != NULL);
	if (x == NULL)
		return;
	print_warnings();
	CHECK_EQ_INT(n_warnings, 0);
	CHECK_EQ_STR(x->version, "1.0");
	CHECK_EQ_STR(x->timestamp, "2026-03-01T12:00:00Z");
	CHECK_EQ_INT(x->time, 1772366400);
	CHECK_EQ_INT(x->n_ixps, 2);
	const struct ixf_ixp *north = ixf_ixp_find(x, 1);
	CHECK(north != NULL && ixf_ixp_find(x, 3) == NULL);
	if (north == NULL)
		return;
	CHECK_EQ_STR(north->shortname, "EX-NORTH");
	CHECK_EQ_STR(north->name, "Example Exchange North");
	CHECK_EQ_STR(north->country, "MF");
	CHECK_EQ_INT(north->ixf_id, 9001);
	CHECK_EQ_INT(north->peeringdb_id, 70001);
	CHECK_EQ_INT(north->n_lans, 2);
	CHECK_EQ_INT(north->lans[0].id, 10);
	CHECK_EQ_STR(north->lans[0].name, "Peering North");
	CHECK(north->lans[0].has_ipv4 && north->lans[0].has_ipv6);
	CHECK_EQ_STR(prefix_str(&north->lans[0].ipv4, buf, sizeof(buf)), "192.0.2.0/24");
	CHECK_EQ_STR(prefix_str(&north->lans[0].ipv6, buf, sizeof(buf)), "2001:db8:a::/64");
	CHECK(north->lans[1].has_ipv4 && !north->lans[1].has_ipv6);
	CHECK_EQ_STR(prefix_str(&north->lans[1].ipv4, buf, sizeof(buf)), "198.51.100.0/25");
	CHECK_EQ_INT(north->n_switches, 2);
	const struct ixf_switch *sw = ixf_switch_find(north, 2);
	CHECK(sw != NULL && ixf_switch_find(north, 3) == NULL);
	if (sw != NULL) {
		CHECK_EQ_STR(sw->name, "north-sw2");
		CHECK_EQ_STR(sw->colo, "Colo Two");
		CHECK_EQ_STR(sw->city, "Philipsburg");
		CHECK_EQ_STR(sw->country, "SX");
		CHECK_EQ_INT(sw->pdb_facility_id, 200);
	}
	CHECK_EQ_INT(ixf_ixp_find(x, 2)->peeringdb_id, IXF_ABSENT);

	CHECK_EQ_INT(x->n_members, 5);
	const struct ixf_member *m = &x->members[0];
	CHECK_EQ_INT(m->asn, 64496);
	CHECK_EQ_STR(m->name, "Alpha Networks");
	CHECK_EQ_STR(m->member_type, "peering");
	CHECK_EQ_STR(m->url, "https://alpha.example/");
	CHECK_EQ_STR(m->peering_policy, "open");
	CHECK_EQ_INT(m->n_conns, 2);
	const struct ixf_connection *c = &m->conns[1];
	CHECK_EQ_INT(c->ixp_id, 1);
	CHECK_EQ_STR(c->state, "active");
	CHECK_EQ_INT(c->n_ifaces, 2);
	CHECK_EQ_INT(c->ifaces[0].switch_id, 2);
	CHECK_EQ_INT(c->ifaces[0].if_speed, 10000);
	CHECK_EQ_INT(c->n_vlans, 1);
	const struct ixf_ip *ip = c->vlans[0].ipv4;
	CHECK_EQ_INT(c->vlans[0].vlan_id, 10);
	CHECK(ip != NULL && c->vlans[0].ipv6 != NULL);
	if (ip == NULL)
		return;
	CHECK_EQ_STR(addr_text(&ip->addr), "192.0.2.12");
	CHECK_EQ_STR(joined(ip->as_sets, ip->n_as_sets), "AS-ALPHA");
	CHECK_EQ_INT(ip->max_prefix, 100);
	CHECK_EQ_INT(ip->routeserver, IXF_BOOL_TRUE);
	CHECK_EQ_INT(ip->services, 0);
	CHECK_EQ_INT(ip->n_macs, 1);
	CHECK(ip->n_macs == 1 && memcmp(ip->macs[0].b, "\x00\x00\x5e\x00\x53\x02", 6) == 0);
	CHECK_EQ_STR(ip->path, "member_list[0].connection_list[1].vlan_list[0].ipv4");
	CHECK_EQ_INT(x->members[2].conns[0].vlans[0].ipv4->services, IXF_SVC_ROUTESERVER);
	CHECK_EQ_INT(x->members[2].conns[0].vlans[1].ipv4->services, IXF_SVC_ROUTECOLLECTOR);
	ixf_free(x);
}

TEST(null_or_missing_optional_keys_are_absent_without_a_warning)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");

	CHECK(x != NULL);
	if (x == NULL)
		return;
	CHECK_EQ_INT(n_warnings, 0);
	const struct ixf_member *m = &x->members[3];
	CHECK_EQ_INT(m->asn, 64499);
	CHECK(m->name == NULL && m->member_type == NULL && m->url == NULL);
	CHECK(m->conns[0].state == NULL && m->conns[0].n_ifaces == 0);
	const struct ixf_ip *ip = m->conns[0].vlans[0].ipv4;
	CHECK(ip != NULL && m->conns[0].vlans[0].ipv6 == NULL);
	if (ip != NULL) {
		CHECK(ip->n_as_sets == 0 && ip->n_macs == 0 && ip->services == 0);
		CHECK_EQ_INT(ip->max_prefix, IXF_ABSENT);
		CHECK_EQ_INT(ip->routeserver, IXF_BOOL_ABSENT);
	}
	ixf_free(x);
}

TEST(version_0_7_export_marks_route_servers_with_service_type)
{
	struct ixf_export *x = load(DATA "v07-service-type.json");

	CHECK(x != NULL);
	if (x == NULL)
		return;
	CHECK_EQ_INT(n_warnings, 0);
	CHECK_EQ_STR(x->version, "0.7");
	CHECK_EQ_INT(x->time, 1772362800);   /* 12:00 at +01:00 is 11:00 UTC */
	const struct ixf_connection *c = &x->members[0].conns[0];
	CHECK_EQ_INT(c->vlans[0].ipv4->services, IXF_SVC_ROUTESERVER);
	CHECK_EQ_INT(c->vlans[0].ipv6->services, IXF_SVC_ROUTESERVER);   /* a lone name too */
	CHECK_EQ_INT(c->vlans[1].ipv4->services, IXF_SVC_ROUTECOLLECTOR);
	/* a number written as a string of digits, as arouteserver reads it */
	CHECK_EQ_INT(x->members[1].conns[0].vlans[0].ipv4->max_prefix, 30);
	ixf_free(x);
}

TEST(version_0_5_nested_vlan_list_is_flattened_and_its_mac_address_read)
{
	struct ixf_export *x = load(DATA "v05-nested-vlan-list.json");

	CHECK(x != NULL);
	if (x == NULL)
		return;
	CHECK_EQ_INT(n_warnings, 0);
	const struct ixf_connection *c = &x->members[0].conns[0];
	CHECK_EQ_INT(c->n_vlans, 2);
	CHECK_EQ_INT(c->vlans[0].vlan_id, 2);
	CHECK_EQ_INT(c->vlans[1].vlan_id, 3);
	CHECK(c->vlans[0].ipv4->n_macs == 1 && c->vlans[0].ipv6->n_macs == 1);
	CHECK(memcmp(c->vlans[0].ipv6->macs[0].b, "\x00\x00\x5e\x00\x53\x71", 6) == 0);
	CHECK_EQ_STR(c->vlans[1].ipv4->path, "member_list[0].connection_list[0].vlan_list[1][0].ipv4");
	ixf_free(x);
}

TEST(mac_addresses_are_read_in_either_case_and_separator_without_duplicates)
{
	struct ixf_export *x = load(DATA "v06-member-type.json");

	CHECK(x != NULL);
	if (x == NULL)
		return;
	const struct ixf_ip *ip = x->members[1].conns[0].vlans[0].ipv4;
	CHECK_EQ_INT(ip->n_macs, 2);
	CHECK(memcmp(ip->macs[1].b, "\x00\x00\x5e\x00\x53\x62", 6) == 0);
	ixf_free(x);
}

TEST(each_malformed_element_is_left_out_with_one_warning_naming_its_path)
{
	struct ixf_export *x = load(DATA "wrong-types.json");
	static const char *const expected[] = {
		"timestamp: not an RFC 3339 date-time",
		"ixp_list[0].vlan[0]: no \"id\"",
		"ixp_list[0].vlan[1].ipv4.mask_length: not an integer 0..32",
		"ixp_list[0].switch[0].id: not an integer 0..4294967295",
		"ixp_list[0].switch[1].name: not a string",
		"ixp_list[0].switch[2]: switch id 2 listed twice: left out",
		"ixp_list[1]: not an object",
		"ixp_list[2]: no \"ixp_id\"",
		"member_list[0]: not an object",
		"member_list[1].asnum: not an integer 0..4294967295",
		"member_list[2].connection_list[0].if_list[0].if_speed: not an integer 0..4294967295",
		"member_list[2].connection_list[0].if_list[1]: not an object",
		"member_list[2].connection_list[0].vlan_list[0].ipv4.max_prefix: not an integer 0..4294967295",
		"member_list[2].connection_list[0].vlan_list[0].ipv4.routeserver: not a boolean",
		"member_list[2].connection_list[0].vlan_list[0].ipv4.mac_addresses[1]: not a MAC address",
		"member_list[2].connection_list[0].vlan_list[0].ipv4.mac_addresses[2]: not a MAC address",
		"member_list[2].connection_list[0].vlan_list[1].ipv4.address: not an IPv4 address",
		"member_list[2].connection_list[0].vlan_list[2].ipv6.address: not an IPv6 address: an IPv4 one",
		"member_list[2].connection_list[0].vlan_list[3].ipv4.as_macro: \"RS-HOTEL\" is not an AS-SET or ASN name",
		"member_list[2].connection_list[0].vlan_list[4]: not an object",
		"member_list[2].connection_list[0].vlan_list[5].vlan_id: not an integer 0..4294967295",
		"member_list[2].connection_list[1]: no \"ixp_id\"",
		"member_list[3].connection_list: not a list",
		"member_list[4]: no \"asnum\"",
		"member_list[5].asnum: AS0 is not an AS number",
		"member_list[6].asnum: not an integer 0..4294967295",
	};
	char want[512];

	CHECK(x != NULL);
	if (x == NULL)
		return;
	CHECK_EQ_INT(n_warnings, sizeof(expected) / sizeof(expected[0]));
	CHECK_EQ_INT(x->n_warnings, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		snprintf(want, sizeof(want), DATA "wrong-types.json: %s", expected[i]);
		if (!warned(want)) {
			fprintf(stderr, "  missing warning: %s\n", want);
			test_case_failed = 1;
		}
	}
	if (test_case_failed)
		print_warnings();
	/* What is left: the exchange with its good switch and LAN, one member
	 * with one connection and the entries whose address is good. */
	CHECK_EQ_INT(x->n_ixps, 1);
	CHECK_EQ_INT(x->ixps[0].n_switches, 1);
	CHECK(x->ixps[0].switches[0].id == 2 && x->ixps[0].switches[0].name == NULL);
	CHECK_EQ_INT(x->ixps[0].n_lans, 1);
	CHECK(!x->ixps[0].lans[0].has_ipv4);
	CHECK_EQ_INT(x->n_members, 1);
	const struct ixf_member *m = &x->members[0];
	CHECK_EQ_INT(m->index, 2);
	CHECK_EQ_INT(m->n_conns, 1);
	CHECK_EQ_INT(m->conns[0].n_ifaces, 1);
	CHECK_EQ_INT(m->conns[0].ifaces[0].if_speed, IXF_ABSENT);
	CHECK_EQ_INT(m->conns[0].n_vlans, 5);
	const struct ixf_ip *ip = m->conns[0].vlans[0].ipv4;
	CHECK(ip != NULL && ip->max_prefix == IXF_ABSENT && ip->routeserver == IXF_BOOL_ABSENT &&
	    ip->n_macs == 1);
	CHECK(m->conns[0].vlans[1].ipv4 == NULL && m->conns[0].vlans[2].ipv6 == NULL);
	CHECK_EQ_STR(joined(m->conns[0].vlans[3].ipv4->as_sets, m->conns[0].vlans[3].ipv4->n_as_sets),
	    "AS-HOTEL");
	CHECK_EQ_INT(m->conns[0].vlans[4].vlan_id, IXF_ABSENT);
	ixf_free(x);
}

TEST(booleans_may_be_written_as_numbers_or_strings)
{
	struct ixf_export *x = parse("{\"version\": \"1.0\", \"ixp_list\": [], \"member_list\": [{"
	    "\"asnum\": 64496, \"connection_list\": [{\"ixp_id\": 1, \"vlan_list\": ["
	    "{\"ipv4\": {\"address\": \"192.0.2.1\", \"routeserver\": 0}},"
	    "{\"ipv4\": {\"address\": \"192.0.2.2\", \"routeserver\": \"True\"}},"
	    "{\"ipv4\": {\"address\": \"192.0.2.3\", \"routeserver\": 2}}]}]}]}");

	CHECK(x != NULL);
	if (x == NULL)
		return;
	const struct ixf_connection *c = &x->members[0].conns[0];
	CHECK_EQ_INT(c->vlans[0].ipv4->routeserver, IXF_BOOL_FALSE);
	CHECK_EQ_INT(c->vlans[1].ipv4->routeserver, IXF_BOOL_TRUE);
	CHECK_EQ_INT(c->vlans[2].ipv4->routeserver, IXF_BOOL_ABSENT);
	CHECK(warned("t.json: member_list[0].connection_list[0].vlan_list[2].ipv4.routeserver: not a boolean"));
	ixf_free(x);
}

TEST(missing_or_unknown_version_is_a_warning)
{
	struct ixf_export *x = parse("{\"ixp_list\": [], \"member_list\": []}");

	CHECK(x != NULL && x->version == NULL);
	CHECK(warned("t.json: no \"version\": read as 1.0"));
	ixf_free(x);
	x = parse("{\"version\": \"2.0\", \"ixp_list\": [], \"member_list\": []}");
	CHECK(x != NULL);
	CHECK_EQ_STR(x ? x->version : NULL, "2.0");
	CHECK(warned("t.json: version: not one of the versions ixpd was tested with (0.4 to 1.0)"));
	ixf_free(x);
}

TEST(missing_ixp_list_is_a_warning_and_then_no_exchange_can_be_selected)
{
	struct ixf_export *x = parse("{\"version\": \"0.6\", \"member_list\": [{\"asnum\": 64496, "
	    "\"connection_list\": [{\"ixp_id\": 1}]}]}");

	CHECK(x != NULL);
	if (x == NULL)
		return;
	CHECK(warned("t.json: no exchange (\"ixp_list\"): none can be selected"));
	CHECK_EQ_INT(x->n_members, 1);
	struct ixf_client_opts o = { 0 };
	CHECK(derive(x, &o) == NULL);
	CHECK_EQ_STR(err, "t.json: lists no exchange (ixp_list)");
	ixf_free(x);
}

TEST(document_that_is_no_member_export_is_refused)
{
	static const struct { const char *json, *err; } cases[] = {
		{ "{\"version\": \"1.0\",", "t.json:1:18: not JSON: " },
		{ "[]", "t.json: not an IX-F member export: not a JSON object" },
		{ "\"member_list\"", "t.json:1:13: not JSON: " },   /* jansson wants a container */
		{ "{\"version\": \"1.0\", \"ixp_list\": []}", "t.json: not an IX-F member export: no \"member_list\"" },
		{ "{\"member_list\": {}}", "t.json: not an IX-F member export: \"member_list\" is not a list" },
		{ "{\"member_list\": [], \"ixp_list\": 1}", "t.json: \"ixp_list\" is not a list" },
		{ "{\"member_list\": [], \"x\": \"\xff\"}", "t.json:1:" },
		{ "{\"member_list\": [\"\\u0000\"]}", "t.json:1:" },
		{ "", "t.json:" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ixf_export *x = parse(cases[i].json);
		CHECK(x == NULL);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0) {
			fprintf(stderr, "  case %zu: \"%s\", expected \"%s...\"\n", i, err, cases[i].err);
			test_case_failed = 1;
		}
		ixf_free(x);
	}
}

TEST(byte_order_mark_before_the_document_is_allowed)
{
	struct ixf_export *x = parse("\xef\xbb\xbf{\"version\": \"1.0\", \"ixp_list\": [], \"member_list\": []}");
	CHECK(x != NULL);
	ixf_free(x);
}

TEST(file_errors_name_the_file)
{
	char path[] = "/tmp/test_ixf.XXXXXX";
	int fd = mkstemp(path);

	CHECK(load("tests/data/ixf/no-such-file.json") == NULL);
	CHECK_EQ_STR(err, "tests/data/ixf/no-such-file.json: No such file or directory");
	CHECK(load("tests/data/ixf") == NULL);
	CHECK_EQ_STR(err, "tests/data/ixf: not a regular file of at most 64 MB");
	/* one byte over the limit (a sparse file) */
	CHECK(fd >= 0 && ftruncate(fd, (off_t)IXF_MAX_FILE + 1) == 0);
	CHECK(load(path) == NULL);
	CHECK_CONTAINS(err, "not a regular file of at most 64 MB");
	close(fd);
	unlink(path);
}

/* A document whose member_list holds n copies of item. */
static char *repeated(const char *head, const char *item, size_t n, const char *tail)
{
	size_t len = strlen(head) + n * (strlen(item) + 1) + strlen(tail) + 1;
	char *s = malloc(len), *p = s;
	p += sprintf(p, "%s", head);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", item);
	sprintf(p, "%s", tail);
	return s;
}

TEST(more_members_than_the_limit_refuse_the_document)
{
	char *json = repeated("{\"member_list\": [", "1", IXF_MAX_MEMBERS + 1, "]}");
	struct ixf_export *x = parse(json);

	CHECK(x == NULL);
	CHECK_EQ_STR(err, "t.json: more than 65536 members");
	free(json);
}

TEST(warnings_beyond_the_limit_are_counted_and_summed_up)
{
	char *json = repeated("{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], \"member_list\": [", "{}", 150, "]}");
	struct ixf_export *x = parse(json);

	CHECK(x != NULL);
	CHECK_EQ_INT(n_warnings, IXF_MAX_WARNINGS + 1);
	CHECK_EQ_INT(x ? x->n_warnings : 0, 150);
	CHECK_EQ_STR(warnings[IXF_MAX_WARNINGS], "t.json: 50 more warnings not shown");
	ixf_free(x);
	free(json);
}

TEST(nested_list_longer_than_the_limit_is_read_up_to_it_with_one_warning)
{
	char head[256], mac[32];
	size_t n = IXF_MAX_ITEMS + 6, len = 0;
	char *macs = malloc(n * 24 + 1);

	for (size_t i = 0; i < n; i++) {
		snprintf(mac, sizeof(mac), "%s\"02:00:00:00:%02zx:%02zx\"", i ? "," : "", i >> 8, i & 0xff);
		len += (size_t)sprintf(macs + len, "%s", mac);
	}
	snprintf(head, sizeof(head), "{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], \"member_list\": [{\"asnum\": 1, "
	    "\"connection_list\": [{\"ixp_id\": 1, \"vlan_list\": [{\"ipv4\": {\"address\": \"192.0.2.1\", "
	    "\"mac_addresses\": [");
	char *json = repeated(head, macs, 1, "]}}]}]}]}");
	struct ixf_export *x = parse(json);

	CHECK(x != NULL);
	if (x != NULL)
		CHECK_EQ_INT(x->members[0].conns[0].vlans[0].ipv4->n_macs, IXF_MAX_ITEMS);
	CHECK_EQ_INT(n_warnings, 1);
	CHECK_EQ_STR(warnings[0], "t.json: member_list[0].connection_list[0].vlan_list[0].ipv4.mac_addresses: "
	    "1030 entries: only the first 1024 read");
	ixf_free(x);
	free(json);
	free(macs);
}

TEST(huge_numbers_leave_out_their_element_not_the_document)
{
	struct ixf_export *x = parse("{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], \"member_list\": ["
	    "{\"asnum\": 123456789012345678901234567890, \"connection_list\": []},"
	    "{\"asnum\": 64496.5, \"connection_list\": []},"
	    "{\"asnum\": -64496, \"connection_list\": []},"
	    "{\"asnum\": \"64496\", \"connection_list\": []}]}");

	CHECK(x != NULL);
	CHECK_EQ_INT(x ? x->n_members : 0, 1);
	CHECK_EQ_INT(x && x->n_members ? x->members[0].asn : 0, 64496);
	CHECK_EQ_INT(n_warnings, 3);
	ixf_free(x);
}

/* --- clients ---------------------------------------------------------------------- */

TEST(two_exchanges_need_an_ixp_id_and_an_unknown_one_is_an_error)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { 0 };

	CHECK(derive(x, &o) == NULL);
	CHECK_EQ_STR(err, DATA "v10-two-exchanges.json: lists 2 exchanges: say which by its IXP ID (1, 2)");
	o.has_ixp_id = true;
	o.ixp_id = 3;
	CHECK(derive(x, &o) == NULL);
	CHECK_EQ_STR(err, DATA "v10-two-exchanges.json: IXP ID 3 not found in ixp_list");
	ixf_free(x);
}

TEST(export_with_one_exchange_needs_no_ixp_id)
{
	struct ixf_export *x = load(DATA "v07-service-type.json");
	struct ixf_client_opts o = { 0 };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL);
	CHECK_EQ_INT(cs ? cs->ixp_id : 0, 5);
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(ixp_id_selects_the_connections_to_that_exchange)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 2 };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL);
	if (cs == NULL)
		return;
	CHECK_EQ_INT(cs->n, 1);
	CHECK_EQ_INT(cs->v[0].asn, 64497);
	CHECK_EQ_STR(ips(&cs->v[0]), "203.0.113.21");
	CHECK_EQ_STR(cs->ixp_shortname, "EX-SOUTH");
	/* switch 1 of this exchange, not the other's */
	CHECK_EQ_STR(cs->v[0].sessions[0].switches[0].name, "south-sw1");
	ixf_clients_free(cs);

	o.ixp_id = 1;
	cs = derive(x, &o);
	CHECK(cs != NULL);
	if (cs == NULL)
		return;
	CHECK_EQ_INT(cs->n, 5);
	CHECK_EQ_STR(ips(&cs->v[0]), "192.0.2.11 2001:db8:a::11 192.0.2.12 2001:db8:a::12");
	CHECK_EQ_STR(ips(&cs->v[1]), "198.51.100.21 192.0.2.21");
	CHECK_EQ_STR(ips(&cs->v[2]), "192.0.2.2");
	CHECK_EQ_STR(ips(&cs->v[3]), "192.0.2.31");
	CHECK_EQ_STR(ips(&cs->v[4]), "192.0.2.41 2001:db8:a::41");
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(vlan_id_selects_the_entries_of_that_vlan)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1, .has_vlan_id = true, .vlan_id = 20 };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL && cs->n == 1);
	if (cs != NULL && cs->n == 1)
		CHECK_EQ_STR(ips(&cs->v[0]), "198.51.100.21");
	ixf_clients_free(cs);
	o.vlan_id = 10;
	cs = derive(x, &o);
	CHECK(cs != NULL && cs->n == 5 && client_of(cs, "198.51.100.21") == NULL);
	CHECK(client_of(cs, "192.0.2.21") != NULL);
	ixf_clients_free(cs);
	/* an entry without a vlan_id is in no selected VLAN (arouteserver too) */
	o.vlan_id = 0;
	cs = derive(x, &o);
	CHECK(cs != NULL && cs->n == 0);
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(route_servers_of_every_version_are_never_clients)
{
	struct ixf_client_opts o = { 0 };
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	o.has_ixp_id = true;
	o.ixp_id = 1;
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL);
	CHECK(client_of(cs, "192.0.2.1") == NULL && client_of(cs, "2001:db8:a::1") == NULL);
	CHECK(client_of(cs, "192.0.2.2") != NULL);      /* a route collector is, as in arouteserver */
	ixf_clients_free(cs);
	ixf_free(x);

	x = load(DATA "v07-service-type.json");
	cs = derive(x, &(struct ixf_client_opts){ 0 });
	CHECK(cs != NULL && cs->n == 2);
	CHECK(client_of(cs, "192.0.2.1") == NULL && client_of(cs, "2001:db8::1") == NULL);
	CHECK(client_of(cs, "192.0.2.3") != NULL && client_of(cs, "192.0.2.51") != NULL);
	ixf_clients_free(cs);
	ixf_free(x);

	x = load(DATA "v06-member-type.json");
	cs = derive(x, &(struct ixf_client_opts){ 0 });
	CHECK(cs != NULL && cs->n == 1);
	CHECK(client_of(cs, "192.0.2.1") == NULL && client_of(cs, "2001:db8::1") == NULL);
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(routeserver_only_leaves_out_addresses_flagged_false_but_keeps_unflagged_ones)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1, .routeserver_only = true };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL && cs->n == 5);
	CHECK(client_of(cs, "198.51.100.21") == NULL);
	CHECK(client_of(cs, "192.0.2.21") != NULL);     /* no flag */
	CHECK(client_of(cs, "192.0.2.11") != NULL);     /* true */
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(as_macro_and_max_prefix_become_as_sets_and_the_limit_of_the_family)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1 };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL);
	if (cs == NULL)
		return;
	const struct ixf_client *a = client_of(cs, "192.0.2.11");
	CHECK_EQ_STR(joined(a->as_sets, a->n_as_sets), "AS-ALPHA");
	CHECK_EQ_INT(a->limit_ipv4, 100);
	CHECK_EQ_INT(a->limit_ipv6, 50);
	const struct ixf_client *b = client_of(cs, "192.0.2.21");
	CHECK_EQ_INT(b->limit_ipv4, 20);
	CHECK_EQ_INT(b->limit_ipv6, 0);
	/* max_prefix 0 is no limit; as_macro with two names, case kept */
	const struct ixf_client *d = client_of(cs, "2001:db8:a::41");
	CHECK(d->limit_ipv4 == 0 && d->limit_ipv6 == 0);
	CHECK_EQ_STR(joined(d->as_sets, d->n_as_sets), "AS-DELTA as-delta-v4");
	const struct ixf_client *c = client_of(cs, "192.0.2.31");
	CHECK(c->n_as_sets == 0 && c->limit_ipv4 == 0 && c->description == NULL);
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(description_is_the_name_in_ascii_without_surrounding_blanks)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1 };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL);
	if (cs == NULL)
		return;
	CHECK_EQ_STR(client_of(cs, "192.0.2.21")->description, "Bravo ?changes");
	CHECK_EQ_STR(client_of(cs, "192.0.2.41")->description, "Delta");
	CHECK_EQ_STR(client_of(cs, "192.0.2.11")->description, "Alpha Networks");
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(addresses_of_a_member_with_the_same_settings_are_grouped_into_one_client)
{
	struct ixf_export *x = load(DATA "v05-nested-vlan-list.json");
	struct ixf_clients *cs = derive(x, &(struct ixf_client_opts){ 0 });

	CHECK(cs != NULL && cs->n == 1);
	if (cs == NULL || cs->n != 1)
		return;
	CHECK_EQ_STR(ips(&cs->v[0]), "192.0.2.71 2001:db8::71 198.51.100.71");
	CHECK(cs->v[0].limit_ipv4 == 10 && cs->v[0].limit_ipv6 == 10);
	ixf_clients_free(cs);
	ixf_free(x);

	/* Other as_sets, or another limit for the same family: apart. */
	x = parse("{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], \"member_list\": [{"
	    "\"asnum\": 64496, \"connection_list\": [{\"ixp_id\": 1, \"vlan_list\": ["
	    "{\"ipv4\": {\"address\": \"192.0.2.1\", \"as_macro\": \"AS-A\", \"max_prefix\": 10},"
	    " \"ipv6\": {\"address\": \"2001:db8::1\", \"as_macro\": \"AS-A-V6\", \"max_prefix\": 10}},"
	    "{\"ipv4\": {\"address\": \"192.0.2.2\", \"as_macro\": \"AS-A\", \"max_prefix\": 20},"
	    " \"ipv6\": {\"address\": \"2001:db8::2\", \"as_macro\": \"AS-A-V6\", \"max_prefix\": 10}},"
	    "{\"ipv4\": {\"address\": \"192.0.2.3\", \"as_macro\": \"AS-A-V6\", \"max_prefix\": 30}}]}]}]}");
	cs = derive(x, &(struct ixf_client_opts){ 0 });
	CHECK(cs != NULL && cs->n == 3);
	if (cs != NULL && cs->n == 3) {
		CHECK_EQ_STR(ips(&cs->v[0]), "192.0.2.1");
		CHECK_EQ_STR(ips(&cs->v[1]), "2001:db8::1 2001:db8::2 192.0.2.3");
		CHECK(cs->v[1].limit_ipv4 == 30 && cs->v[1].limit_ipv6 == 10);
		CHECK_EQ_STR(ips(&cs->v[2]), "192.0.2.2");
		CHECK_EQ_INT(cs->v[2].limit_ipv4, 20);
	}
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(per_port_groups_only_the_addresses_of_one_connection)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1, .per_port = true };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL && cs->n == 6);
	if (cs != NULL && cs->n == 6) {
		CHECK_EQ_STR(ips(&cs->v[0]), "192.0.2.11 2001:db8:a::11");
		CHECK_EQ_STR(ips(&cs->v[1]), "192.0.2.12 2001:db8:a::12");
		CHECK(cs->v[0].sessions[0].port != cs->v[1].sessions[0].port);
		CHECK(cs->v[0].sessions[0].port == cs->v[0].sessions[1].port);
		CHECK_EQ_STR(ips(&cs->v[2]), "198.51.100.21 192.0.2.21");     /* one connection */
	}
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(one_per_address_gives_a_client_per_address_in_the_order_of_the_export)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1, .one_per_address = true };
	struct ixf_clients *cs = derive(x, &o);
	static const char *const order[] = {
		"192.0.2.11", "2001:db8:a::11", "192.0.2.12", "2001:db8:a::12", "198.51.100.21",
		"192.0.2.21", "192.0.2.2", "192.0.2.31", "192.0.2.41", "2001:db8:a::41",
	};

	CHECK(cs != NULL && cs->n == 10);
	for (size_t i = 0; cs != NULL && i < cs->n && i < 10; i++) {
		CHECK_EQ_INT(cs->v[i].n_sessions, 1);
		CHECK_EQ_STR(ips(&cs->v[i]), order[i]);
	}
	CHECK_EQ_INT(cs ? cs->v[1].limit_ipv4 : 1, 0);
	CHECK_EQ_INT(cs ? cs->v[1].limit_ipv6 : 0, 50);
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(address_derived_twice_is_kept_once_with_a_warning_if_the_settings_differ)
{
	struct ixf_export *x = parse("{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], \"member_list\": ["
	    "{\"asnum\": 64496, \"connection_list\": ["
	    " {\"ixp_id\": 1, \"vlan_list\": [{\"ipv4\": {\"address\": \"192.0.2.1\", \"as_macro\": \"AS-A\"}}]},"
	    " {\"ixp_id\": 1, \"vlan_list\": [{\"ipv4\": {\"address\": \"192.0.2.1\", \"as_macro\": \"AS-A\"}}]}]},"
	    "{\"asnum\": 64497, \"connection_list\": ["
	    " {\"ixp_id\": 1, \"vlan_list\": [{\"ipv4\": {\"address\": \"192.0.2.1\", \"as_macro\": \"AS-B\"}},"
	    "  {\"ipv4\": {\"address\": \"192.0.2.2\"}}]}]}]}");
	struct ixf_clients *cs = derive(x, &(struct ixf_client_opts){ 0 });

	CHECK(cs != NULL && cs->n == 2);
	if (cs == NULL || cs->n != 2)
		return;
	CHECK_EQ_INT(cs->v[0].asn, 64496);
	CHECK_EQ_STR(ips(&cs->v[0]), "192.0.2.1");
	CHECK_EQ_STR(ips(&cs->v[1]), "192.0.2.2");
	CHECK_EQ_INT(n_warnings, 1);
	CHECK_EQ_STR(warnings[0], "t.json: member_list[1].connection_list[0].vlan_list[0].ipv4: 192.0.2.1 "
	    "already comes from member_list[0].connection_list[0].vlan_list[0].ipv4 (AS64496) with other "
	    "settings: left out");
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(sessions_keep_their_vlan_switches_speed_and_mac_addresses)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1 };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL);
	if (cs == NULL)
		return;
	const struct ixf_session *s = &cs->v[0].sessions[2];
	CHECK_EQ_STR(addr_text(&s->addr), "192.0.2.12");
	CHECK_EQ_INT(s->vlan_id, 10);
	CHECK_EQ_INT(s->routeserver, IXF_BOOL_TRUE);
	CHECK_EQ_STR(s->state, "active");
	CHECK_EQ_INT(s->speed, 20000);
	CHECK_EQ_INT(s->n_switches, 1);     /* two interfaces on the same switch */
	CHECK(s->n_switches == 1 && s->switches[0].id == 2 && s->switches[0].pdb_facility_id == 200);
	CHECK_EQ_STR(s->switches[0].name, "north-sw2");
	CHECK_EQ_STR(s->switches[0].colo, "Colo Two");
	CHECK_EQ_STR(s->switches[0].city, "Philipsburg");
	CHECK_EQ_STR(s->switches[0].country, "SX");
	CHECK(s->n_macs == 1 && memcmp(s->macs[0].b, "\x00\x00\x5e\x00\x53\x02", 6) == 0);
	CHECK_EQ_STR(s->path, "member_list[0].connection_list[1].vlan_list[0].ipv4");
	CHECK_EQ_INT(cs->v[0].member_index, 0);
	/* the export may go: the clients own what they hold */
	ixf_free(x);
	CHECK_EQ_STR(cs->v[0].sessions[0].switches[0].city, "Marigot");
	ixf_clients_free(cs);
}

TEST(guessed_communities_come_from_the_switches_and_member_type)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1,
		.communities = IXF_COMM_SWITCH_ID | IXF_COMM_COLOCATION | IXF_COMM_CITY };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL);
	if (cs == NULL)
		return;
	/* Alpha's two connections are at two sites now: two clients. */
	const struct ixf_client *a = client_of(cs, "192.0.2.11"), *b = client_of(cs, "192.0.2.12");
	CHECK(a != NULL && b != NULL && a != b);
	CHECK_EQ_STR(ips(a), "192.0.2.11 2001:db8:a::11");
	CHECK_EQ_STR(joined(a->communities, a->n_communities), "switch_id_1 colocation_colo_one city_marigot");
	CHECK_EQ_STR(joined(b->communities, b->n_communities),
	    "switch_id_2 colocation_colo_two city_philipsburg");
	CHECK_EQ_STR(joined(cs->communities, cs->n_communities),
	    "city_marigot city_philipsburg colocation_colo_one colocation_colo_two switch_id_1 switch_id_2");
	ixf_clients_free(cs);
	ixf_free(x);

	x = load(DATA "v06-member-type.json");
	o = (struct ixf_client_opts){ .communities = IXF_COMM_MEMBER_TYPE | IXF_COMM_COLOCATION |
	    IXF_COMM_CITY | IXF_COMM_SWITCH_NAME | IXF_COMM_COUNTRY };
	cs = derive(x, &o);
	CHECK(cs != NULL && cs->n == 1);
	if (cs != NULL && cs->n == 1)
		CHECK_EQ_STR(joined(cs->v[0].communities, cs->v[0].n_communities),
		    "member_type_peering switch_name_sw_3 colocation_data_centre__east___1 "
		    "city_basse_terre country_gp");
	ixf_clients_free(cs);
	ixf_free(x);
	CHECK_EQ_INT(ixf_community_kind("colocation"), IXF_COMM_COLOCATION);
	CHECK_EQ_INT(ixf_community_kind("site"), 0);
}

TEST(guessed_communities_beyond_the_limit_are_not_attached_with_a_warning)
{
	char doc[8192];
	size_t len = (size_t)snprintf(doc, sizeof(doc), "{\"version\": \"1.0\", \"ixp_list\": "
	    "[{\"ixp_id\": 1, \"switch\": [");
	for (int i = 1; i <= 10; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "%s{\"id\": %d, \"name\": \"s%d\", "
		    "\"colo\": \"c%d\", \"city\": \"t%d\", \"country\": \"k%d\"}", i > 1 ? "," : "",
		    i, i, i, i, i);
	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "]}], \"member_list\": [{\"asnum\": 64496, "
	    "\"connection_list\": [{\"ixp_id\": 1, \"if_list\": [");
	for (int i = 1; i <= 10; i++)
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "%s{\"switch_id\": %d}", i > 1 ? "," : "", i);
	snprintf(doc + len, sizeof(doc) - len, "], \"vlan_list\": [{\"ipv4\": {\"address\": "
	    "\"192.0.2.1\"}}]}]}]}");
	struct ixf_export *x = parse(doc);
	struct ixf_client_opts o = { .communities = IXF_COMM_SWITCH_ID | IXF_COMM_SWITCH_NAME |
	    IXF_COMM_COLOCATION | IXF_COMM_CITY | IXF_COMM_COUNTRY };
	struct ixf_clients *cs = derive(x, &o);

	CHECK(cs != NULL && cs->n == 1);
	if (cs != NULL && cs->n == 1) {
		CHECK_EQ_INT(cs->v[0].n_communities, IXF_MAX_COMMUNITIES);
		CHECK_EQ_STR(cs->v[0].communities[IXF_MAX_COMMUNITIES - 1], "switch_name_s7");
		CHECK_EQ_INT(cs->n_communities, IXF_MAX_COMMUNITIES);
	}
	CHECK_EQ_INT(n_warnings, 1);
	CHECK_EQ_STR(warnings[0], "t.json: member_list[0] (AS64496): a connection with 50 communities: "
	    "only the first 32 attached");
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(more_addresses_than_the_limit_refuse_the_derivation)
{
	/* 65 connections of 1024 entries with two addresses: 133120 */
	size_t cap = 70u << 20, len = 0;
	char *doc = malloc(cap);
	len += (size_t)snprintf(doc, cap, "{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], "
	    "\"member_list\": [{\"asnum\": 64496, \"connection_list\": [");
	for (unsigned c = 0; c < 65; c++) {
		len += (size_t)snprintf(doc + len, cap - len, "%s{\"ixp_id\": 1, \"vlan_list\": [",
		    c ? "," : "");
		for (unsigned v = 0; v < 1024; v++)
			len += (size_t)snprintf(doc + len, cap - len, "%s{\"ipv4\": {\"address\": "
			    "\"10.%u.%u.%u\"}, \"ipv6\": {\"address\": \"2001:db8:%x::%x\"}}",
			    v ? "," : "", c, v >> 8, v & 0xff, c, v + 1);
		len += (size_t)snprintf(doc + len, cap - len, "]}");
	}
	snprintf(doc + len, cap - len, "]}]}");
	struct ixf_export *x = parse(doc);

	CHECK(x != NULL);
	CHECK(derive(x, &(struct ixf_client_opts){ 0 }) == NULL);
	CHECK_EQ_STR(err, "t.json: more than 131072 addresses on IXP ID 1: not derived");
	ixf_free(x);
	free(doc);
}

TEST(as_macro_of_more_names_than_the_limit_is_read_up_to_it)
{
	struct ixf_export *x = parse("{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], "
	    "\"member_list\": [{\"asnum\": 64496, \"connection_list\": [{\"ixp_id\": 1, \"vlan_list\": "
	    "[{\"ipv4\": {\"address\": \"192.0.2.1\", \"as_macro\": \"AS-A AS-A AS-B AS-C AS-D AS-E "
	    "AS-F AS-G AS-H AS-I AS-J AS-K AS-L AS-M AS-N AS-O AS-P AS-Q AS-R\"}}]}]}]}");

	CHECK(x != NULL);
	if (x == NULL)
		return;
	const struct ixf_ip *ip = x->members[0].conns[0].vlans[0].ipv4;
	CHECK_EQ_INT(ip->n_as_sets, IXF_MAX_AS_SETS);
	CHECK_EQ_STR(ip->as_sets[IXF_MAX_AS_SETS - 1], "AS-P");
	CHECK_EQ_INT(n_warnings, 1);
	CHECK_EQ_STR(warnings[0], "t.json: member_list[0].connection_list[0].vlan_list[0].ipv4.as_macro: "
	    "more than 16 names: the rest not read");
	ixf_free(x);
}

/* --- clients.yml ------------------------------------------------------------------------ */

/* Writes cs as clients.yml beside a general.yml (with the filters that
 * need data off, and custom communities declared) and loads it. */
static struct ixpd_config *load_written(const struct ixf_clients *cs, const char *general_extra)
{
	char dir[] = "/tmp/test_ixf.XXXXXX", path[512];
	if (mkdtemp(dir) == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/clients.yml", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL && ixf_clients_write(cs, f) == 0);
	fclose(f);
	snprintf(path, sizeof(path), "%s/general.yml", dir);
	f = fopen(path, "w");
	fprintf(f, "cfg:\n  rs_as: 64500\n  router_id: \"192.0.2.254\"\n  filtering:\n"
	    "    reject_invalid_as_in_as_path: False\n    never_via_route_servers: {peering_db: False}\n"
	    "    irrdb: {enforce_origin_in_as_set: False, enforce_prefix_in_as_set: False}\n%s",
	    general_extra);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ixpd.yml", dir);
	f = fopen(path, "w");
	fprintf(f, "general: general.yml\nclients: clients.yml\n");
	fclose(f);
	err[0] = '\0';
	struct ixpd_config *cfg = config_load(path, err, sizeof(err));
	if (cfg == NULL)
		fprintf(stderr, "  %s\n", err);
	static const char *const names[] = { "clients.yml", "general.yml", "ixpd.yml" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return cfg;
}

TEST(written_clients_yml_loads_with_the_configuration_loader)
{
	struct ixf_export *x = load(DATA "v10-two-exchanges.json");
	struct ixf_client_opts o = { .has_ixp_id = true, .ixp_id = 1, .communities = IXF_COMM_SWITCH_ID };
	struct ixf_clients *cs = derive(x, &o);
	struct ixpd_config *cfg = load_written(cs, "  custom_communities:\n"
	    "    switch_id_1: {std: \"65501:1\"}\n    switch_id_2: {std: \"65501:2\"}\n");

	CHECK(cfg != NULL);
	if (cfg == NULL)
		return;
	CHECK_EQ_INT(cfg->n_clients, (int)cs->n);
	CHECK_EQ_INT(cfg->n_members, 10);
	for (int i = 0; i < cfg->n_clients && i < (int)cs->n; i++) {
		const struct cfg_client *c = &cfg->clients[i];
		const struct ixf_client *d = &cs->v[i];
		CHECK_EQ_INT(c->asn, d->asn);
		CHECK(d->description ? c->description && strcmp(c->description, d->description) == 0 :
		    c->description == NULL);
		CHECK_EQ_INT(c->irrdb.as_sets.n, (int)d->n_as_sets);
		CHECK_EQ_INT(c->max_prefix.limit_ipv4, d->limit_ipv4);
		CHECK_EQ_INT(c->max_prefix.limit_ipv6, d->limit_ipv6);
		CHECK_EQ_INT(c->attach_custom_communities.n, (int)d->n_communities);
	}
	/* AS-SET names as the loader keeps them: upper case */
	for (int i = 0; i < cfg->n_clients && i < (int)cs->n; i++)
		if (cs->v[i].asn == 64500 && cfg->clients[i].irrdb.as_sets.n == 2)
			CHECK_EQ_STR(cfg->clients[i].irrdb.as_sets.v[1], "AS-DELTA-V4");
	config_free(cfg);
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(hostile_names_are_written_as_yaml_that_reads_back_the_same)
{
	struct ixf_export *x = parse("{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1, "
	    "\"shortname\": \"evil\\n- asn: 1\"}], \"member_list\": [{\"asnum\": 64496, "
	    "\"name\": \"a\\\"b\\\\c: - [d] #e\\n\\u0001\\t\\u00ff\\ud83d\\ude00 'f'\", "
	    "\"connection_list\": [{\"ixp_id\": 1, \"vlan_list\": [{\"ipv6\": {\"address\": \"1:1:1:2::\"}}]}]}]}");
	struct ixf_clients *cs = derive(x, &(struct ixf_client_opts){ 0 });
	struct ixpd_config *cfg = load_written(cs, "");

	CHECK(cs != NULL && cs->n == 1);
	CHECK_EQ_STR(cs && cs->n ? cs->v[0].description : NULL, "a\"b\\c: - [d] #e\n\x01\t?? 'f'");
	CHECK(cfg != NULL && cfg->n_clients == 1 && cfg->n_members == 1);
	if (cfg != NULL && cfg->n_clients == 1)
		CHECK_EQ_STR(cfg->clients[0].description, cs->v[0].description);
	config_free(cfg);
	ixf_clients_free(cs);
	ixf_free(x);
}

TEST(no_client_is_written_as_an_empty_list)
{
	struct ixf_export *x = parse("{\"version\": \"1.0\", \"ixp_list\": [{\"ixp_id\": 1}], \"member_list\": []}");
	struct ixf_clients *cs = derive(x, &(struct ixf_client_opts){ 0 });
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK(cs != NULL && f != NULL && ixf_clients_write(cs, f) == 0);
	fclose(f);
	CHECK_CONTAINS(text, "\nclients: []\n");
	CHECK_CONTAINS(text, "# IXP ID: 1\n");
	free(text);
	ixf_clients_free(cs);
	ixf_free(x);
}
