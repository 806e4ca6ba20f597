/* SPDX-License-Identifier: ISC */
/* bgpload_hist: a log-linear histogram of delays in microseconds (included
 * once by tools/bgpload.c; all static).  64 buckets per power of two: a
 * bucket is at most 1/64 (1.6 %) of its value wide; values below 64 us
 * are exact.  Percentiles report the middle of their bucket, the maximum
 * is exact.  Fixed size (about 18 KB), so any number of samples fits. */
#ifndef BGPLOAD_HIST_H
#define BGPLOAD_HIST_H
#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t b[HIST_BUCKETS];
	uint64_t n, max, sum;
};

static inline unsigned hist_bucket(uint64_t v)
{
	if (v < HIST_SUB)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v);       /* >= HIST_SUB_BITS */
	return (e - HIST_SUB_BITS + 1) * HIST_SUB + (unsigned)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

/* Lowest value of bucket i and its width. */
static inline void hist_range(unsigned i, uint64_t *lo, uint64_t *width)
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

static inline void hist_add(struct hist *h, uint64_t v)
{
	h->b[hist_bucket(v)]++;
	h->n++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

/* The p-quantile (0 < p <= 1), middle of its bucket, capped at the maximum. */
static double hist_quantile(const struct hist *h, double p)
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
#endif
