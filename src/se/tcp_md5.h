/* SPDX-License-Identifier: ISC */
/* tcp_md5: TCP-MD5 signatures (RFC 2385) as Linux does them -- a key per
 * peer address on a socket (TCP_MD5SIG): on each listener, before listen(),
 * so that inbound sessions are signed from their first SYN-ACK, and on each
 * outgoing socket before connect().  Keys count against the socket's
 * net.core.optmem_max (about 136 bytes each): ENOMEM means it is reached. */
#ifndef IXPD_TCP_MD5_H
#define IXPD_TCP_MD5_H
#include "addr.h"

/* Installs the key of peer on fd (key "" removes it).  On an AF_INET6
 * socket an IPv4 peer's key is installed for its mapped address, as such a
 * socket sees the peer.  Returns 0, or -1 with errno. */
int tcp_md5_set(int fd, const struct ip_addr *peer, const char *key);
/* The message for a failed tcp_md5_set, with the remedy when there is one. */
const char *tcp_md5_strerror(int err);
#endif
