/* SPDX-License-Identifier: ISC */
/* tcp_rtt: a connection's round-trip time as the kernel measured it.  Its
 * own file because the kernel's struct tcp_info (linux/tcp.h) -- the one
 * with tcpi_min_rtt -- cannot share a file with glibc's netinet/tcp.h. */
#ifndef IXPD_TCP_RTT_H
#define IXPD_TCP_RTT_H
#include <stdint.h>

/* The lowest RTT the connection has seen (microseconds): the path's delay
 * without queueing or a delayed ACK, which the smoothed RTT includes.
 * Kernels before 4.10 give no minimum: the smoothed RTT then.  0 if the
 * kernel says nothing. */
uint32_t tcp_min_rtt_us(int fd);
#endif
