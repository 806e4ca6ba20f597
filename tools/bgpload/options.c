/* SPDX-License-Identifier: ISC */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgpload.h"
#include "util.h"
#include "xalloc.h"

struct options opt = { .port = BGP_PORT, .hold_time = 90, .prefixes = 10000, .seed = 1, .wait_timeout = 30,
	  .churn_duration = 60, .churn_drain = 30 };

static void usage(FILE *out)
{
	fputs(
"usage: bgpload --rs ADDR [--rs ADDR6] --session ROLE,LOCAL_ADDR,ASN[,key=value...] ...\n"
"       bgpload --config FILE      (one option per line: \"session feeder,192.0.2.100,61000\")\n"
"       bgpload --selftest-speed [--prefixes N]\n"
"sessions: ROLE = feeder | sink | member (announces and receives);\n"
"          keys: prefixes=N (feeder, member), expect=N|auto (sink, member),\n"
"          count=K (K sessions with consecutive addresses and ASNs),\n"
"          addrs=A1-A2+A3+A4-A5 (the sessions' addresses: ranges joined by +;\n"
"          LOCAL_ADDR is then \"-\"; ASNs consecutive from ASN)\n"
"options:\n"
"  --port N               route server port (179)\n"
"  --rs-as ASN            check the route server's AS in its OPEN\n"
"  --hold-time S          hold time offered (90)\n"
"  --prefixes N           default feeder table size (10000)\n"
"  --seed N               synthesis seed (1)\n"
"  --mrt FILE             feed prefixes from an MRT TABLE_DUMP_V2 file (.gz/.bz2/.xz ok)\n"
"  --table FILE           per-session routes: lines ADDR|PREFIX|AS_PATH|ORIGIN|MED\n"
"  --rib-log DIR          each receiver logs what it receives to DIR/ADDR.log\n"
"  --same-prefixes        every feeder announces the same prefixes (default: disjoint)\n"
"  --ext-message          offer RFC 8654 extended messages\n"
"  --expect N|auto        default sink/member expectation (prefixes held); auto: what\n"
"                         the other feeders/members announce\n"
"  --count-only           sinks count announcements minus withdrawals, no prefix set\n"
"  --exit-when-complete   exit once every sink reached its expectation\n"
"  --linger S             with --exit-when-complete: stay up S more seconds\n"
"  --duration S           exit after S seconds\n"
"  --withdraw-after S     S seconds after its table is out and every sink is complete,\n"
"                         a feeder withdraws its table\n"
"  --down-after S         like --withdraw-after, but the feeder closes its session\n"
"                         (Cease/administrative shutdown) and leaves it down\n"
"  --expect-after-withdraw N  sink count that means \"withdrawal complete\" (0)\n"
"  --churn PCT            once the table is out and every sink complete, withdraw and\n"
"                         re-announce PCT % of it per second\n"
"  --churn-after S        start churn S seconds later (0)\n"
"  --churn-duration S     stop churning after S seconds (60; 0 = never)\n"
"  --churn-drain S        with --exit-when-complete: after the churn, wait at most S s\n"
"                         for every receiver to hold its expectation again (30)\n"
"  --ceiling              no route server: listen on the --rs addresses and deliver\n"
"                         the tables straight to the receivers (the harness's ceiling)\n"
"  --reconnect            reconnect sessions that dropped (a drop is still a failure)\n"
"  --no-wait              feeders start at once, not when every session is up\n"
"  --wait-timeout S       feeders start anyway after S seconds (30)\n"
"  --progress             a progress line on stderr every second\n"
"  --json FILE            write the JSON summary to FILE instead of stdout\n"
"  --sndbuf/--rcvbuf B    socket buffer sizes\n"
"  --print-table          print every feeder's table (prefix|as_path|med|communities|large) and exit\n", out);
}

uint64_t parse_u64(const char *what, const char *s, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || *s == '-')
		die("bad %s: %s", what, s);
	return v;
}

static double parse_double(const char *what, const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || v < 0)
		die("bad %s: %s", what, s);
	return v;
}

int parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		if (len) *len = sizeof(*a4);
		return FAM_IPV4;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		if (len) *len = sizeof(*a6);
		return FAM_IPV6;
	}
	return -1;
}

static void add_session_spec(const char *spec)
{
	opt.specs = xrealloc(opt.specs, (size_t)(opt.nspecs + 1) * sizeof(*opt.specs));
	opt.specs[opt.nspecs++] = xstrdup(spec);
}

struct optdef { const char *name; bool arg; };
static const struct optdef optdefs[] = {
	{ "rs", true }, { "port", true }, { "rs-as", true }, { "session", true }, { "config", true },
	{ "hold-time", true }, { "prefixes", true }, { "seed", true }, { "mrt", true },
	{ "table", true }, { "rib-log", true },
	{ "same-prefixes", false }, { "ext-message", false }, { "expect", true },
	{ "count-only", false }, { "exit-when-complete", false }, { "duration", true },
	{ "withdraw-after", true }, { "down-after", true }, { "expect-after-withdraw", true }, { "churn", true },
	{ "churn-after", true }, { "churn-duration", true }, { "churn-drain", true }, { "ceiling", false },
	{ "reconnect", false }, { "no-wait", false },
	{ "wait-timeout", true }, { "linger", true }, { "progress", false }, { "json", true }, { "sndbuf", true },
	{ "rcvbuf", true }, { "selftest-speed", false }, { "print-table", false }, { "help", false },
};

static void load_config(const char *path, int depth);

static void apply_option(const char *name, const char *val)
{
	if (!strcmp(name, "rs")) {
		struct sockaddr_storage ss;
		int fam = parse_addr(val, 0, &ss, NULL);
		if (fam < 0)
			die("bad --rs address %s", val);
		opt.rs[fam] = ss;
		opt.have_rs[fam] = true;
	} else if (!strcmp(name, "port")) {
		opt.port = (uint16_t)parse_u64("port", val, 65535);
	} else if (!strcmp(name, "rs-as")) {
		opt.rs_as = (uint32_t)parse_u64("rs-as", val, UINT32_MAX);
	} else if (!strcmp(name, "session")) {
		add_session_spec(val);
	} else if (!strcmp(name, "config")) {
		load_config(val, 1);
	} else if (!strcmp(name, "hold-time")) {
		opt.hold_time = (uint16_t)parse_u64("hold-time", val, 65535);
		if (opt.hold_time == 1 || opt.hold_time == 2)
			die("hold time must be 0 or at least 3");
	} else if (!strcmp(name, "prefixes")) {
		opt.prefixes = (uint32_t)parse_u64("prefixes", val, UINT32_MAX);
	} else if (!strcmp(name, "seed")) {
		opt.seed = parse_u64("seed", val, UINT64_MAX);
	} else if (!strcmp(name, "mrt")) {
		free((char *)opt.mrt);
		opt.mrt = xstrdup(val);
	} else if (!strcmp(name, "table")) {
		free((char *)opt.table);
		opt.table = xstrdup(val);
	} else if (!strcmp(name, "rib-log")) {
		free((char *)opt.rib_log);
		opt.rib_log = xstrdup(val);
	} else if (!strcmp(name, "same-prefixes")) {
		opt.same_prefixes = true;
	} else if (!strcmp(name, "ext-message")) {
		opt.ext_message = true;
	} else if (!strcmp(name, "expect")) {
		opt.expect_auto = !strcmp(val, "auto");
		opt.expect = opt.expect_auto ? 0 : parse_u64("expect", val, UINT32_MAX);
	} else if (!strcmp(name, "count-only")) {
		opt.count_only = true;
	} else if (!strcmp(name, "exit-when-complete")) {
		opt.exit_when_complete = true;
	} else if (!strcmp(name, "duration")) {
		opt.duration = parse_double("duration", val);
	} else if (!strcmp(name, "withdraw-after")) {
		opt.withdraw_after = parse_double("withdraw-after", val);
		if (opt.withdraw_after == 0)
			opt.withdraw_after = 1e-6;
	} else if (!strcmp(name, "down-after")) {
		opt.withdraw_after = parse_double("down-after", val);
		if (opt.withdraw_after == 0)
			opt.withdraw_after = 1e-6;
		opt.down_instead = true;
	} else if (!strcmp(name, "expect-after-withdraw")) {
		opt.expect_after_withdraw = parse_u64("expect-after-withdraw", val, UINT32_MAX);
	} else if (!strcmp(name, "churn")) {
		opt.churn_pct = parse_double("churn", val);
	} else if (!strcmp(name, "churn-after")) {
		opt.churn_after = parse_double("churn-after", val);
	} else if (!strcmp(name, "churn-duration")) {
		opt.churn_duration = parse_double("churn-duration", val);
	} else if (!strcmp(name, "churn-drain")) {
		opt.churn_drain = parse_double("churn-drain", val);
	} else if (!strcmp(name, "ceiling")) {
		opt.ceiling = true;
	} else if (!strcmp(name, "reconnect")) {
		opt.reconnect = true;
	} else if (!strcmp(name, "no-wait")) {
		opt.no_wait = true;
	} else if (!strcmp(name, "wait-timeout")) {
		opt.wait_timeout = parse_double("wait-timeout", val);
	} else if (!strcmp(name, "linger")) {
		opt.linger = parse_double("linger", val);
	} else if (!strcmp(name, "progress")) {
		opt.progress = true;
	} else if (!strcmp(name, "json")) {
		free((char *)opt.json_path);
		opt.json_path = xstrdup(val);
	} else if (!strcmp(name, "sndbuf")) {
		opt.sndbuf = (int)parse_u64("sndbuf", val, INT32_MAX);
	} else if (!strcmp(name, "rcvbuf")) {
		opt.rcvbuf = (int)parse_u64("rcvbuf", val, INT32_MAX);
	} else if (!strcmp(name, "print-table")) {
		opt.print_table = true;
	} else if (!strcmp(name, "selftest-speed")) {
		opt.selftest = true;
	} else if (!strcmp(name, "help")) {
		usage(stdout);
		exit(0);
	}
}

static const struct optdef *find_opt(const char *name)
{
	for (size_t i = 0; i < sizeof(optdefs) / sizeof(optdefs[0]); i++)
		if (!strcmp(optdefs[i].name, name))
			return &optdefs[i];
	return NULL;
}

/* A config file holds options without the dashes, one per line:
 * "name value", "name=value" or "name"; # starts a comment. */
static void load_config(const char *path, int depth)
{
	if (depth > 4)
		die("config files nested too deep");
	FILE *fp = fopen(path, "r");
	if (!fp)
		die("cannot open %s: %s", path, strerror(errno));
	char line[4096];
	int lineno = 0;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		char *p = line, *hash = strchr(p, '#');
		if (hash)
			*hash = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		size_t l = strlen(p);
		while (l && (p[l - 1] == '\n' || p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\t'))
			p[--l] = '\0';
		if (!*p)
			continue;
		char *val = p + strcspn(p, " \t=");
		if (*val) {
			*val++ = '\0';
			while (*val == ' ' || *val == '\t' || *val == '=')
				val++;
		}
		if (p[0] == '-' && p[1] == '-')
			p += 2;
		const struct optdef *d = find_opt(p);
		if (!d)
			die("%s:%d: unknown option %s", path, lineno, p);
		if (d->arg && !*val)
			die("%s:%d: %s needs a value", path, lineno, p);
		apply_option(p, val);
	}
	fclose(fp);
}

void options_parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] != '-') {
			usage(stderr);
			die("unexpected argument %s", a);
		}
		char name[64];
		const char *eq = strchr(a + 2, '='), *val = NULL;
		size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (nl >= sizeof(name))
			die("unknown option %s", a);
		memcpy(name, a + 2, nl);
		name[nl] = '\0';
		const struct optdef *d = find_opt(name);
		if (!d) {
			usage(stderr);
			die("unknown option %s", a);
		}
		if (d->arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				die("%s needs a value", a);
		} else if (eq) {
			die("%s takes no value", name);
		}
		apply_option(name, val);
	}
}
