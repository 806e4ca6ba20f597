/* SPDX-License-Identifier: ISC */
/* privdrop: ixpd gives up root once it has bound what needs it (BGP port
 * 179, the control sockets, the HTTP port): it becomes `--user`, with no
 * supplementary groups, no capability left and no_new_privs, so nothing it
 * executes later (bgpq4) or any flaw in a parser can regain them. */
#ifndef IXPD_PRIVDROP_H
#define IXPD_PRIVDROP_H
#include <stddef.h>

/* Makes the directories the daemon writes (may be NULL) the user's, then
 * switches every thread to user (setgroups, setresgid, setresuid: glibc
 * applies them to all threads) and sets no_new_privs.  Returns 0, or -1
 * with err; checks that root cannot be had back. */
int privdrop(const char *user, const char *const *dirs, size_t ndirs, char *err, size_t errlen);
#endif
