/* SPDX-License-Identifier: ISC */
/* bgpload: BGP load generator for ixpd (and any route server).
 *
 * One process, many BGP sessions to the route server, one thread, epoll,
 * non-blocking sockets.  Each session has its own local address and role:
 *   feeder  announces a table (synthesised from a seed, or read from an
 *           MRT TABLE_DUMP_V2 file) as fast as TCP takes it, then
 *           End-of-RIB; optionally withdraws it later or churns it;
 *   sink    counts the prefixes it holds, decoding every UPDATE with
 *           ixpd's own decoder so malformed output is detected, and
 *           records when it reached its expected count;
 *   member  both: announces its own table and counts what it receives.
 * With --ceiling there is no route server: bgpload also plays a trivial
 * transparent one on the route server's addresses, sending every receiver
 * the other sessions' tables as fast as it can (the harness's ceiling).
 * A JSON summary goes to stdout (or --json FILE) at exit.  See
 * docs/bgpload.md. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <jansson.h>

#include "bgp.h"
#include "bgp_msg.h"
#include "bgp_update.h"
#include "prefix.h"
#include "wire.h"
#include "xalloc.h"

#include "dcache.h"
#include "hist.h"
#include "mrt.h"
#include "pset.h"
#include "synth.h"
#include "table.h"
#include "util.h"

/* Pending output a feeder keeps generated ahead of the socket: enough to
 * refill the kernel buffer in one go, small enough that a KEEPALIVE queued
 * behind it is not late. */
#define TX_HIGH_WATER   (512 * 1024)
#define RX_CHUNK        (256 * 1024)
#define READ_BUDGET     (2 * 1024 * 1024)   /* per session per loop turn */
#define WRITE_BUDGET    (4 * 1024 * 1024)
#define MAX_GROUP       4096                /* nlri scratch, grows for MRT */

enum role { R_FEEDER, R_SINK, R_MEMBER };
static const char *const role_names[] = { "feeder", "sink", "member" };
/* what an epoll event's data.ptr points to (the struct's first member) */
enum { K_SESS = 1, K_SRV, K_LSN };
enum sstate { S_IDLE, S_CONNECT, S_OPENSENT, S_OPENCONFIRM, S_ESTABLISHED, S_DOWN, S_CLOSED };
static const char *const state_names[] = {
	"Idle", "Connect", "OpenSent", "OpenConfirm", "Established", "Down", "Closed",
};
enum gen_mode { GEN_IDLE, GEN_ANNOUNCE, GEN_WITHDRAW };

struct feeder {
	uint32_t n;                 /* prefixes in this feeder's table */
	uint64_t base;              /* synth: first prefix number; MRT: first index */
	uint32_t ngroups;
	uint32_t *gstart;           /* group g = prefixes [gstart[g], gstart[g+1]) */
	uint32_t *gattr;            /* MRT: attribute set of the group */
	enum gen_mode mode;         /* streaming the whole table in or out */
	uint32_t cursor;            /* next group */
	bool eor_after;             /* send End-of-RIB when the stream ends */
	bool table_done;            /* initial table + EoR queued */
	bool first_pass;            /* the initial table is being encoded */
	bool withdrawn_all;
	uint64_t t_withdraw_at;     /* --withdraw-after deadline */
	bool withdraw_scheduled, churn_scheduled;
	uint64_t t_wd_start;        /* withdrawal started */
	/* churn */
	uint64_t churn_next;
	double churn_acc;
	uint32_t churn_cursor, churn_prev_g, churn_prev_n;
	uint64_t churn_end_at;      /* --churn-duration: last tick after this */
	bool churn_done;
	/* churn events whose UPDATEs are not yet all handed to the kernel */
	uint32_t *evq;
	size_t evq_head, evq_len, evq_cap;
};

struct srv;

struct sess {
	int kind;                   /* K_SESS */
	int idx;
	enum role role;
	bool recv;                  /* receives and counts: sink or member */
	bool expect_auto;           /* expect=auto: what the other feeders announce */
	enum family fam;
	struct sockaddr_storage local;
	socklen_t local_len;
	char addr[INET6_ADDRSTRLEN];
	char name[96];
	uint32_t asn;
	uint32_t bgp_id;
	struct mrt_data *table;     /* --table: this session's routes, or NULL */
	FILE *rib_log;              /* --rib-log: what it receives, as lines */
	uint64_t expect;            /* sink: prefixes expected, 0 = none */
	uint32_t nprefixes;         /* feeder: table size */
	int fd;
	enum sstate st;
	uint64_t retry_at;
	uint32_t connect_failures;
	/* negotiated */
	uint64_t hold_us, ka_us, last_rx, last_ka;
	bool peer_as4, ext_msg;
	size_t max_msg;
	struct send_class sc;
	struct update_ctx uctx;
	/* buffers; q_total/s_total count bytes queued/sent since connect */
	uint8_t *rx;
	size_t rx_len, rx_cap;
	struct wbuf tx;
	size_t tx_off;
	uint64_t q_total, s_total;
	uint64_t first_upd_off, last_upd_end, last_upd_seen, eor_end;
	bool ev_out;
	struct feeder *f;           /* feeder or member: its table */
	uint64_t *bm;               /* receiver: held prefixes, bitmap over the prefix index */
	struct pset set;            /* receiver: held prefixes outside the index (hash part) */
	/* churn: prefix events issued (feeder/member), delays sampled (receiver) */
	uint64_t ch_issued, ch_samples;
	/* --ceiling */
	struct srv *srv;            /* the route-server side of this session */
	struct dc_entry *dc_last;   /* decode cache: the last message received */
	size_t blob_off, blob_len;  /* its table in g_stream[family] */
	size_t blob_woff, blob_wlen; /* its withdrawal in g_wstream[family] */
	uint32_t srv_conns;         /* connections the route-server side accepted */
	/* times (absolute, us), 0 = not yet */
	uint64_t t_established, t_first_upd, t_last_upd, t_eor_sent;
	uint64_t t_complete, t_eor_rcvd, t_drained, t_first_rcvd;
	/* counters */
	uint64_t upd_sent, pfx_sent, wd_sent, bytes_sent, groups_skipped;
	uint64_t upd_rcvd, bytes_rcvd, pfx_ann_rcvd, pfx_wd_rcvd, dup_ann, wd_unknown;
	uint64_t held, held_peak, decode_err, drops, open_fail, refresh_rcvd;
	/* digest: feeder/member: of its table as a receiver decodes it;
	 * rdigest: sink/member: of the announcements received whose first AS
	 * is one of our feeders' or members' (until complete) */
	uint64_t digest;
	uint64_t rdigest;           /* receiver: the routes_digest */
	char last_notify[256];
	char last_error[256];
};

/* --- configuration ------------------------------------------------------ */

static struct {
	struct sockaddr_storage rs[2];      /* per family */
	bool have_rs[2];
	uint16_t port;
	uint32_t rs_as;
	uint16_t hold_time;
	uint32_t prefixes;
	uint64_t seed;
	const char *mrt;
	const char *table;          /* --table FILE */
	const char *rib_log;        /* --rib-log DIR */
	bool same_prefixes, ext_message, count_only, exit_when_complete, reconnect, no_wait;
	bool down_instead;          /* --down-after: close the session instead of withdrawing */
	bool progress, selftest, print_table, ceiling;
	bool expect_auto;           /* --expect auto */
	uint64_t expect, expect_after_withdraw;
	double duration, withdraw_after, churn_pct, churn_after, wait_timeout, linger;
	double churn_duration, churn_drain;
	const char *json_path;
	int sndbuf, rcvbuf;
} opt = { .port = BGP_PORT, .hold_time = 90, .prefixes = 10000, .seed = 1, .wait_timeout = 30,
	  .churn_duration = 60, .churn_drain = 30 };

static struct sess **sessions;
static int nsess;
static int ep = -1;
static volatile sig_atomic_t g_stop;
static uint64_t g_first_upd;        /* first UPDATE any feeder sent */
static uint64_t g_wd_start;         /* first feeder withdrawal (--withdraw-after) */
static double g_cpu_first_upd, g_cpu_complete;   /* our CPU seconds at those moments */

static bool g_feeding;              /* feeders were released */
static struct syn_space g_space[2];
static struct mrt_data g_mrt;
static bool g_mrt_loaded;
static uint32_t *g_avoid;           /* ASNs synthesised paths must not contain */
static size_t g_navoid;

/* scratch shared by every encoder call (one thread) */
static struct wbuf g_attrs, g_attrs2;
static struct prefix *g_pfx;
static struct nlri_out *g_nlri;
static size_t g_scratch_cap;
static struct update_decoded g_dec, g_dec_self, g_dec_log;
static uint32_t *g_feeder_asns;     /* sorted */
static size_t g_nfeeder_asns;

/* receiving: prefix index per family, decode cache, shared read buffer */
static struct gidx g_gidx[2];
static struct dcache g_dc;
static _Thread_local uint8_t *g_rxbuf;     /* one per thread (--ceiling has two) */
static _Thread_local size_t g_rxbuf_cap;
static struct {                     /* scratch entry for a message being decoded */
	struct dc_entry e;
	uint32_t idx[];
} *g_dce;
static size_t g_dce_cap;

/* churn events: a group of prefixes withdrawn or re-announced by a feeder,
 * timestamped when the last byte of its UPDATEs was handed to the kernel.
 * Per family and prefix number, the latest withdraw and announce event. */
struct churn_ev {
	uint64_t t_sent;            /* 0 until written */
	uint64_t end_off;           /* the feeder's q_total after its UPDATEs */
};
static struct churn_ev *g_ev;
static uint32_t g_nev = 1, g_ev_cap;    /* event 0 = none */
static uint32_t *g_ev_w[2], *g_ev_a[2];
static uint64_t g_ch_issued[2];     /* prefix events issued per family */
static uint64_t g_churn_end;        /* the last feeder's last churn tick */
static struct hist g_hist;
static uint64_t g_ch_unsent;        /* samples whose UPDATE was not completely written yet */

/* --ceiling: the route-server side */
struct srv {
	int kind;                   /* K_SRV */
	int fd;
	struct sess *s;             /* the client session at the other end */
	bool open_rcvd, established, streaming, static_active, static_done, eor_seen, ev_out, dirty;
	uint8_t *rx;                /* partial message carried over between reads */
	size_t rx_len;
	struct seg { const uint8_t *p; size_t len; } seg[3];
	int nseg, cur;
	size_t off;
	struct wbuf q;              /* OPEN, KEEPALIVEs, forwarded UPDATEs */
	size_t q_off;
	uint64_t last_ka, ka_us;
};
struct lsn { int kind; int fd; };
static struct lsn g_lsn[2] = { { K_LSN, -1 }, { K_LSN, -1 } };
static struct wbuf g_stream[2];     /* every feeder's table, one after the other */
static struct wbuf g_wstream[2];    /* the same withdrawn */
static int g_sep = -1;              /* the route-server side's epoll (its own thread) */
static bool g_srv_quit;             /* atomic: tells that thread to stop */
static pthread_t g_srv_thread;
static struct wbuf g_eor[2];
static uint64_t g_srv_accepted, g_srv_rejected;

/* Order-independent digest of routes: the sum of a hash of each (prefix,
 * canonical attributes, next hop).  A transparent route server delivers
 * to a sink exactly the digest its feeders' tables have. */
static void digest_add(uint64_t *d, const struct update_decoded *u)
{
	if (!u->announced.n)
		return;
	uint64_t h = hash_bytes(u->attrs.data, u->attrs.len);
	h = mix64(h ^ hash_bytes(u->info.nh, u->info.nh_afi == AFI_IPV6 ? 16 : 4));
	for (uint32_t i = 0; i < u->announced.n; i++)
		*d += mix64(h ^ mix64(pset_key(&u->announced.v[i])));
}

static bool is_feeder_asn(uint32_t as)
{
	size_t a = 0, b = g_nfeeder_asns;
	while (a < b) {
		size_t m = (a + b) / 2;
		if (g_feeder_asns[m] == as)
			return true;
		if (g_feeder_asns[m] < as)
			a = m + 1;
		else
			b = m;
	}
	return false;
}

static void scratch_reserve(size_t n)
{
	if (n <= g_scratch_cap)
		return;
	while (g_scratch_cap < n)
		g_scratch_cap = g_scratch_cap ? g_scratch_cap * 2 : MAX_GROUP;
	g_pfx = xrealloc(g_pfx, g_scratch_cap * sizeof(*g_pfx));
	g_nlri = xrealloc(g_nlri, g_scratch_cap * sizeof(*g_nlri));
}

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

static uint64_t parse_u64(const char *what, const char *s, uint64_t max)
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

static int parse_addr(const char *s, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
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

static char **g_specs;
static int g_nspecs;

static void add_session_spec(const char *spec)
{
	g_specs = xrealloc(g_specs, (size_t)(g_nspecs + 1) * sizeof(*g_specs));
	g_specs[g_nspecs++] = xstrdup(spec);
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
		s->idx = nsess;
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
		s->fd = -1;
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
		snprintf(s->name, sizeof(s->name), "%s %s AS%u", role_names[r], s->addr, s->asn);
		sessions = xrealloc(sessions, (size_t)(nsess + 1) * sizeof(*sessions));
		sessions[nsess++] = s;
	}
	free(list);
	free(dup);
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

static void parse_args(int argc, char **argv)
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

/* --- feeders: tables ----------------------------------------------------- */

static void feeder_setup_synth(struct sess *s, uint64_t base)
{
	struct feeder *f = s->f;
	const struct syn_space *sp = &g_space[s->fam];
	uint64_t cap = syn_capacity(sp);
	if (base + f->n > cap)
		die("%s: prefixes %" PRIu64 "..%" PRIu64 " exceed what can be synthesised (%" PRIu64
		    " %s prefixes)", s->name, base, base + f->n, cap, family_name(s->fam));
	f->base = base;
	struct rng r = { hash3(opt.seed, base, (uint64_t)s->fam + 77) };
	uint32_t cap_g = f->n / 8 + 16;
	f->gstart = xmalloc(((size_t)cap_g + 1) * sizeof(*f->gstart));
	uint32_t i = 0;
	f->ngroups = 0;
	while (i < f->n) {
		if (f->ngroups == cap_g) {
			cap_g *= 2;
			f->gstart = xrealloc(f->gstart, ((size_t)cap_g + 1) * sizeof(*f->gstart));
		}
		f->gstart[f->ngroups++] = i;
		uint32_t sz = syn_group_size(&r);
		i = (f->n - i < sz) ? f->n : i + sz;
	}
	f->gstart[f->ngroups] = f->n;
}

/* The feeder's table: prefixes [base, base + f->n) of an MRT table (the
 * --mrt file, or the session's own --table routes). */
static void feeder_setup_mrt(struct sess *s, const struct mrt_data *table, uint64_t base)
{
	struct feeder *f = s->f;
	const struct mrt_fam *mf = &table->fam[s->fam];
	if (base >= mf->n) {
		if (f->n)
				logmsg("%s: the MRT file has only %u %s prefixes, none left for this feeder", s->name,
			    mf->n, family_name(s->fam));
		f->n = 0;
		f->gstart = xcalloc(1, sizeof(*f->gstart));
		f->gattr = xcalloc(1, sizeof(*f->gattr));
		return;
	}
	if (base + f->n > mf->n) {
		logmsg("%s: MRT file has %u %s prefixes: announcing %" PRIu64 " instead of %u", s->name,
		    mf->n, family_name(s->fam), mf->n - base, f->n);
		f->n = (uint32_t)(mf->n - base);
	}
	f->base = base;
	uint64_t lo = base, hi = base + f->n;
	/* first group intersecting [lo, hi) */
	uint32_t a = 0, b = mf->ngroups;
	while (a + 1 < b) {
		uint32_t m = (a + b) / 2;
		if (mf->gstart[m] <= lo) a = m; else b = m;
	}
	uint32_t cap_g = 1024;
	f->gstart = xmalloc((cap_g + 1) * sizeof(*f->gstart));
	f->gattr = xmalloc((cap_g + 1) * sizeof(*f->gattr));
	f->ngroups = 0;
	for (uint32_t g = a; g < mf->ngroups && mf->gstart[g] < hi; g++) {
		if (f->ngroups == cap_g) {
			cap_g *= 2;
			f->gstart = xrealloc(f->gstart, (cap_g + 1) * sizeof(*f->gstart));
			f->gattr = xrealloc(f->gattr, (cap_g + 1) * sizeof(*f->gattr));
		}
		uint64_t st = mf->gstart[g] > lo ? mf->gstart[g] : lo;
		f->gstart[f->ngroups] = (uint32_t)(st - lo);
		f->gattr[f->ngroups++] = mf->gattr[g];
	}
	f->gstart[f->ngroups] = f->n;
}

/* Prefixes of group g (pointer valid until the next call) and, if attrs is
 * not NULL, the group's attribute set in canonical form. */
static const struct prefix *feeder_group(struct sess *s, uint32_t g, size_t *n, struct wbuf *attrs)
{
	struct feeder *f = s->f;
	uint32_t a = f->gstart[g], b = f->gstart[g + 1];
	*n = b - a;
	const struct prefix *p;
	if (f->gattr) {
		const struct mrt_data *m = s->table ? s->table : &g_mrt;
		p = m->fam[s->fam].pfx + f->base + a;
		uint32_t id = f->gattr[g];
		if (attrs && s->table)
			wbuf_put(attrs, m->blob.data + m->off[id], m->len[id]);
		else if (attrs)
			mrt_attrs_for(m->blob.data + m->off[id], m->len[id], s->asn, attrs);
	} else {
		scratch_reserve(*n);
		for (uint32_t i = 0; i < *n; i++)
			syn_prefix(&g_space[s->fam], f->base + a + i, &g_pfx[i]);
		p = g_pfx;
		if (attrs)
			syn_attrs(opt.seed, s->asn, (f->base + a) ^ ((uint64_t)s->fam << 60), g_avoid, g_navoid, attrs);
	}
	return p;
}

static void count_updates(struct sess *s, size_t from)
{
	for (size_t o = from; o + BGP_HEADER_LEN <= s->tx.len; o += get_u16(s->tx.data + o + 16))
		s->upd_sent++;
}

/* Encodes group g announced (or withdrawn) into the session's output. */
static void feeder_encode_group(struct sess *s, uint32_t g, bool announce)
{
	size_t n, from = s->tx.len;
	g_attrs.len = 0;
	const struct prefix *p = feeder_group(s, g, &n, announce ? &g_attrs : NULL);
	scratch_reserve(n);
	for (size_t i = 0; i < n; i++)
		g_nlri[i] = (struct nlri_out){ &p[i], 0 };
	if (!s->first_upd_off && !s->t_first_upd)
		s->first_upd_off = s->q_total + 1;      /* +1: 0 means unset */
	if (announce) {
		struct path_info info = { 0 };
		info.nh_afi = family_afi(s->fam);
		if (s->fam == FAM_IPV4)
			memcpy(info.nh, &((struct sockaddr_in *)&s->local)->sin_addr, 4);
		else
			memcpy(info.nh, &((struct sockaddr_in6 *)&s->local)->sin6_addr, 16);
		const uint8_t *a = g_attrs.data;
		size_t alen = g_attrs.len;
		if (!s->peer_as4) {
			g_attrs2.len = 0;
			attrs_to_as2(g_attrs.data, g_attrs.len, &g_attrs2);
			a = g_attrs2.data;
			alen = g_attrs2.len;
		}
		if (bgp_update_encode_announce(&s->tx, &s->sc, s->fam, a, alen, &info, g_nlri, n) < 0) {
			s->groups_skipped++;
			return;
		}
		s->pfx_sent += n;
		if (s->f->first_pass) {
			/* what a receiver decodes of these messages */
			struct update_ctx ctx = { .peer_as4 = true, .families = (uint8_t)(1u << s->fam) };
			for (size_t o = from; o + BGP_HEADER_LEN <= s->tx.len; o += get_u16(s->tx.data + o + 16)) {
				bgp_update_decode(&ctx, s->tx.data + o + BGP_HEADER_LEN,
				    get_u16(s->tx.data + o + 16) - BGP_HEADER_LEN, &g_dec_self);
				if (s->peer_as4)
					digest_add(&s->digest, &g_dec_self);
			}
		}
	} else {
		bgp_update_encode_withdraw(&s->tx, &s->sc, s->fam, g_nlri, n);
		s->wd_sent += n;
	}
	count_updates(s, from);
	s->q_total += s->tx.len - from;
	s->last_upd_end = s->q_total;
}

static void queue_bytes_done(struct sess *s, size_t from) { s->q_total += s->tx.len - from; }

static void queue_eor(struct sess *s)
{
	size_t from = s->tx.len;
	if (!s->first_upd_off && !s->t_first_upd)
		s->first_upd_off = s->q_total + 1;
	bgp_update_encode_eor(&s->tx, s->fam);
	s->upd_sent++;
	queue_bytes_done(s, from);
	s->eor_end = s->q_total;
	s->last_upd_end = s->q_total;
}

static size_t tx_pending(const struct sess *s) { return s->tx.len - s->tx_off; }

/* Generates while the pending output is below the high-water mark. */
static void feeder_fill(struct sess *s)
{
	struct feeder *f = s->f;
	if (!f || f->mode == GEN_IDLE || s->st != S_ESTABLISHED)
		return;
	while (tx_pending(s) < TX_HIGH_WATER && f->cursor < f->ngroups)
		feeder_encode_group(s, f->cursor++, f->mode == GEN_ANNOUNCE);
	if (f->cursor >= f->ngroups) {
		f->first_pass = false;
		if (f->eor_after)
			queue_eor(s);
		if (f->mode == GEN_WITHDRAW) {
			f->withdrawn_all = true;
			logmsg("%s: withdrawal of %u prefixes queued", s->name, f->n);
		}
		f->mode = GEN_IDLE;
		f->eor_after = false;
		f->table_done = true;
	}
}

static void feeder_start(struct sess *s, enum gen_mode mode, bool eor)
{
	struct feeder *f = s->f;
	if (f->first_pass)
		s->digest = 0;          /* (re)starting the first pass */
	f->mode = mode;
	f->cursor = 0;
	f->eor_after = eor;
}

/* --- sessions: I/O -------------------------------------------------------- */

static void sess_events(struct sess *s)
{
	if (s->fd < 0)
		return;
	bool want = s->st == S_CONNECT || tx_pending(s) ||
	    (s->f && s->f->mode != GEN_IDLE && s->st == S_ESTABLISHED);
	if (want == s->ev_out)
		return;
	struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = s };
	if (epoll_ctl(ep, EPOLL_CTL_MOD, s->fd, &ev) == 0)
		s->ev_out = want;
}

static void sess_close(struct sess *s)
{
	if (s->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
	}
	s->fd = -1;
	s->tx.len = s->tx_off = 0;
	free(s->rx);
	s->rx = NULL;
	s->rx_len = 0;
	s->ev_out = false;
	if (s->f)
		s->f->evq_head = s->f->evq_len = 0;     /* those UPDATEs are lost */
}

static void recv_forget(struct sess *s);
static void churn_written(struct sess *s, uint64_t now);

/* The session failed.  Before Established: retry later.  After: a drop. */
static void sess_down(struct sess *s, uint64_t now, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sess_down(struct sess *s, uint64_t now, const char *fmt, ...)
{
	if (s->fd < 0)
		return;         /* already down: keep the first reason */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->last_error, sizeof(s->last_error), fmt, ap);
	va_end(ap);
	bool was_up = s->st == S_ESTABLISHED;
	bool opened = s->st >= S_OPENSENT;
	sess_close(s);
	if (was_up) {
		s->drops++;
		logmsg("%s: SESSION DROPPED: %s", s->name, s->last_error);
		if (opt.reconnect) {
			s->st = S_IDLE;
			s->retry_at = now + 5000000;
		} else {
			s->st = S_DOWN;
		}
		if (s->recv) {
			recv_forget(s);
			s->rdigest = 0;      /* it will receive everything again */
		}
		s->held = 0;
	} else {
		if (opened) {
			s->open_fail++;
			logmsg("%s: session setup failed: %s", s->name, s->last_error);
		} else if (s->connect_failures++ % 10 == 0) {
			logmsg("%s: %s (retrying)", s->name, s->last_error);
		}
		s->st = S_IDLE;
		s->retry_at = now + (opened ? 5000000 : 1000000);
	}
}

static void sess_flush(struct sess *s, uint64_t now)
{
	size_t budget = WRITE_BUDGET;
	while (tx_pending(s) && budget) {
		size_t n = tx_pending(s);
		if (n > budget)
			n = budget;
		ssize_t w = send(s->fd, s->tx.data + s->tx_off, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			sess_down(s, now, "send: %s", strerror(errno));
			return;
		}
		s->tx_off += (size_t)w;
		s->s_total += (uint64_t)w;
		s->bytes_sent += (uint64_t)w;
		budget -= (size_t)w;
		if (s->first_upd_off && !s->t_first_upd && s->s_total >= s->first_upd_off) {
			s->t_first_upd = now;
			if (!g_first_upd || now < g_first_upd) {
				__atomic_store_n(&g_first_upd, now, __ATOMIC_RELEASE);   /* --ceiling's thread reads it */
				g_cpu_first_upd = cpu_seconds();
			}
		}
		if (s->last_upd_end > s->last_upd_seen && s->s_total >= s->last_upd_end) {
			s->t_last_upd = now;
			s->last_upd_seen = s->last_upd_end;
		}
		if (s->f && s->f->evq_len)
			churn_written(s, now);
		if (s->eor_end && !s->t_eor_sent && s->s_total >= s->eor_end) {
			s->t_eor_sent = now;
			logmsg("%s: table sent: %" PRIu64 " prefixes in %" PRIu64 " UPDATEs, %.3f s after its first UPDATE",
			    s->name, s->pfx_sent, s->upd_sent, (double)(now - s->t_first_upd) / 1e6);
		}
	}
	if (s->tx_off == s->tx.len) {
		s->tx.len = s->tx_off = 0;
	} else if (s->tx_off > s->tx.len / 2 && s->tx_off > 65536) {
		memmove(s->tx.data, s->tx.data + s->tx_off, s->tx.len - s->tx_off);
		s->tx.len -= s->tx_off;
		s->tx_off = 0;
	}
}

/* Queues a NOTIFICATION and pushes out what the socket takes at once; the
 * caller closes the session next, so errors do not matter here. */
static void send_notify(struct sess *s, const struct bgp_notify *n)
{
	size_t from = s->tx.len;
	bgp_notification_encode(&s->tx, n);
	queue_bytes_done(s, from);
	while (tx_pending(s)) {
		ssize_t w = send(s->fd, s->tx.data + s->tx_off, tx_pending(s), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w <= 0)
			break;
		s->tx_off += (size_t)w;
	}
}

static void send_notification(struct sess *s, uint8_t code, uint8_t sub)
{
	struct bgp_notify n;
	notify_set(&n, code, sub, NULL, 0);
	send_notify(s, &n);
}

static void send_keepalive(struct sess *s, uint64_t now)
{
	size_t from = s->tx.len;
	bgp_keepalive_encode(&s->tx);
	queue_bytes_done(s, from);
	s->last_ka = now;
}

static void send_open(struct sess *s)
{
	struct bgp_open o = { 0 };
	o.version = BGP_VERSION;
	o.my_as = s->asn > 0xffff ? AS_TRANS : (uint16_t)s->asn;
	o.hold_time = opt.hold_time;
	o.bgp_id = s->bgp_id;
	o.caps.families = (uint8_t)(1u << s->fam);
	o.caps.route_refresh = true;
	o.caps.ext_message = opt.ext_message;
	o.caps.as4 = true;
	o.caps.as4_asn = s->asn;
	o.caps.role = ROLE_NONE;
	size_t from = s->tx.len;
	bgp_open_encode(&s->tx, &o);
	queue_bytes_done(s, from);
}

static void sess_connect(struct sess *s, uint64_t now)
{
	s->tx.len = s->tx_off = 0;
	s->q_total = s->s_total = 0;
	s->first_upd_off = s->last_upd_end = s->last_upd_seen = s->eor_end = 0;
	int fd = socket(s->local.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (opt.sndbuf)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt.sndbuf, sizeof(opt.sndbuf));
	if (opt.rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof(opt.rcvbuf));
	s->fd = fd;
	s->st = S_CONNECT;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = s };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	s->ev_out = true;
	if (bind(fd, (struct sockaddr *)&s->local, s->local_len) < 0) {
		sess_down(s, now, "bind %s: %s", s->addr, strerror(errno));
		return;
	}
	struct sockaddr_storage rs = opt.rs[s->fam];
	socklen_t rlen = s->fam == FAM_IPV4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	if (s->fam == FAM_IPV4)
		((struct sockaddr_in *)&rs)->sin_port = htons(opt.port);
	else
		((struct sockaddr_in6 *)&rs)->sin6_port = htons(opt.port);
	if (connect(fd, (struct sockaddr *)&rs, rlen) < 0 && errno != EINPROGRESS)
		sess_down(s, now, "connect: %s", strerror(errno));
}

static void on_connected(struct sess *s, uint64_t now)
{
	int err = 0;
	socklen_t l = sizeof(err);
	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &l);
	if (err) {
		sess_down(s, now, "connect: %s", strerror(err));
		return;
	}
	s->st = S_OPENSENT;
	s->last_rx = now;
	s->hold_us = 240 * 1000000ull;  /* RFC 4271: a large hold time until OPEN */
	send_open(s);
	sess_flush(s, now);
}

/* --- sessions: received messages ------------------------------------------------ */

static bool all_sinks_complete(void);

static void sink_check_complete(struct sess *s, uint64_t now)
{
	if (s->expect && !s->t_complete && s->held >= s->expect) {
		s->t_complete = now;
		if (all_sinks_complete())
			g_cpu_complete = cpu_seconds();
		logmsg("%s: complete: %" PRIu64 " prefixes held, %.3f s after the first feeder UPDATE", s->name,
		    s->held, g_first_upd ? (double)(now - g_first_upd) / 1e6 : 0.0);
	}
	if (s->t_complete && !s->t_drained && opt.withdraw_after > 0 && s->held <= opt.expect_after_withdraw) {
		s->t_drained = now;
		logmsg("%s: withdrawal complete: %" PRIu64 " prefixes held, %.3f s after the first withdrawal",
		    s->name, s->held, g_wd_start ? (double)(now - g_wd_start) / 1e6 : 0.0);
	}
}

/* --- receivers: what they hold ---------------------------------------------------- */

static void recv_forget(struct sess *s)
{
	if (s->rib_log)
		fputs("D\n", s->rib_log);
	if (s->bm)
		memset(s->bm, 0, (g_gidx[s->fam].n + 63) / 64 * sizeof(*s->bm));
	pset_free(&s->set);
}

/* A churn event reached receiver s: prefix k of its family changed to
 * `announced` (it did not hold it before an announcement, held it before
 * a withdrawal).  The sample is the delay since the prefix's latest churn
 * event of that kind: a withdrawal may arrive after the feeder already
 * re-announced (a slow route server), but a prefix's next withdrawal
 * comes a whole churn cycle (100 / PCT seconds) later.  The holding bit
 * makes each event count once per receiver. */
static void churn_seen(struct sess *s, uint32_t k, bool announced, uint64_t now)
{
	uint32_t ev = announced ? g_ev_a[s->fam][k] : g_ev_w[s->fam][k];
	if (!ev)
		return;
	uint64_t t = g_ev[ev].t_sent;
	if (!t)
		g_ch_unsent++;
	hist_add(&g_hist, t && now > t ? now - t : 0);
	s->ch_samples++;
}

static inline void recv_add_idx(struct sess *s, uint32_t k, uint64_t now)
{
	uint64_t m = 1ull << (k & 63);
	if (s->bm[k >> 6] & m) {
		s->dup_ann++;
		return;
	}
	s->bm[k >> 6] |= m;
	s->held++;
	if (g_ev_a[s->fam])
		churn_seen(s, k, true, now);
}

static inline void recv_del_idx(struct sess *s, uint32_t k, uint64_t now)
{
	uint64_t m = 1ull << (k & 63);
	if (!(s->bm[k >> 6] & m)) {
		s->wd_unknown++;
		return;
	}
	s->bm[k >> 6] &= ~m;
	s->held--;
	if (g_ev_w[s->fam])
		churn_seen(s, k, false, now);
}

/* Prefixes outside the index: the hash part of a pset, made on first use. */
static void recv_add_other(struct sess *s, const struct prefix *p)
{
	if (!s->set.k)
		pset_init(&s->set, 0);
	if (pset_add(&s->set, pset_key(p)))
		s->held++;
	else
		s->dup_ann++;
}

static void recv_del_other(struct sess *s, const struct prefix *p)
{
	if (s->set.k && pset_del(&s->set, pset_key(p)))
		s->held--;
	else
		s->wd_unknown++;
}

static void after_update(struct sess *s, uint64_t now)
{
	if (s->held > s->held_peak)
		s->held_peak = s->held;
	if (s->recv)
		sink_check_complete(s, now);
}

/* Applies a decode outcome (cached or just made). */
static void recv_entry(struct sess *s, const struct dc_entry *e, uint64_t now)
{
	if (e->eor >= 0) {
		if (!s->t_eor_rcvd)
			s->t_eor_rcvd = now;
		return;
	}
	s->pfx_wd_rcvd += e->nwd;
	s->pfx_ann_rcvd += e->nann;
	/* the digest covers the table as first received: frozen once complete */
	if (s->recv && e->from_feeder && !s->t_complete)
		s->rdigest += e->digest;
	if (!s->recv || opt.count_only) {
		s->held += e->nann;
		s->held = s->held > e->nwd ? s->held - e->nwd : 0;
	} else {
		for (uint32_t i = 0; i < e->nwd; i++)
			recv_del_idx(s, e->idx[i], now);
		for (uint32_t i = 0; i < e->nann; i++)
			recv_add_idx(s, e->idx[e->nwd + i], now);
	}
	after_update(s, now);
}

/* Builds g_dce from g_dec; false if a prefix is outside the index. */
static bool dce_build(enum family fam, const uint8_t *body, size_t len, uint8_t ctx, uint64_t h)
{
	size_t need = (size_t)g_dec.withdrawn.n + g_dec.announced.n;
	if (!g_dce || need > g_dce_cap) {
		g_dce_cap = need * 2;
		g_dce = xrealloc(g_dce, sizeof(*g_dce) + g_dce_cap * sizeof(uint32_t));
	}
	struct dc_entry *e = &g_dce->e;
	memset(e, 0, sizeof(*e));
	e->h = h;
	e->len = (uint32_t)len;
	e->ctx = ctx;
	e->eor = (int8_t)g_dec.eor_family;
	e->body = body;
	e->nwd = g_dec.withdrawn.n;
	e->nann = g_dec.announced.n;
	uint32_t o = 0;
	for (uint32_t i = 0; i < g_dec.withdrawn.n; i++) {
		const struct prefix *p = &g_dec.withdrawn.v[i];
		uint32_t k = p->afi == family_afi(fam) ? gidx_get(&g_gidx[fam], pset_key(p)) : GIDX_NONE;
		if (k == GIDX_NONE)
			return false;
		g_dce->idx[o++] = k;
	}
	for (uint32_t i = 0; i < g_dec.announced.n; i++) {
		const struct prefix *p = &g_dec.announced.v[i];
		uint32_t k = p->afi == family_afi(fam) ? gidx_get(&g_gidx[fam], pset_key(p)) : GIDX_NONE;
		if (k == GIDX_NONE)
			return false;
		g_dce->idx[o++] = k;
	}
	if (g_dec.announced.n && is_feeder_asn(g_dec.info.neighbor_as)) {
		e->from_feeder = true;
		digest_add(&e->digest, &g_dec);
	}
	return true;
}

static void on_update(struct sess *s, const uint8_t *body, size_t len, uint64_t now)
{
	s->upd_rcvd++;
	if (!s->t_first_rcvd)
		s->t_first_rcvd = now;
	if (s->rib_log) {
		bgp_update_decode(&s->uctx, body, len, &g_dec_log);
		riblog_update(s->rib_log, &g_dec_log);
	}
	uint8_t ctx = (uint8_t)(s->uctx.peer_as4 | s->uctx.families << 1);
	struct dc_entry *prev = s->dc_last, *e = prev ? prev->next : NULL;
	if (e && dc_match(e, body, len, ctx)) {
		g_dc.chained++;
	} else {
		uint64_t h = hash_fast(body, len) ^ ((uint64_t)ctx << 56);
		e = dc_find(&g_dc, h, body, len, ctx);
		if (!e)
			goto miss;
		g_dc.hits++;
		if (prev)
			prev->next = e;
	}
	s->dc_last = e;
	if (e->next) {
		__builtin_prefetch(e->next);
		__builtin_prefetch(e->next->body);
	}
	recv_entry(s, e, now);
	return;
miss:
	g_dc.misses++;
	s->dc_last = NULL;
	bgp_update_decode(&s->uctx, body, len, &g_dec);
	if (g_dec.action != UPD_OK) {
		s->decode_err++;
		if (s->decode_err <= 10) {
			char hex[3 * 48 + 1] = "";
			for (size_t i = 0; i < len && i < 48; i++)
				snprintf(hex + 3 * i, 4, "%02x ", body[i]);
			logmsg("%s: MALFORMED UPDATE from the route server (%s): %s; body %zu bytes: %s", s->name,
			    g_dec.action == UPD_SESSION_RESET ? "session reset" :
			    g_dec.action == UPD_TREAT_AS_WITHDRAW ? "treat-as-withdraw" : "attribute discard",
			    g_dec.reason, len, hex);
		}
		if (g_dec.action == UPD_SESSION_RESET)
			return;
	}
	if (g_dec.action == UPD_OK && dce_build(s->fam, body, len, ctx, hash_fast(body, len) ^ ((uint64_t)ctx << 56))) {
		if (!g_dc.full) {
			s->dc_last = dc_insert(&g_dc, &g_dce->e, body);
			if (s->dc_last && prev)
				prev->next = s->dc_last;
		}
		recv_entry(s, &g_dce->e, now);
		return;
	}
	/* not cacheable: an error, or prefixes outside the index */
	g_dc.uncacheable++;
	if (g_dec.eor_family >= 0) {
		if (!s->t_eor_rcvd)
			s->t_eor_rcvd = now;
		return;
	}
	s->pfx_wd_rcvd += g_dec.withdrawn.n;
	s->pfx_ann_rcvd += g_dec.announced.n;
	if (s->recv && g_dec.action == UPD_OK && !s->t_complete && is_feeder_asn(g_dec.info.neighbor_as))
		digest_add(&s->rdigest, &g_dec);
	if (!s->recv || opt.count_only) {
		s->held += g_dec.announced.n;
		s->held = s->held > g_dec.withdrawn.n ? s->held - g_dec.withdrawn.n : 0;
	} else {
		for (uint32_t i = 0; i < g_dec.withdrawn.n; i++) {
			const struct prefix *p = &g_dec.withdrawn.v[i];
			uint32_t k = p->afi == family_afi(s->fam) ? gidx_get(&g_gidx[s->fam], pset_key(p)) : GIDX_NONE;
			if (k != GIDX_NONE)
				recv_del_idx(s, k, now);
			else
				recv_del_other(s, p);
		}
		for (uint32_t i = 0; i < g_dec.announced.n; i++) {
			const struct prefix *p = &g_dec.announced.v[i];
			uint32_t k = p->afi == family_afi(s->fam) ? gidx_get(&g_gidx[s->fam], pset_key(p)) : GIDX_NONE;
			if (k != GIDX_NONE)
				recv_add_idx(s, k, now);
			else
				recv_add_other(s, p);
		}
	}
	after_update(s, now);
}

static void on_open(struct sess *s, const uint8_t *body, size_t len, uint64_t now)
{
	struct bgp_open o;
	struct bgp_notify err;
	if (s->st != S_OPENSENT) {
		send_notification(s, ERR_FSM, 0);
		sess_down(s, now, "OPEN in state %s", state_names[s->st]);
		return;
	}
	if (bgp_open_decode(body, len, &o, &err) < 0) {
		send_notify(s, &err);
		sess_down(s, now, "bad OPEN from the route server: %s", notify_code_str(err.code, err.subcode));
		return;
	}
	uint32_t peer_as = o.caps.as4 ? o.caps.as4_asn : o.my_as;
	if (opt.rs_as && peer_as != opt.rs_as) {
		send_notification(s, ERR_OPEN, ERR_OPEN_PEER_AS);
		sess_down(s, now, "route server says AS%u, expected AS%u", peer_as, opt.rs_as);
		return;
	}
	uint16_t hold = o.hold_time < opt.hold_time ? o.hold_time : opt.hold_time;
	s->hold_us = (uint64_t)hold * 1000000u;
	s->ka_us = s->hold_us / 3;
	s->peer_as4 = o.caps.as4;
	s->ext_msg = opt.ext_message && o.caps.ext_message;
	s->max_msg = s->ext_msg ? BGP_MAX_EXT_MSG : BGP_MAX_MSG;
	s->sc = (struct send_class){ .as4 = s->peer_as4, .ext_message = s->ext_msg };
	s->uctx = (struct update_ctx){ .peer_as4 = s->peer_as4, .families = (uint8_t)(1u << s->fam) };
	s->st = S_OPENCONFIRM;
	send_keepalive(s, now);
	sess_flush(s, now);
}

static void on_notification(struct sess *s, const uint8_t *body, size_t len, uint64_t now)
{
	struct bgp_notify n;
	if (bgp_notification_decode(body, len, &n) < 0) {
		snprintf(s->last_notify, sizeof(s->last_notify), "(undecodable NOTIFICATION)");
	} else {
		char text[160] = "";
		if (bgp_notification_shutdown_msg(&n, text, sizeof(text)) < 0)
			text[0] = '\0';
		snprintf(s->last_notify, sizeof(s->last_notify), "%u/%u %.64s%s%s%s", n.code, n.subcode,
		    notify_code_str(n.code, n.subcode), text[0] ? " \"" : "", text, text[0] ? "\"" : "");
	}
	sess_down(s, now, "NOTIFICATION received: %s", s->last_notify);
}

/* Processes the complete messages in buf; returns the bytes consumed. */
static size_t sess_process(struct sess *s, const uint8_t *buf, size_t buflen, uint64_t now)
{
	size_t off = 0;
	while (s->fd >= 0 && buflen - off >= BGP_HEADER_LEN) {
		const uint8_t *h = buf + off;
		uint8_t type;
		uint16_t len;
		struct bgp_notify err;
		size_t max = s->st == S_ESTABLISHED ? s->max_msg : BGP_MAX_MSG;
		if (bgp_header_check(h, max, &type, &len, &err) < 0) {
			send_notify(s, &err);
			sess_down(s, now, "bad message header from the route server: %s",
			    notify_code_str(err.code, err.subcode));
			return off;
		}
		if (buflen - off < len)
			break;
		const uint8_t *body = h + BGP_HEADER_LEN;
		size_t blen = len - BGP_HEADER_LEN;
		off += len;
		switch (type) {
		case BGP_OPEN:
			on_open(s, body, blen, now);
			break;
		case BGP_KEEPALIVE:
			if (s->st == S_OPENCONFIRM) {
				s->st = S_ESTABLISHED;
				s->t_established = now;
				logmsg("%s: established (hold %" PRIu64 " s%s%s)", s->name, s->hold_us / 1000000,
				    s->peer_as4 ? ", as4" : "", s->ext_msg ? ", extended messages" : "");
				if (s->recv && !opt.count_only && !s->bm)
					s->bm = xcalloc((g_gidx[s->fam].n + 64) / 64, sizeof(*s->bm));
				if (s->f && g_feeding)
					feeder_start(s, GEN_ANNOUNCE, true);
			} else if (s->st != S_ESTABLISHED) {
				send_notification(s, ERR_FSM, 0);
				sess_down(s, now, "KEEPALIVE in state %s", state_names[s->st]);
			}
			break;
		case BGP_UPDATE:
			if (s->st != S_ESTABLISHED) {
				send_notification(s, ERR_FSM, 0);
				sess_down(s, now, "UPDATE in state %s", state_names[s->st]);
				break;
			}
			on_update(s, body, blen, now);
			break;
		case BGP_NOTIFICATION:
			on_notification(s, body, blen, now);
			break;
		case BGP_ROUTE_REFRESH:
			s->refresh_rcvd++;
			if (s->f && s->st == S_ESTABLISHED && s->f->table_done && !s->f->withdrawn_all) {
				logmsg("%s: ROUTE-REFRESH received: sending the table again", s->name);
				feeder_start(s, GEN_ANNOUNCE, true);
			}
			break;
		}
	}
	return off;
}

/* Keeps the unprocessed tail of the shared read buffer (a partial message,
 * at most 64 KB) with its connection. */
static void rx_keep(uint8_t **rx, size_t *rx_len, const uint8_t *buf, size_t len)
{
	if (len) {
		*rx = xrealloc(*rx, len);
		memcpy(*rx, buf, len);
	} else {
		free(*rx);
		*rx = NULL;
	}
	*rx_len = len;
}

/* Reads into the shared buffer, after what was left of the last read:
 * one buffer for every connection, so 1,400 connections do not each keep
 * a 300 KB one.  Returns the bytes now in g_rxbuf, 0 on EAGAIN, -1 on EOF,
 * -2 on error (errno). */
static ssize_t rx_read(int fd, uint8_t **rx, size_t *rx_len, size_t *got)
{
	if (!g_rxbuf) {
		g_rxbuf_cap = RX_CHUNK + BGP_MAX_EXT_MSG;
		g_rxbuf = xmalloc(g_rxbuf_cap);
	}
	size_t have = *rx_len;
	if (have)
		memcpy(g_rxbuf, *rx, have);
	ssize_t r = recv(fd, g_rxbuf + have, g_rxbuf_cap - have, MSG_DONTWAIT);
	*got = r > 0 ? (size_t)r : 0;
	if (r < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -2;
	if (r == 0)
		return -1;
	return (ssize_t)(have + (size_t)r);
}

static void on_readable(struct sess *s, uint64_t now)
{
	size_t budget = READ_BUDGET;
	while (s->fd >= 0 && budget) {
		size_t got;
		ssize_t n = rx_read(s->fd, &s->rx, &s->rx_len, &got);
		if (n == 0)
			return;
		if (n == -2) {
			sess_down(s, now, "recv: %s", strerror(errno));
			return;
		}
		if (n == -1) {
			sess_down(s, now, "connection closed by the route server without NOTIFICATION");
			return;
		}
		s->bytes_rcvd += got;
		now = now_us();         /* completion times must not lag the batch */
		s->last_rx = now;
		budget = budget > got ? budget - got : 0;
		size_t used = sess_process(s, g_rxbuf, (size_t)n, now);
		if (s->fd < 0)
			return;
		rx_keep(&s->rx, &s->rx_len, g_rxbuf + used, (size_t)n - used);
	}
}

static void on_writable(struct sess *s, uint64_t now)
{
	size_t written = 0;
	while (s->fd >= 0 && written < WRITE_BUDGET) {
		feeder_fill(s);
		if (!tx_pending(s))
			break;
		uint64_t before = s->s_total;
		sess_flush(s, now);
		if (s->fd < 0 || s->s_total == before || tx_pending(s) > TX_HIGH_WATER / 2)
			break;      /* socket full */
		written += (size_t)(s->s_total - before);
	}
}

/* --- --ceiling: bgpload as the route server ------------------------------------------
 *
 * Each session connects exactly as in a normal run, but to a listener of
 * this process on the route server's address.  The route-server side of a
 * receiving session (sink, member) is sent, as soon as the first feeder
 * UPDATE is out, the tables of every feeder and member of its family but
 * its own: they were encoded once at start-up, one after the other, into
 * g_stream[family], so a receiver's output is at most two slices of that
 * buffer plus End-of-RIB, written straight from it.  What feeders and
 * members send is read and discarded up to their End-of-RIB; later UPDATEs
 * (churn, --withdraw-after) are forwarded unchanged to every other
 * receiver of the family, and a feeder whose session closes has its table
 * withdrawn, as a transparent route server would. */

static struct srv **g_srvs;         /* every route-server side ever accepted */
static size_t g_nsrvs;
static struct srv **g_dirty;        /* with output queued during this batch */
static size_t g_ndirty, g_dirty_cap;

static void srv_events(struct srv *v)
{
	if (v->fd < 0)
		return;
	bool want = v->q_off < v->q.len || v->static_active || (v->streaming && !v->static_done);
	if (want == v->ev_out)
		return;
	struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = v };
	if (epoll_ctl(g_sep, EPOLL_CTL_MOD, v->fd, &ev) == 0)
		v->ev_out = want;
}

/* Output queued for v: written after the current batch of events (one
 * send for everything forwarded to it meanwhile). */
static void srv_dirty(struct srv *v)
{
	if (v->dirty)
		return;
	v->dirty = true;
	if (g_ndirty == g_dirty_cap) {
		g_dirty_cap = g_dirty_cap ? g_dirty_cap * 2 : 256;
		g_dirty = xrealloc(g_dirty, g_dirty_cap * sizeof(*g_dirty));
	}
	g_dirty[g_ndirty++] = v;
}

static void srv_flush(struct srv *v);

static void srv_flush_dirty(void)
{
	for (size_t i = 0; i < g_ndirty; i++) {
		struct srv *v = g_dirty[i];
		v->dirty = false;
		srv_flush(v);
		srv_events(v);
	}
	g_ndirty = 0;
}

/* Appends the withdrawal of s's whole table to every other receiver. */
static void srv_withdraw_table(struct sess *s)
{
	const uint8_t *w = g_wstream[s->fam].data + s->blob_woff;
	for (int i = 0; i < nsess; i++) {
		struct sess *r = sessions[i];
		if (r == s || !r->recv || r->fam != s->fam || !r->srv || !r->srv->streaming)
			continue;
		wbuf_put(&r->srv->q, w, s->blob_wlen);
		srv_dirty(r->srv);
	}
}

/* The struct stays allocated (an event of the same epoll batch may still
 * point to it); fd -1 marks it dead. */
static void srv_close(struct srv *v, const char *why)
{
	if (v->fd < 0)
		return;
	epoll_ctl(g_sep, EPOLL_CTL_DEL, v->fd, NULL);
	close(v->fd);
	v->fd = -1;
	struct sess *s = v->s;
	bool quitting = __atomic_load_n(&g_srv_quit, __ATOMIC_ACQUIRE);
	if (!quitting)
		logmsg("ceiling: route-server side of %s closed: %s", s->name, why);
	if (v->established && s->f && s->f->n && v->s->blob_wlen && !quitting &&
	    __atomic_load_n(&g_first_upd, __ATOMIC_ACQUIRE))
		srv_withdraw_table(s);
	if (s->srv == v)
		s->srv = NULL;
	free(v->rx);
	v->rx = NULL;
	wbuf_free(&v->q);
}

static bool msg_is_eor(const uint8_t *m, size_t mlen)
{
	const uint8_t *b = m + BGP_HEADER_LEN;
	size_t n = mlen - BGP_HEADER_LEN;
	if (n == 4)
		return get_u32(b) == 0;
	if (n < 7 || get_u16(b) != 0 || (size_t)get_u16(b + 2) + 4 != n)
		return false;
	bool ext = b[4] & ATTR_F_EXTLEN;
	size_t hl = ext ? 4 : 3;
	if (n < 4 + hl)
		return false;
	size_t vl = ext ? get_u16(b + 6) : b[6];
	return b[5] == ATTR_MP_UNREACH_NLRI && vl == 3 && hl + vl + 4 == n;
}

static void srv_forward(struct srv *from, const uint8_t *m, size_t mlen)
{
	for (int i = 0; i < nsess; i++) {
		struct sess *r = sessions[i];
		if (r == from->s || !r->recv || r->fam != from->s->fam || !r->srv || !r->srv->streaming)
			continue;
		wbuf_put(&r->srv->q, m, mlen);
		srv_dirty(r->srv);
	}
}

static size_t srv_process(struct srv *v, const uint8_t *buf, size_t len, uint64_t now)
{
	size_t off = 0;
	while (v->fd >= 0 && len - off >= BGP_HEADER_LEN) {
		uint8_t type;
		uint16_t mlen;
		struct bgp_notify err;
		if (bgp_header_check(buf + off, BGP_MAX_EXT_MSG, &type, &mlen, &err) < 0) {
			srv_close(v, "bad message header");
			return off;
		}
		if (len - off < mlen)
			break;
		const uint8_t *m = buf + off;
		off += mlen;
		switch (type) {
		case BGP_OPEN:
			if (!v->open_rcvd) {
				v->open_rcvd = true;
				bgp_keepalive_encode(&v->q);
				v->last_ka = now;
			}
			break;
		case BGP_KEEPALIVE:
			if (v->open_rcvd && !v->established)
				v->established = true;
			break;
		case BGP_UPDATE:
			if (!v->established)
				break;
			if (msg_is_eor(m, mlen)) {
				v->eor_seen = true;
				break;
			}
			/* the initial table is in g_stream already */
			if (v->eor_seen || v->s->srv_conns > 1)
				srv_forward(v, m, mlen);
			break;
		case BGP_NOTIFICATION:
			srv_close(v, "NOTIFICATION received");
			return off;
		default:
			break;
		}
	}
	return off;
}

static void srv_readable(struct srv *v, uint64_t now)
{
	size_t budget = READ_BUDGET;
	while (v->fd >= 0 && budget) {
		size_t got;
		ssize_t n = rx_read(v->fd, &v->rx, &v->rx_len, &got);
		if (n == 0)
			return;
		if (n < 0) {
			srv_close(v, n == -1 ? "connection closed" : strerror(errno));
			return;
		}
		budget = budget > got ? budget - got : 0;
		size_t used = srv_process(v, g_rxbuf, (size_t)n, now);
		if (v->fd < 0)
			return;
		rx_keep(&v->rx, &v->rx_len, g_rxbuf + used, (size_t)n - used);
	}
}

/* Writes the queue (handshake, keepalives, forwarded UPDATEs) and the
 * table slices; the slices go out whole once started (messages are never
 * interleaved), what is queued meanwhile follows them. */
static void srv_flush(struct srv *v)
{
	size_t budget = WRITE_BUDGET;
	while (v->fd >= 0 && budget) {
		const uint8_t *p;
		size_t n;
		if (v->static_active) {
			while (v->cur < v->nseg && v->off == v->seg[v->cur].len) {
				v->cur++;
				v->off = 0;
			}
			if (v->cur == v->nseg) {
				v->static_active = false;
				v->static_done = true;
				continue;
			}
			p = v->seg[v->cur].p + v->off;
			n = v->seg[v->cur].len - v->off;
		} else if (v->q_off < v->q.len) {
			p = v->q.data + v->q_off;
			n = v->q.len - v->q_off;
		} else if (v->streaming && !v->static_done) {
			v->static_active = true;
			continue;
		} else {
			break;
		}
		if (n > budget)
			n = budget;
		ssize_t w = send(v->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			srv_close(v, strerror(errno));
			return;
		}
		budget -= (size_t)w;
		if (v->static_active) {
			v->off += (size_t)w;
		} else {
			v->q_off += (size_t)w;
			if (v->q_off == v->q.len)
				v->q.len = v->q_off = 0;
		}
		if ((size_t)w < n)
			break;
	}
	if (v->fd >= 0 && v->q_off > 65536 && v->q_off > v->q.len / 2) {
		memmove(v->q.data, v->q.data + v->q_off, v->q.len - v->q_off);
		v->q.len -= v->q_off;
		v->q_off = 0;
	}
}

static struct sess *sess_by_peer(const struct sockaddr_storage *peer)
{
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (s->local.ss_family != peer->ss_family)
			continue;
		if (peer->ss_family == AF_INET ?
		    ((const struct sockaddr_in *)peer)->sin_addr.s_addr == ((struct sockaddr_in *)&s->local)->sin_addr.s_addr :
		    !memcmp(&((const struct sockaddr_in6 *)peer)->sin6_addr, &((struct sockaddr_in6 *)&s->local)->sin6_addr, 16))
			return s;
	}
	return NULL;
}

static void srv_accept(struct lsn *l, uint64_t now)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer);
		int fd = accept4(l->fd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
				logmsg("ceiling: accept: %s", strerror(errno));
			return;
		}
		struct sess *s = sess_by_peer(&peer);
		if (!s) {
			g_srv_rejected++;
			close(fd);
			continue;
		}
		g_srv_accepted++;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (opt.sndbuf)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt.sndbuf, sizeof(opt.sndbuf));
		if (opt.rcvbuf)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof(opt.rcvbuf));
		if (s->srv)
			srv_close(s->srv, "the client connected again");
		struct srv *v = xcalloc(1, sizeof(*v));
		v->kind = K_SRV;
		v->fd = fd;
		v->s = s;
		v->ka_us = (uint64_t)opt.hold_time * 1000000u / 3;
		s->srv = v;
		s->srv_conns++;
		g_srvs = xrealloc(g_srvs, (g_nsrvs + 1) * sizeof(*g_srvs));
		g_srvs[g_nsrvs++] = v;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = v };
		epoll_ctl(g_sep, EPOLL_CTL_ADD, fd, &ev);
		v->ev_out = true;
		struct bgp_open o = { 0 };
		uint32_t as = opt.rs_as ? opt.rs_as : 59900;
		o.version = BGP_VERSION;
		o.my_as = as > 0xffff ? AS_TRANS : (uint16_t)as;
		o.hold_time = opt.hold_time;
		o.bgp_id = opt.have_rs[FAM_IPV4] ?
		    ntohl(((struct sockaddr_in *)&opt.rs[FAM_IPV4])->sin_addr.s_addr) : 0xc0000201;
		o.caps.families = (uint8_t)(1u << s->fam);
		o.caps.route_refresh = true;
		o.caps.ext_message = opt.ext_message;
		o.caps.as4 = true;
		o.caps.as4_asn = as;
		o.caps.role = ROLE_NONE;
		bgp_open_encode(&v->q, &o);
		srv_flush(v);
		srv_events(v);
		(void)now;
	}
}

static void srv_start_stream(struct srv *v)
{
	struct sess *s = v->s;
	const struct wbuf *st = &g_stream[s->fam];
	v->nseg = 0;
	if (s->blob_off)
		v->seg[v->nseg++] = (struct seg){ st->data, s->blob_off };
	size_t after = s->blob_off + s->blob_len;
	if (after < st->len)
		v->seg[v->nseg++] = (struct seg){ st->data + after, st->len - after };
	v->seg[v->nseg++] = (struct seg){ g_eor[s->fam].data, g_eor[s->fam].len };
	v->cur = 0;
	v->off = 0;
	v->streaming = true;
}

static void srv_timers(uint64_t now)
{
	bool go = __atomic_load_n(&g_first_upd, __ATOMIC_ACQUIRE) ||
	    (__atomic_load_n(&g_feeding, __ATOMIC_ACQUIRE) && !g_nfeeder_asns);
	for (size_t i = 0; i < g_nsrvs; i++) {
		struct srv *v = g_srvs[i];
		if (v->fd < 0)
			continue;
		bool more = false;
		if (v->established && !v->streaming && go && v->s->recv) {
			srv_start_stream(v);
			more = true;
		}
		if (v->open_rcvd && v->ka_us && now - v->last_ka >= v->ka_us) {
			bgp_keepalive_encode(&v->q);
			v->last_ka = now;
			more = true;
		}
		if (more) {
			srv_flush(v);
			srv_events(v);
		}
	}
}

/* The route-server side's thread: on the other core, like a route server. */
static void *srv_main(void *arg)
{
	(void)arg;
	struct epoll_event evs[256];
	uint64_t next_timers = 0;
	while (!__atomic_load_n(&g_srv_quit, __ATOMIC_ACQUIRE)) {
		uint64_t now = now_us();
		if (now >= next_timers) {
			srv_timers(now);
			next_timers = now + 2000;
		}
		int n = epoll_wait(g_sep, evs, 256, 2);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			now = now_us();
			if (*(int *)evs[i].data.ptr == K_LSN) {
				srv_accept(evs[i].data.ptr, now);
				continue;
			}
			struct srv *v = evs[i].data.ptr;
			if (v->fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
				srv_readable(v, now);
			if (v->fd >= 0 && (evs[i].events & EPOLLOUT))
				srv_flush(v);
			srv_events(v);
		}
		srv_flush_dirty();
	}
	for (size_t i = 0; i < g_nsrvs; i++)
		srv_close(g_srvs[i], "exiting");
	free(g_dirty);
	free(g_rxbuf);
	g_rxbuf = NULL;
	return NULL;
}

/* The feeders' and members' tables, encoded once (setup). */
static void ceiling_prepare(void)
{
	uint64_t t0 = now_us();
	for (int fam = 0; fam < 2; fam++) {
		g_eor[fam].len = 0;
		bgp_update_encode_eor(&g_eor[fam], (enum family)fam);
	}
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (!s->f)
			continue;
		struct sess tmp = *s;
		struct feeder ft = *s->f;
		tmp.f = &ft;
		ft.first_pass = false;
		tmp.peer_as4 = true;
		tmp.sc = (struct send_class){ .as4 = true };
		tmp.tx = g_stream[s->fam];
		s->blob_off = tmp.tx.len;
		for (uint32_t g = 0; g < ft.ngroups; g++)
			feeder_encode_group(&tmp, g, true);
		g_stream[s->fam] = tmp.tx;
		s->blob_len = g_stream[s->fam].len - s->blob_off;
		/* and withdrawn, for when its session closes */
		tmp.tx = g_wstream[s->fam];
		s->blob_woff = tmp.tx.len;
		for (uint32_t g = 0; g < ft.ngroups; g++)
			feeder_encode_group(&tmp, g, false);
		g_wstream[s->fam] = tmp.tx;
		s->blob_wlen = g_wstream[s->fam].len - s->blob_woff;
	}
	logmsg("ceiling: tables encoded: %.1f MB IPv4, %.1f MB IPv6 (%.3f s)", (double)g_stream[0].len / 1e6,
	    (double)g_stream[1].len / 1e6, (double)(now_us() - t0) / 1e6);
}

static void ceiling_listen(void)
{
	g_sep = epoll_create1(EPOLL_CLOEXEC);
	if (g_sep < 0)
		die("epoll_create1: %s", strerror(errno));
	for (int fam = 0; fam < 2; fam++) {
		bool used = false;
		for (int i = 0; i < nsess && !used; i++)
			used = (int)sessions[i]->fam == fam;
		if (!used)
			continue;
		struct sockaddr_storage a = opt.rs[fam];
		socklen_t alen = fam == FAM_IPV4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
		if (fam == FAM_IPV4)
			((struct sockaddr_in *)&a)->sin_port = htons(opt.port);
		else
			((struct sockaddr_in6 *)&a)->sin6_port = htons(opt.port);
		int fd = socket(a.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fam == FAM_IPV6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		char txt[INET6_ADDRSTRLEN];
		inet_ntop(a.ss_family, fam == FAM_IPV4 ? (void *)&((struct sockaddr_in *)&a)->sin_addr :
		    (void *)&((struct sockaddr_in6 *)&a)->sin6_addr, txt, sizeof(txt));
		if (bind(fd, (struct sockaddr *)&a, alen) < 0)
			die("--ceiling: cannot listen on %s port %u: %s (the route server's address must be "
			    "configured in this namespace)", txt, opt.port, strerror(errno));
		if (listen(fd, 4096) < 0)
			die("listen: %s", strerror(errno));
		g_lsn[fam].fd = fd;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &g_lsn[fam] };
		epoll_ctl(g_sep, EPOLL_CTL_ADD, fd, &ev);
		logmsg("ceiling: playing the route server on %s port %u", txt, opt.port);
	}
	int err = pthread_create(&g_srv_thread, NULL, srv_main, NULL);
	if (err)
		die("pthread_create: %s", strerror(err));
}

static void ceiling_close(void)
{
	__atomic_store_n(&g_srv_quit, true, __ATOMIC_RELEASE);
	pthread_join(g_srv_thread, NULL);
	for (int fam = 0; fam < 2; fam++)
		if (g_lsn[fam].fd >= 0) {
			close(g_lsn[fam].fd);
			g_lsn[fam].fd = -1;
		}
	close(g_sep);
	for (size_t i = 0; i < g_nsrvs; i++)
		free(g_srvs[i]);
	free(g_srvs);
	g_srvs = NULL;
	g_nsrvs = 0;
}

/* --- timers ----------------------------------------------------------------------- */

static bool all_sinks_complete(void)
{
	for (int i = 0; i < nsess; i++)
		if (sessions[i]->recv && sessions[i]->expect && !sessions[i]->t_complete)
			return false;
	return true;
}

static bool all_established(void)
{
	for (int i = 0; i < nsess; i++)
		if (sessions[i]->st != S_ESTABLISHED)
			return false;
	return true;
}

/* Encodes group g withdrawn or re-announced by the churn and records the
 * event: its prefixes' latest event of that kind, sent when the feeder has
 * written the UPDATEs' last byte (sess_flush). */
static void churn_encode(struct sess *s, uint32_t g, bool announce)
{
	struct feeder *f = s->f;
	feeder_encode_group(s, g, announce);
	if (g_nev >= g_ev_cap) {
		g_ev_cap = g_ev_cap ? g_ev_cap * 2 : 4096;
		g_ev = xrealloc(g_ev, g_ev_cap * sizeof(*g_ev));
	}
	uint32_t id = g_nev++;
	g_ev[id] = (struct churn_ev){ .t_sent = 0, .end_off = s->q_total };
	if (f->evq_head + f->evq_len == f->evq_cap) {
		if (f->evq_head) {
			memmove(f->evq, f->evq + f->evq_head, f->evq_len * sizeof(*f->evq));
			f->evq_head = 0;
		} else {
			f->evq_cap = f->evq_cap ? f->evq_cap * 2 : 64;
			f->evq = xrealloc(f->evq, f->evq_cap * sizeof(*f->evq));
		}
	}
	f->evq[f->evq_head + f->evq_len++] = id;
	size_t n;
	const struct prefix *p = feeder_group(s, g, &n, NULL);
	uint32_t *evk = announce ? g_ev_a[s->fam] : g_ev_w[s->fam];
	for (size_t i = 0; i < n; i++) {
		uint32_t k = gidx_get(&g_gidx[s->fam], pset_key(&p[i]));
		if (k != GIDX_NONE)
			evk[k] = id;
	}
	s->ch_issued += n;
	g_ch_issued[s->fam] += n;
}

/* The feeder wrote its output up to s_total: its churn events there are sent. */
static void churn_written(struct sess *s, uint64_t now)
{
	struct feeder *f = s->f;
	while (f->evq_len && g_ev[f->evq[f->evq_head]].end_off <= s->s_total) {
		g_ev[f->evq[f->evq_head]].t_sent = now;
		f->evq_head++;
		f->evq_len--;
	}
	if (!f->evq_len)
		f->evq_head = 0;
}

/* The feeder withdraws its whole table: what follows is not churn. */
static void churn_forget(struct sess *s)
{
	if (!g_ev_w[s->fam])
		return;
	for (uint32_t g = 0; g < s->f->ngroups; g++) {
		size_t n;
		const struct prefix *p = feeder_group(s, g, &n, NULL);
		for (size_t i = 0; i < n; i++) {
			uint32_t k = gidx_get(&g_gidx[s->fam], pset_key(&p[i]));
			if (k != GIDX_NONE)
				g_ev_w[s->fam][k] = g_ev_a[s->fam][k] = 0;
		}
	}
}

static void churn_tick(struct sess *s, uint64_t now)
{
	struct feeder *f = s->f;
	if (f->ngroups == 0)
		return;
	/* re-announce what the previous tick withdrew, withdraw the next chunk */
	for (uint32_t i = 0; i < f->churn_prev_n; i++)
		churn_encode(s, (f->churn_prev_g + i) % f->ngroups, true);
	f->churn_prev_n = 0;
	if (f->churn_end_at && now >= f->churn_end_at) {
		f->churn_next = 0;
		f->churn_done = true;
		if (now > g_churn_end)
			g_churn_end = now;
		logmsg("%s: churn ended (%" PRIu64 " prefix events)", s->name, s->ch_issued);
		return;
	}
	f->churn_acc += opt.churn_pct / 100.0 * f->n / 10.0;        /* 10 ticks a second */
	uint32_t start = f->churn_cursor, ng = 0;
	while (f->churn_acc >= 1 && ng < f->ngroups) {
		uint32_t g = (start + ng) % f->ngroups;
		f->churn_acc -= f->gstart[g + 1] - f->gstart[g];
		churn_encode(s, g, false);
		ng++;
	}
	f->churn_prev_g = start;
	f->churn_prev_n = ng;
	f->churn_cursor = (start + ng) % f->ngroups;
	f->churn_next = now + 100000;
}

static void timers(uint64_t now)
{
	if (!g_feeding && (opt.no_wait || all_established() ||
	    now - start_us() > (uint64_t)(opt.wait_timeout * 1e6))) {
		__atomic_store_n(&g_feeding, true, __ATOMIC_RELEASE);
		if (!opt.no_wait && !all_established())
			logmsg("not every session is up after %.0f s: feeders start anyway", opt.wait_timeout);
		else
			logmsg("every session is up: feeders start");
		for (int i = 0; i < nsess; i++)
			if (sessions[i]->f && sessions[i]->st == S_ESTABLISHED)
				feeder_start(sessions[i], GEN_ANNOUNCE, true);
	}
	int allc = -1;              /* all_sinks_complete(), computed when needed */
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (s->st == S_IDLE && now >= s->retry_at)
			sess_connect(s, now);
		if (s->fd < 0 || s->st < S_OPENSENT)
			continue;
		if (s->hold_us && now - s->last_rx > s->hold_us) {
			send_notification(s, ERR_HOLD_TIMER, 0);
			sess_down(s, now, "hold timer expired: nothing from the route server for %.1f s",
			    (double)(now - s->last_rx) / 1e6);
			continue;
		}
		if (s->st >= S_OPENCONFIRM && s->ka_us && now - s->last_ka >= s->ka_us) {
			send_keepalive(s, now);
			sess_flush(s, now);
		}
		struct feeder *f = s->f;
		if (!f || s->st != S_ESTABLISHED || !f->table_done || f->mode != GEN_IDLE)
			continue;
		/* --withdraw-after counts from the moment the table is out and
		 * every sink of this process holds it */
		if (opt.withdraw_after > 0 && !f->withdraw_scheduled && s->t_eor_sent &&
		    (allc < 0 ? (allc = all_sinks_complete()) : allc)) {
			f->withdraw_scheduled = true;
			f->t_withdraw_at = now + (uint64_t)(opt.withdraw_after * 1e6);
		}
		/* so does churn (--churn-after later) */
		if (opt.churn_pct > 0 && !f->churn_scheduled && f->ngroups && s->t_eor_sent &&
		    (allc < 0 ? (allc = all_sinks_complete()) : allc)) {
			f->churn_scheduled = true;
			/* feeders tick 10 times a second, spread over the 100 ms */
			f->churn_next = now + (uint64_t)(opt.churn_after * 1e6) + (uint64_t)s->idx * 100000u / (uint64_t)nsess;
			if (opt.churn_duration > 0)
				f->churn_end_at = f->churn_next + (uint64_t)(opt.churn_duration * 1e6);
			/* feeders of the same prefixes churn different parts */
			f->churn_cursor = (uint32_t)(mix64(s->asn) % f->ngroups);
			logmsg("%s: churn of %.1f %% a second starts in %.1f s", s->name, opt.churn_pct, opt.churn_after);
		}
		if (f->t_withdraw_at && now >= f->t_withdraw_at && !f->withdrawn_all) {
			f->t_withdraw_at = 0;
			f->t_wd_start = now;
			if (!g_wd_start)
				g_wd_start = now;
			if (f->churn_next && !f->churn_done) {
				f->churn_done = true;
				if (now > g_churn_end)
					g_churn_end = now;
			}
			f->churn_next = 0;
			if (opt.down_instead) {
				logmsg("%s: closing the session (%u prefixes)", s->name, f->n);
				churn_forget(s);
				send_notification(s, ERR_CEASE, ERR_CEASE_ADMIN_DOWN);
				sess_close(s);
				s->st = S_CLOSED;
				f->withdrawn_all = true;
				continue;
			}
			logmsg("%s: withdrawing its %u prefixes", s->name, f->n);
			churn_forget(s);
			feeder_start(s, GEN_WITHDRAW, false);
		} else if (f->churn_next && now >= f->churn_next && !f->withdrawn_all) {
			churn_tick(s, now);
			sess_flush(s, now);
		}
	}
	for (int i = 0; i < nsess; i++)
		sess_events(sessions[i]);
}

/* --- progress, summary --------------------------------------------------------------- */

static void progress(uint64_t now)
{
	static uint64_t last_sent;
	uint64_t sent = 0, held_min = UINT64_MAX, held_max = 0;
	int sinks = 0, complete = 0, up = 0, drops = 0;
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		up += s->st == S_ESTABLISHED;
		drops += (int)s->drops;
		if (s->f)
			sent += s->pfx_sent + s->wd_sent;
		if (s->recv) {
			sinks++;
			complete += s->t_complete != 0;
			if (s->held < held_min) held_min = s->held;
			if (s->held > held_max) held_max = s->held;
		}
	}
	fprintf(stderr, "bgpload [%8.3f] up %d/%d | feeders sent %" PRIu64 " (%" PRIu64 "/s)", rel_s(now), up,
	    nsess, sent, sent - last_sent);
	if (sinks)
		fprintf(stderr, " | receivers held %" PRIu64 "..%" PRIu64 ", complete %d/%d", held_min, held_max,
		    complete, sinks);
	if (g_hist.n)
		fprintf(stderr, " | churn samples %" PRIu64 " p50 %.1f ms", g_hist.n, hist_quantile(&g_hist, 0.5) / 1e3);
	fprintf(stderr, " | drops %d\n", drops);
	last_sent = sent;
}

static json_t *ms_since(uint64_t t, uint64_t ref)
{
	if (!t || !ref || t < ref)
		return json_null();
	return json_real((double)(t - ref) / 1000.0);
}

/* What a receiver's routes_digest should be: the table digests of every
 * feeder and member of its family but itself (disjoint tables). */
static uint64_t expected_digest(const struct sess *r)
{
	uint64_t d = 0;
	for (int i = 0; i < nsess; i++) {
		const struct sess *s = sessions[i];
		if (s->f && s != r && s->fam == r->fam)
			d += s->digest;
	}
	return d;
}

/* Churn accounting of one receiver: prefix events it should have seen
 * (issued by every other feeder/member of its family), delay samples, and
 * of the rest, "lost" (it ends without prefixes it should hold) or
 * "coalesced" (never seen, but the final state is right: the route server
 * merged a withdrawal and its re-announcement). */
struct churn_acct { uint64_t expected, samples, lost, coalesced; };
static struct churn_acct churn_account(const struct sess *r)
{
	struct churn_acct a = { 0 };
	a.expected = g_ch_issued[r->fam] - r->ch_issued;
	a.samples = r->ch_samples;
	a.lost = r->expect > r->held ? r->expect - r->held : 0;
	if (a.lost > a.expected - (a.samples < a.expected ? a.samples : a.expected))
		a.lost = a.expected - (a.samples < a.expected ? a.samples : a.expected);
	uint64_t seen = a.samples + a.lost;
	a.coalesced = a.expected > seen ? a.expected - seen : 0;
	return a;
}

static json_t *session_json(const struct sess *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "role", json_string(role_names[s->role]));
	json_object_set_new(o, "family", json_string(family_name(s->fam)));
	json_object_set_new(o, "local", json_string(s->addr));
	json_object_set_new(o, "asn", json_integer(s->asn));
	json_object_set_new(o, "state", json_string(state_names[s->st]));
	json_object_set_new(o, "established_ms", ms_since(s->t_established, start_us()));
	json_object_set_new(o, "drops", json_integer((json_int_t)s->drops));
	json_object_set_new(o, "open_failures", json_integer((json_int_t)s->open_fail));
	json_object_set_new(o, "last_notification", s->last_notify[0] ? json_string(s->last_notify) : json_null());
	json_object_set_new(o, "last_error", s->last_error[0] ? json_string(s->last_error) : json_null());
	json_object_set_new(o, "updates_sent", json_integer((json_int_t)s->upd_sent));
	json_object_set_new(o, "bytes_sent", json_integer((json_int_t)s->bytes_sent));
	json_object_set_new(o, "updates_received", json_integer((json_int_t)s->upd_rcvd));
	json_object_set_new(o, "bytes_received", json_integer((json_int_t)s->bytes_rcvd));
	json_object_set_new(o, "prefixes_announced_received", json_integer((json_int_t)s->pfx_ann_rcvd));
	json_object_set_new(o, "prefixes_withdrawn_received", json_integer((json_int_t)s->pfx_wd_rcvd));
	json_object_set_new(o, "decode_errors", json_integer((json_int_t)s->decode_err));
	if (s->f) {
		json_object_set_new(o, "table_prefixes", json_integer(s->f ? s->f->n : 0));
		json_object_set_new(o, "attribute_groups", json_integer(s->f ? s->f->ngroups : 0));
		json_object_set_new(o, "prefixes_sent", json_integer((json_int_t)s->pfx_sent));
		json_object_set_new(o, "withdrawals_sent", json_integer((json_int_t)s->wd_sent));
		json_object_set_new(o, "groups_skipped", json_integer((json_int_t)s->groups_skipped));
		json_object_set_new(o, "first_update_ms", ms_since(s->t_first_upd, start_us()));
		json_object_set_new(o, "last_update_ms", ms_since(s->t_last_upd, start_us()));
		json_object_set_new(o, "table_sent_ms", ms_since(s->t_eor_sent, s->t_first_upd));
		char hex[24];
		snprintf(hex, sizeof(hex), "%016" PRIx64, s->digest);
		json_object_set_new(o, "table_digest", json_string(hex));
		if (opt.churn_pct > 0)
			json_object_set_new(o, "churn_prefix_events", json_integer((json_int_t)s->ch_issued));
	}
	if (s->recv) {
		json_object_set_new(o, "expect", s->expect ? json_integer((json_int_t)s->expect) : json_null());
		json_object_set_new(o, "prefixes_held", json_integer((json_int_t)s->held));
		json_object_set_new(o, "prefixes_held_peak", json_integer((json_int_t)s->held_peak));
		json_object_set_new(o, "duplicate_announcements", json_integer((json_int_t)s->dup_ann));
		json_object_set_new(o, "unknown_withdrawals", json_integer((json_int_t)s->wd_unknown));
		json_object_set_new(o, "complete_ms", ms_since(s->t_complete, g_first_upd));
		json_object_set_new(o, "withdrawal_complete_ms", ms_since(s->t_drained, g_wd_start));
		json_object_set_new(o, "first_update_received_ms", ms_since(s->t_first_rcvd, start_us()));
		char hex[24];
		snprintf(hex, sizeof(hex), "%016" PRIx64, s->rdigest);
		json_object_set_new(o, "routes_digest", json_string(hex));
		snprintf(hex, sizeof(hex), "%016" PRIx64, expected_digest(s));
		json_object_set_new(o, "routes_digest_expected", json_string(hex));
		json_object_set_new(o, "eor_received_ms", ms_since(s->t_eor_rcvd, start_us()));
		if (opt.churn_pct > 0) {
			struct churn_acct a = churn_account(s);
			json_object_set_new(o, "churn", json_pack("{s:I,s:I,s:I,s:I}", "expected", (json_int_t)a.expected,
			    "samples", (json_int_t)a.samples, "lost", (json_int_t)a.lost, "coalesced",
			    (json_int_t)a.coalesced));
		}
	}
	return o;
}

static bool summary(uint64_t now, bool *all_complete_out)
{
	json_t *root = json_object(), *arr = json_array();
	uint64_t f_digest[2] = { 0, 0 }, f_tab_pfx = 0, f_first = 0, f_last = 0, f_table = 0, f_sent = 0, f_wd = 0, f_upd = 0, f_bytes = 0, f_drops = 0;
	uint64_t s_upd = 0, s_err = 0, s_drops = 0, h_min = UINT64_MAX, h_max = 0, h_sum = 0, s_ann = 0, s_wd = 0;
	uint64_t c_min = UINT64_MAX, c_max = 0, c_sum = 0, fails = 0;
	uint64_t w_min = UINT64_MAX, w_max = 0, w_sum = 0, drained = 0;
	int nf = 0, ns = 0, nf_up = 0, ns_up = 0, complete = 0, with_expect = 0;
	int roles[3] = { 0, 0, 0 };
	uint64_t last_complete = 0, ch_exp = 0, ch_lost = 0, ch_coal = 0, closed = 0;
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		json_array_append_new(arr, session_json(s));
		roles[s->role]++;
		fails += s->drops + s->open_fail;
		if (s->f) {
			nf++;
			nf_up += s->st == S_ESTABLISHED;
			if (s->t_first_upd && (!f_first || s->t_first_upd < f_first)) f_first = s->t_first_upd;
			if (s->t_last_upd > f_last) f_last = s->t_last_upd;
			if (s->t_eor_sent > f_table) f_table = s->t_eor_sent;
			f_tab_pfx += s->f ? s->f->n : 0;
			f_digest[s->fam] += s->digest;
			f_sent += s->pfx_sent; f_wd += s->wd_sent; f_upd += s->upd_sent;
			f_bytes += s->bytes_sent; f_drops += s->drops;
		}
		if (s->recv) {
			ns++;
			ns_up += s->st == S_ESTABLISHED;
			s_upd += s->upd_rcvd; s_err += s->decode_err; s_drops += s->drops;
			s_ann += s->pfx_ann_rcvd; s_wd += s->pfx_wd_rcvd;
			if (s->held < h_min) h_min = s->held;
			if (s->held > h_max) h_max = s->held;
			h_sum += s->held;
			if (s->expect) {
				with_expect++;
				closed += s->st == S_CLOSED && !s->t_drained;
				if (s->t_complete) {
					complete++;
					if (s->t_complete > last_complete)
						last_complete = s->t_complete;
					uint64_t c = g_first_upd && s->t_complete > g_first_upd ? s->t_complete - g_first_upd : 0;
					if (c < c_min) c_min = c;
					if (c > c_max) c_max = c;
					c_sum += c;
				}
			}
			if (opt.churn_pct > 0) {
				struct churn_acct a = churn_account(s);
				ch_exp += a.expected;
				ch_lost += a.lost;
				ch_coal += a.coalesced;
			}
			if (s->t_drained && g_wd_start) {
				uint64_t w = s->t_drained - g_wd_start;
				drained++;
				if (w < w_min) w_min = w;
				if (w > w_max) w_max = w;
				w_sum += w;
			}
		}
		fails += s->decode_err;
	}
	json_t *fo = json_object();
	json_object_set_new(fo, "sessions", json_integer(nf));
	json_object_set_new(fo, "established", json_integer(nf_up));
	json_object_set_new(fo, "prefixes_sent", json_integer((json_int_t)f_sent));
	json_object_set_new(fo, "withdrawals_sent", json_integer((json_int_t)f_wd));
	json_object_set_new(fo, "updates_sent", json_integer((json_int_t)f_upd));
	json_object_set_new(fo, "bytes_sent", json_integer((json_int_t)f_bytes));
	json_object_set_new(fo, "first_update_ms", ms_since(f_first, start_us()));
	json_object_set_new(fo, "last_update_ms", ms_since(f_last, start_us()));
	json_object_set_new(fo, "send_duration_ms", ms_since(f_last, f_first));
	/* from the first UPDATE to the last feeder's End-of-RIB handed to TCP */
	json_object_set_new(fo, "table_sent_ms", ms_since(f_table, f_first));
	json_object_set_new(fo, "table_rate_pps", (f_table > f_first) ?
	    json_real((double)f_tab_pfx * 1e6 / (double)(f_table - f_first)) : json_null());
	json_object_set_new(fo, "drops", json_integer((json_int_t)f_drops));
	/* per family, the sum of the feeders' table digests: with disjoint
	 * tables each announced once, every sink's routes_digest equals it */
	json_t *dg = json_object();
	for (int fam = 0; fam < 2; fam++) {
		char fhex[24];
		snprintf(fhex, sizeof(fhex), "%016" PRIx64, f_digest[fam]);
		json_object_set_new(dg, family_name((enum family)fam), json_string(fhex));
	}
	json_object_set_new(fo, "tables_digest", dg);
	json_t *so = json_object();
	json_object_set_new(so, "sessions", json_integer(ns));
	json_object_set_new(so, "established", json_integer(ns_up));
	json_object_set_new(so, "with_expectation", json_integer(with_expect));
	json_object_set_new(so, "complete", json_integer(complete));
	json_object_set_new(so, "time_to_complete_ms", complete ? json_pack("{s:f,s:f,s:f}",
	    "min", (double)c_min / 1000.0, "avg", (double)c_sum / complete / 1000.0, "max", (double)c_max / 1000.0)
	    : json_null());
	json_object_set_new(so, "withdrawal_complete", json_integer((json_int_t)drained));
	json_object_set_new(so, "time_to_withdraw_ms", drained ? json_pack("{s:f,s:f,s:f}",
	    "min", (double)w_min / 1000.0, "avg", (double)w_sum / (double)drained / 1000.0,
	    "max", (double)w_max / 1000.0) : json_null());
	json_object_set_new(so, "prefixes_held", ns ? json_pack("{s:I,s:I,s:I}", "min", (json_int_t)h_min,
	    "max", (json_int_t)h_max, "total", (json_int_t)h_sum) : json_null());
	json_object_set_new(so, "updates_received", json_integer((json_int_t)s_upd));
	json_object_set_new(so, "prefixes_announced_received", json_integer((json_int_t)s_ann));
	json_object_set_new(so, "prefixes_withdrawn_received", json_integer((json_int_t)s_wd));
	json_object_set_new(so, "decode_errors", json_integer((json_int_t)s_err));
	json_object_set_new(so, "drops", json_integer((json_int_t)s_drops));
	bool all_complete = complete == with_expect &&
	    (opt.withdraw_after <= 0 || drained + closed == (uint64_t)with_expect);
	bool ok = fails == 0 && all_complete && ch_lost == 0;
	json_object_set_new(root, "ok", json_boolean(ok));
	json_object_set_new(root, "ceiling", json_boolean(opt.ceiling));
	json_object_set_new(root, "role_counts", json_pack("{s:i,s:i,s:i}", "feeder", roles[R_FEEDER],
	    "sink", roles[R_SINK], "member", roles[R_MEMBER]));
	/* first UPDATE to the last receiver complete: null unless all are */
	json_object_set_new(root, "complete_ms", with_expect && complete == with_expect ?
	    ms_since(last_complete, g_first_upd) : json_null());
	json_object_set_new(root, "receivers", json_integer(ns));
	json_object_set_new(root, "receivers_with_expectation", json_integer(with_expect));
	json_object_set_new(root, "receivers_complete", json_integer(complete));
	if (opt.churn_pct > 0) {
		json_t *c = json_object();
		bool any = g_hist.n > 0;
		json_object_set_new(c, "p50", any ? json_real(hist_quantile(&g_hist, 0.50) / 1e3) : json_null());
		json_object_set_new(c, "p90", any ? json_real(hist_quantile(&g_hist, 0.90) / 1e3) : json_null());
		json_object_set_new(c, "p99", any ? json_real(hist_quantile(&g_hist, 0.99) / 1e3) : json_null());
		json_object_set_new(c, "max", any ? json_real((double)g_hist.max / 1e3) : json_null());
		json_object_set_new(c, "mean", any ? json_real((double)g_hist.sum / (double)g_hist.n / 1e3) : json_null());
		json_object_set_new(c, "samples", json_integer((json_int_t)g_hist.n));
		json_object_set_new(c, "expected", json_integer((json_int_t)ch_exp));
		json_object_set_new(c, "lost", json_integer((json_int_t)ch_lost));
		json_object_set_new(c, "coalesced", json_integer((json_int_t)ch_coal));
		json_object_set_new(c, "prefix_events_sent", json_integer((json_int_t)(g_ch_issued[0] + g_ch_issued[1])));
		json_object_set_new(c, "sampled_before_write_completed", json_integer((json_int_t)g_ch_unsent));
		json_object_set_new(root, "churn_delay_ms", c);
	} else {
		json_object_set_new(root, "churn_delay_ms", json_null());
	}
	json_object_set_new(root, "decode_cache", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "hits", (json_int_t)g_dc.hits,
	    "hits_in_sequence", (json_int_t)g_dc.chained,
	    "misses", (json_int_t)g_dc.misses, "uncacheable", (json_int_t)g_dc.uncacheable,
	    "entries", (json_int_t)g_dc.n, "bytes", (json_int_t)g_dc.bytes));
	if (opt.ceiling)
		json_object_set_new(root, "ceiling_connections", json_pack("{s:I,s:I}", "accepted",
		    (json_int_t)g_srv_accepted, "rejected", (json_int_t)g_srv_rejected));
	json_object_set_new(root, "duration_ms", json_real((double)(now - start_us()) / 1000.0));
	json_object_set_new(root, "source", json_string(opt.mrt ? opt.mrt : "synthetic"));
	json_object_set_new(root, "seed", json_integer((json_int_t)opt.seed));
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	json_object_set_new(root, "cpu_user_s", json_real((double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6));
	json_object_set_new(root, "cpu_system_s", json_real((double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6));
	json_object_set_new(root, "cpu_s", json_real((double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6));
	json_object_set_new(root, "max_rss_kb", json_integer(ru.ru_maxrss));
	/* --ceiling: the sessions' side alone (the route-server side has a thread of its own) */
	struct rusage rt;
	getrusage(RUSAGE_THREAD, &rt);
	json_object_set_new(root, "cpu_main_thread_s", json_real((double)rt.ru_utime.tv_sec + rt.ru_utime.tv_usec / 1e6 +
	    (double)rt.ru_stime.tv_sec + rt.ru_stime.tv_usec / 1e6));
	/* CPU bgpload itself used between the first feeder UPDATE and the last
	 * sink complete: close to time_to_complete max means bgpload was the
	 * bottleneck */
	json_object_set_new(root, "cpu_first_update_to_complete_s", g_cpu_complete > 0 ?
	    json_real(g_cpu_complete - g_cpu_first_upd) : json_null());
	json_object_set_new(root, "feeders", fo);
	json_object_set_new(root, "sinks", so);
	json_object_set_new(root, "sessions", arr);
	FILE *out = stdout;
	if (opt.json_path && !(out = fopen(opt.json_path, "w")))
		die("cannot write %s: %s", opt.json_path, strerror(errno));
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', out);
	if (out != stdout)
		fclose(out);
	else
		fflush(out);
	json_decref(root);
	*all_complete_out = all_complete;
	return ok;
}

/* --- main loop --------------------------------------------------------------------- */

static void on_signal(int sig) { (void)sig; g_stop = 1; }

/* With --churn: every feeder/member has ended its churn, and every receiver
 * holds its expectation again (or --churn-drain seconds have passed). */
static bool churn_finished(uint64_t now)
{
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (s->f && s->f->ngroups && !s->f->churn_done && !s->f->withdrawn_all)
			return false;
	}
	if (now - g_churn_end >= (uint64_t)(opt.churn_drain * 1e6))
		return true;
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (s->recv && s->expect && s->held < s->expect && opt.withdraw_after <= 0)
			return false;
	}
	return true;
}

/* 0: go on, 1: stop now (signal, --duration, a session down), 2: complete */
static int finished(uint64_t now)
{
	if (g_stop)
		return 1;
	if (opt.duration > 0 && now - start_us() >= (uint64_t)(opt.duration * 1e6))
		return 1;
	if (!opt.exit_when_complete)
		return 0;
	bool any_sink = false;
	for (int i = 0; i < nsess; i++) {
		if (sessions[i]->st == S_DOWN) {
			logmsg("%s is down: cannot complete, exiting", sessions[i]->name);
			return 1;
		}
		any_sink |= sessions[i]->recv;
	}
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (any_sink && s->recv) {
			if (s->expect && !s->t_complete)
				return 0;
			/* a member that closed its session (--down-after) receives no more */
			if (opt.withdraw_after > 0 && !s->t_drained && s->st != S_CLOSED)
				return 0;
		} else if (!any_sink && s->f) {
			/* only feeders: done when every table (and withdrawal) is out */
			if (!s->t_eor_sent || tx_pending(s) || s->f->mode != GEN_IDLE)
				return 0;
			if (opt.withdraw_after > 0 && !s->f->withdrawn_all)
				return 0;
		}
	}
	if (opt.churn_pct > 0 && !churn_finished(now))
		return 0;
	return 2;
}

static int run(void)
{
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1: %s", strerror(errno));
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	update_decoded_init(&g_dec);
	if (opt.ceiling)
		ceiling_listen();
	uint64_t next_progress = start_us() + 1000000;
	struct epoll_event evs[256];
	uint64_t linger_until = 0;
	for (;;) {
		uint64_t now = now_us();
		timers(now);
		int fin = finished(now);
		if (fin == 1)
			break;
		if (fin == 2) {
			if (opt.linger <= 0)
				break;
			if (!linger_until) {
				linger_until = now + (uint64_t)(opt.linger * 1e6);
				logmsg("everything complete: staying up %.1f s more", opt.linger);
			} else if (now >= linger_until) {
				break;
			}
		}
		if (opt.progress && now >= next_progress) {
			progress(now);
			next_progress += 1000000;
		}
		int n = epoll_wait(ep, evs, 256, 20);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			now = now_us();
			struct sess *s = evs[i].data.ptr;
			if (s->fd < 0)
				continue;
			if (s->st == S_CONNECT) {
				if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
					on_connected(s, now);
				continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				on_readable(s, now);
			if (s->fd >= 0 && (evs[i].events & EPOLLOUT))
				on_writable(s, now);
			if (s->fd >= 0)
				sess_events(s);
		}
	}
	uint64_t now = now_us();
	if (opt.ceiling)
		ceiling_close();        /* first: its thread would log every goodbye below */
	/* polite goodbye where it cannot cut a message in half */
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (s->fd >= 0 && s->st >= S_OPENCONFIRM && !tx_pending(s))
			send_notification(s, ERR_CEASE, ERR_CEASE_ADMIN_DOWN);
	}
	g_stop = 1;
	bool all_complete;
	bool ok = summary(now, &all_complete);
	for (int i = 0; i < nsess; i++) {
		sess_close(sessions[i]);
		if (sessions[i]->rib_log && fclose(sessions[i]->rib_log) != 0)
			logmsg("%s: writing the RIB log: %s", sessions[i]->name, strerror(errno));
	}
	dc_free(&g_dc);
	for (int fam = 0; fam < 2; fam++)
		gidx_free(&g_gidx[fam]);
	return ok ? 0 : 1;
}

/* --- self test of the codec speed ---------------------------------------------------- */

static int selftest_speed(void)
{
	uint32_t n = opt.prefixes > 10000 ? opt.prefixes : 2000000;
	update_decoded_init(&g_dec);
	syn_space_init(&g_space[FAM_IPV4], AFI_IPV4, opt.seed);
	syn_space_init(&g_space[FAM_IPV6], AFI_IPV6, opt.seed);
	json_t *root = json_object();
	for (int fam = 0; fam < 2; fam++) {
		struct sess s = { 0 };
		struct feeder f = { 0 };
		s.fam = (enum family)fam;
		s.asn = 61000;
		s.peer_as4 = true;
		s.sc = (struct send_class){ .as4 = true };
		s.f = &f;
		struct sockaddr_storage ss;
		parse_addr(fam ? "2001:db8::100" : "192.0.2.100", 0, &ss, &s.local_len);
		s.local = ss;
		f.n = n;
		feeder_setup_synth(&s, 0);
		/* synthesis alone */
		uint64_t t0 = now_us();
		struct prefix p;
		uint64_t x = 0;
		for (uint32_t i = 0; i < n; i++) {
			syn_prefix(&g_space[fam], i, &p);
			x += p.addr[1];
		}
		double t_syn = secs_since(t0);
		/* synthesis + attributes + encoding, the whole stream kept */
		t0 = now_us();
		for (uint32_t g = 0; g < f.ngroups; g++)
			feeder_encode_group(&s, g, true);
		queue_eor(&s);
		double t_enc = secs_since(t0);
		/* the same with the table digest a live feeder computes on its
		 * first pass (it decodes its own output) */
		struct sess s2 = s;
		struct feeder f2 = f;
		s2.tx = (struct wbuf){ 0 };
		s2.f = &f2;
		f2.first_pass = true;
		update_decoded_init(&g_dec_self);
		t0 = now_us();
		for (uint32_t g = 0; g < f2.ngroups; g++)
			feeder_encode_group(&s2, g, true);
		double t_enc2 = secs_since(t0);
		wbuf_free(&s2.tx);
		update_decoded_free(&g_dec_self);
		/* decoding; then decoding + the sink's prefix set */
		struct update_decoded u;
		update_decoded_init(&u);
		struct update_ctx ctx = { .peer_as4 = true, .families = (uint8_t)(1u << fam) };
		uint64_t got = 0, errs = 0;
		t0 = now_us();
		for (size_t o = 0; o < s.tx.len; o += get_u16(s.tx.data + o + 16)) {
			bgp_update_decode(&ctx, s.tx.data + o + BGP_HEADER_LEN, get_u16(s.tx.data + o + 16) - BGP_HEADER_LEN, &u);
			got += u.announced.n;
			errs += u.action != UPD_OK;
		}
		double t_dec = secs_since(t0);
		struct pset set;
		pset_init(&set, fam == FAM_IPV4 ? 0 : n);
		t0 = now_us();
		for (size_t o = 0; o < s.tx.len; o += get_u16(s.tx.data + o + 16)) {
			bgp_update_decode(&ctx, s.tx.data + o + BGP_HEADER_LEN, get_u16(s.tx.data + o + 16) - BGP_HEADER_LEN, &u);
			for (uint32_t i = 0; i < u.announced.n; i++)
				pset_add_p(&set, &u.announced.v[i]);
		}
		double t_sink = secs_since(t0);
		/* what a receiving session does: the prefix index, then the same
		 * stream received twice, by two receivers: first decoded (and
		 * cached), then found in the decode cache */
		t0 = now_us();
		gidx_init(&g_gidx[fam], n);
		for (uint32_t g = 0; g < f.ngroups; g++) {
			size_t gn;
			const struct prefix *gp = feeder_group(&s, g, &gn, NULL);
			for (size_t k = 0; k < gn; k++)
				gidx_put(&g_gidx[fam], pset_key(&gp[k]));
		}
		double t_index = secs_since(t0);
		double t_recv[2];
		uint64_t held[2];
		for (int pass = 0; pass < 2; pass++) {
			struct sess r = { .kind = K_SESS, .role = R_SINK, .recv = true, .fam = (enum family)fam };
			r.uctx = ctx;
			r.bm = xcalloc((g_gidx[fam].n + 64) / 64, sizeof(*r.bm));
			t0 = now_us();
			for (size_t o = 0; o < s.tx.len; o += get_u16(s.tx.data + o + 16))
				on_update(&r, s.tx.data + o + BGP_HEADER_LEN, get_u16(s.tx.data + o + 16) - BGP_HEADER_LEN,
				    t0);
			t_recv[pass] = secs_since(t0);
			held[pass] = r.held;
			free(r.bm);
			pset_free(&r.set);
		}
		dc_free(&g_dc);
		gidx_free(&g_gidx[fam]);
		if (held[0] != n || held[1] != n)
			die("selftest: %s: receivers held %" PRIu64 " and %" PRIu64 " prefixes, expected %u",
			    family_name((enum family)fam), held[0], held[1], n);
		if (got != n || errs || pset_size(&set) != n)
			die("selftest: %s: decoded %" PRIu64 " prefixes (%zu distinct), %" PRIu64 " errors, expected %u",
			    family_name((enum family)fam), got, pset_size(&set), errs, n);
		json_t *o = json_object();
		json_object_set_new(o, "prefixes", json_integer(n));
		json_object_set_new(o, "attribute_groups", json_integer(f.ngroups));
		json_object_set_new(o, "updates", json_integer((json_int_t)s.upd_sent));
		json_object_set_new(o, "bytes", json_integer((json_int_t)s.tx.len));
		json_object_set_new(o, "synth_prefixes_per_s", json_real(n / t_syn));
		json_object_set_new(o, "encode_prefixes_per_s", json_real(n / t_enc));
		json_object_set_new(o, "encode_mbyte_per_s", json_real((double)s.tx.len / 1e6 / t_enc));
		json_object_set_new(o, "encode_with_digest_prefixes_per_s", json_real(n / t_enc2));
		json_object_set_new(o, "decode_prefixes_per_s", json_real(n / t_dec));
		json_object_set_new(o, "decode_mbyte_per_s", json_real((double)s.tx.len / 1e6 / t_dec));
		json_object_set_new(o, "sink_prefixes_per_s", json_real(n / t_sink));
		json_object_set_new(o, "prefix_index_build_s", json_real(t_index));
		json_object_set_new(o, "receive_decoding_prefixes_per_s", json_real(n / t_recv[0]));
		json_object_set_new(o, "receive_cached_prefixes_per_s", json_real(n / t_recv[1]));
		json_object_set_new(o, "receive_cached_mbyte_per_s", json_real((double)s.tx.len / 1e6 / t_recv[1]));
		json_object_set_new(o, "checksum", json_integer((json_int_t)(x & 0xffff)));
		json_object_set_new(root, family_name((enum family)fam), o);
		fprintf(stderr, "bgpload selftest %s: %u prefixes, %u groups, %" PRIu64 " UPDATEs, %.1f MB: "
		    "synth %.2f M/s, synth+encode %.2f M/s (%.2f M/s with digest), decode %.2f M/s, "
		    "decode+set %.2f M/s; receiver: decoding %.2f M/s, from the decode cache %.2f M/s (%.0f MB/s)\n",
		    family_name((enum family)fam), n, f.ngroups, s.upd_sent, (double)s.tx.len / 1e6,
		    n / t_syn / 1e6, n / t_enc / 1e6, n / t_enc2 / 1e6, n / t_dec / 1e6, n / t_sink / 1e6,
		    n / t_recv[0] / 1e6, n / t_recv[1] / 1e6, (double)s.tx.len / 1e6 / t_recv[1]);
		update_decoded_free(&u);
		pset_free(&set);
		wbuf_free(&s.tx);
		free(f.gstart);
	}
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	json_decref(root);
	return 0;
}

/* --- setup ----------------------------------------------------------------------------- */

/* --table: each session announces the lines of its address (a session
 * without any announces nothing); a line for no session is an error. */
static void assign_tables(void)
{
	size_t n;
	struct table_owner *owners = table_load(opt.table, &n);
	for (size_t k = 0; k < n; k++) {
		int i = 0;
		while (i < nsess && strcmp(sessions[i]->addr, owners[k].addr))
			i++;
		if (i == nsess || sessions[i]->role == R_SINK)
			die("%s: routes for %s, which is no feeder or member session", opt.table, owners[k].addr);
		sessions[i]->table = owners[k].m;
	}
	logmsg("table %s: routes for %zu sessions", opt.table, n);
	free(owners);
}

static void setup(void)
{
	syn_space_init(&g_space[FAM_IPV4], AFI_IPV4, opt.seed);
	syn_space_init(&g_space[FAM_IPV6], AFI_IPV6, opt.seed);
	for (int i = 0; i < g_nspecs; i++)
		build_sessions(g_specs[i]);
	if (nsess == 0)
		die("no --session given (try --help)");
	g_avoid = xmalloc(((size_t)nsess + 1) * sizeof(*g_avoid));
	for (int i = 0; i < nsess; i++)
		g_avoid[g_navoid++] = sessions[i]->asn;
	if (opt.rs_as)
		g_avoid[g_navoid++] = opt.rs_as;
	bool need_mrt = false;
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (!opt.have_rs[s->fam])
			die("%s: no --rs address for %s", s->name, family_name(s->fam));
		for (int j = 0; j < i; j++)
			if (!strcmp(sessions[j]->addr, s->addr))
				die("two sessions with local address %s", s->addr);
		need_mrt |= s->role != R_SINK;
	}
	if (opt.table)
		assign_tables();
	if (opt.mrt && need_mrt) {
		uint64_t t0 = now_us();
		mrt_load(&g_mrt, opt.mrt);
		g_mrt_loaded = true;
		logmsg("MRT %s: %" PRIu64 " records, %u IPv4 + %u IPv6 prefixes, %u attribute sets, %" PRIu64
		    " entries skipped (%.1f s)", opt.mrt, g_mrt.records, g_mrt.fam[0].n, g_mrt.fam[1].n,
		    g_mrt.nattr, g_mrt.skipped, secs_since(t0));
	}
	uint64_t base[2] = { 0, 0 };
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (s->role == R_SINK)
			continue;
		s->f = xcalloc(1, sizeof(*s->f));
		s->f->n = s->nprefixes;
		uint64_t b = opt.same_prefixes ? 0 : base[s->fam];
		if (opt.table) {
			s->f->n = s->table ? s->table->fam[s->fam].n : 0;
			feeder_setup_mrt(s, s->table ? s->table : &g_mrt, 0);
		} else if (g_mrt_loaded)
			feeder_setup_mrt(s, &g_mrt, b);
		else
			feeder_setup_synth(s, b);
		base[s->fam] += s->f->n;
		s->f->first_pass = true;
		g_feeder_asns = xrealloc(g_feeder_asns, (g_nfeeder_asns + 1) * sizeof(*g_feeder_asns));
		g_feeder_asns[g_nfeeder_asns++] = s->asn;
	}
	if (g_nfeeder_asns)
		qsort(g_feeder_asns, g_nfeeder_asns, sizeof(*g_feeder_asns), cmp_u32);
	update_decoded_init(&g_dec_self);
}

/* --rib-log DIR: DIR/ADDR.log for every session that receives. */
static void open_rib_logs(void)
{
	update_decoded_init(&g_dec_log);
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (!s->recv)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.log", opt.rib_log, s->addr);
		if (!(s->rib_log = fopen(path, "w")))
			die("cannot create %s: %s", path, strerror(errno));
	}
}

/* What a run needs beyond setup(): the prefix index, expect=auto, churn
 * bookkeeping, the ceiling's tables, enough file descriptors. */
static void setup_run(void)
{
	uint64_t t0 = now_us();
	size_t total[2] = { 0, 0 };
	for (int i = 0; i < nsess; i++)
		if (sessions[i]->f)
			total[sessions[i]->fam] += sessions[i]->f->n;
	for (int fam = 0; fam < 2; fam++)
		gidx_init(&g_gidx[fam], total[fam]);
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (!s->f)
			continue;
		for (uint32_t g = 0; g < s->f->ngroups; g++) {
			size_t n;
			const struct prefix *p = feeder_group(s, g, &n, NULL);
			for (size_t k = 0; k < n; k++)
				gidx_put(&g_gidx[s->fam], pset_key(&p[k]));
		}
	}
	if (total[0] + total[1] >= 100000)
		logmsg("prefix index: %zu IPv4 + %zu IPv6 prefixes (%.3f s)", g_gidx[0].n, g_gidx[1].n,
		    (double)(now_us() - t0) / 1e6);
	/* expect=auto: what the other feeders/members of the family announce */
	for (int i = 0; i < nsess; i++) {
		struct sess *r = sessions[i];
		if (!r->expect_auto)
			continue;
		uint64_t e = 0;
		for (int j = 0; j < nsess; j++) {
			struct sess *s = sessions[j];
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
		for (int fam = 0; fam < 2; fam++) {
			g_ev_w[fam] = xcalloc(g_gidx[fam].n + 1, sizeof(uint32_t));
			g_ev_a[fam] = xcalloc(g_gidx[fam].n + 1, sizeof(uint32_t));
		}
	if (opt.rib_log)
		open_rib_logs();
	if (opt.ceiling)
		ceiling_prepare();
	/* two descriptors a session with --ceiling */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (uint64_t)nsess * (opt.ceiling ? 2 : 1) + 32 > rl.rlim_cur)
		die("%d sessions need %d file descriptors, the limit is %llu (ulimit -n)", nsess,
		    nsess * (opt.ceiling ? 2 : 1) + 32, (unsigned long long)rl.rlim_cur);
}

/* --print-table: the feeders' tables as text, without connecting. */
static int print_tables(void)
{
	for (int i = 0; i < nsess; i++) {
		struct sess *s = sessions[i];
		if (!s->f)
			continue;
		for (uint32_t g = 0; g < s->f->ngroups; g++) {
			size_t n;
			g_attrs.len = 0;
			const struct prefix *p = feeder_group(s, g, &n, &g_attrs);
			char path[1024] = "-", med[16] = "-", comm[1024] = "-", lc[1024] = "-";
			struct attr_iter it;
			uint8_t fl, type;
			struct rbuf v;
			attr_iter_init(&it, g_attrs.data, g_attrs.len);
			while (attr_iter_next(&it, &fl, &type, &v)) {
				size_t o = 0;
				if (type == ATTR_AS_PATH) {
					for (size_t k = 0; k + 2 <= v.len; k += 2 + (size_t)v.p[k + 1] * 4)
						for (unsigned j = 0; j < v.p[k + 1] && k + 6 + 4 * j <= v.len; j++)
							o += (size_t)snprintf(path + o, o < sizeof(path) ? sizeof(path) - o : 0,
							    "%s%u", o ? " " : "", get_u32(v.p + k + 2 + 4 * j));
				} else if (type == ATTR_MED && v.len == 4) {
					snprintf(med, sizeof(med), "%u", get_u32(v.p));
				} else if (type == ATTR_COMMUNITIES) {
					for (size_t k = 0; k + 4 <= v.len; k += 4)
						o += (size_t)snprintf(comm + o, o < sizeof(comm) ? sizeof(comm) - o : 0,
						    "%s%u:%u", o ? "," : "", get_u16(v.p + k), get_u16(v.p + k + 2));
				} else if (type == ATTR_LARGE_COMMUNITIES) {
					for (size_t k = 0; k + 12 <= v.len; k += 12)
						o += (size_t)snprintf(lc + o, o < sizeof(lc) ? sizeof(lc) - o : 0,
						    "%s%u:%u:%u", o ? "," : "", get_u32(v.p + k), get_u32(v.p + k + 4),
						    get_u32(v.p + k + 8));
				}
			}
			for (size_t k = 0; k < n; k++) {
				char buf[PREFIX_STRLEN];
				printf("%s|%s|%s|%s|%s\n", prefix_str(&p[k], buf, sizeof(buf)), path, med, comm, lc);
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	start_clock();
	parse_args(argc, argv);
	if (opt.selftest)
		return selftest_speed();
	setup();
	if (opt.print_table)
		return print_tables();
	setup_run();
	return run();
}
