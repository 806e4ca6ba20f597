/* SPDX-License-Identifier: ISC */
/* rde_query: answers control requests about routes (`show routes`,
 * `show status`, the route counts of `show neighbors`) from the RDE's own
 * data, as JSON, on the RDE thread; the reply goes to the main thread,
 * which writes it to the client (ctl_reply.h).  A route listing is made a
 * piece at a time, as the client takes them. */
#ifndef IXPD_RDE_QUERY_H
#define IXPD_RDE_QUERY_H
#include <jansson.h>

#include "ipc.h"

struct rde;
/* IPC_CONTROL (body: struct ctl_request), IPC_CONTROL_CREDIT and
 * IPC_CONTROL_CANCEL from the main thread. */
void rde_query(struct rde *rde, const struct ipc_msg *m);
/* Advances the listings the clients are ready for by one bounded turn;
 * true if some listing could go on at once (the thread should not sleep). */
bool rde_query_run(struct rde *rde);
void rde_query_free(struct rde *rde);

/* Attribute rendering shared with tests. */
json_t *json_as_path(const uint8_t *attrs, size_t len);
json_t *json_communities(const uint8_t *attrs, size_t len, uint8_t type);
#endif
