/* SPDX-License-Identifier: ISC */
#include "setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bgpload.h"
#include "ceiling.h"
#include "churn.h"
#include "feeder.h"
#include "options.h"
#include "sink.h"
#include "table.h"
#include "u32set.h"
#include "util.h"
#include "xalloc.h"

static void addr_add(struct sockaddr_storage *ss, uint32_t k)
{
	if (ss->ss_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_addr.s_addr = htonl(ntohl(a->sin_addr.s_addr) + k);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		uint8_t *b = a->sin6_addr.s6_addr;
		put_u32(b + 12, get_u32(b + 12) + k);
	}
}

/* The addresses after a in the range a-b (text r-dash) of addrs=. */
static uint64_t range_span(const char *spec, const char *r, const char *dash, int fam,
    const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	uint32_t lo, hi;
	if (fam == FAM_IPV4) {
		lo = ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr);
		hi = ntohl(((const struct sockaddr_in *)b)->sin_addr.s_addr);
	} else {
		const uint8_t *x = ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr;
		const uint8_t *y = ((const struct sockaddr_in6 *)b)->sin6_addr.s6_addr;
		if (memcmp(x, y, 12))
			die("addrs= range %s-%s in --session %s: only the last 32 bits may "
			    "differ", r, dash, spec);
		lo = get_u32(x + 12);
		hi = get_u32(y + 12);
	}
	if (hi < lo)
		die("addrs= range %s-%s in --session %s goes backwards", r, dash, spec);
	return (uint64_t)hi - lo;
}

/* addrs=A1-A2+A3+...: the addresses, in order (one family). */
static struct sockaddr_storage *parse_addr_list(const char *spec, const char *list, size_t *n,
    int *fam_out)
{
	struct sockaddr_storage *v = NULL;
	size_t cnt = 0, cap = 0;
	int fam = -1;
	char *dup = xstrdup(list), *save = NULL;
	for (char *r = strtok_r(dup, "+", &save); r; r = strtok_r(NULL, "+", &save)) {
		char *dash = strchr(r, '-');
		if (dash)
			*dash++ = '\0';
		struct sockaddr_storage a, b;
		int fa = parse_addr(r, 0, &a, NULL), fb = dash ? parse_addr(dash, 0, &b, NULL) : fa;
		if (fa < 0 || fb != fa || (fam >= 0 && fa != fam))
			die("bad addrs= range %s%s%s in --session %s (one family, ranges A-B "
			    "joined by +)", r, dash ? "-" : "", dash ? dash : "", spec);
		fam = fa;
		uint64_t span = dash ? range_span(spec, r, dash, fa, &a, &b) : 0;
		if (cnt + span + 1 > 100000)
			die("addrs= in --session %s: more than 100000 addresses", spec);
		for (uint64_t k = 0; k <= span; k++) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 256;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[cnt] = a;
			addr_add(&v[cnt], (uint32_t)k);
			cnt++;
		}
	}
	free(dup);
	if (!cnt)
		die("empty addrs= in --session %s", spec);
	*n = cnt;
	*fam_out = fam;
	return v;
}

/* One --session specification, parsed. */
struct spec {
	const char *text;           /* as given, for messages */
	enum role role;
	uint32_t asn;               /* of the first session */
	uint64_t count, expect, prefixes;
	bool have_count, expect_auto;
	struct in_addr bgp_id;      /* of the first session; 0: derived from the address */
	const char *addrs;          /* addrs=, or NULL */
	int netns_fd;               /* netns=: the namespace's descriptor, or -1 */
};

static enum role parse_role(const char *role, const char *spec)
{
	if (strcmp(role, "feeder") == 0)
		return R_FEEDER;
	if (strcmp(role, "sink") == 0)
		return R_SINK;
	if (strcmp(role, "member") == 0)
		return R_MEMBER;
	die("bad role %s in --session %s (feeder, sink or member)", role, spec);
}

/* netns=NAME: a name of `ip netns` (/run/netns/NAME) or a path such as
 * /proc/PID/ns/net; kept open for the whole run. */
static int open_netns(const char *name, const char *spec)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s", strchr(name, '/') ? "" : "/run/netns/", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("netns=%s in --session %s: %s: %s", name, spec, path, strerror(errno));
	return fd;
}

/* The key=value fields after ROLE,LOCAL_ADDR,ASN (strtok_r's state). */
static void parse_keys(struct spec *sp, char **save)
{
	for (char *kv; (kv = strtok_r(NULL, ",", save));) {
		char *eq = strchr(kv, '=');
		if (!eq)
			die("bad key %s in --session %s", kv, sp->text);
		*eq++ = '\0';
		if (strcmp(kv, "count") == 0) {
			sp->count = parse_u64("count", eq, 100000);
			sp->have_count = true;
		} else if (strcmp(kv, "expect") == 0) {
			sp->expect_auto = !strcmp(eq, "auto");
			sp->expect = sp->expect_auto ? 0 : parse_u64("expect", eq, UINT32_MAX);
		} else if (strcmp(kv, "prefixes") == 0) {
			sp->prefixes = parse_u64("prefixes", eq, UINT32_MAX);
		} else if (strcmp(kv, "addrs") == 0) {
			sp->addrs = eq;
		} else if (strcmp(kv, "netns") == 0) {
			sp->netns_fd = open_netns(eq, sp->text);
		} else if (strcmp(kv, "id") == 0) {
			if (inet_pton(AF_INET, eq, &sp->bgp_id) != 1 || sp->bgp_id.s_addr == 0)
				die("bad BGP identifier %s in --session %s", eq, sp->text);
		} else {
			die("unknown key %s in --session %s", kv, sp->text);
		}
	}
}

/* The sessions' addresses: addrs= (which may set the count), or LOCAL_ADDR
 * alone (the sessions take the addresses after it); *fam their family. */
static struct sockaddr_storage *spec_addrs(struct spec *sp, const char *addr, int *fam)
{
	struct sockaddr_storage *list;
	if (!sp->addrs) {
		list = xmalloc(sizeof(*list));
		*fam = parse_addr(addr, 0, &list[0], NULL);
		if (*fam < 0)
			die("bad address %s in --session %s", addr, sp->text);
		return list;
	}
	size_t nlist;
	list = parse_addr_list(sp->text, sp->addrs, &nlist, fam);
	struct sockaddr_storage first;
	if (strcmp(addr, "-") && (parse_addr(addr, 0, &first, NULL) != *fam ||
	    memcmp(&first, &list[0], sizeof(first))))
		die("--session %s: with addrs=, LOCAL_ADDR must be \"-\" (or the list's first "
		    "address)", sp->text);
	if (!sp->have_count)
		sp->count = nlist;
	else if (sp->count > nlist)
		die("--session %s: count=%" PRIu64 " but addrs= lists only %zu addresses", sp->text,
		    sp->count, nlist);
	return list;
}

/* Session i of specification sp, from local address `local`. */
static void add_session(const struct spec *sp, const struct sockaddr_storage *local, int fam,
    uint64_t i)
{
	struct sess *s = xcalloc(1, sizeof(*s));
	s->kind = K_SESS;
	s->idx = bl.nsess;
	s->role = sp->role;
	s->recv = sp->role != R_FEEDER;
	s->fam = (enum family)fam;
	s->local = *local;
	s->local_len = fam == FAM_IPV4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	s->asn = sp->asn + (uint32_t)i;
	s->expect = sp->expect;
	s->expect_auto = sp->expect_auto && s->recv;
	s->nprefixes = (uint32_t)sp->prefixes;
	s->netns_fd = sp->netns_fd;
	s->c.fd = -1;
	if (fam == FAM_IPV4) {
		struct sockaddr_in *a = (struct sockaddr_in *)&s->local;
		inet_ntop(AF_INET, &a->sin_addr, s->addr, sizeof(s->addr));
		s->bgp_id = ntohl(a->sin_addr.s_addr);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&s->local;
		inet_ntop(AF_INET6, &a->sin6_addr, s->addr, sizeof(s->addr));
		uint64_t x = get_u32(a->sin6_addr.s6_addr + 12) ^ (uint64_t)s->idx << 32;
		s->bgp_id = (uint32_t)mix64(x) | 1;
	}
	if (sp->bgp_id.s_addr)
		s->bgp_id = ntohl(sp->bgp_id.s_addr) + (uint32_t)i;
	snprintf(s->name, sizeof(s->name), "%s %s AS%u", role_name(sp->role), s->addr, s->asn);
	bl.sessions = xrealloc(bl.sessions, (size_t)(bl.nsess + 1) * sizeof(*bl.sessions));
	bl.sessions[bl.nsess++] = s;
}

/* ROLE,LOCAL_ADDR,ASN[,key=value...]: count= sessions (1) of consecutive
 * ASNs, from consecutive addresses or those of addrs=. */
static void build_sessions(const char *text)
{
	char *dup = xstrdup(text), *save = NULL;
	char *role = strtok_r(dup, ",", &save), *addr = strtok_r(NULL, ",", &save),
	     *asn = strtok_r(NULL, ",", &save);
	if (!role || !addr || !asn)
		die("bad --session %s (ROLE,LOCAL_ADDR,ASN[,key=value...])", text);
	struct spec sp = { .text = text, .count = 1, .expect = opt.expect, .prefixes = opt.prefixes,
	    .expect_auto = opt.expect_auto, .netns_fd = -1 };
	sp.role = parse_role(role, text);
	sp.asn = (uint32_t)parse_u64("ASN", asn, UINT32_MAX);
	parse_keys(&sp, &save);
	int fam;
	struct sockaddr_storage *list = spec_addrs(&sp, addr, &fam);
	if ((uint64_t)sp.asn + sp.count - 1 > UINT32_MAX)
		die("--session %s: ASNs beyond 4294967295", text);
	for (uint64_t i = 0; i < sp.count; i++) {
		struct sockaddr_storage local = list[sp.addrs ? i : 0];
		if (!sp.addrs)
			addr_add(&local, (uint32_t)i);
		add_session(&sp, &local, fam, i);
	}
	free(list);
	free(dup);
}

/* --table: each session announces the lines of its address (a session
 * without any announces nothing); a line for no session is an error. */
static void assign_tables(void)
{
	size_t n;
	struct table_owner *owners = table_load(opt.table, &n);
	for (size_t k = 0; k < n; k++) {
		int i = 0;
		while (i < bl.nsess && strcmp(bl.sessions[i]->addr, owners[k].addr))
			i++;
		if (i == bl.nsess || bl.sessions[i]->role == R_SINK)
			die("%s: routes for %s, which is no feeder or member session", opt.table,
			    owners[k].addr);
		bl.sessions[i]->table = owners[k].m;
	}
	logmsg("table %s: routes for %zu sessions", opt.table, n);
	free(owners);
}

/* Every session has a route server to talk to and an address of its own;
 * returns whether any of them sends (and so may need the --mrt file). */
static bool check_sessions(void)
{
	bool senders = false;
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (!opt.have_rs[s->fam])
			die("%s: no --rs address for %s", s->name, family_name(s->fam));
		for (int j = 0; j < i; j++)
			if (!strcmp(bl.sessions[j]->addr, s->addr))
				die("two sessions with local address %s", s->addr);
		if (opt.ceiling && s->netns_fd >= 0)
			die("%s: netns= and --ceiling (whose listener is in our namespace)", s->name);
		senders |= s->role != R_SINK;
	}
	return senders;
}

/* Every sender's table: its own --table routes, or consecutive slices of
 * the --mrt file or of the synthesised prefixes, feeders and members in
 * command-line order (all from 0 with --same-prefixes). */
static void setup_tables(void)
{
	uint64_t base[2] = { 0, 0 };
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (s->role == R_SINK)
			continue;
		s->f = xcalloc(1, sizeof(*s->f));
		s->f->n = s->nprefixes;
		uint64_t b = opt.same_prefixes ? 0 : base[s->fam];
		if (opt.table) {
			s->f->n = s->table ? s->table->fam[s->fam].n : 0;
			feeder_setup_mrt(s, s->table ? s->table : &bl.mrt, 0);
		} else if (bl.mrt_loaded)
			feeder_setup_mrt(s, &bl.mrt, b);
		else
			feeder_setup_synth(s, b);
		base[s->fam] += s->f->n;
		s->f->first_pass = true;
		bl.feeder_asns = xrealloc(bl.feeder_asns,
		    (bl.nfeeder_asns + 1) * sizeof(*bl.feeder_asns));
		bl.feeder_asns[bl.nfeeder_asns++] = s->asn;
	}
	if (bl.nfeeder_asns)
		qsort(bl.feeder_asns, bl.nfeeder_asns, sizeof(*bl.feeder_asns), u32_cmp);
}

void setup(void)
{
	syn_space_init(&bl.space[FAM_IPV4], AFI_IPV4, opt.seed);
	syn_space_init(&bl.space[FAM_IPV6], AFI_IPV6, opt.seed);
	for (int i = 0; i < opt.nspecs; i++)
		build_sessions(opt.specs[i]);
	if (bl.nsess == 0)
		die("no --session given (try --help)");
	bl.avoid = xmalloc(((size_t)bl.nsess + 1) * sizeof(*bl.avoid));
	for (int i = 0; i < bl.nsess; i++)
		bl.avoid[bl.navoid++] = bl.sessions[i]->asn;
	if (opt.rs_as)
		bl.avoid[bl.navoid++] = opt.rs_as;
	bool need_mrt = check_sessions();
	if (opt.table)
		assign_tables();
	if (opt.mrt && need_mrt) {
		uint64_t t0 = now_us();
		mrt_load(&bl.mrt, opt.mrt);
		bl.mrt_loaded = true;
		logmsg("MRT %s: %" PRIu64 " records, %u IPv4 + %u IPv6 prefixes, "
		    "%u attribute sets, %" PRIu64 " entries skipped (%.1f s)", opt.mrt,
		    bl.mrt.records, bl.mrt.fam[0].n, bl.mrt.fam[1].n, bl.mrt.nattr, bl.mrt.skipped,
		    secs_since(t0));
	}
	setup_tables();
	feeder_init();
}

/* The prefix index: every prefix of every sender's table a number. */
static void build_index(void)
{
	uint64_t t0 = now_us();
	size_t total[2] = { 0, 0 };
	for (int i = 0; i < bl.nsess; i++)
		if (bl.sessions[i]->f)
			total[bl.sessions[i]->fam] += bl.sessions[i]->f->n;
	for (int fam = 0; fam < 2; fam++)
		gidx_init(&bl.gidx[fam], total[fam]);
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (!s->f)
			continue;
		for (uint32_t g = 0; g < s->f->ngroups; g++) {
			size_t n;
			const struct prefix *p = feeder_group(s, g, &n, NULL);
			for (size_t k = 0; k < n; k++)
				gidx_put(&bl.gidx[s->fam], pset_key(&p[k]));
		}
	}
	if (total[0] + total[1] >= 100000)
		logmsg("prefix index: %zu IPv4 + %zu IPv6 prefixes (%.3f s)", bl.gidx[0].n,
		    bl.gidx[1].n, (double)(now_us() - t0) / 1e6);
}

/* expect=auto: what the other feeders/members of the family announce */
static void expect_auto(void)
{
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *r = bl.sessions[i];
		if (!r->expect_auto)
			continue;
		uint64_t e = 0;
		for (int j = 0; j < bl.nsess; j++) {
			struct sess *s = bl.sessions[j];
			if (!s->f || s == r || s->fam != r->fam)
				continue;
			if (opt.same_prefixes)
				e = s->f->n > e ? s->f->n : e;
			else
				e += s->f->n;
		}
		r->expect = e;
	}
}

/* One descriptor a session, two with --ceiling: the limit raised as far
 * as it goes, and refused if that is not enough. */
static void check_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (uint64_t)bl.nsess * (opt.ceiling ? 2 : 1) + 32 > rl.rlim_cur)
		die("%d sessions need %d file descriptors, the limit is %llu (ulimit -n)", bl.nsess,
		    bl.nsess * (opt.ceiling ? 2 : 1) + 32, (unsigned long long)rl.rlim_cur);
}

void setup_run(void)
{
	build_index();
	expect_auto();
	if (opt.churn_pct > 0)
		churn_init();
	if (opt.rib_log)
		sink_open_rib_logs();
	if (opt.ceiling)
		ceiling_prepare();
	check_fd_limit();
}
