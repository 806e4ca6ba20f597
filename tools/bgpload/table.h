/* SPDX-License-Identifier: ISC */
/* table: per-session tables from a text file (--table), for
 * replaying a multi-peer RIB with one session per original peer, and the
 * log of what each receiver is sent (--rib-log), for checking the route
 * server's choices against a model.
 *
 * One route a line, fields separated by '|':
 *     LOCAL_ADDR|PREFIX|AS_PATH|ORIGIN|MED
 * LOCAL_ADDR is the session that announces it; AS_PATH is space-separated
 * ASNs with AS_SETs as {a,b,c} (empty for an empty path); ORIGIN is IGP,
 * EGP or INCOMPLETE; MED a number or '-' for none.  '#' starts a comment.
 * The AS_PATH is sent as written (not rewritten with the session's AS, as
 * --mrt does).  Each session's routes are grouped by attribute set like an
 * MRT table (struct mrt_data).
 *
 * The tables are loaded on the main thread at setup and live as long as
 * the process; riblog_update runs on the main thread (the sessions'). */
#ifndef BGPLOAD_TABLE_H
#define BGPLOAD_TABLE_H
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>

#include "bgp_update.h"
#include "mrt.h"

struct table_owner {
	char addr[INET6_ADDRSTRLEN];
	struct mrt_data *m;
};

/* Reads the file into one table per announcing address (*nowners of
 * them, the array the caller's to free, the tables never freed); dies with
 * file:line on a malformed line. */
struct table_owner *table_load(const char *path, size_t *nowners);

/* --rib-log: one line per prefix announced or withdrawn, in arrival order,
 *     A PREFIX NEXT_HOP MED AS_PATH      (MED '-' when absent)
 *     W PREFIX
 *     D                                  (session lost: forget everything)
 *     E                                  (End-of-RIB)
 * so the last line of a prefix is what the receiver holds. */
void riblog_update(FILE *fp, const struct update_decoded *u);
#endif
