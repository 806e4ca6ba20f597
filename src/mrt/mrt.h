/* SPDX-License-Identifier: ISC */
/* mrt: MRT records (RFC 6396) as route collectors write them and bgpdump
 * reads them -- TABLE_DUMP_V2 RIB dumps (PEER_INDEX_TABLE, RIB_IPV4/IPV6_
 * UNICAST and their RFC 8050 ADD-PATH forms) and BGP4MP update logs
 * (MESSAGE_AS4, STATE_CHANGE_AS4).  Pure encoders appending to a wbuf: the
 * caller walks the RIB, takes the messages and writes the file. */
#ifndef IXPD_MRT_H
#define IXPD_MRT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp_update.h"
#include "prefix.h"
#include "wire.h"

enum { MRT_TABLE_DUMP_V2 = 13, MRT_BGP4MP = 16 };
enum {
	MRT_PEER_INDEX_TABLE = 1,
	MRT_RIB_IPV4_UNICAST = 2,
	MRT_RIB_IPV6_UNICAST = 4,
	MRT_RIB_IPV4_UNICAST_ADDPATH = 8,       /* RFC 8050 */
	MRT_RIB_IPV6_UNICAST_ADDPATH = 10,
};
enum { MRT_BGP4MP_MESSAGE_AS4 = 4, MRT_BGP4MP_STATE_CHANGE_AS4 = 5 };

/* A member as the PEER_INDEX_TABLE lists it (always with a 4-octet AS). */
struct mrt_peer {
	uint32_t bgp_id;             /* host order */
	struct ip_addr addr;
	uint32_t asn;
};

/* The table's first record: the peers RIB entries refer to by index. */
void mrt_peer_index_table(struct wbuf *w, uint32_t ts, uint32_t collector_id, const char *view,
    const struct mrt_peer *peers, uint16_t npeers);

/* One path of a prefix, from the member at peer_index. */
struct mrt_rib_entry {
	uint16_t peer_index;
	uint32_t originated;         /* unix time the path was received */
	uint32_t path_id;            /* ADD-PATH records only */
	const struct path_info *info;   /* the next hop */
	const uint8_t *attrs;        /* canonical attributes (bgp_update.h) */
	size_t attrs_len;
};

/* One RIB record: every entry of prefix p.  The attributes are written
 * with 4-octet AS numbers and the next hop, as RFC 6396 §4.3.4 says (IPv6:
 * an MP_REACH_NLRI holding only the next hop).  Returns 0, or -1 (nothing
 * appended) if an entry's attributes exceed 65535 bytes. */
int mrt_rib(struct wbuf *w, uint32_t ts, uint32_t seq, const struct prefix *p,
    const struct mrt_rib_entry *e, uint16_t n, bool addpath);

/* The session a BGP4MP record is about (4-octet ASNs). */
struct mrt_session {
	uint32_t peer_as, local_as;
	struct ip_addr peer, local;  /* the same family */
};

/* A BGP message as received or sent (header included). */
void mrt_bgp4mp_message(struct wbuf *w, uint32_t ts, const struct mrt_session *s,
    const uint8_t *msg, size_t len);
/* An FSM state change (RFC 4271 §8.2.2 numbering: 1 Idle .. 6 Established). */
void mrt_bgp4mp_state_change(struct wbuf *w, uint32_t ts, const struct mrt_session *s,
    uint16_t old_state, uint16_t new_state);
#endif
