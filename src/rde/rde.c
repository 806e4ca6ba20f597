/* SPDX-License-Identifier: ISC */
#include "rde_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "policy.h"
#include "rde_query.h"
#include "whois_dump.h"
#include "xalloc.h"

/* How many UPDATEs to import before exporting: larger batches coalesce
 * more (a prefix changed twice is sent once) and pack UPDATEs better;
 * smaller ones lower the propagation delay. */
#define BATCH_UPDATES 512


uint32_t rde_now_s(void) { return (uint32_t)(now_ms() / 1000); }

const struct decision_peer *rde_decision_peer(uint32_t id, void *arg)
{
	struct rde *rde = arg;
	return &rde->peers[id]->dp;
}

const char *rde_peer_name(const struct rde_peer *p)
{
	return log_peer_name(&p->addr, p->asn);
}

/* The path snapshots of a batch come from chunks that are reused batch
 * after batch: no malloc/free per changed prefix. */
#define SNAP_CHUNK 65536

static struct path *snap_alloc(struct snap_arena *a, uint16_t n)
{
	while (a->cur < a->nchunks && a->used + n > a->sizes[a->cur]) {
		a->cur++;
		a->used = 0;
	}
	if (a->cur == a->nchunks) {
		size_t size = SNAP_CHUNK;    /* > any entry's path count (uint16_t) */
		a->chunks = xrealloc(a->chunks, (a->nchunks + 1) * sizeof(*a->chunks));
		a->sizes = xrealloc(a->sizes, (a->nchunks + 1) * sizeof(*a->sizes));
		a->chunks[a->nchunks] = xmalloc(size * sizeof(struct path));
		a->sizes[a->nchunks++] = size;
		a->used = 0;
	}
	struct path *p = a->chunks[a->cur] + a->used;
	a->used += n;
	return p;
}

static void snap_reset(struct snap_arena *a)
{
	a->cur = 0;
	a->used = 0;
}

void rde_free_batch(struct rde *rde)
{
	struct snap_arena *a = &rde->snaps;
	for (size_t i = 0; i < a->nchunks; i++)
		free(a->chunks[i]);
	free(a->chunks);
	free(a->sizes);
	memset(a, 0, sizeof(*a));
	free(rde->changes);
	rde->changes = NULL;
	rde->changes_cap = 0;
}

void rde_touch(struct rde *rde, struct rib_entry *re)
{
	if (re->in_batch)
		return;
	XGROW(rde->changes, rde->nchanges, rde->changes_cap, 1024);
	struct change *c = &rde->changes[rde->nchanges++];
	c->re = re;
	c->nold = re->npaths;
	c->old = NULL;
	if (re->npaths) {
		c->old = snap_alloc(&rde->snaps, re->npaths);
		memcpy(c->old, re->paths, re->npaths * sizeof(*c->old));
		for (uint16_t i = 0; i < re->npaths; i++)
			attr_ref(c->old[i].attrs);
	}
	re->in_batch = 1;
}

void rde_flush_batch(struct rde *rde)
{
	export_batch(rde);
	for (size_t i = 0; i < rde->nchanges; i++) {
		struct change *c = &rde->changes[i];
		for (uint16_t k = 0; k < c->nold; k++)
			attr_unref(c->old[k].attrs);
		c->re->in_batch = 0;
		rib_gc_entry(&rde->rib, c->re);
	}
	rde->nchanges = 0;
	snap_reset(&rde->snaps);
}

/* Reload: a changed or removed peer loses its routes now; the session
 * engine restarts or ends its session. */
static void reconfigure(struct rde *rde, const struct ipc_msg *m)
{
	if (m->peer >= MAX_PEERS)
		fatalx("RDE: peer id %u beyond the table of %u", m->peer, MAX_PEERS);
	rde_flush_batch(rde);
	struct rde_peer *p = rde->peers[m->peer];
	if (p) {
		rde_purge_paths(rde, p->id, (uint8_t)(1u << p->fam), 0, 0);
		p->count.exported = 0;
	}
	if (m->type == IPC_PEER_ADD) {
		rde_peer_configure(rde, m->peer, (const struct rde_peer_cfg *)m->body);
	} else if (p) {
		free(p->bh_retry);
		free(p);
		rde->peers[m->peer] = NULL;
	}
}

static void handle_msg(struct rde *rde, struct ipc_msg *m, unsigned *updates)
{
	struct rde_peer *p = m->peer < rde->npeers ? rde->peers[m->peer] : NULL;
	if (m->type != IPC_PEER_DOWN)
		rde_run_pending_purges(rde);
	if (m->type == IPC_CONTROL_CREDIT || m->type == IPC_CONTROL_CANCEL) {
		rde_query(rde, m);
		return;
	}
	if (m->type == IPC_CONTROL) {
		rde_flush_batch(rde);
		rde_query(rde, m);
		return;
	}
	if (m->type == IPC_MRT_DUMP || m->type == IPC_MRT_CREDIT) {
		rde_flush_batch(rde);
		if (m->type == IPC_MRT_DUMP)
			rde_mrt_start(rde, m);
		else
			rde_mrt_credit(rde);
		return;
	}
	if (m->type == IPC_PEER_ADD || m->type == IPC_PEER_REMOVE) {
		reconfigure(rde, m);
		return;
	}
	if (m->type == IPC_PEER_POLICY) {
		if (p) {         /* applied now, re-evaluated at the commit */
			bool prepend = p->pol.prepend_rs_as;
			p->pol = ((const struct rde_peer_cfg *)m->body)->policy;
			if (p->pol.prepend_rs_as != prepend)
				rde_peer_prepend_changed(rde, p);
			rde_peer_bind_policy(rde, p);
			p->refilter = true;
		}
		return;
	}
	if (m->type == IPC_PEER_GSHUT) {
		if (p && p->up && p->gen == m->gen) {
			p->gshut_forced = true;
			p->refilter = true;
			rde_refilter_pending(rde);
		}
		return;
	}
	if (m->type == IPC_POLICY_COMMIT) {
		if (rde->pending_g) {
			struct policy_global *g = rde->pending_g;
			rde->pending_g = NULL;
			rde_set_global_policy(rde, g);
		}
		rde_refilter_pending(rde);
		return;
	}
	if (m->type == IPC_POLICY_GLOBAL) {
		/* The first one now; a reload's at its commit, after its
		 * members' policies (which index its client lists). */
		struct policy_global *g = *(struct policy_global *const *)m->body;
		if (!rde->g) {
			rde_set_global_policy(rde, g);
		} else {
			policy_global_free(rde->pending_g);
			rde->pending_g = g;
		}
		return;
	}
	if (m->type == IPC_IRR_DATA) {
		rde_set_irr_data(rde, *(struct irr_member *const *)m->body);
		return;
	}
	if (m->type == IPC_WHOIS_DATA) {
		rde_set_whois_data(rde, (const struct ipc_whois *)m->body);
		return;
	}
	if (m->type == IPC_RPKI_DATA) {
		rde_set_rpki_data(rde, (const struct rpki_update *)m->body);
		return;
	}
	if (!p)
		return;
	switch (m->type) {
	case IPC_PEER_UP:
		rde_flush_batch(rde);
		rde_peer_up(rde, p, m->gen, (const struct ipc_peer_up *)m->body);
		break;
	case IPC_PEER_DOWN:
		rde_flush_batch(rde);
		rde_peer_down(rde, p, (const struct ipc_peer_down *)m->body);
		break;
	case IPC_UPDATE:
		if (p->up && p->gen == m->gen) {
			rde_handle_update(rde, p, m->body, m->len);
			if (++*updates >= BATCH_UPDATES) {
				rde_flush_batch(rde);
				*updates = 0;
			}
		}
		break;
	case IPC_REFRESH:
		if (p->up && p->gen == m->gen)
			rde_handle_refresh(rde, p, (const struct ipc_refresh *)m->body);
		break;
	case IPC_PEER_OUTPUT:
		if (p->up && p->gen == m->gen) {
			rde_flush_batch(rde);        /* what came before the pause goes out as it was */
			export_output(p, ((const struct ipc_peer_output *)m->body)->paused);
		}
		break;
	default:
		break;
	}
}

static void *rde_main(void *arg)
{
	struct rde *rde = arg;
	bool busy = false;           /* a listing can go on: do not sleep */
	while (!atomic_load(&rde->stop)) {
		struct pollfd pfd[2] = { { rde->in->efd, POLLIN, 0 }, { -1, POLLIN, 0 } };
		if (rde->rtr)
			pfd[1].fd = rpki_rtr_fd(rde->rtr);
		poll(pfd, 2, busy ? 0 : 1000);
		if (rde->rtr && (pfd[1].revents & POLLIN))
			rde_drain_rtr(rde);
		unsigned updates = 0;
		for (struct ipc_msg *m = ipc_take_all(rde->in), *next; m; m = next) {
			next = m->next;
			handle_msg(rde, m, &updates);
			ipc_done(rde->in, m);
			ipc_msg_free(m);
		}
		rde_run_pending_purges(rde);
		rde_retry_blackholes(rde);
		rde_flush_batch(rde);
		rde_check_stale_timers(rde, now_ms());
		busy = export_tables_run(rde);
		busy |= export_replay_run(rde);
		busy |= rde_query_run(rde);
		busy |= rde_mrt_run(rde);
	}
	return NULL;
}

int rde_start(struct rde *rde, uint32_t rs_as, struct ipc_queue *in, struct ipc_queue *to_se,
    struct ipc_queue *to_main)
{
	rib_init(&rde->rib);
	update_decoded_init(&rde->dec);
	rde->rs_as = rs_as;
	rde->in = in;
	rde->to_se = to_se;
	rde->to_main = to_main;
	return pthread_create(&rde->thread, NULL, rde_main, rde);
}

void rde_stop(struct rde *rde)
{
	atomic_store(&rde->stop, true);
	uint64_t one = 1;
	(void)!write(rde->in->efd, &one, sizeof(one));
	pthread_join(rde->thread, NULL);
	rde_flush_batch(rde);
	rde_query_free(rde);
	rde_mrt_free(rde);
	free(rde->dumping);
	for (uint32_t i = 0; i < rde->npeers; i++)
		if (rde->peers[i])
			export_output_reset(rde, rde->peers[i]);
	rib_destroy(&rde->rib);
	update_decoded_free(&rde->dec);
	if (rde->rtr)
		rpki_rtr_stop(rde->rtr);
	vrp_table_free(rde->vrps);
	aspa_table_free(rde->aspas);
	pfxtree_free(rde->rov_changed, NULL);
	for (size_t i = 0; i < rde->nirr; i++)
		irr_member_free(rde->irr[i]);
	whois_routes_free(rde->whois[WHOIS_ARIN]);
	whois_routes_free(rde->whois[WHOIS_REGISTROBR]);
	free(rde->irr);
	policy_global_free(rde->g);
	policy_global_free(rde->pending_g);
	for (uint32_t i = 0; i < rde->npeers; i++) {
		if (rde->peers[i])
			free(rde->peers[i]->bh_retry);
		free(rde->peers[i]);
	}
	rde_free_batch(rde);
}
