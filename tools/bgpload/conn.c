/* SPDX-License-Identifier: ISC */
#include "conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpload.h"
#include "xalloc.h"

#define RX_CHUNK        (256 * 1024)
#define READ_BUDGET     (2 * 1024 * 1024)   /* per connection per loop turn */

static _Thread_local struct {
	uint8_t *p;
	size_t cap;
} rxbuf;                        /* one per thread (--ceiling has two) */

void conn_sockopts(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (opt.sndbuf)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt.sndbuf, sizeof(opt.sndbuf));
	if (opt.rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt.rcvbuf, sizeof(opt.rcvbuf));
}

void conn_attach(struct conn *c, int fd, int ep, void *ptr)
{
	c->fd = fd;
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = ptr };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	c->ev_out = true;
}

void conn_want_out(struct conn *c, int ep, void *ptr, bool want)
{
	if (c->fd < 0 || want == c->ev_out)
		return;
	struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = ptr };
	if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->ev_out = want;
}

void conn_close(struct conn *c, int ep)
{
	if (c->fd >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	free(c->rx);
	c->rx = NULL;
	c->rx_len = 0;
	c->ev_out = false;
}

/* Reads into the thread's buffer, after what was left of the last read.
 * Returns the bytes now in the buffer, 0 on EAGAIN, CONN_EOF, or
 * CONN_ERROR (errno); *got is what this read added. */
static ssize_t rx_read(struct conn *c, size_t *got)
{
	if (!rxbuf.p) {
		rxbuf.cap = RX_CHUNK + BGP_MAX_EXT_MSG;
		rxbuf.p = xmalloc(rxbuf.cap);
	}
	size_t have = c->rx_len;
	if (have)
		memcpy(rxbuf.p, c->rx, have);
	ssize_t r = recv(c->fd, rxbuf.p + have, rxbuf.cap - have, MSG_DONTWAIT);
	*got = r > 0 ? (size_t)r : 0;
	if (r < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : CONN_ERROR;
	if (r == 0)
		return CONN_EOF;
	return (ssize_t)(have + (size_t)r);
}

/* Keeps buf[0, len), the unprocessed tail of the thread's buffer. */
static void rx_keep(struct conn *c, const uint8_t *buf, size_t len)
{
	if (len) {
		c->rx = xrealloc(c->rx, len);
		memcpy(c->rx, buf, len);
	} else {
		free(c->rx);
		c->rx = NULL;
	}
	c->rx_len = len;
}

int conn_read(struct conn *c, conn_input_fn *input, void *arg)
{
	size_t budget = READ_BUDGET;
	while (c->fd >= 0 && budget) {
		size_t got;
		ssize_t n = rx_read(c, &got);
		if (n <= 0)
			return (int)n;
		budget = budget > got ? budget - got : 0;
		size_t used = input(arg, rxbuf.p, (size_t)n, got);
		if (c->fd < 0)
			return 0;
		rx_keep(c, rxbuf.p + used, (size_t)n - used);
	}
	return 0;
}

void conn_thread_exit(void)
{
	free(rxbuf.p);
	rxbuf.p = NULL;
}

ssize_t conn_send(struct conn *c, const void *p, size_t n)
{
	ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	return w;
}

void conn_tx_compact(struct conn *c)
{
	if (c->tx_off == c->tx.len) {
		c->tx.len = c->tx_off = 0;
	} else if (c->tx_off > c->tx.len / 2 && c->tx_off > 65536) {
		memmove(c->tx.data, c->tx.data + c->tx_off, c->tx.len - c->tx_off);
		c->tx.len -= c->tx_off;
		c->tx_off = 0;
	}
}

void conn_open_init(struct bgp_open *o, uint32_t as, uint32_t bgp_id, enum family fam)
{
	*o = (struct bgp_open){ 0 };
	o->version = BGP_VERSION;
	o->my_as = as > 0xffff ? AS_TRANS : (uint16_t)as;
	o->hold_time = opt.hold_time;
	o->bgp_id = bgp_id;
	o->caps.families = (uint8_t)(1u << fam);
	o->caps.route_refresh = true;
	o->caps.ext_message = opt.ext_message;
	o->caps.as4 = true;
	o->caps.as4_asn = as;
	o->caps.role = ROLE_NONE;
}
