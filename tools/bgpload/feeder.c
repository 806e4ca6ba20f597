/* SPDX-License-Identifier: ISC */
#include "feeder.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "bgp_update.h"
#include "mrt.h"
#include "sess.h"
#include "sink.h"
#include "synth.h"
#include "util.h"
#include "xalloc.h"

#define MAX_GROUP       4096        /* first size of the scratch; grows for MRT groups */

/* Scratch of every encoder call (main thread only). */
static struct {
	struct wbuf attrs, attrs2;
	struct prefix *pfx;
	struct nlri_out *nlri;
	size_t cap;
	struct update_decoded dec_self;     /* a sender's own UPDATEs, decoded for its digest */
} scratch;

void feeder_init(void)
{
	update_decoded_init(&scratch.dec_self);
}

void feeder_fini(void)
{
	update_decoded_free(&scratch.dec_self);
}

static void scratch_reserve(size_t n)
{
	if (n <= scratch.cap)
		return;
	while (scratch.cap < n)
		scratch.cap = scratch.cap ? scratch.cap * 2 : MAX_GROUP;
	scratch.pfx = xrealloc(scratch.pfx, scratch.cap * sizeof(*scratch.pfx));
	scratch.nlri = xrealloc(scratch.nlri, scratch.cap * sizeof(*scratch.nlri));
}

void feeder_setup_synth(struct sess *s, uint64_t base)
{
	struct feeder *f = s->f;
	const struct syn_space *sp = &bl.space[s->fam];
	uint64_t cap = syn_capacity(sp);
	if (base + f->n > cap)
		die("%s: prefixes %" PRIu64 "..%" PRIu64 " exceed what can be synthesised (%" PRIu64
		    " %s prefixes)", s->name, base, base + f->n, cap, family_name(s->fam));
	f->base = base;
	struct rng r = { hash3(opt.seed, base, (uint64_t)s->fam + 77) };
	uint32_t cap_g = f->n / 8 + 16;
	f->gstart = xmalloc(((size_t)cap_g + 1) * sizeof(*f->gstart));
	uint32_t i = 0;
	f->ngroups = 0;
	while (i < f->n) {
		if (f->ngroups == cap_g) {
			cap_g *= 2;
			f->gstart = xrealloc(f->gstart, ((size_t)cap_g + 1) * sizeof(*f->gstart));
		}
		f->gstart[f->ngroups++] = i;
		uint32_t sz = syn_group_size(&r);
		i = (f->n - i < sz) ? f->n : i + sz;
	}
	f->gstart[f->ngroups] = f->n;
}

void feeder_setup_mrt(struct sess *s, const struct mrt_data *table, uint64_t base)
{
	struct feeder *f = s->f;
	const struct mrt_fam *mf = &table->fam[s->fam];
	if (base >= mf->n) {
		if (f->n)
			logmsg("%s: the MRT file has only %u %s prefixes, none left for this "
			    "feeder", s->name, mf->n, family_name(s->fam));
		f->n = 0;
		f->gstart = xcalloc(1, sizeof(*f->gstart));
		f->gattr = xcalloc(1, sizeof(*f->gattr));
		return;
	}
	if (base + f->n > mf->n) {
		logmsg("%s: MRT file has %u %s prefixes: announcing %" PRIu64 " instead of %u",
		    s->name, mf->n, family_name(s->fam), mf->n - base, f->n);
		f->n = (uint32_t)(mf->n - base);
	}
	f->base = base;
	uint64_t lo = base, hi = base + f->n;
	/* first group intersecting [lo, hi) */
	uint32_t a = 0, b = mf->ngroups;
	while (a + 1 < b) {
		uint32_t m = (a + b) / 2;
		if (mf->gstart[m] <= lo) a = m; else b = m;
	}
	uint32_t cap_g = 1024;
	f->gstart = xmalloc((cap_g + 1) * sizeof(*f->gstart));
	f->gattr = xmalloc((cap_g + 1) * sizeof(*f->gattr));
	f->ngroups = 0;
	for (uint32_t g = a; g < mf->ngroups && mf->gstart[g] < hi; g++) {
		if (f->ngroups == cap_g) {
			cap_g *= 2;
			f->gstart = xrealloc(f->gstart, (cap_g + 1) * sizeof(*f->gstart));
			f->gattr = xrealloc(f->gattr, (cap_g + 1) * sizeof(*f->gattr));
		}
		uint64_t st = mf->gstart[g] > lo ? mf->gstart[g] : lo;
		f->gstart[f->ngroups] = (uint32_t)(st - lo);
		f->gattr[f->ngroups++] = mf->gattr[g];
	}
	f->gstart[f->ngroups] = f->n;
}

const struct prefix *feeder_group(struct sess *s, uint32_t g, size_t *n, struct wbuf *attrs)
{
	struct feeder *f = s->f;
	uint32_t a = f->gstart[g], b = f->gstart[g + 1];
	*n = b - a;
	const struct prefix *p;
	if (f->gattr) {
		const struct mrt_data *m = s->table ? s->table : &bl.mrt;
		p = m->fam[s->fam].pfx + f->base + a;
		uint32_t id = f->gattr[g];
		if (attrs && s->table)
			wbuf_put(attrs, m->blob.data + m->off[id], m->len[id]);
		else if (attrs)
			mrt_attrs_for(m->blob.data + m->off[id], m->len[id], s->asn, attrs);
	} else {
		scratch_reserve(*n);
		for (uint32_t i = 0; i < *n; i++)
			syn_prefix(&bl.space[s->fam], f->base + a + i, &scratch.pfx[i]);
		p = scratch.pfx;
		if (attrs)
			syn_attrs(opt.seed, s->asn, (f->base + a) ^ ((uint64_t)s->fam << 60),
			    bl.avoid, bl.navoid, attrs);
	}
	return p;
}

/* The length of the message at off in w. */
static size_t msg_len(const struct wbuf *w, size_t off) { return get_u16(w->data + off + 16); }

static void count_updates(struct sess *s, size_t from)
{
	for (size_t o = from; o + BGP_HEADER_LEN <= s->c.tx.len; o += msg_len(&s->c.tx, o))
		s->upd_sent++;
}

/* What a receiver decodes of the UPDATEs from `from` on: the table digest. */
static void digest_own(struct sess *s, size_t from)
{
	struct update_ctx ctx = { .peer_as4 = true, .families = (uint8_t)(1u << s->fam) };
	const struct wbuf *tx = &s->c.tx;
	for (size_t o = from; o + BGP_HEADER_LEN <= tx->len; o += msg_len(tx, o)) {
		bgp_update_decode(&ctx, tx->data + o + BGP_HEADER_LEN,
		    msg_len(tx, o) - BGP_HEADER_LEN, &scratch.dec_self);
		if (s->peer_as4)
			digest_add(&s->digest, &scratch.dec_self);
	}
}

void feeder_encode_group(struct sess *s, uint32_t g, bool announce)
{
	size_t n, from = s->c.tx.len;
	scratch.attrs.len = 0;
	const struct prefix *p = feeder_group(s, g, &n, announce ? &scratch.attrs : NULL);
	scratch_reserve(n);
	for (size_t i = 0; i < n; i++)
		scratch.nlri[i] = (struct nlri_out){ &p[i], 0 };
	if (!s->first_upd_off && !s->t_first_upd)
		s->first_upd_off = s->q_total + 1;      /* +1: 0 means unset */
	if (announce) {
		struct path_info info = { 0 };
		info.nh_afi = family_afi(s->fam);
		if (s->fam == FAM_IPV4)
			memcpy(info.nh, &((struct sockaddr_in *)&s->local)->sin_addr, 4);
		else
			memcpy(info.nh, &((struct sockaddr_in6 *)&s->local)->sin6_addr, 16);
		const uint8_t *a = scratch.attrs.data;
		size_t alen = scratch.attrs.len;
		if (!s->peer_as4) {
			scratch.attrs2.len = 0;
			attrs_to_as2(scratch.attrs.data, scratch.attrs.len, &scratch.attrs2);
			a = scratch.attrs2.data;
			alen = scratch.attrs2.len;
		}
		if (bgp_update_encode_announce(&s->c.tx, &s->sc, s->fam, a, alen, &info,
		    scratch.nlri, n) < 0) {
			s->groups_skipped++;
			return;
		}
		s->pfx_sent += n;
		if (s->f->first_pass)
			digest_own(s, from);
	} else {
		bgp_update_encode_withdraw(&s->c.tx, &s->sc, s->fam, scratch.nlri, n);
		s->wd_sent += n;
	}
	count_updates(s, from);
	s->q_total += s->c.tx.len - from;
	s->last_upd_end = s->q_total;
}

void feeder_queue_eor(struct sess *s)
{
	size_t from = s->c.tx.len;
	if (!s->first_upd_off && !s->t_first_upd)
		s->first_upd_off = s->q_total + 1;
	bgp_update_encode_eor(&s->c.tx, s->fam);
	s->upd_sent++;
	queue_bytes_done(s, from);
	s->eor_end = s->q_total;
	s->last_upd_end = s->q_total;
}

void feeder_fill(struct sess *s)
{
	struct feeder *f = s->f;
	if (!f || f->mode == GEN_IDLE || s->st != S_ESTABLISHED)
		return;
	while (tx_pending(s) < TX_HIGH_WATER && f->cursor < f->ngroups)
		feeder_encode_group(s, f->cursor++, f->mode == GEN_ANNOUNCE);
	if (f->cursor >= f->ngroups) {
		f->first_pass = false;
		if (f->eor_after)
			feeder_queue_eor(s);
		if (f->mode == GEN_WITHDRAW) {
			f->withdrawn_all = true;
			logmsg("%s: withdrawal of %u prefixes queued", s->name, f->n);
		}
		f->mode = GEN_IDLE;
		f->eor_after = false;
		f->table_done = true;
	}
}

void feeder_start(struct sess *s, enum gen_mode mode, bool eor)
{
	struct feeder *f = s->f;
	if (f->first_pass)
		s->digest = 0;          /* (re)starting the first pass */
	f->mode = mode;
	f->cursor = 0;
	f->eor_after = eor;
}

/* --print-table's columns of one attribute group. */
struct row {
	char path[1024], med[16], comm[1024], lc[1024];
};

/* Prints at *o in buf (of cap bytes); *o goes on counting past the end. */
__attribute__((format(printf, 4, 5)))
static void append(char *buf, size_t cap, size_t *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	*o += (size_t)vsnprintf(*o < cap ? buf + *o : NULL, *o < cap ? cap - *o : 0, fmt, ap);
	va_end(ap);
}

static void row_attr(struct row *r, uint8_t type, struct rbuf v)
{
	size_t o = 0;
	switch (type) {
	case ATTR_AS_PATH:
		for (size_t k = 0; k + 2 <= v.len; k += 2 + (size_t)v.p[k + 1] * 4)
			for (unsigned j = 0; j < v.p[k + 1] && k + 6 + 4 * j <= v.len; j++)
				append(r->path, sizeof(r->path), &o, "%s%u", o ? " " : "",
				    get_u32(v.p + k + 2 + 4 * j));
		break;
	case ATTR_MED:
		if (v.len == 4)
			snprintf(r->med, sizeof(r->med), "%u", get_u32(v.p));
		break;
	case ATTR_COMMUNITIES:
		for (size_t k = 0; k + 4 <= v.len; k += 4)
			append(r->comm, sizeof(r->comm), &o, "%s%u:%u", o ? "," : "",
			    get_u16(v.p + k), get_u16(v.p + k + 2));
		break;
	case ATTR_LARGE_COMMUNITIES:
		for (size_t k = 0; k + 12 <= v.len; k += 12)
			append(r->lc, sizeof(r->lc), &o, "%s%u:%u:%u", o ? "," : "",
			    get_u32(v.p + k), get_u32(v.p + k + 4), get_u32(v.p + k + 8));
		break;
	}
}

static void print_group(struct sess *s, uint32_t g)
{
	size_t n;
	scratch.attrs.len = 0;
	const struct prefix *p = feeder_group(s, g, &n, &scratch.attrs);
	struct row r = { "-", "-", "-", "-" };
	struct attr_iter it;
	uint8_t fl, type;
	struct rbuf v;
	attr_iter_init(&it, scratch.attrs.data, scratch.attrs.len);
	while (attr_iter_next(&it, &fl, &type, &v))
		row_attr(&r, type, v);
	for (size_t k = 0; k < n; k++) {
		char buf[PREFIX_STRLEN];
		printf("%s|%s|%s|%s|%s\n", prefix_str(&p[k], buf, sizeof(buf)), r.path, r.med,
		    r.comm, r.lc);
	}
}

int feeder_print_tables(void)
{
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (!s->f)
			continue;
		for (uint32_t g = 0; g < s->f->ngroups; g++)
			print_group(s, g);
	}
	return 0;
}
