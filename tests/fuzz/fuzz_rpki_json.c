/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the VRP/ASPA JSON loaders (rpki-client, Routinator,
 * RIPE validator and arouteserver cache shapes), input = a file's bytes.
 * Whatever loads must also validate and verify without trouble. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rpki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpki_load_opts o = { .now = 0 };
	struct vrp_table *vrps = NULL;
	struct aspa_table *aspas = NULL;
	struct rpki_load_stats st;
	char err[256];
	log_set_level(LOG_LVL_ERR);
	if (rpki_parse_json("fuzz", (const char *)data, size, &o, &vrps, &aspas, &st, err, sizeof(err)) < 0)
		return 0;
	struct prefix p;
	prefix_parse("193.0.0.0/21", &p);
	if (vrps)
		(void)rov_validate(vrps, &p, 3333);
	const uint32_t path[] = { 64500, 3333, 1299 };
	if (aspas)
		(void)aspa_verify_upstream(aspas, path, 3, false);
	vrp_table_free(vrps);
	aspa_table_free(aspas);
	return 0;
}
