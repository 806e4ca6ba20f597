/* SPDX-License-Identifier: ISC */
/* se: the session engine thread.  It owns the sockets and the sessions,
 * runs every FSM and timer, and never waits on route processing: UPDATEs go
 * to the RDE as raw bytes and the RDE's encoded UPDATEs come back as shared
 * buffers.  If the RDE falls behind, the SE stops reading UPDATEs (TCP then
 * slows the senders) but keeps sending KEEPALIVEs and treats the paused
 * sessions' hold timers as satisfied. */
#ifndef IXPD_SE_H
#define IXPD_SE_H
#include <pthread.h>
#include <stdatomic.h>

#include "addr.h"
#include "ipc.h"
#include "log.h"
#include "session.h"

#define SE_MAX_LISTEN 16

struct se {
	struct session_env env;
	struct session *sessions[MAX_PEERS];
	uint32_t nsessions;          /* highest id + 1 */
	int epfd;
	int listen_fds[SE_MAX_LISTEN];
	struct ip_addr listen_addrs[SE_MAX_LISTEN];  /* family 0: the dual-stack wildcard */
	struct log_limit unknown_log;    /* connections from unconfigured addresses */
	int nlisten;
	struct ipc_queue *in, *to_rde, *to_main;
	pthread_t thread;
	atomic_bool stop;
};

/* What the session engine starts with; later changes of the timers come
 * as IPC_SETTINGS. */
struct se_settings {
	uint32_t local_as;
	uint32_t router_id;          /* host order */
	uint16_t hold_time, connect_retry, port;
	const struct ip_addr *listen; /* none: the dual-stack wildcard */
	int nlisten;                 /* at most SE_MAX_LISTEN */
	struct ipc_queue *archive;   /* the MRT update log, or NULL */
	bool restarting;             /* started after `ixpctl restart`: the Restart State bit */
};

/* Opens the listening sockets (errors are returned, so ixpd can refuse to
 * start) and starts the thread.  Sessions are created by IPC_PEER_ADD
 * messages, at start as on reload. */
int se_start(struct se *se, const struct se_settings *set, struct ipc_queue *in,
    struct ipc_queue *to_rde, struct ipc_queue *to_main, char *err, size_t errlen);
/* Stops the thread and closes every session: with a Cease NOTIFICATION,
 * or (graceful_restart) without one, as a restarting speaker does (RFC
 * 4724 §4.1), so members keep the route server's routes meanwhile. */
void se_stop(struct se *se, bool graceful_restart);
#endif
