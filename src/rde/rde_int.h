/* SPDX-License-Identifier: ISC */
/* rde_int: what the files of the RDE thread (src/rde/) share with each
 * other and with no one else: the thread's own functions, split by job.
 * Everything here runs on the RDE thread. */
#ifndef IXPD_RDE_INT_H
#define IXPD_RDE_INT_H
#include "rde.h"

/* What a member's own space is asked of (blackholes within its routes). */
struct own_space_query {
	struct rde *rde;
	uint32_t peer;
};

/* rde.c: the thread, its batches */
const char *rde_peer_name(const struct rde_peer *p);

/* rde_peer.c: members coming, going, restarting */
void rde_peer_configure(struct rde *rde, uint32_t id, const struct rde_peer_cfg *m);
void rde_path_remove(struct rde *rde, struct rib_entry *re, struct rde_peer *p, bool rejected);
size_t rde_purge_paths(struct rde *rde, uint32_t peer, uint8_t families, uint8_t only_flags,
    uint8_t set_flags);
void rde_peer_up(struct rde *rde, struct rde_peer *p, uint32_t gen, const struct ipc_peer_up *up);
void rde_peer_down(struct rde *rde, struct rde_peer *p, const struct ipc_peer_down *d);
/* Its prepend_rs_as changed (reload): it gets its table again, as it is
 * now to be sent. */
void rde_peer_prepend_changed(struct rde *rde, struct rde_peer *p);
void rde_run_pending_purges(struct rde *rde);
void rde_end_of_stale(struct rde *rde, struct rde_peer *p, uint8_t families, const char *why);
void rde_check_stale_timers(struct rde *rde, uint64_t now);

/* rde_import.c: UPDATEs into the RIB */
struct policy_peer rde_policy_peer_of(struct rde *rde, const struct rde_peer *p,
    struct own_space_query *q);
struct attr_set *rde_import_eval(struct rde *rde, const struct rde_peer *p,
    struct attr_set *received, const struct attrs_verdict *av, const struct prefix *pfx,
    struct route_verdict *v);
void rde_handle_update(struct rde *rde, struct rde_peer *p, const uint8_t *body, size_t len);
void rde_handle_refresh(struct rde *rde, struct rde_peer *p, const struct ipc_refresh *r);

/* rde_refilter.c: the policy or its data changed */
void rde_retry_blackholes(struct rde *rde);
void rde_refilter_pending(struct rde *rde);
void rde_peer_bind_policy(struct rde *rde, struct rde_peer *p);
void rde_set_global_policy(struct rde *rde, struct policy_global *g);
void rde_set_irr_data(struct rde *rde, struct irr_member *m);
/* A whois dump's route objects (taken over); members filtered again at
 * the next commit. */
void rde_set_whois_data(struct rde *rde, const struct ipc_whois *d);
void rde_set_rpki_data(struct rde *rde, const struct rpki_update *d);
void rde_drain_rtr(struct rde *rde);
/* rde_mrt.c: a TABLE_DUMP_V2 dump for the archive thread */
void rde_mrt_start(struct rde *rde, const struct ipc_msg *m);
void rde_mrt_credit(struct rde *rde);
/* Makes the next piece if the last was written; true: call again soon. */
bool rde_mrt_run(struct rde *rde);
void rde_mrt_free(struct rde *rde);
#endif
