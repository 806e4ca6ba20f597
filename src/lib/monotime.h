/* SPDX-License-Identifier: ISC */
/* monotime: the monotonic clock every thread measures intervals with
 * (timers, deadlines, ages); never the wall clock, which an operator or
 * NTP may step. */
#ifndef IXPD_MONOTIME_H
#define IXPD_MONOTIME_H
#include <stdint.h>
#include <time.h>

static inline uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
#endif
