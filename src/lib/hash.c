/* SPDX-License-Identifier: ISC */
#include "hash.h"

#include <sys/random.h>

#include "log.h"

uint64_t hash_seed = 0x243f6a8885a308d3ull;

void hash_seed_init(void)
{
	uint64_t seed;
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		fatal("getrandom: no seed for the hash tables");
	hash_seed = seed;
}
