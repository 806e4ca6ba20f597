/* SPDX-License-Identifier: ISC */
/* fetch: one GET of a URL into memory, for the data sources that live on
 * the Internet (PeeringDB's API, the registro.br and ARIN whois dumps).
 * libcurl is loaded on first use (dynlib.h): a route server that fetches
 * nothing never maps it.  fetch_init() loads and initialises it -- call it
 * before other threads start when you can.  Answers are bounded (max_bytes)
 * and time-limited; the caller parses them as hostile input. */
#ifndef IXPD_FETCH_H
#define IXPD_FETCH_H
#include <stddef.h>

#include "wire.h"

struct fetch_opts {
	const char *protocols;       /* curl's list, e.g. "http,https" */
	long timeout;                /* seconds for the whole transfer */
	size_t max_bytes;            /* a longer answer is an error */
	const char *header;          /* one extra request header, or NULL */
};

/* 0, or -1 with err. */
int fetch_init(char *err, size_t errlen);
/* GETs url into body.  Returns the protocol's status -- the HTTP status,
 * or 0 when a protocol without one (FTP, file) completed -- or -1 with
 * err when the transfer failed. */
long fetch_url(const char *url, const struct fetch_opts *o, struct wbuf *body, char *err, size_t errlen);
#endif
