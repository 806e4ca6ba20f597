/* SPDX-License-Identifier: ISC */
/* ipc: messages between the threads -- main, the session engine (SE), the
 * route decision engine (RDE) and the data sources -- modelled on
 * OpenBGPD's imsg: each thread owns its data and they only exchange
 * messages through queues, one into each thread.  A queue is a
 * mutex-protected list plus an eventfd the consumer polls.  The payloads
 * both engines read are defined here; a payload only one thread reads is
 * defined in that thread's header (struct rde_peer_cfg in rde.h). */
#ifndef IXPD_IPC_H
#define IXPD_IPC_H
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bgp_msg.h"

/* Peer ids index the engines' peer tables; the daemon refuses a
 * configuration that would need more. */
#define MAX_PEERS 16384

/* Encoded BGP bytes shared by every session that sends them: the RDE
 * builds an UPDATE once per group of members receiving the same thing. */
struct msgbuf {
	atomic_uint refcnt;
	uint32_t len;
	uint8_t data[];
};
struct msgbuf *msgbuf_new(const void *data, size_t len);
void msgbuf_ref(struct msgbuf *m);
void msgbuf_unref(struct msgbuf *m);

enum ipc_type {
	/* SE -> RDE */
	IPC_PEER_UP,         /* session Established: body = struct ipc_peer_up */
	IPC_PEER_DOWN,       /* body = struct ipc_peer_down */
	IPC_UPDATE,          /* body = UPDATE message body (after the header) */
	IPC_REFRESH,         /* body = struct ipc_refresh */
	/* RDE -> SE */
	IPC_SEND,            /* msg = shared bytes, targets = sessions */
	IPC_RESET,           /* body = struct ipc_reset */
	/* main -> RDE / SE: a control request (body struct ctl_request); the
	 * answer comes back to main as IPC_CONTROL too (ctl_reply.h) */
	IPC_CONTROL,
	IPC_CONTROL_CREDIT,  /* main -> RDE: the client took a piece of its listing */
	IPC_CONTROL_CANCEL,  /* main -> RDE: the client is gone: drop its listing */
	/* main -> SE: body = struct ipc_peer_session; main -> RDE: body =
	 * struct rde_peer_cfg (rde.h) */
	IPC_PEER_ADD,        /* new peer, or changed: its session restarts */
	IPC_PEER_REMOVE,     /* de-configured */
	IPC_PEER_POLICY,     /* main -> RDE: only the import policy changed */
	IPC_POLICY_COMMIT,   /* main -> RDE: a reload's policy changes are all sent */
	IPC_POLICY_GLOBAL,   /* main -> RDE: body = struct policy_global * (handed over) */
	IPC_IRR_DATA,        /* main -> RDE: body = struct irr_member * (handed over) */
	IPC_WHOIS_DATA,      /* datasrc -> RDE: body = struct ipc_whois */
	IPC_RPKI_DATA,       /* datasrc -> RDE: body = struct rpki_update (rpki.h) */
	IPC_PDB_DATA,        /* datasrc -> main: body = struct pdb * (handed over) */
	IPC_PEER_GSHUT,      /* SE -> RDE: the operator shuts the session down gracefully */
	IPC_PEER_OUTPUT,     /* SE -> RDE: body = struct ipc_peer_output */
	IPC_SETTINGS,        /* main -> SE: body = struct ipc_settings */
	IPC_LISTEN,          /* main -> SE: the first members are in: listen() (TCP-MD5 keys set before) */
	IPC_MRT_RECORD,      /* SE -> archive: body = one MRT record (BGP4MP) */
	IPC_MRT_DUMP,        /* archive -> RDE: body = struct ipc_mrt_dump, start a RIB dump */
	IPC_MRT_PIECE,       /* RDE -> archive: body = struct ipc_mrt_piece */
	IPC_MRT_CREDIT,      /* archive -> RDE: the piece is written, make the next */
};

/* A member's session settings: a change of them restarts the session. */
/* Linux's TCP_MD5SIG_MAXKEYLEN: a clients.yml `password` is at most this long */
#define IPC_MD5_KEY_MAX 80

/* RFC 9234 BGP roles on a session (arouteserver's filtering.roles):
 * off, the route server sends no Role capability and ignores the member's;
 * on, it sends "route server", a member may only be an "RS client" and
 * the Only-to-Customer rules apply once both sent a role; strict, a
 * member that sends no role is refused (§4.2 strict mode). */
enum session_roles { ROLES_OFF, ROLES_ON, ROLES_STRICT };

struct ipc_peer_session {
	uint32_t asn;
	struct ip_addr addr;
	bool passive, add_path;
	char description[256];
	char password[IPC_MD5_KEY_MAX + 1];  /* TCP-MD5 key (RFC 2385); "" none */
	bool gtsm;                   /* RFC 5082: TTL 255 out, 256 - hops required in */
	uint8_t multihop;            /* hops away (multihop: the TTL without GTSM); 0 = 1 hop */
	uint8_t roles;               /* enum session_roles (session.h) */
};

/* IPC_WHOIS_DATA: a whois dump's route objects (whois_dump.h), handed
 * over; they replace those of its format. */
struct ipc_whois {
	uint8_t format;              /* enum whois_format */
	struct whois_routes *routes;
};

struct ipc_settings {
	uint16_t hold_time;
	uint16_t connect_retry;
};

struct ipc_peer_up {
	uint32_t bgp_id;
	uint32_t asn;
	struct bgp_caps caps;        /* negotiated: intersection of both sides */
	uint8_t addpath_tx;          /* families we send ADD-PATH to this peer */
	bool role_negotiated;        /* RFC 9234 roles exchanged: apply OTC rules */
	uint32_t rtt_ms;             /* the connection's RTT (session.h), 0 unknown */
};

struct ipc_peer_down {
	uint8_t keep_stale;          /* families to keep as stale (graceful restart) */
	uint16_t restart_time;       /* seconds to keep them */
};

/* IPC_PEER_OUTPUT: the session's output queue crossed its high-water mark
 * (paused: the RDE stops making UPDATEs for it and notes what it owes) or
 * fell below its low-water mark (the RDE sends what it owes). */
struct ipc_peer_output {
	bool paused;
};

/* IPC_RESET: close the session with `notify`.  For max-prefix the session
 * then stays down: `down_minutes` 0 until an operator brings it up (action
 * shutdown), else that long (action restart). */
struct ipc_reset {
	struct bgp_notify notify;
	bool max_prefix;
	uint32_t down_minutes;
};

struct ipc_refresh {
	uint8_t family;              /* enum family */
	uint8_t subtype;             /* enum rr_subtype */
};

/* A session instance: the RDE's messages for an older instance of the
 * session are dropped by the SE. */
struct session_ref {
	uint32_t peer;
	uint32_t gen;
};

/* A TABLE_DUMP_V2 RIB dump: the RDE walks its table a part per turn and
 * hands the archive thread a piece at a time, the next once the last is
 * written (IPC_MRT_CREDIT), so a slow disk never holds more than a piece. */
struct ipc_mrt_dump {
	uint32_t collector_id;       /* the PEER_INDEX_TABLE's BGP ID (host order) */
};
struct ipc_mrt_piece {
	uint8_t *data;               /* malloc'd MRT records, handed over */
	size_t len;
	bool last;                   /* the dump is complete */
};

struct ipc_msg {
	struct ipc_msg *next;
	enum ipc_type type;
	uint32_t peer;               /* peer index */
	uint32_t gen;                /* session generation */
	struct msgbuf *msg;          /* IPC_SEND */
	struct session_ref *targets; /* IPC_SEND */
	uint32_t n_targets;
	uint32_t client;             /* IPC_CONTROL*: the control client (ctl_reply.h) */
	size_t len;
	uint8_t body[];
};

struct ipc_msg *ipc_msg_new(enum ipc_type type, uint32_t peer, uint32_t gen, const void *body,
    size_t len);
void ipc_msg_free(struct ipc_msg *m);

struct ipc_queue {
	pthread_mutex_t lock;
	struct ipc_msg *head, *tail;
	size_t bytes;                /* bytes pushed and not yet ipc_done() */
	int efd;                     /* eventfd: readable while non-empty */
};

int ipc_queue_init(struct ipc_queue *q);
void ipc_queue_destroy(struct ipc_queue *q);
void ipc_push(struct ipc_queue *q, struct ipc_msg *m);
/* Takes everything queued (in order); returns NULL if empty. */
struct ipc_msg *ipc_take_all(struct ipc_queue *q);
/* The consumer reports a message processed, so the producer's flow
 * control (ipc_queued_bytes) counts what is really still waiting. */
void ipc_done(struct ipc_queue *q, const struct ipc_msg *m);
size_t ipc_queued_bytes(struct ipc_queue *q);
#endif
