/* SPDX-License-Identifier: ISC */
/* ctl_reply: see ctl_reply.h. */
#include "ctl_reply.h"

#include "ctl_proto.h"

void control_reply_part(struct ipc_queue *q, int fd, enum ctl_reply_part part, json_t *result)
{
	json_t *reply = ctl_reply_ok(result);
	struct ipc_msg *m = ipc_msg_new(IPC_CONTROL, 0, part, &reply, sizeof(reply));
	m->fd = fd;
	ipc_push(q, m);
}

void control_reply(struct ipc_queue *q, int fd, json_t *result, const char *error)
{
	if (!error) {
		control_reply_part(q, fd, CTL_PART_WHOLE, result);
		return;
	}
	json_t *reply = ctl_reply_error("%s", error);
	struct ipc_msg *m = ipc_msg_new(IPC_CONTROL, 0, CTL_PART_WHOLE, &reply, sizeof(reply));
	m->fd = fd;
	ipc_push(q, m);
}
