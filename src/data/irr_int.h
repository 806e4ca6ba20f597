/* SPDX-License-Identifier: ISC */
/* irr_int: what irr.c (RPSL, expansion) and irr_bgpq4.c (bgpq4, the
 * cache) share and nobody else sees. */
#ifndef IXPD_IRR_INT_H
#define IXPD_IRR_INT_H
#include <stdbool.h>
#include <stddef.h>

#include "irr.h"

struct irr_member *irr_member_of_canon(char **v, int n);
char **irr_canon_names(const char *const *names, int n, int *nout, char *err, size_t errlen);
bool irr_alnum(char c);
#endif
