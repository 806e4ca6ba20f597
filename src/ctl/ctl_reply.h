/* SPDX-License-Identifier: ISC */
/* ctl_reply: how an engine thread (SE, RDE) answers a control request.
 * The request came with the control client's id; the answer goes back to
 * the main thread, which owns the client's socket and writes it.  A
 * request two threads answer (`show neighbors`: sessions from the SE,
 * route counts from the RDE) comes back in parts that the main thread
 * joins.  A listing of any size (`show routes`) comes back as pieces of
 * the reply's text: the RDE makes the next piece only when the client has
 * taken the last one (IPC_CONTROL_CREDIT), so a client that reads slowly,
 * or not at all, holds at most one piece in the daemon. */
#ifndef IXPD_CTL_REPLY_H
#define IXPD_CTL_REPLY_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc.h"

enum ctl_reply_part {
	CTL_PART_WHOLE,              /* body: json_t *, the answer (or the SE's part) */
	CTL_PART_ROUTE_COUNTS,       /* body: json_t *, the RDE's route counts by address */
	CTL_PART_BYTES,              /* body: struct ctl_bytes, a piece of a listing */
};

/* A piece of a reply's text; data (malloc'd) is handed over. */
struct ctl_bytes {
	char *data;
	size_t len;
	bool last;                   /* the reply ends with this piece */
};

/* Queues the reply for the client to q: an IPC_CONTROL message whose
 * body is the json_t * of {"ok":true,"result":..} or of the error, and
 * whose `gen` is the part.  Takes ownership of result. */
void control_reply(struct ipc_queue *q, uint32_t client, json_t *result, const char *error);
void control_reply_part(struct ipc_queue *q, uint32_t client, enum ctl_reply_part part, json_t *result);
/* Queues a piece of a listing; takes ownership of data. */
void control_reply_bytes(struct ipc_queue *q, uint32_t client, char *data, size_t len, bool last);
#endif
