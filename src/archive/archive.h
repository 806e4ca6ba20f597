/* SPDX-License-Identifier: ISC */
/* archive: the MRT archive thread (RFC 6396) -- the only thread that
 * writes MRT files, so a slow disk never stalls a session or the RDE.
 *
 * RIB dumps: every rib_interval seconds (and on `ixpctl dump rib FILE`) it
 * asks the RDE for a TABLE_DUMP_V2 dump (IPC_MRT_DUMP) and writes the
 * pieces the RDE sends (IPC_MRT_PIECE), asking for each next one once the
 * last is written (IPC_MRT_CREDIT).  Update logs: the session engine sends
 * each UPDATE received and each session going up or down as a BGP4MP
 * record (IPC_MRT_RECORD); the archive appends them to the current file
 * and starts a new one every updates_interval seconds.  A file is written
 * under a temporary name (NAME.tmp) and renamed when complete; of each kind
 * the newest `keep` files stay (rib.YYYYMMDD.HHMMSS.mrt,
 * updates.YYYYMMDD.HHMMSS.mrt, UTC).  When the update log cannot keep up,
 * records beyond a backlog of 64 MiB are dropped and counted, never
 * queued without bound. */
#ifndef IXPD_ARCHIVE_H
#define IXPD_ARCHIVE_H
#include <stdbool.h>
#include <stdint.h>

#include "ipc.h"

struct archive_settings {
	const char *dir;             /* periodic files go here; NULL: none (dumps on demand only) */
	uint32_t rib_interval;       /* seconds; 0: no periodic RIB dumps */
	uint32_t updates_interval;   /* seconds; 0: no update log */
	uint32_t keep;               /* files of each kind kept */
	uint32_t collector_id;       /* the route server's router ID (host order) */
};

struct archive;

/* Starts the thread; to_rde: the RDE's queue, to_main: replies to control
 * clients.  Returns NULL with err (the directory cannot be made). */
struct archive *archive_start(const struct archive_settings *s, struct ipc_queue *to_rde,
    struct ipc_queue *to_main, char *err, size_t errlen);
/* Its queue: the SE's records, the RDE's pieces, the control requests. */
struct ipc_queue *archive_queue(struct archive *a);
/* Is the update log on?  (The SE sends records only then.) */
bool archive_logs_updates(const struct archive *a);
void archive_stop(struct archive *a);
#endif
