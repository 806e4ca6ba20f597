/* SPDX-License-Identifier: ISC */
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "wire.h"

static void *nonnull(void *p)
{
	if (p == NULL)
		fatalx("out of memory");
	return p;
}

void *xmalloc(size_t n) { return nonnull(malloc(n ? n : 1)); }
void *xcalloc(size_t nmemb, size_t size) { return nonnull(calloc(nmemb ? nmemb : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return nonnull(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return nonnull(strdup(s)); }

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		fatalx("allocation of %zu elements of %zu bytes overflows", nmemb, size);
	return xrealloc(p, nmemb * size);
}

void wbuf_reserve(struct wbuf *w, size_t extra)
{
	if (w->len + extra <= w->cap)
		return;
	size_t cap = w->cap ? w->cap * 2 : 256;
	while (cap < w->len + extra)
		cap *= 2;
	w->data = xrealloc(w->data, cap);
	w->cap = cap;
}

void wbuf_free(struct wbuf *w)
{
	free(w->data);
	*w = (struct wbuf){ 0 };
}
