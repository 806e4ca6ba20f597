/* SPDX-License-Identifier: ISC */
/* bogons: arouteserver's default bogon list as a table of text, turned into
 * a struct cfg_prefix_list on first use.  The entries are public facts
 * (IANA special-purpose registries and the RFCs named in the comments). */
#include "bogons.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>

#include "xalloc.h"

struct bogon {
	const char *addr;
	uint8_t length;
	bool exact;                 /* else: with its more specifics */
	const char *comment;        /* arouteserver's, verbatim */
};

static const struct bogon bogon_table[] = {
	/* address      length exact  arouteserver's comment */
	{ "0.0.0.0",         0, true,  "Default route" },
	{ "0.0.0.0",         8, false, "IANA - Local Identification" },
	{ "10.0.0.0",        8, false, "RFC 1918 - Private Use" },
	{ "127.0.0.0",       8, false, "IANA - Loopback" },
	{ "169.254.0.0",    16, false, "RFC 3927 - Link Local" },
	{ "172.16.0.0",     12, false, "RFC 1918 - Private Use" },
	{ "192.0.2.0",      24, false, "RFC 5737 - TEST-NET-1" },
	{ "192.88.99.0",    24, false, "RFC 3068 - 6to4 prefix" },
	{ "192.168.0.0",    16, false, "RFC 1918 - Private Use" },
	{ "198.18.0.0",     15, false, "RFC 2544 - Network Interconnect Device Benchmark Testing" },
	{ "198.51.100.0",   24, false, "RFC 5737 - TEST-NET-2" },
	{ "203.0.113.0",    24, false, "RFC 5737 - TEST-NET-3" },
	{ "224.0.0.0",       3, false, "RFC 5771 - Multcast (formerly Class D)" },
	{ "100.64.0.0",     10, false, "RFC 6598 - Shared Address Space" },
	{ "::",              0, true,  "Default route" },
	{ "0000::",          8, false, "loopback, unspecified, v4-mapped" },
	{ "0064:ff9b::",    96, false, "RFC 6052 - IPv4-IPv6 Translation" },
	{ "0100::",          8, false, "RFC 6666 - reserved for Discard-Only Address Block" },
	{ "0200::",          7, false, "RFC 4048 - Reserved by IETF" },
	{ "0400::",          6, false, "RFC 4291 - Reserved by IETF" },
	{ "0800::",          5, false, "RFC 4291 - Reserved by IETF" },
	{ "1000::",          4, false, "RFC 4291 - Reserved by IETF" },
	{ "2001::",         33, false, "RFC 4380 - Teredo prefix" },
	{ "2001:0:8000::",  33, false, "RFC 4380 - Teredo prefix" },
	{ "2001:0002::",    48, false, "RFC 5180 - Benchmarking" },
	{ "2001:0003::",    32, false, "RFC 7450 - Automatic Multicast Tunneling" },
	{ "2001:10::",      28, false, "RFC 4843 - Deprecated ORCHID" },
	{ "2001:20::",      28, false, "RFC 7343 - ORCHIDv2" },
	{ "2001:db8::",     32, false, "RFC 3849 - NON-ROUTABLE range to be used for documentation purpose" },
	{ "2002::",         16, false, "RFC 3068 - 6to4 prefix" },
	{ "3ffe::",         16, false, "RFC 5156 - used for the 6bone but was returned" },
	{ "4000::",          3, false, "RFC 4291 - Reserved by IETF" },
	{ "5f00::",          8, false, "RFC 5156 - used for the 6bone but was returned" },
	{ "6000::",          3, false, "RFC 4291 - Reserved by IETF" },
	{ "8000::",          3, false, "RFC 4291 - Reserved by IETF" },
	{ "a000::",          3, false, "RFC 4291 - Reserved by IETF" },
	{ "c000::",          3, false, "RFC 4291 - Reserved by IETF" },
	{ "e000::",          4, false, "RFC 4291 - Reserved by IETF" },
	{ "f000::",          5, false, "RFC 4291 - Reserved by IETF" },
	{ "f800::",          6, false, "RFC 4291 - Reserved by IETF" },
	{ "fc00::",          7, false, "RFC 4193 - Unique Local Unicast" },
	{ "fe80::",         10, false, "RFC 4291 - Link Local Unicast" },
	{ "fec0::",         10, false, "RFC 4291 - Reserved by IETF" },
	{ "ff00::",          8, false, "RFC 4291 - Multicast" },
};

#define NBOGONS (sizeof(bogon_table) / sizeof(bogon_table[0]))

static struct cfg_prefix bogon_entries[NBOGONS];
static struct cfg_prefix_list bogon_list;
static pthread_once_t bogon_once = PTHREAD_ONCE_INIT;

static void build_bogons(void)
{
	for (size_t i = 0; i < NBOGONS; i++) {
		const struct bogon *b = &bogon_table[i];
		struct cfg_prefix *e = &bogon_entries[i];
		/* A typo in the table would leave an invalid entry that
		 * prefix_list_compile() drops; the tests count the entries. */
		e->prefix.family = strchr(b->addr, ':') ? AF_INET6 : AF_INET;
		inet_pton(e->prefix.family, b->addr, &e->prefix.u);
		e->length = b->length;
		e->exact = b->exact;
		e->comment = xstrdup(b->comment);
	}
	bogon_list.v = bogon_entries;
	bogon_list.n = (int)NBOGONS;
}

const struct cfg_prefix_list *bogons_builtin(void)
{
	pthread_once(&bogon_once, build_bogons);
	return &bogon_list;
}
