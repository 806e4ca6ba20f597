/* SPDX-License-Identifier: ISC */
/* addr: an IPv4 or IPv6 address as a value (parsed, printed, compared,
 * turned into a socket address) -- the one address type of the daemon,
 * its configuration and its clients. */
#ifndef IXPD_ADDR_H
#define IXPD_ADDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct ip_addr {
	int family;                  /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* 0, or -1 if text is not an IPv4/IPv6 address (out untouched). */
int ip_addr_parse(const char *text, struct ip_addr *out);
/* "192.0.2.1:8080" or "[2001:db8::1]:8080" (the port is required,
 * 1..65535).  0, or -1 if text is not one. */
int ip_addr_port_parse(const char *text, struct ip_addr *out, uint16_t *port);
/* Returns buf; "" if len is too small. */
const char *ip_addr_str(const struct ip_addr *addr, char *buf, size_t len);
bool ip_addr_equal(const struct ip_addr *a, const struct ip_addr *b);
/* Orders IPv4 before IPv6, then by address bytes. */
int ip_addr_cmp(const struct ip_addr *a, const struct ip_addr *b);

/* The socket address of a:port; returns its length. */
socklen_t ip_addr_to_sockaddr(const struct ip_addr *a, uint16_t port, struct sockaddr_storage *ss);
/* The address of a socket address; an IPv4-mapped IPv6 address (a dual
 * stack listener's view of an IPv4 peer) becomes the IPv4 address. */
void ip_addr_from_sockaddr(const struct sockaddr_storage *ss, struct ip_addr *a);
#endif
