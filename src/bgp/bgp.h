/* SPDX-License-Identifier: ISC */
/* bgp: protocol constants from RFC 4271 and its extensions.  No code. */
#ifndef IXPD_BGP_H
#define IXPD_BGP_H

#define BGP_PORT                179
#define BGP_HEADER_LEN          19
#define BGP_MARKER_LEN          16
#define BGP_MAX_MSG             4096    /* RFC 4271 */
#define BGP_MAX_EXT_MSG         65535   /* RFC 8654 */
#define BGP_VERSION             4
#define AS_TRANS                23456   /* RFC 6793 */

enum bgp_msg_type {
	BGP_OPEN = 1, BGP_UPDATE = 2, BGP_NOTIFICATION = 3, BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5,
};

/* Path attribute flags and type codes. */
#define ATTR_F_OPTIONAL    0x80
#define ATTR_F_TRANSITIVE  0x40
#define ATTR_F_PARTIAL     0x20
#define ATTR_F_EXTLEN      0x10

enum bgp_attr_type {
	ATTR_ORIGIN = 1, ATTR_AS_PATH = 2, ATTR_NEXT_HOP = 3, ATTR_MED = 4,
	ATTR_LOCAL_PREF = 5, ATTR_ATOMIC_AGGREGATE = 6, ATTR_AGGREGATOR = 7,
	ATTR_COMMUNITIES = 8, ATTR_ORIGINATOR_ID = 9, ATTR_CLUSTER_LIST = 10,
	ATTR_MP_REACH_NLRI = 14, ATTR_MP_UNREACH_NLRI = 15, ATTR_EXT_COMMUNITIES = 16,
	ATTR_AS4_PATH = 17, ATTR_AS4_AGGREGATOR = 18, ATTR_LARGE_COMMUNITIES = 32,
	ATTR_OTC = 35,
};

enum bgp_origin { ORIGIN_IGP = 0, ORIGIN_EGP = 1, ORIGIN_INCOMPLETE = 2 };

enum as_segment_type {
	AS_SET = 1, AS_SEQUENCE = 2, AS_CONFED_SEQUENCE = 3, AS_CONFED_SET = 4,
};

/* Address families: we carry only unicast. */
#define AFI_IPV4   1
#define AFI_IPV6   2
#define SAFI_UNICAST 1

/* Capability codes. */
enum bgp_capa {
	CAPA_MP = 1, CAPA_ROUTE_REFRESH = 2, CAPA_EXT_NEXTHOP = 5,
	CAPA_EXT_MESSAGE = 6, CAPA_ROLE = 9, CAPA_GRACEFUL_RESTART = 64,
	CAPA_AS4 = 65, CAPA_ADD_PATH = 69, CAPA_ENHANCED_RR = 70,
};

/* RFC 9234 roles. */
enum bgp_role {
	ROLE_PROVIDER = 0, ROLE_RS = 1, ROLE_RS_CLIENT = 2, ROLE_CUSTOMER = 3,
	ROLE_PEER = 4, ROLE_NONE = 255,
};

/* NOTIFICATION error codes and subcodes. */
enum bgp_err_code {
	ERR_HEADER = 1, ERR_OPEN = 2, ERR_UPDATE = 3, ERR_HOLD_TIMER = 4,
	ERR_FSM = 5, ERR_CEASE = 6, ERR_ROUTE_REFRESH = 7,
};
enum bgp_err_header { ERR_HDR_SYNC = 1, ERR_HDR_LEN = 2, ERR_HDR_TYPE = 3 };
enum bgp_err_open {
	ERR_OPEN_VERSION = 1, ERR_OPEN_PEER_AS = 2, ERR_OPEN_BGPID = 3,
	ERR_OPEN_OPTPARAM = 4, ERR_OPEN_HOLDTIME = 6, ERR_OPEN_CAPA = 7,
	ERR_OPEN_ROLE = 11,
};
enum bgp_err_update {
	ERR_UPD_ATTRLIST = 1, ERR_UPD_UNKNWN_WK = 2, ERR_UPD_MISSING_WK = 3,
	ERR_UPD_ATTRFLAGS = 4, ERR_UPD_ATTRLEN = 5, ERR_UPD_ORIGIN = 6,
	ERR_UPD_NEXTHOP = 8, ERR_UPD_OPTATTR = 9, ERR_UPD_NETWORK = 10,
	ERR_UPD_ASPATH = 11,
};
enum bgp_err_cease {
	ERR_CEASE_MAX_PREFIX = 1, ERR_CEASE_ADMIN_DOWN = 2, ERR_CEASE_PEER_UNCONF = 3,
	ERR_CEASE_ADMIN_RESET = 4, ERR_CEASE_CONN_REJECT = 5, ERR_CEASE_CONFIG_CHANGE = 6,
	ERR_CEASE_COLLISION = 7, ERR_CEASE_RESOURCES = 8, ERR_CEASE_HARD_RESET = 9,
};
enum bgp_err_rr { ERR_RR_INVALID_LEN = 1 };

/* Well-known communities. */
#define COMMUNITY_NO_EXPORT     0xFFFFFF01u
#define COMMUNITY_NO_ADVERTISE  0xFFFFFF02u
#define COMMUNITY_BLACKHOLE     0xFFFF029Au
#define COMMUNITY_GSHUT         0xFFFF0000u
#endif
