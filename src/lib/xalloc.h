/* SPDX-License-Identifier: ISC */
/* xalloc: allocation that aborts on failure.  A route server out of memory
 * cannot keep its promises to any member; dying loudly beats limping on. */
#ifndef IXPD_XALLOC_H
#define IXPD_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc of nmemb elements of size bytes; a size that overflows is fatal. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);

/* Makes room for one more element in array v holding n of cap: the one
 * grow-by-doubling of the code base (first: the first capacity). */
#define XGROW(v, n, cap, first) \
	do { \
		if ((n) == (cap)) { \
			(cap) = (cap) ? (cap) * 2 : (first); \
			(v) = xreallocarray((v), (cap), sizeof(*(v))); \
		} \
	} while (0)
#endif
