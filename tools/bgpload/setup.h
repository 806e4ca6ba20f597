/* SPDX-License-Identifier: ISC */
/* setup: the sessions from their --session specifications, and what each
 * run needs before its first connection.
 *
 * setup() makes bl.sessions from opt.specs and every sender's table (the
 * --mrt file or the --table routes loaded, synthesised ranges assigned);
 * setup_run() adds what a run beyond --print-table needs: the prefix
 * index, expect=auto, churn bookkeeping, the --rib-log files, the
 * ceiling's encoded tables and enough file descriptors.  A wrong
 * specification or an impossible setup is a usage error: die().  Main
 * thread, before the event loop; what they allocate lives as long as the
 * process. */
#ifndef BGPLOAD_SETUP_H
#define BGPLOAD_SETUP_H

void setup(void);
void setup_run(void);
#endif
