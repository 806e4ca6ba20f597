/* SPDX-License-Identifier: ISC */
/* errbuf: the one formatter of the recoverable error level (STYLE.md): a
 * message for the caller's `char *err, size_t errlen`.  It returns -1,
 * so `return errbuf_set(err, errlen, ...)` fails a function. */
#ifndef IXPD_ERRBUF_H
#define IXPD_ERRBUF_H
#include <stddef.h>

int errbuf_set(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif
