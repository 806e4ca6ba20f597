/* SPDX-License-Identifier: ISC */
/* gtsm: the TTL of a session's packets -- the Generalized TTL Security
 * Mechanism (RFC 5082: segments leave with TTL (hop limit) 255 and only
 * segments arriving with at least 256 - hops are taken, so a peer further
 * away cannot reach the session) and eBGP multihop (a TTL of `hops`).
 * Linux: IP_TTL / IPV6_UNICAST_HOPS and IP_MINTTL / IPV6_MINHOPCOUNT.  A
 * listener needs TTL 255 before the SYN-ACK leaves. */
#ifndef IXPD_GTSM_H
#define IXPD_GTSM_H
#include <stdbool.h>

/* Sends with TTL ttl; drops what arrives with less than min_ttl (0: no
 * minimum).  peer_family: the peer's (an AF_INET6 socket can carry IPv4
 * peers).  Returns 0, or -1 with errno. */
int ttl_set(int fd, int peer_family, int ttl, int min_ttl);

/* RFC 5082 for a peer `hops` away (1: directly connected): TTL 255 out,
 * with require at least 256 - hops in. */
int gtsm_set(int fd, int peer_family, int hops, bool require);
#endif
