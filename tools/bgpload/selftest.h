/* SPDX-License-Identifier: ISC */
/* selftest: --selftest-speed, the rates of synthesis, encoding and
 * decoding on this machine.
 *
 * For each family, a table of max(--prefixes, 2,000,000) prefixes (or
 * --prefixes if above 10,000) is synthesised, encoded (with and without
 * the table digest), decoded, put in a prefix set, indexed and received
 * by two receivers (decoded, then from the decode cache); the rates go to
 * stderr and as JSON to stdout.  Dies if a stage loses a prefix.  Main
 * thread, instead of a run. */
#ifndef BGPLOAD_SELFTEST_H
#define BGPLOAD_SELFTEST_H

/* Returns the exit status (0). */
int selftest_speed(void);
#endif
