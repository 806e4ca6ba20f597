/* SPDX-License-Identifier: ISC */
/* session: the RFC 4271 finite state machine of one member session, its
 * connections (at most one locally and one remotely initiated, for
 * collision detection, §6.8), timers, OPEN negotiation and message framing.
 * Runs only on the session-engine thread.  I/O is on real file descriptors
 * so tests drive it over a socketpair. */
#ifndef IXPD_SESSION_H
#define IXPD_SESSION_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bgp_msg.h"
#include "addr.h"
#include "ipc.h"
#include "log.h"

enum fsm_state {
	FSM_IDLE, FSM_CONNECT, FSM_ACTIVE, FSM_OPENSENT, FSM_OPENCONFIRM, FSM_ESTABLISHED,
};
const char *fsm_state_name(enum fsm_state s);

struct outq_item {
	struct outq_item *next;
	struct msgbuf *m;
	uint32_t off;               /* bytes of m already written */
};

struct conn {
	int fd;
	enum fsm_state state;
	bool outgoing;              /* we initiated it */
	uint8_t *rbuf;
	size_t rlen, rcap;
	struct outq_item *oq_head, *oq_tail;
	size_t oq_bytes;
	uint64_t oq_progress_ms;     /* the queue last moved (a write, or filling an empty queue) */
	struct bgp_open peer_open;
	uint64_t hold_deadline;     /* ms, 0 = none */
	uint64_t keepalive_due;     /* ms, 0 = none */
};

/* What the daemon-wide settings give every session. */
struct session_env {
	uint32_t local_as;
	uint32_t router_id;         /* host order */
	uint16_t hold_time;
	uint16_t connect_retry;
	uint16_t port;
	struct ipc_queue *to_rde;   /* NULL in unit tests that do not need it */
	struct ipc_queue *to_archive;   /* the MRT update log, or NULL (archive.h) */
	bool input_paused;          /* RDE is behind: do not read UPDATEs */
	uint64_t restarting_until;  /* ms: our OPENs carry the Restart State bit until then
	                               (RFC 4724 §4.1: started after a graceful restart) */
};

/* The restart time our graceful restart capability announces: members keep
 * the route server's routes that long while it restarts. */
#define GR_RESTART_TIME_S 120

#define SESSION_NOTIFY_CODES 9
/* A member that takes no byte of its queued output for its hold time (this,
 * with hold time 0) is dropped. */
#define SESSION_STALL_DEFAULT_S 90

struct session_stats {
	uint64_t msgs_in, msgs_out, updates_in, updates_out;
	uint64_t notifications_in, notifications_out;
	/* by error code (RFC 4271 §4.5 and later: 1..8; [0] any other) */
	uint64_t notify_in_code[SESSION_NOTIFY_CODES], notify_out_code[SESSION_NOTIFY_CODES];
	uint64_t established;        /* times the session came up */
	uint64_t failed_opens;       /* connections that ended before Established */
	uint64_t refused_idle;       /* connections refused during an idle hold */
	uint64_t output_pauses;      /* times its output queue reached the high-water mark */
};

/* RFC 4271 §8.1.1 DampPeerOscillations: after the second connection in a
 * row that ends before Established (garbage, a bad OPEN, a close), the
 * session holds Idle -- no connect, incoming connections refused -- for
 * IDLE_HOLD_BASE_MS, doubling with each further failure up to
 * IDLE_HOLD_MAX_MS; reaching Established clears it.  A member in a
 * reconnect loop then costs a connection every two minutes, not a
 * connection, an OPEN and log lines as fast as it can. */
/* Output flow control: above OUTPUT_HIGH_WATER bytes queued for a member
 * the RDE is told to stop making UPDATEs for it (it notes what the member
 * misses, a bit per RIB entry); below OUTPUT_LOW_WATER it sends what was
 * missed.  So a slow or stuck member holds at most about the high-water
 * mark of encoded UPDATEs, however much the table churns meanwhile; one
 * that takes no byte for its hold time is dropped (session_tick). */
#define OUTPUT_HIGH_WATER (4u << 20)
#define OUTPUT_LOW_WATER  (1u << 20)
#define IDLE_HOLD_BASE_MS 1000
#define IDLE_HOLD_MAX_MS  (120 * 1000)

struct session {
	uint32_t id;
	struct session_env *env;
	/* configuration */
	uint32_t asn;
	struct ip_addr addr;
	struct ip_addr local;        /* our address on the Established connection */
	bool passive, add_path;
	char *description;
	char password[IPC_MD5_KEY_MAX + 1];  /* TCP-MD5 key; "" none */
	bool gtsm;                   /* RFC 5082 on its connections */
	uint8_t multihop;           /* eBGP multihop: hops away (TTL); 0 = directly connected */
	uint8_t roles;              /* enum session_roles */
	/* state */
	struct conn *conn[2];       /* [0] established or only, [1] collision candidate */
	bool admin_down;
	uint64_t down_until;        /* ms: admin_down ends then (max-prefix restart), 0 = stays */
	uint64_t gshut_down_at;     /* ms: graceful shutdown in progress, admin down then */
	char gshut_message[256];
	uint32_t gen;               /* bumped each time the session is Established */
	int64_t since;              /* wall clock of the last state change */
	uint64_t connect_at;        /* ms: next active connect attempt, 0 = none */
	unsigned open_failures;     /* connections in a row that ended before Established */
	uint64_t idle_until;        /* ms: idle hold (DampPeerOscillations) ends then, 0 = none */
	struct log_limit failure_log;   /* lines about connections failing before Established */
	bool output_paused;         /* the RDE was told the queue is above the high-water mark */
	char last_error[400];
	/* negotiated while Established */
	uint16_t hold_time, keepalive;
	size_t max_msg;
	struct bgp_caps caps;       /* intersection of both sides */
	uint8_t addpath_tx;
	bool role_negotiated;
	/* The connection's round-trip time when it became Established (the
	 * lowest the kernel saw, handshake and OPEN exchange included: the
	 * path's delay; ms, 1..60000 as arouteserver normalises it; 0
	 * unknown).  The RDE judges RTT-based communities by
	 * it for the whole session, as arouteserver by the value its RTT
	 * getter gave when the configuration was built: export decisions that
	 * followed every wobble of the network would make members churn. */
	uint32_t rtt_ms;
	uint32_t peer_bgp_id;
	struct session_stats stats;
};

struct session *session_new(uint32_t id, struct session_env *env, const struct ipc_peer_session *m);
void session_free(struct session *s);
/* The address family the session carries (its neighbour address's). */
enum family session_family(const struct session *s);
enum fsm_state session_state(const struct session *s);

/* A connection to the peer exists (accepted or connected): starts the
 * OPEN exchange on it.  Returns -1 if it was refused and closed. */
int session_attach(struct session *s, int fd, bool outgoing, uint64_t now);
/* Socket readiness. Return -1 if the connection was closed. */
int session_on_readable(struct session *s, struct conn *c, uint64_t now);
int session_on_writable(struct session *s, struct conn *c);
/* Socket writable: finishes a pending connect() or flushes output. */
int session_conn_writable(struct session *s, struct conn *c, uint64_t now);
/* Timers; returns the next deadline (ms) it needs to be called at. */
uint64_t session_tick(struct session *s, uint64_t now);

/* Queues bytes (shared buffer) on the Established connection. */
void session_send_shared(struct session *s, struct msgbuf *m);
/* Closes everything with a NOTIFICATION (NULL: none), records reason. */
void session_close(struct session *s, const struct bgp_notify *n, const char *why, uint64_t now);
void session_admin_down(struct session *s, const char *message, uint64_t now);
void session_admin_up(struct session *s, uint64_t now);
/* RFC 8326 graceful shutdown by the operator: the RDE has been told to
 * announce the member's routes with GRACEFUL_SHUTDOWN (LOCAL_PREF 0);
 * the session goes administratively down after wait_ms, once the other
 * members have moved to alternative paths. */
void session_graceful_down(struct session *s, const char *message, uint64_t wait_ms, uint64_t now);
/* Max-prefix tripped (the RDE counted): closes with the Cease/1
 * NOTIFICATION and stays down for `minutes` (0: until admin up). */
void session_max_prefix_down(struct session *s, const struct bgp_notify *n, uint32_t minutes,
    uint64_t now);
/* Asks the member to resend its routes (ROUTE-REFRESH, RFC 2918). */
int session_request_refresh(struct session *s);

/* Hooks the session engine sets to track fds in its poll set. */
struct session_hooks {
	void (*fd_added)(struct session *s, struct conn *c);
	void (*fd_removed)(struct session *s, struct conn *c);
	void (*want_write)(struct session *s, struct conn *c, bool on);
};
void session_set_hooks(const struct session_hooks *h);

#endif
