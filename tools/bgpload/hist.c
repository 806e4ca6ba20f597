/* SPDX-License-Identifier: ISC */
#include "hist.h"

/* Lowest value of bucket i and its width. */
static void hist_range(unsigned i, uint64_t *lo, uint64_t *width)
{
	if (i < HIST_SUB) {
		*lo = i;
		*width = 1;
		return;
	}
	unsigned e = i / HIST_SUB + HIST_SUB_BITS - 1, m = i % HIST_SUB;
	*lo = (uint64_t)(HIST_SUB + m) << (e - HIST_SUB_BITS);
	*width = 1ull << (e - HIST_SUB_BITS);
}

double hist_quantile(const struct hist *h, double p)
{
	if (!h->n)
		return 0;
	uint64_t rank = (uint64_t)(p * (double)h->n + 0.999999);
	if (rank < 1)
		rank = 1;
	uint64_t seen = 0;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			uint64_t lo, w;
			hist_range(i, &lo, &w);
			double mid = (double)lo + (double)(w - 1) / 2.0;
			return mid > (double)h->max ? (double)h->max : mid;
		}
	}
	return (double)h->max;
}
