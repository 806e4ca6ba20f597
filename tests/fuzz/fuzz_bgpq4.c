/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the reader of bgpq4's JSON output (irr_bgpq4_parse),
 * without running bgpq4.  The input is read as each of the three answers
 * ixpd asks for (-t: ASNs, -4 and -6: exact prefixes), each into a fresh
 * member; what an accepted answer leaves must be what irr.h promises:
 * origins ascending without duplicates, prefixes of the asked family only,
 * each found again by irr_check. */
#include <stdint.h>
#include <stdlib.h>

#include "bgp.h"
#include "irr.h"
#include "log.h"
#include "pfxtree.h"

struct walk {
	const struct irr_member *m;
	uint8_t afi;                 /* the family asked for */
};

static int check_prefix(const struct prefix *p, void *val, void *arg)
{
	const struct walk *w = arg;
	if (p->afi != w->afi || !(irr_check(w->m, p, 0, false) & IRR_PREFIX_OK))
		abort();
	return 0;
}

static void parse_as(uint8_t afi, const uint8_t *data, size_t size)
{
	static const char *const names[] = { "AS-FUZZ" };
	static const struct prefix any = { .afi = AFI_IPV4 };    /* 0.0.0.0/0 */
	char err[256];
	struct irr_member *m = irr_member_new(names, 1, err, sizeof(err));
	if (m == NULL)
		abort();
	if (irr_bgpq4_parse(m, afi, (const char *)data, size, err, sizeof(err)) == 0) {
		for (size_t i = 1; i < m->n_origins; i++)
			if (m->origins[i - 1] >= m->origins[i])
				abort();
		for (size_t i = 0; i < m->n_origins; i++)
			if (!(irr_check(m, &any, m->origins[i], true) & IRR_ORIGIN_OK))
				abort();
		if (afi == 0 ? pfxtree_count(m->prefixes) != 0 : m->n_origins != 0)
			abort();
		pfxtree_walk(m->prefixes, check_prefix, &(struct walk){ m, afi });
	}
	irr_member_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	log_set_level(LOG_LVL_ERR);
	parse_as(0, data, size);
	parse_as(AFI_IPV4, data, size);
	parse_as(AFI_IPV6, data, size);
	return 0;
}
