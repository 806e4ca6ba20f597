/* SPDX-License-Identifier: ISC */
#include "prefix.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp.h"
#include "hash.h"

unsigned afi_max_prefix_len(uint8_t afi) { return afi == AFI_IPV6 ? 128 : 32; }

static void clear_host_bits(struct prefix *p)
{
	unsigned full = p->len / 8, rem = p->len % 8;
	if (rem) {
		p->addr[full] &= (uint8_t)(0xff << (8 - rem));
		full++;
	}
	memset(p->addr + full, 0, sizeof(p->addr) - full);
}

void prefix_truncate(struct prefix *p, unsigned len)
{
	p->len = (uint8_t)len;
	clear_host_bits(p);
}

int prefix_read_nlri(struct rbuf *b, uint8_t afi, struct prefix *out)
{
	uint8_t len;
	if (rbuf_u8(b, &len) < 0 || len > afi_max_prefix_len(afi))
		return -1;
	memset(out, 0, sizeof(*out));
	out->afi = afi;
	out->len = len;
	if (rbuf_copy(b, out->addr, (len + 7u) / 8) < 0)
		return -1;
	clear_host_bits(out);
	return 0;
}

void prefix_write_nlri(struct wbuf *w, const struct prefix *p)
{
	wbuf_u8(w, p->len);
	wbuf_put(w, p->addr, (p->len + 7u) / 8);
}

bool prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return a->afi == b->afi && a->len == b->len && memcmp(a->addr, b->addr, 16) == 0;
}

bool prefix_within(const struct prefix *a, const struct prefix *b)
{
	if (a->afi != b->afi || a->len < b->len)
		return false;
	unsigned full = b->len / 8, rem = b->len % 8;
	if (memcmp(a->addr, b->addr, full) != 0)
		return false;
	return rem == 0 || ((a->addr[full] ^ b->addr[full]) & (uint8_t)(0xff << (8 - rem))) == 0;
}

int prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	if (a->afi != b->afi)
		return a->afi < b->afi ? -1 : 1;
	int c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

uint32_t prefix_hash(const struct prefix *p)
{
	/* Host bits are zero (prefix_truncate), so whole words can be hashed:
	 * one for IPv4, two for IPv6 -- this runs for every received prefix. */
	uint64_t w0, w1;
	memcpy(&w0, p->addr, 8);
	memcpy(&w1, p->addr + 8, 8);
	uint64_t h = hash_word(hash_seed ^ ((uint64_t)p->afi << 8 | p->len), w0);
	if (p->afi == AFI_IPV6)
		h = hash_word(h, w1);
	return (uint32_t)hash_final(h);
}

int prefix_parse(const char *text, struct prefix *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	if (alen >= INET6_ADDRSTRLEN)
		return -1;
	memcpy(buf, text, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->afi = AFI_IPV4;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->afi = AFI_IPV6;
	else
		return -1;
	unsigned max = afi_max_prefix_len(out->afi), len = max;
	if (slash) {
		char *end;
		unsigned long v = strtoul(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end != '\0' || v > max)
			return -1;
		len = (unsigned)v;
	}
	out->len = (uint8_t)len;
	clear_host_bits(out);
	return 0;
}

const char *addr_str(uint8_t afi, const uint8_t *addr, char *buf, size_t len)
{
	if (inet_ntop(afi == AFI_IPV6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *prefix_str(const struct prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	snprintf(buf, len, "%s/%u", addr_str(p->afi, p->addr, a, sizeof(a)), p->len);
	return buf;
}

static int origin_prefix_order(const void *a, const void *b)
{
	const struct origin_prefix *x = a, *y = b;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	return prefix_cmp(&x->pfx, &y->pfx);
}

size_t origin_prefix_sort_unique(struct origin_prefix *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), origin_prefix_order);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (origin_prefix_order(&v[i], &v[k - 1]) != 0)
			v[k++] = v[i];
	return k;
}
