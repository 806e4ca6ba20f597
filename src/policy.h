/* policy: the import decision for each received path (accept, or reject
 * with a reason kept in the Adj-RIB-In) and the export control derived
 * from a path's communities.  This is where the IXP filters of RFC 7948
 * plug in between the Adj-RIB-In and the decision process. */
#ifndef IXPD_POLICY_H
#define IXPD_POLICY_H
#include <stdint.h>

#include "attr.h"
#include "prefix.h"

enum reject_reason {
	REJECT_NONE = 0,
	REJECT_OTC_LEAK,             /* RFC 9234 §5: OTC from an RS client */
	REJECT_AS_PATH_EMPTY,        /* a member's route must carry its AS */
	REJECT_REASON_COUNT,
};
const char *reject_reason_str(uint16_t reason);

struct policy_peer {
	uint32_t asn;
	bool role_negotiated;
};

uint16_t policy_import(const struct policy_peer *peer, const struct prefix *p,
    const struct attr_set *attrs);

/* Fills attrs->ctl (export control) and attrs->local_pref once per set.
 * Recognised (rs_as = the route server's AS):
 *   large  rs_as:0:peer  do not announce to peer;  rs_as:0:0  to nobody
 *          rs_as:1:peer  announce to peer (with rs_as:0:0)
 *   std    0:peer        do not announce to peer;  0:rs_as    to nobody
 *          rs_as:peer    announce to peer (with 0:rs_as)       */
void policy_derive(uint32_t rs_as, struct attr_set *attrs);
#endif
