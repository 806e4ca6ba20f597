/* SPDX-License-Identifier: ISC */
/* rde_mrt: the RDE's part of a TABLE_DUMP_V2 RIB dump (RFC 6396 §4.3) --
 * every member's Adj-RIB-In as received, rejected paths included -- made a
 * part per turn from a cursor into the RIB's slabs, like a route listing
 * (rde_query.c), and handed to the archive thread a piece at a time: the
 * next piece only once the last is written (IPC_MRT_CREDIT).  A dump of a
 * million routes never stops import or export, and a slow disk holds one
 * piece. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mrt.h"
#include "rde.h"
#include "rde_int.h"
#include "xalloc.h"

#define MRT_PIECE_BYTES (256 * 1024)
#define MRT_SCAN_BUDGET 8192         /* RIB entries per turn */

struct mrt_walk {
	uint32_t cursor;             /* next RIB entry (slab index) */
	uint32_t seq;                /* RIB record sequence number */
	uint32_t ts;                 /* the dump's time (unix) */
	int64_t wall_minus_mono;     /* to turn a path's `since` into unix time */
	uint16_t *index;             /* RDE peer id -> PEER_INDEX_TABLE index */
	bool credit;
};

/* The PEER_INDEX_TABLE: every configured member, in peer id order. */
static void peer_index(struct rde *rde, struct mrt_walk *w, uint32_t collector_id, struct wbuf *out)
{
	struct mrt_peer *peers = xcalloc(rde->npeers ? rde->npeers : 1, sizeof(*peers));
	uint16_t n = 0;
	w->index = xcalloc(rde->npeers ? rde->npeers : 1, sizeof(*w->index));
	for (uint32_t i = 0; i < rde->npeers && n < UINT16_MAX; i++) {
		const struct rde_peer *p = rde->peers[i];
		if (!p)
			continue;
		w->index[i] = n;
		peers[n++] = (struct mrt_peer){ .bgp_id = p->dp.bgp_id, .addr = p->addr, .asn = p->asn };
	}
	mrt_peer_index_table(out, w->ts, collector_id, "ixpd", peers, n);
	free(peers);
}

void rde_mrt_start(struct rde *rde, const struct ipc_msg *m)
{
	rde_mrt_free(rde);           /* the archive gave an unfinished one up */
	const struct ipc_mrt_dump *req = (const struct ipc_mrt_dump *)m->body;
	struct mrt_walk *w = xcalloc(1, sizeof(*w));
	w->ts = (uint32_t)time(NULL);
	w->wall_minus_mono = (int64_t)w->ts - (int64_t)rde_now_s();
	w->credit = true;
	rde->mrt = w;
	struct wbuf out = { 0 };
	peer_index(rde, w, req->collector_id, &out);
	struct ipc_mrt_piece piece = { .data = out.data, .len = out.len };
	ipc_push(rde->to_archive, ipc_msg_new(IPC_MRT_PIECE, 0, 0, &piece, sizeof(piece)));
	w->credit = false;
}

void rde_mrt_credit(struct rde *rde)
{
	if (rde->mrt)
		rde->mrt->credit = true;
}

/* The record of one prefix: each path with the attributes the member sent. */
static void put_entry(struct rde *rde, struct mrt_walk *w, const struct rib_entry *re, struct wbuf *out)
{
	struct mrt_rib_entry *e = xcalloc(re->npaths, sizeof(*e));
	uint16_t n = 0;
	for (uint16_t i = 0; i < re->npaths; i++) {
		const struct path *p = &re->paths[i];
		const struct attr_set *a = p->attrs->origin ? p->attrs->origin : p->attrs;
		if (p->peer >= rde->npeers || !rde->peers[p->peer])
			continue;
		e[n++] = (struct mrt_rib_entry){ .peer_index = w->index[p->peer],
			.originated = (uint32_t)((int64_t)p->since + w->wall_minus_mono),
			.info = &a->info, .attrs = a->data, .attrs_len = a->len };
	}
	if (n && mrt_rib(out, w->ts, w->seq, &re->prefix, e, n, false) == 0)
		w->seq++;
	free(e);
}

bool rde_mrt_run(struct rde *rde)
{
	struct mrt_walk *w = rde->mrt;
	if (!w || !w->credit)
		return false;
	struct wbuf out = { 0 };
	for (unsigned scanned = 0; w->cursor < rde->rib.used && scanned < MRT_SCAN_BUDGET &&
	    out.len < MRT_PIECE_BYTES; scanned++) {
		const struct rib_entry *re = rib_entry_at(&rde->rib, w->cursor++);
		if (re && re->npaths)
			put_entry(rde, w, re, &out);
	}
	bool last = w->cursor >= rde->rib.used;
	if (!out.len && !last)
		return true;         /* nothing in this part: go on next turn */
	struct ipc_mrt_piece piece = { .data = out.data, .len = out.len, .last = last };
	ipc_push(rde->to_archive, ipc_msg_new(IPC_MRT_PIECE, 0, 0, &piece, sizeof(piece)));
	w->credit = false;
	if (last)
		rde_mrt_free(rde);
	return false;
}

void rde_mrt_free(struct rde *rde)
{
	if (!rde->mrt)
		return;
	free(rde->mrt->index);
	free(rde->mrt);
	rde->mrt = NULL;
}
