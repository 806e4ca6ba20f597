/* SPDX-License-Identifier: ISC */
/* feeder: a sender's table (feeders and members) -- its prefixes and
 * attribute groups -- and its encoding into the session's output.
 *
 * A table is a range of prefix numbers cut into groups that share one
 * attribute set: synthesised (synth.h: prefix k of a family is a pure
 * function of the seed and k), a slice of the --mrt file, or the
 * session's own --table routes.  Output is generated ahead of the socket
 * up to TX_HIGH_WATER (feeder_fill), so the socket buffer stays full and
 * a KEEPALIVE waits at most behind that much.  On its first pass a sender
 * decodes its own UPDATEs into its table digest (sink.h, digest_add).
 * Main thread only: the encoder's scratch is shared by every call. */
#ifndef BGPLOAD_FEEDER_H
#define BGPLOAD_FEEDER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpload.h"

/* The decoder a sender checks its first pass with: before any encoding. */
void feeder_init(void);
void feeder_fini(void);

/* s's table: prefixes [base, base + s->f->n) synthesised; dies beyond
 * what the family can synthesise. */
void feeder_setup_synth(struct sess *s, uint64_t base);
/* s's table: prefixes [base, base + s->f->n) of an MRT table (the --mrt
 * file, or the session's own --table routes), cut short (with a log line)
 * where the table ends. */
void feeder_setup_mrt(struct sess *s, const struct mrt_data *table, uint64_t base);
/* Prefixes of group g (pointer valid until the next call) and, if attrs is
 * not NULL, the group's attribute set in canonical form appended to it. */
const struct prefix *feeder_group(struct sess *s, uint32_t g, size_t *n, struct wbuf *attrs);
/* Encodes group g announced (or withdrawn) into the session's output. */
void feeder_encode_group(struct sess *s, uint32_t g, bool announce);
/* Queues End-of-RIB. */
void feeder_queue_eor(struct sess *s);
/* Starts streaming the whole table in (GEN_ANNOUNCE) or out (GEN_WITHDRAW),
 * End-of-RIB after it if eor. */
void feeder_start(struct sess *s, enum gen_mode mode, bool eor);
/* Generates while the pending output is below the high-water mark. */
void feeder_fill(struct sess *s);

/* --print-table: every sender's table as text lines
 * prefix|as_path|med|communities|large on stdout; returns 0. */
int feeder_print_tables(void);
#endif
