/* SPDX-License-Identifier: ISC */
/* hist: a log-linear histogram of delays in microseconds.
 *
 * 64 buckets per power of two: a bucket is at most 1/64 (1.6 %) of its
 * value wide; values below 64 us are exact.  Percentiles report the
 * middle of their bucket, the maximum is exact.  Fixed size (about
 * 18 KB), so any number of samples fits.  No locking: one thread owns a
 * histogram. */
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
	return (e - HIST_SUB_BITS + 1) * HIST_SUB +
	    (unsigned)((v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1));
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
double hist_quantile(const struct hist *h, double p);
#endif
