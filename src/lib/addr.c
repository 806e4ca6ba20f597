/* SPDX-License-Identifier: ISC */
/* addr: see addr.h. */
#include "addr.h"

#include <arpa/inet.h>
#include <string.h>

int ip_addr_parse(const char *text, struct ip_addr *out)
{
	struct ip_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, text, &a.u.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, text, &a.u.v6) == 1)
		a.family = AF_INET6;
	else
		return -1;
	*out = a;
	return 0;
}

const char *ip_addr_str(const struct ip_addr *addr, char *buf, size_t len)
{
	if (len > 0 && inet_ntop(addr->family, &addr->u, buf, (socklen_t)len) == NULL)
		buf[0] = '\0';
	return buf;
}

static size_t addr_size(int family)
{
	return family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);
}

bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family && memcmp(&a->u, &b->u, addr_size(a->family)) == 0;
}

int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(&a->u, &b->u, addr_size(a->family));
}

socklen_t ip_addr_to_sockaddr(const struct ip_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->u.v4;
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	sin6->sin6_addr = a->u.v6;
	return sizeof(*sin6);
}

void ip_addr_from_sockaddr(const struct sockaddr_storage *ss, struct ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		a->family = AF_INET;
		a->u.v4 = ((const struct sockaddr_in *)ss)->sin_addr;
		return;
	}
	const struct in6_addr *v6 = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(v6)) {
		a->family = AF_INET;
		memcpy(&a->u.v4, v6->s6_addr + 12, 4);
	} else {
		a->family = AF_INET6;
		a->u.v6 = *v6;
	}
}

int ip_addr_port_parse(const char *text, struct ip_addr *out, uint16_t *port)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = text[0] == '[' ? strstr(text, "]:") : strrchr(text, ':');
	if (!colon || (text[0] != '[' && strchr(text, ':') != colon))
		return -1;
	size_t hlen = text[0] == '[' ? (size_t)(colon - text - 1) : (size_t)(colon - text);
	const char *digits = colon + (text[0] == '[' ? 2 : 1);
	if (hlen == 0 || hlen >= sizeof(host) || !*digits || strlen(digits) > 5)
		return -1;
	unsigned long v = 0;
	for (const char *c = digits; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	memcpy(host, text + (text[0] == '['), hlen);
	host[hlen] = '\0';
	struct ip_addr a;
	if (v == 0 || v > 65535 || ip_addr_parse(host, &a) < 0 || (text[0] == '[') != (a.family == AF_INET6))
		return -1;
	*out = a;
	*port = (uint16_t)v;
	return 0;
}
