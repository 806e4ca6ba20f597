/* SPDX-License-Identifier: ISC */
/* report: the progress line (--progress) and the JSON summary at exit.
 *
 * The summary (docs/bgpload.md, "Times and the summary") keeps every key
 * earlier versions had; `feeders` aggregates over all senders, `sinks`
 * over all receivers.  Main thread; report_summary after the ceiling's
 * thread has stopped. */
#ifndef BGPLOAD_REPORT_H
#define BGPLOAD_REPORT_H
#include <stdbool.h>
#include <stdint.h>

/* One progress line on stderr. */
void report_progress(uint64_t now);
/* Writes the JSON summary (stdout or --json FILE; dies if the file cannot
 * be written); returns whether the run succeeded: no session dropped or
 * failed to open, no decode error, every expectation met, no churn event
 * lost. */
bool report_summary(uint64_t now);
#endif
