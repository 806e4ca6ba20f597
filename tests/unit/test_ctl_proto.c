/* SPDX-License-Identifier: ISC */
/* Tests for the control protocol: ixpctl's grammar, server-side request
 * validation, framing over a socketpair, and reply helpers. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#include <jansson.h>

#include "ctl_proto.h"
#include "testlib.h"


/* ---- ixpctl grammar ---- */

#define WORDS(...) (char *[]){ __VA_ARGS__, NULL }

static int count_words(char **words)
{
	int n = 0;

	while (words[n] != NULL)
		n++;
	return n;
}

/* Builds from words; checks the result equals `expected` (JSON text) and
 * that the server-side parser accepts it. */
static void check_build(char **words, const char *expected)
{
	char err[256] = "";
	json_t *req = ctl_request_from_argv(count_words(words), words, err, sizeof(err));
	json_t *want = json_loads(expected, 0, NULL);
	struct ctl_request parsed;

	CHECK(req != NULL);
	CHECK(want != NULL && json_equal(req, want));
	if (req != NULL && want != NULL && !json_equal(req, want)) {
		char *got = json_dumps(req, JSON_COMPACT);
		fprintf(stderr, "  got %s\n  expected %s\n", got, expected);
		free(got);
	}
	CHECK_EQ_INT(ctl_request_parse(req, &parsed, err, sizeof(err)), 0);
	json_decref(req);
	json_decref(want);
}

static void check_build_error(char **words, const char *message)
{
	char err[256] = "";
	json_t *req = ctl_request_from_argv(count_words(words), words, err, sizeof(err));

	CHECK(req == NULL);
	CHECK_CONTAINS(err, message);
	json_decref(req);
}

TEST(build_show_commands)
{
	check_build(WORDS("show", "status"), "{\"command\":\"show status\"}");
	check_build(WORDS("sh", "st"), "{\"command\":\"show status\"}");
	check_build(WORDS("show", "neighbors"), "{\"command\":\"show neighbors\"}");
	check_build(WORDS("show", "neighbor"), "{\"command\":\"show neighbors\"}");
	check_build(WORDS("sh", "nei"), "{\"command\":\"show neighbors\"}");
	check_build(WORDS("show", "protocols"), "{\"command\":\"show neighbors\"}");
	check_build(WORDS("show", "neighbor", "192.0.2.11"),
	    "{\"command\":\"show neighbor\",\"address\":\"192.0.2.11\"}");
	check_build(WORDS("s", "n", "2001:DB8:0::0011"),
	    "{\"command\":\"show neighbor\",\"address\":\"2001:db8::11\"}");
}

TEST(build_show_routes)
{
	check_build(WORDS("show", "routes"),
	    "{\"command\":\"show routes\",\"all\":false,\"rejected\":false}");
	check_build(WORDS("sh", "ro", "45.65.0.0/22", "--neighbor", "192.0.2.11", "--all", "--rejected"),
	    "{\"command\":\"show routes\",\"prefix\":\"45.65.0.0/22\",\"neighbor\":\"192.0.2.11\","
	    "\"all\":true,\"rejected\":true}");
	check_build(WORDS("show", "route", "--all", "2001:DB8::/32"),
	    "{\"command\":\"show routes\",\"prefix\":\"2001:db8::/32\",\"all\":true,\"rejected\":false}");
	check_build(WORDS("show", "routes", "10.128.0.0/9"),
	    "{\"command\":\"show routes\",\"prefix\":\"10.128.0.0/9\",\"all\":false,\"rejected\":false}");
	check_build(WORDS("show", "routes", "0.0.0.0/0"),
	    "{\"command\":\"show routes\",\"prefix\":\"0.0.0.0/0\",\"all\":false,\"rejected\":false}");
}

TEST(build_show_routes_lookups)
{
	check_build((char *[]){ "show", "routes", "--match", "45.65.1.7", "--family", "ipv4", "--accepted",
	    "--community", "65535:666", "--origin-as", "52001", "--not-exported-to", "192.0.2.12", NULL },
	    "{\"command\":\"show routes\",\"all\":false,\"rejected\":false,\"match\":\"45.65.1.7\","
	    "\"family\":\"ipv4\",\"accepted\":true,\"community\":\"65535:666\",\"origin_as\":52001,"
	    "\"not_exported_to\":\"192.0.2.12\"}");
	check_build_error((char *[]){ "show", "routes", "--community", NULL }, "--community needs a value");
}

TEST(build_neighbor_actions)
{
	check_build(WORDS("neighbor", "192.0.2.11", "down", "planned", "maintenance"),
	    "{\"command\":\"neighbor down\",\"address\":\"192.0.2.11\",\"message\":\"planned maintenance\"}");
	check_build(WORDS("neighbor", "192.0.2.11", "down"),
	    "{\"command\":\"neighbor down\",\"address\":\"192.0.2.11\"}");
	check_build(WORDS("neighbor", "192.0.2.11", "shutdown", "--graceful", "maintenance"),
	    "{\"command\":\"neighbor down\",\"address\":\"192.0.2.11\",\"graceful\":true,"
	    "\"message\":\"maintenance\"}");
	check_build(WORDS("nei", "2001:db8::11", "up"),
	    "{\"command\":\"neighbor up\",\"address\":\"2001:db8::11\"}");
	check_build(WORDS("neighbor", "192.0.2.11", "r"),
	    "{\"command\":\"neighbor refresh\",\"address\":\"192.0.2.11\"}");
	check_build(WORDS("reload"), "{\"command\":\"reload\"}");
	check_build(WORDS("rel"), "{\"command\":\"reload\"}");
}

TEST(build_shutdown_message_limits)
{
	char longest[CTL_SHUTDOWN_MSG_MAX + 2];

	memset(longest, 'a', CTL_SHUTDOWN_MSG_MAX);
	longest[CTL_SHUTDOWN_MSG_MAX] = '\0';
	char expected[CTL_SHUTDOWN_MSG_MAX + 100];
	snprintf(expected, sizeof(expected),
	    "{\"command\":\"neighbor down\",\"address\":\"192.0.2.11\",\"message\":\"%s\"}", longest);
	check_build(WORDS("neighbor", "192.0.2.11", "down", longest), expected);
	check_build_error(WORDS("neighbor", "192.0.2.11", "down", longest, "b"),
	    "shutdown message is 257 bytes; RFC 9003 allows at most 255");
	check_build_error(WORDS("neighbor", "192.0.2.11", "down", "caf\xc3"), "not valid UTF-8");
	check_build(WORDS("neighbor", "192.0.2.11", "down", "caf\xc3\xa9"),
	    "{\"command\":\"neighbor down\",\"address\":\"192.0.2.11\",\"message\":\"caf\xc3\xa9\"}");
}

TEST(build_errors)
{
	check_build_error((char *[]){ NULL }, "no command given");
	check_build_error(WORDS("frob"), "unknown command \"frob\" (expected show, neighbor, reload, dump, restart)");
	check_build_error(WORDS("show"), "show what?");
	check_build_error(WORDS("show", "bananas"),
	    "unknown show command \"bananas\" (expected status, neighbors, routes)");
	check_build_error(WORDS("show", "status", "now"), "unexpected \"now\" after \"show status\"");
	check_build_error(WORDS("show", "neighbor", "1.2.3"), "\"1.2.3\" is not an IPv4 or IPv6 address");
	check_build_error(WORDS("show", "neighbor", "fe80::1%eth0"), "is not an IPv4 or IPv6 address");
	check_build_error(WORDS("show", "neighbor", "192.0.2.1", "x"), "unexpected \"x\"");
	check_build_error(WORDS("reload", "now"), "unexpected \"now\" after \"reload\"");
	check_build_error(WORDS("dump", "routes", "x"), "usage: dump rib FILE");
	check_build_error(WORDS("dump", "rib"), "usage: dump rib FILE");
}


TEST(build_route_errors)
{
	check_build_error(WORDS("show", "routes", "45.65.1.0/22"),
	    "\"45.65.1.0/22\" has host bits set; did you mean 45.65.0.0/22?");
	check_build_error(WORDS("show", "routes", "2001:db8::1/64"), "did you mean 2001:db8::/64?");
	check_build_error(WORDS("show", "routes", "10.192.0.0/9"), "did you mean 10.128.0.0/9?");
	check_build_error(WORDS("show", "routes", "45.65.0.0/33"), "prefix length must be 0..32");
	check_build_error(WORDS("show", "routes", "2001:db8::/129"), "prefix length must be 0..128");
	check_build_error(WORDS("show", "routes", "45.65.0.0"), "is not a prefix (ADDRESS/LENGTH)");
	check_build_error(WORDS("show", "routes", "45.65.0.0/2x"), "prefix length must be 0..32");
	check_build_error(WORDS("show", "routes", "45.65.0.0/-1"), "is not a prefix");
	check_build_error(WORDS("show", "routes", "banana/8"), "\"banana\" is not an IPv4 or IPv6 address");
	check_build_error(WORDS("show", "routes", "10.0.0.0/8", "11.0.0.0/8"), "only one PREFIX");
	check_build_error(WORDS("show", "routes", "--json"), "global options such as --json go before");
	check_build_error(WORDS("show", "routes", "--neighbor"), "--neighbor needs an address");
	check_build_error(WORDS("show", "routes", "--neighbor", "10.0.0.0/8"), "is not an IPv4 or IPv6");
}

TEST(build_neighbor_errors)
{
	check_build_error(WORDS("neighbor", "192.0.2.11"), "usage: neighbor ADDR down");
	check_build_error(WORDS("neighbor", "192.0.2.11", "sideways"),
	    "unknown neighbor action \"sideways\" (expected down, up, refresh)");
	check_build_error(WORDS("neighbor", "down", "192.0.2.11"), "unknown neighbor action \"192.0.2.11\"");
	check_build_error(WORDS("neighbor", "192.0.2.11", "up", "now"), "unexpected \"now\" after \"up\"");
	check_build_error(WORDS("neighbor", "x", "refresh"), "\"x\" is not an IPv4 or IPv6 address");
}

/* ---- server-side validation ---- */

static int parse_text(const char *text, struct ctl_request *req, char *err, size_t errlen)
{
	json_t *msg = json_loads(text, 0, NULL);
	int rc = ctl_request_parse(msg, req, err, errlen);

	json_decref(msg);
	return rc;
}

static void check_parse_error(const char *text, const char *message)
{
	struct ctl_request req;
	char err[256] = "";

	CHECK_EQ_INT(parse_text(text, &req, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, message);
}

TEST(parse_show_routes)
{
	struct ctl_request req;
	char err[256];

	CHECK_EQ_INT(parse_text("{\"command\":\"show routes\",\"prefix\":\"2001:db8::/32\","
	    "\"neighbor\":\"192.0.2.11\",\"all\":true,\"rejected\":false}", &req, err, sizeof(err)), 0);
	CHECK_EQ_INT(req.command, CTL_CMD_SHOW_ROUTES);
	CHECK(req.has_prefix && req.prefix.afi == AFI_IPV6 && req.prefix.len == 32);
	CHECK_EQ_INT(req.prefix.addr[2], 0x0d);
	CHECK(req.has_neighbor && req.neighbor.family == AF_INET);
	CHECK_EQ_INT(ntohl(req.neighbor.u.v4.s_addr), 0xc000020b);
	CHECK(req.all && !req.rejected);

	CHECK_EQ_INT(parse_text("{\"command\":\"show routes\",\"prefix\":null}", &req, err, sizeof(err)), 0);
	CHECK(!req.has_prefix && !req.has_neighbor && !req.all);
}

TEST(parse_show_routes_lookups_and_filters)
{
	struct ctl_request req;
	char err[256];

	CHECK_EQ_INT(parse_text("{\"command\":\"show routes\",\"match\":\"45.65.1.7\",\"family\":\"ipv4\","
	    "\"accepted\":true,\"lines\":true}", &req, err, sizeof(err)), 0);
	CHECK(req.has_match && req.match.afi == AFI_IPV4 && req.match.len == 32 && req.match.addr[3] == 7);
	CHECK(req.afi == AFI_IPV4 && req.accepted && req.lines && !req.has_prefix);
	CHECK_EQ_INT(parse_text("{\"command\":\"show routes\",\"match\":\"2001:db8::/48\","
	    "\"community\":\"65535:666\",\"origin_as\":52001}", &req, err, sizeof(err)), 0);
	CHECK(req.has_match && req.match.afi == AFI_IPV6 && req.match.len == 48);
	CHECK_EQ_INT(req.community_len, 4);
	CHECK(req.community[0] == 0xff && req.community[1] == 0xff && req.community[2] == 0x02 &&
	    req.community[3] == 0x9a);
	CHECK(req.has_origin_as && req.origin_as == 52001);
	CHECK_EQ_INT(parse_text("{\"command\":\"show routes\",\"community\":\"59900:65520:4294967295\","
	    "\"not_exported_to\":\"2001:db8::12\",\"restricted\":true}", &req, err, sizeof(err)), 0);
	CHECK_EQ_INT(req.community_len, 12);
	CHECK(req.community[8] == 0xff && req.community[11] == 0xff);
	CHECK(req.has_not_exported_to && req.not_exported_to.family == AF_INET6 && req.restricted);
}

TEST(parse_show_routes_lookup_errors)
{
	check_parse_error("{\"command\":\"show routes\",\"community\":\"65536:1\"}", "is not a community");
	check_parse_error("{\"command\":\"show routes\",\"community\":\"1:2:3:4\"}", "is not a community");
	check_parse_error("{\"command\":\"show routes\",\"community\":\"1::3\"}", "is not a community");
	check_parse_error("{\"command\":\"show routes\",\"community\":\"4294967296:1:1\"}", "is not a community");
	check_parse_error("{\"command\":\"show routes\",\"community\":\"-1:1\"}", "is not a community");
	check_parse_error("{\"command\":\"show routes\",\"family\":\"inet\"}", "expected ipv4 or ipv6");
	check_parse_error("{\"command\":\"show routes\",\"origin_as\":-5}", "\"origin_as\" must be an integer");
	check_parse_error("{\"command\":\"show routes\",\"match\":\"45.65.1.0/22\"}", "host bits set");
	check_parse_error("{\"command\":\"show routes\",\"match\":\"45.65.0.0/22\",\"prefix\":\"45.65.0.0/22\"}",
	    "exclude each other");
	check_parse_error("{\"command\":\"show routes\",\"accepted\":true,\"rejected\":true}", "exclude each other");
	check_parse_error("{\"command\":\"show routes\",\"not_exported_to\":\"rs1\"}", "is not an IPv4");
}

TEST(dump_rib_takes_an_absolute_path)
{
	check_build(WORDS("dump", "rib", "/var/tmp/rib.mrt"),
	    "{\"command\":\"dump rib\",\"file\":\"/var/tmp/rib.mrt\"}");
	check_parse_error("{\"command\":\"dump rib\",\"file\":\"rib.mrt\"}", "an absolute path");
	check_parse_error("{\"command\":\"dump rib\"}", "needs argument \"file\"");
}

TEST(parse_neighbor_down)
{
	struct ctl_request req;
	char err[256];

	CHECK_EQ_INT(parse_text("{\"command\":\"neighbor down\",\"address\":\"2001:db8::11\","
	    "\"message\":\"maintenance\"}", &req, err, sizeof(err)), 0);
	CHECK_EQ_INT(req.command, CTL_CMD_NEIGHBOR_DOWN);
	CHECK_EQ_INT(req.address.family, AF_INET6);
	CHECK_EQ_STR(req.message, "maintenance");
	CHECK_EQ_STR(ctl_command_name(req.command), "neighbor down");

	CHECK_EQ_INT(parse_text("{\"command\":\"neighbor down\",\"address\":\"192.0.2.11\"}",
	    &req, err, sizeof(err)), 0);
	CHECK_EQ_STR(req.message, "");
}

TEST(parse_errors)
{
	char too_long[400];

	check_parse_error("[1]", "request is not a JSON object");
	check_parse_error("{}", "request has no \"command\" string");
	check_parse_error("{\"command\":7}", "request has no \"command\" string");
	check_parse_error("{\"command\":\"show frobs\"}", "unknown command \"show frobs\"");
	check_parse_error("{\"command\":\"sh st\"}", "unknown command");
	check_parse_error("{\"command\":\"show neighbor\"}", "command \"show neighbor\" needs argument \"address\"");
	check_parse_error("{\"command\":\"show neighbor\",\"address\":null}", "needs argument \"address\"");
	check_parse_error("{\"command\":\"show status\",\"address\":\"192.0.2.1\"}",
	    "command \"show status\" takes no argument \"address\"");
	check_parse_error("{\"command\":\"show routes\",\"frob\":1}", "takes no argument \"frob\"");
	check_parse_error("{\"command\":\"show routes\",\"all\":\"yes\"}", "argument \"all\" must be a boolean");
	check_parse_error("{\"command\":\"neighbor up\",\"address\":5}", "argument \"address\" must be a string");
	check_parse_error("{\"command\":\"neighbor up\",\"address\":\"192.0.2\"}", "is not an IPv4 or IPv6");
	check_parse_error("{\"command\":\"show routes\",\"prefix\":\"10.0.0.1/8\"}", "host bits set");
	check_parse_error("{\"command\":\"show routes\",\"neighbor\":\"x\"}", "\"x\" is not an IPv4");
	snprintf(too_long, sizeof(too_long), "{\"command\":\"neighbor down\",\"address\":\"192.0.2.1\","
	    "\"message\":\"%0256d\"}", 0);
	check_parse_error(too_long, "shutdown message is 256 bytes");
}

/* ---- framing ---- */

static void pair(int sv[2])
{
	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void set_nonblocking(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Writes raw bytes, closes the writing side, then returns what ctl_recv says. */
static json_t *recv_raw(const char *bytes, size_t max, char *err, size_t errlen)
{
	int sv[2];

	pair(sv);
	CHECK_EQ_INT(write(sv[0], bytes, strlen(bytes)), (long long)strlen(bytes));
	close(sv[0]);
	json_t *msg = ctl_recv(sv[1], max, 1000, false, err, errlen);
	close(sv[1]);
	return msg;
}

static void check_recv_error(const char *bytes, size_t max, const char *message)
{
	char err[256] = "";
	json_t *msg = recv_raw(bytes, max, err, sizeof(err));

	CHECK(msg == NULL);
	CHECK_CONTAINS(err, message);
	json_decref(msg);
}

TEST(framing_round_trip)
{
	int sv[2];
	char err[256];
	json_t *req = json_pack("{s:s, s:s}", "command", "show neighbor", "address", "192.0.2.11");

	pair(sv);
	CHECK_EQ_INT(ctl_send(sv[0], req, 1000, err, sizeof(err)), 0);
	shutdown(sv[0], SHUT_WR);
	json_t *got = ctl_recv(sv[1], CTL_MAX_REQUEST, 1000, false, err, sizeof(err));
	CHECK(got != NULL && json_equal(got, req));
	json_decref(got);
	json_decref(req);
	close(sv[0]);
	close(sv[1]);
}

TEST(framing_newline_ends_request_without_eof)
{
	int sv[2];
	char err[256];
	const char *text = "{\"command\":\"reload\"}\n{\"ignored\":1}";

	pair(sv);
	CHECK_EQ_INT(write(sv[0], text, strlen(text)), (long long)strlen(text));
	/* The write side stays open: only the newline can end this read. */
	json_t *got = ctl_recv(sv[1], CTL_MAX_REQUEST, 1000, true, err, sizeof(err));
	CHECK(got != NULL);
	CHECK_EQ_STR(json_string_value(json_object_get(got, "command")), "reload");
	json_decref(got);
	close(sv[0]);
	close(sv[1]);
}

struct big_writer {
	int fd;
	json_t *msg;
	int rc;
	char err[256];
};

static void *write_big(void *arg)
{
	struct big_writer *w = arg;

	w->rc = ctl_send(w->fd, w->msg, -1, w->err, sizeof(w->err));
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

/* A reply several times larger than the socket buffer, both ends
 * non-blocking so the EAGAIN/poll paths on each side are exercised. */
TEST(framing_large_reply)
{
	int sv[2];
	char err[256];
	json_t *routes = json_array();

	for (int i = 0; i < 50000; i++)
		json_array_append_new(routes, json_pack("{s:s, s:i, s:s}", "prefix", "45.65.0.0/22",
		    "n", i, "as_path", "52001 52002 52003 52004 52005 52006"));
	struct big_writer w = { .msg = ctl_reply_ok(json_pack("{s:o}", "routes", routes)) };
	pair(sv);
	set_nonblocking(sv[0]);
	set_nonblocking(sv[1]);
	w.fd = sv[0];
	pthread_t thread;
	pthread_create(&thread, NULL, write_big, &w);
	json_t *got = ctl_recv(sv[1], CTL_MAX_REPLY, 10000, false, err, sizeof(err));
	pthread_join(thread, NULL);
	CHECK_EQ_INT(w.rc, 0);
	CHECK(got != NULL && json_equal(got, w.msg));
	char *dump = json_dumps(w.msg, JSON_COMPACT);
	int sndbuf;
	socklen_t optlen = sizeof(sndbuf);
	getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen);
	CHECK(strlen(dump) > 4 * (size_t)sndbuf);
	free(dump);
	json_decref(got);
	json_decref(w.msg);
	close(sv[0]);
	close(sv[1]);
}

TEST(framing_bad_messages)
{
	check_recv_error("", CTL_MAX_REPLY, "connection closed without a message");
	check_recv_error("{\"ok\":true,\"result\":{\"routes\":[", CTL_MAX_REPLY, "truncated message (31 bytes)");
	check_recv_error("{\"ok\": nope}", CTL_MAX_REPLY, "invalid JSON in message");
	check_recv_error("GARBAGE", CTL_MAX_REPLY, "invalid JSON in message");
	check_recv_error("{}{}", CTL_MAX_REPLY, "invalid JSON in message");
	check_recv_error("{\"ok\":true,\"ok\":false}", CTL_MAX_REPLY, "duplicate object key");
	check_recv_error("[1]\n", CTL_MAX_REPLY, "message is not a JSON object");
	check_recv_error("{\"padding\":\"0123456789012345678901234567890123456789\"}", 32,
	    "message exceeds the 32 byte limit");
}

TEST(framing_exact_limit_fits)
{
	char err[256];
	json_t *msg = recv_raw("{\"a\":1}", 7, err, sizeof(err));

	CHECK(msg != NULL);
	json_decref(msg);
}

TEST(framing_timeout)
{
	int sv[2];
	char err[256] = "";

	pair(sv);
	CHECK(ctl_recv(sv[1], CTL_MAX_REQUEST, 50, false, err, sizeof(err)) == NULL);
	CHECK_EQ_STR(err, "timed out");
	close(sv[0]);
	close(sv[1]);
}

TEST(framing_send_to_closed_peer)
{
	int sv[2];
	char err[256] = "";
	json_t *msg = ctl_reply_error("x");

	pair(sv);
	close(sv[1]);
	/* MSG_NOSIGNAL: an error, not a SIGPIPE that would kill the test. */
	CHECK_EQ_INT(ctl_send(sv[0], msg, 1000, err, sizeof(err)), -1);
	CHECK_CONTAINS(err, "Broken pipe");
	json_decref(msg);
	close(sv[0]);
}

/* ---- replies ---- */

static void check_json(json_t *value, const char *expected)
{
	char *text = json_dumps(value, JSON_COMPACT);

	CHECK_EQ_STR(text, expected);
	free(text);
	json_decref(value);
}

TEST(reply_builders)
{
	check_json(ctl_reply_ok(NULL), "{\"ok\":true,\"result\":{}}");
	check_json(ctl_reply_ok(json_pack("{s:s}", "message", "done")),
	    "{\"ok\":true,\"result\":{\"message\":\"done\"}}");
	check_json(ctl_reply_error("no neighbor %s", "192.0.2.99"),
	    "{\"ok\":false,\"error\":\"no neighbor 192.0.2.99\"}");
	check_json(ctl_reply_error("bad %s", "caf\xc3"), "{\"ok\":false,\"error\":\"bad caf?\"}");
}

static enum ctl_reply_status check_text(const char *text, const json_t **result, const char **error,
    json_t **holder)
{
	*holder = json_loads(text, 0, NULL);
	return ctl_reply_check(*holder, result, error);
}

TEST(reply_check)
{
	const json_t *result;
	const char *error;
	json_t *reply;

	CHECK_EQ_INT(check_text("{\"ok\":true,\"result\":{\"a\":1}}", &result, &error, &reply), CTL_REPLY_OK);
	CHECK_EQ_INT(json_integer_value(json_object_get(result, "a")), 1);
	json_decref(reply);
	CHECK_EQ_INT(check_text("{\"ok\":true}", &result, &error, &reply), CTL_REPLY_OK);
	CHECK(result == NULL);
	json_decref(reply);
	CHECK_EQ_INT(check_text("{\"ok\":false,\"error\":\"no such neighbor\"}", &result, &error, &reply),
	    CTL_REPLY_ERROR);
	CHECK_EQ_STR(error, "no such neighbor");
	json_decref(reply);
	CHECK_EQ_INT(check_text("{\"ok\":false}", &result, &error, &reply), CTL_REPLY_ERROR);
	CHECK_CONTAINS(error, "without a reason");
	json_decref(reply);
	CHECK_EQ_INT(check_text("{\"ok\":1}", &result, &error, &reply), CTL_REPLY_INVALID);
	CHECK_CONTAINS(error, "malformed reply");
	json_decref(reply);
}
