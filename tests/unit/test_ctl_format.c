/* SPDX-License-Identifier: ISC */
/* Golden-text tests for ixpctl's rendering of control replies. */
#include <stdio.h>
#include <jansson.h>

#include "ctl_format.h"
#include "testlib.h"

/* 2025-11-28T22:46:40Z, the "since"/"started" of the canned replies. */
#define T0 1764370000
/* "now" for every rendering: one hour, two minutes, three seconds later. */
#define NOW (T0 + 3723)

/* Renders `json` (NULL: no result at all) and returns the text (caller frees). */
static char *render(const char *command, const char *json)
{
	json_error_t jerr;
	json_t *result = json ? json_loads(json, 0, &jerr) : NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	CHECK(json == NULL || result != NULL);
	CHECK_EQ_INT(ctl_format_text(command, result, NOW, out), 0);
	fclose(out);
	json_decref(result);
	return text;
}

#define CHECK_RENDER(command, json, expected) do { \
	char *_text = render(command, json); \
	CHECK_EQ_STR(_text, expected); \
	free(_text); } while (0)

#define NEIGHBOR_FULL \
	"{\"address\":\"192.0.2.11\",\"asn\":52001,\"description\":\"BIRD member\"," \
	"\"state\":\"Established\",\"since\":1764370000,\"admin_down\":false," \
	"\"last_error\":\"Hold timer expired\",\"hold_time\":90,\"keepalive\":30," \
	"\"capabilities\":{\"families\":[\"ipv4-unicast\",\"ipv6-unicast\"],\"as4\":true," \
	"\"route_refresh\":true,\"enhanced_route_refresh\":false,\"extended_message\":false," \
	"\"add_path_tx\":false,\"graceful_restart\":false,\"role\":\"rs-client\"}," \
	"\"routes\":{\"received\":10,\"accepted\":9,\"rejected\":1,\"exported\":42}," \
	"\"messages\":{\"received\":100,\"sent\":120,\"updates_received\":10,\"updates_sent\":12}}"

/* IPv6, administratively down, most optional fields absent or null. */
#define NEIGHBOR_SPARSE \
	"{\"address\":\"2001:db8::11\",\"asn\":4200000001,\"state\":\"Idle\"," \
	"\"since\":null,\"admin_down\":true,\"last_error\":null}"

TEST(duration_formats)
{
	char buf[32];

	ctl_format_duration(0, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "00:00:00");
	ctl_format_duration(3723, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "01:02:03");
	ctl_format_duration(86399, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "23:59:59");
	ctl_format_duration(3 * 86400 + 4 * 3600 + 59, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "3d04h");
	ctl_format_duration(12 * 7 * 86400 + 3 * 86400 + 5, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "12w3d");
	ctl_format_duration(-5, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "00:00:00");
}

TEST(time_formats)
{
	char buf[32];

	ctl_format_time(T0, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "2025-11-28T22:46:40Z");
	ctl_format_time(0, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "-");
}

TEST(status_full)
{
	CHECK_RENDER("show status",
	    "{\"version\":\"0.1.0\",\"rs_as\":59900,\"router_id\":\"192.0.2.1\","
	    "\"config\":\"/etc/ixpd/ixpd.yml\",\"started\":1764370000,\"last_reload\":1764373000,"
	    "\"neighbors\":{\"configured\":6,\"established\":5},"
	    "\"routes\":{\"prefixes\":1234,\"paths\":2345,\"rejected\":3},\"future_field\":[1]}",
	    "ixpd 0.1.0\n"
	    "Route server AS:  59900\n"
	    "Router ID:        192.0.2.1\n"
	    "Config:           /etc/ixpd/ixpd.yml\n"
	    "Started:          2025-11-28T22:46:40Z (01:02:03 ago)\n"
	    "Last reload:      2025-11-28T23:36:40Z (00:12:03 ago)\n"
	    "Neighbors:        6 configured, 5 established\n"
	    "Routes:           1234 prefixes, 2345 paths, 3 rejected\n");
}

TEST(status_empty)
{
	CHECK_RENDER("show status", "{}", "ixpd\n");
	CHECK_RENDER("show status", NULL, "ixpd\n");
	CHECK_RENDER("show status", "{\"rs_as\":\"x\",\"started\":\"soon\",\"neighbors\":[1]}",
	    "ixpd\nRoute server AS:  x\n");
}

TEST(neighbors_table)
{
	CHECK_RENDER("show neighbors", "{\"neighbors\":[" NEIGHBOR_FULL "," NEIGHBOR_SPARSE "]}",
	    "Neighbor              AS  State              Since                 Rcvd  Acc  Rej  Sent  Description\n"
	    "192.0.2.11         52001  Established        2025-11-28T22:46:40Z    10    9    1    42  BIRD member\n"
	    "2001:db8::11  4200000001  Idle (admin down)  -                        -    -    -     -\n");
}

TEST(neighbors_empty_or_malformed)
{
	CHECK_RENDER("show neighbors", "{\"neighbors\":[]}", "No neighbors.\n");
	CHECK_RENDER("show neighbors", "{}", "No neighbors.\n");
	CHECK_RENDER("show neighbors", "{\"neighbors\":\"many\"}", "No neighbors.\n");
	CHECK_RENDER("show neighbors", "{\"neighbors\":[7,{}]}",
	    "Neighbor  AS  State  Since  Rcvd  Acc  Rej  Sent  Description\n"
	    "-          -  -      -         -    -    -     -\n"
	    "-          -  -      -         -    -    -     -\n");
}

TEST(neighbor_detail_full)
{
	CHECK_RENDER("show neighbor", "{\"neighbor\":" NEIGHBOR_FULL "}",
	    "Neighbor 192.0.2.11\n"
	    "  Description:      BIRD member\n"
	    "  AS:               52001\n"
	    "  State:            Established\n"
	    "  Since:            2025-11-28T22:46:40Z (01:02:03 ago)\n"
	    "  Last error:       Hold timer expired\n"
	    "  Hold time:        90s\n"
	    "  Keepalive:        30s\n"
	    "  Families:         ipv4-unicast, ipv6-unicast\n"
	    "  Capabilities:     as4 route-refresh\n"
	    "  Role:             rs-client\n"
	    "  Routes:           10 received, 9 accepted, 1 rejected, 42 exported\n"
	    "  Messages:         100 received, 120 sent, 10 updates received, 12 updates sent\n");
}

TEST(neighbor_detail_sparse)
{
	CHECK_RENDER("show neighbor", "{\"neighbor\":" NEIGHBOR_SPARSE "}",
	    "Neighbor 2001:db8::11\n"
	    "  AS:               4200000001\n"
	    "  State:            Idle (admin down)\n");
	CHECK_RENDER("show neighbor",
	    "{\"neighbor\":{\"address\":\"192.0.2.12\",\"capabilities\":{\"as4\":false,\"role\":null}}}",
	    "Neighbor 192.0.2.12\n"
	    "  Capabilities:     none\n");
	CHECK_RENDER("show neighbor", "{}", "");
	CHECK_RENDER("show neighbor", "{\"neighbor\":[]}", "");
}

#define PATH_BEST \
	"{\"neighbor\":\"192.0.2.11\",\"asn\":52001,\"best\":true,\"rejected\":false," \
	"\"reject_reason\":null,\"origin\":\"IGP\",\"as_path\":\"52001 52002\"," \
	"\"next_hop\":\"192.0.2.11\",\"med\":10,\"local_pref\":100," \
	"\"communities\":[\"52001:100\"],\"ext_communities\":[\"rt:1:2\"]," \
	"\"large_communities\":[\"59900:0:52002\"],\"otc\":null,\"age\":123}"
#define PATH_NULL_MED \
	"{\"neighbor\":\"192.0.2.12\",\"best\":false,\"rejected\":false,\"origin\":\"INCOMPLETE\"," \
	"\"as_path\":\"52003\",\"next_hop\":\"192.0.2.12\",\"med\":null,\"otc\":52003,\"age\":200000}"
#define PATH_REJECTED \
	"{\"neighbor\":\"192.0.2.13\",\"best\":false,\"rejected\":true," \
	"\"reject_reason\":\"bogon ASN in AS path\",\"origin\":\"EGP\",\"as_path\":\"52004 64512\"," \
	"\"next_hop\":\"192.0.2.13\",\"age\":2000000}"
#define ROUTE_V6 \
	"{\"prefix\":\"2001:db8:100::/48\",\"paths\":[{\"neighbor\":\"2001:db8::11\",\"best\":true," \
	"\"origin\":\"IGP\",\"as_path\":\"52001\",\"next_hop\":\"2001:db8::11\"}]}"

TEST(routes_all_kinds)
{
	CHECK_RENDER("show routes",
	    "{\"routes\":[{\"prefix\":\"45.65.0.0/22\",\"paths\":[" PATH_BEST "," PATH_NULL_MED ","
	    PATH_REJECTED "]}," ROUTE_V6 "],\"truncated\":false}",
	    "Flags: * valid, > best, R rejected\n"
	    "    Prefix             Next hop      MED  AS path        Neighbor           Age  Reason\n"
	    "*>  45.65.0.0/22       192.0.2.11     10  52001 52002 i  192.0.2.11    00:02:03\n"
	    "*   45.65.0.0/22       192.0.2.12      -  52003 ?        192.0.2.12       2d07h\n"
	    "R   45.65.0.0/22       192.0.2.13      -  52004 64512 e  192.0.2.13        3w2d  bogon ASN in AS path\n"
	    "*>  2001:db8:100::/48  2001:db8::11    -  52001 i        2001:db8::11         -\n");
}

TEST(routes_without_rejects_hide_reason)
{
	CHECK_RENDER("show routes", "{\"routes\":[" ROUTE_V6 "]}",
	    "Flags: * valid, > best, R rejected\n"
	    "    Prefix             Next hop      MED  AS path  Neighbor      Age\n"
	    "*>  2001:db8:100::/48  2001:db8::11    -  52001 i  2001:db8::11    -\n");
}

TEST(routes_truncated_and_empty)
{
	CHECK_RENDER("show routes", "{\"routes\":[" ROUTE_V6 "],\"truncated\":true}",
	    "Flags: * valid, > best, R rejected\n"
	    "    Prefix             Next hop      MED  AS path  Neighbor      Age\n"
	    "*>  2001:db8:100::/48  2001:db8::11    -  52001 i  2001:db8::11    -\n"
	    "(truncated by the server; narrow the query with PREFIX or --neighbor)\n");
	CHECK_RENDER("show routes", "{\"routes\":[],\"truncated\":false}", "No routes.\n");
	CHECK_RENDER("show routes", NULL, "No routes.\n");
	CHECK_RENDER("show routes", "{\"routes\":[{\"prefix\":\"10.0.0.0/8\"},{\"paths\":[{}]}]}",
	    "Flags: * valid, > best, R rejected\n"
	    "   Prefix  Next hop  MED  AS path  Neighbor  Age\n"
	    "*  -       -           -  -        -           -\n");
}

/* Remote text (a peer's shutdown communication, a description) must not
 * reach the terminal as escape sequences or break the table layout. */
TEST(control_characters_are_neutralised)
{
	CHECK_RENDER("show neighbors",
	    "{\"neighbors\":[{\"address\":\"192.0.2.11\",\"description\":\"evil\\u001b[2Jx\\u009b1m\\n\"}]}",
	    "Neighbor    AS  State  Since  Rcvd  Acc  Rej  Sent  Description\n"
	    "192.0.2.11   -  -      -         -    -    -     -  evil?[2Jx??1m?\n");
	CHECK_RENDER("show neighbor",
	    "{\"neighbor\":{\"address\":\"192.0.2.11\",\"last_error\":\"shutdown: bye\\r\\u007f\"}}",
	    "Neighbor 192.0.2.11\n"
	    "  Last error:       shutdown: bye??\n");
	CHECK_RENDER("reload", "{\"message\":\"a\\tb\"}", "a?b\n");
}

TEST(action_messages)
{
	CHECK_RENDER("neighbor down", "{\"message\":\"neighbor 192.0.2.11 disabled\"}",
	    "neighbor 192.0.2.11 disabled\n");
	CHECK_RENDER("neighbor up", "{\"message\":\"neighbor 192.0.2.11 enabled\"}",
	    "neighbor 192.0.2.11 enabled\n");
	CHECK_RENDER("neighbor refresh", "{\"message\":\"route refresh sent\"}", "route refresh sent\n");
	CHECK_RENDER("reload", "{\"message\":\"configuration reloaded\"}", "configuration reloaded\n");
	CHECK_RENDER("reload", "{}", "");
	CHECK_RENDER("reload", NULL, "");
}

TEST(unknown_command_prints_json)
{
	CHECK_RENDER("show frobs", "{\"a\":[1,2],\"b\":\"c\"}",
	    "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"c\"\n}\n");
	CHECK_RENDER("show frobs", NULL, "");
}
