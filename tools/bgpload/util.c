/* SPDX-License-Identifier: ISC */
/* bgpload_util: clock, hashing, logging for bgpload (included once by
 * tools/bgpload.c; everything here is static). */
#ifndef BGPLOAD_UTIL_H
#define BGPLOAD_UTIL_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Monotonic time in microseconds. */
static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t g_start_us;      /* program start: the origin of every logged time */

static double rel_s(uint64_t t) { return (double)(t - g_start_us) / 1e6; }

__attribute__((format(printf, 1, 2)))
static void logmsg(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "bgpload [%8.3f] %s\n", rel_s(now_us()), buf);
}

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("bgpload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* splitmix64 finaliser: a good 64-bit mixer for stateless hashing. */
static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}
static inline uint64_t hash3(uint64_t a, uint64_t b, uint64_t c)
{
	return mix64(a ^ mix64(b ^ mix64(c)));
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
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

/* Small deterministic PRNG (splitmix64 stream). */
struct rng { uint64_t s; };
static inline uint64_t rng_next(struct rng *r) { r->s += 0x9e3779b97f4a7c15ull; return mix64(r->s); }
/* Uniform in [0, n) (n > 0); the tiny modulo bias does not matter here. */
static inline uint32_t rng_below(struct rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }
static inline double rng_unit(struct rng *r) { return (double)(rng_next(r) >> 11) / 9007199254740992.0; }
#endif
