/* SPDX-License-Identifier: ISC */
#include "setup.h"

#include <arpa/inet.h>
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

/* addrs=A1-A2+A3+...: the addresses, in order (one family). */
static struct sockaddr_storage *parse_addr_list(const char *spec, const char *list, size_t *n, int *fam_out)
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
			die("bad addrs= range %s%s%s in --session %s (one family, ranges A-B joined by +)", r,
			    dash ? "-" : "", dash ? dash : "", spec);
		fam = fa;
		uint64_t span = 0;
		if (dash) {
			uint32_t lo, hi;
			if (fa == FAM_IPV4) {
				lo = ntohl(((struct sockaddr_in *)&a)->sin_addr.s_addr);
				hi = ntohl(((struct sockaddr_in *)&b)->sin_addr.s_addr);
			} else {
				const uint8_t *x = ((struct sockaddr_in6 *)&a)->sin6_addr.s6_addr;
				const uint8_t *y = ((struct sockaddr_in6 *)&b)->sin6_addr.s6_addr;
				if (memcmp(x, y, 12))
					die("addrs= range %s-%s in --session %s: only the last 32 bits may differ", r, dash, spec);
				lo = get_u32(x + 12);
				hi = get_u32(y + 12);
			}
			if (hi < lo)
				die("addrs= range %s-%s in --session %s goes backwards", r, dash, spec);
			span = (uint64_t)hi - lo;
		}
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

static void build_sessions(const char *spec)
{
	char *dup = xstrdup(spec), *save = NULL;
	char *role = strtok_r(dup, ",", &save), *addr = strtok_r(NULL, ",", &save),
	     *asn = strtok_r(NULL, ",", &save);
	if (!role || !addr || !asn)
		die("bad --session %s (ROLE,LOCAL_ADDR,ASN[,key=value...])", spec);
	enum role r;
	if (strcmp(role, "feeder") == 0)
		r = R_FEEDER;
	else if (strcmp(role, "sink") == 0)
		r = R_SINK;
	else if (strcmp(role, "member") == 0)
		r = R_MEMBER;
	else
		die("bad role %s in --session %s (feeder, sink or member)", role, spec);
	uint32_t as = (uint32_t)parse_u64("ASN", asn, UINT32_MAX);
	uint64_t count = 1, expect = opt.expect, prefixes = opt.prefixes;
	bool have_count = false, expect_auto = opt.expect_auto;
	struct in_addr bgp_id = { 0 };
	const char *addrs = NULL;
	for (char *kv; (kv = strtok_r(NULL, ",", &save));) {
		char *eq = strchr(kv, '=');
		if (!eq)
			die("bad key %s in --session %s", kv, spec);
		*eq++ = '\0';
		if (strcmp(kv, "count") == 0) {
			count = parse_u64("count", eq, 100000);
			have_count = true;
		} else if (strcmp(kv, "expect") == 0) {
			expect_auto = !strcmp(eq, "auto");
			expect = expect_auto ? 0 : parse_u64("expect", eq, UINT32_MAX);
		} else if (strcmp(kv, "prefixes") == 0) {
			prefixes = parse_u64("prefixes", eq, UINT32_MAX);
		} else if (strcmp(kv, "addrs") == 0) {
			addrs = eq;
		} else if (strcmp(kv, "id") == 0) {
			if (inet_pton(AF_INET, eq, &bgp_id) != 1 || bgp_id.s_addr == 0)
				die("bad BGP identifier %s in --session %s", eq, spec);
		} else {
			die("unknown key %s in --session %s", kv, spec);
		}
	}
	struct sockaddr_storage *list = NULL;
	size_t nlist = 0;
	int fam;
	if (addrs) {
		list = parse_addr_list(spec, addrs, &nlist, &fam);
		struct sockaddr_storage first;
		if (strcmp(addr, "-") && (parse_addr(addr, 0, &first, NULL) != fam ||
		    memcmp(&first, &list[0], sizeof(first))))
			die("--session %s: with addrs=, LOCAL_ADDR must be \"-\" (or the list's first address)", spec);
		if (!have_count)
			count = nlist;
		else if (count > nlist)
			die("--session %s: count=%" PRIu64 " but addrs= lists only %zu addresses", spec, count, nlist);
	} else {
		list = xmalloc(sizeof(*list));
		fam = parse_addr(addr, 0, &list[0], NULL);
		if (fam < 0)
			die("bad address %s in --session %s", addr, spec);
	}
	if ((uint64_t)as + count - 1 > UINT32_MAX)
		die("--session %s: ASNs beyond 4294967295", spec);
	socklen_t blen = fam == FAM_IPV4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	for (uint64_t i = 0; i < count; i++) {
		struct sess *s = xcalloc(1, sizeof(*s));
		s->kind = K_SESS;
		s->idx = bl.nsess;
		s->role = r;
		s->recv = r != R_FEEDER;
		s->fam = (enum family)fam;
		if (addrs) {
			s->local = list[i];
		} else {
			s->local = list[0];
			addr_add(&s->local, (uint32_t)i);
		}
		s->local_len = blen;
		s->asn = as + (uint32_t)i;
		s->expect = expect;
		s->expect_auto = expect_auto && s->recv;
		s->nprefixes = (uint32_t)prefixes;
		s->c.fd = -1;
		if (fam == FAM_IPV4) {
			struct sockaddr_in *a = (struct sockaddr_in *)&s->local;
			inet_ntop(AF_INET, &a->sin_addr, s->addr, sizeof(s->addr));
			s->bgp_id = ntohl(a->sin_addr.s_addr);
		} else {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&s->local;
			inet_ntop(AF_INET6, &a->sin6_addr, s->addr, sizeof(s->addr));
			s->bgp_id = (uint32_t)mix64(get_u32(a->sin6_addr.s6_addr + 12) ^ (uint64_t)s->idx << 32) | 1;
		}
		if (bgp_id.s_addr)
			s->bgp_id = ntohl(bgp_id.s_addr) + (uint32_t)i;
		snprintf(s->name, sizeof(s->name), "%s %s AS%u", role_name(r), s->addr, s->asn);
		bl.sessions = xrealloc(bl.sessions, (size_t)(bl.nsess + 1) * sizeof(*bl.sessions));
		bl.sessions[bl.nsess++] = s;
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
			die("%s: routes for %s, which is no feeder or member session", opt.table, owners[k].addr);
		bl.sessions[i]->table = owners[k].m;
	}
	logmsg("table %s: routes for %zu sessions", opt.table, n);
	free(owners);
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
	bool need_mrt = false;
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (!opt.have_rs[s->fam])
			die("%s: no --rs address for %s", s->name, family_name(s->fam));
		for (int j = 0; j < i; j++)
			if (!strcmp(bl.sessions[j]->addr, s->addr))
				die("two sessions with local address %s", s->addr);
		need_mrt |= s->role != R_SINK;
	}
	if (opt.table)
		assign_tables();
	if (opt.mrt && need_mrt) {
		uint64_t t0 = now_us();
		mrt_load(&bl.mrt, opt.mrt);
		bl.mrt_loaded = true;
		logmsg("MRT %s: %" PRIu64 " records, %u IPv4 + %u IPv6 prefixes, %u attribute sets, %" PRIu64
		    " entries skipped (%.1f s)", opt.mrt, bl.mrt.records, bl.mrt.fam[0].n, bl.mrt.fam[1].n,
		    bl.mrt.nattr, bl.mrt.skipped, secs_since(t0));
	}
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
		bl.feeder_asns = xrealloc(bl.feeder_asns, (bl.nfeeder_asns + 1) * sizeof(*bl.feeder_asns));
		bl.feeder_asns[bl.nfeeder_asns++] = s->asn;
	}
	if (bl.nfeeder_asns)
		qsort(bl.feeder_asns, bl.nfeeder_asns, sizeof(*bl.feeder_asns), cmp_u32);
	feeder_init();
}

/* What a run needs beyond setup(): the prefix index, expect=auto, churn
 * bookkeeping, the ceiling's tables, enough file descriptors. */
void setup_run(void)
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
		logmsg("prefix index: %zu IPv4 + %zu IPv6 prefixes (%.3f s)", bl.gidx[0].n, bl.gidx[1].n,
		    (double)(now_us() - t0) / 1e6);
	/* expect=auto: what the other feeders/members of the family announce */
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
	if (opt.churn_pct > 0)
		churn_init();
	if (opt.rib_log)
		sink_open_rib_logs();
	if (opt.ceiling)
		ceiling_prepare();
	/* two descriptors a session with --ceiling */
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
