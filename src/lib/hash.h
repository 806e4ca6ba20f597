/* SPDX-License-Identifier: ISC */
/* hash: the one hash function of the daemon's tables, keyed by a seed
 * drawn at start.  The RIB's keys (prefixes) and the attribute sets are
 * chosen by members, and with a hash that anyone can compute a member could
 * send keys that all fall into one run of an open-addressed table, making
 * every lookup a long scan.  Eight bytes a step (multiply, shift) with a
 * final avalanche: fast enough for every prefix of every UPDATE, not a
 * cryptographic MAC. */
#ifndef IXPD_HASH_H
#define IXPD_HASH_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The key; a fixed value until hash_seed_init() (unit tests stay repeatable). */
extern uint64_t hash_seed;

/* Draws the key from the kernel's random source; call once at start,
 * before any table is filled.  Aborts if the kernel gives none. */
void hash_seed_init(void);

/* One eight-byte word into h. */
static inline uint64_t hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

/* The last step: the low bits a table indexes by depend on every bit. */
static inline uint64_t hash_final(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

/* Hashes n bytes at p, continuing from h (start with hash_seed). */
static inline uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t w;
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = hash_word(h, w);
	}
	w = 0;
	memcpy(&w, p, n);
	return hash_final(hash_word(h, w ^ n));
}
#endif
