/* SPDX-License-Identifier: ISC */
#include "selftest.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgp.h"
#include "bgp_update.h"
#include "bgpload.h"
#include "dcache.h"
#include "feeder.h"
#include "options.h"
#include "pset.h"
#include "sink.h"
#include "synth.h"
#include "util.h"
#include "xalloc.h"

/* What one family's stages took (seconds) and what they found. */
struct stages {
	uint32_t n;                 /* prefixes */
	uint64_t checksum;          /* of the synthesised prefixes: keeps the loop */
	double syn, enc, enc_digest, dec, dec_set, index, recv[2];
	uint64_t decoded, errors;   /* prefixes decoded, decode errors */
	size_t distinct;            /* prefixes in the set */
	uint64_t held[2];           /* by the two receivers */
};

static size_t msg_len(const struct wbuf *w, size_t off) { return get_u16(w->data + off + 16); }

/* The body of the message at off in w, and its length. */
static const uint8_t *msg_body(const struct wbuf *w, size_t off, size_t *len)
{
	*len = msg_len(w, off) - BGP_HEADER_LEN;
	return w->data + off + BGP_HEADER_LEN;
}

/* Synthesis alone. */
static void time_synth(enum family fam, struct stages *st)
{
	uint64_t t0 = now_us();
	struct prefix p;
	uint64_t x = 0;
	for (uint32_t i = 0; i < st->n; i++) {
		syn_prefix(&bl.space[fam], i, &p);
		x += p.addr[1];
	}
	st->syn = secs_since(t0);
	st->checksum = x;
}

/* Synthesis + attributes + encoding into s's output (the whole stream
 * kept); then the same with the table digest a live feeder computes on its
 * first pass (it decodes its own output). */
static void time_encode(struct sess *s, struct stages *st)
{
	uint64_t t0 = now_us();
	for (uint32_t g = 0; g < s->f->ngroups; g++)
		feeder_encode_group(s, g, true);
	feeder_queue_eor(s);
	st->enc = secs_since(t0);
	struct sess s2 = *s;
	struct feeder f2 = *s->f;
	s2.c.tx = (struct wbuf){ 0 };
	s2.f = &f2;
	f2.first_pass = true;
	feeder_init();
	t0 = now_us();
	for (uint32_t g = 0; g < f2.ngroups; g++)
		feeder_encode_group(&s2, g, true);
	st->enc_digest = secs_since(t0);
	wbuf_free(&s2.c.tx);
	feeder_fini();
}

/* Decoding the stream; then decoding + the sink's prefix set. */
static void time_decode(const struct wbuf *tx, enum family fam, struct stages *st)
{
	struct update_decoded u;
	update_decoded_init(&u);
	struct update_ctx ctx = { .peer_as4 = true, .families = (uint8_t)(1u << fam) };
	uint64_t t0 = now_us();
	for (size_t o = 0, len; o < tx->len; o += msg_len(tx, o)) {
		const uint8_t *body = msg_body(tx, o, &len);
		bgp_update_decode(&ctx, body, len, &u);
		st->decoded += u.announced.n;
		st->errors += u.action != UPD_OK;
	}
	st->dec = secs_since(t0);
	struct pset set;
	pset_init(&set, fam == FAM_IPV4 ? 0 : st->n);
	t0 = now_us();
	for (size_t o = 0, len; o < tx->len; o += msg_len(tx, o)) {
		const uint8_t *body = msg_body(tx, o, &len);
		bgp_update_decode(&ctx, body, len, &u);
		for (uint32_t i = 0; i < u.announced.n; i++)
			pset_add_p(&set, &u.announced.v[i]);
	}
	st->dec_set = secs_since(t0);
	st->distinct = pset_size(&set);
	update_decoded_free(&u);
	pset_free(&set);
}

/* What a receiving session does: the prefix index, then the same stream
 * received twice, by two receivers: first decoded (and cached), then
 * found in the decode cache. */
static void time_receive(struct sess *s, struct stages *st)
{
	enum family fam = s->fam;
	uint64_t t0 = now_us();
	gidx_init(&bl.gidx[fam], st->n);
	for (uint32_t g = 0; g < s->f->ngroups; g++) {
		size_t gn;
		const struct prefix *gp = feeder_group(s, g, &gn, NULL);
		for (size_t k = 0; k < gn; k++)
			gidx_put(&bl.gidx[fam], pset_key(&gp[k]));
	}
	st->index = secs_since(t0);
	const struct wbuf *tx = &s->c.tx;
	for (int pass = 0; pass < 2; pass++) {
		struct sess r = { .kind = K_SESS, .role = R_SINK, .recv = true, .fam = fam };
		r.uctx = (struct update_ctx){ .peer_as4 = true, .families = (uint8_t)(1u << fam) };
		r.bm = xcalloc((bl.gidx[fam].n + 64) / 64, sizeof(*r.bm));
		t0 = now_us();
		for (size_t o = 0, len; o < tx->len; o += msg_len(tx, o)) {
			const uint8_t *body = msg_body(tx, o, &len);
			sink_update(&r, body, len, t0);
		}
		st->recv[pass] = secs_since(t0);
		st->held[pass] = r.held;
		free(r.bm);
		pset_free(&r.set);
	}
	dc_free(&bl.dc);
	gidx_free(&bl.gidx[fam]);
}

/* Dies if a stage lost a prefix. */
static void check(enum family fam, const struct stages *st)
{
	uint32_t n = st->n;
	if (st->held[0] != n || st->held[1] != n)
		die("selftest: %s: receivers held %" PRIu64 " and %" PRIu64
		    " prefixes, expected %u", family_name(fam), st->held[0], st->held[1], n);
	if (st->decoded != n || st->errors || st->distinct != n)
		die("selftest: %s: decoded %" PRIu64 " prefixes (%zu distinct), %" PRIu64
		    " errors, expected %u", family_name(fam), st->decoded, st->distinct, st->errors,
		    n);
}

/* The rates: a line on stderr, an object under root. */
static void report(json_t *root, const struct sess *s, const struct stages *st)
{
	uint32_t n = st->n;
	double mb = (double)s->c.tx.len / 1e6;
	json_t *o = json_object();
	json_object_set_new(o, "prefixes", json_integer(n));
	json_object_set_new(o, "attribute_groups", json_integer(s->f->ngroups));
	json_object_set_new(o, "updates", json_integer((json_int_t)s->upd_sent));
	json_object_set_new(o, "bytes", json_integer((json_int_t)s->c.tx.len));
	json_object_set_new(o, "synth_prefixes_per_s", json_real(n / st->syn));
	json_object_set_new(o, "encode_prefixes_per_s", json_real(n / st->enc));
	json_object_set_new(o, "encode_mbyte_per_s", json_real(mb / st->enc));
	json_object_set_new(o, "encode_with_digest_prefixes_per_s", json_real(n / st->enc_digest));
	json_object_set_new(o, "decode_prefixes_per_s", json_real(n / st->dec));
	json_object_set_new(o, "decode_mbyte_per_s", json_real(mb / st->dec));
	json_object_set_new(o, "sink_prefixes_per_s", json_real(n / st->dec_set));
	json_object_set_new(o, "prefix_index_build_s", json_real(st->index));
	json_object_set_new(o, "receive_decoding_prefixes_per_s", json_real(n / st->recv[0]));
	json_object_set_new(o, "receive_cached_prefixes_per_s", json_real(n / st->recv[1]));
	json_object_set_new(o, "receive_cached_mbyte_per_s", json_real(mb / st->recv[1]));
	json_object_set_new(o, "checksum", json_integer((json_int_t)(st->checksum & 0xffff)));
	json_object_set_new(root, family_name(s->fam), o);
	fprintf(stderr, "bgpload selftest %s: %u prefixes, %u groups, %" PRIu64 " UPDATEs, "
	    "%.1f MB: "
	    "synth %.2f M/s, synth+encode %.2f M/s (%.2f M/s with digest), decode %.2f M/s, "
	    "decode+set %.2f M/s; receiver: decoding %.2f M/s, "
	    "from the decode cache %.2f M/s (%.0f MB/s)\n",
	    family_name(s->fam), n, s->f->ngroups, s->upd_sent, mb,
	    n / st->syn / 1e6, n / st->enc / 1e6, n / st->enc_digest / 1e6, n / st->dec / 1e6,
	    n / st->dec_set / 1e6, n / st->recv[0] / 1e6, n / st->recv[1] / 1e6, mb / st->recv[1]);
}

/* A feeder of n synthesised prefixes of family fam, through every stage. */
static void selftest_family(enum family fam, uint32_t n, json_t *root)
{
	struct sess s = { 0 };
	struct feeder f = { 0 };
	s.fam = fam;
	s.asn = 61000;
	s.peer_as4 = true;
	s.sc = (struct send_class){ .as4 = true };
	s.f = &f;
	parse_addr(fam ? "2001:db8::100" : "192.0.2.100", 0, &s.local, &s.local_len);
	f.n = n;
	feeder_setup_synth(&s, 0);
	struct stages st = { .n = n };
	time_synth(fam, &st);
	time_encode(&s, &st);
	time_decode(&s.c.tx, fam, &st);
	time_receive(&s, &st);
	check(fam, &st);
	report(root, &s, &st);
	wbuf_free(&s.c.tx);
	free(f.gstart);
}

int selftest_speed(void)
{
	uint32_t n = opt.prefixes > 10000 ? opt.prefixes : 2000000;
	sink_init();
	syn_space_init(&bl.space[FAM_IPV4], AFI_IPV4, opt.seed);
	syn_space_init(&bl.space[FAM_IPV6], AFI_IPV6, opt.seed);
	json_t *root = json_object();
	for (int fam = 0; fam < 2; fam++)
		selftest_family((enum family)fam, n, root);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	json_decref(root);
	return 0;
}
