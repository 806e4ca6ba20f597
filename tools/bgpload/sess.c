/* SPDX-License-Identifier: ISC */
#include "sess.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bgp.h"
#include "bgp_msg.h"
#include "churn.h"
#include "conn.h"
#include "feeder.h"
#include "sink.h"
#include "util.h"
#include "xalloc.h"

void sess_events(struct sess *s)
{
	conn_want_out(&s->c, bl.ep, s, s->st == S_CONNECT || tx_pending(s) ||
	    (s->f && s->f->mode != GEN_IDLE && s->st == S_ESTABLISHED));
}

void sess_close(struct sess *s)
{
	conn_close(&s->c, bl.ep);
	s->c.tx.len = s->c.tx_off = 0;
	if (s->f)
		s->f->evq_head = s->f->evq_len = 0;     /* those UPDATEs are lost */
}

/* The session failed.  Before Established: retry later.  After: a drop. */
__attribute__((format(printf, 3, 4)))
static void sess_down(struct sess *s, uint64_t now, const char *fmt, ...)
{
	if (s->c.fd < 0)
		return;         /* already down: keep the first reason */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->last_error, sizeof(s->last_error), fmt, ap);
	va_end(ap);
	bool was_up = s->st == S_ESTABLISHED;
	bool opened = s->st >= S_OPENSENT;
	sess_close(s);
	if (was_up) {
		s->drops++;
		logmsg("%s: SESSION DROPPED: %s", s->name, s->last_error);
		if (opt.reconnect) {
			s->st = S_IDLE;
			s->retry_at = now + 5000000;
		} else {
			s->st = S_DOWN;
		}
		if (s->recv) {
			sink_forget(s);
			s->rdigest = 0;      /* it will receive everything again */
		}
		s->held = 0;
	} else {
		if (opened) {
			s->open_fail++;
			logmsg("%s: session setup failed: %s", s->name, s->last_error);
		} else if (s->connect_failures++ % 10 == 0) {
			logmsg("%s: %s (retrying)", s->name, s->last_error);
		}
		s->st = S_IDLE;
		s->retry_at = now + (opened ? 5000000 : 1000000);
	}
}

/* What the bytes written so far (s->s_total) complete: the session's first
 * UPDATE, its latest UPDATEs, churn events, its End-of-RIB. */
static void sess_written(struct sess *s, uint64_t now)
{
	if (s->first_upd_off && !s->t_first_upd && s->s_total >= s->first_upd_off) {
		s->t_first_upd = now;
		if (!bl.first_upd || now < bl.first_upd) {
			/* --ceiling's thread reads it */
			__atomic_store_n(&bl.first_upd, now, __ATOMIC_RELEASE);
			bl.cpu_first_upd = cpu_seconds();
		}
	}
	if (s->last_upd_end > s->last_upd_seen && s->s_total >= s->last_upd_end) {
		s->t_last_upd = now;
		s->last_upd_seen = s->last_upd_end;
	}
	if (s->f && s->f->evq_len)
		churn_written(s, now);
	if (s->eor_end && !s->t_eor_sent && s->s_total >= s->eor_end) {
		s->t_eor_sent = now;
		logmsg("%s: table sent: %" PRIu64 " prefixes in %" PRIu64
		    " UPDATEs, %.3f s after its first UPDATE", s->name, s->pfx_sent, s->upd_sent,
		    (double)(now - s->t_first_upd) / 1e6);
	}
}

void sess_flush(struct sess *s, uint64_t now)
{
	size_t budget = WRITE_BUDGET;
	while (tx_pending(s) && budget) {
		size_t n = tx_pending(s);
		if (n > budget)
			n = budget;
		ssize_t w = conn_send(&s->c, s->c.tx.data + s->c.tx_off, n);
		if (w == 0)
			break;
		if (w < 0) {
			sess_down(s, now, "send: %s", strerror(errno));
			return;
		}
		s->c.tx_off += (size_t)w;
		s->s_total += (uint64_t)w;
		s->bytes_sent += (uint64_t)w;
		budget -= (size_t)w;
		sess_written(s, now);
	}
	conn_tx_compact(&s->c);
}

/* The caller closes the session next, so errors do not matter here. */
static void send_notify(struct sess *s, const struct bgp_notify *n)
{
	size_t from = s->c.tx.len;
	bgp_notification_encode(&s->c.tx, n);
	queue_bytes_done(s, from);
	while (tx_pending(s)) {
		ssize_t w = conn_send(&s->c, s->c.tx.data + s->c.tx_off, tx_pending(s));
		if (w <= 0)
			break;
		s->c.tx_off += (size_t)w;
	}
}

void sess_notify(struct sess *s, uint8_t code, uint8_t sub)
{
	struct bgp_notify n;
	notify_set(&n, code, sub, NULL, 0);
	send_notify(s, &n);
}

static void send_keepalive(struct sess *s, uint64_t now)
{
	size_t from = s->c.tx.len;
	bgp_keepalive_encode(&s->c.tx);
	queue_bytes_done(s, from);
	s->last_ka = now;
}

static void send_open(struct sess *s)
{
	struct bgp_open o;
	conn_open_init(&o, s->asn, s->bgp_id, s->fam);
	size_t from = s->c.tx.len;
	bgp_open_encode(&s->c.tx, &o);
	queue_bytes_done(s, from);
}

/* A TCP socket in s's network namespace (netns=), made by entering it for
 * the socket() call: a socket stays in the namespace it was made in. */
static int sess_socket(const struct sess *s)
{
	static int home = -1;       /* our own namespace */
	int type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
	if (s->netns_fd < 0)
		return socket(s->local.ss_family, type, 0);
	if (home < 0 && (home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		die("/proc/self/ns/net: %s", strerror(errno));
	if (setns(s->netns_fd, CLONE_NEWNET) < 0)
		die("%s: entering its network namespace (netns=): %s", s->name, strerror(errno));
	int fd = socket(s->local.ss_family, type, 0), err = errno;
	if (setns(home, CLONE_NEWNET) < 0)
		die("back to our own network namespace: %s", strerror(errno));
	errno = err;
	return fd;
}

static void sess_connect(struct sess *s, uint64_t now)
{
	s->c.tx.len = s->c.tx_off = 0;
	s->q_total = s->s_total = 0;
	s->first_upd_off = s->last_upd_end = s->last_upd_seen = s->eor_end = 0;
	int fd = sess_socket(s);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	conn_sockopts(fd);
	conn_attach(&s->c, fd, bl.ep, s);
	s->st = S_CONNECT;
	if (bind(fd, (struct sockaddr *)&s->local, s->local_len) < 0) {
		sess_down(s, now, "bind %s: %s", s->addr, strerror(errno));
		return;
	}
	struct sockaddr_storage rs = opt.rs[s->fam];
	socklen_t rlen = s->fam == FAM_IPV4 ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	if (s->fam == FAM_IPV4)
		((struct sockaddr_in *)&rs)->sin_port = htons(opt.port);
	else
		((struct sockaddr_in6 *)&rs)->sin6_port = htons(opt.port);
	if (connect(fd, (struct sockaddr *)&rs, rlen) < 0 && errno != EINPROGRESS)
		sess_down(s, now, "connect: %s", strerror(errno));
}

static void on_connected(struct sess *s, uint64_t now)
{
	int err = 0;
	socklen_t l = sizeof(err);
	getsockopt(s->c.fd, SOL_SOCKET, SO_ERROR, &err, &l);
	if (err) {
		sess_down(s, now, "connect: %s", strerror(err));
		return;
	}
	s->st = S_OPENSENT;
	s->last_rx = now;
	s->hold_us = 240 * 1000000ull;  /* RFC 4271: a large hold time until OPEN */
	send_open(s);
	sess_flush(s, now);
}

static void on_open(struct sess *s, const uint8_t *body, size_t len, uint64_t now)
{
	struct bgp_open o;
	struct bgp_notify err;
	if (s->st != S_OPENSENT) {
		sess_notify(s, ERR_FSM, 0);
		sess_down(s, now, "OPEN in state %s", sstate_name(s->st));
		return;
	}
	if (bgp_open_decode(body, len, &o, &err) < 0) {
		send_notify(s, &err);
		sess_down(s, now, "bad OPEN from the route server: %s",
		    notify_code_str(err.code, err.subcode));
		return;
	}
	uint32_t peer_as = o.caps.as4 ? o.caps.as4_asn : o.my_as;
	if (opt.rs_as && peer_as != opt.rs_as) {
		sess_notify(s, ERR_OPEN, ERR_OPEN_PEER_AS);
		sess_down(s, now, "route server says AS%u, expected AS%u", peer_as, opt.rs_as);
		return;
	}
	uint16_t hold = o.hold_time < opt.hold_time ? o.hold_time : opt.hold_time;
	s->hold_us = (uint64_t)hold * 1000000u;
	s->ka_us = s->hold_us / 3;
	s->peer_as4 = o.caps.as4;
	s->ext_msg = opt.ext_message && o.caps.ext_message;
	s->max_msg = s->ext_msg ? BGP_MAX_EXT_MSG : BGP_MAX_MSG;
	s->sc = (struct send_class){ .as4 = s->peer_as4, .ext_message = s->ext_msg };
	s->uctx = (struct update_ctx){
		.peer_as4 = s->peer_as4, .families = (uint8_t)(1u << s->fam),
	};
	s->st = S_OPENCONFIRM;
	send_keepalive(s, now);
	sess_flush(s, now);
}

static void on_notification(struct sess *s, const uint8_t *body, size_t len, uint64_t now)
{
	struct bgp_notify n;
	if (bgp_notification_decode(body, len, &n) < 0) {
		snprintf(s->last_notify, sizeof(s->last_notify), "(undecodable NOTIFICATION)");
	} else {
		char text[160] = "";
		if (bgp_notification_shutdown_msg(&n, text, sizeof(text)) < 0)
			text[0] = '\0';
		snprintf(s->last_notify, sizeof(s->last_notify), "%u/%u %.64s%s%s%s", n.code,
		    n.subcode, notify_code_str(n.code, n.subcode), text[0] ? " \"" : "", text,
		    text[0] ? "\"" : "");
	}
	sess_down(s, now, "NOTIFICATION received: %s", s->last_notify);
}

static void on_keepalive(struct sess *s, uint64_t now)
{
	if (s->st == S_OPENCONFIRM) {
		s->st = S_ESTABLISHED;
		s->t_established = now;
		logmsg("%s: established (hold %" PRIu64 " s%s%s)", s->name, s->hold_us / 1000000,
		    s->peer_as4 ? ", as4" : "", s->ext_msg ? ", extended messages" : "");
		if (s->recv && !opt.count_only && !s->bm)
			s->bm = xcalloc((bl.gidx[s->fam].n + 64) / 64, sizeof(*s->bm));
		if (s->f && bl.feeding)
			feeder_start(s, GEN_ANNOUNCE, true);
	} else if (s->st != S_ESTABLISHED) {
		sess_notify(s, ERR_FSM, 0);
		sess_down(s, now, "KEEPALIVE in state %s", sstate_name(s->st));
	}
}

/* A feeder sends its table again (not while withdrawing it). */
static void on_refresh(struct sess *s)
{
	s->refresh_rcvd++;
	if (s->f && s->st == S_ESTABLISHED && s->f->table_done && !s->f->withdrawn_all) {
		logmsg("%s: ROUTE-REFRESH received: sending the table again", s->name);
		feeder_start(s, GEN_ANNOUNCE, true);
	}
}

static void on_message(struct sess *s, uint8_t type, const uint8_t *body, size_t blen, uint64_t now)
{
	switch (type) {
	case BGP_OPEN:
		on_open(s, body, blen, now);
		break;
	case BGP_KEEPALIVE:
		on_keepalive(s, now);
		break;
	case BGP_UPDATE:
		if (s->st != S_ESTABLISHED) {
			sess_notify(s, ERR_FSM, 0);
			sess_down(s, now, "UPDATE in state %s", sstate_name(s->st));
			break;
		}
		sink_update(s, body, blen, now);
		break;
	case BGP_NOTIFICATION:
		on_notification(s, body, blen, now);
		break;
	case BGP_ROUTE_REFRESH:
		on_refresh(s);
		break;
	}
}

/* Processes the complete messages in buf; returns the bytes consumed. */
static size_t sess_process(struct sess *s, const uint8_t *buf, size_t buflen, uint64_t now)
{
	size_t off = 0;
	while (s->c.fd >= 0 && buflen - off >= BGP_HEADER_LEN) {
		const uint8_t *h = buf + off;
		uint8_t type;
		uint16_t len;
		struct bgp_notify err;
		size_t max = s->st == S_ESTABLISHED ? s->max_msg : BGP_MAX_MSG;
		if (bgp_header_check(h, max, &type, &len, &err) < 0) {
			send_notify(s, &err);
			sess_down(s, now, "bad message header from the route server: %s",
			    notify_code_str(err.code, err.subcode));
			return off;
		}
		if (buflen - off < len)
			break;
		off += len;
		on_message(s, type, h + BGP_HEADER_LEN, len - BGP_HEADER_LEN, now);
	}
	return off;
}

/* conn_read()'s input: the messages of one read. */
struct sess_input {
	struct sess *s;
	uint64_t now;               /* of the last read */
};

static size_t sess_input(void *arg, const uint8_t *buf, size_t len, size_t got)
{
	struct sess_input *in = arg;
	struct sess *s = in->s;
	s->bytes_rcvd += got;
	in->now = now_us();         /* completion times must not lag the batch */
	s->last_rx = in->now;
	return sess_process(s, buf, len, in->now);
}

static void on_readable(struct sess *s, uint64_t now)
{
	struct sess_input in = { s, now };
	int r = conn_read(&s->c, sess_input, &in);
	if (r == CONN_ERROR)
		sess_down(s, in.now, "recv: %s", strerror(errno));
	else if (r == CONN_EOF)
		sess_down(s, in.now, "connection closed by the route server without NOTIFICATION");
}

static void on_writable(struct sess *s, uint64_t now)
{
	size_t written = 0;
	while (s->c.fd >= 0 && written < WRITE_BUDGET) {
		feeder_fill(s);
		if (!tx_pending(s))
			break;
		uint64_t before = s->s_total;
		sess_flush(s, now);
		if (s->c.fd < 0 || s->s_total == before || tx_pending(s) > TX_HIGH_WATER / 2)
			break;      /* socket full */
		written += (size_t)(s->s_total - before);
	}
}

void sess_handle(struct sess *s, uint32_t events, uint64_t now)
{
	if (s->c.fd < 0)
		return;
	if (s->st == S_CONNECT) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			on_connected(s, now);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		on_readable(s, now);
	if (s->c.fd >= 0 && (events & EPOLLOUT))
		on_writable(s, now);
	if (s->c.fd >= 0)
		sess_events(s);
}

bool sess_timers(struct sess *s, uint64_t now)
{
	if (s->st == S_IDLE && now >= s->retry_at)
		sess_connect(s, now);
	if (s->c.fd < 0 || s->st < S_OPENSENT)
		return false;
	if (s->hold_us && now - s->last_rx > s->hold_us) {
		sess_notify(s, ERR_HOLD_TIMER, 0);
		sess_down(s, now, "hold timer expired: nothing from the route server for %.1f s",
		    (double)(now - s->last_rx) / 1e6);
		return false;
	}
	if (s->st >= S_OPENCONFIRM && s->ka_us && now - s->last_ka >= s->ka_us) {
		send_keepalive(s, now);
		sess_flush(s, now);
	}
	return true;
}
