/* SPDX-License-Identifier: ISC */
/* bgp_msg: framing of BGP messages and the small message types (OPEN with
 * capabilities, NOTIFICATION, KEEPALIVE, ROUTE-REFRESH).  UPDATE lives in
 * bgp_update.h.  Pure functions: no sockets, no session state. */
#ifndef IXPD_BGP_MSG_H
#define IXPD_BGP_MSG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp.h"
#include "wire.h"

/* The two address families ixpd carries; index into per-family arrays. */
enum family { FAM_IPV4 = 0, FAM_IPV6 = 1, FAM_COUNT = 2 };
static inline uint8_t family_afi(enum family f) { return f == FAM_IPV6 ? AFI_IPV6 : AFI_IPV4; }
int family_from_afi_safi(uint16_t afi, uint8_t safi);     /* -1 if not carried */
const char *family_name(enum family f);                   /* "ipv4-unicast" */

/* ADD-PATH direction bits as carried in the capability (RFC 7911). */
#define ADDPATH_RECEIVE 1
#define ADDPATH_SEND    2

struct bgp_caps {
	uint8_t families;            /* bit (1 << enum family) per MP capability */
	bool mp_present;             /* any MP capability was sent */
	bool route_refresh;
	bool enhanced_rr;
	bool ext_message;
	bool as4;
	uint32_t as4_asn;
	uint8_t addpath[FAM_COUNT];  /* ADDPATH_* as the sender advertised them */
	bool graceful_restart;
	bool gr_restarted;           /* R bit: the sender has restarted */
	uint16_t gr_time;
	uint8_t gr_families;         /* families the sender preserves state for */
	uint8_t role;                /* enum bgp_role, ROLE_NONE if absent */
};

struct bgp_open {
	uint8_t version;
	uint16_t my_as;
	uint16_t hold_time;
	uint32_t bgp_id;
	struct bgp_caps caps;
};

#define NOTIFY_DATA_MAX 1024
struct bgp_notify {
	uint8_t code, subcode;
	uint16_t datalen;
	uint8_t data[NOTIFY_DATA_MAX];
};

void notify_set(struct bgp_notify *n, uint8_t code, uint8_t subcode, const void *data, size_t len);
const char *notify_code_str(uint8_t code, uint8_t subcode);

/* Validates a 19-byte header against the negotiated maximum message size.
 * On error fills *err with the RFC 4271 §6.1 NOTIFICATION and returns -1. */
int bgp_header_check(const uint8_t *hdr, size_t max_len, uint8_t *type, uint16_t *len,
    struct bgp_notify *err);

/* Starts a message in w (marker + placeholder length/type); finish fills in
 * the length.  Returns the offset of the message start. */
size_t bgp_msg_begin(struct wbuf *w, uint8_t type);
void bgp_msg_finish(struct wbuf *w, size_t start);

void bgp_open_encode(struct wbuf *w, const struct bgp_open *open);
/* Decodes an OPEN body (after the header).  Syntax only: the session checks
 * AS, hold time and roles against its configuration. */
int bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *out, struct bgp_notify *err);

void bgp_keepalive_encode(struct wbuf *w);
void bgp_notification_encode(struct wbuf *w, const struct bgp_notify *n);
int bgp_notification_decode(const uint8_t *body, size_t len, struct bgp_notify *out);
/* RFC 9003 shutdown communication carried in Cease/2 and Cease/4: copies the
 * message (sanitised to printable text) into buf; returns 0 if present. */
int bgp_notification_shutdown_msg(const struct bgp_notify *n, char *buf, size_t len);
void notify_set_shutdown(struct bgp_notify *n, uint8_t subcode, const char *message);

/* ROUTE-REFRESH (RFC 2918) with the RFC 7313 subtype (0 normal, 1 BoRR, 2 EoRR). */
enum rr_subtype { RR_NORMAL = 0, RR_BEGIN = 1, RR_END = 2 };
void bgp_route_refresh_encode(struct wbuf *w, enum family fam, enum rr_subtype subtype);
int bgp_route_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *safi,
    uint8_t *subtype);
#endif
