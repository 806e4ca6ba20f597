/* SPDX-License-Identifier: ISC */
/* A global policy for unit tests that drive the RDE or export directly:
 * the Euro-IX large action communities (rs:0:peer, rs:0:0, rs:1:peer,
 * rs:101..103:peer, rs:65281/65282:peer) with rs = 59900. */
#ifndef POLICY_FIXTURE_H
#define POLICY_FIXTURE_H
#include "policy.h"
#include "xalloc.h"

static void fixture_comm(struct policy_global *g, enum cfg_community_id id, const char *lrg)
{
	struct cfg_community c = { .lrg = (char *)lrg };
	comm_def_compile(&g->comm[id], &c, g->rs_as);
}

static struct policy_global *fixture_policy(void)
{
	struct policy_global *g = xcalloc(1, sizeof(*g));
	g->rs_as = 59900;
	fixture_comm(g, CFG_COMM_DO_NOT_ANNOUNCE_TO_ANY, "rs_as:0:0");
	fixture_comm(g, CFG_COMM_DO_NOT_ANNOUNCE_TO_PEER, "rs_as:0:peer_as");
	fixture_comm(g, CFG_COMM_ANNOUNCE_TO_PEER, "rs_as:1:peer_as");
	fixture_comm(g, CFG_COMM_PREPEND_ONCE_TO_PEER, "rs_as:101:peer_as");
	fixture_comm(g, CFG_COMM_PREPEND_TWICE_TO_PEER, "rs_as:102:peer_as");
	fixture_comm(g, CFG_COMM_PREPEND_THRICE_TO_PEER, "rs_as:103:peer_as");
	fixture_comm(g, CFG_COMM_ADD_NOEXPORT_TO_PEER, "rs_as:65281:peer_as");
	fixture_comm(g, CFG_COMM_ADD_NOADVERTISE_TO_PEER, "rs_as:65282:peer_as");
	return g;
}

/* One instance for a whole test program (tests that only read it). */
static inline struct policy_global *fixture_policy_shared(void)
{
	static struct policy_global *g;
	if (!g)
		g = fixture_policy();
	return g;
}
#endif
