/* SPDX-License-Identifier: ISC */
/* decimal: see decimal.h. */
#include "decimal.h"

#include <string.h>

bool parse_uint_n(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	return parse_uint_n(s, strlen(s), max, out);
}
