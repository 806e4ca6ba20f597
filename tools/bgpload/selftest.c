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

int selftest_speed(void)
{
	uint32_t n = opt.prefixes > 10000 ? opt.prefixes : 2000000;
	sink_init();
	syn_space_init(&bl.space[FAM_IPV4], AFI_IPV4, opt.seed);
	syn_space_init(&bl.space[FAM_IPV6], AFI_IPV6, opt.seed);
	json_t *root = json_object();
	for (int fam = 0; fam < 2; fam++) {
		struct sess s = { 0 };
		struct feeder f = { 0 };
		s.fam = (enum family)fam;
		s.asn = 61000;
		s.peer_as4 = true;
		s.sc = (struct send_class){ .as4 = true };
		s.f = &f;
		struct sockaddr_storage ss;
		parse_addr(fam ? "2001:db8::100" : "192.0.2.100", 0, &ss, &s.local_len);
		s.local = ss;
		f.n = n;
		feeder_setup_synth(&s, 0);
		/* synthesis alone */
		uint64_t t0 = now_us();
		struct prefix p;
		uint64_t x = 0;
		for (uint32_t i = 0; i < n; i++) {
			syn_prefix(&bl.space[fam], i, &p);
			x += p.addr[1];
		}
		double t_syn = secs_since(t0);
		/* synthesis + attributes + encoding, the whole stream kept */
		t0 = now_us();
		for (uint32_t g = 0; g < f.ngroups; g++)
			feeder_encode_group(&s, g, true);
		feeder_queue_eor(&s);
		double t_enc = secs_since(t0);
		/* the same with the table digest a live feeder computes on its
		 * first pass (it decodes its own output) */
		struct sess s2 = s;
		struct feeder f2 = f;
		s2.c.tx = (struct wbuf){ 0 };
		s2.f = &f2;
		f2.first_pass = true;
		feeder_init();
		t0 = now_us();
		for (uint32_t g = 0; g < f2.ngroups; g++)
			feeder_encode_group(&s2, g, true);
		double t_enc2 = secs_since(t0);
		wbuf_free(&s2.c.tx);
		feeder_fini();
		/* decoding; then decoding + the sink's prefix set */
		struct update_decoded u;
		update_decoded_init(&u);
		struct update_ctx ctx = { .peer_as4 = true, .families = (uint8_t)(1u << fam) };
		uint64_t got = 0, errs = 0;
		t0 = now_us();
		for (size_t o = 0; o < s.c.tx.len; o += get_u16(s.c.tx.data + o + 16)) {
			bgp_update_decode(&ctx, s.c.tx.data + o + BGP_HEADER_LEN, get_u16(s.c.tx.data + o + 16) - BGP_HEADER_LEN, &u);
			got += u.announced.n;
			errs += u.action != UPD_OK;
		}
		double t_dec = secs_since(t0);
		struct pset set;
		pset_init(&set, fam == FAM_IPV4 ? 0 : n);
		t0 = now_us();
		for (size_t o = 0; o < s.c.tx.len; o += get_u16(s.c.tx.data + o + 16)) {
			bgp_update_decode(&ctx, s.c.tx.data + o + BGP_HEADER_LEN, get_u16(s.c.tx.data + o + 16) - BGP_HEADER_LEN, &u);
			for (uint32_t i = 0; i < u.announced.n; i++)
				pset_add_p(&set, &u.announced.v[i]);
		}
		double t_sink = secs_since(t0);
		/* what a receiving session does: the prefix index, then the same
		 * stream received twice, by two receivers: first decoded (and
		 * cached), then found in the decode cache */
		t0 = now_us();
		gidx_init(&bl.gidx[fam], n);
		for (uint32_t g = 0; g < f.ngroups; g++) {
			size_t gn;
			const struct prefix *gp = feeder_group(&s, g, &gn, NULL);
			for (size_t k = 0; k < gn; k++)
				gidx_put(&bl.gidx[fam], pset_key(&gp[k]));
		}
		double t_index = secs_since(t0);
		double t_recv[2];
		uint64_t held[2];
		for (int pass = 0; pass < 2; pass++) {
			struct sess r = { .kind = K_SESS, .role = R_SINK, .recv = true, .fam = (enum family)fam };
			r.uctx = ctx;
			r.bm = xcalloc((bl.gidx[fam].n + 64) / 64, sizeof(*r.bm));
			t0 = now_us();
			for (size_t o = 0; o < s.c.tx.len; o += get_u16(s.c.tx.data + o + 16))
				sink_update(&r, s.c.tx.data + o + BGP_HEADER_LEN, get_u16(s.c.tx.data + o + 16) - BGP_HEADER_LEN,
				    t0);
			t_recv[pass] = secs_since(t0);
			held[pass] = r.held;
			free(r.bm);
			pset_free(&r.set);
		}
		dc_free(&bl.dc);
		gidx_free(&bl.gidx[fam]);
		if (held[0] != n || held[1] != n)
			die("selftest: %s: receivers held %" PRIu64 " and %" PRIu64 " prefixes, expected %u",
			    family_name((enum family)fam), held[0], held[1], n);
		if (got != n || errs || pset_size(&set) != n)
			die("selftest: %s: decoded %" PRIu64 " prefixes (%zu distinct), %" PRIu64 " errors, expected %u",
			    family_name((enum family)fam), got, pset_size(&set), errs, n);
		json_t *o = json_object();
		json_object_set_new(o, "prefixes", json_integer(n));
		json_object_set_new(o, "attribute_groups", json_integer(f.ngroups));
		json_object_set_new(o, "updates", json_integer((json_int_t)s.upd_sent));
		json_object_set_new(o, "bytes", json_integer((json_int_t)s.c.tx.len));
		json_object_set_new(o, "synth_prefixes_per_s", json_real(n / t_syn));
		json_object_set_new(o, "encode_prefixes_per_s", json_real(n / t_enc));
		json_object_set_new(o, "encode_mbyte_per_s", json_real((double)s.c.tx.len / 1e6 / t_enc));
		json_object_set_new(o, "encode_with_digest_prefixes_per_s", json_real(n / t_enc2));
		json_object_set_new(o, "decode_prefixes_per_s", json_real(n / t_dec));
		json_object_set_new(o, "decode_mbyte_per_s", json_real((double)s.c.tx.len / 1e6 / t_dec));
		json_object_set_new(o, "sink_prefixes_per_s", json_real(n / t_sink));
		json_object_set_new(o, "prefix_index_build_s", json_real(t_index));
		json_object_set_new(o, "receive_decoding_prefixes_per_s", json_real(n / t_recv[0]));
		json_object_set_new(o, "receive_cached_prefixes_per_s", json_real(n / t_recv[1]));
		json_object_set_new(o, "receive_cached_mbyte_per_s", json_real((double)s.c.tx.len / 1e6 / t_recv[1]));
		json_object_set_new(o, "checksum", json_integer((json_int_t)(x & 0xffff)));
		json_object_set_new(root, family_name((enum family)fam), o);
		fprintf(stderr, "bgpload selftest %s: %u prefixes, %u groups, %" PRIu64 " UPDATEs, %.1f MB: "
		    "synth %.2f M/s, synth+encode %.2f M/s (%.2f M/s with digest), decode %.2f M/s, "
		    "decode+set %.2f M/s; receiver: decoding %.2f M/s, from the decode cache %.2f M/s (%.0f MB/s)\n",
		    family_name((enum family)fam), n, f.ngroups, s.upd_sent, (double)s.c.tx.len / 1e6,
		    n / t_syn / 1e6, n / t_enc / 1e6, n / t_enc2 / 1e6, n / t_dec / 1e6, n / t_sink / 1e6,
		    n / t_recv[0] / 1e6, n / t_recv[1] / 1e6, (double)s.c.tx.len / 1e6 / t_recv[1]);
		update_decoded_free(&u);
		pset_free(&set);
		wbuf_free(&s.c.tx);
		free(f.gstart);
	}
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	json_decref(root);
	return 0;
}
