/* SPDX-License-Identifier: ISC */
#include "tcp_rtt.h"

#include <linux/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#ifndef SOL_TCP
#define SOL_TCP 6
#endif

uint32_t tcp_min_rtt_us(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, SOL_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	/* an older kernel fills less of the structure */
	if (len >= offsetof(struct tcp_info, tcpi_min_rtt) + sizeof(ti.tcpi_min_rtt) && ti.tcpi_min_rtt &&
	    ti.tcpi_min_rtt != UINT32_MAX)
		return ti.tcpi_min_rtt;
	return ti.tcpi_rtt;
}
