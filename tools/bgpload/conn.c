/* SPDX-License-Identifier: ISC */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp.h"
#include "bgpload.h"
#include "xalloc.h"

static _Thread_local uint8_t *g_rxbuf;     /* one per thread (--ceiling has two) */
static _Thread_local size_t g_rxbuf_cap;

void rx_keep(uint8_t **rx, size_t *rx_len, const uint8_t *buf, size_t len)
{
	if (len) {
		*rx = xrealloc(*rx, len);
		memcpy(*rx, buf, len);
	} else {
		free(*rx);
		*rx = NULL;
	}
	*rx_len = len;
}

ssize_t rx_read(int fd, uint8_t **rx, size_t *rx_len, size_t *got, const uint8_t **buf)
{
	if (!g_rxbuf) {
		g_rxbuf_cap = RX_CHUNK + BGP_MAX_EXT_MSG;
		g_rxbuf = xmalloc(g_rxbuf_cap);
	}
	size_t have = *rx_len;
	*buf = g_rxbuf;
	if (have)
		memcpy(g_rxbuf, *rx, have);
	ssize_t r = recv(fd, g_rxbuf + have, g_rxbuf_cap - have, MSG_DONTWAIT);
	*got = r > 0 ? (size_t)r : 0;
	if (r < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -2;
	if (r == 0)
		return -1;
	return (ssize_t)(have + (size_t)r);
}

void rx_thread_exit(void)
{
	free(g_rxbuf);
	g_rxbuf = NULL;
}
