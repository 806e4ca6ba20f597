/* SPDX-License-Identifier: ISC */
/* bgpload: what bgpload's modules share -- the sessions, the options and
 * the state of the run.
 *
 * bgpload (docs/bgpload.md) opens many BGP sessions to a route server from
 * one process -- one thread, epoll, non-blocking sockets -- each session
 * with its own local address and role:
 *   feeder  announces a table (synthesised from a seed, or read from an
 *           MRT TABLE_DUMP_V2 file) as fast as TCP takes it, then
 *           End-of-RIB; optionally withdraws it later or churns it;
 *   sink    counts the prefixes it holds, decoding every UPDATE with
 *           ixpd's own decoder so malformed output is detected, and
 *           records when it reached its expected count;
 *   member  both: announces its own table and counts what it receives.
 * With --ceiling there is no route server: bgpload also plays a trivial
 * transparent one on the route server's addresses, on a second thread
 * (ceiling.h), sending every receiver the other sessions' tables as fast
 * as it can (the harness's ceiling).  A JSON summary goes to stdout (or
 * --json FILE) at exit.
 *
 * The modules: options (command line and config files), setup (sessions
 * and tables), feeder (tables and their encoding), conn (a connection's
 * socket and buffers), sess (the client side of a session), sink (what a
 * receiver holds), churn (what senders do once their table is out),
 * ceiling (the route-server side of --ceiling), report (progress and the
 * summary), selftest (codec speed), main (the event loop); below them
 * synth, mrt, table, dcache, pset, hist, util.
 *
 * Threads: `opt` is written while the options are parsed and read-only
 * afterwards; `bl` and the sessions belong to the main thread, except what
 * ceiling.h lists as read by its thread (set up before it starts, or
 * accessed atomically). */
#ifndef BGPLOAD_H
#define BGPLOAD_H
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "bgp_update.h"
#include "conn.h"
#include "dcache.h"
#include "hist.h"
#include "mrt.h"
#include "pset.h"
#include "synth.h"
#include "wire.h"

/* Pending output a feeder keeps generated ahead of the socket: enough to
 * refill the kernel buffer in one go, small enough that a KEEPALIVE queued
 * behind it is not late. */
#define TX_HIGH_WATER   (512 * 1024)
#define WRITE_BUDGET    (4 * 1024 * 1024)   /* per connection per loop turn */

enum role { R_FEEDER, R_SINK, R_MEMBER };
/* what an epoll event's data.ptr points to (the struct's first member) */
enum { K_SESS = 1, K_SRV, K_LSN };
enum sstate { S_IDLE, S_CONNECT, S_OPENSENT, S_OPENCONFIRM, S_ESTABLISHED, S_DOWN, S_CLOSED };
enum gen_mode { GEN_IDLE, GEN_ANNOUNCE, GEN_WITHDRAW };

static inline const char *role_name(enum role r)
{
	static const char *const names[] = { "feeder", "sink", "member" };
	return names[r];
}

static inline const char *sstate_name(enum sstate st)
{
	static const char *const names[] = {
		"Idle", "Connect", "OpenSent", "OpenConfirm", "Established", "Down", "Closed",
	};
	return names[st];
}

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
	int netns_fd;               /* netns=: its sockets are made in that network
	                             * namespace (shared by the spec's sessions); -1 */
	uint64_t expect;            /* sink: prefixes expected, 0 = none */
	uint32_t nprefixes;         /* feeder: table size */
	struct conn c;              /* its socket, partial input, output queue */
	enum sstate st;
	uint64_t retry_at;
	uint32_t connect_failures;
	/* negotiated */
	uint64_t hold_us, ka_us, last_rx, last_ka;
	bool peer_as4, ext_msg;
	size_t max_msg;
	struct send_class sc;
	struct update_ctx uctx;
	/* q_total/s_total count bytes queued/sent since connect */
	uint64_t q_total, s_total;
	uint64_t first_upd_off, last_upd_end, last_upd_seen, eor_end;
	struct feeder *f;           /* feeder or member: its table */
	uint64_t *bm;               /* receiver: held prefixes, bitmap over the prefix index */
	struct pset set;            /* receiver: held prefixes outside the index (hash part) */
	/* churn: prefix events issued (feeder/member), delays sampled (receiver) */
	uint64_t ch_issued, ch_samples;
	struct dc_entry *dc_last;   /* decode cache: the last message received */
	/* --ceiling (srv and srv_conns: its thread's) */
	struct srv *srv;            /* the route-server side of this session */
	size_t blob_off, blob_len;  /* its table in the ceiling's stream of its family */
	size_t blob_woff, blob_wlen; /* its withdrawal in the withdrawal stream */
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

/* The options (options.h): set while parsing, read-only afterwards. */
struct options {
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
	char **specs;               /* the --session values, made sessions by setup() */
	int nspecs;
};
extern struct options opt;

/* The state of the run shared between the modules (main thread). */
struct bgpload {
	struct sess **sessions;     /* made by setup(), never changed afterwards */
	int nsess;
	int ep;                     /* the sessions' epoll */
	/* times (absolute, us) */
	uint64_t first_upd;         /* first UPDATE any sender sent (atomic: --ceiling reads it) */
	uint64_t wd_start;          /* first withdrawal of --withdraw-after / --down-after */
	double cpu_first_upd, cpu_complete;     /* our CPU seconds at those moments */
	bool feeding;               /* senders were released (atomic: --ceiling reads it) */
	/* tables */
	struct syn_space space[2];
	struct mrt_data mrt;        /* --mrt */
	bool mrt_loaded;
	uint32_t *avoid;            /* ASNs synthesised paths must not contain */
	size_t navoid;
	uint32_t *feeder_asns;      /* every sender's AS, sorted */
	size_t nfeeder_asns;
	/* receiving: prefix index per family, decode cache */
	struct gidx gidx[2];
	struct dcache dc;
	/* churn (churn.h): per family and prefix number, the latest withdraw
	 * and announce event (0 = none); NULL without --churn */
	uint32_t *ev_w[2], *ev_a[2];
	uint64_t ch_issued[2];      /* prefix events issued per family */
	uint64_t churn_end;         /* the last sender's last churn tick */
	struct hist hist;           /* the delays receivers sampled */
	uint64_t ch_unsent;         /* samples whose UPDATE was not completely written yet */
};
extern struct bgpload bl;
#endif
