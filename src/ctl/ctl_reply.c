/* SPDX-License-Identifier: ISC */
#include "ctl_reply.h"

#include "ctl_proto.h"

static void push(struct ipc_queue *q, uint32_t client, enum ctl_reply_part part, const void *body,
    size_t len)
{
	struct ipc_msg *m = ipc_msg_new(IPC_CONTROL, 0, part, body, len);
	m->client = client;
	ipc_push(q, m);
}

void control_reply_part(struct ipc_queue *q, uint32_t client, enum ctl_reply_part part, json_t *result)
{
	json_t *reply = ctl_reply_ok(result);
	push(q, client, part, &reply, sizeof(reply));
}

void control_reply(struct ipc_queue *q, uint32_t client, json_t *result, const char *error)
{
	if (!error) {
		control_reply_part(q, client, CTL_PART_WHOLE, result);
		return;
	}
	json_t *reply = ctl_reply_error("%s", error);
	push(q, client, CTL_PART_WHOLE, &reply, sizeof(reply));
}

void control_reply_bytes(struct ipc_queue *q, uint32_t client, char *data, size_t len, bool last)
{
	struct ctl_bytes b = { data, len, last };
	push(q, client, CTL_PART_BYTES, &b, sizeof(b));
}
