/* SPDX-License-Identifier: ISC */
#include "bgp_msg.h"

#include <stdio.h>
#include <string.h>

int family_from_afi_safi(uint16_t afi, uint8_t safi)
{
	if (safi != SAFI_UNICAST)
		return -1;
	if (afi == AFI_IPV4)
		return FAM_IPV4;
	if (afi == AFI_IPV6)
		return FAM_IPV6;
	return -1;
}

const char *family_name(enum family f) { return f == FAM_IPV6 ? "ipv6-unicast" : "ipv4-unicast"; }

void notify_set(struct bgp_notify *n, uint8_t code, uint8_t subcode, const void *data, size_t len)
{
	n->code = code;
	n->subcode = subcode;
	if (len > NOTIFY_DATA_MAX)
		len = NOTIFY_DATA_MAX;   /* the data is diagnostic; a prefix of it suffices */
	n->datalen = (uint16_t)len;
	if (len)
		memcpy(n->data, data, len);
}

const char *notify_code_str(uint8_t code, uint8_t subcode)
{
	static const char *const header[] = { NULL, "connection not synchronized",
		"bad message length", "bad message type" };
	static const char *const open[] = { NULL, "unsupported version number", "bad peer AS",
		"bad BGP identifier", "unsupported optional parameter", NULL,
		"unacceptable hold time", "unsupported capability", NULL, NULL, NULL, "role mismatch" };
	static const char *const update[] = { NULL, "malformed attribute list",
		"unrecognized well-known attribute", "missing well-known attribute",
		"attribute flags error", "attribute length error", "invalid ORIGIN attribute", NULL,
		"invalid NEXT_HOP attribute", "optional attribute error", "invalid network field",
		"malformed AS_PATH" };
	static const char *const cease[] = { NULL, "maximum number of prefixes reached",
		"administrative shutdown", "peer de-configured", "administrative reset",
		"connection rejected", "other configuration change", "connection collision resolution",
		"out of resources", "hard reset" };
#define PICK(tab) (subcode < sizeof(tab) / sizeof(tab[0]) && tab[subcode] ? tab[subcode] : "unknown subcode")
	switch (code) {
	case ERR_HEADER: return PICK(header);
	case ERR_OPEN: return PICK(open);
	case ERR_UPDATE: return PICK(update);
	case ERR_HOLD_TIMER: return "hold timer expired";
	case ERR_FSM: return "finite state machine error";
	case ERR_CEASE: return PICK(cease);
	case ERR_ROUTE_REFRESH: return "invalid ROUTE-REFRESH message length";
	default: return "unknown error code";
	}
#undef PICK
}

int bgp_header_check(const uint8_t *hdr, size_t max_len, uint8_t *type, uint16_t *len,
    struct bgp_notify *err)
{
	for (int i = 0; i < BGP_MARKER_LEN; i++)
		if (hdr[i] != 0xff) {
			notify_set(err, ERR_HEADER, ERR_HDR_SYNC, NULL, 0);
			return -1;
		}
	*len = get_u16(hdr + 16);
	*type = hdr[18];
	size_t min = 0, max = max_len;
	switch (*type) {
	case BGP_OPEN: min = 29; max = BGP_MAX_MSG; break;      /* RFC 8654: OPEN stays small */
	case BGP_UPDATE: min = 23; break;
	case BGP_NOTIFICATION: min = 21; break;
	case BGP_KEEPALIVE: min = max = BGP_HEADER_LEN; break;
	case BGP_ROUTE_REFRESH: min = 23; break;
	default:
		notify_set(err, ERR_HEADER, ERR_HDR_TYPE, type, 1);
		return -1;
	}
	if (*len < min || *len > max) {
		notify_set(err, ERR_HEADER, ERR_HDR_LEN, hdr + 16, 2);
		return -1;
	}
	return 0;
}

size_t bgp_msg_begin(struct wbuf *w, uint8_t type)
{
	size_t start = w->len;
	static const uint8_t marker[BGP_MARKER_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	wbuf_put(w, marker, sizeof(marker));
	wbuf_u16(w, 0);
	wbuf_u8(w, type);
	return start;
}

void bgp_msg_finish(struct wbuf *w, size_t start)
{
	put_u16(w->data + start + 16, (uint16_t)(w->len - start));
}

/* --- OPEN ------------------------------------------------------------- */

static void put_capa(struct wbuf *w, uint8_t code, const void *val, uint8_t len)
{
	wbuf_u8(w, code);
	wbuf_u8(w, len);
	wbuf_put(w, val, len);
}

static void encode_caps(struct wbuf *w, const struct bgp_caps *c)
{
	uint8_t v[16];
	for (int f = 0; f < FAM_COUNT; f++) {
		if (!(c->families & (1u << f)))
			continue;
		put_u16(v, family_afi((enum family)f)); v[2] = 0; v[3] = SAFI_UNICAST;
		put_capa(w, CAPA_MP, v, 4);
	}
	if (c->route_refresh)
		put_capa(w, CAPA_ROUTE_REFRESH, NULL, 0);
	if (c->enhanced_rr)
		put_capa(w, CAPA_ENHANCED_RR, NULL, 0);
	if (c->ext_message)
		put_capa(w, CAPA_EXT_MESSAGE, NULL, 0);
	if (c->as4) {
		put_u32(v, c->as4_asn);
		put_capa(w, CAPA_AS4, v, 4);
	}
	uint8_t ap[4 * FAM_COUNT], aplen = 0;
	for (int f = 0; f < FAM_COUNT; f++) {
		if (!c->addpath[f])
			continue;
		put_u16(ap + aplen, family_afi((enum family)f));
		ap[aplen + 2] = SAFI_UNICAST;
		ap[aplen + 3] = c->addpath[f];
		aplen += 4;
	}
	if (aplen)
		put_capa(w, CAPA_ADD_PATH, ap, aplen);
	if (c->graceful_restart) {
		/* restart flags and time, then each family state is kept for with
		 * its Forwarding State bit set (RFC 4724 §3) */
		uint8_t gr[2 + 4 * FAM_COUNT];
		size_t n = 2;
		put_u16(gr, (uint16_t)((c->gr_restarted ? 0x8000 : 0) | (c->gr_time & 0x0fff)));
		for (int f = 0; f < FAM_COUNT; f++)
			if (c->gr_families & (1u << f)) {
				put_u16(gr + n, family_afi((enum family)f));
				gr[n + 2] = SAFI_UNICAST;
				gr[n + 3] = 0x80;
				n += 4;
			}
		put_capa(w, CAPA_GRACEFUL_RESTART, gr, (uint8_t)n);
	}
	if (c->role != ROLE_NONE) {
		v[0] = c->role;
		put_capa(w, CAPA_ROLE, v, 1);
	}
}

void bgp_open_encode(struct wbuf *w, const struct bgp_open *open)
{
	size_t start = bgp_msg_begin(w, BGP_OPEN);
	wbuf_u8(w, open->version);
	wbuf_u16(w, open->my_as);
	wbuf_u16(w, open->hold_time);
	wbuf_u32(w, open->bgp_id);
	size_t optlen_at = w->len;
	wbuf_u8(w, 0);
	wbuf_u8(w, 2);              /* one Capabilities optional parameter */
	size_t plen_at = w->len;
	wbuf_u8(w, 0);
	encode_caps(w, &open->caps);
	size_t plen = w->len - plen_at - 1;
	w->data[plen_at] = (uint8_t)plen;      /* our capabilities fit in 255 bytes */
	w->data[optlen_at] = (uint8_t)(plen + 2);
	bgp_msg_finish(w, start);
}

static int decode_addpath(struct rbuf v, struct bgp_caps *c)
{
	while (v.len) {
		uint16_t afi; uint8_t safi, dir;
		if (rbuf_u16(&v, &afi) < 0 || rbuf_u8(&v, &safi) < 0 || rbuf_u8(&v, &dir) < 0)
			return -1;
		int f = family_from_afi_safi(afi, safi);
		if (f >= 0)
			c->addpath[f] = dir & (ADDPATH_RECEIVE | ADDPATH_SEND);
	}
	return 0;
}

static int decode_gr(struct rbuf v, struct bgp_caps *c)
{
	uint16_t flags_time;
	if (rbuf_u16(&v, &flags_time) < 0)
		return -1;
	c->graceful_restart = true;
	c->gr_restarted = (flags_time & 0x8000) != 0;
	c->gr_time = flags_time & 0x0fff;
	while (v.len >= 4) {
		uint16_t afi; uint8_t safi, fflags;
		rbuf_u16(&v, &afi); rbuf_u8(&v, &safi); rbuf_u8(&v, &fflags);
		int f = family_from_afi_safi(afi, safi);
		if (f >= 0)
			c->gr_families |= (uint8_t)(1u << f);
	}
	return 0;
}

/* One capability TLV.  Malformed known capabilities are an OPEN error;
 * unknown ones are ignored (RFC 5492 §3). */
static int decode_capa(uint8_t code, struct rbuf v, struct bgp_caps *c)
{
	uint16_t afi; uint8_t reserved, safi;
	switch (code) {
	case CAPA_MP: {
		if (v.len != 4)
			return -1;
		rbuf_u16(&v, &afi); rbuf_u8(&v, &reserved); rbuf_u8(&v, &safi);
		c->mp_present = true;
		int f = family_from_afi_safi(afi, safi);
		if (f >= 0)
			c->families |= (uint8_t)(1u << f);
		return 0;
	}
	case CAPA_ROUTE_REFRESH: c->route_refresh = true; return 0;
	case CAPA_ENHANCED_RR: c->enhanced_rr = true; return 0;
	case CAPA_EXT_MESSAGE: c->ext_message = true; return 0;
	case CAPA_AS4:
		if (v.len != 4)
			return -1;
		c->as4 = true;
		return rbuf_u32(&v, &c->as4_asn);
	case CAPA_ADD_PATH: return (v.len % 4) ? -1 : decode_addpath(v, c);
	case CAPA_GRACEFUL_RESTART: return decode_gr(v, c);
	case CAPA_ROLE:
		if (v.len != 1)
			return -1;
		return rbuf_u8(&v, &c->role);
	default:
		return 0;
	}
}

static int decode_params(struct rbuf params, bool extended, struct bgp_open *out,
    struct bgp_notify *err)
{
	while (params.len) {
		uint8_t type;
		uint16_t plen;
		uint8_t plen8;
		struct rbuf pv;
		if (rbuf_u8(&params, &type) < 0)
			goto bad;
		if (extended ? rbuf_u16(&params, &plen) < 0 : (rbuf_u8(&params, &plen8) < 0))
			goto bad;
		if (!extended)
			plen = plen8;
		if (rbuf_sub(&params, plen, &pv) < 0)
			goto bad;
		if (type != 2) {       /* only Capabilities (RFC 5492) is defined */
			notify_set(err, ERR_OPEN, ERR_OPEN_OPTPARAM, NULL, 0);
			return -1;
		}
		while (pv.len) {
			uint8_t code, clen;
			struct rbuf cv;
			if (rbuf_u8(&pv, &code) < 0 || rbuf_u8(&pv, &clen) < 0 || rbuf_sub(&pv, clen, &cv) < 0)
				goto bad;
			if (decode_capa(code, cv, &out->caps) < 0) {
				notify_set(err, ERR_OPEN, ERR_OPEN_CAPA, NULL, 0);
				return -1;
			}
		}
	}
	return 0;
bad:
	/* RFC 4271 §6.2: an inconsistent parameter length is unspecific. */
	notify_set(err, ERR_OPEN, 0, NULL, 0);
	return -1;
}

int bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *out, struct bgp_notify *err)
{
	struct rbuf b = rbuf_make(body, len), params;
	uint8_t optlen;
	memset(out, 0, sizeof(*out));
	out->caps.role = ROLE_NONE;
	if (rbuf_u8(&b, &out->version) < 0 || rbuf_u16(&b, &out->my_as) < 0 ||
	    rbuf_u16(&b, &out->hold_time) < 0 || rbuf_u32(&b, &out->bgp_id) < 0 ||
	    rbuf_u8(&b, &optlen) < 0)
		goto bad_len;
	if (out->version != BGP_VERSION) {
		uint8_t v[2] = { 0, BGP_VERSION };
		notify_set(err, ERR_OPEN, ERR_OPEN_VERSION, v, 2);
		return -1;
	}
	bool extended = false;
	/* RFC 9072: Non-Ext OP Len 255 + Non-Ext OP Type 255 => 2-byte lengths. */
	if (optlen == 255 && b.len >= 3 && b.p[0] == 255) {
		uint16_t elen = 0;
		b.p++; b.len--;
		rbuf_u16(&b, &elen);
		if (rbuf_sub(&b, elen, &params) < 0)
			goto bad_len;
		extended = true;
	} else if (rbuf_sub(&b, optlen, &params) < 0) {
		goto bad_len;
	}
	if (b.len != 0)
		goto bad_len;
	return decode_params(params, extended, out, err);
bad_len:
	notify_set(err, ERR_HEADER, ERR_HDR_LEN, NULL, 0);
	return -1;
}

/* --- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ------------------------------ */

void bgp_keepalive_encode(struct wbuf *w)
{
	size_t start = bgp_msg_begin(w, BGP_KEEPALIVE);
	bgp_msg_finish(w, start);
}

void bgp_notification_encode(struct wbuf *w, const struct bgp_notify *n)
{
	size_t start = bgp_msg_begin(w, BGP_NOTIFICATION);
	wbuf_u8(w, n->code);
	wbuf_u8(w, n->subcode);
	wbuf_put(w, n->data, n->datalen);
	bgp_msg_finish(w, start);
}

int bgp_notification_decode(const uint8_t *body, size_t len, struct bgp_notify *out)
{
	if (len < 2)
		return -1;
	notify_set(out, body[0], body[1], body + 2, len - 2);
	return 0;
}

int bgp_notification_shutdown_msg(const struct bgp_notify *n, char *buf, size_t len)
{
	if (n->code != ERR_CEASE ||
	    (n->subcode != ERR_CEASE_ADMIN_DOWN && n->subcode != ERR_CEASE_ADMIN_RESET) ||
	    n->datalen < 1 || n->data[0] == 0 || (size_t)n->data[0] + 1 > n->datalen || len == 0)
		return -1;
	size_t mlen = n->data[0], o = 0;
	for (size_t i = 0; i < mlen && o + 1 < len; i++) {
		uint8_t c = n->data[1 + i];
		/* Logs are read by people and parsed by tools: no control bytes. */
		buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	buf[o] = '\0';
	return 0;
}

void notify_set_shutdown(struct bgp_notify *n, uint8_t subcode, const char *message)
{
	uint8_t data[256];
	size_t mlen = message ? strlen(message) : 0;
	if (mlen > 255)      /* RFC 9003: at most 255 octets */
		mlen = 255;
	data[0] = (uint8_t)mlen;
	if (mlen)
		memcpy(data + 1, message, mlen);
	notify_set(n, ERR_CEASE, subcode, data, mlen ? mlen + 1 : 0);
}

void bgp_route_refresh_encode(struct wbuf *w, enum family fam, enum rr_subtype subtype)
{
	size_t start = bgp_msg_begin(w, BGP_ROUTE_REFRESH);
	wbuf_u16(w, family_afi(fam));
	wbuf_u8(w, (uint8_t)subtype);
	wbuf_u8(w, SAFI_UNICAST);
	bgp_msg_finish(w, start);
}

int bgp_route_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *safi,
    uint8_t *subtype)
{
	if (len != 4)
		return -1;
	*afi = get_u16(body);
	*subtype = body[2];
	*safi = body[3];
	return 0;
}
