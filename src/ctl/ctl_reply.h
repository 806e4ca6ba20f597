/* SPDX-License-Identifier: ISC */
/* ctl_reply: how an engine thread (SE, RDE) answers a control request.
 * The request came with the client's socket; the answer goes back to the
 * main thread, which owns the socket and writes it.  A request two
 * threads answer (`show neighbors`: sessions from the SE, route counts
 * from the RDE) comes back in parts that the main thread joins. */
#ifndef IXPD_CTL_REPLY_H
#define IXPD_CTL_REPLY_H
#include <jansson.h>

#include "ipc.h"

enum ctl_reply_part {
	CTL_PART_WHOLE,              /* the answer, or the part the client sees first */
	CTL_PART_ROUTE_COUNTS,       /* the RDE's route counts per neighbour address */
};

/* Queues the reply for client fd to q: an IPC_CONTROL message whose body
 * is the json_t * of {"ok":true,"result":..} or of the error, and whose
 * `gen` is the part.  Takes ownership of result. */
void control_reply(struct ipc_queue *q, int fd, json_t *result, const char *error);
void control_reply_part(struct ipc_queue *q, int fd, enum ctl_reply_part part, json_t *result);
#endif
