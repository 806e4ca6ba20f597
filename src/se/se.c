/* SPDX-License-Identifier: ISC */
#include "se.h"

/* RFC 8326: how long routes of a gracefully shut down member stay with
 * LOCAL_PREF 0 before the session goes down -- time for the other members
 * to move to alternative paths before the routes disappear. */
#define GSHUT_WAIT_S 20

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ctl_reply.h"
#include "gtsm.h"
#include "log.h"
#include "monotime.h"
#include "tcp_md5.h"
#include "xalloc.h"

/* RDE input backlog (bytes of UPDATEs) at which reading pauses/resumes. */
#define INPUT_HIGH_WATER (64u << 20)
#define INPUT_LOW_WATER  (16u << 20)
#define TICK_MS 100

enum tag_kind { TAG_CONN = 1, TAG_LISTEN = 2, TAG_QUEUE = 3 };

static struct se *the_se;       /* for the session hooks */

static uint64_t tag(enum tag_kind kind, uint32_t id, int fd)
{
	return (uint64_t)kind << 60 | (uint64_t)id << 32 | (uint32_t)fd;
}

static void hook_fd_added(struct session *s, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET };
	ev.data.u64 = tag(TAG_CONN, s->id, c->fd);
	if (epoll_ctl(the_se->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		fatal("SE: epoll_ctl add");
}

static void hook_fd_removed(struct session *s, struct conn *c)
{
	(void)s;
	if (epoll_ctl(the_se->epfd, EPOLL_CTL_DEL, c->fd, NULL) < 0)
		fatal("SE: epoll_ctl del");
}

static const struct session_hooks se_hooks = { hook_fd_added, hook_fd_removed, NULL };

/* --- listening and accepting ----------------------------------------------- */

static int open_listener(struct se *se, const struct ip_addr *a, uint16_t port, char *err,
    size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int af = a ? a->family : AF_INET6, one = 1, zero = 0;
	int fd = socket(af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	/* no address: the dual stack wildcard, IPv4 peers as mapped addresses */
	struct ip_addr any = { .family = AF_INET6, .u.v6 = IN6ADDR_ANY_INIT };
	sl = ip_addr_to_sockaddr(a ? a : &any, port, &ss);
	if (af == AF_INET6)
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, a ? &one : &zero, sizeof(one)) < 0)
			goto fail;
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	se->listen_addrs[se->nlisten] = a ? *a : (struct ip_addr){ 0 };
	se->listen_fds[se->nlisten++] = fd;
	return 0;
fail:;
	char as[INET6_ADDRSTRLEN] = "::";
	if (a)
		ip_addr_str(a, as, sizeof(as));
	snprintf(err, errlen, "cannot listen on [%s]:%u: %s", as, port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* IPC_LISTEN: the members' TCP-MD5 keys are on the bound sockets now, so
 * no SYN-ACK of a signed session leaves unsigned. */
static void start_listening(struct se *se)
{
	for (int i = 0; i < se->nlisten; i++) {
		int fd = se->listen_fds[i];
		struct epoll_event ev = { .events = EPOLLIN };
		ev.data.u64 = tag(TAG_LISTEN, 0, fd);
		if (listen(fd, 128) < 0 || epoll_ctl(se->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
			fatal("SE: listen");
	}
}

static struct session *find_session(struct se *se, const struct ip_addr *a)
{
	for (uint32_t i = 0; i < se->nsessions; i++)
		if (se->sessions[i] && ip_addr_equal(&se->sessions[i]->addr, a))
			return se->sessions[i];
	return NULL;
}

static void accept_all(struct se *se, int lfd)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct ip_addr a;
		char as[INET6_ADDRSTRLEN];
		ip_addr_from_sockaddr(&ss, &a);
		struct session *s = find_session(se, &a);
		if (!s) {
			close(fd);
			if (log_allowed(&se->unknown_log, now_ms()))
				log_info("connection from unknown address %s refused", ip_addr_str(&a, as, sizeof(as)));
			continue;
		}
		session_attach(s, fd, false, now_ms());
	}
}

/* --- messages from the RDE and the control socket -------------------------- */

static struct session *session_by_id(struct se *se, uint32_t id)
{
	return id < se->nsessions ? se->sessions[id] : NULL;
}

static void do_send(struct se *se, const struct ipc_msg *m)
{
	for (uint32_t i = 0; i < m->n_targets; i++) {
		struct session *s = session_by_id(se, m->targets[i].peer);
		if (s && s->gen == m->targets[i].gen) {
			s->stats.updates_out++;
			session_send_shared(s, m->msg);
		}
	}
}

static json_t *neighbor_json(const struct session *s)
{
	char buf[INET6_ADDRSTRLEN];
	json_t *o = json_object();
	bool up = session_state(s) == FSM_ESTABLISHED;
	json_object_set_new(o, "address", json_string(ip_addr_str(&s->addr, buf, sizeof(buf))));
	json_object_set_new(o, "asn", json_integer(s->asn));
	json_object_set_new(o, "description", s->description ? json_string(s->description) : json_null());
	json_object_set_new(o, "state", json_string(fsm_state_name(session_state(s))));
	json_object_set_new(o, "since", json_integer(s->since));
	json_object_set_new(o, "admin_down", json_boolean(s->admin_down));
	json_object_set_new(o, "last_error", s->last_error[0] ? json_string(s->last_error) : json_null());
	uint64_t now = now_ms();
	json_object_set_new(o, "idle_hold_s", json_integer(s->idle_until > now ? (json_int_t)((s->idle_until - now + 999) / 1000) : 0));
	json_object_set_new(o, "failed_opens", json_integer((json_int_t)s->stats.failed_opens));
	json_object_set_new(o, "refused_during_idle_hold", json_integer((json_int_t)s->stats.refused_idle));
	json_object_set_new(o, "output_paused", json_boolean(up && s->output_paused));
	json_object_set_new(o, "output_pauses", json_integer((json_int_t)s->stats.output_pauses));
	json_object_set_new(o, "hold_time", json_integer(up ? s->hold_time : s->env->hold_time));
	json_object_set_new(o, "keepalive", json_integer(up ? s->keepalive : s->env->hold_time / 3));
	json_object_set_new(o, "rtt_ms", up && s->rtt_ms ? json_integer(s->rtt_ms) : json_null());
	json_t *caps = json_object();
	json_t *fams = json_array();
	if (up)
		json_array_append_new(fams, json_string(family_name(session_family(s))));
	json_object_set_new(caps, "families", fams);
	json_object_set_new(caps, "as4", json_boolean(up && s->caps.as4));
	json_object_set_new(caps, "route_refresh", json_boolean(up && s->caps.route_refresh));
	json_object_set_new(caps, "enhanced_route_refresh", json_boolean(up && s->caps.enhanced_rr));
	json_object_set_new(caps, "extended_message", json_boolean(up && s->caps.ext_message));
	json_object_set_new(caps, "add_path_tx", json_boolean(up && s->addpath_tx));
	json_object_set_new(caps, "graceful_restart", json_boolean(up && s->caps.graceful_restart));
	json_object_set_new(caps, "role", up && s->role_negotiated ? json_string("rs-client") : json_null());
	json_object_set_new(o, "capabilities", caps);
	json_t *msgs = json_object();
	json_object_set_new(msgs, "received", json_integer((json_int_t)s->stats.msgs_in));
	json_object_set_new(msgs, "sent", json_integer((json_int_t)s->stats.msgs_out));
	json_object_set_new(msgs, "updates_received", json_integer((json_int_t)s->stats.updates_in));
	json_object_set_new(msgs, "updates_sent", json_integer((json_int_t)s->stats.updates_out));
	json_object_set_new(msgs, "notifications_received", json_integer((json_int_t)s->stats.notifications_in));
	json_object_set_new(msgs, "notifications_sent", json_integer((json_int_t)s->stats.notifications_out));
	json_t *by_code = json_object();
	for (int k = 0; k < SESSION_NOTIFY_CODES; k++) {
		char code[4];
		snprintf(code, sizeof(code), "%d", k);
		if (s->stats.notify_in_code[k] || s->stats.notify_out_code[k])
			json_object_set_new(by_code, code, json_pack("{s:I, s:I}",
			    "received", (json_int_t)s->stats.notify_in_code[k], "sent", (json_int_t)s->stats.notify_out_code[k]));
	}
	json_object_set_new(msgs, "notifications_by_code", by_code);
	json_object_set_new(o, "messages", msgs);
	json_object_set_new(o, "established_count", json_integer((json_int_t)s->stats.established));
	json_object_set_new(o, "output_queue_bytes", json_integer(s->conn[0] ? (json_int_t)s->conn[0]->oq_bytes : 0));
	return o;
}

static void control(struct se *se, const struct ipc_msg *m)
{
	const struct ctl_request *req = (const struct ctl_request *)m->body;
	char buf[INET6_ADDRSTRLEN], text[300];
	if (req->command == CTL_CMD_SHOW_NEIGHBORS) {
		json_t *a = json_array();
		for (uint32_t i = 0; i < se->nsessions; i++)
			if (se->sessions[i])
				json_array_append_new(a, neighbor_json(se->sessions[i]));
		json_t *res = json_object();
		json_object_set_new(res, "neighbors", a);
		control_reply(se->to_main, m->client, res, NULL);
		return;
	}
	struct session *s = find_session(se, &req->address);
	if (!s) {
		snprintf(text, sizeof(text), "no neighbor %s", ip_addr_str(&req->address, buf, sizeof(buf)));
		control_reply(se->to_main, m->client, NULL, text);
		return;
	}
	ip_addr_str(&s->addr, buf, sizeof(buf));
	switch (req->command) {
	case CTL_CMD_SHOW_NEIGHBOR: {
		json_t *res = json_object();
		json_object_set_new(res, "neighbor", neighbor_json(s));
		control_reply(se->to_main, m->client, res, NULL);
		return;
	}
	case CTL_CMD_NEIGHBOR_DOWN:
		if (req->graceful && s->conn[0] && session_state(s) == FSM_ESTABLISHED) {
			ipc_push(se->to_rde, ipc_msg_new(IPC_PEER_GSHUT, s->id, s->gen, NULL, 0));
			session_graceful_down(s, req->message, GSHUT_WAIT_S * 1000, now_ms());
			snprintf(text, sizeof(text), "neighbor %s: graceful shutdown: its routes now carry "
			    "GRACEFUL_SHUTDOWN; the session goes down in %d s", buf, GSHUT_WAIT_S);
			log_info("%s (operator)", text);
			break;
		}
		session_admin_down(s, req->message[0] ? req->message : NULL, now_ms());
		snprintf(text, sizeof(text), "neighbor %s disabled", buf);
		log_info("%s by the operator", text);
		break;
	case CTL_CMD_NEIGHBOR_UP:
		session_admin_up(s, now_ms());
		snprintf(text, sizeof(text), "neighbor %s enabled", buf);
		log_info("%s by the operator", text);
		break;
	case CTL_CMD_NEIGHBOR_REFRESH:
		if (session_request_refresh(s) < 0) {
			snprintf(text, sizeof(text), "neighbor %s: not established or no route refresh capability", buf);
			control_reply(se->to_main, m->client, NULL, text);
			return;
		}
		snprintf(text, sizeof(text), "route refresh requested from neighbor %s", buf);
		break;
	default:
		control_reply(se->to_main, m->client, NULL, "not a session command");
		return;
	}
	json_t *res = json_object();
	json_object_set_new(res, "message", json_string(text));
	control_reply(se->to_main, m->client, res, NULL);
}

/* The peer's TCP-MD5 key on every listener that can accept it (key "":
 * removed).  A failure is logged with its remedy: the member's sessions
 * inbound would not be signed. */
static void listener_keys(struct se *se, const struct ip_addr *peer, const char *key)
{
	for (int i = 0; i < se->nlisten; i++) {
		const struct ip_addr *l = &se->listen_addrs[i];
		if (l->family && l->family != peer->family)
			continue;        /* (family 0: the dual-stack wildcard) */
		if (tcp_md5_set(se->listen_fds[i], peer, key) < 0 && key[0]) {
			char a[INET6_ADDRSTRLEN];
			log_err("TCP-MD5: cannot install the key of %s on the listener: %s", ip_addr_str(peer, a, sizeof(a)),
			    tcp_md5_strerror(errno));
		}
	}
}

/* A GTSM member's SYN-ACK must leave with TTL 255: the listeners that can
 * accept it send with 255 from now on (harmless for the others, which
 * accept any TTL). */
static void listener_gtsm(struct se *se, const struct ip_addr *peer)
{
	for (int i = 0; i < se->nlisten; i++) {
		const struct ip_addr *l = &se->listen_addrs[i];
		if ((!l->family || l->family == peer->family) && gtsm_set(se->listen_fds[i], peer->family, 1, false) < 0)
			log_err("GTSM: cannot set TTL 255 on a listener: %s", strerror(errno));
	}
}

/* Reload: a changed peer's session restarts, a removed one ends. */
static void reconfigure(struct se *se, const struct ipc_msg *m)
{
	struct session *s = session_by_id(se, m->peer);
	const struct ipc_peer_session *ps = m->type == IPC_PEER_ADD ? (const struct ipc_peer_session *)m->body : NULL;
	uint64_t now = now_ms();
	if (s && (!ps || strcmp(s->password, ps->password) != 0)) {
		if (ps && s->password[0] != ps->password[0])
			log_info("neighbor %s: TCP-MD5 %s: the session restarts with it", log_peer_name(&s->addr, s->asn),
			    ps->password[0] ? "key set" : "key removed");
		else if (ps)
			log_info("neighbor %s: TCP-MD5 key changed: the session restarts with it", log_peer_name(&s->addr, s->asn));
		listener_keys(se, &s->addr, "");
	}
	if (ps && ps->password[0] && (!s || strcmp(s->password, ps->password) != 0))
		listener_keys(se, &ps->addr, ps->password);
	if (ps && ps->gtsm)
		listener_gtsm(se, &ps->addr);
	if (s) {
		struct bgp_notify n;
		bool removed = m->type == IPC_PEER_REMOVE;
		notify_set(&n, ERR_CEASE, removed ? ERR_CEASE_PEER_UNCONF : ERR_CEASE_CONFIG_CHANGE, NULL, 0);
		session_close(s, &n, removed ? "peer de-configured" : "configuration changed", now);
		session_free(s);
		se->sessions[m->peer] = NULL;
	}
	if (m->type == IPC_PEER_ADD && m->peer >= MAX_PEERS)
		fatalx("SE: peer id %u beyond the table of %u", m->peer, MAX_PEERS);
	if (m->type == IPC_PEER_ADD) {
		se->sessions[m->peer] = session_new(m->peer, &se->env, (const struct ipc_peer_session *)m->body);
		if (m->peer >= se->nsessions)
			se->nsessions = m->peer + 1;
	}
}

static void handle_queue(struct se *se)
{
	for (struct ipc_msg *m = ipc_take_all(se->in), *next; m; m = next) {
		next = m->next;
		struct session *s = session_by_id(se, m->peer);
		switch (m->type) {
		case IPC_SEND:
			do_send(se, m);
			break;
		case IPC_RESET: {
			const struct ipc_reset *r = (const struct ipc_reset *)m->body;
			if (!s || s->gen != m->gen)
				break;
			if (r->max_prefix)
				session_max_prefix_down(s, &r->notify, r->down_minutes, now_ms());
			else
				session_close(s, &r->notify, "UPDATE error (RFC 7606 session reset)", now_ms());
			break;
		}
		case IPC_CONTROL:
			control(se, m);
			break;
		case IPC_PEER_ADD:
		case IPC_PEER_REMOVE:
			reconfigure(se, m);
			break;
		case IPC_LISTEN:
			start_listening(se);
			break;
		case IPC_SETTINGS: {
			const struct ipc_settings *st = (const struct ipc_settings *)m->body;
			se->env.hold_time = st->hold_time;
			se->env.connect_retry = st->connect_retry;
			break;
		}
		default:
			break;
		}
		ipc_done(se->in, m);
		ipc_msg_free(m);
	}
}

/* --- the loop --------------------------------------------------------------- */

static struct conn *conn_by_fd(struct session *s, int fd)
{
	for (int i = 0; i < 2; i++)
		if (s->conn[i] && s->conn[i]->fd == fd)
			return s->conn[i];
	return NULL;
}

static void handle_conn_event(struct se *se, uint64_t data, uint32_t events)
{
	struct session *s = session_by_id(se, (uint32_t)(data >> 32) & 0x0fffffff);
	int fd = (int)(uint32_t)data;
	uint64_t now = now_ms();
	struct conn *c = s ? conn_by_fd(s, fd) : NULL;
	if (!c)
		return;
	if (events & EPOLLOUT) {
		session_conn_writable(s, c, now);
		if (!(c = conn_by_fd(s, fd)))
			return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		session_on_readable(s, c, now);
}

static void update_input_pause(struct se *se)
{
	size_t backlog = ipc_queued_bytes(se->to_rde);
	bool was = se->env.input_paused;
	if (!was && backlog > INPUT_HIGH_WATER) {
		se->env.input_paused = true;
		log_info("route processing is behind (%zu MB queued): pausing UPDATE input", backlog >> 20);
	} else if (was && backlog < INPUT_LOW_WATER) {
		se->env.input_paused = false;
		uint64_t now = now_ms();
		/* Edge-triggered sockets: read what arrived while paused. */
		for (uint32_t i = 0; i < se->nsessions; i++) {
			struct session *s = se->sessions[i];
			if (s && s->conn[0] && s->conn[0]->state == FSM_ESTABLISHED)
				session_on_readable(s, s->conn[0], now);
		}
	}
}

static void flush_output(struct se *se)
{
	for (uint32_t i = 0; i < se->nsessions; i++) {
		struct session *s = se->sessions[i];
		for (int k = 0; s && k < 2; k++)
			if (s->conn[k] && s->conn[k]->oq_head && s->conn[k]->state != FSM_CONNECT)
				session_on_writable(s, s->conn[k]);
	}
}

static void *se_main(void *arg)
{
	struct se *se = arg;
	uint64_t last_tick = 0;
	while (!atomic_load(&se->stop)) {
		struct epoll_event evs[64];
		int n = epoll_wait(se->epfd, evs, 64, se->env.input_paused ? TICK_MS / 2 : TICK_MS);
		for (int i = 0; i < n; i++) {
			uint64_t d = evs[i].data.u64;
			switch (d >> 60) {
			case TAG_LISTEN: accept_all(se, (int)(uint32_t)d); break;
			case TAG_QUEUE: handle_queue(se); break;
			case TAG_CONN: handle_conn_event(se, d, evs[i].events); break;
			}
		}
		update_input_pause(se);
		flush_output(se);
		uint64_t now = now_ms();
		if (now - last_tick >= TICK_MS) {
			last_tick = now;
			for (uint32_t i = 0; i < se->nsessions; i++)
				if (se->sessions[i])
					session_tick(se->sessions[i], now);
		}
	}
	return NULL;
}

int se_start(struct se *se, const struct se_settings *set, struct ipc_queue *in,
    struct ipc_queue *to_rde, struct ipc_queue *to_main, char *err, size_t errlen)
{
	if (set->nlisten > SE_MAX_LISTEN) {
		snprintf(err, errlen, "%d listen addresses: at most %d", set->nlisten, SE_MAX_LISTEN);
		return -1;
	}
	the_se = se;
	session_set_hooks(&se_hooks);
	se->in = in;
	se->to_rde = to_rde;
	se->to_main = to_main;
	se->env = (struct session_env){ .local_as = set->local_as, .router_id = set->router_id,
		.hold_time = set->hold_time, .connect_retry = set->connect_retry, .port = set->port,
		.to_rde = to_rde, .to_archive = set->archive,
		.restarting_until = set->restarting ? now_ms() + GR_RESTART_TIME_S * 1000ull : 0 };
	if ((se->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		snprintf(err, errlen, "SE: epoll_create1: %s", strerror(errno));
		return -1;
	}
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.u64 = tag(TAG_QUEUE, 0, in->efd);
	if (epoll_ctl(se->epfd, EPOLL_CTL_ADD, in->efd, &ev) < 0) {
		snprintf(err, errlen, "SE: epoll_ctl: %s", strerror(errno));
		return -1;
	}
	if (set->nlisten == 0 && open_listener(se, NULL, set->port, err, errlen) < 0)
		return -1;
	for (int i = 0; i < set->nlisten; i++)
		if (open_listener(se, &set->listen[i], set->port, err, errlen) < 0)
			return -1;
	return pthread_create(&se->thread, NULL, se_main, se);
}

void se_stop(struct se *se, bool graceful_restart)
{
	atomic_store(&se->stop, true);
	pthread_join(se->thread, NULL);
	uint64_t now = now_ms();
	for (uint32_t i = 0; i < se->nsessions; i++) {
		struct session *s = se->sessions[i];
		if (!s)
			continue;
		struct bgp_notify n;
		notify_set_shutdown(&n, ERR_CEASE_ADMIN_DOWN, "route server shutting down");
		session_close(s, graceful_restart ? NULL : &n, graceful_restart ? "restart" : "shutdown", now);
		session_free(s);
	}
	for (int i = 0; i < se->nlisten; i++)
		close(se->listen_fds[i]);
	close(se->epfd);
}
