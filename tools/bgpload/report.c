/* SPDX-License-Identifier: ISC */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "bgp.h"
#include "bgpload.h"
#include "ceiling.h"
#include "churn.h"
#include "hist.h"
#include "util.h"

void report_progress(uint64_t now)
{
	static uint64_t last_sent;
	uint64_t sent = 0, held_min = UINT64_MAX, held_max = 0;
	int sinks = 0, complete = 0, up = 0, drops = 0;
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
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
	fprintf(stderr, "bgpload [%8.3f] up %d/%d | feeders sent %" PRIu64 " (%" PRIu64 "/s)",
	    rel_s(now), up, bl.nsess, sent, sent - last_sent);
	if (sinks)
		fprintf(stderr, " | receivers held %" PRIu64 "..%" PRIu64 ", complete %d/%d",
		    held_min, held_max, complete, sinks);
	if (bl.hist.n)
		fprintf(stderr, " | churn samples %" PRIu64 " p50 %.1f ms", bl.hist.n,
		    hist_quantile(&bl.hist, 0.5) / 1e3);
	fprintf(stderr, " | drops %d\n", drops);
	last_sent = sent;
}

static json_t *ms_since(uint64_t t, uint64_t ref)
{
	if (!t || !ref || t < ref)
		return json_null();
	return json_real((double)(t - ref) / 1000.0);
}

static void set_int(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* null when v is 0 */
static void set_count(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, v ? json_integer((json_int_t)v) : json_null());
}

/* null when str is empty */
static void set_text(json_t *o, const char *key, const char *str)
{
	json_object_set_new(o, key, str[0] ? json_string(str) : json_null());
}

static void set_hex(json_t *o, const char *key, uint64_t v)
{
	char hex[24];
	snprintf(hex, sizeof(hex), "%016" PRIx64, v);
	json_object_set_new(o, key, json_string(hex));
}

/* What a receiver's routes_digest should be: the table digests of every
 * feeder and member of its family but itself (disjoint tables). */
static uint64_t expected_digest(const struct sess *r)
{
	uint64_t d = 0;
	for (int i = 0; i < bl.nsess; i++) {
		const struct sess *s = bl.sessions[i];
		if (s->f && s != r && s->fam == r->fam)
			d += s->digest;
	}
	return d;
}

/* A sender's keys of its sessions[] entry. */
static void sender_json(json_t *o, const struct sess *s)
{
	set_int(o, "table_prefixes", s->f->n);
	set_int(o, "attribute_groups", s->f->ngroups);
	set_int(o, "prefixes_sent", s->pfx_sent);
	set_int(o, "withdrawals_sent", s->wd_sent);
	set_int(o, "groups_skipped", s->groups_skipped);
	json_object_set_new(o, "first_update_ms", ms_since(s->t_first_upd, start_us()));
	json_object_set_new(o, "last_update_ms", ms_since(s->t_last_upd, start_us()));
	json_object_set_new(o, "table_sent_ms", ms_since(s->t_eor_sent, s->t_first_upd));
	set_hex(o, "table_digest", s->digest);
	if (opt.churn_pct > 0)
		set_int(o, "churn_prefix_events", s->ch_issued);
}

/* A receiver's keys of its sessions[] entry. */
static void receiver_json(json_t *o, const struct sess *s)
{
	set_count(o, "expect", s->expect);
	set_int(o, "prefixes_held", s->held);
	set_int(o, "prefixes_held_peak", s->held_peak);
	set_int(o, "duplicate_announcements", s->dup_ann);
	set_int(o, "unknown_withdrawals", s->wd_unknown);
	json_object_set_new(o, "complete_ms", ms_since(s->t_complete, bl.first_upd));
	json_object_set_new(o, "withdrawal_complete_ms", ms_since(s->t_drained, bl.wd_start));
	json_object_set_new(o, "first_update_received_ms", ms_since(s->t_first_rcvd, start_us()));
	set_hex(o, "routes_digest", s->rdigest);
	set_hex(o, "routes_digest_expected", expected_digest(s));
	json_object_set_new(o, "eor_received_ms", ms_since(s->t_eor_rcvd, start_us()));
	if (opt.churn_pct > 0) {
		struct churn_acct a = churn_account(s);
		json_object_set_new(o, "churn", json_pack("{s:I,s:I,s:I,s:I}",
		    "expected", (json_int_t)a.expected, "samples", (json_int_t)a.samples,
		    "lost", (json_int_t)a.lost, "coalesced", (json_int_t)a.coalesced));
	}
}

static json_t *session_json(const struct sess *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "role", json_string(role_name(s->role)));
	json_object_set_new(o, "family", json_string(family_name(s->fam)));
	json_object_set_new(o, "local", json_string(s->addr));
	set_int(o, "asn", s->asn);
	json_object_set_new(o, "state", json_string(sstate_name(s->st)));
	json_object_set_new(o, "established_ms", ms_since(s->t_established, start_us()));
	set_int(o, "drops", s->drops);
	set_int(o, "open_failures", s->open_fail);
	set_text(o, "last_notification", s->last_notify);
	set_text(o, "last_error", s->last_error);
	set_int(o, "updates_sent", s->upd_sent);
	set_int(o, "bytes_sent", s->bytes_sent);
	set_int(o, "updates_received", s->upd_rcvd);
	set_int(o, "bytes_received", s->bytes_rcvd);
	set_int(o, "prefixes_announced_received", s->pfx_ann_rcvd);
	set_int(o, "prefixes_withdrawn_received", s->pfx_wd_rcvd);
	set_int(o, "decode_errors", s->decode_err);
	if (s->f)
		sender_json(o, s);
	if (s->recv)
		receiver_json(o, s);
	return o;
}

/* The sums over every session that the summary reports. */
struct totals {
	int roles[3];
	uint64_t fails;             /* drops, failed OPENs, decode errors */
	/* senders (feeders and members) */
	int nf, nf_up;
	uint64_t f_digest[2], f_tab_pfx, f_first, f_last, f_table;
	uint64_t f_sent, f_wd, f_upd, f_bytes, f_drops;
	/* receivers (sinks and members) */
	int ns, ns_up, with_expect, complete;
	uint64_t s_upd, s_err, s_drops, s_ann, s_wd;
	uint64_t h_min, h_max, h_sum;           /* prefixes held */
	uint64_t c_min, c_max, c_sum, last_complete;    /* completion */
	uint64_t w_min, w_max, w_sum, drained, closed;  /* withdrawal */
	uint64_t ch_exp, ch_lost, ch_coal;      /* churn events */
};

static void add_sender(struct totals *t, const struct sess *s)
{
	t->nf++;
	t->nf_up += s->st == S_ESTABLISHED;
	if (s->t_first_upd && (!t->f_first || s->t_first_upd < t->f_first))
		t->f_first = s->t_first_upd;
	if (s->t_last_upd > t->f_last)
		t->f_last = s->t_last_upd;
	if (s->t_eor_sent > t->f_table)
		t->f_table = s->t_eor_sent;
	t->f_tab_pfx += s->f->n;
	t->f_digest[s->fam] += s->digest;
	t->f_sent += s->pfx_sent;
	t->f_wd += s->wd_sent;
	t->f_upd += s->upd_sent;
	t->f_bytes += s->bytes_sent;
	t->f_drops += s->drops;
}

/* A receiver with an expectation: has it met it, and when? */
static void add_completion(struct totals *t, const struct sess *s)
{
	t->with_expect++;
	t->closed += s->st == S_CLOSED && !s->t_drained;
	if (!s->t_complete)
		return;
	t->complete++;
	if (s->t_complete > t->last_complete)
		t->last_complete = s->t_complete;
	uint64_t c = bl.first_upd && s->t_complete > bl.first_upd ?
	    s->t_complete - bl.first_upd : 0;
	if (c < t->c_min)
		t->c_min = c;
	if (c > t->c_max)
		t->c_max = c;
	t->c_sum += c;
}

static void add_receiver(struct totals *t, const struct sess *s)
{
	t->ns++;
	t->ns_up += s->st == S_ESTABLISHED;
	t->s_upd += s->upd_rcvd;
	t->s_err += s->decode_err;
	t->s_drops += s->drops;
	t->s_ann += s->pfx_ann_rcvd;
	t->s_wd += s->pfx_wd_rcvd;
	if (s->held < t->h_min)
		t->h_min = s->held;
	if (s->held > t->h_max)
		t->h_max = s->held;
	t->h_sum += s->held;
	if (s->expect)
		add_completion(t, s);
	if (opt.churn_pct > 0) {
		struct churn_acct a = churn_account(s);
		t->ch_exp += a.expected;
		t->ch_lost += a.lost;
		t->ch_coal += a.coalesced;
	}
	if (s->t_drained && bl.wd_start) {
		uint64_t w = s->t_drained - bl.wd_start;
		t->drained++;
		if (w < t->w_min)
			t->w_min = w;
		if (w > t->w_max)
			t->w_max = w;
		t->w_sum += w;
	}
}

/* Every session's entry into arr, and the totals. */
static void add_sessions(struct totals *t, json_t *arr)
{
	*t = (struct totals){ .h_min = UINT64_MAX, .c_min = UINT64_MAX, .w_min = UINT64_MAX };
	for (int i = 0; i < bl.nsess; i++) {
		const struct sess *s = bl.sessions[i];
		json_array_append_new(arr, session_json(s));
		t->roles[s->role]++;
		t->fails += s->drops + s->open_fail;
		if (s->f)
			add_sender(t, s);
		if (s->recv)
			add_receiver(t, s);
		t->fails += s->decode_err;
	}
}

static json_t *feeders_json(const struct totals *t)
{
	json_t *fo = json_object();
	json_object_set_new(fo, "sessions", json_integer(t->nf));
	json_object_set_new(fo, "established", json_integer(t->nf_up));
	set_int(fo, "prefixes_sent", t->f_sent);
	set_int(fo, "withdrawals_sent", t->f_wd);
	set_int(fo, "updates_sent", t->f_upd);
	set_int(fo, "bytes_sent", t->f_bytes);
	json_object_set_new(fo, "first_update_ms", ms_since(t->f_first, start_us()));
	json_object_set_new(fo, "last_update_ms", ms_since(t->f_last, start_us()));
	json_object_set_new(fo, "send_duration_ms", ms_since(t->f_last, t->f_first));
	/* from the first UPDATE to the last feeder's End-of-RIB handed to TCP */
	json_object_set_new(fo, "table_sent_ms", ms_since(t->f_table, t->f_first));
	json_object_set_new(fo, "table_rate_pps", t->f_table > t->f_first ?
	    json_real((double)t->f_tab_pfx * 1e6 / (double)(t->f_table - t->f_first)) :
	    json_null());
	set_int(fo, "drops", t->f_drops);
	/* per family, the sum of the feeders' table digests: with disjoint
	 * tables each announced once, every sink's routes_digest equals it */
	json_t *dg = json_object();
	for (int fam = 0; fam < 2; fam++)
		set_hex(dg, family_name((enum family)fam), t->f_digest[fam]);
	json_object_set_new(fo, "tables_digest", dg);
	return fo;
}

static json_t *sinks_json(const struct totals *t)
{
	json_t *so = json_object();
	json_object_set_new(so, "sessions", json_integer(t->ns));
	json_object_set_new(so, "established", json_integer(t->ns_up));
	json_object_set_new(so, "with_expectation", json_integer(t->with_expect));
	json_object_set_new(so, "complete", json_integer(t->complete));
	json_object_set_new(so, "time_to_complete_ms", t->complete ? json_pack("{s:f,s:f,s:f}",
	    "min", (double)t->c_min / 1000.0, "avg", (double)t->c_sum / t->complete / 1000.0,
	    "max", (double)t->c_max / 1000.0) : json_null());
	set_int(so, "withdrawal_complete", t->drained);
	json_object_set_new(so, "time_to_withdraw_ms", t->drained ? json_pack("{s:f,s:f,s:f}",
	    "min", (double)t->w_min / 1000.0, "avg", (double)t->w_sum / (double)t->drained / 1000.0,
	    "max", (double)t->w_max / 1000.0) : json_null());
	json_object_set_new(so, "prefixes_held", t->ns ? json_pack("{s:I,s:I,s:I}",
	    "min", (json_int_t)t->h_min, "max", (json_int_t)t->h_max,
	    "total", (json_int_t)t->h_sum) : json_null());
	set_int(so, "updates_received", t->s_upd);
	set_int(so, "prefixes_announced_received", t->s_ann);
	set_int(so, "prefixes_withdrawn_received", t->s_wd);
	set_int(so, "decode_errors", t->s_err);
	set_int(so, "drops", t->s_drops);
	return so;
}

/* churn_delay_ms: the delays receivers sampled, and the events' fate */
static json_t *churn_json(const struct totals *t)
{
	if (opt.churn_pct <= 0)
		return json_null();
	json_t *c = json_object();
	const struct hist *h = &bl.hist;
	bool any = h->n > 0;
	json_object_set_new(c, "p50", any ? json_real(hist_quantile(h, 0.50) / 1e3) : json_null());
	json_object_set_new(c, "p90", any ? json_real(hist_quantile(h, 0.90) / 1e3) : json_null());
	json_object_set_new(c, "p99", any ? json_real(hist_quantile(h, 0.99) / 1e3) : json_null());
	json_object_set_new(c, "max", any ? json_real((double)h->max / 1e3) : json_null());
	json_object_set_new(c, "mean", any ? json_real((double)h->sum / (double)h->n / 1e3) :
	    json_null());
	set_int(c, "samples", h->n);
	set_int(c, "expected", t->ch_exp);
	set_int(c, "lost", t->ch_lost);
	set_int(c, "coalesced", t->ch_coal);
	set_int(c, "prefix_events_sent", bl.ch_issued[0] + bl.ch_issued[1]);
	set_int(c, "sampled_before_write_completed", bl.ch_unsent);
	return c;
}

static double rusage_s(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
	    (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

/* The time and resources the run took. */
static void add_resources(json_t *root, uint64_t now)
{
	json_object_set_new(root, "duration_ms", json_real((double)(now - start_us()) / 1000.0));
	json_object_set_new(root, "source", json_string(opt.mrt ? opt.mrt : "synthetic"));
	set_int(root, "seed", opt.seed);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	json_object_set_new(root, "cpu_user_s",
	    json_real((double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6));
	json_object_set_new(root, "cpu_system_s",
	    json_real((double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6));
	json_object_set_new(root, "cpu_s", json_real(rusage_s(&ru)));
	json_object_set_new(root, "max_rss_kb", json_integer(ru.ru_maxrss));
	/* --ceiling: the sessions' side alone (the route-server side has a thread of its own) */
	struct rusage rt;
	getrusage(RUSAGE_THREAD, &rt);
	json_object_set_new(root, "cpu_main_thread_s", json_real(rusage_s(&rt)));
	/* CPU bgpload itself used between the first feeder UPDATE and the last
	 * sink complete: close to time_to_complete max means bgpload was the
	 * bottleneck */
	json_object_set_new(root, "cpu_first_update_to_complete_s", bl.cpu_complete > 0 ?
	    json_real(bl.cpu_complete - bl.cpu_first_upd) : json_null());
}

static void write_json(json_t *root)
{
	FILE *out = stdout;
	if (opt.json_path && !(out = fopen(opt.json_path, "w")))
		die("cannot write %s: %s", opt.json_path, strerror(errno));
	json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', out);
	if (out != stdout)
		fclose(out);
	else
		fflush(out);
}

bool report_summary(uint64_t now)
{
	json_t *root = json_object(), *arr = json_array();
	struct totals t;
	add_sessions(&t, arr);
	json_t *fo = feeders_json(&t), *so = sinks_json(&t);
	bool all_complete = t.complete == t.with_expect &&
	    (opt.withdraw_after <= 0 || t.drained + t.closed == (uint64_t)t.with_expect);
	bool ok = t.fails == 0 && all_complete && t.ch_lost == 0;
	json_object_set_new(root, "ok", json_boolean(ok));
	json_object_set_new(root, "ceiling", json_boolean(opt.ceiling));
	json_object_set_new(root, "role_counts", json_pack("{s:i,s:i,s:i}",
	    "feeder", t.roles[R_FEEDER], "sink", t.roles[R_SINK], "member", t.roles[R_MEMBER]));
	/* first UPDATE to the last receiver complete: null unless all are */
	json_object_set_new(root, "complete_ms", t.with_expect && t.complete == t.with_expect ?
	    ms_since(t.last_complete, bl.first_upd) : json_null());
	json_object_set_new(root, "receivers", json_integer(t.ns));
	json_object_set_new(root, "receivers_with_expectation", json_integer(t.with_expect));
	json_object_set_new(root, "receivers_complete", json_integer(t.complete));
	json_object_set_new(root, "churn_delay_ms", churn_json(&t));
	json_object_set_new(root, "decode_cache", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}",
	    "hits", (json_int_t)bl.dc.hits, "hits_in_sequence", (json_int_t)bl.dc.chained,
	    "misses", (json_int_t)bl.dc.misses, "uncacheable", (json_int_t)bl.dc.uncacheable,
	    "entries", (json_int_t)bl.dc.n, "bytes", (json_int_t)bl.dc.bytes));
	if (opt.ceiling) {
		uint64_t accepted, rejected;
		ceiling_counts(&accepted, &rejected);
		json_object_set_new(root, "ceiling_connections", json_pack("{s:I,s:I}", "accepted",
		    (json_int_t)accepted, "rejected", (json_int_t)rejected));
	}
	add_resources(root, now);
	json_object_set_new(root, "feeders", fo);
	json_object_set_new(root, "sinks", so);
	json_object_set_new(root, "sessions", arr);
	write_json(root);
	json_decref(root);
	return ok;
}
