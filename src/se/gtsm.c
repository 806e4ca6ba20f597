/* SPDX-License-Identifier: ISC */
/* gtsm: RFC 5082 and multihop socket options.  See gtsm.h. */
#include "gtsm.h"

#include <netinet/in.h>
#include <sys/socket.h>

#define GTSM_TTL 255

int ttl_set(int fd, int peer_family, int ttl, int min_ttl)
{
	int domain;
	socklen_t dl = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) < 0)
		return -1;
	/* an AF_INET6 socket sends IPv4 (mapped) peers IPv4 packets: both levels */
	if (domain == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) < 0)
		return -1;
	if ((domain == AF_INET || peer_family == AF_INET) &&
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0)
		return -1;
	if (!min_ttl)
		return 0;
	if (peer_family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &min_ttl, sizeof(min_ttl));
	return setsockopt(fd, IPPROTO_IP, IP_MINTTL, &min_ttl, sizeof(min_ttl));
}

int gtsm_set(int fd, int peer_family, int hops, bool require)
{
	return ttl_set(fd, peer_family, GTSM_TTL, require ? GTSM_TTL + 1 - (hops ? hops : 1) : 0);
}
