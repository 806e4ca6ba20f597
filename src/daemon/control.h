/* SPDX-License-Identifier: ISC */
/* control: the daemon side of the Unix control socket.  Runs on the main
 * thread: accepts a client, reads and validates its request (ctl_proto),
 * hands it to the thread that owns the data (SE: sessions, RDE: routes;
 * both for `show neighbors`, whose parts it joins) or to the daemon
 * (reload), and writes the reply when it comes back. */
#ifndef IXPD_CONTROL_H
#define IXPD_CONTROL_H
#include <jansson.h>

#include "ctl_proto.h"
#include "ipc.h"

struct control {
	int listen_fd;
	char *path;
	struct ipc_queue *to_se, *to_rde;
	/* the daemon answers these itself */
	json_t *(*reload)(void *arg, char *err, size_t errlen);
	void (*add_status)(void *arg, json_t *status);
	void *arg;
	int status_fd;               /* client waiting for `show status` */
	struct join *joins;          /* requests answered in two parts */
	size_t njoins;
};

int control_open(struct control *ctl, const char *path, char *err, size_t errlen);
void control_close(struct control *ctl);
/* The listening socket is readable: serve one client. */
void control_accept(struct control *ctl);
/* A reply (IPC_CONTROL from the SE or RDE) is ready: write and close. */
void control_send_reply(struct control *ctl, struct ipc_msg *m);
#endif
