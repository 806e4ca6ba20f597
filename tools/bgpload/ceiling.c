/* SPDX-License-Identifier: ISC */
#include "ceiling.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp.h"
#include "bgp_msg.h"
#include "bgp_update.h"
#include "bgpload.h"
#include "conn.h"
#include "feeder.h"
#include "util.h"
#include "xalloc.h"

/* The route-server side of one connection. */
struct srv {
	int kind;                   /* K_SRV */
	struct conn c;              /* output queue: OPEN, KEEPALIVEs, forwarded UPDATEs */
	struct sess *s;             /* the client session at the other end */
	bool open_rcvd, established, streaming, static_active, static_done, eor_seen, dirty;
	struct seg { const uint8_t *p; size_t len; } seg[3];   /* the table slices */
	int nseg, cur;
	size_t off;
	uint64_t last_ka, ka_us;
};

/* A listener on a route-server address. */
struct lsn { int kind; int fd; };     /* K_LSN */

/* The route-server side's state (its thread's, but for what
 * ceiling_prepare sets up before the thread starts). */
static struct {
	struct lsn lsn[2];
	struct wbuf stream[2];      /* every sender's table, one after the other, per family */
	struct wbuf wstream[2];     /* the same withdrawn */
	struct wbuf eor[2];
	int ep;                     /* the route-server side's epoll */
	bool quit;                  /* atomic: tells the thread to stop */
	pthread_t thread;
	uint64_t accepted, rejected;
	struct srv **srvs;          /* every route-server side ever accepted */
	size_t nsrvs;
	struct srv **dirty;         /* with output queued during this batch */
	size_t ndirty, dirty_cap;
} ceiling = { .lsn = { { K_LSN, -1 }, { K_LSN, -1 } }, .ep = -1 };

static void srv_events(struct srv *v)
{
	conn_want_out(&v->c, ceiling.ep, v,
	    conn_tx_pending(&v->c) || v->static_active || (v->streaming && !v->static_done));
}

/* Output queued for v: written after the current batch of events (one
 * send for everything forwarded to it meanwhile). */
static void srv_dirty(struct srv *v)
{
	if (v->dirty)
		return;
	v->dirty = true;
	if (ceiling.ndirty == ceiling.dirty_cap) {
		ceiling.dirty_cap = ceiling.dirty_cap ? ceiling.dirty_cap * 2 : 256;
		ceiling.dirty = xrealloc(ceiling.dirty, ceiling.dirty_cap * sizeof(*ceiling.dirty));
	}
	ceiling.dirty[ceiling.ndirty++] = v;
}

static void srv_flush(struct srv *v);

static void srv_flush_dirty(void)
{
	for (size_t i = 0; i < ceiling.ndirty; i++) {
		struct srv *v = ceiling.dirty[i];
		v->dirty = false;
		srv_flush(v);
		srv_events(v);
	}
	ceiling.ndirty = 0;
}

/* Appends the withdrawal of s's whole table to every other receiver. */
static void srv_withdraw_table(struct sess *s)
{
	const uint8_t *w = ceiling.wstream[s->fam].data + s->blob_woff;
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *r = bl.sessions[i];
		if (r == s || !r->recv || r->fam != s->fam || !r->srv || !r->srv->streaming)
			continue;
		wbuf_put(&r->srv->c.tx, w, s->blob_wlen);
		srv_dirty(r->srv);
	}
}

/* The struct stays allocated (an event of the same epoll batch may still
 * point to it); fd -1 marks it dead. */
static void srv_close(struct srv *v, const char *why)
{
	if (v->c.fd < 0)
		return;
	conn_close(&v->c, ceiling.ep);
	struct sess *s = v->s;
	bool quitting = __atomic_load_n(&ceiling.quit, __ATOMIC_ACQUIRE);
	if (!quitting)
		logmsg("ceiling: route-server side of %s closed: %s", s->name, why);
	if (v->established && s->f && s->f->n && v->s->blob_wlen && !quitting &&
	    __atomic_load_n(&bl.first_upd, __ATOMIC_ACQUIRE))
		srv_withdraw_table(s);
	if (s->srv == v)
		s->srv = NULL;
	wbuf_free(&v->c.tx);
}

static bool msg_is_eor(const uint8_t *m, size_t mlen)
{
	const uint8_t *b = m + BGP_HEADER_LEN;
	size_t n = mlen - BGP_HEADER_LEN;
	if (n == 4)
		return get_u32(b) == 0;
	if (n < 7 || get_u16(b) != 0 || (size_t)get_u16(b + 2) + 4 != n)
		return false;
	bool ext = b[4] & ATTR_F_EXTLEN;
	size_t hl = ext ? 4 : 3;
	if (n < 4 + hl)
		return false;
	size_t vl = ext ? get_u16(b + 6) : b[6];
	return b[5] == ATTR_MP_UNREACH_NLRI && vl == 3 && hl + vl + 4 == n;
}

static void srv_forward(struct srv *from, const uint8_t *m, size_t mlen)
{
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *r = bl.sessions[i];
		if (r == from->s || !r->recv || r->fam != from->s->fam || !r->srv ||
		    !r->srv->streaming)
			continue;
		wbuf_put(&r->srv->c.tx, m, mlen);
		srv_dirty(r->srv);
	}
}

static size_t srv_process(struct srv *v, const uint8_t *buf, size_t len, uint64_t now)
{
	size_t off = 0;
	while (v->c.fd >= 0 && len - off >= BGP_HEADER_LEN) {
		uint8_t type;
		uint16_t mlen;
		struct bgp_notify err;
		if (bgp_header_check(buf + off, BGP_MAX_EXT_MSG, &type, &mlen, &err) < 0) {
			srv_close(v, "bad message header");
			return off;
		}
		if (len - off < mlen)
			break;
		const uint8_t *m = buf + off;
		off += mlen;
		switch (type) {
		case BGP_OPEN:
			if (!v->open_rcvd) {
				v->open_rcvd = true;
				bgp_keepalive_encode(&v->c.tx);
				v->last_ka = now;
			}
			break;
		case BGP_KEEPALIVE:
			if (v->open_rcvd && !v->established)
				v->established = true;
			break;
		case BGP_UPDATE:
			if (!v->established)
				break;
			if (msg_is_eor(m, mlen)) {
				v->eor_seen = true;
				break;
			}
			/* the initial table is in ceiling.stream already */
			if (v->eor_seen || v->s->srv_conns > 1)
				srv_forward(v, m, mlen);
			break;
		case BGP_NOTIFICATION:
			srv_close(v, "NOTIFICATION received");
			return off;
		default:
			break;
		}
	}
	return off;
}

/* conn_read()'s input: the messages of one read. */
struct srv_input {
	struct srv *v;
	uint64_t now;
};

static size_t srv_input(void *arg, const uint8_t *buf, size_t len, size_t got)
{
	struct srv_input *in = arg;
	return srv_process(in->v, buf, len, in->now);
}

static void srv_readable(struct srv *v, uint64_t now)
{
	struct srv_input in = { v, now };
	int r = conn_read(&v->c, srv_input, &in);
	if (r < 0)
		srv_close(v, r == CONN_EOF ? "connection closed" : strerror(errno));
}

/* Writes the queue (handshake, keepalives, forwarded UPDATEs) and the
 * table slices; the slices go out whole once started (messages are never
 * interleaved), what is queued meanwhile follows them. */
static void srv_flush(struct srv *v)
{
	size_t budget = WRITE_BUDGET;
	while (v->c.fd >= 0 && budget) {
		const uint8_t *p;
		size_t n;
		if (v->static_active) {
			while (v->cur < v->nseg && v->off == v->seg[v->cur].len) {
				v->cur++;
				v->off = 0;
			}
			if (v->cur == v->nseg) {
				v->static_active = false;
				v->static_done = true;
				continue;
			}
			p = v->seg[v->cur].p + v->off;
			n = v->seg[v->cur].len - v->off;
		} else if (conn_tx_pending(&v->c)) {
			p = v->c.tx.data + v->c.tx_off;
			n = conn_tx_pending(&v->c);
		} else if (v->streaming && !v->static_done) {
			v->static_active = true;
			continue;
		} else {
			break;
		}
		if (n > budget)
			n = budget;
		ssize_t w = conn_send(&v->c, p, n);
		if (w == 0)
			break;
		if (w < 0) {
			srv_close(v, strerror(errno));
			return;
		}
		budget -= (size_t)w;
		if (v->static_active)
			v->off += (size_t)w;
		else
			v->c.tx_off += (size_t)w;
		if ((size_t)w < n)
			break;
	}
	if (v->c.fd >= 0)
		conn_tx_compact(&v->c);
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
}

/* The session whose local address connected from peer, or NULL. */
static struct sess *sess_by_peer(const struct sockaddr_storage *peer)
{
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (s->local.ss_family == peer->ss_family && same_addr(peer, &s->local))
			return s;
	}
	return NULL;
}

/* The route-server side of session s on fd: its OPEN goes out at once. */
static void srv_new(struct sess *s, int fd)
{
	conn_sockopts(fd);
	if (s->srv)
		srv_close(s->srv, "the client connected again");
	struct srv *v = xcalloc(1, sizeof(*v));
	v->kind = K_SRV;
	v->s = s;
	v->ka_us = (uint64_t)opt.hold_time * 1000000u / 3;
	s->srv = v;
	s->srv_conns++;
	ceiling.srvs = xrealloc(ceiling.srvs, (ceiling.nsrvs + 1) * sizeof(*ceiling.srvs));
	ceiling.srvs[ceiling.nsrvs++] = v;
	conn_attach(&v->c, fd, ceiling.ep, v);
	struct bgp_open o;
	conn_open_init(&o, opt.rs_as ? opt.rs_as : 59900, opt.have_rs[FAM_IPV4] ?
	    ntohl(((struct sockaddr_in *)&opt.rs[FAM_IPV4])->sin_addr.s_addr) : 0xc0000201, s->fam);
	bgp_open_encode(&v->c.tx, &o);
	srv_flush(v);
	srv_events(v);
}

static void srv_accept(struct lsn *l)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer);
		int fd = accept4(l->fd, (struct sockaddr *)&peer, &pl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				logmsg("ceiling: accept: %s", strerror(errno));
			return;
		}
		struct sess *s = sess_by_peer(&peer);
		if (!s) {
			ceiling.rejected++;
			close(fd);
			continue;
		}
		ceiling.accepted++;
		srv_new(s, fd);
	}
}

static void srv_start_stream(struct srv *v)
{
	struct sess *s = v->s;
	const struct wbuf *st = &ceiling.stream[s->fam];
	v->nseg = 0;
	if (s->blob_off)
		v->seg[v->nseg++] = (struct seg){ st->data, s->blob_off };
	size_t after = s->blob_off + s->blob_len;
	if (after < st->len)
		v->seg[v->nseg++] = (struct seg){ st->data + after, st->len - after };
	v->seg[v->nseg++] = (struct seg){ ceiling.eor[s->fam].data, ceiling.eor[s->fam].len };
	v->cur = 0;
	v->off = 0;
	v->streaming = true;
}

static void srv_timers(uint64_t now)
{
	bool go = __atomic_load_n(&bl.first_upd, __ATOMIC_ACQUIRE) ||
	    (__atomic_load_n(&bl.feeding, __ATOMIC_ACQUIRE) && !bl.nfeeder_asns);
	for (size_t i = 0; i < ceiling.nsrvs; i++) {
		struct srv *v = ceiling.srvs[i];
		if (v->c.fd < 0)
			continue;
		bool more = false;
		if (v->established && !v->streaming && go && v->s->recv) {
			srv_start_stream(v);
			more = true;
		}
		if (v->open_rcvd && v->ka_us && now - v->last_ka >= v->ka_us) {
			bgp_keepalive_encode(&v->c.tx);
			v->last_ka = now;
			more = true;
		}
		if (more) {
			srv_flush(v);
			srv_events(v);
		}
	}
}

/* The route-server side's thread: on the other core, like a route server. */
static void *srv_main(void *arg)
{
	(void)arg;
	struct epoll_event evs[256];
	uint64_t next_timers = 0;
	while (!__atomic_load_n(&ceiling.quit, __ATOMIC_ACQUIRE)) {
		uint64_t now = now_us();
		if (now >= next_timers) {
			srv_timers(now);
			next_timers = now + 2000;
		}
		int n = epoll_wait(ceiling.ep, evs, 256, 2);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			now = now_us();
			if (*(int *)evs[i].data.ptr == K_LSN) {
				srv_accept(evs[i].data.ptr);
				continue;
			}
			struct srv *v = evs[i].data.ptr;
			if (v->c.fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
				srv_readable(v, now);
			if (v->c.fd >= 0 && (evs[i].events & EPOLLOUT))
				srv_flush(v);
			srv_events(v);
		}
		srv_flush_dirty();
	}
	for (size_t i = 0; i < ceiling.nsrvs; i++)
		srv_close(ceiling.srvs[i], "exiting");
	free(ceiling.dirty);
	conn_thread_exit();
	return NULL;
}

void ceiling_prepare(void)
{
	uint64_t t0 = now_us();
	for (int fam = 0; fam < 2; fam++) {
		ceiling.eor[fam].len = 0;
		bgp_update_encode_eor(&ceiling.eor[fam], (enum family)fam);
	}
	for (int i = 0; i < bl.nsess; i++) {
		struct sess *s = bl.sessions[i];
		if (!s->f)
			continue;
		struct sess tmp = *s;
		struct feeder ft = *s->f;
		tmp.f = &ft;
		ft.first_pass = false;
		tmp.peer_as4 = true;
		tmp.sc = (struct send_class){ .as4 = true };
		tmp.c.tx = ceiling.stream[s->fam];
		s->blob_off = tmp.c.tx.len;
		for (uint32_t g = 0; g < ft.ngroups; g++)
			feeder_encode_group(&tmp, g, true);
		ceiling.stream[s->fam] = tmp.c.tx;
		s->blob_len = ceiling.stream[s->fam].len - s->blob_off;
		/* and withdrawn, for when its session closes */
		tmp.c.tx = ceiling.wstream[s->fam];
		s->blob_woff = tmp.c.tx.len;
		for (uint32_t g = 0; g < ft.ngroups; g++)
			feeder_encode_group(&tmp, g, false);
		ceiling.wstream[s->fam] = tmp.c.tx;
		s->blob_wlen = ceiling.wstream[s->fam].len - s->blob_woff;
	}
	logmsg("ceiling: tables encoded: %.1f MB IPv4, %.1f MB IPv6 (%.3f s)",
	    (double)ceiling.stream[0].len / 1e6, (double)ceiling.stream[1].len / 1e6,
	    (double)(now_us() - t0) / 1e6);
}

/* A listener on the --rs address of family fam and --port. */
static void listen_on(int fam)
{
	struct sockaddr_storage a = opt.rs[fam];
	socklen_t alen;
	const void *ip;
	if (fam == FAM_IPV4) {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&a;
		a4->sin_port = htons(opt.port);
		alen = sizeof(*a4);
		ip = &a4->sin_addr;
	} else {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;
		a6->sin6_port = htons(opt.port);
		alen = sizeof(*a6);
		ip = &a6->sin6_addr;
	}
	int fd = socket(a.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fam == FAM_IPV6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	char txt[INET6_ADDRSTRLEN];
	inet_ntop(a.ss_family, ip, txt, sizeof(txt));
	if (bind(fd, (struct sockaddr *)&a, alen) < 0)
		die("--ceiling: cannot listen on %s port %u: %s (the route server's address must "
		    "be configured in this namespace)", txt, opt.port, strerror(errno));
	if (listen(fd, 4096) < 0)
		die("listen: %s", strerror(errno));
	ceiling.lsn[fam].fd = fd;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ceiling.lsn[fam] };
	epoll_ctl(ceiling.ep, EPOLL_CTL_ADD, fd, &ev);
	logmsg("ceiling: playing the route server on %s port %u", txt, opt.port);
}

void ceiling_listen(void)
{
	ceiling.ep = epoll_create1(EPOLL_CLOEXEC);
	if (ceiling.ep < 0)
		die("epoll_create1: %s", strerror(errno));
	for (int fam = 0; fam < 2; fam++) {
		bool used = false;
		for (int i = 0; i < bl.nsess && !used; i++)
			used = (int)bl.sessions[i]->fam == fam;
		if (used)
			listen_on(fam);
	}
	int err = pthread_create(&ceiling.thread, NULL, srv_main, NULL);
	if (err)
		die("pthread_create: %s", strerror(err));
}

void ceiling_close(void)
{
	__atomic_store_n(&ceiling.quit, true, __ATOMIC_RELEASE);
	pthread_join(ceiling.thread, NULL);
	for (int fam = 0; fam < 2; fam++)
		if (ceiling.lsn[fam].fd >= 0) {
			close(ceiling.lsn[fam].fd);
			ceiling.lsn[fam].fd = -1;
		}
	close(ceiling.ep);
	for (size_t i = 0; i < ceiling.nsrvs; i++)
		free(ceiling.srvs[i]);
	free(ceiling.srvs);
	ceiling.srvs = NULL;
	ceiling.nsrvs = 0;
}

void ceiling_counts(uint64_t *accepted, uint64_t *rejected)
{
	*accepted = ceiling.accepted;
	*rejected = ceiling.rejected;
}
