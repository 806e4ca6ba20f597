/* SPDX-License-Identifier: ISC */
/* OPEN, NOTIFICATION, header framing (RFC 4271, 5492, 9003, 9072). */
#include "testlib.h"

#include "bgp_msg.h"

TEST(open_round_trip_keeps_capabilities)
{
	struct bgp_open o = { .version = 4, .my_as = AS_TRANS, .hold_time = 90, .bgp_id = 0xc0000201 };
	o.caps.families = 3;
	o.caps.route_refresh = o.caps.enhanced_rr = o.caps.ext_message = o.caps.as4 = true;
	o.caps.as4_asn = 4200000001u;
	o.caps.addpath[FAM_IPV6] = ADDPATH_SEND;
	o.caps.graceful_restart = true;
	o.caps.gr_time = 120;
	o.caps.role = ROLE_RS;
	struct wbuf w = { 0 };
	bgp_open_encode(&w, &o);
	uint8_t type;
	uint16_t len;
	struct bgp_notify err;
	CHECK(bgp_header_check(w.data, 4096, &type, &len, &err) == 0);
	CHECK_EQ_INT(type, BGP_OPEN);
	CHECK_EQ_INT(len, w.len);
	struct bgp_open d;
	CHECK(bgp_open_decode(w.data + 19, w.len - 19, &d, &err) == 0);
	CHECK_EQ_INT(d.caps.families, 3);
	CHECK(d.caps.as4);
	CHECK_EQ_INT(d.caps.as4_asn, 4200000001u);
	CHECK_EQ_INT(d.caps.addpath[FAM_IPV6], ADDPATH_SEND);
	CHECK_EQ_INT(d.caps.role, ROLE_RS);
	CHECK(d.caps.graceful_restart);
	CHECK_EQ_INT(d.caps.gr_time, 120);
	wbuf_free(&w);
}

TEST(open_with_wrong_version_gets_version_error)
{
	uint8_t body[] = { 3, 0, 100, 0, 90, 1, 2, 3, 4, 0 };
	struct bgp_open d;
	struct bgp_notify err;
	CHECK(bgp_open_decode(body, sizeof(body), &d, &err) < 0);
	CHECK_EQ_INT(err.code, ERR_OPEN);
	CHECK_EQ_INT(err.subcode, ERR_OPEN_VERSION);
	CHECK_EQ_INT(err.data[1], 4);    /* the version we support */
}

TEST(open_with_unknown_optional_parameter_is_refused)
{
	uint8_t body[] = { 4, 0, 100, 0, 90, 1, 2, 3, 4, 3, 1, 1, 0 };
	struct bgp_open d;
	struct bgp_notify err;
	CHECK(bgp_open_decode(body, sizeof(body), &d, &err) < 0);
	CHECK_EQ_INT(err.subcode, ERR_OPEN_OPTPARAM);
}

TEST(open_extended_optional_parameters_rfc9072)
{
	/* Non-Ext OP Len 255, type 255, 2-byte length 8: one capability
	 * parameter (type 2, 2-byte length 4) holding AS4 = 70000. */
	uint8_t body[] = { 4, 0x5b, 0xa0, 0, 90, 1, 2, 3, 4, 255, 255, 0, 9,
		2, 0, 6, 65, 4, 0, 1, 0x11, 0x70 };
	struct bgp_open d;
	struct bgp_notify err;
	CHECK(bgp_open_decode(body, sizeof(body), &d, &err) == 0);
	CHECK(d.caps.as4);
	CHECK_EQ_INT(d.caps.as4_asn, 70000);
}

TEST(unknown_capability_is_ignored)
{
	uint8_t body[] = { 4, 0, 100, 0, 90, 1, 2, 3, 4, 4, 2, 2, 200, 0 };
	struct bgp_open d;
	struct bgp_notify err;
	CHECK(bgp_open_decode(body, sizeof(body), &d, &err) == 0);
}

TEST(header_with_bad_marker_is_connection_not_synchronized)
{
	uint8_t h[19];
	memset(h, 0xff, 16);
	h[3] = 0;
	h[16] = 0; h[17] = 19; h[18] = BGP_KEEPALIVE;
	uint8_t type;
	uint16_t len;
	struct bgp_notify err;
	CHECK(bgp_header_check(h, 4096, &type, &len, &err) < 0);
	CHECK_EQ_INT(err.code, ERR_HEADER);
	CHECK_EQ_INT(err.subcode, ERR_HDR_SYNC);
}

TEST(header_length_checks_per_type)
{
	uint8_t h[19];
	uint8_t type;
	uint16_t len;
	struct bgp_notify err;
	memset(h, 0xff, 16);
	h[16] = 0; h[17] = 20; h[18] = BGP_KEEPALIVE;      /* KEEPALIVE must be 19 */
	CHECK(bgp_header_check(h, 4096, &type, &len, &err) < 0);
	CHECK_EQ_INT(err.subcode, ERR_HDR_LEN);
	h[16] = 0x20; h[17] = 0; h[18] = BGP_UPDATE;       /* 8192 > 4096 without RFC 8654 */
	CHECK(bgp_header_check(h, 4096, &type, &len, &err) < 0);
	CHECK(bgp_header_check(h, 65535, &type, &len, &err) == 0);
	h[16] = 0x20; h[18] = BGP_OPEN;                    /* OPEN stays within 4096 */
	CHECK(bgp_header_check(h, 65535, &type, &len, &err) < 0);
	h[18] = 9;
	CHECK(bgp_header_check(h, 65535, &type, &len, &err) < 0);
	CHECK_EQ_INT(err.subcode, ERR_HDR_TYPE);
}

TEST(shutdown_communication_round_trip_rfc9003)
{
	struct bgp_notify n;
	notify_set_shutdown(&n, ERR_CEASE_ADMIN_DOWN, "maintenance\ttonight");
	char buf[300];
	CHECK(bgp_notification_shutdown_msg(&n, buf, sizeof(buf)) == 0);
	CHECK_EQ_STR(buf, "maintenance?tonight");    /* control bytes not logged raw */
	/* a length byte pointing past the data is ignored */
	n.data[0] = 200;
	CHECK(bgp_notification_shutdown_msg(&n, buf, sizeof(buf)) < 0);
}
