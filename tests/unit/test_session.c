/* SPDX-License-Identifier: ISC */
/* The session FSM (RFC 4271 §8) driven over a socketpair: the test plays
 * the member's side of the connection. */
#include "testlib.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "monotime.h"
#include "gtsm.h"
#include "session.h"
#include "tcp_rtt.h"

static struct session_env env;
static struct ipc_queue to_rde;
static int member_fd;
/* filtering.roles of the sessions start_at makes */
static uint8_t roles = ROLES_ON;

/* A passive session with the member at addr, attached to a socketpair. */
static struct session *start_at(const char *addr, uint32_t peer_as, int *fd_out)
{
	log_set_level(LOG_LVL_ERR);      /* the refusals below are expected */
	ipc_queue_init(&to_rde);
	env = (struct session_env){ .local_as = 59900, .router_id = 0xc0000201, .hold_time = 90,
		.connect_retry = 5, .port = 179, .to_rde = &to_rde };
	struct ipc_peer_session m = { .asn = peer_as, .passive = true, .roles = roles };
	ip_addr_parse(addr, &m.addr);
	struct session *s = session_new(1, &env, &m);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	member_fd = sv[1];
	session_attach(s, sv[0], false, 1000);
	if (fd_out)
		*fd_out = sv[0];
	return s;
}

static struct session *start(uint32_t peer_as, bool as4, int *fd_out)
{
	(void)as4;
	return start_at("192.0.2.11", peer_as, fd_out);
}

static void stop(struct session *s)
{
	session_free(s);
	close(member_fd);
	ipc_queue_destroy(&to_rde);
}

/* Reads the next message the route server sent; returns its type or -1. */
static int next_msg(uint8_t *body, size_t *len)
{
	uint8_t h[19];
	if (read(member_fd, h, 19) != 19)
		return -1;
	uint16_t l = get_u16(h + 16);
	size_t got = 0;
	while (got < (size_t)l - 19) {
		ssize_t n = read(member_fd, body + got, l - 19 - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	*len = got;
	return h[18];
}

/* The member's OPEN: IPv4 unicast, route refresh, the given AS and role. */
static struct bgp_open member_open_msg(uint16_t my_as, uint16_t hold, uint8_t role, uint32_t as4)
{
	struct bgp_open o = { .version = 4, .my_as = my_as, .hold_time = hold, .bgp_id = 0xc000020b };
	o.caps.families = 1;
	o.caps.route_refresh = true;
	o.caps.as4 = as4 != 0;
	o.caps.as4_asn = as4;
	o.caps.role = role;
	return o;
}

static void member_send_open(const struct bgp_open *o)
{
	struct wbuf w = { 0 };
	bgp_open_encode(&w, o);
	(void)!write(member_fd, w.data, w.len);
	wbuf_free(&w);
}

static void member_open(uint16_t my_as, uint16_t hold, uint8_t role, uint32_t as4)
{
	struct bgp_open o = member_open_msg(my_as, hold, role, as4);
	member_send_open(&o);
}

static void member_keepalive(void)
{
	struct wbuf w = { 0 };
	bgp_keepalive_encode(&w);
	(void)!write(member_fd, w.data, w.len);
	wbuf_free(&w);
}

static struct session *establish(void)
{
	uint8_t b[4096];
	size_t len;
	struct session *s = start(52001, true, NULL);
	next_msg(b, &len);                       /* our OPEN */
	member_open(52001, 30, ROLE_RS_CLIENT, 52001);
	session_on_readable(s, s->conn[0], 1000);
	next_msg(b, &len);                       /* our KEEPALIVE */
	member_keepalive();
	session_on_readable(s, s->conn[0], 1000);
	return s;
}

TEST(route_server_opens_with_its_capabilities)
{
	uint8_t b[4096];
	size_t len;
	struct session *s = start(52001, true, NULL);
	CHECK_EQ_INT(next_msg(b, &len), BGP_OPEN);
	struct bgp_open o;
	struct bgp_notify err;
	CHECK(bgp_open_decode(b, len, &o, &err) == 0);
	CHECK_EQ_INT(o.my_as, 59900);
	CHECK_EQ_INT(o.caps.as4_asn, 59900);
	CHECK_EQ_INT(o.caps.role, ROLE_RS);
	CHECK(o.caps.route_refresh && o.caps.enhanced_rr && o.caps.ext_message);
	CHECK(o.caps.graceful_restart);
	CHECK_EQ_INT(session_state(s), FSM_OPENSENT);
	stop(s);
}

/* RFC 4724 §3-4.1: the route server is a restarting speaker too -- its
 * family listed (members keep its routes while it restarts), and the
 * Restart State bit once it has restarted. */
TEST(graceful_restart_capability_lists_the_family_and_restart_state_after_a_restart_rfc4724_3)
{
	uint8_t b[4096];
	size_t len;
	struct bgp_open o;
	struct bgp_notify err;
	struct session *s = start(52001, true, NULL);
	CHECK_EQ_INT(next_msg(b, &len), BGP_OPEN);
	CHECK(bgp_open_decode(b, len, &o, &err) == 0);
	CHECK_EQ_INT(o.caps.gr_time, GR_RESTART_TIME_S);
	CHECK_EQ_INT(o.caps.gr_families, 1u << FAM_IPV4);
	CHECK(!o.caps.gr_restarted);
	stop(s);
	s = start(52001, true, NULL);
	env.restarting_until = now_ms() + 60000;
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	session_free(s);
	struct ipc_peer_session m = { .asn = 52001, .passive = true };
	ip_addr_parse("192.0.2.11", &m.addr);
	s = session_new(1, &env, &m);
	close(member_fd);
	member_fd = sv[1];
	session_attach(s, sv[0], false, 1000);
	CHECK_EQ_INT(next_msg(b, &len), BGP_OPEN);
	CHECK(bgp_open_decode(b, len, &o, &err) == 0);
	CHECK(o.caps.gr_restarted);
	stop(s);
}

TEST(open_keepalive_exchange_establishes_and_tells_the_rde)
{
	struct session *s = establish();
	CHECK_EQ_INT(session_state(s), FSM_ESTABLISHED);
	CHECK_EQ_INT(s->hold_time, 30);           /* the smaller hold time wins */
	CHECK_EQ_INT(s->keepalive, 10);
	CHECK(s->role_negotiated);
	struct ipc_msg *m = ipc_take_all(&to_rde);
	CHECK(m && m->type == IPC_PEER_UP);
	if (m)
		ipc_msg_free(m);
	stop(s);
}

/* Checks that the next message after OPEN and KEEPALIVEs is this
 * NOTIFICATION; its body (code, subcode, data) is left in b. */
static size_t expect_notification_body(uint8_t code, uint8_t subcode, uint8_t *b)
{
	size_t len = 0;
	int t;
	while ((t = next_msg(b, &len)) == BGP_OPEN || t == BGP_KEEPALIVE)
		;
	CHECK_EQ_INT(t, BGP_NOTIFICATION);
	if (t != BGP_NOTIFICATION)
		return 0;
	CHECK_EQ_INT(b[0], code);
	CHECK_EQ_INT(b[1], subcode);
	return len;
}

static void expect_notification(uint8_t code, uint8_t subcode)
{
	uint8_t b[4096];
	expect_notification_body(code, subcode, b);
}

TEST(open_from_wrong_as_is_refused_with_bad_peer_as)
{
	struct session *s = start(52001, true, NULL);
	member_open(52099, 90, ROLE_NONE, 52099);
	session_on_readable(s, s->conn[0], 1000);
	expect_notification(ERR_OPEN, ERR_OPEN_PEER_AS);
	CHECK(s->conn[0] == NULL);
	stop(s);
}

TEST(two_octet_peer_as_checked_without_as4_capability)
{
	struct session *s = start(52001, false, NULL);
	member_open(52001, 90, ROLE_NONE, 0);
	session_on_readable(s, s->conn[0], 1000);
	CHECK_EQ_INT(session_state(s), FSM_OPENCONFIRM);
	stop(s);
}

TEST(hold_time_of_one_or_two_seconds_is_unacceptable)
{
	struct session *s = start(52001, true, NULL);
	member_open(52001, 2, ROLE_NONE, 52001);
	session_on_readable(s, s->conn[0], 1000);
	expect_notification(ERR_OPEN, ERR_OPEN_HOLDTIME);
	stop(s);
}

TEST(member_claiming_provider_role_gets_role_mismatch)
{
	struct session *s = start(52001, true, NULL);
	member_open(52001, 90, ROLE_PROVIDER, 52001);
	session_on_readable(s, s->conn[0], 1000);
	expect_notification(ERR_OPEN, ERR_OPEN_ROLE);
	stop(s);
}

TEST(member_without_role_is_refused_in_strict_mode_rfc9234_4_2)
{
	roles = ROLES_STRICT;
	struct session *s = start(52001, true, NULL);
	member_open(52001, 90, ROLE_NONE, 52001);
	session_on_readable(s, s->conn[0], 1000);
	expect_notification(ERR_OPEN, ERR_OPEN_ROLE);
	stop(s);
	roles = ROLES_ON;
}

TEST(roles_off_sends_no_role_and_ignores_the_members)
{
	roles = ROLES_OFF;
	uint8_t b[4096];
	size_t len;
	struct session *s = start(52001, true, NULL);
	CHECK_EQ_INT(next_msg(b, &len), BGP_OPEN);
	struct bgp_open o;
	struct bgp_notify err;
	CHECK(bgp_open_decode(b, len, &o, &err) == 0);
	CHECK_EQ_INT(o.caps.role, ROLE_NONE);
	member_open(52001, 90, ROLE_PROVIDER, 52001);
	session_on_readable(s, s->conn[0], 1000);
	CHECK_EQ_INT(session_state(s), FSM_OPENCONFIRM);
	CHECK(!s->role_negotiated);
	stop(s);
	roles = ROLES_ON;
}

TEST(update_before_established_is_an_fsm_error)
{
	struct session *s = start(52001, true, NULL);
	static const uint8_t upd[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 23, 2, 0, 0, 0, 0 };
	(void)!write(member_fd, upd, sizeof(upd));
	session_on_readable(s, s->conn[0], 1000);
	expect_notification(ERR_FSM, 1);
	stop(s);
}

TEST(hold_timer_expiry_sends_notification)
{
	struct session *s = establish();
	session_tick(s, 1000 + 29 * 1000);
	CHECK_EQ_INT(session_state(s), FSM_ESTABLISHED);
	session_tick(s, 1000 + 31 * 1000);
	expect_notification(ERR_HOLD_TIMER, 0);
	CHECK(s->conn[0] == NULL);
	CHECK(strstr(s->last_error, "hold timer") != NULL);
	stop(s);
}

TEST(keepalive_is_sent_every_third_of_hold_time)
{
	uint8_t b[4096];
	size_t len;
	struct session *s = establish();
	session_tick(s, 1000 + 11 * 1000);
	CHECK_EQ_INT(next_msg(b, &len), BGP_KEEPALIVE);
	stop(s);
}

TEST(paused_input_keeps_hold_timer_alive)
{
	struct session *s = establish();
	env.input_paused = true;
	session_tick(s, 1000 + 20 * 1000);
	session_tick(s, 1000 + 45 * 1000);
	CHECK_EQ_INT(session_state(s), FSM_ESTABLISHED);
	env.input_paused = false;
	stop(s);
}

/* A member that keeps its session up (no hold timer here) but takes no
 * byte of its output for 90 s is dropped with a Cease (out of resources):
 * its queue would otherwise grow with every change of the table. */
TEST(member_taking_no_output_for_the_stall_limit_is_dropped)
{
	uint8_t b[4096];
	size_t len;
	struct session *s = start(52001, true, NULL);
	next_msg(b, &len);                       /* our OPEN */
	member_open(52001, 0, ROLE_RS_CLIENT, 52001);   /* hold time 0: only the stall limit */
	session_on_readable(s, s->conn[0], 1000);
	next_msg(b, &len);
	member_keepalive();
	session_on_readable(s, s->conn[0], 1000);
	CHECK_EQ_INT(session_state(s), FSM_ESTABLISHED);
	uint8_t update[4096] = { 0 };
	memset(update, 0xff, 16);
	put_u16(update + 16, sizeof(update));
	update[18] = BGP_UPDATE;
	struct msgbuf *m = msgbuf_new(update, sizeof(update));
	for (int i = 0; i < 512 && s->conn[0]->oq_bytes == 0; i++)      /* the socket buffer fills up */
		for (int k = 0; k < 64; k++)
			session_send_shared(s, m);
	msgbuf_unref(m);
	CHECK(s->conn[0]->oq_bytes > 0);
	uint64_t t = now_ms();
	session_tick(s, t + (SESSION_STALL_DEFAULT_S - 1) * 1000);
	CHECK_EQ_INT(session_state(s), FSM_ESTABLISHED);
	session_tick(s, t + (SESSION_STALL_DEFAULT_S + 1) * 1000);
	CHECK(s->conn[0] == NULL);
	CHECK(strstr(s->last_error, "took no byte for 90 s") != NULL);
	stop(s);
}

TEST(received_notification_records_shutdown_communication)
{
	struct session *s = establish();
	struct bgp_notify n;
	notify_set_shutdown(&n, ERR_CEASE_ADMIN_DOWN, "planned maintenance");
	struct wbuf w = { 0 };
	bgp_notification_encode(&w, &n);
	(void)!write(member_fd, w.data, w.len);
	wbuf_free(&w);
	session_on_readable(s, s->conn[0], 1000);
	CHECK(s->conn[0] == NULL);
	CHECK(strstr(s->last_error, "planned maintenance") != NULL);
	struct ipc_msg *m = ipc_take_all(&to_rde);
	bool down = false;
	for (struct ipc_msg *x = m; x; x = x->next)
		down |= x->type == IPC_PEER_DOWN;
	CHECK(down);
	while (m) {
		struct ipc_msg *next = m->next;
		ipc_msg_free(m);
		m = next;
	}
	stop(s);
}

TEST(admin_down_sends_cease_with_message_and_refuses_connections)
{
	struct session *s = establish();
	session_admin_down(s, "hurricane: link down", 2000);
	uint8_t b[4096];
	size_t len;
	int t;
	while ((t = next_msg(b, &len)) == BGP_KEEPALIVE)
		;
	CHECK_EQ_INT(t, BGP_NOTIFICATION);
	CHECK_EQ_INT(b[1], ERR_CEASE_ADMIN_DOWN);
	CHECK_EQ_INT(b[2], strlen("hurricane: link down"));
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK(session_attach(s, sv[0], false, 3000) < 0);
	close(sv[1]);
	stop(s);
}

TEST(max_prefix_restart_holds_the_session_down_for_its_minutes)
{
	struct session *s = establish();
	struct bgp_notify n;
	uint8_t data[7] = { 0, 1, 1, 0, 0, 3, 0xe8 };    /* IPv4 unicast, limit 1000 */
	notify_set(&n, ERR_CEASE, ERR_CEASE_MAX_PREFIX, data, sizeof(data));
	session_max_prefix_down(s, &n, 2, 5000);
	uint8_t b[4096];
	size_t len;
	int t;
	while ((t = next_msg(b, &len)) == BGP_KEEPALIVE)
		;
	CHECK_EQ_INT(t, BGP_NOTIFICATION);
	CHECK_EQ_INT(b[0], ERR_CEASE);
	CHECK_EQ_INT(b[1], ERR_CEASE_MAX_PREFIX);
	CHECK(s->admin_down);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK(session_attach(s, sv[0], false, 6000) < 0);   /* refused while held down */
	close(sv[1]);
	session_tick(s, 5000 + 2 * 60000 - 1);
	CHECK(s->admin_down);
	session_tick(s, 5000 + 2 * 60000);
	CHECK(!s->admin_down);                              /* restart after 2 minutes */
	stop(s);
}

TEST(max_prefix_shutdown_stays_down_until_admin_up)
{
	struct session *s = establish();
	struct bgp_notify n;
	notify_set(&n, ERR_CEASE, ERR_CEASE_MAX_PREFIX, NULL, 0);
	session_max_prefix_down(s, &n, 0, 5000);
	session_tick(s, 5000 + 24 * 3600 * 1000ull);
	CHECK(s->admin_down);
	session_admin_up(s, 10000);
	CHECK(!s->admin_down);
	stop(s);
}

TEST(graceful_shutdown_goes_admin_down_after_the_wait)
{
	struct session *s = establish();
	session_graceful_down(s, "maintenance", 20000, 5000);
	session_tick(s, 24999);
	CHECK(!s->admin_down);
	session_tick(s, 25000);
	CHECK(s->admin_down);
	stop(s);
}

TEST(connection_collision_keeps_the_higher_identifiers_connection)
{
	/* Our id 192.0.2.1 < member's 192.0.2.11: keep the member's
	 * (incoming) connection, close ours with Cease/collision. */
	struct session *s = start(52001, true, NULL);
	int first_member = member_fd;
	s->conn[0]->outgoing = true;             /* pretend we initiated the first */
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	CHECK(session_attach(s, sv[0], false, 1000) == 0);
	CHECK(s->conn[1] != NULL);
	member_fd = sv[1];
	member_open(52001, 90, ROLE_NONE, 52001);
	session_on_readable(s, s->conn[1], 1000);
	CHECK(s->conn[1] == NULL);
	CHECK(s->conn[0] != NULL && !s->conn[0]->outgoing);
	member_fd = first_member;
	expect_notification(ERR_CEASE, ERR_CEASE_COLLISION);
	close(sv[1]);
	stop(s);
}

TEST(open_with_bgp_identifier_zero_or_all_ones_gets_bad_bgp_identifier_rfc4271_6_2)
{
	static const uint32_t bad[] = { 0, 0xffffffffu };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct session *s = start(52001, true, NULL);
		struct bgp_open o = member_open_msg(52001, 90, ROLE_NONE, 52001);
		o.bgp_id = bad[i];
		member_send_open(&o);
		session_on_readable(s, s->conn[0], 1000);
		expect_notification(ERR_OPEN, ERR_OPEN_BGPID);
		CHECK(s->conn[0] == NULL);
		stop(s);
	}
}

/* RFC 4760 §8: a member that offers no Multiprotocol capability speaks
 * IPv4 unicast only; one that lacks the session's family is refused with
 * the missing capability as data (RFC 5492 §3). */
TEST(ipv6_session_whose_open_lacks_ipv6_unicast_gets_unsupported_capability_rfc5492_3)
{
	static const uint8_t mp_ipv6[] = { CAPA_MP, 4, 0, AFI_IPV6, 0, SAFI_UNICAST };
	static const uint8_t offered[] = { 1u << FAM_IPV4, 0 };     /* MP IPv4 only, no MP */
	uint8_t b[4096];
	for (size_t i = 0; i < sizeof(offered); i++) {
		struct session *s = start_at("2001:db8::11", 52001, NULL);
		struct bgp_open o = member_open_msg(52001, 90, ROLE_NONE, 52001);
		o.caps.families = offered[i];
		member_send_open(&o);
		session_on_readable(s, s->conn[0], 1000);
		size_t len = expect_notification_body(ERR_OPEN, ERR_OPEN_CAPA, b);
		CHECK_EQ_INT(len, 2 + sizeof(mp_ipv6));
		CHECK(len == 2 + sizeof(mp_ipv6) && memcmp(b + 2, mp_ipv6, sizeof(mp_ipv6)) == 0);
		CHECK(s->conn[0] == NULL);
		stop(s);
	}
	struct session *s = start_at("2001:db8::11", 52001, NULL);
	struct bgp_open o = member_open_msg(52001, 90, ROLE_NONE, 52001);
	o.caps.families = 1u << FAM_IPV6;
	member_send_open(&o);
	session_on_readable(s, s->conn[0], 1000);
	CHECK_EQ_INT(session_state(s), FSM_OPENCONFIRM);
	stop(s);
}

/* Sends a ROUTE-REFRESH with this body to the route server. */
static void member_route_refresh(const uint8_t *body, size_t len, uint8_t *msg)
{
	memset(msg, 0xff, 16);
	put_u16(msg + 16, (uint16_t)(BGP_HEADER_LEN + len));
	msg[18] = BGP_ROUTE_REFRESH;
	memcpy(msg + BGP_HEADER_LEN, body, len);
	(void)!write(member_fd, msg, BGP_HEADER_LEN + len);
}

/* Takes what the session posted to the RDE; returns how many were of type. */
static int rde_messages(enum ipc_type type)
{
	int n = 0;
	for (struct ipc_msg *m = ipc_take_all(&to_rde), *next; m; m = next) {
		next = m->next;
		n += m->type == type;
		ipc_msg_free(m);
	}
	return n;
}

TEST(route_refresh_with_bad_length_gets_invalid_message_length_with_the_message_rfc7313_5)
{
	static const uint8_t borr[] = { 0, AFI_IPV4, RR_BEGIN, SAFI_UNICAST, 0 };   /* 5 octets */
	uint8_t sent[64], b[4096];
	struct session *s = establish();
	member_route_refresh(borr, sizeof(borr), sent);
	session_on_readable(s, s->conn[0], 2000);
	size_t len = expect_notification_body(ERR_ROUTE_REFRESH, ERR_RR_INVALID_LEN, b);
	CHECK_EQ_INT(len, 2 + BGP_HEADER_LEN + sizeof(borr));
	CHECK(len == 2 + BGP_HEADER_LEN + sizeof(borr) && memcmp(b + 2, sent, len - 2) == 0);
	CHECK(s->conn[0] == NULL);
	stop(s);
}

TEST(route_refresh_for_a_family_not_negotiated_is_ignored_rfc2918_4)
{
	static const uint8_t v6[] = { 0, AFI_IPV6, RR_NORMAL, SAFI_UNICAST };
	static const uint8_t v4[] = { 0, AFI_IPV4, RR_NORMAL, SAFI_UNICAST };
	uint8_t sent[64], b[4096];
	size_t len;
	struct session *s = establish();              /* IPv4 unicast only */
	rde_messages(IPC_PEER_UP);
	member_route_refresh(v6, sizeof(v6), sent);
	session_on_readable(s, s->conn[0], 2000);
	CHECK_EQ_INT(session_state(s), FSM_ESTABLISHED);
	CHECK_EQ_INT(next_msg(b, &len), -1);          /* nothing sent */
	CHECK_EQ_INT(rde_messages(IPC_REFRESH), 0);
	member_route_refresh(v4, sizeof(v4), sent);   /* while the negotiated one is served */
	session_on_readable(s, s->conn[0], 2000);
	CHECK_EQ_INT(rde_messages(IPC_REFRESH), 1);
	stop(s);
}

TEST(route_refresh_of_unknown_subtype_is_ignored_whatever_its_length_rfc7313_5)
{
	static const uint8_t sub3[] = { 0, AFI_IPV4, 3, SAFI_UNICAST, 0 };
	uint8_t sent[64], b[4096];
	size_t len;
	struct session *s = establish();
	rde_messages(IPC_PEER_UP);
	for (size_t l = 4; l <= sizeof(sub3); l++) {
		member_route_refresh(sub3, l, sent);
		session_on_readable(s, s->conn[0], 2000);
		CHECK_EQ_INT(session_state(s), FSM_ESTABLISHED);
		CHECK_EQ_INT(next_msg(b, &len), -1);
		CHECK_EQ_INT(rde_messages(IPC_REFRESH), 0);
	}
	stop(s);
}

/* A member whose connection takes bytes from a pipe: the test's garbage. */
static int attach_member(struct session *s, uint64_t now)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	close(member_fd);
	member_fd = sv[1];
	return session_attach(s, sv[0], false, now);
}

static void send_garbage(struct session *s, uint64_t now)
{
	static const uint8_t junk[19] = "GET / HTTP/1.0\r\n\r\n";
	if (write(member_fd, junk, sizeof(junk)) != (ssize_t)sizeof(junk))
		abort();
	session_on_readable(s, s->conn[0], now);
}

TEST(connections_failing_before_established_are_damped_by_idle_hold_rfc4271_8_1_1)
{
	struct session *s = start(52001, true, NULL);
	send_garbage(s, 1000);
	CHECK(s->conn[0] == NULL);
	CHECK_EQ_INT(s->stats.failed_opens, 1);
	CHECK_EQ_INT(s->idle_until, 0);                 /* one failure: retry at once */
	CHECK(attach_member(s, 1100) == 0);
	send_garbage(s, 1100);
	CHECK_EQ_INT(s->idle_until, 1100 + IDLE_HOLD_BASE_MS);
	CHECK(attach_member(s, 1500) < 0);              /* held idle: refused */
	CHECK_EQ_INT(s->stats.refused_idle, 1);
	CHECK(attach_member(s, 1100 + IDLE_HOLD_BASE_MS) == 0);
	send_garbage(s, 3000);
	CHECK_EQ_INT(s->idle_until, 3000 + 2 * IDLE_HOLD_BASE_MS);   /* doubles */
	for (uint64_t t = 10000; s->open_failures < 20; t += IDLE_HOLD_MAX_MS) {
		CHECK(attach_member(s, t) == 0);
		send_garbage(s, t);
	}
	CHECK(s->idle_until <= 10000 + 20 * (uint64_t)IDLE_HOLD_MAX_MS);
	stop(s);
}

TEST(established_session_clears_the_idle_hold_rfc4271_8_1_1)
{
	struct session *s = start(52001, true, NULL);
	send_garbage(s, 1000);
	CHECK(attach_member(s, 1100) == 0);
	send_garbage(s, 1100);
	CHECK(s->idle_until > 0);
	CHECK(attach_member(s, 1100 + IDLE_HOLD_BASE_MS) == 0);
	member_open(52001, 90, ROLE_NONE, 52001);
	member_keepalive();
	session_on_readable(s, s->conn[0], 5000);
	CHECK(session_state(s) == FSM_ESTABLISHED);
	CHECK_EQ_INT(s->open_failures, 0);
	CHECK_EQ_INT(s->idle_until, 0);
	stop(s);
}

TEST(our_own_cease_before_established_is_not_a_failure_of_the_member)
{
	struct session *s = start(52001, true, NULL);
	session_admin_down(s, "maintenance", 1000);
	CHECK_EQ_INT(s->stats.failed_opens, 0);
	CHECK_EQ_INT(s->open_failures, 0);
	stop(s);
}

/* The paused flag of the last IPC_PEER_OUTPUT posted, or -1 if none. */
static int last_output_message(void)
{
	int last = -1;
	for (struct ipc_msg *m = ipc_take_all(&to_rde), *next; m; m = next) {
		next = m->next;
		if (m->type == IPC_PEER_OUTPUT)
			last = ((const struct ipc_peer_output *)m->body)->paused;
		ipc_msg_free(m);
	}
	return last;
}

TEST(output_above_the_high_water_mark_pauses_the_rde_and_below_the_low_mark_resumes_it)
{
	struct session *s = establish();
	last_output_message();
	static uint8_t chunk[65536];
	struct msgbuf *m = msgbuf_new(chunk, sizeof(chunk));
	for (size_t queued = 0; queued <= OUTPUT_HIGH_WATER / 2; queued += sizeof(chunk))
		session_send_shared(s, m);
	CHECK_EQ_INT(last_output_message(), -1);        /* below the mark: nothing said */
	while (s->conn[0]->oq_bytes <= OUTPUT_HIGH_WATER)
		session_send_shared(s, m);
	CHECK_EQ_INT(last_output_message(), 1);
	CHECK(s->output_paused);
	session_send_shared(s, m);
	CHECK_EQ_INT(last_output_message(), -1);        /* said once */
	/* the member reads: the queue drains below the low-water mark */
	uint8_t sink[65536];
	for (int i = 0; i < 100000 && s->conn[0]->oq_bytes >= OUTPUT_LOW_WATER; i++) {
		session_on_writable(s, s->conn[0]);
		(void)!read(member_fd, sink, sizeof(sink));
	}
	CHECK(s->conn[0]->oq_bytes < OUTPUT_LOW_WATER);
	CHECK_EQ_INT(last_output_message(), 0);
	CHECK(!s->output_paused);
	CHECK_EQ_INT(s->stats.output_pauses, 1);
	msgbuf_unref(m);
	stop(s);
}

/* What RTT-based communities are judged by (docs/configuration.md): the
 * kernel's lowest RTT of a TCP connection, unknown (0) for anything else. */
TEST(connection_rtt_is_the_kernels_minimum_and_unknown_off_tcp)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 1) == 0);
	CHECK(getsockname(l, (struct sockaddr *)&a, &alen) == 0);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0);
	int s = accept(l, NULL, NULL);
	char byte = 'x';
	CHECK(write(c, &byte, 1) == 1 && read(s, &byte, 1) == 1);
	uint32_t us = tcp_min_rtt_us(c);
	CHECK(us > 0 && us < 1000000);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK_EQ_INT(tcp_min_rtt_us(sv[0]), 0);
	close(sv[0]);
	close(sv[1]);
	close(s);
	close(c);
	close(l);
}

static int sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	return getsockopt(fd, level, name, &v, &len) == 0 ? v : -1;
}

/* cfg.multihop: the TTL of the session's packets; with cfg.gtsm, RFC 5082
 * §3 for a peer that many hops away: TTL 255 out, 256 - hops required in. */
TEST(multihop_sets_the_ttl_and_gtsm_the_minimum_for_its_hops_rfc5082_3)
{
	int v4 = socket(AF_INET, SOCK_STREAM, 0), v6 = socket(AF_INET6, SOCK_STREAM, 0);
	CHECK_EQ_INT(ttl_set(v4, AF_INET, 3, 0), 0);
	CHECK_EQ_INT(sockopt_int(v4, IPPROTO_IP, IP_TTL), 3);
	CHECK_EQ_INT(sockopt_int(v4, IPPROTO_IP, IP_MINTTL), 0);
	CHECK_EQ_INT(gtsm_set(v4, AF_INET, 2, true), 0);
	CHECK_EQ_INT(sockopt_int(v4, IPPROTO_IP, IP_TTL), 255);
	CHECK_EQ_INT(sockopt_int(v4, IPPROTO_IP, IP_MINTTL), 254);
	CHECK_EQ_INT(gtsm_set(v6, AF_INET6, 0, true), 0);          /* directly connected */
	CHECK_EQ_INT(sockopt_int(v6, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 255);
	CHECK_EQ_INT(sockopt_int(v6, IPPROTO_IPV6, IPV6_MINHOPCOUNT), 255);
	close(v4);
	close(v6);
}
