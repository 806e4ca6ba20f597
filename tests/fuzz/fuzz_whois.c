/* SPDX-License-Identifier: ISC */
/* libFuzzer target: the whois dump readers.  The first input byte picks
 * the format (even: ARIN JSON, odd: registro.br text), the rest is the
 * dump; whatever loads is then matched against, exactly and with longer
 * prefixes, for origins and prefixes the seeds use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "whois_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const probes[] = { "192.0.2.0/24", "192.0.2.128/25", "0.0.0.0/0",
		"2001:db8::/32", "2001:db8:1::/48", "::/0" };
	static const uint32_t origins[] = { 0, 64500, 64501, 4200000000u, UINT32_MAX };
	char err[256];
	if (size == 0)
		return 0;
	log_set_level(LOG_LVL_ERR);
	enum whois_format f = data[0] & 1 ? WHOIS_REGISTROBR : WHOIS_ARIN;
	struct whois_routes *w = whois_routes_parse((const char *)data + 1, size - 1, f, "fuzz",
	    err, sizeof(err));
	if (w == NULL)
		return 0;
	/* a table accepted holds something; a malformed record takes a byte at least */
	if (whois_routes_count(w) == 0 || whois_routes_count(w) > WHOIS_MAX_ROUTES ||
	    whois_routes_skipped(w) > size)
		abort();
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		struct prefix p;
		prefix_parse(probes[i], &p);
		for (size_t o = 0; o < sizeof(origins) / sizeof(origins[0]); o++) {
			bool exact = whois_routes_match(w, &p, origins[o], false);
			/* what matches exactly matches with longer prefixes too */
			if (exact && !whois_routes_match(w, &p, origins[o], true))
				abort();
		}
	}
	whois_routes_free(w);
	return 0;
}
