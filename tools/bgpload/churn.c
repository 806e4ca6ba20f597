/* SPDX-License-Identifier: ISC */
#include "churn.h"

#include <inttypes.h>
#include <string.h>

#include "bgp.h"
#include "dcache.h"
#include "feeder.h"
#include "hist.h"
#include "pset.h"
#include "sess.h"
#include "sink.h"
#include "util.h"
#include "xalloc.h"

/* churn events: a group of prefixes withdrawn or re-announced by a feeder,
 * timestamped when the last byte of its UPDATEs was handed to the kernel.
 * Per family and prefix number, the latest withdraw and announce event
 * (bl.ev_w, bl.ev_a) is an index into events.ev. */
struct churn_ev {
	uint64_t t_sent;            /* 0 until written */
	uint64_t end_off;           /* the feeder's q_total after its UPDATEs */
};
static struct {
	struct churn_ev *ev;
	uint32_t n, cap;            /* event 0 = none */
} events = { .n = 1 };

/* A churn event reached receiver s: prefix k of its family changed to
 * `announced` (it did not hold it before an announcement, held it before
 * a withdrawal).  The sample is the delay since the prefix's latest churn
 * event of that kind: a withdrawal may arrive after the feeder already
 * re-announced (a slow route server), but a prefix's next withdrawal
 * comes a whole churn cycle (100 / PCT seconds) later.  The holding bit
 * makes each event count once per receiver. */
void churn_seen(struct sess *s, uint32_t k, bool announced, uint64_t now)
{
	uint32_t ev = announced ? bl.ev_a[s->fam][k] : bl.ev_w[s->fam][k];
	if (!ev)
		return;
	uint64_t t = events.ev[ev].t_sent;
	if (!t)
		bl.ch_unsent++;
	hist_add(&bl.hist, t && now > t ? now - t : 0);
	s->ch_samples++;
}

/* Encodes group g withdrawn or re-announced by the churn and records the
 * event: its prefixes' latest event of that kind, sent when the feeder has
 * written the UPDATEs' last byte (sess_flush). */
static void churn_encode(struct sess *s, uint32_t g, bool announce)
{
	struct feeder *f = s->f;
	feeder_encode_group(s, g, announce);
	if (events.n >= events.cap) {
		events.cap = events.cap ? events.cap * 2 : 4096;
		events.ev = xrealloc(events.ev, events.cap * sizeof(*events.ev));
	}
	uint32_t id = events.n++;
	events.ev[id] = (struct churn_ev){ .t_sent = 0, .end_off = s->q_total };
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
	uint32_t *evk = announce ? bl.ev_a[s->fam] : bl.ev_w[s->fam];
	for (size_t i = 0; i < n; i++) {
		uint32_t k = gidx_get(&bl.gidx[s->fam], pset_key(&p[i]));
		if (k != GIDX_NONE)
			evk[k] = id;
	}
	s->ch_issued += n;
	bl.ch_issued[s->fam] += n;
}

void churn_written(struct sess *s, uint64_t now)
{
	struct feeder *f = s->f;
	while (f->evq_len && events.ev[f->evq[f->evq_head]].end_off <= s->s_total) {
		events.ev[f->evq[f->evq_head]].t_sent = now;
		f->evq_head++;
		f->evq_len--;
	}
	if (!f->evq_len)
		f->evq_head = 0;
}

/* The feeder withdraws its whole table: what follows is not churn. */
static void churn_forget(struct sess *s)
{
	if (!bl.ev_w[s->fam])
		return;
	for (uint32_t g = 0; g < s->f->ngroups; g++) {
		size_t n;
		const struct prefix *p = feeder_group(s, g, &n, NULL);
		for (size_t i = 0; i < n; i++) {
			uint32_t k = gidx_get(&bl.gidx[s->fam], pset_key(&p[i]));
			if (k != GIDX_NONE)
				bl.ev_w[s->fam][k] = bl.ev_a[s->fam][k] = 0;
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
		if (now > bl.churn_end)
			bl.churn_end = now;
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

bool churn_finished(uint64_t now)
{
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (s->f && s->f->ngroups && !s->f->churn_done && !s->f->withdrawn_all)
			return false;
	}
	if (now - bl.churn_end >= (uint64_t)(opt.churn_drain * 1e6))
		return true;
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (s->recv && s->expect && s->held < s->expect && opt.withdraw_after <= 0)
			return false;
	}
	return true;
}

struct churn_acct churn_account(const struct sess *r)
{
	struct churn_acct a = { 0 };
	a.expected = bl.ch_issued[r->fam] - r->ch_issued;
	a.samples = r->ch_samples;
	a.lost = r->expect > r->held ? r->expect - r->held : 0;
	if (a.lost > a.expected - (a.samples < a.expected ? a.samples : a.expected))
		a.lost = a.expected - (a.samples < a.expected ? a.samples : a.expected);
	uint64_t seen = a.samples + a.lost;
	a.coalesced = a.expected > seen ? a.expected - seen : 0;
	return a;
}

void churn_init(void)
{
	for (int fam = 0; fam < 2; fam++) {
		bl.ev_w[fam] = xcalloc(bl.gidx[fam].n + 1, sizeof(uint32_t));
		bl.ev_a[fam] = xcalloc(bl.gidx[fam].n + 1, sizeof(uint32_t));
	}
}

/* --withdraw-after counts from the moment the table is out and every
 * receiver of this process holds it; so does churn (--churn-after later). */
static void schedule(struct sess *s, uint64_t now, int *allc)
{
	struct feeder *f = s->f;
	if (opt.withdraw_after > 0 && !f->withdraw_scheduled && s->t_eor_sent &&
	    (*allc < 0 ? (*allc = sink_all_complete()) : *allc)) {
		f->withdraw_scheduled = true;
		f->t_withdraw_at = now + (uint64_t)(opt.withdraw_after * 1e6);
	}
	if (opt.churn_pct > 0 && !f->churn_scheduled && f->ngroups && s->t_eor_sent &&
	    (*allc < 0 ? (*allc = sink_all_complete()) : *allc)) {
		f->churn_scheduled = true;
		/* feeders tick 10 times a second, spread over the 100 ms */
		f->churn_next = now + (uint64_t)(opt.churn_after * 1e6) +
		    (uint64_t)s->idx * 100000u / (uint64_t)bl.nsess;
		if (opt.churn_duration > 0)
			f->churn_end_at = f->churn_next + (uint64_t)(opt.churn_duration * 1e6);
		/* feeders of the same prefixes churn different parts */
		f->churn_cursor = (uint32_t)(mix64(s->asn) % f->ngroups);
		logmsg("%s: churn of %.1f %% a second starts in %.1f s", s->name, opt.churn_pct,
		    opt.churn_after);
	}
}

/* --withdraw-after or --down-after is due: the churn ends, the table goes. */
static void withdraw_all(struct sess *s, uint64_t now)
{
	struct feeder *f = s->f;
	f->t_withdraw_at = 0;
	f->t_wd_start = now;
	if (!bl.wd_start)
		bl.wd_start = now;
	if (f->churn_next && !f->churn_done) {
		f->churn_done = true;
		if (now > bl.churn_end)
			bl.churn_end = now;
	}
	f->churn_next = 0;
	if (opt.down_instead) {
		logmsg("%s: closing the session (%u prefixes)", s->name, f->n);
		churn_forget(s);
		sess_notify(s, ERR_CEASE, ERR_CEASE_ADMIN_DOWN);
		sess_close(s);
		s->st = S_CLOSED;
		f->withdrawn_all = true;
		return;
	}
	logmsg("%s: withdrawing its %u prefixes", s->name, f->n);
	churn_forget(s);
	feeder_start(s, GEN_WITHDRAW, false);
}

void churn_timers(struct sess *s, uint64_t now, int *allc)
{
	struct feeder *f = s->f;
	if (!f || s->st != S_ESTABLISHED || !f->table_done || f->mode != GEN_IDLE)
		return;
	schedule(s, now, allc);
	if (f->t_withdraw_at && now >= f->t_withdraw_at && !f->withdrawn_all) {
		withdraw_all(s, now);
	} else if (f->churn_next && now >= f->churn_next && !f->withdrawn_all) {
		churn_tick(s, now);
		sess_flush(s, now);
	}
}
