/* SPDX-License-Identifier: ISC */
/* control: the daemon side of the Unix control sockets, on the main
 * thread's event loop.  Many clients at once, none able to stall the
 * daemon: sockets are non-blocking; a client has CTL_REQUEST_TIMEOUT_MS to
 * send its request and must keep reading its reply (no byte written for
 * CTL_WRITE_TIMEOUT_MS: dropped); each client's queued output is bounded
 * (a streamed `show routes` asks the RDE for its next piece only when the
 * client has taken the last, see ctl_reply.h).  A request goes to the
 * thread that owns the data (SE: sessions, RDE: routes; both for `show
 * neighbors`, whose parts are joined here) or to the daemon (reload,
 * status).  A read-only socket serves the `show` commands only. */
#ifndef IXPD_CONTROL_H
#define IXPD_CONTROL_H
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctl_proto.h"
#include "ipc.h"

#define CTL_MAX_CLIENTS 64
/* poll entries control_pollfds may fill: the listeners, the local
 * channel, the clients */
#define CTL_POLLFDS (3 + CTL_MAX_CLIENTS)
#define CTL_REQUEST_TIMEOUT_MS 5000
#define CTL_WRITE_TIMEOUT_MS 30000

struct ctl_client;

struct control {
	int listen_fd;               /* read-write socket */
	int ro_listen_fd;            /* read-only socket, or -1 */
	int channel_fd;              /* local channel (read-only clients), or -1 */
	char *path, *ro_path;
	struct ipc_queue *to_se, *to_rde, *to_archive;
	/* the daemon answers these itself */
	json_t *(*reload)(void *arg, char *err, size_t errlen);
	json_t *(*restart)(void *arg, char *err, size_t errlen);   /* NULL: refused */
	void (*add_status)(void *arg, json_t *status);
	void *arg;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
	size_t nclients;
	uint32_t next_id;            /* client ids are never reused */
};

/* Opens the read-write socket (mode 0660) and, if ro_path is not NULL,
 * the read-only one (mode 0666). */
int control_open(struct control *ctl, const char *path, const char *ro_path, char *err, size_t errlen);
void control_close(struct control *ctl);
/* Opens the local channel: the daemon's own read-only clients (the HTTP
 * server) connect through the returned fd with ctl_channel_connect(), no
 * socket file involved.  Returns the fd for them, or -1 with err. */
int control_local_channel(struct control *ctl, char *err, size_t errlen);

/* The event loop's view: control_pollfds fills at most max entries (the
 * listeners, then one per client) and returns how many; control_events
 * handles their revents (the same array, after poll); control_timeout_ms
 * is how long poll may wait before a client's deadline. */
size_t control_pollfds(const struct control *ctl, struct pollfd *pfd, size_t max);
void control_events(struct control *ctl, const struct pollfd *pfd, size_t n);
int control_timeout_ms(const struct control *ctl);
/* A reply or a piece of one (IPC_CONTROL from the SE or the RDE). */
void control_reply_arrived(struct control *ctl, struct ipc_msg *m);
/* Is a reply still being written to some client?  (`restart` waits for it.) */
bool control_writing(const struct control *ctl);
#endif
