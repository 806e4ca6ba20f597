/* SPDX-License-Identifier: ISC */
/* The MRT encoders (RFC 6396, RFC 8050) checked by what a real reader
 * makes of their output: bgpdump (Debian's bgpdump), the tool route
 * collectors' users read archives with.  Without bgpdump the checks of
 * the record layout still run; the comparison with its output is skipped
 * with a message. */
#include "testlib.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp.h"
#include "mrt.h"

static void addr(const char *text, struct ip_addr *a)
{
	ip_addr_parse(text, a);
}

/* Canonical attributes: ORIGIN IGP, AS_PATH (4-octet), MED, a community. */
static void attrs_of(struct wbuf *w, const uint32_t *path, unsigned n, long med, uint32_t community)
{
	uint8_t origin = 0, seg[2 + 4 * 8] = { AS_SEQUENCE, (uint8_t)n }, v[4];
	attr_put(w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, &origin, 1);
	for (unsigned i = 0; i < n; i++)
		put_u32(seg + 2 + 4 * i, path[i]);
	attr_put(w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, seg, 2 + 4 * n);
	if (med >= 0) {
		put_u32(v, (uint32_t)med);
		attr_put(w, ATTR_F_OPTIONAL, ATTR_MED, v, 4);
	}
	if (community) {
		put_u32(v, community);
		attr_put(w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_COMMUNITIES, v, 4);
	}
}

/* A small archive: the peer index, an IPv4 and an IPv6 RIB record, an
 * ADD-PATH record, and a session's state change and UPDATE. */
static void write_archive(struct wbuf *w)
{
	struct mrt_peer peers[2] = { { .bgp_id = 0x0a000001, .asn = 52001 },
		{ .bgp_id = 0x0a000002, .asn = 4200000002u } };
	addr("192.0.2.11", &peers[0].addr);
	addr("2001:db8::12", &peers[1].addr);
	mrt_peer_index_table(w, 1700000000, 0xc0000201, "ixpd", peers, 2);

	struct wbuf a4 = { 0 }, a6 = { 0 };
	uint32_t p4[] = { 52001, 52010 }, p6[] = { 4200000002u };
	attrs_of(&a4, p4, 2, 10, 52001u << 16 | 100);
	attrs_of(&a6, p6, 1, -1, 0);
	struct path_info i4 = { .nh_afi = AFI_IPV4 }, i6 = { .nh_afi = AFI_IPV6 };
	inet_pton(AF_INET, "192.0.2.11", i4.nh);
	inet_pton(AF_INET6, "2001:db8::12", i6.nh);
	struct prefix v4, v6;
	prefix_parse("45.65.0.0/22", &v4);
	prefix_parse("2a0e:b100::/32", &v6);
	struct mrt_rib_entry e4 = { 0, 1699999000, 1, &i4, a4.data, a4.len };
	struct mrt_rib_entry e6 = { 1, 1699999500, 2, &i6, a6.data, a6.len };
	CHECK_EQ_INT(mrt_rib(w, 1700000000, 0, &v4, &e4, 1, false), 0);
	CHECK_EQ_INT(mrt_rib(w, 1700000000, 1, &v6, &e6, 1, false), 0);
	CHECK_EQ_INT(mrt_rib(w, 1700000000, 2, &v4, &e4, 1, true), 0);

	struct mrt_session s = { .peer_as = 52001, .local_as = 59900 };
	addr("192.0.2.11", &s.peer);
	addr("192.0.2.1", &s.local);
	mrt_bgp4mp_state_change(w, 1700000001, &s, 1, 6);
	/* an UPDATE announcing 45.65.4.0/22 with the attributes above */
	struct wbuf m = { 0 };
	for (int i = 0; i < 16; i++)
		wbuf_u8(&m, 0xff);
	wbuf_u16(&m, 0);
	wbuf_u8(&m, BGP_UPDATE);
	wbuf_u16(&m, 0);
	wbuf_u16(&m, (uint16_t)(a4.len + 7));
	wbuf_put(&m, a4.data, a4.len);
	attr_put(&m, ATTR_F_TRANSITIVE, ATTR_NEXT_HOP, i4.nh, 4);
	struct prefix u;
	prefix_parse("45.65.4.0/22", &u);
	prefix_write_nlri(&m, &u);
	put_u16(m.data + 16, (uint16_t)m.len);
	mrt_bgp4mp_message(w, 1700000002, &s, m.data, m.len);
	wbuf_free(&m);
	wbuf_free(&a4);
	wbuf_free(&a6);
}

/* RFC 6396 §2: every record is a 12-byte header and the length it says. */
TEST(records_are_headers_and_the_lengths_they_announce_rfc6396_2)
{
	struct wbuf w = { 0 };
	write_archive(&w);
	size_t o = 0, records = 0;
	static const uint16_t want[][2] = {
		{ MRT_TABLE_DUMP_V2, MRT_PEER_INDEX_TABLE },
		{ MRT_TABLE_DUMP_V2, MRT_RIB_IPV4_UNICAST },
		{ MRT_TABLE_DUMP_V2, MRT_RIB_IPV6_UNICAST },
		{ MRT_TABLE_DUMP_V2, MRT_RIB_IPV4_UNICAST_ADDPATH },
		{ MRT_BGP4MP, MRT_BGP4MP_STATE_CHANGE_AS4 },
		{ MRT_BGP4MP, MRT_BGP4MP_MESSAGE_AS4 },
	};
	while (o + 12 <= w.len && records < 6) {
		CHECK_EQ_INT(get_u16(w.data + o + 4), want[records][0]);
		CHECK_EQ_INT(get_u16(w.data + o + 6), want[records][1]);
		o += 12 + get_u32(w.data + o + 8);
		records++;
	}
	CHECK_EQ_INT(records, 6);
	CHECK_EQ_INT(o, w.len);
	wbuf_free(&w);
}

/* What bgpdump -m prints for the archive: the peers' addresses and ASNs
 * from the index (4-octet AS included), the prefixes, AS paths, next hops
 * (the IPv6 one from MP_REACH_NLRI), MED and community, the ADD-PATH
 * record with its path identifier (RFC 8050), the state change and the
 * UPDATE. */
TEST(bgpdump_reads_what_we_write_rfc6396_4_3)
{
	if (system("command -v bgpdump >/dev/null 2>&1") != 0) {
		fprintf(stderr, "  (skipped: bgpdump is not installed; "
		    "scripts/install-deps installs it)\n");
		return;
	}
	char path[] = "/tmp/ixpd-test-mrt-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	struct wbuf w = { 0 };
	write_archive(&w);
	CHECK_EQ_INT(write(fd, w.data, w.len), (long)w.len);
	close(fd);
	wbuf_free(&w);
	char cmd[128], out[4096] = "";
	snprintf(cmd, sizeof(cmd), "bgpdump -m %s 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, sizeof(out) - 1, p) : 0;
	out[n] = '\0';
	if (p)
		pclose(p);
	unlink(path);
	const char *want =
	    "TABLE_DUMP2|1700000000|B|192.0.2.11|52001|45.65.0.0/22|52001 52010|IGP|"
	    "192.0.2.11|0|10|52001:100|NAG||\n"
	    "TABLE_DUMP2|1700000000|B|2001:db8::12|4200000002|2a0e:b100::/32|4200000002|IGP|"
	    "2001:db8::12|0|0||NAG||\n"
	    "TABLE_DUMP2_AP|1700000000|B|192.0.2.11|52001|45.65.0.0/22|1|52001 52010|IGP|"
	    "192.0.2.11|0|10|52001:100|NAG||\n"
	    "BGP4MP|1700000001|STATE|192.0.2.11|52001|1|6\n"
	    "BGP4MP|1700000002|A|192.0.2.11|52001|45.65.4.0/22|52001 52010|IGP|"
	    "192.0.2.11|0|10|52001:100|NAG||\n";
	if (strcmp(out, want) != 0)
		fprintf(stderr, "  bgpdump -m printed:\n%s", out);
	CHECK_EQ_STR(out, want);
}
