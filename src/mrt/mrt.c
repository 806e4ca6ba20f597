/* SPDX-License-Identifier: ISC */
#include "mrt.h"

#include <string.h>

#include "bgp.h"

/* The common header, its length patched in by header_end. */
static size_t header_begin(struct wbuf *w, uint32_t ts, uint16_t type, uint16_t subtype)
{
	wbuf_u32(w, ts);
	wbuf_u16(w, type);
	wbuf_u16(w, subtype);
	size_t at = w->len;
	wbuf_u32(w, 0);
	return at;
}

static void header_end(struct wbuf *w, size_t at)
{
	put_u32(w->data + at, (uint32_t)(w->len - at - 4));
}

static void put_addr(struct wbuf *w, const struct ip_addr *a)
{
	if (a->family == AF_INET6)
		wbuf_put(w, &a->u.v6, 16);
	else
		wbuf_put(w, &a->u.v4, 4);
}

void mrt_peer_index_table(struct wbuf *w, uint32_t ts, uint32_t collector_id, const char *view,
    const struct mrt_peer *peers, uint16_t npeers)
{
	size_t at = header_begin(w, ts, MRT_TABLE_DUMP_V2, MRT_PEER_INDEX_TABLE);
	size_t vlen = view ? strlen(view) : 0;
	vlen = vlen > 65535 ? 65535 : vlen;
	wbuf_u32(w, collector_id);
	wbuf_u16(w, (uint16_t)vlen);
	wbuf_put(w, view, vlen);
	wbuf_u16(w, npeers);
	for (uint16_t i = 0; i < npeers; i++) {
		const struct mrt_peer *p = &peers[i];
		/* peer type: bit 0 an IPv6 address, bit 1 a 4-octet AS */
		wbuf_u8(w, (uint8_t)(2 | (p->addr.family == AF_INET6)));
		wbuf_u32(w, p->bgp_id);
		put_addr(w, &p->addr);
		wbuf_u32(w, p->asn);
	}
	header_end(w, at);
}

/* The next hop as a route collector stores it: NEXT_HOP for IPv4, an
 * MP_REACH_NLRI of next-hop length and address only for IPv6. */
static void put_next_hop(struct wbuf *w, const struct path_info *info)
{
	if (info->nh_afi == AFI_IPV6) {
		uint8_t v[1 + 32];
		v[0] = info->nh_has_ll ? 32 : 16;
		memcpy(v + 1, info->nh, 16);
		if (info->nh_has_ll)
			memcpy(v + 17, info->nh_ll, 16);
		attr_put(w, ATTR_F_OPTIONAL, ATTR_MP_REACH_NLRI, v, (size_t)1 + v[0]);
	} else if (info->nh_afi == AFI_IPV4) {
		attr_put(w, ATTR_F_TRANSITIVE, ATTR_NEXT_HOP, info->nh, 4);
	}
}

/* The canonical attributes with the next hop in its place (attributes in
 * ascending type order). */
static int put_attrs(struct wbuf *w, const struct mrt_rib_entry *e)
{
	size_t len_at = w->len;
	wbuf_u16(w, 0);
	uint8_t nh_type = e->info->nh_afi == AFI_IPV6 ? ATTR_MP_REACH_NLRI : ATTR_NEXT_HOP;
	bool nh_done = false;
	struct attr_iter it;
	uint8_t flags, type;
	struct rbuf v;
	attr_iter_init(&it, e->attrs, e->attrs_len);
	while (attr_iter_next(&it, &flags, &type, &v) == 1) {
		if (!nh_done && type > nh_type) {
			put_next_hop(w, e->info);
			nh_done = true;
		}
		attr_put(w, flags, type, v.p, v.len);
	}
	if (!nh_done)
		put_next_hop(w, e->info);
	size_t len = w->len - len_at - 2;
	if (len > 65535)
		return -1;
	put_u16(w->data + len_at, (uint16_t)len);
	return 0;
}

int mrt_rib(struct wbuf *w, uint32_t ts, uint32_t seq, const struct prefix *p,
    const struct mrt_rib_entry *e, uint16_t n, bool addpath)
{
	size_t start = w->len;
	uint16_t subtype = p->afi == AFI_IPV6 ?
	    (addpath ? MRT_RIB_IPV6_UNICAST_ADDPATH : MRT_RIB_IPV6_UNICAST) :
	    (addpath ? MRT_RIB_IPV4_UNICAST_ADDPATH : MRT_RIB_IPV4_UNICAST);
	size_t at = header_begin(w, ts, MRT_TABLE_DUMP_V2, subtype);
	wbuf_u32(w, seq);
	prefix_write_nlri(w, p);
	wbuf_u16(w, n);
	for (uint16_t i = 0; i < n; i++) {
		wbuf_u16(w, e[i].peer_index);
		wbuf_u32(w, e[i].originated);
		if (addpath)
			wbuf_u32(w, e[i].path_id);
		if (put_attrs(w, &e[i]) < 0) {
			w->len = start;
			return -1;
		}
	}
	header_end(w, at);
	return 0;
}

static size_t bgp4mp_begin(struct wbuf *w, uint32_t ts, uint16_t subtype,
    const struct mrt_session *s)
{
	size_t at = header_begin(w, ts, MRT_BGP4MP, subtype);
	wbuf_u32(w, s->peer_as);
	wbuf_u32(w, s->local_as);
	wbuf_u16(w, 0);                      /* interface index: none */
	wbuf_u16(w, s->peer.family == AF_INET6 ? AFI_IPV6 : AFI_IPV4);
	put_addr(w, &s->peer);
	put_addr(w, &s->local);
	return at;
}

void mrt_bgp4mp_message(struct wbuf *w, uint32_t ts, const struct mrt_session *s,
    const uint8_t *msg, size_t len)
{
	size_t at = bgp4mp_begin(w, ts, MRT_BGP4MP_MESSAGE_AS4, s);
	wbuf_put(w, msg, len);
	header_end(w, at);
}

void mrt_bgp4mp_state_change(struct wbuf *w, uint32_t ts, const struct mrt_session *s,
    uint16_t old_state, uint16_t new_state)
{
	size_t at = bgp4mp_begin(w, ts, MRT_BGP4MP_STATE_CHANGE_AS4, s);
	wbuf_u16(w, old_state);
	wbuf_u16(w, new_state);
	header_end(w, at);
}
