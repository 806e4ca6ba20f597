/* SPDX-License-Identifier: ISC */
/* The RDE thread driven through its queues, as the session engine drives
 * it: graceful restart helper (RFC 4724), OTC (RFC 9234), enhanced route
 * refresh (RFC 7313), RFC 7606 session reset. */
#include "ctl_proto.h"
#include "ctl_reply.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <poll.h>

#include "log.h"
#include "bogons.h"
#include "community.h"
#include "monotime.h"
#include "rde.h"
#include "policy_fixture.h"
#include "session.h"

static struct rde *rde;
static struct ipc_queue in, to_se, to_main;

/* scan_budget: the RDE's table_scan_budget knob, set before its thread
 * starts (0: the default); defer_ms: a selection deferral as after the
 * route server's graceful restart (0: none) */
static void start_rde(struct policy_global *g, uint32_t scan_budget, uint64_t defer_ms)
{
	log_set_level(LOG_LVL_ERR);
	rde = calloc(1, sizeof(*rde));
	rde->table_scan_budget = scan_budget;
	rde->defer_until = defer_ms ? now_ms() + defer_ms : 0;
	ipc_queue_init(&in);
	ipc_queue_init(&to_se);
	ipc_queue_init(&to_main);
	rde_start(rde, 59900, &in, &to_se, &to_main);
	ipc_push(&in, ipc_msg_new(IPC_POLICY_GLOBAL, 0, 0, &g, sizeof(g)));   /* the RDE owns it */
}

static void start_walking(struct policy_global *g, uint32_t scan_budget)
{
	start_rde(g, scan_budget, 0);
}

static void start_with(struct policy_global *g)
{
	start_walking(g, 0);
}

static void start(void)
{
	start_with(fixture_policy());
}

static void drain(void);

static void stop(void)
{
	rde_stop(rde);
	drain();
	ipc_queue_destroy(&in);
	ipc_queue_destroy(&to_se);
	ipc_queue_destroy(&to_main);
	free(rde);
}

/* arouteserver's default filters: IPv4 8-24, IPv6 12-48, AS_PATH <= 32,
 * NEXT_HOP strict. */
static const struct peer_policy default_policy = { .v4_min = 8, .v4_max = 24, .v6_min = 12,
	.v6_max = 48, .max_as_path_len = 32, .next_hop = CFG_NEXT_HOP_STRICT, .blackhole_to_client = true };

static void add_peer_with(uint32_t id, uint32_t asn, const char *addr, const struct peer_policy *pol)
{
	struct rde_peer_cfg c = { .session = { .asn = asn, .passive = true }, .policy = *pol };
	ip_addr_parse(addr, &c.session.addr);
	ipc_push(&in, ipc_msg_new(IPC_PEER_ADD, id, 0, &c, sizeof(c)));
}

static void add_peer(uint32_t id, uint32_t asn, const char *addr)
{
	add_peer_with(id, asn, addr, &default_policy);
}

static void peer_up(uint32_t id, uint32_t gen, bool gr, bool role)
{
	struct ipc_peer_up up = { .bgp_id = 0x0a000000u + id, .asn = 52001 + id };
	up.caps.as4 = true;
	up.caps.families = 1;
	up.caps.enhanced_rr = true;
	up.caps.graceful_restart = gr;
	up.caps.gr_families = gr ? 1 : 0;
	up.caps.gr_time = 120;
	up.role_negotiated = role;
	ipc_push(&in, ipc_msg_new(IPC_PEER_UP, id, gen, &up, sizeof(up)));
}

static void peer_down(uint32_t id, uint32_t gen, uint8_t keep_stale, uint16_t restart)
{
	struct ipc_peer_down d = { keep_stale, restart };
	ipc_push(&in, ipc_msg_new(IPC_PEER_DOWN, id, gen, &d, sizeof(d)));
}

/* UPDATE body announcing pfx from AS asn with next hop nh, optional OTC. */
static void announce_with(uint32_t id, uint32_t gen, const char *pfx, uint32_t asn, const char *nh,
    uint32_t otc, uint32_t community)
{
	struct wbuf w = { 0 };
	wbuf_u16(&w, 0);
	size_t alen_at = w.len;
	wbuf_u16(&w, 0);
	uint8_t v[8];
	v[0] = 0;
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, v, 1);
	uint8_t path[6] = { AS_SEQUENCE, 1 };
	put_u32(path + 2, asn);
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, path, 6);
	inet_pton(AF_INET, nh, v);
	attr_put(&w, ATTR_F_TRANSITIVE, ATTR_NEXT_HOP, v, 4);
	if (community) {
		put_u32(v, community);
		attr_put(&w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_COMMUNITIES, v, 4);
	}
	if (otc) {
		put_u32(v, otc);
		attr_put(&w, ATTR_F_OPTIONAL | ATTR_F_TRANSITIVE, ATTR_OTC, v, 4);
	}
	put_u16(w.data + alen_at, (uint16_t)(w.len - alen_at - 2));
	struct prefix p;
	prefix_parse(pfx, &p);
	prefix_write_nlri(&w, &p);
	ipc_push(&in, ipc_msg_new(IPC_UPDATE, id, gen, w.data, w.len));
	wbuf_free(&w);
}

static void announce(uint32_t id, uint32_t gen, const char *pfx, uint32_t asn, const char *nh,
    uint32_t otc)
{
	announce_with(id, gen, pfx, asn, nh, otc, 0);
}

static void end_of_rib(uint32_t id, uint32_t gen)
{
	uint8_t eor[4] = { 0, 0, 0, 0 };
	ipc_push(&in, ipc_msg_new(IPC_UPDATE, id, gen, eor, 4));
}

static void refresh_marker(uint32_t id, uint32_t gen, uint8_t subtype)
{
	struct ipc_refresh r = { FAM_IPV4, subtype };
	ipc_push(&in, ipc_msg_new(IPC_REFRESH, id, gen, &r, sizeof(r)));
}

/* What the RDE sends `peer` during the next `ms` milliseconds: on_reset
 * for each IPC_RESET, on_update for each UPDATE decoded (as a 4-octet-AS
 * IPv4 member decodes it), on_refresh for each ROUTE-REFRESH (its
 * subtype).  Everything taken off the queue is freed. */
struct pump {
	uint32_t peer;
	void (*on_reset)(const struct ipc_reset *r, void *arg);
	void (*on_update)(const struct update_decoded *u, void *arg);
	void *arg;
	void (*on_refresh)(uint8_t subtype, void *arg);
};

static void pump_send(const struct pump *pu, const struct ipc_msg *m)
{
	for (uint32_t t = 0; t < m->n_targets; t++) {
		if (m->targets[t].peer != pu->peer)
			continue;
		for (size_t o = 0; o + 19 <= m->msg->len; o += get_u16(m->msg->data + o + 16)) {
			if (m->msg->data[o + 18] == BGP_ROUTE_REFRESH && pu->on_refresh && o + 23 <= m->msg->len)
				pu->on_refresh(m->msg->data[o + 21], pu->arg);
			if (m->msg->data[o + 18] != BGP_UPDATE)
				continue;
			struct update_ctx ctx = { .peer_as4 = true, .families = 1 };
			struct update_decoded u;
			update_decoded_init(&u);
			bgp_update_decode(&ctx, m->msg->data + o + 19, get_u16(m->msg->data + o + 16) - 19u, &u);
			pu->on_update(&u, pu->arg);
			update_decoded_free(&u);
		}
	}
}

static void pump(const struct pump *pu, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	for (uint64_t now = now_ms(); now < end; now = now_ms()) {
		struct pollfd pfd = { to_se.efd, POLLIN, 0 };
		poll(&pfd, 1, (int)(end - now));
		for (struct ipc_msg *m = ipc_take_all(&to_se), *n; m; m = n) {
			n = m->next;
			if (m->type == IPC_RESET && m->peer == pu->peer && pu->on_reset)
				pu->on_reset((const struct ipc_reset *)m->body, pu->arg);
			if (m->type == IPC_SEND)
				pump_send(pu, m);
			ipc_msg_free(m);
		}
	}
}

struct seen {
	int announced, withdrawn, resets;
	bool gshut;                  /* an announcement carried GRACEFUL_SHUTDOWN */
	bool max_prefix_reset;       /* a reset with Cease / Maximum Number of Prefixes */
	bool otc;
	uint32_t otc_value;
	uint16_t as_path_len;        /* of the last announcement */
	uint32_t first_as;
};

static void seen_reset(const struct ipc_reset *rs, void *arg)
{
	struct seen *s = arg;
	s->resets++;
	s->max_prefix_reset |= rs->max_prefix && rs->notify.code == ERR_CEASE &&
	    rs->notify.subcode == ERR_CEASE_MAX_PREFIX;
}

static void seen_update(const struct update_decoded *u, void *arg)
{
	struct seen *s = arg;
	s->announced += (int)u->announced.n;
	s->withdrawn += (int)u->withdrawn.n;
	if (u->announced.n && u->info.has_otc) {
		s->otc = true;
		s->otc_value = u->info.otc;
	}
	if (u->announced.n) {
		s->gshut |= comm_present(&comm_gshut, u->attrs.data, u->attrs.len);
		s->as_path_len = u->info.as_path_len;
		s->first_as = u->info.neighbor_as;
	}
}

/* What `peer` was sent during the next `ms` milliseconds. */
static struct seen collect(uint32_t peer, int ms)
{
	struct seen s = { 0 };
	pump(&(struct pump){ peer, seen_reset, seen_update, &s, NULL }, ms);
	return s;
}

static void drain(void)
{
	for (struct ipc_msg *m = ipc_take_all(&to_se), *n; m; m = n) {
		n = m->next;
		ipc_msg_free(m);
	}
	for (struct ipc_msg *m = ipc_take_all(&to_main), *n; m; m = n) {
		n = m->next;
		ipc_msg_free(m);
	}
}

/* A member's route count ("received", "rejected", ...) as `show
 * neighbor` gets it from the RDE. */
static long route_count(const char *addr, const char *which)
{
	struct ctl_request req = { .command = CTL_CMD_SHOW_NEIGHBOR };
	ip_addr_parse(addr, &req.address);
	struct ipc_msg *q = ipc_msg_new(IPC_CONTROL, 0, 0, &req, sizeof(req));
	q->client = 1;
	ipc_push(&in, q);
	struct pollfd pfd = { .fd = to_main.efd, .events = POLLIN };
	long v = -1;
	while (v < 0 && poll(&pfd, 1, 2000) > 0)
		for (struct ipc_msg *m = ipc_take_all(&to_main), *n; m; m = n) {
			n = m->next;
			json_t *reply;
			memcpy(&reply, m->body, sizeof(reply));
			json_t *c = json_object_get(json_object_get(json_object_get(reply, "result"), addr), which);
			if (m->type == IPC_CONTROL && m->gen == CTL_PART_ROUTE_COUNTS && c)
				v = (long)json_integer_value(c);
			json_decref(reply);
			ipc_msg_free(m);
		}
	return v;
}

static void two_members(bool gr, bool role_a, bool role_b)
{
	start();
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	peer_up(0, 1, gr, role_a);
	peer_up(1, 2, false, role_b);
}

TEST(graceful_restart_keeps_routes_until_end_of_rib)
{
	two_members(true, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	announce(0, 1, "45.65.4.0/22", 52001, "192.0.2.11", 0);
	CHECK_EQ_INT(collect(1, 300).announced, 2);
	peer_down(0, 1, 1, 120);                  /* TCP lost, GR negotiated */
	CHECK_EQ_INT(collect(1, 300).withdrawn, 0);
	peer_up(0, 3, true, false);               /* back: re-announces one route */
	announce(0, 3, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	end_of_rib(0, 3);
	struct seen s = collect(1, 300);
	CHECK_EQ_INT(s.withdrawn, 1);             /* the stale one not re-announced */
	stop();
}

TEST(graceful_restart_stale_routes_expire_after_restart_time)
{
	two_members(true, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	collect(1, 200);
	peer_down(0, 1, 1, 1);                    /* restart time 1 s */
	CHECK_EQ_INT(collect(1, 500).withdrawn, 0);
	CHECK_EQ_INT(collect(1, 2500).withdrawn, 1);
	stop();
}

/* After the route server's own restart (a selection deferral of 60 s):
 * member 0 (graceful restart) is back with its route and End-of-RIB,
 * member 1 is up, with graceful restart or not, and has sent nothing. */
static void restarted_two_members(bool gr_1)
{
	start_rde(fixture_policy(), 0, 60000);
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	peer_up(0, 1, true, false);
	peer_up(1, 2, gr_1, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	end_of_rib(0, 1);
}

/* RFC 4724 §4.1: after the route server's own restart, no member gets its
 * table (and End-of-RIB) before every member's table is in: End-of-RIB,
 * or for one without graceful restart a quiet while. */
TEST(after_a_restart_tables_wait_for_every_members_end_of_rib_rfc4724_4_1)
{
	restarted_two_members(true);
	CHECK_EQ_INT(collect(1, 2500).announced, 0);     /* member 1's End-of-RIB is missing */
	end_of_rib(1, 2);
	CHECK_EQ_INT(collect(1, 1500).announced, 1);
	stop();
}

TEST(after_a_restart_a_member_without_graceful_restart_counts_once_quiet_rfc4724_4_1)
{
	restarted_two_members(false);
	CHECK_EQ_INT(collect(1, 1000).announced, 0);     /* member 1 came up less than 2 s ago */
	CHECK_EQ_INT(collect(1, 3000).announced, 1);
	stop();
}

TEST(session_loss_without_graceful_restart_withdraws_at_once)
{
	two_members(false, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	collect(1, 200);
	peer_down(0, 1, 0, 0);
	CHECK_EQ_INT(collect(1, 300).withdrawn, 1);
	stop();
}

TEST(sessions_lost_together_withdraw_all_their_routes_in_order)
{
	start();
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	add_peer(2, 52003, "192.0.2.13");
	peer_up(0, 1, false, false);
	peer_up(1, 2, false, false);
	peer_up(2, 3, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	announce(1, 2, "45.65.4.0/22", 52002, "192.0.2.12", 0);
	announce(1, 2, "45.65.8.0/22", 52002, "192.0.2.12", 0);
	CHECK_EQ_INT(collect(2, 300).announced, 3);
	/* Two downs in a row share one purge; the session coming back right
	 * after must find its old routes gone, then announce anew. */
	peer_down(0, 1, 0, 0);
	peer_down(1, 2, 0, 0);
	peer_up(0, 4, false, false);
	announce(0, 4, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	struct seen s = collect(2, 400);
	CHECK_EQ_INT(s.withdrawn, 3);
	CHECK_EQ_INT(s.announced, 1);
	stop();
}

TEST(graceful_shutdown_by_operator_reannounces_with_gshut_community)
{
	two_members(false, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	struct seen s = collect(1, 300);
	CHECK_EQ_INT(s.announced, 1);
	CHECK(!s.gshut);
	ipc_push(&in, ipc_msg_new(IPC_PEER_GSHUT, 0, 1, NULL, 0));
	s = collect(1, 300);
	CHECK_EQ_INT(s.announced, 1);
	CHECK(s.gshut);                           /* 65535:0 added for the receivers */
	stop();
}

static void max_prefix_members(uint8_t action)
{
	start();
	struct peer_policy pol = default_policy;
	pol.max_prefix_action = action;
	pol.max_prefix_v4 = 2;
	pol.max_prefix_count_rejected = true;
	add_peer_with(0, 52001, "192.0.2.11", &pol);
	add_peer(1, 52002, "192.0.2.12");
	peer_up(0, 1, false, false);
	peer_up(1, 2, false, false);
}

TEST(max_prefix_block_drops_routes_beyond_the_limit_rejected_ones_counted)
{
	max_prefix_members(CFG_MAX_PREFIX_BLOCK);
	announce(0, 1, "45.65.0.0/25", 52001, "192.0.2.11", 0);    /* rejected (too long), counted */
	announce(0, 1, "45.65.4.0/22", 52001, "192.0.2.11", 0);
	announce(0, 1, "45.65.8.0/22", 52001, "192.0.2.11", 0);    /* third: blocked */
	struct seen s = collect(1, 300);
	CHECK_EQ_INT(s.announced, 1);
	CHECK_EQ_INT(route_count("192.0.2.11", "received"), 2);
	CHECK_EQ_INT(collect(0, 10).resets, 0);
	stop();
}

TEST(max_prefix_shutdown_resets_the_session_with_cease_1)
{
	max_prefix_members(CFG_MAX_PREFIX_SHUTDOWN);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	announce(0, 1, "45.65.4.0/22", 52001, "192.0.2.11", 0);
	announce(0, 1, "45.65.8.0/22", 52001, "192.0.2.11", 0);
	struct seen s = collect(0, 300);
	CHECK_EQ_INT(s.resets, 1);
	CHECK(s.max_prefix_reset);
	stop();
}

TEST(blackhole_before_its_covering_route_is_accepted_once_the_route_arrives)
{
	struct policy_global *g = fixture_policy();
	g->blackhole_policy[0] = CFG_BLACKHOLE_PROPAGATE_UNCHANGED;
	start_with(g);
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	peer_up(0, 1, false, false);
	peer_up(1, 2, false, false);
	announce_with(0, 1, "45.65.0.1/32", 52001, "192.0.2.11", 0, 0xFFFF029Au);
	CHECK_EQ_INT(collect(1, 300).announced, 0);      /* not (yet) its space */
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	CHECK_EQ_INT(collect(1, 300).announced, 2);      /* the /22, then the /32 */
	announce_with(0, 1, "46.1.0.1/32", 52001, "192.0.2.11", 0, 0xFFFF029Au);
	CHECK_EQ_INT(collect(1, 300).announced, 0);      /* someone else's */
	stop();
}

TEST(reload_global_policy_takes_effect_at_its_commit)
{
	two_members(false, false, false);
	announce(0, 1, "100.64.1.0/24", 52001, "192.0.2.11", 0);    /* shared space: a bogon */
	CHECK_EQ_INT(collect(1, 300).announced, 1);                 /* no bogon list yet */
	struct policy_global *g = fixture_policy();
	g->bogons = prefix_list_compile(bogons_builtin());
	g->digest = 1;                    /* what policy_global_build would say: changed */
	ipc_push(&in, ipc_msg_new(IPC_POLICY_GLOBAL, 0, 0, &g, sizeof(g)));
	CHECK_EQ_INT(collect(1, 300).withdrawn, 0);                 /* pending */
	ipc_push(&in, ipc_msg_new(IPC_POLICY_COMMIT, 0, 0, NULL, 0));
	CHECK_EQ_INT(collect(1, 300).withdrawn, 1);
	stop();
}

TEST(otc_from_rs_client_is_a_leak_and_not_exported)
{
	two_members(false, true, true);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 64999);
	CHECK_EQ_INT(collect(1, 300).announced, 0);
	stop();
}

TEST(otc_added_towards_rs_clients_with_roles_only)
{
	start();
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	add_peer(2, 52003, "192.0.2.13");
	peer_up(0, 1, false, true);
	peer_up(1, 2, false, true);               /* negotiated roles */
	peer_up(2, 3, false, false);              /* no role capability */
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	struct seen with_role = collect(1, 300);
	CHECK(with_role.otc);
	CHECK_EQ_INT(with_role.otc_value, 59900);
	stop();
	start();
	add_peer(0, 52001, "192.0.2.11");
	add_peer(2, 52003, "192.0.2.13");
	peer_up(0, 1, false, true);
	peer_up(2, 3, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	struct seen without = collect(2, 300);
	CHECK_EQ_INT(without.announced, 1);
	CHECK(!without.otc);
	stop();
}

TEST(enhanced_route_refresh_removes_what_was_not_resent)
{
	two_members(false, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	announce(0, 1, "45.65.4.0/22", 52001, "192.0.2.11", 0);
	collect(1, 200);
	refresh_marker(0, 1, RR_BEGIN);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	CHECK_EQ_INT(collect(1, 200).withdrawn, 0);
	refresh_marker(0, 1, RR_END);
	CHECK_EQ_INT(collect(1, 300).withdrawn, 1);
	stop();
}

TEST(malformed_update_resets_session_and_later_updates_are_ignored)
{
	two_members(false, false, false);
	static const uint8_t bad[] = { 0, 0, 0, 0, 33, 45, 65, 0, 0, 0 };   /* /33 */
	ipc_push(&in, ipc_msg_new(IPC_UPDATE, 0, 1, bad, sizeof(bad)));
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	struct seen s = collect(0, 300);
	CHECK_EQ_INT(s.resets, 1);
	CHECK_EQ_INT(collect(1, 200).announced, 0);
	stop();
}

TEST(route_refresh_request_resends_table_between_borr_and_eorr)
{
	two_members(false, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	collect(1, 200);
	refresh_marker(1, 2, RR_NORMAL);          /* member 1 asks for our routes */
	uint64_t end = now_ms() + 500;
	int rr = 0, announced = 0;
	while (now_ms() < end) {
		struct pollfd pfd = { to_se.efd, POLLIN, 0 };
		poll(&pfd, 1, 100);
		for (struct ipc_msg *m = ipc_take_all(&to_se), *n; m; m = n) {
			n = m->next;
			for (size_t o = 0; m->type == IPC_SEND && o + 19 <= m->msg->len;
			    o += get_u16(m->msg->data + o + 16)) {
				uint8_t type = m->msg->data[o + 18];
				if (type == BGP_ROUTE_REFRESH)
					CHECK_EQ_INT(m->msg->data[o + 21], rr++ ? (int)RR_END : (int)RR_BEGIN);
				else if (type == BGP_UPDATE && rr == 1)
					announced++;
			}
			ipc_msg_free(m);
		}
	}
	CHECK_EQ_INT(rr, 2);
	CHECK_EQ_INT(announced, 1);
	stop();
}

TEST(import_filters_reject_with_reason_and_keep_the_path)
{
	two_members(false, false, false);
	announce(0, 1, "45.65.0.0/25", 52001, "192.0.2.11", 0);    /* too long */
	announce(0, 1, "45.65.4.0/22", 52001, "192.0.2.99", 0);    /* foreign next hop */
	announce(0, 1, "45.65.8.0/22", 52999, "192.0.2.11", 0);    /* wrong first AS */
	announce(0, 1, "45.65.12.0/22", 52001, "192.0.2.11", 0);   /* fine */
	CHECK_EQ_INT(collect(1, 300).announced, 1);
	CHECK_EQ_INT(route_count("192.0.2.11", "received"), 4);
	CHECK_EQ_INT(route_count("192.0.2.11", "rejected"), 3);
	stop();
}

/* Prefix k (0 .. 65535) of the table below: 45.(k / 256).(k % 256).0/24. */
static struct prefix table_prefix(uint32_t k)
{
	struct prefix p = { .afi = AFI_IPV4, .len = 24 };
	p.addr[0] = 45, p.addr[1] = (uint8_t)(k >> 8), p.addr[2] = (uint8_t)k;
	return p;
}

/* One UPDATE from peer id (AS 52001 + id, next hop 192.0.2.(11 + id))
 * announcing or withdrawing prefixes [first, first + n). */
static void table_update(uint32_t id, uint32_t gen, uint32_t first, uint32_t n, bool announce)
{
	struct wbuf w = { 0 };
	if (!announce) {
		wbuf_u16(&w, (uint16_t)(n * 4));
		for (uint32_t k = first; k < first + n; k++) {
			struct prefix p = table_prefix(k);
			prefix_write_nlri(&w, &p);
		}
		wbuf_u16(&w, 0);
	} else {
		wbuf_u16(&w, 0);
		size_t alen_at = w.len;
		wbuf_u16(&w, 0);
		uint8_t v[6] = { 0 };
		attr_put(&w, ATTR_F_TRANSITIVE, ATTR_ORIGIN, v, 1);
		uint8_t path[6] = { AS_SEQUENCE, 1 };
		put_u32(path + 2, 52001 + id);
		attr_put(&w, ATTR_F_TRANSITIVE, ATTR_AS_PATH, path, 6);
		uint8_t nh[4] = { 192, 0, 2, (uint8_t)(11 + id) };
		attr_put(&w, ATTR_F_TRANSITIVE, ATTR_NEXT_HOP, nh, 4);
		put_u16(w.data + alen_at, (uint16_t)(w.len - alen_at - 2));
		for (uint32_t k = first; k < first + n; k++) {
			struct prefix p = table_prefix(k);
			prefix_write_nlri(&w, &p);
		}
	}
	ipc_push(&in, ipc_msg_new(IPC_UPDATE, id, gen, w.data, w.len));
	wbuf_free(&w);
}

/* Which table prefixes a member holds (bit k: table_prefix(k)), and
 * whether End-of-RIB came. */
struct held {
	uint8_t bits[8192];
	bool eor, eorr;              /* End-of-RIB, RFC 7313 End-of-Route-Refresh */
	long announced;              /* announcements seen, repeats included */
};

static void held_update(const struct update_decoded *u, void *arg)
{
	struct held *h = arg;
	h->eor |= u->eor_family >= 0;
	h->announced += u->announced.n;
	for (uint32_t i = 0; i < u->withdrawn.n; i++) {
		const uint8_t *a = u->withdrawn.v[i].addr;
		h->bits[(a[1] << 8 | a[2]) / 8] &= (uint8_t)~(1u << (a[2] % 8));
	}
	for (uint32_t i = 0; i < u->announced.n; i++) {
		const uint8_t *a = u->announced.v[i].addr;
		h->bits[(a[1] << 8 | a[2]) / 8] |= (uint8_t)(1u << (a[2] % 8));
	}
}

static void held_refresh(uint8_t subtype, void *arg)
{
	((struct held *)arg)->eorr |= subtype == RR_END;
}

static bool holds(const struct held *h, uint32_t k)
{
	return h->bits[k / 8] & (1u << (k % 8));
}

/* The changes both walk tests make to a table of n prefixes: the first
 * 2,000 and the last 1,000 withdrawn, 500 new ones after them. */
static void change_table(uint32_t n)
{
	table_update(0, 1, 0, 2000, false);
	table_update(0, 1, n - 1000, 1000, false);
	table_update(0, 1, n, 500, true);
}

/* Prefixes a member holds that it should not after change_table(n), or
 * lacks that it should have. */
static int table_mismatches(const struct held *h, uint32_t n)
{
	int wrong = 0;
	for (uint32_t k = 0; k < n + 500; k++)
		wrong += holds(h, k) != (k >= 2000 && (k < n - 1000 || k >= n));
	return wrong;
}

/* A new session gets the table a part per turn of the RDE (more entries
 * than one turn's walk), while the table changes ahead of the walk and
 * behind it: it must end with exactly the table as it is then, its
 * exported count right, and End-of-RIB (RFC 4724 §2). */
TEST(a_new_sessions_table_comes_in_parts_with_every_change_made_meanwhile)
{
	start_walking(fixture_policy(), 8);   /* many turns: changes land between them */
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	peer_up(0, 1, false, false);
	enum { N = 60000 };
	for (uint32_t k = 0; k < N; k += 500)
		table_update(0, 1, k, 500, true);
	for (int i = 0; i < 100 && route_count("192.0.2.11", "received") < N; i++)
		poll(NULL, 0, 20);
	CHECK_EQ_INT(route_count("192.0.2.11", "received"), N);
	peer_up(1, 2, false, false);
	static struct held held;
	memset(&held, 0, sizeof(held));
	struct pump pu = { 1, NULL, held_update, &held, NULL };
	/* the walk's first part is out (it starts at the first entry) ... */
	for (int i = 0; i < 200 && !holds(&held, 0); i++)
		pump(&pu, 1);
	CHECK(holds(&held, 0) && !held.eor);
	/* ... so these changes are behind the walk, those ahead of it */
	change_table(N);
	pump(&pu, 1500);
	CHECK(held.eor);
	CHECK_EQ_INT(table_mismatches(&held, N), 0);
	CHECK_EQ_INT(route_count("192.0.2.12", "exported"), N - 3000 + 500);
	stop();
}

/* A ROUTE-REFRESH is answered by the same walk, a part per turn; the
 * member already holds the table, so every change made meanwhile --
 * ahead of the walk too -- must reach it, and its count must stand
 * (RFC 2918 §4). */
TEST(a_route_refresh_walks_the_table_while_every_change_reaches_the_member_rfc2918_4)
{
	start_walking(fixture_policy(), 8);
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	peer_up(0, 1, false, false);
	peer_up(1, 2, false, false);
	enum { N = 60000 };
	static struct held held;
	memset(&held, 0, sizeof(held));
	struct pump pu = { 1, NULL, held_update, &held, held_refresh };
	for (uint32_t k = 0; k < N; k += 500)
		table_update(0, 1, k, 500, true);
	for (int i = 0; i < 300 && held.announced < N; i++)
		pump(&pu, 10);
	CHECK_EQ_INT(held.announced, N);
	refresh_marker(1, 2, RR_NORMAL);
	for (int i = 0; i < 200 && held.announced == N; i++)   /* the walk has begun */
		pump(&pu, 1);
	held.eor = false;
	change_table(N);                /* behind the walk and ahead of it */
	pump(&pu, 1500);
	CHECK(held.eorr);                                       /* it negotiated enhanced refresh */
	CHECK(held.announced > N + 500);                        /* the table was sent again */
	CHECK_EQ_INT(table_mismatches(&held, N), 0);
	CHECK_EQ_INT(route_count("192.0.2.12", "exported"), N - 3000 + 500);
	stop();
}

TEST(policy_reload_refilters_stored_routes_without_session_reset)
{
	two_members(false, false, false);
	announce(0, 1, "45.65.0.0/24", 52001, "192.0.2.11", 0);
	announce(0, 1, "45.65.4.0/22", 52001, "192.0.2.11", 0);
	CHECK_EQ_INT(collect(1, 300).announced, 2);
	/* max 23: the /24 is now rejected, the /22 stays */
	struct rde_peer_cfg c = { .session = { .asn = 52001, .passive = true }, .policy = default_policy };
	ip_addr_parse("192.0.2.11", &c.session.addr);
	c.policy.v4_max = 23;
	ipc_push(&in, ipc_msg_new(IPC_PEER_POLICY, 0, 0, &c, sizeof(c)));
	CHECK_EQ_INT(collect(1, 200).withdrawn, 0);      /* in effect at the commit */
	ipc_push(&in, ipc_msg_new(IPC_POLICY_COMMIT, 0, 0, NULL, 0));
	struct seen s = collect(1, 300);
	CHECK_EQ_INT(s.withdrawn, 1);
	CHECK_EQ_INT(s.announced, 0);
	/* and back: the stored path is accepted again, no resend needed */
	c.policy.v4_max = 24;
	ipc_push(&in, ipc_msg_new(IPC_PEER_POLICY, 0, 0, &c, sizeof(c)));
	ipc_push(&in, ipc_msg_new(IPC_POLICY_COMMIT, 0, 0, NULL, 0));
	CHECK_EQ_INT(collect(1, 300).announced, 1);
	stop();
}

/* arouteserver's prepend_rs_as: that member gets the route server's AS in
 * front of every AS_PATH; the others get the paths unchanged. */
TEST(prepend_rs_as_puts_the_route_servers_as_first_for_that_member_only)
{
	start();
	struct peer_policy prepend = default_policy;
	prepend.prepend_rs_as = true;
	add_peer(0, 52001, "192.0.2.11");
	add_peer_with(1, 52002, "192.0.2.12", &prepend);
	add_peer(2, 52003, "192.0.2.13");
	peer_up(0, 1, false, false);
	peer_up(1, 2, false, false);
	peer_up(2, 3, false, false);
	announce(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0);
	struct seen s = collect(1, 300);
	CHECK_EQ_INT(s.announced, 1);
	CHECK_EQ_INT(s.as_path_len, 2);
	CHECK_EQ_INT(s.first_as, 59900);
	announce(0, 1, "45.65.4.0/22", 52001, "192.0.2.11", 0);   /* collect() keeps one member's */
	s = collect(2, 300);
	CHECK_EQ_INT(s.as_path_len, 1);
	CHECK_EQ_INT(s.first_as, 52001);
	/* turned on for AS52003 by a reload: it gets its table again */
	struct rde_peer_cfg c = { .session = { .asn = 52003, .passive = true }, .policy = prepend };
	ip_addr_parse("192.0.2.13", &c.session.addr);
	ipc_push(&in, ipc_msg_new(IPC_PEER_POLICY, 2, 0, &c, sizeof(c)));
	ipc_push(&in, ipc_msg_new(IPC_POLICY_COMMIT, 0, 0, NULL, 0));
	s = collect(2, 300);
	CHECK_EQ_INT(s.announced, 2);
	CHECK_EQ_INT(s.first_as, 59900);
	stop();
}

/* --- route queries (show routes) ------------------------------------------ */

/* Runs a `show routes` request (JSON text) as the control path does --
 * the listing comes in pieces, each asked for with a credit -- and
 * returns the reply's text (malloc'd). */
static char *query(const char *json)
{
	struct ctl_request req;
	char err[256];
	json_t *j = json_loads(json, 0, NULL);
	CHECK(j && ctl_request_parse(j, &req, err, sizeof(err)) == 0);
	json_decref(j);
	struct ipc_msg *q = ipc_msg_new(IPC_CONTROL, 0, 0, &req, sizeof(req));
	q->client = 7;
	ipc_push(&in, q);
	struct wbuf text = { 0 };
	struct pollfd pfd = { .fd = to_main.efd, .events = POLLIN };
	bool done = false;
	while (!done && poll(&pfd, 1, 2000) > 0)
		for (struct ipc_msg *m = ipc_take_all(&to_main), *n; m; m = n) {
			n = m->next;
			if (m->type == IPC_CONTROL && m->gen == CTL_PART_BYTES) {
				struct ctl_bytes b;
				memcpy(&b, m->body, sizeof(b));
				wbuf_put(&text, b.data, b.len);
				free(b.data);
				done = b.last;
				struct ipc_msg *c = ipc_msg_new(IPC_CONTROL_CREDIT, 0, 0, NULL, 0);
				c->client = 7;
				if (!done)
					ipc_push(&in, c);
				else
					ipc_msg_free(c);
			} else if (m->type == IPC_CONTROL) {
				json_t *reply;
				memcpy(&reply, m->body, sizeof(reply));
				char *s = json_dumps(reply, JSON_COMPACT);
				wbuf_put(&text, s, strlen(s));
				free(s);
				json_decref(reply);
				done = true;
			}
			ipc_msg_free(m);
		}
	wbuf_put(&text, "", 1);
	return (char *)text.data;
}

/* How many paths the listing shows (one JSON reply, or a route per line). */
static int paths_listed(const char *reply)
{
	int n = 0;
	for (const char *p = reply; (p = strstr(p, "\"neighbor\":")); p++)
		n++;
	return n;
}

static struct policy_global *policy_with_std_actions(void)
{
	struct policy_global *g = fixture_policy();
	struct cfg_community c = { .std = (char *)"0:peer_as", .lrg = (char *)"rs_as:0:peer_as" };
	comm_def_compile(&g->comm[CFG_COMM_DO_NOT_ANNOUNCE_TO_PEER], &c, g->rs_as);
	g->scrub = xcalloc(CFG_COMM_COUNT, sizeof(*g->scrub));
	for (int i = 0; i < CFG_COMM_COUNT; i++)       /* the route server's own */
		if (!comm_def_empty(&g->comm[i]))
			g->scrub[g->n_scrub++] = g->comm[i];
	return g;
}

/* The looking glass's lookups: routes not exported to a member with the
 * reason, the longest match of an address, by community, by origin AS,
 * and the listing a route per line. */
TEST(show_routes_finds_not_exported_routes_with_reason_and_looks_up_by_address_community_origin)
{
	start_with(policy_with_std_actions());
	add_peer(0, 52001, "192.0.2.11");
	add_peer(1, 52002, "192.0.2.12");
	add_peer(2, 52003, "192.0.2.13");
	peer_up(0, 1, false, false);
	peer_up(1, 2, false, false);
	peer_up(2, 3, false, false);
	announce_with(0, 1, "45.65.0.0/22", 52001, "192.0.2.11", 0, 52002);   /* 0:52002 */
	announce(2, 3, "45.65.8.0/22", 52003, "192.0.2.13", 0);
	CHECK_EQ_INT(collect(2, 300).announced, 1);

	char *r = query("{\"command\":\"show routes\",\"not_exported_to\":\"192.0.2.12\"}");
	CHECK_EQ_INT(paths_listed(r), 1);
	CHECK_CONTAINS(r, "\"prefix\":\"45.65.0.0/22\"");
	CHECK_CONTAINS(r, "\"not_exported_reason\":\"do not announce to this member (action community)\"");
	CHECK_CONTAINS(r, "\"not_exported_code\":1");
	CHECK_CONTAINS(r, "\"export_control\":{\"not_to\":[52002]");
	CHECK_CONTAINS(r, "\"0:52002\":\"do not announce to peer AS52002\"");
	free(r);
	r = query("{\"command\":\"show routes\",\"not_exported_to\":\"192.0.2.13\"}");
	CHECK_EQ_INT(paths_listed(r), 0);
	free(r);
	r = query("{\"command\":\"show routes\",\"match\":\"45.65.2.9\"}");
	CHECK_EQ_INT(paths_listed(r), 1);
	CHECK_CONTAINS(r, "45.65.0.0/22");
	free(r);
	r = query("{\"command\":\"show routes\",\"match\":\"45.65.12.1\"}");
	CHECK_EQ_INT(paths_listed(r), 0);
	free(r);
	r = query("{\"command\":\"show routes\",\"community\":\"0:52002\"}");
	CHECK_EQ_INT(paths_listed(r), 1);
	free(r);
	r = query("{\"command\":\"show routes\",\"origin_as\":52003,\"family\":\"ipv4\"}");
	CHECK_EQ_INT(paths_listed(r), 1);
	CHECK_CONTAINS(r, "45.65.8.0/22");
	free(r);
	r = query("{\"command\":\"show routes\",\"family\":\"ipv6\"}");
	CHECK_EQ_INT(paths_listed(r), 0);
	free(r);
	r = query("{\"command\":\"show routes\",\"lines\":true,\"accepted\":true}");
	CHECK_EQ_INT(paths_listed(r), 2);
	int lines = 0;
	for (char *line = strtok(r, "\n"); line; line = strtok(NULL, "\n"), lines++) {
		json_t *j = json_loads(line, 0, NULL);
		CHECK(j != NULL);
		json_decref(j);
	}
	CHECK_EQ_INT(lines, 3);             /* two routes, then the result */
	free(r);
	r = query("{\"command\":\"show routes\",\"not_exported_to\":\"192.0.2.99\"}");
	CHECK_CONTAINS(r, "no such neighbor");
	free(r);
	stop();
}
