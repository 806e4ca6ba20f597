/* SPDX-License-Identifier: ISC */
/* libFuzzer target: UPDATE decoding as a 4-octet and a 2-octet peer, for
 * IPv4 and IPv6 sessions.  Whatever the input, decoding must not crash or
 * read out of bounds, and an accepted announcement must survive a round trip
 * through the encoder unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_update.h"

static void round_trip(const struct update_ctx *ctx, const struct update_decoded *u)
{
	if (u->action > UPD_ATTR_DISCARD || u->announced.n == 0)
		return;
	enum family fam = u->announced.v[0].afi == AFI_IPV6 ? FAM_IPV6 : FAM_IPV4;
	struct nlri_out *n = malloc(u->announced.n * sizeof(*n));
	size_t k = 0;
	for (uint32_t i = 0; i < u->announced.n; i++)
		if (u->announced.v[i].afi == family_afi(fam))
			n[k++] = (struct nlri_out){ &u->announced.v[i], 0 };
	struct send_class sc = { .as4 = true, .ext_message = true };
	struct wbuf w = { 0 };
	if (u->info.nh_afi == family_afi(fam) &&
	    bgp_update_encode_announce(&w, &sc, fam, u->attrs.data, u->attrs.len, &u->info, n, k) == 0) {
		struct update_ctx c4 = { .peer_as4 = true, .families = ctx->families };
		size_t total = 0;
		for (size_t o = 0; o + 19 <= w.len; o += get_u16(w.data + o + 16)) {
			struct update_decoded r;
			update_decoded_init(&r);
			bgp_update_decode(&c4, w.data + o + 19, get_u16(w.data + o + 16) - 19u, &r);
			if (r.action != UPD_OK || r.info.as_path_len != u->info.as_path_len)
				abort();
			total += r.announced.n;
			update_decoded_free(&r);
		}
		if (total != k)
			abort();
	}
	wbuf_free(&w);
	free(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct update_ctx ctxs[] = {
		{ .peer_as4 = true, .families = 1 }, { .peer_as4 = false, .families = 1 },
		{ .peer_as4 = true, .families = 2 }, { .peer_as4 = false, .families = 3 },
	};
	for (size_t i = 0; i < sizeof(ctxs) / sizeof(ctxs[0]); i++) {
		struct update_decoded u;
		update_decoded_init(&u);
		bgp_update_decode(&ctxs[i], data, size, &u);
		round_trip(&ctxs[i], &u);
		if (u.attrs.len) {
			struct wbuf as2 = { 0 };
			attrs_to_as2(u.attrs.data, u.attrs.len, &as2);
			wbuf_free(&as2);
		}
		update_decoded_free(&u);
	}
	return 0;
}
