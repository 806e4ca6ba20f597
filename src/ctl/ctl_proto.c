/* SPDX-License-Identifier: ISC */
/* ctl_proto: request validation, ixpctl's command grammar, and the framing
 * of the control protocol.  See ctl_proto.h. */
#include "ctl_proto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "decimal.h"
#include "errbuf.h"
#include "monotime.h"

/* ---- addresses and prefixes ---- */

static int parse_addr(const char *text, struct ip_addr *out, char *err, size_t errlen)
{
	if (ip_addr_parse(text, out) == 0)
		return 0;
	errbuf_set(err, errlen, "\"%s\" is not an IPv4 or IPv6 address", text);
	return -1;
}

/* Strict, unlike prefix_parse(): the length is required and host bits are
 * an error, since a mistyped query should not silently mean another one. */
static int parse_prefix(const char *text, struct prefix *out, char *err, size_t errlen)
{
	const char *slash = strchr(text, '/');
	char host[INET6_ADDRSTRLEN];
	struct ip_addr addr;

	if (slash == NULL || (size_t)(slash - text) >= sizeof(host) || slash[1] < '0' || slash[1] > '9') {
		errbuf_set(err, errlen, "\"%s\" is not a prefix (ADDRESS/LENGTH)", text);
		return -1;
	}
	memcpy(host, text, (size_t)(slash - text));
	host[slash - text] = '\0';
	if (parse_addr(host, &addr, err, errlen) < 0)
		return -1;
	if (prefix_parse(text, out) < 0) {
		errbuf_set(err, errlen, "\"%s\": prefix length must be 0..%u", text,
		    addr.family == AF_INET ? 32 : 128);
		return -1;
	}
	/* prefix_parse cleared the host bits: any difference means some were set */
	if (memcmp(out->addr, &addr.u, addr.family == AF_INET ? 4 : 16) != 0) {
		char canon[PREFIX_STRLEN];
		errbuf_set(err, errlen, "\"%s\" has host bits set; did you mean %s?", text,
		    prefix_str(out, canon, sizeof(canon)));
		return -1;
	}
	return 0;
}

/* ---- request validation (server side) ---- */

enum {
	ARG_ADDRESS = 1u << 0,
	ARG_PREFIX = 1u << 1,
	ARG_NEIGHBOR = 1u << 2,
	ARG_ALL = 1u << 3,
	ARG_REJECTED = 1u << 4,
	ARG_MESSAGE = 1u << 5,
	ARG_GRACEFUL = 1u << 6,
	ARG_LIMIT = 1u << 7,
	ARG_AFTER = 1u << 8,
	ARG_ACCEPTED = 1u << 9,
	ARG_FAMILY = 1u << 10,
	ARG_MATCH = 1u << 11,
	ARG_NOT_EXPORTED_TO = 1u << 12,
	ARG_RESTRICTED = 1u << 13,
	ARG_COMMUNITY = 1u << 14,
	ARG_ORIGIN_AS = 1u << 15,
	ARG_LINES = 1u << 16,
	ARG_FILE = 1u << 17,
};

/* Indexed by bit number of the ARG_ flags. */
static const char *const arg_names[] = { "address", "prefix", "neighbor", "all", "rejected", "message",
	"graceful", "limit", "after", "accepted", "family", "match", "not_exported_to", "restricted",
	"community", "origin_as", "lines", "file" };
#define ROUTE_ARGS (ARG_PREFIX | ARG_NEIGHBOR | ARG_ALL | ARG_REJECTED | ARG_LIMIT | ARG_AFTER | \
	ARG_ACCEPTED | ARG_FAMILY | ARG_MATCH | ARG_NOT_EXPORTED_TO | ARG_RESTRICTED | ARG_COMMUNITY | \
	ARG_ORIGIN_AS | ARG_LINES)
#define N_ARGS (sizeof(arg_names) / sizeof(arg_names[0]))

static const struct command_spec {
	const char *name;
	unsigned allowed;
	unsigned required;
} commands[] = {
	[CTL_CMD_SHOW_STATUS] = { "show status", 0, 0 },
	[CTL_CMD_SHOW_NEIGHBORS] = { "show neighbors", 0, 0 },
	[CTL_CMD_SHOW_NEIGHBOR] = { "show neighbor", ARG_ADDRESS, ARG_ADDRESS },
	[CTL_CMD_SHOW_ROUTES] = { "show routes", ROUTE_ARGS, 0 },
	[CTL_CMD_NEIGHBOR_DOWN] = { "neighbor down", ARG_ADDRESS | ARG_MESSAGE | ARG_GRACEFUL, ARG_ADDRESS },
	[CTL_CMD_NEIGHBOR_UP] = { "neighbor up", ARG_ADDRESS, ARG_ADDRESS },
	[CTL_CMD_NEIGHBOR_REFRESH] = { "neighbor refresh", ARG_ADDRESS, ARG_ADDRESS },
	[CTL_CMD_RELOAD] = { "reload", 0, 0 },
	[CTL_CMD_DUMP_RIB] = { "dump rib", ARG_FILE, ARG_FILE },
	[CTL_CMD_RESTART] = { "restart", 0, 0 },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

bool ctl_command_is_read_only(enum ctl_command command)
{
	return command == CTL_CMD_SHOW_STATUS || command == CTL_CMD_SHOW_NEIGHBORS ||
	    command == CTL_CMD_SHOW_NEIGHBOR || command == CTL_CMD_SHOW_ROUTES;
}

const char *ctl_command_name(enum ctl_command command)
{
	return (size_t)command < N_COMMANDS ? commands[command].name : "?";
}

static int find_command(const json_t *request, enum ctl_command *out, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(request, "command"));

	if (name == NULL) {
		errbuf_set(err, errlen, "request has no \"command\" string");
		return -1;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(name, commands[i].name) == 0) {
			*out = (enum ctl_command)i;
			return 0;
		}
	}
	errbuf_set(err, errlen, "unknown command \"%s\"", name);
	return -1;
}

static int parse_message(const json_t *value, char out[CTL_SHUTDOWN_MSG_MAX + 1],
    char *err, size_t errlen)
{
	size_t len = json_string_length(value);

	if (len > CTL_SHUTDOWN_MSG_MAX) {
		errbuf_set(err, errlen, "shutdown message is %zu bytes; RFC 9003 allows at most %d",
		    len, CTL_SHUTDOWN_MSG_MAX);
		return -1;
	}
	if (memchr(json_string_value(value), '\0', len) != NULL) {
		errbuf_set(err, errlen, "shutdown message contains a NUL character");
		return -1;
	}
	memcpy(out, json_string_value(value), len + 1);
	return 0;
}

/* "A:B" (RFC 1997, 16-bit parts) or "A:B:C" (RFC 8092, 32-bit parts), in
 * wire form. */
static int parse_community(const char *text, struct ctl_request *out, char *err, size_t errlen)
{
	uint64_t part[3];
	unsigned n = 0;
	const char *start = text;
	for (const char *c = text;; c++) {
		if (*c != ':' && *c != '\0')
			continue;
		if (n == 3 || !parse_uint_n(start, (size_t)(c - start), UINT32_MAX, &part[n++]))
			break;
		if (*c == '\0') {
			if (n == 2 && part[0] <= 0xffff && part[1] <= 0xffff) {
				out->community_len = 4;
				put_u16(out->community, (uint16_t)part[0]);
				put_u16(out->community + 2, (uint16_t)part[1]);
				return 0;
			}
			if (n == 3) {
				out->community_len = 12;
				for (unsigned i = 0; i < 3; i++)
					put_u32(out->community + 4 * i, (uint32_t)part[i]);
				return 0;
			}
			break;
		}
		start = c + 1;
	}
	errbuf_set(err, errlen, "\"%s\" is not a community (A:B, each 0..65535) or a large community "
	    "(A:B:C, each 0..4294967295)", text);
	return -1;
}

/* "match": an address (the longest prefix covering it) or a prefix. */
static int parse_match(const char *text, struct prefix *out, char *err, size_t errlen)
{
	if (strchr(text, '/'))
		return parse_prefix(text, out, err, errlen);
	struct ip_addr a;
	if (parse_addr(text, &a, err, errlen) < 0)
		return -1;
	out->afi = a.family == AF_INET ? AFI_IPV4 : AFI_IPV6;
	out->len = (uint8_t)afi_max_prefix_len(out->afi);
	memset(out->addr, 0, sizeof(out->addr));
	memcpy(out->addr, &a.u, out->afi == AFI_IPV4 ? 4 : 16);
	return 0;
}

static int parse_family(const char *text, uint8_t *afi, char *err, size_t errlen)
{
	if (strcmp(text, "ipv4") == 0 || strcmp(text, "ipv6") == 0) {
		*afi = text[3] == '4' ? AFI_IPV4 : AFI_IPV6;
		return 0;
	}
	errbuf_set(err, errlen, "family \"%s\": expected ipv4 or ipv6", text);
	return -1;
}

static int parse_integer_arg(unsigned arg, const json_t *value, struct ctl_request *out,
    char *err, size_t errlen)
{
	json_int_t v = json_integer_value(value);
	if (!json_is_integer(value) || v < 0 || v > UINT32_MAX) {
		errbuf_set(err, errlen, "argument \"%s\" must be an integer from 0 to %u",
		    arg_names[__builtin_ctz(arg)], UINT32_MAX);
		return -1;
	}
	if (arg == ARG_LIMIT) {
		out->has_limit = true;
		out->limit = (uint32_t)v;
	} else if (arg == ARG_ORIGIN_AS) {
		out->has_origin_as = true;
		out->origin_as = (uint32_t)v;
	} else {
		out->after = (uint32_t)v;
	}
	return 0;
}

/* Stores one argument whose presence the command allows. */
static int parse_arg(unsigned arg, const json_t *value, struct ctl_request *out,
    char *err, size_t errlen)
{
	const unsigned bools = ARG_ALL | ARG_REJECTED | ARG_GRACEFUL | ARG_ACCEPTED | ARG_RESTRICTED | ARG_LINES;
	bool want_bool = (arg & bools) != 0;

	if (arg == ARG_LIMIT || arg == ARG_AFTER || arg == ARG_ORIGIN_AS)
		return parse_integer_arg(arg, value, out, err, errlen);
	if (want_bool ? !json_is_boolean(value) : !json_is_string(value)) {
		errbuf_set(err, errlen, "argument \"%s\" must be a %s", arg_names[__builtin_ctz(arg)],
		    want_bool ? "boolean" : "string");
		return -1;
	}
	const char *text = json_string_value(value);
	switch (arg) {
	case ARG_ADDRESS:
		return parse_addr(text, &out->address, err, errlen);
	case ARG_PREFIX:
		out->has_prefix = true;
		return parse_prefix(text, &out->prefix, err, errlen);
	case ARG_NEIGHBOR:
		out->has_neighbor = true;
		return parse_addr(text, &out->neighbor, err, errlen);
	case ARG_ALL:
		out->all = json_is_true(value);
		return 0;
	case ARG_REJECTED:
		out->rejected = json_is_true(value);
		return 0;
	case ARG_GRACEFUL:
		out->graceful = json_is_true(value);
		return 0;
	case ARG_ACCEPTED:
		out->accepted = json_is_true(value);
		return 0;
	case ARG_RESTRICTED:
		out->restricted = json_is_true(value);
		return 0;
	case ARG_LINES:
		out->lines = json_is_true(value);
		return 0;
	case ARG_FAMILY:
		return parse_family(text, &out->afi, err, errlen);
	case ARG_MATCH:
		out->has_match = true;
		return parse_match(text, &out->match, err, errlen);
	case ARG_NOT_EXPORTED_TO:
		out->has_not_exported_to = true;
		return parse_addr(text, &out->not_exported_to, err, errlen);
	case ARG_COMMUNITY:
		return parse_community(text, out, err, errlen);
	case ARG_FILE:
		if (text[0] != '/' || strlen(text) >= sizeof(out->file) || json_string_length(value) != strlen(text)) {
			errbuf_set(err, errlen, "file: an absolute path of at most %zu bytes", sizeof(out->file) - 1);
			return -1;
		}
		strcpy(out->file, text);
		return 0;
	default:
		return parse_message(value, out->message, err, errlen);
	}
}

static unsigned arg_by_name(const char *key)
{
	for (size_t i = 0; i < N_ARGS; i++)
		if (strcmp(key, arg_names[i]) == 0)
			return 1u << i;
	return 0;
}

int ctl_request_parse(const json_t *request, struct ctl_request *out, char *err, size_t errlen)
{
	const char *key;
	json_t *value;
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(request)) {
		errbuf_set(err, errlen, "request is not a JSON object");
		return -1;
	}
	if (find_command(request, &out->command, err, errlen) < 0)
		return -1;
	const struct command_spec *spec = &commands[out->command];
	/* jansson's iteration API takes a non-const object but does not modify it. */
	json_object_foreach((json_t *)request, key, value) {
		if (strcmp(key, "command") == 0 || json_is_null(value))
			continue;
		unsigned arg = arg_by_name(key);
		if ((arg & spec->allowed) == 0) {
			errbuf_set(err, errlen, "command \"%s\" takes no argument \"%s\"", spec->name, key);
			return -1;
		}
		if (parse_arg(arg, value, out, err, errlen) < 0)
			return -1;
		seen |= arg;
	}
	if (out->accepted && out->rejected) {
		errbuf_set(err, errlen, "\"accepted\" and \"rejected\" exclude each other");
		return -1;
	}
	if (out->has_prefix && out->has_match) {
		errbuf_set(err, errlen, "\"prefix\" (exact) and \"match\" (longest match) exclude each other");
		return -1;
	}
	unsigned missing = spec->required & ~seen;
	if (missing) {
		errbuf_set(err, errlen, "command \"%s\" needs argument \"%s\"", spec->name,
		    arg_names[__builtin_ctz(missing)]);
		return -1;
	}
	return 0;
}

/* ---- ixpctl grammar ---- */

struct keyword {
	const char *name;
	int id;
};

/* Lists each id once (its first name), for error messages. */
static void keyword_list(const struct keyword *kw, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= kw[j].id == kw[i].id;
		if (!dup && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
			    used ? ", " : "", kw[i].name);
	}
}

/* birdc-style matching: a word selects the keyword it exactly names or,
 * failing that, the single meaning of all keywords it is a prefix of.
 * Returns the id, or -1 with a message. */
static int match_keyword(const char *word, const struct keyword *kw, size_t n,
    const char *what, char *err, size_t errlen)
{
	size_t wlen = strlen(word);
	int found = -1;
	const char *first = NULL;
	char list[256];

	for (size_t i = 0; i < n; i++) {
		if (strcmp(word, kw[i].name) == 0)
			return kw[i].id;
	}
	for (size_t i = 0; i < n && wlen > 0; i++) {
		if (strncmp(word, kw[i].name, wlen) != 0)
			continue;
		if (found >= 0 && found != kw[i].id) {
			errbuf_set(err, errlen, "ambiguous %s \"%s\": %s or %s?", what, word, first, kw[i].name);
			return -1;
		}
		found = kw[i].id;
		first = kw[i].name;
	}
	if (found < 0) {
		keyword_list(kw, n, list, sizeof(list));
		errbuf_set(err, errlen, "unknown %s \"%s\" (expected %s)", what, word, list);
	}
	return found;
}

#define N_KW(kw) (sizeof(kw) / sizeof((kw)[0]))

enum { TOP_SHOW, TOP_NEIGHBOR, TOP_RELOAD, TOP_DUMP, TOP_RESTART };
static const struct keyword top_words[] = {
	{ "show", TOP_SHOW }, { "neighbor", TOP_NEIGHBOR }, { "reload", TOP_RELOAD }, { "dump", TOP_DUMP },
	{ "restart", TOP_RESTART },
};

enum { SHOW_STATUS, SHOW_NEIGHBORS, SHOW_ROUTES };
static const struct keyword show_words[] = {
	{ "status", SHOW_STATUS },
	{ "neighbors", SHOW_NEIGHBORS }, { "neighbor", SHOW_NEIGHBORS }, { "protocols", SHOW_NEIGHBORS },
	{ "routes", SHOW_ROUTES }, { "route", SHOW_ROUTES },
};

static const struct keyword action_words[] = {
	{ "down", CTL_CMD_NEIGHBOR_DOWN }, { "shutdown", CTL_CMD_NEIGHBOR_DOWN }, { "up", CTL_CMD_NEIGHBOR_UP },
	{ "refresh", CTL_CMD_NEIGHBOR_REFRESH },
};

static int no_more_args(int argc, char *const argv[], const char *command,
    char *err, size_t errlen)
{
	if (argc == 0)
		return 0;
	errbuf_set(err, errlen, "unexpected \"%s\" after \"%s\"", argv[0], command);
	return -1;
}

static json_t *simple_request(enum ctl_command command)
{
	return json_pack("{s:s}", "command", ctl_command_name(command));
}

static json_t *address_request(enum ctl_command command, const char *text,
    char *err, size_t errlen)
{
	struct ip_addr addr;
	char canon[INET6_ADDRSTRLEN];

	if (parse_addr(text, &addr, err, errlen) < 0)
		return NULL;
	ip_addr_str(&addr, canon, sizeof(canon));
	return json_pack("{s:s, s:s}", "command", ctl_command_name(command), "address", canon);
}

/* Joins the words of a shutdown message with single spaces. */
static int join_message(int argc, char *const argv[], char out[CTL_SHUTDOWN_MSG_MAX + 1],
    char *err, size_t errlen)
{
	size_t len = 0;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + (i > 0);
	if (len > CTL_SHUTDOWN_MSG_MAX) {
		errbuf_set(err, errlen, "shutdown message is %zu bytes; RFC 9003 allows at most %d",
		    len, CTL_SHUTDOWN_MSG_MAX);
		return -1;
	}
	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(out, " ");
		strcat(out, argv[i]);
	}
	return 0;
}

static json_t *neighbor_down(const char *address, int argc, char *const argv[],
    char *err, size_t errlen)
{
	char message[CTL_SHUTDOWN_MSG_MAX + 1];
	bool graceful = argc > 0 && strcmp(argv[0], "--graceful") == 0;

	if (graceful) {
		argc--;
		argv++;
	}
	if (join_message(argc, argv, message, err, errlen) < 0)
		return NULL;
	json_t *req = address_request(CTL_CMD_NEIGHBOR_DOWN, address, err, errlen);
	if (req && graceful)
		json_object_set_new(req, "graceful", json_true());
	if (req == NULL || message[0] == '\0')
		return req;
	/* json_string() refuses invalid UTF-8, which RFC 9003 forbids too. */
	if (json_object_set_new(req, "message", json_string(message)) < 0) {
		errbuf_set(err, errlen, "shutdown message is not valid UTF-8");
		json_decref(req);
		return NULL;
	}
	return req;
}

static json_t *build_neighbor(int argc, char *const argv[], char *err, size_t errlen)
{
	if (argc < 2) {
		errbuf_set(err, errlen, "usage: neighbor ADDR down|shutdown [--graceful] [MESSAGE...] | up | refresh");
		return NULL;
	}
	int action = match_keyword(argv[1], action_words, N_KW(action_words), "neighbor action",
	    err, errlen);
	if (action < 0)
		return NULL;
	if (action == CTL_CMD_NEIGHBOR_DOWN)
		return neighbor_down(argv[0], argc - 2, argv + 2, err, errlen);
	if (no_more_args(argc - 2, argv + 2, argv[1], err, errlen) < 0)
		return NULL;
	return address_request((enum ctl_command)action, argv[0], err, errlen);
}

static int set_canonical_prefix(json_t *req, const char *text, char *err, size_t errlen)
{
	struct prefix prefix;
	char canon[PREFIX_STRLEN];

	if (json_object_get(req, "prefix") != NULL) {
		errbuf_set(err, errlen, "only one PREFIX may be given (\"%s\")", text);
		return -1;
	}
	if (parse_prefix(text, &prefix, err, errlen) < 0)
		return -1;
	prefix_str(&prefix, canon, sizeof(canon));
	return json_object_set_new(req, "prefix", json_string(canon));
}

static int set_canonical_neighbor(json_t *req, const char *text, char *err, size_t errlen)
{
	struct ip_addr addr;
	char canon[INET6_ADDRSTRLEN];

	if (text == NULL) {
		errbuf_set(err, errlen, "--neighbor needs an address");
		return -1;
	}
	if (parse_addr(text, &addr, err, errlen) < 0)
		return -1;
	ip_addr_str(&addr, canon, sizeof(canon));
	return json_object_set_new(req, "neighbor", json_string(canon));
}

static int route_option(json_t *req, int argc, char *const argv[], int *i, char *err, size_t errlen)
{
	const char *opt = argv[*i];

	static const char *const flags[] = { "all", "rejected", "accepted", "restricted" };
	/* passed on as strings: the server checks them and says what is wrong */
	static const char *const texts[] = { "family", "match", "community", "not-exported-to" };

	for (size_t k = 0; k < N_KW(flags); k++)
		if (strncmp(opt, "--", 2) == 0 && strcmp(opt + 2, flags[k]) == 0)
			return json_object_set_new(req, flags[k], json_true());
	for (size_t k = 0; k < N_KW(texts); k++) {
		if (strncmp(opt, "--", 2) != 0 || strcmp(opt + 2, texts[k]) != 0)
			continue;
		if (++*i >= argc) {
			errbuf_set(err, errlen, "%s needs a value", opt);
			return -1;
		}
		char key[32];
		snprintf(key, sizeof(key), "%s", texts[k]);
		for (char *c = key; *c; c++)
			*c = *c == '-' ? '_' : *c;
		return json_object_set_new(req, key, json_string(argv[*i]));
	}
	if (strcmp(opt, "--neighbor") == 0) {
		++*i;
		return set_canonical_neighbor(req, *i < argc ? argv[*i] : NULL, err, errlen);
	}
	if (strcmp(opt, "--limit") == 0 || strcmp(opt, "--after") == 0 || strcmp(opt, "--origin-as") == 0) {
		++*i;
		char *end;
		unsigned long long v = *i < argc ? strtoull(argv[*i], &end, 10) : 0;
		if (*i >= argc || !argv[*i][0] || *end || argv[*i][0] == '-' || v > UINT32_MAX) {
			errbuf_set(err, errlen, "%s needs a number from 0 to %u", opt, UINT32_MAX);
			return -1;
		}
		return json_object_set_new(req, opt[2] == 'o' ? "origin_as" : opt + 2, json_integer((json_int_t)v));
	}
	if (opt[0] == '-') {
		errbuf_set(err, errlen, "unknown option \"%s\" for show routes "
		    "(global options such as --json go before the command)", opt);
		return -1;
	}
	return set_canonical_prefix(req, opt, err, errlen);
}

static json_t *build_routes(int argc, char *const argv[], char *err, size_t errlen)
{
	json_t *req = json_pack("{s:s, s:b, s:b}", "command", ctl_command_name(CTL_CMD_SHOW_ROUTES),
	    "all", 0, "rejected", 0);

	for (int i = 0; req != NULL && i < argc; i++) {
		if (route_option(req, argc, argv, &i, err, errlen) < 0) {
			json_decref(req);
			return NULL;
		}
	}
	return req;
}

static json_t *build_show(int argc, char *const argv[], char *err, size_t errlen)
{
	if (argc < 1) {
		errbuf_set(err, errlen, "show what? (status, neighbors, neighbor ADDR, routes)");
		return NULL;
	}
	switch (match_keyword(argv[0], show_words, N_KW(show_words), "show command", err, errlen)) {
	case SHOW_STATUS:
		if (no_more_args(argc - 1, argv + 1, "show status", err, errlen) < 0)
			return NULL;
		return simple_request(CTL_CMD_SHOW_STATUS);
	case SHOW_NEIGHBORS:
		if (argc == 1)
			return simple_request(CTL_CMD_SHOW_NEIGHBORS);
		if (no_more_args(argc - 2, argv + 2, argv[1], err, errlen) < 0)
			return NULL;
		return address_request(CTL_CMD_SHOW_NEIGHBOR, argv[1], err, errlen);
	case SHOW_ROUTES:
		return build_routes(argc - 1, argv + 1, err, errlen);
	default:
		return NULL;
	}
}

/* dump rib FILE: a relative FILE is taken from ixpctl's directory (the
 * daemon's is not the user's). */
static json_t *build_dump(int argc, char *const argv[], char *err, size_t errlen)
{
	if (argc != 2 || strcmp(argv[0], "rib") != 0) {
		errbuf_set(err, errlen, "usage: dump rib FILE");
		return NULL;
	}
	char cwd[4096];
	if (argv[1][0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		errbuf_set(err, errlen, "dump rib: %s", strerror(errno));
		return NULL;
	}
	json_t *req = json_pack("{s:s, s:s++}", "command", ctl_command_name(CTL_CMD_DUMP_RIB), "file",
	    argv[1][0] == '/' ? "" : cwd, argv[1][0] == '/' ? "" : "/", argv[1]);
	if (!req)
		errbuf_set(err, errlen, "dump rib: the file name is not valid UTF-8");
	return req;
}

json_t *ctl_request_from_argv(int argc, char *const argv[], char *err, size_t errlen)
{
	/* Every failure below sets its own message, except running out of memory. */
	errbuf_set(err, errlen, "out of memory");
	if (argc < 1) {
		errbuf_set(err, errlen, "no command given");
		return NULL;
	}
	switch (match_keyword(argv[0], top_words, N_KW(top_words), "command", err, errlen)) {
	case TOP_SHOW:
		return build_show(argc - 1, argv + 1, err, errlen);
	case TOP_NEIGHBOR:
		return build_neighbor(argc - 1, argv + 1, err, errlen);
	case TOP_RELOAD:
		if (no_more_args(argc - 1, argv + 1, "reload", err, errlen) < 0)
			return NULL;
		return simple_request(CTL_CMD_RELOAD);
	case TOP_RESTART:
		if (no_more_args(argc - 1, argv + 1, "restart", err, errlen) < 0)
			return NULL;
		return simple_request(CTL_CMD_RESTART);
	case TOP_DUMP:
		return build_dump(argc - 1, argv + 1, err, errlen);
	default:
		return NULL;
	}
}

/* ---- framing ---- */

static int64_t deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : (int64_t)now_ms() + timeout_ms;
}

/* Waits until fd is ready for events or the deadline (-1: none) passes.
 * Called before every read/write when there is a deadline, since a
 * blocking fd would otherwise ignore it, and after EAGAIN on a
 * non-blocking fd. */
static int wait_ready(int fd, short events, int64_t deadline, char *err, size_t errlen)
{
	for (;;) {
		int timeout = -1;
		if (deadline >= 0) {
			int64_t left = deadline - (int64_t)now_ms();
			timeout = left > 0 ? (int)(left < INT32_MAX ? left : INT32_MAX) : 0;
		}
		struct pollfd pfd = { .fd = fd, .events = events };
		int n = poll(&pfd, 1, timeout);
		if (n > 0)
			return 0;
		if (n == 0) {
			errbuf_set(err, errlen, "timed out");
			return -1;
		}
		if (errno != EINTR) {
			errbuf_set(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

struct inbuf {
	char *data;
	size_t len, cap;
};

/* Makes room for at least one more byte, never beyond max + 1 (the extra
 * byte is how an oversized message is detected). */
static int inbuf_grow(struct inbuf *b, size_t max, char *err, size_t errlen)
{
	if (b->len < b->cap)
		return 0;
	size_t cap = b->cap ? b->cap * 2 : 4096;
	if (cap > max + 1)
		cap = max + 1;
	char *data = realloc(b->data, cap);
	if (data == NULL) {
		errbuf_set(err, errlen, "out of memory reading a %zu byte message", b->len);
		return -1;
	}
	b->data = data;
	b->cap = cap;
	return 0;
}

static ssize_t read_some(int fd, struct inbuf *b, int64_t deadline, char *err, size_t errlen)
{
	for (;;) {
		if (deadline >= 0 && wait_ready(fd, POLLIN, deadline, err, errlen) < 0)
			return -1;
		ssize_t n = read(fd, b->data + b->len, b->cap - b->len);
		if (n >= 0)
			return n;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_ready(fd, POLLIN, deadline, err, errlen) < 0)
				return -1;
		} else if (errno != EINTR) {
			errbuf_set(err, errlen, "read: %s", strerror(errno));
			return -1;
		}
	}
}

static int read_message(int fd, size_t max, int64_t deadline, bool stop_at_newline,
    struct inbuf *b, char *err, size_t errlen)
{
	for (;;) {
		if (inbuf_grow(b, max, err, errlen) < 0)
			return -1;
		ssize_t n = read_some(fd, b, deadline, err, errlen);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		char *newline = stop_at_newline ? memchr(b->data + b->len, '\n', (size_t)n) : NULL;
		b->len += (size_t)n;
		if (newline != NULL) {
			b->len = (size_t)(newline - b->data);
			return 0;
		}
		if (b->len > max) {
			errbuf_set(err, errlen, "message exceeds the %zu byte limit", max);
			return -1;
		}
	}
}

json_t *ctl_decode(const char *data, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;

	if (len == 0) {
		errbuf_set(err, errlen, "connection closed without a message");
		return NULL;
	}
	json_t *msg = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (msg == NULL) {
		bool truncated = json_error_code(&jerr) == json_error_premature_end_of_input;
		errbuf_set(err, errlen, "%s message (%zu bytes): %s at byte %d",
		    truncated ? "truncated" : "invalid JSON in", len, jerr.text, jerr.position);
		return NULL;
	}
	if (!json_is_object(msg)) {
		errbuf_set(err, errlen, "message is not a JSON object");
		json_decref(msg);
		return NULL;
	}
	return msg;
}

json_t *ctl_recv(int fd, size_t max, int timeout_ms, bool stop_at_newline,
    char *err, size_t errlen)
{
	struct inbuf b = { 0 };
	json_t *msg = NULL;

	if (read_message(fd, max, deadline_after(timeout_ms), stop_at_newline, &b, err, errlen) == 0)
		msg = ctl_decode(b.data, b.len, err, errlen);
	free(b.data);
	return msg;
}

static int write_all(int fd, const char *data, size_t len, int64_t deadline,
    char *err, size_t errlen)
{
	while (len > 0) {
		if (deadline >= 0 && wait_ready(fd, POLLOUT, deadline, err, errlen) < 0)
			return -1;
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n >= 0) {
			data += n;
			len -= (size_t)n;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_ready(fd, POLLOUT, deadline, err, errlen) < 0)
				return -1;
		} else if (errno != EINTR) {
			errbuf_set(err, errlen, "write: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* jansson hands the encoder's output over in tiny pieces; batching them
 * keeps the number of system calls proportional to the message size. */
struct wsink {
	int fd;
	int64_t deadline;
	char *err;
	size_t errlen;
	size_t len;
	char buf[64 * 1024];
};

static int wsink_flush(struct wsink *s)
{
	int rc = write_all(s->fd, s->buf, s->len, s->deadline, s->err, s->errlen);

	s->len = 0;
	return rc;
}

static int wsink_put(const char *data, size_t len, void *arg)
{
	struct wsink *s = arg;

	if (s->len + len > sizeof(s->buf) && wsink_flush(s) < 0)
		return -1;
	if (len > sizeof(s->buf))
		return write_all(s->fd, data, len, s->deadline, s->err, s->errlen);
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	return 0;
}

int ctl_send(int fd, const json_t *msg, int timeout_ms, char *err, size_t errlen)
{
	struct wsink *s = malloc(sizeof(*s));

	if (s == NULL) {
		errbuf_set(err, errlen, "out of memory");
		return -1;
	}
	*s = (struct wsink){ .fd = fd, .deadline = deadline_after(timeout_ms), .err = err, .errlen = errlen };
	err[0] = '\0';
	int rc = json_dump_callback(msg, wsink_put, s, JSON_COMPACT);
	if (rc == 0)
		rc = wsink_put("\n", 1, s);
	if (rc == 0)
		rc = wsink_flush(s);
	if (rc < 0 && err[0] == '\0')
		errbuf_set(err, errlen, "cannot encode message as JSON");
	free(s);
	return rc;
}

/* ---- replies ---- */

json_t *ctl_reply_ok(json_t *result)
{
	return json_pack("{s:b, s:o}", "ok", 1, "result", result ? result : json_object());
}

/* Replaces bytes of an invalid UTF-8 string with '?' so it can be sent. */
static json_t *string_lossy(char *text)
{
	json_t *s = json_string(text);

	if (s != NULL)
		return s;
	for (char *p = text; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	return json_string(text);
}

json_t *ctl_reply_error(const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:o}", "ok", 0, "error", string_lossy(text));
}

enum ctl_reply_status ctl_reply_check(const json_t *reply, const json_t **result,
    const char **error)
{
	const json_t *ok = json_object_get(reply, "ok");

	*result = NULL;
	*error = NULL;
	if (!json_is_boolean(ok)) {
		*error = "malformed reply from server (no \"ok\" field)";
		return CTL_REPLY_INVALID;
	}
	if (json_is_true(ok)) {
		*result = json_object_get(reply, "result");
		return CTL_REPLY_OK;
	}
	*error = json_string_value(json_object_get(reply, "error"));
	if (*error == NULL)
		*error = "the server reported a failure without a reason";
	return CTL_REPLY_ERROR;
}

int ctl_channel_connect(int channel, char *err, size_t errlen)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		errbuf_set(err, errlen, "control channel: %s", strerror(errno));
		return -1;
	}
	char one = 0;
	union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = { &one, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
		.msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &sv[1], sizeof(int));
	ssize_t n;
	while ((n = sendmsg(channel, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	int saved = errno;
	close(sv[1]);                /* the server has its own reference now */
	if (n < 0) {
		close(sv[0]);
		errbuf_set(err, errlen, "control channel: %s", strerror(saved));
		return -1;
	}
	return sv[0];
}
