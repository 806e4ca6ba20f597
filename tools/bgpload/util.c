/* SPDX-License-Identifier: ISC */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static uint64_t g_start_us;     /* set once by start_clock(), before any thread */

uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void start_clock(void) { g_start_us = now_us(); }

uint64_t start_us(void) { return g_start_us; }

double rel_s(uint64_t t) { return (double)(t - g_start_us) / 1e6; }

double secs_since(uint64_t t0) { return (double)(now_us() - t0) / 1e6; }

double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

void logmsg(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "bgpload [%8.3f] %s\n", rel_s(now_us()), buf);
}

void die(const char *fmt, ...)
{
	va_list ap;
	fputs("bgpload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

uint64_t hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0x736f6d6570736575ull ^ n;
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		h = mix64(h ^ v);
		p += 8; n -= 8;
	}
	uint64_t v = 0;
	memcpy(&v, p, n);
	return mix64(h ^ v);
}

