/* SPDX-License-Identifier: ISC */
/* datasrc: the import policy's external data -- RPKI VRPs/ASPAs from a
 * JSON file, IRR data from RPSL dump files or bgpq4 (with the on-disk
 * cache as fallback), the ARIN and registro.br whois dumps (files or
 * downloads, cached) -- fetched on a thread of its own, so a slow IRR
 * server never stalls routing, and handed to the RDE as complete objects
 * (IPC_RPKI_DATA, IPC_IRR_DATA, IPC_WHOIS_DATA + IPC_POLICY_COMMIT); PeeringDB records
 * from the API go to the main thread (IPC_PDB_DATA), which derives the
 * members' policies from them.  Refreshed
 * periodically (rpki.refresh, irr.refresh in ixpd.yml) without a reload or
 * a session reset; only data that changed is sent.  RTR is not here: its
 * deltas go straight to the RDE (rpki_rtr.h). */
#ifndef IXPD_DATASRC_H
#define IXPD_DATASRC_H
#include "config.h"
#include "ipc.h"
#include "policy.h"

struct datasrc;

/* Starts the thread; its first round (initial load) begins at once. */
struct datasrc *datasrc_start(const struct ixpd_config *cfg, const struct policy_global *g,
    struct ipc_queue *to_rde, struct ipc_queue *to_main);
/* After a reload: fetch what the new configuration names (files, the
 * members' AS-SETs); starts a new round now. */
void datasrc_update(struct datasrc *ds, const struct ixpd_config *cfg, const struct policy_global *g);
void datasrc_stop(struct datasrc *ds);
#endif
