/* SPDX-License-Identifier: ISC */
/* rib_best micro-benchmark: instructions per call of the decision process
 * on the path sets route servers meet, for comparing two builds under
 * callgrind (instruction counts are repeatable; timings on a shared
 * 2-core machine are not):
 *
 *   cc -O2 -Isrc bench/micro/rib_best.c build/libixpd.a -ljansson -lyaml -lpthread -ldl -o /tmp/rb
 *   valgrind --tool=callgrind --toggle-collect=rib_best --callgrind-out-file=/tmp/cg /tmp/rb SHAPE
 *   callgrind_annotate /tmp/cg | head    (Ir / 1,000,000 calls = instructions per call)
 *
 * SHAPE: one (a prefix with one path: W1-W3, where tables are disjoint),
 * ten (ten paths of ten neighbour ASes), twins (ten paths, two of one AS
 * whose MEDs make the group step run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "rib.h"

#define NPEERS 10
#define CALLS 1000000

static struct decision_peer peers[NPEERS + 1];
static uint8_t addrs[NPEERS + 1][4];

static const struct decision_peer *lookup(uint32_t id, void *arg)
{
	(void)arg;
	return &peers[id];
}

static struct attr_set *attrs(uint32_t neighbor_as, long med)
{
	struct path_info info = { .origin = 0, .as_path_len = 2, .neighbor_as = neighbor_as,
		.has_med = med >= 0, .med = med >= 0 ? (uint32_t)med : 0, .nh_afi = AFI_IPV4 };
	struct attr_set *a = attr_standalone(&info, (const uint8_t *)"", 0);
	a->local_pref = 100;
	return a;
}

int main(int argc, char **argv)
{
	const char *shape = argc > 1 ? argv[1] : "one";
	for (uint32_t i = 0; i <= NPEERS; i++) {
		addrs[i][0] = 192, addrs[i][2] = 2, addrs[i][3] = (uint8_t)(10 + i);
		peers[i] = (struct decision_peer){ .id = i, .asn = 64500 + i, .bgp_id = 0x0a000000u | (97 * i % 251),
			.addr = addrs[i], .addr_len = 4 };
	}
	struct path p[NPEERS];
	memset(p, 0, sizeof(p));
	size_t n = !strcmp(shape, "one") ? 1 : NPEERS;
	for (size_t i = 0; i < n; i++) {
		p[i].peer = (uint32_t)i;
		p[i].attrs = attrs(64500 + (uint32_t)i, -1);
	}
	if (!strcmp(shape, "twins")) {
		/* the tie-break winner (lowest identifier: peer 0) loses on MED to
		 * a path of its own AS */
		p[5].attrs = attrs(64500, 0);
		p[0].attrs = attrs(64500, 50);
	}
	const struct decision_peer *receiver = &peers[NPEERS];
	uintptr_t sum = 0;
	for (int k = 0; k < CALLS; k++)
		sum += (uintptr_t)rib_best(p, n, receiver, lookup, NULL);
	printf("%s: %zu paths, best peer %u (%lu)\n", shape, n, rib_best(p, n, receiver, lookup, NULL)->peer,
	    (unsigned long)(sum & 1));
	return 0;
}
