/* SPDX-License-Identifier: ISC */
/* util: bgpload's clock, log lines, fatal errors, hashing and a small
 * deterministic PRNG.
 *
 * Any thread may call everything here (--ceiling logs from its own
 * thread); start_clock() runs once, first, before any other thread exists.
 * die() is for usage and setup errors: it exits with status 2. */
#ifndef BGPLOAD_UTIL_H
#define BGPLOAD_UTIL_H
#include <stddef.h>
#include <stdint.h>

/* Monotonic time in microseconds. */
uint64_t now_us(void);

/* Sets the program's start, the origin of every logged time, to now. */
void start_clock(void);
/* The program's start on the now_us() clock. */
uint64_t start_us(void);
/* Seconds from the program's start to t. */
double rel_s(uint64_t t);
/* Seconds from t0 to now. */
double secs_since(uint64_t t0);
/* CPU seconds (user + system) the process has used, every thread. */
double cpu_seconds(void);

/* "bgpload [SECONDS] message" on stderr. */
__attribute__((format(printf, 1, 2)))
void logmsg(const char *fmt, ...);
/* "bgpload: message" on stderr, then exit(2). */
__attribute__((format(printf, 1, 2), noreturn))
void die(const char *fmt, ...);

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

/* A 64-bit hash of n bytes (mix64 over 8-byte words). */
uint64_t hash_bytes(const uint8_t *p, size_t n);

/* Small deterministic PRNG (splitmix64 stream). */
struct rng { uint64_t s; };
static inline uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ull;
	return mix64(r->s);
}
/* Uniform in [0, n) (n > 0); the tiny modulo bias does not matter here. */
static inline uint32_t rng_below(struct rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }
/* Uniform in [0, 1). */
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

#endif
