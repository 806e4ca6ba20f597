/* SPDX-License-Identifier: ISC */
/* bgp_update: decoding of received UPDATE messages with RFC 7606 error
 * handling, and encoding of UPDATEs for one receiver class.
 *
 * Decoding produces the prefixes withdrawn and announced and one parsed
 * attribute set in canonical form: 4-octet AS_PATH/AGGREGATOR (AS4_PATH
 * merged for 2-octet peers, RFC 6793 §4.2.3), attributes in ascending type
 * order, only what a route server passes on (no NEXT_HOP/MP_* which are
 * kept apart, no LOCAL_PREF or iBGP-only attributes), unknown optional
 * transitive attributes with the Partial bit set. */
#ifndef IXPD_BGP_UPDATE_H
#define IXPD_BGP_UPDATE_H
#include <stdbool.h>
#include <stdint.h>

#include "bgp_msg.h"
#include "prefix.h"
#include "wire.h"

/* RFC 7606 outcomes, in increasing severity. */
enum upd_action {
	UPD_OK = 0,
	UPD_ATTR_DISCARD,           /* an attribute was dropped; routes stay */
	UPD_TREAT_AS_WITHDRAW,      /* every announced prefix becomes a withdrawal */
	UPD_SESSION_RESET,          /* send the NOTIFICATION, drop the session */
};

/* Decision-relevant values read out of the attributes. */
struct path_info {
	uint8_t origin;
	bool has_med;
	uint32_t med;
	uint16_t as_path_len;        /* RFC 4271 §9.1.2.2 a): a set counts 1 */
	uint32_t neighbor_as;        /* left-most AS of a leading AS_SEQUENCE, 0 if none */
	uint32_t origin_as;          /* right-most AS of a trailing AS_SEQUENCE, 0 if none */
	bool has_otc;
	uint32_t otc;
	uint8_t nh_afi;              /* 0 when no next hop (withdraw only) */
	uint8_t nh[16];              /* IPv4 in the first 4 bytes */
	bool nh_has_ll;
	uint8_t nh_ll[16];           /* IPv6 link-local next hop (RFC 2545) */
};

struct prefix_vec {
	struct prefix *v;
	uint32_t n, cap;
};

struct update_ctx {
	bool peer_as4;               /* peer negotiated 4-octet ASNs */
	uint8_t families;            /* negotiated families (bits of enum family) */
};

struct update_decoded {
	enum upd_action action;
	struct bgp_notify notify;   /* valid when action == UPD_SESSION_RESET */
	char reason[256];           /* first problem found, for the log */
	struct prefix_vec withdrawn; /* IPv4 withdrawn + MP_UNREACH */
	struct prefix_vec announced; /* IPv4 NLRI + MP_REACH */
	int eor_family;             /* End-of-RIB marker for this family, or -1 */
	struct path_info info;
	struct wbuf attrs;          /* canonical attribute bytes (see above) */
};

void update_decoded_init(struct update_decoded *u);
void update_decoded_free(struct update_decoded *u);

/* Decodes an UPDATE body (after the 19-byte header).  Never reads outside
 * body[0..len).  After UPD_TREAT_AS_WITHDRAW the announced prefixes have been
 * moved to withdrawn. */
void bgp_update_decode(const struct update_ctx *ctx, const uint8_t *body, size_t len,
    struct update_decoded *out);

/* Walks canonical attribute bytes (as produced above). */
struct attr_iter { struct rbuf b; };
static inline void attr_iter_init(struct attr_iter *it, const uint8_t *p, size_t len)
{
	it->b = rbuf_make(p, len);
}
/* Returns 1 with the next attribute, 0 at the end. */
int attr_iter_next(struct attr_iter *it, uint8_t *flags, uint8_t *type, struct rbuf *value);
/* Appends an attribute header (extended length when len > 255), or a
 * whole attribute. */
void attr_put_header(struct wbuf *w, uint8_t flags, uint8_t type, size_t len);
void attr_put(struct wbuf *w, uint8_t flags, uint8_t type, const void *val, size_t len);
/* Finds one attribute; returns 0 if present. */
int attr_find(const uint8_t *attrs, size_t len, uint8_t type, struct rbuf *value);

/* --- encoding ----------------------------------------------------------- */

/* What a receiver negotiated that changes the bytes it must get. */
struct send_class {
	bool as4;                   /* 4-octet AS capability both ways */
	bool addpath;               /* ADD-PATH send for this family */
	bool ext_message;           /* RFC 8654 both ways */
	uint32_t otc_add_as;        /* add OTC with this AS if absent (RFC 9234), 0 = no */
	uint32_t prepend_as;        /* prepend this AS to AS_PATH (prepend_rs_as), 0 = no */
};

/* The canonical attributes rewritten for a 2-octet receiver: AS_TRANS in
 * AS_PATH/AGGREGATOR plus AS4_PATH/AS4_AGGREGATOR when needed. */
void attrs_to_as2(const uint8_t *attrs, size_t len, struct wbuf *out);

/* One NLRI to encode.  path_id is used only for ADD-PATH receivers. */
struct nlri_out {
	const struct prefix *prefix;
	uint32_t path_id;
};

/* Encodes UPDATEs announcing `n` prefixes of family fam that share one
 * attribute set: `attrs` are canonical bytes already converted for the
 * class, `info` provides the next hop.  As many prefixes per message as fit.
 * Appends complete messages to out.  Returns -1 (and appends nothing) if the
 * attributes cannot fit the receiver's maximum message size. */
int bgp_update_encode_announce(struct wbuf *out, const struct send_class *sc, enum family fam,
    const uint8_t *attrs, size_t attrs_len, const struct path_info *info,
    const struct nlri_out *nlri, size_t n);
void bgp_update_encode_withdraw(struct wbuf *out, const struct send_class *sc, enum family fam,
    const struct nlri_out *nlri, size_t n);
void bgp_update_encode_eor(struct wbuf *out, enum family fam);
#endif
