/* SPDX-License-Identifier: ISC */
/* xalloc: allocation that aborts on failure.  A route server out of memory
 * cannot keep its promises to any member; dying loudly beats limping on. */
#ifndef IXPD_XALLOC_H
#define IXPD_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
#endif
