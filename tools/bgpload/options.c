/* SPDX-License-Identifier: ISC */
#include "options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgpload.h"
#include "util.h"
#include "xalloc.h"

struct options opt = {
	.port = BGP_PORT, .hold_time = 90, .prefixes = 10000, .seed = 1, .wait_timeout = 30,
	.churn_duration = 60, .churn_drain = 30,
};

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
"          LOCAL_ADDR is then \"-\"; ASNs consecutive from ASN),\n"
"          netns=NAME (the sessions' sockets in network namespace NAME of\n"
"          `ip netns`, or a path like /proc/PID/ns/net)\n"
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
"  --print-table          print every feeder's table (prefix|as_path|med|communities|large)"
" and exit\n", out);
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

static void load_config(const char *path, int depth);

/* --- the options that need more than storing a value --------------------------- */

static void opt_rs(const char *val)
{
	struct sockaddr_storage ss;
	int fam = parse_addr(val, 0, &ss, NULL);
	if (fam < 0)
		die("bad --rs address %s", val);
	opt.rs[fam] = ss;
	opt.have_rs[fam] = true;
}

static void opt_session(const char *spec)
{
	opt.specs = xrealloc(opt.specs, (size_t)(opt.nspecs + 1) * sizeof(*opt.specs));
	opt.specs[opt.nspecs++] = xstrdup(spec);
}

static void opt_config(const char *val) { load_config(val, 1); }

static void opt_hold_time(const char *val)
{
	opt.hold_time = (uint16_t)parse_u64("hold-time", val, 65535);
	if (opt.hold_time == 1 || opt.hold_time == 2)
		die("hold time must be 0 or at least 3");
}

static void opt_expect(const char *val)
{
	opt.expect_auto = !strcmp(val, "auto");
	opt.expect = opt.expect_auto ? 0 : parse_u64("expect", val, UINT32_MAX);
}

/* 0 would mean "never": withdraw at once instead */
static void opt_withdraw_after(const char *val)
{
	opt.withdraw_after = parse_double("withdraw-after", val);
	if (opt.withdraw_after == 0)
		opt.withdraw_after = 1e-6;
}

static void opt_down_after(const char *val)
{
	opt.withdraw_after = parse_double("down-after", val);
	if (opt.withdraw_after == 0)
		opt.withdraw_after = 1e-6;
	opt.down_instead = true;
}

static void opt_help(const char *val)
{
	usage(stdout);
	exit(0);
}

/* --- the option table ------------------------------------------------------------ */

enum opt_type {
	OT_FLAG,                    /* no value: the bool field becomes true */
	OT_U16, OT_U32, OT_U64, OT_INT,     /* a decimal number up to max */
	OT_SECONDS,                 /* a non-negative number (double) */
	OT_STRING,                  /* a copy of the value (const char *) */
	OT_FUNC,                    /* a value, given to fn */
	OT_ACTION,                  /* no value: fn(NULL) */
};

struct optdef {
	const char *name;           /* without the dashes */
	enum opt_type type;
	size_t off;                 /* of the field in struct options (not OT_FUNC, OT_ACTION) */
	uint64_t max;               /* OT_U16 .. OT_INT */
	void (*fn)(const char *val);        /* OT_FUNC, OT_ACTION */
};

/* The offset of field f of struct options, which must be of type T: a
 * mismatch does not compile (comparison of distinct pointer types). */
#define FIELD(f, T) (offsetof(struct options, f) + 0 * sizeof(&opt.f == (T *)0))
#define FLAG(name, f)           { name, OT_FLAG, FIELD(f, bool), 0, NULL }
#define NUMBER(name, t, f, T, max)      { name, t, FIELD(f, T), max, NULL }
#define SECONDS(name, f)        { name, OT_SECONDS, FIELD(f, double), 0, NULL }
#define STRING(name, f)         { name, OT_STRING, FIELD(f, const char *), 0, NULL }
#define FUNC(name, fn)          { name, OT_FUNC, 0, 0, fn }
#define ACTION(name, fn)        { name, OT_ACTION, 0, 0, fn }

static const struct optdef optdefs[] = {
	FUNC("rs", opt_rs),
	NUMBER("port", OT_U16, port, uint16_t, 65535),
	NUMBER("rs-as", OT_U32, rs_as, uint32_t, UINT32_MAX),
	FUNC("session", opt_session),
	FUNC("config", opt_config),
	FUNC("hold-time", opt_hold_time),
	NUMBER("prefixes", OT_U32, prefixes, uint32_t, UINT32_MAX),
	NUMBER("seed", OT_U64, seed, uint64_t, UINT64_MAX),
	STRING("mrt", mrt),
	STRING("table", table),
	STRING("rib-log", rib_log),
	FLAG("same-prefixes", same_prefixes),
	FLAG("ext-message", ext_message),
	FUNC("expect", opt_expect),
	FLAG("count-only", count_only),
	FLAG("exit-when-complete", exit_when_complete),
	SECONDS("duration", duration),
	FUNC("withdraw-after", opt_withdraw_after),
	FUNC("down-after", opt_down_after),
	NUMBER("expect-after-withdraw", OT_U64, expect_after_withdraw, uint64_t, UINT32_MAX),
	SECONDS("churn", churn_pct),
	SECONDS("churn-after", churn_after),
	SECONDS("churn-duration", churn_duration),
	SECONDS("churn-drain", churn_drain),
	FLAG("ceiling", ceiling),
	FLAG("reconnect", reconnect),
	FLAG("no-wait", no_wait),
	SECONDS("wait-timeout", wait_timeout),
	SECONDS("linger", linger),
	FLAG("progress", progress),
	STRING("json", json_path),
	NUMBER("sndbuf", OT_INT, sndbuf, int, INT32_MAX),
	NUMBER("rcvbuf", OT_INT, rcvbuf, int, INT32_MAX),
	FLAG("selftest-speed", selftest),
	FLAG("print-table", print_table),
	ACTION("help", opt_help),
};

static const struct optdef *find_opt(const char *name)
{
	for (size_t i = 0; i < sizeof(optdefs) / sizeof(optdefs[0]); i++)
		if (!strcmp(optdefs[i].name, name))
			return &optdefs[i];
	return NULL;
}

static bool takes_value(const struct optdef *d)
{
	return d->type != OT_FLAG && d->type != OT_ACTION;
}

/* val: the option's value, NULL for one that takes none */
static void apply_option(const struct optdef *d, const char *val)
{
	void *field = (char *)&opt + d->off;
	switch (d->type) {
	case OT_FLAG:
		*(bool *)field = true;
		break;
	case OT_U16:
		*(uint16_t *)field = (uint16_t)parse_u64(d->name, val, d->max);
		break;
	case OT_U32:
		*(uint32_t *)field = (uint32_t)parse_u64(d->name, val, d->max);
		break;
	case OT_U64:
		*(uint64_t *)field = parse_u64(d->name, val, d->max);
		break;
	case OT_INT:
		*(int *)field = (int)parse_u64(d->name, val, d->max);
		break;
	case OT_SECONDS:
		*(double *)field = parse_double(d->name, val);
		break;
	case OT_STRING: {
		const char **str = field;
		free((char *)*str);
		*str = xstrdup(val);
		break;
	}
	case OT_FUNC:
	case OT_ACTION:
		d->fn(val);
		break;
	}
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
		while (l && strchr("\n\r \t", p[l - 1]))
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
		if (takes_value(d) && !*val)
			die("%s:%d: %s needs a value", path, lineno, p);
		apply_option(d, val);
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
		if (takes_value(d)) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				die("%s needs a value", a);
		} else if (eq) {
			die("%s takes no value", name);
		}
		apply_option(d, val);
	}
}
