/* SPDX-License-Identifier: ISC */
/* prefix: an IPv4 or IPv6 unicast prefix, its NLRI encoding and text form. */
#ifndef IXPD_PREFIX_H
#define IXPD_PREFIX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp.h"
#include "wire.h"

struct prefix {
	uint8_t afi;                /* AFI_IPV4 or AFI_IPV6 */
	uint8_t len;                /* prefix length in bits */
	uint8_t addr[16];           /* network byte order; bits beyond len are 0 */
};

#define PREFIX_STRLEN 64


unsigned afi_max_prefix_len(uint8_t afi);

/* Reads one NLRI prefix (length octet + significant octets).  Host bits set
 * beyond the length are cleared (senders do this; the route is the same).
 * Returns -1 if the length exceeds the family's maximum or the buffer. */
int prefix_read_nlri(struct rbuf *b, uint8_t afi, struct prefix *out);
void prefix_write_nlri(struct wbuf *w, const struct prefix *p);
static inline size_t prefix_nlri_size(const struct prefix *p) { return 1 + (size_t)(p->len + 7) / 8; }

/* Shortens p to len bits (len <= p->len), clearing the bits beyond. */
void prefix_truncate(struct prefix *p, unsigned len);
bool prefix_equal(const struct prefix *a, const struct prefix *b);
/* Is a contained in (or equal to) b? */
bool prefix_within(const struct prefix *a, const struct prefix *b);
uint32_t prefix_hash(const struct prefix *p);
int prefix_cmp(const struct prefix *a, const struct prefix *b);

int prefix_parse(const char *text, struct prefix *out);      /* "a.b.c.d/n", "x::/n" */
const char *prefix_str(const struct prefix *p, char *buf, size_t len);
/* Text of an address of the family (4 or 16 bytes). */
const char *addr_str(uint8_t afi, const uint8_t *addr, char *buf, size_t len);
/* A route object: an origin AS and a prefix (IRR and whois dumps). */
struct origin_prefix {
	uint32_t origin;
	struct prefix pfx;
};
/* Sorts v[0..n) by origin, then prefix_cmp, and drops repeats; returns
 * how many are left. */
size_t origin_prefix_sort_unique(struct origin_prefix *v, size_t n);

#endif
