/* SPDX-License-Identifier: ISC */
#include "session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "mrt.h"
#include "gtsm.h"
#include "tcp_md5.h"
#include "tcp_rtt.h"
#include "xalloc.h"

#define RBUF_SIZE           (256 * 1024)
#define OPENSENT_HOLD_MS    (240 * 1000)   /* RFC 4271 §8.2.2: "large value" */

static struct session_hooks hooks;

void session_set_hooks(const struct session_hooks *h) { hooks = *h; }

static int64_t wall_now(void) { return (int64_t)time(NULL); }

/* Does the route server open connections to this member?  Unless it is
 * passive -- and even then just after a graceful restart of the route
 * server: a member that is only a helper (FRR) waits for the restarting
 * speaker to come back to it, and a passive route server would leave it
 * waiting until its restart timer throws the routes away. */
static bool initiates(const struct session *s)
{
	return !s->passive || now_ms() < s->env->restarting_until;
}

const char *fsm_state_name(enum fsm_state s)
{
	static const char *const names[] = { "Idle", "Connect", "Active", "OpenSent",
		"OpenConfirm", "Established" };
	return names[s];
}

static const char *peer_name(const struct session *s)
{
	return log_peer_name(&s->addr, s->asn);
}

struct session *session_new(uint32_t id, struct session_env *env, const struct ipc_peer_session *m)
{
	struct session *s = xcalloc(1, sizeof(*s));
	s->id = id;
	s->env = env;
	s->asn = m->asn;
	s->addr = m->addr;
	s->passive = m->passive;
	s->add_path = m->add_path;
	s->description = m->description[0] ? xstrdup(m->description) : NULL;
	memcpy(s->password, m->password, sizeof(s->password));
	s->gtsm = m->gtsm;
	s->multihop = m->multihop;
	s->roles = m->roles;
	s->password[sizeof(s->password) - 1] = '\0';
	s->since = wall_now();
	s->connect_at = initiates(s) ? now_ms() : 0;
	return s;
}

enum family session_family(const struct session *s)
{
	return s->addr.family == AF_INET6 ? FAM_IPV6 : FAM_IPV4;
}

enum fsm_state session_state(const struct session *s)
{
	if (s->conn[0] == NULL)
		return (!initiates(s) || s->admin_down) ? FSM_IDLE : FSM_ACTIVE;
	enum fsm_state st = s->conn[0]->state;
	if (s->conn[1] && s->conn[1]->state > st)
		st = s->conn[1]->state;
	return st;
}

/* --- connections and output -------------------------------------------- */

static struct conn *conn_new(int fd, bool outgoing)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->outgoing = outgoing;
	c->rcap = RBUF_SIZE;
	c->rbuf = xmalloc(c->rcap);
	return c;
}

static void conn_free(struct session *s, struct conn *c)
{
	if (hooks.fd_removed)
		hooks.fd_removed(s, c);
	close(c->fd);
	for (struct outq_item *i = c->oq_head, *n; i; i = n) {
		n = i->next;
		msgbuf_unref(i->m);
		free(i);
	}
	free(c->rbuf);
	free(c);
}

static void conn_enqueue(struct session *s, struct conn *c, struct msgbuf *m)
{
	struct outq_item *it = xmalloc(sizeof(*it));
	it->next = NULL;
	it->m = m;
	it->off = 0;
	if (!c->oq_head)
		c->oq_progress_ms = now_ms();
	if (c->oq_tail)
		c->oq_tail->next = it;
	else
		c->oq_head = it;
	c->oq_tail = it;
	c->oq_bytes += m->len;
	if (hooks.want_write)
		hooks.want_write(s, c, true);
}

/* Small control messages: try to write at once so that a NOTIFICATION
 * reaches the peer before we close. */
static void conn_send_bytes(struct session *s, struct conn *c, const struct wbuf *w)
{
	conn_enqueue(s, c, msgbuf_new(w->data, w->len));
	s->stats.msgs_out++;
	session_on_writable(s, c);
}

static void send_notification(struct session *s, struct conn *c, const struct bgp_notify *n)
{
	struct wbuf w = { 0 };
	bgp_notification_encode(&w, n);
	s->stats.notifications_out++;
	s->stats.notify_out_code[n->code < SESSION_NOTIFY_CODES ? n->code : 0]++;
	conn_send_bytes(s, c, &w);
	wbuf_free(&w);
}

static void send_keepalive(struct session *s, struct conn *c, uint64_t now)
{
	struct wbuf w = { 0 };
	bgp_keepalive_encode(&w);
	conn_send_bytes(s, c, &w);
	wbuf_free(&w);
	if (s->keepalive && c->state == FSM_ESTABLISHED)
		c->keepalive_due = now + (uint64_t)s->keepalive * 1000;
}

static void post_to_rde(struct session *s, enum ipc_type type, const void *body, size_t len)
{
	if (s->env->to_rde)
		ipc_push(s->env->to_rde, ipc_msg_new(type, s->id, s->gen, body, len));
}

/* Tells the RDE when the Established connection's queue crosses a mark
 * (OUTPUT_HIGH_WATER up, OUTPUT_LOW_WATER down; the gap keeps it from
 * flapping on every write). */
static void check_output_marks(struct session *s, const struct conn *c)
{
	if (c->state != FSM_ESTABLISHED)
		return;
	bool pause = !s->output_paused && c->oq_bytes > OUTPUT_HIGH_WATER;
	bool resume = s->output_paused && c->oq_bytes < OUTPUT_LOW_WATER;
	if (!pause && !resume)
		return;
	s->output_paused = pause;
	s->stats.output_pauses += pause;
	struct ipc_peer_output o = { .paused = pause };
	post_to_rde(s, IPC_PEER_OUTPUT, &o, sizeof(o));
}

int session_on_writable(struct session *s, struct conn *c)
{
	while (c->oq_head) {
		struct iovec iov[64];
		int n = 0;
		for (struct outq_item *i = c->oq_head; i && n < 64; i = i->next, n++) {
			iov[n].iov_base = i->m->data + i->off;
			iov[n].iov_len = i->m->len - i->off;
		}
		ssize_t w = writev(c->fd, iov, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -1;     /* the read side will see the error and close */
		}
		c->oq_bytes -= (size_t)w;
		if (w > 0)
			c->oq_progress_ms = now_ms();
		while (w > 0) {
			struct outq_item *i = c->oq_head;
			size_t left = i->m->len - i->off;
			if ((size_t)w < left) {
				i->off += (uint32_t)w;
				break;
			}
			w -= (ssize_t)left;
			c->oq_head = i->next;
			if (c->oq_head == NULL)
				c->oq_tail = NULL;
			msgbuf_unref(i->m);
			free(i);
		}
		check_output_marks(s, c);
	}
	if (hooks.want_write)
		hooks.want_write(s, c, false);
	return 0;
}

void session_send_shared(struct session *s, struct msgbuf *m)
{
	struct conn *c = s->conn[0];
	if (c == NULL || c->state != FSM_ESTABLISHED)
		return;
	msgbuf_ref(m);
	conn_enqueue(s, c, m);
	check_output_marks(s, c);
}

/* --- state changes -------------------------------------------------------- */

static void set_error(struct session *s, const char *fmt, const char *detail)
{
	snprintf(s->last_error, sizeof(s->last_error), fmt, detail);
}

/* --- the MRT update log (archive.h) ------------------------------------------ */

static void archive_record(struct session *s, struct wbuf *rec)
{
	ipc_push(s->env->to_archive, ipc_msg_new(IPC_MRT_RECORD, s->id, s->gen, rec->data, rec->len));
	wbuf_free(rec);
}

static struct mrt_session mrt_session_of(const struct session *s)
{
	return (struct mrt_session){ .peer_as = s->asn, .local_as = s->env->local_as, .peer = s->addr,
		.local = s->local.family ? s->local : s->addr };
}

/* A message the member sent, as BGP4MP_MESSAGE_AS4. */
static void archive_message(struct session *s, uint8_t type, const uint8_t *body, size_t len)
{
	if (!s->env->to_archive)
		return;
	struct wbuf msg = { 0 }, rec = { 0 };
	uint8_t marker[BGP_MARKER_LEN];
	memset(marker, 0xff, sizeof(marker));
	wbuf_put(&msg, marker, sizeof(marker));
	wbuf_u16(&msg, (uint16_t)(len + BGP_HEADER_LEN));
	wbuf_u8(&msg, type);
	wbuf_put(&msg, body, len);
	struct mrt_session ms = mrt_session_of(s);
	mrt_bgp4mp_message(&rec, (uint32_t)wall_now(), &ms, msg.data, msg.len);
	wbuf_free(&msg);
	archive_record(s, &rec);
}

/* A session coming up or going down, as BGP4MP_STATE_CHANGE_AS4. */
static void archive_state(struct session *s, uint16_t from, uint16_t to)
{
	if (!s->env->to_archive)
		return;
	struct wbuf rec = { 0 };
	struct mrt_session ms = mrt_session_of(s);
	mrt_bgp4mp_state_change(&rec, (uint32_t)wall_now(), &ms, from, to);
	archive_record(s, &rec);
}

/* Drops one connection; if it was the Established one, the RDE learns the
 * session is down.  keep_stale: graceful restart helper (RFC 4724 §4.2). */
static void drop_conn(struct session *s, int idx, bool keep_stale, uint64_t now)
{
	struct conn *c = s->conn[idx];
	if (c->state == FSM_ESTABLISHED) {
		struct ipc_peer_down d = { 0 };
		if (keep_stale && s->caps.graceful_restart) {
			d.keep_stale = s->caps.gr_families;
			d.restart_time = s->caps.gr_time;
		}
		post_to_rde(s, IPC_PEER_DOWN, &d, sizeof(d));
		archive_state(s, 6, 1);      /* RFC 4271 §8.2.2 numbering: Established -> Idle */
		s->since = wall_now();
		log_info("neighbor %s: session down (%s)%s", peer_name(s), s->last_error,
		    d.keep_stale ? ", keeping its routes as stale (graceful restart)" : "");
	}
	conn_free(s, c);
	s->conn[idx] = NULL;
	if (idx == 0 && s->conn[1]) {
		s->conn[0] = s->conn[1];
		s->conn[1] = NULL;
	}
	if (s->conn[0] == NULL && initiates(s) && !s->admin_down) {
		s->connect_at = now + (uint64_t)s->env->connect_retry * 1000;
		if (s->connect_at < s->idle_until)
			s->connect_at = s->idle_until;
	}
}

static uint64_t idle_hold_ms(unsigned failures)
{
	if (failures < 2)
		return 0;
	uint64_t ms = IDLE_HOLD_BASE_MS;
	for (unsigned i = 2; i < failures && ms < IDLE_HOLD_MAX_MS; i++)
		ms *= 2;
	return ms < IDLE_HOLD_MAX_MS ? ms : IDLE_HOLD_MAX_MS;
}

/* A connection that had its OPEN exchange going ends: a failure, unless it
 * is ours closing it for a reason of our own (Cease: a collision, admin
 * down, shutdown). */
static void note_open_failure(struct session *s, const struct conn *c, const struct bgp_notify *n,
    uint64_t now)
{
	if ((c->state != FSM_OPENSENT && c->state != FSM_OPENCONFIRM) || (n && n->code == ERR_CEASE))
		return;
	s->stats.failed_opens++;
	uint64_t hold = idle_hold_ms(++s->open_failures);
	if (hold)
		s->idle_until = now + hold;
}

/* Lines about a connection failing before Established: a member in a
 * reconnect loop, or anyone sending garbage from its address, gets
 * LOG_LIMIT_BURST of them a window. */
static bool may_log_failure(struct session *s, const struct conn *c, uint64_t now)
{
	return c->state == FSM_ESTABLISHED || log_allowed(&s->failure_log, now);
}

static void close_conn(struct session *s, struct conn *c, const struct bgp_notify *n,
    bool keep_stale, uint64_t now)
{
	if (n)
		send_notification(s, c, n);
	note_open_failure(s, c, n, now);
	drop_conn(s, c == s->conn[0] ? 0 : 1, keep_stale, now);
}

void session_close(struct session *s, const struct bgp_notify *n, const char *why, uint64_t now)
{
	set_error(s, "%s", why);
	while (s->conn[0])
		close_conn(s, s->conn[0], n, false, now);
}

static void conn_fail(struct session *s, struct conn *c, uint8_t code, uint8_t subcode,
    const void *data, size_t len, uint64_t now)
{
	struct bgp_notify n;
	notify_set(&n, code, subcode, data, len);
	set_error(s, "sent NOTIFICATION: %s", notify_code_str(code, subcode));
	if (may_log_failure(s, c, now))
		log_warn("neighbor %s: sending NOTIFICATION %u/%u (%s)", peer_name(s), code, subcode,
		    notify_code_str(code, subcode));
	close_conn(s, c, &n, false, now);
}

static void send_open(struct session *s, struct conn *c)
{
	struct bgp_open o = { 0 };
	o.version = BGP_VERSION;
	o.my_as = s->env->local_as > 0xffff ? AS_TRANS : (uint16_t)s->env->local_as;
	o.hold_time = s->env->hold_time;
	o.bgp_id = s->env->router_id;
	o.caps.families = (uint8_t)(1u << session_family(s));
	o.caps.route_refresh = o.caps.enhanced_rr = true;
	o.caps.ext_message = true;
	o.caps.as4 = true;
	o.caps.as4_asn = s->env->local_as;
	if (s->add_path)
		o.caps.addpath[session_family(s)] = ADDPATH_SEND;
	/* RFC 4724: a helper for members that restart, and a restarting speaker
	 * itself: members keep its routes while it restarts (`ixpctl restart`).
	 * Its "forwarding state" is the members' own: it is in no data path. */
	o.caps.graceful_restart = true;
	o.caps.gr_time = GR_RESTART_TIME_S;
	o.caps.gr_families = (uint8_t)(1u << session_family(s));
	o.caps.gr_restarted = now_ms() < s->env->restarting_until;
	o.caps.role = s->roles != ROLES_OFF ? ROLE_RS : ROLE_NONE;
	struct wbuf w = { 0 };
	bgp_open_encode(&w, &o);
	conn_send_bytes(s, c, &w);
	wbuf_free(&w);
	c->state = FSM_OPENSENT;
}
/* The TTL of s's packets: GTSM (RFC 5082, for a peer `multihop` hops
 * away), else a multihop TTL, else the system's. */
static int set_ttl(const struct session *s, int fd)
{
	if (s->gtsm)
		return gtsm_set(fd, s->addr.family, s->multihop, true);
	return s->multihop ? ttl_set(fd, s->addr.family, s->multihop, 0) : 0;
}


int session_attach(struct session *s, int fd, bool outgoing, uint64_t now)
{
	int one = 1, fl = fcntl(fd, F_GETFL);
	/* without NODELAY KEEPALIVEs may wait for an ACK: slower, still correct */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		log_warn("neighbor %s: TCP_NODELAY: %s", peer_name(s), strerror(errno));
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		log_err("neighbor %s: cannot make its socket non-blocking: %s", peer_name(s), strerror(errno));
		close(fd);
		return -1;
	}
	/* (an outgoing socket had it before connect()) */
	if (!outgoing && set_ttl(s, fd) < 0) {
		log_err("neighbor %s: %s: %s", peer_name(s), s->gtsm ? "GTSM" : "multihop TTL", strerror(errno));
		close(fd);
		return -1;
	}
	if (s->admin_down) {
		close(fd);
		return -1;
	}
	if (!outgoing && now < s->idle_until && !(s->conn[0] && s->conn[0]->state == FSM_ESTABLISHED)) {
		close(fd);
		s->stats.refused_idle++;
		if (log_allowed(&s->failure_log, now))
			log_info("neighbor %s: connection refused: idle hold for %llu s more after %u failed "
			    "connections in a row (RFC 4271 8.1.1)", peer_name(s),
			    (unsigned long long)(s->idle_until - now + 999) / 1000, s->open_failures);
		return -1;
	}
	struct conn *c = conn_new(fd, outgoing);
	struct conn *cur = s->conn[0];
	if (cur && cur->state == FSM_ESTABLISHED && !outgoing && s->caps.graceful_restart) {
		/* RFC 4724 §4.2: a new connection from a restarting peer ends
		 * the old session; its routes are kept as stale meanwhile. */
		set_error(s, "%s", "peer reconnected (graceful restart)");
		drop_conn(s, 0, true, now);
		cur = s->conn[0];
	}
	if (cur && (cur->state == FSM_ESTABLISHED || s->conn[1])) {
		struct bgp_notify n;
		notify_set(&n, ERR_CEASE, ERR_CEASE_COLLISION, NULL, 0);
		s->conn[1] = c;
		if (hooks.fd_added)
			hooks.fd_added(s, c);
		close_conn(s, c, &n, false, now);
		return -1;
	}
	if (cur && cur->state == FSM_CONNECT) {
		drop_conn(s, 0, false, now);      /* incoming wins over our pending connect */
		cur = NULL;
	}
	s->conn[cur ? 1 : 0] = c;
	if (hooks.fd_added)
		hooks.fd_added(s, c);
	c->hold_deadline = now + OPENSENT_HOLD_MS;
	send_open(s, c);
	return 0;
}

/* --- OPEN --------------------------------------------------------------- */

static int check_open(struct session *s, struct conn *c, const struct bgp_open *o, uint64_t now)
{
	uint32_t peer_as = o->caps.as4 ? o->caps.as4_asn : o->my_as;
	if (peer_as != s->asn) {
		uint8_t d[2];
		put_u16(d, o->my_as);
		if (may_log_failure(s, c, now))
			log_warn("neighbor %s: OPEN says AS%u", peer_name(s), peer_as);
		conn_fail(s, c, ERR_OPEN, ERR_OPEN_PEER_AS, d, 2, now);
		return -1;
	}
	if (o->hold_time == 1 || o->hold_time == 2) {
		conn_fail(s, c, ERR_OPEN, ERR_OPEN_HOLDTIME, NULL, 0, now);
		return -1;
	}
	if (o->bgp_id == 0 || o->bgp_id == 0xffffffffu) {
		conn_fail(s, c, ERR_OPEN, ERR_OPEN_BGPID, NULL, 0, now);
		return -1;
	}
	/* RFC 9234 §4.2: our role is route server; a member may only be an
	 * RS client, and in strict mode must say so. */
	if (s->roles != ROLES_OFF && o->caps.role != ROLE_NONE && o->caps.role != ROLE_RS_CLIENT) {
		uint8_t d[3] = { CAPA_ROLE, 1, o->caps.role };
		conn_fail(s, c, ERR_OPEN, ERR_OPEN_ROLE, d, 3, now);
		return -1;
	}
	if (s->roles == ROLES_STRICT && o->caps.role == ROLE_NONE) {
		conn_fail(s, c, ERR_OPEN, ERR_OPEN_ROLE, NULL, 0, now);
		return -1;
	}
	/* RFC 4760 §8: without any MP capability the peer speaks IPv4 unicast. */
	uint8_t fams = o->caps.mp_present ? o->caps.families : (uint8_t)(1u << FAM_IPV4);
	if (!(fams & (1u << session_family(s)))) {
		uint8_t d[6] = { CAPA_MP, 4, 0, family_afi(session_family(s)), 0, SAFI_UNICAST };
		conn_fail(s, c, ERR_OPEN, ERR_OPEN_CAPA, d, 6, now);
		return -1;
	}
	return 0;
}

/* §6.8: keep the connection initiated by the speaker with the higher BGP
 * identifier; close the other with Cease/collision. */
static void resolve_collision(struct session *s, uint32_t peer_id, uint64_t now)
{
	if (!s->conn[0] || !s->conn[1])
		return;
	bool keep_outgoing = s->env->router_id > peer_id;
	int lose = (s->conn[0]->outgoing == keep_outgoing) ? 1 : 0;
	struct bgp_notify n;
	notify_set(&n, ERR_CEASE, ERR_CEASE_COLLISION, NULL, 0);
	log_info("neighbor %s: connection collision, closing the %s connection", peer_name(s),
	    s->conn[lose]->outgoing ? "outgoing" : "incoming");
	close_conn(s, s->conn[lose], &n, false, now);
}

/* The connection's RTT in ms, normalised as arouteserver does its RTT
 * getter's answer (below 1 ms counts as 1, at most 60000); 0 unknown. */
static uint32_t connection_rtt_ms(int fd)
{
	uint32_t us = tcp_min_rtt_us(fd);
	if (us == 0)
		return 0;
	uint32_t ms = (us + 500) / 1000;
	return ms < 1 ? 1 : ms > 60000 ? 60000 : ms;
}

static void negotiate(struct session *s, const struct bgp_open *o)
{
	const struct bgp_caps *p = &o->caps;
	memset(&s->caps, 0, sizeof(s->caps));
	s->caps.families = (uint8_t)(1u << session_family(s));
	s->caps.route_refresh = p->route_refresh;
	s->caps.enhanced_rr = p->enhanced_rr;
	s->caps.ext_message = p->ext_message;
	s->caps.as4 = p->as4;
	s->caps.as4_asn = p->as4_asn;
	s->caps.graceful_restart = p->graceful_restart;
	s->caps.gr_time = p->gr_time;
	s->caps.gr_families = p->gr_families;
	s->caps.role = p->role;
	s->addpath_tx = 0;
	enum family f = session_family(s);
	if (s->add_path && (p->addpath[f] & ADDPATH_RECEIVE))
		s->addpath_tx = (uint8_t)(1u << f);
	s->role_negotiated = s->roles != ROLES_OFF && p->role == ROLE_RS_CLIENT;
	s->max_msg = s->caps.ext_message ? BGP_MAX_EXT_MSG : BGP_MAX_MSG;
	uint16_t hold = o->hold_time < s->env->hold_time ? o->hold_time : s->env->hold_time;
	s->hold_time = hold;
	s->keepalive = hold / 3;
	s->peer_bgp_id = o->bgp_id;
}

static void on_open(struct session *s, struct conn *c, const uint8_t *body, size_t len, uint64_t now)
{
	struct bgp_notify err;
	if (c->state != FSM_OPENSENT) {
		conn_fail(s, c, ERR_FSM, c->state == FSM_OPENCONFIRM ? 2 : 3, NULL, 0, now);
		return;
	}
	if (bgp_open_decode(body, len, &c->peer_open, &err) < 0) {
		set_error(s, "bad OPEN: %s", notify_code_str(err.code, err.subcode));
		if (may_log_failure(s, c, now))
			log_warn("neighbor %s: bad OPEN (%s)", peer_name(s), notify_code_str(err.code, err.subcode));
		close_conn(s, c, &err, false, now);
		return;
	}
	if (check_open(s, c, &c->peer_open, now) < 0)
		return;
	c->state = FSM_OPENCONFIRM;
	uint32_t peer_id = c->peer_open.bgp_id;
	resolve_collision(s, peer_id, now);
	if (s->conn[0] != c && s->conn[1] != c)
		return;     /* this one lost the collision */
	uint16_t hold = c->peer_open.hold_time < s->env->hold_time ? c->peer_open.hold_time : s->env->hold_time;
	c->hold_deadline = hold ? now + (uint64_t)hold * 1000 : 0;
	send_keepalive(s, c, now);
}

static void become_established(struct session *s, struct conn *c, uint64_t now)
{
	if (s->conn[1] == c) {      /* the surviving connection becomes [0] */
		s->conn[1] = s->conn[0];
		s->conn[0] = c;
	}
	negotiate(s, &c->peer_open);
	c->state = FSM_ESTABLISHED;
	s->stats.established++;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == 0)
		ip_addr_from_sockaddr(&ss, &s->local);
	archive_state(s, 5, 6);          /* OpenConfirm -> Established */
	c->hold_deadline = s->hold_time ? now + (uint64_t)s->hold_time * 1000 : 0;
	c->keepalive_due = s->keepalive ? now + (uint64_t)s->keepalive * 1000 : 0;
	static uint32_t next_gen;     /* unique across sessions and reloads */
	s->gen = ++next_gen;
	s->since = wall_now();
	s->last_error[0] = '\0';
	s->connect_at = 0;
	s->open_failures = 0;
	s->idle_until = 0;
	s->output_paused = false;
	s->rtt_ms = connection_rtt_ms(c->fd);
	struct ipc_peer_up up = { 0 };
	up.bgp_id = s->peer_bgp_id;
	up.asn = s->asn;
	up.caps = s->caps;
	up.addpath_tx = s->addpath_tx;
	up.role_negotiated = s->role_negotiated;
	up.rtt_ms = s->rtt_ms;
	post_to_rde(s, IPC_PEER_UP, &up, sizeof(up));
	log_info("neighbor %s: session established (hold %us, rtt %u ms%s%s%s)", peer_name(s),
	    s->hold_time, s->rtt_ms, s->caps.as4 ? ", as4" : "", s->addpath_tx ? ", add-path tx" : "",
	    s->role_negotiated ? ", role rs-client" : "");
}

/* --- received messages ----------------------------------------------------- */

static void on_notification(struct session *s, struct conn *c, const uint8_t *body, size_t len,
    uint64_t now)
{
	struct bgp_notify n;
	char msg[300] = "";
	if (bgp_notification_decode(body, len, &n) == 0) {
		s->stats.notify_in_code[n.code < SESSION_NOTIFY_CODES ? n.code : 0]++;
		char text[256];
		if (bgp_notification_shutdown_msg(&n, text, sizeof(text)) == 0)
			snprintf(msg, sizeof(msg), ": \"%s\"", text);
		snprintf(s->last_error, sizeof(s->last_error), "received NOTIFICATION %u/%u: %s%s",
		    n.code, n.subcode, notify_code_str(n.code, n.subcode), msg);
	} else {
		set_error(s, "%s", "received a truncated NOTIFICATION");
	}
	if (may_log_failure(s, c, now))
		log_warn("neighbor %s: %s", peer_name(s), s->last_error);
	close_conn(s, c, NULL, false, now);
}

static void on_route_refresh(struct session *s, struct conn *c, const uint8_t *body, size_t len,
    uint64_t now)
{
	uint16_t afi;
	uint8_t safi, subtype;
	if (bgp_route_refresh_decode(body, len, &afi, &safi, &subtype) < 0) {
		/* RFC 7313 §5: an unknown subtype is ignored whatever its length;
		 * for the others the data is the complete message, whose header
		 * precedes the body in the read buffer. */
		if (len >= 3 && body[2] > RR_END) {
			log_info("neighbor %s: ignoring ROUTE-REFRESH subtype %u of %zu octets",
			    peer_name(s), body[2], len);
			return;
		}
		conn_fail(s, c, ERR_ROUTE_REFRESH, ERR_RR_INVALID_LEN, body - BGP_HEADER_LEN,
		    len + BGP_HEADER_LEN, now);
		return;
	}
	int fam = family_from_afi_safi(afi, safi);
	if (!s->caps.route_refresh || fam < 0 || !(s->caps.families & (1u << fam)) || subtype > RR_END) {
		/* RFC 2918 §4 / RFC 7313 §5: ignore what was not negotiated. */
		log_info("neighbor %s: ignoring ROUTE-REFRESH AFI %u SAFI %u subtype %u", peer_name(s),
		    afi, safi, subtype);
		return;
	}
	struct ipc_refresh r = { (uint8_t)fam, subtype };
	post_to_rde(s, IPC_REFRESH, &r, sizeof(r));
}

/* Handles one complete message; returns -1 if the connection is gone. */
static int handle_message(struct session *s, struct conn *c, uint8_t type, const uint8_t *body,
    size_t len, uint64_t now)
{
	s->stats.msgs_in++;
	if (c->state == FSM_ESTABLISHED && s->hold_time)
		c->hold_deadline = now + (uint64_t)s->hold_time * 1000;
	switch (type) {
	case BGP_OPEN:
		on_open(s, c, body, len, now);
		break;
	case BGP_KEEPALIVE:
		if (c->state == FSM_OPENCONFIRM)
			become_established(s, c, now);
		else if (c->state != FSM_ESTABLISHED) {
			conn_fail(s, c, ERR_FSM, 1, NULL, 0, now);
			return -1;
		}
		break;
	case BGP_NOTIFICATION:
		s->stats.notifications_in++;
		on_notification(s, c, body, len, now);
		return -1;
	case BGP_UPDATE:
		if (c->state != FSM_ESTABLISHED) {
			conn_fail(s, c, ERR_FSM, c->state == FSM_OPENSENT ? 1 : 2, NULL, 0, now);
			return -1;
		}
		s->stats.updates_in++;
		archive_message(s, BGP_UPDATE, body, len);
		post_to_rde(s, IPC_UPDATE, body, len);
		break;
	case BGP_ROUTE_REFRESH:
		if (c->state != FSM_ESTABLISHED) {
			conn_fail(s, c, ERR_FSM, c->state == FSM_OPENSENT ? 1 : 2, NULL, 0, now);
			return -1;
		}
		on_route_refresh(s, c, body, len, now);
		break;
	}
	return (s->conn[0] == c || s->conn[1] == c) ? 0 : -1;
}

/* Frames and handles complete messages in c->rbuf. */
static int process_input(struct session *s, struct conn *c, uint64_t now)
{
	size_t off = 0;
	int rc = 0;
	while (c->rlen - off >= BGP_HEADER_LEN) {
		uint8_t type;
		uint16_t len;
		struct bgp_notify err;
		size_t max = c->state == FSM_ESTABLISHED ? s->max_msg : BGP_MAX_MSG;
		if (c->state == FSM_ESTABLISHED && s->env->input_paused)
			break;      /* the RDE is behind; TCP pushes back on the member */
		if (bgp_header_check(c->rbuf + off, max, &type, &len, &err) < 0) {
			set_error(s, "bad message header: %s", notify_code_str(err.code, err.subcode));
			if (may_log_failure(s, c, now))
				log_warn("neighbor %s: %s", peer_name(s), s->last_error);
			close_conn(s, c, &err, false, now);
			return -1;
		}
		if (c->rlen - off < len)
			break;
		rc = handle_message(s, c, type, c->rbuf + off + BGP_HEADER_LEN, len - BGP_HEADER_LEN, now);
		if (rc < 0)
			return -1;
		off += len;
	}
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return 0;
}

int session_on_readable(struct session *s, struct conn *c, uint64_t now)
{
	for (;;) {
		if (c->rlen == c->rcap) {
			if (process_input(s, c, now) < 0)
				return -1;
			if (c->rlen == c->rcap)
				return 0;      /* paused: leave the rest in the socket */
		}
		ssize_t n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
		if (n > 0) {
			c->rlen += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return process_input(s, c, now);
		if (process_input(s, c, now) < 0)
			return -1;
		set_error(s, "%s", n == 0 ? "connection closed by peer" : strerror(errno));
		if (c->state != FSM_ESTABLISHED && may_log_failure(s, c, now))
			log_info("neighbor %s: %s in state %s", peer_name(s), s->last_error,
			    fsm_state_name(c->state));
		close_conn(s, c, NULL, true, now);
		return -1;
	}
}

/* --- timers and active open ------------------------------------------------ */

static void try_connect(struct session *s, uint64_t now)
{
	struct sockaddr_storage ss;
	socklen_t sl = ip_addr_to_sockaddr(&s->addr, s->env->port, &ss);
	int af = s->addr.family;
	s->connect_at = now + (uint64_t)s->env->connect_retry * 1000;
	int fd = socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (s->password[0] && tcp_md5_set(fd, &s->addr, s->password) < 0) {
		set_error(s, "TCP-MD5 key: %s", tcp_md5_strerror(errno));
		log_warn("neighbor %s: cannot sign the connection: %s", peer_name(s), tcp_md5_strerror(errno));
		close(fd);
		return;
	}
	if (set_ttl(s, fd) < 0) {
		log_warn("neighbor %s: %s: %s", peer_name(s), s->gtsm ? "GTSM" : "multihop TTL", strerror(errno));
		close(fd);
		return;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		set_error(s, "connect: %s", strerror(errno));
		close(fd);
		return;
	}
	struct conn *c = conn_new(fd, true);
	c->state = FSM_CONNECT;
	c->hold_deadline = now + (uint64_t)s->env->connect_retry * 1000;   /* connect timeout */
	s->conn[0] = c;
	if (hooks.fd_added)
		hooks.fd_added(s, c);
	if (hooks.want_write)
		hooks.want_write(s, c, true);
}

/* Called when an outgoing connect() finishes (socket writable). */
static void connect_done(struct session *s, struct conn *c, uint64_t now)
{
	int err = 0;
	socklen_t el = sizeof(err);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
	if (err) {
		set_error(s, "connect: %s", strerror(err));
		close_conn(s, c, NULL, false, now);
		return;
	}
	c->hold_deadline = now + OPENSENT_HOLD_MS;
	send_open(s, c);
}

int session_conn_writable(struct session *s, struct conn *c, uint64_t now)
{
	if (c->state == FSM_CONNECT) {
		connect_done(s, c, now);
		return 0;
	}
	return session_on_writable(s, c);
}

static uint64_t min_deadline(uint64_t a, uint64_t b) { return (a == 0 || (b && b < a)) ? b : a; }

/* How long a member may take no byte of what is queued for it.  It sends
 * KEEPALIVEs, so its hold timer alone would keep a member that never reads
 * forever, its queue growing with every change of the table. */
static uint64_t stall_limit_ms(const struct session *s)
{
	return (uint64_t)(s->hold_time ? s->hold_time : SESSION_STALL_DEFAULT_S) * 1000;
}

/* Drops the connection (Cease, out of resources) if its output has not
 * moved for the stall limit.  True if it did. */
static bool output_stalled(struct session *s, struct conn *c, uint64_t now)
{
	if (!c->oq_head || c->state != FSM_ESTABLISHED || now < c->oq_progress_ms + stall_limit_ms(s))
		return false;
	struct bgp_notify n;
	notify_set(&n, ERR_CEASE, ERR_CEASE_RESOURCES, NULL, 0);
	snprintf(s->last_error, sizeof(s->last_error), "took no byte for %llu s (%zu bytes queued)",
	    (unsigned long long)(stall_limit_ms(s) / 1000), c->oq_bytes);
	log_warn("neighbor %s: %s: session dropped", peer_name(s), s->last_error);
	close_conn(s, c, &n, false, now);
	return true;
}

uint64_t session_tick(struct session *s, uint64_t now)
{
	uint64_t next = 0;
	for (int i = 1; i >= 0; i--) {
		struct conn *c = s->conn[i];
		if (!c)
			continue;
		if (c->state == FSM_ESTABLISHED && s->env->input_paused && s->hold_time)
			c->hold_deadline = now + (uint64_t)s->hold_time * 1000;
		if (c->hold_deadline && now >= c->hold_deadline && c->state != FSM_CONNECT &&
		    !s->env->input_paused) {
			/* Data already waiting in the socket (we were descheduled)
			 * proves the peer alive: read it before judging. */
			if (session_on_readable(s, c, now) < 0 || s->conn[i] != c)
				continue;
		}
		if (c->hold_deadline && now >= c->hold_deadline) {
			if (c->state == FSM_CONNECT) {
				set_error(s, "%s", "connect timed out");
				close_conn(s, c, NULL, false, now);
			} else {
				struct bgp_notify n;
				notify_set(&n, ERR_HOLD_TIMER, 0, NULL, 0);
				set_error(s, "%s", "hold timer expired");
				log_warn("neighbor %s: hold timer expired", peer_name(s));
				/* We send a NOTIFICATION: not a graceful-restart case (RFC 4724 §4.2) */
				close_conn(s, c, &n, false, now);
			}
			continue;
		}
		if (output_stalled(s, c, now))
			continue;
		if (c->keepalive_due && now >= c->keepalive_due)
			send_keepalive(s, c, now);
		next = min_deadline(next, c->hold_deadline);
		if (c->oq_head)
			next = min_deadline(next, c->oq_progress_ms + stall_limit_ms(s));
		next = min_deadline(next, c->keepalive_due);
	}
	if (s->gshut_down_at) {
		if (now >= s->gshut_down_at) {
			s->gshut_down_at = 0;
			session_admin_down(s, s->gshut_message[0] ? s->gshut_message : NULL, now);
		} else {
			next = min_deadline(next, s->gshut_down_at);
		}
	}
	if (s->admin_down && s->down_until) {
		if (now >= s->down_until)
			session_admin_up(s, now);
		else
			next = min_deadline(next, s->down_until);
	}
	if (!s->conn[0] && initiates(s) && !s->admin_down && s->connect_at && now >= s->connect_at)
		try_connect(s, now);
	if (!s->conn[0])
		next = min_deadline(next, s->connect_at);
	return next;
}

/* --- administrative actions --------------------------------------------- */

void session_admin_down(struct session *s, const char *message, uint64_t now)
{
	struct bgp_notify n;
	notify_set_shutdown(&n, ERR_CEASE_ADMIN_DOWN, message);
	s->admin_down = true;
	session_close(s, &n, "administratively down", now);
	s->connect_at = 0;
	s->since = wall_now();
}

void session_graceful_down(struct session *s, const char *message, uint64_t wait_ms, uint64_t now)
{
	snprintf(s->gshut_message, sizeof(s->gshut_message), "%s", message ? message : "");
	s->gshut_down_at = now + wait_ms;
}

void session_max_prefix_down(struct session *s, const struct bgp_notify *n, uint32_t minutes,
    uint64_t now)
{
	log_warn("neighbor %s: max-prefix limit reached: session %s", peer_name(s),
	    minutes ? "down, restarts later" : "shut down until `ixpctl neighbor ... up`");
	s->admin_down = true;
	session_close(s, n, minutes ? "max-prefix limit reached (restart pending)" :
	    "max-prefix limit reached (shut down)", now);
	s->down_until = minutes ? now + (uint64_t)minutes * 60000 : 0;
	s->connect_at = 0;
	s->since = wall_now();
}

void session_admin_up(struct session *s, uint64_t now)
{
	s->admin_down = false;
	s->down_until = 0;
	s->gshut_down_at = 0;
	s->last_error[0] = '\0';
	s->connect_at = initiates(s) ? now : 0;
}

int session_request_refresh(struct session *s)
{
	struct conn *c = s->conn[0];
	if (!c || c->state != FSM_ESTABLISHED || !s->caps.route_refresh)
		return -1;
	struct wbuf w = { 0 };
	bgp_route_refresh_encode(&w, session_family(s), RR_NORMAL);
	conn_send_bytes(s, c, &w);
	wbuf_free(&w);
	return 0;
}

void session_free(struct session *s)
{
	if (!s->last_error[0])
		set_error(s, "%s", "session deleted");
	for (int i = 1; i >= 0; i--)
		if (s->conn[i])
			drop_conn(s, i, false, now_ms());
	free(s->description);
	free(s);
}
