/* SPDX-License-Identifier: ISC */
/* u32set: sorted arrays of 32-bit numbers (AS numbers, peer ids, ASPA
 * providers): sorting with duplicates removed, and membership by binary
 * search -- written once for the modules that each had a copy. */
#ifndef IXPD_U32SET_H
#define IXPD_U32SET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* qsort's comparison of two uint32_t. */
int u32_cmp(const void *a, const void *b);
/* Sorts v[0..n) and removes duplicates; returns how many remain. */
size_t u32_sort_unique(uint32_t *v, size_t n);
/* Is x in the sorted v[0..n)?  v may be NULL when n is 0. */
bool u32_contains(const uint32_t *v, size_t n, uint32_t x);
#endif
