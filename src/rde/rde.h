/* SPDX-License-Identifier: ISC */
/* rde: the route decision engine thread.  It owns the RIB, imports
 * UPDATEs from the session engine (decode -> policy -> RIB), and exports
 * changes to members (export.c).  Everything here runs on the RDE thread
 * except what is marked shared. */
#ifndef IXPD_RDE_H
#define IXPD_RDE_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bgp_update.h"
#include "config.h"
#include "ipc.h"
#include "policy.h"
#include "rib.h"
#include "rpki_rtr.h"

/* IPC_PEER_ADD and IPC_PEER_POLICY to the RDE: what a reload compares.
 * A change of `session` restarts the session, a change of `policy` alone
 * re-evaluates the member's routes in place. */
struct rde_peer_cfg {
	struct ipc_peer_session session;
	struct peer_policy policy;
};

/* A member's routes, as `show neighbors` reports them. */
struct peer_counters {
	uint32_t received;           /* paths in the member's Adj-RIB-In */
	uint32_t rejected;           /* of which rejected by policy */
	uint32_t exported;           /* prefixes (paths for ADD-PATH) advertised to it */
	uint64_t treat_as_withdraw;  /* RFC 7606 treat-as-withdraw UPDATEs */
	uint64_t attribute_discard;  /* RFC 7606 attribute-discard UPDATEs */
};

struct rde_peer {
	uint32_t id;
	uint32_t asn;
	struct ip_addr addr;
	enum family fam;
	bool up;
	uint32_t gen;                /* session generation it is up with */
	bool addpath;                /* we send it every eligible path */
	bool role;                   /* RFC 9234 roles negotiated */
	bool enhanced_rr;
	struct send_class sc;
	struct peer_counters count;
	uint8_t stale;               /* families whose paths are stale (GR) */
	uint64_t stale_deadline;     /* ms */
	uint8_t refresh_stale;       /* families in an enhanced route refresh */
	uint32_t mark;               /* export: stamp of the last change it was considered for */
	bool dumping;                /* a table walk is on its way (export_table, export_refresh) */
	bool dump_refresh;           /* ... for a route refresh, not a new session */
	bool dump_eorr;              /* ... and ends with an RFC 7313 EoRR */
	uint32_t dump_cursor;        /* the walk has sent the table up to this RIB entry (slab index) */
	/* output flow control (export.c): while the SE holds too much for it */
	bool output_paused;          /* nothing is sent; what would be is noted here: */
	uint64_t *unsent;            /* a bit per RIB entry (slab index) it is owed: the entry
	                                stays (rib_entry.owed) until sent, paths or not */
	uint32_t unsent_words;
	uint32_t replay_word;        /* resumed: the bits below are sent */
	struct decision_peer dp;
	uint8_t addr_bytes[16];
	struct peer_policy pol;      /* import policy */
	const struct policy_client *client;  /* its lists, in rde->pd.g */
	const struct irr_member *irr;        /* its IRR data, or NULL */
	bool refilter;               /* policy changed: re-evaluate its paths */
	bool max_prefix_hit;
	bool gshut_forced;           /* operator's graceful shutdown in progress */
	struct prefix *bh_retry;     /* blackholes rejected as foreign, to look at again */
	uint32_t nbh_retry, capbh_retry;
	bool bh_new_space;           /* it announced new accepted space since */         /* logged; reset when the session restarts */
	bool purge_pending;          /* session down: its paths go in the next purge walk */
	bool eor_in;                 /* it sent End-of-RIB since it came up */
	bool gr_capable;             /* it announced graceful restart (RFC 4724) */
	uint64_t last_update_ms;     /* when it came up or last sent an UPDATE */
	size_t purged;               /* paths removed by that walk */
};

/* A prefix touched in the current batch, with its paths as they were
 * before the batch: export compares before and after. */
struct change {
	struct rib_entry *re;
	struct path *old;
	uint16_t nold;
};

struct snap_arena {
	struct path **chunks;
	size_t *sizes;
	size_t nchunks, cur, used;
};

struct mrt_walk;

struct rde {
	struct rib rib;
	uint32_t rs_as;
	struct policy_data pd;       /* what the import policy reads */
	struct policy_global *g;     /* owned; pd.g */
	struct policy_global *pending_g; /* owned; a reload's, in effect at its commit */
	struct vrp_table *vrps;      /* owned; pd.vrps */
	struct aspa_table *aspas;    /* owned; pd.aspas */
	struct pfxtree *rov_changed; /* VRP prefixes changed since the last re-validation */
	struct rpki_rtr *rtr;        /* owned; set before rde_start, or NULL */
	struct irr_member **irr;     /* owned; by irr_member.key, shared by members with the same AS-SETs */
	struct whois_routes *whois[2];   /* owned; pd.whois */
	size_t nirr;
	struct rde_peer *peers[MAX_PEERS];
	uint32_t npeers;             /* highest id + 1 */
	struct change *changes;
	size_t nchanges, changes_cap;
	struct snap_arena snaps;     /* the changes' `old` arrays */
	struct route_dump *dumps;    /* route listings streaming to control clients (rde_query.c) */
	uint32_t *dumping;           /* ids of peers being sent their table (export.c) */
	size_t dump_next;            /* the walk whose go is next */
	uint32_t table_scan_budget;  /* RIB entries a table walk looks at per turn; 0: default */
	size_t ndumping, dumping_cap;
	uint32_t stamp;               /* export: last visit stamp handed out */
	struct ipc_queue *in, *to_se, *to_main;
	struct ipc_queue *to_archive;    /* the MRT archive thread, or NULL (set before rde_start) */
	struct mrt_walk *mrt;        /* a RIB dump on its way (rde_mrt.c) */
	int64_t rpki_updated, irr_updated;   /* unix time the data last changed; 0: never */
	struct update_decoded dec;
	unsigned purges_pending;     /* peers with purge_pending set */
	uint64_t defer_until;        /* ms: selection deferral after our graceful restart, 0: none */
	pthread_t thread;
	atomic_bool stop;
};

/* Records the state of re before its first change in this batch. */
void rde_touch(struct rde *rde, struct rib_entry *re);
/* Exports the batch's changes and releases its snapshots. */
void rde_flush_batch(struct rde *rde);
/* Frees the batch's memory (after the last flush). */
void rde_free_batch(struct rde *rde);
const struct decision_peer *rde_decision_peer(uint32_t id, void *rde);
uint32_t rde_now_s(void);

/* export.c */
void export_batch(struct rde *rde);
/* Starts sending a new session its table, a part per turn of the thread
 * (export_tables_run), then End-of-RIB: 700 sessions coming up together
 * never stop import, export or the other sessions' tables.  Until the walk
 * has passed a prefix, the batches leave it to the walk; behind it, the
 * member gets its changes like any other. */
void export_table(struct rde *rde, struct rde_peer *peer);
/* A ROUTE-REFRESH: the table again, by the same walk (BoRR first and
 * EoRR last when enhanced, RFC 7313); the member keeps getting every
 * change meanwhile, as it holds routes already. */
void export_refresh(struct rde *rde, struct rde_peer *peer, bool enhanced);
/* One turn of every table on its way; true if some are not finished.
 * After the route server's own graceful restart (RFC 4724 §4.1, selection
 * deferral: rde.defer_until), no table goes out before every configured
 * member is up and has sent End-of-RIB -- one without graceful restart
 * may send none: for it, DEFERRAL_QUIET_MS without an UPDATE -- or
 * SELECTION_DEFERRAL_S have passed: a member back first must not get an
 * almost empty table and End-of-RIB, and drop the routes it kept for the
 * others. */
bool export_tables_run(struct rde *rde);
#define SELECTION_DEFERRAL_S 60
#define DEFERRAL_QUIET_MS 2000
/* The SE says peer's output queue is above its high-water mark (paused)
 * or back below the low-water mark.  A paused member stays in every export
 * computation -- its counts follow the RIB as if it were sent everything --
 * but nothing is encoded for it: the RIB entries it misses are noted, a
 * bit each, and kept while it is owed them (a withdrawn prefix's entry
 * too: its slab slot was there anyway).  Resumed, it is sent the current
 * state of those, a part per turn (export_replay_run): its memory is a bit
 * per prefix, not UPDATEs, however the table churns. */
void export_output(struct rde_peer *peer, bool paused);
bool export_replay_run(struct rde *rde);
/* Session down or up: nothing is owed any more. */
void export_output_reset(struct rde *rde, struct rde_peer *peer);

/* rde.c */
/* Peers are created by IPC_PEER_ADD messages, at start as on reload. */
int rde_start(struct rde *rde, uint32_t rs_as, struct ipc_queue *in, struct ipc_queue *to_se,
    struct ipc_queue *to_main);
void rde_stop(struct rde *rde);
#endif
