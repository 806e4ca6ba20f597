/* SPDX-License-Identifier: ISC */
/* dynlib: optional libraries loaded on first use (dlopen) instead of
 * linked.  A route server that never asks PeeringDB's API or an RTR cache
 * does not map libcurl, rtrlib and the TLS/SSH stacks they pull in (about
 * 6 MB resident).  The headers are still compiled against, so the types and
 * constants are the library's own; only the calls go through pointers. */
#ifndef IXPD_DYNLIB_H
#define IXPD_DYNLIB_H
#include <stddef.h>

struct dynsym {
	const char *name;
	void **slot;                 /* where the function's address goes */
};

/* Loads soname (once per library is the caller's job: use pthread_once)
 * and resolves every symbol.  0, or -1 with a message naming the Debian
 * package to install. */
int dynlib_load(const char *soname, const char *package, const struct dynsym *syms, size_t n,
    char *err, size_t errlen);
#endif
