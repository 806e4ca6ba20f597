/* SPDX-License-Identifier: ISC */
/* rde_query: answers control requests about routes (`show routes`,
 * `show status`) from the RDE's own data, as JSON, on the RDE thread; the
 * reply goes to the main thread, which writes it to the client.  The
 * request (IPC_CONTROL) body is a struct ctl_request. */
#ifndef IXPD_RDE_QUERY_H
#define IXPD_RDE_QUERY_H
#include <jansson.h>

#include "ipc.h"

struct rde;
void rde_query(struct rde *rde, const struct ipc_msg *request);

/* Attribute rendering shared with tests. */
json_t *json_as_path(const uint8_t *attrs, size_t len);
json_t *json_communities(const uint8_t *attrs, size_t len, uint8_t type);
#endif
