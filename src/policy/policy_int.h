/* SPDX-License-Identifier: ISC */
/* policy_int: what the files of the import policy (src/policy/) share with
 * each other and with no one else.  Everything here runs on the RDE
 * thread. */
#ifndef IXPD_POLICY_INT_H
#define IXPD_POLICY_INT_H
#include <stdbool.h>

#include "attr.h"
#include "community.h"
#include "policy.h"

#define COMM_NO_EXPORT    0xFFFFFF01u    /* RFC 1997 */
#define COMM_NO_ADVERTISE 0xFFFFFF02u
#define COMM_GRACEFUL_SHUTDOWN 0xFFFF0000u    /* RFC 8326 */

/* policy_check.c */
bool carries(const struct comm_def *def, const struct attr_set *a);

/* policy_attrs.c */
bool has_communities(const struct attr_set *a);

/* export_ctl.c */
/* sender_site: where the member that sent a connects (0 unknown) */
struct export_ctl *derive_ctl(const struct policy_global *g, const struct attr_set *a, uint32_t sender_site);
#endif
