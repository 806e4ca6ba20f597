/* SPDX-License-Identifier: ISC */
/* paths: the file system locations the daemon and its clients agree on
 * when nothing else is configured. */
#ifndef IXPD_PATHS_H
#define IXPD_PATHS_H

#define IXPD_CONTROL_SOCKET "/run/ixpd/ixpd.sock"
#endif
