/* SPDX-License-Identifier: ISC */
/* decimal: unsigned decimal numbers in text from outside (configuration,
 * control requests, URLs) -- digits only, no sign, no 0x, no overflow. */
#ifndef IXPD_DECIMAL_H
#define IXPD_DECIMAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The n characters at s as a number from 0 to max (n == 0: false). */
bool parse_uint_n(const char *s, size_t n, uint64_t max, uint64_t *out);
/* The whole string s, likewise. */
bool parse_uint(const char *s, uint64_t max, uint64_t *out);
#endif
