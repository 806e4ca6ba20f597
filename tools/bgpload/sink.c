/* SPDX-License-Identifier: ISC */
#include "sink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "churn.h"
#include "dcache.h"
#include "pset.h"
#include "table.h"
#include "u32set.h"
#include "util.h"
#include "xalloc.h"

/* The decoder's scratch (main thread only). */
static struct {
	struct update_decoded dec;          /* a message decoded (a decode cache miss) */
	struct update_decoded dec_log;      /* the same for --rib-log */
	struct {                            /* the decode cache entry being built */
		struct dc_entry e;
		uint32_t idx[];
	} *dce;
	size_t dce_cap;
} rcv;

void sink_init(void)
{
	update_decoded_init(&rcv.dec);
}

void digest_add(uint64_t *d, const struct update_decoded *u)
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
	return u32_contains(bl.feeder_asns, bl.nfeeder_asns, as);
}

bool sink_all_complete(void)
{
	for (int i = 0; i < bl.nsess; i++)
		if (bl.sessions[i]->recv && bl.sessions[i]->expect && !bl.sessions[i]->t_complete)
			return false;
	return true;
}

static void sink_check_complete(struct sess *s, uint64_t now)
{
	if (s->expect && !s->t_complete && s->held >= s->expect) {
		s->t_complete = now;
		if (sink_all_complete())
			bl.cpu_complete = cpu_seconds();
		logmsg("%s: complete: %" PRIu64 " prefixes held, %.3f s after the first feeder "
		    "UPDATE", s->name, s->held,
		    bl.first_upd ? (double)(now - bl.first_upd) / 1e6 : 0.0);
	}
	if (s->t_complete && !s->t_drained && opt.withdraw_after > 0 &&
	    s->held <= opt.expect_after_withdraw) {
		s->t_drained = now;
		logmsg("%s: withdrawal complete: %" PRIu64
		    " prefixes held, %.3f s after the first withdrawal", s->name, s->held,
		    bl.wd_start ? (double)(now - bl.wd_start) / 1e6 : 0.0);
	}
}

void sink_forget(struct sess *s)
{
	if (s->rib_log)
		fputs("D\n", s->rib_log);
	if (s->bm)
		memset(s->bm, 0, (bl.gidx[s->fam].n + 63) / 64 * sizeof(*s->bm));
	pset_free(&s->set);
}

/* Prefix k of the index announced to s; bm is s->bm. */
static inline void recv_add_idx(struct sess *s, uint64_t *bm, uint32_t k, uint64_t now)
{
	uint64_t m = 1ull << (k & 63);
	if (bm[k >> 6] & m) {
		s->dup_ann++;
		return;
	}
	bm[k >> 6] |= m;
	s->held++;
	if (bl.ev_a[s->fam])
		churn_seen(s, k, true, now);
}

static inline void recv_del_idx(struct sess *s, uint64_t *bm, uint32_t k, uint64_t now)
{
	uint64_t m = 1ull << (k & 63);
	if (!(bm[k >> 6] & m)) {
		s->wd_unknown++;
		return;
	}
	bm[k >> 6] &= ~m;
	s->held--;
	if (bl.ev_w[s->fam])
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
		/* in locals: churn_seen() is in another file, so the compiler
		 * would otherwise load them again for every prefix */
		uint64_t *bm = s->bm;
		const uint32_t *k = e->idx, *wd_end = k + e->nwd, *end = wd_end + e->nann;
		for (; k < wd_end; k++)
			recv_del_idx(s, bm, *k, now);
		for (; k < end; k++)
			recv_add_idx(s, bm, *k, now);
	}
	after_update(s, now);
}

/* Prefix p's number in the index of family fam, or GIDX_NONE. */
static inline uint32_t index_of(enum family fam, const struct prefix *p)
{
	return p->afi == family_afi(fam) ? gidx_get(&bl.gidx[fam], pset_key(p)) : GIDX_NONE;
}

/* Builds rcv.dce from rcv.dec; false if a prefix is outside the index. */
static bool dce_build(enum family fam, const uint8_t *body, size_t len, uint8_t ctx, uint64_t h)
{
	size_t need = (size_t)rcv.dec.withdrawn.n + rcv.dec.announced.n;
	if (!rcv.dce || need > rcv.dce_cap) {
		rcv.dce_cap = need * 2;
		rcv.dce = xrealloc(rcv.dce, sizeof(*rcv.dce) + rcv.dce_cap * sizeof(uint32_t));
	}
	struct dc_entry *e = &rcv.dce->e;
	memset(e, 0, sizeof(*e));
	e->h = h;
	e->len = (uint32_t)len;
	e->ctx = ctx;
	e->eor = (int8_t)rcv.dec.eor_family;
	e->body = body;
	e->nwd = rcv.dec.withdrawn.n;
	e->nann = rcv.dec.announced.n;
	uint32_t o = 0;
	for (uint32_t i = 0; i < rcv.dec.withdrawn.n; i++) {
		uint32_t k = index_of(fam, &rcv.dec.withdrawn.v[i]);
		if (k == GIDX_NONE)
			return false;
		rcv.dce->idx[o++] = k;
	}
	for (uint32_t i = 0; i < rcv.dec.announced.n; i++) {
		uint32_t k = index_of(fam, &rcv.dec.announced.v[i]);
		if (k == GIDX_NONE)
			return false;
		rcv.dce->idx[o++] = k;
	}
	if (rcv.dec.announced.n && is_feeder_asn(rcv.dec.info.neighbor_as)) {
		e->from_feeder = true;
		digest_add(&e->digest, &rcv.dec);
	}
	return true;
}

/* The decode cache's entry for the message: the successor of the one s
 * got last, or found by its hash; NULL on a miss. */
static struct dc_entry *cache_lookup(struct sess *s, const uint8_t *body, size_t len, uint8_t ctx)
{
	struct dc_entry *prev = s->dc_last, *e = prev ? prev->next : NULL;
	if (e && dc_match(e, body, len, ctx)) {
		bl.dc.chained++;
		return e;
	}
	uint64_t h = hash_fast(body, len) ^ ((uint64_t)ctx << 56);
	e = dc_find(&bl.dc, h, body, len, ctx);
	if (!e)
		return NULL;
	bl.dc.hits++;
	if (prev)
		prev->next = e;
	return e;
}

static void log_malformed(const struct sess *s, const uint8_t *body, size_t len)
{
	char hex[3 * 48 + 1] = "";
	for (size_t i = 0; i < len && i < 48; i++)
		snprintf(hex + 3 * i, 4, "%02x ", body[i]);
	logmsg("%s: MALFORMED UPDATE from the route server (%s): %s; body %zu bytes: %s", s->name,
	    rcv.dec.action == UPD_SESSION_RESET ? "session reset" :
	    rcv.dec.action == UPD_TREAT_AS_WITHDRAW ? "treat-as-withdraw" : "attribute discard",
	    rcv.dec.reason, len, hex);
}

/* Applies rcv.dec, an outcome that is not cached: an error, or prefixes
 * outside the index. */
static void recv_uncached(struct sess *s, uint64_t now)
{
	if (rcv.dec.eor_family >= 0) {
		if (!s->t_eor_rcvd)
			s->t_eor_rcvd = now;
		return;
	}
	s->pfx_wd_rcvd += rcv.dec.withdrawn.n;
	s->pfx_ann_rcvd += rcv.dec.announced.n;
	if (s->recv && rcv.dec.action == UPD_OK && !s->t_complete &&
	    is_feeder_asn(rcv.dec.info.neighbor_as))
		digest_add(&s->rdigest, &rcv.dec);
	if (!s->recv || opt.count_only) {
		s->held += rcv.dec.announced.n;
		s->held = s->held > rcv.dec.withdrawn.n ? s->held - rcv.dec.withdrawn.n : 0;
	} else {
		for (uint32_t i = 0; i < rcv.dec.withdrawn.n; i++) {
			const struct prefix *p = &rcv.dec.withdrawn.v[i];
			uint32_t k = index_of(s->fam, p);
			if (k != GIDX_NONE)
				recv_del_idx(s, s->bm, k, now);
			else
				recv_del_other(s, p);
		}
		for (uint32_t i = 0; i < rcv.dec.announced.n; i++) {
			const struct prefix *p = &rcv.dec.announced.v[i];
			uint32_t k = index_of(s->fam, p);
			if (k != GIDX_NONE)
				recv_add_idx(s, s->bm, k, now);
			else
				recv_add_other(s, p);
		}
	}
	after_update(s, now);
}

/* A message the decode cache does not have: decoded, and cached when the
 * outcome is clean and within the index (prev, the entry s got before,
 * then leads to it). */
static void recv_miss(struct sess *s, const uint8_t *body, size_t len, uint8_t ctx,
    struct dc_entry *prev, uint64_t now)
{
	bl.dc.misses++;
	s->dc_last = NULL;
	bgp_update_decode(&s->uctx, body, len, &rcv.dec);
	if (rcv.dec.action != UPD_OK) {
		s->decode_err++;
		if (s->decode_err <= 10)
			log_malformed(s, body, len);
		if (rcv.dec.action == UPD_SESSION_RESET)
			return;
	}
	if (rcv.dec.action == UPD_OK &&
	    dce_build(s->fam, body, len, ctx, hash_fast(body, len) ^ ((uint64_t)ctx << 56))) {
		if (!bl.dc.full) {
			s->dc_last = dc_insert(&bl.dc, &rcv.dce->e, body);
			if (s->dc_last && prev)
				prev->next = s->dc_last;
		}
		recv_entry(s, &rcv.dce->e, now);
		return;
	}
	bl.dc.uncacheable++;
	recv_uncached(s, now);
}

void sink_update(struct sess *s, const uint8_t *body, size_t len, uint64_t now)
{
	s->upd_rcvd++;
	if (!s->t_first_rcvd)
		s->t_first_rcvd = now;
	if (s->rib_log) {
		bgp_update_decode(&s->uctx, body, len, &rcv.dec_log);
		riblog_update(s->rib_log, &rcv.dec_log);
	}
	uint8_t ctx = (uint8_t)(s->uctx.peer_as4 | s->uctx.families << 1);
	struct dc_entry *prev = s->dc_last, *e = cache_lookup(s, body, len, ctx);
	if (!e) {
		recv_miss(s, body, len, ctx, prev, now);
		return;
	}
	s->dc_last = e;
	if (e->next) {
		__builtin_prefetch(e->next);
		__builtin_prefetch(e->next->body);
	}
	recv_entry(s, e, now);
}

void sink_open_rib_logs(void)
{
	update_decoded_init(&rcv.dec_log);
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (!s->recv)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s.log", opt.rib_log, s->addr);
		if (!(s->rib_log = fopen(path, "w")))
			die("cannot create %s: %s", path, strerror(errno));
	}
}

void sink_flush_rib_logs(void)
{
	for (int i = 0; i < bl.nsess; i++)
		if (bl.sessions[i]->rib_log && fflush(bl.sessions[i]->rib_log) != 0)
			logmsg("%s: writing the RIB log: %s", bl.sessions[i]->name, strerror(errno));
}
