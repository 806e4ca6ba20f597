/* SPDX-License-Identifier: ISC */
/* version: ixpd's version, one place for the daemon, its client and what
 * they tell others (the birdwatcher API's Version, the metrics' build info). */
#ifndef IXPD_VERSION_H
#define IXPD_VERSION_H
#define IXPD_VERSION "0.1.0"
#endif
