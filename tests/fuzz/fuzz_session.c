/* SPDX-License-Identifier: ISC */
/* libFuzzer target: whatever a peer sends, through the real session code
 * (framing, OPEN negotiation, FSM, NOTIFICATION/ROUTE-REFRESH handling).
 * The whole input is fed twice, each time to a new session: first before
 * the session has been given a valid OPEN, then after a valid OPEN and
 * KEEPALIVE, so both the OpenSent and the Established states see hostile
 * bytes (a captured stream is a good seed for both). */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "session.h"

static void feed(struct session *s, int fd, const uint8_t *data, size_t size, uint64_t now)
{
	while (size && s->conn[0]) {
		ssize_t n = write(fd, data, size > 4096 ? 4096 : size);
		if (n <= 0)
			break;
		data += n;
		size -= (size_t)n;
		if (session_on_readable(s, s->conn[0], now) < 0)
			break;
	}
}

static void valid_open_and_keepalive(int fd)
{
	struct bgp_open o = { .version = 4, .my_as = 52001, .hold_time = 90, .bgp_id = 0xc000020b };
	o.caps.families = 1;
	o.caps.route_refresh = o.caps.as4 = true;
	o.caps.as4_asn = 52001;
	o.caps.role = ROLE_NONE;
	struct wbuf w = { 0 };
	bgp_open_encode(&w, &o);
	bgp_keepalive_encode(&w);
	(void)!write(fd, w.data, w.len);
	wbuf_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ipc_queue q;
	static bool init;
	if (!init) {
		log_set_level(LOG_LVL_ERR);
		ipc_queue_init(&q);
		init = true;
	}
	struct session_env env = { .local_as = 59900, .router_id = 0xc0000201, .hold_time = 90,
		.connect_retry = 5, .port = 179, .to_rde = &q };
	struct ipc_peer_session m = { .asn = 52001, .passive = true };
	ip_addr_parse("192.0.2.11", &m.addr);
	for (int phase = 0; phase < 2; phase++) {
		struct session *s = session_new(1, &env, &m);
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
			return 0;
		int big = 1 << 20;
		setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
		session_attach(s, sv[0], false, 1000);
		if (phase == 1) {
			valid_open_and_keepalive(sv[1]);
			session_on_readable(s, s->conn[0], 1000);
		}
		feed(s, sv[1], data, size, 2000);
		if (s->conn[0])
			session_tick(s, 1000000);      /* every timer fires */
		session_free(s);
		close(sv[1]);
		for (struct ipc_msg *x = ipc_take_all(&q), *n; x; x = n) {
			n = x->next;
			ipc_done(&q, x);
			ipc_msg_free(x);
		}
	}
	return 0;
}
