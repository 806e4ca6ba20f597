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
	fprintf(stderr, "bgpload [%8.3f] up %d/%d | feeders sent %" PRIu64 " (%" PRIu64 "/s)", rel_s(now), up,
	    bl.nsess, sent, sent - last_sent);
	if (sinks)
		fprintf(stderr, " | receivers held %" PRIu64 "..%" PRIu64 ", complete %d/%d", held_min, held_max,
		    complete, sinks);
	if (bl.hist.n)
		fprintf(stderr, " | churn samples %" PRIu64 " p50 %.1f ms", bl.hist.n, hist_quantile(&bl.hist, 0.5) / 1e3);
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
	for (int i = 0; i < bl.nsess; i++) {
		const struct sess *s = bl.sessions[i];
		if (s->f && s != r && s->fam == r->fam)
			d += s->digest;
	}
	return d;
}

static json_t *session_json(const struct sess *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "role", json_string(role_name(s->role)));
	json_object_set_new(o, "family", json_string(family_name(s->fam)));
	json_object_set_new(o, "local", json_string(s->addr));
	json_object_set_new(o, "asn", json_integer(s->asn));
	json_object_set_new(o, "state", json_string(sstate_name(s->st)));
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
		json_object_set_new(o, "complete_ms", ms_since(s->t_complete, bl.first_upd));
		json_object_set_new(o, "withdrawal_complete_ms", ms_since(s->t_drained, bl.wd_start));
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

bool report_summary(uint64_t now)
{
	json_t *root = json_object(), *arr = json_array();
	uint64_t f_digest[2] = { 0, 0 }, f_tab_pfx = 0, f_first = 0, f_last = 0, f_table = 0, f_sent = 0, f_wd = 0, f_upd = 0, f_bytes = 0, f_drops = 0;
	uint64_t s_upd = 0, s_err = 0, s_drops = 0, h_min = UINT64_MAX, h_max = 0, h_sum = 0, s_ann = 0, s_wd = 0;
	uint64_t c_min = UINT64_MAX, c_max = 0, c_sum = 0, fails = 0;
	uint64_t w_min = UINT64_MAX, w_max = 0, w_sum = 0, drained = 0;
	int nf = 0, ns = 0, nf_up = 0, ns_up = 0, complete = 0, with_expect = 0;
	int roles[3] = { 0, 0, 0 };
	uint64_t last_complete = 0, ch_exp = 0, ch_lost = 0, ch_coal = 0, closed = 0;
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
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
					uint64_t c = bl.first_upd && s->t_complete > bl.first_upd ? s->t_complete - bl.first_upd : 0;
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
			if (s->t_drained && bl.wd_start) {
				uint64_t w = s->t_drained - bl.wd_start;
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
	    ms_since(last_complete, bl.first_upd) : json_null());
	json_object_set_new(root, "receivers", json_integer(ns));
	json_object_set_new(root, "receivers_with_expectation", json_integer(with_expect));
	json_object_set_new(root, "receivers_complete", json_integer(complete));
	if (opt.churn_pct > 0) {
		json_t *c = json_object();
		bool any = bl.hist.n > 0;
		json_object_set_new(c, "p50", any ? json_real(hist_quantile(&bl.hist, 0.50) / 1e3) : json_null());
		json_object_set_new(c, "p90", any ? json_real(hist_quantile(&bl.hist, 0.90) / 1e3) : json_null());
		json_object_set_new(c, "p99", any ? json_real(hist_quantile(&bl.hist, 0.99) / 1e3) : json_null());
		json_object_set_new(c, "max", any ? json_real((double)bl.hist.max / 1e3) : json_null());
		json_object_set_new(c, "mean", any ? json_real((double)bl.hist.sum / (double)bl.hist.n / 1e3) : json_null());
		json_object_set_new(c, "samples", json_integer((json_int_t)bl.hist.n));
		json_object_set_new(c, "expected", json_integer((json_int_t)ch_exp));
		json_object_set_new(c, "lost", json_integer((json_int_t)ch_lost));
		json_object_set_new(c, "coalesced", json_integer((json_int_t)ch_coal));
		json_object_set_new(c, "prefix_events_sent", json_integer((json_int_t)(bl.ch_issued[0] + bl.ch_issued[1])));
		json_object_set_new(c, "sampled_before_write_completed", json_integer((json_int_t)bl.ch_unsent));
		json_object_set_new(root, "churn_delay_ms", c);
	} else {
		json_object_set_new(root, "churn_delay_ms", json_null());
	}
	json_object_set_new(root, "decode_cache", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "hits", (json_int_t)bl.dc.hits,
	    "hits_in_sequence", (json_int_t)bl.dc.chained,
	    "misses", (json_int_t)bl.dc.misses, "uncacheable", (json_int_t)bl.dc.uncacheable,
	    "entries", (json_int_t)bl.dc.n, "bytes", (json_int_t)bl.dc.bytes));
	if (opt.ceiling) {
		uint64_t accepted, rejected;
		ceiling_counts(&accepted, &rejected);
		json_object_set_new(root, "ceiling_connections", json_pack("{s:I,s:I}", "accepted",
		    (json_int_t)accepted, "rejected", (json_int_t)rejected));
	}
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
	json_object_set_new(root, "cpu_first_update_to_complete_s", bl.cpu_complete > 0 ?
	    json_real(bl.cpu_complete - bl.cpu_first_upd) : json_null());
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
	return ok;
}
