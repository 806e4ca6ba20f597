/* SPDX-License-Identifier: ISC */
/* gtsm: the Generalized TTL Security Mechanism (RFC 5082) on a socket --
 * segments leave with TTL (hop limit) 255 and only segments arriving with
 * 255 are taken, so a peer more than one hop away cannot reach the
 * session.  Linux: IP_TTL / IPV6_UNICAST_HOPS and IP_MINTTL /
 * IPV6_MINHOPCOUNT.  A listener needs TTL 255 before the SYN-ACK leaves. */
#ifndef IXPD_GTSM_H
#define IXPD_GTSM_H
#include <stdbool.h>

/* Sends with TTL 255; with require, drops what arrives with less.
 * peer_family: the peer's (an AF_INET6 socket can carry IPv4 peers).
 * Returns 0, or -1 with errno. */
int gtsm_set(int fd, int peer_family, bool require);
#endif
